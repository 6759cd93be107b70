"""Path globs as users of .gitignore, ruff and pre-commit expect: `**` spans folders.

Globs come from the config, so they are compiled for RE2 (support/patterns.py), which matches in
linear time: `**/**/**/**/*.zz` against a deep path cannot backtrack without bound.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from qmslint.support import patterns


@lru_cache(maxsize=512)
def compile_glob(pattern: str):  # -> an RE2 pattern with .match/.fullmatch
    """The compiled `glob_expression` (case ignored)."""
    return patterns.compile_pattern(glob_expression(pattern), ignore_case=True)


@lru_cache(maxsize=512)
def glob_expression(pattern: str) -> str:
    """`**/x/**`, `*.md`, `docs/*.md`: `*` stays inside one folder, `**` crosses folders.

    A pattern without a slash matches the file name in any folder, as in .gitignore. Matching
    ignores case: QMS folders and extensions are written `Templates/`, `SOP.MD`, `Form.DOCX`.
    """
    pattern = pattern.strip().lstrip("./") if pattern.startswith("./") else pattern.strip()
    anchored = "/" in pattern.rstrip("/")
    if pattern.endswith("/"):
        pattern += "**"
    while "**/**/" in pattern:  # the same set of paths, and a shorter expression
        pattern = pattern.replace("**/**/", "**/")
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    body = "".join(out)
    prefix = "" if anchored else "(?:.*/)?"
    return f"^{prefix}{body}$"


def matches_any(path: str, globs: Iterable[str]) -> bool:
    return _compile_any(tuple(globs)).match(patterns.utf8(path)) is not None


class _Each:
    """The globs one by one, where RE2 will not take them as one expression."""

    def __init__(self, globs: tuple[str, ...]) -> None:
        self.compiled = [compile_glob(glob) for glob in globs]

    def match(self, text: bytes) -> object | None:
        return next((found for c in self.compiled if (found := c.match(text))), None)


@lru_cache(maxsize=64)
def _compile_any(globs: tuple[str, ...]):  # -> an RE2 pattern, or _Each
    """The globs as one alternation: one match per path instead of one per glob."""
    if not globs:
        return _Each(())
    try:
        return patterns.compile_pattern(
            "|".join(f"(?:{glob_expression(glob)})" for glob in globs), ignore_case=True
        )
    except patterns.PatternError:  # too large for RE2's memory bound: one at a time
        return _Each(globs)
