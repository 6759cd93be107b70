"""The baseline: `qmslint baseline` records today's findings; `check` then fails only on new ones."""

from __future__ import annotations

import json

import jsonschema
import yaml

from qmslint.support.resources import schema_path
from qmslint.testing import Qms

REPORT_SCHEMA = json.loads(schema_path("report.schema.json").read_text())
BASELINE = ".qmslint-baseline.yaml"


def legacy_qms(qms: Qms, **settings: object) -> None:
    """Two old problems: SOP-1 cites a missing document, SOP-2 has no approvers."""
    qms.config(profiles=["document-control"], **settings)
    qms.effective("SOP-1", related=["SOP-9"])
    qms.effective("SOP-2", approvers=None)


def record(qms: Qms, *args: str) -> None:
    result = qms.run("baseline", "--today", qms.today, *args)
    assert result.exit_code == 0, result.stderr
    assert "recorded 2 findings of 2 rules" in result.stdout


def test_baseline_file_is_sorted_reviewable_yaml(qms: Qms) -> None:
    legacy_qms(qms)
    record(qms)
    text = (qms.root / BASELINE).read_text()
    assert text.startswith("# qmslint baseline")
    data = yaml.safe_load(text)
    assert data["version"] == 1 and str(data["created"]) == "2026-11-21"
    assert data["profiles"] == ["document-control"]
    assert [(e["rule"], e["document"], e["path"]) for e in data["findings"]] == [
        ("DC013", "SOP-1", "qms/SOP-1.md"),
        ("DC007", "SOP-2", "qms/SOP-2.md"),
    ]
    assert all(len(e["fingerprint"]) == 32 and e["message"] for e in data["findings"])
    record(qms)  # deterministic: the same findings give the same bytes
    assert (qms.root / BASELINE).read_text() == text
    assert [p.name for p in qms.root.iterdir() if p.name.startswith(".qmslint-b")] == [BASELINE]


def test_check_fails_only_on_new_findings(qms: Qms) -> None:
    legacy_qms(qms)
    record(qms)
    result = qms.check()
    assert result.exit_code == 0
    jsonschema.validate(result.report, REPORT_SCHEMA)
    assert result.report["summary"]["suppressed"] == 2
    marks = {f["suppressed"]["kind"] for f in result.suppressed}
    assert marks == {"baseline"}
    assert result.suppressed[0]["suppressed"]["source"] == BASELINE
    qms.effective("SOP-3", related=["SOP-8"])  # a new problem
    result = qms.check()
    assert result.exit_code == 1
    [new] = result.fired("DC013")
    assert new["document"] == "SOP-3"


def test_fingerprints_survive_moved_lines(qms: Qms) -> None:
    legacy_qms(qms)
    record(qms)
    text = (qms.root / "qms/SOP-1.md").read_text()
    (qms.root / "qms/SOP-1.md").write_text(text.replace("---\n", "---\nauthor: A\nowner: B\n", 1))
    assert qms.check().exit_code == 0


def test_no_suppressions_ignores_the_baseline(qms: Qms) -> None:
    legacy_qms(qms)
    record(qms)
    result = qms.check("--no-suppressions")
    assert result.exit_code == 1 and result.report["summary"]["suppressed"] == 0


def test_waived_findings_and_waiver_problems_are_not_recorded(qms: Qms) -> None:
    waiver = {
        "rule": "DC013",
        "document": "SOP-1",
        "justification": "CR-12",
        "approved_by": "Head of QA",
        "expires": "2026-12-31",
    }
    expired = {**waiver, "rule": "DC001", "expires": "2026-01-01"}
    legacy_qms(qms, waivers=[waiver, expired])
    result = qms.run("baseline", "--today", qms.today)
    assert "recorded 1 findings of 1 rules" in result.stdout
    entries = yaml.safe_load((qms.root / BASELINE).read_text())["findings"]
    assert [e["rule"] for e in entries] == ["DC007"]
    # once the waiver has expired, its finding fails the check again
    result = qms.check("--today", "2027-01-05")
    assert result.exit_code == 1
    result.assert_fires("DC013", document="SOP-1")
    result.assert_fires("WV001")


def test_baseline_file_named_on_the_command_line_or_in_the_config(qms: Qms) -> None:
    legacy_qms(qms)
    record(qms, "--baseline", "ci/accepted.yaml")
    assert (qms.root / "ci/accepted.yaml").is_file() and not (qms.root / BASELINE).exists()
    assert qms.check().exit_code == 1  # not the default file: not used automatically
    assert qms.check("--baseline", "ci/accepted.yaml").exit_code == 0
    legacy_qms(qms, baseline="ci/accepted.yaml")
    assert qms.check().exit_code == 0
    missing = qms.check("--baseline", "nope.yaml")
    assert missing.exit_code == 2 and "baseline file not found: nope.yaml" in missing.stderr


def test_broken_baseline_is_exit_2_with_file_and_line(qms: Qms) -> None:
    legacy_qms(qms)
    qms.write(BASELINE, "version: 1\nfindings:\n  - rule: DC013\n    fingerprint: xyz\n")
    result = qms.check()
    assert result.exit_code == 2
    assert f"{BASELINE}:4:5: findings.0.fingerprint: 'xyz' does not match" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
