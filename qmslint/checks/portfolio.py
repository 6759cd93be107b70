"""The `devices-declared` check: rules that depend on the portfolio are not skipped silently."""

from __future__ import annotations

from collections.abc import Iterable

from qmslint.checks.conditions import evaluate
from qmslint.checks.context import CheckContext
from qmslint.checks.kind import CheckKind, options_schema
from qmslint.model import Finding


def devices_declared(ctx: CheckContext) -> Iterable[Finding]:
    """Rules that depend on the portfolio cannot run without one: say so, never skip silently."""
    waiting = sorted(
        rule.id
        for rule in ctx.shared.active_rules.values()
        if rule.when and evaluate(rule.when, ctx.repo) is None
    )
    if waiting:
        shown = ", ".join(waiting[:8]) + (" …" if len(waiting) > 8 else "")
        yield ctx.finding(
            f"no device portfolio is declared, so {len(waiting)} device-dependent rules "
            f"were not evaluated ({shown})",
            key="devices",
        )


DEVICES = CheckKind(
    "devices-declared",
    devices_declared,
    options_schema({}),
    "the device portfolio is declared when rules depend on it",
)
