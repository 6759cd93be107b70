"""The `clause-ids-known` check: every cited clause id is valid (SPEC §4)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from qmslint.checks.context import CheckContext
from qmslint.checks.kind import CheckKind, options_schema
from qmslint.model import Finding

METADATA = ("front-matter", "sidecar", "record")


def clause_ids_known(ctx: CheckContext) -> Iterable[Finding]:
    """Every cited clause id is valid, wherever it is written (front matter, the body's
    reference table, line or section). With `unlisted`, the rule reports instead the MDR and CFR
    ids the catalogue does not list but accepts, below a listed article, annex or part; with
    `reserved`, the sections the catalogue marks as reserved (the old QSR numbering).

    A framework qmslint has no catalogue for (IEC 62304, ISO 27001) is kept and shown, never a
    finding, unless its name is one letter away from a catalogued one (`iso1345`)."""
    catalogues = ctx.repo.catalogues
    unlisted = ctx.options.get("unlisted", False)
    reserved_only = ctx.options.get("reserved", False)
    for document in ctx.select(None):
        for citation in ctx.repo.citations.get(document.path, ()):
            if citation.path is not None:
                continue  # claimed by a mapping document: reported there
            if citation.clause is None and citation.source not in METADATA:
                continue  # a body text the reader took for a citation: `show` lists it
            catalogue = (
                catalogues.by_framework.get(citation.clause.framework) if citation.clause else None
            )
            below = catalogue.accepted_below(citation.clause) if catalogue else None
            reserved = catalogue.reserved_note(citation.clause) if catalogue else None
            if reserved_only:
                if reserved is None:
                    continue
                message = f"clause '{citation.text}' ({citation.clause}) is {reserved}"
            elif unlisted:
                if below is None:
                    continue
                message = (
                    f"clause '{citation.text}' ({citation.clause}) is not listed in qmslint's "
                    f"catalogue; accepted as a paragraph or point below {below}"
                )
            elif citation.clause is None:
                message = f"cannot read clause '{citation.text}': {citation.error}"
            elif catalogue is None:
                near = difflib.get_close_matches(
                    citation.clause.framework, list(catalogues.by_framework), n=1, cutoff=0.9
                )
                if not near:
                    continue
                message = (
                    f"clause '{citation.text}' names framework '{citation.clause.framework}'; "
                    f"did you mean {near[0]}?"
                )
            elif reserved is not None:
                continue  # a section the QMSR reserves: the rule with `reserved` reports it
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
            yield ctx.finding(message, document, position=citation.position, key=key)


CLAUSES = CheckKind(
    "clause-ids-known",
    clause_ids_known,
    options_schema({"unlisted": {"type": "boolean"}, "reserved": {"type": "boolean"}}),
    "every cited clause id is valid",
)
