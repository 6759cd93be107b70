"""Formatters: from a finished run (`Report`) to text in one output format.

Formatters are registered through the `qmslint_formatters` hook like every other plugin part;
they know nothing of how findings were made.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from qmslint.model import Finding, Severity

if TYPE_CHECKING:
    from qmslint.rules import Rule


@dataclass(frozen=True)
class Component:
    """A plugin or rule pack that took part in the run, for provenance in every output."""

    name: str
    version: str


@dataclass(frozen=True)
class Anchor:
    """Where formats that need a file for every result (SARIF for GitHub code scanning, GitLab
    Code Quality) put repository-level findings: see `qmslint.formatters.anchor`."""

    path: str
    line: int = 1


@dataclass
class Report:
    tool_version: str
    plugins: list[Component]
    packs: list[Component]
    profiles: list[str]
    today: dt.date
    documents: int
    rules: dict[str, Rule]
    findings: list[Finding]
    statistics: bool = False
    color: bool = False
    rule_profiles: dict[str, list[str]] = field(default_factory=dict)
    anchor: Anchor | None = None  # repository-level findings' file in SARIF and Code Quality
    not_applicable: list[str] = field(default_factory=list)  # rules whose `when` did not hold
    failed_checks: dict[str, str] = field(default_factory=dict)  # rule id -> what went wrong
    show_suppressed: bool = True  # text lists suppressed findings (the CLI: --show-suppressed)

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed is None]

    def summary(self) -> dict[str, int]:
        counts = Counter(f.severity for f in self.active)
        return {
            "documents": self.documents,
            "rules": len(self.rules),
            "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING],
            "infos": counts[Severity.INFO],
            "suppressed": len(self.findings) - len(self.active),
        }


class Formatter(Protocol):
    name: str
    description: str

    def render(self, report: Report) -> str: ...


def builtin_formatters() -> list[Formatter]:
    from qmslint.formatters.github import GithubFormatter
    from qmslint.formatters.gitlab import GitlabFormatter
    from qmslint.formatters.json_format import JsonFormatter
    from qmslint.formatters.junit import JunitFormatter
    from qmslint.formatters.markdown import MarkdownFormatter
    from qmslint.formatters.sarif import SarifAuditFormatter, SarifFormatter
    from qmslint.formatters.text import TextFormatter

    return [
        TextFormatter(),
        JsonFormatter(),
        SarifFormatter(),
        SarifAuditFormatter(),
        JunitFormatter(),
        GithubFormatter(),
        GitlabFormatter(),
        MarkdownFormatter(),
    ]
