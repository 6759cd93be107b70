"""The iso9001 pack, and the ISO 9001 -> EU MDR gap: an ISO 9001-only QMS passes `iso9001` clean
and fails `mdr` with a finding for every medical-device element of knowledge base §5.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.qms_specs import Spec, iso9001_only
from fixtures.rule_cases import ISO9001, Bases, check_case

from qmslint.session import builtin_ruleset
from qmslint.testing import Qms


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> Bases:
    return Bases(tmp_path_factory.mktemp("iso9001"))


@pytest.mark.parametrize("rule", sorted(ISO9001))
def test_rule_fires_when_its_requirement_is_missing(
    bases: Bases, rule: str, tmp_path: Path
) -> None:
    check_case(bases, rule, ISO9001[rule], tmp_path)


@pytest.mark.parametrize("rule", sorted(ISO9001))
def test_rule_is_silent_on_a_complete_qms(bases: Bases, rule: str) -> None:
    bases.result(ISO9001[rule].base).assert_silent(rule)


def test_iso9001_only_qms_passes_iso9001_clean(bases: Bases) -> None:
    result = bases.result("iso9001")
    assert result.report["profiles"] == ["iso9001"]
    assert result.exit_code == 0
    result.assert_silent()


def test_design_can_be_declared_not_applicable_in_the_scope(bases: Bases, tmp_path: Path) -> None:
    spec = iso9001_only().uncite("iso9001:8.3")
    spec.docs["QM-01"]["exclusions"] = [
        {"clause": "iso9001:8.3", "justification": "We build to customer designs only."}
    ]
    bases.check(spec, "iso9001", tmp_path)[1].assert_silent()


# ----------------------------------------------------------------------------- the gap to MDR

# Knowledge base §5.1: what an ISO 9001-only QMS typically lacks for the EU MDR, each element
# with the rule(s) whose finding names it.
GAP_TO_MDR: dict[str, list[str]] = {
    # 1. the documented procedures ISO 13485 demands
    "documented procedures of ISO 13485": [f"ISO{n}" for n in range(101, 130) if n != 112],
    # 2. MDR-only elements
    "regulatory compliance strategy and standards monitoring": ["MDR005"],
    "GSPR identification": ["MDR006"],
    "product risk management per Annex I section 3": ["MDR009", "MDR017"],
    "clinical evaluation and PMCF": ["MDR010", "MDR018", "MDR019", "MDR020"],
    "UDI, Basic UDI-DI and Eudamed": ["MDR012", "MDR023", "MDR024", "MDR025"],
    "PMS system, plan, PMSR and PSUR": ["MDR013", "MDR035", "MDR036", "MDR037"],
    "vigilance, trend reporting and field safety notices": ["MDR001", "MDR045", "MDR046"],
    "PRRC": ["MDR030"],
    "technical documentation and EU declaration of conformity": ["MDR021", "MDR022"],
    "10/15-year retention": ["MDR026"],
    "product liability coverage": ["MDR029"],
    "implant card and SSCP": ["MDR032", "MDR033"],
    # 3. medical-device QMS specifics
    "medical device file": ["ISO131"],
    "complaint handling": ["ISO120"],
    "regulatory reporting": ["ISO121"],
    "advisory notices": ["ISO125"],
    "QMS and production software validation": ["ISO101", "ISO113"],
    "work environment and contamination control": ["ISO106", "ISO138"],
    "sterile and implant clauses": ["ISO114", "ISO145", "ISO146"],
    "preventive action": ["ISO129"],
}


def test_iso9001_only_qms_fails_mdr_naming_every_missing_medical_device_element(
    bases: Bases,
) -> None:
    result = Qms(bases.root("iso9001")).check("--profile", "mdr")
    assert result.exit_code == 1
    missing = {
        element: [rule for rule in rules if not result.fired(rule)]
        for element, rules in GAP_TO_MDR.items()
    }
    assert not any(missing.values()), {k: v for k, v in missing.items() if v}
    # each finding names what is missing, in words a QA manager reads
    [vigilance] = result.fired("MDR001")
    assert vigilance["message"].startswith("missing: Vigilance procedure")
    psur = {f["message"] for f in result.fired("MDR037")}
    assert any("device APP-1" in m and "PSUR" in m for m in psur)
    # the 9001 QMS is well controlled: every error is a missing medical-device element
    kinds = {f["rule"][:3] for f in result.findings if f["severity"] == "error"}
    assert kinds <= {"ISO", "MDR"}, kinds


def test_iso9001_rules_are_not_medical_device_specific() -> None:
    """No iso9001 rule depends on devices, and all of them cite ISO 9001 only."""
    ruleset = builtin_ruleset()
    own = ruleset.profiles["iso9001"].rules
    assert sorted(own) == sorted(ISO9001)
    for rule_id in own:
        rule = ruleset.rules[rule_id]
        assert rule.when is None, rule_id
        assert all(ref.startswith("iso9001:") for ref in rule.references), rule_id


def test_iso9001_profile_needs_no_device_portfolio(bases: Bases, tmp_path: Path) -> None:
    spec: Spec = iso9001_only()
    del spec.config["devices"]
    bases.check(spec, "iso9001", tmp_path)[
        1
    ].assert_silent()  # not even DV001: no iso9001 rule depends on devices
