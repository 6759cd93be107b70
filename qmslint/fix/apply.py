"""Which files to fix, the fixed bytes checked by reading them again, then written or diffed.

Why: a fix must never make a document read differently (other than the spelling it mends), must
be idempotent and must keep the body byte for byte. So every result is read again with the same
reader and settings and compared with the document as first read; a second pass of the same
fixes must change nothing; the body must be the very bytes it was. A result that fails any of
these is not written: the file is left alone with a note. Writing is atomic (a temporary file
beside it, renamed over it) and only to regular files inside the repository that are writable;
a file that changed since it was read is left alone.
"""

from __future__ import annotations

import difflib
import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qmslint.fix import frontmatter
from qmslint.fix.fixes import BODY_SOURCES, FIXES, FRONT_MATTER, FixContext
from qmslint.model import Document, Finding
from qmslint.read import access
from qmslint.read.canonical import reading_of
from qmslint.read.document import apply_metadata, default_framework
from qmslint.read.readers import Reader, ReadSettings
from qmslint.support import files, safe_open

# Problems that mean the metadata is not what its bytes say: such a file is never rewritten.
UNSAFE = {
    "malformed-yaml": "its metadata is not valid YAML",
    "not-a-mapping": "its metadata is not a mapping",
    "too-complex": "its metadata is too complex to read",
    "duplicate-key": "it has duplicate keys",
    "not-utf8": "it is not valid UTF-8 (qmslint never writes such a file)",
    "binary-content": "it holds binary data",
    "unclosed-front-matter": "its front matter is not closed",
    "too-large": "it is too large to read whole",
    "unreadable": "it cannot be read",
    "symlink-outside": "it is a symlink out of the repository",
}
_REWRITERS = {"markdown": frontmatter.split_markdown, "sidecar": frontmatter.split_whole}


@dataclass
class Change:
    """One file's fix: its bytes before and after, and how many things were mended."""

    path: str  # repository-relative
    before: bytes
    after: bytes
    fixed: int
    fixes: tuple[str, ...]


@dataclass
class FixResult:
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # "path: left alone: why"

    @property
    def fixed(self) -> int:
        return sum(change.fixed for change in self.changes)


def wanted_fixes(
    findings: Iterable[Finding],
    fixable: Mapping[str, str],
    documents: Sequence[Document],
    write_front_matter: bool,
    selected: Iterable[str] | None = None,
) -> dict[str, set[str]]:
    """Path → the fixes to run there: those of the active findings of fixable rules (waived
    and baselined findings are not fixed), and with `write_front_matter` front matter from the
    body for every document (among `selected` paths, when given) that reads some there."""
    wanted: dict[str, set[str]] = {}
    for finding in findings:
        name = fixable.get(finding.rule)
        if name is not None and finding.path is not None and finding.suppressed is None:
            wanted.setdefault(finding.path, set()).add(name)
    if write_front_matter:
        chosen = None if selected is None else set(selected)
        for document in documents:
            if chosen is not None and document.path not in chosen:
                continue
            if any(found.source in BODY_SOURCES for found in document.fields.values()):
                wanted.setdefault(document.path, set()).add(FRONT_MATTER)
    return wanted


def selected_paths(root: Path, documents: Sequence[Document], given: Sequence[str]) -> set[str]:
    """The documents the PATHs given on the command line name (files, or folders holding
    them), as repository-relative paths; every document when none is given."""
    if not given:
        return {document.path for document in documents}
    base = root.resolve()
    files_named, folders = set(), []
    for path in given:
        try:
            rel = Path(path).resolve().relative_to(base).as_posix()
        except ValueError:
            continue
        if rel == ".":
            return {document.path for document in documents}
        files_named.add(rel)
        folders.append(rel.rstrip("/") + "/")
    return {
        document.path
        for document in documents
        if document.path in files_named or any(document.path.startswith(f) for f in folders)
    }


def plan_fixes(
    root: Path,
    documents: Sequence[Document],
    wanted: Mapping[str, set[str]],
    readers: Sequence[Reader],
    settings: ReadSettings,
) -> FixResult:
    """The changes the wanted fixes make, each checked; nothing is written."""
    result = FixResult()
    by_path = {document.path: document for document in documents}
    for path in sorted(wanted):
        document = by_path.get(path)
        if document is None:
            continue
        try:
            change = _fix_file(root, document, wanted[path], readers, settings)
        except frontmatter.Refused as refused:
            result.notes.append(f"{path}: left alone: {refused}")
            continue
        if change is not None:
            result.changes.append(change)
    return result


def _fix_file(
    root: Path, document: Document, names: set[str], readers: Sequence[Reader], settings
) -> Change | None:
    for problem in document.problems:
        if problem.code in UNSAFE:
            raise frontmatter.Refused(UNSAFE[problem.code])
    full = os.path.join(root, document.path)
    try:
        data = safe_open.read_regular(full, root, access.MAX_BYTES)
    except OSError as exc:
        raise frontmatter.Refused(f"cannot read it: {exc.strerror}") from None
    reader = next((r for r in readers if r.matches(document.path)), None)
    if reader is None or reader.name not in _REWRITERS:
        raise frontmatter.Refused("--fix rewrites only Markdown front matter and YAML sidecars")
    order = tuple(name for name in FIXES if name in names)
    after, fixed = _edit(data, document, order, reader, settings)
    if fixed == 0:
        return None
    again = _read(document.path, after, reader, settings)
    _same_reading(document, again, settings)
    if _edit(after, again, order, reader, settings)[1]:
        raise frontmatter.Refused("a second --fix would change it again (a bug: please report)")
    return Change(document.path, data, after, fixed, order)


def _edit(
    data: bytes, document: Document, order: tuple[str, ...], reader: Reader, settings
) -> tuple[bytes, int]:
    parts = _REWRITERS[reader.name](data)
    yaml, mapping = frontmatter.load(parts.text)
    if mapping is None:
        if FRONT_MATTER not in order:
            return data, 0
        mapping = frontmatter.CommentedMap()
    context = FixContext(
        document, settings.spellings, default_framework(document, settings.standard)
    )
    fixed = sum(FIXES[name](mapping, context) for name in order)
    if not fixed:
        return data, 0
    after = parts.join(frontmatter.dump(yaml, mapping))
    if not after.endswith(parts.tail):
        raise frontmatter.Refused("the body would change (a bug: please report)")
    return after, fixed


def _read(path: str, data: bytes, reader: Reader, settings: ReadSettings) -> Document:
    document = Document(path=path)
    apply_metadata(
        document, reader.read(path, data, settings), settings.spellings, settings.standard
    )
    return document


def _same_reading(before: Document, after: Document, settings: ReadSettings) -> None:
    """The fixed file must read as the old one did: every field the same value (clauses as the
    same clause ids), and no problem it did not have."""
    if set(before.fields) != set(after.fields):
        raise frontmatter.Refused("after the fix it would read other fields (a bug: please report)")
    for name, found in before.fields.items():
        old, new = found.value, after.fields[name].value
        if name == "clauses":
            default = default_framework(before, settings.standard)
            old, new = _clauses(old, default), _clauses(new, default)
        if old != new:
            raise frontmatter.Refused(
                f"after the fix '{name}' would read differently (a bug: please report)"
            )
    old_codes = {problem.code for problem in before.problems}
    new = sorted({problem.code for problem in after.problems} - old_codes)
    if new:
        raise frontmatter.Refused(f"after the fix it would have new problems: {', '.join(new)}")


def _clauses(values: object, default: str | None) -> list[str]:
    if not isinstance(values, list):
        return [repr(values)]
    return reading_of(values, default)


def write_changes(root: Path, changes: Sequence[Change]) -> tuple[list[Change], list[str]]:
    """Write each change atomically; returns what was written and a note for each file that
    was not (read-only, changed meanwhile, out of the repository, not a regular file)."""
    written, notes = [], []
    for change in changes:
        full = Path(root, change.path)
        try:
            _write(root, full, change)
        except OSError as exc:
            notes.append(f"{change.path}: not fixed: {exc.strerror or exc}")
            continue
        written.append(change)
    return written, notes


def _write(root: Path, full: Path, change: Change) -> None:
    if safe_open.outside(full, root):
        raise safe_open.UnsafeFile("it is a symlink out of the repository; it is not written", full)
    safe_open.check_regular(full, root)
    mode = os.stat(full).st_mode
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(full, os.W_OK):
        raise safe_open.UnsafeFile("it is read-only; it is left as it is", full)
    if safe_open.read_regular(full, root, access.MAX_BYTES) != change.before:
        raise safe_open.UnsafeFile("it changed while qmslint ran; run again", full)
    files.write_atomically(full, change.after, mode=stat.S_IMODE(mode))


def unified_diff(change: Change) -> str:
    """A unified diff of one change (`a/PATH`, `b/PATH`, as git writes them)."""
    before = [content + ending for content, ending in frontmatter._lines(_text(change.before))]
    after = [content + ending for content, ending in frontmatter._lines(_text(change.after))]
    lines = difflib.unified_diff(before, after, f"a/{change.path}", f"b/{change.path}")
    out = []
    for line in lines:
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")
