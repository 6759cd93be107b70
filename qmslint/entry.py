"""The `qmslint` command (the console script and `python -m qmslint`): a warm `check` is
replayed from its snapshot before the CLI (and with it the rule packs, the readers and the
formatters) is even imported (snapshot.py).

The process ends without freeing what the run made, as mypy's does: its output is flushed and
nothing is left to do (no thread runs, every file written is closed and renamed into place),
while freeing a repository's documents object by object would cost a cold run of 10,000 of
them 0.06 s. `qmslint.cli.main` itself returns as any function does.
"""

from __future__ import annotations

import os
import sys

from qmslint import snapshot


def main() -> int:
    return _ended(_run(sys.argv[1:]))


def _run(argv: list[str]) -> int:
    attempt = snapshot.replay(argv)
    if attempt.code is not None:
        return attempt.code
    from qmslint.cli import main as run_cli

    return run_cli(argv, attempt=attempt)


def _ended(code: int) -> int:
    """Exit now with `code` once the output is out; when it cannot be flushed (a closed pipe),
    return it instead, so that the interpreter ends as it always does."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return code
    os._exit(code)
