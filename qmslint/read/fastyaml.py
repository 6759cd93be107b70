"""A fast reader for the plain front matter almost every document has.

Front matter is nearly always flat: `key: value`, `key: [a, b]`, or a key followed by `- item`
lines. For that subset this module reads the text in one pass, with the same values and positions
as the full YAML path. Anything outside the subset (nesting, anchors, multi-line scalars, escapes,
tabs …) raises `NotSimple` and the text goes to `yamlsafe`'s composers (libyaml, else ruamel.yaml),
so the subset never has to be right about anything hard. libyaml does not take this path's place:
composing nodes and walking them measured slower than this one pass over the usual front matter.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from qmslint.model import Position, place

KEY = "<key>"
_KEY_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_\-]*):(?:[ ]+|$)(.*)$")
_ITEM_LINE = re.compile(r"^([ ]*)-(?:[ ]+|$)(.*)$")
_PLAIN_START_FORBIDDEN = set("-?:,[]{}#&*!|>'\"%@`")


class NotSimple(Exception):
    """The text uses YAML beyond the flat subset: read it with the full parser."""


def load(text: str, line_offset: int, scalar: Any) -> tuple[dict, dict]:
    """(mapping, positions) for flat front matter.

    `scalar(text, quoted)` converts one value as the full path would. Raises NotSimple outside
    the subset, and for a duplicate key (the full path reports it).
    """
    if "\t" in text or "\\" in text:
        raise NotSimple
    result: dict[str, Any] = {}
    positions: dict[tuple, Position] = {}
    open_list: str | None = None
    list_indent: int | None = None
    for index, raw in enumerate(text.split("\n")):
        line = _strip_comment(raw)
        if not line.strip():
            continue
        line_no = index + 1 + line_offset
        item = _ITEM_LINE.match(line) if open_list is not None and "-" in line else None
        if item:
            indent = len(item.group(1))
            if list_indent is None:
                list_indent = indent
            value_text = item.group(2)
            if indent != list_indent or not value_text:
                raise NotSimple
            items = result[open_list]
            if items is None:
                items = result[open_list] = []
            column = line.index(value_text, indent + 1) + 1
            positions[(open_list, len(items))] = place(line_no, column)
            items.append(_value(value_text, scalar))
            continue
        match = _KEY_LINE.match(line)
        if not match:
            raise NotSimple
        key, rest = sys.intern(match.group(1)), match.group(2)  # a key recurs in every document
        if key in result:
            raise NotSimple  # the full path reports it, after any error earlier in the text
        positions[(key, KEY)] = place(line_no, 1)
        value_column = len(line) - len(rest) + 1
        positions[(key,)] = place(line_no, value_column)
        open_list, list_indent = (key, None) if rest == "" else (None, None)
        if rest == "":
            result[key] = None
        elif rest.startswith("["):
            result[key] = _flow_list(rest, key, line_no, value_column, positions, scalar)
        else:
            result[key] = _value(rest, scalar)
    return result, positions


def _strip_comment(line: str) -> str:
    """Drop a trailing ` # comment`; a '#' inside quotes raises NotSimple (rare, hard)."""
    if "#" not in line:
        return line.rstrip()
    if line.lstrip().startswith("#"):
        return ""
    position = line.find(" #")
    if position == -1:
        return line.rstrip()
    before = line[:position]
    if "'" in before or '"' in before:
        raise NotSimple
    return before.rstrip()


def _value(text: str, scalar: Any) -> Any:
    text = text.strip()
    if text.startswith("'"):
        if len(text) < 2 or not text.endswith("'") or "'" in text[1:-1].replace("''", ""):
            raise NotSimple
        return scalar(text[1:-1].replace("''", "'"), True)
    if text.startswith('"'):
        if len(text) < 2 or not text.endswith('"') or '"' in text[1:-1]:
            raise NotSimple
        return scalar(text[1:-1], True)
    negative_number = text[:1] == "-" and text[1:2].isdigit()
    indicator = text[:1] in _PLAIN_START_FORBIDDEN and not negative_number
    if text and (indicator or ": " in text or text.endswith(":")):
        raise NotSimple
    return scalar(text, False)


def _flow_list(
    text: str, key: str, line_no: int, column: int, positions: dict, scalar: Any
) -> list[Any]:
    if not text.endswith("]") or text.count("[") != 1 or text.count("]") != 1 or "{" in text:
        raise NotSimple
    inner = text[1:-1]
    items: list[Any] = []
    if not inner.strip():
        return items
    offset = column + 1
    for part in inner.split(","):
        stripped = part.strip()
        if not stripped:
            raise NotSimple  # `[a,,b]` or a trailing comma: let the real parser decide
        if (stripped[0] in "'\"") and "," in stripped[1:]:
            raise NotSimple
        lead = len(part) - len(part.lstrip())
        positions[(key, len(items))] = place(line_no, offset + lead)
        items.append(_value(stripped, scalar))
        offset += len(part) + 1
    return items
