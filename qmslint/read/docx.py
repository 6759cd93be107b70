"""Word `.docx` metadata (SPEC §3.1 item 4): document properties and the header table.

Read, with python-docx and the standard library, from the bytes of one file:

- **core properties** (`docProps/core.xml`), each as a `DocxValue` with `field` set where it maps
  onto a canonical field: `title` → title, `identifier` → id, `version` → version,
  `content_status` ("Status" in Word) → status, `category` → type, `author` → author. The rest
  (`subject`, `keywords`, `comments`, `last_modified_by`, `modified`, `created`, `revision`,
  `last_printed`, `language`) are returned with `field=None`, for `show`. Word's `revision` is the
  save counter, not the document's revision, so it is **not** the version; `subject` is often a
  description, so it is not the id.
- **custom properties** (`docProps/custom.xml`, read with ElementTree; a DOCTYPE is refused, so
  no entity can be declared or expanded), labels as written (`Document ID`, `Owner`), `field=None`:
  the config's `fields:` map applies to them as to any label.
- **the header table**: the first table of the body when it comes before `MAX_LEADING_BLOCKS`
  paragraphs, and the tables in the first section's page header, read as label/value rows or a
  header row over a value row (the same shapes as in Markdown, `qmslint.read.body.classify_table`).

Positions: a property has `Position(1, 1)`; a table cell has `Position(row, column)` of the cell
in its table (1-based); `location` says which ("core property 'title'", "header table row 2").

Bounded: the zip's declared member sizes are checked before anything is decompressed (a member
over `MAX_MEMBER_BYTES`, a total over `MAX_TOTAL_BYTES` or a compression ratio over `MAX_RATIO`
is a zip bomb), XML with a DOCTYPE is refused, and every failure is a `DocxProblem`, never an
exception.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree import ElementTree

from qmslint.model import START, Position
from qmslint.read import body

MAX_MEMBER_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 128 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 2000
MAX_LEADING_BLOCKS = 25

CORE_FIELDS = {
    "title": "title",
    "identifier": "id",
    "version": "version",
    "content_status": "status",
    "category": "type",
    "author": "author",
}
_CORE_OTHER = (
    "subject",
    "keywords",
    "comments",
    "last_modified_by",
    "modified",
    "created",
    "revision",
    "last_printed",
    "language",
)
_VT = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"
_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"


@dataclass(frozen=True)
class DocxValue:
    label: str
    value: str
    position: Position
    source: str  # "core-property", "custom-property", "header-table", "page-header"
    location: str
    field: str | None = None  # canonical field for core properties, else None


@dataclass(frozen=True)
class DocxProblem:
    code: str  # "corrupt-docx", "zip-bomb", "xml-doctype", "too-large"
    message: str


@dataclass
class DocxMetadata:
    values: list[DocxValue] = field(default_factory=list)
    problems: list[DocxProblem] = field(default_factory=list)


def read_docx(data: bytes) -> DocxMetadata:
    """Properties and header-table values of a .docx; problems instead of exceptions."""
    result = DocxMetadata()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        result.problems.append(DocxProblem("corrupt-docx", f"not a readable .docx (zip): {exc}"))
        return result
    with archive:
        problem = _check_archive(archive)
        if problem:
            result.problems.append(problem)
            return result
        try:
            import docx  # python-docx

            document = docx.Document(io.BytesIO(data))
        except Exception as exc:  # python-docx raises many kinds on a damaged file
            result.problems.append(
                DocxProblem("corrupt-docx", f"the .docx cannot be opened: {type(exc).__name__}")
            )
            return result
        _core(document, result)
        _custom(archive, result)
        try:
            _tables(document, result)
        except Exception as exc:  # a damaged table must not stop the properties being read
            result.problems.append(
                DocxProblem("corrupt-docx", f"the tables cannot be read: {type(exc).__name__}")
            )
    return result


def _check_archive(archive: zipfile.ZipFile) -> DocxProblem | None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        return DocxProblem("zip-bomb", f"the .docx holds {len(infos)} parts (more than allowed)")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER_BYTES or (
            info.file_size > 1024 * 1024 and ratio > MAX_RATIO
        ):
            return DocxProblem(
                "zip-bomb",
                f"the part '{info.filename}' unpacks to {info.file_size} bytes; "
                "not read (a zip bomb or a document far too large)",
            )
    if total > MAX_TOTAL_BYTES:
        return DocxProblem("zip-bomb", f"the .docx unpacks to {total} bytes; not read")
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            try:
                with archive.open(info) as member:
                    chunk = member.read(4096)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
                return DocxProblem("corrupt-docx", f"the part '{info.filename}' is damaged: {exc}")
            if b"<!DOCTYPE" in chunk.upper() or b"<!ENTITY" in chunk.upper():
                return DocxProblem(
                    "xml-doctype",
                    f"the part '{info.filename}' declares a DOCTYPE or entities; not read",
                )
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).strip()


def _core(document: object, result: DocxMetadata) -> None:
    try:
        props = document.core_properties  # type: ignore[attr-defined]
    except Exception:
        result.problems.append(DocxProblem("corrupt-docx", "the core properties cannot be read"))
        return
    for name in (*CORE_FIELDS, *_CORE_OTHER):
        try:
            value = _text(getattr(props, name))
        except Exception:
            continue
        if name == "revision" and value in ("", "0", "1"):
            continue
        if value:
            result.values.append(
                DocxValue(
                    name,
                    value,
                    START,
                    "core-property",
                    f"core property '{name}'",
                    CORE_FIELDS.get(name),
                )
            )


def _custom(archive: zipfile.ZipFile, result: DocxMetadata) -> None:
    try:
        data = archive.read("docProps/custom.xml")
    except KeyError:
        return
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        result.problems.append(DocxProblem("corrupt-docx", f"custom properties damaged: {exc}"))
        return
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        result.problems.append(DocxProblem("corrupt-docx", f"custom properties malformed: {exc}"))
        return
    for prop in root.iter(f"{_CUSTOM}property"):
        name = (prop.get("name") or "").strip()
        if not name:
            continue
        value = ""
        for child in prop:
            if child.tag.startswith(_VT):
                value = (child.text or "").strip()
                break
        result.values.append(
            DocxValue(name, value, START, "custom-property", f"custom property '{name}'")
        )


def _tables(document: object, result: DocxMetadata) -> None:
    from docx.table import Table as DocxTable

    body_element = document.element.body  # type: ignore[attr-defined]
    paragraphs = 0
    for child in body_element.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            if "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")).strip():
                paragraphs += 1
            if paragraphs > MAX_LEADING_BLOCKS:
                break
        elif tag == "tbl":
            _table_values(DocxTable(child, document), "header-table", "header table", result)
            break
    sections = document.sections  # type: ignore[attr-defined]
    if sections:
        header = sections[0].header
        if not header.is_linked_to_previous or header._has_definition:
            for table in header.tables:
                _table_values(table, "page-header", "page header table", result)


def _table_values(table: object, source: str, where: str, result: DocxMetadata) -> None:
    rows: list[list[str]] = []
    for row in table.rows[:40]:  # type: ignore[attr-defined]
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(" ".join(cell.text.split()))
        rows.append(cells)
    if not rows:
        return
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    kind = body.classify_table(rows[0], rows[1:])
    if kind == "header-row":
        for column, (label, value) in enumerate(zip(rows[0], rows[1]), start=1):
            if label:
                result.values.append(
                    DocxValue(label, value, Position(2, column), source, f"{where} row 2")
                )
    elif kind == "fields":
        start = 1 if body.label_words(rows[0][0]) in ([], ["field"], ["item"], ["property"]) else 0
        for index, row in enumerate(rows[start:], start=start + 1):
            for column in range(0, len(row) - 1, 2):
                if row[column]:
                    result.values.append(
                        DocxValue(
                            row[column].rstrip(":").strip(),
                            row[column + 1],
                            Position(index, column + 2),
                            source,
                            f"{where} row {index}",
                        )
                    )
