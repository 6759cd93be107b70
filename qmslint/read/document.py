"""One file into one `Document`: the reader's raw fields made canonical, body and front matter
reconciled. Every problem is recorded on the document; nothing here raises."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qmslint import clauses as clause_ids
from qmslint.model import NO_ITEMS, Document, Field, ReadProblem
from qmslint.read import access
from qmslint.read.canonical import clause_spellings, field_renames, split_written
from qmslint.read.discovery import Candidate
from qmslint.read.fields import Spellings, canonicalise
from qmslint.read.placeholders import find_placeholder
from qmslint.read.readers import DEFAULT_SETTINGS, RawMetadata, Reader, ReadSettings, add_docx

COMPARED_WITH_BODY = ("id", "type", "status", "version", "effective_date", "approved_on")
_SOURCES = {  # how a finding names where a value was read
    "front-matter": "the front matter",
    "sidecar": "the sidecar",
    "record": "the record",
    "file-name": "the file name",
    "heading": "the first heading",
    "body-table": "the header table",
    "label-line": "the body",
    "core-property": "the Word properties",
    "docx": "the Word document",
    "custom-property": "the Word custom properties",
    "header-table": "the Word header table",
    "page-header": "the Word page header",
}


def read_documents(
    root: Path,
    candidates: Sequence[Candidate],
    readers: Sequence[Reader],
    settings: ReadSettings = DEFAULT_SETTINGS,
) -> list[Document]:
    """Every document among the candidates, in their order."""
    paths = {candidate.path for candidate in candidates}
    return [
        read_document(root, candidate, readers, settings, paths)
        for candidate in access.documents_among(candidates)
    ]


def read_document(
    root: Path,
    candidate: Candidate,
    readers: Sequence[Reader],
    settings: ReadSettings,
    paths: set[str],
) -> Document:
    """Read one file into a Document (`paths`: every candidate, to find orphan sidecars)."""
    rel = candidate.path
    document = Document(path=rel)
    problem = access.candidate_problem(candidate)
    if problem is not None:
        document.problems.append(problem)
        return document
    reader = next((r for r in readers if r.matches(rel)), None)
    if reader is None:
        document.problems.append(
            ReadProblem("no-metadata", "no reader knows this kind of file; exclude it")
        )
        return document
    data, problems = access.read_bytes(root, rel)
    document.problems.extend(problems)
    if data is None:
        return document
    raw = reader.read(rel, data, settings)
    _compare_with_word(root, rel, paths, raw)
    apply_metadata(document, raw, settings.spellings, settings.standard)
    orphan = access.orphan_sidecar(root, rel, paths)
    if orphan is not None:
        document.problems.append(orphan)
    return document


def apply_metadata(
    document: Document, raw: RawMetadata, spellings: Spellings, standard: str | None = None
) -> None:
    """Canonical fields from what the reader found: metadata first, then the body, then what
    file name, heading and folder say; each later source fills gaps and must agree
    (`standard`: the config's, for bare clause numbers)."""
    written = dict(raw.fields)  # as written, before placeholders are taken out
    document.raw = raw.fields
    document.has_metadata = raw.has_metadata
    document.problems.extend(raw.problems)
    document.claims = list(raw.claims) if raw.claims else ()  # most claim nothing: no list each
    document.shapes = raw.shapes
    document.problems += unfilled(raw.fields, spellings) + unfilled(raw.body_fields, spellings)
    document.fields, problems = canonicalise(raw.fields, spellings)
    document.problems.extend(problems)
    body, problems = canonicalise(raw.body_fields, spellings)
    document.problems += [p for p in problems if p.code == "wrong-type"]
    document.body_fields = body or NO_ITEMS  # read only from here on: one empty mapping for all
    for name, body_field in body.items():
        _reconcile(document, name, body_field)
    for named in raw.name_fields.values():  # every id named is compared; a title or type only
        if named.name == "id" or named.name not in document.fields:  # fills a gap (a guess)
            _reconcile(document, named.name, named)
    if list(document.fields) == list(document.raw) and all(
        field_ is document.raw[name] for name, field_ in document.fields.items()
    ):  # every key written canonically: one mapping for both (memory), until the index adds
        document.fields = document.raw  # a register's value (it copies first: index/mappings)
    document.problems += spelling_problems(
        written, spellings, default_framework(document, standard)
    )
    if not document.has_metadata and not document.problems:
        document.problems.append(
            ReadProblem(
                "no-metadata",
                "document has no metadata: add YAML front matter with at least id, title, "
                "type and status",
            )
        )


def _reconcile(document: Document, name: str, found: Field) -> None:
    """`found` fills a gap, or is compared with what the document already says."""
    held = document.fields.get(name)
    if held is None:
        document.fields[name] = found
        return
    if name not in COMPARED_WITH_BODY or _same(held.value, found.value):
        return
    code = "name-disagrees" if found.source in ("file-name", "heading") else "body-disagrees"
    document.problems.append(
        ReadProblem(
            code,
            f"{_SOURCES.get(found.source, found.source)} says {name} is '{found.value}' but "
            f"{_SOURCES.get(held.source, held.source)} (line {held.position.line}) says "
            f"'{held.value}'",
            found.position,
            key=f"{name}@{found.source}",
        )
    )


REWRITABLE = ("front-matter", "sidecar")  # where `--fix` rewrites what spelling_problems find


def default_framework(document: Document, standard: str | None) -> str | None:
    """The framework of bare clause numbers, as the index takes it."""
    own = document.get("standard")
    return clause_ids.framework_of_standard(own if isinstance(own, str) else None) or (
        clause_ids.framework_of_standard(standard)
    )


def spelling_problems(
    written: dict[str, Field], spellings: Spellings, default: str | None
) -> list[ReadProblem]:
    """Fields under an alias (`field-alias`) and clause ids not written canonically
    (`clause-spelling`) in metadata `--fix` can rewrite (front matter, sidecars)."""
    if not any(found.source in REWRITABLE for found in written.values()):
        return []
    problems = []
    for key, canonical in field_renames(written, spellings).items():
        problems.append(
            ReadProblem(
                "field-alias",
                f"'{key}' is the field '{canonical}' under another name: write '{canonical}:'",
                written[key].position,
                key=key,
            )
        )
    for key, found in written.items():
        if spellings.canonical(key) != "clauses" or found.source not in REWRITABLE:
            continue
        values = split_written(found.value) if isinstance(found.value, str) else found.value
        if not isinstance(values, list):
            continue
        rewritten = clause_spellings(values, default)
        for index, (value, items) in enumerate(zip(values, rewritten or ())):
            if items == [value]:
                continue
            where = found.position if isinstance(found.value, str) else found.position_of(index)
            problems.append(
                ReadProblem(
                    "clause-spelling",
                    f"clause '{value}' is written canonically as '{', '.join(items)}'",
                    where,
                    key=f"{key}@{value}",
                )
            )
    return problems


def _same(a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    return a == b


def unfilled(raw: dict[str, Field], spellings: Spellings) -> list[ReadProblem]:
    """Unfilled placeholders (`YYYY-MM-DD`, `TBD`, `[Name, Signature, Date]`, `{{ owner }}`) in
    fields qmslint reads: taken out of `raw`, so that they are never read as values, and returned
    as problems (reported for documents in force, SPEC §3.1)."""
    problems = []
    for key in list(raw):
        found = raw[key]
        if spellings.canonical(key) is None:
            continue
        values = found.value if isinstance(found.value, list) else [found.value]
        kept = []
        for index, value in enumerate(values):
            placeholder = find_placeholder(value) if isinstance(value, str) else None
            if placeholder is None or placeholder.kind == "empty":
                kept.append(value)
                continue
            where = found.position_of(index) if isinstance(found.value, list) else found.position
            problems.append(
                ReadProblem(
                    "placeholder",
                    f"'{key}' is an unfilled placeholder '{placeholder.text}'",
                    where,
                    key=f"{key}@{index}",
                )
            )
        if len(kept) == len(values):
            continue
        if not kept:
            del raw[key]
        else:
            raw[key] = Field(found.name, kept, found.position, found.source, found.item_positions)
    return problems


def _compare_with_word(root: Path, rel: str, paths: set[str], raw: RawMetadata) -> None:
    """A sidecar beside a `.docx`: the sidecar wins, and the Word document's own properties and
    header table fill gaps and must agree with it."""
    binary = rel.rsplit(".", 1)[0]
    if not (rel.lower().endswith((".docx.yaml", ".docx.yml")) and binary in paths):
        return
    data, _ = access.read_bytes(root, binary)
    if data is not None:  # best effort: an unreadable .docx is what the sidecar is there for
        beside = RawMetadata()
        add_docx(data, beside, secondary=True)
        for label, found in beside.body_fields.items():
            raw.body_fields.setdefault(label, found)
