"""`qmslint check --fix` and `--diff`: rewrite metadata so that fixable findings go away.

Why a stage of its own: fixing reads the findings of a run (which rules fired where) and the
documents read, and writes files; nothing before it may write a user's file. It runs after the
report is made and before anything is printed, so the CLI can fix, then run again and report
only what remains (as ruff does). `frontmatter` splits a file into the metadata it may rewrite
and the bytes it must keep; `fixes` holds one small function per fix, named as rule packs name
them (`fixable:`); `apply` decides which files to fix, checks each result by reading it again,
and writes or diffs.
"""

from qmslint.fix.apply import (
    Change,
    FixResult,
    plan_fixes,
    selected_paths,
    unified_diff,
    wanted_fixes,
    write_changes,
)
from qmslint.fix.fixes import FIXES, FRONT_MATTER

__all__ = [
    "FIXES",
    "FRONT_MATTER",
    "Change",
    "FixResult",
    "plan_fixes",
    "selected_paths",
    "unified_diff",
    "wanted_fixes",
    "write_changes",
]
