"""Where qmslint's cache lives and whether to use it, apart from the cache itself: the warm path
(snapshot.py) needs these two answers before anything heavier is imported."""

from __future__ import annotations

import os


def wanted(no_cache: bool = False) -> bool:
    """Whether to cache: not with `--no-cache`, nor with QMSLINT_NO_CACHE set."""
    return not no_cache and os.environ.get("QMSLINT_NO_CACHE", "") in ("", "0")


def location() -> str:
    """QMSLINT_CACHE_DIR, else the user's cache directory (platformdirs, or XDG's rule)."""
    explicit = os.environ.get("QMSLINT_CACHE_DIR")
    if explicit:
        return explicit
    try:
        import platformdirs
    except ImportError:  # the usual place where platformdirs is missing
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        return os.path.join(base, "qmslint")
    return platformdirs.user_cache_dir("qmslint", appauthor=False)
