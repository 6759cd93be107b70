"""Coverage (SPEC §4): whether citing one clause covers another, decided in this one place.

An auditor reads a citation the way real QMSs write it, at the clause or article level:

- citing a clause covers that clause and everything below it (`iso13485:5.6` covers `5.6.1`;
  `mdr:art87` covers `art87.1.b`), except where the catalogue marks the clause as a *heading*
  (`iso13485:7.5`, `iso13485:8.2`, `mdr:art10`, `mdr:art10.9`, `cfr:820` …): a title over
  distinct processes, whose citation covers none of them. A heading between the cited clause and
  the required one closes the way down too;
- citing a sub-clause covers only that sub-clause, never its parent (`mdr:art87.10` does not make
  a vigilance procedure); hierarchy goes by segments, never by substrings;
- an MDR annex chapter (`annex1.ch1`) covers the sections the catalogue says it holds;
- a harmonised standard covers the provisions the catalogue records its Annex Z as mapping
  (presumption of conformity, MDR Art 8), e.g. EN ISO 14971 for the MDR risk management process.

Ranges and lists (`Art. 87 - 92`) are read into one id per clause by `qmslint.clauses.expand`,
so each of them is a citation of its own here.

Everything here is a pure function of clause ids and the catalogues: the repository index, the
rules, the matrix and the tests all ask these functions, so that no two rules ever disagree
about whether a document covers a clause.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

from qmslint.clauses import Catalogue, Catalogues, ClauseId

__all__ = [
    "cites_only_below",
    "covered",
    "covering",
    "covers",
    "partly",
]


def covers(cited: ClauseId, required: ClauseId, catalogues: Catalogues) -> bool:
    """Whether a document citing `cited` covers `required`."""
    if cited == required:
        return True
    catalogue = catalogues.by_framework.get(cited.framework)
    if cited.framework == required.framework:
        if cited.is_ancestor_of(required):
            return catalogue is None or _open_between(cited, required, catalogue)
        return catalogue is not None and _chapter_covers(cited, required, catalogue)
    if catalogue is None:
        return False
    return any(
        any(source == cited or source.is_ancestor_of(cited) for source in mapping.sources)
        and any(covers(target, required, catalogues) for target in mapping.targets)
        for mapping in catalogue.harmonised
    )


def covered(citations: Iterable[ClauseId], required: ClauseId, catalogues: Catalogues) -> bool:
    """Whether any of a document's citations covers `required`."""
    return any(covers(cited, required, catalogues) for cited in citations)


def covering(
    required: ClauseId, catalogues: Catalogues, cited: Collection[ClauseId]
) -> list[ClauseId]:
    """The ids among `cited` (everything the repository cites) that cover `required`.

    Only the candidates are tried: the clause itself, its ancestors, the annex chapter holding
    it, and citations of a harmonised standard that maps onto it.
    """
    found = [c for c in _candidates(required, catalogues) if c in cited]
    found = [c for c in found if covers(c, required, catalogues)]
    for framework in _mapped_frameworks(required, catalogues):
        found += [
            c
            for c in cited
            if c.framework == framework and c not in found and covers(c, required, catalogues)
        ]
    return sorted(set(found))


def cites_only_below(
    citations: Iterable[ClauseId], required: ClauseId, catalogues: Catalogues
) -> list[ClauseId]:
    """Citations strictly below `required` when none covers it: the "cites only a sub-clause"
    near miss that an existence rule's message names."""
    citations = list(citations)
    if covered(citations, required, catalogues):
        return []
    return [c for c in citations if required.is_ancestor_of(c)]


def partly(
    required: Iterable[ClauseId], citations: Iterable[ClauseId], catalogues: Catalogues
) -> tuple[list[ClauseId], list[ClauseId]]:
    """(covered, missing) among clauses that are required together (a heading's sub-clauses a
    rule needs): some but not all covered is *partly covered*."""
    citations = list(citations)
    done, missing = [], []
    for clause in required:
        (done if covered(citations, clause, catalogues) else missing).append(clause)
    return done, missing


# ----------------------------------------------------------------------------- helpers


def _open_between(cited: ClauseId, required: ClauseId, catalogue: Catalogue) -> bool:
    """No heading from `cited` down to `required`'s parent: a heading covers no sub-clause."""
    segments = required.segments
    for size in range(len(cited.segments), len(segments)):
        if ".".join(segments[:size]) in catalogue.headings:
            return False
    return True


def _chapter_covers(cited: ClauseId, required: ClauseId, catalogue: Catalogue) -> bool:
    sections = catalogue.chapters.get(cited.locator)
    if sections is None:
        return False
    annex, theirs = cited.segments[0], required.segments
    if len(theirs) < 2 or theirs[0] != annex or not theirs[1].isdigit():
        return False
    if not sections[0] <= int(theirs[1]) <= sections[1]:
        return False
    section = ClauseId(required.framework, f"{annex}.{theirs[1]}")
    return section == required or _open_between(section, required, catalogue)


def _candidates(required: ClauseId, catalogues: Catalogues) -> Iterator[ClauseId]:
    segments = required.segments
    for size in range(len(segments), 0, -1):
        yield ClauseId(required.framework, ".".join(segments[:size]))
    catalogue = catalogues.by_framework.get(required.framework)
    if catalogue is not None and len(segments) >= 2:
        for chapter in catalogue.chapters:
            if chapter.split(".")[0] == segments[0]:
                yield ClauseId(required.framework, chapter)


def _mapped_frameworks(required: ClauseId, catalogues: Catalogues) -> set[str]:
    """Frameworks with a harmonised mapping onto `required` (so their citations may cover it)."""
    result = set()
    for catalogue in catalogues.by_framework.values():
        for mapping in catalogue.harmonised:
            if any(covers(target, required, catalogues) for target in mapping.targets):
                result.add(catalogue.framework)
    return result
