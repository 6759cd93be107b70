"""The fda-qmsr pack: every rule fires on a broken QMS and is silent on a complete one, plus the
conditions of 820.10(c) and (d)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.qms_specs import Spec, implant_portfolio, line_of
from fixtures.rule_cases import FDA, Bases, check_case


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> Bases:
    return Bases(tmp_path_factory.mktemp("fda"))


@pytest.mark.parametrize("rule", sorted(FDA))
def test_rule_fires_when_its_requirement_is_missing(
    bases: Bases, rule: str, tmp_path: Path
) -> None:
    check_case(bases, rule, FDA[rule], tmp_path)


@pytest.mark.parametrize("rule", sorted(FDA))
def test_rule_is_silent_on_a_complete_qms(bases: Bases, rule: str) -> None:
    bases.result(FDA[rule].base).assert_silent(rule)


def _us_only_class_i(spec: Spec) -> Spec:
    """The US devices become class I devices without software."""
    spec.device("PACE-1", us_class="I", life_supporting=False, implantable=False)
    return spec.device("PROG-1", us_class="I", software=False)


def test_design_exclusion_is_fine_for_class_i_devices_without_software(
    bases: Bases, tmp_path: Path
) -> None:
    spec = _us_only_class_i(implant_portfolio()).uncite("iso13485:7.3.1")
    spec.docs["QM-001"]["exclusions"] = [
        {"clause": "iso13485:7.3", "justification": "We only make devices designed by others."}
    ]
    _, result = bases.check(spec, "implant", tmp_path)
    result.assert_silent("FDA010", "ISO107")


def test_class_i_device_with_software_needs_design_controls(bases: Bases, tmp_path: Path) -> None:
    spec = _us_only_class_i(implant_portfolio()).device("PROG-1", software=True)
    spec.uncite("iso13485:7.3.1")
    _, result = bases.check(spec, "implant", tmp_path)
    result.assert_fires("FDA010")


def test_life_supporting_rule_follows_the_device_fact(bases: Bases, tmp_path: Path) -> None:
    spec = implant_portfolio().device("PACE-1", life_supporting=False).uncite("iso13485:7.5.9.2")
    _, result = bases.check(spec, "implant", tmp_path)
    result.assert_silent("FDA011")
    result.assert_fires("ISO146")  # still an implant for ISO 13485


def test_tracking_rule_is_a_warning_and_a_justified_exclusion_satisfies_it(
    bases: Bases, tmp_path: Path
) -> None:
    spec = implant_portfolio().uncite("cfr:821")
    spec.docs["QM-001"]["exclusions"] = [
        {"clause": "cfr:821", "justification": "No device is subject to an FDA tracking order."}
    ]
    _, result = bases.check(spec, "implant", tmp_path)
    result.assert_silent("FDA009")


def test_both_us_deadlines_are_checked_on_the_same_procedure(bases: Bases, tmp_path: Path) -> None:
    spec = implant_portfolio().set(
        "SOP-040", "reporting_deadlines_days", {"fda-mdr-report": 31, "fda-5-day-report": 6}
    )
    qms, result = bases.check(spec, "implant", tmp_path)
    [late] = result.assert_fires("FDA003")
    [urgent] = result.assert_fires("FDA004")
    assert late["line"] == line_of(qms, "SOP-040", "fda-mdr-report:")
    assert urgent["line"] == line_of(qms, "SOP-040", "fda-5-day-report:")


def test_fda_rules_ignore_devices_not_sold_in_the_us(bases: Bases, tmp_path: Path) -> None:
    spec = implant_portfolio()
    for device in ("PACE-1", "PROG-1"):
        spec.device(device, markets=["EU"], us_class=None)
    spec.uncite("cfr:820.35.b", "cfr:821")
    _, result = bases.check(spec, "implant", tmp_path)
    result.assert_silent("FDA009", "FDA013", "FDA019")
