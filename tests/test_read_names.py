"""Id, title and type from the file name, the first heading and the folder."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qmslint.model import START, Position
from qmslint.read.names import (
    check_pattern,
    id_at_start,
    id_from_file_name,
    read_names,
    title_from_heading,
    type_from_path,
)
from qmslint.support.patterns import PatternError


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("docs/REF-04-purchasing.md", "REF-04"),
        ("SOP-001.md", "SOP-001"),
        ("QP-0003_Document_Control_Process.md", "QP-0003"),
        ("02-procedures/SOP-012 Vigilance.md", "SOP-012"),
        ("docs/software/plans/DEV-PLAN-001.md", "DEV-PLAN-001"),
        ("docs/test/reports/TR-PEN-001.md", "TR-PEN-001"),
        ("ABC-XY-123.docx", "ABC-XY-123"),
        ("x/SOP-003.docx.yaml", "SOP-003"),
    ],
)
def test_id_from_file_name(path, expected):
    found = id_from_file_name(path)
    assert found is not None and found.value == expected
    assert found.source == "file-name" and found.position == START


@pytest.mark.parametrize(
    "path",
    [
        "Document Register.md",
        "Copy of SOP-001.md",  # not at the start
        "sop-001.md",  # lower case
        "ISO 13485 mapping.md",
        "SOP-001x.md",  # no word boundary
        "510k-1-000.md",
        "docs/user-guide/shared-responsibility-matrix.md",
    ],
)
def test_look_alikes_are_no_id(path):
    assert id_from_file_name(path) is None


def test_heading_id_and_title():
    names = read_names("docs/REF-04-purchasing.md", "REF-04: Purchasing", Position(1, 3))
    assert names.id.value == "REF-04" and names.id.source == "heading"
    assert names.title.value == "Purchasing" and names.title.position == Position(1, 11)
    assert [v.source for v in names.ids] == ["heading", "file-name"]


def test_heading_and_file_name_disagree_both_kept():
    names = read_names("SOP-001.md", "SOP-002 — Vigilance", Position(3, 3))
    assert [v.value for v in names.ids] == ["SOP-002", "SOP-001"]
    assert names.title.value == "Vigilance"


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("SOP-001: Document Control", "Document Control"),
        ("SOP-001 - Document Control", "Document Control"),
        ("SOP-001 | Document Control", "Document Control"),
        ("Quality Manual", "Quality Manual"),
        ("Software Development Plan — CardioSense", "Software Development Plan — CardioSense"),
        ("SOP-001", None),
        ("Purpose", None),
        ("1. Scope", None),
        ("Revision History", None),
    ],
)
def test_title_from_heading(heading, title):
    found = title_from_heading(heading, Position(1, 3))
    assert (found.value if found else None) == title


@pytest.mark.parametrize(
    ("path", "heading", "kind", "source"),
    [
        ("SOP-001.md", None, "procedure", "id-prefix"),
        ("WI-003-release.md", None, "work-instruction", "id-prefix"),
        ("FRM-01 Log.md", None, "form", "id-prefix"),
        ("docs/forms/intake.md", None, "form", "folder"),
        ("04-Forms/intake.md", None, "form", "folder"),
        ("_templates/New Procedure.md", None, "template", "folder"),
        ("docs/sops/x.md", None, "procedure", "folder"),
        ("docs/forms/SOP-001.md", None, "procedure", "id-prefix"),  # the id prefix wins
        ("docs/risk/HARM-001.md", None, None, None),
        ("docs/formsets/a.md", None, None, None),
    ],
)
def test_type_rules(path, heading, kind, source):
    names = read_names(path, heading)
    assert (names.type.value if names.type else None) == kind
    assert (names.type.source if names.type else None) == source


def test_configured_rules_and_pattern():
    names = read_names(
        "qms/Q-12 Thing.md",
        None,
        id_pattern=r"Q-[0-9]{2}",
        prefix_types={"Q": "record"},
        folder_types={},
    )
    assert names.id.value == "Q-12" and names.type.value == "record"
    assert type_from_path("a/Records/b.md", {"records": "record"}).value == "record"


@pytest.mark.parametrize("pattern", [r"(\w)\1", "(", r"(?=A)B"])
def test_patterns_re2_cannot_run_are_refused(pattern):
    with pytest.raises(PatternError):
        check_pattern(pattern)


@pytest.mark.parametrize("pattern", [r"(a+)+b", r"([A-Z]+-)*[0-9]+", r"(a*)*b"])
def test_nested_repeats_run_in_linear_time(pattern):
    started = time.perf_counter()
    assert id_at_start("a" * 20_000 + "!", pattern) is None
    assert time.perf_counter() - started < 0.5


def test_default_pattern_is_fast_on_long_names():
    started = time.perf_counter()
    for _ in range(200):
        id_from_file_name("A" * 5000 + ".md")
        id_from_file_name("AB-" * 2000 + ".md")
    assert time.perf_counter() - started < 0.5


def test_only_a_level_one_heading_is_a_title():
    names = read_names(
        "docs/suppliers/SUP-001.md", "Supplier Overview", Position(11, 4), heading_level=2
    )
    assert names.title is None and names.id.value == "SUP-001"
    names = read_names("x.md", "SOP-9: Vigilance", Position(1, 4), heading_level=2)
    assert names.id.value == "SOP-9" and names.title is None


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="ABCSOPWI-0123456789x ._:/é", max_size=24))
def test_the_default_id_pattern_matches_under_re_as_under_re2(text: str) -> None:
    from qmslint.read import names
    from qmslint.support.patterns import compile_pattern

    under_re2 = compile_pattern(f"(?:{names.DEFAULT_ID_PATTERN})").match(text)
    under_re = names.check_pattern(names.DEFAULT_ID_PATTERN).match(text)
    assert (under_re and under_re.group(0)) == (under_re2 and under_re2.group(0))
