"""Metadata and clause claims as real QMS repositories write them in the body (SPEC §3.1 item 4),
each with a case where it is read and a look-alike that is not."""

from __future__ import annotations

import json

from qmslint.testing import Qms

PIPELESS = """# Vigilance

Document Number|Title|Status|Effective Date|Owner
---|---|---|---|---
SOP-012|Vigilance|Approved|2026-01-15|Head of RA

## 1. Purpose

Report serious incidents.

| Term | Definition |
|---|---|
| Status | a glossary row, not the document's status |
"""

LABELS = """# Control of documents

> **Document Type**: Standard Operating Procedure
> **SOP ID:** SOP-001
> **Status**: Approved
> **Revision**: 3
> **Approved by:** Head of QA
> **Approval Date:** 15 March 2026

## Purpose

Text.
"""


def _show(qms: Qms, path: str) -> dict:
    result = qms.run("show", "--format", "json", path)
    assert result.exit_code == 0, result.stderr
    [document] = json.loads(result.stdout)["documents"]
    return document


def test_a_header_row_over_a_value_row_without_pipes(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.write("qms/vigilance.md", PIPELESS)
    shown = _show(qms, "qms/vigilance.md")
    fields = shown["fields"]
    assert fields["id"]["value"] == "SOP-012" and fields["id"]["line"] == 5
    assert fields["status"]["value"] == "approved" and fields["status"]["source"] == "body-table"
    assert fields["effective_date"]["value"] == "2026-01-15"
    assert fields["title"]["value"] == "Vigilance"
    assert shown["in_force"] is True  # the glossary row further down was not read as status


def test_label_lines_in_a_blockquote_with_the_usual_labels(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.write("qms/sops/doc-control.md", LABELS)
    fields = _show(qms, "qms/sops/doc-control.md")["fields"]
    assert fields["id"]["value"] == "SOP-001" and fields["id"]["source"] == "label-line"
    assert fields["type"]["value"] == "procedure"
    assert fields["version"]["value"] == "3"
    assert fields["approvers"]["value"] == ["Head of QA"]
    assert fields["approved_on"]["value"] == "2026-03-15"


def test_the_config_fields_map_applies_to_body_labels(qms: Qms) -> None:
    qms.config(profiles=["document-control"], fields={"Slug": "id", "Form-ID": "id"})
    qms.write("qms/a.md", "# Intake\n\n**Slug:** FRM-7\n\nText.\n")
    assert _show(qms, "qms/a.md")["fields"]["id"]["value"] == "FRM-7"


def test_a_table_in_a_code_block_is_not_metadata(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.write(
        "qms/example.md",
        "# How to write a header\n\n```\n| Document ID | SOP-999 |\n|---|---|\n```\n",
    )
    assert "id" not in _show(qms, "qms/example.md")["fields"]


def test_id_from_the_file_name_and_type_from_prefix_or_folder(qms: Qms) -> None:
    qms.config(profiles=["document-control"], type_from_folder={"harms/**": "record"})
    qms.write("qms/QP-0003_Document_Control_Process.md", "# Document Control Process\n\nText.\n")
    qms.write("risk/harms/HARM-001.md", "---\ntitle: Stroke\nstatus: draft\n---\n\n# Harm\n")
    first = _show(qms, "qms/QP-0003_Document_Control_Process.md")["fields"]
    assert first["id"] == {"value": "QP-0003", "source": "file-name", "line": 1, "column": 1}
    assert first["type"]["value"] == "procedure" and first["type"]["source"] == "id-prefix"
    assert first["title"]["value"] == "Document Control Process"
    second = _show(qms, "risk/harms/HARM-001.md")["fields"]
    assert second["id"]["value"] == "HARM-001" and second["type"]["value"] == "record"


def test_the_id_in_the_file_name_must_agree_with_the_metadata(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-002", path="qms/SOP-001 Document control.md")
    result = qms.check()
    [finding] = result.of("QL011")
    assert "the file name says id is 'SOP-001'" in finding["message"]
    assert "'SOP-002'" in finding["message"]


def test_a_reference_table_under_the_title_covers_the_clause(qms: Qms) -> None:
    qms.config(profiles=["mdr"], markets=["EU"])
    qms.effective("SOP-016", type="procedure")  # front matter without clauses
    path = qms.root / "qms/SOP-016.md"
    path.write_text(
        path.read_text()
        + "\n| Standard | Reference |\n|---|---|\n"
        + "| EU Regulation 2017/745 (MDR) | Art. 87 - 92 (Vigilance) |\n"
        + "| ISO 13485:2016 | Para. 8.2.3 |\n"
    )
    result = qms.check("--select", "MDR001,ISO121")
    assert not result.of("MDR001") and not result.of("ISO121"), result.stdout


def test_a_mention_in_prose_is_no_coverage(qms: Qms) -> None:
    qms.config(profiles=["mdr"], markets=["EU"])
    qms.effective("SOP-016", type="procedure")
    path = qms.root / "qms/SOP-016.md"
    path.write_text(
        path.read_text()
        + "\n## Scope\n\nThis procedure is not about EU MDR Articles 87-92 reporting.\n"
    )
    assert qms.check("--select", "MDR001").of("MDR001")


def test_iso_14971_cited_whole_covers_the_risk_management_process(qms: Qms) -> None:
    qms.config(profiles=["iso13485"])
    qms.effective("SOP-003", type="procedure")
    path = qms.root / "qms/SOP-003.md"
    path.write_text(path.read_text() + "\n## References\n\n- ISO 14971:2019\n")
    assert not qms.check("--select", "ISO139").of("ISO139")


def test_an_older_edition_is_a_finding_not_coverage(qms: Qms) -> None:
    qms.config(profiles=["iso13485"])
    qms.effective("SOP-003", type="procedure")
    path = qms.root / "qms/SOP-003.md"
    path.write_text(path.read_text() + "\n## References\n\n- ISO 13485:2003 clause 7.1\n")
    result = qms.check("--select", "ISO139,QL013")
    assert result.of("ISO139")
    [finding] = result.of("QL013")
    assert "2003" in finding["message"] and finding["path"] == "qms/SOP-003.md"


def test_the_edition_in_force_is_no_finding(qms: Qms) -> None:
    qms.config(profiles=["iso13485"])
    qms.effective("SOP-003", type="procedure")
    path = qms.root / "qms/SOP-003.md"
    path.write_text(path.read_text() + "\n## References\n\n- ISO 13485:2016 clause 7.1\n")
    result = qms.check("--select", "ISO139,QL013")
    assert not result.findings, result.stdout


def test_placeholders_are_findings_in_documents_in_force_only(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-001", owner="<enter role of process owner>", path="qms/a.md")
    qms.doc("qms/b.md", id="SOP-002", title="B", type="procedure", status="draft", owner="TBD")
    result = qms.check()
    [finding] = result.of("QL012")
    assert finding["path"] == "qms/a.md" and "<enter role of process owner>" in finding["message"]
    assert finding["line"] > 1


def test_dates_as_documents_write_them(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-001", approved_on="31/12/2025", path="qms/a.md")
    qms.effective("SOP-002", approved_on="01/02/2025", path="qms/b.md")
    result = qms.check()
    wrong = [f for f in result.of("QL006") if f["path"] == "qms/b.md"]
    assert wrong and "unambiguous date" in wrong[0]["message"]
    assert not [f for f in result.of("QL006") if f["path"] == "qms/a.md"]


def test_a_status_the_vocabulary_does_not_have_is_reported_at_its_line(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.write(
        "qms/a.md", "# Training\n\n**Document ID:** SOP-5\n**Status:** Draft (for Training)\n"
    )
    [finding] = qms.check().of("QL006")
    assert finding["line"] == 4 and "Draft (for Training)" in finding["message"]


def test_old_qsr_sections_are_a_warning_naming_the_qmsr(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1", ["cfr:820.30", "cfr:820.10"])
    result = qms.check()
    [finding] = result.of("CL003")
    assert finding["severity"] == "warning" and "reserved in the QMSR" in finding["message"]
    assert not result.of("CL001")


def test_a_value_of_the_wrong_type_is_reported_once(qms: Qms) -> None:
    """`doc_type: reference` is QL006 at its line, not also DC005 "does not state 'type'"."""
    qms.config(profiles=["document-control"])
    qms.effective("REF-01", type="reference")
    result = qms.check()
    assert result.of("QL006") and not result.of("DC005")
