"""The `document-exists` check: what the regulation requires is there, in force (SPEC §5).

Coverage is decided by `qmslint.clauses.coverage` through the index; this check adds devices,
justified exclusions, *partly covered* for the sub-clauses a rule needs under a heading, and the
near misses that tell the user what to mend.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from qmslint import clauses as clause_ids
from qmslint.checks.context import CheckContext, describe
from qmslint.checks.kind import DEVICE_MATCHES, SELECTOR, CheckKind, options_schema
from qmslint.clauses import coverage
from qmslint.index.devices import as_list
from qmslint.index.repository import Exclusion
from qmslint.model import Device, Document, Finding

# The states of a requirement, as the matrix and the gap show them (SPEC §11).
COVERED, PARTLY, EXCLUDED, NOT_IN_FORCE, MISSING = (
    "covered",
    "partly covered",
    "excluded",
    "not in force",
    "missing",
)


@dataclass
class Part:
    """One clause of a rule's `all_of`: the documents covering it, or the exclusion."""

    clause: clause_ids.ClauseId
    documents: list[Document] = field(default_factory=list)
    exclusion: Exclusion | None = None

    @property
    def covered(self) -> bool:
        return bool(self.documents) or self.exclusion is not None


@dataclass
class Assessment:
    """What a `document-exists` rule decides for the repository (for one device with
    `per_device`): the one decision that the check's findings, the matrix and the gap all read.

    `state` is covered, partly covered, excluded, not in force (only documents that are not in
    force cite it) or missing; `finding_key` is the key of the finding the check makes (None
    when the rule is satisfied)."""

    rule: str
    device: Device | None
    state: str
    required: list[clause_ids.ClauseId]  # select.clauses: any one of them satisfies the rule
    all_of: list[clause_ids.ClauseId]  # ... or all of these together
    documents: list[Document] = field(default_factory=list)  # in force, satisfying the rule
    exclusion: Exclusion | None = None
    parts: list[Part] = field(default_factory=list)  # all_of, clause by clause
    not_in_force: list[Document] = field(default_factory=list)  # cite it, but not in force
    finding_key: str | None = None

    @property
    def satisfied(self) -> bool:
        return self.finding_key is None


def assess(ctx: CheckContext) -> list[Assessment]:
    """The decision of a `document-exists` rule, per device with `per_device`.

    A document in force must exist for the selector, or a justified exclusion must cover it.
    With `per_device`, every device matching it needs its own (a document naming no devices
    applies to all of them; an exclusion naming devices excuses only those). With `all_of`, the
    clauses listed must all be covered (the sub-clauses a rule needs under a heading): a document
    citing one of `select.clauses` still satisfies the rule whole; covering some but not all of
    `all_of` is *partly covered*.

    Decided once per rule and run: the check's findings and the matrix read the same list.
    """
    made = ctx.shared.assessments.get(ctx.rule.id)
    if made is None:
        made = ctx.shared.assessments[ctx.rule.id] = _assess(ctx)
    return made


def _assess(ctx: CheckContext) -> list[Assessment]:
    options = ctx.options
    selector = options.get("select") or {}
    required = [clause_ids.parse(text) for text in selector.get("clauses", ())]
    all_of = [clause_ids.parse(text) for text in options.get("all_of", ())]
    found = ctx.select(selector, default_status="in-force")
    if all_of and not selector.get("clauses"):
        found = []  # only the clauses of all_of, together, satisfy the rule
    per_device = "per_device" in options
    result = []
    for device in ctx.devices(options["per_device"]) if per_device else [None]:
        made = Assessment(ctx.rule.id, device, COVERED, required, all_of)
        result.append(made)
        made.documents = _for(ctx, found, device)
        if made.documents:
            continue
        if options.get("excludable"):
            made.exclusion = next(
                (e for c in required if (e := ctx.repo.excluded(c, device)) is not None), None
            )
            if made.exclusion is not None:
                made.state = EXCLUDED
                continue
        key = f"missing@{device.id}" if device else "missing"
        if all_of:
            made.parts = _parts(ctx, selector, all_of, device)
            if all(part.covered for part in made.parts):
                made.documents = _unique(d for part in made.parts for d in part.documents)
                made.state = COVERED if made.documents else EXCLUDED
                continue
            if any(part.covered for part in made.parts):
                made.state = PARTLY
                made.finding_key = key.replace("missing", "partly")
                continue
        made.not_in_force = _not_in_force(ctx, selector, all_of, device)
        made.state = NOT_IN_FORCE if made.not_in_force else MISSING
        made.finding_key = key
    return result


def document_exists(ctx: CheckContext) -> Iterable[Finding]:
    """The findings of `assess`: a missing or partly covered requirement."""
    options = ctx.options
    selector = options.get("select") or {}
    what = options.get("what") or ctx.rule.title
    for made in assess(ctx):
        if made.satisfied:
            continue
        device = made.device
        for_device = f" for device {device.id}" if device else ""
        if made.state == PARTLY:
            covered = "; ".join(
                f"{part.clause} by {', '.join(d.id or d.path for d in part.documents)}"
                if part.documents
                else f"{part.clause} by a justified exclusion"
                for part in made.parts
                if part.covered
            )
            missing = [str(part.clause) for part in made.parts if not part.covered]
            yield ctx.finding(
                f"partly covered{for_device}: {what}: covered {covered}; "
                f"missing {', '.join(missing)}",
                key=made.finding_key or "",
            )
            continue
        yield ctx.finding(
            f"missing{for_device}: {what}{_where_to_look(selector, made.all_of)}"
            f"{_near_misses(ctx, selector, made.all_of, device)}",
            key=made.finding_key or "",
        )


WITNESSES = 2  # documents kept for each part of a satisfied requirement
READ_AT_MOST = 500  # documents kept for an unsatisfied one (what its finding reads)
NEAREST = 20  # near misses kept for a missing one, first to last
EXCLUDED_MARK = "*"  # a part satisfied by a justified exclusion (no path is "*")


def standing(ctx: CheckContext) -> list[Any]:
    """What the rule's decision rests on, for a later `check` (qmslint/incremental): for each
    assessment that is satisfied, its parts (the rule's selector, or each clause of `all_of`),
    each as the paths of up to WITNESSES documents that satisfy it or as EXCLUDED_MARK: while
    one document of every part is unedited, the rule stays satisfied, since what makes a
    document satisfy it is that document's own values. For one that is not, what its finding
    rests on (`_read_by`)."""
    found: list[Any] = []
    selector = ctx.options.get("select") or {}
    for made in assess(ctx):
        if not made.satisfied:
            found.append(_read_by(ctx, selector, made))
        elif made.parts:
            found.append([_witnesses(part.documents) for part in made.parts])
        else:
            found.append([_witnesses(made.documents)])
    return found


def _read_by(ctx: CheckContext, selector: dict, made: Assessment) -> dict[str, Any]:
    """What an unsatisfied requirement's finding rests on: every document it reads ("reads":
    those it may be satisfied by, in any status, and those its near misses name; no other
    document changes it), when they are at most READ_AT_MOST; of a partly covered one, that
    it is ("partly"); of a missing one, how many documents its near misses name
    ("near_misses") and the first NEAREST of them ("nearest"): the finding shows the first
    three and counts the rest."""
    required = _required(selector, made.all_of)
    named = nearest(ctx, made)
    paths = dict.fromkeys(d.path for d in [*_candidates(ctx, selector, required), *named])
    found: dict[str, Any] = {}
    if len(paths) <= READ_AT_MOST:
        found["reads"] = list(paths)
    if made.state == PARTLY:  # its finding names no near miss
        found["partly"] = True
    else:
        unseen = ctx.shared.unseen.get(unseen_key(ctx.rule.id, made.device), 0)
        found["near_misses"] = len(named) + unseen
        found["nearest"] = [doc.path for doc in named[:NEAREST]]
    return found


def _witnesses(documents: list[Document]) -> list[str]:
    return [d.path for d in documents[:WITNESSES]] or [EXCLUDED_MARK]


def _unique(documents: Iterable[Document]) -> list[Document]:
    seen: dict[str, Document] = {}
    for document in documents:
        seen.setdefault(document.path, document)
    return [seen[path] for path in sorted(seen)]


def _not_in_force(
    ctx: CheckContext, selector: dict, all_of: list[clause_ids.ClauseId], device: Device | None
) -> list[Document]:
    """Documents of the selected type citing the clauses that are not in force."""
    required = [str(c) for c in selector.get("clauses") or ()] + [str(c) for c in all_of]
    if not required:
        return []
    typed = {k: v for k, v in selector.items() if k == "type"}
    candidates = ctx.select({**typed, "clauses": required, "status": "any"})
    return [doc for doc in _for(ctx, candidates, device) if not ctx.repo.in_force(doc)]


def _for(ctx: CheckContext, documents: list[Document], device: Device | None) -> list[Document]:
    if device is None:
        return documents
    return [doc for doc in documents if device in ctx.repo.devices_for(doc)]


def _parts(
    ctx: CheckContext, selector: dict, all_of: list[clause_ids.ClauseId], device: Device | None
) -> list[Part]:
    """`all_of` clause by clause: the documents covering each, or the exclusion."""
    parts = []
    for clause in all_of:
        chosen = ctx.select({**selector, "clauses": [str(clause)]}, default_status="in-force")
        part = Part(clause, _for(ctx, chosen, device))
        if not part.documents and ctx.options.get("excludable"):
            part.exclusion = ctx.repo.excluded(clause, device)
        parts.append(part)
    return parts


def _near_misses(
    ctx: CheckContext, selector: dict, all_of: list[clause_ids.ClauseId], device: Device | None
) -> str:
    """SPEC §5: the nearest candidates (a document citing the clause that is not in force or
    does not state the field asked for, one citing only a sub-clause, one excluded for another
    device), so that the user knows what to mend."""
    notes = [note for _, note in _document_notes(ctx, selector, all_of, device)]
    notes += _exclusion_notes(ctx, selector, all_of, device)
    count = len(notes) + ctx.shared.unseen.get(unseen_key(ctx.rule.id, device), 0)
    if not count:
        return ""
    shown = notes[:3] + ([f"{count - 3} more"] if count > 3 else [])
    return "; nearest: " + "; ".join(shown)


def unseen_key(rule: str, device: Device | None) -> tuple[str, str]:
    """The key of a requirement's near misses in `Shared.unseen`."""
    return rule, device.id if device else ""


def nearest(ctx: CheckContext, made: Assessment) -> list[Document]:
    """The documents an unsatisfied requirement's finding names as near misses, in the order
    it names them (those of the exclusions last aside: quality manuals)."""
    selector = ctx.options.get("select") or {}
    return [doc for doc, _ in _document_notes(ctx, selector, made.all_of, made.device)]


def _document_notes(
    ctx: CheckContext, selector: dict, all_of: list[clause_ids.ClauseId], device: Device | None
) -> list[tuple[Document, str]]:
    """The near misses of documents in the order a finding names them, each with the document
    it names: at most one note per document, from that document's own values; kept for the
    rule's standing when the run notes it (the finding and it both read them), not otherwise:
    at 100,000 documents they are many."""
    if not ctx.shared.standings:
        return _noted(ctx, selector, all_of, device)
    key = f"near misses of {ctx.rule.id} for {device.id if device else ''}"
    found = ctx.shared.memo.get(key)
    if found is None:
        found = ctx.shared.memo[key] = _noted(ctx, selector, all_of, device)
    return found


def _noted(
    ctx: CheckContext, selector: dict, all_of: list[clause_ids.ClauseId], device: Device | None
) -> list[tuple[Document, str]]:
    """The candidates that are not in force or lack a field `has` names (by path), then the
    documents citing a heading above, a clause below or another part (in document order)."""
    required = _required(selector, all_of)
    if not required:
        return []
    notes: list[tuple[Document, str]] = []
    candidates = _candidates(ctx, selector, required)
    for doc in _for(ctx, candidates, device):
        if not ctx.repo.in_force(doc):
            notes.append((doc, f"{describe(doc)} cites it but is {doc.status or 'without status'}"))
        elif any(name not in doc.fields for name in as_list(selector.get("has"))):
            has = " and ".join(as_list(selector["has"]))
            notes.append((doc, f"{describe(doc)} cites it but does not state {has}"))
    types = as_list(selector.get("type"))
    chosen = {id(doc) for doc in candidates}
    documents = ctx.repo.documents
    missed: list[tuple[int, str]] = []  # (document index, note): notes go in document order
    for cited, indices in ctx.repo.near_citations(required).items():
        note = _missed_by(ctx, cited, required)
        if not note:
            continue
        for index in indices:
            doc = documents[index]
            if (types and doc.type not in types) or id(doc) in chosen:
                continue
            if device is None or device in ctx.repo.devices_for(doc):
                missed.append((index, f"{describe(doc)} {note}"))
    return notes + [(documents[index], note) for index, note in sorted(missed)]


def _exclusion_notes(
    ctx: CheckContext, selector: dict, all_of: list[clause_ids.ClauseId], device: Device | None
) -> list[str]:
    """The exclusions of the quality manuals that excuse a required clause for other devices
    only (named after every document's near miss)."""
    required = _required(selector, all_of)
    if device is None or not required:
        return []
    catalogues = ctx.repo.catalogues
    return [
        f"{describe(exclusion.document)} excludes {exclusion.clause} only for "
        f"{', '.join(exclusion.devices)}"
        for exclusion in ctx.repo.exclusions()
        if exclusion.devices
        and any(coverage.covers(exclusion.clause, clause, catalogues) for clause in required)
    ]


def _required(selector: dict, all_of: list[clause_ids.ClauseId]) -> list[clause_ids.ClauseId]:
    return [clause_ids.parse(text) for text in selector.get("clauses") or ()] + all_of


def _candidates(
    ctx: CheckContext, selector: dict, required: list[clause_ids.ClauseId]
) -> list[Document]:
    """The documents of the selector's type citing a clause that covers one required, in any
    status: every document a requirement may be satisfied by, or names as not in force."""
    typed = {k: v for k, v in selector.items() if k == "type"}
    return ctx.select({**typed, "clauses": [str(c) for c in required], "status": "any"})


def _missed_by(
    ctx: CheckContext, cited: tuple[clause_ids.ClauseId, ...], required: list[clause_ids.ClauseId]
) -> str:
    """How a document citing `cited` nearly covers `required` ("" when it does not)."""
    catalogues = ctx.repo.catalogues
    headings = {str(c) for clause in required for c in cited if c.is_ancestor_of(clause)}
    if headings:
        return f"cites {', '.join(sorted(headings))}, a heading that covers none of its sub-clauses"
    below = {
        str(c)
        for clause in required
        if any(clause.is_ancestor_of(c) for c in cited)  # else there is nothing below it
        for c in coverage.cites_only_below(cited, clause, catalogues)
    }
    if below:
        return f"cites only the sub-clause {', '.join(sorted(below))}"
    # another paragraph of the same article or section (mdr:art87.10 for mdr:art87.1)
    siblings = {
        f"{c} (in {parent})"
        for clause in required
        if len(clause.segments) > 1
        for parent in [clause_ids.ClauseId(clause.framework, clause.segments[0])]
        if not _heading(ctx, parent)
        for c in cited
        if parent.is_ancestor_of(c)
    }
    if siblings:
        return f"cites only another part: {', '.join(sorted(siblings))}"
    return ""


def _heading(ctx: CheckContext, clause: clause_ids.ClauseId) -> bool:
    catalogue = ctx.repo.catalogues.by_framework.get(clause.framework)
    return catalogue is not None and catalogue.is_heading(clause)


def _where_to_look(selector: dict, all_of: list[clause_ids.ClauseId] | None = None) -> str:
    kinds = " or ".join(as_list(selector.get("type"))) or "document"
    parts = []
    if selector.get("clauses"):
        parts.append("citing " + " or ".join(selector["clauses"]))
    if all_of:
        parts.append(("or " if parts else "") + "covering " + ", ".join(map(str, all_of)))
    if selector.get("has"):
        parts.append("stating " + " and ".join(as_list(selector["has"])))
    if not parts and not selector.get("type"):
        return ""
    status = selector.get("status", "in-force")
    return f" (no {status} {kinds}{' ' if parts else ''}{', '.join(parts)})"


EXISTS = CheckKind(
    "document-exists",
    document_exists,
    options_schema(
        {
            "select": SELECTOR,
            "excludable": {"type": "boolean"},
            "per_device": DEVICE_MATCHES,
            "what": {"type": "string"},
            "all_of": {"type": "array", "items": {"type": "string"}, "minItems": 2},
        }
    ),
    "a document in force exists (per device, or covered by a justified exclusion)",
    standing,
)
