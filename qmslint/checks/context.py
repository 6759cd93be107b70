"""What a check function sees (`CheckContext`): the index, its rule and options, the run's
settings, and the one way a finding is made."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qmslint import clauses as clause_ids
from qmslint.index.devices import as_list, device_matches
from qmslint.index.repository import Repository
from qmslint.model import Device, Document, Field, Finding, Position, Severity
from qmslint.packs.rules import Rule
from qmslint.support import patterns


@dataclass(frozen=True)
class CheckSettings:
    """The configuration values check kinds read."""

    review_interval_months: int = 24
    id_pattern: str | None = None


@dataclass
class Shared:
    """What every rule of one run shares: selector results are computed once."""

    repo: Repository
    today: dt.date
    active_rules: Mapping[str, Rule]
    settings: CheckSettings = field(default_factory=CheckSettings)
    selections: dict[str, list[Document]] = field(default_factory=dict)
    assessments: dict[str, list[Any]] = field(default_factory=dict)  # existence.assess, by rule
    memo: dict[str, Any] = field(default_factory=dict)  # what a check kind works out once a run
    standings: bool = True  # whether rules note their standing (CheckKind.standing)
    # near misses of documents left out of `repo`, by (rule id, device id or ""): a later
    # `check` decides a requirement over a few documents (qmslint/incremental)
    unseen: dict[tuple[str, str], int] = field(default_factory=dict)
    _index: _Index | None = field(default=None, repr=False)
    _covering: dict[str, list[Document]] = field(default_factory=dict, repr=False)

    def covering(self, clause: str) -> list[Document]:
        """The documents covering a clause written in a selector, asked once per run (rules
        and their near misses select the same clauses)."""
        found = self._covering.get(clause)
        if found is None:
            found = self._covering[clause] = self.repo.documents_covering(clause_ids.parse(clause))
        return found

    def narrowed(self, statuses: list[Any], types: list[Any]) -> set[int] | None:
        """The documents (by `id`) with metadata whose status and type may match a selector's,
        from an index built once per run; None when neither narrows. A superset: the
        selector's own test decides each of them."""
        if not statuses and not types:
            return None
        if self._index is None:
            self._index = _Index.of(self.repo.documents)
        # not kept per pair of statuses and types: sets of every document's id would hold more
        # than the documents do at 100,000; `select` keeps what each selector selects
        index = self._index
        found = index.among(index.by_type, types) if types else None
        if statuses:
            in_force = self.repo.settings.in_force
            wanted = [*statuses, *in_force] if "in-force" in statuses else statuses
            by_status = index.among(index.by_status, wanted)
            found = by_status if found is None else found & by_status
        return found


@dataclass
class _Index:
    """The documents with metadata (by `id`) by type and by status; `odd` holds those whose
    type or status cannot be a key (a list, say)."""

    by_type: dict[Hashable, set[int]]
    by_status: dict[Hashable, set[int]]
    odd: set[int]

    @classmethod
    def of(cls, documents: list[Document]) -> _Index:
        made = cls({}, {}, set())
        for document in documents:
            if not document.has_metadata:
                continue
            key = id(document)
            try:
                made.by_type.setdefault(document.type, set()).add(key)
                made.by_status.setdefault(document.status, set()).add(key)
            except TypeError:
                made.odd.add(key)
        return made

    def among(self, index: dict[Hashable, set[int]], values: list[Any]) -> set[int]:
        """The documents whose value (type or status) may equal one of `values`."""
        found = set(self.odd)
        for value in values:
            try:
                found |= index.get(value, set())
            except TypeError:  # an unhashable value equals no key, only an odd one
                continue
        return found


class CheckContext:
    """What a check function sees: the index, its rule and options, and finding helpers."""

    def __init__(self, shared: Shared, rule: Rule) -> None:
        self.shared = shared
        self.repo = shared.repo
        self.rule = rule
        self.options = rule.options
        self.today = shared.today
        self.settings = shared.settings

    # -- selecting documents -------------------------------------------------------------

    def select(
        self, selector: Mapping[str, Any] | None, default_status: str = "any"
    ) -> list[Document]:
        """Documents with metadata matching a selector (status `in-force` by config)."""
        selector = dict(selector or {})
        selector.setdefault("status", default_status)
        cache_key = repr(sorted(selector.items()))
        cached = self.shared.selections.get(cache_key)
        if cached is None:
            matches = self._matcher(selector)
            cached = [doc for doc in self._candidates(selector) if matches(doc)]
            self.shared.selections[cache_key] = cached
        return cached

    def _candidates(self, selector: Mapping[str, Any]) -> list[Document]:
        """The documents a selector may match, in the order of its result: by status and type
        from the run's index, and by the clauses they cite."""
        statuses = as_list(selector.get("status"))
        allowed = self.shared.narrowed(
            [] if "any" in statuses else statuses, as_list(selector.get("type"))
        )
        documents = self.repo.documents
        if "clauses" not in selector:
            return documents if allowed is None else [d for d in documents if id(d) in allowed]
        found: dict[str, Document] = {}
        for text in selector["clauses"]:
            for doc in self.shared.covering(text):
                found[doc.path] = doc
        citing = [found[path] for path in sorted(found)]
        return citing if allowed is None else [d for d in citing if id(d) in allowed]

    def _matcher(self, selector: Mapping[str, Any]) -> Callable[[Document], bool]:
        """The selector as a test of one document: its options are read once, not per
        document (a selection runs over every document of the repository)."""
        status = as_list(selector.get("status"))
        if "any" in status:
            status = []
        in_force = "in-force" in status
        repo = self.repo
        types = as_list(selector.get("type"))
        by_id, id_pattern = "id_pattern" in selector, selector.get("id_pattern")
        by_title, title_pattern = "title_pattern" in selector, selector.get("title_pattern")
        has = as_list(selector.get("has"))
        by_device, for_device = "for_device" in selector, selector.get("for_device")

        def matches(doc: Document) -> bool:
            if not doc.has_metadata:
                return False
            if status and not (in_force and repo.in_force(doc)) and doc.status not in status:
                return False
            if types and doc.type not in types:
                return False
            if by_id and not patterns.search(id_pattern, doc.id or ""):
                return False
            if by_title and not patterns.search(
                title_pattern, str(doc.get("title") or ""), ignore_case=True
            ):
                return False
            if any(name not in doc.fields for name in has):
                return False
            if by_device:
                return any(device_matches(device, for_device) for device in repo.devices_for(doc))
            return True

        return matches

    def devices(self, match: Mapping[str, Any] | list[Mapping[str, Any]] | None) -> list[Device]:
        """The devices meeting a match, or any of a list of matches (all when none)."""
        if not match:
            return list(self.repo.devices)
        matches = match if isinstance(match, list) else [match]
        return [d for d in self.repo.devices if any(device_matches(d, m) for m in matches)]

    # -- making findings --------------------------------------------------------------------

    def finding(
        self,
        message: str,
        document: Document | None = None,
        field_: Field | None = None,
        item: Any = None,
        key: str = "",
        position: Position | None = None,
        path: str | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of this rule; positioned at the field (or list item) when one is given.

        `path` points a finding that belongs to no document at a file (the config, say);
        `severity` lowers the rule's for this finding (a value asked for but not stated).
        """
        if document is not None and position is None:
            if field_ is not None:
                position = field_.position_of(item) if item is not None else field_.position
            else:
                position = Position(1, 1)
        return self.rule.finding(
            message,
            path=document.path if document else path,
            position=position,
            document=document.id if document else None,
            key=key or (field_.name if field_ else ""),
            severity=severity,
        )


def describe(document: Document) -> str:
    return f"{document.id} ({document.path})" if document.id else document.path
