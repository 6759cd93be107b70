"""Checks across documents: existence, ids, references, supersession, reviews, clause ids.

These are the cross-document half of the vocabulary (SPEC §5). Each function is small and asks
the repository index; none reads a file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from qmslint import clauses as clause_ids
from qmslint.checks import (
    DEVICE_MATCH,
    SELECTOR,
    CheckContext,
    CheckKind,
    as_list,
    describe,
    evaluate,
    options_schema,
)
from qmslint.model import Document, Finding
from qmslint.readers import PROBLEM_CODES

# ----------------------------------------------------------------------------- document-exists


def document_exists(ctx: CheckContext) -> Iterable[Finding]:
    """A document in force must exist for the selector, or a justified exclusion must cover it.

    With `per_device`, every device matching it needs its own (a document naming no devices
    applies to all of them).
    """
    options = ctx.options
    selector = options.get("select") or {}
    found = ctx.select(selector, default_status="in-force")
    what = options.get("what") or ctx.rule.title
    if options.get("excludable") and not found:
        for text in selector.get("clauses", ()):
            exclusion = ctx.repo.excluded(clause_ids.parse(text))
            if exclusion is not None:
                return
    if "per_device" not in options:
        if not found:
            yield ctx.finding(f"missing: {what}{_where_to_look(selector)}", key="missing")
        return
    for device in ctx.devices(options["per_device"]):
        if not any(device in ctx.repo.devices_for(doc) for doc in found):
            yield ctx.finding(
                f"missing for device {device.id}: {what}{_where_to_look(selector)}",
                key=f"missing@{device.id}",
            )


def _where_to_look(selector: dict) -> str:
    kinds = " or ".join(as_list(selector.get("type"))) or "document"
    parts = []
    if selector.get("clauses"):
        parts.append("citing " + " or ".join(selector["clauses"]))
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
            "per_device": DEVICE_MATCH,
            "what": {"type": "string"},
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
    catalogues = ctx.repo.catalogues
    for document in ctx.select(None):
        written = document.fields.get("clauses")
        if written is None or written.source == "body":
            continue  # the body fallback is read-only prose; only metadata is held to the grammar
        for citation in ctx.repo.citations.get(document.path, ()):
            if citation.clause is None:
                message = f"cannot read clause '{citation.text}': {citation.error}"
            elif citation.clause.framework not in catalogues.by_framework:
                message = (
                    f"clause '{citation.text}' names framework '{citation.clause.framework}', "
                    f"which qmslint has no catalogue for"
                )
            elif not catalogues.known(citation.clause):
                hint = catalogues.by_framework[citation.clause.framework].suggest(citation.clause)
                message = f"clause '{citation.text}' ({citation.clause}) does not exist" + (
                    f"; nearest valid: {hint}" if hint else ""
                )
            else:
                continue
            yield ctx.finding(
                message, document, written, item=citation.index, key=f"clause:{citation.text}"
            )


CLAUSES = CheckKind(
    "clause-ids-known",
    clause_ids_known,
    options_schema({}),
    "every cited clause id is valid",
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
    READ,
    DEVICES,
    DEVICE_FACT,
)
