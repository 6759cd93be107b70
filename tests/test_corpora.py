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


def init_then_check(corpus: Path, tmp_path: Path) -> tuple[str, dict]:
    """As a new user: copy the repository, `qmslint init`, then `qmslint check`."""
    import shutil

    copy = tmp_path / corpus.name
    shutil.copytree(corpus, copy)
    written = run_qmslint(["init"], copy)
    assert written.exit_code == 0, written.stderr
    result = run_qmslint(["check", "--format", "json", "--today", "2026-12-01"], copy)
    assert result.exit_code in (0, 1), result.stderr
    jsonschema.validate(result.report, REPORT_SCHEMA)
    return (copy / ".qmslint.yaml").read_text(), result.report


def test_pactosigna_after_init(corpora: Path, tmp_path: Path) -> None:
    config, report = init_then_check(corpora / "pactosigna-sample-qms-iso13485", tmp_path)
    assert "profiles: [mdr, fda-qmsr]" in config and "DC008: off" in config
    rules = {f["rule"] for f in report["findings"]}
    assert "MDR001" not in rules  # SOP-012's References: "EU MDR 2017/745 Articles 87-92"
    assert "ISO139" not in rules  # SOP-003's References: "ISO 14971:2019"
    assert "ISO102" not in rules and "ISO121" not in rules
    assert "ISO130" in rules  # the quality manual QM-001 the README names does not exist
    old = [f for f in report["findings"] if f["rule"] == "CL003"]
    assert any(f["document"] == "SOP-002" and "820.30" in f["message"] for f in old)


def test_technical_documentation_after_init(corpora: Path, tmp_path: Path) -> None:
    config, report = init_then_check(corpora / "pactosigna-samd-c", tmp_path)
    assert "profiles: [document-control]" in config
    assert "'requirements': specification" in config
    assert report["summary"]["errors"] <= 5, report["findings"]


def test_lean_after_init(corpora: Path, tmp_path: Path) -> None:
    config, report = init_then_check(corpora / "lean-iso13485-qms", tmp_path)
    assert "standard: ISO 13485:2016" in config and "'HOWTO.md'" in config
    paths = {f["path"] for f in report["findings"]}
    assert "HOWTO.md" not in paths and "DISCLAIMER.md" not in paths
    assert any(f["rule"] == "DC007" for f in report["findings"])  # approved, no approver


def test_rdm_after_init(corpora: Path, tmp_path: Path) -> None:
    _config, report = init_then_check(corpora / "rdm-init-files", tmp_path)
    notes = [f for f in report["findings"] if f["rule"] == "QL013"]
    assert notes and all("14971" in f["message"] for f in notes)  # 2007 numbering, no edition
