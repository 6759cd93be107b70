"""qmslint on two real public QMS repositories, as a user would run it (skipped without them)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from qmslint.support.resources import schema_path
from qmslint.testing import dump_yaml, run_qmslint

REPORT_SCHEMA = json.loads(schema_path("report.schema.json").read_text())


def check(corpus: Path, tmp_path: Path, **config) -> dict:
    config_file = tmp_path / ".qmslint.yaml"
    config_file.write_text(dump_yaml(config))
    result = run_qmslint(
        [
            "check",
            str(corpus),
            "--config",
            str(config_file),
            "--format",
            "json",
            "--today",
            "2026-11-21",
        ],
        corpus,
    )
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    jsonschema.validate(result.report, REPORT_SCHEMA)
    return result.report


def by_rule(report: dict, rule: str) -> list[dict]:
    return [f for f in report["findings"] if f["rule"] == rule]


def test_lean_iso13485(corpora: Path, tmp_path: Path) -> None:
    corpus = corpora / "lean-iso13485-qms"
    report = check(corpus, tmp_path, profiles=["iso13485"], in_force=["approved", "effective"])
    paths = {f["path"] for f in report["findings"]}
    assert not any(p and p.startswith("_templates/") for p in paths)  # template code is not read
    # approved dashboards with no approver and no approval date
    assert {f["path"] for f in by_rule(report, "DC007")} >= {"00-dashboard/CAPA Log.md"}
    assert by_rule(report, "DC008")
    # a clause that ISO 13485 does not have
    [bad_clause] = [f for f in by_rule(report, "CL001") if "1.2" in f["message"]]
    assert bad_clause["path"] == "01-quality-manual/QM-04 Scope and Exclusions.md"
    assert bad_clause["line"] == 6
    # every SOP is a draft: the documented procedures are all missing
    assert by_rule(report, "ISO102") and by_rule(report, "ISO128")


def test_pactosigna(corpora: Path, tmp_path: Path) -> None:
    corpus = corpora / "pactosigna-sample-qms-iso13485"
    report = check(
        corpus,
        tmp_path,
        profiles=["iso13485"],
        in_force=["approved", "effective"],
        standard="ISO 13485:2016",
    )
    # front matter 'approved' while the body says 'Effective'
    disagreements = by_rule(report, "QL011")
    assert any(f["document"] == "SOP-001" for f in disagreements)
    assert all("effective" in f["message"] for f in disagreements)
    # body 'Regulatory Basis' lines count as coverage: document control is covered
    assert by_rule(report, "ISO102") == []
    assert report["summary"]["documents"] >= 30


def test_pactosigna_author_must_be_an_email_as_its_own_schema_says(
    corpora: Path, tmp_path: Path
) -> None:
    """A company rule (the corpus's own schema declares `author` an e-mail) written as a pack."""
    pack = tmp_path / "company"
    pack.mkdir()
    rule = {
        "id": "CO001",
        "title": "Author is an e-mail address",
        "severity": "warning",
        "references": [],
        "explanation": "Our document schema declares author as an e-mail address.",
        "fix": "Write the author's e-mail address.",
        "check": {
            "kind": "field",
            "field": "author",
            "if_present": True,
            "pattern": "[^@\\s]+@[^@\\s]+",
        },
    }
    (pack / "company.yaml").write_text(
        dump_yaml(
            {
                "pack": "company",
                "profiles": [{"name": "company", "title": "Company", "rules": ["CO001"]}],
                "rules": [rule],
            }
        )
    )
    corpus = corpora / "pactosigna-sample-qms-iso13485"
    report = check(corpus, tmp_path, profiles=["company"], packs=[str(pack)])
    offenders = {f["document"] for f in by_rule(report, "CO001")}
    assert "SOP-001" in offenders  # author: quality
    assert "AUD-RPT-001" not in offenders  # author: jane.smith@example.com
