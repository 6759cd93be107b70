"""The metadata block at the top of a Markdown body (SPEC §3.1 item 4), each value located.

Real QMS documents write their metadata under the title rather than in front matter:

- label/value tables (`| Document ID | SOP-012 |`, also as pairs `| ID | X | Rev | 2 |`);
- a header row over one value row (`Document Number|Title|Effective|Owner` over
  `SOP-001|Vigilance|2025-01-01|QA`), with or without the outer pipes — as GFM defines tables,
  so the delimiter row (`---|---`) is needed;
- label lines (`**Document ID:** SOP-012`, `**SOP ID**: X`, `Status: Approved`,
  `- **Owner:** QA`, `> **Status**: Effective`).

Only the *head* is parsed: from the start of the body through the title heading and the
metadata blocks right under it. The head ends at the first block that is not metadata (prose,
code, a data table, a list that is not label lines), at a second heading (unless it names a
metadata section such as "Document information"), after `MAX_HEAD_LINES` lines, or at a line
longer than `MAX_LINE_CHARS`. A data table further down and a table inside a code block are never
read. Reference tables (`| ISO 13485:2016 | Para. 8.2.3 |`) are metadata blocks too: the head
goes on past them and returns them in `Head.tables` (kind "references") for
`qmslint.read.references`, but not as values.

Parsing uses markdown-it-py (CommonMark with GFM tables) on the head only; label lines and cell
positions are found by hand-written linear scans of the source lines (no regular expression
here can backtrack without bound). Pure: text in, located values out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from qmslint.model import Position

if TYPE_CHECKING:  # markdown-it is imported only when a head needs it (not for plain heads)
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

MAX_HEAD_LINES = 60
MAX_LINE_CHARS = 2000
MAX_HEAD_CHARS = 16_000  # markdown-it never sees more of a head than this
MAX_LABEL_CHARS = 60
MAX_HEADER_VALUE_ROWS = 1  # a header row over more rows than this is a data table

# Words that make a cell or a plain `Label: value` line a metadata label. Bold label lines are
# structural and need none of them; plain lines and table cells do, to tell `| Term | Definition |`
# from `| Document ID | SOP-012 |`.
_WORDS = """
    id identifier number no nr ref code title name version revision rev ver issue edition status
    state owner author authors approver approvers approved approval reviewer reviewers reviewed
    review effective date dated issued created modified updated classification type category
    department process supersedes superseded replaces standard standards clause clauses
    regulatory basis references reference document doc slug template prepared checked
    signature responsible validity valid expiry next due cycle interval frequency retention
    confidentiality distribution language page pages location site product device project
    training parent owners effectivity release released
"""
METADATA_WORDS = frozenset(_WORDS.split())
# Headings that still belong to the head: the block below them is document metadata.
METADATA_SECTIONS = frozenset(
    {
        "document information",
        "document info",
        "document details",
        "document control",
        "document control information",
        "document metadata",
        "document properties",
        "document data",
        "metadata",
        "document header",
        "header",
        "approvals",
        "approval",
        "document approval",
    }
)
# A cell or label that names a standard or regulation (starts a reference table or line).
_STANDARD_START = re.compile(
    r"(?:en |bs |din |ansi/|une )?(?:iso|iec|en|ieee|ansi|aami|astm|mdr|ivdr|mdd|eu|regulation"
    r"|directive|21 ?cfr|cfr|meddev|fda|gdpr|nist|mdcg|imdrf|gmp)\b",
    re.IGNORECASE,
)
_REFERENCE_HEADER_WORDS = frozenset(
    {"standard", "standards", "regulation", "regulations", "clause", "clauses", "norm"}
)


@dataclass(frozen=True)
class Heading:
    """A heading: its text (inline markup removed), level and the position of its text."""

    text: str
    level: int
    position: Position


@dataclass(frozen=True)
class BodyValue:
    """One metadata value read from the body.

    `label` and `value` are plain text (emphasis markers removed); `raw` is the value as written.
    `position` is where the value starts (for an empty value: where it would start).
    """

    label: str
    value: str
    position: Position
    source: str  # "body-table" or "label-line"
    label_position: Position
    raw: str = ""


@dataclass(frozen=True)
class Cell:
    text: str  # inline markup removed
    raw: str  # as written between the pipes, stripped
    position: Position


@dataclass(frozen=True)
class Table:
    """A GFM table with every cell located; `rows` excludes the header row."""

    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    start_line: int
    end_line: int
    kind: str = ""  # "fields", "header-row", "references" (head tables) or "" (not classified)


@dataclass
class Head:
    """What the head of a body holds."""

    title: Heading | None = None
    values: list[BodyValue] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)  # the metadata and reference tables read
    label_lines: list[BodyValue] = field(default_factory=list)  # every label line, as values
    first_line: int = 1
    end_line: int = 0  # last line (1-based) that belongs to the head; 0 when there is none
    stopped_by: str = ""  # why the head ended: "block", "heading", "limit", "long-line", "end"


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    """The one parser: CommonMark with GFM tables."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


@lru_cache(maxsize=64)
def metadata_words(extra_words: tuple[str, ...] = ()) -> frozenset[str]:
    """`METADATA_WORDS` and the words a config adds, lower case (cached: a run asks with the
    same words for every document)."""
    return METADATA_WORDS | {w.lower() for w in extra_words}


def source_lines(text: str) -> list[str]:
    """Lines as markdown-it numbers them (LF only; a stray CR is dropped)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


# ----------------------------------------------------------------------------- the head


def read_head(
    text: str,
    front_matter_end: int = 0,
    *,
    max_lines: int = MAX_HEAD_LINES,
    extra_words: Iterable[str] = (),
    lines: Sequence[str] | None = None,
) -> Head:
    """Read the title heading and the metadata blocks at the top of `text`.

    `front_matter_end` is the 1-based line of the closing `---` of the front matter (0 when the
    file has none): the body starts on the line after it. `extra_words` adds label words (for
    labels that `fields:` in the config names) to `METADATA_WORDS`. `lines` may be passed when
    the caller has split `text` already (`source_lines(text)`, not to split it again).
    """
    lines = source_lines(text) if lines is None else lines
    start = max(0, front_matter_end)
    words = metadata_words(tuple(extra_words))
    head = Head(first_line=start + 1)
    stop = min(len(lines), start + max_lines)
    limit_reason = "limit" if stop < len(lines) else "end"
    total = 0
    for index in range(start, stop):
        total += len(lines[index]) + 1
        if len(lines[index]) > MAX_LINE_CHARS or total > MAX_HEAD_CHARS:
            stop, limit_reason = index, "long-line"
            break
    if stop <= start:
        head.stopped_by = limit_reason
        return head
    chunk = lines[start:stop]
    head.stopped_by = limit_reason
    if plain_head(chunk, start, words, head):
        return head
    tokens = markdown().parse("\n".join(chunk))
    in_section = False
    for block in top_level_blocks(tokens):
        first = block[0]
        kind = _classify_block(block, chunk, words)
        if first.type == "heading_open":
            heading = _heading(block, chunk, start)
            if head.title is None:
                head.title = heading
            elif heading.text.strip(" :").lower() in METADATA_SECTIONS and not in_section:
                in_section = True
            else:
                head.stopped_by = "heading"
                break
        elif kind == "skip":
            pass
        elif kind == "labels":
            found = _label_values(block, chunk, start, words)
            head.values.extend(found)
            head.label_lines.extend(found)
        elif kind in ("fields", "header-row", "references"):
            table = _table(block, chunk, start, kind)
            head.tables.append(table)
            if kind != "references":
                head.values.extend(table_values(table))
        else:
            head.stopped_by = "block"
            break
        if first.map:
            head.end_line = start + first.map[1]
    return head


# ----------------------------------------------------------------------------- the pre-scan

# Characters a heading may hold for the pre-scan to read it as markdown-it would: none of them
# starts inline markup (emphasis, code, links, images, HTML, entities, escapes, closing `#`s).
# `\w` is `str.isalnum()` and `_`: this finds any other character, and `_` (emphasis).
_NOT_PLAIN_HEADING = re.compile(r"[^\w \-.,:;/()'+%?\"=]|_")


def plain_head(chunk: list[str], start: int, words: frozenset[str], head: Head) -> bool:
    """Fill `head` without markdown-it when the head is only plain headings and prose.

    Most bodies open with `# Title` followed by a second heading or by prose: such a head holds
    no table and no label line, and markdown-it (most of the time of reading) would only confirm
    it. This linear scan reads that shape, exactly as `read_head` would from the tokens, and
    returns False, leaving `head` untouched, at anything else (a table, a label line, a list, a
    quote, HTML, code, a setext underline, a metadata section, a tab …).
    """
    title: Heading | None = None
    end_line = 0
    index, count = 0, len(chunk)
    while True:
        while index < count and not chunk[index].strip(" "):
            index += 1
        if index == count:
            stopped_by = head.stopped_by
            break
        line = chunk[index]
        if "\t" in line or "\x00" in line:
            return False
        heading = _plain_heading(line, start + index + 1)
        if heading is not None:
            if title is None:
                title, end_line = heading, start + index + 1
                index += 1
                continue
            if heading.text.strip(" :").lower() in METADATA_SECTIONS:
                return False
            stopped_by = "heading"
            break
        if _plain_paragraph(chunk, index, words):
            stopped_by = "block"
            break
        return False
    head.title, head.end_line, head.stopped_by = title, end_line, stopped_by
    return True


def _plain_heading(line: str, line_no: int) -> Heading | None:
    """`# Plain title` (no leading space, no inline markup) as markdown-it reads it, else None."""
    level = len(line) - len(line.lstrip("#"))
    if not 1 <= level <= 6 or line[level : level + 1] != " ":
        return None
    content = line[level:].strip(" ")
    if not content or _NOT_PLAIN_HEADING.search(content):
        return None
    return Heading(" ".join(content.split()), level, Position(line_no, line.find(content) + 1))


def _plain_paragraph(chunk: list[str], index: int, words: frozenset[str]) -> bool:
    """Whether the block at `index` is a paragraph that is not label lines.

    Its first line starts with a letter (so it opens a paragraph: no list, quote, HTML, code or
    table, which needs a `|`) and is no label line; no line down to the blank line that ends it
    may turn it into a setext heading (`===` or `---` under it).
    """
    line = chunk[index]
    if not line[:1].isalpha() or "|" in line or parse_label_line(line, words) is not None:
        return False
    for following in chunk[index + 1 :]:
        if not following.strip(" "):
            break
        if following.lstrip(" ").startswith(("=", "-")) or "\t" in following:
            return False
    return True


def top_level_blocks(tokens: Sequence[Token]) -> list[list[Token]]:
    """Group a token stream into its top-level blocks (open … close, or a single token)."""
    blocks: list[list[Token]] = []
    depth = 0
    current: list[Token] = []
    for token in tokens:
        current.append(token)
        depth += token.nesting
        if depth == 0:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _classify_block(block: list[Token], chunk: list[str], words: frozenset[str]) -> str:
    first = block[0]
    if first.type == "hr":
        return "skip"
    if first.type == "html_block":
        return "skip" if first.content.lstrip().startswith(("<!--", "<img", "<p", "<div")) else ""
    if first.type == "table_open":
        return classify_table(*_table_texts(block), words=words)
    if first.type in ("paragraph_open", "blockquote_open", "bullet_list_open", "ordered_list_open"):
        inner = [t for t in block if t.type not in _CONTAINER_TYPES]
        if first.type == "blockquote_open" and any(t.type == "table_open" for t in inner):
            return ""
        if first.type == "paragraph_open" and _only_images(block):
            return "skip"
        if any(t.type not in ("inline",) for t in inner):
            return ""  # nested code, tables, headings: not a metadata block
        if not inner:
            return ""
        for token in inner:
            for line in _token_lines(token, chunk):
                if parse_label_line(line, words) is None:
                    return ""
        return "labels"
    return ""


_CONTAINER_TYPES = frozenset(
    {
        "paragraph_open",
        "paragraph_close",
        "blockquote_open",
        "blockquote_close",
        "bullet_list_open",
        "bullet_list_close",
        "ordered_list_open",
        "ordered_list_close",
        "list_item_open",
        "list_item_close",
    }
)


def _only_images(block: list[Token]) -> bool:
    inline = [t for t in block if t.type == "inline"]
    if len(inline) != 1 or not inline[0].children:
        return False
    kinds = {c.type for c in inline[0].children if not (c.type == "text" and not c.content.strip())}
    return bool(kinds) and kinds <= {"image", "softbreak"}


def _token_lines(token: Token, chunk: list[str]) -> list[str]:
    if not token.map:
        return []
    return [strip_container(chunk[i]) for i in range(token.map[0], token.map[1])]


def strip_container(line: str) -> str:
    """A source line without its blockquote markers (`> `), for column arithmetic."""
    return line[container_offset(line) :]


def container_offset(line: str) -> int:
    """How many characters of `line` are blockquote markers and their indentation."""
    i = 0
    n = len(line)
    while True:
        j = i
        spaces = 0
        while j < n and line[j] == " " and spaces < 3:
            j += 1
            spaces += 1
        if j < n and line[j] == ">":
            j += 1
            if j < n and line[j] == " ":
                j += 1
            i = j
            continue
        return i


def _heading(block: list[Token], chunk: list[str], start: int) -> Heading:
    first = block[0]
    inline = block[1] if len(block) > 1 else None
    text = plain_text(inline) if inline is not None else ""
    line_no = first.map[0] if first.map else 0
    source = chunk[line_no] if line_no < len(chunk) else ""
    column = 1
    raw = inline.content if inline is not None else ""
    if raw:
        found = source.find(raw)
        column = found + 1 if found >= 0 else 1
    return Heading(
        text.strip(),
        int(first.tag[1:]) if first.tag[1:].isdigit() else 1,
        Position(start + line_no + 1, column),
    )


def plain_text(inline: Token) -> str:
    """Inline content as text: emphasis markers dropped, code and link texts kept."""
    if not inline.children:
        return inline.content
    parts: list[str] = []
    for child in inline.children:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return " ".join("".join(parts).split())


# ----------------------------------------------------------------------------- label lines


@dataclass(frozen=True)
class LabelLine:
    label: str
    label_column: int  # 1-based, in the line given
    raw_value: str
    value_column: int
    bold: bool


def parse_label_line(line: str, words: frozenset[str] = METADATA_WORDS) -> LabelLine | None:
    """`**Document ID:** X`, `**SOP ID**: X`, `- **Owner:** QA`, `Status: Approved`, or None.

    Linear: the closing marker is searched once within `MAX_LABEL_CHARS`. A plain (not bold)
    label must be short and hold a word of `words`, so that prose such as `Note: see below`
    or `https://x` is not a label line.
    """
    n = len(line)
    i = 0
    while i < n and line[i] in " \t":
        i += 1
    i = skip_list_marker(line, i)
    if i >= n:
        return None
    for marker in ("**", "__", "*", "_"):
        if line.startswith(marker, i):
            return _emphasised_label(line, i, marker)
    colon = line.find(":", i, i + MAX_LABEL_CHARS)
    if colon <= i:
        return None
    label = line[i:colon].strip()
    if line.startswith("//", colon + 1) or not _plain_label_ok(label, words):
        return None
    return _label(line, label, i, colon + 1, bold=False)


def skip_list_marker(line: str, i: int) -> int:
    """The offset after a list marker (`- `, `* `, `1. `, `2) `) and the spaces after it."""
    n = len(line)
    if i + 1 < n and line[i] in "-*+" and line[i + 1] == " ":
        i += 2
    else:
        j = i
        while j < n and j - i < 3 and line[j].isdigit():
            j += 1
        if j > i and j + 1 < n and line[j] in ".)" and line[j + 1] == " ":
            i = j + 2
    while i < n and line[i] == " ":
        i += 1
    return i


def _emphasised_label(line: str, i: int, marker: str) -> LabelLine | None:
    size = len(marker)
    close = line.find(marker, i + size, i + size + MAX_LABEL_CHARS + size)
    if close < 0:
        return None
    inner = line[i + size : close]
    if not inner.strip() or inner != inner.strip():
        return None
    after = close + size
    if inner.endswith(":"):
        label = inner[:-1].strip()
    else:
        j = after
        while j < len(line) and line[j] == " ":
            j += 1
        if j >= len(line) or line[j] != ":":
            return None
        label = inner.strip()
        after = j + 1
    if not label or label.endswith((".", "!", "?")) or len(label.split()) > 8:
        return None
    return _label(line, label, i + size, after, bold=True)


def _label(line: str, label: str, label_start: int, value_start: int, bold: bool) -> LabelLine:
    n = len(line)
    j = value_start
    while j < n and line[j] in " \t":
        j += 1
    raw = line[j:].rstrip()
    if raw.endswith("\\"):
        raw = raw[:-1].rstrip()
    return LabelLine(label, label_start + 1, raw, j + 1, bold)


def _plain_label_ok(label: str, words: frozenset[str]) -> bool:
    if not label or not label[0].isalpha() or len(label) > MAX_LABEL_CHARS:
        return False
    parts = label_words(label)
    if not parts or len(parts) > 5:
        return False
    if any(ch in label for ch in "[]()<>{}`|\"'"):
        return False
    return any(p in words for p in parts)


def label_words(label: str) -> list[str]:
    """`Document No.` → ["document", "no"]: lower-case words of a label."""
    out: list[str] = []
    word: list[str] = []
    for ch in label.lower():
        if ch.isalnum():
            word.append(ch)
        elif word:
            out.append("".join(word))
            word = []
    if word:
        out.append("".join(word))
    return out


def value_text(raw: str) -> str:
    """A value as text: surrounding emphasis and code markers removed, spaces collapsed."""
    text = raw.strip()
    for _ in range(3):
        for marker in ("**", "__", "`", "*", "_"):
            if len(text) > 2 * len(marker) and text.startswith(marker) and text.endswith(marker):
                text = text[len(marker) : -len(marker)].strip()
    if text in ("**", "__", "*", "_", "``"):
        text = ""
    return " ".join(text.split())


def _label_values(
    block: list[Token], chunk: list[str], start: int, words: frozenset[str]
) -> list[BodyValue]:
    found: list[BodyValue] = []
    for token in block:
        if token.type != "inline" or not token.map:
            continue
        for index in range(token.map[0], token.map[1]):
            source = chunk[index]
            offset = container_offset(source)
            parsed = parse_label_line(source[offset:], words)
            if parsed is None:
                continue
            line_no = start + index + 1
            found.append(
                BodyValue(
                    label=value_text(parsed.label),
                    value=value_text(parsed.raw_value),
                    position=Position(line_no, offset + parsed.value_column),
                    source="label-line",
                    label_position=Position(line_no, offset + parsed.label_column),
                    raw=parsed.raw_value,
                )
            )
    return found


# ----------------------------------------------------------------------------- tables


def split_row(line: str) -> list[tuple[int, str]]:
    """Cells of a GFM table row as (0-based start offset, raw text), split on unescaped pipes.

    Linear. Leading and trailing pipes are optional, as GFM allows.
    """
    cells: list[tuple[int, str]] = []
    begin = 0
    i = 0
    n = len(line)
    while i < n:
        ch = line[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "|":
            cells.append((begin, line[begin:i]))
            begin = i + 1
        i += 1
    cells.append((begin, line[begin:]))
    if cells and not cells[0][1].strip():
        cells = cells[1:]
    if cells and not cells[-1][1].strip() and line.rstrip().endswith("|"):
        cells = cells[:-1]
    return cells


def _located_cells(texts: list[str], source: str, line_no: int, offset: int) -> tuple[Cell, ...]:
    pieces = split_row(source[offset:])
    cells: list[Cell] = []
    for index, text in enumerate(texts):
        if index < len(pieces):
            begin, raw = pieces[index]
            lead = len(raw) - len(raw.lstrip())
            column = offset + begin + lead + 1
            if not raw.strip():
                column = offset + begin + min(1, len(raw)) + 1
            cells.append(Cell(text, raw.strip(), Position(line_no, column)))
        else:
            cells.append(Cell(text, "", Position(line_no, len(source) + 1)))
    return tuple(cells)


def _table_texts(block: list[Token]) -> tuple[list[str], list[list[str]]]:
    header: list[str] = []
    rows: list[list[str]] = []
    current: list[str] | None = None
    in_head = False
    for token in block:
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            current = []
        elif token.type == "tr_close" and current is not None:
            if in_head:
                header = current
            else:
                rows.append(current)
            current = None
        elif token.type == "inline" and current is not None:
            current.append(plain_text(token))
    return header, rows


def _table(block: list[Token], chunk: list[str], start: int, kind: str) -> Table:
    header_texts, row_texts = _table_texts(block)
    row_maps = [t.map for t in block if t.type == "tr_open"]
    located: list[tuple[Cell, ...]] = []
    for texts, span in zip([header_texts, *row_texts], row_maps):
        index = span[0] if span else 0
        source = chunk[index] if index < len(chunk) else ""
        located.append(_located_cells(texts, source, start + index + 1, container_offset(source)))
    first = block[0].map or [0, 0]
    return Table(
        header=located[0] if located else (),
        rows=tuple(located[1:]),
        start_line=start + first[0] + 1,
        end_line=start + first[1],
        kind=kind,
    )


def parse_tables(text: str, first_line: int = 1) -> list[Table]:
    """Every GFM table in `text` (a region of a file starting at `first_line`), located.

    Lines are cut at `MAX_LINE_CHARS` (a cell beyond is not metadata), so that parsing stays linear.
    """
    chunk = [line[:MAX_LINE_CHARS] for line in source_lines(text)]
    tokens = markdown().parse("\n".join(chunk))
    return [
        _table(block, chunk, first_line - 1, "")
        for block in top_level_blocks(tokens)
        if block[0].type == "table_open"
    ]


def is_label(text: str, words: frozenset[str] = METADATA_WORDS) -> bool:
    """A short cell that holds a metadata word: `Document ID`, `Rev.`, `Effective Date`."""
    stripped = text.strip().rstrip(":").strip()
    if not stripped or len(stripped) > MAX_LABEL_CHARS or not stripped[0].isalpha():
        return False
    parts = label_words(stripped)
    return 0 < len(parts) <= 5 and any(p in words for p in parts)


def names_standard(text: str) -> bool:
    """A cell or line that starts by naming a standard or regulation (`ISO 13485:2016`, `EU …`)."""
    return bool(_STANDARD_START.match(text.strip()[:40]))


def classify_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], words: frozenset[str] = METADATA_WORDS
) -> str:
    """What a table at the top is: "fields", "header-row", "references" or "" (a data table).

    - "references": a header naming a standard, clause or regulation column, or first cells that
      name standards (`| ISO 13485:2016 | Para. 8.2.3 |`);
    - "fields": label/value rows (`| Document ID | SOP-012 |`), also as pairs on one row, with or
      without a `| Field | Value |` header;
    - "header-row": a header of labels over exactly one value row.
    """
    width = len(header)
    if width < 2:
        return ""
    header_words = {w for cell in header for w in label_words(cell)}
    if names_standard(header[0]) or (
        header_words & _REFERENCE_HEADER_WORDS and not header_words & {"id", "title", "owner"}
    ):
        return "references"
    body_first = [row[0] for row in rows if row and row[0].strip()]
    if body_first and sum(names_standard(c) for c in body_first) * 2 > len(body_first):
        return "references"
    if len(rows) <= MAX_HEADER_VALUE_ROWS and rows:
        labels = sum(is_label(c, words) for c in header)
        shaped = all(c.strip() and len(c) <= MAX_LABEL_CHARS for c in header)
        values_are_labels = sum(is_label(c, words) for c in rows[0]) * 2 > width
        if shaped and labels * 2 > width and not values_are_labels:
            return "header-row"
    if width % 2 == 0 and width <= 6:
        pairs = list(rows) if _is_generic(header[0]) else [header, *rows]
        if pairs and _pairs_are_labels(pairs, words):
            return "fields"
    return ""


def _is_generic(label: str) -> bool:
    return label_words(label) in _GENERIC_HEADERS


_GENERIC_HEADERS = (
    ["field"],
    ["item"],
    ["property"],
    ["attribute"],
    ["key"],
    ["label"],
    ["metadata"],
    ["parameter"],
    ["document"],
    [],
)


def _pairs_are_labels(rows: Sequence[Sequence[str]], words: frozenset[str]) -> bool:
    labels = [c for row in rows for c in row[0::2] if c.strip()]
    if not labels:
        return False
    return sum(is_label(c, words) for c in labels) * 2 > len(labels)


def table_values(table: Table) -> list[BodyValue]:
    """The label → value pairs of a "fields" or "header-row" table, located at the value cell."""
    found: list[BodyValue] = []
    if table.kind == "header-row":
        for row in table.rows[:MAX_HEADER_VALUE_ROWS]:
            for label, value in zip(table.header, row):
                found.append(_cell_value(label, value))
        return found
    rows = list(table.rows)
    if not _generic_header(table.header):
        rows.insert(0, table.header)
    for row in rows:
        for k in range(0, len(row) - 1, 2):
            label, value = row[k], row[k + 1]
            if label.text.strip():
                found.append(_cell_value(label, value))
    return found


def _generic_header(header: Sequence[Cell]) -> bool:
    return bool(header) and _is_generic(header[0].text)


def _cell_value(label: Cell, value: Cell) -> BodyValue:
    return BodyValue(
        label=label.text.strip().rstrip(":").strip(),
        value=value_text(value.text),
        position=value.position,
        source="body-table",
        label_position=label.position,
        raw=value.raw,
    )
