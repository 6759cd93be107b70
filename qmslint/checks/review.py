"""The `review-overdue` check: periodic review against `--today` (ISO 13485 4.2.4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from qmslint.checks.context import CheckContext
from qmslint.checks.kind import SELECTOR, CheckKind, options_schema
from qmslint.model import Finding

MAX_INTERVAL = 1200  # months (a century): the config schema has the same bound


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def review_overdue(ctx: CheckContext) -> Iterable[Finding]:
    """Periodic review: last_reviewed (else approved_on, else effective_date) + interval."""
    due_within = ctx.options.get("due_within_days")
    default_interval = ctx.settings.review_interval_months
    for document in ctx.select(ctx.options.get("select"), default_status="in-force"):
        for name in ("last_reviewed", "approved_on", "effective_date"):
            anchor = document.fields.get(name)
            if anchor is not None:
                break
        else:
            continue  # no date at all: the required-fields rule reports that
        interval = document.get("review_interval_months")
        if interval is None:
            interval = default_interval
        elif not 1 <= interval <= MAX_INTERVAL:
            yield ctx.finding(
                f"review_interval_months is {interval}; it must be between 1 and {MAX_INTERVAL}",
                document,
                document.fields.get("review_interval_months"),
                key="review-interval",
            )
            continue
        try:
            due = add_months(anchor.value, interval)
        except (ValueError, OverflowError):
            continue  # due after the year 9999: not overdue in any run
        late = (ctx.today - due).days
        if due_within is None and late > 0:
            yield ctx.finding(
                f"periodic review was due {due} ({interval}-month interval from "
                f"{name} {anchor.value}); {late} days overdue",
                document,
                anchor,
                key="review",
            )
        elif due_within is not None and -due_within <= late <= 0:
            yield ctx.finding(
                f"periodic review falls due on {due} (in {-late} days)",
                document,
                anchor,
                key="review-due",
            )


REVIEW = CheckKind(
    "review-overdue",
    review_overdue,
    options_schema({"select": SELECTOR, "due_within_days": {"type": "integer", "minimum": 1}}),
    "periodic review not overdue against --today (or falling due soon)",
)
