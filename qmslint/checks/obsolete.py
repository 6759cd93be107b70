"""The `no-obsolete-citations` check: no in-force document cites an obsolete one."""

from __future__ import annotations

from collections.abc import Iterable

from qmslint.checks.context import CheckContext
from qmslint.checks.kind import SELECTOR, CheckKind, options_schema
from qmslint.checks.references import FIELDS_OPTION, referenced
from qmslint.index.devices import as_list
from qmslint.model import Finding


def no_obsolete_citations(ctx: CheckContext) -> Iterable[Finding]:
    fields = as_list(ctx.options.get("fields") or ["related"])
    for document in ctx.select(ctx.options.get("select"), default_status="in-force"):
        for name, index, target in referenced(document, fields):
            targets = ctx.repo.by_id.get(target, ())
            if targets and all(t.status == "obsolete" for t in targets):
                yield ctx.finding(
                    f"in-force document cites {target}, which is obsolete",
                    document,
                    document.fields.get(name),
                    item=index,
                    key=f"{name}:{target}",
                )


OBSOLETE = CheckKind(
    "no-obsolete-citations",
    no_obsolete_citations,
    options_schema({"select": SELECTOR, "fields": FIELDS_OPTION}),
    "no in-force document cites an obsolete one",
)
