"""A small on-disk cache for work that does not change between runs (loaded rule packs).

Entries are keyed by a digest of everything the result depends on (file bytes, qmslint's version,
the check kinds' option schemas), so a stale entry is never used: it is simply not found. A broken
or unwritable cache is ignored, never an error. `--no-cache` or QMSLINT_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from qmslint import __version__, files

T = TypeVar("T")
_use = True  # set per run by the CLI's --no-cache


def configure(use: bool) -> None:
    global _use
    _use = use


def enabled() -> bool:
    return _use and os.environ.get("QMSLINT_NO_CACHE", "") in ("", "0")


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


def cached(kind: str, key: str, compute: Callable[[], T]) -> T:
    """`compute()` once per key; later runs load the pickled result."""
    if not enabled():
        return compute()
    path = directory() / kind / f"{key}.pickle"
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        pass
    value = compute()
    with contextlib.suppress(OSError):  # a read-only home is no reason to fail a lint run
        files.write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value
