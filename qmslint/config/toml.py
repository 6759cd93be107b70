"""Where each key of pyproject.toml's `[tool.qmslint]` table is written, for error messages.

`tomllib` gives values without positions, so a config mistake in pyproject.toml could only be
named by key. This light line scanner finds the line and column of every key (and table header)
below `tool.qmslint`, in the form `read.validation` expects: `(*path, "<key>")` for the key and
`path` for its value. It understands table headers, dotted and quoted keys, and skips the insides
of multi-line arrays, inline tables and strings; anything it cannot place falls back to the
nearest enclosing key.
"""

from __future__ import annotations

import re

from qmslint.model import Position

_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_DOTTED = rf"(?:{_BARE}|{_QUOTED})(?:\s*\.\s*(?:{_BARE}|{_QUOTED}))*"
_HEADER = re.compile(rf"^\s*\[\[?\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(rf"^(\s*)({_DOTTED})\s*=\s*")
_PART = re.compile(rf'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|({_BARE})')
_STRINGS = re.compile(_QUOTED)


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(a or b or c for a, b, c in _PART.findall(dotted))


def _balance(value: str) -> int:
    """Open minus closed brackets and braces in a value, outside strings and comments."""
    bare = _STRINGS.sub("", value).split("#", 1)[0]
    return bare.count("[") + bare.count("{") - bare.count("]") - bare.count("}")


def positions(text: str, table: tuple[str, ...] = ("tool", "qmslint")) -> dict[tuple, Position]:
    found: dict[tuple, Position] = {}
    header: tuple[str, ...] = ()
    depth = 0  # inside a multi-line array or inline table
    closing = ""  # inside a multi-line string: its closing quotes
    for number, line in enumerate(text.splitlines(), 1):
        if closing:
            if closing in line:
                closing = ""
            continue
        if depth > 0:
            depth = max(0, depth + _balance(line))
            continue
        match = _HEADER.match(line)
        if match:
            header = _parts(match.group(1))
            if header[: len(table)] == table and len(header) > len(table):
                found[(*header[len(table) :], "<key>")] = Position(number, line.index("[") + 1)
            continue
        match = _KEY.match(line)
        if not match:
            continue
        full = (*header, *_parts(match.group(2)))
        if full[: len(table)] == table and len(full) > len(table):
            path = full[len(table) :]
            found[(*path, "<key>")] = Position(number, len(match.group(1)) + 1)
            found[path] = Position(number, match.end() + 1)
        value = line[match.end() :]
        for quotes in ('"""', "'''"):
            if value.startswith(quotes) and value.count(quotes) == 1:
                closing = quotes
        if not closing:
            depth = max(0, _balance(value))
    return found
