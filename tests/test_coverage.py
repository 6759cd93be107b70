"""Coverage as an auditor reads a citation (SPEC §4): the one function `qmslint.clauses.coverage.covers`,
and a property test that every rule selecting a clause agrees with it about any document."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qmslint.checks import CheckContext, Shared
from qmslint.clauses import coverage, expand, parse, shipped
from qmslint.index.repository import IndexSettings, build
from qmslint.read.discovery import Candidate
from qmslint.read.document import read_documents
from qmslint.read.readers import MarkdownReader, ReadSettings
from qmslint.session import builtin_ruleset
from qmslint.testing import dump_yaml

CATALOGUES = shipped()


def covers(cited: str, required: str) -> bool:
    return coverage.covers(parse(cited), parse(required), CATALOGUES)


@pytest.mark.parametrize(
    ("cited", "required"),
    [
        ("iso13485:5.6", "iso13485:5.6.1"),  # ISO104
        ("iso13485:6.4", "iso13485:6.4.2"),  # ISO106, ISO138
        ("iso13485:7.3", "iso13485:7.3.10"),  # ISO107-109, 141, 142, FDA010
        ("iso13485:7.4", "iso13485:7.4.1"),  # ISO110, MDR008
        ("iso13485:7.5.9", "iso13485:7.5.9.2"),  # ISO116, ISO146
        ("iso13485:8.3", "iso13485:8.3.4"),  # ISO124-126
        ("iso13485:8.5", "iso13485:8.5.3"),  # ISO128, ISO129, MDR015
        ("iso13485:5.4", "iso13485:5.4.1"),  # ISO135
        ("iso13485:5.5", "iso13485:5.5.1"),  # ISO136
        ("iso9001:8.2", "iso9001:8.2.3"),  # Q9009
        ("iso9001:8.4", "iso9001:8.4.1"),  # Q9011
        ("iso9001:8.7", "iso9001:8.7.2"),  # Q9016
        ("iso9001:9.1", "iso9001:9.1.1"),  # Q9017
        ("iso9001:9.2", "iso9001:9.2.2"),  # Q9018
        ("iso9001:9.3", "iso9001:9.3.3"),  # Q9019
        ("iso9001:10.2", "iso9001:10.2.2"),  # Q9020
        ("mdr:art61", "mdr:art61.12"),  # MDR019
        ("mdr:annex14", "mdr:annex14.a"),  # MDR018
        ("mdr:art27", "mdr:art27.7"),  # MDR025
        ("mdr:art15", "mdr:art15.3"),  # MDR031
        ("mdr:art18", "mdr:art18.1"),  # MDR032
        ("mdr:art87", "mdr:art87.1.b"),  # MDR044
        ("mdr:art89", "mdr:art89.8"),  # MDR046
        ("cfr:820.35", "cfr:820.35.a"),  # FDA012
        ("cfr:803", "cfr:803.17"),  # a part that is one process covers its sections
        ("mdr:annex1.ch1", "mdr:annex1.3"),  # a chapter covers its sections
        ("iso14971:4", "mdr:art10.9.e"),  # harmonised: presumption of conformity
        ("iso14971:7.1", "mdr:annex1.4"),
    ],
)
def test_citing_a_clause_covers_it_and_everything_below(cited: str, required: str) -> None:
    assert covers(cited, required)


@pytest.mark.parametrize(
    ("cited", "required"),
    [
        ("iso13485:7.5", "iso13485:7.5.9.1"),  # headings cover no sub-clause
        ("iso13485:8.2", "iso13485:8.2.3"),
        ("iso13485:4.1", "iso13485:4.1.6"),
        ("iso13485:5", "iso13485:5.6.1"),
        ("iso13485:7", "iso13485:7.3.1"),
        ("iso9001:8.5", "iso9001:8.5.1"),
        ("iso9001:7.1", "iso9001:7.1.5.1"),
        ("mdr:art10", "mdr:art10.8"),
        ("mdr:art10.9", "mdr:art10.9.k"),
        ("cfr:820", "cfr:820.45"),
        ("mdr:annex2.4", "mdr:annex2"),  # a sub-clause never covers its parent (MDR021)
        ("iso13485:7.2.3", "iso13485:7"),  # (MDR011)
        ("iso13485:5.3", "iso13485:5"),  # (MDR007)
        ("mdr:art87.10", "mdr:art87"),  # (MDR001)
        ("mdr:art87.10", "mdr:art87.1"),
        ("iso13485:8.2.3", "iso13485:8.2"),
        ("iso9001:9.1", "iso9001:9.10"),  # segments, never substrings
        ("iso9001:8.2.3", "iso13485:8.2.3"),  # another framework
        ("mdr:annex1.ch1", "mdr:annex1.23"),  # the section is in chapter III
        ("iso14971:4", "mdr:annex1.3"),  # the device-specific part is not harmonised (MDR017)
        ("iso14971:4", "mdr:art10.2"),
        ("iso14971:1", "mdr:art10.9.e"),  # the scope clause carries no presumption
    ],
)
def test_what_a_citation_does_not_cover(cited: str, required: str) -> None:
    assert not covers(cited, required)


def test_a_range_covers_each_clause_it_names() -> None:
    cited = expand("MDR Art. 87 - 92")
    assert [str(c) for c in cited] == [f"mdr:art{n}" for n in range(87, 93)]
    assert coverage.covered(cited, parse("mdr:art89.8"), CATALOGUES)
    assert not coverage.covered(cited, parse("mdr:art93"), CATALOGUES)
    points = expand("Art. 10(9) points (a)-(m)")
    assert [c.locator for c in points] == [f"art10.9.{x}" for x in "abcdefghijklm"]


def test_partly_covered_names_what_is_covered_and_what_is_missing() -> None:
    needed = [parse(f"iso13485:5.{n}") for n in range(1, 7)]
    done, missing = coverage.partly(needed, [parse("iso13485:5.3")], CATALOGUES)
    assert [str(c) for c in done] == ["iso13485:5.3"]
    assert [str(c) for c in missing] == [f"iso13485:5.{n}" for n in (1, 2, 4, 5, 6)]


def test_only_a_sub_clause_is_cited() -> None:
    below = coverage.cites_only_below([parse("mdr:art87.10")], parse("mdr:art87"), CATALOGUES)
    assert below == [parse("mdr:art87.10")]
    assert not coverage.cites_only_below([parse("mdr:art87")], parse("mdr:art87"), CATALOGUES)


# ----------------------------------------------------------------------------- property test

RULESET = builtin_ruleset()


def _selected_clauses() -> dict[str, list[str]]:
    """clause id → rules whose existence or field check selects (or needs all of) it."""
    selecting: dict[str, list[str]] = {}
    for rule in RULESET.rules.values():
        options = rule.options
        texts = list((options.get("select") or {}).get("clauses", ())) + list(
            options.get("all_of", ())
        )
        for text in texts:
            selecting.setdefault(str(parse(text)), []).append(rule.id)
    return selecting


SELECTING = _selected_clauses()
IDS = sorted(
    {f"{fw}:{loc}" for fw, cat in CATALOGUES.by_framework.items() for loc in cat.clauses}
    | set(SELECTING)
)


def test_no_rule_selects_a_heading() -> None:
    headings = [
        f"{text} ({', '.join(rules)})"
        for text, rules in SELECTING.items()
        if CATALOGUES.by_framework[parse(text).framework].is_heading(parse(text))
    ]
    assert not headings, f"rules that require a heading: {headings}"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cited=st.lists(st.sampled_from(IDS), min_size=1, max_size=4),
    required=st.sampled_from(sorted(SELECTING)),
)
def test_every_rule_selecting_a_clause_agrees_whether_a_document_covers_it(
    cited: list[str], required: str
) -> None:
    """For any document and clause X, each rule selecting X sees the document as covering X
    exactly when the coverage function says so."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        front = dump_yaml(
            {"id": "DOC-1", "type": "procedure", "status": "effective", "clauses": cited}
        )
        (root / "DOC-1.md").write_text(f"---\n{front}---\n\n# DOC-1\n", encoding="utf-8")
        documents = read_documents(
            root, [Candidate("DOC-1.md")], [MarkdownReader()], ReadSettings()
        )
        repo = build(root, documents, IndexSettings(), CATALOGUES)
        shared = Shared(repo=repo, today=dt.date(2026, 11, 21), active_rules=RULESET.rules)
        expected = coverage.covered([parse(c) for c in cited], parse(required), CATALOGUES)
        for rule_id in SELECTING[required]:
            ctx = CheckContext(shared, RULESET.rules[rule_id])
            seen = bool(ctx.select({"clauses": [required]}))
            assert seen == expected, (rule_id, cited, required)
