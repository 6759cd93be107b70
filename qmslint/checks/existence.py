"""The `document-exists` check: what the regulation requires is there, in force (SPEC §5).

Coverage is decided by `qmslint.clauses.coverage` through the index; this check adds devices,
justified exclusions, *partly covered* for the sub-clauses a rule needs under a heading, and the
near misses that tell the user what to mend.
"""

from __future__ import annotations

from collections.abc import Iterable

from qmslint import clauses as clause_ids
from qmslint.checks.context import CheckContext, describe
from qmslint.checks.kind import DEVICE_MATCHES, SELECTOR, CheckKind, options_schema
from qmslint.clauses import coverage
from qmslint.index.devices import as_list
from qmslint.model import Device, Document, Finding


def document_exists(ctx: CheckContext) -> Iterable[Finding]:
    """A document in force must exist for the selector, or a justified exclusion must cover it.

    With `per_device`, every device matching it needs its own (a document naming no devices
    applies to all of them; an exclusion naming devices excuses only those). With `all_of`, the
    clauses listed must all be covered (the sub-clauses a rule needs under a heading): a document
    citing one of `select.clauses` still satisfies the rule whole; covering some but not all of
    `all_of` is *partly covered*, and the finding names what is covered (by which document) and
    what is missing.
    """
    options = ctx.options
    selector = options.get("select") or {}
    all_of = [clause_ids.parse(text) for text in options.get("all_of", ())]
    found = ctx.select(selector, default_status="in-force")
    if all_of and not selector.get("clauses"):
        found = []  # only the clauses of all_of, together, satisfy the rule
    what = options.get("what") or ctx.rule.title
    per_device = "per_device" in options
    for device in ctx.devices(options["per_device"]) if per_device else [None]:
        if _for(ctx, found, device):
            continue
        if options.get("excludable") and any(
            ctx.repo.excluded(clause_ids.parse(text), device) is not None
            for text in selector.get("clauses", ())
        ):
            continue
        for_device = f" for device {device.id}" if device else ""
        key = f"missing@{device.id}" if device else "missing"
        if all_of:
            done, missing = _parts(ctx, selector, all_of, device)
            if not missing:
                continue
            if done:
                covered = "; ".join(
                    f"{clause} by {', '.join(d.id or d.path for d in docs)}"
                    if docs
                    else f"{clause} by a justified exclusion"
                    for clause, docs in done
                )
                yield ctx.finding(
                    f"partly covered{for_device}: {what}: covered {covered}; "
                    f"missing {', '.join(map(str, missing))}",
                    key=key.replace("missing", "partly"),
                )
                continue
        yield ctx.finding(
            f"missing{for_device}: {what}{_where_to_look(selector, all_of)}"
            f"{_near_misses(ctx, selector, all_of, device)}",
            key=key,
        )


def _for(ctx: CheckContext, documents: list[Document], device: Device | None) -> list[Document]:
    if device is None:
        return documents
    return [doc for doc in documents if device in ctx.repo.devices_for(doc)]


def _parts(
    ctx: CheckContext, selector: dict, all_of: list[clause_ids.ClauseId], device: Device | None
) -> tuple[list[tuple[clause_ids.ClauseId, list[Document]]], list[clause_ids.ClauseId]]:
    """(covered clauses with the documents covering them, missing clauses) of `all_of`."""
    done, missing = [], []
    for clause in all_of:
        chosen = ctx.select({**selector, "clauses": [str(clause)]}, default_status="in-force")
        docs = _for(ctx, chosen, device)
        if docs:
            done.append((clause, docs))
        elif ctx.options.get("excludable") and ctx.repo.excluded(clause, device) is not None:
            done.append((clause, []))
        else:
            missing.append(clause)
    return done, missing


def _near_misses(
    ctx: CheckContext, selector: dict, all_of: list[clause_ids.ClauseId], device: Device | None
) -> str:
    """SPEC §5: the nearest candidates (a document citing the clause that is not in force or
    does not state the field asked for, one citing only a sub-clause, one excluded for another
    device), so that the user knows what to mend."""
    required = [clause_ids.parse(text) for text in selector.get("clauses") or ()] + all_of
    if not required:
        return ""
    catalogues = ctx.repo.catalogues
    notes: list[str] = []
    typed = {k: v for k, v in selector.items() if k == "type"}
    candidates = ctx.select({**typed, "clauses": [str(c) for c in required], "status": "any"})
    for doc in _for(ctx, candidates, device):
        if not ctx.repo.in_force(doc):
            notes.append(f"{describe(doc)} cites it but is {doc.status or 'without status'}")
        elif any(name not in doc.fields for name in as_list(selector.get("has"))):
            has = " and ".join(as_list(selector["has"]))
            notes.append(f"{describe(doc)} cites it but does not state {has}")
    types = as_list(selector.get("type"))
    chosen = {id(doc) for doc in candidates}
    said: dict[tuple[clause_ids.ClauseId, ...], str] = {}  # what a set of citations misses by
    for doc in _for(ctx, ctx.repo.documents, device):
        if types and doc.type not in types:
            continue
        if id(doc) in chosen:
            continue
        cited = tuple(c.clause for c in ctx.repo.citations.get(doc.path, ()) if c.clause)
        if not cited:
            continue
        note = said.get(cited)
        if note is None:
            note = said[cited] = _missed_by(ctx, cited, required)
        if note:
            notes.append(f"{describe(doc)} {note}")
    if device is not None:
        for exclusion in ctx.repo.exclusions():
            if exclusion.devices and any(
                coverage.covers(exclusion.clause, clause, catalogues) for clause in required
            ):
                notes.append(
                    f"{describe(exclusion.document)} excludes {exclusion.clause} only for "
                    f"{', '.join(exclusion.devices)}"
                )
    if not notes:
        return ""
    shown = notes[:3] + ([f"{len(notes) - 3} more"] if len(notes) > 3 else [])
    return "; nearest: " + "; ".join(shown)


def _missed_by(
    ctx: CheckContext, cited: tuple[clause_ids.ClauseId, ...], required: list[clause_ids.ClauseId]
) -> str:
    """How a document citing `cited` nearly covers `required` ("" when it does not)."""
    catalogues = ctx.repo.catalogues
    headings = {str(c) for clause in required for c in cited if c.is_ancestor_of(clause)}
    if headings:
        return f"cites {', '.join(sorted(headings))}, a heading that covers none of its sub-clauses"
    below = {
        str(c) for clause in required for c in coverage.cites_only_below(cited, clause, catalogues)
    }
    if below:
        return f"cites only the sub-clause {', '.join(sorted(below))}"
    # another paragraph of the same article or section (mdr:art87.10 for mdr:art87.1)
    siblings = {
        f"{c} (in {parent})"
        for clause in required
        if len(clause.segments) > 1
        for parent in [clause_ids.ClauseId(clause.framework, clause.segments[0])]
        if not _heading(ctx, parent)
        for c in cited
        if parent.is_ancestor_of(c)
    }
    if siblings:
        return f"cites only another part: {', '.join(sorted(siblings))}"
    return ""


def _heading(ctx: CheckContext, clause: clause_ids.ClauseId) -> bool:
    catalogue = ctx.repo.catalogues.by_framework.get(clause.framework)
    return catalogue is not None and catalogue.is_heading(clause)


def _where_to_look(selector: dict, all_of: list[clause_ids.ClauseId] | None = None) -> str:
    kinds = " or ".join(as_list(selector.get("type"))) or "document"
    parts = []
    if selector.get("clauses"):
        parts.append("citing " + " or ".join(selector["clauses"]))
    if all_of:
        parts.append(("or " if parts else "") + "covering " + ", ".join(map(str, all_of)))
    if selector.get("has"):
        parts.append("stating " + " and ".join(as_list(selector["has"])))
    if not parts and not selector.get("type"):
        return ""
    status = selector.get("status", "in-force")
    return f" (no {status} {kinds}{' ' if parts else ''}{', '.join(parts)})"


EXISTS = CheckKind(
    "document-exists",
    document_exists,
    options_schema(
        {
            "select": SELECTOR,
            "excludable": {"type": "boolean"},
            "per_device": DEVICE_MATCHES,
            "what": {"type": "string"},
            "all_of": {"type": "array", "items": {"type": "string"}, "minItems": 2},
        }
    ),
    "a document in force exists (per device, or covered by a justified exclusion)",
)
