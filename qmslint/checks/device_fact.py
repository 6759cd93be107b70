"""The `device-fact` check: every matching device states a fact."""

from __future__ import annotations

from collections.abc import Iterable

from qmslint.checks.context import CheckContext
from qmslint.checks.kind import DEVICE_MATCH, CheckKind, options_schema
from qmslint.model import Finding


def device_fact(ctx: CheckContext) -> Iterable[Finding]:
    """Every device matching `devices` states a fact (present / one of)."""
    fact = ctx.options["fact"]
    allowed = ctx.options.get("one_of")
    for device in ctx.devices(ctx.options.get("devices")):
        value = device.fact(fact)
        document = ctx.repo.document_at(device.path)
        if value in (None, "", []):
            message = f"device {device.id} does not state '{fact}'"
        elif allowed and value not in allowed:
            message = f"device {device.id} has {fact} '{value}'; expected one of {allowed}"
        else:
            continue
        declared_in_config = document is None and device.path not in (None, "<defaults>")
        yield ctx.finding(
            message,
            document,
            position=device.position,
            key=f"{fact}@{device.id}",
            path=device.path if declared_in_config else None,  # under `devices:` in the config
        )


DEVICE_FACT = CheckKind(
    "device-fact",
    device_fact,
    options_schema(
        {"devices": DEVICE_MATCH, "fact": {"type": "string"}, "one_of": {"type": "array"}},
        required=["fact"],
    ),
    "every matching device states a fact",
)
