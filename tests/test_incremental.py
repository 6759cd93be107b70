"""An edit of document-control values (a version, a title, a date) is worked out from the last
run's findings, not run, and says what a run says (qmslint/incremental); any other edit runs."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest

from qmslint import incremental
from qmslint.testing import Qms, Result
from tests.test_snapshot import command_line

WAIVER = {
    "rule": "DC009",
    "document": "SOP-3",
    "justification": "Dates corrected under change request CR-7.",
    "approved_by": "Head of QA",
    "expires": "2027-03-31",
}
LABELLED = """# Complaint handling

**Document ID:** SOP-5
**Version:** 3
**Status:** Effective
**Owner:** QA Manager
**Approved by:** Head of QA
**Approval date:** 2026-01-10
**Effective date:** 2026-01-15

## Purpose

Complaints are received, recorded and evaluated.
"""


def _repo(qms: Qms) -> None:
    """Front matter in qmslint's style and as label lines under the title, a waiver in the
    config and one in a document's front matter, findings of every separable kind."""
    qms.config(profiles=["iso13485"], waivers=[WAIVER])
    qms.effective("SOP-1", clauses=["iso13485:4.2.4"], owner="QA", last_reviewed="2025-06-01")
    qms.effective("SOP-2", clauses=["iso13485:4.2.5"], owner="QA", related=["SOP-9"])
    qms.effective(  # DC009, waived in the config
        "SOP-3", clauses=["iso13485:8.2.2"], approved_on="2026-02-01", effective_date="2026-01-20"
    )
    qms.effective(
        "SOP-4",
        clauses=["iso13485:7.5.1"],
        version="",  # DC006
        **{
            "qmslint-waivers": [
                {
                    "rule": "DC006",
                    "document": "SOP-4",
                    "justification": "Revision assigned at the next release (CR-9).",
                    "approved_by": "Head of QA",
                    "expires": "2027-01-31",
                }
            ]
        },
    )
    qms.write("qms/procedures/SOP-5 Complaint handling.md", LABELLED)
    qms.doc("qms/WI-1.md", id="WI-1", title="Work", type="work-instruction", status="draft")


def _as_a_run(qms: Qms, monkeypatch, *args: str) -> Result:
    """`check [ARGS …]` from the command line, asserted to say what a `--no-cache` run says."""
    result = command_line(qms, monkeypatch, *args)
    assert result.stdout == qms.check("--no-cache", *args).stdout
    return result


def _replace(path: str, old: str, new: str) -> Callable[[Qms], None]:
    def edit(qms: Qms) -> None:
        target = qms.root / path
        text = target.read_text()
        assert old in text, (path, old)
        target.write_text(text.replace(old, new, 1))

    return edit


def _both(*edits: Callable[[Qms], None]) -> Callable[[Qms], None]:
    def edit(qms: Qms) -> None:
        for each in edits:
            each(qms)

    return edit


WORKED_OUT = {
    "version bumped": _replace("qms/SOP-1.md", "version: '1'", "version: '2'"),
    "title now a placeholder": _replace("qms/SOP-1.md", "title: SOP-1 procedure", "title: TBD"),
    "title emptied": _replace("qms/SOP-2.md", "title: SOP-2 procedure", "title: ''"),
    "review now overdue": _replace("qms/SOP-1.md", "2025-06-01", "2023-01-01"),
    "approved after it took effect": _replace("qms/SOP-1.md", "2026-01-10", "2026-01-20"),
    "approved in the future": _replace("qms/SOP-2.md", "2026-01-10", "2027-05-01"),
    "waived finding mended (waiver unused)": _replace("qms/SOP-3.md", "2026-02-01", "2026-01-01"),
    "front-matter waiver's finding mended": _replace("qms/SOP-4.md", "version: ''", "version: '4'"),
    "label line edited": _replace(
        "qms/procedures/SOP-5 Complaint handling.md", "**Version:** 3", "**Version:** 4"
    ),
    "approver renamed": _replace("qms/SOP-2.md", "- Head of QA", "- Quality Director"),
    "owner removed": _replace("qms/SOP-1.md", "owner: QA\n", ""),
    "related": _replace("qms/SOP-2.md", "SOP-9", "SOP-1"),
    "a line added": _replace("qms/SOP-1.md", "type: procedure", "type: procedure\nauthor: QA"),
    "a field removed": _replace("qms/SOP-2.md", "related:\n- SOP-9\n", ""),
    "a value on more lines": _replace("qms/SOP-3.md", "- Head of QA", "- Head of QA\n- CEO"),
    "status of the one document covering a clause": _replace(
        "qms/SOP-1.md", "status: effective", "status: draft"
    ),
    "type": _replace("qms/SOP-3.md", "type: procedure", "type: record"),
    "clauses": _replace("qms/SOP-1.md", "iso13485:4.2.4", "iso13485:4.2.3"),
    "a clause in the body": _replace(
        "qms/SOP-1.md",
        "# SOP-1 procedure",
        "# SOP-1 procedure\n\nApplicable clauses: ISO 13485:2016 7.5.8",
    ),
    "two documents": _both(
        _replace("qms/SOP-1.md", "version: '1'", "version: '7'"),
        _replace("qms/SOP-2.md", "2026-01-15", "2026-01-05"),
    ),
}


SAME_FINDINGS = {
    "version bumped",
    "approver renamed",
    "label line edited",
    "owner removed",
    "a line added",
}


@pytest.mark.parametrize("paths", [[], ["qms/SOP-1.md", "qms/SOP-2.md"]], ids=["all", "hook"])
@pytest.mark.parametrize("name", list(WORKED_OUT))
def test_a_document_control_edit_is_worked_out_as_a_run_would_report_it(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch, name: str, paths: list[str]
) -> None:
    _repo(qms)
    before = command_line(qms, monkeypatch)
    WORKED_OUT[name](qms)
    worked = command_line(qms, monkeypatch, *paths)
    assert len(counted) == 1, "worked out, not run"
    fresh = qms.check("--no-cache", *paths)
    assert (worked.exit_code, worked.stdout) == (fresh.exit_code, fresh.stdout)
    assert worked.stderr == ""
    again = command_line(qms, monkeypatch, *paths)  # replayed from what was recorded
    assert (again.exit_code, again.stdout) == (worked.exit_code, worked.stdout)
    if not paths and name not in SAME_FINDINGS:
        assert worked.stdout != before.stdout  # the edit made or mended a finding
    assert len(counted) == 1
    assert qms.check(*paths).stdout == fresh.stdout  # the document cache holds the edited ones


def test_edits_one_after_another_stay_as_a_run_says(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch
) -> None:
    _repo(qms)
    command_line(qms, monkeypatch, "--format", "sarif")
    for name, edit in WORKED_OUT.items():
        if name not in ("two documents", "a field removed"):  # each edits what another did
            edit(qms)
        _as_a_run(qms, monkeypatch, "--format", "sarif", "qms/SOP-1.md")
    whole = command_line(qms, monkeypatch, "--format", "sarif")
    assert whole.stdout == qms.check("--no-cache", "--format", "sarif").stdout
    assert len(counted) == 1


def test_a_baselined_finding_mended_is_worked_out_with_the_baseline(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch
) -> None:
    _repo(qms)
    assert qms.run("baseline").exit_code == 0
    command_line(qms, monkeypatch, "--show-suppressed")
    WORKED_OUT["approved in the future"](qms)  # a new finding: not in the baseline
    _replace("qms/SOP-4.md", "version: ''", "version: '4'")(qms)  # a baselined one mended
    worked = _as_a_run(qms, monkeypatch, "--show-suppressed")
    assert '"baseline"' in worked.stdout
    _replace("qms/SOP-2.md", "2027-05-01", "2027-06-01")(qms)
    _as_a_run(qms, monkeypatch, "--show-suppressed")
    assert len(counted) == 1


RUN = {
    "a key of its own": _replace("qms/SOP-1.md", "owner: QA", "owner: QA\nnotes: x"),
    "the waiver in front matter": _replace("qms/SOP-4.md", "CR-9", "CR-10"),
}


@pytest.mark.parametrize("name", list(RUN))
def test_any_other_edit_runs_and_says_what_a_run_says(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch, name: str
) -> None:
    _repo(qms)
    command_line(qms, monkeypatch)
    RUN[name](qms)
    _as_a_run(qms, monkeypatch, "qms/SOP-1.md")
    assert len(counted) == 2, "run, not worked out"


def test_a_repository_with_a_clause_mapping_always_runs(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch
) -> None:
    """A mapping row names documents by title: a title edit changes what it resolves."""
    _repo(qms)
    qms.effective(
        "QM-1",
        type="manual",
        path="qms/QM-1.md",
        body="# Quality manual\n\n| Clause | Document |\n|---|---|\n| 4.2.4 | SOP-1 procedure |\n",
        standard="ISO 13485:2016",
    )
    command_line(qms, monkeypatch)
    WORKED_OUT["title now a placeholder"](qms)
    _as_a_run(qms, monkeypatch)
    assert len(counted) == 2


def test_a_device_document_edited_runs(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch
) -> None:
    _repo(qms)
    qms.doc(
        "qms/DEV-1.md",
        id="DEV-1",
        title="Pump",
        type="device",
        status="effective",
        eu_class="IIb",
        markets=["EU"],
    )
    _as_a_run(qms, monkeypatch)
    _replace("qms/DEV-1.md", "title: Pump", "title: Infusion pump")(qms)
    _as_a_run(qms, monkeypatch)
    assert len(counted) == 2
    WORKED_OUT["version bumped"](qms)  # beside the device document: worked out
    _as_a_run(qms, monkeypatch)
    assert len(counted) == 2


def test_a_rule_that_names_an_edited_field_counts_as_reading_it() -> None:
    from qmslint.model import Severity
    from qmslint.packs.rules import Rule

    def rule(options: dict) -> Rule:
        check = {"kind": "document-exists", **options}
        return Rule("X1", "x", Severity.ERROR, (), "", "", check, None, "test", "test:1")

    assert incremental.names_any(rule({"select": {"title_pattern": "Vigilance"}}), {"title"})
    assert incremental.names_any(rule({"fields": ["owner"]}), {"owner"})
    assert not incremental.names_any(rule({"select": {"type": "procedure"}}), {"title"})


# Where the kinds that read the whole repository name a document-control field, and why that is
# no dependence on its value: each is ruled out before an edit is worked out.
EXEMPT = {
    ("checks/context.py", "title"): "a selector's title_pattern: names_any",
    ("index/mappings.py", "title"): "mappings and registers: context_of refuses them",
    ("index/mappings.py", "version"): "registers: context_of refuses them",
    ("index/mappings.py", "owner"): "registers",
    ("index/mappings.py", "effective_date"): "registers",
    ("suppress/baseline.py", "version"): "the baseline file's own format version",
    ("clauses/__init__.py", "title"): "a clause catalogue's title",
}


def test_no_kind_that_reads_the_whole_repository_reads_a_document_control_value() -> None:
    """The premise of qmslint/incremental, read off the code: the modules of every kind but the
    separable ones, the index, suppression and the report's anchor name no document-control
    field and iterate no document's fields, except where EXEMPT says why that is harmless."""
    package = Path(incremental.__file__).parent.parent
    separable = {"field.py", "review.py", "reading.py", "running.py"}
    modules = [p for p in (package / "checks").glob("*.py") if p.name not in separable]
    for folder in ("index", "suppress", "clauses"):
        modules += (package / folder).glob("*.py")
    modules.append(package / "report" / "anchor.py")
    found = set()
    for module in modules:
        rel = module.relative_to(package).as_posix()
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in incremental.DOCUMENT_CONTROL:
                found.add((rel, node.value))
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("items", "values", "keys")
                and isinstance(node.value, ast.Attribute)
                and node.value.attr in ("fields", "raw", "body_fields")
            ):
                found.add((rel, f".{node.value.attr}.{node.attr}()"))
    found -= {("index/devices.py", ".raw.items()")}  # device documents: edited_fields refuses
    assert found <= set(EXEMPT), sorted(found - set(EXEMPT))
    assert {kind.name for kind in _builtin_kinds()} >= incremental.SEPARABLE_KINDS


def _builtin_kinds():
    from qmslint.checks import builtin

    return builtin()
