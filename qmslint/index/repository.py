"""The repository index: every document read once, with lookups the rules share.

Rules never read files or parse clause ids themselves; they ask the index (documents by id, type
and cited clause; devices; justified exclusions). Every document is indexed, even one without an
id, so that a duplicate or missing id is a finding and never a silent skip. The index takes the
few settings it needs (`IndexSettings`), not the whole configuration.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from qmslint import clauses as clause_ids
from qmslint.clauses import coverage
from qmslint.index import devices as device_index
from qmslint.index import mappings
from qmslint.index.citations import Citation, ClauseIndex, citations_of
from qmslint.model import Device, Document, Position
from qmslint.read.fields import Spellings
from qmslint.read.names import DEFAULT_ID_PATTERN


@dataclass(frozen=True)
class IndexSettings:
    """What the index needs from the configuration."""

    in_force: tuple[str, ...] = ("approved", "effective")
    standard: str | None = None  # the framework of bare clause numbers (`8.5.2`)
    markets: tuple[str, ...] = ()
    devices: tuple[Mapping[str, Any], ...] = ()  # the config's `devices:` entries
    device_positions: tuple[Position, ...] = ()
    config_name: str = "<defaults>"  # where findings about config-declared devices point
    spellings: Spellings = field(default_factory=Spellings.of)  # for register values
    id_pattern: str = DEFAULT_ID_PATTERN  # for ids named in mappings and registers
    mapping_documents: tuple[str, ...] = ()  # globs: only these hold mappings and registers


@dataclass
class Exclusion:
    clause: clause_ids.ClauseId
    justification: str
    document: Document
    devices: tuple[str, ...] = ()  # empty: the exclusion applies to every device
    index: int = 0  # position in the manual's `exclusions` list


@dataclass
class Repository:
    root: Path
    settings: IndexSettings
    catalogues: clause_ids.Catalogues
    documents: list[Document] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)
    device_problems: list[device_index.DeviceProblem] = field(default_factory=list)
    citations: dict[str, list[Citation]] = field(default_factory=dict)
    by_id: dict[str, list[Document]] = field(default_factory=lambda: defaultdict(list))
    clause_index: ClauseIndex = field(default_factory=ClauseIndex)

    # -- lookups rules use ------------------------------------------------------------------

    def in_force(self, document: Document) -> bool:
        return document.status in self.settings.in_force

    def documents_covering(self, required: clause_ids.ClauseId) -> list[Document]:
        """Documents whose citations cover `required`, by path."""
        return self.clause_index.covering(required, self.catalogues)

    def excluded(
        self, required: clause_ids.ClauseId, device: Device | None = None
    ) -> Exclusion | None:
        """A justified exclusion in an in-force quality manual covering `required` (for `device`
        when given: an exclusion that names devices applies to those only), if any."""
        for exclusion in self.exclusions():
            if not exclusion.justification or not coverage.covers(
                exclusion.clause, required, self.catalogues
            ):
                continue
            if exclusion.devices and (device is None or device.id not in exclusion.devices):
                continue
            return exclusion
        return None

    def exclusions(self) -> Iterable[Exclusion]:
        """The exclusions of the quality manuals in force, in document order."""
        return iter(self._exclusions)

    @cached_property
    def _exclusions(self) -> tuple[Exclusion, ...]:
        """Read once: every existence rule and every clause it needs asks for them."""
        return tuple(self._read_exclusions())

    def _read_exclusions(self) -> Iterator[Exclusion]:
        for document in self.documents:
            if document.type != "manual" or not self.in_force(document):
                continue
            default = self.default_framework(document)
            for index, item in enumerate(document.get("exclusions") or ()):
                try:
                    clause = clause_ids.parse(item["clause"], default)
                except clause_ids.ClauseError:
                    continue
                devices = tuple(str(d) for d in item.get("devices") or ())
                yield Exclusion(clause, item["justification"], document, devices, index)

    def default_framework(self, document: Document) -> str | None:
        return clause_ids.framework_of_standard(
            document.get("standard")
        ) or clause_ids.framework_of_standard(self.settings.standard)

    def devices_for(self, document: Document) -> list[Device]:
        """The devices a document applies to: those it names, or all when it names none."""
        named = document.get("devices") or []
        if not named:
            return list(self.devices)
        return [device for device in self.devices if device.id in named]

    def near_citations(
        self, clauses: Iterable[clause_ids.ClauseId]
    ) -> dict[tuple[clause_ids.ClauseId, ...], list[int]]:
        """The documents that cite a clause of the same framework and top-level clause as one of
        `clauses` (`iso13485:7.5.1` for `iso13485:7.3`), the only ones a near miss (a heading, a
        sub-clause, another paragraph) can name: grouped by all that they cite (the clause ids
        in citation order), each group as indices into `documents`, in order."""
        groups: dict[tuple[clause_ids.ClauseId, ...], set[int]] = defaultdict(set)
        for wanted in {family(clause) for clause in clauses}:
            for cited, indices in self._families.get(wanted, {}).items():
                groups[cited].update(indices)
        return {cited: sorted(indices) for cited, indices in groups.items()}

    @cached_property
    def _families(self) -> dict[tuple[str, str], dict[tuple[clause_ids.ClauseId, ...], list[int]]]:
        """Each document (its index) by the families of the clauses it cites, then by all that
        it cites."""
        by_cited: dict[tuple[clause_ids.ClauseId, ...], list[int]] = {}
        for index, document in enumerate(self.documents):
            cited = tuple(c.clause for c in self.citations.get(document.path, ()) if c.clause)
            by_cited.setdefault(cited, []).append(index)
        # thousands of documents cite the same few sets of clauses: their families once per set
        families: dict[tuple[str, str], dict] = {}
        for cited, indices in by_cited.items():
            for each in dict.fromkeys(family(clause) for clause in cited):
                families.setdefault(each, {})[cited] = indices
        return families

    def document_at(self, path: str | None) -> Document | None:
        """The document read from `path` (a device's declaration, say), if it is one."""
        return next((d for d in self.documents if d.path == path), None)

    @property
    def markets(self) -> set[str]:
        found = {str(m) for m in self.settings.markets}
        for device in self.devices:
            found.update(str(m) for m in device.fact("markets") or ())
        return found


def family(clause: clause_ids.ClauseId) -> tuple[str, str]:
    """The framework and top-level segment: clauses related by hierarchy share it."""
    return clause.framework, clause.locator.split(".", 1)[0]


def build(
    root: Path,
    documents: Sequence[Document],
    settings: IndexSettings,
    catalogues: clause_ids.Catalogues,
    known: Mapping[str, list[Citation]] | None = None,
) -> Repository:
    """The index over documents already read; `known` gives the citations of some of them,
    by path, where they were worked out before (qmslint/incremental's stand-ins)."""
    repo = Repository(root=root, settings=settings, catalogues=catalogues)
    repo.documents = list(documents)
    claimed = mappings.apply(
        repo.documents,
        repo.in_force,
        repo.default_framework,
        settings.spellings,
        settings.id_pattern,
        settings.mapping_documents,
    )
    for document in repo.documents:
        citations = known.get(document.path) if known else None
        if citations is None:
            citations = citations_of(document, repo.default_framework(document))
            citations += claimed.get(document.path, [])
        repo.citations[document.path] = citations
        if document.id:
            repo.by_id[document.id].append(document)
        repo.clause_index.add(document, citations)
    repo.devices, repo.device_problems = device_index.collect(
        settings.devices, settings.device_positions, settings.config_name, repo.documents
    )
    return repo
