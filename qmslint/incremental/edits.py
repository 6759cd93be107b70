"""What an edit changed in a document: the fields that differ between its two readings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qmslint.model import Document, Field
from qmslint.packs.rules import Rule
from qmslint.read.fields import Spellings

DOCUMENT_CONTROL = frozenset(
    {
        "title",
        "version",
        "owner",
        "author",
        "approvers",
        "approved_on",
        "effective_date",
        "last_reviewed",
    }
)
CLAIMS = "(claims)"  # the clauses a document claims in its body: no field has this name
# What else an edit may change and still be worked out: the values that the kinds reading the
# whole repository read of a document (wide.py), with the reference fields the run recorded.
WIDE = frozenset({"status", "clauses", CLAIMS, "id", "type"})


def edited_fields(old: Document, new: Document, spellings: Spellings) -> set[str] | None:
    """The fields that differ between two readings of a document (in value, or stated, emptied,
    a placeholder now, at another place; `CLAIMS` for the clauses claimed in its body); None
    when the edit cannot be worked out whatever it changed: a document that gains or loses its
    metadata, holds mappings or registers, or is (or was) a device or a quality manual, whose
    values every other document's findings depend on. Read problems may differ: only
    separable rules report them."""
    if (
        old.path != new.path
        or old.has_metadata != new.has_metadata
        or has_shapes(old)
        or has_shapes(new)
        or any(value in ("device", "manual") for value in (old.type, new.type))
    ):
        return None
    names: set[str] = set()
    if list(old.claims) != list(new.claims):
        names.add(CLAIMS)
    for before, after in ((old.fields, new.fields), (old.body_fields, new.body_fields)):
        names |= _differing(before, after)
    written = _differing(old.raw, new.raw)  # as written: `revision`, a key of the config's
    names |= {spellings.canonical(key) or key for key in written}
    return names


def has_shapes(document: Document) -> bool:
    """Whether a document holds mappings or registers (they resolve documents by title and
    fill other documents' fields from rows)."""
    shapes = document.shapes
    return shapes is not None and bool(shapes.mappings or shapes.registers)


def _differing(before: Mapping[str, Field], after: Mapping[str, Field]) -> set[str]:
    """The keys stated on one side only, or with another value, place or source (a title
    that is a placeholder now is taken from the heading); a line added or removed above a key
    moves it, so it differs too."""
    found = set(before.keys() ^ after.keys())
    found.update(key for key, was in before.items() if key in after and after[key] != was)
    return found


def names_any(rule: Rule, names: set[str]) -> bool:
    """Whether a rule's options name one of these fields (as a value, or a title selector)."""
    words: set[str] = set()
    _words(rule.options, words)
    return bool(words & names) or ("title" in names and "title_pattern" in words)


def _words(value: Any, into: set[str]) -> None:
    if isinstance(value, str):
        into.add(value)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            into.add(str(key))
            _words(item, into)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _words(item, into)
