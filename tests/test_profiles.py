"""Profile resolution: extends, overrides inherited, several profiles at once, mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from qmslint.clauses import shipped
from qmslint.errors import UserError
from qmslint.model import Severity
from qmslint.packs.rules import RuleSet, load_pack
from qmslint.session import open_session

KINDS = {"unique-ids": {"type": "object"}, "field": None}

PACK = """
pack: demo
profiles:
  - {name: base, title: Base, rules: [AA001, AA002]}
  - {name: child, title: Child, extends: [base], rules: [AA003], overrides: {AA001: warning}}
  - {name: grandchild, title: Grandchild, extends: [child], overrides: {AA002: "off"}}
  - {name: other, title: Other, rules: [AA001]}
rules:
  - {id: AA001, title: First rule, severity: error, references: [], explanation: "a long enough explanation", fix: "fix it somehow", check: {kind: unique-ids}}
  - {id: AA002, title: Second rule, severity: error, references: [], explanation: "a long enough explanation", fix: "fix it somehow", check: {kind: unique-ids}}
  - {id: AA003, title: Third rule, severity: info, references: [], explanation: "a long enough explanation", fix: "fix it somehow", check: {kind: unique-ids}}
"""


def ruleset(tmp_path: Path, text: str = PACK) -> RuleSet:
    path = tmp_path / "pack.yaml"
    path.write_text(text)
    result = RuleSet()
    result.add(load_pack(path, KINDS, shipped()))
    result.check_profiles()
    return result


def severities(rules: dict) -> dict[str, str]:
    return {rule_id: rule.severity.value for rule_id, rule in rules.items()}


def test_extends_and_inherited_overrides(tmp_path: Path) -> None:
    rs = ruleset(tmp_path)
    assert severities(rs.resolve(["base"])) == {"AA001": "error", "AA002": "error"}
    assert severities(rs.resolve(["child"])) == {
        "AA001": "warning",
        "AA002": "error",
        "AA003": "info",
    }
    # grandchild inherits child's override of AA001 and switches AA002 off
    assert severities(rs.resolve(["grandchild"])) == {"AA001": "warning", "AA003": "info"}


def test_several_profiles_take_the_strictest_severity(tmp_path: Path) -> None:
    rs = ruleset(tmp_path)
    assert rs.resolve(["child", "other"])["AA001"].severity is Severity.ERROR


def test_unknown_rule_in_profile_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"unknown rule AA004.*did you mean"):
        ruleset(tmp_path, PACK.replace("rules: [AA003]", "rules: [AA004]"))


def test_cycle_is_an_error(tmp_path: Path) -> None:
    text = PACK.replace(
        "{name: base, title: Base,", "{name: base, title: Base, extends: [grandchild],"
    )
    with pytest.raises(UserError, match="circle"):
        ruleset(tmp_path, text)


def test_pack_schema_error_points_at_file_and_line(tmp_path: Path) -> None:
    text = PACK.replace("severity: info", "severity: fatal")
    with pytest.raises(UserError) as caught:
        ruleset(tmp_path, text)
    assert str(caught.value).startswith(f"{tmp_path / 'pack.yaml'}:11:")
    assert "fatal" in str(caught.value)


def test_unknown_check_kind_and_bad_options_point_at_the_rule(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"pack.yaml:9:.*unknown check kind 'unique-id'"):
        ruleset(
            tmp_path,
            PACK.replace(
                "{kind: unique-ids}}\n  - {id: AA002", "{kind: unique-id}}\n  - {id: AA002", 1
            ),
        )


def test_unknown_clause_in_references_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"iso13485:9\.9"):
        ruleset(tmp_path, PACK.replace("references: []", "references: [iso13485:9.9]", 1))


def test_built_in_profiles_resolve() -> None:
    session = open_session(Path.cwd())
    rs = session.ruleset
    mdr = rs.resolve(["mdr"])
    assert "ISO102" in mdr and "DC001" in mdr and "MDR001" in mdr
    assert "MDR001" not in rs.resolve(["iso13485"])
    assert not any(
        rule_id.startswith(("ISO1", "MDR", "FDA")) for rule_id in rs.resolve(["iso9001"])
    )
    assert set(rs.resolve(["mdr", "fda-qmsr"])) == set(mdr) | set(rs.resolve(["fda-qmsr"]))
