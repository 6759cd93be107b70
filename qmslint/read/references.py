"""The clause claims a document declares in its body (SPEC §3.1 item 4, §4), each located.

Where claims are read:

- "reference-table": a table at the top (in the head that `qmslint.read.body` reads):
  `| ISO 13485:2016 | Para. 8.2.3 |`, `| EU Regulation 2017/745 (MDR) | Art. 87 - 92 (Vigilance) |`,
  a header naming the standard over bare numbers (`| ISO 13485:2016 Section | Document Section |`
  over `| 8.5.2 | (All) |`), or standard and clause columns (`| Standard | Clause | Title |`);
- "reference-line": a label line at the top whose label speaks of references, standards, clauses
  or a regulatory basis (`Regulatory References: ISO 13485:2016 Sec. 4.1.6 and 6.3 and 7.6`,
  `> **Regulatory Basis**: ISO 13485:2016 Sections 8.2.1, 8.2.2`);
- "references-section": a section headed "References", "Regulatory references", "Applicable
  standards" … wherever it stands, found by a linear scan for its heading (outside code fences);
  only that section is parsed (its list items, lines and tables);
- "audit-note": RDM-style audit notes anywhere in the body (`[[62304:5.8.5]]`,
  `[[14971:3.4.a]]`), found by a linear scan for `[[`.

Every citation is normalised to a text that `qmslint.clauses.parse` reads ("ISO 13485:2016 8.2.3",
"MDR Art. 87", "MDR Art. 10(9)(a)", "MDR Annex XIV Part B", "21 CFR 820.30(g)"), with ranges and
lists expanded (`Art. 87 - 92` → Art. 87 … Art. 92, `4.2.1–4.2.2`, `Sec. 4.1.6 and 6.3 and 7.6`,
`8.2.1 / 8.2.2`, `4.2.1 b)`). Frameworks without a catalogue (IEC 62304, ISO 27001, MEDDEV …)
are kept with their framework key (`catalogued=False`). A standard cited without a clause is a
`StandardRef`. An older edition (`ISO 9001:2008`) is a problem and never a claim; an edition year
that does not exist (`ISO 13485:2015`) is read as the standard, with a problem. Standards named in
running prose are `mentions` (only when asked for: that scans the whole body), never claims.

Linear time: the only regular expression is anchored on literal standard names with bounded
quantifiers, and locators are read by a hand-written tokenizer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from qmslint.model import Position
from qmslint.read import body

MAX_RANGE = 40  # a range that names more clauses than this is a problem, not 1,000 claims
MAX_SECTION_LINES = 200
MAX_SECTION_CHARS = 32_000
MAX_CITATION_CHARS = 600

CATALOGUED = {"iso13485": "2016", "iso9001": "2015", "iso14971": "2019", "mdr": "", "cfr": ""}
OLDER_EDITIONS = {
    "iso13485": {"1996", "2003", "2012"},  # EN ISO 13485:2012 is the 2003 text
    "iso9001": {"1987", "1994", "2000", "2008"},
    "iso14971": {"2000", "2007", "2012"},  # EN ISO 14971:2012 is the 2007 text
}
_DISPLAY = {"iso13485": "ISO 13485", "iso9001": "ISO 9001", "iso14971": "ISO 14971"}

REFERENCE_SECTIONS = frozenset(
    {
        "references",
        "reference",
        "regulatory references",
        "regulatory reference",
        "normative references",
        "applicable standards",
        "applicable standards and regulations",
        "applicable regulations and standards",
        "applicable regulations",
        "standards",
        "standards and regulations",
        "regulations and standards",
        "referenced standards",
        "reference standards",
        "related standards",
        "references and standards",
        "standards and references",
        "regulatory requirements",
        "regulatory basis",
        "reference documents",
        "referenced documents",
        "related documents",
        "applicable documents",
        "references and related documents",
        "normative and informative references",
    }
)
_REFERENCE_LABEL_WORDS = frozenset(
    {
        "reference",
        "references",
        "basis",
        "standard",
        "standards",
        "clause",
        "clauses",
        "regulation",
        "regulations",
        "regulatory",
        "compliance",
        "norms",
    }
)

_STANDARD = re.compile(
    r"""
    (?<![a-z0-9])
    (?:
      (?P<iso>
        (?:(?:en|bs|din|une|nf|ds|sn|ansi/aami)\s{1,3}(?:en\s{1,3})?)?
        (?P<org>iso/iec|iec/iso|iso/tr|iso/ts|iec/tr|iso|iec|ieee|aami|astm|en)
        \s{0,3}(?P<num>\d{3,5}(?:-\d{1,3}){0,3})
        (?::\s{0,2}(?P<year>\d{4}))?
        (?P<amend>(?:\s{0,2}[+/]\s{0,2}(?:a|amd|ac|cor)\s{0,2}\d{1,3}(?::\s{0,2}\d{4})?){0,4})
      )
      | (?P<mdr>
        (?:(?:eu|the)\s{1,3})?(?:medical\s{1,3}devices?\s{1,3})?regulation\s{1,3}
        (?:\(eu\)\s{1,3})?(?:no\.?\s{1,3})?2017/745(?:\s{0,3}\((?:eu\s{1,3})?mdr\))?
        | (?<!fda\s)(?<!us\s)(?:eu\s{1,3})?mdr(?![a-z0-9-])(?:\s{1,3}(?:\(eu\)\s{1,3})?2017/745)?
        | (?:\(eu\)\s{1,3})?2017/745(?:\s{0,3}\(mdr\))?
      )
      | (?P<ivdr>(?:eu\s{1,3})?ivdr(?![a-z])(?:\s{1,3}2017/746)? | (?:\(eu\)\s{1,3})?2017/746)
      | (?P<cfr>21\s{0,2}c\.?f\.?r\.?(?![a-z]))
      | (?P<meddev>meddev\s{0,2}\d(?:\.\d{1,2}){0,3}(?:/\d{1,2})?(?:\s{1,2}rev\.?\s{0,2}\d{1,2})?)
      | (?P<mdcg>mdcg\s{1,2}\d{4}-\d{1,3}(?:\s{0,2}rev\.?\s{0,2}\d{1,2})?)
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class Standard:
    """A standard or regulation as cited: framework key, edition and how it was written."""

    framework: str  # "iso13485", "mdr", "cfr", … or an uncatalogued key ("iec62304", "meddev")
    edition: str  # "2016", "2006+A1:2015", "" when not written
    written: str
    catalogued: bool

    @property
    def display(self) -> str:
        """The name the normalised claim texts start with."""
        if self.framework == "mdr":
            return "MDR"
        if self.framework == "cfr":
            return "21 CFR"
        if self.framework in _DISPLAY:
            current = CATALOGUED[self.framework]
            return (
                f"{_DISPLAY[self.framework]}:{current}"
                if self.edition == current
                else (_DISPLAY[self.framework])
            )
        return _uncatalogued_display(self.framework)


@dataclass(frozen=True)
class Claim:
    """One clause a document claims, normalised for `qmslint.clauses.parse` (when catalogued)."""

    text: str  # "ISO 13485:2016 8.2.3", "MDR Art. 87", "IEC 62304 5.8.5"
    framework: str
    catalogued: bool
    written: str  # the citation as written (the whole cell, line or item)
    position: Position  # where the locator is written
    source: str  # "reference-table", "reference-line", "references-section", "audit-note"
    edition: str = ""


@dataclass(frozen=True)
class StandardRef:
    """A standard cited without a clause (`ISO 14971:2019`, `MEDDEV 2.12/1`)."""

    framework: str
    edition: str
    written: str
    position: Position
    source: str
    catalogued: bool


@dataclass(frozen=True)
class Problem:
    """A citation that is read but not (or not fully) usable: never a silent drop."""

    code: str  # "older-edition", "unknown-edition", "range-too-large", "unexpandable-range",
    #            "edition-not-stated"
    message: str
    written: str
    position: Position
    source: str


@dataclass(frozen=True)
class Mention:
    """A standard or clause named in running prose: not coverage, shown by `show`."""

    written: str
    texts: tuple[str, ...]  # normalised clause texts, as for claims (may be empty)
    framework: str
    position: Position


@dataclass
class References:
    claims: list[Claim] = field(default_factory=list)
    standards: list[StandardRef] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    default_standard: Standard | None = None  # from a `Standard:` label at the top


# ----------------------------------------------------------------------------- citations


@dataclass
class Parsed:
    """What one citation text yields; offsets are 0-based in the text given."""

    claims: list[tuple[str, Standard, int]] = field(default_factory=list)
    standards: list[tuple[Standard, int]] = field(default_factory=list)
    problems: list[tuple[str, str, int]] = field(default_factory=list)
    last_standard: Standard | None = None


def find_standard(text: str) -> tuple[Standard, int, int] | None:
    """The first standard named in `text`: (standard, start, end)."""
    for found in _standards(text):
        return found
    return None


def _standards(text: str) -> Iterable[tuple[Standard, int, int]]:
    """Standards named in `text`, except inside a parenthesised description.

    `21 CFR Part 803 (MDR — Medical Device Reporting)` names 21 CFR only; `(MDR)` right after the
    regulation's number is part of its name and consumed by the pattern.
    """
    depth_at = _paren_depths(text)
    for match in _STANDARD.finditer(text):
        if depth_at[match.start()]:
            continue
        yield _standard_of(match), match.start(), match.end()


def _paren_depths(text: str) -> list[int]:
    depths = []
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
            depths.append(depth)
            continue
        if ch == ")" and depth:
            depth -= 1
        depths.append(depth)
    depths.append(depth)
    return depths


def _standard_of(match: re.Match[str]) -> Standard:
    written = " ".join(match.group(0).split())
    if match.group("iso"):
        org = match.group("org").lower().replace("/", "")
        number = match.group("num")
        year = match.group("year") or ""
        amend = "".join(match.group("amend").split())
        key = f"{'iso' if org == 'en' else org}{number}".lower()
        catalogued = key in CATALOGUED
        if org not in ("iso", "en") and key in CATALOGUED:
            catalogued = False
        if org == "en" and key not in CATALOGUED:
            key = f"en{number}"
        return Standard(key, year + amend, written, catalogued)
    if match.group("mdr"):
        return Standard("mdr", "2017/745", written, True)
    if match.group("ivdr"):
        return Standard("ivdr", "2017/746", written, False)
    if match.group("cfr"):
        return Standard("cfr", "", written, True)
    if match.group("meddev"):
        return Standard("meddev", "", written, False)
    return Standard("mdcg", "", written, False)


def _uncatalogued_display(key: str) -> str:
    letters = "".join(ch for ch in key if ch.isalpha() and not ch.isdigit())
    i = 0
    while i < len(key) and key[i].isalpha():
        i += 1
    name = key[:i].upper()
    rest = key[i:]
    if name in ("ISOIEC", "IECISO"):
        name = "ISO/IEC" if name == "ISOIEC" else "IEC/ISO"
    return f"{name} {rest}".strip() if rest else (name or letters.upper())


def parse_citation(text: str, default: Standard | None = None) -> Parsed:
    """Read one citation text: every standard it names and the clauses it lists after each.

    Text before the first standard is read with `default` (a standard from the table header,
    the row or the document). Linear in the length of `text` (capped at `MAX_CITATION_CHARS`).
    """
    text = text[:MAX_CITATION_CHARS]
    parsed = Parsed()
    found = list(_standards(text))
    segments: list[tuple[Standard | None, int, int, bool]] = []
    first_start = found[0][1] if found else len(text)
    if default is not None and first_start > 0:
        segments.append((default, 0, first_start, False))
    for k, (standard, _start, end) in enumerate(found):
        stop = found[k + 1][1] if k + 1 < len(found) else len(text)
        segments.append((standard, end, stop, True))
    if found:
        parsed.last_standard = found[-1][0]
    named = {id(s): (s, start) for s, start, _ in found}
    for standard, start, stop, is_named in segments:
        if standard is None:
            continue
        if not is_named and standard.framework != "mdr" and _starts_with_article(text[start:stop]):
            standard = Standard("mdr", "2017/745", "MDR", True)  # an article is always MDR
        locators = read_locators(text[start:stop], standard.framework)
        for locator, offset in locators.items:
            parsed.claims.append((f"{standard.display} {locator}", standard, start + offset))
        for code, offset in locators.problems:
            parsed.problems.append((code, text[start:stop].strip(), start + offset))
        if is_named and (locators.items or locators.problems):
            named.pop(id(standard), None)
    parsed.standards = list(named.values())
    return parsed


def _starts_with_article(text: str) -> bool:
    tokens = _tokens(text[:40])
    return bool(tokens) and tokens[0][0] == "word" and tokens[0][1] in _ART_WORDS


@dataclass
class Locators:
    items: list[tuple[str, int]] = field(default_factory=list)  # (locator text, offset)
    problems: list[tuple[str, int]] = field(default_factory=list)


_ART_WORDS = frozenset({"art", "arts", "article", "articles"})
_ANNEX_WORDS = frozenset({"annex", "annexes", "anhang"})
_SECTION_WORDS = frozenset(
    {
        "sec",
        "secs",
        "section",
        "sections",
        "clause",
        "clauses",
        "cl",
        "para",
        "paras",
        "paragraph",
        "paragraphs",
        "point",
        "points",
        "part",
        "parts",
        "subpart",
        "requirement",
        "requirements",
        "no",
        "nr",
    }
)
_SEPARATOR_WORDS = frozenset({"and", "or", "und", "et"})
_RANGE_WORDS = frozenset({"to", "through", "thru", "bis"})
_ROMAN = set("ivxlc")


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, value, offset): num, word, sub, sep, range, skip. Hand-written and linear."""
    out: list[tuple[str, str, int]] = []
    lower = text.lower()
    n = len(lower)
    i = 0
    while i < n:
        ch = lower[i]
        if ch.isdigit():
            j = i
            while j < n and (
                lower[j].isdigit() or (lower[j] == "." and j + 1 < n and lower[j + 1].isdigit())
            ):
                j += 1
            out.append(("num", lower[i:j], i))
            i = j
        elif (
            ch.isalpha()
            and i + 2 < n
            and lower[i + 1] == "."
            and lower[i + 2].isdigit()
            and (i == 0 or not lower[i - 1].isalpha())
        ):
            j = i + 2  # an annex clause of a standard: A.5.1
            while j < n and (
                lower[j].isdigit() or (lower[j] == "." and j + 1 < n and lower[j + 1].isdigit())
            ):
                j += 1
            out.append(("num", text[i:j].upper(), i))
            i = j
        elif ch.isalpha():
            j = i
            while j < n and lower[j].isalpha():
                j += 1
            word = lower[i:j]
            if j - i == 1 and j < n and lower[j] == ")":
                out.append(("sub", word, i))
                j += 1
            else:
                out.append(("word", word, i))
            i = j
        elif ch == "(":
            close = lower.find(")", i + 1, i + 80)
            inner = lower[i + 1 : close].strip() if close > 0 else ""
            if (
                close > 0
                and 0 < len(inner) <= 4
                and inner.isalnum()
                and (inner.isdigit() or len(inner) == 1 or set(inner) <= _ROMAN)
            ):
                out.append(("sub", inner, i))
                i = close + 1
            elif close > 0:
                out.append(("skip", inner, i))  # a description: (Vigilance), (All)
                i = close + 1
            else:
                out.append(("word", "(", i))
                i += 1
        elif ch in ",;/&":
            out.append(("sep", ch, i))
            i += 1
        elif ch in "-–—":
            j = i
            while j < n and lower[j] in "-–—":
                j += 1
            out.append(("range" if j - i == 1 else "dash", lower[i:j], i))
            i = j
        elif ch in " \t.:§*_`'\"[]":
            i += 1
        else:
            out.append(("word", ch, i))
            i += 1
    return out


def read_locators(text: str, framework: str) -> Locators:
    """The clause locators listed in `text` for `framework`, ranges and lists expanded."""
    tokens = _tokens(text)
    result = Locators()
    kind = ""  # MDR: "art" or "annex"
    item: dict[str, object] | None = None
    k = 0
    n = len(tokens)

    def flush() -> None:
        nonlocal item
        if item is not None:
            result.items.append((_format(item, framework), int(item["offset"])))  # type: ignore[arg-type]
        item = None

    while k < n:
        tkind, value, offset = tokens[k]
        if tkind == "word" and value in _ART_WORDS:
            flush()
            kind = "art"
        elif tkind == "word" and value in _ANNEX_WORDS:
            flush()
            kind = "annex"
        elif tkind == "word" and kind == "annex" and item is None and set(value) <= _ROMAN:
            item = {"kind": "annex", "number": value.upper(), "subs": [], "offset": offset}
        elif (
            tkind == "word"
            and value in ("part", "chapter")
            and item is not None
            and (item["kind"] == "annex")
        ):
            if k + 1 < n and tokens[k + 1][0] in ("word", "sub", "num"):
                label = "Part" if value == "part" else "Chapter"
                item["subs"].append(f"{label} {tokens[k + 1][1].upper()}")  # type: ignore[union-attr]
                k += 1
        elif tkind == "word" and value in _SECTION_WORDS:
            pass
        elif (tkind == "word" and value in _SEPARATOR_WORDS) or tkind == "sep":
            flush()
        elif tkind == "num":
            if item is not None and item["kind"] == "annex" and not item["subs"]:
                item["subs"].append(value)  # type: ignore[union-attr]
            else:
                flush()
                if framework == "mdr" and not kind:
                    kind = "art"
                item = {"kind": kind or "clause", "number": value, "subs": [], "offset": offset}
        elif tkind == "sub" and item is not None:
            item["subs"].append(value)  # type: ignore[union-attr]
        elif tkind in ("range", "word") and (tkind == "range" or value in _RANGE_WORDS):
            if item is None or k + 1 >= n or tokens[k + 1][0] not in ("num", "sub"):
                break  # a dash before words: the description starts
            expanded = _expand(item, tokens[k + 1], framework)
            if isinstance(expanded, str):
                result.problems.append((expanded, offset))
                item = None  # never claim the first clause of a range that cannot be read
            else:
                for extra in expanded:
                    result.items.append((_format(extra, framework), int(item["offset"])))  # type: ignore[arg-type]
                item = None
            k += 2
            continue
        elif tkind == "skip":
            pass
        else:
            break  # a word that is not part of a locator: a title or description follows
        k += 1
    flush()
    return result


def _format(item: dict[str, object], framework: str) -> str:
    number = str(item["number"])
    subs = [str(s) for s in item["subs"]]  # type: ignore[attr-defined]
    if item["kind"] == "art":
        return "Art. " + number + "".join(f"({s})" for s in subs)
    if item["kind"] == "annex":
        return " ".join(["Annex", number, *subs])
    if framework == "mdr":
        return "Art. " + number + "".join(f"({s})" for s in subs)
    return number + "".join(f"({s})" for s in subs)


def _expand(item: dict[str, object], end: tuple[str, str, int], framework: str):
    """`87` - `92` → items 87…92; `(a)`-`(m)` on the last sub-point; else a problem code."""
    _, value, _ = end
    subs = list(item["subs"])  # type: ignore[call-overload]
    if end[0] == "sub" or (subs and end[0] == "num" and value.isdigit() and subs[-1].isdigit()):
        if not subs:
            return "unexpandable-range"
        first = subs[-1]
        values = _span(first, value)
        if isinstance(values, str):
            return values
        return [{**item, "subs": [*subs[:-1], v]} for v in values]
    start = str(item["number"])
    if subs:
        return "unexpandable-range"
    head_a, _, last_a = start.rpartition(".")
    head_b, _, last_b = value.rpartition(".")
    if head_a != head_b and not (head_b == "" and "." not in value and head_a):
        return "unexpandable-range"
    if head_b == "" and head_a:
        last_b = value  # "8.2.1-3": the last segment only
    values = _span(last_a, last_b)
    if isinstance(values, str):
        return values
    prefix = f"{head_a}." if head_a else ""
    return [{**item, "number": f"{prefix}{v}"} for v in values]


def _span(first: str, last: str) -> list[str] | str:
    if first.isdigit() and last.isdigit():
        a, b = int(first), int(last)
        if b < a:
            return "unexpandable-range"
        if b - a + 1 > MAX_RANGE:
            return "range-too-large"
        return [str(v) for v in range(a, b + 1)]
    if len(first) == 1 and len(last) == 1 and first.isalpha() and last.isalpha():
        a, b = ord(first), ord(last)
        if b < a:
            return "unexpandable-range"
        return [chr(v) for v in range(a, b + 1)]
    return "unexpandable-range"


# ----------------------------------------------------------------------------- the document


def read_references(
    text: str,
    front_matter_end: int = 0,
    *,
    standard: str | None = None,
    with_mentions: bool = False,
    head: body.Head | None = None,
    lines: Sequence[str] | None = None,
) -> References:
    """Every clause claim `text` declares at its top, in its references section and audit notes.

    `standard` is the document's `standard:` (for bare clause numbers); `head` and `lines`
    (`body.source_lines(text)`) may be passed when the caller has them already. `with_mentions`
    also scans prose for standards named in passing (for `show`), which reads the whole body.
    """
    refs = References()
    lines = body.source_lines(text) if lines is None else lines
    head = head if head is not None else body.read_head(text, front_matter_end)
    default = _default_standard(standard, head, refs)
    claimed_lines: set[int] = set()
    for value in head.label_lines:
        words = set(body.label_words(value.label))
        if not words & _REFERENCE_LABEL_WORDS or not value.raw:
            continue
        _collect(refs, value.raw, value.position, default, "reference-line")
        claimed_lines.add(value.position.line)
    for table in head.tables:
        if table.kind == "references":
            _table_claims(refs, table, default, "reference-table")
            claimed_lines.update(range(table.start_line, table.end_line + 1))
    for first, last in reference_sections(lines, max(head.end_line, front_matter_end)):
        claimed_lines.update(range(first, last + 1))
        _section_claims(refs, lines, first, last, default)
    if "[[" in text:  # (no audit note without one: the scan is spared)
        _audit_notes(refs, lines, front_matter_end)
    if with_mentions:
        refs.mentions = find_mentions(lines, front_matter_end, claimed_lines, default)
    return refs


def _default_standard(standard: str | None, head: body.Head, refs: References) -> Standard | None:
    for value in head.label_lines + [v for t in head.tables for v in body.table_values(t)]:
        if set(body.label_words(value.label)) & {"standard", "standards"}:
            found = find_standard(value.value)
            if found:
                refs.default_standard = found[0]
                return found[0]
    if standard:
        found = find_standard(standard)
        if found:
            return found[0]
    return None


def _collect(
    refs: References,
    raw: str,
    position: Position,
    default: Standard | None,
    source: str,
) -> Standard | None:
    """Claims from one citation text written at `position` (its first character)."""
    parsed = parse_citation(raw, default)
    written = " ".join(raw.split())

    def at(offset: int) -> Position:
        return Position(position.line, position.column + offset)

    for claim_text, std, offset in parsed.claims:
        problem = _edition_problem(std)
        if problem and problem[0] == "older-edition":
            refs.problems.append(Problem(problem[0], problem[1], written, at(offset), source))
            continue
        if problem:
            refs.problems.append(Problem(problem[0], problem[1], written, at(offset), source))
        refs.claims.append(
            Claim(
                claim_text, std.framework, std.catalogued, written, at(offset), source, std.edition
            )
        )
    for std, offset in parsed.standards:
        problem = _edition_problem(std)
        if problem:
            refs.problems.append(Problem(problem[0], problem[1], written, at(offset), source))
        refs.standards.append(
            StandardRef(std.framework, std.edition, std.written, at(offset), source, std.catalogued)
        )
    for code, part, offset in parsed.problems:
        message = {
            "range-too-large": f"the range '{part}' names more than {MAX_RANGE} clauses",
            "unexpandable-range": f"the range in '{part}' cannot be read clause by clause",
        }.get(code, code)
        refs.problems.append(Problem(code, message, written, at(offset), source))
    return parsed.last_standard


def _edition_problem(std: Standard) -> tuple[str, str] | None:
    if std.framework not in OLDER_EDITIONS:
        return None
    year = std.edition[:4]
    if not year:
        return None
    name = _DISPLAY[std.framework]
    current = CATALOGUED[std.framework]
    if year in OLDER_EDITIONS[std.framework]:
        return (
            "older-edition",
            f"'{std.written}' cites {name}:{year}, whose clause numbers differ from "
            f"{name}:{current}: cite the current edition or map the clause",
        )
    if year != current:
        return (
            "unknown-edition",
            f"'{std.written}': there is no {name}:{year}; read as {name}:{current}",
        )
    return None


_DOCUMENT_HEADER_WORDS = frozenset({"document", "procedure", "sop", "our", "qms", "internal"})
_CLAUSE_HEADER_WORDS = frozenset(
    {
        "clause",
        "clauses",
        "section",
        "sections",
        "article",
        "articles",
        "paragraph",
        "para",
        "requirement",
        "requirements",
        "reference",
        "references",
        "citation",
        "annex",
    }
)


def _table_claims(
    refs: References, table: body.Table, default: Standard | None, source: str
) -> None:
    header = table.header
    header_std = [find_standard(c.text) for c in header]
    column_default: list[Standard | None] = []
    clause_column: list[bool] = []
    for cell, found in zip(header, header_std):
        words = set(body.label_words(cell.text))
        is_document = bool(words & _DOCUMENT_HEADER_WORDS)
        column_default.append(found[0] if found and not is_document else None)
        clause_column.append(bool(words & _CLAUSE_HEADER_WORDS) and not is_document)
    header_is_row = (
        bool(header)
        and bool(header_std[0])
        and not (set(body.label_words(header[0].text)) & _CLAUSE_HEADER_WORDS)
    )
    rows: list[tuple[body.Cell, ...]] = list(table.rows)
    if header_is_row:
        rows.insert(0, header)
        column_default = [None] * len(header)
        clause_column = [False] * len(header)
    for row in rows:
        row_std: tuple[Standard, body.Cell] | None = None
        claimed = len(refs.claims)
        for index, cell in enumerate(row):
            raw = cell.raw or cell.text
            if not raw.strip():
                continue
            named = find_standard(raw)
            column_std = column_default[index] if index < len(column_default) else None
            in_clause_column = index < len(clause_column) and clause_column[index]
            if named is not None and not read_locators(raw[named[2] :], named[0].framework).items:
                if row_std is None:
                    row_std = (named[0], cell)  # a standard-only cell: the row's standard
                    _edition(refs, named[0], raw, cell.position, source)
                continue
            context = (row_std[0] if row_std else None) or column_std
            if named is None and context is None and not (in_clause_column and default):
                continue
            _collect(refs, raw, cell.position, context or default, source)
        if row_std is not None and len(refs.claims) == claimed:
            std, cell = row_std
            refs.standards.append(
                StandardRef(
                    std.framework, std.edition, std.written, cell.position, source, std.catalogued
                )
            )


def _edition(refs: References, std: Standard, raw: str, position: Position, source: str) -> None:
    problem = _edition_problem(std)
    if problem:
        refs.problems.append(
            Problem(problem[0], problem[1], " ".join(raw.split()), position, source)
        )


_MAY_OPEN_OR_FENCE = frozenset(" #`~")  # what an ATX heading or a fence line starts with


def reference_sections(lines: Sequence[str], after: int = 0) -> list[tuple[int, int]]:
    """(first, last) 1-based body lines of each references section starting after line `after`.

    A linear scan for ATX headings outside code fences; a section ends at the next heading of
    the same or a higher level, or after `MAX_SECTION_LINES` lines.
    """
    if not _may_name_a_section(lines, after):
        return []
    sections: list[tuple[int, int]] = []
    fence = ""
    open_section: tuple[int, int] | None = None  # (first line, level)
    for index in range(after, len(lines)):
        line = lines[index]
        if open_section is None and line[:1] not in _MAY_OPEN_OR_FENCE:
            continue  # no heading and no fence: nothing to do until a section is open
        stripped = line.lstrip(" ")
        if len(line) - len(stripped) <= 3 and stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            if not fence:
                fence = marker
            elif marker == fence:
                fence = ""
            continue
        if fence:
            continue
        level, title = _atx(line) if stripped.startswith("#") else (0, "")
        if open_section is not None:
            first, open_level = open_section
            if (level and level <= open_level) or index + 1 - first >= MAX_SECTION_LINES:
                sections.append((first, index))
                open_section = None
        if level and open_section is None and _section_name(title) in REFERENCE_SECTIONS:
            open_section = (index + 2, level)
    if open_section is not None:
        sections.append((open_section[0], len(lines)))
    return [(a, b) for a, b in sections if b >= a]


# The longest word of each section name: a heading that names a section holds it (its words are
# the heading's, lower-cased), so a body whose heading-like lines hold none has no section.
_SECTION_HINTS = tuple(sorted({max(name.split(), key=len) for name in REFERENCE_SECTIONS}))
_HEADING_LIKE = re.compile(r"^ {0,3}#.*", re.MULTILINE)


def _may_name_a_section(lines: Sequence[str], after: int) -> bool:
    """Whether a line that may be a heading holds a hint word: one scan in C instead of a
    pass over every line in Python for the bodies (most) that have no references section."""
    for line in _HEADING_LIKE.findall("\n".join(lines[after:])):
        lowered = line.lower()
        if any(hint in lowered for hint in _SECTION_HINTS):
            return True
    return False


def _atx(line: str) -> tuple[int, str]:
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3 or not stripped.startswith("#"):
        return 0, ""
    level = len(stripped) - len(stripped.lstrip("#"))
    rest = stripped[level:]
    if level > 6 or (rest and rest[0] not in " \t"):
        return 0, ""
    return level, rest.strip().rstrip("#").strip()


@lru_cache(maxsize=4096)
def _section_name(title: str) -> str:
    """`7. References` → "references"; `8.1 Regulatory References:` → "regulatory references"."""
    words = title.replace("*", " ").replace("_", " ").split()
    while words and (
        words[0].rstrip(".)").replace(".", "").isdigit()
        or (len(words[0]) <= 3 and words[0].endswith((".", ")")) and words[0][:-1].isalpha())
    ):
        words = words[1:]
    return " ".join(words).strip(" :").lower()


def _section_claims(
    refs: References, lines: Sequence[str], first: int, last: int, default: Standard | None
) -> None:
    kept: list[str] = []
    total = 0
    for line in lines[first - 1 : last]:
        if len(line) > body.MAX_LINE_CHARS:
            line = ""  # not a citation; blanked to keep the line numbering
        total += len(line) + 1
        if total > MAX_SECTION_CHARS:
            break
        kept.append(line)
    tokens = body.markdown().parse("\n".join(kept))
    seen_lines: set[int] = set()
    for block in body.top_level_blocks(tokens):
        if block[0].type == "table_open":
            for table in body.parse_tables(
                "\n".join(lines[first - 1 + block[0].map[0] : first - 1 + block[0].map[1]]),
                first + block[0].map[0],
            ):
                _table_claims(refs, table, default, "references-section")
            continue
        if block[0].type in ("fence", "code_block", "html_block"):
            continue
        for token in block:
            if token.type != "inline" or not token.map:
                continue
            for index in range(token.map[0], token.map[1]):
                if index in seen_lines:
                    continue
                seen_lines.add(index)
                line = lines[first - 1 + index]
                offset = _content_offset(line)
                if body.names_standard(line[offset:]) or find_standard(line[offset:]):
                    _collect(
                        refs,
                        line[offset:],
                        Position(first + index, offset + 1),
                        default,
                        "references-section",
                    )


def _content_offset(line: str) -> int:
    i = body.container_offset(line)
    while i < len(line) and line[i] == " ":
        i += 1
    return body.skip_list_marker(line, i)


_AUDIT_FRAMEWORKS = {"13485": "ISO 13485", "9001": "ISO 9001", "14971": "ISO 14971"}


def outside_code(lines: Sequence[str], start: int) -> Iterator[tuple[int, str]]:
    """(index, line) from `start` on, leaving out fenced code blocks and their fences."""
    fence = ""
    for index in range(start, len(lines)):
        line = lines[index]
        stripped = line.lstrip(" ")
        if stripped.startswith(("```", "~~~")):
            fence = "" if fence else stripped[:3]
            continue
        if not fence:
            yield index, line


def _audit_notes(refs: References, lines: Sequence[str], front_matter_end: int) -> None:
    """RDM audit notes: `[[62304:5.8.5]]`, `[[14971:3.3 and 14971:3.4.b]]`, anywhere."""
    for index, line in outside_code(lines, front_matter_end):
        if "[[" not in line:
            continue
        start = line.find("[[")
        while start >= 0:
            end = line.find("]]", start + 2)
            if end < 0:
                break
            inner = line[start + 2 : end]
            _audit_note(refs, inner, Position(index + 1, start + 3))
            start = line.find("[[", end + 2)


def _audit_note(refs: References, inner: str, position: Position) -> None:
    words = inner.replace(",", " ").split()
    cursor = 0
    for word in words:
        at = inner.find(word, cursor)
        cursor = at + len(word)
        name, sep, locator = word.partition(":")
        locator = locator.rstrip(".,;)")
        if not sep or not locator or not locator[0].isalnum():
            continue
        if name.isdigit() and 4 <= len(name) <= 5:
            display = _AUDIT_FRAMEWORKS.get(name, f"IEC {name}" if name == "62304" else name)
        elif name[:1].isalpha() and name.replace("-", "").isalnum() and name.upper() == name:
            display = name
        else:
            continue
        std = find_standard(display) if display[0].isalpha() and " " in display else None
        framework = std[0].framework if std else display.lower().replace(" ", "")
        catalogued = bool(std and std[0].catalogued)
        text = f"{display} {locator}"
        claim_pos = Position(position.line, position.column + at)
        if catalogued:
            refs.problems.append(
                Problem(
                    "edition-not-stated",
                    f"the audit note '{word}' names no edition of {display}; its clause "
                    "numbers are read as the current edition's",
                    word,
                    claim_pos,
                    "audit-note",
                )
            )
        refs.claims.append(Claim(text, framework, catalogued, word, claim_pos, "audit-note"))


# ----------------------------------------------------------------------------- mentions


def find_mentions(
    lines: Sequence[str],
    front_matter_end: int = 0,
    skip_lines: Iterable[int] = (),
    default: Standard | None = None,
) -> list[Mention]:
    """Standards (and the clauses after them) named in prose, outside code and claim sources."""
    skip = set(skip_lines)
    mentions: list[Mention] = []
    for index, line in outside_code(lines, front_matter_end):
        if index + 1 in skip:
            continue
        for start in range(0, min(len(line), 20 * MAX_CITATION_CHARS), MAX_CITATION_CHARS):
            piece = line[start : start + MAX_CITATION_CHARS]
            found = list(_standards(piece))
            parsed = parse_citation(piece)
            for k, (standard, begin, end) in enumerate(found):
                stop = found[k + 1][1] if k + 1 < len(found) else len(piece)
                texts = tuple(
                    t for t, s, at in parsed.claims if s is not None and begin <= at < stop
                )
                last = max((at for t, s, at in parsed.claims if begin <= at < stop), default=end)
                written = piece[begin : max(end, _token_end(piece, last))]
                mentions.append(
                    Mention(
                        " ".join(written.split()),
                        texts,
                        standard.framework,
                        Position(index + 1, start + begin + 1),
                    )
                )
    return mentions


def _token_end(text: str, at: int) -> int:
    j = at
    while j < len(text) and not text[j].isspace() and text[j] not in ",;":
        j += 1
    return j
