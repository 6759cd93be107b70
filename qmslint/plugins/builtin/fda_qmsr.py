"""The built-in `fda-qmsr` profile, a plugin like any third-party rule pack."""

from __future__ import annotations

from pathlib import Path

from qmslint.plugins.hookspecs import hookimpl
from qmslint.support.resources import data_dir


@hookimpl
def qmslint_rule_packs() -> list[Path]:
    return [data_dir("rules") / "fda-qmsr.yaml"]
