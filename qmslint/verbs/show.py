"""`qmslint show`: what qmslint read from each document, and from where, so that a user can see
why a rule fires (SPEC §2): every canonical field with its value and source, the clauses the
document claims with their sources, whether it is in force and why, and what went wrong reading
it."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any

from qmslint import __version__
from qmslint.formatters.common import valid_utf8
from qmslint.index.repository import Repository
from qmslint.model import Document, Field

SCHEMA_VERSION = 1


def _value(value: Any) -> Any:
    """A JSON value: dates as ISO text, everything else as read."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_value(v) for v in value]
    return value


def _field(field_: Field) -> dict[str, Any]:
    return {
        "value": _value(field_.value),
        "source": field_.source,
        "line": field_.position.line,
        "column": field_.position.column,
    }


def in_force_reason(repo: Repository, document: Document) -> tuple[bool, str]:
    """Whether a document is in force and why, in the words `show` prints."""
    allowed = ", ".join(repo.settings.in_force)
    if document.status is None:
        return False, f"no status is read (in force: {allowed})"
    if repo.in_force(document):
        return True, f"status '{document.status}' is in force ({allowed})"
    return False, f"status '{document.status}' is not in force (in force: {allowed})"


def describe(repo: Repository, document: Document) -> dict[str, Any]:
    """One document as `show --format json` prints it (schemas/show.schema.json)."""
    claims = []
    for citation in repo.citations.get(document.path, ()):
        position = citation.position
        source = citation.source if citation.path is None else f"{citation.source} {citation.path}"
        claims.append(
            {
                "text": citation.text,
                "clause": str(citation.clause) if citation.clause else None,
                "error": citation.error,
                "source": source,
                "line": position.line if position else None,
                "column": position.column if position else None,
            }
        )
    in_force, why = in_force_reason(repo, document)
    return {
        "path": document.path,
        "id": document.id,
        "in_force": in_force,
        "in_force_reason": why,
        "fields": {name: _field(f) for name, f in sorted(document.fields.items())},
        "claims": claims,
        "problems": [
            {"code": p.code, "message": p.message, "line": p.position.line}
            for p in document.problems
        ],
    }


def selected(repo: Repository, paths: Sequence[str]) -> list[Document]:
    """The documents under the given repository-relative paths (all when none are given)."""
    if not paths:
        return list(repo.documents)
    wanted = [p.rstrip("/") for p in paths]
    return [
        doc
        for doc in repo.documents
        if any(p in (".", "") or doc.path == p or doc.path.startswith(p + "/") for p in wanted)
    ]


def render_json(repo: Repository, documents: Sequence[Document]) -> str:
    data = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "qmslint", "version": __version__},
        "documents": [describe(repo, doc) for doc in documents],
    }
    return valid_utf8(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


def render_text(repo: Repository, documents: Sequence[Document]) -> str:
    lines: list[str] = []
    for document in documents:
        shown = describe(repo, document)
        state = "in force" if shown["in_force"] else "not in force"
        lines.append(f"{_text(document.path)}  ({state}: {shown['in_force_reason']})")
        width = max((len(name) for name in shown["fields"]), default=0)
        for name, field_ in shown["fields"].items():
            where = f"{field_['source']} {field_['line']}:{field_['column']}"
            lines.append(f"  {name:<{width}}  {_text(field_['value'])}  [{where}]")
        for claim in shown["claims"]:
            what = claim["clause"] or f"unreadable: {claim['error']}"
            where = f"{claim['source']} {claim['line']}:{claim['column']}"
            lines.append(f"  claims '{_text(claim['text'])}' -> {_text(what)}  [{where}]")
        for problem in shown["problems"]:
            message = _text(problem["message"])
            lines.append(f"  problem {problem['code']} (line {problem['line']}): {message}")
        lines.append("")
    lines.append(f"{len(documents)} documents shown")
    return "\n".join(lines) + "\n"


def _text(value: Any) -> str:
    if isinstance(value, list):
        text = ", ".join(str(item) for item in value)
    elif isinstance(value, dict):
        text = ", ".join(f"{k}: {v}" for k, v in value.items())
    else:
        text = str(value)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)  # never a raw escape code


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
