"""`qmslint init`: a commented `.qmslint.yaml` that maps the repository's own conventions, or
(`--starter`) a minimal QMS to start from.

The survey reads the repository as `check` would with the default settings and notes what the
defaults do not understand: field names no alias covers, status and type words that are not
canonical, the shape of the document ids, the frameworks the documents cite (and so the profiles),
bare clause numbers (and so `standard:`), and folders that hold templates. Everything it cannot
decide (which canonical field an unknown name means, the device portfolio) is written as a
commented suggestion for the user to confirm, never guessed silently.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from qmslint.index.repository import Repository
from qmslint.model import Document
from qmslint.read.fields import STATUSES, Spellings

CONFIG_NAME = ".qmslint.yaml"
_TEMPLATE_MARKS = ("{{", "{%", "<%", "[[")
_CANONICAL_STATUS_GUESS = {
    "freigegeben": "effective",
    "gültig": "effective",
    "valid": "effective",
    "issued": "effective",
    "signed": "approved",
    "final": "approved",
    "entwurf": "draft",
    "wip": "draft",
    "in progress": "draft",
    "ungültig": "obsolete",
    "cancelled": "obsolete",
    "canceled": "obsolete",
}


@dataclass
class Survey:
    """What the repository does that the defaults do not understand."""

    documents: int = 0
    unknown_keys: Counter[str] = field(default_factory=Counter)
    status_words: Counter[str] = field(default_factory=Counter)
    type_words: Counter[str] = field(default_factory=Counter)
    ids: list[str] = field(default_factory=list)
    frameworks: Counter[str] = field(default_factory=Counter)
    bare_clauses: int = 0
    template_folders: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)


def survey(repo: Repository) -> Survey:
    found = Survey(documents=len(repo.documents))
    spellings = Spellings.of()
    for document in repo.documents:
        _keys(document, spellings, found)
        if document.id:
            found.ids.append(document.id)
        if document.status:
            found.statuses[document.status] += 1
        for citation in repo.citations.get(document.path, ()):
            if citation.clause is not None:
                found.frameworks[citation.clause.framework] += 1
            elif citation.error and "names no framework" in citation.error:
                found.bare_clauses += 1
        if any(_is_template(field_.value) for field_ in document.raw.values()):
            found.template_folders[document.path.rpartition("/")[0] or "."] += 1
    return found


def _keys(document: Document, spellings: Spellings, found: Survey) -> None:
    unconverted = {p.key for p in document.problems if p.code == "wrong-type"}
    for key, raw in document.raw.items():
        canonical = spellings.canonical(key)
        if canonical is None:
            if not key.startswith("qmslint"):
                found.unknown_keys[key] += 1
            continue
        if canonical in ("status", "type") and canonical in unconverted:
            word = raw.value.strip() if isinstance(raw.value, str) else ""
            if word:  # a word the defaults do not know
                (found.status_words if canonical == "status" else found.type_words)[word] += 1


def _is_template(value: object) -> bool:
    return isinstance(value, str) and any(mark in value for mark in _TEMPLATE_MARKS)


def id_pattern(ids: Sequence[str]) -> str | None:
    """A pattern most ids share (`SOP-001`, `WI-012` → `[A-Z]{2,3}-\\d{3}`), if one covers 80 %."""
    shapes: dict[str, list[str]] = {}
    for doc_id in ids:
        shape = re.sub(r"[0-9]+", "9", re.sub(r"[A-Z]+", "A", doc_id))
        shapes.setdefault(shape, []).append(doc_id)
    if not shapes:
        return None
    shape, members = max(shapes.items(), key=lambda item: len(item[1]))
    if len(members) < 0.8 * len(ids) or not re.fullmatch(r"[A9._/-]+", shape):
        return None
    runs = [re.findall(r"[A-Z]+|[0-9]+|[^A-Z0-9]", doc_id) for doc_id in members]
    parts = []
    for index, token in enumerate(re.findall(r"A|9|[^A9]", shape)):
        lengths = [len(run[index]) for run in runs]
        low, high = min(lengths), max(lengths)
        size = f"{{{low}}}" if low == high else f"{{{low},{high}}}"
        if token == "A":
            parts.append(f"[A-Z]{size}")
        elif token == "9":
            parts.append(f"\\d{size}")
        else:
            parts.append("\\" + token if token == "." else token)
    return "".join(parts)


def profiles_for(frameworks: Counter[str]) -> list[str]:
    """The profiles the cited frameworks suggest (an MDR citation suggests `mdr`, and so on)."""
    chosen = []
    if frameworks["mdr"]:
        chosen.append("mdr")
    if frameworks["cfr"]:
        chosen.append("fda-qmsr")
    if not chosen:
        only_9001 = frameworks["iso9001"] and not frameworks["iso13485"]
        chosen.append("iso9001" if only_9001 else "iso13485")
    return chosen


def render(found: Survey) -> str:
    """The commented config text for a survey."""
    lines = [
        "# qmslint configuration, written by `qmslint init` from what it found in this repository.",
        f"# It read {found.documents} documents; check every suggestion, then run `qmslint check`.",
        "# Reference: docs/configuration.md; `qmslint show PATH` prints what is read from a file.",
        "",
        f"profiles: [{', '.join(profiles_for(found.frameworks))}]"
        "   # from the frameworks the documents cite",
    ]
    if found.bare_clauses:
        lines += [
            f"standard: ISO 13485:2016   # {found.bare_clauses} clause numbers name no standard",
        ]
    pattern = id_pattern(found.ids)
    if pattern:
        lines.append(
            f"id_pattern: '{pattern}'   # the shape most of the {len(found.ids)} ids share"
        )
    if found.statuses and not found.statuses["effective"] and found.statuses["approved"]:
        lines.append(
            "# in_force: [approved, effective]   # the default: your documents say 'approved'"
        )
    lines += _mapping_section(
        "fields",
        "field names no built-in alias covers: map each onto a canonical field, or delete it",
        ((key, "?", n) for key, n in found.unknown_keys.most_common(25) if n > 1),
        commented=True,
    )
    lines += _mapping_section(
        "status_aliases",
        f"status words that are not canonical ({', '.join(STATUSES)})",
        (
            (word, _CANONICAL_STATUS_GUESS.get(word.lower(), "?"), count)
            for word, count in found.status_words.most_common()
        ),
    )
    lines += _mapping_section(
        "type_aliases",
        "type words that are not canonical (manual, procedure, work-instruction, form, ...)",
        ((word, "?", count) for word, count in found.type_words.most_common()),
    )
    folders = sorted(found.template_folders)
    if folders:
        lines += ["", "# folders whose files hold template syntax ({{ }}, {% %}, <% %})"]
        lines.append("extend_exclude:")
        lines += [f"  - '{folder}/**'" for folder in folders if folder != "."]
    lines += [
        "",
        "# The device portfolio: rules on implants, classes and markets depend on it.",
        "# devices:",
        "#   - id: DEVICE-1",
        "#     name: ...",
        "#     markets: [EU]",
        "#     eu_class: IIa",
        "#     software: true",
    ]
    return "\n".join(lines) + "\n"


def _mapping_section(
    key: str, comment: str, entries: Iterable[tuple[str, str, int]], commented: bool = False
) -> list[str]:
    entries = list(entries)
    if not entries:
        return []
    lines = ["", f"# {comment}"]
    decided = [(written, value, count) for written, value, count in entries if value != "?"]
    open_ = [(written, value, count) for written, value, count in entries if value == "?"]
    if decided and not commented:
        lines.append(f"{key}:")
        lines += [f"  {_quoted(w)}: {v}   # {_documents(c)}" for w, v, c in decided]
    if open_ or commented:
        if not decided or commented:
            lines.append(f"# {key}:")
        lines += [f"#   {_quoted(w)}: {v}   # {_documents(c)}" for w, v, c in open_ or decided]
    return lines


def _documents(count: int) -> str:
    return f"{count} document" + ("" if count == 1 else "s")


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# ----------------------------------------------------------------------------- --starter

STARTER_CONFIG = """\
# qmslint configuration of a starter QMS (`qmslint init --starter`).
profiles: [iso13485]
# devices:                 # declare the portfolio to enable the device rules
#   - {id: DEVICE-1, name: ..., markets: [EU], eu_class: IIa, software: true}
"""

STARTER_DOCUMENTS = {
    "qms/QM-001-quality-manual.md": ("QM-001", "Quality manual", "manual", ["iso13485:4.2.2"]),
    "qms/SOP-001-document-control.md": (
        "SOP-001",
        "Control of documents",
        "procedure",
        ["iso13485:4.2.4"],
    ),
    "qms/SOP-002-records.md": ("SOP-002", "Control of records", "procedure", ["iso13485:4.2.5"]),
    "qms/SOP-003-internal-audit.md": ("SOP-003", "Internal audit", "procedure", ["iso13485:8.2.4"]),
    "qms/SOP-004-capa.md": (
        "SOP-004",
        "Corrective and preventive action",
        "procedure",
        ["iso13485:8.5.2", "iso13485:8.5.3"],
    ),
}


def starter_files() -> dict[str, str]:
    """A config and a few draft documents in qmslint's front-matter format."""
    files = {CONFIG_NAME: STARTER_CONFIG}
    for path, (doc_id, title, kind, clauses) in STARTER_DOCUMENTS.items():
        files[path] = (
            "---\n"
            f"id: {doc_id}\n"
            f"title: {title}\n"
            f"type: {kind}\n"
            "status: draft           # approved or effective once released\n"
            'version: "0.1"\n'
            "owner: Head of Quality\n"
            f"clauses: [{', '.join(clauses)}]\n"
            "---\n\n"
            f"# {title}\n\n"
            "Write the procedure here.\n"
        )
    return files
