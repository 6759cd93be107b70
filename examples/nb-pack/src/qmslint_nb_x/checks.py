"""NB-X's check function: what the YAML check vocabulary cannot say.

"The author of a document did not approve it alone" compares two fields of the same document
(`author` against every entry of `approvers`); the built-in `field` check compares a field with
fixed values only. A check kind is a name, a function and a JSON Schema for the options a rule
gives it; qmslint validates every rule's options against that schema when it loads the pack.
"""

from __future__ import annotations

from collections.abc import Iterable

from qmslint.checks import SELECTOR, CheckContext, CheckKind, describe, options_schema
from qmslint.model import Finding


def _person(name: object) -> str:
    return " ".join(str(name).split()).casefold()


def four_eyes(ctx: CheckContext) -> Iterable[Finding]:
    """Every selected document has an approver other than its author."""
    for document in ctx.select(ctx.options.get("select"), default_status="in-force"):
        author = document.fields.get("author")
        approvers = document.fields.get("approvers")
        if author is None or approvers is None:
            continue  # missing fields are other rules' business (DC007)
        others = [a for a in approvers.value if _person(a) != _person(author.value)]
        if others:
            continue
        yield ctx.finding(
            f"{describe(document)} is approved only by its author, {author.value}; "
            "NB-X expects a second person to approve it",
            document,
            approvers,
            key="four-eyes",
        )


FOUR_EYES = CheckKind(
    "nb-x-four-eyes",
    four_eyes,
    options_schema({"select": SELECTOR}),
    "a selected document is approved by someone other than its author",
)
