"""The clauses each document cites, parsed once, and the index of documents by cited clause."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from qmslint import clauses as clause_ids
from qmslint.clauses import coverage
from qmslint.model import Claim, Document, Position


@dataclass(slots=True)
class Citation:
    """One clause a document cites, where it is written, and whether it parsed and is known.

    `index` is the item of the `clauses` field (-1 for a claim read elsewhere); `source` and
    `position` say where it is written, `path` the file when that is another document (a clause
    mapping naming this one).
    """

    index: int
    text: str
    clause: clause_ids.ClauseId | None
    error: str | None = None
    source: str = "front-matter"
    position: Position | None = None
    path: str | None = None


def citations_of(document: Document, default_framework: str | None) -> list[Citation]:
    """The `clauses` field item by item, then the claims read from the body."""
    result = []
    written = document.fields.get("clauses")
    if written is not None:
        for index, parsed in clause_ids.parse_many(written.value, default_framework):
            text = written.value[index]
            position = written.position_of(index)
            error = str(parsed) if isinstance(parsed, clause_ids.ClauseError) else None
            clause = None if error else clause_ids.shared(parsed)
            result.append(Citation(index, text, clause, error, written.source, position))
    for claim in document.claims:
        result += claim_citations(claim, default_framework)
    return result


def claim_citations(claim: Claim, default_framework: str | None) -> list[Citation]:
    """The citations one claim makes (a range in a mapping row names several clauses)."""
    found = []
    for _, parsed in clause_ids.parse_many([claim.text], default_framework):
        error = str(parsed) if isinstance(parsed, clause_ids.ClauseError) else None
        clause = None if error else clause_ids.shared(parsed)
        found.append(
            Citation(-1, claim.text, clause, error, claim.source, claim.position, claim.path)
        )
    return found


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
