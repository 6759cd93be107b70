"""A `Document` as JSON values and back, generically from its dataclass fields (the document cache).

Nothing here names a field of `Document`, `Field`, `Claim` or `Shapes`: every dataclass of
`ALLOWED` is written as `["@Name", value, value, …]`, its fields in `dataclasses.fields` order,
and `schema()` (part of the cache's key) names those fields, so that an entry written for
another shape of a class is never read. Other values are written as JSON where JSON holds them
exactly, and tagged where it does not; the form is compact because a warm run decodes every
document of the repository:

    None, bool, int, float, str         as themselves
    Position                            [line, column]  (the one list that starts with a number)
    list                                ["l", item, …]
    tuple                               ["t", item, …]
    dict / a read-only mapping          ["d", key, value, …] / ["m", key, value, …]  (any key)
    set / frozenset                     ["s", …] / ["f", …]
    datetime.date / datetime.datetime   ["D", "2025-01-31"] / ["T", isoformat]
    a dataclass or mapping met again    ["=", n]  (the n-th one written: `fields` and `raw`
                                        share the Field of a key written in canonical form,
                                        or are one mapping)

`decode` rebuilds only the dataclasses of `ALLOWED` (by name, with as many values as the class
has fields), never anything else, and raises on anything unexpected (an unknown tag or class,
a wrong number of values, a position that is not two integers): the cache then reads the file
afresh. `encode` raises `TypeError` for a value it cannot write (a plugin's own object), so that
such a document is simply not cached.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from types import MappingProxyType
from typing import Any

from qmslint.model import NO_ITEMS, Claim, Document, Field, Position, ReadProblem, place
from qmslint.read.registers import DocRef, MappingRow, RegisterRow, Shapes

ALLOWED: dict[str, type] = {
    cls.__name__: cls
    for cls in (Document, Field, ReadProblem, Claim, Shapes, RegisterRow, MappingRow, DocRef)
}
_SCALARS = frozenset({str, int, bool, float, type(None)})
MAX_SHARED_TEXT = 40  # decoded texts up to this length are interned
_FIELDS: dict[type, tuple[tuple[str, bool], ...]] = {}  # class -> ((name, given to __init__), …)


def _fields_of(cls: type) -> tuple[tuple[str, bool], ...]:
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = tuple((f.name, f.init) for f in dataclasses.fields(cls))
    return found


def schema() -> list[Any]:
    """The field names of every class the codec rebuilds (entries are positional)."""
    return [[name, [f for f, _ in _fields_of(cls)]] for name, cls in sorted(ALLOWED.items())]


def encode(value: Any, seen: dict[int, int] | None = None) -> Any:
    """JSON values for `value` (a Document, or anything it holds); `seen` numbers the
    dataclass objects written so far, so that one met again is written as a reference."""
    kind = type(value)
    if value is None or kind in (str, int, bool, float):
        return value
    if kind is Position:
        return [value[0], value[1]]
    if seen is None:
        seen = {}
    if kind is list:
        return ["l", *[encode(item, seen) for item in value]]
    if kind is dict or kind is MappingProxyType:
        number = seen.get(id(value))
        if number is not None:
            return ["=", number]
        seen[id(value)] = len(seen)
        out: list[Any] = ["d" if kind is dict else "m"]
        for key, item in value.items():
            out.append(encode(key, seen))
            out.append(encode(item, seen))
        return out
    if kind is tuple:
        return ["t", *[encode(item, seen) for item in value]]
    if kind in _FIELDS or (dataclasses.is_dataclass(value) and ALLOWED.get(kind.__name__) is kind):
        number = seen.get(id(value))
        if number is not None:
            return ["=", number]
        seen[id(value)] = len(seen)
        out = ["@" + kind.__name__]
        for name, _ in _fields_of(kind):
            out.append(encode(getattr(value, name), seen))
        return out
    if kind is dt.date:
        return ["D", value.isoformat()]
    if kind is dt.datetime:
        return ["T", value.isoformat()]
    if kind is set or kind is frozenset:
        items = sorted(value, key=repr)
        return ["s" if kind is set else "f", *[encode(item, seen) for item in items]]
    raise TypeError(f"cannot cache a {kind.__name__}")


def decode(data: Any, made: list[Any] | None = None) -> Any:
    """The value `encode` wrote; raises (ValueError, TypeError, KeyError …) on anything else.
    `made` holds the dataclass objects rebuilt so far, in the order `encode` numbered them."""
    kind = type(data)
    if data is None or kind in _SCALARS:
        return data
    if kind is not list or not data:
        raise ValueError("not a cached value")
    tag = data[0]
    if type(tag) is int:
        if len(data) != 2 or type(data[1]) is not int:
            raise ValueError("not a position")
        return place(tag, data[1])
    if type(tag) is not str:
        raise ValueError("not a cached value")
    if made is None:
        made = []
    if tag == "=":  # before the others: a Field's empty item mapping is one, a warm run meets
        if len(data) != 2 or type(data[1]) is not int or not 0 <= data[1] < len(made):
            raise ValueError("not a reference")  # 100,000
        return made[data[1]]
    if tag == "d" or tag == "m":
        if len(data) % 2 != 1:
            raise ValueError("odd mapping")
        number = len(made)
        made.append(None)  # numbered as encode numbers it, before what it holds
        it = iter(data[1:])
        value = {
            (_plain(key) if type(key) in _SCALARS else _key(decode(key, made))): (
                _plain(item) if type(item) in _SCALARS else decode(item, made)
            )
            for key, item in zip(it, it)
        }
        if tag == "m":
            value = MappingProxyType(value) if value else NO_ITEMS
        made[number] = value
        return value
    if tag[0] == "@":
        return _rebuild(tag, data, made)
    if tag == "l":
        return [_plain(item) if type(item) in _SCALARS else decode(item, made) for item in data[1:]]
    if tag == "t":
        return tuple(decode(item, made) for item in data[1:])
    if tag == "D" and len(data) == 2:
        return dt.date.fromisoformat(data[1])
    if tag == "T" and len(data) == 2:
        return dt.datetime.fromisoformat(data[1])
    if tag == "s":
        return {_key(decode(item, made)) for item in data[1:]}
    if tag == "f":
        return frozenset(_key(decode(item, made)) for item in data[1:])
    raise ValueError(f"unknown tag {tag!r}")


def _plain(value: Any) -> Any:
    """A scalar as decoded, a short text shared: JSON makes a new string for every occurrence
    of `title`, `front-matter` or an owner's name, of which a repository holds 100,000."""
    if type(value) is str and len(value) <= MAX_SHARED_TEXT:
        return sys.intern(value)
    return value


def _key(value: Any) -> Any:
    hash(value)  # a list as a mapping key: raises TypeError
    return value


_REBUILT: dict[str, tuple[type, tuple[tuple[str, bool], ...], bool]] = {}


def _class_of(tag: str) -> tuple[type, tuple[tuple[str, bool], ...], bool]:
    """(class, its fields, whether all are given to __init__) for a tag `@Name`, worked out
    once per class: a warm run rebuilds every Field of the repository."""
    found = _REBUILT.get(tag)
    if found is None:
        cls = ALLOWED[tag[1:]]  # KeyError: a class we do not rebuild
        fields = _fields_of(cls)
        found = _REBUILT[tag] = (cls, fields, all(init for _, init in fields))
    return found


def _rebuild(tag: str, data: list[Any], made: list[Any]) -> Any:
    cls, fields, all_init = _class_of(tag)
    if len(data) != len(fields) + 1:
        raise ValueError(f"{tag[1:]} takes {len(fields)} values")
    number = len(made)
    made.append(None)  # its number, taken before what it holds is rebuilt (as encode numbers)
    values = [_plain(item) if type(item) in _SCALARS else decode(item, made) for item in data[1:]]
    if all_init:
        value = cls(*values)
    else:
        value = cls(**{f: v for (f, init), v in zip(fields, values) if init})
        for (field_name, init), item in zip(fields, values):
            if not init:
                object.__setattr__(value, field_name, item)
    made[number] = value
    return value


def encode_document(document: Document) -> Any:
    return encode(document, {})


def decode_document(data: Any) -> Document:
    document = decode(data, [])
    if type(document) is not Document or not isinstance(document.path, str):
        raise TypeError("not a document")
    return document
