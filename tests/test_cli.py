"""The CLI end to end: JSON report against its schema, text lines, exit codes, user mistakes."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest

from qmslint.support.resources import schema_path
from qmslint.testing import Qms

REPORT_SCHEMA = json.loads(schema_path("report.schema.json").read_text())


def small_qms(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1", ["iso13485:4.2.4"], related=["SOP-9"])
    qms.doc(
        "qms/draft.md",
        id="SOP-2",
        title="Draft",
        type="procedure",
        status="draft",
        clauses=["iso13485:9.9"],
    )


def test_json_report_validates_and_has_the_spec_shape(qms: Qms) -> None:
    small_qms(qms)
    result = qms.check()
    assert result.exit_code == 1
    jsonschema.validate(result.report, REPORT_SCHEMA)
    assert result.report["profiles"] == ["document-control"]
    assert result.report["today"] == "2026-11-21"
    assert {p["name"] for p in result.report["tool"]["plugins"]} >= {"core", "mdr", "fda-qmsr"}
    assert {p["name"] for p in result.report["tool"]["packs"]} >= {"document-control", "mdr"}
    assert result.report["summary"]["errors"] == 2
    assert {(f["rule"], f["path"], f["document"]) for f in result.findings} == {
        ("DC013", "qms/SOP-1.md", "SOP-1"),
        ("CL001", "qms/draft.md", "SOP-2"),
    }


def test_text_output_lines(qms: Qms) -> None:
    small_qms(qms)
    result = qms.run("check", "--today", "2026-11-21")
    lines = result.stdout.splitlines()
    assert (
        lines[0].startswith("qms/SOP-1.md:") and ": DC013 error 'related' names SOP-9" in lines[0]
    )
    assert lines[0].endswith("[iso13485:4.2.4, iso9001:7.5.3]")
    assert lines[-1].startswith("2 errors, 0 warnings, 0 info in 2 documents")


def test_repository_level_findings_have_no_path(qms: Qms) -> None:
    qms.config(profiles=["iso13485"])
    result = qms.check("--select", "ISO102")
    [finding] = result.findings
    assert finding["path"] is finding["line"] is finding["document"] is None


def test_exit_codes_fail_on_and_exit_zero(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1", approved_on="2027-01-01", effective_date="2027-01-02")  # warning only
    assert qms.check().exit_code == 0
    assert qms.check("--fail-on", "warning").exit_code == 1
    assert qms.check("--fail-on", "warning", "--exit-zero").exit_code == 0


def test_output_order_is_deterministic(qms: Qms) -> None:
    small_qms(qms)
    for index in range(5):
        qms.effective(f"WI-{index}", ["iso13485:99"], type="work-instruction")
    first, second = qms.check().stdout, qms.check().stdout
    assert first == second
    findings = json.loads(first)["findings"]
    assert findings == sorted(
        findings, key=lambda f: (f["path"] is not None, f["path"] or "", f["line"] or 0)
    )


def test_version_names_plugins_and_packs(qms: Qms) -> None:
    result = qms.run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("qmslint ")
    for name in ("plugin core", "plugin mdr", "pack iso13485", "pack fda-qmsr"):
        assert name in result.stdout


@pytest.mark.parametrize(
    ("config", "args", "message"),
    [
        ("profiles: [mdr]\nunknown_key: 1\n", [], ".qmslint.yaml:2:1: unknown key 'unknown_key'"),
        ("profiles: [mdrr]\n", [], "unknown profile 'mdrr'; did you mean 'mdr'?"),
        ("fail_on: fatal\n", [], ".qmslint.yaml:1:1: fail_on: 'fatal' is not one of"),
        ("profiles: [mdr\n", [], ".qmslint.yaml:2:1: malformed YAML"),
        (
            "devices:\n  - {name: no id}\n",
            [],
            ".qmslint.yaml:2:5: devices.0: 'id' is a required property",
        ),
        ("", ["--format", "xml"], "unknown output format 'xml'"),
        ("", ["--today", "21.11.2026"], "is not a date"),
        ("", ["--select", "DCX"], "no rule id starts with 'DCX'"),
    ],
)
def test_user_mistakes_exit_2_with_one_clear_line(
    qms: Qms, config: str, args: list[str], message: str
) -> None:
    qms.write(".qmslint.yaml", config)
    result = qms.run("check", *args)
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_installed_console_script_runs(qms: Qms) -> None:
    small_qms(qms)
    out = subprocess.run(
        [sys.executable, "-m", "qmslint", "check", "--format", "json", "--today", "2026-11-21"],
        cwd=qms.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 1, out.stderr
    jsonschema.validate(json.loads(out.stdout), REPORT_SCHEMA)


def test_rules_explain_and_profiles_verbs(qms: Qms) -> None:
    listing = qms.run("rules", "--profile", "mdr").stdout
    assert "MDR001" in listing and "Q9001" not in listing
    explained = qms.run("explain", "mdr001").stdout
    assert (
        "Vigilance procedure" in explained
        and "mdr:art87" in explained
        and "How to fix" in explained
    )
    assert "mdr" in qms.run("profiles").stdout
    assert "ISO102" in qms.run("profiles", "iso13485").stdout
    assert qms.run("explain", "NOPE1").exit_code == 2


@pytest.mark.parametrize("enabled", [True, False])
def test_a_run_collects_no_cycles_and_gives_the_collector_back(
    qms: Qms, monkeypatch, enabled: bool
) -> None:
    """A run keeps its objects to the end (cli.NO_CYCLE_COLLECTION); a caller's process (this
    test suite, an editor plugin) gets its own setting back, also after an error."""
    import gc

    from qmslint import cli

    seen: list[bool] = []
    real = cli.COMMANDS["rules"]
    monkeypatch.setitem(
        cli.COMMANDS, "rules", lambda args: seen.append(gc.isenabled()) or real(args)
    )
    monkeypatch.chdir(qms.root)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        assert cli.main(["rules"]) == 0
        assert gc.isenabled() is enabled
        qms.config(profiles=["no-such-profile"])
        assert cli.main(["check"]) == 2
        assert seen == [False] and gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
