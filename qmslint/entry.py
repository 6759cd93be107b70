"""The `qmslint` command: a warm `check` is replayed from its snapshot before the CLI (and with
it the rule packs, the readers and the formatters) is even imported (snapshot.py)."""

from __future__ import annotations

import sys

from qmslint import snapshot


def main() -> int:
    argv = sys.argv[1:]
    attempt = snapshot.replay(argv)
    if attempt.code is not None:
        return attempt.code
    from qmslint.cli import main as run_cli

    return run_cli(argv, attempt=attempt)
