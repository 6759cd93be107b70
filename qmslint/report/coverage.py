"""The coverage matrix and the gap (SPEC §11), as plain data on the `Report`.

Nothing here decides coverage: every row is an `Assessment` of a `document-exists` rule
(`qmslint.checks.existence.assess`, the function whose results are the check's findings), so the
matrix, the gap and `check` cannot disagree. This module only arranges those decisions:

- `matrix_rows`: one row per requirement of an active existence rule (per device with
  `per_device`): the clauses it requires, the documents covering them (in force or not, by
  citation or mapping document), the exclusion, the state, and the finding it made;
- `build_gap`: what a target profile asks that a source profile does not, grouped as the
  transition is done (`gap.yaml`: knowledge base §2.2/§2.3, §1.1, §5), each item a matrix row of
  the target's rules, with the source framework's counterpart documents as the starting point.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from qmslint import clauses as clause_ids
from qmslint.checks import exclusions as exclusion_check
from qmslint.checks.existence import (
    COVERED,
    EXCLUDED,
    MISSING,
    NOT_IN_FORCE,
    PARTLY,
    Assessment,
)
from qmslint.clauses import coverage
from qmslint.index.repository import Exclusion, Repository
from qmslint.model import Document, Finding, Severity
from qmslint.packs.rules import Rule, RuleSet
from qmslint.support.resources import load_shipped_yaml

NOT_APPLICABLE = "not applicable"
STATES = (COVERED, PARTLY, EXCLUDED, NOT_IN_FORCE, MISSING)
SCHEMA_VERSION = 1


# ----------------------------------------------------------------------------- matrix


@dataclass(frozen=True)
class DocumentRef:
    id: str | None
    path: str
    title: str
    status: str | None
    in_force: bool
    via: str  # "citation" or "mapping document": where the document's clauses were read
    cites: tuple[str, ...]  # its citations that cover the requirement

    def label(self) -> str:
        name = self.id or self.path
        title = f" {self.title}" if self.title else ""
        return f"{name}{title}" + ("" if self.in_force else f" ({self.status or 'no status'})")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "status": self.status,
            "in_force": self.in_force,
            "via": self.via,
            "cites": list(self.cites),
        }


@dataclass(frozen=True)
class ExclusionRef:
    clause: str
    justification: str
    document: str  # the quality manual's id (or path)
    path: str
    devices: tuple[str, ...]
    allowed: bool
    forbidden_by: str | None  # the rule that forbids it (exclusion-allowed), if any

    def to_json(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "justification": self.justification,
            "document": self.document,
            "path": self.path,
            "devices": list(self.devices),
            "allowed": self.allowed,
            "forbidden_by": self.forbidden_by,
        }


@dataclass(frozen=True)
class PartRef:
    clause: str
    covered: bool
    documents: tuple[str, ...]
    excluded: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "covered": self.covered,
            "documents": list(self.documents),
            "excluded": self.excluded,
        }


@dataclass
class CoverageRow:
    """One requirement of one rule (for one device), as `check` decided it."""

    rule: str
    title: str
    severity: str
    device: str | None
    clauses: list[str]  # any one of them satisfies the rule
    all_of: list[str]  # ... or all of these together
    state: str
    documents: list[DocumentRef] = field(default_factory=list)
    exclusion: ExclusionRef | None = None
    parts: list[PartRef] = field(default_factory=list)
    finding: str | None = None  # the fingerprint of the check's finding, when it made one
    suppressed: dict[str, Any] | None = None  # the waiver or baseline entry that applied
    note: str = ""  # e.g. an exclusion the rule does not accept

    @property
    def requires(self) -> str:
        text = " or ".join(self.clauses)
        if self.all_of:
            text += (" or all of " if text else "all of ") + ", ".join(self.all_of)
        return text

    @property
    def counts(self) -> bool:
        """Whether the row counts against the run (an unsatisfied, unsuppressed requirement)."""
        return self.finding is not None and self.suppressed is None

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "severity": self.severity,
            "device": self.device,
            "clauses": self.clauses,
            "all_of": self.all_of,
            "state": self.state,
            "documents": [d.to_json() for d in self.documents],
            "exclusion": self.exclusion.to_json() if self.exclusion else None,
            "parts": [p.to_json() for p in self.parts],
            "finding": self.finding,
            "suppressed": self.suppressed,
            "note": self.note,
        }


def matrix_rows(
    assessments: Iterable[Assessment],
    rules: Mapping[str, Rule],
    repo: Repository,
    findings: Sequence[Finding],
) -> list[CoverageRow]:
    """The matrix: every assessment as a row, with the finding it made (after suppression)."""
    by_fingerprint = {f.fingerprint: f for f in findings}
    forbidden = _forbidden(rules)
    refs_of: dict[tuple[clause_ids.ClauseId, ...], _Refs] = {}  # rows per device share them
    rows = []
    for made in assessments:
        rule = rules[made.rule]
        required = (*made.required, *made.all_of)
        refs = refs_of.get(required) or refs_of.setdefault(required, _Refs(repo, required))
        documents = [refs.ref(d, True) for d in made.documents]
        documents += [refs.ref(d, False) for d in made.not_in_force]
        row = CoverageRow(
            rule=rule.id,
            title=rule.title,
            severity=rule.severity.value,
            device=made.device.id if made.device else None,
            clauses=[str(c) for c in made.required],
            all_of=[str(c) for c in made.all_of],
            state=made.state,
            documents=documents,
            exclusion=_exclusion(made.exclusion, forbidden),
            parts=[
                PartRef(
                    str(part.clause),
                    part.covered,
                    tuple(d.id or d.path for d in part.documents),
                    part.exclusion is not None,
                )
                for part in made.parts
            ],
        )
        if made.finding_key is not None:
            made_finding = rule.finding("", key=made.finding_key)
            row.finding = made_finding.fingerprint
            found = by_fingerprint.get(row.finding)
            row.suppressed = found.suppressed if found is not None else None
            if found is None:  # ignored by path, or limited away: it does not count
                row.suppressed = {"kind": "not reported"}
        if row.state in (MISSING, NOT_IN_FORCE) and not rule.options.get("excludable"):
            device = made.device
            excluded = next(
                (e for c in made.required if (e := repo.excluded(c, device)) is not None), None
            )
            if excluded is not None:
                row.note = (
                    f"{excluded.document.id or excluded.document.path} excludes "
                    f"{excluded.clause}, but this requirement cannot be excluded"
                )
        rows.append(row)
    rows.sort(key=lambda r: (_natural(r.clauses or r.all_of), r.rule, r.device or ""))
    return rows


class _Refs:
    """The documents of one requirement as `DocumentRef`s. Whether a cited id covers the
    requirement is decided once per id: the documents of a row cite the same few clauses."""

    def __init__(self, repo: Repository, required: Sequence[clause_ids.ClauseId]) -> None:
        self.repo = repo
        self.required = list(required)
        self._known: dict[clause_ids.ClauseId, bool] = {}
        self._made: dict[tuple[int, bool], DocumentRef] = {}

    def _covers(self, cited: clause_ids.ClauseId) -> bool:
        found = self._known.get(cited)
        if found is None:
            catalogues = self.repo.catalogues
            found = self._known[cited] = any(
                coverage.covers(cited, r, catalogues) for r in self.required
            )
        return found

    def ref(self, document: Document, in_force: bool) -> DocumentRef:
        """The document's ref (made once: a `DocumentRef` is frozen, rows may share it)."""
        made = self._made.get((id(document), in_force))
        if made is None:
            made = self._made[(id(document), in_force)] = self._new(document, in_force)
        return made

    def _new(self, document: Document, in_force: bool) -> DocumentRef:
        cited = [
            c.clause for c in self.repo.citations.get(document.path, ()) if c.clause is not None
        ]
        covering = sorted({str(c) for c in cited if self._covers(c)})
        written = document.fields.get("clauses")
        source = written.source if written is not None else ""
        return DocumentRef(
            id=document.id,
            path=document.path,
            title=str(document.get("title") or ""),
            status=document.status,
            in_force=in_force,
            via="mapping document" if "mapping" in (source or "") else "citation",
            cites=tuple(covering),
        )


def _forbidden(rules: Mapping[str, Rule]) -> list[tuple[str, list[clause_ids.ClauseId]]]:
    return [
        (rule.id, [clause_ids.parse(text) for text in rule.options.get("clauses", ())])
        for rule in rules.values()
        if rule.kind == "exclusion-allowed"
    ]


def _exclusion(
    exclusion: Exclusion | None, forbidden: list[tuple[str, list[clause_ids.ClauseId]]]
) -> ExclusionRef | None:
    if exclusion is None:
        return None
    by = next(
        (rule for rule, clauses in forbidden if exclusion_check.clashes(exclusion.clause, clauses)),
        None,
    )
    return ExclusionRef(
        clause=str(exclusion.clause),
        justification=str(exclusion.justification),
        document=exclusion.document.id or exclusion.document.path,
        path=exclusion.document.path,
        devices=exclusion.devices,
        allowed=by is None,
        forbidden_by=by,
    )


def _natural(clauses: Sequence[str]) -> tuple:
    if not clauses:
        return ()
    framework, _, locator = clauses[0].partition(":")
    parts = []
    for segment in locator.split("."):
        digits = "".join(ch for ch in segment if ch.isdigit())
        parts.append((segment.rstrip("0123456789"), int(digits) if digits else -1, segment))
    return (framework, tuple(parts))


def state_counts(rows: Iterable[CoverageRow]) -> dict[str, int]:
    counts = dict.fromkeys(STATES, 0)
    for row in rows:
        counts[row.state] = counts.get(row.state, 0) + 1
    return counts


# ----------------------------------------------------------------------------- gap data


@lru_cache(maxsize=1)
def gap_data() -> dict[str, Any]:
    """The comparison data shipped with qmslint (`qmslint/report/gap.yaml`)."""
    return load_shipped_yaml("report", "gap.yaml")


@dataclass
class GapItem:
    row: CoverageRow | None  # None: the rule does not apply to this QMS (its `when`)
    rule: str
    title: str
    severity: str
    clauses: list[str]
    point: str | None = None  # MDR Art 10(9) point letter
    covered_by: list[str] = field(default_factory=list)  # what in ISO 13485 covers the point
    relation: str = ""  # the knowledge base's gap column: covered, partly, MDR-specific
    note: str = ""
    topic: str | None = None  # the knowledge base §5 row
    topic_kb: str | None = None
    counterpart: list[str] = field(default_factory=list)  # the source framework's clauses
    starting_points: list[DocumentRef] = field(default_factory=list)
    asks: str = ""  # what the target asks in addition to the counterpart

    @property
    def state(self) -> str:
        return self.row.state if self.row is not None else NOT_APPLICABLE

    @property
    def device(self) -> str | None:
        return self.row.device if self.row is not None else None

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "severity": self.severity,
            "clauses": self.clauses,
            "device": self.device,
            "state": self.state,
            "point": self.point,
            "iso13485": self.covered_by,
            "relation": self.relation or None,
            "note": self.note,
            "topic": self.topic,
            "topic_kb": self.topic_kb,
            "counterpart": self.counterpart,
            "starting_points": [d.to_json() for d in self.starting_points],
            "asks": self.asks,
            "coverage": self.row.to_json() if self.row is not None else None,
        }


@dataclass
class GapGroup:
    id: str
    title: str
    kb: str
    profile: str
    items: list[GapItem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "kb": self.kb,
            "profile": self.profile,
            "items": [i.to_json() for i in self.items],
        }


@dataclass
class Gap:
    source: str | None
    target: str
    groups: list[GapGroup]

    @property
    def items(self) -> list[GapItem]:
        return [item for group in self.groups for item in group.items]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((*STATES, NOT_APPLICABLE), 0)
        for item in self.items:
            counts[item.state] += 1
        return counts

    def severity_of(self, item: GapItem) -> Severity | None:
        """For exit codes and `--fail-on`: missing is an error, partly covered a warning."""
        if item.row is None or not item.row.counts:
            return None
        return Severity.WARNING if item.state == PARTLY else Severity.ERROR

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "counts": self.counts(),
            "groups": [g.to_json() for g in self.groups],
        }


def lineage(ruleset: RuleSet, name: str) -> list[str]:
    """A profile and the profiles it extends, base first (mdr: document-control, iso13485, mdr)."""
    order: list[str] = []

    def visit(current: str) -> None:
        profile = ruleset.profiles.get(current)
        if profile is None or current in order:
            return
        for parent in profile.extends:
            visit(parent)
        order.append(current)

    visit(name)
    return order


def build_gap(
    ruleset: RuleSet,
    source: str | None,
    target: str,
    rows: Sequence[CoverageRow],
    active: Mapping[str, Rule],
    repo: Repository,
    data: Mapping[str, Any] | None = None,
) -> Gap:
    """What `target` asks that `source` does not, each item as the matrix decided it.

    `rows` are the matrix rows of a run with `target` active and `active` its rules: a rule
    without a row is not applicable (its `when` does not hold, or no device matches it).
    """
    data = data or gap_data()
    asked_by_source = set(ruleset.resolve([source])) if source else set()
    source_lineage = lineage(ruleset, source) if source else []
    by_rule: dict[str, list[CoverageRow]] = {}
    for row in rows:
        by_rule.setdefault(row.rule, []).append(row)
    exists = {
        rule_id
        for rule_id, rule in active.items()
        if rule.kind == "document-exists" and rule_id not in asked_by_source
    }
    groups: list[GapGroup] = []
    placed: set[str] = set()
    for profile in lineage(ruleset, target):
        own = [r for r in exists if active[r].pack == ruleset.profiles[profile].pack]
        for spec in data.get("groups", {}).get(profile, []):
            group = GapGroup(spec["id"], spec["title"], spec.get("kb", ""), profile)
            if "points" in spec:
                entries = [(p["rule"], p) for p in spec["points"]]
            elif spec.get("rest"):
                entries = [(r, None) for r in sorted(own) if r not in placed]
            else:
                entries = [(r, None) for r in spec["rules"]]
            for rule_id, point in entries:
                if rule_id not in exists or rule_id in placed:
                    continue
                placed.add(rule_id)
                group.items += _items(
                    active[rule_id],
                    by_rule.get(rule_id),
                    point,
                    profile,
                    source_lineage,
                    repo,
                    data,
                )
            if group.items:
                groups.append(group)
        rest = sorted(r for r in own if r not in placed)
        if rest:
            group = GapGroup(f"{profile}-other", f"Other obligations of {profile}", "", profile)
            for rule_id in rest:
                placed.add(rule_id)
                group.items += _items(
                    active[rule_id], by_rule.get(rule_id), None, profile, source_lineage, repo, data
                )
            groups.append(group)
    return Gap(source, target, groups)


def _items(
    rule: Rule,
    rows: list[CoverageRow] | None,
    point: Mapping[str, Any] | None,
    profile: str,
    source_lineage: list[str],
    repo: Repository,
    data: Mapping[str, Any],
) -> list[GapItem]:
    selector = rule.options.get("select") or {}
    clauses = [*selector.get("clauses", ()), *rule.options.get("all_of", ())]
    topic = _topic(rule, data)
    counterpart: list[str] = []
    if topic is not None:
        for name in source_lineage:
            counterpart += [c for c in topic.get(name, ()) if c not in counterpart]
    starting: list[DocumentRef] = []
    if counterpart:
        wanted = [clause_ids.parse(c) for c in counterpart]
        refs = _Refs(repo, wanted)
        seen = set()
        for clause in wanted:
            for document in repo.documents_covering(clause):
                if document.path in seen or not document.has_metadata:
                    continue
                seen.add(document.path)
                starting.append(refs.ref(document, repo.in_force(document)))
    items = []
    for row in rows or [None]:
        items.append(
            GapItem(
                row=row,
                rule=rule.id,
                title=rule.title,
                severity=rule.severity.value,
                clauses=[str(c) for c in clauses],
                point=point["point"] if point else None,
                covered_by=list(point.get("iso13485", ())) if point else [],
                relation=point.get("gap", "") if point else "",
                note=point.get("note", "") if point else "",
                topic=topic["topic"] if topic else None,
                topic_kb=topic["kb"] if topic else None,
                counterpart=counterpart,
                starting_points=starting,
                asks=(topic.get("adds") or {}).get(profile, "") if topic else "",
            )
        )
    return items


def _topic(rule: Rule, data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The knowledge base §5 row that names the rule, if any."""
    return next((row for row in data.get("comparisons", []) if rule.id in row["rules"]), None)
