"""Which files of the repository are documents: include/exclude globs, .gitignore, symlinks.

Inside a git work tree the file list comes from `git ls-files` (tracked and untracked, minus what
git ignores), so .gitignore is honoured exactly as git does. Elsewhere the tree is walked. Hidden
folders are never documents; symlinks that lead out of the repository are reported, not followed.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from qmslint.read.gitutil import git_files, in_git_checkout, why_not_git
from qmslint.read.globs import matches_any


@dataclass(frozen=True, slots=True)  # one per file of a repository of 100,000
class Candidate:
    """A file to read: its repository-relative POSIX path, or why it cannot be read."""

    path: str
    problem: str | None = None  # "symlink-outside", "symlink-broken" or "not-regular"


def list_files(root: Path, warnings: list[str] | None = None) -> list[str]:
    """All files under root as relative POSIX paths; git's view when root is in a work tree.

    When the folder is a git checkout but git cannot list it (git missing, or refusing the
    repository as of "dubious ownership"), the tree is walked and `warnings` says so: the
    files .gitignore names are then read too.
    """
    from_git = git_files(root)
    if from_git is not None:
        return from_git
    if warnings is not None and in_git_checkout(root):
        warnings.append(
            f"git cannot list the files ({why_not_git(root)}): .gitignore is not honoured, "
            "every file under the root is considered"
        )
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = os.path.relpath(folder, root)  # text, not a Path per file: 100,000 files
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        found += [prefix + name for name in files]
    return found


def discover(
    root: Path, include: list[str], exclude: list[str], warnings: list[str] | None = None
) -> list[Candidate]:
    """Documents under root, sorted, honouring include/exclude and never leaving the repository."""
    root = root.resolve()
    base = str(root)
    candidates = []
    for rel in list_files(root, warnings):
        if is_hidden(rel) or not matches_any(rel, include) or matches_any(rel, exclude):
            continue
        full = os.path.join(base, rel)
        try:
            mode = os.lstat(full).st_mode
        except OSError:
            continue  # deleted but still in git's index
        if stat.S_ISLNK(mode):
            try:
                target = Path(full).resolve(strict=True)
            except (OSError, RuntimeError):
                candidates.append(Candidate(rel, "symlink-broken"))
                continue
            if not target.is_relative_to(root):
                candidates.append(Candidate(rel, "symlink-outside"))
                continue
            if not target.is_file() and not target.is_dir():  # a FIFO or a device
                candidates.append(Candidate(rel, "not-regular"))
                continue
            if target.is_dir():
                continue
        elif stat.S_ISDIR(mode):
            continue  # a submodule
        elif not stat.S_ISREG(mode):  # a FIFO, a socket or a device: reported, never opened
            candidates.append(Candidate(rel, "not-regular"))
            continue
        candidates.append(Candidate(rel))
    return candidates


def is_hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in rel.split("/")[:-1]) or rel.startswith(".")


def is_selected(rel: str, include: list[str], exclude: list[str]) -> bool:
    """Whether an explicitly passed file would be a document (pre-commit passes any file)."""
    return not is_hidden(rel) and matches_any(rel, include) and not matches_any(rel, exclude)
