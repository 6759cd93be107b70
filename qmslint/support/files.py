"""Small file helpers shared by the CLI, the baseline and the cache."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path


def shown(path: Path, root: Path) -> str:
    """How a path is named in messages: repository-relative when it lies inside the root."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


class NotRegular(OSError):
    """The output path is a device, FIFO, socket or directory: it is never replaced."""


def check_writable(path: Path) -> None:
    """Raise NotRegular unless `path` is missing or a regular file (symlinks followed).

    `-o json:/dev/null` must not replace the device node with a regular file (the atomic
    rename would), so output goes only to regular files or to `-` (SPEC §10).
    """
    special = ("/dev/", "/proc/", "/sys/")
    real = os.path.realpath(path)
    if real.startswith(special) or os.path.abspath(path).startswith(special):  # /dev/stdout …
        raise NotRegular(
            errno.EINVAL,
            "it is a device or process file; output goes only to regular files or to '-'",
            str(path),
        )
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # missing (it will be made), or write_atomically reports why not
    if not stat.S_ISREG(mode):
        kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file (a device or FIFO?)"
        raise NotRegular(
            errno.EINVAL,
            f"it is {kind}; output goes only to regular files or to '-' (standard output)",
            str(path),
        )


def write_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write through a temporary file beside `path`: nobody ever sees half a file.

    `mode`: the permission bits to give the file (`--fix` keeps a document's own); by default
    0666 less the umask.

    Raises OSError (NotRegular when `path` is a device or another non-regular file); the
    temporary file is removed when writing fails or the run is interrupted (Ctrl-C, SIGTERM).
    """
    check_writable(path)
    path = Path(os.path.realpath(path))  # through a symlink: replace its target, not the link
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        # mkstemp's 0600 would hide reports from CI
        os.chmod(temporary, 0o666 & ~_umask() if mode is None else mode)
        os.replace(temporary, path)
    except BaseException:  # also KeyboardInterrupt and the SystemExit of a SIGTERM
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
