"""Formatters: from a finished run (`Report`) to text in one output format.

Formatters are registered through the `qmslint_formatters` hook like every other plugin part;
they know nothing of how findings were made. `render` gets the report and the `Presentation` of
this one output.
"""

from __future__ import annotations

from importlib import import_module
from typing import Protocol

from qmslint.report import Presentation, Report


class Formatter(Protocol):
    """A formatter may also say `shows_coverage = False`: then a `check` printing only with
    formatters that say so does not build the coverage matrix and gaps (`Report.coverage`,
    `Report.gaps`); one that does not say is given them."""

    name: str
    description: str

    def render(self, report: Report, presentation: Presentation) -> str: ...


class LazyFormatter:
    """A built-in formatter whose module is imported when it is first used: a run imports the
    formatters it prints with, not all nine (HTML and SARIF are the heaviest)."""

    def __init__(self, name: str, module: str, cls: str) -> None:
        self.name = name
        self.shows_coverage = name in SHOWING_COVERAGE
        self._where = (module, cls)
        self._formatter: Formatter | None = None

    @property
    def formatter(self) -> Formatter:
        if self._formatter is None:
            module, cls = self._where
            self._formatter = getattr(import_module(f"qmslint.formatters.{module}"), cls)()
        return self._formatter

    @property
    def description(self) -> str:
        return self.formatter.description

    def render(self, report: Report, presentation: Presentation | None = None) -> str:
        if presentation is None:
            return self.formatter.render(report)  # the formatter's own default (plain)
        return self.formatter.render(report, presentation)


BUILTIN = (  # name, module, class
    ("text", "text", "TextFormatter"),
    ("json", "json_format", "JsonFormatter"),
    ("sarif", "sarif", "SarifFormatter"),
    ("sarif-audit", "sarif", "SarifAuditFormatter"),
    ("junit", "junit", "JunitFormatter"),
    ("github", "github", "GithubFormatter"),
    ("gitlab", "gitlab", "GitlabFormatter"),
    ("markdown", "markdown", "MarkdownFormatter"),
    ("html", "html", "HtmlFormatter"),
)
SHOWING_COVERAGE = frozenset({"html"})  # the built-in formats that show the matrix and gaps


def shows_coverage(formatter: Formatter) -> bool:
    return getattr(formatter, "shows_coverage", True)


def builtin_formatters() -> list[Formatter]:
    return [LazyFormatter(*entry) for entry in BUILTIN]
