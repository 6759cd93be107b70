"""Config discovery: `.qmslint.yaml` / `.qmslint.yml` or `[tool.qmslint]` in pyproject.toml, the
nearest upward from where qmslint starts, never above the git root; validated by the JSON Schema
with errors that point at the file, line and key."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from qmslint.config.toml import positions
from qmslint.model import Position
from qmslint.testing import Qms, run_qmslint

TODAY = "2026-11-21"


def git_init(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)


def report(cwd: Path, *args: str) -> dict:
    result = run_qmslint(["check", "--format", "json", "--today", TODAY, *args], cwd)
    assert result.exit_code in (0, 1), result.stderr
    assert result.report is not None
    return result.report


def doc(root: Path, path: str) -> None:
    Qms(root).doc(path, id="SOP-1", title="Draft", type="procedure", status="draft")


def test_found_upward_from_a_subfolder_and_paths_are_relative_to_it(tmp_path: Path) -> None:
    git_init(tmp_path)
    (tmp_path / "qms").mkdir()
    (tmp_path / "qms/.qmslint.yaml").write_text("profiles: [document-control]\n")
    doc(tmp_path, "qms/sops/a.md")
    doc(tmp_path, "src/README-like.md")  # outside the QMS root: never indexed
    out = report(tmp_path / "qms/sops")
    assert out["profiles"] == ["document-control"]
    assert out["summary"]["documents"] == 1
    assert {f["path"] for f in out["findings"] if f["path"]} <= {"sops/a.md"}


def test_search_stops_at_the_git_root(tmp_path: Path) -> None:
    (tmp_path / ".qmslint.yaml").write_text("profiles: [mdr]\n")  # above the repository
    git_init(tmp_path / "repo")
    (tmp_path / "repo/qms").mkdir()
    (tmp_path / "repo/qms/notes.md").write_text("# no metadata\n")
    out = report(tmp_path / "repo/qms")
    assert out["profiles"] == ["iso13485"]  # the default: the outer config was not used
    assert "qms/notes.md" in {f["path"] for f in out["findings"]}  # root = git top level


def test_the_nearest_config_wins(tmp_path: Path) -> None:
    git_init(tmp_path)
    (tmp_path / ".qmslint.yaml").write_text("profiles: [mdr]\n")
    (tmp_path / "eu").mkdir()
    (tmp_path / "eu/.qmslint.yml").write_text("profiles: [document-control]\n")
    assert report(tmp_path / "eu")["profiles"] == ["document-control"]
    assert report(tmp_path)["profiles"] == ["mdr"]


def test_pyproject_tool_table(tmp_path: Path) -> None:
    git_init(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "device-firmware"\n\n[tool.qmslint]\nprofiles = ["document-control"]\n'
        '\n[tool.qmslint.severity]\nQL008 = "off"\n'
    )
    (tmp_path / "notes.md").write_text("# no metadata\n")
    out = report(tmp_path)
    assert out["profiles"] == ["document-control"]
    assert "QL008" not in {f["rule"] for f in out["findings"]}


def test_dotted_tool_keys_count_as_a_config(tmp_path: Path) -> None:
    git_init(tmp_path)
    (tmp_path / "pyproject.toml").write_text('tool.qmslint.profiles = ["document-control"]\n')
    assert report(tmp_path)["profiles"] == ["document-control"]


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    git_init(tmp_path)
    (tmp_path / ".qmslint.yaml").write_text("profiles: [document-control]\n")
    (tmp_path / "tool").mkdir()
    (tmp_path / "tool/pyproject.toml").write_text('[project]\nname = "x"\n[tool.ruff]\n')
    assert report(tmp_path / "tool")["profiles"] == ["document-control"]


def test_qmslint_yaml_beats_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    git_init(tmp_path)
    (tmp_path / ".qmslint.yaml").write_text("profiles: [document-control]\n")
    (tmp_path / "pyproject.toml").write_text('[tool.qmslint]\nprofiles = ["mdr"]\n')
    assert report(tmp_path)["profiles"] == ["document-control"]


def test_explicit_config_and_a_folder_argument(tmp_path: Path) -> None:
    git_init(tmp_path / "repo")
    (tmp_path / "repo/.qmslint.yaml").write_text("profiles: [mdr]\n")
    (tmp_path / "other.yaml").write_text("profiles: [document-control]\n")
    assert report(tmp_path / "repo", "--config", "../other.yaml")["profiles"] == [
        "document-control"
    ]
    # `qmslint check path/to/qms` starts the search in that folder
    assert report(tmp_path, "repo")["profiles"] == ["mdr"]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            ".qmslint.yaml",
            "profiles: [mdr]\nreview_interval_months: soon\n",
            ".qmslint.yaml:2:1: review_interval_months: 'soon' is not of type 'integer'",
        ),
        (
            ".qmslint.yaml",
            "profiles: [mdr]\nseverity:\n  DC011: fatal\n",
            ".qmslint.yaml:3:3: severity.DC011: 'fatal' is not one of",
        ),
        (
            ".qmslint.yaml",
            "profiles: [mdr]\nprofile: [mdr]\n",
            ".qmslint.yaml:2:1: unknown key 'profile'",
        ),
        (
            "pyproject.toml",
            '[project]\nname = "x"\n\n[tool.qmslint]\nprofiles = ["mdr"]\nprofile = 1\n',
            "pyproject.toml:6:1: unknown key 'profile'",
        ),
        (
            "pyproject.toml",
            '[tool.qmslint]\nprofiles = ["mdr"]\n\n[tool.qmslint.severity]\nDC011 = "fatal"\n',
            "pyproject.toml:5:1: severity.DC011: 'fatal' is not one of",
        ),
        (
            "pyproject.toml",
            "[tool.qmslint]\nreview_interval_months = 'soon'\n",
            "pyproject.toml:2:1: review_interval_months: 'soon' is not of type 'integer'",
        ),
        (
            "pyproject.toml",
            "[tool.qmslint\nprofiles = []\n",
            "pyproject.toml:1:14: invalid TOML",
        ),
        ("pyproject.toml", "[tool]\nqmslint = 3\n", "[tool.qmslint] must be a table"),
    ],
)
def test_config_errors_point_at_the_key(tmp_path: Path, name: str, text: str, message: str) -> None:
    """One line naming file:line:col of the offending key, in YAML and in TOML alike."""
    git_init(tmp_path)
    (tmp_path / name).write_text(text)
    result = run_qmslint(["check"], tmp_path)
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_toml_positions() -> None:
    text = (
        '[project]\nname = "x"\n'  # 1-2: another tool's table
        "[tool.qmslint]\n"  # 3
        'profiles = [\n  "mdr",\n  "fda-qmsr",\n]\n'  # 4-7: a multi-line array
        "  'fail_on' = \"error\"\n"  # 8: quoted key, indented
        'standard = """\nISO 13485\n"""\n'  # 9-11: a multi-line string
        "severity.DC011 = 'off'\n"  # 12: a dotted key
        "[tool.qmslint.fields]\n"  # 13
        '"Dokument-Nr" = "id"\n'  # 14
        "[tool.ruff]\nline-length = 100\n"  # 15-16
    )
    found = positions(text)
    assert found[("profiles", "<key>")] == Position(4, 1)
    assert found[("profiles",)] == Position(4, 12)
    assert found[("fail_on", "<key>")] == Position(8, 3)
    assert found[("standard", "<key>")] == Position(9, 1)
    assert found[("severity", "DC011", "<key>")] == Position(12, 1)
    assert found[("fields", "<key>")] == Position(13, 1)
    assert found[("fields", "Dokument-Nr", "<key>")] == Position(14, 1)
    assert not any(key[0] in ("name", "line-length", "mdr") for key in found)
