"""`qmslint validate-tool` (SPEC §12): the shipped suite passes on this build, the evidence it
writes validates against its schema and opens in a real browser, a company pack's suite is run
and reported under its name, and a broken build fails naming the requirement it breaks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import browser
import jsonschema
import pytest
from test_packs_example import PACK, PROJECT, really_installed

from qmslint.session import open_session
from qmslint.support.resources import data_dir, package_file, schema_path
from qmslint.testing import Qms, write_distribution
from qmslint.validation import evidence
from qmslint.validation.suite import load_suite
from qmslint.verbs import validate_tool

PACKAGE = package_file()
REPORT_SCHEMA = json.loads(schema_path("validation-report.schema.json").read_text("utf-8"))


def validate_tool_run(
    tmp: Path, pythonpath: list[str], *args: str
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """`python -m qmslint validate-tool` as a user runs it, in an empty folder."""
    work = tmp / "work"
    work.mkdir()
    (work / ".qmslint.yaml").write_text("{}\n", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("QMSLINT_")}
    env["PYTHONPATH"] = os.pathsep.join([*pythonpath, *(p for p in sys.path if p)])
    env["QMSLINT_CACHE_DIR"] = str(tmp / "user-cache")
    done = subprocess.run(
        [sys.executable, "-m", "qmslint", "validate-tool", "--output", "evidence", *args],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    return done, work / "evidence"


@pytest.fixture(scope="module")
def with_nb_x(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Import path entries under which the example NB-X pack is installed."""
    if really_installed():  # .ci/run installs it with pip
        return []
    site = tmp_path_factory.mktemp("site")
    write_distribution(site, PROJECT["name"], PROJECT["version"], PROJECT["entry-points"])
    return [str(site), str(PACK / "src")]


@pytest.fixture(scope="module")
def passing(tmp_path_factory: pytest.TempPathFactory, with_nb_x: list[str]):
    return validate_tool_run(tmp_path_factory.mktemp("passing"), with_nb_x, "--jobs", "2")


def test_the_shipped_suite_passes_and_exits_0(passing) -> None:
    done, _ = passing
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "validation PASSED" in done.stdout
    assert "Traceback" not in done.stderr


def test_the_evidence_validates_against_its_schema_and_holds_the_record(passing) -> None:
    _, folder = passing
    report = json.loads((folder / "validation-report.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(
        REPORT_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(report)
    assert report["result"] == "pass" and "Quality Management System" in report["intended_use"]
    assert report["environment"]["python"] == ".".join(map(str, sys.version_info[:3]))
    assert {"jsonschema", "pluggy"} <= {d["name"] for d in report["environment"]["dependencies"]}
    suites = {suite["name"]: suite for suite in report["suites"]}
    assert set(suites) == {"core", "nb-x"}
    packs = {pack["name"]: pack for pack in report["packs"]}
    assert packs["nb-x"]["validated_by"] == "nb-x" and packs["nb-x"]["origin"] == "plugin"
    assert packs["mdr"]["validated_by"] == "core"
    assert all(len(pack["sha256"]) == 64 for pack in report["packs"])
    assert [a["role"] for a in report["approvals"]] == ["Reviewed by", "Approved by"]
    for suite in report["suites"]:
        for requirement in suite["requirements"]:
            assert requirement["cases"] and requirement["result"] == "pass"
        for case in suite["cases"]:
            assert case["result"] == "pass" and case["actual"]["exit"] == case["expected"]["exit"]


def test_every_check_kind_and_every_profile_is_exercised(passing) -> None:
    _, folder = passing
    coverage = json.loads((folder / "validation-report.json").read_text("utf-8"))["coverage"]
    assert coverage["check_kinds_not_covered"] == []
    assert coverage["profiles_not_covered"] == []
    assert "nb-x-four-eyes" in coverage["check_kinds"]  # the company pack's own check kind


def test_the_html_evidence_opens_in_a_browser(passing, tmp_path: Path) -> None:
    _, folder = passing
    page = folder / "validation-report.html"
    collected = browser.Collected(browser.dom(page, tmp_path / "profile"))
    assert {"summary", "intended-use", "requirements", "cases", "environment", "approvals"} <= (
        collected.ids
    )
    assert "req-core-QR-16" in collected.ids and "case-nb-x-NBX-T1" in collected.ids
    assert "script" not in collected.tags
    assert all(link.startswith("#") for link in collected.links)  # nothing loaded from anywhere
    text = page.read_text("utf-8")
    assert "Reviewed by" in text and "Approved by" in text and "Signature" in text


def test_a_broken_build_fails_and_names_the_requirement(tmp_path: Path) -> None:
    """A copy of qmslint whose `unique-ids` check no longer fires (so DC001 never does):
    validate-tool says which requirement is no longer met, and exits 1."""
    build = tmp_path / "build"
    shutil.copytree(PACKAGE, build / "qmslint", ignore=shutil.ignore_patterns("__pycache__"))
    if not (build / "qmslint" / "_data").is_dir():  # a checkout keeps rules/, schemas/ beside it
        shutil.copytree(data_dir("rules"), build / "rules")
        shutil.copytree(data_dir("schemas"), build / "schemas")
    check = build / "qmslint" / "checks" / "identity.py"
    text = check.read_text("utf-8")
    header = "def unique_ids(ctx: CheckContext) -> Iterable[Finding]:\n"
    assert header in text
    check.write_text(text.replace(header, header + "    return []\n"), encoding="utf-8")
    done, folder = validate_tool_run(tmp_path, [str(build)], "--jobs", "2")
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    assert "FAIL VT-13 (QR-07)" in done.stdout
    assert "expected DC001 at qms/SOP-001.md:2" in done.stdout
    assert "requirements not met: core:QR-07" in done.stdout
    report = json.loads((folder / "validation-report.json").read_text("utf-8"))
    assert report["result"] == "fail" and report["summary"]["failed_requirements"] == ["core:QR-07"]
    html = (folder / "validation-report.html").read_text("utf-8")
    assert "core:QR-07" in html


# ------------------------------------------------------------------- the suite as data (fast)


def test_the_shipped_suite_loads_with_a_case_for_every_requirement(qms: Qms) -> None:
    session = open_session(qms.root)
    [core] = [suite for suite in validate_tool.suites(session) if suite.name == "core"]
    assert len(core.requirements) >= 20 and len(core.cases) >= 40
    assert all(core.cases_of(requirement) for requirement in core.requirements)
    coverage = evidence.coverage(session.ruleset, core.cases)
    assert coverage["check_kinds_not_covered"] == []
    assert coverage["profiles_not_covered"] == []


SUITE = """\
requirements:
  - {id: R-1, text: does a thing}
repositories:
  tiny:
    qms/a.md: "# A\\n"
cases:
  - id: T-1
    title: a case
    verifies: [R-1]
    base: tiny
    run: [check]
    expect: {exit: 0}
"""


def _load(tmp_path: Path, text: str):
    path = tmp_path / "suite.yaml"
    path.write_text(text, encoding="utf-8")
    return load_suite("acme", "1.0", [path])


def test_a_valid_suite_file_loads(tmp_path: Path) -> None:
    suite = _load(tmp_path, SUITE)
    [case] = suite.cases
    assert case.files == {"qms/a.md": b"# A\n"} and len(suite.sha256) == 64


@pytest.mark.parametrize(
    ("change", "message", "line"),
    [
        (("verifies: [R-1]", "verifies: [R-2]"), "verifies R-2, which is no requirement", 9),
        (("base: tiny", "base: huge"), "starts from repository 'huge'", 10),
        (("  - {id: R-1, text: does a thing}", "  - {id: R-1}"), "'text' is a required", 2),
        (("expect: {exit: 0}", "expect: {exit: 0, fires: []}"), "fires", 12),
        (("run: [check]", "run: [check]\n    remove: [qms/b.md]"), "removes qms/b.md", 12),
    ],
)
def test_mistakes_in_a_suite_name_file_and_line(
    tmp_path: Path, change: tuple[str, str], message: str, line: int
) -> None:
    from qmslint.errors import UserError

    with pytest.raises(UserError) as raised:
        _load(tmp_path, SUITE.replace(*change))
    assert message in str(raised.value)
    assert f"suite.yaml:{line}:" in str(raised.value)


def test_a_requirement_without_a_case_is_refused(tmp_path: Path) -> None:
    from qmslint.errors import UserError

    with pytest.raises(UserError, match="R-2 of the validation suite 'acme' has no case"):
        _load(tmp_path, SUITE.replace("requirements:\n", "requirements:\n  - {id: R-2, text: b}\n"))


def test_output_to_a_file_that_is_not_a_folder_is_refused(qms: Qms) -> None:
    qms.write("evidence", "a file")
    result = qms.run("validate-tool", "--output", "evidence")
    assert result.exit_code == 2 and "evidence exists and is not a folder" in result.stderr
