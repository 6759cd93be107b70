"""The mdr pack: every rule fires on a broken QMS and is silent on a complete one; the complete
class IIa software QMS passes; a class III active implant QMS with the usual mistakes is caught
on each, at the line of the offending field."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.qms_specs import Spec, implant_portfolio, line_of, samd_eu
from fixtures.rule_cases import MDR, Bases, check_case


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> Bases:
    return Bases(tmp_path_factory.mktemp("mdr"))


@pytest.mark.parametrize("rule", sorted(MDR))
def test_rule_fires_when_its_requirement_is_missing(
    bases: Bases, rule: str, tmp_path: Path
) -> None:
    check_case(bases, rule, MDR[rule], tmp_path)


@pytest.mark.parametrize("rule", sorted(MDR))
def test_rule_is_silent_on_a_complete_qms(bases: Bases, rule: str) -> None:
    bases.result(MDR[rule].base).assert_silent(rule)


# ----------------------------------------------------------------------------- complete QMSs


def test_complete_class_iia_software_qms_passes_mdr_with_no_error(bases: Bases) -> None:
    result = bases.result("samd")
    assert result.report["profiles"] == ["mdr"]
    assert result.exit_code == 0, result.stdout
    result.assert_silent()  # not even a warning


def test_complete_implant_portfolio_passes_mdr_and_fda_qmsr(bases: Bases) -> None:
    result = bases.result("implant")
    assert result.report["profiles"] == ["mdr", "fda-qmsr"]
    assert result.exit_code == 0, result.stdout
    result.assert_silent()


# ----------------------------------------------------------------------------- the implant QMS


def test_class_iii_active_implant_with_wrong_deadlines_retention_and_traceability(
    bases: Bases, tmp_path: Path
) -> None:
    """Deadlines copied from a web page that gets them wrong, TD kept 10 years, lot numbers only."""
    spec = implant_portfolio()
    spec.set(
        "SOP-018",
        "reporting_deadlines_days",
        {
            "mdr-serious-incident": 30,
            "mdr-public-health-threat": 10,
            "mdr-death-or-serious-deterioration": 15,
        },
    )
    spec.set("SOP-002", "retention_years", 10)
    spec.set("SOP-013", "traceability_level.PACE-1", "lot")
    qms, result = bases.check(spec, "implant", tmp_path)
    assert result.exit_code == 1

    def one(rule: str, doc_id: str, text: str) -> dict:
        [finding] = result.assert_fires(rule, count=1, severity="error")
        assert finding["path"] == Spec.path_of(doc_id)
        assert finding["line"] == line_of(qms, doc_id, text), finding
        return finding

    assert "30" in one("MDR041", "SOP-018", "mdr-serious-incident:")["message"]
    assert "at most 2" in one("MDR042", "SOP-018", "mdr-public-health-threat:")["message"]
    assert (
        "at most 10" in one("MDR043", "SOP-018", "mdr-death-or-serious-deterioration:")["message"]
    )
    assert "at least 15" in one("MDR028", "SOP-002", "retention_years:")["message"]
    assert "PACE-1" in one("MDR002", "SOP-013", "PACE-1:")["message"]
    # ISO 13485 catches the retention too: the pacemaker and the mesh outlive 10 years
    lifetimes = result.assert_fires("ISO148", count=2)
    assert {f["message"].split("device ")[1].split()[0] for f in lifetimes} == {"PACE-1", "MESH-1"}
    result.assert_silent("MDR027", "MDR003")  # 10 years is enough for the rest; mesh stays lot


def test_traceability_level_as_a_single_word_applies_to_every_device(
    bases: Bases, tmp_path: Path
) -> None:
    spec = implant_portfolio().set("SOP-013", "traceability_level", "lot")
    qms, result = bases.check(spec, "implant", tmp_path)
    [finding] = result.assert_fires("MDR002")
    assert finding["line"] == line_of(qms, "SOP-013", "traceability_level:")
    result.assert_silent("MDR003")


def test_traceability_map_missing_a_device_is_reported_for_that_device(
    bases: Bases, tmp_path: Path
) -> None:
    spec = implant_portfolio().unset("SOP-013", "traceability_level.MESH-1")
    _, result = bases.check(spec, "implant", tmp_path)
    [finding] = result.assert_fires("MDR003")
    assert "MESH-1" in finding["message"] and "does not state" in finding["message"]


def test_vigilance_deadline_missing_from_the_map_is_reported(bases: Bases, tmp_path: Path) -> None:
    spec = samd_eu().unset("SOP-018", "reporting_deadlines_days.mdr-public-health-threat")
    _, result = bases.check(spec, "samd", tmp_path)
    result.assert_fires("MDR042", count=1)
    result.assert_silent("MDR040", "MDR041", "MDR043")


def test_a_procedure_that_states_no_deadlines_is_not_held_to_them(
    bases: Bases, tmp_path: Path
) -> None:
    """An FSCA procedure citing Art 87(8) need not repeat the vigilance procedure's deadlines."""
    spec = samd_eu().add({**samd_eu().docs["SOP-022"], "id": "SOP-050", "clauses": ["mdr:art87.8"]})
    _, result = bases.check(spec, "samd", tmp_path)
    result.assert_silent()


# ----------------------------------------------------------------------------- per device


def test_psur_and_pms_plan_are_needed_per_device(bases: Bases, tmp_path: Path) -> None:
    spec = implant_portfolio().set("PSUR-ALL", "devices", ["PACE-1", "PROG-1", "CATH-1"])
    spec.drop("PMSP-CLAMP")
    _, result = bases.check(spec, "implant", tmp_path)
    [psur] = result.assert_fires("MDR037", count=1)
    assert "MESH-1" in psur["message"]
    [plan] = result.assert_fires("MDR035", count=1)
    assert "CLAMP-1" in plan["message"]


def test_one_pms_plan_for_several_devices_takes_the_strictest_psur_interval(
    bases: Bases, tmp_path: Path
) -> None:
    spec = samd_eu().unset("PMSP-APP", "devices")  # now also the plan of a class III device
    spec.config["devices"].append({**spec.config["devices"][0], "id": "APP-2", "eu_class": "III"})
    qms, result = bases.check(spec, "samd", tmp_path)
    [finding] = result.assert_fires("MDR039")
    assert finding["line"] == line_of(qms, "PMSP-APP", "psur_interval_months:")
    result.assert_silent("MDR038")


def test_exempt_implants_are_covered_by_a_justified_exclusion(bases: Bases, tmp_path: Path) -> None:
    spec = implant_portfolio().uncite("mdr:art18")
    spec.docs["QM-001"]["exclusions"] = [
        {"clause": "mdr:art18", "justification": "Our implants are screws and plates (Art 18(3))."}
    ]
    _, result = bases.check(spec, "implant", tmp_path)
    result.assert_silent("MDR032")


def test_devices_not_sold_in_the_eu_are_not_held_to_device_level_mdr_rules(
    bases: Bases, tmp_path: Path
) -> None:
    spec = samd_eu().device("APP-1", markets=["US"], us_class="II")
    spec.drop("PSUR-APP", "PMSP-APP", "CER-APP")
    _, result = bases.check(spec, "samd", tmp_path)
    result.assert_silent("MDR035", "MDR037", "MDR019", "MDR024", "MDR047")


def test_custom_made_devices_need_no_declaration_of_conformity_or_udi(
    bases: Bases, tmp_path: Path
) -> None:
    spec = samd_eu().device("APP-1", custom_made=True, basic_udi_di=None)
    spec.drop("DOC-APP", "TD-APP", "LST-001")
    _, result = bases.check(spec, "samd", tmp_path)
    result.assert_silent("MDR021", "MDR022", "MDR024", "MDR025")


# ----------------------------------------------------------------------------- coverage semantics


def test_iso_13485_citation_satisfies_a_point_iso_13485_covers(
    bases: Bases, tmp_path: Path
) -> None:
    """Art 10(9)(l) is covered by ISO 13485 8.5.2 (no MDR citation needed) …"""
    spec = samd_eu().uncite("mdr:art10.9.l")
    _, result = bases.check(spec, "samd", tmp_path)
    result.assert_silent("MDR015")


def test_mdr_specific_point_needs_the_mdr_citation(bases: Bases, tmp_path: Path) -> None:
    """… but the vigilance point is MDR-specific: ISO 13485 8.2.3 alone does not satisfy it."""
    spec = samd_eu().uncite("mdr:art87", "mdr:art10.9.k")
    _, result = bases.check(spec, "samd", tmp_path)
    result.assert_fires("MDR001")
