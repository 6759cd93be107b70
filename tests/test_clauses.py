"""Clause ids: the grammar, common spellings, the catalogues and hierarchy without substrings."""

from __future__ import annotations

import pytest

from qmslint.clauses import ClauseError, ClauseId, parse, parse_many, shipped


@pytest.mark.parametrize(
    ("text", "default", "expected"),
    [
        ("iso13485:7.5.9.2", None, "iso13485:7.5.9.2"),
        ("ISO 13485:2016 §7.5.9.2", None, "iso13485:7.5.9.2"),
        ("EN ISO 13485:2016+A11:2021 clause 8.2.3", None, "iso13485:8.2.3"),
        ("ISO 13485:2016 Section 4.2.4", None, "iso13485:4.2.4"),
        ("8.5.2", "iso13485", "iso13485:8.5.2"),
        ("§7.3", "iso13485", "iso13485:7.3"),
        ("ISO 9001:2015 7.5.3", None, "iso9001:7.5.3"),
        ("ISO 14971:2019 clause 7", None, "iso14971:7"),
        ("MDR Art. 87(4)", None, "mdr:art87.4"),
        ("Art 10(9)(k)", None, "mdr:art10.9.k"),
        ("Article 15", None, "mdr:art15"),
        ("MDR Annex VI Part C 6.1", None, "mdr:annex6.c.6.1"),
        ("mdr:annex3.1.1.b", None, "mdr:annex3.1.1.b"),
        ("21 CFR 803.50", None, "cfr:803.50"),
        ("21 CFR 820.10(b)(1)", None, "cfr:820.10.b.1"),
        ("21 CFR Part 830", None, "cfr:830"),
        ("CFR:820.45", None, "cfr:820.45"),
    ],
)
def test_common_spellings(text: str, default: str | None, expected: str) -> None:
    assert str(parse(text, default)) == expected


def test_bare_number_without_standard_is_an_error() -> None:
    with pytest.raises(ClauseError, match="names no framework"):
        parse("8.5.2")


def test_framework_carries_to_the_next_item() -> None:
    parsed = parse_many(["ISO 13485:2016 Sections 8.2.1", "8.2.2"])
    assert [str(clause) for _, clause in parsed] == ["iso13485:8.2.1", "iso13485:8.2.2"]


def test_canonical_ids_do_not_carry_their_framework_to_bare_numbers() -> None:
    parsed = parse_many(["mdr:art87", "8.2.3"], default_framework="iso13485")
    assert [str(clause) for _, clause in parsed] == ["mdr:art87", "iso13485:8.2.3"]


def test_catalogues_know_valid_ids_and_reject_others() -> None:
    catalogues = shipped()
    for valid in ("iso13485:7.5.9.2", "iso9001:9.3.3", "mdr:art87.4", "cfr:803.50", "iso14971:7"):
        assert catalogues.known(parse(valid)), valid
    for invalid in ("iso13485:7.5.9.3", "iso13485:1.2", "mdr:art124", "iso9001:8.5.3.1"):
        assert not catalogues.known(parse(invalid)), invalid


def test_hierarchy_is_by_segment_never_by_substring() -> None:
    catalogues = shipped()
    required = ClauseId("iso13485", "8.2.3")
    assert catalogues.satisfies(ClauseId("iso13485", "8.2.3"), required)
    assert not catalogues.satisfies(ClauseId("iso13485", "8.2"), required)  # 8.2 is a heading
    assert catalogues.satisfies(ClauseId("iso13485", "7.5.9"), ClauseId("iso13485", "7.5.9.2"))
    # a sub-clause never covers its parent (SPEC §4)
    assert not catalogues.satisfies(ClauseId("iso13485", "7.5.9.2"), ClauseId("iso13485", "7.5.9"))
    assert not ClauseId("iso13485", "8.2").is_ancestor_of(ClauseId("iso13485", "8.23"))
    assert not catalogues.satisfies(ClauseId("iso9001", "8.2.3"), required)


def test_suggestion_for_a_typo() -> None:
    catalogue = shipped().by_framework["iso13485"]
    assert catalogue.suggest(ClauseId("iso13485", "7.5.9.3")) == "iso13485:7.5.9"
