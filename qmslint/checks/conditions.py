"""A rule's `when`: conditions on the device portfolio and markets (SPEC §5)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qmslint.index.devices import device_matches
from qmslint.index.repository import Repository


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
