"""Clause claims in the body: reference tables, reference lines, references sections."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qmslint import clauses
from qmslint.model import Position
from qmslint.read.references import find_standard, parse_citation, read_references


def claims(text, **kw):
    return [c.text for c in read_references(text, **kw).claims]


def parsed(text, default="ISO 13485:2016"):
    std = find_standard(default)[0] if default else None
    return [t for t, _s, _o in parse_citation(text, std).claims]


def test_template_reference_table_under_the_title():
    text = (
        "# SOP-012 Vigilance\n\n"
        "| ISO 13485:2016 | Para. 8.2.3 |\n|---|---|\n"
        "| EU Regulation 2017/745 (MDR) | Art. 87 - 92 (Vigilance) |\n"
    )
    refs = read_references(text)
    assert [c.text for c in refs.claims] == [
        "ISO 13485:2016 8.2.3",
        *[f"MDR Art. {n}" for n in range(87, 93)],
    ]
    assert refs.claims[0].position == Position(3, 26)  # the locator, after 'Para. '
    assert refs.claims[0].source == "reference-table"
    assert refs.claims[1].position == Position(5, 39)
    assert [str(clauses.parse(c.text)) for c in refs.claims[:2]] == ["iso13485:8.2.3", "mdr:art87"]
    assert refs.standards == []


def test_header_names_the_standard_over_bare_numbers():
    text = (
        "# CAPA\n\n| ISO 13485:2016 Section | Document Section |\n|---|---|\n"
        "| 8.5.2 | (All) |\n| 8.5.3 | 4.1 |\n"
    )
    assert claims(text) == ["ISO 13485:2016 8.5.2", "ISO 13485:2016 8.5.3"]  # never "4.1"


def test_standard_and_clause_columns_in_a_references_section():
    text = (
        "# Vigilance\n\n**Document ID:** SOP-16\n\n## 1. Purpose\n\nText.\n\n## 3. References\n\n"
        "| Standard | Clause | Title |\n|---|---|---|\n"
        "| ISO 13485:2016 | 8.2.3 | Reporting to regulatory authorities |\n\n## 4. Definitions\n\n"
        "| Term | Definition |\n|--|--|\n| ISO 9001:2008 7.5 | not a reference |\n"
    )
    refs = read_references(text)
    assert [c.text for c in refs.claims] == ["ISO 13485:2016 8.2.3"]
    assert refs.claims[0].source == "references-section"
    assert refs.claims[0].position == Position(13, 20)
    assert refs.problems == [] and refs.standards == []


def test_references_line_at_the_top():
    text = "# T\n\nRegulatory References: ISO 13485:2016 Sec. 4.1.6 and 6.3 and 7.6\n"
    refs = read_references(text)
    assert [c.text for c in refs.claims] == [
        "ISO 13485:2016 4.1.6",
        "ISO 13485:2016 6.3",
        "ISO 13485:2016 7.6",
    ]
    assert refs.claims[0].source == "reference-line"
    assert refs.claims[1].position == Position(3, 54)


def test_pactosigna_regulatory_basis_line():
    text = (
        "# SOP-002: Design\n\n> **Document Type**: Standard Operating Procedure\n"
        "> **Regulatory Basis**: ISO 13485:2016 Section 7.3, IEC 62304:2006+A1:2015\n"
    )
    refs = read_references(text)
    assert [c.text for c in refs.claims] == ["ISO 13485:2016 7.3"]
    assert [(s.framework, s.edition, s.catalogued) for s in refs.standards] == [
        ("iec62304", "2006+A1:2015", False)
    ]


def test_pactosigna_references_list_section():
    text = (
        "# SOP-012\n\n## 7. References\n\n- ISO 13485:2016 Sections 8.2.3, 8.3.3\n"
        "- EU MDR 2017/745 Articles 87-92\n- 21 CFR Part 803 (MDR — Medical Device Reporting)\n"
        "- MEDDEV 2.12/1 — Guidelines on a Medical Devices Vigilance System\n"
        "- [SOP-004](SOP-004-capa.md) — CAPA\n\n## 8. Revision History\n\n- ISO 9001:2015 4.4\n"
    )
    refs = read_references(text)
    texts = [c.text for c in refs.claims]
    assert texts[:2] == ["ISO 13485:2016 8.2.3", "ISO 13485:2016 8.3.3"]
    assert texts[2:8] == [f"MDR Art. {n}" for n in range(87, 93)]
    assert texts[8:] == ["21 CFR 803"]  # the section ends at the next heading
    assert [s.framework for s in refs.standards] == ["meddev"]
    assert refs.claims[8].position == Position(7, 15)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("8.2.1 / 8.2.2", ["ISO 13485:2016 8.2.1", "ISO 13485:2016 8.2.2"]),
        ("sections 6.2 and 7.1", ["ISO 13485:2016 6.2", "ISO 13485:2016 7.1"]),
        ("4.2.1 b)", ["ISO 13485:2016 4.2.1(b)"]),
        ("Para. 8.2.3", ["ISO 13485:2016 8.2.3"]),
        ("§7.5.9.2", ["ISO 13485:2016 7.5.9.2"]),
        ("4.2.1–4.2.2", ["ISO 13485:2016 4.2.1", "ISO 13485:2016 4.2.2"]),
        ("5.1–5.4", [f"ISO 13485:2016 5.{n}" for n in range(1, 5)]),
        ("Art. 83-86", [f"MDR Art. {n}" for n in range(83, 87)]),
        ("MDR Art. 87(4)", ["MDR Art. 87(4)"]),
        ("Regulation (EU) 2017/745 Annex XIV Part B", ["MDR Annex XIV Part B"]),
        ("EN ISO 14971:2019+A11:2021 clause 4.5", ["ISO 14971 4.5"]),
        ("21 CFR 820.30(g)", ["21 CFR 820.30(g)"]),
        ("21 CFR Part 820.40", ["21 CFR 820.40"]),
        ("ISO 9001:2015 §7.5.3", ["ISO 9001:2015 7.5.3"]),
        ("8.2.3 Reporting to regulatory authorities", ["ISO 13485:2016 8.2.3"]),
    ],
)
def test_spellings_expand_and_parse(written, expected):
    texts = parsed(written)
    assert texts == expected
    for text in texts:
        clauses.parse(text)  # the existing grammar reads every catalogued text


def test_mdr_points_range():
    texts = parsed("MDR Art. 10(9) points (a)-(m)", None)
    assert texts[0] == "MDR Art. 10(9)(a)" and texts[-1] == "MDR Art. 10(9)(m)"
    assert len(texts) == 13
    assert str(clauses.parse(texts[-1])) == "mdr:art10.9.m"


def test_uncatalogued_frameworks_are_kept():
    refs = read_references(
        "# T\n\n## References\n\n- IEC 62304:2006+A1:2015 Section 7\n- ISO 27001:2022 A.5.1\n"
    )
    found = [(c.text, c.framework, c.catalogued) for c in refs.claims]
    assert found == [("IEC 62304 7", "iec62304", False), ("ISO 27001 A.5.1", "iso27001", False)]


def test_older_edition_is_a_problem_not_a_claim():
    refs = read_references(
        "# T\n\n## References\n\n- ISO 9001:2008 7.5.3\n- ISO 13485:2003 4.2.3\n"
    )
    assert refs.claims == []
    assert [p.code for p in refs.problems] == ["older-edition", "older-edition"]
    assert "ISO 9001:2008" in refs.problems[0].message
    assert refs.problems[0].position == Position(5, 17)


def test_unknown_edition_reads_the_standard_with_a_problem():
    refs = read_references("# T\n\n## References\n\n- ISO 13485:2015 8.2.3\n")
    assert [c.text for c in refs.claims] == ["ISO 13485 8.2.3"]
    assert [p.code for p in refs.problems] == ["unknown-edition"]


def test_standard_without_clause():
    refs = read_references(
        "# T\n\n## References\n\n- ISO 14971:2019\n- ISO 13485:2016 -- Medical devices -- QMS\n"
    )
    assert refs.claims == []
    assert [(s.framework, s.edition) for s in refs.standards] == [
        ("iso14971", "2019"),
        ("iso13485", "2016"),
    ]


def test_prose_mentions_are_not_claims():
    text = (
        "# Vigilance\n\n**Document ID:** SOP-16\n\n"
        "> **Scope note.** Align reporting obligations to e.g. EU MDR Articles 87-92, US FDA MDR "
        "(21 CFR 803).\n\n## Procedure\n\nReport per ISO 13485:2016 clause 8.2.3 within 15 days.\n"
    )
    refs = read_references(text, with_mentions=True)
    assert refs.claims == []
    mentioned = [t for m in refs.mentions for t in m.texts]
    assert "MDR Art. 87" in mentioned and "ISO 13485:2016 8.2.3" in mentioned
    assert all(m.framework != "mdr" or "FDA" not in m.written for m in refs.mentions)


def test_references_heading_inside_code_is_not_a_section():
    text = "# T\n\n```\n## References\n- ISO 13485:2016 8.2.3\n```\n"
    assert claims(text) == []


def test_range_limits():
    refs = read_references("# T\n\n## References\n\n- MDR Art. 1-500\n- ISO 13485:2016 4.2-5.1\n")
    assert refs.claims == []
    assert {p.code for p in refs.problems} >= {"range-too-large", "unexpandable-range"}


def test_default_standard_from_a_standard_label():
    text = "# T\n\n**Standard:** ISO 13485:2016\n**Clauses:** 4.2.4, 4.2.5\n"
    refs = read_references(text)
    assert [c.text for c in refs.claims] == ["ISO 13485:2016 4.2.4", "ISO 13485:2016 4.2.5"]


def test_document_standard_used_for_bare_numbers():
    text = "# T\n\n**Clauses:** 7.3\n"
    assert claims(text, standard="ISO 13485:2016") == ["ISO 13485:2016 7.3"]
    assert claims(text) == []


def test_rdm_audit_notes():
    text = "# Purpose\n\nApplies to all phases [[14971:3.4.a]].\n\n[[62304:5.8.5]]\n\n[[SOP-01 Document Control]]\n"
    refs = read_references(text)
    found = [(c.text, c.source, c.catalogued) for c in refs.claims]
    assert found == [
        ("ISO 14971 3.4.a", "audit-note", True),
        ("IEC 62304 5.8.5", "audit-note", False),
    ]
    assert refs.claims[0].position == Position(3, 25)
    assert [p.code for p in refs.problems] == ["edition-not-stated"]


def test_adversarial_citations_are_fast():
    texts = [
        "ISO " * 5000,
        "8." * 5000,
        "Art. 1-" * 2000,
        "(" * 10000,
        "ISO 13485:2016 " + "1, " * 3000,
        "21 CFR " * 3000,
        "[[" * 10000,
    ]
    started = time.perf_counter()
    for text in texts:
        read_references(
            "# T\n\n## References\n\n- " + text + "\n" + text + "\n", with_mentions=True
        )
    assert time.perf_counter() - started < 2.0


def test_long_lines_in_a_references_section_stay_fast_and_the_rest_is_read():
    text = (
        "# T\n\n## References\n\n- " + "*a " * 20000 + "\n- ISO 13485:2016 8.2.3\n"
        "- " + "**x" * 3000 + "\n"
    )
    started = time.perf_counter()
    refs = read_references(text)
    assert time.perf_counter() - started < 0.5
    assert [c.text for c in refs.claims] == ["ISO 13485:2016 8.2.3"]
    assert refs.claims[0].position == Position(6, 18)


_SECTION_LINES = [
    "## References",
    "### 7. Normative References:",
    "## **Applicable Standards and Regulations**",
    "#  Related_Documents",
    "   # REFERENCES",
    "    # References",  # indented code, no heading
    "#References",  # no space: no heading
    "## Purpose",
    "# SOP-001 Document control",
    "```",
    "~~~",
    "- ISO 13485:2016 4.2.4",
    "See [[13485:4.2.4]] here.",
    "Plain prose about documents and standards.",
    "",
]


@given(st.lists(st.sampled_from(_SECTION_LINES), max_size=12), st.integers(0, 3))
@settings(max_examples=300, deadline=None)
def test_the_heading_prefilter_never_hides_a_references_section(lines, after) -> None:
    """`reference_sections` skips its line-by-line pass when no heading-like line holds a
    section name's longest word; it must find exactly what the pass finds."""
    from qmslint.read import references

    found = references.reference_sections(lines, after)
    original = references._may_name_a_section
    references._may_name_a_section = lambda lines, after: True
    try:
        assert references.reference_sections(lines, after) == found
    finally:
        references._may_name_a_section = original
