"""The coverage matrix and the gap in every format they come in (SPEC §11): text, markdown,
CSV (matrix), JSON (schemas/matrix.schema.json, schemas/gap.schema.json) and HTML.

They read the plain data of `qmslint.report.coverage` (on the `Report`, or built by the `gap`
verb) and decide nothing: a row's state is the one `check` decided.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from qmslint import __version__
from qmslint.formatters.common import valid_utf8
from qmslint.formatters.markdown import escape
from qmslint.report.coverage import (
    NOT_APPLICABLE,
    SCHEMA_VERSION,
    STATES,
    CoverageRow,
    DocumentRef,
    Gap,
    GapItem,
    state_counts,
)

FRAMEWORK_NAMES = {
    "iso9001": "ISO 9001",
    "iso13485": "ISO 13485",
    "mdr": "the MDR",
    "fda-qmsr": "the QMSR",
    "document-control": "document control",
}


# the knowledge base §1.1 "gap vs ISO 13485" column, in words
RELATIONS = {
    "covered": "ISO 13485 covers it (presumption of conformity, MDR Art 8)",
    "partly": "ISO 13485 covers it in part",
    "MDR-specific": "MDR-specific, beyond ISO 13485",
}


def framework_name(profile: str) -> str:
    return FRAMEWORK_NAMES.get(profile, profile)


def _clean(text: Any) -> str:
    """One line of plain text (a title from a document may hold newlines or controls)."""
    return " ".join(str(text).split())


def _docs(documents: Sequence[DocumentRef]) -> str:
    return ", ".join(
        _clean(d.label()) + (" [mapping document]" if d.via != "citation" else "")
        for d in documents
    )


# ----------------------------------------------------------------------------- details


def row_details(row: CoverageRow) -> list[str]:
    """What a row says beyond its state, one line each (the same words in every format)."""
    lines = []
    in_force = [d for d in row.documents if d.in_force]
    not_in_force = [d for d in row.documents if not d.in_force]
    if in_force and row.state != "partly covered":
        lines.append(f"covered by {_docs(in_force)}")
    if row.parts and row.state == "partly covered":
        done = [
            f"{p.clause} by {', '.join(p.documents) or 'a justified exclusion'}"
            for p in row.parts
            if p.covered
        ]
        missing = [p.clause for p in row.parts if not p.covered]
        lines.append(f"covered {'; '.join(done)}; missing {', '.join(missing)}")
    if not_in_force:
        lines.append(f"cited by documents not in force: {_docs(not_in_force)}")
    if row.exclusion is not None:
        e = row.exclusion
        allowed = (
            "the exclusion is allowed"
            if e.allowed
            else f"the exclusion is NOT allowed ({e.forbidden_by})"
        )
        devices = f" for {', '.join(e.devices)}" if e.devices else ""
        lines.append(
            f"excluded in {_clean(e.document)}{devices}: {e.clause}: "
            f"{_clean(e.justification)} ({allowed})"
        )
    if row.note:
        lines.append(_clean(row.note))
    if row.suppressed is not None and row.suppressed.get("kind") != "not reported":
        waiver = row.suppressed
        by = f", approved by {waiver['approved_by']}" if waiver.get("approved_by") else ""
        lines.append(
            f"finding suppressed ({waiver.get('kind', 'waiver')}): "
            f"{_clean(waiver.get('justification', ''))}{by}"
        )
    return lines


def item_details(item: GapItem, source: str | None, target_profile: str) -> list[str]:
    lines = []
    if item.point:
        covering = ", ".join(item.covered_by) or "none"
        label = RELATIONS.get(item.relation, item.relation or "ISO 13485")
        lines.append(f"{label}: closest ISO 13485 {covering}; {_clean(item.note)}")
    if item.row is not None:
        lines += row_details(item.row)
    if source and item.state not in ("covered", "excluded", NOT_APPLICABLE):
        lines += starting_point(item, source, target_profile)
    if item.row is None:
        lines.append("the rule does not apply to this QMS (its condition does not hold)")
    return lines


def starting_point(item: GapItem, source: str, profile: str) -> list[str]:
    """ "starting point: SOP-09 Monitoring covers iso9001:9.2.2; ISO 13485 asks in addition for
    …": the source document a transition starts from (knowledge base §5)."""
    asks = f"{framework_name(profile)} asks in addition for {item.asks}" if item.asks else ""
    if item.starting_points:
        documents = "; ".join(
            f"{_clean(d.label())} covers {', '.join(d.cites)}" for d in item.starting_points[:3]
        )
        return [f"starting point: {documents}" + (f"; {asks}" if asks else "")]
    if item.counterpart:
        return [
            f"{framework_name(source)} counterpart {', '.join(item.counterpart)} "
            f"({item.topic_kb}): no document covers it" + (f"; {asks}" if asks else "")
        ]
    if item.topic:
        return [
            f"no {framework_name(source)} counterpart ({item.topic}, knowledge base "
            f"{item.topic_kb})" + (f"; {asks}" if asks else "")
        ]
    return []


def _count_text(counts: dict[str, int], total_word: str) -> str:
    total = sum(v for k, v in counts.items() if k != NOT_APPLICABLE)
    parts = [f"{counts[s]} {s}" for s in STATES if counts.get(s)]
    if counts.get(NOT_APPLICABLE):
        parts.append(f"{counts[NOT_APPLICABLE]} not applicable")
    return f"{total} {total_word}: " + (", ".join(parts) or "none")


# ----------------------------------------------------------------------------- matrix


def matrix_text(rows: Sequence[CoverageRow], profiles: Sequence[str]) -> str:
    out = [
        f"Coverage matrix for {', '.join(profiles)}: "
        f"{_count_text(state_counts(rows), 'requirements')}",
        "",
    ]
    for row in rows:
        device = f" for {row.device}" if row.device else ""
        out.append(f"{row.requires}  {row.state.upper()}  {row.rule} {_clean(row.title)}{device}")
        out += [f"    {line}" for line in row_details(row)]
    return valid_utf8("\n".join(out) + "\n")


def matrix_markdown(rows: Sequence[CoverageRow], profiles: Sequence[str]) -> str:
    out = [
        f"### Coverage matrix for {escape(', '.join(profiles))}",
        "",
        escape(_count_text(state_counts(rows), "requirements")),
        "",
        "| Clause | State | Rule | Device | Documents and details |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        details = "<br>".join(escape(line) for line in row_details(row)) or "—"
        out.append(
            f"| {escape(row.requires)} | {escape(row.state)} | {row.rule} {escape(row.title)} "
            f"| {escape(row.device or '')} | {details} |"
        )
    return valid_utf8("\n".join(out) + "\n")


CSV_COLUMNS = (
    "clauses",
    "all_of",
    "state",
    "rule",
    "title",
    "severity",
    "device",
    "documents",
    "not_in_force",
    "exclusion",
    "exclusion_allowed",
    "finding",
    "details",
)


def matrix_csv(rows: Sequence[CoverageRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        exclusion = row.exclusion
        writer.writerow(
            [
                " ".join(row.clauses),
                " ".join(row.all_of),
                row.state,
                row.rule,
                _safe_cell(row.title),
                row.severity,
                row.device or "",
                _safe_cell("; ".join(d.id or d.path for d in row.documents if d.in_force)),
                _safe_cell("; ".join(d.id or d.path for d in row.documents if not d.in_force)),
                _safe_cell(f"{exclusion.document}: {exclusion.justification}" if exclusion else ""),
                "" if exclusion is None else ("yes" if exclusion.allowed else "no"),
                row.finding or "",
                _safe_cell(" | ".join(row_details(row))),
            ]
        )
    return valid_utf8(buffer.getvalue())


def _safe_cell(text: str) -> str:
    """A spreadsheet never reads a cell from a document as a formula (CSV injection)."""
    text = _clean(text)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def matrix_json(rows: Sequence[CoverageRow], profiles: Sequence[str], today: str) -> str:
    data = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "qmslint", "version": __version__},
        "profiles": list(profiles),
        "today": today,
        "counts": state_counts(rows),
        "rows": [row.to_json() for row in rows],
    }
    return valid_utf8(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# ----------------------------------------------------------------------------- gap


def _gap_headline(gap: Gap) -> str:
    frm = f"from {gap.source} " if gap.source else ""
    return f"Gap {frm}to {gap.target}: {_count_text(gap.counts(), 'items')}"


def gap_text(gap: Gap) -> str:
    out = [_gap_headline(gap)]
    if gap.source is None:
        out.append("(no --from: the whole target as a checklist against the repository)")
    for group in gap.groups:
        kb = f" (knowledge base {group.kb})" if group.kb else ""
        out += ["", f"{group.title}{kb}"]
        for item in group.items:
            point = f"({item.point}) " if item.point else ""
            device = f" for {item.device}" if item.device else ""
            clauses = f" [{', '.join(item.clauses)}]" if item.clauses else ""
            out.append(
                f"  {point}{item.state.upper()}: {item.rule} {_clean(item.title)}{device}{clauses}"
            )
            out += [f"      {line}" for line in item_details(item, gap.source, group.profile)]
    return valid_utf8("\n".join(out) + "\n")


def gap_markdown(gap: Gap) -> str:
    out = [f"### {escape(_gap_headline(gap))}"]
    for group in gap.groups:
        kb = f" (knowledge base {escape(group.kb)})" if group.kb else ""
        out += [
            "",
            f"#### {escape(group.title)}{kb}",
            "",
            "| Item | State | Requires | Details |",
            "|---|---|---|---|",
        ]
        for item in group.items:
            point = f"({item.point}) " if item.point else ""
            device = f" for {escape(item.device)}" if item.device else ""
            details = "<br>".join(
                escape(line) for line in item_details(item, gap.source, group.profile)
            )
            out.append(
                f"| {point}{item.rule} {escape(item.title)}{device} | {escape(item.state)} "
                f"| {escape(', '.join(item.clauses))} | {details or '—'} |"
            )
    return valid_utf8("\n".join(out) + "\n")


def gap_json(gap: Gap, today: str, profiles: Sequence[str]) -> str:
    data = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "qmslint", "version": __version__},
        "profiles": list(profiles),
        "today": today,
        **gap.to_json(),
    }
    return valid_utf8(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# ----------------------------------------------------------------------------- HTML


def matrix_context(rows: Sequence[CoverageRow]) -> dict[str, Any]:
    return {
        "counts": state_counts(rows),
        "rows": [
            {
                "requires": row.requires,
                "state": row.state,
                "state_class": row.state.replace(" ", "-"),
                "rule": row.rule,
                "title": row.title,
                "device": row.device or "",
                "details": row_details(row),
                "finding": row.finding,
            }
            for row in rows
        ],
    }


def gap_context(gap: Gap) -> dict[str, Any]:
    return {
        "headline": _gap_headline(gap),
        "source": gap.source,
        "target": gap.target,
        "groups": [
            {
                "title": group.title,
                "kb": group.kb,
                "items": [
                    {
                        "point": item.point,
                        "rule": item.rule,
                        "title": item.title,
                        "device": item.device or "",
                        "clauses": ", ".join(item.clauses),
                        "state": item.state,
                        "state_class": item.state.replace(" ", "-"),
                        "details": item_details(item, gap.source, group.profile),
                        "finding": item.row.finding if item.row is not None else None,
                    }
                    for item in group.items
                ],
            }
            for group in gap.groups
        ],
    }


def render_html(
    title: str,
    rows: Sequence[CoverageRow] | None,
    gaps: Sequence[Gap],
    profiles: Sequence[str],
    today: str,
) -> str:
    """The matrix and/or the gap as one self-contained page (the `matrix` and `gap` verbs)."""
    from qmslint.formatters.html import templates

    template = templates().get_template("coverage.html.j2")
    return valid_utf8(
        template.render(
            title=title,
            matrix=matrix_context(rows) if rows is not None else None,
            gaps=[gap_context(g) for g in gaps],
            profiles=list(profiles),
            today=today,
            qmslint=__version__,
            links=False,
        )
    )
