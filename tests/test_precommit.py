"""qmslint as a pre-commit hook: the hook definition, what a subset of files reports, split calls,
and real `pre-commit` runs (`try-repo` and the documented config snippet) in a temporary git
repository holding a small QMS. The real runs are skipped only when pre-commit is not installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from qmslint.testing import Qms

REPO = Path(__file__).resolve().parent.parent
HOOKS = REPO / ".pre-commit-hooks.yaml"
SNIPPET = REPO / "examples/ci/pre-commit-config.yaml"


def hook() -> dict:
    [definition] = yaml.safe_load(HOOKS.read_text("utf-8"))
    return definition


def small_qms(root: Path) -> Qms:
    """Document findings in three files (one a sidecar), an excluded template, a repository one."""
    qms = Qms(root)
    qms.config(profiles=["document-control"], extend_select=["ISO103"])
    qms.effective("SOP-1", ["iso13485:4.2.4"], path="qms/a.md")
    qms.effective("SOP-1", ["iso13485:4.2.4"], path="qms/b.md", title="Duplicate id")
    qms.doc("qms/c.md", id="SOP-3", title="C", type="procedure", status="draft", clauses=["x:9"])
    qms.doc("templates/t.md", id="T-1", title="T", type="template", clauses=["x:9"])
    qms.write("forms/f.docx", b"PK\x03\x04 a binary document")
    qms.write(
        "forms/f.docx.yaml", "id: FRM-1\ntitle: F\ntype: form\nstatus: draft\nclauses: [x:9]\n"
    )
    return qms


def located(qms: Qms, *paths: str) -> set[tuple[str, str | None]]:
    result = qms.check(*paths)
    assert result.exit_code == 1, result.stderr
    return {(f["rule"], f["path"]) for f in result.findings}


# ----------------------------------------------------------------------------- the definition


def test_hook_definition() -> None:
    definition = hook()
    assert definition["id"] == "qmslint"
    assert definition["entry"] == "qmslint check"
    assert definition["language"] == "python"
    assert definition["pass_filenames"] is True
    assert definition["require_serial"] is True  # one process, not one per CPU
    files = re.compile(definition["files"])  # pre-commit matches with re.search
    for name in (
        "qms/SOP-001 Document control.md",
        "README.markdown",
        "forms/F-01.docx",
        "forms/F-01.docx.yaml",
        "forms/old.doc",
        "records/2026/audit.yml",
        "plans/pms.pdf",
        "lists/suppliers.xlsx",
        "slides/training.pptx",
        ".qmslint.yaml",
        "pyproject.toml",
        "sub/pyproject.toml",
    ):
        assert files.search(name), name
    for name in ("src/app.py", "image.png", "pyproject.toml.orig", "notes.txt", "Makefile"):
        assert not files.search(name), name


def test_the_entry_is_the_installed_console_script() -> None:
    """The hook's `qmslint` is the console script, whose entry replays a snapshot before the
    CLI is imported, as `python -m qmslint` does."""
    text = (REPO / "pyproject.toml").read_text("utf-8")
    assert re.search(r'^qmslint = "qmslint\.entry:main"$', text, re.M)


# ----------------------------------------------------------------------------- file subsets


def test_passed_files_limit_document_findings_only(tmp_path: Path) -> None:
    qms = small_qms(tmp_path)
    full = located(qms)
    assert full == {
        ("CL001", "forms/f.docx.yaml"),
        ("CL001", "qms/c.md"),
        ("DC001", "qms/a.md"),
        ("DC001", "qms/b.md"),
        ("ISO103", None),
    }
    assert located(qms, "qms/c.md") == {("CL001", "qms/c.md"), ("ISO103", None)}
    # the duplicate id is found although qms/a.md was not passed: the whole repository is read
    assert located(qms, "qms/b.md") == {("DC001", "qms/b.md"), ("ISO103", None)}
    # exclude is honoured for passed files; repository findings are always reported
    assert located(qms, "templates/t.md") == {("ISO103", None)}
    # a binary document brings its sidecar, where its metadata and findings are
    assert located(qms, "forms/f.docx") == {("CL001", "forms/f.docx.yaml"), ("ISO103", None)}
    # a change to the config can change any finding: everything is reported
    assert located(qms, ".qmslint.yaml") == full
    assert located(qms, "qms") == full - {("CL001", "forms/f.docx.yaml")}  # a folder


def test_split_calls_add_up_to_one_full_run(tmp_path: Path) -> None:
    """pre-commit may split the file list over several calls, even with require_serial."""
    qms = small_qms(tmp_path)
    for index in range(6):
        qms.doc(f"qms/more/d{index}.md", id=f"WI-{index}", title="W", type="work-instruction")
    files = sorted(
        p.relative_to(tmp_path).as_posix()
        for p in tmp_path.rglob("*")
        if p.is_file() and p.name != ".qmslint.yaml"
    )
    full = qms.check().findings
    union: set[tuple] = set()
    for chunk in (files[0::3], files[1::3], files[2::3]):
        findings = qms.check(*chunk).findings
        assert {f["fingerprint"] for f in findings if f["path"] is None} == {
            f["fingerprint"] for f in full if f["path"] is None
        }
        union |= {(f["rule"], f["path"], f["line"], f["message"]) for f in findings}
    assert union == {(f["rule"], f["path"], f["line"], f["message"]) for f in full}


# ----------------------------------------------------------------------------- real pre-commit


def pre_commit() -> list[str]:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return [sys.executable, "-m", "pre_commit"]


@pytest.fixture(scope="module")
def pre_commit_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """pre-commit's own cache (its hook environments) in one folder for this module's runs."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    return {**env, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}


def git(cwd: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", "-c", "user.name=QA", "-c", "user.email=qa@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def committed_qms(root: Path) -> Qms:
    git(root, "init", "-q")
    qms = small_qms(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "QMS")
    return qms


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_pre_commit_validates_the_manifest_and_the_snippet(tmp_path: Path) -> None:
    command = pre_commit()
    for verb, path in (("validate-manifest", HOOKS), ("validate-config", SNIPPET)):
        out = subprocess.run(
            [*command, verb, str(path)], cwd=tmp_path, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stdout + out.stderr


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project as a git repository of its own, built here: `try-repo` needs one, and the
    checkout the tests run from may be none (an sdist, a copy) or hold uncommitted files."""
    pre_commit()
    copy = tmp_path_factory.mktemp("project") / "qmslint"
    shutil.copytree(
        REPO,
        copy,
        ignore=shutil.ignore_patterns(
            ".git", "__pycache__", ".*_cache", ".hypothesis", "*.egg-info", "build", "dist"
        ),
        symlinks=True,
    )
    git(copy, "init", "-q")
    git(copy, "add", "-A")
    git(copy, "commit", "-q", "--no-verify", "-m", "qmslint under test")
    return copy


def test_pre_commit_try_repo(tmp_path: Path, pre_commit_env: dict[str, str], project: Path) -> None:
    command = pre_commit()
    qms = committed_qms(tmp_path)
    started = time.monotonic()
    out = run(
        [*command, "try-repo", str(project), "qmslint", "--all-files"], tmp_path, pre_commit_env
    )
    print(f"pre-commit try-repo --all-files: {time.monotonic() - started:.1f} s")
    text = out.stdout + out.stderr
    assert out.returncode == 1, text
    assert re.search(r"^qmslint\.+Failed$", out.stdout, re.M), text
    assert "qms/c.md:" in out.stdout and "CL001 error" in out.stdout
    assert "qms/b.md:" in out.stdout and "DC001 error" in out.stdout
    assert "<repository>: ISO103 error" in out.stdout
    assert "templates/t.md" not in out.stdout  # excluded by the default config
    assert "Traceback" not in text

    # a commit that touches one document: only its findings, and the repository's
    out = run(
        [*command, "try-repo", str(project), "qmslint", "--files", "qms/c.md", "src/x.py"],
        tmp_path,
        pre_commit_env,
    )
    assert out.returncode == 1, out.stdout + out.stderr
    assert "qms/c.md:" in out.stdout and "<repository>: ISO103" in out.stdout
    assert "qms/b.md" not in out.stdout and "forms/" not in out.stdout

    # a clean QMS passes
    qms.config(profiles=["document-control"])
    for path in ("qms/b.md", "qms/c.md", "forms/f.docx", "forms/f.docx.yaml"):
        git(tmp_path, "rm", "-q", path)
    git(tmp_path, "add", "-A")
    out = run(
        [*command, "try-repo", str(project), "qmslint", "--all-files"], tmp_path, pre_commit_env
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert re.search(r"^qmslint\.+Passed$", out.stdout, re.M), out.stdout


def test_documented_pre_commit_config_runs(
    tmp_path: Path, pre_commit_env: dict[str, str], project: Path
) -> None:
    """examples/ci/pre-commit-config.yaml (docs/ci/pre-commit.md), pointed at the HEAD commit
    of a git repository built from the project instead of the published URL and release tag."""
    command = pre_commit()
    config = yaml.safe_load(SNIPPET.read_text("utf-8"))
    [entry] = config["repos"]
    assert entry["rev"] == "v" + __import__("qmslint").__version__
    assert [h["id"] for h in entry["hooks"]] == [hook()["id"]]
    head = git(project, "rev-parse", "HEAD").strip()
    shown = subprocess.run(
        ["git", "show", f"{head}:.pre-commit-hooks.yaml"], cwd=project, capture_output=True
    )
    assert shown.returncode == 0, "pre-commit installs hooks from commits: commit the hook file"
    entry.update(repo=str(project), rev=head)
    committed_qms(tmp_path)
    (tmp_path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    out = run([*command, "run", "--all-files"], tmp_path, pre_commit_env)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "qms/c.md:" in out.stdout and "<repository>: ISO103" in out.stdout
    assert re.search(r"^qmslint\.+Failed$", out.stdout, re.M), out.stdout
