"""The clauses each document cites, parsed once, and the index of documents by cited clause."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from qmslint import clauses as clause_ids
from qmslint.clauses import coverage
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
    """Documents by each clause they cite exactly; `coverage.covering` walks up from a clause."""

    cited: dict[clause_ids.ClauseId, list[Document]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, document: Document, citations: list[Citation]) -> None:
        for citation in citations:
            if citation.clause is None:
                continue
            bucket = self.cited[citation.clause]
            if not bucket or bucket[-1] is not document:
                bucket.append(document)

    def covering(
        self, required: clause_ids.ClauseId, catalogues: clause_ids.Catalogues
    ) -> list[Document]:
        """Documents whose citations cover `required` (SPEC §4, `qmslint.clauses.coverage`)."""
        unique = {
            doc.path: doc
            for cited in coverage.covering(required, catalogues, self.cited)
            for doc in self.cited[cited]
        }
        return [unique[path] for path in sorted(unique)]
