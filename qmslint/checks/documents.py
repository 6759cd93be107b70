"""Checks across documents: existence, ids, references, supersession, reviews, clause ids.

These are the cross-document half of the vocabulary (SPEC §5). Each function is small and asks
the repository index; none reads a file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from qmslint import clauses as clause_ids
from qmslint import coverage
from qmslint.checks import (
    DEVICE_MATCH,
    DEVICE_MATCHES,
    SELECTOR,
    CheckContext,
    CheckKind,
    as_list,
    describe,
    evaluate,
    options_schema,
)
from qmslint.model import Device, Document, Finding
from qmslint.readers import PROBLEM_CODES

# ----------------------------------------------------------------------------- document-exists


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
    for doc in _for(ctx, ctx.repo.documents, device):
        if types and doc.type not in types:
            continue
        cited = [c.clause for c in ctx.repo.citations.get(doc.path, ()) if c.clause]
        if doc in candidates:
            continue
        headings = {str(c) for clause in required for c in cited if c.is_ancestor_of(clause)}
        if headings:
            notes.append(
                f"{describe(doc)} cites {', '.join(sorted(headings))}, a heading that covers "
                "none of its sub-clauses"
            )
            continue
        below = {
            str(c)
            for clause in required
            for c in coverage.cites_only_below(cited, clause, catalogues)
        }
        if below:
            notes.append(f"{describe(doc)} cites only the sub-clause {', '.join(sorted(below))}")
            continue
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
            notes.append(f"{describe(doc)} cites only another part: {', '.join(sorted(siblings))}")
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

# ----------------------------------------------------------------------------- ids


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

# ----------------------------------------------------------------------------- references


def _referenced(document: Document, fields: list[str]) -> Iterable[tuple[str, int, str]]:
    for name in fields:
        for index, target in enumerate(as_list(document.get(name))):
            yield name, index, target


def references_resolve(ctx: CheckContext) -> Iterable[Finding]:
    fields = as_list(ctx.options.get("fields") or ["related", "supersedes"])
    for document in ctx.select(ctx.options.get("select")):
        for name, index, target in _referenced(document, fields):
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


def no_obsolete_citations(ctx: CheckContext) -> Iterable[Finding]:
    fields = as_list(ctx.options.get("fields") or ["related"])
    for document in ctx.select(ctx.options.get("select"), default_status="in-force"):
        for name, index, target in _referenced(document, fields):
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

# ----------------------------------------------------------------------------- reviews


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def review_overdue(ctx: CheckContext) -> Iterable[Finding]:
    """Periodic review: last_reviewed (else approved_on, else effective_date) + interval."""
    due_within = ctx.options.get("due_within_days")
    default_interval = ctx.repo.config.review_interval_months
    for document in ctx.select(ctx.options.get("select"), default_status="in-force"):
        for name in ("last_reviewed", "approved_on", "effective_date"):
            anchor = document.fields.get(name)
            if anchor is not None:
                break
        else:
            continue  # no date at all: the required-fields rule reports that
        interval = document.get("review_interval_months") or default_interval
        due = add_months(anchor.value, interval)
        late = (ctx.today - due).days
        if due_within is None and late > 0:
            yield ctx.finding(
                f"periodic review was due {due} ({interval}-month interval from "
                f"{name} {anchor.value}); {late} days overdue",
                document,
                anchor,
                key="review",
            )
        elif due_within is not None and -due_within <= late <= 0:
            yield ctx.finding(
                f"periodic review falls due on {due} (in {-late} days)",
                document,
                anchor,
                key="review-due",
            )


REVIEW = CheckKind(
    "review-overdue",
    review_overdue,
    options_schema({"select": SELECTOR, "due_within_days": {"type": "integer", "minimum": 1}}),
    "periodic review not overdue against --today (or falling due soon)",
)

# ----------------------------------------------------------------------------- clause ids


def clause_ids_known(ctx: CheckContext) -> Iterable[Finding]:
    """Every cited clause id is valid. With `unlisted`, the rule reports instead the MDR and CFR
    ids the catalogue does not list but accepts, below a listed article, annex or part."""
    catalogues = ctx.repo.catalogues
    unlisted = ctx.options.get("unlisted", False)
    for document in ctx.select(None):
        written = document.fields.get("clauses")
        if written is None or written.source == "body":
            continue  # the body fallback is read-only prose; only metadata is held to the grammar
        for citation in ctx.repo.citations.get(document.path, ()):
            catalogue = (
                catalogues.by_framework.get(citation.clause.framework) if citation.clause else None
            )
            below = catalogue.accepted_below(citation.clause) if catalogue else None
            if unlisted:
                if below is None:
                    continue
                message = (
                    f"clause '{citation.text}' ({citation.clause}) is not listed in qmslint's "
                    f"catalogue; accepted as a paragraph or point below {below}"
                )
            elif citation.clause is None:
                message = f"cannot read clause '{citation.text}': {citation.error}"
            elif catalogue is None:
                message = (
                    f"clause '{citation.text}' names framework '{citation.clause.framework}', "
                    f"which qmslint has no catalogue for"
                )
            elif below is None and not catalogues.known(citation.clause):
                hint = catalogue.suggest(citation.clause)
                message = f"clause '{citation.text}' ({citation.clause}) does not exist" + (
                    f"; nearest valid: {hint}" if hint else ""
                )
            else:
                continue
            key = f"clause:{citation.text}"
            if citation.clause is not None and str(citation.clause) != citation.text:
                key += f"={citation.clause}"  # a range names several clauses in one item
            yield ctx.finding(message, document, written, item=citation.index, key=key)


CLAUSES = CheckKind(
    "clause-ids-known",
    clause_ids_known,
    options_schema({"unlisted": {"type": "boolean"}}),
    "every cited clause id is valid",
)


def exclusion_allowed(ctx: CheckContext) -> Iterable[Finding]:
    """An exclusion the regulation does not allow is itself a finding (SPEC §3.2): reported at
    the exclusion in the quality manual that makes it."""
    forbidden = [clause_ids.parse(text) for text in ctx.options["clauses"]]
    for exclusion in ctx.repo.exclusions():
        clash = [
            clause
            for clause in forbidden
            if exclusion.clause == clause
            or exclusion.clause.is_ancestor_of(clause)
            or clause.is_ancestor_of(exclusion.clause)
        ]
        if not clash:
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

# ----------------------------------------------------------------------------- reading


def read_problems(ctx: CheckContext) -> Iterable[Finding]:
    """Problems met while reading files, turned into findings of this rule."""
    codes = set(ctx.options["problems"])
    for document in ctx.repo.documents:
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
            document = next(d for d in ctx.repo.documents if d.path == path)
            yield ctx.finding(f"device fact {message}", document, position=position, key=message)


READ = CheckKind(
    "read-problem",
    read_problems,
    options_schema(
        {"problems": {"type": "array", "items": {"enum": list(PROBLEM_CODES)}, "minItems": 1}},
        required=["problems"],
    ),
    "problems met while reading a file",
)

# ----------------------------------------------------------------------------- devices


def devices_declared(ctx: CheckContext) -> Iterable[Finding]:
    """Rules that depend on the portfolio cannot run without one: say so, never skip silently."""
    waiting = sorted(
        rule.id
        for rule in ctx.shared.active_rules.values()
        if rule.when and evaluate(rule.when, ctx.repo) is None
    )
    if waiting:
        shown = ", ".join(waiting[:8]) + (" …" if len(waiting) > 8 else "")
        yield ctx.finding(
            f"no device portfolio is declared, so {len(waiting)} device-dependent rules "
            f"were not evaluated ({shown})",
            key="devices",
        )


DEVICES = CheckKind(
    "devices-declared",
    devices_declared,
    options_schema({}),
    "the device portfolio is declared when rules depend on it",
)


def device_fact(ctx: CheckContext) -> Iterable[Finding]:
    """Every device matching `devices` states a fact (present / one of)."""
    fact = ctx.options["fact"]
    allowed = ctx.options.get("one_of")
    for device in ctx.devices(ctx.options.get("devices")):
        value = device.fact(fact)
        document = next((d for d in ctx.repo.documents if d.path == device.path), None)
        if value in (None, "", []):
            message = f"device {device.id} does not state '{fact}'"
        elif allowed and value not in allowed:
            message = f"device {device.id} has {fact} '{value}'; expected one of {allowed}"
        else:
            continue
        finding = ctx.finding(
            message, document, position=device.position, key=f"{fact}@{device.id}"
        )
        if document is None and device.path and device.path != "<defaults>":
            finding.path = device.path  # declared under `devices:` in the config: point there
        yield finding


DEVICE_FACT = CheckKind(
    "device-fact",
    device_fact,
    options_schema(
        {"devices": DEVICE_MATCH, "fact": {"type": "string"}, "one_of": {"type": "array"}},
        required=["fact"],
    ),
    "every matching device states a fact",
)

BUILTIN = (
    EXISTS,
    UNIQUE,
    REFERENCES,
    OBSOLETE,
    SUPERSESSION,
    REVIEW,
    CLAUSES,
    EXCLUSION,
    READ,
    DEVICES,
    DEVICE_FACT,
)
