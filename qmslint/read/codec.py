"""A `Document` as JSON values and back, generically from its dataclass fields (the document cache).

Nothing here names a field of `Document`, `Field`, `Claim` or `Shapes`: every dataclass of
`ALLOWED` is written as `["@Name", field, value, field, value, …]` from `dataclasses.fields`, so
a field added to one of them round-trips without a change here. Other values are written as JSON
where JSON holds them exactly, and tagged where it does not:

    None, bool, int, float, str         as themselves
    list                                ["l", item, …]
    tuple                               ["t", item, …]
    dict                                ["d", key, value, key, value, …]  (any key type)
    set / frozenset                     ["s", …] / ["f", …]
    Position                            ["P", line, column]
    datetime.date / datetime.datetime   ["D", "2025-01-31"] / ["T", isoformat]

`decode` rebuilds only the dataclasses of `ALLOWED` (by name, with the fields the class has
now), never anything else, and raises on anything unexpected (an unknown tag or class, a field
the class does not have, a position that is not two integers): the cache then reads the file
afresh. `encode` raises `TypeError` for a value it cannot write (a plugin's own object), so that
such a document is simply not cached.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from qmslint.model import Claim, Document, Field, Position, ReadProblem
from qmslint.read.registers import DocRef, MappingRow, RegisterRow, Shapes

ALLOWED: dict[str, type] = {
    cls.__name__: cls
    for cls in (Document, Field, ReadProblem, Claim, Shapes, RegisterRow, MappingRow, DocRef)
}
_SCALARS = frozenset({str, int, bool, float, type(None)})
_FIELDS: dict[type, tuple[tuple[str, bool], ...]] = {}  # class -> ((name, given to __init__), …)


def _fields_of(cls: type) -> tuple[tuple[str, bool], ...]:
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = tuple((f.name, f.init) for f in dataclasses.fields(cls))
    return found


def encode(value: Any) -> Any:
    """JSON values for `value` (a Document, or anything it holds)."""
    kind = type(value)
    if value is None or kind in (str, int, bool, float):
        return value
    if kind is Position:
        return ["P", value[0], value[1]]
    if kind is list:
        return ["l", *map(encode, value)]
    if kind is dict:
        out: list[Any] = ["d"]
        for key, item in value.items():
            out.append(encode(key))
            out.append(encode(item))
        return out
    if kind is tuple:
        return ["t", *map(encode, value)]
    if kind in _FIELDS or (dataclasses.is_dataclass(value) and ALLOWED.get(kind.__name__) is kind):
        out = ["@" + kind.__name__]
        for name, _ in _fields_of(kind):
            out.append(name)
            out.append(encode(getattr(value, name)))
        return out
    if kind is dt.date:
        return ["D", value.isoformat()]
    if kind is dt.datetime:
        return ["T", value.isoformat()]
    if kind is set or kind is frozenset:
        return ["s" if kind is set else "f", *map(encode, sorted(value, key=repr))]
    raise TypeError(f"cannot cache a {kind.__name__}")


def decode(data: Any) -> Any:
    """The value `encode` wrote; raises (ValueError, TypeError, KeyError …) on anything else."""
    kind = type(data)
    if data is None or kind in (str, int, bool, float):
        return data
    if kind is not list or not data or type(data[0]) is not str:
        raise ValueError("not a cached value")
    tag = data[0]
    if tag == "P":
        if len(data) != 3 or type(data[1]) is not int or type(data[2]) is not int:
            raise ValueError("not a position")
        return Position(data[1], data[2])
    if tag == "l":
        return [item if type(item) in _SCALARS else decode(item) for item in data[1:]]
    if tag == "d":
        if len(data) % 2 != 1:
            raise ValueError("odd mapping")
        it = iter(data[1:])
        return {
            (key if type(key) in _SCALARS else _key(decode(key))): (
                item if type(item) in _SCALARS else decode(item)
            )
            for key, item in zip(it, it)
        }
    if tag == "t":
        return tuple(decode(item) for item in data[1:])
    if tag[0] == "@":
        return _rebuild(tag[1:], data)
    if tag == "D" and len(data) == 2:
        return dt.date.fromisoformat(data[1])
    if tag == "T" and len(data) == 2:
        return dt.datetime.fromisoformat(data[1])
    if tag == "s":
        return {_key(decode(item)) for item in data[1:]}
    if tag == "f":
        return frozenset(_key(decode(item)) for item in data[1:])
    raise ValueError(f"unknown tag {tag!r}")


def _key(value: Any) -> Any:
    hash(value)  # a list as a mapping key: raises TypeError
    return value


def _rebuild(name: str, data: list[Any]) -> Any:
    cls = ALLOWED[name]  # KeyError: a class we do not rebuild
    if len(data) % 2 != 1:
        raise ValueError("odd dataclass")
    known = dict(_fields_of(cls))
    given: dict[str, Any] = {}
    later: dict[str, Any] = {}
    it = iter(data[1:])
    for field_name, item in zip(it, it):
        if type(field_name) is not str or field_name not in known:
            raise ValueError(f"{name} has no field {field_name!r}")
        (given if known[field_name] else later)[field_name] = (
            item if type(item) in _SCALARS else decode(item)
        )
    value = cls(**given)  # fields added since the entry was written take their defaults
    for field_name, item in later.items():
        object.__setattr__(value, field_name, item)
    return value


def encode_document(document: Document) -> Any:
    return encode(document)


def decode_document(data: Any) -> Document:
    document = decode(data)
    if type(document) is not Document or not isinstance(document.path, str):
        raise TypeError("not a document")
    return document
