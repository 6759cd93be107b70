"""Unfilled placeholder values, and real values that look like them."""

from __future__ import annotations

import time

import pytest

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
