"""One file into one `Document`: the reader's raw fields made canonical, body and front matter
reconciled. Every problem is recorded on the document; nothing here raises."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qmslint.model import Document, ReadProblem
from qmslint.read import access
from qmslint.read.discovery import Candidate
from qmslint.read.fields import Spellings, canonicalise
from qmslint.read.readers import RawMetadata, Reader

COMPARED_WITH_BODY = ("id", "status", "version", "effective_date", "approved_on")


def read_documents(
    root: Path, candidates: Sequence[Candidate], readers: Sequence[Reader], spellings: Spellings
) -> list[Document]:
    """Every document among the candidates, in their order."""
    paths = {candidate.path for candidate in candidates}
    return [
        read_document(root, candidate, readers, spellings, paths)
        for candidate in access.documents_among(candidates)
    ]


def read_document(
    root: Path,
    candidate: Candidate,
    readers: Sequence[Reader],
    spellings: Spellings,
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
    apply_metadata(document, reader.read(rel, data), spellings)
    orphan = access.orphan_sidecar(root, rel, paths)
    if orphan is not None:
        document.problems.append(orphan)
    return document


def apply_metadata(document: Document, raw: RawMetadata, spellings: Spellings) -> None:
    """Canonical fields from what the reader found; the body fills gaps and must agree."""
    document.raw = raw.fields
    document.has_metadata = raw.has_metadata
    document.problems.extend(raw.problems)
    document.fields, problems = canonicalise(raw.fields, spellings)
    document.problems.extend(problems)
    body, _ = canonicalise(raw.body_fields, spellings)
    document.body_fields = body
    for name, body_field in body.items():
        front = document.fields.get(name)
        if front is None:
            document.fields[name] = body_field
        elif name in COMPARED_WITH_BODY and front.value != body_field.value:
            document.problems.append(
                ReadProblem(
                    "body-disagrees",
                    f"the body says {name} is '{body_field.value}' but the front matter "
                    f"(line {front.position.line}) says '{front.value}'",
                    body_field.position,
                    key=name,
                )
            )
    if not document.has_metadata and not document.problems:
        document.problems.append(
            ReadProblem(
                "no-metadata",
                "document has no metadata: add YAML front matter with at least id, title, "
                "type and status",
            )
        )
