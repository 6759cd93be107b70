"""The hooks a qmslint plugin may implement. Every hook returns data; none is called for effect.

The built-in profiles, readers, check kinds and formatters are plugins of exactly this kind,
registered through the `qmslint` entry-point group like any third-party pack.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from qmslint.checks import CheckKind
    from qmslint.formatters import Formatter
    from qmslint.read.readers import Reader

PROJECT = "qmslint"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def qmslint_rule_packs() -> list[Path]:
    """Rule pack files (YAML, schemas/rule-pack.schema.json) this plugin contributes."""


@hookspec
def qmslint_check_kinds() -> list[CheckKind]:
    """Check kinds (named Python functions with an options schema) rules may use."""


@hookspec
def qmslint_readers() -> list[Reader]:
    """Metadata readers; the first reader whose `matches` accepts a path reads it."""


@hookspec
def qmslint_formatters() -> list[Formatter]:
    """Output formats, by name (`--format NAME`, `-o NAME:FILE`)."""


@hookspec
def qmslint_validation_suites() -> list[Path]:
    """Validation suite files (YAML, schemas/validation-suite.schema.json): the requirements
    this plugin's packs must meet and the cases, small QMS repositories with their expected
    findings, that `qmslint validate-tool` runs and reports under this plugin's name."""
