"""The `references-resolve` check: document ids a document names exist."""

from __future__ import annotations

from collections.abc import Iterable

from qmslint.checks.context import CheckContext
from qmslint.checks.kind import SELECTOR, CheckKind, options_schema
from qmslint.index.devices import as_list
from qmslint.model import Document, Finding


def referenced(document: Document, fields: list[str]) -> Iterable[tuple[str, int, str]]:
    for name in fields:
        for index, target in enumerate(as_list(document.get(name))):
            yield name, index, target


def references_resolve(ctx: CheckContext) -> Iterable[Finding]:
    fields = as_list(ctx.options.get("fields") or ["related", "supersedes"])
    for document in ctx.select(ctx.options.get("select")):
        for name, index, target in referenced(document, fields):
            if target not in ctx.repo.by_id:
                yield ctx.finding(
                    f"'{name}' names {target}, but no document has that id",
                    document,
                    document.fields.get(name),
                    item=index,
                    key=f"{name}:{target}",
                )


FIELDS_OPTION = {"type": "array", "items": {"type": "string"}, "minItems": 1}
REFERENCES = CheckKind(
    "references-resolve",
    references_resolve,
    options_schema({"select": SELECTOR, "fields": FIELDS_OPTION}),
    "document ids in related/supersedes exist",
)
