"""What a run records with its findings for a later `check` to work out an edit (`context_of`),
and that record read back and brought up to date after an edit (`Recorded`).

The record is small beside the documents. In the findings snapshot: the paths of the documents
every document's findings may depend on (they declare devices, hold waivers, are quality
manuals with exclusions), the reference fields and the fields a `has` names. In a file of its
own beside it, named by its SHA-256 (the *index*): every document's path in document order,
which documents have each id and which name each id in a reference field, the few values a
`document-exists` rule reads of each (facts.py), and what each such rule's decision rests on
(existence.standing). A later `check` reads only the documents an edit can reach through it.
"""

from __future__ import annotations

import hashlib
import json
from bisect import insort
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from qmslint import snapshot
from qmslint.incremental import facts
from qmslint.incremental.edits import has_shapes
from qmslint.index.devices import as_list
from qmslint.index.repository import Repository
from qmslint.model import Document
from qmslint.packs.rules import Rule
from qmslint.support import files, safe_open
from qmslint.suppress.waivers import FRONT_MATTER_KEYS

MAX_CONTEXT = 500  # documents every edit needs beside it (holders): more, and run
REFERENCE_KINDS = frozenset({"references-resolve", "no-obsolete-citations", "supersession"})
REFERENCE_FIELDS = ("related", "supersedes")  # the fields those kinds read by default


def reference_fields(rules: Iterable[Rule]) -> list[str]:
    """The fields whose values name other documents, for the rules of a run."""
    names = set(REFERENCE_FIELDS)
    for rule in rules:
        if rule.kind in REFERENCE_KINDS:
            names.update(str(name) for name in as_list(rule.options.get("fields")))
    return sorted(names)


def is_holder(document: Document) -> bool:
    """A document whose values other documents' findings depend on: it holds waivers,
    declares a device or is a quality manual (its exclusions)."""
    kind = document.type
    waives = not document.raw.keys().isdisjoint(FRONT_MATTER_KEYS)
    return waives or kind == "device" or kind == "manual"


def context_of(
    repo: Repository,
    failed: Mapping[str, str],
    rules: Mapping[str, Rule],
    standings: Mapping[str, Any],
) -> dict[str, Any] | None:
    """The record a later `check` needs to work out an edit; None when no edit can be worked
    out (a rule failed, a document holds mappings or registers, too many holders)."""
    if failed:
        return None
    fields = reference_fields(rules.values())
    stated = facts.stated_fields(rules.values())
    table = facts.Table([])
    citations = repo.citations
    known: list[Any] = []
    paths: list[str] = []
    holders: list[str] = []
    ids: dict[str, list[int]] = {}
    names: dict[str, list[int]] = {}
    for index, document in enumerate(repo.documents):  # at 100,000 documents every step counts
        if document.shapes is not None and has_shapes(document):
            return None
        paths.append(document.path)
        if is_holder(document):
            holders.append(document.path)
        doc_id = document.id
        if doc_id:
            ids.setdefault(doc_id, []).append(index)
        for target in targets_of(document, fields):
            named = names.setdefault(target, [])
            if not named or named[-1] != index:
                named.append(index)
        known.append(facts.fact_of(document, citations.get(document.path, ()), stated, table))
    if len(holders) > MAX_CONTEXT:
        return None
    index = {
        "paths": paths,
        "ids": ids,
        "names": names,
        "standing": dict(standings),
        "facts": known,
        "clauses": table.texts,
    }
    digest = _saved(index)
    if digest is None:
        return None
    return {"holders": holders, "fields": fields, "stated": stated, "index": digest}


def _saved(index: dict[str, Any]) -> str | None:
    """Write the index beside the snapshots (snapshot.index_path); its SHA-256, or None when
    the cache cannot hold it."""
    data = json.dumps(index, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    digest = hashlib.sha256(data).hexdigest()
    path = Path(snapshot.index_path(digest))
    try:
        if not path.is_file():
            files.write_atomically(path, data)
    except OSError:
        return None
    return digest


def targets_of(document: Document, fields: Iterable[str]) -> list[str]:
    found = []
    for name in fields:
        field = document.fields.get(name)
        if field is not None:
            found += [target for target in as_list(field.value) if type(target) is str]
    return found


class Recorded:
    """The record of `context_of` as stored; raises ValueError when it is not that shape.

    Its index of every document is kept in a file of its own beside the snapshots, named by
    its SHA-256 (snapshot.index_path), read only when an edit needs it (an edit of
    document-control values alone does not): most `check` calls of the pre-commit hook then
    neither read nor write it."""

    def __init__(self, stored: Any) -> None:
        if type(stored) is not dict or type(stored.get("index")) is not str:
            raise ValueError("no record")
        self.stored = stored
        self.holders = _list_of(stored.get("holders"), str)
        self.fields = _list_of(stored.get("fields"), str)
        self.stated = _list_of(stored.get("stated"), str)
        self._read = False

    def _index(self) -> None:
        if self._read:
            return
        digest = self.stored["index"]
        try:
            data = safe_open.read_regular(snapshot.index_path(digest), limit=snapshot.MAX_SNAPSHOT)
            if hashlib.sha256(data).hexdigest() != digest:
                raise ValueError("another index")
            index = json.loads(data)
        except (OSError, ValueError) as error:
            raise ValueError("no index") from error
        if type(index) is not dict:
            raise ValueError("no index")
        self._paths = _list_of(index.get("paths"), str)
        self._ids = _positions(index.get("ids"))
        self._names = _positions(index.get("names"))
        standing = index.get("standing")
        if type(standing) is not dict:
            raise ValueError("no standing")
        self._standing: dict[str, Any] = standing
        self._facts = _list_of(index.get("facts"), list)
        if len(self._facts) != len(self._paths):
            raise ValueError("not a fact per document")
        self._table = facts.Table(_list_of(index.get("clauses"), str))
        self._position = {path: number for number, path in enumerate(self._paths)}
        self._read = True

    @property
    def paths(self) -> list[str]:
        self._index()
        return self._paths

    @property
    def position(self) -> dict[str, int]:
        self._index()
        return self._position

    @property
    def standing(self) -> dict[str, Any]:
        self._index()
        return self._standing

    @property
    def facts(self) -> list[Any]:
        self._index()
        return self._facts

    @property
    def table(self) -> facts.Table:
        self._index()
        return self._table

    def around(self, ids: set[str]) -> set[str]:
        """The paths of the documents that have one of these ids or name one of them."""
        self._index()
        found: set[int] = set()
        for each in ids:
            found.update(self._ids.get(each, ()))
            found.update(self._names.get(each, ()))
        paths, count = self._paths, len(self._paths)
        if not all(type(index) is int and 0 <= index < count for index in found):
            raise ValueError("not a position")
        return {paths[index] for index in found}

    def in_order(self, paths: Iterable[str]) -> list[str]:
        """These paths (each a document of the run) in document order; KeyError for another."""
        return sorted(paths, key=self.position.__getitem__)

    def renewed(
        self,
        edits: Mapping[str, tuple[Document, Document]],
        now: Repository,
        standing: Mapping[str, Any],
    ) -> dict[str, Any]:
        """The record as `context_of` would make it with the edited documents as they are now
        (in `now`, an index holding them) and the rules' `standing` updated; the one stored,
        when its index was not read (nothing in it can have changed then)."""
        if not self._read:
            return self.stored
        for path, (old, new) in edits.items():
            index = self._position[path]
            _move(self._ids, index, _id_of(old), _id_of(new))
            _move(self._names, index, targets_of(old, self.fields), targets_of(new, self.fields))
            cited = now.citations.get(path, ())
            self._facts[index] = facts.fact_of(new, cited, self.stated, self._table)
        self._standing.update(standing)
        index = {
            "paths": self._paths,
            "ids": self._ids,
            "names": self._names,
            "standing": self._standing,
            "facts": self._facts,
            "clauses": self._table.texts,
        }
        digest = _saved(index)
        if digest is None:
            raise ValueError("the index cannot be kept")
        return {**self.stored, "index": digest}


def _id_of(document: Document) -> list[str]:
    return [document.id] if document.id else []


def _move(index: dict[str, list[int]], position: int, was: list[str], now: list[str]) -> None:
    """`position` no longer under the keys of `was`, and under those of `now`."""
    for key in dict.fromkeys(was):
        held = index.get(key, [])
        if position in held:
            held.remove(position)
        if not held:
            index.pop(key, None)
    for key in dict.fromkeys(now):
        held = index.setdefault(key, [])
        if position not in held:
            insort(held, position)


def _list_of(value: Any, kind: type) -> list:
    if type(value) is not list or not all(type(item) is kind for item in value):
        raise ValueError("not a list")
    return value


def _positions(value: Any) -> dict[str, list[int]]:
    """A mapping of keys to document positions; checked where it is read (`around`)."""
    if type(value) is not dict:
        raise ValueError("not an index")
    return value
