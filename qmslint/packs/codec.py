"""A loaded `Pack` as JSON values and back, for the on-disk cache (support/cache.py).

`decode` checks the type of every value as it rebuilds the pack and raises on anything else, so
a corrupted or foreign cache entry is recomputed, never trusted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qmslint.model import Severity
from qmslint.packs.rules import Pack, Profile, Rule
from qmslint.support.cache import Codec


def encode(pack: Pack) -> dict[str, Any]:
    return {
        "name": pack.name,
        "version": pack.version,
        "path": str(pack.path),
        "description": pack.description,
        "origin": pack.origin,
        "rules": [
            {
                "id": rule.id,
                "title": rule.title,
                "severity": rule.severity.value,
                "references": list(rule.references),
                "explanation": rule.explanation,
                "fix": rule.fix,
                "check": dict(rule.check),
                "when": rule.when,
                "pack": rule.pack,
                "source": rule.source,
                "unverified": rule.unverified,
                "tags": list(rule.tags),
                "reports": rule.reports,
                "fixable": rule.fixable,
            }
            for rule in pack.rules
        ],
        "profiles": [
            {
                "name": profile.name,
                "title": profile.title,
                "description": profile.description,
                "extends": list(profile.extends),
                "rules": list(profile.rules),
                "overrides": dict(profile.overrides),
                "pack": profile.pack,
                "source": profile.source,
            }
            for profile in pack.profiles
        ],
    }


def _get(data: Any, key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(data, dict):
        raise TypeError("not a mapping")
    value = data[key]
    if not isinstance(value, kind):
        raise TypeError(f"{key}: not {kind}")
    return value


def _strings(data: Any, key: str) -> tuple[str, ...]:
    items = _get(data, key, list)
    if not all(isinstance(item, str) for item in items):
        raise TypeError(f"{key}: not a list of strings")
    return tuple(items)


def _string_map(data: Any, key: str, optional: bool = False) -> dict[str, str] | None:
    value = data.get(key) if optional else _get(data, key, dict)
    if value is None and optional:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise TypeError(f"{key}: not a mapping of strings")
    return dict(value)


def decode(data: Any) -> Pack:
    pack = Pack(
        name=_get(data, "name", str),
        version=_get(data, "version", str),
        path=Path(_get(data, "path", str)),
        description=_get(data, "description", str),
        origin=_get(data, "origin", str),
    )
    for item in _get(data, "rules", list):
        when = item.get("when") if isinstance(item, dict) else None
        if when is not None and not isinstance(when, dict):
            raise TypeError("when: not a mapping")
        pack.rules.append(
            Rule(
                id=_get(item, "id", str),
                title=_get(item, "title", str),
                severity=Severity(_get(item, "severity", str)),
                references=_strings(item, "references"),
                explanation=_get(item, "explanation", str),
                fix=_get(item, "fix", str),
                check=_get(item, "check", dict),
                when=when,
                pack=_get(item, "pack", str),
                source=_get(item, "source", str),
                unverified=_get(item, "unverified", bool),
                tags=_strings(item, "tags"),
                reports=_string_map(item, "reports", optional=True),
                fixable=_get(item, "fixable", str) if item.get("fixable") is not None else None,
            )
        )
    for item in _get(data, "profiles", list):
        pack.profiles.append(
            Profile(
                name=_get(item, "name", str),
                title=_get(item, "title", str),
                description=_get(item, "description", str),
                extends=_strings(item, "extends"),
                rules=_strings(item, "rules"),
                overrides=_string_map(item, "overrides"),
                pack=_get(item, "pack", str),
                source=_get(item, "source", str),
            )
        )
    return pack


PACK = Codec(encode, decode)
