"""Clause ids (SPEC §4): `<framework>:<locator>`, their common spellings, and the catalogues.

A catalogue lists the valid ids of a framework with short neutral titles. Hierarchy comes from
the locator's dot-separated segments, never from substrings (`8.2` is the parent of `8.2.3`, not
of `8.23`), and a parent covers its sub-clauses only where the catalogue says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ruamel.yaml import YAML

from qmslint.support.resources import package_file

FRAMEWORKS = ("iso13485", "iso9001", "iso14971", "mdr", "cfr")

# Spellings of a framework name met in real documents, lower case, spaces collapsed.
_FRAMEWORK_NAMES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?:en\s*)?iso\s*13485(?::\s*\d{4})?(?:\s*\+\s*a\d+:\d{4})?"), "iso13485"),
    (re.compile(r"^iso\s*9001(?::\s*\d{4})?"), "iso9001"),
    (re.compile(r"^(?:en\s*)?iso\s*14971(?::\s*\d{4})?"), "iso14971"),
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

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.locator.split("."))

    def is_ancestor_of(self, other: ClauseId) -> bool:
        """True when `other` lies strictly below this clause (segment-wise, never substring)."""
        mine, theirs = self.segments, other.segments
        return (
            self.framework == other.framework
            and len(mine) < len(theirs)
            and theirs[: len(mine)] == mine
        )


def parse(text: str, default_framework: str | None = None) -> ClauseId:
    """Read one clause reference in the canonical grammar or a common spelling.

    `iso13485:7.5.9.2`, `ISO 13485:2016 §7.5.9.2`, `MDR Art. 87(4)`, `21 CFR 803.50`,
    `Annex VI Part C 6.1`, and a bare `8.5.2` when the document says which standard it follows.
    """
    raw = " ".join(str(text).strip().split())
    lowered = raw.lower()
    canonical = _CANONICAL.match(lowered)
    if canonical and canonical.group(1) in FRAMEWORKS:
        return ClauseId(canonical.group(1), canonical.group(2))
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
    """Parse a list, letting `ISO 13485 §8.2.1, 8.2.2` carry its framework to the next item."""
    results: list[tuple[int, ClauseId | ClauseError]] = []
    current = default_framework
    for index, value in enumerate(values):
        try:
            clause = parse(value, current)
        except ClauseError as exc:
            results.append((index, exc))
            continue
        written = str(value).strip().lower()
        if _split_framework(written)[0] and not _CANONICAL.match(written):
            current = clause.framework  # prose such as "ISO 13485 §8.2.1, 8.2.2" carries on
        results.append((index, clause))
    return results


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
    return None, lowered


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
        tail = re.sub(r"\bpart\s+([a-z])\b", r"\1", tail)
        tail = re.sub(r"\bchapter\s+([ivx]+)\b", lambda m: str(_roman(m.group(1))), tail)
        tail = re.sub(r"\(([a-z0-9]+)\)", r".\1", tail)
        tail = tail.replace("§", " ").replace("section", " ")
        parts = [p for p in re.split(r"[.\s,]+", tail) if p]
        return ".".join([f"annex{number_value}", *parts])
    canonical = re.match(r"^(art\d+[a-z]?|annex\d+)((?:\.[a-z0-9]+)*)$", text)
    return canonical.group(0) if canonical else ""


# ----------------------------------------------------------------------------- catalogues


@dataclass(frozen=True)
class Catalogue:
    framework: str
    title: str
    clauses: dict[str, str]
    covers_subclauses: frozenset[str]

    def __contains__(self, clause: ClauseId) -> bool:
        return clause.locator in self.clauses

    def title_of(self, clause: ClauseId) -> str | None:
        return self.clauses.get(clause.locator)

    def suggest(self, clause: ClauseId) -> str | None:
        """The nearest valid ancestor, to help mend a typo such as `7.5.9.3`."""
        segments = clause.segments
        for size in range(len(segments) - 1, 0, -1):
            candidate = ".".join(segments[:size])
            if candidate in self.clauses:
                return f"{clause.framework}:{candidate}"
        return None


class Catalogues:
    """All shipped catalogues, and whether a cited clause satisfies a required one."""

    def __init__(self, catalogues: dict[str, Catalogue]) -> None:
        self.by_framework = catalogues

    def known(self, clause: ClauseId) -> bool:
        catalogue = self.by_framework.get(clause.framework)
        return catalogue is not None and clause in catalogue

    def satisfies(self, cited: ClauseId, required: ClauseId) -> bool:
        """A citation satisfies a requirement for the same clause or for a clause above it.

        Citing `7.5.9.2` shows the document addresses `7.5.9`. The other way round (citing `8.2`
        for `8.2.3`) only holds where the catalogue marks `8.2` as covering its sub-clauses.
        """
        if cited == required or required.is_ancestor_of(cited):
            return True
        if cited.is_ancestor_of(required):
            catalogue = self.by_framework.get(cited.framework)
            return catalogue is not None and cited.locator in catalogue.covers_subclauses
        return False

    def title(self, clause: ClauseId) -> str | None:
        catalogue = self.by_framework.get(clause.framework)
        return catalogue.title_of(clause) if catalogue else None


@lru_cache(maxsize=1)
def shipped() -> Catalogues:
    yaml = YAML(typ="safe")
    catalogues = {}
    for framework in FRAMEWORKS:
        data = yaml.load(
            package_file("clauses", "catalogues", f"{framework}.yaml").read_text("utf-8")
        )
        catalogues[framework] = Catalogue(
            framework=data["framework"],
            title=str(data.get("title", framework)),
            clauses={str(k): str(v) for k, v in data["clauses"].items()},
            covers_subclauses=frozenset(str(c) for c in data.get("covers_subclauses") or ()),
        )
    return Catalogues(catalogues)
