"""The CI recipes: docs/ci/*.md show examples/ci/* verbatim, and the qmslint steps of the GitHub
Actions workflow and the GitLab CI job run here, in a shell, on a small QMS in a git repository,
producing the files the rest of each pipeline (upload-sarif, GitLab's report parsers) reads."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import qmslint
from qmslint.testing import Qms
from tests.conftest import SARIF_SCHEMA
from tests.test_formatters import CODE_QUALITY_SCHEMA, build, github_ingestion_problems

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples/ci"
DOCS = REPO / "docs/ci"
PAIRS = [
    ("github-actions.md", "github-actions.yml"),
    ("gitlab-ci.md", "gitlab-ci.yml"),
    ("pre-commit.md", "pre-commit-config.yaml"),
]


@pytest.mark.parametrize(("doc", "example"), PAIRS)
def test_docs_show_the_tested_files_verbatim(doc: str, example: str) -> None:
    text = (DOCS / doc).read_text("utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```$", text, re.S | re.M)
    assert (EXAMPLES / example).read_text("utf-8") in blocks


def test_ci_docs_are_linked() -> None:
    index = (DOCS / "README.md").read_text("utf-8")
    for doc, _ in PAIRS:
        assert f"({doc})" in index
    assert "(formats.md)" in index


@pytest.fixture
def qms_repo(tmp_path: Path) -> Qms:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    qms = Qms(tmp_path)
    build(qms)
    return qms


def shell(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def ci_env(tmp_path: Path, extra: dict[str, str]) -> dict[str, str]:
    """The test's Python environment first on PATH (its `qmslint` script), git config isolated."""
    bin_dir = str(Path(sys.executable).parent)
    if shutil.which("qmslint", path=bin_dir) is None:
        pytest.skip("the qmslint console script is not installed next to this Python")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    git_config = tmp_path.parent / f"{tmp_path.name}-gitconfig"
    git_config.touch()
    return {
        **env,
        **extra,
        "PATH": bin_dir + os.pathsep + env.get("PATH", ""),
        "GIT_CONFIG_GLOBAL": str(git_config),
    }


def pinned(value: str) -> None:
    assert value == f"qmslint=={qmslint.__version__}", "pin the release these docs describe"


def today_pinned(command: str) -> str:
    """CI runs use today's date; the test fixes it so that the findings are known."""
    return re.sub(r"\bqmslint check\b", "qmslint check --today 2026-11-21", command)


# ----------------------------------------------------------------------------- GitHub Actions


def test_github_actions_workflow(qms_repo: Qms, tmp_path: Path) -> None:
    workflow = yaml.safe_load((EXAMPLES / "github-actions.yml").read_text("utf-8"))
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(on) == {"push", "pull_request"}
    assert workflow["permissions"]["security-events"] == "write"
    pinned(workflow["env"]["QMSLINT"])
    [job] = workflow["jobs"].values()
    steps = job["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    [upload] = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload")]
    sarif_file = upload["with"]["sarif_file"]
    assert f"hashFiles('{sarif_file}')" in upload["if"] and "always()" in upload["if"]

    summary = tmp_path.parent / f"{tmp_path.name}-step-summary.md"
    env = ci_env(tmp_path, {"GITHUB_STEP_SUMMARY": str(summary), **workflow["env"]})
    ran = []
    for step in steps:
        if "run" not in step or step["run"].startswith("pip install"):
            continue
        out = shell(today_pinned(step["run"]), qms_repo.root, env)
        ran.append((step["name"], out.returncode))
        if "qmslint check" in step["run"]:
            assert out.returncode == 1, out.stderr  # findings fail the job …
            annotations = [line for line in out.stdout.splitlines() if line.startswith("::")]
            assert annotations and all(
                re.match(r"::(error|warning|notice) ", line) for line in annotations
            )
        else:
            assert out.returncode == 0, out.stderr  # … and the always() steps still work
    assert [name for name, _ in ran] == ["Lint the QMS", "Job summary"]

    log = json.loads((qms_repo.root / sarif_file).read_text("utf-8"))
    if SARIF_SCHEMA.is_file():
        jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text("utf-8"))).validate(log)
    assert github_ingestion_problems(log) == []
    assert log["runs"][0]["results"]
    assert summary.read_text("utf-8").startswith("## ❌ qmslint: ")


# ----------------------------------------------------------------------------- GitLab CI


def test_gitlab_ci_job(qms_repo: Qms, tmp_path: Path) -> None:
    config = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text("utf-8"))
    job: dict[str, Any] = config["qmslint"]
    pinned(job["variables"]["QMSLINT"])
    reports = job["artifacts"]["reports"]
    assert job["artifacts"]["when"] == "always"
    env = ci_env(tmp_path, {"CI_PROJECT_DIR": str(qms_repo.root), **job["variables"]})
    for line in job["before_script"]:
        if not line.startswith("pip install"):
            out = shell(line, qms_repo.root, env)
            assert out.returncode == 0, out.stderr
    out = shell("\n".join(today_pinned(line) for line in job["script"]), qms_repo.root, env)
    assert out.returncode == 1, out.stderr  # findings fail the job; artifacts go up anyway
    assert "CL001 error" in out.stdout  # the log shows the text report

    root = ET.fromstring((qms_repo.root / reports["junit"]).read_text("utf-8"))
    assert root.tag == "testsuites" and int(root.get("failures", "0")) >= 1
    cases = root.findall("testsuite/testcase")
    assert any(case.get("file") == "qms/draft.md" for case in cases)
    issues = json.loads((qms_repo.root / reports["codequality"]).read_text("utf-8"))
    jsonschema.validate(issues, CODE_QUALITY_SCHEMA)
    assert {issue["check_name"] for issue in issues} >= {"CL001", "ISO103"}
