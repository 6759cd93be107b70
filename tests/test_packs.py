"""Company and Notified Body packs: local folders and installed distributions, loaded and checked
like the built-in packs; profiles that extend built-in ones; clashes and unknown ids are exit 2;
`validate-pack`; every pack named with its version."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from qmslint.support.resources import schema_path
from qmslint.testing import Qms, write_distribution

REPORT_SCHEMA = json.loads(schema_path("report.schema.json").read_text())

PACK = """\
pack: acme
version: "2.1"
profiles:
  - name: acme
    title: ACME's QMS
    extends: [document-control]
    rules: [ACME001]
    overrides: {DC007: warning, DC013: "off"}
  - name: acme-strict
    title: ACME, strict
    extends: [acme]
    overrides: {ACME001: error}
rules:
  - id: ACME001
    title: Documents name their owner
    severity: info
    references: [iso13485:4.2.4]
    explanation: ACME wants every document in force to name its process owner.
    fix: Add an 'owner' field.
    check: {kind: field, select: {status: in-force}, field: owner, present: true}
"""


def acme(qms: Qms, text: str = PACK, profiles: tuple[str, ...] = ("acme",), **more) -> None:
    qms.write("qms-rules/acme/acme.yaml", text)
    qms.config(profiles=list(profiles), packs=["./qms-rules/acme"], **more)


def test_local_pack_profile_extends_a_built_in_one_and_changes_severities(qms: Qms) -> None:
    acme(qms)
    qms.effective("SOP-1", approvers=None, related=["SOP-9"])
    result = qms.check()
    jsonschema.validate(result.report, REPORT_SCHEMA)
    result.assert_fires("ACME001", severity="info")
    result.assert_fires("DC007", severity="warning")  # an error in document-control
    result.assert_silent("DC013")  # switched off
    assert {"name": "acme", "version": "2.1"} in result.report["tool"]["packs"]


def test_overrides_are_inherited_through_extends(qms: Qms) -> None:
    acme(qms, profiles=("acme-strict",))
    qms.effective("SOP-1", approvers=None, related=["SOP-9"])
    result = qms.check()
    result.assert_fires("ACME001", severity="error")  # its own override
    result.assert_fires("DC007", severity="warning")  # acme's override, inherited
    result.assert_silent("DC013")


def test_custom_rules_keep_their_place_when_a_built_in_profile_is_chosen(qms: Qms) -> None:
    """A company pack that only adds rules: they run with whatever profile is chosen."""
    free = PACK.split("profiles:")[0] + "rules:\n" + PACK.split("rules:\n", 1)[1]
    acme(qms, free, profiles=("document-control",))
    qms.effective("SOP-1")
    result = qms.check()
    result.assert_fires("ACME001")
    qms.config(profiles=["document-control"], packs=["./qms-rules/acme"], ignore=["ACME"])
    qms.check().assert_silent("ACME001")  # and can be left out like any rule


def test_unversioned_local_pack_is_named_by_its_content(qms: Qms) -> None:
    acme(qms, PACK.replace('version: "2.1"\n', ""))
    versions = {p["name"]: p["version"] for p in qms.check().report["tool"]["packs"]}
    assert versions["acme"].startswith("0+sha256.")
    assert "pack acme 0+sha256." in qms.run("--version").stdout
    assert "(local: " in qms.run("--version").stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("id: ACME001", "id: DC001"), "rule id DC001 is defined twice (also at core:"),
        (("name: acme-strict", "name: mdr"), "profile 'mdr' is defined twice"),
        (("{DC007: warning,", "{DC0007: warning,"), "names unknown rule DC0007; did you mean"),
        (("rules: [ACME001]", "rules: [ACME002]"), "profile 'acme' names unknown rule ACME002"),
        (("extends: [document-control]", "extends: [mdrr]"), "extends unknown profile 'mdrr'"),
        (("severity: info", "severity: fatal"), "acme.yaml:16:5: rules.0.severity: 'fatal'"),
        (("kind: field,", "kind: fields,"), "unknown check kind 'fields'; did you mean 'field'?"),
    ],
)
def test_pack_mistakes_are_exit_2_with_file_and_line(
    qms: Qms, change: tuple[str, str], message: str
) -> None:
    acme(qms, PACK.replace(*change))
    result = qms.check()
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    assert "qms-rules/acme/acme.yaml:" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_the_same_pack_twice_is_an_error(qms: Qms) -> None:
    qms.write("qms-rules/other/acme.yaml", PACK.replace("ACME001", "ACME002"))
    acme(qms)
    qms.config(profiles=["acme"], packs=["./qms-rules/acme", "./qms-rules/other"])
    result = qms.check()
    assert result.exit_code == 2 and "rule pack 'acme' is loaded twice" in result.stderr


def test_missing_pack_folder_is_an_error(qms: Qms) -> None:
    qms.config(packs=["./nowhere"])
    result = qms.check()
    assert result.exit_code == 2 and "rule pack folder './nowhere' does not exist" in result.stderr


# ----------------------------------------------------------------------------- validate-pack


def test_validate_pack_ok(qms: Qms) -> None:
    path = qms.write("acme.yaml", PACK)
    result = qms.run("validate-pack", str(path))
    assert result.exit_code == 0, result.stderr
    assert "ok: pack acme 2.1, 1 rules, profiles: acme (extends document-control)" in result.stdout


def test_validate_pack_lists_every_schema_error_with_its_line(qms: Qms) -> None:
    path = qms.write(
        "acme.yaml",
        PACK.replace("severity: info", "severity: fatal").replace("title: ACME's QMS", "x: 1"),
    )
    result = qms.run("validate-pack", str(path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3, result.stderr  # missing title, unknown key, bad severity
    assert all(f"{path}:" in line for line in lines)
    assert f"{path}:5:5: profiles.0: unknown key 'x'" in result.stderr
    assert f"{path}:16:5: rules.0.severity: 'fatal' is not one of" in result.stderr


def test_validate_pack_checks_against_the_installed_packs(qms: Qms) -> None:
    path = qms.write("acme.yaml", PACK.replace("{DC007: warning,", "{DC077: warning,"))
    result = qms.run("validate-pack", str(path))
    assert result.exit_code == 2 and "names unknown rule DC077" in result.stderr
    clash = qms.write("clash.yaml", PACK.replace("id: ACME001", "id: MDR001"))
    assert "rule id MDR001 is defined twice" in qms.run("validate-pack", str(clash)).stderr


def test_validate_pack_of_a_pack_the_config_already_loads(qms: Qms) -> None:
    acme(qms)
    result = qms.run("validate-pack", "qms-rules/acme")
    assert result.exit_code == 0, result.stderr


def test_validate_pack_notes_rules_in_no_profile(qms: Qms) -> None:
    free = PACK.split("profiles:")[0] + "rules:\n" + PACK.split("rules:\n", 1)[1]
    path = qms.write("free.yaml", free)
    result = qms.run("validate-pack", str(path))
    assert result.exit_code == 0
    assert "rule ACME001 is in no profile, so it runs with every profile" in result.stdout


def test_validate_pack_of_nothing(qms: Qms) -> None:
    result = qms.run("validate-pack", "nope.yaml")
    assert result.exit_code == 2 and "rule pack 'nope.yaml' does not exist" in result.stderr


# ----------------------------------------------------------------------------- distributions

PLUGIN = """\
from pathlib import Path

from qmslint.checks import CheckKind, options_schema
from qmslint.plugins.hookspecs import hookimpl

HERE = Path(__file__).resolve().parent


def no_drafts(ctx):
    for document in ctx.select({"status": "draft"}):
        yield ctx.finding(f"{document.id} is a draft", document, document.fields.get("status"))


@hookimpl
def qmslint_rule_packs():
    return [HERE / "pack.yaml"]


@hookimpl
def qmslint_check_kinds():
    return [CheckKind("corp-no-drafts", no_drafts, options_schema({}))]
"""

DIST_PACK = """\
pack: corp
profiles:
  - {name: corp, title: Corp, extends: [iso13485], rules: [CORP001], overrides: {ISO102: "off"}}
rules:
  - id: CORP001
    title: No drafts in the repository
    severity: warning
    references: []
    explanation: Corp keeps drafts out of the main branch of its QMS repository.
    fix: Finish the draft or move it to a branch.
    check: {kind: corp-no-drafts}
"""


@pytest.fixture
def corp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An installed distribution `qmslint-corp` 3.0 with a pack and a Python check function."""
    site = tmp_path_factory.mktemp("site")
    (site / "qmslint_corp").mkdir()
    (site / "qmslint_corp" / "__init__.py").write_text(PLUGIN)
    (site / "qmslint_corp" / "pack.yaml").write_text(DIST_PACK)
    write_distribution(site, "qmslint-corp", "3.0", {"qmslint": {"corp": "qmslint_corp"}})
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(__import__("sys").modules, "qmslint_corp", raising=False)
    return site


def test_installed_distribution_adds_rules_a_check_function_and_a_profile(
    qms: Qms, corp: Path
) -> None:
    qms.config(profiles=["corp"])
    qms.doc("qms/draft.md", id="SOP-5", title="Draft", type="procedure", status="draft")
    result = qms.check()
    [finding] = result.assert_fires("CORP001", document="SOP-5", severity="warning")
    assert finding["line"] == 5  # the status field
    result.assert_silent("ISO102")  # switched off by the corp profile
    assert {"name": "corp", "version": "3.0"} in result.report["tool"]["packs"]
    assert {"name": "corp", "version": "3.0"} in result.report["tool"]["plugins"]
    version = qms.run("--version").stdout
    assert "plugin corp 3.0" in version and "pack corp 3.0 (plugin: " in version


def test_broken_pack_of_a_distribution_names_the_plugin(qms: Qms, corp: Path) -> None:
    (corp / "qmslint_corp" / "pack.yaml").write_text(DIST_PACK.replace("severity: warning", "x"))
    result = qms.check()
    assert result.exit_code == 2
    assert "pack.yaml:" in result.stderr and "(in plugin 'corp' 3.0)" in result.stderr


def test_two_distributions_claiming_one_plugin_name_is_reported(
    qms: Qms, corp: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path_factory.mktemp("site2")
    write_distribution(site, "qmslint-corp-fork", "0.9", {"qmslint": {"corp": "qmslint_fork"}})
    monkeypatch.syspath_prepend(str(site))
    result = qms.run("--version")
    assert result.exit_code == 2
    assert "plugin 'corp'" in result.stdout and "registered twice" in result.stdout
