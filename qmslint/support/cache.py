"""A small on-disk cache for work that does not change between runs (loaded rule packs).

Entries are keyed by a digest of everything the result depends on (file bytes, qmslint's version,
the check kinds' option schemas), so a stale entry is never used: it is simply not found. A broken
or unwritable cache is ignored, never an error. `--no-cache` or QMSLINT_NO_CACHE=1 turns it off:
the run setup makes one `Cache` and hands it to whatever caches, so there is no global switch.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from qmslint import __version__
from qmslint.support import files

T = TypeVar("T")


def wanted(no_cache: bool = False) -> bool:
    """Whether to cache: not with `--no-cache`, nor with QMSLINT_NO_CACHE set."""
    return not no_cache and os.environ.get("QMSLINT_NO_CACHE", "") in ("", "0")


def directory() -> Path:
    explicit = os.environ.get("QMSLINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "qmslint"


def digest(*parts: bytes | str) -> str:
    hasher = hashlib.sha256(__version__.encode())
    for part in parts:
        hasher.update(b"\0")
        hasher.update(part.encode() if isinstance(part, str) else part)
    return hasher.hexdigest()


@dataclass(frozen=True)
class Cache:
    """The cache of one run; `Cache(False)` computes everything afresh."""

    enabled: bool = True

    def cached(self, kind: str, key: str, compute: Callable[[], T]) -> T:
        """`compute()` once per key; later runs load the stored result."""
        if not self.enabled:
            return compute()
        return _cached(directory() / kind / f"{key}.pickle", compute)


def _cached(path: Path, compute: Callable[[], T]) -> T:
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        pass
    value = compute()
    with contextlib.suppress(OSError):  # a read-only home is no reason to fail a lint run
        files.write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value
