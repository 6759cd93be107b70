"""Readers: from the bytes of one file to raw metadata fields with positions.

Metadata lives (SPEC §3.1) in YAML front matter in Markdown, in a YAML sidecar beside a binary
document (`X.docx.yaml`), in standalone YAML records, in Word `.docx` properties and header
tables, and in the body of Markdown documents as real repositories write it: the header table or
label lines under the title (`read.body`), the clause references the document declares
(`read.references`), the id, title and type its file name, first heading and folder give
(`read.names`), and the registers and clause mappings it holds (`read.registers`). Readers know
nothing of rules; every problem they meet becomes a `ReadProblem` on the file, never an exception.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from qmslint.model import NO_ITEMS, Claim, Field, Position, ReadProblem
from qmslint.read import body, names, references, registers, yamlsafe
from qmslint.read.access import SIDECAR_SUFFIXES
from qmslint.read.fields import Spellings

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
    "name-disagrees",
    "placeholder",
    "citation",
    "unresolved-name",
    "corrupt-docx",
    "field-alias",
    "clause-spelling",
)


@dataclass(frozen=True)
class ReadSettings:
    """What reading needs from the configuration (SPEC §3.1 item 4)."""

    spellings: Spellings = field(default_factory=Spellings.of)
    id_pattern: str = names.DEFAULT_ID_PATTERN  # ids in file names and headings
    type_from_prefix: Mapping[str, str] = field(
        default_factory=lambda: dict(names.DEFAULT_PREFIX_TYPES)
    )
    type_from_folder: Mapping[str, str] = field(
        default_factory=lambda: dict(names.DEFAULT_FOLDER_TYPES)
    )
    standard: str | None = None  # the standard of bare clause numbers (`8.2.3`)
    mappings: bool = True  # read registers and clause mappings found by shape

    # What every document's reading derives from the settings alone, made once per settings
    # (attributes, not fields: settings compare, describe and key the cache as before).

    @cached_property
    def prefix_rules(self) -> Mapping[str, str]:
        """`type_from_prefix` by lower-case key, as `names.type_from_id` looks it up."""
        return names.by_lower_key(self.type_from_prefix)

    @cached_property
    def folder_rules(self) -> Mapping[str, str]:
        """`type_from_folder` by lower-case key, as `names.type_from_path` looks it up."""
        return names.by_lower_key(self.type_from_folder)

    @cached_property
    def label_words(self) -> tuple[str, ...]:
        """Words of the labels the config's `fields:` names (`_label_words`)."""
        return _label_words(self.spellings)


DEFAULT_SETTINGS = ReadSettings()


@dataclass
class RawMetadata:
    """What a reader found in one file, before fields are made canonical.

    `fields` are written as metadata (front matter, sidecar, record, Word properties);
    `body_fields` in the body (label/value tables and label lines, by label as written);
    `name_fields` are canonical already (id, title and type from file name, heading, folder).
    """

    fields: dict[str, Field] = field(default_factory=dict)
    body_fields: dict[str, Field] = field(default_factory=dict)
    name_fields: dict[str, Field] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    shapes: Any = None  # read.registers.Shapes of a register or mapping document
    problems: list[ReadProblem] = field(default_factory=list)
    has_metadata: bool = False


class Reader(Protocol):
    """A metadata reader; plugins add readers through the `qmslint_readers` hook."""

    name: str

    def matches(self, path: str) -> bool: ...

    def read(self, path: str, data: bytes, settings: ReadSettings) -> RawMetadata: ...


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
            items = tuple(positions[(key, i)] for i in range(len(value)))
        elif isinstance(value, dict):
            items = {k: positions.get((key, k, yamlsafe.KEY)) for k in value}
        else:
            items = NO_ITEMS
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

    def read(
        self, path: str, data: bytes, settings: ReadSettings = DEFAULT_SETTINGS
    ) -> RawMetadata:
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
        read_body(path, text, body_start, settings, result, lines)
        return result


class SidecarReader:
    """`X.docx.yaml` beside a binary document: the whole file is its metadata."""

    name = "sidecar"

    def matches(self, path: str) -> bool:
        return path.lower().endswith(SIDECAR_SUFFIXES)

    def read(
        self, path: str, data: bytes, settings: ReadSettings = DEFAULT_SETTINGS
    ) -> RawMetadata:
        return _read_yaml_file(data, "sidecar")


class YamlRecordReader:
    """A standalone YAML record or register (only where the config names it)."""

    name = "yaml-record"

    def matches(self, path: str) -> bool:
        return path.lower().endswith((".yaml", ".yml"))

    def read(
        self, path: str, data: bytes, settings: ReadSettings = DEFAULT_SETTINGS
    ) -> RawMetadata:
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


# ----------------------------------------------------------------------------- Markdown bodies

CITATION_PROBLEMS = {
    "older-edition",
    "unknown-edition",
    "edition-not-stated",
    "range-too-large",
    "unexpandable-range",
}


def read_body(
    path: str,
    text: str,
    front_end: int,
    settings: ReadSettings,
    result: RawMetadata,
    lines: Sequence[str] | None = None,
) -> None:
    """Body metadata of a Markdown document: the head under the title (values, reference
    claims), the references section, names from file name, heading and folder, and the
    register or clause-mapping tables it holds (`lines`: `text` split, when the caller has
    split it)."""
    spellings = settings.spellings
    lines = body.source_lines(text) if lines is None else lines
    head = body.read_head(text, front_end, extra_words=settings.label_words, lines=lines)
    for value in head.values:
        canonical = spellings.canonical(value.label)
        if canonical == "clauses" or value.label in result.body_fields:
            continue  # clause references are read as claims, below
        result.body_fields[value.label] = Field(
            value.label, value.value, value.position, value.source
        )
    standard = _standard(result.fields, spellings) or settings.standard
    refs = references.read_references(text, front_end, standard=standard, head=head, lines=lines)
    for claim in refs.claims:
        if claim.source == "audit-note" and claim.catalogued and not claim.edition:
            continue  # RDM audit notes name no edition: reported below, never read as coverage
        result.claims.append(Claim(claim.text, claim.position, claim.source))
    for cited in refs.standards:  # a standard named without a clause: `show` lists it, and a
        if cited.catalogued:  # one-process standard (ISO 14971) cited whole covers its clauses
            result.claims.append(Claim(cited.written, cited.position, cited.source))
    for problem in refs.problems:
        if problem.code in CITATION_PROBLEMS:
            key = f"{problem.code}:{problem.written}"
            result.problems.append(ReadProblem("citation", problem.message, problem.position, key))
    title = head.title
    found = names.read_names(
        path,
        title.text if title else None,
        title.position if title else Position(1),
        id_pattern=settings.id_pattern,
        prefix_types=settings.prefix_rules,
        folder_types=settings.folder_rules,
        heading_level=title.level if title else 1,
    )
    for value in (*found.ids, found.title, found.type):  # the heading's id, then the file name's
        if value is not None:
            key = (
                value.label
                if value.label not in result.name_fields
                else f"{value.label}@{value.source}"
            )
            result.name_fields[key] = Field(value.label, value.value, value.position, value.source)
    if settings.mappings and "|" in text:
        shapes = registers.read_shapes(
            text, front_end, standard=standard, id_pattern=settings.id_pattern
        )
        if shapes.registers or shapes.mappings:
            result.shapes = shapes
            # a clause -> document table says which documents cover a clause, not that this
            # one does: its rows are claims for the documents it names (index.mappings)
            rows = {row.position.line for row in shapes.mappings}
            result.claims = [claim for claim in result.claims if claim.position.line not in rows]
    if result.body_fields or result.claims or found.id is not None:
        result.has_metadata = True


def _label_words(spellings: Spellings) -> tuple[str, ...]:
    """Words of the labels the config's `fields:` names, so that plain label lines using them
    are read as metadata (bold labels are read whatever their words)."""
    return tuple(word for key in spellings.own for word in key.split("_") if word)


def _standard(raw: Mapping[str, Field], spellings: Spellings) -> str | None:
    for key, found in raw.items():
        if spellings.canonical(key) == "standard" and isinstance(found.value, str):
            return found.value
    return None


# ----------------------------------------------------------------------------- Word documents


class DocxReader:
    """A Word `.docx` read directly: core and custom properties and the header table on the
    first page (`read.docx`); a sidecar beside it is read instead, and the two compared."""

    name = "docx"

    def matches(self, path: str) -> bool:
        return path.lower().endswith(".docx")

    def read(
        self, path: str, data: bytes, settings: ReadSettings = DEFAULT_SETTINGS
    ) -> RawMetadata:
        result = RawMetadata()
        add_docx(data, result)
        if not result.fields and not result.body_fields and not result.problems:
            result.problems.append(
                ReadProblem(
                    "missing-sidecar",
                    "the Word document has no properties or header table that qmslint can read: "
                    f"fill in its properties, or add a sidecar '{path.rsplit('/', 1)[-1]}.yaml'",
                )
            )
        return result


def add_docx(data: bytes, result: RawMetadata, secondary: bool = False) -> None:
    """Word metadata into `result`: properties as metadata, the header table as body values;
    `secondary` (beside a sidecar) puts everything with the body values, to fill and compare."""
    from qmslint.read import docx  # with zipfile and ElementTree: only where Word is read

    found = docx.read_docx(data)
    for problem in found.problems:
        result.problems.append(ReadProblem("corrupt-docx", problem.message))
    for value in found.values:
        if value.source == "core-property" and value.field is None:
            continue  # Word's own bookkeeping (revision counter, last printed …)
        label = value.field or value.label
        target = (
            result.body_fields if secondary or value.source.endswith("table") else result.fields
        )
        if label not in target and value.value.strip():
            target[label] = Field(label, value.value.strip(), value.position, value.source)
    if result.fields or result.body_fields:
        result.has_metadata = True
