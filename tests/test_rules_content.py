"""Issue 9, as an auditor reads the QMS: every false error, false pass, wrong fact and condition
that the audit of the packs found gets a repository where the rule fires and one where it is
silent, checked end to end through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.qms_specs import Spec, document, implant_portfolio, iso9001_only, samd_eu
from fixtures.rule_cases import Bases

from qmslint.testing import Result


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> Bases:
    return Bases(tmp_path_factory.mktemp("content"))


def run(bases: Bases, spec: Spec, base: str, tmp_path: Path, name: str) -> Result:
    return bases.check(spec, base, tmp_path / name)[1]


# ----------------------------------------------------------------------------- false passes


def test_a_gspr_checklist_is_not_the_technical_documentation(bases: Bases, tmp_path: Path) -> None:
    """MDR021: a checklist citing Annex II section 4 does not cover Annex II."""
    gspr = samd_eu().set("TD-APP", "clauses", ["mdr:annex2.4"])
    run(bases, gspr, "samd", tmp_path, "gspr").assert_fires("MDR021", severity="error")
    whole = samd_eu().set("TD-APP", "clauses", ["mdr:annex2"])
    run(bases, whole, "samd", tmp_path, "whole").assert_silent("MDR021", "MDR056")


def test_a_labelling_sop_is_not_product_realisation(bases: Bases, tmp_path: Path) -> None:
    """MDR011: Art 10(9)(g) maps onto clause 7, a heading: the rule needs its sub-clauses."""
    spec = samd_eu().uncite("mdr:art10.9.g", "iso13485:7.1", "iso13485:7.3", "iso13485:7.4")
    [finding] = run(bases, spec, "samd", tmp_path, "partly").assert_fires("MDR011")
    assert finding["message"].startswith("partly covered: Product realisation")
    assert "iso13485:7.2 by SOP-016" not in finding["message"]  # 7.2.3 does not cover 7.2
    assert "missing iso13485:7.1, iso13485:7.2, iso13485:7.3, iso13485:7.4" in finding["message"]
    usual = samd_eu().uncite("mdr:art10.9.g")
    usual.set(
        "QM-001", "clauses", [*usual.docs["QM-001"]["clauses"], "iso13485:7.2", "iso13485:7.3"]
    )
    usual.set("SOP-009", "clauses", ["iso13485:7.4", "iso13485:4.1.5", "mdr:art10.9.d"])
    run(bases, usual, "samd", tmp_path, "usual").assert_silent("MDR011", "ISO107", "ISO110")


def test_a_quality_policy_is_not_management_responsibility(bases: Bases, tmp_path: Path) -> None:
    """MDR007: citing 5.3 (the policy) is partly covered; 5.1 to 5.6 together cover clause 5."""
    spec = samd_eu().uncite("mdr:art10.9.c")
    [finding] = run(bases, spec, "samd", tmp_path, "partly").assert_fires("MDR007")
    assert "covered iso13485:5.3 by POL-001" in finding["message"]
    assert (
        "missing iso13485:5.1, iso13485:5.2, iso13485:5.4, iso13485:5.5, iso13485:5.6"
        in (finding["message"])
    )
    whole = samd_eu().uncite("mdr:art10.9.c")
    clauses = [f"iso13485:5.{n}" for n in range(1, 7)]
    whole.set("QM-001", "clauses", [*whole.docs["QM-001"]["clauses"], *clauses])
    run(bases, whole, "samd", tmp_path, "whole").assert_silent("MDR007", "ISO104", "ISO135")


def test_a_member_state_paragraph_does_not_make_a_vigilance_procedure(
    bases: Bases, tmp_path: Path
) -> None:
    """MDR001: mdr:art87.10 (reports by professionals and patients) is not the manufacturer's
    duty; the message names the document that cites only that sub-clause."""
    spec = samd_eu().uncite("mdr:art87", "mdr:art10.9.k")
    spec.set("SOP-018", "clauses", ["iso13485:8.2.3", "mdr:art87.10"])
    [finding] = run(bases, spec, "samd", tmp_path, "87-10").assert_fires("MDR001")
    assert (
        "SOP-018" in finding["message"]
        and "only another part: mdr:art87.10" in (finding["message"])
    )
    spec.set("SOP-018", "clauses", ["iso13485:8.2.3", "MDR Art. 87 - 92"])
    run(bases, spec, "samd", tmp_path, "87-92").assert_silent("MDR001", "MDR044", "MDR045")


def test_the_near_miss_names_a_document_that_is_not_in_force(bases: Bases, tmp_path: Path) -> None:
    spec = samd_eu().set("SOP-026", "status", "draft")
    [finding] = run(bases, spec, "samd", tmp_path, "draft").assert_fires("MDR010")
    assert "SOP-026" in finding["message"] and "is draft" in finding["message"]


# ----------------------------------------------------------------------------- one rule for all


def test_packs_agree_about_the_same_document(bases: Bases, tmp_path: Path) -> None:
    """MDR008/ISO110 (7.4), FDA016/ISO104 (5.6), MDR001/MDR044 (art87) read one citation alike."""
    spec = implant_portfolio()
    spec.set("SOP-009", "clauses", ["iso13485:7.4", "iso13485:4.1.5"])
    spec.set("SOP-004", "clauses", ["iso13485:5.6"])
    spec.set("REC-010", "clauses", ["iso13485:5.6"])
    spec.uncite("mdr:art87.8")
    result = run(bases, spec, "implant", tmp_path, "parents")
    result.assert_silent("MDR008", "ISO110", "FDA016", "ISO104", "MDR001", "MDR044", "FDA018")
    spec.set("SOP-009", "clauses", ["iso13485:7.4.2"])
    spec.drop("LST-010")
    result = run(bases, spec, "implant", tmp_path, "sub")
    result.assert_fires("ISO110")
    result.assert_fires("MDR008")


def test_rules_that_selected_a_parent_accept_the_sub_clauses_real_qmss_cite(
    bases: Bases, tmp_path: Path
) -> None:
    """FDA001/FDA005 (803.17, 806.10), MDR030 (15.1), FDA016 (5.6.3) on the complete QMS, and
    the whole part or article too."""
    result = bases.result("implant")
    result.assert_silent("FDA001", "FDA002", "FDA005", "FDA006", "FDA016", "MDR030")
    spec = implant_portfolio().set("SOP-040", "clauses", ["21 CFR Part 803"])
    spec.set("SOP-041", "clauses", ["21 CFR Part 806"]).set("REC-001", "clauses", ["MDR Art. 15"])
    result = run(bases, spec, "implant", tmp_path, "parts")
    result.assert_silent("FDA001", "FDA005", "FDA022", "MDR030", "MDR031")
    spec.set("SOP-040", "clauses", ["cfr:803.3"])  # definitions only
    run(bases, spec, "implant", tmp_path, "defs").assert_fires("FDA001")


def test_iso9001_design_is_partly_covered_by_planning_and_changes(
    bases: Bases, tmp_path: Path
) -> None:
    """Q9010: 8.3 is not a heading (citing it covers 8.3.2-8.3.6); two sub-clauses are partly."""
    spec = iso9001_only().set("SOP-05", "clauses", ["iso9001:8.3.2", "iso9001:8.3.6"])
    [finding] = run(bases, spec, "iso9001", tmp_path, "partly").assert_fires("Q9010")
    assert "partly covered" in finding["message"] and "iso9001:8.3.3" in finding["message"]
    usual = iso9001_only().set("SOP-02", "clauses", ["iso9001:7.1.5"])
    run(bases, usual, "iso9001", tmp_path, "usual").assert_silent("Q9007", "Q9010")


def test_iso_14971_carries_the_presumption_for_the_risk_management_process(
    bases: Bases, tmp_path: Path
) -> None:
    """MDR009 accepts a risk management procedure citing only EN ISO 14971; MDR017 (the file
    of each device) still needs the MDR provision."""
    spec = samd_eu().set(
        "SOP-007", "clauses", ["iso13485:7.1", "EN ISO 14971:2019+A11:2021 clause 4.1"]
    )
    run(bases, spec, "samd", tmp_path, "14971").assert_silent("MDR009", "CL001")
    only_13485 = (
        samd_eu().uncite("iso14971:4", "mdr:annex1.3").set("SOP-007", "clauses", ["iso13485:7.1"])
    )
    run(bases, only_13485, "samd", tmp_path, "13485").assert_fires("MDR009")
    device_file = samd_eu().set("RMP-APP", "clauses", ["iso14971:4.4"])
    device_file.set("TD-APP", "clauses", ["mdr:art10.4", "mdr:annex2.1", "mdr:annex2.6"])
    run(bases, device_file, "samd", tmp_path, "rmp").assert_fires("MDR017")


# ----------------------------------------------------------------------------- facts and conditions


def test_lot_and_batch_are_one_concept(bases: Bases, tmp_path: Path) -> None:
    spec = implant_portfolio().set("SOP-013", "traceability_level.MESH-1", "batch")
    run(bases, spec, "implant", tmp_path, "batch").assert_silent("MDR003")
    spec.unset("SOP-013", "traceability_level.MESH-1")
    run(bases, spec, "implant", tmp_path, "none").assert_fires("MDR003")


def test_retention_of_a_repository_wide_record_procedure_in_an_implant_company(
    bases: Bases, tmp_path: Path
) -> None:
    """MDR028 and the value rules read the document that states the value: a record control
    procedure (4.2.5) that does not cite mdr:art10.8 still governs the implant's files."""
    spec = implant_portfolio().set("SOP-002", "clauses", ["iso13485:4.2.5"])
    spec.set("SOP-002", "retention_years", 10)
    result = run(bases, spec, "implant", tmp_path, "ten")
    [finding] = result.assert_fires("MDR028", severity="error")
    assert finding["path"] == Spec.path_of("SOP-002")
    result.assert_silent("MDR026", "MDR027")
    spec.set("SOP-002", "retention_years", 15)
    run(bases, spec, "implant", tmp_path, "fifteen").assert_silent("MDR026", "MDR028")


def test_implant_card_exemption_applies_per_device(bases: Bases, tmp_path: Path) -> None:
    """MDR032: an exempt screw excuses the screw only; the hip stem still needs its card."""
    spec = implant_portfolio()
    spec.config["devices"].append(
        {
            "id": "SCREW-1",
            "markets": ["EU"],
            "eu_class": "IIb",
            "implantable": True,
            "lifetime_years": 20,
            "basic_udi_di": "4260123456SCRW1V",
        }
    )
    spec.docs["QM-001"]["exclusions"] = [
        {
            "clause": "mdr:art18.1",
            "devices": ["SCREW-1"],
            "justification": "Bone screws are exempt under Art 18(3).",
        }
    ]
    spec.drop("IC-MESH")
    result = run(bases, spec, "implant", tmp_path, "mesh-missing")
    [finding] = result.assert_fires("MDR032", severity="error")
    assert finding["message"].startswith("missing for device MESH-1: implant card")
    assert "excludes mdr:art18.1 only for SCREW-1" in finding["message"]
    spec.add(document("IC-MESH", "form", ["mdr:art18.1"], title="Implant card", devices=["MESH-1"]))
    run(bases, spec, "implant", tmp_path, "mesh-card").assert_silent("MDR032")


def test_a_pms_plan_may_carry_the_pmcf_justification(bases: Bases, tmp_path: Path) -> None:
    spec = samd_eu().drop("PMCF-APP").set("PMSP-APP", "clauses", ["mdr:art84", "mdr:annex3.1.1.b"])
    run(bases, spec, "samd", tmp_path, "in-plan").assert_silent("MDR020")
    spec.set("PMSP-APP", "clauses", ["mdr:art84", "mdr:annex3.1.1.a"])
    run(bases, spec, "samd", tmp_path, "not-in-plan").assert_fires("MDR020")


def test_design_and_development_cannot_be_excluded_under_the_mdr(
    bases: Bases, tmp_path: Path
) -> None:
    exclusion = [{"clause": "iso13485:7.3", "justification": "We make devices designed by others."}]
    spec = samd_eu().uncite("iso13485:7.3")
    spec.docs["QM-001"]["exclusions"] = exclusion
    result = run(bases, spec, "samd", tmp_path, "mdr")
    [finding] = result.assert_fires("MDR049", severity="error")
    assert finding["path"] == Spec.path_of("QM-001")
    result.assert_silent("ISO107")  # ISO 13485 alone allows it: one finding, at the exclusion
    spec.config["profiles"] = ["iso13485"]
    run(bases, spec, "samd", tmp_path, "iso").assert_silent("MDR049", "ISO107")


def test_outsourcing_clause_4_1_5_cannot_be_excluded(bases: Bases, tmp_path: Path) -> None:
    spec = samd_eu().uncite("iso13485:4.1.5")
    spec.docs["QM-001"]["exclusions"] = [
        *spec.docs["QM-001"]["exclusions"],
        {"clause": "iso13485:4.1.5", "justification": "Nothing is outsourced."},
    ]
    run(bases, spec, "samd", tmp_path, "excluded").assert_fires("ISO133")
    bases.result("samd").assert_silent("ISO133")


def test_no_device_portfolio_is_an_error_under_mdr(bases: Bases, tmp_path: Path) -> None:
    spec = samd_eu()
    spec.config["devices"] = []
    run(bases, spec, "samd", tmp_path, "mdr").assert_fires("DV001", severity="error")
    spec.config["profiles"] = ["iso13485"]
    run(bases, spec, "samd", tmp_path, "iso").assert_fires("DV001", severity="warning")
    bases.result("samd").assert_silent("DV001")


def test_a_field_not_stated_is_a_warning_a_wrong_value_an_error(
    bases: Bases, tmp_path: Path
) -> None:
    spec = (
        samd_eu().unset("SOP-002", "retention_years").unset("SOP-018", "reporting_deadlines_days")
    )
    result = run(bases, spec, "samd", tmp_path, "unstated")
    for rule in ("ISO147", "MDR026", "MDR040"):
        result.assert_fires(rule, severity="warning")
    assert result.exit_code == 0  # no error claims a gap that is not established
    wrong = samd_eu().set("SOP-002", "retention_years", 1)
    run(bases, wrong, "samd", tmp_path, "wrong").assert_fires("ISO148", severity="error")


# ----------------------------------------------------------------------------- clause ids

LISTED_BELOW = [
    "mdr:art2.5",
    "mdr:art2.64",
    "mdr:art2.65",
    "mdr:art52.3",
    "mdr:art52.6",
    "mdr:art86.2",
    "mdr:art86.3",
    "mdr:art15.1.a",
    "mdr:art15.3.a",
    "mdr:art18.1.a",
    "mdr:art83.3.a",
    "mdr:art88.1",
    "mdr:art89.1",
    "mdr:art92.5",
    "mdr:art120.3",
    "mdr:annex2.1.1",
    "mdr:annex6.c.6.1.2",
    "mdr:annex9.3.4",
    "mdr:annex1.23.4.u",
    "cfr:803.3",
    "cfr:803.20",
    "cfr:806.2",
    "cfr:821.25",
    "cfr:830.20",
    "cfr:830.300",
    "cfr:11.10",
]


def test_paragraphs_below_a_known_article_or_part_are_valid(bases: Bases, tmp_path: Path) -> None:
    spec = samd_eu().add(document("LST-900", "list", LISTED_BELOW, title="Regulatory references"))
    result = run(bases, spec, "samd", tmp_path, "below")
    result.assert_silent("CL001")
    infos = result.assert_fires("CL002", severity="info", count=len(LISTED_BELOW))
    assert "not listed in qmslint's catalogue" in infos[0]["message"]
    assert result.exit_code == 0


@pytest.mark.parametrize("wrong", ["mdr:art124", "mdr:annex18.1", "cfr:999.1", "iso13485:7.5.9.3"])
def test_an_unknown_article_annex_part_or_iso_clause_stays_an_error(
    bases: Bases, tmp_path: Path, wrong: str
) -> None:
    spec = samd_eu().add(document("LST-900", "list", [wrong], title="Regulatory references"))
    result = run(bases, spec, "samd", tmp_path, "wrong")
    result.assert_fires("CL001", severity="error")
    result.assert_silent("CL002")


def test_annex_chapters_do_not_collide_with_sections(bases: Bases, tmp_path: Path) -> None:
    spec = samd_eu().set(
        "RMP-APP", "clauses", ["MDR Annex I Chapter I Section 3", "ISO 14971:2019 clause 4.4"]
    )
    spec.add(
        document("LST-900", "list", ["MDR Annex IX Chapter III Section 7"], title="NB records")
    )
    result = run(bases, spec, "samd", tmp_path, "chapters")
    result.assert_silent("CL001", "MDR017")  # Annex I §3 (mdr:annex1.3), not annex1.1.3
    [info] = result.assert_fires("CL002")
    assert "mdr:annex9.7" in info["message"]  # not "mended" to annex9.3


def test_art_10_9_points_a_to_m_are_each_covered(bases: Bases, tmp_path: Path) -> None:
    spec = samd_eu().uncite("mdr:art10.9")
    spec.set(
        "QM-001",
        "clauses",
        [*spec.docs["QM-001"]["clauses"], "MDR Art. 10(9) points (a)-(m)"],
    )
    result = run(bases, spec, "samd", tmp_path, "points")
    rules = [f"MDR0{n:02d}" for n in range(5, 17)]
    result.assert_silent("CL001", *rules)
    assert result.exit_code == 0
