"""A file as (what `--fix` may rewrite, what it must keep), and YAML that round-trips exactly.

Why: `--fix` must keep comments, key order and quoting, and never lose a byte of the body. The
file is split at the metadata: everything after the closing `---` (the body, whatever its line
endings, BOM or trailing white space) is kept as bytes and put back untouched. The metadata is
loaded with ruamel.yaml round-trip, and a file is rewritten only when ruamel.yaml writes its
metadata back byte for byte before any change, so that the only differences are the fixes. A
file that is not valid UTF-8, mixes line endings in its metadata, has duplicate keys, anchors,
aliases or tags, or that ruamel.yaml would reformat, is `Refused` with the reason: left alone.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent

BOM = b"\xef\xbb\xbf"
_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")
# ruamel.yaml's indentation settings (mapping, sequence, offset) tried in turn: the one that
# writes the metadata back unchanged is the one the file uses.
_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (4, 2, 0), (3, 3, 1))
NEW_INDENT = (2, 4, 2)  # for front matter written from the body: `key:` then `  - item`


class Refused(Exception):
    """The file is not safely round-trippable; `str(exc)` says why (it is left alone)."""


@dataclass
class Parts:
    """`head` + metadata + `tail` is the file; only the metadata is ever rewritten."""

    head: bytes  # BOM and the opening `---` line, as written
    text: str  # the metadata, LF line endings ("" when there is none yet)
    tail: bytes  # the closing `---` line and the body, byte for byte
    newline: str  # the metadata's line ending, used when it is written back
    existing: bool  # the file has metadata (else `join` writes new front matter)
    final_newline: bool = True  # a sidecar's last line ends with a newline

    def join(self, text: str) -> bytes:
        """The file with `text` (LF line endings) as its metadata."""
        if not self.final_newline:
            text = text.removesuffix("\n")
        written = text.replace("\n", self.newline).encode("utf-8")
        if self.existing:
            return self.head + written + self.tail
        fence = f"---{self.newline}".encode()
        return self.head + fence + written + fence + self.tail


def _lines(text: str) -> list[tuple[str, str]]:
    """(content, line ending) per line, splitting only where the readers split (LF, CRLF, CR)."""
    found = []
    for match in _LINE.finditer(text):
        if match.start() == len(text) and not match.group(0):
            break
        found.append((match.group(1), match.group(2)))
    return found


def _decoded(data: bytes) -> tuple[bytes, str]:
    bom = BOM if data.startswith(BOM) else b""
    try:
        return bom, data[len(bom) :].decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("it is not valid UTF-8 (qmslint never writes such a file)") from None


def _newline(lines: list[tuple[str, str]]) -> str:
    endings = {ending for _, ending in lines if ending}
    if endings - {"\n", "\r\n"} or len(endings) > 1:
        raise Refused("its metadata mixes line endings (or uses a lone CR)")
    return endings.pop() if endings else "\n"


def split_markdown(data: bytes) -> Parts:
    """A Markdown file split at its front matter, as the Markdown reader finds it."""
    bom, text = _decoded(data)
    lines = _lines(text)
    if not lines or lines[0][0].rstrip() != "---":
        first = next((ending for _, ending in lines if ending), "\n")
        return Parts(bom, "", data[len(bom) :], first if first == "\r\n" else "\n", False)
    end = next((i for i in range(1, len(lines)) if lines[i][0].rstrip() in ("---", "...")), None)
    if end is None:
        raise Refused("its front matter is not closed")
    newline = _newline(lines[: end + 1] if lines[end][1] else lines[:end])
    head = bom + "".join(lines[0]).encode("utf-8")
    kept = "".join(content + ending for content, ending in lines[1:end]).encode("utf-8")
    front = "".join(content + "\n" for content, _ in lines[1:end])
    return Parts(head, front, data[len(head) + len(kept) :], newline, True)


def split_whole(data: bytes) -> Parts:
    """A YAML sidecar: the whole file is its metadata."""
    bom, text = _decoded(data)
    lines = _lines(text)
    newline = _newline(lines)
    front = "".join(content + "\n" for content, _ in lines)
    final = bool(lines) and bool(lines[-1][1])
    return Parts(bom, front, b"", newline, True, final_newline=final or not lines)


def _yaml(indent: tuple[int, int, int]) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line that was not folded
    mapping, sequence, offset = indent
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def dump(yaml: YAML, data: Any) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def load(text: str) -> tuple[YAML, CommentedMap | None]:
    """The metadata as round-trip data, with the YAML that writes it back unchanged."""
    if not text.strip():
        return _yaml(NEW_INDENT), None
    try:
        for event in YAML(typ="rt").parse(text):
            if isinstance(event, AliasEvent) or (
                isinstance(event, (ScalarEvent, CollectionStartEvent))
                and (event.anchor is not None or event.tag is not None)
            ):
                raise Refused("its metadata uses YAML anchors, aliases or tags")
    except YAMLError as exc:
        raise Refused(f"its metadata is not valid YAML ({type(exc).__name__})") from None
    for indent in _INDENTS:
        yaml = _yaml(indent)
        try:
            data = yaml.load(text)
        except YAMLError as exc:  # a duplicate key, for one
            raise Refused(f"its metadata cannot be loaded safely ({type(exc).__name__})") from None
        if not isinstance(data, CommentedMap):
            raise Refused("its metadata is not a mapping")
        try:
            same = dump(yaml, data) == text
        except (YAMLError, ValueError):
            same = False
        if same:
            return yaml, data
    raise Refused(
        "ruamel.yaml would reformat its metadata beyond the fix (unusual spacing or layout); "
        "fix it by hand"
    )
