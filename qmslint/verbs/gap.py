"""`qmslint gap [--from PROFILE] --to PROFILE`: what the target asks that the source does not,
and where the repository stands on each item (SPEC §11).

The run is a `check` of the target profile with the gap's source (`RunOptions.gap_from`): the
items are the run's `Report.gaps[0]`, grouped as `qmslint/report/gap.yaml` says (knowledge base
§2.2/§2.3, §1.1, §5), each decided by the rule `check` runs. For exit codes and `--fail-on`, a
missing item is an error and a partly covered one a warning; an item whose finding a waiver
suppresses does not count, as in `check`.
"""

from __future__ import annotations

from qmslint.engine import Outcome
from qmslint.formatters import coverage as render
from qmslint.model import Severity
from qmslint.report.coverage import Gap

FORMATS = ("text", "markdown", "json", "html")


def the_gap(outcome: Outcome) -> Gap:
    return outcome.report.gaps[0]


def render_gap(outcome: Outcome, fmt: str) -> str:
    report = outcome.report
    gap = the_gap(outcome)
    today = report.today.isoformat()
    if fmt == "markdown":
        return render.gap_markdown(gap)
    if fmt == "json":
        return render.gap_json(gap, today, report.profiles)
    if fmt == "html":
        frm = f"from {gap.source} " if gap.source else ""
        return render.render_html(f"Gap {frm}to {gap.target}", None, [gap], [gap.target], today)
    return render.gap_text(gap)


def exit_code(outcome: Outcome, fail_on: str, exit_zero: bool) -> int:
    if outcome.errors:
        return 2
    if exit_zero:
        return 0
    gap = the_gap(outcome)
    threshold = Severity(fail_on).rank
    severities = [gap.severity_of(item) for item in gap.items]
    return int(any(s is not None and s.rank >= threshold for s in severities))
