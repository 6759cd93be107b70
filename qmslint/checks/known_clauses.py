"""The `clause-ids-known` check: every cited clause id is valid (SPEC §4)."""

from __future__ import annotations

from collections.abc import Iterable

from qmslint.checks.context import CheckContext
from qmslint.checks.kind import CheckKind, options_schema
from qmslint.model import Finding


def clause_ids_known(ctx: CheckContext) -> Iterable[Finding]:
    """Every cited clause id is valid. With `unlisted`, the rule reports instead the MDR and CFR
    ids the catalogue does not list but accepts, below a listed article, annex or part."""
    catalogues = ctx.repo.catalogues
    unlisted = ctx.options.get("unlisted", False)
    for document in ctx.select(None):
        written = document.fields.get("clauses")
        if written is None or written.source == "body":
            continue  # the body fallback is read-only prose; only metadata is held to the grammar
        for citation in ctx.repo.citations.get(document.path, ()):
            catalogue = (
                catalogues.by_framework.get(citation.clause.framework) if citation.clause else None
            )
            below = catalogue.accepted_below(citation.clause) if catalogue else None
            if unlisted:
                if below is None:
                    continue
                message = (
                    f"clause '{citation.text}' ({citation.clause}) is not listed in qmslint's "
                    f"catalogue; accepted as a paragraph or point below {below}"
                )
            elif citation.clause is None:
                message = f"cannot read clause '{citation.text}': {citation.error}"
            elif catalogue is None:
                message = (
                    f"clause '{citation.text}' names framework '{citation.clause.framework}', "
                    f"which qmslint has no catalogue for"
                )
            elif below is None and not catalogues.known(citation.clause):
                hint = catalogue.suggest(citation.clause)
                message = f"clause '{citation.text}' ({citation.clause}) does not exist" + (
                    f"; nearest valid: {hint}" if hint else ""
                )
            else:
                continue
            key = f"clause:{citation.text}"
            if citation.clause is not None and str(citation.clause) != citation.text:
                key += f"={citation.clause}"  # a range names several clauses in one item
            yield ctx.finding(message, document, written, item=citation.index, key=key)


CLAUSES = CheckKind(
    "clause-ids-known",
    clause_ids_known,
    options_schema({"unlisted": {"type": "boolean"}}),
    "every cited clause id is valid",
)
