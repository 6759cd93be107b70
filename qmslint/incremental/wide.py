"""The kinds that read the whole repository, after an edit of a few documents: which of their
rules the edit can reach, which documents those need beside the edited ones, and which of
their findings it can change.

- `devices-declared`, `device-fact` and `exclusion-allowed` read the portfolio and the quality
  manuals alone, and an edit of a device document or a manual is never worked out
  (edits.edited_fields): their findings stand.
- `unique-ids`, `references-resolve`, `no-obsolete-citations` and `supersession` say what they
  say of a document from the documents that have the ids it names, and of an id from the
  documents that have it or name it. An edit can change only what they say of the edited
  documents and of the ids they have or name, before or after it (`ids_reached`); those
  findings are made again over the edited documents and every document that has or names one
  of those ids (Recorded.around), and compared (`touched_by`).
- `clause-ids-known` says what it says of each document from that document's citations.
- `document-exists` decides a requirement from the documents citing its clauses (and, for the
  near misses, citing one of the same framework and top-level clause). A rule the edited
  documents cite nothing of (`reaches`) says what it said. One they reach is answered from
  its standing (existence.standing): it is satisfied after the edit when the edited documents
  satisfy it among the few read, or when every part of it rests on a document that is not
  edited (`standing_after`); else it is decided again over the documents its finding read
  (`read_by`) or, when those were not noted, over every document it may read (`pool`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from qmslint import clauses as clause_ids
from qmslint.checks import existence
from qmslint.checks.context import CheckContext, Shared
from qmslint.clauses import coverage
from qmslint.incremental import facts
from qmslint.incremental.edits import CLAIMS
from qmslint.incremental.recorded import REFERENCE_KINDS, Recorded, targets_of
from qmslint.index.devices import as_list
from qmslint.index.repository import Repository, family
from qmslint.model import Document, Finding
from qmslint.packs.rules import Rule

STANDING_KINDS = frozenset({"devices-declared", "device-fact", "exclusion-allowed"})
BY_ID_KINDS = frozenset({"unique-ids", *REFERENCE_KINDS})
PER_DOCUMENT_KINDS = frozenset({"clause-ids-known"})
EXISTS = "document-exists"
CITATIONS = frozenset({"clauses", CLAIMS})
# The values each kind reads of a document (and, for the reference kinds, the fields the run
# recorded), besides those a rule's options name (edits.names_any): an edit of none of them
# leaves what its rules say as the run said it.
READS: dict[str, frozenset[str]] = {
    EXISTS: frozenset({"status", "type", "id", "devices", *CITATIONS}),
    "unique-ids": frozenset({"id"}),
    **{kind: frozenset({"status", "type", "id"}) for kind in REFERENCE_KINDS},
    "clause-ids-known": CITATIONS | {"id"},  # every finding on a document names its id
}


def reads(kind: str, fields: list[str]) -> frozenset[str] | None:
    """What a rule of `kind` reads of a document (None: a kind not known here)."""
    found = READS.get(kind)
    if found is not None and kind in REFERENCE_KINDS:
        return found | set(fields)
    return found


def ids_reached(edits: Iterable[tuple[Document, Document]], fields: list[str]) -> set[str]:
    """The ids the edited documents have or name in a reference field, before and after."""
    found: set[str] = set()
    for pair in edits:
        for document in pair:
            if document.id:
                found.add(document.id)
            found.update(targets_of(document, fields))
    return found


def touched_by(finding: Finding, kind: str, edited: Mapping[str, Any], ids: set[str]) -> bool:
    """Whether an edit can change this finding of a rule of `kind` (BY_ID_KINDS or
    PER_DOCUMENT_KINDS): one of an edited document, or of an id in `ids`."""
    if finding.path in edited:
        return True
    if kind == "unique-ids":
        return finding.document in ids
    if kind in REFERENCE_KINDS:
        _, colon, target = finding.key.partition(":")  # `related:SOP-9`, `supersedes-twice:X`
        return not colon or target in ids  # a key of another shape: compared as it is
    return False


def visible(rule: Rule, document: Document) -> bool:
    """Whether a `document-exists` rule reads the document at all: one of another type than
    its selector names is neither selected nor a near miss (existence.py)."""
    types = as_list((rule.options.get("select") or {}).get("type"))
    return not types or document.type in types


def required(rule: Rule) -> list[clause_ids.ClauseId]:
    """The clauses a `document-exists` rule asks for (its selector's, then `all_of`); none
    when one does not parse (the run reports it)."""
    selector = rule.options.get("select") or {}
    texts = [*selector.get("clauses", ()), *rule.options.get("all_of", ())]
    try:
        return [clause_ids.parse(text) for text in texts]
    except clause_ids.ClauseError:
        return []


def reaches(
    wanted: list[clause_ids.ClauseId],
    cited: Iterable[clause_ids.ClauseId],
    catalogues: clause_ids.Catalogues,
) -> bool:
    """Whether a document citing `cited` can take part in deciding a requirement of `wanted`:
    it covers one of them, or cites a clause of the same framework and top-level clause (the
    near misses a finding names)."""
    families = {family(clause) for clause in wanted}
    return any(_takes_part(clause, wanted, families, catalogues) for clause in cited)


def _takes_part(
    clause: clause_ids.ClauseId,
    wanted: list[clause_ids.ClauseId],
    families: set[tuple[str, str]],
    catalogues: clause_ids.Catalogues,
) -> bool:
    """Whether citing `clause` covers one of `wanted` or shares its family (`reaches`)."""
    return family(clause) in families or any(
        coverage.covers(clause, want, catalogues) for want in wanted
    )


def covers_any(
    wanted: list[clause_ids.ClauseId],
    cited: Iterable[clause_ids.ClauseId],
    catalogues: clause_ids.Catalogues,
) -> bool:
    """Whether citing `cited` covers one of `wanted`: the documents a requirement is decided
    from, whose status, type and fields it reads."""
    cited = list(cited)
    return any(coverage.covered(cited, want, catalogues) for want in wanted)


def face(repo: Repository, document: Document) -> tuple:
    """What a `document-exists` rule reads of a document, besides the fields its options name:
    what it cites (in order), its type, the devices it names, its id and, last, its status. Of
    a document that covers none of the rule's clauses but cites one of the same family, only
    a near miss reads it (existence._near_misses), and not its status."""
    cited = tuple(c.clause for c in repo.citations.get(document.path, ()) if c.clause)
    typed, devices = repr(document.type), repr(document.get("devices"))
    return cited, typed, devices, document.id, repr(document.status)


def pool(rules: Iterable[Rule], recorded: Recorded, catalogues: clause_ids.Catalogues) -> set[int]:
    """The documents (their positions in the record) that these `document-exists` rules read:
    those citing a clause that covers one they ask for or shares its framework and top-level
    clause (existence.py reads no other but the holders)."""
    wanted = [clause for rule in rules for clause in required(rule)]
    families = {family(clause) for clause in wanted}
    table = recorded.table
    numbers = {
        number
        for number in range(len(table.texts))
        if _takes_part(table.clause(number), wanted, families, catalogues)
    }
    return {
        position
        for position, fact in enumerate(recorded.facts)
        if not numbers.isdisjoint(facts.clauses_of(fact))
    }


def cited_by(repo: Repository, paths: Iterable[str]) -> list[clause_ids.ClauseId]:
    """What these documents of `repo` cite (parsed ids only)."""
    return [c.clause for path in paths for c in repo.citations.get(path, ()) if c.clause]


def standing_after(
    rule: Rule, shared: Shared, before: Any, edited: Mapping[str, Any]
) -> list[Any] | None:
    """A reached `document-exists` rule's standing after the edit (`shared` over the edited
    documents as they are now and those read beside them) when every requirement it decides
    is still satisfied, so that it makes no finding; None when that cannot be told here."""
    context = CheckContext(shared, rule)
    assessments = existence.assess(context)
    now = existence.standing(context)
    if type(before) is not list or len(before) != len(assessments):
        return None
    found: list[Any] = []
    for made, small, was in zip(assessments, now, before):
        if made.satisfied:  # among a few documents: the more of the whole satisfy it too
            found.append(small)
            continue
        kept = unedited(was, edited)
        if kept is None:
            return None
        found.append(kept)
    return found


def read_by(before: Any, edited: Mapping[str, Any]) -> set[str] | None:
    """The documents a `document-exists` rule's decision reads, from its standing in the run
    (existence.standing): those each unsatisfied requirement's finding read, and an unedited
    witness of each satisfied one. None when one was satisfied by edited documents alone, or
    its documents were not noted: then it reads what `pool` finds."""
    if type(before) is not list:
        return None
    found: set[str] = set()
    for entry in before:
        if type(entry) is dict and type(entry.get("reads")) is list:
            found.update(path for path in entry["reads"] if type(path) is str)
            continue
        kept = witnesses(entry, edited)
        if kept is None:
            return None
        found.update(kept)
    return found


def witnesses(parts: Any, edited: Mapping[str, Any]) -> set[str] | None:
    """The unedited documents a satisfied requirement rests on (`unedited`), or None."""
    kept = unedited(parts, edited)
    if kept is None:
        return None
    return {path for part in kept for path in part if path != existence.EXCLUDED_MARK}


def unedited(parts: Any, edited: Mapping[str, Any]) -> list[list[str]] | None:
    """A satisfied requirement's parts with the edited documents taken out; None when it was
    not satisfied or a part rested on edited documents alone."""
    if type(parts) is not list:
        return None
    found = []
    for part in parts:
        if type(part) is not list:
            return None
        kept = [
            path
            for path in part
            if type(path) is str and (path == existence.EXCLUDED_MARK or path not in edited)
        ]
        if not kept:
            return None
        found.append(kept)
    return found
