"""The data every stage shares: located values, documents, devices and findings.

Readers produce `Document`s, the engine turns rules into `Finding`s, formatters print them.
Nothing here knows about rules or output formats.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any, NamedTuple


class Severity(str, Enum):
    """Finding severities, ordered: error > warning > info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


class Position(NamedTuple):
    """1-based line and column in a file (a tuple: made by the hundred thousand, cheaply)."""

    line: int
    column: int = 1


START = Position(1, 1)
_PLACES: dict[tuple[int, int], Position] = {}


def place(line: int, column: int = 1) -> Position:
    """`Position(line, column)`, one shared object per place near the top of a file: the same
    few hundred places recur in every document, a repository holds 100,000 documents."""
    if line > 1024 or column > 256:
        return Position(line, column)
    key = (line, column)
    found = _PLACES.get(key)
    if found is None:
        found = _PLACES[key] = Position(line, column)
    return found


NO_ITEMS: Mapping[Any, Any] = MappingProxyType({})  # one empty read-only mapping, shared


@dataclass(slots=True)
class Field:
    """One metadata value with where it was written.

    `value` is the converted Python value; `item_positions` holds the position of each list
    item (a tuple, by index: a tenth of a mapping's memory) or mapping value (by key), so that a
    finding can point at the exact item.
    """

    name: str
    value: Any
    position: Position
    source: str = "front-matter"  # or "sidecar", "record", "body-table", "label-line",
    # "file-name", "heading", "id-prefix", "folder", "docx-core", "docx-custom", "register" …
    item_positions: Mapping[Any, Position] | tuple[Position, ...] = field(default_factory=dict)

    def position_of(self, item: Any) -> Position:
        items = self.item_positions
        if type(items) is tuple:
            return items[item] if type(item) is int and 0 <= item < len(items) else self.position
        return items.get(item, self.position)


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """Something wrong with a file's metadata, found while reading it."""

    code: str  # e.g. "malformed-yaml", see qmslint.read.readers.PROBLEM_CODES
    message: str
    position: Position = START
    key: str = ""  # stable part of the fingerprint (a field name, say)


@dataclass(frozen=True, slots=True)
class Claim:
    """A clause claimed outside the `clauses` field: in the document's own reference table, line
    or section, or for it by a mapping document (`path`: where the claim is written then)."""

    text: str  # parseable by qmslint.clauses (`ISO 13485:2016 8.2.3`, `MDR Art. 87`)
    position: Position
    source: str  # "reference-table", "reference-line", "references-section", "mapping" …
    path: str | None = None


@dataclass(slots=True)  # slots: a repository holds tens of thousands of them
class Document:
    """A controlled document: its path, canonical fields and what went wrong reading it."""

    path: str  # repository-relative, POSIX separators: where findings point
    fields: dict[str, Field] = field(default_factory=dict)
    raw: dict[str, Field] = field(default_factory=dict)  # every key as written, not canonical
    body_fields: Mapping[str, Field] = field(default_factory=dict)  # read-only fallback from body
    problems: list[ReadProblem] = field(default_factory=list)
    has_metadata: bool = False
    claims: Sequence[Claim] = field(default_factory=list)  # clauses claimed in the body
    shapes: Any = None  # registers and mapping rows it holds (qmslint.read.registers.Shapes)

    def get(self, name: str, default: Any = None) -> Any:
        found = self.fields.get(name)
        return default if found is None else found.value

    def position(self, name: str) -> Position:
        found = self.fields.get(name)
        return found.position if found else Position(1, 1)

    @property
    def id(self) -> str | None:
        value = self.get("id")
        return value if isinstance(value, str) else None

    @property
    def status(self) -> str | None:
        return self.get("status")

    @property
    def type(self) -> str | None:
        return self.get("type")


@dataclass
class Device:
    """A device of the portfolio, with the facts rules may depend on (SPEC §3.3)."""

    id: str
    facts: dict[str, Any]
    path: str | None = None  # where it was declared
    position: Position = START

    def fact(self, name: str) -> Any:
        return self.facts.get(name)


@dataclass(slots=True)
class Finding:
    """One result of one rule; `path` is None for repository-level findings."""

    rule: str
    severity: Severity
    message: str
    path: str | None = None
    position: Position | None = None
    document: str | None = None
    references: tuple[str, ...] = ()
    key: str = ""  # what the finding is about within its document: keeps fingerprints stable
    suppressed: dict[str, Any] | None = None

    @property
    def line(self) -> int | None:
        return self.position.line if self.position else None

    @property
    def column(self) -> int | None:
        return self.position.column if self.position else None

    @property
    def fingerprint(self) -> str:
        """Stable across line moves: rule, document (or path) and subject, never the line."""
        anchor = self.document or self.path or "<repository>"
        text = f"{self.rule}\0{anchor}\0{self.key}"  # a path git gave as bytes may hold surrogates
        try:  # a file name git gave in other bytes: its own bytes, as before
            data = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # any other lone surrogate (a YAML "\ud800")
            data = text.encode("utf-8", "surrogatepass")
        digest = hashlib.sha256(data)
        return digest.hexdigest()[:32]

    def sort_key(self) -> tuple:
        return (
            self.path is not None,
            self.path or "",
            self.line or 0,
            self.column or 0,
            self.rule,
            self.message,
        )
