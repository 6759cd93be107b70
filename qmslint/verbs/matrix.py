"""`qmslint matrix`: clause × document coverage for the active profiles (SPEC §11).

The rows are the run's `Report.coverage`: each requirement of an existence rule as `check`
decided it (covered, partly covered, excluded, not in force, missing), so the matrix and `check`
agree by construction.
"""

from __future__ import annotations

from qmslint.engine import Outcome
from qmslint.formatters import coverage as render

FORMATS = ("text", "markdown", "csv", "json", "html")


def render_matrix(outcome: Outcome, fmt: str) -> str:
    report = outcome.report
    rows = report.coverage
    if fmt == "markdown":
        return render.matrix_markdown(rows, report.profiles)
    if fmt == "csv":
        return render.matrix_csv(rows)
    if fmt == "json":
        return render.matrix_json(rows, report.profiles, report.today.isoformat())
    if fmt == "html":
        return render.render_html(
            f"Coverage matrix: {', '.join(report.profiles)}",
            rows,
            [],
            report.profiles,
            report.today.isoformat(),
        )
    return render.matrix_text(rows, report.profiles)
