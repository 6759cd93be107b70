"""Document registers and clause mapping documents, recognised by shape (SPEC §3.1 item 5).

- A **register** is a table whose header has an id column (`ID`, `Doc ID`, `Document No.`,
  `Number`), a title column (`Title`, `Document Title`, `Name`) and at least one of revision /
  version, status, effective date or next review; most of its id cells must look like ids (letters
  and a number). A SOUP list (`ID | Component | Version`) or a revision history (`Version | Date |
  Author`) is not a register.
- A **mapping** is a table with a clause column (`Clause`, `ISO 13485 clause`, `Section`,
  `Requirement`, `Article`) whose cells are mostly clause numbers or articles, and a document column
  (`Document(s)`, `Controlling document(s)`, `Procedure`, `SOP`, `Addressed in`, `Covered by`,
  `Reference`). Each row gives the clause text(s) — normalised and expanded as in
  `qmslint.read.references` — and the documents as written: an id, a title, a Markdown link target
  or a wikilink (`[[SOP-01 Document Control]]`). A prompt such as `[Add document]` is a reference
  of kind "placeholder", so that an unfilled row can be reported.

The tables are found by a linear scan for GFM delimiter rows outside code fences; only those
tables are parsed (with markdown-it-py). `resolve` matches a written reference to one of the known
documents: by id, then link path, then title (case-insensitive, punctuation ignored).
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field

from qmslint.model import START, Position
from qmslint.read import body, names, placeholders, references

MAX_TABLE_ROWS = 2000

_ID_HEADERS = (
    ["id"],
    ["doc", "id"],
    ["document", "id"],
    ["doc", "no"],
    ["document", "no"],
    ["doc", "number"],
    ["document", "number"],
    ["number"],
    ["no"],
    ["ref"],
    ["reference"],
    ["doc", "ref"],
    ["identifier"],
    ["code"],
)
_TITLE_HEADERS = (["title"], ["document", "title"], ["name"], ["document", "name"], ["document"])
_REGISTER_EXTRAS = {
    "version": (["rev"], ["revision"], ["version"], ["ver"], ["issue"], ["current", "revision"]),
    "status": (["status"], ["state"]),
    "effective_date": (["effective"], ["effective", "date"], ["issue", "date"], ["date"]),
    "next_review": (
        ["next", "review"],
        ["review", "due"],
        ["next", "review", "date"],
        ["review", "date"],
        ["due"],
    ),
    "owner": (["owner"], ["process", "owner"], ["responsible"]),
    "type": (["type"], ["doc", "type"], ["document", "type"], ["category"]),
}
_CLAUSE_WORDS = frozenset(
    {"clause", "clauses", "section", "requirement", "requirements", "article", "articles", "para"}
)
_DOCUMENT_WORDS = frozenset(
    {
        "document",
        "documents",
        "procedure",
        "procedures",
        "sop",
        "sops",
        "addressed",
        "covered",
        "evidence",
        "where",
        "implemented",
        "reference",
        "references",
        "qms",
    }
)


@dataclass(frozen=True)
class RegisterRow:
    """One document as a register lists it: values by canonical column name."""

    id: str
    values: dict[str, tuple[str, Position]]  # "title", "version", "status", … → (text, where)
    position: Position  # of the id cell
    columns: dict[str, str]  # canonical → header as written


@dataclass(frozen=True)
class DocRef:
    """A document as a mapping names it."""

    text: str  # as written (link text, wikilink target, id or title)
    kind: str  # "id", "title", "link", "wikilink", "placeholder"
    target: str = ""  # the link or wikilink target
    position: Position = START


@dataclass(frozen=True)
class MappingRow:
    clause: str  # as written
    clauses: tuple[str, ...]  # normalised, for qmslint.clauses.parse (may be empty)
    documents: tuple[DocRef, ...]
    position: Position  # of the clause cell
    problems: tuple[str, ...] = ()


@dataclass
class Shapes:
    registers: list[RegisterRow] = field(default_factory=list)
    mappings: list[MappingRow] = field(default_factory=list)


def table_regions(lines: Sequence[str], start: int = 0) -> list[tuple[int, int]]:
    """(first, last) 0-based line ranges of GFM tables, outside code fences. Linear."""
    regions: list[tuple[int, int]] = []
    fence = ""
    index = start
    n = len(lines)
    while index < n:
        line = lines[index]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if indent <= 3 and stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            fence = marker if not fence else ("" if marker == fence else fence)
            index += 1
            continue
        if fence or indent > 3 or index == 0 or not _delimiter_row(line):
            index += 1
            continue
        if "|" not in lines[index - 1] or not lines[index - 1].strip():
            index += 1
            continue
        first = index - 1
        last = index
        while last + 1 < n and lines[last + 1].strip() and last - first < MAX_TABLE_ROWS:
            last += 1
        regions.append((first, last))
        index = last + 1
    return regions


def _delimiter_row(line: str) -> bool:
    text = body.strip_container(line).strip()
    if not text or "-" not in text:
        return False
    return (
        all(ch in "|:- \t" for ch in text)
        and ("|" in text or text.count("-") >= 3)
        and ("|" in text)
    )


def tables(text: str, front_matter_end: int = 0) -> list[body.Table]:
    """Every GFM table of the body, located (only the table regions are parsed)."""
    lines = body.source_lines(text)
    found: list[body.Table] = []
    for first, last in table_regions(lines, front_matter_end):
        found.extend(body.parse_tables("\n".join(lines[first : last + 1]), first + 1))
    return found


def _column(header: Sequence[body.Cell], choices: Sequence[list[str]]) -> int | None:
    for index, cell in enumerate(header):
        if body.label_words(cell.text) in choices:
            return index
    return None


def read_shapes(
    text: str,
    front_matter_end: int = 0,
    *,
    standard: str | None = None,
    id_pattern: str = names.DEFAULT_ID_PATTERN,
) -> Shapes:
    """The register rows and mapping rows of a document (empty when it is neither)."""
    shapes = Shapes()
    lines = body.source_lines(text)
    default = _mapping_standard(lines, front_matter_end, standard)
    for table in tables(text, front_matter_end):
        rows = register_rows(table)
        if rows:
            shapes.registers.extend(rows)
            continue
        shapes.mappings.extend(mapping_rows(table, default, id_pattern))
    return shapes


def register_rows(table: body.Table) -> list[RegisterRow]:
    header = table.header
    id_col = _column(header, _ID_HEADERS)
    title_col = _column(header, _TITLE_HEADERS)
    if id_col is None or title_col is None or id_col == title_col:
        return []
    columns = {"id": id_col, "title": title_col}
    for name, choices in _REGISTER_EXTRAS.items():
        found = _column(header, choices)
        if found is not None and found not in columns.values():
            columns[name] = found
    if len(columns) < 3:
        return []
    filled = [row[id_col] for row in table.rows if id_col < len(row) and row[id_col].text.strip()]
    if not filled or sum(_looks_like_id(c.text) for c in filled) * 2 <= len(filled):
        return []
    rows: list[RegisterRow] = []
    for row in table.rows:
        if id_col >= len(row) or not _looks_like_id(row[id_col].text):
            continue
        values = {
            name: (body.value_text(row[col].text), row[col].position)
            for name, col in columns.items()
            if col < len(row) and name != "id"
        }
        rows.append(
            RegisterRow(
                _link_text(row[id_col].text),
                values,
                row[id_col].position,
                {name: header[col].text for name, col in columns.items()},
            )
        )
    return rows


def _looks_like_id(text: str) -> bool:
    text = _link_text(text).strip()
    if not text or len(text) > 40 or " " in text.strip():
        return False
    return any(ch.isalpha() for ch in text) and any(ch.isdigit() for ch in text)


def _link_text(text: str) -> str:
    text = text.strip()
    if text.startswith("[[") and text.endswith("]]"):
        inner = text[2:-2]
        return inner.split("|", 1)[-1].strip()
    return text


def _mapping_standard(
    lines: Sequence[str], front_matter_end: int, standard: str | None
) -> references.Standard | None:
    head = body.read_head("\n".join(lines), front_matter_end)
    if head.title is not None:
        found = references.find_standard(head.title.text)
        if found:
            return found[0]
    if standard:
        found = references.find_standard(standard)
        if found:
            return found[0]
    return None


def mapping_rows(
    table: body.Table,
    default: references.Standard | None = None,
    id_pattern: str = names.DEFAULT_ID_PATTERN,
) -> list[MappingRow]:
    header = table.header
    clause_col = doc_col = None
    header_std = None
    for index, cell in enumerate(header):
        words = set(body.label_words(cell.text))
        if clause_col is None and words & _CLAUSE_WORDS and not words & {"document", "title"}:
            clause_col = index
            found = references.find_standard(cell.text)
            header_std = found[0] if found else None
        elif doc_col is None and words & _DOCUMENT_WORDS and not words & _CLAUSE_WORDS:
            doc_col = index
    if clause_col is None and doc_col is not None:
        for index, cell in enumerate(header):
            if set(body.label_words(cell.text)) & {"standard", "standards", "regulation"}:
                clause_col = (
                    index  # `| Standard | Topic | Documents |` over `| EU MDR Art. 83-86 |`
                )
                break
    if clause_col is None or doc_col is None or not table.rows:
        return []
    named = [row[doc_col].text for row in table.rows if doc_col < len(row) and row[doc_col].text]
    if named and sum(_clause_like(text) for text in named) * 2 >= len(named):
        return []  # `| Standard | Reference |` over `| MDR | Art. 87 - 92 |`: references, no map
    cells = [row[clause_col] for row in table.rows if clause_col < len(row)]
    numbered = [c for c in cells if c.text.strip()]
    if not numbered or sum(_clause_like(c.text) for c in numbered) * 2 <= len(numbered):
        return []
    std = header_std or default
    rows: list[MappingRow] = []
    for row in table.rows:
        if clause_col >= len(row) or doc_col >= len(row):
            continue
        clause_cell = row[clause_col]
        if not clause_cell.text.strip():
            continue
        parsed = references.parse_citation(clause_cell.raw or clause_cell.text, std)
        texts = tuple(t for t, _s, _o in parsed.claims)
        problems = tuple(code for code, _p, _o in parsed.problems)
        if not texts and std is None:
            problems = (*problems, "no-framework")
        rows.append(
            MappingRow(
                clause_cell.text,
                texts,
                document_refs(row[doc_col], id_pattern),
                clause_cell.position,
                problems,
            )
        )
    return rows


def _clause_like(text: str) -> bool:
    stripped = text.strip().lstrip("§").strip()
    if not stripped:
        return False
    first = stripped.split()[0].lower().rstrip(".")
    return (
        stripped[0].isdigit()
        or first in ("art", "article", "annex", "clause", "section")
        or references.find_standard(stripped) is not None
    )


def document_refs(
    cell: body.Cell, id_pattern: str = names.DEFAULT_ID_PATTERN
) -> tuple[DocRef, ...]:
    """The documents a mapping cell names: links, wikilinks, ids, titles, prompts. Linear."""
    raw = cell.raw or cell.text
    line, column = cell.position
    refs: list[DocRef] = []
    i = 0
    n = len(raw)
    plain_start = 0

    def flush_plain(end: int) -> None:
        piece = raw[plain_start:end]
        offset = plain_start
        for part in _split_list(piece):
            text, at = part
            text = text.strip(" *_`")
            if not text or all(ch in ",;/&-–—" for ch in text):
                continue
            kind = "title"
            if placeholders.find_placeholder(text) is not None:
                kind = "placeholder"
            elif names.id_at_start(text, id_pattern):
                kind = "id"
            refs.append(DocRef(text, kind, "", Position(line, column + offset + at)))

    while i < n:
        if raw.startswith("[[", i):
            end = raw.find("]]", i + 2)
            if end < 0:
                break
            flush_plain(i)
            inner = raw[i + 2 : end]
            target, _, alias = inner.partition("|")
            target = target.split("#", 1)[0].strip()
            refs.append(
                DocRef(alias.strip() or target, "wikilink", target, Position(line, column + i))
            )
            i = end + 2
            plain_start = i
            continue
        if raw[i] == "[":
            close = raw.find("]", i + 1)
            if close > 0 and raw.startswith("(", close + 1):
                end = raw.find(")", close + 2)
                if end > 0:
                    flush_plain(i)
                    label = raw[i + 1 : close].strip()
                    target = raw[close + 2 : end].strip().split(" ", 1)[0]
                    refs.append(DocRef(label, "link", target, Position(line, column + i)))
                    i = end + 1
                    plain_start = i
                    continue
            if close > 0:
                flush_plain(i)
                text = raw[i : close + 1]
                kind = "placeholder" if placeholders.find_placeholder(text) else "title"
                refs.append(DocRef(text, kind, "", Position(line, column + i)))
                i = close + 1
                plain_start = i
                continue
        i += 1
    flush_plain(n)
    return tuple(refs)


def _split_list(text: str) -> list[tuple[str, int]]:
    parts: list[tuple[str, int]] = []
    start = 0
    for index, ch in enumerate(text):
        if ch in ",;" or (ch == "<" and text.startswith("<br>", index)):
            parts.append((text[start:index], start))
            start = index + 1
    parts.append((text[start:], start))
    return [(t.replace("br>", "").strip(), at + len(t) - len(t.lstrip())) for t, at in parts]


# ----------------------------------------------------------------------------- resolution


def _normal_title(text: str) -> str:
    """`Corrective & Preventive Action.` → "corrective and preventive action"."""
    spaced = "".join(ch if ch.isalnum() else " " for ch in text.casefold().replace("&", " and "))
    return " ".join(spaced.split())


def resolve(
    ref: DocRef | str,
    documents: Sequence[tuple[str, str, str]],
    base: str = "",
    id_pattern: str = names.DEFAULT_ID_PATTERN,
) -> tuple[str, str, str] | None:
    """The known document (id, title, path) a written reference names, or None.

    By id (also an id at the start, as in `SOP-01 Document Control`), then by link path (relative
    to `base`, the folder of the mapping document; a wikilink target matches a file name without
    its extension), then by title (case-insensitive, punctuation ignored).
    """
    if isinstance(ref, str):
        ref = DocRef(ref, "title")
    if ref.kind == "placeholder":
        return None
    candidates = [ref.text, ref.target] if ref.target else [ref.text]
    by_id = {doc_id.casefold(): doc for doc in documents for doc_id in (doc[0],) if doc_id}
    for candidate in candidates:
        text = candidate.strip()
        if text.casefold() in by_id:
            return by_id[text.casefold()]
        found = names.id_at_start(text, id_pattern)
        if found and found[0].casefold() in by_id:
            return by_id[found[0].casefold()]
    if ref.target:
        target = ref.target.split("#", 1)[0]
        joined = posixpath.normpath(posixpath.join(base, target)) if base else target
        joined = joined.lstrip("./")
        for doc in documents:
            path = doc[2].lstrip("./")
            if path == joined or (ref.kind == "wikilink" and _stem(path) == _stem(target)):
                return doc
            if ref.kind == "wikilink" and path.casefold() == joined.casefold():
                return doc
    wanted = {_normal_title(c) for c in candidates if c}
    for doc in documents:
        if doc[1] and _normal_title(doc[1]) in wanted:
            return doc
    return None


def _stem(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return (name[: name.rfind(".")] if "." in name else name).casefold()
