"""The rules stage: every active rule run over the index, in rule order.

A large repository with `--jobs` above 1 has its rules split with one forked copy of this
process, which runs every other rule of each kind and hands its results back pickled (the copy
shares the index with this process, page by page, until either writes: nothing is read or sent
twice). The results are the same as in one process, since a built-in check kind reads the index
and its rule and nothing another rule did; a plugin's kind might not, so a run with one is never
split. A copy that fails (killed, out of memory) leaves its rules to this process: nothing is
lost.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from qmslint.checks.conditions import evaluate
from qmslint.checks.context import CheckContext, Shared
from qmslint.checks.kind import CheckKind
from qmslint.model import Finding
from qmslint.packs.rules import Rule

PARALLEL_MIN = 2000  # documents: below this a rule costs less than the copy's start


@dataclass
class RuleRun:
    """What running one rule gave: its findings (those made before a failure too), the error
    of a check that raised, or that its `when` does not hold for this QMS."""

    rule: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    applies: bool = True
    standing: Any = None  # CheckKind.standing, when the kind has one and the check ran


def run_rules(
    shared: Shared, rules: Sequence[Rule], kinds: Mapping[str, CheckKind], jobs: int
) -> list[RuleRun]:
    """Each rule's run, in the order of `rules` (each has a kind of `kinds`)."""
    if jobs > 1 and len(shared.repo.documents) >= PARALLEL_MIN and _may_split(rules, kinds):
        return _split(shared, rules, kinds)
    return [run_rule(shared, rule, kinds) for rule in rules]


def run_rule(shared: Shared, rule: Rule, kinds: Mapping[str, CheckKind]) -> RuleRun:
    if evaluate(rule.when, shared.repo) is not True:
        return RuleRun(rule.id, applies=False)
    made = RuleRun(rule.id)
    kind = kinds[rule.kind or ""]
    context = CheckContext(shared, rule)
    try:  # a check function's bug is reported by name, the run goes on
        made.findings.extend(kind.function(context))
        if kind.standing is not None and shared.standings:
            made.standing = kind.standing(context)
    except Exception as exc:
        made.error = f"check '{rule.kind}' failed on rule {rule.id}: {exc!r}"
    return made


def _may_split(rules: Sequence[Rule], kinds: Mapping[str, CheckKind]) -> bool:
    """Only built-in kinds, on a system whose processes fork (a copy elsewhere would have to be
    sent the whole index)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    from qmslint.checks import builtin

    ours = {kind.name: kind for kind in builtin()}
    return all(kinds.get(rule.kind or "") is ours.get(rule.kind or "") for rule in rules)


def _halves(rules: Sequence[Rule]) -> tuple[list[Rule], list[Rule]]:
    """Every other rule, taken kind by kind: rules of one kind cost about alike, and a kind with
    an odd number leaves its last one to the half the next kind then starts with."""
    by_kind: dict[str, list[Rule]] = {}
    for rule in rules:
        by_kind.setdefault(rule.kind or "", []).append(rule)
    ordered = [rule for same in by_kind.values() for rule in same]
    return ordered[0::2], ordered[1::2]


def _split(shared: Shared, rules: Sequence[Rule], kinds: Mapping[str, CheckKind]) -> list[RuleRun]:
    mine, theirs = _halves(rules)
    try:
        reading, writing = os.pipe()
        child = os.fork()
    except OSError:  # no processes left: all of them here
        return [run_rule(shared, rule, kinds) for rule in rules]
    if child == 0:  # the copy: its rules, pickled into the pipe, and gone without clean-up
        code = 1
        try:
            os.close(reading)
            data = pickle.dumps(
                [run_rule(shared, r, kinds) for r in theirs], pickle.HIGHEST_PROTOCOL
            )
            with os.fdopen(writing, "wb") as out:
                out.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(writing)
    here = [run_rule(shared, rule, kinds) for rule in mine]
    with os.fdopen(reading, "rb") as handle:
        data = handle.read()
    _, status = os.waitpid(child, 0)
    there = _received(data, status, theirs)
    if there is None:
        there = [run_rule(shared, rule, kinds) for rule in theirs]
    by_rule = {made.rule: made for made in (*here, *there)}
    return [by_rule[rule.id] for rule in rules]


def _received(data: bytes, status: int, theirs: Sequence[Rule]) -> list[RuleRun] | None:
    """The copy's runs, or None when it did not end well or sent something else."""
    if os.waitstatus_to_exitcode(status) != 0:
        return None
    try:
        runs = pickle.loads(data)
    except Exception:
        return None
    if type(runs) is not list or [getattr(r, "rule", None) for r in runs] != [
        rule.id for rule in theirs
    ]:
        return None
    return runs
