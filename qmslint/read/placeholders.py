"""Unfilled placeholder values (SPEC §3.1): a template prompt where a value belongs.

`find_placeholder(value)` says whether a metadata value is unfilled, and how:

| kind | examples |
|---|---|
| "empty" | ``, `  `, `-`, `—`, `___`, `...`, `…` |
| "date-template" | `YYYY-MM-DD`, `DD/MM/YYYY`, `dd.mm.yyyy`, `xx.xx.xxxx`, `MM/YYYY`, `YYYY` |
| "to-be-decided" | `TBD`, `TBC`, `TBA`, `TODO`, `TODO: fill in date`, `to be defined`, `???` |
| "bracket-prompt" | `[Name, Signature, Date]`, `[DD/MM/YYYY]`, `[Yes/N/A]`, `[number]` |
| "angle-prompt" | `<enter role of process owner>`, `<name>`, `<YYYY-MM-DD>` |
| "template-code" | `{{ owner }}`, `{{ORG_NAME}}`, `{% if x %}`, `<% tp.file.title %>` (anywhere) |
| "id-template" | `SOP-XXX`, `UN-xxx`, `XX`, `x.x`, `##` |
| "example" | `e.g. Quality Manager` |

Not placeholders: real values, Markdown links and wikilinks (`[SOP-01](x.md)`, `[[SOP-01]]`), task
boxes (`[x]`), HTML such as `<br>`, and autolinks `<https://…>`. **`N/A` is not a placeholder**: it
is a value that states the field does not apply (`not-applicable` tells it apart, for a rule that
wants a real value in a given field), whereas a placeholder is a value nobody filled in.

Linear: values are scanned with `str` methods and character-class searches only, on at most
`MAX_VALUE_CHARS` characters (template code is searched for in the whole value with `str.find`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MAX_VALUE_CHARS = 500
_TBD = frozenset(
    {
        "tbd",
        "tbc",
        "tba",
        "tbs",
        "todo",
        "fixme",
        "xxx",
        "to be defined",
        "to be determined",
        "to be decided",
        "to be confirmed",
        "to be added",
        "to be completed",
        "to be filled",
        "to be filled in",
        "to be assigned",
        "fill in",
        "insert",
        "enter",
        "lorem ipsum",
    }
)
_DATE_PARTS = frozenset({"yyyy", "yy", "mm", "dd", "mmm", "jjjj", "tt", "xxxx", "xx"})
_HTML_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "br",
        "code",
        "del",
        "div",
        "em",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "mark",
        "p",
        "pre",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "u",
        "details",
        "summary",
        "table",
        "td",
        "th",
        "tr",
        "ul",
        "ol",
        "li",
        "center",
        "font",
    ]
)
_NOT_APPLICABLE = frozenset({"n/a", "na", "n.a.", "n. a.", "not applicable", "none"})
_TEMPLATE_CODE = (("{{", "}}"), ("{%", "%}"), ("<%", "%>"), ("${", "}"))


@dataclass(frozen=True)
class Placeholder:
    kind: str
    text: str  # the placeholder as written
    offset: int  # 0-based, in the value given (add to the value's column)


def is_not_applicable(value: str) -> bool:
    """`N/A`, `n/a`, `Not applicable`, `None`: a value saying the field does not apply."""
    return " ".join(value.strip().strip("*_`").split()).lower() in _NOT_APPLICABLE


@lru_cache(maxsize=65536)
def find_placeholder(value: str | None) -> Placeholder | None:
    """The placeholder `value` is (or holds, for template code), or None for a real value.

    Cached: owners, approvers, statuses and roles repeat across thousands of documents, and a
    Placeholder cannot be changed.
    """
    if value is None:
        return Placeholder("empty", "", 0)
    if plainly_a_value(value):
        return None
    return _classified(value)


def plainly_a_value(value: str) -> bool:
    """True only when `value` is certainly no placeholder, by tests cheaper than classifying it
    (ids and titles are unique, so the cache above seldom knows them).

    Such a value holds no `{`, `<` or `[` (no template code, bracket or angle prompt), none of
    `x`, `X`, `#`, `?` (no id template, no `???`), an ASCII digit in the part that is read (so
    it is not empty, no date template and no to-be-decided word), and its first character
    after markup is none of t, f, e, z (no `todo: …`, `tbd …`, `fixme: …`, `e.g. …`, `z. B. …`).
    """
    if _MAY_OPEN_A_PLACEHOLDER.search(value):
        return False
    head = value[:MAX_VALUE_CHARS]
    if not _DIGIT.search(head):
        return False
    first = head.strip().strip("*_`").strip()[:1].lower()[:1]
    return first not in _MAY_START_A_PHRASE


_MAY_OPEN_A_PLACEHOLDER = re.compile(r"[{<\[xX#?]")
_DIGIT = re.compile(r"[0-9]")
_MAY_START_A_PHRASE = frozenset("tfez")


def _classified(value: str) -> Placeholder | None:
    """`find_placeholder` of a value, every kind tried in turn."""
    for opener, closer in _TEMPLATE_CODE:
        start = value.find(opener)
        if start >= 0:
            end = value.find(closer, start + len(opener))
            if end >= 0 and (opener != "${" or end - start <= 80):
                return Placeholder("template-code", value[start : end + len(closer)], start)
    head = value[:MAX_VALUE_CHARS]
    lead = len(head) - len(head.lstrip())
    text = head.strip()
    inner = text.strip("*_`").strip()
    offset = lead + (len(text) - len(text.lstrip("*_`")))
    if not inner or all(ch in "-–—_.…·" for ch in inner):
        return Placeholder("empty", text, lead)
    lowered = " ".join(inner.lower().split())
    kind = _classify(inner, lowered)
    return Placeholder(kind, inner, offset) if kind else None


def _classify(inner: str, lowered: str) -> str:
    if _is_date_template(lowered):
        return "date-template"
    bare = lowered.rstrip(".:!").strip()
    if (
        bare in _TBD
        or bare.strip("?") == ""
        or lowered.startswith(("todo:", "todo ", "tbd:", "tbd ", "fixme:"))
    ):
        return "to-be-decided"
    if inner.startswith("[") and inner.endswith("]") and _bracket_prompt(inner):
        return "bracket-prompt"
    if inner.startswith("<") and inner.endswith(">") and _angle_prompt(inner[1:-1]):
        return "angle-prompt"
    if _id_template(inner):
        return "id-template"
    if lowered.startswith(("e.g.", "e. g.", "eg. ", "z.b.", "z. b.")):
        return "example"
    return ""


def _is_date_template(lowered: str) -> bool:
    """`yyyy-mm-dd`, `dd/mm/yyyy`, `xx.xx.xxxx`, `mm/yyyy`, `yyyy`: only date letters and seps."""
    parts: list[str] = []
    word: list[str] = []
    for ch in lowered:
        if ch in "-/. ":
            if word:
                parts.append("".join(word))
                word = []
        elif ch.isalpha():
            word.append(ch)
        else:
            return False
    if word:
        parts.append("".join(word))
    if not parts or not all(p in _DATE_PARTS for p in parts):
        return False
    return any(p in ("yyyy", "yy", "jjjj", "xxxx", "mm", "dd", "tt") for p in parts) or (
        len(parts) >= 2
    )


def _bracket_prompt(inner: str) -> bool:
    if inner.startswith("[[") or "](" in inner or inner.endswith("]]"):
        return False  # a wikilink or a link
    content = inner[1:-1].strip()
    if content.lower() in ("x", ""):
        return False  # a task box: `[x]` or `[ ]`
    return "[" not in content and "]" not in content


def _angle_prompt(content: str) -> bool:
    stripped = content.strip()
    lowered = stripped.lower()
    if not stripped or lowered.startswith(("http:", "https:", "mailto:", "/", "!")):
        return False
    if "@" in stripped and " " not in stripped:
        return False  # an e-mail autolink
    name = lowered.split()[0].rstrip("/")
    return not (name in _HTML_TAGS or "=" in stripped)


def _id_template(inner: str) -> bool:
    """`SOP-XXX`, `UN-xxx`, `XX`, `x.x`, `##`: a segment of x, X, # or ? where a number goes."""
    if len(inner) > 40 or " " in inner or not any(ch in inner for ch in "xX#?"):
        return False  # (a template segment is made of those characters only)
    segments = inner.replace(".", "-").replace("_", "-").split("-")
    if not segments:
        return False
    template = [s for s in segments if s and all(ch in "xX#?" for ch in s)]
    if not template:
        return False
    if len(segments) == 1:
        return len(inner) >= 2 and inner.lower() != "x"
    return all(s.isalnum() or all(ch in "xX#?" for ch in s) for s in segments if s) and (
        any(len(s) >= 2 or "." in inner for s in template)
    )
