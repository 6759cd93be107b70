"""The plugin host: built-ins through the entry-point group, a broken plugin named, not fatal."""

from __future__ import annotations

import sys
import types
from importlib.metadata import EntryPoint

import pytest

from qmslint.plugins import host as plugins
from qmslint.testing import Qms


def fake_entry_points(extra: list[EntryPoint]):
    real = plugins.entry_points

    def entry_points(group: str):
        return [*real(group=group), *extra]

    return entry_points


def test_built_in_profiles_are_plugins() -> None:
    host = plugins.load()
    names = {plugin.name for plugin in host.plugins}
    assert {"core", "iso9001", "iso13485", "mdr", "fda-qmsr"} <= names
    assert host.problems == []
    assert {source.path.name for source in host.pack_sources} >= {"mdr.yaml", "iso13485.yaml"}


def test_a_plugin_that_fails_to_import_is_reported_by_name(
    qms: Qms, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = EntryPoint("broken-pack", "no_such_module_qmslint", "qmslint")
    monkeypatch.setattr(plugins, "entry_points", fake_entry_points([broken]))
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1")
    result = qms.check()
    assert result.exit_code == 2
    assert "plugin 'broken-pack'" in result.stderr and "No module named" in result.stderr
    assert (
        result.report is not None and result.report["summary"]["documents"] == 1
    )  # the run went on


def test_a_plugin_whose_hook_raises_is_reported_by_name(
    qms: Qms, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = types.ModuleType("qmslint_test_raising")

    @plugins.hookspecs.hookimpl
    def qmslint_rule_packs():
        raise RuntimeError("boom")

    module.qmslint_rule_packs = qmslint_rule_packs
    monkeypatch.setitem(sys.modules, "qmslint_test_raising", module)
    entry = EntryPoint("raising-pack", "qmslint_test_raising", "qmslint")
    monkeypatch.setattr(plugins, "entry_points", fake_entry_points([entry]))
    qms.config(profiles=["document-control"])
    result = qms.check()
    assert result.exit_code == 2
    assert "plugin 'raising-pack'" in result.stderr and "boom" in result.stderr


def test_a_check_function_that_raises_is_reported_and_the_run_goes_on(
    qms: Qms, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qmslint import checks
    from qmslint.checks import identity
    from qmslint.plugins import host

    def explode(ctx):
        raise ValueError("bug in a check")

    kind = checks.CheckKind("unique-ids", explode, identity.UNIQUE.options_schema)
    builtin = checks.builtin
    monkeypatch.setattr(
        checks, "builtin", lambda: [kind if k.name == "unique-ids" else k for k in builtin()]
    )
    monkeypatch.setattr(host, "_HOSTS", {})  # a fresh host calls the patched hook
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1", approvers=None)
    result = qms.check()
    assert result.exit_code == 2
    assert "check 'unique-ids' failed on rule DC001" in result.stderr
    assert result.of("DC007")  # other rules still ran
