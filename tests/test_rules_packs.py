"""The four regulatory packs as data: every rule has a test case, sits in its profile, cites its
source, says what qmslint looked for, and is at most a warning when it rests on an unverified
fact; docs/rules.md is the fresh rendering of the packs; the verbs show the rules."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from fixtures.rule_cases import ALL, BASES

from qmslint import rulesdoc
from qmslint.checks import evaluate
from qmslint.index.devices import facts_with_defaults
from qmslint.model import Device
from qmslint.packs.rules import RuleSet
from qmslint.session import builtin_ruleset
from qmslint.testing import Qms

REPO = Path(__file__).resolve().parent.parent
PACKS = {"iso9001": "Q9", "iso13485": "ISO1", "mdr": "MDR", "fda-qmsr": "FDA"}
PARENT = {"iso9001": "document-control", "iso13485": "document-control"}
PARENT.update({"mdr": "iso13485", "fda-qmsr": "iso13485"})


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return builtin_ruleset()


def _own_rules(ruleset: RuleSet) -> dict[str, object]:
    return {rule.id: rule for pack in ruleset.packs if pack.name in PACKS for rule in pack.rules}


def test_every_rule_of_the_regulatory_packs_has_a_test_case(ruleset: RuleSet) -> None:
    assert sorted(_own_rules(ruleset)) == sorted(ALL)


def test_each_pack_has_its_profile_listing_all_its_rules(ruleset: RuleSet) -> None:
    for pack in ruleset.packs:
        if pack.name not in PACKS:
            continue
        [profile] = pack.profiles
        assert profile.name == pack.name
        assert profile.extends == (PARENT[pack.name],)
        assert sorted(profile.rules) == sorted(rule.id for rule in pack.rules)
        assert all(rule.id.startswith(PACKS[pack.name]) for rule in pack.rules)


@pytest.mark.parametrize("rule_id", sorted(ALL))
def test_rule_content(ruleset: RuleSet, rule_id: str) -> None:
    rule = ruleset.rules[rule_id]
    assert rule.references, "every rule cites its source"
    frameworks = {reference.split(":")[0] for reference in rule.references}
    expected = {"Q9": {"iso9001"}, "IS": {"iso13485"}, "MD": {"mdr"}, "FD": {"cfr"}}[rule_id[:2]]
    assert frameworks & expected, f"{rule_id} cites none of {expected}"
    assert "qmslint" in rule.explanation, "the explanation says what qmslint looked for"
    assert len(rule.fix) >= 20
    assert rule.severity.value == ALL[rule_id].severity
    if rule.unverified:
        assert rule.severity.value in ("warning", "info")
        assert "unverified" in rule.explanation


@pytest.mark.parametrize("rule_id", sorted(r for r in ALL if not r.startswith("Q9")))
def test_conditional_rules_apply_to_the_fixture_their_tests_use(
    ruleset: RuleSet, rule_id: str
) -> None:
    """So that 'silent on the complete QMS' means the rule ran and found nothing."""
    rule = ruleset.rules[rule_id]
    config = BASES[ALL[rule_id].base]().config
    devices = [Device(str(entry["id"]), facts_with_defaults(entry)) for entry in config["devices"]]
    portfolio = SimpleNamespace(devices=devices, markets=set())
    assert evaluate(rule.when, portfolio) is True
    assert rule_id in ruleset.resolve(config["profiles"])


def test_unverified_rules_say_so(ruleset: RuleSet) -> None:
    unverified = sorted(rule.id for rule in _own_rules(ruleset).values() if rule.unverified)
    assert unverified == ["FDA009", "FDA020", "ISO123", "MDR048"]


# ----------------------------------------------------------------------------- docs/rules.md


def test_rule_reference_is_up_to_date() -> None:
    written = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert written == rulesdoc.render(), (
        "docs/rules.md is stale: run `python -m qmslint.rulesdoc > docs/rules.md`"
    )


def test_rule_reference_holds_every_rule_and_profile(ruleset: RuleSet) -> None:
    text = rulesdoc.render(ruleset)
    for rule_id in ruleset.rules:
        assert f"\n### {rule_id}\n" in text
    for name in ruleset.profiles:
        assert f"## Profile `{name}`" in text
    assert "Applies when some device has implantable, active, markets EU." in text


def test_generator_runs_as_a_module(capsys: pytest.CaptureFixture[str]) -> None:
    assert rulesdoc.main() == 0
    assert capsys.readouterr().out.startswith("# Rule reference\n")


# ----------------------------------------------------------------------------- the verbs


def test_rules_verb_lists_a_profile_with_severity_and_references(qms: Qms) -> None:
    listing = qms.run("rules", "--profile", "iso9001").stdout
    assert "Q9020" in listing and "DC001" in listing and "ISO101" not in listing
    [line] = [line for line in listing.splitlines() if line.startswith("Q9004")]
    assert "warning" in line and "[iso9001:4.4.2]" in line


def test_explain_says_what_why_when_and_how(qms: Qms) -> None:
    text = qms.run("explain", "MDR033").stdout
    assert "Summary of safety and clinical performance" in text
    assert "applies when" in text and "implantable" in text
    assert "mdr:art32 " in text and "How to fix" in text
    assert "unverified" in qms.run("explain", "MDR048").stdout


def test_profiles_verb_shows_the_resolved_table(qms: Qms) -> None:
    assert "MDR048" in qms.run("profiles").stdout or "mdr" in qms.run("profiles").stdout
    table = qms.run("profiles", "fda-qmsr").stdout
    assert "FDA019" in table and "ISO150" in table and "DC001" in table and "MDR001" not in table


def test_the_shipped_packs_validate_so_a_run_may_trust_them(ruleset: RuleSet) -> None:
    """A run loads qmslint's own packs without the schema checks (packs.rules.load_pack
    `trusted`); `builtin_ruleset` validates them in full, and the two load the same rules."""
    from qmslint import clauses
    from qmslint.packs.rules import load_pack
    from qmslint.plugins import host as plugins

    host = plugins.load()
    for source in [s for s in host.pack_sources if s.builtin]:
        trusted = load_pack(source.path, host.option_schemas, clauses.shipped(), trusted=True)
        checked = load_pack(source.path, host.option_schemas, clauses.shipped())
        assert trusted.rules == checked.rules and trusted.profiles == checked.profiles
    assert {pack.name for pack in ruleset.packs} >= set(PACKS)
