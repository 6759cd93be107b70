"""The `exclusion-allowed` check: an exclusion the regulation does not allow is a finding."""

from __future__ import annotations

from collections.abc import Iterable

from qmslint import clauses as clause_ids
from qmslint.checks.context import CheckContext, describe
from qmslint.checks.kind import CheckKind, options_schema
from qmslint.model import Finding


def exclusion_allowed(ctx: CheckContext) -> Iterable[Finding]:
    """An exclusion the regulation does not allow is itself a finding (SPEC §3.2): reported at
    the exclusion in the quality manual that makes it."""
    forbidden = [clause_ids.parse(text) for text in ctx.options["clauses"]]
    for exclusion in ctx.repo.exclusions():
        if not clashes(exclusion.clause, forbidden):
            continue
        document = exclusion.document
        yield ctx.finding(
            f"{describe(document)} excludes {exclusion.clause}, which "
            f"{ctx.options.get('reason') or 'may not be excluded under this profile'}",
            document,
            document.fields.get("exclusions"),
            item=exclusion.index,
            key=f"exclusion:{exclusion.clause}",
        )


def clashes(
    excluded: clause_ids.ClauseId, forbidden: Iterable[clause_ids.ClauseId]
) -> list[clause_ids.ClauseId]:
    """The forbidden clauses an exclusion of `excluded` touches (the same clause, one above or
    one below it): the one test of whether an exclusion is allowed, for the check and the gap."""
    return [
        clause
        for clause in forbidden
        if excluded == clause or excluded.is_ancestor_of(clause) or clause.is_ancestor_of(excluded)
    ]


EXCLUSION = CheckKind(
    "exclusion-allowed",
    exclusion_allowed,
    options_schema(
        {
            "clauses": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "reason": {"type": "string"},
        },
        required=["clauses"],
    ),
    "no quality manual excludes a clause the regulation does not allow to exclude",
)
