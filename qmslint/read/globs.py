"""Path globs as users of .gitignore, ruff and pre-commit expect: `**` spans folders."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=512)
def compile_glob(pattern: str) -> re.Pattern[str]:
    """`**/x/**`, `*.md`, `docs/*.md`: `*` stays inside one folder, `**` crosses folders.

    A pattern without a slash matches the file name in any folder, as in .gitignore. Matching
    ignores case: QMS folders and extensions are written `Templates/`, `SOP.MD`, `Form.DOCX`.
    """
    pattern = pattern.strip().lstrip("./") if pattern.startswith("./") else pattern.strip()
    anchored = "/" in pattern.rstrip("/")
    if pattern.endswith("/"):
        pattern += "**"
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
    return re.compile(f"^{prefix}{body}$", re.IGNORECASE)  # `Templates/`, `.MD` as written


def matches_any(path: str, patterns: Iterable[str]) -> bool:
    return any(compile_glob(pattern).match(path) for pattern in patterns)
