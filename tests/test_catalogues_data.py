"""The shipped clause catalogues (SPEC §4) are well-formed data."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

CATALOGUES = Path(__file__).resolve().parent.parent / "qmslint" / "clauses" / "catalogues"

_DOTTED = r"\d+(?:\.\d+)*"
LOCATOR: dict[str, re.Pattern[str]] = {
    "iso13485": re.compile(rf"^{_DOTTED}$"),
    "iso9001": re.compile(rf"^{_DOTTED}$"),
    "iso14971": re.compile(rf"^{_DOTTED}$"),
    "mdr": re.compile(r"^(?:art\d+[a-z]?(?:\.\d+(?:\.[a-z])?)?|annex\d+(?:\.[a-z0-9]+)*)$"),
    "cfr": re.compile(r"^\d+(?:\.\d+(?:\.[a-z0-9]+)*)?$"),
}


def _path(framework: str) -> Path:
    return CATALOGUES / f"{framework}.yaml"


def _load(framework: str) -> dict[str, Any]:
    return YAML(typ="safe").load(_path(framework).read_text("utf-8"))


@pytest.mark.parametrize("framework", sorted(LOCATOR))
def test_catalogue_is_well_formed(framework: str) -> None:
    data = _load(framework)
    assert data["framework"] == framework
    assert isinstance(data["title"], str) and data["title"]
    clauses = data["clauses"]
    assert isinstance(clauses, dict) and clauses
    for key, title in clauses.items():
        assert isinstance(key, str), f"{key!r} must be a quoted string"
        assert LOCATOR[framework].match(key), f"{key!r} breaks the {framework} locator grammar"
        assert isinstance(title, str) and title.strip(), f"{key}: empty title"
        assert len(title) < 80, f"{key}: title too long"
    assert "covers_subclauses" not in data, (
        "coverage is decided by qmslint.clauses.coverage (headings)"
    )
    for key in data.get("headings") or ():
        assert key in clauses, f"headings lists unknown id {key!r}"
    for key in data.get("chapters") or {}:
        assert key in clauses, f"chapters lists unknown id {key!r}"


@pytest.mark.parametrize("framework", sorted(LOCATOR))
def test_every_parent_is_listed(framework: str) -> None:
    clauses = _load(framework)["clauses"]
    for key in clauses:
        parent = key.rpartition(".")[0]
        assert not parent or parent in clauses, f"{key!r} has no parent {parent!r}"


@pytest.mark.parametrize("framework", sorted(LOCATOR))
def test_no_duplicate_keys(framework: str) -> None:
    # the round-trip loader raises DuplicateKeyError on a repeated key
    YAML().load(_path(framework).read_text("utf-8"))
