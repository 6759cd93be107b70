"""The device portfolio (SPEC §3.3): declared in the config or as `type: device` documents, and
the one way device facts are matched against what a rule or selector asks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from qmslint.model import Device, Document, Position
from qmslint.read import validation

DEVICE_FACTS = (
    "name",
    "markets",
    "eu_class",
    "us_class",
    "implantable",
    "active",
    "sterile",
    "measuring",
    "reusable",
    "software",
    "life_supporting",
    "installation",
    "servicing",
    "custom_made",
    "basic_udi_di",
    "lifetime_years",
)
_NO_DEFAULT = ("name", "eu_class", "us_class", "basic_udi_di", "lifetime_years")

DeviceProblem = tuple[str, Position, str]  # (document path, position, message)


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
    """Whether a device has every fact of `match` (`id` matches the device id)."""
    return all(
        fact_matches(device.id if fact == "id" else device.fact(fact), expected)
        for fact, expected in match.items()
    )


def collect(
    declared: Sequence[Mapping[str, Any]],
    positions: Sequence[Position],
    config_name: str,
    documents: Iterable[Document],
) -> tuple[list[Device], list[DeviceProblem]]:
    """Devices from the config's `devices:` and from `type: device` documents, sorted by id."""
    devices: list[Device] = []
    problems: list[DeviceProblem] = []
    for index, entry in enumerate(declared):
        position = positions[index] if index < len(positions) else None
        devices.append(
            Device(
                str(entry["id"]), facts_with_defaults(entry), config_name, position or Position(1)
            )
        )
    for document in documents:
        if document.type != "device":
            continue
        facts = {key: field_.value for key, field_ in document.raw.items() if key in DEVICE_FACTS}
        instance = {"id": document.id or document.path, **facts}
        where = {(key,): f.position for key, f in document.raw.items()}
        found = validation.errors(instance, "config.schema.json#device", where)
        problems += [(document.path, p or Position(1, 1), message) for p, message in found]
        if found:
            continue
        devices.append(
            Device(
                id=document.id or document.path,
                facts=facts_with_defaults(facts),
                path=document.path,
                position=document.position("id"),
            )
        )
    devices.sort(key=lambda device: device.id)
    return devices, problems


def facts_with_defaults(entry: Mapping[str, Any]) -> dict[str, Any]:
    """Every fact of SPEC §3.3; the booleans default to false, `markets` to none."""
    facts: dict[str, Any] = {key: entry.get(key) for key in DEVICE_FACTS}
    for key in DEVICE_FACTS:
        if facts[key] is None and key not in _NO_DEFAULT:
            facts[key] = [] if key == "markets" else False
    return facts
