"""The core plugin: readers, check kinds, formatters and the document-control rules."""

from __future__ import annotations

from pathlib import Path

from qmslint import checks
from qmslint.checks import CheckKind
from qmslint.formatters import Formatter, builtin_formatters
from qmslint.plugins.hookspecs import hookimpl
from qmslint.read.readers import (
    DocxReader,
    MarkdownReader,
    Reader,
    SidecarReader,
    YamlRecordReader,
)
from qmslint.support.resources import data_dir, package_file


@hookimpl
def qmslint_rule_packs() -> list[Path]:
    return [data_dir("rules") / "document-control.yaml"]


@hookimpl
def qmslint_check_kinds() -> list[CheckKind]:
    return checks.builtin()


@hookimpl
def qmslint_readers() -> list[Reader]:
    # the sidecar reader comes before the record reader: `x.docx.yaml` is also a `.yaml`
    return [MarkdownReader(), SidecarReader(), YamlRecordReader(), DocxReader()]


@hookimpl
def qmslint_formatters() -> list[Formatter]:
    return builtin_formatters()


@hookimpl
def qmslint_validation_suites() -> list[Path]:
    """qmslint's own validation suite (`qmslint validate-tool`, docs/validation.md)."""
    return sorted(package_file("validation", "suite").glob("*.yaml"))
