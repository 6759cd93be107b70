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
    return patterns.compile_pattern(f"^{prefix}{body}$", ignore_case=True)  # `Templates/`, `.MD`


def matches_any(path: str, globs: Iterable[str]) -> bool:
    text = patterns.safe_text(path)
    return any(compile_glob(glob).match(text) for glob in globs)
