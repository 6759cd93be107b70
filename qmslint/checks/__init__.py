"""Check kinds: the vocabulary rules are written in (SPEC §5), one module per kind.

A check kind is a named Python function with a JSON Schema for its options (`kind.py`). Built-in
kinds and kinds from plugins are registered the same way (the `qmslint_check_kinds` hook). A
check gets a `CheckContext` (`context.py`: the repository index, the rule, its options) and yields
findings; it selects documents through the context, whose selector results are shared by every
rule of the run. A rule's `when` is evaluated in `conditions.py`.

This package is also the import path pack authors use (`from qmslint.checks import CheckKind`).
"""

from __future__ import annotations

from qmslint.checks.conditions import evaluate
from qmslint.checks.context import CheckContext, CheckSettings, Shared, describe
from qmslint.checks.kind import (
    DEFS,
    DEVICE_MATCH,
    DEVICE_MATCHES,
    FACT_VALUE,
    SELECTOR,
    CheckFunction,
    CheckKind,
    options_schema,
)
from qmslint.index.devices import as_list, device_matches, fact_matches

__all__ = [
    "DEFS",
    "DEVICE_MATCH",
    "DEVICE_MATCHES",
    "FACT_VALUE",
    "SELECTOR",
    "CheckContext",
    "CheckFunction",
    "CheckKind",
    "CheckSettings",
    "Shared",
    "as_list",
    "describe",
    "device_matches",
    "evaluate",
    "fact_matches",
    "options_schema",
]


def builtin() -> list[CheckKind]:
    """The core plugin's check kinds."""
    from qmslint.checks import (
        device_fact,
        exclusions,
        existence,
        field,
        identity,
        known_clauses,
        obsolete,
        portfolio,
        reading,
        references,
        review,
        supersession,
    )

    return [
        existence.EXISTS,
        identity.UNIQUE,
        references.REFERENCES,
        obsolete.OBSOLETE,
        supersession.SUPERSESSION,
        review.REVIEW,
        known_clauses.CLAUSES,
        exclusions.EXCLUSION,
        reading.READ,
        portfolio.DEVICES,
        device_fact.DEVICE_FACT,
        field.CHECK,
    ]
