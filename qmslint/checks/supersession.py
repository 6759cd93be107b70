"""The `supersession` check: supersession chains are consistent."""

from __future__ import annotations

from collections.abc import Iterable

from qmslint.checks.context import CheckContext, describe
from qmslint.checks.kind import CheckKind, options_schema
from qmslint.index.devices import as_list
from qmslint.model import Document, Finding


def supersession(ctx: CheckContext) -> Iterable[Finding]:
    """A superseded document must be obsolete once its successor is in force, and only once."""
    successors: dict[str, list[Document]] = {}
    for document in ctx.select(None, default_status="in-force"):
        for index, target in enumerate(as_list(document.get("supersedes"))):
            successors.setdefault(target, []).append(document)
            if target == document.id:
                yield ctx.finding(
                    "document supersedes itself",
                    document,
                    document.fields.get("supersedes"),
                    item=index,
                    key=f"supersedes:{target}",
                )
                continue
            for old in ctx.repo.by_id.get(target, ()):
                if old.status != "obsolete":
                    yield ctx.finding(
                        f"supersedes {target}, which is still '{old.status or 'without status'}'"
                        f" ({old.path}); mark it obsolete",
                        document,
                        document.fields.get("supersedes"),
                        item=index,
                        key=f"supersedes:{target}",
                    )
    for target, documents in sorted(successors.items()):
        if len(documents) > 1:
            for document in documents:
                others = ", ".join(describe(d) for d in documents if d is not document)
                yield ctx.finding(
                    f"{target} is superseded twice: also by {others}",
                    document,
                    document.fields.get("supersedes"),
                    key=f"supersedes-twice:{target}",
                )


SUPERSESSION = CheckKind(
    "supersession", supersession, options_schema({}), "supersession chains are consistent"
)
