"""The `clause-ids-known` check: every cited clause id is valid (SPEC §4)."""

from __future__ import annotations

from collections.abc import Iterable

from qmslint.checks.context import CheckContext
from qmslint.checks.kind import CheckKind, options_schema
from qmslint.model import Finding


def clause_ids_known(ctx: CheckContext) -> Iterable[Finding]:
    catalogues = ctx.repo.catalogues
    for document in ctx.select(None):
        written = document.fields.get("clauses")
        if written is None or written.source == "body":
            continue  # the body fallback is read-only prose; only metadata is held to the grammar
        for citation in ctx.repo.citations.get(document.path, ()):
            if citation.clause is None:
                message = f"cannot read clause '{citation.text}': {citation.error}"
            elif citation.clause.framework not in catalogues.by_framework:
                message = (
                    f"clause '{citation.text}' names framework '{citation.clause.framework}', "
                    f"which qmslint has no catalogue for"
                )
            elif not catalogues.known(citation.clause):
                hint = catalogues.by_framework[citation.clause.framework].suggest(citation.clause)
                message = f"clause '{citation.text}' ({citation.clause}) does not exist" + (
                    f"; nearest valid: {hint}" if hint else ""
                )
            else:
                continue
            yield ctx.finding(
                message, document, written, item=citation.index, key=f"clause:{citation.text}"
            )


CLAUSES = CheckKind(
    "clause-ids-known",
    clause_ids_known,
    options_schema({}),
    "every cited clause id is valid",
)
