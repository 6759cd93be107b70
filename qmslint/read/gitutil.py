"""The questions qmslint asks git, through one careful subprocess call."""

from __future__ import annotations

import subprocess
from pathlib import Path


def run_git(args: list[str], cwd: Path, timeout: float = 60) -> bytes | None:
    """git's stdout, or None when git is missing, fails or `cwd` is not in a work tree."""
    try:
        out = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def git_root(start: Path) -> Path | None:
    out = run_git(["rev-parse", "--show-toplevel"], start, timeout=10)
    top = out.decode("utf-8", errors="surrogateescape").strip() if out else ""
    return Path(top).resolve() if top else None


def git_files(root: Path) -> list[str] | None:
    """Tracked and untracked files below root, minus what git ignores (relative POSIX paths)."""
    out = run_git(["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."], root)
    if out is None:
        return None
    names = out.decode("utf-8", errors="surrogateescape").split("\0")
    return sorted({name for name in names if name})


def head_commit(root: Path) -> str | None:
    """The commit checked out at root (for the provenance of a report), if root is in git."""
    out = run_git(["rev-parse", "--verify", "--quiet", "HEAD"], root, timeout=10)
    text = out.decode("ascii", errors="replace").strip() if out else ""
    return text or None


def in_git_checkout(root: Path) -> bool:
    """Whether a `.git` sits in root or a folder above it (git may still refuse it)."""
    return any((folder / ".git").exists() for folder in (root, *root.parents))


def why_not_git(root: Path) -> str:
    """Why git cannot list the files of a checkout: missing, or its own first error line
    (such as "detected dubious ownership")."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--", "."], cwd=root, capture_output=True, timeout=60
        )
    except FileNotFoundError:
        return "git is not installed"
    except (OSError, subprocess.SubprocessError) as exc:
        return f"git could not run: {exc}"
    text = out.stderr.decode("utf-8", "replace").strip().splitlines()
    reason = next((line for line in text if line.strip()), f"git exited {out.returncode}")
    return reason.removeprefix("fatal: ")
