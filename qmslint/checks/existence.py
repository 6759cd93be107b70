"""The `document-exists` check: what the regulation requires is there, in force."""

from __future__ import annotations

from collections.abc import Iterable

from qmslint import clauses as clause_ids
from qmslint.checks.context import CheckContext
from qmslint.checks.kind import DEVICE_MATCH, SELECTOR, CheckKind, options_schema
from qmslint.index.devices import as_list
from qmslint.model import Finding


def document_exists(ctx: CheckContext) -> Iterable[Finding]:
    """A document in force must exist for the selector, or a justified exclusion must cover it.

    With `per_device`, every device matching it needs its own (a document naming no devices
    applies to all of them).
    """
    options = ctx.options
    selector = options.get("select") or {}
    found = ctx.select(selector, default_status="in-force")
    what = options.get("what") or ctx.rule.title
    if options.get("excludable") and not found:
        for text in selector.get("clauses", ()):
            exclusion = ctx.repo.excluded(clause_ids.parse(text))
            if exclusion is not None:
                return
    if "per_device" not in options:
        if not found:
            yield ctx.finding(f"missing: {what}{_where_to_look(selector)}", key="missing")
        return
    for device in ctx.devices(options["per_device"]):
        if not any(device in ctx.repo.devices_for(doc) for doc in found):
            yield ctx.finding(
                f"missing for device {device.id}: {what}{_where_to_look(selector)}",
                key=f"missing@{device.id}",
            )


def _where_to_look(selector: dict) -> str:
    kinds = " or ".join(as_list(selector.get("type"))) or "document"
    parts = []
    if selector.get("clauses"):
        parts.append("citing " + " or ".join(selector["clauses"]))
    if selector.get("has"):
        parts.append("stating " + " and ".join(as_list(selector["has"])))
    if not parts and not selector.get("type"):
        return ""
    status = selector.get("status", "in-force")
    return f" (no {status} {kinds}{' ' if parts else ''}{', '.join(parts)})"


EXISTS = CheckKind(
    "document-exists",
    document_exists,
    options_schema(
        {
            "select": SELECTOR,
            "excludable": {"type": "boolean"},
            "per_device": DEVICE_MATCH,
            "what": {"type": "string"},
        }
    ),
    "a document in force exists (per device, or covered by a justified exclusion)",
)
