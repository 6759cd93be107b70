"""Shared fixtures: a QMS repository in tmp_path, and where the real corpora are."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

from qmslint.testing import Qms

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"
SARIF_SCHEMA = SHARED / "schemas-external" / "sarif-schema-2.1.0.json"


# the test run keeps its pack cache to itself
os.environ.setdefault(
    "QMSLINT_CACHE_DIR", os.path.join(tempfile.gettempdir(), "qmslint-test-cache")
)


@pytest.fixture
def qms(tmp_path: Path) -> Qms:
    return Qms(tmp_path)


@pytest.fixture
def corpora() -> Path:
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is absent")
    return CORPORA


@pytest.fixture
def own_cache(tmp_path_factory, monkeypatch) -> Path:
    folder = tmp_path_factory.mktemp("run-cache")
    monkeypatch.setenv("QMSLINT_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def counted(monkeypatch) -> list[int]:
    """How many times the engine ran from the command line (a replay does not run it)."""
    from qmslint import cli, engine

    runs: list[int] = []
    original = engine.run

    def run(*args, **kwargs):
        if sys.argv[1:2] == ["check"]:  # not the in-process runs of qms.check
            runs.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(cli, "run", run)
    return runs
