"""`--format html`: one self-contained file an auditor opens offline (SPEC §7, §11).

Summary, findings by severity and by document (suppressed ones marked with their
justification), and the provenance of the run (qmslint, plugins and packs with their versions,
profiles, `--today`, the commit). The coverage matrix and the gap to each active profile
(`qmslint.report.coverage`, as the check decided them), each unsatisfied row linking to its
finding; findings and rows can be filtered with CSS-only checkboxes (no script).
Rendered with jinja2 with autoescaping on, so no text from a document
can become markup; no script, font or stylesheet is loaded from anywhere.
"""

from __future__ import annotations

from collections import Counter
from itertools import groupby
from typing import Any

from qmslint.formatters import coverage
from qmslint.formatters.common import valid_utf8
from qmslint.formatters.text import REPOSITORY
from qmslint.model import Finding, Severity
from qmslint.report import PLAIN, Presentation, Report


def templates() -> Any:
    import jinja2  # imported only when an HTML report is asked for

    return jinja2.Environment(
        loader=jinja2.PackageLoader("qmslint.formatters", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _row(finding: Finding, report: Report) -> dict[str, Any]:
    rule = report.rules.get(finding.rule)
    return {
        "rule": finding.rule,
        "title": rule.title if rule else "",
        "severity": finding.severity.value,
        "message": finding.message,
        "where": (REPOSITORY if finding.path is None else f"{finding.path}:{finding.line or 1}"),
        "document": finding.document or "",
        "references": ", ".join(finding.references),
        "suppressed": finding.suppressed,
        "anchor": f"finding-{finding.fingerprint}",
    }


def context(report: Report) -> dict[str, Any]:
    """What the template shows, as plain data."""
    ordered = sorted(report.findings, key=lambda f: (-f.severity.rank, f.sort_key()))
    by_severity = [
        (severity.value, [_row(f, report) for f in ordered if f.severity is severity])
        for severity in Severity
    ]
    by_document = [
        (path or REPOSITORY, [_row(f, report) for f in group])
        for path, group in groupby(report.findings, key=lambda f: f.path)
    ]
    per_rule = Counter(f.rule for f in report.active)
    return {
        "summary": report.summary(),
        "by_severity": by_severity,
        "by_document": by_document,
        "per_rule": [
            (rule_id, count, report.rules[rule_id].title if rule_id in report.rules else "")
            for rule_id, count in sorted(per_rule.items(), key=lambda item: (-item[1], item[0]))
        ],
        "suppressed": [_row(f, report) for f in report.findings if f.suppressed is not None],
        "provenance": {
            "qmslint": report.tool_version,
            "plugins": [(c.name, c.version) for c in report.plugins],
            "packs": [(c.name, c.version, c.sha256) for c in report.packs],
            "profiles": report.profiles,
            "today": report.today.isoformat(),
            "commit": report.commit or "not a git checkout",
        },
        "matrix": coverage.matrix_context(report.coverage),
        "gaps": [coverage.gap_context(gap) for gap in report.gaps],
        "not_applicable": report.not_applicable,
        "failed_checks": sorted(report.failed_checks.items()),
    }


class HtmlFormatter:
    name = "html"
    description = "one self-contained HTML report for an auditor (findings, provenance)"

    def render(self, report: Report, presentation: Presentation = PLAIN) -> str:
        template = templates().get_template("report.html.j2")
        return valid_utf8(template.render(**context(report)))
