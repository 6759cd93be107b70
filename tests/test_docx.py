"""Word `.docx` documents read directly; a sidecar beside one wins and must agree with it."""

from __future__ import annotations

import io
import json

import docx

from qmslint.testing import Qms


def _word(identifier: str, status: str, table: list[tuple[str, str]]) -> bytes:
    document = docx.Document()
    rows = document.add_table(rows=len(table), cols=2)
    for row, (label, value) in zip(rows.rows, table):
        row.cells[0].text, row.cells[1].text = label, value
    document.add_paragraph("Procedure text.")
    props = document.core_properties
    props.title, props.identifier, props.content_status = "Purchasing", identifier, status
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_word_document_is_read_without_a_sidecar(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.write(
        "qms/SOP-009.docx",
        _word("SOP-009", "Approved", [("Document Type", "Procedure"), ("Revision", "4")]),
    )
    shown = json.loads(qms.run("show", "--format", "json").stdout)["documents"]
    [document] = shown
    fields = document["fields"]
    assert fields["id"]["value"] == "SOP-009" and fields["status"]["value"] == "approved"
    assert fields["type"]["value"] == "procedure" and fields["version"]["value"] == "4"
    assert document["in_force"] is True
    assert not qms.check().of("QL009")  # no "missing sidecar"


def test_the_sidecar_wins_and_a_disagreement_is_a_finding(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.write("qms/SOP-009.docx", _word("SOP-009", "Draft", [("Revision", "4")]))
    qms.write(
        "qms/SOP-009.docx.yaml",
        "id: SOP-009\ntitle: Purchasing\ntype: procedure\nstatus: effective\nversion: '4'\n",
    )
    result = qms.check()
    [finding] = result.of("QL011")
    assert finding["path"] == "qms/SOP-009.docx.yaml"
    assert "status" in finding["message"] and "draft" in finding["message"]


def test_a_damaged_word_document_is_reported_not_skipped(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.write("qms/broken.docx", b"PK\x03\x04 not really a zip")
    [finding] = qms.check().of("QL010")
    assert finding["path"] == "qms/broken.docx"
