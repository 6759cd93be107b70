"""The example Notified Body pack (examples/nb-pack): valid, loadable as a distribution, and its
own tests pass with qmslint's pytest plugin.

The pack is made visible as an installed distribution only inside these tests (its `.dist-info`
written to a temporary folder put on the path), so that the rest of the suite runs without it.
`.ci/run` also installs it for real with pip and runs its tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from qmslint.testing import Qms, run_qmslint, write_distribution

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PACK = Path(__file__).resolve().parent.parent / "examples" / "nb-pack"
PROJECT = tomllib.loads((PACK / "pyproject.toml").read_text("utf-8"))["project"]


def really_installed() -> bool:
    """A developer may have `pip install`ed the example into this environment."""
    try:
        metadata.distribution(PROJECT["name"])
    except metadata.PackageNotFoundError:
        return False
    return True


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """sys.path entries under which the pack looks installed (as `pip install -e` would)."""
    site = tmp_path_factory.mktemp("site")
    write_distribution(site, PROJECT["name"], PROJECT["version"], PROJECT["entry-points"])
    return [str(site), str(PACK / "src")]


@pytest.fixture
def with_pack(installed: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for entry in reversed(installed):
        monkeypatch.syspath_prepend(entry)


@pytest.mark.skipif(really_installed(), reason="the example pack is installed here")
def test_the_pack_validates(qms: Qms) -> None:
    result = qms.run("validate-pack", str(PACK / "src" / "qmslint_nb_x" / "rules" / "nb-x.yaml"))
    # without the distribution its check kind is unknown: said with file and line
    assert result.exit_code == 2
    assert "nb-x.yaml:" in result.stderr and "unknown check kind 'nb-x-four-eyes'" in result.stderr


def test_the_pack_validates_when_installed(qms: Qms, with_pack: None) -> None:
    result = qms.run("validate-pack", str(PACK / "src" / "qmslint_nb_x" / "rules"))
    assert result.exit_code == 0, result.stderr
    assert "ok: pack nb-x" in result.stdout and "nb-x (extends mdr)" in result.stdout


def test_installed_pack_is_named_with_its_version(qms: Qms, with_pack: None) -> None:
    version = qms.run("--version").stdout
    assert f"plugin nb-x {PROJECT['version']}" in version
    assert f"pack nb-x {PROJECT['version']} (plugin: " in version
    qms.config(profiles=["nb-x"])
    qms.effective("SOP-1", author="A", approvers=["A"])
    result = qms.check()
    assert {"name": "nb-x", "version": PROJECT["version"]} in result.report["tool"]["packs"]
    result.assert_fires("NBX001", document="SOP-1")
    assert "nb-x" in run_qmslint(["profiles"], qms.root).stdout


@pytest.mark.skipif(really_installed(), reason="the example pack is installed here")
def test_the_pack_is_not_loaded_elsewhere_in_the_suite(qms: Qms) -> None:
    assert "nb-x" not in qms.run("--version").stdout


def test_the_example_pack_s_own_tests_pass(installed: list[str], tmp_path: Path) -> None:
    """`pytest` in examples/nb-pack, in a fresh interpreter, the `qms` fixture from pytest11."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*installed, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("PYTEST_ADDOPTS", None)
    command = [sys.executable, "-m", "pytest", "-q", "-o", "addopts=", "-p", "no:cacheprovider"]
    command.append(f"--basetemp={tmp_path}")
    out = subprocess.run(
        command,
        cwd=PACK,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "5 passed" in out.stdout, out.stdout
