"""A summary for a merge-request or pull-request comment (GitHub / GitLab flavoured Markdown).

A headline with the counts, the run's profiles and versions, then the findings in a table,
errors first (repository-level ones at the top of each severity), at most `MAX_ROWS` rows so the
comment stays within the hosts' size limits (GitHub: 65,536 characters). Counts per rule and the
suppressed findings with their justification follow in collapsed sections. Text from documents is
escaped so that it cannot break the table or inject HTML.
"""

from __future__ import annotations

from collections import Counter

from qmslint.formatters.common import valid_utf8
from qmslint.formatters.text import REPOSITORY
from qmslint.model import Finding, Severity
from qmslint.report import PLAIN, Presentation, Report

MAX_ROWS = 100
ICONS = {Severity.ERROR: "❌", Severity.WARNING: "⚠️", Severity.INFO: "ℹ️"}
_ESCAPED = "\\`*_[]|#"


def escape(text: str) -> str:
    """Plain text for a table cell: no pipes, newlines, Markdown emphasis or HTML."""
    text = " ".join(str(text).split())
    text = "".join(f"\\{char}" if char in _ESCAPED else char for char in text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _where(finding: Finding) -> str:
    if finding.path is None:
        return f"_{escape(REPOSITORY)}_"
    return f"{escape(finding.path)}:{finding.line or 1}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1 and word != 'info')}"


def render_markdown(report: Report) -> str:
    summary = report.summary()
    active = sorted(
        report.active, key=lambda f: (-f.severity.rank, f.path is not None, f.sort_key())
    )
    counts = ", ".join(
        [
            _plural(summary["errors"], "error"),
            _plural(summary["warnings"], "warning"),
            _plural(summary["infos"], "info"),
        ]
    )
    mark = "✅" if not active else ICONS[active[0].severity]
    lines = [f"## {mark} qmslint: {counts}" if active else f"## {mark} qmslint: no findings", ""]
    details = [
        f"{summary['documents']} documents",
        f"{summary['rules']} rules",
        f"profiles: {', '.join(f'`{p}`' for p in report.profiles)}",
        f"today {report.today.isoformat()}",
        f"qmslint {report.tool_version}",
        "packs: " + ", ".join(f"`{p.name}` {p.version}" for p in report.packs),
    ]
    if summary["suppressed"]:
        details.insert(2, f"{summary['suppressed']} suppressed")
    if report.not_applicable:
        details.insert(2, f"{len(report.not_applicable)} not applicable")
    lines += [" · ".join(details), ""]
    for rule_id, message in sorted(report.failed_checks.items()):
        lines += [f"> **The check of {rule_id} failed**: {escape(message)}", ""]
    if active:
        lines += ["| Severity | Rule | Where | Finding | References |", "|---|---|---|---|---|"]
        for finding in active[:MAX_ROWS]:
            refs = ", ".join(escape(r) for r in finding.references)
            lines.append(
                f"| {ICONS[finding.severity]} {finding.severity.value} | {finding.rule} "
                f"| {_where(finding)} | {escape(finding.message)} | {refs} |"
            )
        if len(active) > MAX_ROWS:
            lines += ["", f"… and {len(active) - MAX_ROWS} more: see the full report."]
        lines += ["", *_per_rule(report, active)]
    suppressed = [f for f in report.findings if f.suppressed is not None]
    if suppressed:
        lines += [
            "<details><summary>" + _plural(len(suppressed), "suppressed finding") + "</summary>",
            "",
            "| Rule | Where | Finding | Justification | Approved by | Expires |",
            "|---|---|---|---|---|---|",
        ]
        for finding in suppressed[:MAX_ROWS]:
            waiver = finding.suppressed or {}
            lines.append(
                f"| {finding.rule} | {_where(finding)} | {escape(finding.message)} "
                f"| {escape(waiver.get('justification') or '')} "
                f"| {escape(waiver.get('approved_by') or '')} "
                f"| {escape(waiver.get('expires') or '')} |"
            )
        if len(suppressed) > MAX_ROWS:
            lines += ["", f"… and {len(suppressed) - MAX_ROWS} more."]
        lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _per_rule(report: Report, active: list[Finding]) -> list[str]:
    per_rule = Counter(f.rule for f in active)
    lines = [
        "<details><summary>Findings per rule</summary>",
        "",
        "| Rule | Title | Findings |",
        "|---|---|---:|",
    ]
    for rule_id, count in sorted(per_rule.items(), key=lambda item: (-item[1], item[0])):
        rule = report.rules.get(rule_id)
        lines.append(f"| {rule_id} | {escape(rule.title) if rule else ''} | {count} |")
    return [*lines, "", "</details>", ""]


class MarkdownFormatter:
    name = "markdown"
    description = "a Markdown summary for a merge-request / pull-request comment"

    def render(self, report: Report, presentation: Presentation = PLAIN) -> str:
        return valid_utf8(render_markdown(report))
