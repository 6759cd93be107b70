"""The `read-problem` check: problems met while reading a file become findings."""

from __future__ import annotations

from collections.abc import Iterable

from qmslint.checks.context import CheckContext
from qmslint.checks.kind import CheckKind, options_schema
from qmslint.model import Finding
from qmslint.read.readers import PROBLEM_CODES


def read_problems(ctx: CheckContext) -> Iterable[Finding]:
    """Problems met while reading files, turned into findings of this rule (with `in_force`,
    only those of documents in force: a draft may still hold placeholders)."""
    codes = set(ctx.options["problems"])
    in_force_only = ctx.options.get("in_force", False)
    for document in ctx.repo.documents:
        if in_force_only and not ctx.repo.in_force(document):
            continue
        for problem in document.problems:
            if problem.code in codes:
                yield ctx.finding(
                    problem.message,
                    document,
                    position=problem.position,
                    key=f"{problem.code}:{problem.key or problem.message}",
                )
    if "wrong-type" in codes:
        for path, position, message in ctx.repo.device_problems:
            document = ctx.repo.document_at(path)
            yield ctx.finding(f"device fact {message}", document, position=position, key=message)


READ = CheckKind(
    "read-problem",
    read_problems,
    options_schema(
        {
            "problems": {"type": "array", "items": {"enum": list(PROBLEM_CODES)}, "minItems": 1},
            "in_force": {"type": "boolean"},
        },
        required=["problems"],
    ),
    "problems met while reading a file",
)
