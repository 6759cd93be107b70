"""Message templates in rule packs (`message: "'{field}' is {value}"`).

A template may only name the fields the check offers (`{field}`, `{value}`, `{device}`), with an
optional alignment and a width of at most MAX_WIDTH: no attribute or index access
(`{value.__class__}`), no conversions, no `{value:>999999999}`. `check` says what is wrong (pack
loading and `validate-pack` report it at the template's line); `render` fills a checked template.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from typing import Any

FIELDS = ("field", "value", "device")
MAX_WIDTH = 80
MAX_VALUE = 500  # characters of one substituted value
_SPEC = re.compile(r"[<>^]?([0-9]{0,3})")


def check(template: str, names: Iterable[str] = FIELDS) -> str | None:
    """Why the template cannot be used, or None when it is fine."""
    known = tuple(names)
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"message template {template!r}: {exc} (write '{{{{' and '}}}}' for braces)"
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in known:
            return (
                f"message template {template!r} names unknown field '{{{name}}}' "
                f"(known: {', '.join('{' + n + '}' for n in known)})"
            )
        if conversion:
            return f"message template {template!r}: a conversion ('!{conversion}') is not allowed"
        match = _SPEC.fullmatch(spec or "")
        if match is None or (match.group(1) and int(match.group(1)) > MAX_WIDTH):
            return (
                f"message template {template!r}: format '{spec}' is not allowed "
                f"(only an alignment <, > or ^ and a width up to {MAX_WIDTH})"
            )
    return None


def render(template: str, values: Mapping[str, Any]) -> str:
    """The template filled in; a template `check` rejects is returned as it is written."""
    if check(template, tuple(values)) is not None:
        return template
    out = []
    for literal, name, spec, _ in string.Formatter().parse(template):
        out.append(literal)
        if name is not None:
            text = values[name]
            text = "" if text is None else str(text)
            if len(text) > MAX_VALUE:
                text = text[:MAX_VALUE] + "…"
            out.append(format(text, spec or ""))
    return "".join(out)
