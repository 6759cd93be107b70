"""What a check function sees (`CheckContext`): the index, its rule and options, the run's
settings, and the one way a finding is made."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
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
            cached = [doc for doc in self._candidates(selector) if self._matches(doc, selector)]
            self.shared.selections[cache_key] = cached
        return cached

    def _candidates(self, selector: Mapping[str, Any]) -> list[Document]:
        if "clauses" not in selector:
            return self.repo.documents
        found: dict[str, Document] = {}
        for text in selector["clauses"]:
            for doc in self.repo.documents_covering(clause_ids.parse(text)):
                found[doc.path] = doc
        return [found[path] for path in sorted(found)]

    def _matches(self, doc: Document, selector: Mapping[str, Any]) -> bool:
        if not doc.has_metadata:
            return False
        status = as_list(selector.get("status"))
        if status and "any" not in status:
            in_force = "in-force" in status and self.repo.in_force(doc)
            if not in_force and doc.status not in status:
                return False
        types = as_list(selector.get("type"))
        if types and doc.type not in types:
            return False
        if "id_pattern" in selector and not patterns.search(selector["id_pattern"], doc.id or ""):
            return False
        if "title_pattern" in selector and not patterns.search(
            selector["title_pattern"], str(doc.get("title") or ""), ignore_case=True
        ):
            return False
        if any(name not in doc.fields for name in as_list(selector.get("has"))):
            return False
        if "for_device" in selector:
            return any(
                device_matches(device, selector["for_device"])
                for device in self.repo.devices_for(doc)
            )
        return True

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
