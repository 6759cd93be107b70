"""Small file helpers shared by the CLI, the baseline and the cache."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def shown(path: Path, root: Path) -> str:
    """How a path is named in messages: repository-relative when it lies inside the root."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file beside `path`: nobody ever sees half a file.

    Raises OSError; the temporary file is removed when writing fails.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600 would hide reports from CI
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
