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
    "example": "draft",
    "sample": "draft",
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
    in_force: int = 0
    lacking: Counter[str] = field(default_factory=Counter)  # field -> in-force documents without it
    untyped_folders: Counter[str] = field(default_factory=Counter)  # folder -> documents untyped
    bare_files: list[str] = field(default_factory=list)  # top-level files with no metadata at all
    mappings: list[str] = field(default_factory=list)  # documents holding clause mappings
    types: Counter[str] = field(default_factory=Counter)  # canonical types read


def survey(repo: Repository) -> Survey:
    found = Survey(documents=len(repo.documents))
    spellings = Spellings.of()
    for document in repo.documents:
        _keys(document, spellings, found)
        if document.id:
            found.ids.append(document.id)
        if document.status:
            found.statuses[document.status] += 1
        if document.type:
            found.types[document.type] += 1
        for citation in repo.citations.get(document.path, ()):
            if citation.clause is not None:
                found.frameworks[citation.clause.framework] += 1
            elif citation.error and "names no framework" in citation.error:
                found.bare_clauses += 1
        if any(_is_template(field_.value) for field_ in document.raw.values()):
            found.template_folders[document.path.rpartition("/")[0] or "."] += 1
        folder = document.path.rpartition("/")[0]
        if not document.has_metadata and not folder:
            found.bare_files.append(document.path)
        if document.shapes is not None and document.shapes.mappings:
            found.mappings.append(document.path)
        if document.has_metadata and document.type is None and folder:
            found.untyped_folders[folder.rsplit("/", 1)[-1]] += 1
        if repo.in_force(document):
            found.in_force += 1
            for name in CONTROL_FIELDS:
                if name not in document.fields:
                    found.lacking[name] += 1
    return found


QMS_TYPES = ("procedure", "work-instruction", "manual", "policy")
# Fields the document-control rules ask of every document in force, with the rule that does.
CONTROL_FIELDS = {"version": "DC006", "approved_on": "DC008"}
# Folder names whose documents are of one type, as QMS tools lay them out (a guess for the user
# to confirm; anything else is listed with "?").
FOLDER_GUESSES = {
    "requirements": "specification",
    "specifications": "specification",
    "architecture": "specification",
    "design": "specification",
    "harms": "record",
    "hazards": "record",
    "risks": "record",
    "situations": "record",
    "anomalies": "record",
    "changes": "record",
    "release-notes": "record",
    "audits": "record",
    "reports": "report",
    "plans": "plan",
    "protocols": "plan",
    "suppliers": "record",
    "user-needs": "specification",
    "release-plans": "plan",
    "personnel": "record",
    "training": "record",
}
TYPE_GUESSES = (  # a word in the repository's own type names -> the canonical type
    ("instruction", "work-instruction"),
    ("procedure", "procedure"),
    ("policy", "policy"),
    ("manual", "manual"),
    ("plan", "plan"),
    ("protocol", "plan"),
    ("report", "report"),
    ("template", "template"),
    ("form", "form"),
    ("specification", "specification"),
    ("requirement", "specification"),
    ("register", "list"),
    ("reference", "list"),
    ("list", "list"),
    ("log", "record"),
    ("record", "record"),
    ("notes", "record"),
    ("anomaly", "record"),
    ("feedback", "record"),
    ("complaint", "record"),
    ("evaluation", "report"),
    ("analysis", "report"),
    ("analyses", "report"),
    ("assessment", "report"),
    ("labeling", "specification"),
    ("labelling", "specification"),
    ("intended", "specification"),
)


def _type_guess(word: str) -> str:
    lowered = word.lower().replace("_", " ").replace("-", " ")
    return next((kind for key, kind in TYPE_GUESSES if key in lowered.split()), "?")


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
    """A pattern the ids share (`SOP-001`, `WI-012` → `[A-Z]{2,3}-\\d{3}`): the commonest shapes,
    at most three, when together they cover 95 % of the ids (the rest are the odd ones out that
    DC016 then reports); None when the ids follow no such convention."""
    shapes: dict[str, list[str]] = {}
    for doc_id in ids:
        shape = re.sub(r"[0-9]+", "9", re.sub(r"[A-Z]+", "A", doc_id))
        shapes.setdefault(shape, []).append(doc_id)
    chosen: list[str] = []
    covered = 0
    for shape, members in sorted(shapes.items(), key=lambda item: -len(item[1])):
        if covered >= 0.95 * len(ids) or len(chosen) == 3:
            break
        if not re.fullmatch(r"[A9._/-]+", shape):
            return None
        chosen.append(_shape_pattern(shape, members))
        covered += len(members)
    if not chosen or covered < 0.95 * len(ids):
        return None
    return chosen[0] if len(chosen) == 1 else "(?:" + "|".join(chosen) + ")"


def _shape_pattern(shape: str, members: Sequence[str]) -> str:
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
    sections = (_basics, _vocabulary, _types, _control_fields, _excludes, _notes, _devices)
    lines = [line for section in sections for line in section(found)]
    return "\n".join(lines) + "\n"


def _basics(found: Survey) -> list[str]:
    lines = [
        "# qmslint configuration, written by `qmslint init` from what it found in this repository.",
        f"# It read {found.documents} documents; check every suggestion, then run `qmslint check`.",
        "# Reference: docs/configuration.md; `qmslint show PATH` prints what is read from a file.",
        "",
    ]
    suggested = ", ".join(profiles_for(found.frameworks))
    if not any(found.types[kind] for kind in QMS_TYPES):
        lines += [
            "# No procedure, work instruction, manual or policy was found: this looks like",
            "# technical documentation or records whose QMS procedures live elsewhere, so only",
            f"# document control is checked. Where the procedures are, use: [{suggested}]",
            "profiles: [document-control]",
        ]
    else:
        lines.append(f"profiles: [{suggested}]   # from the frameworks the documents cite")
    if found.bare_clauses:
        lines.append(
            f"standard: ISO 13485:2016   # {found.bare_clauses} clause numbers name no standard"
        )
    pattern = id_pattern(found.ids)
    if pattern:
        shared = f"the shape most of the {len(found.ids)} ids share"
        lines.append(f"id_pattern: '{pattern}'   # {shared}")
    if found.statuses and not found.statuses["effective"] and found.statuses["approved"]:
        lines.append(
            "# in_force: [approved, effective]   # the default: your documents say 'approved'"
        )
    return lines


def _vocabulary(found: Survey) -> list[str]:
    return [
        *_mapping_section(
            "fields",
            "field names no built-in alias covers: map each onto a canonical field, or delete it",
            ((key, "?", n) for key, n in found.unknown_keys.most_common(25) if n > 1),
            commented=True,
        ),
        *_mapping_section(
            "status_aliases",
            f"status words that are not canonical ({', '.join(STATUSES)})",
            (
                (word, _CANONICAL_STATUS_GUESS.get(word.lower(), "?"), count)
                for word, count in found.status_words.most_common()
            ),
        ),
    ]


def _types(found: Survey) -> list[str]:
    folders = [
        (name, FOLDER_GUESSES.get(name.lower().lstrip("0123456789-_ "), "?"), count)
        for name, count in found.untyped_folders.most_common(20)
    ]
    return [
        *_mapping_section(
            "type_aliases",
            "type words that are not canonical (manual, procedure, work-instruction, form, ...)",
            ((word, _type_guess(word), n) for word, n in found.type_words.most_common()),
        ),
        *_mapping_section(
            "type_from_folder",
            "folders whose documents state no type (by folder, as some QMS tools give it)",
            folders,
        ),
    ]


def _control_fields(found: Survey) -> list[str]:
    """A field no document in force states is kept elsewhere (git, an eQMS): say so once in
    the config rather than once per document."""
    lines: list[str] = []
    for name, rule in CONTROL_FIELDS.items():
        missing = found.lacking[name]
        if found.in_force < 5 or missing < 0.8 * found.in_force:
            continue
        lines += [
            "",
            f"# {missing} of {found.in_force} documents in force state no '{name}': if your",
            "# document-control procedure records it outside the documents (git, an eQMS),",
            f"# keep the line below; otherwise delete it and add '{name}' to the documents.",
        ]
        if not any(line == "severity:" for line in lines):
            lines.append("severity:")
        lines.append(f"  {rule}: off")
    return lines


def _excludes(found: Survey) -> list[str]:
    templates = [f"{folder}/**" for folder in sorted(found.template_folders) if folder != "."]
    if not templates and not found.bare_files:
        return []
    lines = ["", "# not controlled documents: top-level files without any metadata, and folders"]
    lines += ["# whose files hold template syntax ({{ }}, {% %}, <% %})", "extend_exclude:"]
    return lines + [f"  - '{path}'" for path in [*sorted(found.bare_files), *templates]]


def _notes(found: Survey) -> list[str]:
    if not found.mappings:
        return []
    return [
        "",
        "# clause mapping tables found in: " + ", ".join(sorted(found.mappings)[:5]),
        "# (read as coverage claims while those documents are in force; `mappings: false`",
        "# turns this off)",
    ]


def _devices(found: Survey) -> list[str]:
    return [
        "",
        "# The device portfolio: rules on implants, classes and markets depend on it.",
        "# devices:",
        "#   - id: DEVICE-1",
        "#     name: ...",
        "#     markets: [EU]",
        "#     eu_class: IIa",
        "#     software: true",
    ]


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
