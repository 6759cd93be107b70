"""Conventions of real repositories read without configuration (issue: reading real QMSs)."""

from __future__ import annotations

from qmslint.testing import Qms

VIGILANCE = ["mdr:art87"]


def _approved(qms: Qms, doc_id: str, path: str, **extra: object) -> None:
    qms.doc(
        path,
        id=doc_id,
        title=f"{doc_id} procedure",
        type="procedure",
        status="Approved",
        version="1",
        approvers=["Head of QA"],
        approved_on="2026-01-10",
        **extra,
    )


def test_approved_documents_are_in_force_by_default(qms: Qms) -> None:
    qms.config(profiles=["iso13485"])
    _approved(qms, "SOP-001", "qms/SOP-001.md", clauses=["iso13485:4.1.6"])
    result = qms.check("--select", "ISO101")  # the document-control procedure exists
    assert not result.of("ISO101"), result.stdout


def test_in_force_can_be_narrowed_to_effective(qms: Qms) -> None:
    qms.config(profiles=["iso13485"], in_force=["effective"])
    _approved(qms, "SOP-001", "qms/SOP-001.md", clauses=["iso13485:4.1.6"])
    result = qms.check("--select", "ISO101")
    [missing] = result.of("ISO101")
    assert missing["path"] is None


def test_template_folders_are_excluded_whatever_their_case(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    for folder in ("Templates", "TEMPLATE", "_Templates", "Archive"):
        qms.write(f"{folder}/SOP-XXX.md", "---\nid: SOP-XXX\nstatus: [broken\n---\n")
    _approved(qms, "SOP-001", "qms/SOP-001.md")
    result = qms.check()
    assert result.report is not None and result.report["summary"]["documents"] == 1


def test_upper_case_extensions_are_documents(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    _approved(qms, "SOP-001", "qms/SOP-001.MD")
    qms.write("qms/FRM-001.DOCX", b"PK\x03\x04")
    qms.write("qms/WI-001.odt", b"PK\x03\x04")
    qms.write(
        "qms/WI-001.odt.yaml",
        "id: WI-001\ntitle: Cleaning\ntype: work-instruction\nstatus: draft\n",
    )
    result = qms.check()
    paths = {f["path"] for f in result.findings}
    assert result.report is not None and result.report["summary"]["documents"] == 3
    assert "qms/FRM-001.DOCX" in paths  # a binary without a sidecar is reported, not skipped
    assert "qms/WI-001.odt" not in paths  # its sidecar stands for it
