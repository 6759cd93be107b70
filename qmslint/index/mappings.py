"""Repository-wide sources (SPEC §3.1 item 5): clause mappings and document registers.

A clause mapping ("ISO 13485 mapping", a quality manual's clause → procedure table) claims, row by
row, that documents cover clauses; a register lists documents with their title, revision and
status. Both are read as claims about the documents they name, resolved by id, link or title, with
the row as the source. They count while the mapping or register is in force, as any citation
counts only while its document is; a name that matches no document is a finding at its row.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence

from qmslint.index.citations import claim_citations
from qmslint.model import Claim, Document, Field, ReadProblem
from qmslint.read import registers
from qmslint.read.fields import Spellings, canonicalise
from qmslint.read.globs import matches_any

REGISTER_FIELDS = ("title", "version", "status", "effective_date", "owner", "type")
COMPARED = ("version", "status", "effective_date")


def apply(
    documents: Sequence[Document],
    in_force: Callable[[Document], bool],
    default_framework: Callable[[Document], str | None],
    spellings: Spellings,
    id_pattern: str,
    named: Sequence[str] = (),
) -> dict[str, list]:
    """Mapping claims as citations by target path; register values applied to the documents
    they list; unresolved names recorded as problems on the mapping or register document.

    `named` (the config's `mapping_documents` globs) limits which documents hold mappings and
    registers; without it, every document's tables of that shape are read."""
    known = [(doc.id or "", str(doc.get("title") or ""), doc.path) for doc in documents]
    by_path = {doc.path: doc for doc in documents}
    claimed: dict[str, list] = {}
    for holder in documents:
        shapes = holder.shapes
        if shapes is None or not in_force(holder):
            continue
        if named and not matches_any(holder.path, named):
            continue
        base = posixpath.dirname(holder.path)
        for row in shapes.mappings:
            for ref in row.documents:
                if ref.kind == "placeholder":
                    holder.problems.append(
                        ReadProblem(
                            "placeholder",
                            f"the mapping of {row.clause} names '{ref.text}', a placeholder",
                            ref.position,
                            key=f"mapping:{row.clause}:{ref.text}",
                        )
                    )
                    continue
                target = registers.resolve(ref, known, base, id_pattern)
                if target is None:
                    holder.problems.append(
                        _unresolved(ref.text, f"the mapping of {row.clause}", ref)
                    )
                    continue
                document = by_path[target[2]]
                for text in row.clauses:
                    claim = Claim(text, row.position, "mapping", holder.path)
                    claimed.setdefault(document.path, []).extend(
                        claim_citations(claim, default_framework(holder))
                    )
        for row in shapes.registers:
            target = registers.resolve(registers.DocRef(row.id, "id"), known, base, id_pattern)
            if target is None or not target[0]:
                ref = registers.DocRef(row.id, "id", position=row.position)
                holder.problems.append(_unresolved(row.id, "the register", ref))
                continue
            _apply_register(holder, row, by_path[target[2]], spellings)
    return claimed


def _unresolved(text: str, where: str, ref: registers.DocRef) -> ReadProblem:
    return ReadProblem(
        "unresolved-name",
        f"{where} names '{text}', but no document has that id, title or link",
        ref.position,
        key=f"unresolved:{text}",
    )


def _apply_register(
    holder: Document, row: registers.RegisterRow, document: Document, spellings: Spellings
) -> None:
    """The register's values fill what the document does not say; where both say something,
    they must agree (a finding on the register's row)."""
    raw = {
        name: Field(name, text, position, "register")
        for name, (text, position) in row.values.items()
        if name in REGISTER_FIELDS and text.strip()
    }
    values, _ = canonicalise(raw, spellings)
    for name, found in values.items():
        held = document.fields.get(name)
        if held is None:
            if document.fields is document.raw:  # shared while they agreed (read/document.py)
                document.fields = dict(document.fields)
            document.fields[name] = found
        elif name in COMPARED and str(held.value).casefold() != str(found.value).casefold():
            holder.problems.append(
                ReadProblem(
                    "body-disagrees",
                    f"the register says {document.id} has {name} '{found.value}' but "
                    f"{document.path} (line {held.position.line}) says '{held.value}'",
                    found.position,
                    key=f"register:{document.id}:{name}",
                )
            )
