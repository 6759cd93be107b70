"""The plugin qmslint loads through the `qmslint` entry point (see pyproject.toml).

Each hook returns data; qmslint calls them once per run. A pack that is only YAML needs just
`qmslint_rule_packs`; `qmslint_check_kinds` adds Python check functions its rules can use.
"""

from __future__ import annotations

from pathlib import Path

from qmslint.checks import CheckKind
from qmslint.hookspecs import hookimpl
from qmslint_nb_x import checks

RULES = Path(__file__).resolve().parent / "rules"


@hookimpl
def qmslint_rule_packs() -> list[Path]:
    return [RULES / "nb-x.yaml"]


@hookimpl
def qmslint_check_kinds() -> list[CheckKind]:
    return [checks.FOUR_EYES]
