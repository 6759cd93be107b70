"""Clause ids (SPEC §4): `<framework>:<locator>`, their common spellings, and the catalogues.

A catalogue lists the valid ids of a framework with short neutral titles, marks its *headings*
(titles over distinct processes, whose citation covers no sub-clause), the chapters of MDR annexes
and the harmonised-standard mappings that `qmslint.clauses.coverage` reads. Hierarchy comes from the
locator's dot-separated segments, never from substrings (`8.2` is the parent of `8.2.3`, not of
`8.23`). Whether a citation covers a clause is decided in one place: `qmslint.clauses.coverage`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from qmslint.support.resources import load_shipped_yaml

FRAMEWORKS = ("iso13485", "iso9001", "iso14971", "mdr", "cfr")

# Spellings of a framework name met in real documents, lower case, spaces collapsed.
_FRAMEWORK_NAMES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?:en\s*)?iso\s*13485(?::\s*\d{4})?(?:\s*\+\s*a\d+:\d{4})?"), "iso13485"),
    (re.compile(r"^iso\s*9001(?::\s*\d{4})?"), "iso9001"),
    (
        re.compile(r"^(?:en\s*)?iso\s*14971(?::\s*\d{4})?(?:\s*\+\s*a\d+:\d{4})?"),
        "iso14971",
    ),
    (
        re.compile(r"^(?:eu\s*)?mdr(?:\s*2017/745)?|^(?:regulation\s*\(eu\)\s*)?2017/745"),
        "mdr",
    ),
    (re.compile(r"^(?:21\s*)?cfr(?:\s*part)?|^21\s*cfr|^part(?=\s*\d)"), "cfr"),
]
_CANONICAL = re.compile(r"^([a-z][a-z0-9-]*):([a-z0-9][a-z0-9.]*)$")
_ROMAN = {"i": 1, "v": 5, "x": 10}


class ClauseError(ValueError):
    """A clause reference that cannot be read as `<framework>:<locator>`."""


@dataclass(frozen=True, order=True)
class ClauseId:
    framework: str
    locator: str

    def __str__(self) -> str:
        return f"{self.framework}:{self.locator}"

    def __hash__(self) -> int:
        """The fields' hash, as the dataclass's, worked out once: the index and coverage hash
        the same few hundred ids again and again."""
        found = self.__dict__.get("_hash")
        if found is None:
            found = self.__dict__["_hash"] = hash((self.framework, self.locator))
        return found

    def __getstate__(self) -> dict:
        """Without the hash: another process may hash strings otherwise."""
        state = dict(self.__dict__)
        state.pop("_hash", None)
        return state

    @cached_property
    def segments(self) -> tuple[str, ...]:
        """The locator's segments (worked out once: coverage asks for them constantly)."""
        return tuple(self.locator.split("."))

    def is_ancestor_of(self, other: ClauseId) -> bool:
        """True when `other` lies strictly below this clause (segment-wise, never substring)."""
        mine, theirs = self.segments, other.segments
        return (
            self.framework == other.framework
            and len(mine) < len(theirs)
            and theirs[: len(mine)] == mine
        )


_SHARED: dict[ClauseId, ClauseId] = {}
MAX_SHARED = 1 << 16


def shared(clause: ClauseId) -> ClauseId:
    """One object for each clause a repository cites: the index keeps a clause per citation, and
    100,000 documents cite the same few hundred clauses (each with its `segments`)."""
    found = _SHARED.get(clause)
    if found is None:
        if len(_SHARED) >= MAX_SHARED:
            return clause
        found = _SHARED[clause] = clause
    return found


def parse(text: str, default_framework: str | None = None) -> ClauseId:
    """Read one clause reference in the canonical grammar or a common spelling.

    `iso13485:7.5.9.2`, `ISO 13485:2016 §7.5.9.2`, `MDR Art. 87(4)`, `21 CFR 803.50`,
    `Annex VI Part C 6.1`, and a bare `8.5.2` when the document says which standard it follows.
    """
    raw = " ".join(str(text).strip().split())
    lowered = raw.lower()
    canonical = _CANONICAL.match(lowered)
    if canonical and (canonical.group(1) in FRAMEWORKS or len(canonical.group(1)) >= 3):
        return ClauseId(canonical.group(1), canonical.group(2))  # `iec62304:5.1` kept as written
    framework, rest = _split_framework(lowered)
    framework = framework or default_framework
    if framework is None:
        # an article or annex is always MDR; nothing else can be guessed
        if re.match(r"^(art(icle)?\.?\s*\d|annex\s)", rest):
            framework = "mdr"
        else:
            example = _dotted_locator(rest) or rest
            raise ClauseError(
                f"'{raw}' names no framework: write e.g. 'iso13485:{example}', or set "
                "'standard:' on the document or in the config"
            )
    locator = _mdr_locator(rest) if framework == "mdr" else _dotted_locator(rest)
    if not locator and framework == "mdr":
        raise ClauseError(f"'{raw}' is not an MDR article or annex (write e.g. 'mdr:art87.4')")
    if not locator:
        raise ClauseError(f"'{raw}' has no clause number")
    return ClauseId(framework, locator)


def parse_many(
    values: Iterable[str], default_framework: str | None = None
) -> list[tuple[int, ClauseId | ClauseError]]:
    """Parse a list, letting `ISO 13485 §8.2.1, 8.2.2` carry its framework to the next item.

    One value may name several clauses (`Sec. 4.1.6 and 6.3`, `Art. 87 - 92`,
    `Art. 10(9) points (a)-(m)`): each is returned with the index of the value that holds it.
    """
    results: list[tuple[int, ClauseId | ClauseError]] = []
    current = default_framework
    for index, value in enumerate(values):
        try:
            clauses = expand(value, current)
        except ClauseError as exc:
            results.append((index, exc))
            continue
        written = str(value).strip().lower()
        if _split_framework(written)[0] and not _CANONICAL.match(written):
            current = clauses[0].framework  # prose such as "ISO 13485 §8.2.1, 8.2.2" carries on
        results.extend((index, clause) for clause in clauses)
    return results


_SEPARATOR = re.compile(
    r"\s*(?:,|;|/|&|\band\b)\s*"
    r"(?=§|sec|sections?\b|clauses?\b|cl\.|para|art|annex|\d)"
)
_RANGE = re.compile(r"^(.*?\S)\s*(?:-|\u2013|\u2014|\bto\b|\bthrough\b)\s*(\S.*)$")
_POINTS = re.compile(
    r"^(.*?)\s*,?\s*points?\s+\(?([a-z])\)?\s*(?:(-|\u2013|\bto\b)\s*\(?([a-z])\)?|((?:"
    r"\s*(?:,|and)\s*\(?[a-z]\)?)+))?\s*$"
)
_MAX_RANGE = 60


def expand(text: str, default_framework: str | None = None) -> list[ClauseId]:
    """Every clause one written reference names (`_expand`), cached for text: the same few
    clauses are cited by thousands of documents, and parsed again for `--fix`'s spellings."""
    if isinstance(text, str):
        return list(_expand_text(text, default_framework))
    return _expand(text, default_framework)


@lru_cache(maxsize=16384)
def _expand_text(text: str, default_framework: str | None) -> tuple[ClauseId, ...]:
    return tuple(_expand(text, default_framework))


def _expand(text: str, default_framework: str | None = None) -> list[ClauseId]:
    """Every clause one written reference names: lists and ranges give one id per clause.

    `Sec. 4.1.6 and 6.3` → 4.1.6, 6.3; `Art. 87 - 92` → art87 … art92; `8.2.1 / 8.2.2`;
    `Art. 10(9) points (a)-(m)` → art10.9.a … art10.9.m. A range runs over the last segment
    only (numbers or single letters); anything else is read as one reference by `parse`.
    """
    raw = " ".join(str(text).strip().split())
    lowered = raw.lower()
    if _CANONICAL.match(lowered):
        return [parse(raw, default_framework)]
    framework, rest = _split_framework(lowered)
    if framework in FRAMEWORKS and not rest.strip(" ,:;-"):
        whole = shipped().by_framework[framework].whole  # `ISO 14971:2019` cited as a whole
        if whole:
            return [ClauseId(framework, clause) for clause in whole]
    prefix = lowered[: len(lowered) - len(rest)] if framework else ""
    points = _POINTS.match(rest)
    if points and points.group(1):
        base = parse(prefix + points.group(1), default_framework)
        if points.group(4):
            letters = _letters(points.group(2), points.group(4), raw)
        else:
            more = re.findall(r"(?<![a-z])([a-z])(?![a-z])", points.group(5) or "")
            letters = [points.group(2), *more]
        return [ClauseId(base.framework, f"{base.locator}.{letter}") for letter in letters]
    items = [item for item in _SEPARATOR.split(rest) if item.strip()]
    if len(items) <= 1 and not _RANGE.match(rest):
        return [parse(raw, default_framework)]
    found: list[ClauseId] = []
    current = framework or default_framework
    for item in items:
        ranged = _RANGE.match(item)
        if ranged:
            first = _parse_item(ranged.group(1), current, found)
            found.extend(_range(first, ranged.group(2), raw))
        else:
            found.append(_parse_item(item, current, found))
        current = found[-1].framework
    return found


def _parse_item(item: str, framework: str | None, before: list[ClauseId]) -> ClauseId:
    """One item of a list; `88` after `art87` is an article, `3` after `annex2` an annex."""
    item = item.strip()
    if framework == "mdr" and re.fullmatch(r"\d+[a-z]?", item) and before:
        kind = re.match(r"^(art|annex)", before[-1].locator)
        if kind:
            item = f"{kind.group(1)}{item}" if kind.group(1) == "art" else f"annex {item}"
    return parse(item, framework)


def _letters(first: str, last: str, raw: str) -> list[str]:
    if ord(last) < ord(first):
        raise ClauseError(f"'{raw}' is a range that runs backwards")
    return [chr(code) for code in range(ord(first), ord(last) + 1)]


def _range(first: ClauseId, end: str, raw: str) -> list[ClauseId]:
    """`first` … `end`, where `end` is a full reference or only the last segment."""
    head, _, last = first.locator.rpartition(".")
    end_locator = re.sub(r"^(?:art(?:icle)?s?\.?\s*|annex\s*|§\s*)", "", end.strip())
    end_locator = _dotted_locator(end_locator) or end_locator.strip("() ")
    end_head, _, end_last = end_locator.rpartition(".")
    if end_head and end_head != head:
        raise ClauseError(f"'{raw}' is a range across different parents; list the clauses")
    start_match = re.fullmatch(r"([a-z]*)(\d+)", last)
    if start_match and end_last.isdigit():
        kind, start, stop = start_match.group(1), int(start_match.group(2)), int(end_last)
        if stop < start or stop - start > _MAX_RANGE:
            raise ClauseError(f"'{raw}' is not a range qmslint can read (from {start} to {stop})")
        locators = [f"{kind}{n}" for n in range(start, stop + 1)]
    elif re.fullmatch(r"[a-z]", last) and re.fullmatch(r"[a-z]", end_last):
        locators = _letters(last, end_last, raw)
    else:
        raise ClauseError(f"'{raw}' is not a range qmslint can read")
    return [ClauseId(first.framework, f"{head}.{x}" if head else x) for x in locators]


def framework_of_standard(text: str | None) -> str | None:
    """`standard: ISO 13485:2016` → `iso13485` (used for bare clause numbers)."""
    if not text:
        return None
    framework, _ = _split_framework(" ".join(str(text).lower().split()))
    return framework


def _split_framework(lowered: str) -> tuple[str | None, str]:
    for pattern, framework in _FRAMEWORK_NAMES:
        match = pattern.match(lowered)
        if match:
            rest = lowered[match.end() :].strip(" ,:;-")
            return framework, rest
    if lowered.startswith(FRAMEWORKS) and ":" in lowered:
        name, rest = lowered.split(":", 1)
        if name in FRAMEWORKS:
            return name, rest.strip()
    other = _OTHER_STANDARD.match(lowered)
    if other:  # `IEC 62304:2006+A1:2015 5.8.5` → iec62304, kept without a catalogue
        return f"{other.group(1)}{other.group(2)}", lowered[other.end() :].strip(" ,:;-")
    return None, lowered


# A standard qmslint has no catalogue for, as documents name it (`IEC 62304`, `ISO 27001:2022`).
_OTHER_STANDARD = re.compile(
    r"^(iec|iso|en|ieee|astm|aami|ansi)\s*(\d{3,6}(?:-\d{1,3})?)"
    r"(?::\s*\d{4}(?:\s*\+\s*a\d+:\s*\d{4})?)?(?=[\s,:;]|$)"
)


def _strip_words(text: str) -> str:
    text = re.sub(r"^(?:§+|sections?|clauses?|sec\.?|cl\.?|para(?:graph)?\.?)\s*", "", text)
    return text.strip(" §")


def _dotted_locator(text: str) -> str:
    """`820.10(b)(1)` → `820.10.b.1`; `§ 7.5.9.2` → `7.5.9.2`."""
    text = _strip_words(text.strip())
    text = re.sub(r"\(([a-z0-9]+)\)", r".\1", text)
    match = re.match(r"^\d+(?:\.[a-z0-9]+)*", text)
    return match.group(0).strip(".") if match else ""


def _roman(text: str) -> int | None:
    text = text.lower()
    if not text or any(ch not in _ROMAN for ch in text):
        return None
    total = 0
    for ch, nxt in zip(text, text[1:] + " "):
        value = _ROMAN[ch]
        total += -value if nxt in _ROMAN and _ROMAN[nxt] > value else value
    return total


def _mdr_locator(text: str) -> str:
    """MDR locators: `Art. 87(4)` → `art87.4`, `Annex VI Part C 6.1` → `annex6.c.6.1`."""
    text = text.strip()
    article = re.match(r"^art(?:icle)?s?\.?\s*(\d+[a-z]?)\s*(.*)$", text)
    if article:
        tail = re.sub(r"\(([a-z0-9]+)\)", r".\1", article.group(2))
        tail = re.sub(r"^(?:para(?:graph)?\.?\s*|point\s*)", ".", tail.strip())
        parts = [p for p in re.split(r"[.\s]+", tail) if p]
        parts = [p for p in parts if re.fullmatch(r"\d+|[a-z]", p)]
        return ".".join([f"art{article.group(1)}", *parts])
    annex = re.match(r"^annex\s*([ivx]+|\d+)\b\.?\s*(.*)$", text)
    if annex:
        number = annex.group(1)
        number_value = int(number) if number.isdigit() else _roman(number)
        tail = annex.group(2)
        # sections are numbered through an annex (Annex I: 1-9 in Chapter I, 10-22 in II …), so
        # a chapter followed by a section is the section; a chapter alone is `chN`
        chapter = None
        in_chapter = re.match(r"^,?\s*ch(?:apter|\.)?\s*([ivx]+|\d+)\b\.?[\s,]*(.*)$", tail)
        if in_chapter:
            written = in_chapter.group(1)
            chapter = int(written) if written.isdigit() else _roman(written)
            tail = in_chapter.group(2)
        tail = re.sub(r"\bpart\s+([a-z])\b", r"\1", tail)
        tail = re.sub(r"\(([a-z0-9]+)\)", r".\1", tail)
        tail = re.sub(r"§|\bsections?\b|\bpoints?\b", " ", tail)
        parts = [p for p in re.split(r"[.\s,]+", tail) if p]
        if chapter is not None and not parts:
            parts = [f"ch{chapter}"]
        return ".".join([f"annex{number_value}", *parts])
    canonical = re.match(r"^(art\d+[a-z]?|annex\d+)((?:\.[a-z0-9]+)*)$", text)
    return canonical.group(0) if canonical else ""


# ----------------------------------------------------------------------------- catalogues


@dataclass(frozen=True)
class Harmonised:
    """A harmonised standard's mapping: citing any of `sources` (or below) covers `targets`."""

    standard: str
    sources: tuple[ClauseId, ...]
    targets: tuple[ClauseId, ...]


@dataclass(frozen=True)
class Catalogue:
    framework: str
    title: str
    clauses: dict[str, str]
    headings: frozenset[str] = frozenset()
    chapters: dict[str, tuple[int, int]] = field(default_factory=dict)
    harmonised: tuple[Harmonised, ...] = ()
    lists_everything: bool = True  # ISO catalogues are complete; MDR and CFR list what we name
    reserved: dict[str, str] = field(default_factory=dict)  # "820.20-820.30" -> why it is empty
    whole: tuple[str, ...] = ()  # what citing the whole standard covers (a one-process standard)

    def __contains__(self, clause: ClauseId) -> bool:
        return clause.locator in self.clauses

    def title_of(self, clause: ClauseId) -> str | None:
        return self.clauses.get(clause.locator)

    def is_heading(self, clause: ClauseId) -> bool:
        return clause.locator in self.headings

    def suggest(self, clause: ClauseId) -> str | None:
        """The nearest valid ancestor, to help mend a typo such as `7.5.9.3`."""
        segments = clause.segments
        for size in range(len(segments) - 1, 0, -1):
            candidate = ".".join(segments[:size])
            if candidate in self.clauses:
                return f"{clause.framework}:{candidate}"
        return None

    def reserved_note(self, clause: ClauseId) -> str | None:
        """Why a section the catalogue marks as reserved (removed) is empty, when it is one."""
        segments = clause.segments
        if len(segments) < 2 or not segments[1].isdigit():
            return None
        for span, note in self.reserved.items():
            first, _, last = span.partition("-")
            low, high = first.split("."), (last or first).split(".")
            if segments[0] == low[0] and int(low[1]) <= int(segments[1]) <= int(high[1]):
                return note
        return None

    def accepted_below(self, clause: ClauseId) -> str | None:
        """For a catalogue that lists only what qmslint names (MDR, CFR): the listed article,
        annex or part an unlisted id lies below (a deeper paragraph or point is accepted)."""
        if self.reserved_note(clause) is not None:
            return None
        if self.lists_everything or clause in self or len(clause.segments) < 2:
            return None
        if clause.segments[0] not in self.clauses:
            return None  # an unknown article, annex or part stays an error
        return self.suggest(clause)


class Catalogues:
    """All shipped catalogues."""

    def __init__(self, catalogues: dict[str, Catalogue]) -> None:
        self.by_framework = catalogues

    def known(self, clause: ClauseId) -> bool:
        catalogue = self.by_framework.get(clause.framework)
        return catalogue is not None and clause in catalogue

    def satisfies(self, cited: ClauseId, required: ClauseId) -> bool:
        """Whether citing `cited` covers `required` (SPEC §4): see `qmslint.coverage.covers`."""
        from qmslint.clauses.coverage import covers  # coverage builds on this module

        return covers(cited, required, self)

    def title(self, clause: ClauseId) -> str | None:
        catalogue = self.by_framework.get(clause.framework)
        return catalogue.title_of(clause) if catalogue else None


def _chapter_sections(text: Any) -> tuple[int, int]:
    first, _, last = str(text).partition("-")
    return int(first), int(last or first)


def _harmonised(framework: str, entries: Any) -> tuple[Harmonised, ...]:
    result = []
    for entry in entries or ():
        result.append(
            Harmonised(
                standard=str(entry["standard"]),
                sources=tuple(ClauseId(framework, str(s)) for s in entry["sources"]),
                targets=tuple(parse(str(t)) for t in entry["covers"]),
            )
        )
    return tuple(result)


@lru_cache(maxsize=1)
def shipped() -> Catalogues:
    catalogues = {}
    for framework in FRAMEWORKS:
        data = load_shipped_yaml("clauses", "catalogues", f"{framework}.yaml")
        catalogues[framework] = Catalogue(
            framework=data["framework"],
            title=str(data.get("title", framework)),
            clauses={str(k): str(v) for k, v in data["clauses"].items()},
            headings=frozenset(str(c) for c in data.get("headings") or ()),
            chapters={
                str(k): _chapter_sections(v) for k, v in (data.get("chapters") or {}).items()
            },
            harmonised=_harmonised(framework, data.get("harmonised")),
            lists_everything=bool(data.get("complete", True)),
            reserved={str(k): str(v) for k, v in (data.get("reserved") or {}).items()},
            whole=tuple(str(c) for c in data.get("whole") or ()),
        )
    return Catalogues(catalogues)
