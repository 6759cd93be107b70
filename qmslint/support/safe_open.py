"""Reading a file the user's repository supplies: only a regular file, only inside the root.

Documents, configs, rule packs and baselines are read through `read_regular`: a FIFO, a device,
a directory or a socket is refused before it is opened for reading (a FIFO would block, `/dev/zero`
never ends), a path that resolves out of `root` (a symlink to `/etc/shadow`) is refused, and no
more than `limit` bytes are ever read. Refusals are `UnsafeFile`, an OSError whose `strerror`
says what is wrong, so callers that already report `OSError.strerror` need no new branch.
"""

from __future__ import annotations

import errno
import os
import stat  # (no pathlib: the warm path, snapshot.py, reads through here)

DEFAULT_LIMIT = 16 * 1024 * 1024  # a config, pack or baseline larger than this is refused


class UnsafeFile(OSError):
    """A file qmslint will not read (not regular, outside the repository, too large)."""

    def __init__(self, reason: str, path: str | os.PathLike[str]) -> None:
        super().__init__(errno.EINVAL, reason, str(path))


def kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def outside(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> bool:
    """Whether `path`, with every symlink followed, lies outside `root`."""
    if _plain_below(path, root) is not None:
        return False
    return _resolved_outside(path, root)


def _plain_below(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> int | None:
    """The mode of `path` when it is `root` joined with plain names (no empty part, `.` or
    `..`) of which none is a symlink, else None (also when one is missing or unreadable).

    Why: the real path of such a path is the real path of `root` joined with those names, so it
    lies inside `root`. That is proved with one `lstat` per name below the root, where `realpath`
    walks every folder from `/` (a run checks every document); and since the file itself is no
    symlink, its `lstat` mode is the mode `os.stat` would give. Anything else (a symlink on the
    way, a name that does not exist) is left to `_resolved_outside`, which follows symlinks."""
    if os.name != "posix":
        return None
    given, full = os.fspath(root), os.fspath(path)
    base = given.rstrip("/")
    if not isinstance(full, str) or not full.startswith(base + "/") or not given:
        return None
    current = base
    mode = None
    for name in full[len(base) + 1 :].split("/"):
        if name in ("", ".", ".."):
            return None
        current = f"{current}/{name}"
        try:
            mode = os.lstat(current).st_mode
        except (OSError, ValueError):
            return None
        if stat.S_ISLNK(mode):
            return None
    return mode


def _resolved_outside(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> bool:
    """`outside` by resolving every symlink.

    A real path holds no symlink, `.` or `..`: one that lies under an absolute `root` as given
    proves `root` real too (a run passes its resolved root), so `root` is resolved only
    otherwise, which spares one `realpath` (a walk of every folder up to `/`) per document."""
    real = os.path.realpath(path)
    given = os.fspath(root)
    if os.path.isabs(given) and _within(real, given):
        return False
    return not _within(real, os.path.realpath(root))


def _within(real: str, base: str) -> bool:
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def check_regular(path: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> None:
    """Raise UnsafeFile unless `path` is a regular file (inside `root` when given)."""
    mode = _plain_below(path, root) if root is not None else None
    if mode is None:
        if root is not None and _resolved_outside(path, root):
            raise UnsafeFile("it is a symlink out of the repository; it is not read", path)
        mode = os.stat(path).st_mode  # follows symlinks: OSError when missing or broken
    if not stat.S_ISREG(mode):
        raise UnsafeFile(f"it is {kind_of(mode)}, not a regular file; it is not read", path)


def read_regular(
    path: str | os.PathLike[str],
    root: str | os.PathLike[str] | None = None,
    limit: int = DEFAULT_LIMIT,
    *,
    truncate: bool = False,
) -> bytes:
    """The bytes of a regular file; more than `limit` is an UnsafeFile unless `truncate`
    (then `limit + 1` bytes are returned, so the caller can tell the file was longer)."""
    check_regular(path, root)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(descriptor).st_mode  # the file swapped since the check?
        if not stat.S_ISREG(mode):
            raise UnsafeFile(f"it is {kind_of(mode)}, not a regular file; it is not read", path)
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(descriptor, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(descriptor)
    data = b"".join(chunks)
    if len(data) > limit and not truncate:
        raise UnsafeFile(f"it is larger than {limit // (1024 * 1024)} MiB; it is not read", path)
    return data
