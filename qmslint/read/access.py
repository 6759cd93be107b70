"""File access for documents: which candidates are read, and reading one within the size limit.

Every way a file can fail to be read (a symlink out of the repository, a binary without its
sidecar, an unreadable or oversized file, a sidecar whose binary is gone) becomes a `ReadProblem`
on the document, never an exception and never a silent skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from qmslint.model import ReadProblem
from qmslint.read.discovery import Candidate
from qmslint.support import safe_open

MAX_BYTES = 2 * 1024 * 1024  # metadata sits at the top; a larger file is read up to here
MAX_WORD_BYTES = 64 * 1024 * 1024  # a .docx is a zip read whole (its own limits are in read.docx)
READ_DIRECTLY = (".docx",)  # binary documents a reader reads without a sidecar
BINARY_SUFFIXES = (".docx", ".doc", ".pdf", ".xlsx", ".xls", ".pptx", ".odt", ".ods")
SIDECAR_SUFFIXES = tuple(
    f"{suffix}{ext}" for suffix in BINARY_SUFFIXES for ext in (".yaml", ".yml")
)
_CANDIDATE_PROBLEMS = {  # discovery's reason -> (problem code, message)
    "symlink-outside": (
        "symlink-outside",
        "symlink points outside the repository; it is not followed",
    ),
    "symlink-broken": ("symlink-outside", "symlink points to nothing"),
    "not-regular": ("unreadable", "not a regular file (a FIFO, socket or device); it is not read"),
}


def documents_among(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The candidates that are documents: a binary with a sidecar is read through the sidecar."""
    candidates = list(candidates)
    paths = {candidate.path for candidate in candidates}
    return [c for c in candidates if not has_sidecar(c.path, paths)]


def has_sidecar(path: str, paths: set[str]) -> bool:
    return path.lower().endswith(BINARY_SUFFIXES) and (
        f"{path}.yaml" in paths or f"{path}.yml" in paths
    )


def candidate_problem(candidate: Candidate) -> ReadProblem | None:
    """Why discovery already knows this candidate cannot be read, if it does."""
    if candidate.problem:
        return ReadProblem(*_CANDIDATE_PROBLEMS[candidate.problem])
    lowered = candidate.path.lower()
    if lowered.endswith(BINARY_SUFFIXES) and not lowered.endswith(READ_DIRECTLY):
        name = Path(candidate.path).name
        return ReadProblem(
            "missing-sidecar", f"binary document has no metadata: add a sidecar '{name}.yaml'"
        )
    return None


def read_bytes(root: Path, rel: str) -> tuple[bytes | None, list[ReadProblem]]:
    """The file's bytes up to its limit (None if it cannot be read), with what went wrong."""
    whole = rel.lower().endswith(READ_DIRECTLY)
    limit = MAX_WORD_BYTES if whole else MAX_BYTES
    try:  # only a regular file inside the root, and never more than limit + 1
        data = safe_open.read_regular(os.path.join(root, rel), root, limit, truncate=True)
    except OSError as exc:
        return None, [ReadProblem("unreadable", f"cannot read: {exc.strerror}")]
    if len(data) <= limit:
        return data, []
    megabytes = limit // (1024 * 1024)
    if whole:  # half a zip is no document: say so instead of reading garbage
        return None, [ReadProblem("too-large", f"file is larger than {megabytes} MiB; not read")]
    problem = ReadProblem(
        "too-large", f"file is larger than {megabytes} MiB; only its start was read"
    )
    return data[:MAX_BYTES], [problem]


def orphan_sidecar(root: Path, rel: str, paths: set[str]) -> ReadProblem | None:
    """A sidecar whose binary document is missing."""
    if not rel.lower().endswith(SIDECAR_SUFFIXES):
        return None
    binary = rel.rsplit(".", 1)[0]
    if binary in paths or (root / binary).exists():
        return None
    return ReadProblem("orphan-sidecar", f"sidecar describes '{binary}', which is missing")
