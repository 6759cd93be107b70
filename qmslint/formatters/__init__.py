"""Formatters: from a finished run (`Report`) to text in one output format.

Formatters are registered through the `qmslint_formatters` hook like every other plugin part;
they know nothing of how findings were made. `render` gets the report and the `Presentation` of
this one output.
"""

from __future__ import annotations

from typing import Protocol

from qmslint.report import Presentation, Report


class Formatter(Protocol):
    name: str
    description: str

    def render(self, report: Report, presentation: Presentation) -> str: ...


def builtin_formatters() -> list[Formatter]:
    from qmslint.formatters.github import GithubFormatter
    from qmslint.formatters.gitlab import GitlabFormatter
    from qmslint.formatters.html import HtmlFormatter
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
        HtmlFormatter(),
    ]
