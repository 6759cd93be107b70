"""Safe YAML loading that keeps the line and column of every value.

The node graph is composed by libyaml through PyYAML's C loader when it is installed (the fastest
composer there is; its nodes carry line and column marks), and by ruamel.yaml's pure parser
otherwise, for every text libyaml refuses, and for the line breaks YAML 1.1 has and 1.2 has not.
Either way this module turns nodes into plain Python values itself, resolving plain scalars by
YAML 1.2 rules (`yes` stays text), so the two composers give the same values: no arbitrary object
is ever constructed, duplicate keys and alias bombs are caught with their position, and the
position of every mapping value and list item is kept.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from qmslint.model import Position, place
from qmslint.read import fastyaml

try:  # libyaml, through PyYAML, when installed with it
    from yaml import CSafeLoader as _CLoader
    from yaml import YAMLError as _CError
except ImportError:  # pragma: no cover - depends on the platform's wheels
    _CLoader = None
    _CError = Exception
_YAML_1_1_BREAKS = ("\x85", "\u2028", "\u2029", "\ufeff")  # libyaml reads these otherwise

MAX_NODES = 20_000  # values repeated through aliases (bounds alias bombs; plain size is free)
MAX_DEPTH = 64
KEY = fastyaml.KEY  # positions[(*path, key, KEY)] is where the key itself is written

# the whole scalar: `2027-01-10garbage` is text, not a date; a zone is kept, not dropped
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d*))?"
    r"(?:[ \t]*(Z|[-+]\d{1,2}(?::?\d{2})?))?)?$"
)


class YamlProblem(Exception):
    """A YAML text that cannot be loaded; carries a position and a problem code."""

    def __init__(self, code: str, message: str, position: Position) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.position = position


@dataclass
class Loaded:
    """A loaded YAML value with positions: `positions[path]` for every nested key/item path."""

    value: Any
    position: Position
    positions: dict[tuple, Position] = field(default_factory=dict)


def load(text: str, line_offset: int = 0, fast: bool = True) -> Loaded | None:
    """Load one YAML document. Returns None for an empty document.

    `line_offset` is added to every line so that front matter positions are file positions.
    Raises YamlProblem for malformed YAML, duplicate keys, alias bombs and deep nesting.
    """
    if fast:
        try:
            value, positions = fastyaml.load(text, line_offset, _convert_plain)
        except fastyaml.NotSimple:
            pass
        else:
            return Loaded(value, Position(line_offset + 1, 1), positions) if value else None
    node = _libyaml_graph(text)
    if node is not _REFUSED:
        try:
            return _loaded(node, line_offset, libyaml=True)
        except _Unplaced:
            pass
    return _loaded(_compose_pure(text, line_offset), line_offset)


def _loaded(node: Any, line_offset: int, libyaml: bool = False) -> Loaded | None:
    if node is None:
        return None
    builder = _Builder(line_offset, libyaml)
    value = builder.build(node, (), 0)
    return Loaded(value, builder.at(node), builder.positions)


@lru_cache(maxsize=65536)
def _convert_plain(text: str, quoted: bool) -> Any:
    """A scalar of the fast path, converted exactly as `_scalar` converts a node.

    Cached: statuses, types, roles and dates repeat across thousands of documents, and every
    value it returns is immutable.
    """
    if quoted:
        return text
    return _convert(_resolve_plain(text), text)


_REFUSED = object()  # what `_libyaml_graph` returns for a text libyaml does not read


def _libyaml_graph(text: str) -> Any:
    """The node graph from libyaml, or _REFUSED: without PyYAML's C loader, for the line breaks
    YAML 1.1 has and 1.2 has not, and for every text libyaml refuses (it follows YAML 1.1, and
    stops nesting at 1000 levels), which ruamel's YAML 1.2 parser then composes, so that errors
    and their positions are always ruamel's."""
    if _CLoader is None or any(mark in text for mark in _YAML_1_1_BREAKS):
        return _REFUSED
    loader = _CLoader(text)
    try:
        return loader.get_single_node()
    except _CError:
        return _REFUSED
    finally:
        loader.dispose()


def _compose_pure(text: str, line_offset: int) -> Any:
    """The node graph from ruamel.yaml's pure parser (imported only when a text needs it)."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return _pure_parser().compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = _position(mark, line_offset) if mark else Position(line_offset + 1, 1)
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise YamlProblem("malformed-yaml", f"malformed YAML: {message}", position) from None
    except YAMLError as exc:
        raise YamlProblem(
            "malformed-yaml", f"malformed YAML: {exc}", Position(line_offset + 1, 1)
        ) from None
    except RecursionError:
        raise YamlProblem(
            "too-complex", "YAML nested too deeply to read", Position(line_offset + 1, 1)
        ) from None


@lru_cache(maxsize=1)
def _pure_parser() -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True)


def _position(mark: Any, line_offset: int) -> Position:
    return place(mark.line + 1 + line_offset, mark.column + 1)


class _Unplaced(Exception):
    """libyaml marks an empty plain value (`key:`) where its `:` ends, ruamel where the next
    token starts: such a graph is composed again by ruamel, so that positions never depend on
    the composer."""


class _Builder:
    """Turns a node graph into plain values, counting nodes so aliases cannot explode."""

    def __init__(self, line_offset: int, libyaml: bool = False) -> None:
        self.line_offset = line_offset
        self.libyaml = libyaml
        self.positions: dict[tuple, Position] = {}
        self.count = 0  # nodes built again through an alias: a plain document has none
        self.seen: set[int] = set()

    def at(self, node: Any) -> Position:
        """Where `node` starts; raises _Unplaced for libyaml's empty plain values."""
        if self.libyaml and node.id == "scalar" and not node.style and not node.value:
            raise _Unplaced
        return _position(node.start_mark, self.line_offset)

    def build(self, node: Any, path: tuple, depth: int) -> Any:
        if id(node) in self.seen:
            self.count += 1
        else:
            self.seen.add(id(node))
        if self.count > MAX_NODES:
            raise YamlProblem(
                "too-complex",
                f"YAML expands to more than {MAX_NODES} values (an alias bomb?)",
                self.at(node),
            )
        if depth > MAX_DEPTH:
            raise YamlProblem(
                "too-complex",
                f"YAML nested deeper than {MAX_DEPTH} levels",
                self.at(node),
            )
        self.positions[path] = self.at(node)
        if node.id == "mapping":
            return self._mapping(node, path, depth)
        if node.id == "sequence":
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return _scalar(node)

    def _mapping(self, node: Any, path: tuple, depth: int) -> dict:
        result: dict = {}
        merged_in: set[str] = set()  # keys a merge (`<<: *base`) set: an explicit key overrides
        for key_node, value_node in node.value:
            if _tag(key_node) == "tag:yaml.org,2002:merge":
                merged = self.build(value_node, (*path, "<<"), depth + 1)
                for item in merged if isinstance(merged, list) else [merged]:
                    if isinstance(item, dict):
                        for k, v in item.items():
                            if k not in result:
                                result[k] = v
                                merged_in.add(k)
                continue
            key = _scalar(key_node) if key_node.id == "scalar" else None
            key_position = self.at(key_node)
            if key is None or isinstance(key, (list, dict)):
                raise YamlProblem(
                    "malformed-yaml", "a mapping key must be a plain value", key_position
                )
            key = key if isinstance(key, str) else str(key)
            if key in merged_in:
                merged_in.discard(key)
            elif key in result:
                first = self.positions[(*path, key, KEY)].line
                raise YamlProblem(
                    "duplicate-key",
                    f"duplicate key '{key}' (first written on line {first})",
                    key_position,
                )
            self.positions[(*path, key, KEY)] = key_position
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result


def _tag(node: Any) -> str:
    tag = node.tag
    return getattr(tag, "value", None) or str(tag)


_MAY_START_NULL_OR_BOOL = frozenset("nNtTfF")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?(?:[0-9_]+|0o[0-7_]+|0x[0-9a-fA-F_]+)$")
_FLOAT = re.compile(
    r"^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$"
    r"|^\.(?:nan|NaN|NAN)$"
)


def _resolve_plain(text: str) -> str:
    """YAML 1.2 core schema (plus dates), whichever parser composed the node."""
    if text[:1].isascii() and text[:1].isalpha() and text[0] not in _MAY_START_NULL_OR_BOOL:
        return "str"  # most values are words: no null, bool, number or date starts with a letter
    if _NULL.match(text):
        return "null"
    if _BOOL.match(text):
        return "bool"
    if _INT.match(text):
        return "int"
    if _FLOAT.match(text):
        return "float"
    if _TIMESTAMP.match(text) and len(text) >= 8:
        return "timestamp"
    return "str"


def _scalar(node: Any) -> Any:
    tag = _tag(node)
    text = node.value
    if not tag.startswith("tag:yaml.org,2002:"):
        return text
    kind = tag.rsplit(":", 1)[1]
    if not node.style:  # plain: resolve by YAML 1.2 rules; quoted stays text
        kind = _resolve_plain(text)
    elif kind != "str":
        kind = "str" if node.style in ("'", '"', "|", ">") else kind
    return _convert(kind, text)


def _convert(kind: str, text: str) -> Any:
    if kind == "str":
        return text
    try:
        if kind == "null":
            return None
        if kind == "bool":
            return text.lower() == "true"
        if kind == "int":
            return _int(text)
        if kind == "float":
            return _float(text)
        if kind == "timestamp":
            return _timestamp(text)
    except ValueError:
        return text
    return text


def _int(text: str) -> int:
    cleaned = text.replace("_", "")
    sign = -1 if cleaned.startswith("-") else 1
    cleaned = cleaned.lstrip("+-")
    if cleaned.startswith("0x"):
        return sign * int(cleaned[2:], 16)
    if cleaned.startswith("0o"):
        return sign * int(cleaned[2:], 8)
    if cleaned.startswith("0b"):
        return sign * int(cleaned[2:], 2)
    return sign * int(cleaned)


def _float(text: str) -> float:
    lowered = text.lower().replace("_", "")
    if lowered in (".inf", "+.inf"):
        return float("inf")
    if lowered == "-.inf":
        return float("-inf")
    if lowered == ".nan":
        return float("nan")
    return float(lowered)


def _timestamp(text: str) -> dt.date | dt.datetime:
    match = _TIMESTAMP.match(text)
    if not match:
        raise ValueError(text)
    year, month, day = (int(match.group(i)) for i in (1, 2, 3))
    if match.group(4) is None:
        return dt.date(year, month, day)
    hour, minute, second = (int(match.group(i)) for i in (4, 5, 6))
    micro = int((match.group(7) or "0")[:6].ljust(6, "0"))
    zone = match.group(8)
    tzinfo = None
    if zone == "Z":
        tzinfo = dt.timezone.utc
    elif zone:
        sign = -1 if zone[0] == "-" else 1
        hours, _, minutes = zone[1:].partition(":")
        if not minutes and len(hours) > 2:  # +0530
            hours, minutes = hours[:-2], hours[-2:]
        offset = dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
        tzinfo = dt.timezone(sign * offset)
    return dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=tzinfo)
