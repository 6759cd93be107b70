"""The metadata block at the top of a Markdown body, in the styles real QMSs use."""

from __future__ import annotations

import time

import pytest

from qmslint.model import Position
from qmslint.read.body import classify_table, parse_label_line, read_head, split_row


def values(text, front_matter_end=0):
    head = read_head(text, front_matter_end)
    return {v.label: (v.value, v.position, v.source) for v in head.values}


def test_label_value_table_under_the_title_with_exact_positions():
    text = "# Vigilance\n\n| Document ID | SOP-012 |\n|---|---|\n| Version | 2 |\n"
    found = values(text)
    assert found["Document ID"] == ("SOP-012", Position(3, 17), "body-table")
    assert found["Version"] == ("2", Position(5, 13), "body-table")


def test_header_row_over_value_row_without_outer_pipes():
    text = (
        "# SOP-001 Vigilance\n\n"
        "Document Number|Title|Effective|Owner\n"
        "---|---|---|---\n"
        "SOP-001|Vigilance|2025-01-01|QA\n"
    )
    found = values(text)
    assert found["Document Number"] == ("SOP-001", Position(5, 1), "body-table")
    assert found["Title"] == ("Vigilance", Position(5, 9), "body-table")
    assert found["Effective"][0:2] == ("2025-01-01", Position(5, 19))
    assert found["Owner"][0:2] == ("QA", Position(5, 30))


def test_header_row_over_value_row_with_pipes():
    text = (
        "# X\n\n| Document Number | Title | Owner |\n|---|---|---|\n| SOP-001 | Vigilance | QA |\n"
    )
    assert values(text)["Owner"][0:2] == ("QA", Position(5, 25))


def test_field_value_header_is_not_a_value():
    text = "# X\n\n| Field | Value |\n|---|---|\n| Document ID | SOP-012 |\n| Status | Approved |\n"
    found = values(text)
    assert "Field" not in found
    assert found["Status"][0] == "Approved"


def test_pairs_on_one_row():
    text = (
        "# X\n\n| Doc ID | SOP-3 | Rev | 4 |\n|---|---|---|---|\n| Owner | QA | Status | Draft |\n"
    )
    found = values(text)
    assert found["Rev"][0] == "4" and found["Status"][0] == "Draft"


@pytest.mark.parametrize(
    ("line", "label", "value", "column"),
    [
        ("**Document ID:** SOP-012", "Document ID", "SOP-012", 18),
        ("**SOP ID:** X", "SOP ID", "X", 13),
        ("**Form ID**: FRM-01", "Form ID", "FRM-01", 14),
        ("Status: Approved", "Status", "Approved", 9),
        ("- **Owner:** QA", "Owner", "QA", 14),
        ("> **Status**: Effective", "Status", "Effective", 15),
        ("**Slug:** document-control", "Slug", "document-control", 11),
        ("**Effective Date:** [DD/MM/YYYY]", "Effective Date", "[DD/MM/YYYY]", 21),
        ("*Requirement ID:* {{ requirement.id }}", "Requirement ID", "{{ requirement.id }}", 19),
    ],
)
def test_label_line_styles(line, label, value, column):
    found = values(f"# Title\n\n{line}\n")
    assert found[label][0] == value
    assert found[label][1] == Position(3, column)
    assert found[label][2] == "label-line"


def test_lean_qms_label_paragraph_after_front_matter():
    text = (
        "---\ndoc_id: QM-01\n---\n\n# Quality Manual\n\n"
        "**Document ID:** QM-01\n**Revision:** 1.0\n**Effective Date:** [DD/MM/YYYY]\n\n"
        "> **How to use this skeleton.** This is the keystone document.\n\n"
        "## 2. Organisation\n\n| Item | Detail |\n|---|---|\n| Legal entity | X |\n"
    )
    head = read_head(text, 3)
    assert head.title.text == "Quality Manual"
    assert head.title.position == Position(5, 3)
    assert [v.label for v in head.values] == ["Document ID", "Revision", "Effective Date"]
    assert head.values[1].position == Position(8, 15)
    assert head.stopped_by == "block"  # the blockquote note is prose, not metadata


def test_pactosigna_blockquote_metadata():
    text = (
        "# SOP-001: Document Control\n\n"
        "> **Document Type**: Standard Operating Procedure\n"
        "> **Regulatory Basis**: ISO 13485:2016 Section 4.2.4\n"
        "> **Status**: Effective\n"
        "> **Owner**: PactoSigna Quality\n\n"
        "## 1. Purpose\n\nThis procedure establishes…\n"
    )
    head = read_head(text)
    found = {v.label: v for v in head.values}
    assert found["Status"].value == "Effective"
    assert found["Status"].position == Position(5, 15)
    assert head.stopped_by == "heading"


def test_data_table_further_down_is_never_read():
    text = (
        "# Software Requirements\n\n"
        "This document describes what the software must do.\n\n"
        "| ID | Description | Version |\n|---|---|---|\n| Software System | Requirement | 2 |\n"
    )
    head = read_head(text)
    assert head.values == []
    assert head.stopped_by == "block"


def test_data_table_under_a_second_heading_is_not_read():
    text = "# Title\n\n**Document ID:** A-1\n\n## Glossary\n\n| Term | Definition |\n|--|--|\n| Version | a glossary row |\n"
    found = values(text)
    assert set(found) == {"Document ID"}


def test_glossary_table_right_under_the_title_is_a_data_table():
    text = "# Title\n\n| Term | Definition |\n|---|---|\n| CAPA | Corrective action |\n| NC | Nonconformity |\n"
    assert read_head(text).values == []


def test_table_in_a_code_block_is_not_read():
    text = "# Title\n\n```\n| Document ID | SOP-012 |\n|---|---|\n| Status | Approved |\n```\n"
    head = read_head(text)
    assert head.values == []
    assert head.stopped_by == "block"


def test_indented_code_is_not_read():
    text = "# Title\n\n    **Document ID:** SOP-012\n"
    assert read_head(text).values == []


def test_metadata_section_heading_continues_the_head():
    text = "# SOP-3 CAPA\n\n## Document information\n\n| Document ID | SOP-3 |\n|--|--|\n| Owner | QA |\n\n## 1. Purpose\n\n| Owner | nobody |\n|--|--|\n"
    found = values(text)
    assert found["Owner"][0] == "QA"


def test_prose_is_not_a_label_line():
    text = "# T\n\nNote: see the procedure below.\n"
    assert read_head(text).values == []
    assert parse_label_line("Note: see below") is None
    assert parse_label_line("https://example.com: x") is None
    assert parse_label_line("See https://x.org") is None


def test_bold_sentence_is_not_a_label():
    assert parse_label_line("**How to use this skeleton.** This is it") is None
    assert parse_label_line("**Important** do this") is None


def test_reference_table_is_kept_as_table_not_values():
    text = (
        "# SOP-012 Vigilance\n\n| ISO 13485:2016 | Para. 8.2.3 |\n|---|---|\n"
        "| EU Regulation 2017/745 (MDR) | Art. 87 - 92 (Vigilance) |\n\n**Owner:** QA\n"
    )
    head = read_head(text)
    assert [t.kind for t in head.tables] == ["references"]
    assert {v.label for v in head.values} == {"Owner"}


def test_empty_values_are_kept_for_placeholder_checks():
    text = "# T\n\n| Document ID | |\n|---|---|\n| Owner |  |\n"
    found = values(text)
    assert found["Document ID"][0] == "" and found["Owner"][0] == ""


def test_title_with_leading_comment_and_image():
    text = "<!-- controlled copy -->\n\n![logo](logo.png)\n\n# Quality Policy\n\n**Owner:** CEO\n"
    head = read_head(text)
    assert head.title.text == "Quality Policy"
    assert head.values[0].value == "CEO"


def test_no_heading_no_title():
    head = read_head("Just prose.\n")
    assert head.title is None and head.values == []


def test_line_cap_bounds_the_head():
    text = "# T\n\n" + "".join(f"**Label {i}:** v\n" for i in range(200))
    head = read_head(text)
    assert len(head.values) < 60
    assert head.stopped_by == "limit"


def test_crlf_and_front_matter_offset():
    text = "---\r\nid: x\r\n---\r\n# T\r\n\r\n**Status:** Draft\r\n"
    head = read_head(text, 3)
    assert head.values[0].position == Position(6, 13)


def test_split_row_escaped_pipe():
    assert [c for _, c in split_row(r"| a \| b | c |")] == [r" a \| b ", " c "]


def test_classify_shapes():
    assert classify_table(["Document Number", "Title", "Owner"], [["SOP-1", "X", "QA"]]) == (
        "header-row"
    )
    assert classify_table(["Version", "Date", "Author"], [["1", "d", "a"], ["2", "d", "b"]]) == ""
    assert classify_table(["Role", "Responsibility"], [["QM", "x"], ["CEO", "y"]]) == ""
    assert classify_table(["ISO 13485:2016 Section", "Document Section"], [["8.5.2", "(All)"]]) == (
        "references"
    )


@pytest.mark.parametrize(
    "text",
    [
        "**a" + " " * 20000 + "x",
        "# T\n\n**a" + " " * 1990 + "x\n",
        "# T\n\n" + "**a:" * 400 + "\n",
        "# T\n\n" + "[" * 1999 + "\n",
        "# T\n\n" + "| a " * 490 + "\n" + "|-" * 490 + "\n" + "| b " * 490 + "\n",
        "# T\n\n" + "> " * 900 + "x\n",
        "# T\n\n" + "- " * 900 + "x\n",
        "# T\n\n" + ("*a " * 600 + "\n") * 50,
        "# T\n\n" + ("Status:" + " " * 1900 + "\n") * 50,
        "# T\n\n" + ("**" * 900 + "\n") * 50,
    ],
)
def test_adversarial_input_reads_fast(text):
    started = time.perf_counter()
    read_head(text)
    assert time.perf_counter() - started < 0.5


def test_label_line_parser_is_linear_on_a_huge_line():
    line = "**a" + " " * 20000 + "x"
    started = time.perf_counter()
    for _ in range(100):
        parse_label_line(line)
        parse_label_line("Status" + " " * 20000 + ": x")
    assert time.perf_counter() - started < 0.5


def test_head_character_cap():
    text = "# T\n\n**Owner:** QA\n" + ("**Note:** " + "x" * 1500 + "\n") * 59
    head = read_head(text)
    assert head.values[0].value == "QA"
    assert head.stopped_by == "long-line"
