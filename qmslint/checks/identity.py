"""The `unique-ids` check: no two documents share an id."""

from __future__ import annotations

from collections.abc import Iterable

from qmslint.checks.context import CheckContext
from qmslint.checks.kind import CheckKind, options_schema
from qmslint.model import Finding


def unique_ids(ctx: CheckContext) -> Iterable[Finding]:
    for doc_id, documents in sorted(ctx.repo.by_id.items()):
        if len(documents) < 2:
            continue
        for document in documents:
            others = ", ".join(d.path for d in documents if d is not document)
            yield ctx.finding(
                f"document id {doc_id} is also used by {others}",
                document,
                document.fields.get("id"),
                key=f"id@{document.path}",  # the id is shared: only the path tells them apart
            )


UNIQUE = CheckKind("unique-ids", unique_ids, options_schema({}), "no two documents share an id")
