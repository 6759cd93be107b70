"""The pack cache: used when nothing changed, never stale, never an error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qmslint.support import cache
from qmslint.testing import Qms, dump_yaml

RULE = {
    "id": "T001",
    "title": "Forms have an owner",
    "severity": "error",
    "references": [],
    "explanation": "Every form names its process owner.",
    "fix": "Add 'owner:'.",
    "check": {"kind": "field", "select": {"type": "form"}, "field": "owner", "present": True},
}


def write_pack(qms: Qms, severity: str) -> None:
    rule = {**RULE, "severity": severity}
    pack = {
        "pack": "t",
        "profiles": [{"name": "t", "title": "T", "rules": ["T001"]}],
        "rules": [rule],
    }
    qms.write("rules/t.yaml", dump_yaml(pack))


def test_a_changed_pack_is_never_served_from_the_cache(
    qms: Qms, tmp_path_factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QMSLINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    qms.config(profiles=["t"], packs=["rules"], exclude=["rules/**"])
    qms.effective("FRM-1", type="form")
    write_pack(qms, "error")
    assert qms.check().of("T001")[0]["severity"] == "error"
    assert list(cache.directory().glob("packs/*.json"))
    assert not list(cache.directory().glob("packs/*.pickle"))
    write_pack(qms, "warning")
    assert qms.check().of("T001")[0]["severity"] == "warning"


def test_an_unwritable_cache_is_ignored(qms: Qms, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = qms.write("not-a-dir", "x")
    monkeypatch.setenv("QMSLINT_CACHE_DIR", str(blocker))
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1")
    result = qms.check("--no-cache")
    assert result.exit_code == 0, result.stderr
    result = qms.check()
    assert result.exit_code == 0, result.stderr


def test_corrupt_entries_are_recomputed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMSLINT_CACHE_DIR", str(tmp_path))
    key = cache.digest("x")
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / f"{key}.json").write_bytes(b"not json")
    assert cache.Cache().cached("demo", key, lambda: 42) == 42
    assert cache.Cache().cached("demo", key, lambda: 0) == 42


def test_atomic_writes_leave_no_temporary_and_respect_the_umask(tmp_path: Path) -> None:
    from qmslint.support.files import write_atomically

    target = tmp_path / "out" / "report.json"
    write_atomically(target, b"{}")
    write_atomically(target, b"[]")
    assert target.read_bytes() == b"[]"
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # as open() would, not mkstemp's 0600


@pytest.mark.parametrize(
    "content",
    [
        b"\x80\x04\x95 random bytes \xff",
        b"[]",
        b'{"format": 1, "kind": "packs", "key": "other", "value": {}}',
        b'{"format": 1, "kind": "packs", "key": "KEY", "value": {"name": 5}}',
        b'{"format": 1, "kind": "packs", "key": "KEY", "value": {"name": "t"}}',
        b"[" * 100_000,
    ],
)
def test_a_corrupt_or_foreign_pack_entry_is_recomputed_never_trusted(
    qms: Qms, tmp_path_factory, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("QMSLINT_CACHE_DIR", str(folder))
    qms.config(profiles=["t"], packs=["rules"], exclude=["rules/**"])
    qms.effective("FRM-1", type="form")
    write_pack(qms, "error")
    assert qms.check().of("T001")[0]["severity"] == "error"
    entries = list((folder / "packs").glob("*.json"))
    assert entries
    for entry in entries:
        entry.write_bytes(content.replace(b"KEY", entry.stem.encode()))
    result = qms.check()
    assert result.exit_code == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.of("T001")[0]["severity"] == "error"


def test_the_cache_is_json_data_and_round_trips_a_pack(tmp_path: Path, monkeypatch) -> None:
    import json

    from qmslint.packs import codec
    from qmslint.session import builtin_ruleset

    monkeypatch.setenv("QMSLINT_CACHE_DIR", str(tmp_path))
    pack = builtin_ruleset().packs[0]
    again = codec.decode(json.loads(json.dumps(codec.encode(pack))))
    assert again == pack


# -- the config found valid before ---------------------------------------------------------------


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> list[str]:
    """The config validations a run makes (the schema check itself still runs)."""
    monkeypatch.setenv("QMSLINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    from qmslint.read import validation

    made: list[str] = []
    real = validation.check

    def counted(instance, schema, where, positions=None):  # type: ignore[no-untyped-def]
        if schema == "config.schema.json":
            made.append(where)
        return real(instance, schema, where, positions)

    monkeypatch.setattr(validation, "check", counted)
    return made


def test_a_valid_config_is_validated_once_until_it_changes(
    qms: Qms, validations: list[str]
) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1")
    assert qms.check().exit_code == 0
    assert qms.check().exit_code == 0
    assert len(validations) == 1  # the second run found it valid before
    assert list(cache.directory().glob("config/*.json"))
    qms.check("--no-cache")
    assert len(validations) == 2  # without the cache, always
    qms.config(profiles=["document-control"], review_interval_months=12)
    qms.check()
    assert len(validations) == 3  # changed data: validated again


def test_an_invalid_config_is_reported_on_every_run(qms: Qms, validations: list[str]) -> None:
    qms.config(profiles=["document-control"], review_interval_month=12)  # a misspelt key
    qms.effective("SOP-1")
    for _ in range(2):
        result = qms.check()
        assert result.exit_code == 2
        assert "unknown key 'review_interval_month'" in result.stderr
        assert ".qmslint.yaml:3:1" in result.stderr  # after the two lines of profiles
    assert len(validations) == 2
    assert not list(cache.directory().glob("config/*.json"))  # nothing remembered


def test_a_damaged_config_entry_means_validating_again(qms: Qms, validations: list[str]) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1")
    qms.check()
    (entry,) = cache.directory().glob("config/*.json")
    for damage in (b"", b"{not json", b'{"format": 1, "kind": "packs", "key": "x", "value": null}'):
        entry.write_bytes(damage)
        assert qms.check().exit_code == 0
    assert len(validations) == 4  # each damaged entry was recomputed, never trusted
