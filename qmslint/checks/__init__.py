"""Check kinds: the vocabulary rules are written in (SPEC §5).

A check kind is a named Python function with a JSON Schema for its options. Built-in kinds and
kinds from plugins are registered the same way (the `qmslint_check_kinds` hook). A check gets a
`CheckContext` (the repository index, the rule, its options) and yields findings; it selects
documents through the context, whose selector results are shared by every rule of the run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qmslint import clauses as clause_ids
from qmslint.model import Device, Document, Field, Finding, Position
from qmslint.repository import Repository
from qmslint.rules import Rule

CheckFunction = Callable[["CheckContext"], Iterable[Finding]]


@dataclass(frozen=True)
class CheckKind:
    name: str
    function: CheckFunction
    options_schema: dict[str, Any] | None = None
    description: str = ""


# ----------------------------------------------------------------------------- option schemas

FACT_VALUE: dict[str, Any] = {"$ref": "#/$defs/fact"}
DEFS: dict[str, Any] = {
    "fact": {
        "oneOf": [
            {"type": ["string", "boolean", "number"]},
            {"type": "array", "items": {"type": ["string", "boolean", "number"]}},
            {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "min": {"type": "number"},
                    "max": {"type": "number"},
                    "present": {"type": "boolean"},
                },
            },
        ]
    },
    "deviceMatch": {"type": "object", "additionalProperties": FACT_VALUE, "minProperties": 1},
    "words": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
    "selector": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "type": {"$ref": "#/$defs/words"},
            "status": {"$ref": "#/$defs/words"},
            "clauses": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "id_pattern": {"type": "string", "format": "regex"},
            "title_pattern": {"type": "string", "format": "regex"},
            "has": {"$ref": "#/$defs/words"},
            "for_device": {"$ref": "#/$defs/deviceMatch"},
        },
    },
}


def options_schema(properties: dict[str, Any], required: Iterable[str] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": list(required),
        "$defs": DEFS,
    }


SELECTOR: dict[str, Any] = {"$ref": "#/$defs/selector"}
DEVICE_MATCH: dict[str, Any] = {"$ref": "#/$defs/deviceMatch"}
# one device match, or a list of them of which a device must meet any
DEVICE_MATCHES: dict[str, Any] = {
    "oneOf": [DEVICE_MATCH, {"type": "array", "items": DEVICE_MATCH, "minItems": 1}]
}


# ----------------------------------------------------------------------------- matching


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple, set)) else [value]


def fact_matches(actual: Any, expected: Any) -> bool:
    """Device facts: a list fact (markets) matches when it holds an expected value."""
    if isinstance(expected, dict):
        if "present" in expected and (actual not in (None, "", [])) != expected["present"]:
            return False
        if not isinstance(actual, (int, float)) or isinstance(actual, bool):
            return not ({"min", "max"} & set(expected))
        return actual >= expected.get("min", actual) and actual <= expected.get("max", actual)
    wanted = as_list(expected)
    if isinstance(actual, (list, tuple)):
        return any(item in wanted for item in actual)
    return actual in wanted


def device_matches(device: Device, match: Mapping[str, Any]) -> bool:
    for fact, expected in match.items():
        actual = device.id if fact == "id" else device.fact(fact)
        if not fact_matches(actual, expected):
            return False
    return True


def evaluate(condition: Mapping[str, Any] | None, repo: Repository) -> bool | None:
    """Whether a rule's `when` holds; None when the device portfolio needed is not declared."""
    if not condition:
        return True
    (key, value), *_ = condition.items()
    if key in ("any_device", "no_device"):
        if not repo.devices:
            return None
        found = any(device_matches(device, value) for device in repo.devices)
        return found if key == "any_device" else not found
    if key == "market":
        if not repo.markets:
            return None
        return value in repo.markets
    if key == "not":
        inner = evaluate(value, repo)
        return None if inner is None else not inner
    results = [evaluate(item, repo) for item in value]
    if key == "all":
        if any(result is False for result in results):
            return False
        return None if None in results else True
    if any(result is True for result in results):  # "any"
        return True
    return None if None in results else False


# ----------------------------------------------------------------------------- context


@dataclass
class Shared:
    """What every rule of one run shares: selector results are computed once."""

    repo: Repository
    today: dt.date
    active_rules: Mapping[str, Rule]
    selections: dict[str, list[Document]] = field(default_factory=dict)


class CheckContext:
    """What a check function sees: the index, its rule and options, and finding helpers."""

    def __init__(self, shared: Shared, rule: Rule) -> None:
        self.shared = shared
        self.repo = shared.repo
        self.rule = rule
        self.options = rule.options
        self.today = shared.today

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
        if "id_pattern" in selector and not re.search(selector["id_pattern"], doc.id or ""):
            return False
        if "title_pattern" in selector and not re.search(
            selector["title_pattern"], str(doc.get("title") or ""), re.IGNORECASE
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
    ) -> Finding:
        """A finding of this rule; positioned at the field (or list item) when one is given."""
        if document is not None and position is None:
            if field_ is not None:
                position = field_.position_of(item) if item is not None else field_.position
            else:
                position = Position(1, 1)
        return Finding(
            rule=self.rule.id,
            severity=self.rule.severity,
            message=message,
            path=document.path if document else None,
            position=position,
            document=document.id if document else None,
            references=self.rule.references,
            key=key or (field_.name if field_ else ""),
        )


def describe(document: Document) -> str:
    return f"{document.id} ({document.path})" if document.id else document.path
