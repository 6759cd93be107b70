"""GitHub Actions workflow commands: one annotation per finding.

    ::error file=qms/SOP-1.md,line=7,col=3,title=DC013 Related documents resolve::'related' …

error -> `::error`, warning -> `::warning`, info -> `::notice`. Repository-level findings carry
no `file` (GitHub shows them on the run's summary page). Suppressed findings are left out.
Values are escaped as the Actions toolkit does (`%`, CR, LF, and in properties `:` and `,`).
The last line is the plain summary, for the log.

GitHub shows at most 10 annotations of each level per step (50 per job); the rest stay in the
log. Upload SARIF (`-o sarif:FILE`) for the full list in code scanning.
"""

from __future__ import annotations

from qmslint.formatters.common import printable, valid_utf8
from qmslint.formatters.text import summary_line
from qmslint.model import Finding, Severity
from qmslint.report import PLAIN, Presentation, Report

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """As the Actions toolkit escapes, after other control characters are shown as escapes: a
    value can never end the command and start one of its own (`\\n::error file=…::`)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(text)


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding, report: Report) -> str:
    rule = report.rules.get(finding.rule)
    title = f"{finding.rule} {rule.title}" if rule else finding.rule
    properties = []
    if finding.path is not None:
        properties += [
            f"file={escape_property(finding.path)}",
            f"line={finding.line or 1}",
            f"col={finding.column or 1}",
        ]
    properties.append(f"title={escape_property(title)}")
    refs = f" [{', '.join(finding.references)}]" if finding.references else ""
    message = finding.message + refs
    if finding.path is None:
        message = f"(repository) {message}"
    return f"::{COMMANDS[finding.severity]} {','.join(properties)}::{escape_data(message)}"


class GithubFormatter:
    name = "github"
    description = "GitHub Actions annotations (workflow commands with file, line, title)"

    def render(self, report: Report, presentation: Presentation = PLAIN) -> str:
        lines = [command(finding, report) for finding in report.active]
        lines.append(summary_line(report))
        return valid_utf8("\n".join(lines)) + "\n"
