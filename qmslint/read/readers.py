"""Readers: from the bytes of one file to raw metadata fields with positions.

Three places hold metadata (SPEC §3.1): YAML front matter in Markdown, a YAML sidecar beside a
binary document (`X.docx.yaml`), and standalone YAML records. Markdown bodies are also scanned for
a header table or bold label lines as a read-only fallback. Readers know nothing of rules; every
problem they meet becomes a `ReadProblem` on the file, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from qmslint.model import Field, Position, ReadProblem
from qmslint.read import yamlsafe
from qmslint.read.access import SIDECAR_SUFFIXES

BODY_SCAN_LINES = 60

# Every problem code a reader may raise; the core rule pack maps them onto rules.
PROBLEM_CODES = (
    "malformed-yaml",
    "unclosed-front-matter",
    "not-a-mapping",
    "not-utf8",
    "binary-content",
    "empty-file",
    "duplicate-key",
    "too-complex",
    "too-large",
    "unreadable",
    "symlink-outside",
    "wrong-type",
    "conflicting-fields",
    "no-metadata",
    "missing-sidecar",
    "orphan-sidecar",
    "body-disagrees",
)


@dataclass
class RawMetadata:
    """What a reader found in one file, before fields are made canonical."""

    fields: dict[str, Field] = field(default_factory=dict)
    body_fields: dict[str, Field] = field(default_factory=dict)
    problems: list[ReadProblem] = field(default_factory=list)
    has_metadata: bool = False


class Reader(Protocol):
    """A metadata reader; plugins add readers through the `qmslint_readers` hook."""

    name: str

    def matches(self, path: str) -> bool: ...

    def read(self, path: str, data: bytes) -> RawMetadata: ...


def decode(data: bytes, problems: list[ReadProblem]) -> str:
    """Text from bytes: BOM dropped, CRLF made LF, bad UTF-8 reported at its line and replaced."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(
            ReadProblem(
                "not-utf8",
                f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
                "save it as UTF-8 — unreadable characters were replaced to read the rest",
                Position(line, column),
            )
        )
        text = data.decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def fields_from_mapping(loaded: yamlsafe.Loaded, source: str) -> dict[str, Field]:
    """One Field per top-level key, positioned at the key, with the position of each item."""
    result: dict[str, Field] = {}
    positions = loaded.positions
    for key, value in loaded.value.items():
        key_position = positions.get((key, yamlsafe.KEY), loaded.position)
        if isinstance(value, list):
            items = {i: positions[(key, i)] for i in range(len(value))}
        elif isinstance(value, dict):
            items = {k: positions.get((key, k, yamlsafe.KEY)) for k in value}
        else:
            items = {}
        result[key] = Field(key, value, key_position, source, items)
    return result


def load_mapping(
    text: str, line_offset: int, source: str, problems: list[ReadProblem]
) -> dict[str, Field] | None:
    """Load YAML that must be a mapping; problems are appended, None when nothing usable."""
    try:
        loaded = yamlsafe.load(text, line_offset)
    except yamlsafe.YamlProblem as problem:
        problems.append(ReadProblem(problem.code, problem.message, problem.position))
        return None
    if loaded is None:
        return {}
    if not isinstance(loaded.value, dict):
        problems.append(
            ReadProblem(
                "not-a-mapping",
                f"the metadata must be a mapping of fields, not {type(loaded.value).__name__}",
                loaded.position,
            )
        )
        return None
    return fields_from_mapping(loaded, source)


def _precheck(data: bytes, problems: list[ReadProblem]) -> bool:
    """False when the bytes cannot hold metadata at all (empty or binary)."""
    if not data.strip():
        problems.append(ReadProblem("empty-file", "the file is empty"))
        return False
    if b"\x00" in data[:8192]:
        problems.append(
            ReadProblem("binary-content", "the file holds binary data, not text metadata")
        )
        return False
    return True


class MarkdownReader:
    """YAML front matter between `---` lines at the top, then the body fallback."""

    name = "markdown"
    suffixes = (".md", ".markdown")

    def matches(self, path: str) -> bool:
        return path.lower().endswith(self.suffixes)

    def read(self, path: str, data: bytes) -> RawMetadata:
        result = RawMetadata()
        if not _precheck(data, result.problems):
            return result
        text = decode(data, result.problems)
        lines = text.split("\n")
        body_start = 0
        if lines and lines[0].rstrip() == "---":
            end = next(
                (i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None
            )
            if end is None:
                result.problems.append(
                    ReadProblem(
                        "unclosed-front-matter",
                        "front matter opened with '---' on line 1 is never closed; "
                        "add a '---' line after the last field",
                    )
                )
                return result
            front = "\n".join(lines[1:end])
            mapping = load_mapping(front, 1, "front-matter", result.problems)
            if mapping is not None:
                result.fields = mapping
                result.has_metadata = True
            body_start = end + 1
        result.body_fields = scan_body(lines, body_start)
        if result.body_fields:
            result.has_metadata = True
        return result


class SidecarReader:
    """`X.docx.yaml` beside a binary document: the whole file is its metadata."""

    name = "sidecar"

    def matches(self, path: str) -> bool:
        return path.lower().endswith(SIDECAR_SUFFIXES)

    def read(self, path: str, data: bytes) -> RawMetadata:
        return _read_yaml_file(data, "sidecar")


class YamlRecordReader:
    """A standalone YAML record or register (only where the config names it)."""

    name = "yaml-record"

    def matches(self, path: str) -> bool:
        return path.lower().endswith((".yaml", ".yml"))

    def read(self, path: str, data: bytes) -> RawMetadata:
        return _read_yaml_file(data, "record")


def _read_yaml_file(data: bytes, source: str) -> RawMetadata:
    result = RawMetadata()
    if not _precheck(data, result.problems):
        return result
    text = decode(data, result.problems)
    mapping = load_mapping(text, 0, source, result.problems)
    if mapping:
        result.fields = mapping
        result.has_metadata = True
    return result


# ----------------------------------------------------------------------------- body fallback

BODY_LABELS = {
    "document id": "id",
    "doc id": "id",
    "document number": "id",
    "document no": "id",
    "document no.": "id",
    "id": "id",
    "title": "title",
    "document title": "title",
    "document type": "type",
    "type": "type",
    "status": "status",
    "revision": "version",
    "version": "version",
    "rev": "version",
    "owner": "owner",
    "process owner": "owner",
    "document owner": "owner",
    "author": "author",
    "approved by": "approvers",
    "approver": "approvers",
    "approval date": "approved_on",
    "date approved": "approved_on",
    "effective date": "effective_date",
    "effective": "effective_date",
    "regulatory basis": "clauses",
    "clauses": "clauses",
    "iso clause": "clauses",
    "iso 13485 clause": "clauses",
}

_BOLD_LABEL = re.compile(
    r"^\s*(?:>\s*)?(?:[-*]\s+)?\*\*(?P<label>[^*]+?)\s*:?\s*\*\*\s*:?\s*(?P<value>.*?)\s*$"
)
_PLACEHOLDER = re.compile(r"^\[.*\]$|<%.*%>|^\{\{.*\}\}$|^(tbd|n/?a|-+|—)$", re.IGNORECASE)


def scan_body(lines: list[str], start: int) -> dict[str, Field]:
    """Metadata written in the body under the title: bold label lines and header tables."""
    found: dict[str, Field] = {}
    stop = min(len(lines), start + BODY_SCAN_LINES)
    index = start
    while index < stop:
        line = lines[index]
        if line.lstrip().startswith("|"):
            index = _scan_table(lines, index, stop, found)
            continue
        match = _BOLD_LABEL.match(line)
        if match:
            _add_body_field(found, match["label"], match["value"], Position(index + 1, 1))
        index += 1
    return found


def _cells(line: str) -> list[str]:
    return [cell.strip().strip("*").strip() for cell in line.strip().strip("|").split("|")]


def _scan_table(lines: list[str], index: int, stop: int, found: dict[str, Field]) -> int:
    """A header table: label/value pairs on one row, or a header row above a value row."""
    rows: list[tuple[int, list[str]]] = []
    while index < stop and lines[index].lstrip().startswith("|"):
        cells = _cells(lines[index])
        if not all(re.fullmatch(r":?-{2,}:?", cell) for cell in cells if cell):
            rows.append((index, cells))
        index += 1
    if not rows:
        return index
    header = rows[0][1]
    known = [BODY_LABELS.get(cell.lower().rstrip(":")) for cell in header]
    labels = sum(1 for name in known if name)
    if len(rows) >= 2 and labels >= 2 and labels * 2 > len(header):  # a row of labels
        line_no, values = rows[1]
        for label, value in zip(header, values):
            _add_body_field(found, label, value, Position(line_no + 1, 1))
        return index
    for line_no, cells in rows:
        for label, value in zip(cells[0::2], cells[1::2]):
            _add_body_field(found, label, value, Position(line_no + 1, 1))
    return index


def _add_body_field(found: dict[str, Field], label: str, value: str, position: Position) -> None:
    canonical = BODY_LABELS.get(label.strip().lower().rstrip(":"))
    value = value.strip().strip("*").strip()
    if not canonical or canonical in found or not value or _PLACEHOLDER.search(value):
        return
    found[canonical] = Field(canonical, value, position, "body")
