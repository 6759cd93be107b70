"""The CI formats: SARIF (against the OASIS schema and GitHub's ingestion rules), JUnit XML,
GitHub workflow commands, GitLab Code Quality and the Markdown summary, run through the CLI on a
small real QMS holding a document finding of each severity, a repository-level finding and a
waived finding."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest

from qmslint.formatters import builtin_formatters
from qmslint.testing import Qms
from tests.conftest import SARIF_SCHEMA

TODAY = "2026-11-21"
SELECT = "DC,CL,QL,ISO103"  # document rules and one repository-level rule: a small, exact report
WAIVER = {
    "rule": "DC013",
    "document": "SOP-1",
    "justification": "SOP-9 is being written under CAPA-12.",
    "approved_by": "Head of QA",
    "expires": "2027-03-31",
}


def build(qms: Qms, waivers: bool = True, config: str = "yaml") -> None:
    settings: dict[str, Any] = {"profiles": ["iso13485"], "severity": {"QL008": "info"}}
    if waivers:
        settings["waivers"] = [WAIVER]
    if config == "yaml":
        qms.config(**settings)
    elif config == "pyproject":
        qms.write(
            "pyproject.toml",
            '[project]\nname = "x"\n\n[tool.qmslint]\nprofiles = ["iso13485"]\n'
            'severity = {QL008 = "info"}\n',
        )
    qms.effective("SOP-1", ["iso13485:4.2.4"], related=["SOP-9"], path="qms/SOP 1: one.md")
    qms.doc(
        "qms/draft.md",
        id="SOP-2",
        title="Draft",
        type="procedure",
        status="draft",
        clauses=["iso13485:9.9"],
    )
    qms.effective("SOP-3", approved_on="2027-01-01", effective_date="2027-01-02")  # warning
    qms.write("qms/notes.md", "# Notes without metadata\n")  # QL008, made info
    qms.effective("QM-1", ["iso13485:4.2.2"], type="manual", path="qms/manual.md")


def run(qms: Qms, fmt: str, *args: str) -> tuple[int, str]:
    result = qms.run("check", "--today", TODAY, "--select", SELECT, "--format", fmt, *args)
    assert "Traceback" not in result.stderr, result.stderr
    return result.exit_code, result.stdout


def sarif(qms: Qms, fmt: str = "sarif", *args: str) -> dict[str, Any]:
    code, out = run(qms, fmt, *args)
    assert code == 1
    return json.loads(out)


# ----------------------------------------------------------------------------- SARIF


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    if not SARIF_SCHEMA.is_file():
        pytest.skip("the OASIS SARIF schema is absent (../shared/schemas-external)")
    return json.loads(SARIF_SCHEMA.read_text("utf-8"))


def test_formats_are_registered_through_the_formatter_hook() -> None:
    names = [formatter.name for formatter in builtin_formatters()]
    for name in ("sarif", "sarif-audit", "junit", "github", "gitlab", "markdown"):
        assert name in names
    from qmslint.plugins.builtin import core

    assert [f.name for f in core.qmslint_formatters()] == names


@pytest.mark.parametrize("fmt", ["sarif", "sarif-audit"])
def test_sarif_validates_against_the_oasis_schema(
    qms: Qms, sarif_schema: dict[str, Any], fmt: str
) -> None:
    build(qms)
    log = sarif(qms, fmt)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    assert log["version"] == "2.1.0"


# RFC 3986 relative-ref characters: unreserved, sub-delims, ':', '@', '/', '%XX'
URI_REFERENCE = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})+$")


def github_ingestion_problems(log: dict[str, Any]) -> list[str]:
    """GitHub code scanning's rules for an upload (sarif-sdk GH1001-GH1007, upload-sarif)."""
    problems = []
    if len(log["runs"]) > 20:
        problems.append("more than 20 runs")
    for run_ in log["runs"]:
        rules = run_["tool"]["driver"].get("rules", [])
        if len(rules) > 25_000 or len(run_["results"]) > 25_000:
            problems.append("GH1004: too many rules or results")
        for result in run_["results"]:
            if not result.get("message", {}).get("text"):
                problems.append("GH1007: result without message.text")
            locations = result.get("locations") or []
            if not locations:
                problems.append("GH1001: locationFromSarifResult: expected at least one location")
            for location in locations:
                physical = location.get("physicalLocation", {})
                uri = physical.get("artifactLocation", {}).get("uri")
                if not uri:
                    problems.append("GH1001: expected artifact location")
                    continue
                if "://" in uri or uri.startswith("/") or not URI_REFERENCE.match(uri):
                    problems.append(f"GH1005: {uri!r} is not a relative URI reference")
                if physical.get("region", {}).get("startLine", 0) < 1:
                    problems.append("GH1003: region without startLine")
            index = result.get("ruleIndex")
            if index is not None and rules[index]["id"] != result["ruleId"]:
                problems.append("ruleIndex does not point at ruleId")
        if any(len(r.get("properties", {}).get("tags", [])) > 20 for r in rules):
            problems.append("more than 20 tags")
    return problems


def test_sarif_meets_github_code_scanning_needs(qms: Qms) -> None:
    build(qms)
    log = sarif(qms)
    assert github_ingestion_problems(log) == []
    run_ = log["runs"][0]
    rules = {rule["id"]: rule for rule in run_["tool"]["driver"]["rules"]}
    results = run_["results"]
    assert {r["ruleId"] for r in results} == {"CL001", "DC010", "QL008", "ISO103"}
    # rule metadata: descriptions, help, tags with the clause ids
    rule = rules["ISO103"]
    assert rule["shortDescription"]["text"] == "Record control procedure"
    assert rule["fullDescription"]["text"] and rule["help"]["text"] and rule["help"]["markdown"]
    assert "iso13485:4.2.5" in rule["properties"]["tags"]
    assert rule["defaultConfiguration"]["level"] == "error"
    assert rules["DC013"]["properties"]["tags"][:2] == ["iso13485:4.2.4", "iso9001:7.5.3"]
    # levels from severities
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels == {"CL001": "error", "DC010": "warning", "QL008": "note", "ISO103": "error"}
    # repository-relative URIs with %SRCROOT% and regions, pointing at real files and lines
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert (qms.root / unquote(location["artifactLocation"]["uri"])).is_file()
    [cl001] = [r for r in results if r["ruleId"] == "CL001"]
    region = cl001["locations"][0]["physicalLocation"]["region"]
    line = (qms.root / "qms/draft.md").read_text().splitlines()[region["startLine"] - 1]
    assert line[region["startColumn"] - 1 :].startswith("iso13485:9.9")
    # fingerprints: present, unique
    prints = [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]
    assert len(set(prints)) == len(prints)


def test_sarif_uris_are_percent_encoded_relative_references(qms: Qms) -> None:
    build(qms, waivers=False)
    log = sarif(qms)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert "qms/SOP%201%3A%20one.md" in uris  # space and ':' encoded: no scheme, no blank


def test_repository_level_findings_point_at_the_config(qms: Qms) -> None:
    build(qms)
    [result] = [r for r in sarif(qms)["runs"][0]["results"] if r["ruleId"] == "ISO103"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == ".qmslint.yaml"
    assert location["region"]["startLine"] == 1
    assert result["properties"]["repositoryLevel"] is True


def test_repository_level_findings_point_at_the_pyproject_table(qms: Qms) -> None:
    build(qms, waivers=False, config="pyproject")
    [result] = [r for r in sarif(qms)["runs"][0]["results"] if r["ruleId"] == "ISO103"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "pyproject.toml"
    assert location["region"]["startLine"] == 4  # the [tool.qmslint] line


def test_repository_level_findings_without_config_point_at_the_manual(qms: Qms) -> None:
    build(qms, waivers=False, config="none")
    [result] = [r for r in sarif(qms)["runs"][0]["results"] if r["ruleId"] == "ISO103"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "qms/manual.md"
    )


def test_anchor_order(tmp_path: Path) -> None:
    from qmslint.model import Document, Field, Position
    from qmslint.report import Anchor
    from qmslint.report.anchor import repository_anchor

    def document(path: str, type_: str) -> Document:
        return Document(path=path, fields={"type": Field("type", type_, Position(1))})

    docs = [document("b/sop.md", "procedure"), document("a/rep.md", "report")]
    manual = document("z/manual.md", "manual")
    config = tmp_path / ".qmslint.yaml"
    config.write_text("profiles: [mdr]\n")
    assert repository_anchor(tmp_path, config, [*docs, manual]) == Anchor(".qmslint.yaml", 1)
    outside = tmp_path.parent / f"{tmp_path.name}-elsewhere.yaml"  # --config outside the repo
    assert repository_anchor(tmp_path, outside, [*docs, manual]) == Anchor("z/manual.md", 1)
    assert repository_anchor(tmp_path, None, docs) == Anchor("a/rep.md", 1)
    (tmp_path / "README.md").write_text("# QMS\n")
    assert repository_anchor(tmp_path, None, docs) == Anchor("README.md", 1)
    assert repository_anchor(tmp_path / "empty", None, []) == Anchor(".qmslint.yaml", 1)


def test_sarif_fingerprints_do_not_change_when_lines_move(qms: Qms) -> None:
    build(qms, waivers=False)

    def located() -> dict[tuple[str, str], tuple[str, int]]:
        results = sarif(qms)["runs"][0]["results"]
        return {
            (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): (
                r["partialFingerprints"]["primaryLocationLineHash"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in results
        }

    before = located()
    draft = qms.root / "qms/draft.md"
    draft.write_text(draft.read_text().replace("---\n", "---\nowner: QA\nauthor: Someone\n", 1))
    after = located()
    key = ("CL001", "qms/draft.md")
    assert after[key][1] == before[key][1] + 2  # the line moved …
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}  # … not it


def test_suppressed_findings_are_left_out_of_the_upload_and_kept_in_audit(qms: Qms) -> None:
    build(qms)
    upload = sarif(qms)["runs"][0]["results"]
    assert "DC013" not in {r["ruleId"] for r in upload}
    audit = sarif(qms, "sarif-audit")["runs"][0]["results"]
    [waived] = [r for r in audit if r["ruleId"] == "DC013"]
    [suppression] = waived["suppressions"]
    assert suppression["kind"] == "external"  # the waiver is written in the config
    assert suppression["status"] == "accepted"
    assert suppression["justification"] == WAIVER["justification"]
    assert suppression["properties"]["approved_by"] == "Head of QA"
    assert suppression["location"]["physicalLocation"]["artifactLocation"]["uri"] == (
        ".qmslint.yaml"
    )
    assert all("suppressions" not in r for r in audit if r["ruleId"] != "DC013")
    assert len(audit) == len(upload) + 1


def test_no_suppressions_puts_waived_findings_back_in_the_upload(qms: Qms) -> None:
    build(qms)
    results = sarif(qms, "sarif", "--no-suppressions")["runs"][0]["results"]
    assert "DC013" in {r["ruleId"] for r in results}
    assert all("suppressions" not in r for r in results)


def test_sarif_from_a_real_corpus_validates(
    corpora: Path, sarif_schema: dict[str, Any], tmp_path: Path
) -> None:
    for corpus in sorted(p for p in corpora.iterdir() if p.is_dir()):
        result = Qms(corpus).run("check", "--today", TODAY, "--format", "sarif", "--no-cache")
        assert result.exit_code in (0, 1), result.stderr
        log = json.loads(result.stdout)
        jsonschema.Draft4Validator(sarif_schema).validate(log)
        assert github_ingestion_problems(log) == [], corpus.name


# ----------------------------------------------------------------------------- JUnit


def test_junit_one_testcase_per_rule_and_document(qms: Qms) -> None:
    build(qms)
    code, out = run(qms, "junit")
    assert code == 1
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    # CL001 failed in one document: file, line and message on the failure
    [case] = suites["CL001"].findall("testcase")
    assert case.get("classname") == "qmslint.CL001"
    assert case.get("name") == case.get("file") == "qms/draft.md"
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "error"
    assert "iso13485:9.9" in failure.get("message", "")
    assert f"qms/draft.md:{case.get('line')}:" in (failure.text or "")
    # the repository-level finding is its own test case, without a file
    [repo_case] = suites["ISO103"].findall("testcase")
    assert repo_case.get("name") == "<repository>" and repo_case.get("file") is None
    assert repo_case.find("failure") is not None
    # a rule that passed is one passing test case
    [passed] = suites["DC001"].findall("testcase")
    assert list(passed) == [] and passed.get("name") == "all documents"
    # the waived finding is skipped with its justification
    [waived] = suites["DC013"].findall("testcase")
    skipped = waived.find("skipped")
    assert skipped is not None and WAIVER["justification"] in skipped.get("message", "")
    # counts add up
    cases = root.findall("testsuite/testcase")
    assert int(root.get("tests", "0")) == len(cases)
    assert int(root.get("failures", "0")) == len(root.findall("testsuite/testcase/failure"))
    for suite in suites.values():
        assert int(suite.get("tests", "0")) == len(suite.findall("testcase"))
        assert int(suite.get("skipped", "0")) == len(suite.findall("testcase/skipped"))


def test_junit_follows_the_surefire_structure_jenkins_and_gitlab_read(qms: Qms) -> None:
    """The element and attribute structure of Jenkins' junit-10.xsd (as pytest writes it:
    plus `file` and `line` on test cases, which GitLab shows and Jenkins ignores)."""
    build(qms)
    root = ET.fromstring(run(qms, "junit")[1])
    allowed = {
        "testsuites": ({"name", "time", "tests", "failures", "errors"}, {"testsuite"}),
        "testsuite": (
            {"name", "tests", "failures", "errors", "skipped", "time"},
            {"testcase", "properties"},
        ),
        "properties": (set(), {"property"}),
        "property": ({"name", "value"}, set()),
        "testcase": ({"name", "classname", "time", "file", "line"}, {"failure", "skipped"}),
        "failure": ({"type", "message"}, set()),
        "skipped": ({"type", "message"}, set()),
    }
    required = {
        "testsuite": {"name", "tests", "failures", "errors"},
        "testcase": {"name"},
        "property": {"name", "value"},
    }
    for element in root.iter():
        attributes, children = allowed[element.tag]
        assert set(element.attrib) <= attributes, element.tag
        assert required.get(element.tag, set()) <= set(element.attrib), element.tag
        assert {child.tag for child in element} <= children, element.tag
        if element.get("time") is not None:
            assert re.fullmatch(r"[0-9]+(\.[0-9]*)?", element.get("time", ""))


def test_junit_survives_control_characters_in_messages(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.write("qms/bad.md", "---\nid: SOP-\x01\x02\ntitle: x\n---\n# x\n")
    result = qms.run("check", "--today", TODAY, "--format", "junit")
    assert result.exit_code == 1, result.stderr
    root = ET.fromstring(result.stdout)  # well-formed XML 1.0
    assert "SOP-\ufffd\ufffd" in "".join(root.itertext())


# ----------------------------------------------------------------------------- GitHub


def test_github_workflow_commands(qms: Qms) -> None:
    build(qms)
    code, out = run(qms, "github")
    assert code == 1
    lines = out.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == 4  # the waived finding is left out
    [cl001] = [c for c in commands if "CL001" in c]
    match = re.fullmatch(r"::error file=([^,]+),line=(\d+),col=(\d+),title=([^:]+)::(.+)", cl001)
    assert match, cl001
    assert match.group(1) == "qms/draft.md" and int(match.group(2)) > 1
    assert match.group(4) == "CL001 Clause ids are valid"
    assert "iso13485:9.9" in match.group(5)
    assert any(c.startswith("::warning file=qms/SOP-3.md,") for c in commands)
    assert any(c.startswith("::notice file=qms/notes.md,") for c in commands)
    [repo] = [c for c in commands if "ISO103" in c]
    assert repo.startswith("::error title=ISO103 Record control procedure::(repository)")
    assert lines[-1].startswith("3 errors") or "error" in lines[-1]


def test_github_escapes_values_so_messages_cannot_inject_commands(qms: Qms) -> None:
    build(qms, waivers=False)
    out = run(qms, "github")[1]
    assert "file=qms/SOP 1%3A one.md," in out  # ':' and ',' escaped in properties
    from qmslint.formatters.github import escape_data, escape_property

    assert escape_data("50% done\n::set-env name=X::1") == "50%25 done%0A::set-env name=X::1"
    assert escape_property("a:b,c\r\n") == "a%3Ab%2Cc%0D%0A"


# ----------------------------------------------------------------------------- GitLab


CODE_QUALITY_SCHEMA = {  # GitLab's documented Code Quality report format
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^[^/]"},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def test_gitlab_code_quality(qms: Qms) -> None:
    build(qms)
    code, out = run(qms, "gitlab")
    assert code == 1
    issues = json.loads(out)
    jsonschema.validate(issues, CODE_QUALITY_SCHEMA)
    by_rule = {issue["check_name"]: issue for issue in issues}
    assert set(by_rule) == {"CL001", "DC010", "QL008", "ISO103"}  # waived DC013 left out
    assert {k: v["severity"] for k, v in by_rule.items()} == {
        "CL001": "major",
        "DC010": "minor",
        "QL008": "info",
        "ISO103": "major",
    }
    assert by_rule["CL001"]["location"]["path"] == "qms/draft.md"
    assert by_rule["ISO103"]["location"] == {"path": ".qmslint.yaml", "lines": {"begin": 1}}
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    for issue in issues:
        assert (qms.root / issue["location"]["path"]).is_file()


def test_gitlab_fingerprints_are_stable_and_unique_for_repeated_subjects(qms: Qms) -> None:
    from qmslint.formatters.common import unique_fingerprints
    from qmslint.model import Finding, Severity

    twins = [Finding("DC013", Severity.ERROR, f"m{i}", "a.md", document="A") for i in range(3)]
    first = unique_fingerprints(twins)
    assert len(set(first)) == 3 and first[0] == twins[0].fingerprint
    assert unique_fingerprints(twins) == first


# ----------------------------------------------------------------------------- Markdown


def test_markdown_summary_for_a_merge_request(qms: Qms) -> None:
    build(qms)
    code, out = run(qms, "markdown")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "## ❌ qmslint: 2 errors, 1 warning, 1 info"
    assert "1 suppressed" in lines[2] and "`iso13485`" in lines[2]
    rows = [line for line in lines if line.startswith("| ❌") or line.startswith("| ⚠")]
    assert rows[0].startswith("| ❌ error | ISO103 | _&lt;repository&gt;_ |")  # errors first
    assert rows[1].startswith("| ❌ error | CL001 | qms/draft.md:")
    assert rows[2].startswith("| ⚠️ warning | DC010 | qms/SOP-3.md:")
    assert "<details><summary>1 suppressed finding</summary>" in lines
    [waived] = [line for line in lines if line.startswith("| DC013 |")]
    assert "SOP 1: one.md" in waived and WAIVER["justification"] in waived
    # every table row has as many cells as its header
    tables: list[list[str]] = [[]]
    for line in lines:
        if line.startswith("|"):
            tables[-1].append(line)
        elif tables[-1]:
            tables.append([])
    for table in filter(None, tables):
        widths = {len(re.split(r"(?<!\\)\|", row)) for row in table}
        assert len(widths) == 1, table


def test_markdown_escapes_table_breaking_text() -> None:
    from qmslint.formatters.markdown import escape

    assert escape("a | b\nc <script>*x*") == "a \\| b c &lt;script&gt;\\*x\\*"


def test_markdown_when_clean(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1", ["iso13485:4.2.4"])
    result = qms.run("check", "--today", TODAY, "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout.startswith("## ✅ qmslint: no findings\n")


# ----------------------------------------------------------------------------- odd file names


@pytest.mark.parametrize("fmt", ["sarif", "sarif-audit", "junit", "github", "gitlab", "markdown"])
def test_file_names_that_are_not_utf8_give_valid_output(qms: Qms, fmt: str) -> None:
    qms.config(profiles=["document-control"])
    try:
        (qms.root / os.fsdecode(b"bad\xff name.md")).write_text("# no metadata\n")
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take non-UTF-8 names")
    result = qms.run("check", "--today", TODAY, "--format", fmt, "-o", f"{fmt}:out")
    assert result.exit_code == 0, result.stderr
    written = (qms.root / "out").read_bytes()
    text = written.decode("utf-8")  # strict: valid UTF-8 for JSON and XML parsers
    assert result.stdout == text
    if fmt.startswith("sarif"):
        [finding] = json.loads(text)["runs"][0]["results"]
        uri = finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == "bad%FF%20name.md"  # the name's own bytes, percent-encoded


# ----------------------------------------------------------------------------- not run


def test_rules_that_do_not_apply_are_skipped_not_passed(qms: Qms) -> None:
    qms.config(profiles=["iso13485"])  # no device portfolio: device-dependent rules do not apply
    qms.effective("SOP-1", ["iso13485:4.2.4"])
    out = qms.run("check", "--today", TODAY, "--format", "junit").stdout
    suites = {suite.get("name"): suite for suite in ET.fromstring(out).findall("testsuite")}
    log = json.loads(qms.run("check", "--today", TODAY, "--format", "sarif").stdout)
    not_applicable = log["runs"][0]["properties"]["notApplicable"]
    assert not_applicable
    for rule_id in not_applicable:
        [case] = suites[rule_id].findall("testcase")
        skipped = case.find("skipped")
        assert skipped is not None and "not applicable" in skipped.get("message", "")
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_a_failed_check_is_a_junit_error_and_a_sarif_notification(
    qms: Qms, monkeypatch: pytest.MonkeyPatch, sarif_schema: dict[str, Any]
) -> None:
    from qmslint import checks
    from qmslint.checks import identity
    from qmslint.plugins import host

    def explode(ctx: object) -> list:
        raise ValueError("bug in a check")

    kind = checks.CheckKind("unique-ids", explode, identity.UNIQUE.options_schema)
    builtin = checks.builtin
    monkeypatch.setattr(
        checks, "builtin", lambda: [kind if k.name == "unique-ids" else k for k in builtin()]
    )
    monkeypatch.setattr(host, "_HOSTS", {})  # a fresh host calls the patched hook
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1", ["iso13485:4.2.4"])
    result = qms.run("check", "--today", TODAY, "--format", "junit", "-o", "sarif:out.sarif")
    assert result.exit_code == 2
    [case] = ET.fromstring(result.stdout).findall("testsuite[@name='DC001']/testcase")
    error = case.find("error")
    assert error is not None and "bug in a check" in error.get("message", "")
    assert ET.fromstring(result.stdout).get("errors") == "1"
    log = json.loads((qms.root / "out.sarif").read_text())
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    [invocation] = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    [notification] = invocation["toolExecutionNotifications"]
    assert notification["associatedRule"]["id"] == "DC001"
    markdown = qms.run("check", "--today", TODAY, "--format", "markdown").stdout
    assert "**The check of DC001 failed**" in markdown


def test_built_in_formatters_are_imported_when_used_and_named_as_their_classes() -> None:
    from qmslint.formatters import LazyFormatter

    for lazy in builtin_formatters():
        assert isinstance(lazy, LazyFormatter)
        assert lazy.formatter.name == lazy.name
        assert lazy.description == lazy.formatter.description
