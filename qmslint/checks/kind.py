"""What a check kind is: a named Python function with a JSON Schema for its options, and the
option-schema vocabulary (selectors, device matches) that kinds share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qmslint.model import Finding

if TYPE_CHECKING:
    from qmslint.checks.context import CheckContext

CheckFunction = Callable[["CheckContext"], Iterable[Finding]]
Standing = Callable[["CheckContext"], Any]


@dataclass(frozen=True)
class CheckKind:
    name: str
    function: CheckFunction
    options_schema: dict[str, Any] | None = None
    description: str = ""
    # What a later `check` may know of a rule's result without running it (JSON values, run
    # after the check: qmslint/incremental): kinds without it are run again when an edit may
    # change what they say.
    standing: Standing | None = None


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
