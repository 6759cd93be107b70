"""The clauses each document cites, parsed once, and the index of documents by cited clause."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from qmslint import clauses as clause_ids
from qmslint.model import Document


@dataclass
class Citation:
    """One clause a document cites, where it is written, and whether it parsed and is known."""

    index: int
    text: str
    clause: clause_ids.ClauseId | None
    error: str | None = None


def citations_of(document: Document, default_framework: str | None) -> list[Citation]:
    written = document.fields.get("clauses")
    if written is None:
        return []
    result = []
    for index, parsed in clause_ids.parse_many(written.value, default_framework):
        text = written.value[index]
        if isinstance(parsed, clause_ids.ClauseError):
            result.append(Citation(index, text, None, str(parsed)))
        else:
            result.append(Citation(index, text, parsed))
    return result


@dataclass
class ClauseIndex:
    """Documents by every clause at or above one they cite, so coverage is a lookup."""

    cited_at_or_below: dict[clause_ids.ClauseId, list[Document]] = field(
        default_factory=lambda: defaultdict(list)
    )
    cited: dict[str, set[clause_ids.ClauseId]] = field(default_factory=dict)

    def add(self, document: Document, citations: list[Citation]) -> None:
        own = self.cited.setdefault(document.path, set())
        for citation in citations:
            if citation.clause is None:
                continue
            own.add(citation.clause)
            segments = citation.clause.segments
            for size in range(len(segments), 0, -1):
                key = clause_ids.ClauseId(citation.clause.framework, ".".join(segments[:size]))
                bucket = self.cited_at_or_below[key]
                if not bucket or bucket[-1] is not document:
                    bucket.append(document)

    def covering(
        self, required: clause_ids.ClauseId, catalogues: clause_ids.Catalogues
    ) -> list[Document]:
        """Documents whose cited clauses satisfy `required` (see Catalogues.satisfies)."""
        found = list(self.cited_at_or_below.get(required, ()))
        catalogue = catalogues.by_framework.get(required.framework)
        if catalogue and catalogue.covers_subclauses:
            segments = required.segments
            for size in range(1, len(segments)):
                parent = clause_ids.ClauseId(required.framework, ".".join(segments[:size]))
                if parent.locator in catalogue.covers_subclauses:
                    found += [
                        doc
                        for doc in self.cited_at_or_below.get(parent, ())
                        if parent in self.cited.get(doc.path, ())
                    ]
        unique = {doc.path: doc for doc in found}
        return [unique[path] for path in sorted(unique)]
