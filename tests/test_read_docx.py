"""Word .docx metadata: core and custom properties, the header table; bad files are problems."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.shared import Inches

from qmslint.model import Position
from qmslint.read import docx as reader

CUSTOM = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Document ID">'
    "<vt:lpwstr>SOP-012</vt:lpwstr></property>"
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="Owner">'
    "<vt:lpwstr>Quality Manager</vt:lpwstr></property></Properties>"
)


def build(path, *, header_row=True, page_header=False, lead_paragraphs=1, custom=None) -> bytes:
    document = docx.Document()
    props = document.core_properties
    props.title = "Vigilance"
    props.identifier = "SOP-012"
    props.content_status = "Approved"
    props.version = "3"
    props.revision = 17  # Word's save counter, not the document revision
    for n in range(lead_paragraphs):
        document.add_paragraph(f"Paragraph {n}")
    table = document.add_table(rows=2, cols=4)
    if header_row:
        cells = [
            ["Document Number", "Title", "Effective", "Owner"],
            ["SOP-012", "Vigilance", "2025-01-01", "QA"],
        ]
    else:
        cells = [["Document ID", "SOP-012", "Revision", "3"], ["Status", "Approved", "Owner", "QA"]]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    if page_header:
        header_table = document.sections[0].header.add_table(rows=1, cols=2, width=Inches(4))
        header_table.cell(0, 0).text = "Doc No."
        header_table.cell(0, 1).text = "SOP-012"
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    if custom is not None:
        data = with_custom(data, custom)
    path.write_bytes(data)
    return data


def with_custom(data: bytes, custom_xml: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/docProps/custom.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
                )
            if item.filename == "_rels/.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdCustom" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/custom-properties" '
                    b'Target="docProps/custom.xml"/></Relationships>',
                )
            target.writestr(item, content)
        target.writestr("docProps/custom.xml", custom_xml)
    return out.getvalue()


def by_label(result):
    return {(v.source, v.label): v for v in result.values}


def test_core_properties_and_their_mapping(tmp_path):
    data = build(tmp_path / "SOP-012.docx")
    found = by_label(reader.read_docx(data))
    assert found[("core-property", "title")].field == "title"
    assert found[("core-property", "identifier")].value == "SOP-012"
    assert found[("core-property", "identifier")].field == "id"
    assert found[("core-property", "content_status")].field == "status"
    assert found[("core-property", "version")].field == "version"
    assert found[("core-property", "revision")].field is None  # the save counter is no version


def test_header_row_table_on_the_first_page(tmp_path):
    found = by_label(reader.read_docx(build(tmp_path / "a.docx")))
    owner = found[("header-table", "Owner")]
    assert owner.value == "QA" and owner.position == Position(2, 4)
    assert owner.location == "header table row 2"


def test_label_value_table(tmp_path):
    found = by_label(reader.read_docx(build(tmp_path / "a.docx", header_row=False)))
    assert found[("header-table", "Revision")].value == "3"
    assert found[("header-table", "Status")].position == Position(2, 2)


def test_table_after_many_paragraphs_is_not_the_header(tmp_path):
    result = reader.read_docx(build(tmp_path / "a.docx", lead_paragraphs=40))
    assert not [v for v in result.values if v.source == "header-table"]


def test_page_header_table(tmp_path):
    found = by_label(reader.read_docx(build(tmp_path / "a.docx", page_header=True)))
    assert found[("page-header", "Doc No.")].value == "SOP-012"


def test_custom_properties(tmp_path):
    found = by_label(reader.read_docx(build(tmp_path / "a.docx", custom=CUSTOM)))
    assert found[("custom-property", "Document ID")].value == "SOP-012"
    assert found[("custom-property", "Owner")].value == "Quality Manager"


def test_custom_properties_with_doctype_are_refused(tmp_path):
    evil = CUSTOM.replace(
        "<Properties",
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><Properties',
        1,
    )
    result = reader.read_docx(build(tmp_path / "a.docx", custom=evil))
    assert [p.code for p in result.problems] == ["xml-doctype"]
    assert result.values == []


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04" + b"\x00" * 64])
def test_corrupt_files_are_problems(data):
    result = reader.read_docx(data)
    assert [p.code for p in result.problems] == ["corrupt-docx"]


def test_a_zip_that_is_no_word_document(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    result = reader.read_docx(out.getvalue())
    assert [p.code for p in result.problems] == ["corrupt-docx"]


def test_truncated_docx(tmp_path):
    data = build(tmp_path / "a.docx")
    result = reader.read_docx(data[: len(data) // 2])
    assert result.problems and result.problems[0].code == "corrupt-docx"


def test_zip_bomb_is_refused_before_decompressing(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_MEMBER_BYTES", 4 * 1024 * 1024)
    data = build(tmp_path / "a.docx")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("word/media/bomb.bin", b"\x00" * (8 * 1024 * 1024))
    bomb = out.getvalue()
    assert len(bomb) < 200_000
    result = reader.read_docx(bomb)
    assert [p.code for p in result.problems] == ["zip-bomb"]
    assert result.values == []
