"""`pip install .` (a real wheel, not only editable) carries the rule packs, schemas and catalogues."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
    )
    if build.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {build.stderr.strip()[-200:]}")
    [found] = out.glob("qmslint-*.whl")
    return found


def test_wheel_carries_data_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for pack in (REPO / "rules").glob("*.yaml"):
        assert f"qmslint/_data/rules/{pack.name}" in names
    for schema in (REPO / "schemas").glob("*.json"):
        assert f"qmslint/_data/schemas/{schema.name}" in names
    for catalogue in ("iso13485", "iso9001", "iso14971", "mdr", "cfr"):
        assert f"qmslint/clauses/catalogues/{catalogue}.yaml" in names
    assert "qmslint/report/gap.yaml" in names  # the comparison data of `qmslint gap`
    for template in ("report", "coverage", "_coverage", "_style", "validation"):
        assert f"qmslint/formatters/templates/{template}.html.j2" in names
    for suite in (REPO / "qmslint" / "validation" / "suite").glob("*.yaml"):  # validate-tool
        assert f"qmslint/validation/suite/{suite.name}" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[qmslint]" in text and "mdr = qmslint.plugins.builtin.mdr" in text


def test_installed_wheel_runs(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    qms = tmp_path / "qms"
    qms.mkdir()
    (qms / "sop.md").write_text("---\nid: SOP-1\ntitle: T\ntype: procedure\nstatus: draft\n---\n")
    # -S: no site processing, so the editable install's .pth does not shadow the wheel
    site_packages = next(p for p in sys.path if p.endswith("site-packages"))
    env = {
        "PYTHONPATH": f"{target}{os.pathsep}{site_packages}",
        "QMSLINT_NO_CACHE": "1",
        "PATH": "/usr/bin:/bin",
    }
    run = subprocess.run(
        [
            sys.executable,
            "-S",
            "-m",
            "qmslint",
            "check",
            "--profile",
            "mdr",
            "--today",
            "2026-11-21",
        ],
        cwd=qms,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    assert "ISO102" in run.stdout
    where = subprocess.run(
        [
            sys.executable,
            "-S",
            "-c",
            "import qmslint.support.resources as r; print(r.data_dir('rules'))",
        ],
        cwd=qms,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert where.stdout.startswith(str(target)), where
