"""The `clause-ids-known` check: every cited clause id is valid (SPEC §4)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import NamedTuple

from qmslint.checks.context import CheckContext
from qmslint.checks.kind import CheckKind, options_schema
from qmslint.clauses import Catalogue, Catalogues, ClauseId
from qmslint.index.citations import Citation
from qmslint.model import Document, Finding

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
    for document, citation, verdict in _cited(ctx):
        catalogue, below, reserved = verdict.catalogue, verdict.below, verdict.reserved
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
        elif below is None and not verdict.known:
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


class Verdict(NamedTuple):
    """What the catalogue says of one clause id; the same for every citation of it."""

    catalogue: Catalogue | None
    below: str | None  # the listed id an unlisted one is accepted below
    reserved: str | None  # why a reserved section is empty
    known: bool

    @property
    def clean(self) -> bool:
        """A listed, unreserved id of a catalogued framework: nothing to report."""
        return (
            self.catalogue is not None
            and self.below is None
            and self.reserved is None
            and self.known
        )


def _cited(ctx: CheckContext) -> list[tuple[Document, Citation, Verdict]]:
    """The citations a rule of this kind may report, each with its clause's verdict: worked out
    once per run for all of them (they read every citation of every document). A listed,
    unreserved clause id of a catalogued framework is left out: no rule of the kind reports it."""
    found = ctx.shared.memo.get("clause-ids-known")
    if found is not None:
        return found
    catalogues = ctx.repo.catalogues
    verdicts: dict[ClauseId | None, Verdict] = {None: Verdict(None, None, None, False)}
    found = []
    for document in ctx.select(None):
        for citation in ctx.repo.citations.get(document.path, ()):
            if citation.path is not None:
                continue  # claimed by a mapping document: reported there
            if citation.clause is None and citation.source not in METADATA:
                continue  # a body text the reader took for a citation: `show` lists it
            verdict = verdicts.get(citation.clause)
            if verdict is None:
                verdict = verdicts[citation.clause] = _verdict(citation.clause, catalogues)
            if not verdict.clean:
                found.append((document, citation, verdict))
    ctx.shared.memo["clause-ids-known"] = found
    return found


def _verdict(clause: ClauseId, catalogues: Catalogues) -> Verdict:
    catalogue = catalogues.by_framework.get(clause.framework)
    if catalogue is None:
        return Verdict(None, None, None, catalogues.known(clause))
    return Verdict(
        catalogue,
        catalogue.accepted_below(clause),
        catalogue.reserved_note(clause),
        catalogues.known(clause),
    )


CLAUSES = CheckKind(
    "clause-ids-known",
    clause_ids_known,
    options_schema({"unlisted": {"type": "boolean"}, "reserved": {"type": "boolean"}}),
    "every cited clause id is valid",
)
