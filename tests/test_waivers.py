"""Waivers (SPEC §6): in the config and in front matter; expired, unused, too far ahead, malformed;
suppressed findings stay in the report; --no-suppressions shows the run without them."""

from __future__ import annotations

import json

import jsonschema
import pytest

from qmslint.support.resources import schema_path
from qmslint.testing import Qms

REPORT_SCHEMA = json.loads(schema_path("report.schema.json").read_text())


def waiver(rule: str = "DC013", expires: str = "2027-03-31", **target: str) -> dict:
    return {
        "rule": rule,
        **target,
        "justification": "SOP-9 is being written under change request CR-12.",
        "approved_by": "Head of QA",
        "expires": expires,
    }


def broken_reference(qms: Qms, **settings: object) -> None:
    """SOP-1 cites SOP-9, which does not exist: one DC013 error."""
    qms.config(profiles=["document-control"], **settings)
    qms.effective("SOP-1", related=["SOP-9"])


def test_config_waiver_suppresses_and_the_finding_stays_visible(qms: Qms) -> None:
    broken_reference(qms, waivers=[waiver(document="SOP-1")])
    result = qms.check()
    assert result.exit_code == 0
    jsonschema.validate(result.report, REPORT_SCHEMA)
    [finding] = result.of("DC013")
    assert finding["suppressed"] == {
        "kind": "waiver",
        "justification": "SOP-9 is being written under change request CR-12.",
        "approved_by": "Head of QA",
        "expires": "2027-03-31",
        "source": ".qmslint.yaml",
        "line": 4,
    }
    assert result.report["summary"]["suppressed"] == 1
    assert result.report["summary"]["errors"] == 0


@pytest.mark.parametrize("target", [{"path": "qms/SOP-1.md"}, {"path": "./qms/SOP-1.md"}])
def test_waiver_by_path(qms: Qms, target: dict) -> None:
    broken_reference(qms, waivers=[waiver(**target)])
    assert qms.check().exit_code == 0


def test_front_matter_waiver_applies_to_its_own_document(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1", related=["SOP-9"], **{"qmslint-waivers": [waiver()]})
    qms.effective("SOP-2", related=["SOP-9"])  # not waived
    result = qms.check()
    assert result.exit_code == 1
    [waived] = result.suppressed
    assert waived["document"] == "SOP-1"
    assert waived["suppressed"]["source"] == "qms/SOP-1.md"
    assert waived["suppressed"]["line"] > 1
    result.assert_fires("DC013", document="SOP-2")
    jsonschema.validate(result.report, REPORT_SCHEMA)


def test_repository_level_finding_waived_by_a_waiver_naming_no_target(qms: Qms) -> None:
    qms.config(profiles=["iso13485"], waivers=[waiver("ISO102")])
    result = qms.check("--select", "ISO102")
    [finding] = result.of("ISO102")
    assert finding["path"] is None and finding["suppressed"]["kind"] == "waiver"
    assert result.exit_code == 0


def test_expired_waiver_no_longer_suppresses_and_is_reported(qms: Qms) -> None:
    broken_reference(qms, waivers=[waiver(document="SOP-1", expires="2026-11-20")])
    result = qms.check()  # today is 2026-11-21
    assert result.exit_code == 1
    result.assert_fires("DC013", document="SOP-1")
    [expired] = result.assert_fires("WV001", severity="error")
    assert (expired["path"], expired["line"]) == (".qmslint.yaml", 4)
    assert "expired on 2026-11-20" in expired["message"]
    # the last day is still valid
    assert qms.check("--today", "2026-11-20").exit_code == 0


def test_unused_waiver_is_reported_only_when_its_rule_ran(qms: Qms) -> None:
    qms.config(profiles=["document-control"], waivers=[waiver(document="SOP-1")])
    qms.effective("SOP-1")  # no broken reference: the waiver waives nothing
    result = qms.check()
    [unused] = result.assert_fires("WV002", severity="warning")
    assert unused["path"] == ".qmslint.yaml" and "matches no finding" in unused["message"]
    result = qms.check("--select", "DC001,WV")  # DC013 did not run: not "unused"
    result.assert_silent("WV002")


def test_waiver_findings_of_the_config_survive_path_limits(qms: Qms) -> None:
    """pre-commit passes only changed files; the config's waivers are still judged."""
    broken_reference(qms, waivers=[waiver(document="SOP-1", expires="2026-01-01")])
    qms.effective("SOP-2")
    result = qms.check("qms/SOP-2.md")
    result.assert_fires("WV001")
    result.assert_silent("DC013")  # SOP-1's own finding is outside the paths given


def test_expiry_too_far_ahead(qms: Qms) -> None:
    broken_reference(
        qms, waiver_max_days=365, waivers=[waiver(document="SOP-1", expires="2028-01-01")]
    )
    result = qms.check()
    result.assert_fires("WV003")
    result.assert_fires("DC013")  # does not suppress
    broken_reference(
        qms, waiver_max_days=365, waivers=[waiver(document="SOP-1", expires="2027-06-30")]
    )
    assert qms.check().exit_code == 0


def test_no_suppressions_shows_the_run_as_if_there_were_none(qms: Qms) -> None:
    broken_reference(
        qms,
        waivers=[waiver(document="SOP-1"), waiver("DC001", expires="2020-01-01")],
    )
    result = qms.check("--no-suppressions")
    assert result.exit_code == 1
    assert result.report["summary"]["suppressed"] == 0
    assert {f["rule"] for f in result.findings} == {"DC013"}  # no WV001 either


def test_text_counts_suppressed_findings_and_lists_them_with_a_flag(qms: Qms) -> None:
    broken_reference(qms, waivers=[waiver(document="SOP-1")])
    [summary] = qms.run("check", "--today", "2026-11-21").stdout.splitlines()
    assert summary.startswith("0 errors, 0 warnings, 0 info, 1 suppressed")
    listed = qms.run("check", "--today", "2026-11-21", "--show-suppressed").stdout.splitlines()
    assert listed[0].startswith("qms/SOP-1.md:") and " DC013 error " in listed[0]
    assert listed[0].endswith("(suppressed: SOP-9 is being written under change request CR-12.)")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"rule": "DC013", "document": "SOP-1", "justification": "x", "expires": "2027-01-01"},
            ".qmslint.yaml:4:3: waivers.0: 'approved_by' is a required property",
        ),
        (
            {**waiver(document="SOP-1"), "expires": "2027-02-31"},
            ".qmslint.yaml:8:12: waivers.0.expires: '2027-02-31' is not a date",
        ),
        (
            {**waiver(document="SOP-1"), "expires": "soon"},
            "waivers.0.expires: 'soon' does not match",
        ),
        (waiver("DC0133"), "waivers.0: names unknown rule DC0133; did you mean 'DC013'?"),
        (waiver("WV001"), "WV001 reports problems with waivers and cannot itself be waived"),
        ({**waiver(), "reason": "x"}, "unknown key 'reason'"),
    ],
)
def test_malformed_config_waiver_is_exit_2_with_file_and_line(
    qms: Qms, entry: dict, message: str
) -> None:
    broken_reference(qms, waivers=[entry])
    result = qms.check()
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_malformed_front_matter_waiver_is_a_finding_at_its_line(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    incomplete = {k: v for k, v in waiver().items() if k != "justification"}
    qms.effective(
        "SOP-1",
        related=["SOP-9"],
        **{"qmslint-waivers": [incomplete, waiver("NOPE001"), waiver(expires="2027-13-01")]},
    )
    result = qms.check()
    problems = result.assert_fires("WV004", document="SOP-1", count=3, severity="error")
    assert "'justification' is a required property" in problems[0]["message"]
    assert "unknown rule NOPE001" in problems[1]["message"]
    assert "is not a date" in problems[2]["message"]
    assert [p["line"] for p in problems] == sorted({p["line"] for p in problems})
    result.assert_fires("DC013", document="SOP-1")  # none of them suppresses
    jsonschema.validate(result.report, REPORT_SCHEMA)


def test_front_matter_waivers_must_be_a_list(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1", **{"qmslint-waivers": waiver()})
    qms.check().assert_fires("WV004", document="SOP-1")


def test_waiver_findings_can_be_ignored_like_any_rule(qms: Qms) -> None:
    qms.config(profiles=["document-control"], ignore=["WV002"], waivers=[waiver(document="SOP-1")])
    qms.effective("SOP-1")
    qms.check().assert_silent()


def test_waivers_in_pyproject_toml(qms: Qms) -> None:
    qms.write(
        "pyproject.toml",
        "[tool.qmslint]\nprofiles = ['document-control']\n\n[[tool.qmslint.waivers]]\n"
        "rule = 'DC013'\ndocument = 'SOP-1'\njustification = 'CR-12'\n"
        "approved_by = 'Head of QA'\nexpires = 2027-03-31\n",
    )
    qms.effective("SOP-1", related=["SOP-9"])
    result = qms.check()
    assert result.exit_code == 0, result.stderr
    assert result.suppressed[0]["suppressed"]["source"] == "pyproject.toml"
