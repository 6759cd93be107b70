"""The plugin qmslint loads through the `qmslint` entry point (see pyproject.toml).

Each hook returns data; qmslint calls them once per run. A pack that is only YAML needs just
`qmslint_rule_packs`; `qmslint_check_kinds` adds Python check functions its rules can use;
`qmslint_validation_suites` ships the requirements and cases `qmslint validate-tool` runs to
validate the pack (docs/validation.md in qmslint).
"""

from __future__ import annotations

from pathlib import Path

from qmslint.checks import CheckKind
from qmslint.hookspecs import hookimpl
from qmslint_nb_x import checks

HERE = Path(__file__).resolve().parent
RULES = HERE / "rules"


@hookimpl
def qmslint_rule_packs() -> list[Path]:
    return [RULES / "nb-x.yaml"]


@hookimpl
def qmslint_check_kinds() -> list[CheckKind]:
    return [checks.FOUR_EYES]


@hookimpl
def qmslint_validation_suites() -> list[Path]:
    return [HERE / "validation.yaml"]
