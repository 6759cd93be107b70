"""The `field` check: present, equals, one of, pattern, number and date comparisons.

One rule checks one field of every selected document, e.g. "a record-control procedure states a
retention of at least 2 years" or "an effective document is not effective before it was approved".
A field may be a path into a mapping (`reporting_deadlines_days.mdr-serious-incident`). Per-device
values (`traceability_level: {IMPLANT-1: unit}`) are checked for each device the rule names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from qmslint.checks.context import CheckContext
from qmslint.checks.kind import DEVICE_MATCH, SELECTOR, CheckKind, options_schema
from qmslint.index.devices import as_list, device_matches
from qmslint.model import Device, Document, Field, Finding, Severity
from qmslint.packs import templates
from qmslint.read.fields import to_date
from qmslint.support import patterns

ASSERTIONS = {
    "equals",
    "one_of",
    "pattern",
    "pattern_from_config",
    "min",
    "max",
    "at_least_device_fact",
    "not_before_field",
    "not_after_field",
    "not_after_today",
    "min_items",
}
OPTIONS = options_schema(
    {
        "select": SELECTOR,
        "field": {"type": "string", "minLength": 1},
        "present": {"const": True},
        "if_present": {"type": "boolean"},
        "equals": {"type": ["string", "number", "boolean"]},
        "one_of": {"type": "array", "minItems": 1},
        "pattern": {"type": "string", "format": "regex"},
        "pattern_from_config": {"const": "id_pattern"},
        "min": {"type": "number"},
        "max": {"type": "number"},
        "at_least_device_fact": {"type": "string"},
        "device_fact_plus": {"type": "number"},
        "not_before_field": {"type": "string"},
        "not_after_field": {"type": "string"},
        "not_after_today": {"type": "boolean"},
        "min_items": {"type": "integer", "minimum": 1},
        "for_devices": DEVICE_MATCH,
        "message": {"type": "string"},
        "missing_severity": {"enum": ["warning", "info"]},
    },
    required=["field"],
)


@dataclass(frozen=True)
class _Plan:
    """A rule's options, read once: they are the same for each of the thousands of documents it
    judges, most of which it has nothing to say about."""

    asks_missing: bool  # a missing value is a finding
    pattern: str | None
    numbers: bool  # min, max or at_least_device_fact
    dates: bool  # not_before_field, not_after_field or not_after_today
    asserts: bool  # anything to check of a value that is there

    @classmethod
    def of(cls, ctx: CheckContext) -> _Plan:
        options = ctx.options
        given = set(options)
        pattern = options.get("pattern")
        if options.get("pattern_from_config"):
            pattern = ctx.settings.id_pattern
        numbers = bool({"min", "max", "at_least_device_fact"} & given)
        dates = bool({"not_before_field", "not_after_field", "not_after_today"} & given)
        return cls(
            asks_missing=bool(
                options.get("present") or (not options.get("if_present") and ASSERTIONS & given)
            ),
            pattern=pattern,
            numbers=numbers,
            dates=dates,
            asserts=bool({"equals", "one_of", "min_items"} & given or pattern or numbers or dates),
        )

    def quiet(self, value: Any) -> bool:
        """Whether the rule has nothing to say of `value`, whatever the document."""
        if value in (None, "", []):
            return not self.asks_missing
        return not self.asserts


def _lookup(document: Document, name: str, sub: str) -> tuple[Field | None, Any, Any]:
    """(field, value, item key) for `name` or `name.key` (`sub`); value None when absent."""
    found = document.fields.get(name) or document.raw.get(name)
    if found is None:
        return None, None, None
    if not sub:
        return found, found.value, None
    value = found.value.get(sub) if isinstance(found.value, dict) else None
    return found, value, sub if value is not None else None


def check_field(ctx: CheckContext) -> Iterable[Finding]:
    options = ctx.options
    path = options["field"]
    name, _, sub = path.partition(".")
    plan = _Plan.of(ctx)
    devices_match = options.get("for_devices")
    documents = ctx.select(options.get("select"))
    if devices_match is None:
        quiet = plan.quiet
        for document in documents:
            field_, value, item = _lookup(document, name, sub)
            if not quiet(value):
                yield from _judge(ctx, plan, document, field_, value, item, path, None)
        return
    for document in documents:
        field_, value, item = _lookup(document, name, sub)
        for device in ctx.repo.devices_for(document):
            if not device_matches(device, devices_match):
                continue
            per_device = value.get(device.id) if isinstance(value, dict) else value
            per_item = device.id if isinstance(value, dict) else item
            if not plan.quiet(per_device):
                yield from _judge(ctx, plan, document, field_, per_device, per_item, path, device)


def _judge(
    ctx: CheckContext,
    plan: _Plan,
    document: Document,
    field_: Field | None,
    value: Any,
    item: Any,
    path: str,
    device: Device | None,
) -> Iterable[Finding]:
    options = ctx.options
    subject = f"'{path}'" + (f" for device {device.id}" if device else "")
    key = path + (f"@{device.id}" if device else "")
    custom = options.get("message")
    device_id = device.id if device else ""

    def finding(problem: str, assertion: str) -> Finding:
        """`assertion` names what failed, so two failures of one field differ in fingerprint."""
        text = (
            templates.render(custom, {"field": path, "value": value, "device": device_id})
            if custom
            else problem
        )
        lenient = options.get("missing_severity")
        severity = None
        if assertion == "missing" and lenient and Severity(lenient).rank < ctx.rule.severity.rank:
            # a field not stated only asks for it; a stated value that is wrong stays an error
            severity = Severity(lenient)
        return ctx.finding(
            text, document, field_, item=item, key=f"{key}:{assertion}", severity=severity
        )

    if value in (None, "", []):
        if _unreadable(document, path):
            return  # written, but not as its type: QL006 reports it at its place
        if plan.asks_missing:
            yield finding(f"{_kind(document)} does not state {subject}", "missing")
        return
    if "equals" in options and value != options["equals"]:
        yield finding(f"{subject} is '{_show(value)}'; it must be '{options['equals']}'", "equals")
    if "one_of" in options and value not in options["one_of"]:
        allowed = ", ".join(map(str, options["one_of"]))
        yield finding(f"{subject} is '{_show(value)}'; it must be one of {allowed}", "one_of")
    pattern = plan.pattern
    if pattern and not patterns.fullmatch(pattern, str(value)):
        yield finding(f"{subject} '{_show(value)}' does not match the pattern {pattern}", "pattern")
    if "min_items" in options and len(as_list(value)) < options["min_items"]:
        yield finding(
            f"{subject} lists {len(as_list(value))}; at least {options['min_items']} needed",
            "min_items",
        )
    if plan.numbers:
        yield from _numbers(ctx, document, value, subject, finding, device)
    if plan.dates:
        yield from _dates(ctx, document, value, subject, finding)


def _numbers(
    ctx: CheckContext,
    document: Document,
    value: Any,
    subject: str,
    finding,
    device: Device | None = None,
) -> Iterable[Finding]:
    options = ctx.options
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        yield finding(f"{subject} should be a number, not '{_show(value)}'", "number")
        return
    if "min" in options and value < options["min"]:
        yield finding(f"{subject} is {value}; it must be at least {options['min']}", "min")
    if "max" in options and value > options["max"]:
        yield finding(f"{subject} is {value}; it must be at most {options['max']}", "max")
    fact = options.get("at_least_device_fact")
    plus = options.get("device_fact_plus", 0)
    if fact:
        # with `for_devices` the value is judged per device; otherwise against every device
        for each in [device] if device else ctx.repo.devices_for(document):
            needed = each.fact(fact)
            if isinstance(needed, (int, float)) and value < needed + plus:
                extra = f" + {plus}" if plus else ""
                yield finding(
                    f"{subject} is {value}; device {each.id} has {fact.replace('_', ' ')} "
                    f"{needed}, so it must be at least {needed}{extra}",
                    f"{fact}@{each.id}",
                )


def _dates(
    ctx: CheckContext, document: Document, value: Any, subject: str, finding
) -> Iterable[Finding]:
    """Date order against another field of the same document, or against `--today`."""
    options = ctx.options
    mine = _date_value(value)
    if mine is None:
        yield finding(f"{subject} should be a date (YYYY-MM-DD), not '{_show(value)}'", "date")
        return
    for option, later in (("not_before_field", True), ("not_after_field", False)):
        other_name = options.get(option)
        other = _date_value(document.get(other_name)) if other_name else None
        if other is None:
            continue
        if later and mine < other:
            yield finding(f"{subject} ({mine}) is before '{other_name}' ({other})", option)
        if not later and mine > other:
            yield finding(f"{subject} ({mine}) is after '{other_name}' ({other})", option)
    if options.get("not_after_today") and mine > ctx.today:
        yield finding(f"{subject} ({mine}) lies in the future (today is {ctx.today})", "future")


def _unreadable(document: Document, path: str) -> bool:
    name = path.partition(".")[0]
    return any(p.code == "wrong-type" and p.key == name for p in document.problems)


def _kind(document: Document) -> str:
    return f"{document.type or 'document'} {document.id or document.path}"


def _show(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


CHECK = CheckKind("field", check_field, OPTIONS, "one field of every selected document")


def _date_value(value: Any) -> dt.date | None:
    try:
        return to_date(value)
    except TypeError:
        return None
