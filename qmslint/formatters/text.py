"""The default output: `path:line:col: RULE severity message [references]`, one per line.

On a terminal findings are grouped under their file and coloured; otherwise the lines are plain
so that editors and CI logs can jump to them.
"""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from qmslint.formatters.common import printable
from qmslint.model import Finding, Severity
from qmslint.report import PLAIN, Presentation, Report

REPOSITORY = "<repository>"
_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def location(finding: Finding) -> str:
    if finding.path is None:
        return REPOSITORY
    return f"{printable(finding.path)}:{finding.line or 1}:{finding.column or 1}"


def _line(finding: Finding, color: bool, with_path: bool = True) -> str:
    where = location(finding) if with_path else f"{finding.line or 1}:{finding.column or 1}"
    refs = printable(f" [{', '.join(finding.references)}]") if finding.references else ""
    suppressed = ""
    if finding.suppressed is not None:
        justification = printable(str(finding.suppressed.get("justification", "")))
        suppressed = f" (suppressed: {justification})"
    severity = finding.severity.value
    message = printable(finding.message)
    if color:
        colour = _COLOURS[finding.severity]
        return (
            f"{_BOLD}{where}{_RESET}: {colour}{finding.rule} {severity}{_RESET} "
            f"{message}{_DIM}{refs}{suppressed}{_RESET}"
        )
    return f"{where}: {finding.rule} {severity} {message}{refs}{suppressed}"


class TextFormatter:
    name = "text"
    description = "human-readable lines (grouped and coloured on a terminal)"

    def render(self, report: Report, presentation: Presentation = PLAIN) -> str:
        lines: list[str] = []
        shown = report.findings if presentation.show_suppressed else report.active
        if presentation.color:
            for path, group in groupby(shown, key=lambda f: f.path):
                lines.append(f"{_BOLD}{printable(path or REPOSITORY)}{_RESET}")
                lines += ["  " + _line(f, True, with_path=path is None) for f in group]
        else:
            lines += [_line(f, False) for f in shown]
        if report.statistics:
            lines += ["", *statistics(report)]
        if not presentation.quiet:
            lines.append(summary_line(report))
        return "".join(line + "\n" for line in lines)


def statistics(report: Report) -> list[str]:
    """Counts per rule and per profile, as `ruff --statistics` prints them."""
    per_rule = Counter(f.rule for f in report.active)
    lines = []
    for rule_id, count in sorted(per_rule.items(), key=lambda item: (-item[1], item[0])):
        rule = report.rules.get(rule_id)
        title = rule.title if rule else ""
        lines.append(printable(f"{count:>5}  {rule_id:<8} {title}"))
    per_profile: Counter[str] = Counter()
    for finding in report.active:
        for profile in report.rule_profiles.get(finding.rule, ()):
            if profile in report.profiles:
                per_profile[profile] += 1
    for profile, count in sorted(per_profile.items()):
        lines.append(f"{count:>5}  profile {profile}")
    return lines


def summary_line(report: Report) -> str:
    summary = report.summary()
    parts = [
        f"{summary['errors']} error{'s' * (summary['errors'] != 1)}",
        f"{summary['warnings']} warning{'s' * (summary['warnings'] != 1)}",
        f"{summary['infos']} info",
    ]
    if summary["suppressed"]:
        parts.append(f"{summary['suppressed']} suppressed")
    return printable(
        f"{', '.join(parts)} in {summary['documents']} documents "
        f"({summary['rules']} rules; profiles: {', '.join(report.profiles)}; today {report.today})"
    )
