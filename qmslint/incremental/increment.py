"""The findings after an edit, worked out from the last run's (the package's docstring says
how and why that is exact)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qmslint import suppress
from qmslint.checks.conditions import evaluate
from qmslint.checks.context import CheckSettings, Shared
from qmslint.checks.running import run_rule
from qmslint.incremental import facts, nearest, wide
from qmslint.incremental.edits import DOCUMENT_CONTROL, WIDE, edited_fields, names_any
from qmslint.incremental.recorded import Recorded
from qmslint.index.citations import Citation
from qmslint.index.repository import build
from qmslint.model import Document, Finding
from qmslint.packs.rules import Rule
from qmslint.packs.selection import Selection

if TYPE_CHECKING:
    from qmslint.engine import RunOptions
    from qmslint.session import Session
    from qmslint.snapshot import Held

SEPARABLE_KINDS = frozenset({"field", "review-overdue", "read-problem"})
MAX_BESIDE = 1000  # documents read beside the edited ones: more, and run
MAX_POOL = 50_000  # stand-ins a requirement is decided again over: more, and run

Edits = Mapping[str, tuple[Document, Document]]


@dataclass
class Plan:
    """What an edit needs: the rules to run again over the edited documents and those read
    beside them, and the ids whose findings may change (wide.py)."""

    names: set[str]  # the fields edited (edits.edited_fields)
    separable: list[Rule]
    by_id: list[Rule] = field(default_factory=list)  # wide.BY_ID_KINDS, PER_DOCUMENT_KINDS
    exists: list[Rule] = field(default_factory=list)  # document-exists rules it may reach
    ids: set[str] = field(default_factory=set)
    beside: set[str] = field(default_factory=set)  # paths of documents not edited


class Increment:
    """What a `check` needs besides the run's findings: its session's pieces (index settings,
    catalogues, config, rule set, kinds), the rules of the run and how they were chosen."""

    def __init__(
        self,
        session: Session,
        rules: Mapping[str, Rule],
        chosen_by: Selection,
        today: dt.date,
        options: RunOptions,
    ) -> None:
        self.session = session
        self.rules = rules
        self.chosen_by = chosen_by
        self.today = today
        self.options = options

    def plan(self, edits: Edits, recorded: Recorded) -> Plan | None:
        """The rules the edits may change and the documents they need; None: run instead."""
        names: set[str] = set()
        for old, new in edits.values():
            edited = edited_fields(old, new, self.session.spellings)
            if edited is None:
                return None
            names |= edited
        beyond = names - DOCUMENT_CONTROL
        if not beyond <= WIDE | set(recorded.fields):
            return None
        made = Plan(names, [r for r in self.rules.values() if r.kind in SEPARABLE_KINDS])
        for rule in self.rules.values():
            kind = rule.kind
            if kind is None or kind in SEPARABLE_KINDS or kind in wide.STANDING_KINDS:
                continue
            reads = wide.reads(kind, recorded.fields)
            if reads is None:
                if beyond or names_any(rule, names):
                    return None  # a kind not known here
                continue
            if not names & reads and not names_any(rule, names - reads):
                continue  # nothing it reads was edited (a test checks document control)
            if kind == wide.EXISTS:
                if not wide.required(rule):
                    return None  # it reads every document of a type
                made.exists.append(rule)
            else:
                made.by_id.append(rule)
        if made.by_id:
            made.ids = wide.ids_reached(edits.values(), recorded.fields)
            made.beside = recorded.around(made.ids)
        made.beside.update(recorded.holders)
        made.beside.difference_update(edits)
        return made if len(made.beside) <= MAX_BESIDE else None

    def findings(
        self,
        recorded_findings: Sequence[Finding],
        edits: Edits,
        plan: Plan,
        beside: Sequence[Document],
        recorded: Recorded,
    ) -> tuple[list[Finding], dict[str, Any]] | None:
        """The findings a run would make now, from the `recorded_findings` (after
        suppression), the `edits` (path → the document then and now) and the documents of
        `plan.beside` (in document order), with the record brought up to date; None when
        this cannot be worked out here."""
        if plan.by_id or plan.exists:
            order = recorded.in_order([*edits, *(document.path for document in beside)])
        else:  # the separable rules alone: what they say of a document is the same in any order
            order = [*(document.path for document in beside), *edits]
        then = {path: old for path, (old, _) in edits.items()}
        now = {path: new for path, (_, new) in edits.items()}
        others = {document.path: document for document in beside}
        before = self._shared([then[p] if p in then else others[p] for p in order])
        after = self._shared([now[p] if p in now else others[p] for p in order])
        gone: list[Finding] = []
        made: list[Finding] = []
        for shared, into in ((before, gone), (after, made)):
            found = self._run(shared, plan.separable, _every)
            touched = self._run(
                shared, plan.by_id, lambda f, kind: wide.touched_by(f, kind, edits, plan.ids)
            )
            if found is None or touched is None:
                return None
            into += found + touched
        decided = self._exists(plan, before, after, edits, recorded)
        if decided is None:
            return None
        gone += decided.gone
        made += decided.made
        satisfied = decided.satisfied
        never = suppress.never_suppressed(self.rules)
        kept = [f for f in recorded_findings if f.rule not in never and f.rule not in satisfied]
        for finding in kept:  # those suppression makes go, and the rules satisfied now
            finding.suppressed = None
        left = _without(kept, gone)
        if left is None or any(finding.rule in decided.rules for finding in left):
            return None  # the old documents' findings are not all the run's: run instead
        record = recorded.renewed(edits, after.repo, {**satisfied, **decided.again})
        if self.options.no_suppressions:
            return left + made, record
        return suppress.apply(
            left + made,
            after.repo,
            self.session.config,
            self.session.ruleset.rules,
            self.rules,
            self.today,
            self.options.baseline,
            self.options.use_baseline,
        ), record

    def _shared(
        self, documents: list[Document], known: Mapping[str, list[Citation]] | None = None
    ) -> Shared:
        session = self.session
        config = session.config
        settings = session.index_settings()
        repo = build(config.root, documents, settings, session.catalogues, known)
        checks = CheckSettings(config.review_interval_months, config.id_pattern)
        return Shared(repo=repo, today=self.today, active_rules=self.rules, settings=checks)

    def _run(
        self,
        shared: Shared,
        rules: Sequence[Rule],
        keep: Any,
        standings: dict[str, Any] | None = None,
    ) -> list[Finding] | None:
        """The findings of these rules over the few documents that `keep(finding, kind)`
        says an edit can change, their standings into `standings` when given; None when a
        rule fails (the run reports it)."""
        found: list[Finding] = []
        for rule in rules:
            made = run_rule(shared, rule, self.session.kinds)
            if made.error is not None:
                return None
            found += [
                f
                for f in made.findings
                if keep(f, rule.kind) and not self.chosen_by.ignored_at(f.rule, f.path)
            ]
            if standings is not None and made.standing is not None:
                standings[rule.id] = made.standing
        return found

    def _exists(
        self, plan: Plan, before: Shared, after: Shared, edits: Edits, recorded: Recorded
    ) -> Decided | None:
        """The `document-exists` rules whose decision the edit may change: those satisfied
        after it by what their standing says, and the others decided again over every
        document they read (`_decided`); None when that cannot be done here."""
        catalogues = self.session.catalogues
        decided = Decided()
        nearby: list[tuple[Rule, set[str]]] = []  # decided over a few documents (nearest.py)
        again: list[tuple[Rule, set[str] | None]] = []
        for rule in plan.exists:
            seen = {
                path: pair
                for path, pair in edits.items()
                if any(wide.visible(rule, document) for document in pair)
            }
            if not seen:
                continue  # of another type, before and after: the rule never reads them
            wanted = wide.required(rule)
            cited = wide.cited_by(before.repo, seen) + wide.cited_by(after.repo, seen)
            if not wide.reaches(wanted, cited, catalogues):
                continue
            faces = [
                (wide.face(before.repo, old), wide.face(after.repo, new))
                for old, new in seen.values()
            ]
            if all(then == now for then, now in faces) and not names_any(
                rule, plan.names - wide.READS[wide.EXISTS]
            ):
                continue  # what it reads of them is as it was (a line moved, say)
            if all(then[:-1] == now[:-1] for then, now in faces) and not wide.covers_any(
                wanted, cited, catalogues
            ):
                continue  # a near miss, whose status is not read: the decision is the run's
            if rule.id not in recorded.standing:
                if evaluate(rule.when, after.repo) is not True:
                    continue  # the run did not run it (its `when`), nor would one now
                return None
            before_edit = recorded.standing[rule.id]
            standing = wide.standing_after(rule, after, before_edit, edits)
            if standing is not None:
                decided.satisfied[rule.id] = standing
            elif (unread := nearest.unread(rule, before_edit, before, after, seen)) is not None:
                decided.again[rule.id] = unread  # its findings stand
            elif not facts.decidable(rule, recorded.stated):
                return None
            elif (few := nearest.few(before_edit, edits)) is not None:
                nearby.append((rule, few))
            else:
                again.append((rule, wide.read_by(before_edit, edits)))
        if nearby and not self._decided_nearby(nearby, edits, before, recorded, decided):
            return None
        if again and not self._decided(again, edits, before, recorded, decided):
            return None
        return decided

    def _decided(
        self,
        again: list[tuple[Rule, set[str] | None]],
        edits: Edits,
        before: Shared,
        recorded: Recorded,
        into: Decided,
    ) -> bool:
        """Decide these rules before and after the edit over every document they read: the
        edited ones, the holders, those the run noted their findings read (or, for a rule
        whose every witness was edited, every document citing its clauses or their family:
        wide.pool); False when one of those is odd or there are too many of them."""
        rules = [rule for rule, _ in again]
        wide_open = [rule for rule, reads in again if reads is None]
        pool = wide.pool(wide_open, recorded, self.session.catalogues) if wide_open else set()
        for _, reads in again:
            pool.update(recorded.position[path] for path in reads or ())
        if len(pool) > MAX_POOL:
            return False
        sides = self._sides(pool, edits, before, recorded)
        return sides is not None and self._on_both_sides(sides, rules, into, into.again)

    def _decided_nearby(
        self,
        nearby: list[tuple[Rule, set[str]]],
        edits: Edits,
        before: Shared,
        recorded: Recorded,
        into: Decided,
    ) -> bool:
        """Decide these rules before and after the edit over a few documents (nearest.py):
        the edited ones, the holders and those `nearest.few` names; False when the record
        does not fit them."""
        rules = [rule for rule, _ in nearby]
        pool = {recorded.position[path] for _, few in nearby for path in few}
        sides = self._sides(pool, edits, before, recorded)
        if sides is None:
            return False
        then, now = sides
        left_out = nearest.unseen(then, rules, recorded.standing)
        if left_out is None:
            return False
        now.unseen = dict(then.unseen)
        standings: dict[str, Any] = {}
        if not self._on_both_sides(sides, rules, into, standings):
            return False
        for rule in rules:
            made = nearest.renewed(
                standings[rule.id], recorded.standing[rule.id], left_out[rule.id], edits
            )
            if made is None:
                return False
            into.again[rule.id] = made
        return True

    def _on_both_sides(
        self,
        sides: tuple[Shared, Shared],
        rules: list[Rule],
        into: Decided,
        standings: dict[str, Any],
    ) -> bool:
        """Run the rules decided again before the edit (their findings go) and after it (their
        findings are made, their standings kept in `standings`); False when one fails."""
        into.rules.update(rule.id for rule in rules)
        for shared, findings, kept in zip(sides, (into.gone, into.made), (None, standings)):
            found = self._run(shared, rules, _every, kept)
            if found is None:
                return False
            findings += found
        return True

    def _sides(
        self, pool: set[int], edits: Edits, before: Shared, recorded: Recorded
    ) -> tuple[Shared, Shared] | None:
        """The index before and after the edit over the edited documents, those read beside
        them (`before`) and the documents at these positions of the record, the unedited
        ones as stand-ins made from their facts (facts.py); None when one of those is odd."""
        real = {document.path: document for document in before.repo.documents}
        paths = recorded.paths
        beside: dict[str, Document] = {}
        known: dict[str, list[Citation]] = {}
        for position in pool:
            path = paths[position]
            if path in real:
                continue
            made = facts.stand_in(path, recorded.facts[position], recorded.table)
            if made is None:
                return None
            beside[path], known[path] = made
        beside.update((path, doc) for path, doc in real.items() if path not in edits)
        order = recorded.in_order([*beside, *edits])
        then, now = (
            self._shared([edits[p][side] if p in edits else beside[p] for p in order], known)
            for side in (0, 1)
        )
        return then, now


@dataclass
class Decided:
    """What `Increment._exists` decides: the rules satisfied after the edit, with their
    standing (none of their findings is left), and those decided again: their findings
    before and after, and their standing."""

    satisfied: dict[str, Any] = field(default_factory=dict)
    rules: set[str] = field(default_factory=set)  # those decided again
    gone: list[Finding] = field(default_factory=list)
    made: list[Finding] = field(default_factory=list)
    again: dict[str, Any] = field(default_factory=dict)


def _every(finding: Finding, kind: str | None) -> bool:
    """Every finding of the rule: the edit may change any of them."""
    return True


def _identity(finding: Finding) -> tuple:
    return (
        finding.rule,
        finding.severity,
        finding.message,
        finding.path,
        finding.position,
        finding.document,
        finding.references,
        finding.key,
    )


def _without(findings: list[Finding], gone: Sequence[Finding]) -> list[Finding] | None:
    """`findings` less one of each of `gone`; None when one of `gone` is not among them."""
    wanted = Counter(_identity(finding) for finding in gone)
    left: list[Finding] = []
    for finding in findings:
        identity = _identity(finding)
        if wanted[identity] > 0:
            wanted[identity] -= 1
        else:
            left.append(finding)
    return left if not +wanted else None


def worked_out(
    session: Session,
    options: RunOptions,
    held: Held,
    recorded_findings: list[Finding],
    rules: Mapping[str, Rule],
    chosen_by: Selection,
) -> tuple[list[Finding], dict[str, str], dict[str, Any]] | None:
    """The findings after the edits of a findings snapshot that held but for them
    (snapshot.Held), with the SHA-256 of each edited document now and the record for the
    next `check`; None: run instead."""
    from qmslint.read import cache as document_cache

    try:
        recorded = Recorded(held.stored["findings"].get("increment"))
    except ValueError:
        return None
    documents = held.stored["documents"]
    root = session.config.root
    readers, settings = session.host.readers, session.read_settings()
    changed = {rel: documents[rel] for rel in held.edited}
    read = document_cache.read_again(root, changed, readers, settings)
    if read is None:
        return None
    edits = {rel: (old, new) for rel, (old, new, _) in read.items()}
    today = options.today or session.config.today
    increment = Increment(session, rules, chosen_by, today, options)
    try:
        plan = increment.plan(edits, recorded)
        if plan is None:
            return None
        wanted = [path for path in recorded.holders if path in plan.beside]
        if len(wanted) < len(plan.beside):
            wanted = recorded.in_order(plan.beside)
    except (ValueError, KeyError):  # a record that names no document of the run
        return None
    if not all(type(documents.get(path)) is str for path in wanted):
        return None
    served = document_cache.served(root, {p: documents[p] for p in wanted}, readers, settings)
    if served is None:
        return None
    beside = [served[path] for path in wanted]
    try:
        made = increment.findings(recorded_findings, edits, plan, beside, recorded)
    except (ValueError, KeyError):  # the same: a record that does not fit the documents
        return None
    if made is None:
        return None
    findings, record = made
    return findings, {rel: digest for rel, (_, _, digest) in read.items()}, record
