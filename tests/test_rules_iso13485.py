"""The iso13485 pack: every rule fires on a broken QMS and is silent on a complete one, plus the
coverage semantics the rules rely on (exclusions, sub-clauses, status, type, devices)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.qms_specs import Spec, implant_portfolio, line_of, samd_eu
from fixtures.rule_cases import ISO13485, Bases, check_case


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> Bases:
    return Bases(tmp_path_factory.mktemp("iso13485"))


@pytest.mark.parametrize("rule", sorted(ISO13485))
def test_rule_fires_when_its_requirement_is_missing(
    bases: Bases, rule: str, tmp_path: Path
) -> None:
    check_case(bases, rule, ISO13485[rule], tmp_path)


@pytest.mark.parametrize("rule", sorted(ISO13485))
def test_rule_is_silent_on_a_complete_qms(bases: Bases, rule: str) -> None:
    bases.result(ISO13485[rule].base).assert_silent(rule)


# ----------------------------------------------------------------------------- exclusions


def _exclude(spec: Spec, clause: str, justification: str) -> Spec:
    spec.docs["QM-001"]["exclusions"].append({"clause": clause, "justification": justification})
    return spec


def test_justified_exclusion_of_the_parent_clause_satisfies_an_excludable_rule(
    bases: Bases, tmp_path: Path
) -> None:
    spec = _exclude(samd_eu().uncite("iso13485:7.3"), "iso13485:7.3", "Regulations allow it here.")
    _, result = bases.check(spec, "samd", tmp_path)
    result.assert_silent("ISO107", "ISO108", "ISO109", "ISO141", "ISO142")


def test_exclusion_without_justification_does_not_count(bases: Bases, tmp_path: Path) -> None:
    spec = _exclude(samd_eu().uncite("iso13485:7.3.1"), "iso13485:7.3.1", "")
    _, result = bases.check(spec, "samd", tmp_path)
    result.assert_fires("ISO107")


def test_exclusion_in_a_draft_manual_does_not_count(bases: Bases, tmp_path: Path) -> None:
    spec = samd_eu().set("QM-001", "status", "draft")
    _, result = bases.check(spec, "samd", tmp_path)
    result.assert_fires("ISO106")  # its only cover was the manual's exclusion
    result.assert_fires("ISO130")


def test_exclusion_does_not_satisfy_a_rule_the_standard_does_not_let_you_exclude(
    bases: Bases, tmp_path: Path
) -> None:
    spec = _exclude(samd_eu().uncite("iso13485:4.2.4"), "iso13485:4.2.4", "We would rather not.")
    _, result = bases.check(spec, "samd", tmp_path)
    result.assert_fires("ISO102")


# ----------------------------------------------------------------------------- coverage


def test_citing_the_parent_clause_covers_the_sub_clause_but_a_heading_does_not(
    bases: Bases, tmp_path: Path
) -> None:
    """SPEC §4: "Traceability: ISO 13485 7.5.9" covers 7.5.9.1; "7.5" is a heading."""
    parent = samd_eu().set("SOP-013", "clauses", ["iso13485:7.5.9"])
    bases.check(parent, "samd", tmp_path / "parent")[1].assert_silent("ISO116")
    heading = samd_eu().set("SOP-013", "clauses", ["iso13485:7.5"])
    _, result = bases.check(heading, "samd", tmp_path / "heading")
    [finding] = result.assert_fires("ISO116")
    assert "iso13485:7.5.9.1" in finding["message"]


def test_a_draft_or_a_form_is_not_the_documented_procedure(bases: Bases, tmp_path: Path) -> None:
    draft = samd_eu().set("SOP-001", "status", "draft")
    bases.check(draft, "samd", tmp_path / "draft")[1].assert_fires("ISO102")
    form = samd_eu().set("SOP-001", "type", "form")
    bases.check(form, "samd", tmp_path / "form")[1].assert_fires("ISO102")


def test_per_device_rule_names_only_the_device_without_its_file(
    bases: Bases, tmp_path: Path
) -> None:
    spec = implant_portfolio().drop("MDF-MESH")
    _, result = bases.check(spec, "implant", tmp_path)
    [finding] = result.assert_fires("ISO131", count=1)
    assert "MESH-1" in finding["message"] and "medical device file" in finding["message"]
    assert finding["path"] is None  # a repository-level finding


def test_a_file_naming_no_device_covers_every_device(bases: Bases, tmp_path: Path) -> None:
    spec = samd_eu().unset("MDF-APP", "devices")
    _, result = bases.check(spec, "samd", tmp_path)
    result.assert_silent("ISO131")


def test_without_a_portfolio_device_rules_are_reported_not_skipped(
    bases: Bases, tmp_path: Path
) -> None:
    spec = samd_eu()
    del spec.config["devices"]
    _, result = bases.check(spec, "samd", tmp_path)
    [finding] = result.assert_fires("DV001")
    assert "ISO131" in finding["message"]
    result.assert_silent("ISO131", "ISO149")


# ----------------------------------------------------------------------------- retention


def test_retention_shorter_than_a_device_lifetime_points_at_the_field(
    bases: Bases, tmp_path: Path
) -> None:
    spec = samd_eu().device("APP-1", lifetime_years=12)
    qms, result = bases.check(spec, "samd", tmp_path)
    [finding] = result.assert_fires("ISO148")
    assert "APP-1" in finding["message"] and "12" in finding["message"]
    assert finding["path"] == Spec.path_of("SOP-002")
    assert finding["line"] == line_of(qms, "SOP-002", "retention_years:")


def test_retention_that_is_not_a_number_is_a_finding(bases: Bases, tmp_path: Path) -> None:
    spec = samd_eu().set("SOP-002", "retention_years", "forever")
    _, result = bases.check(spec, "samd", tmp_path)
    result.assert_fires("QL006")  # wrong type: the field is left out …
    result.assert_fires("ISO147")  # … so no record procedure states a retention period
