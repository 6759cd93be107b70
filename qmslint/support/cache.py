"""A small on-disk cache for work that does not change between runs (loaded rule packs).

Entries are keyed by a digest of everything the result depends on (file bytes, qmslint's version,
the check kinds' option schemas), so a stale entry is never used: it is simply not found. A broken
or unwritable cache is ignored, never an error. `--no-cache` or QMSLINT_NO_CACHE=1 turns it off:
the run setup makes one `Cache` and hands it to whatever caches, so there is no global switch.

Entries are data, never code: one JSON file per entry, `{"format", "kind", "key", "value"}`,
written and read through a `Codec` of the kind (a function to JSON values and one back that
validates as it rebuilds). Whoever can write the cache folder can at worst make qmslint compute
afresh: an entry that is not valid JSON, names another kind or key, or that the codec refuses
(any exception) is ignored and recomputed, never trusted and never a traceback. The document
cache can use the same format with a codec of its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from qmslint import __version__
from qmslint.support import files, safe_open
from qmslint.support.cachedir import location, wanted

__all__ = ["PLAIN", "Cache", "Codec", "clear", "digest", "directory", "wanted"]

T = TypeVar("T")


def directory() -> Path:
    return Path(location())


def clear() -> int:
    """Remove the entries `Cache.cached` wrote (the pack cache); how many files."""
    removed = 0
    root = directory()
    for path in sorted(root.glob("*/*.json")) if root.is_dir() else []:
        if path.parent.name == "documents":
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed += 1
    return removed


def digest(*parts: bytes | str) -> str:
    hasher = hashlib.sha256(__version__.encode())
    for part in parts:
        hasher.update(b"\0")
        hasher.update(part.encode() if isinstance(part, str) else part)
    return hasher.hexdigest()


FORMAT = 1
MAX_ENTRY = 64 * 1024 * 1024  # bytes: a larger file in the cache folder is not ours


@dataclass(frozen=True)
class Codec(Generic[T]):
    """How one kind of value is stored: `encode` to JSON values, `decode` back (raising on
    anything unexpected: the entry is then recomputed)."""

    encode: Callable[[T], Any]
    decode: Callable[[Any], T]


def _plain(value: Any) -> Any:
    json.dumps(value)  # raises for what JSON cannot hold
    return value


PLAIN: Codec[Any] = Codec(_plain, _plain)  # values that are JSON already


@dataclass(frozen=True)
class Cache:
    """The cache of one run; `Cache(False)` computes everything afresh."""

    enabled: bool = True

    def cached(self, kind: str, key: str, compute: Callable[[], T], codec: Codec[T] = PLAIN) -> T:
        """`compute()` once per key; later runs load the stored result through `codec`."""
        if not self.enabled:
            return compute()
        path = directory() / kind / f"{key}.json"
        found = _load(path, kind, key, codec)
        if found is not _MISSING:
            return found
        value = compute()
        with contextlib.suppress(Exception):  # unwritable, or a value the codec cannot store
            entry = {"format": FORMAT, "kind": kind, "key": key, "value": codec.encode(value)}
            data = json.dumps(entry, ensure_ascii=True, separators=(",", ":")).encode("ascii")
            files.write_atomically(path, data)
        return value


_MISSING: Any = object()


def _load(path: Path, kind: str, key: str, codec: Codec[T]) -> T:
    """The stored value, or _MISSING for an absent, foreign, corrupt or refused entry."""
    try:
        entry = json.loads(safe_open.read_regular(path, limit=MAX_ENTRY))
        if (
            not isinstance(entry, dict)
            or entry.get("format") != FORMAT
            or entry.get("kind") != kind
            or entry.get("key") != key
            or "value" not in entry
        ):
            return _MISSING
        return codec.decode(entry["value"])
    except Exception:  # not found, not JSON, or the codec refused it: compute afresh
        return _MISSING
