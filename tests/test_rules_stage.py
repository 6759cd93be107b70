"""The rules stage split with a forked copy (checks/running.py) gives what one process gives."""

from __future__ import annotations

import os
import sys

import pytest

from qmslint import checks
from qmslint.checks import running
from qmslint.checks.context import Shared
from qmslint.index.repository import IndexSettings, Repository
from qmslint.model import Severity
from qmslint.packs.rules import Rule
from qmslint.plugins import host
from qmslint.testing import Qms

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the rules are split only where processes fork"
)


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every repository splits its rules; the copies this process forked."""
    monkeypatch.setattr(running, "PARALLEL_MIN", 1)
    made: list[int] = []
    real = os.fork

    def fork() -> int:
        child = real()
        if child:
            made.append(child)
        return child

    monkeypatch.setattr(os, "fork", fork)
    return made


def _varied(qms: Qms) -> None:
    """A QMS that makes findings of many kinds, so that both halves have something to say."""
    qms.config(profiles=["mdr", "fda-qmsr"])
    qms.effective("SOP-1", clauses=["iso13485:4.2.4"], related=["SOP-9"])
    qms.effective("SOP-1", clauses=["iso13485:7.5.1"], path="qms/SOP-1-copy.md")
    qms.effective("SOP-2", clauses=["iso13485:8.2.2"], status="draft", approvers=None)
    qms.effective("SOP-3", approved_on="2019-01-01", effective_date="2019-01-02")
    qms.write("qms/broken.md", "---\nid: [unclosed\n---\n")
    qms.doc("qms/SOP-4.md", id="SOP-4", title="Vigilance", type="procedure", status="effective")


def test_split_rules_make_the_findings_of_one_process(qms: Qms, forks: list[int]) -> None:
    _varied(qms)
    one = qms.check("--no-cache", "--jobs", "1")
    assert not forks
    two = qms.check("--no-cache", "--jobs", "2")
    assert len(forks) == 1  # the rules really were split
    assert one.stdout.encode() == two.stdout.encode()
    assert len(one.rules) > 8  # many kinds of rule said something
    html = [qms.check("--no-cache", "--jobs", jobs, "--format", "html") for jobs in "12"]
    assert html[0].stdout == html[1].stdout  # the matrix reads what the copy decided too
    assert len(forks) == 2


def test_a_copy_that_dies_leaves_its_rules_to_this_process(
    qms: Qms, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _varied(qms)
    expected = qms.check("--no-cache", "--jobs", "1").stdout
    parent = os.getpid()
    real = running.run_rule

    def dies_in_the_copy(shared, rule, kinds):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            os._exit(9)  # as a copy the system killed would end
        return real(shared, rule, kinds)

    monkeypatch.setattr(running, "run_rule", dies_in_the_copy)
    result = qms.check("--no-cache", "--jobs", "2")
    assert forks and result.stdout == expected


def test_a_check_that_raises_in_the_copy_is_reported_as_in_one_process(
    qms: Qms, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from qmslint.checks import identity

    def explode(ctx):  # type: ignore[no-untyped-def]
        yield ctx.finding("made before the bug", key="before")
        raise ValueError("bug in a check")

    kind = checks.CheckKind("unique-ids", explode, identity.UNIQUE.options_schema)
    builtin = checks.builtin
    monkeypatch.setattr(
        checks, "builtin", lambda: [kind if k.name == "unique-ids" else k for k in builtin()]
    )
    monkeypatch.setattr(host, "_HOSTS", {})
    _varied(qms)
    one = qms.check("--no-cache", "--jobs", "1")
    two = qms.check("--no-cache", "--jobs", "2")
    assert forks
    assert one.exit_code == two.exit_code == 2
    assert "failed on rule" in two.stderr and one.stderr == two.stderr
    assert one.stdout == two.stdout
    assert any(f["message"] == "made before the bug" for f in two.findings)


def test_a_plugins_kind_is_never_split(tmp_path) -> None:  # type: ignore[no-untyped-def]
    theirs = checks.CheckKind("theirs", lambda ctx: iter(()), None)
    rule = _rule(1, "theirs")
    kinds = {kind.name: kind for kind in checks.builtin()}
    assert running._may_split([], kinds)
    assert not running._may_split([rule], {**kinds, "theirs": theirs})
    repo = Repository(root=tmp_path, settings=IndexSettings(), catalogues=None)  # type: ignore[arg-type]
    shared = Shared(repo=repo, today=None, active_rules={})  # type: ignore[arg-type]
    assert running.run_rules(shared, [rule], {"theirs": theirs}, 2)[0].findings == []


def _rule(number: int, kind: str) -> Rule:
    return Rule(
        id=f"R{number}",
        title="r",
        severity=Severity.ERROR,
        references=(),
        explanation="",
        fix="",
        check={"kind": kind},
        when=None,
        pack="t",
        source="t.yaml:1",
    )


def test_the_halves_take_every_other_rule_kind_by_kind() -> None:
    rules = [_rule(1, "a"), _rule(2, "b"), _rule(3, "a"), _rule(4, "a"), _rule(5, "b")]
    mine, theirs = running._halves(rules)
    assert [r.id for r in mine] == ["R1", "R4", "R5"]
    assert [r.id for r in theirs] == ["R3", "R2"]
