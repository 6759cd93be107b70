"""Unfilled placeholder values, and real values that look like them."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qmslint.read import placeholders
from qmslint.read.placeholders import find_placeholder, is_not_applicable


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("YYYY-MM-DD", "date-template"),
        ("DD/MM/YYYY", "date-template"),
        ("dd.mm.yyyy", "date-template"),
        ("xx.xx.xxxx", "date-template"),
        ("MM/YYYY", "date-template"),
        ("TBD", "to-be-decided"),
        ("tbc", "to-be-decided"),
        ("TBA.", "to-be-decided"),
        ("To be defined", "to-be-decided"),
        ("TODO: Fill in date here", "to-be-decided"),
        ("???", "to-be-decided"),
        ("[Name, Signature, Date]", "bracket-prompt"),
        ("[DD/MM/YYYY]", "bracket-prompt"),
        ("[Yes/N/A]", "bracket-prompt"),
        ("<enter role of process owner>", "angle-prompt"),
        ("<name>", "angle-prompt"),
        ("{{ owner }}", "template-code"),
        ("{{ORGANISATION_NAME}}", "template-code"),
        ("{% if device.samd %}", "template-code"),
        ("<% tp.frontmatter.doc_id %>", "template-code"),
        ("Owned by {{ device.name }} team", "template-code"),
        ("SOP-XXX", "id-template"),
        ("UN-xxx", "id-template"),
        ("x.x", "id-template"),
        ("e.g. Quality Manager", "example"),
        ("", "empty"),
        ("   ", "empty"),
        ("—", "empty"),
        ("-", "empty"),
        ("____", "empty"),
        ("...", "empty"),
        ("**TBD**", "to-be-decided"),
    ],
)
def test_placeholders(value, kind):
    found = find_placeholder(value)
    assert found is not None and found.kind == kind


def test_offset_points_into_the_value():
    found = find_placeholder("Owned by {{ device.name }} team")
    assert found.offset == 9 and found.text == "{{ device.name }}"
    assert find_placeholder("  **TBD**").offset == 4


@pytest.mark.parametrize(
    "value",
    [
        "SOP-012",
        "2025-01-01",
        "31/12/2025",
        "Approved",
        "Draft (for Training)",
        "Quality Manager",
        "1.0",
        "x",
        "[SOP-01](sops/SOP-01.md)",
        "[[SOP-01 Document Control]]",
        "[x]",
        "[ ]",
        "<br>",
        "<https://example.org>",
        "<qa@example.com>",
        "Mar 2025",
        "N/A",
        "Class IIa",
        "XL-200",
        "PactoSigna Quality",
    ],
)
def test_real_values_are_not_placeholders(value):
    assert find_placeholder(value) is None


def test_not_applicable_is_a_value_not_a_placeholder():
    assert find_placeholder("N/A") is None
    assert is_not_applicable("N/A") and is_not_applicable(" not applicable ")
    assert not is_not_applicable("QA")


def test_linear_on_long_values():
    values = ["{{" * 50000, "[" * 100000, "<" + "a " * 50000, "x" * 100000, "TBD " * 30000]
    started = time.perf_counter()
    for value in values:
        find_placeholder(value)
    assert time.perf_counter() - started < 0.5


# Characters every kind of placeholder is made of, with digits, markup and odd case and space.
_PIECES = st.sampled_from(
    [
        *"tTfFeEzZxX#?{}<>[]%$0123456789-_.*`/:!? ygmdYMDjJ",
        "\u00a0",
        "\u2014",
        "todo",
        "tbd",
        "fixme",
        "e.g.",
        "z. b.",
        "{{",
        "<%",
        "${",
        "SOP-",
        "to be defined",
        "N/A",
        "\u212a",
    ]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_the_fast_path_only_passes_values_the_classification_finds_no_placeholder_in(
    value: str,
) -> None:
    if placeholders.plainly_a_value(value):
        assert placeholders._classified(value) is None, value


@pytest.mark.parametrize(
    "value", ["SOP-001", "Plan 9014", "Version 2", "ISO 13485:2016", "Quality Manager 1"]
)
def test_ids_and_titles_with_a_digit_take_the_fast_path(value: str) -> None:
    assert placeholders.plainly_a_value(value)
    assert find_placeholder(value) is None


@pytest.mark.parametrize(
    "value", ["TODO 2", "tbd 3", "e.g. 5 days", "SOP-XX-1", "{{ n1 }}", "[1]", "<1>", "2026-??"]
)
def test_placeholders_with_a_digit_are_left_to_the_classification(value: str) -> None:
    assert not placeholders.plainly_a_value(value)
    assert find_placeholder(value) is not None
