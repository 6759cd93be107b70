"""A run's findings and provenance as JSON values, for the snapshot that lets `check PATH …`
(as the pre-commit hook calls it, with other files at every commit) be answered from the last
run without running (snapshot.py, cli._answered).

What is stored is every finding after suppression and before the paths given limit them, so
that any later set of paths is limited, sorted and rendered as a run would; the rules, the
profiles and the plugins come from the session of the run that replays (its config, packs and
code are inputs of the snapshot). Decoding raises on anything that is not what `encode` wrote:
the snapshot is then ignored with a note.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from qmslint.model import Finding, Severity, place
from qmslint.report import Anchor, Provenance


def encode(
    findings: Iterable[Finding], provenance: Provenance, increment: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`increment`: what a later `check` needs to work out findings after an edit (qmslint/
    incremental), or None."""
    anchor = provenance.anchor
    return {
        "findings": [
            [
                f.rule,
                f.severity.value,
                f.message,
                f.path,
                f.line,
                f.column,
                f.document,
                list(f.references),
                f.key,
                f.suppressed,
            ]
            for f in findings
        ],
        "documents": provenance.documents,
        "anchor": None if anchor is None else [anchor.path, anchor.line],
        "not_applicable": list(provenance.not_applicable),
        "failed_checks": dict(provenance.failed_checks),
        "commit": provenance.commit,
        "increment": increment,
    }


def decode(data: Any) -> tuple[list[Finding], Provenance]:
    """What `encode` wrote; raises ValueError (or TypeError, KeyError) on anything else."""
    findings = [_finding(item) for item in data["findings"]]
    anchor = data["anchor"]
    if anchor is not None and len(anchor) != 2:
        raise ValueError("not an anchor")
    provenance = Provenance(
        documents=_typed(data["documents"], int),
        anchor=None if anchor is None else Anchor(_typed(anchor[0], str), _typed(anchor[1], int)),
        not_applicable=[_typed(rule, str) for rule in data["not_applicable"]],
        failed_checks={
            _typed(rule, str): _typed(text, str) for rule, text in data["failed_checks"].items()
        },
        commit=_optional(data["commit"], str),
    )
    return findings, provenance


def _finding(item: Any) -> Finding:
    rule, severity, message, path, line, column, document, references, key, suppressed = item
    if (line is None) != (column is None):
        raise ValueError("half a position")
    return Finding(
        rule=_typed(rule, str),
        severity=Severity(severity),
        message=_typed(message, str),
        path=_optional(path, str),
        position=None if line is None else place(_typed(line, int), _typed(column, int)),
        document=_optional(document, str),
        references=tuple(_typed(reference, str) for reference in references),
        key=_typed(key, str),
        suppressed=_optional(suppressed, dict),
    )


def _typed(value: Any, kind: type) -> Any:
    if type(value) is not kind:
        raise ValueError(f"not a {kind.__name__}: {value!r}")
    return value


def _optional(value: Any, kind: type) -> Any:
    return None if value is None else _typed(value, kind)
