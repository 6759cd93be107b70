"""The run's result, as every output format sees it: findings, rules, provenance.

The engine builds one `Report`; formatters read it and never change it. How one output is
presented (colour, suppressed findings listed, no summary) is a `Presentation` passed to the
formatter, so that two outputs of one run cannot affect each other.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qmslint.model import Finding, Severity

if TYPE_CHECKING:
    from qmslint.packs.rules import Rule
    from qmslint.report.coverage import CoverageRow, Gap


@dataclass(frozen=True)
class Component:
    """A plugin or rule pack that took part in the run, for provenance in every output."""

    name: str
    version: str
    sha256: str = ""  # a pack's content hash (its files as loaded), for provenance


@dataclass(frozen=True)
class Anchor:
    """Where formats that need a file for every result (SARIF for GitHub code scanning, GitLab
    Code Quality) put repository-level findings: see `qmslint.report.anchor`."""

    path: str
    line: int = 1


@dataclass
class Provenance:
    """What a report says of the run besides its findings, worked out from the documents (a
    `check` of other paths replayed from the run's findings: report/stored.py)."""

    documents: int
    anchor: Anchor | None
    not_applicable: list[str]
    failed_checks: dict[str, str]
    commit: str | None


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
    rule_profiles: dict[str, list[str]] = field(default_factory=dict)
    anchor: Anchor | None = None  # repository-level findings' file in SARIF and Code Quality
    not_applicable: list[str] = field(default_factory=list)  # rules whose `when` did not hold
    failed_checks: dict[str, str] = field(default_factory=dict)  # rule id -> what went wrong
    commit: str | None = None  # the git commit checked, for provenance
    # the coverage matrix (one row per requirement of an existence rule, as the check decided
    # it) and the gap to each active profile: see qmslint.report.coverage
    coverage: list[CoverageRow] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)

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


@dataclass(frozen=True)
class Presentation:
    """How one output shows the report (set per output by the CLI, never on the report)."""

    color: bool = False
    show_suppressed: bool = True  # text: list suppressed findings with their justification
    quiet: bool = False  # text: findings only, no summary line


PLAIN = Presentation()
