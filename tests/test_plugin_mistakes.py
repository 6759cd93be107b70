"""Issue 12: every plugin mistake is reported by the plugin's name with exit 2; never a
traceback, never a silent pass (SPEC §10)."""

from __future__ import annotations

import sys
import types
from importlib.metadata import EntryPoint

import pytest

from qmslint.plugins import host as plugins
from qmslint.plugins.hookspecs import hookimpl
from qmslint.testing import Qms


def install(monkeypatch: pytest.MonkeyPatch, name: str, module: types.ModuleType) -> None:
    monkeypatch.setitem(sys.modules, module.__name__, module)
    entry = EntryPoint(name, module.__name__, "qmslint")
    real = plugins.entry_points
    monkeypatch.setattr(plugins, "entry_points", lambda group: [*real(group=group), entry])


def plugin_module(**hooks) -> types.ModuleType:
    module = types.ModuleType(f"qmslint_test_{id(hooks)}")
    for hook, function in hooks.items():
        setattr(module, hook, hookimpl(function))
    return module


def assert_named(result, plugin: str, *words: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    assert f"plugin '{plugin}'" in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.fixture
def repo(qms: Qms) -> Qms:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1")
    return qms


def test_a_hook_returning_a_number(repo: Qms, monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch, "five", plugin_module(qmslint_rule_packs=lambda: 5))
    assert_named(repo.check(), "five", "qmslint_rule_packs returned 5, not a list")


def test_a_generator_hook_that_raises(repo: Qms, monkeypatch: pytest.MonkeyPatch) -> None:
    def packs():
        yield from ()
        raise RuntimeError("half-way")

    install(monkeypatch, "gen", plugin_module(qmslint_rule_packs=packs))
    assert_named(repo.check(), "gen", "half-way")


def test_check_kinds_of_the_wrong_type(repo: Qms, monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch, "kinds", plugin_module(qmslint_check_kinds=lambda: ["x"]))
    assert_named(repo.check(), "kinds", "not a CheckKind")


def test_rule_packs_listing_none(repo: Qms, monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch, "nones", plugin_module(qmslint_rule_packs=lambda: [None]))
    assert_named(repo.check(), "nones", "not a pack file path")


@pytest.mark.parametrize("method", ["matches", "read"])
def test_a_reader_that_raises(repo: Qms, monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    class Reader:
        name = "broken"

        def matches(self, path: str) -> bool:
            if method == "matches":
                raise ValueError("matches broke")
            return path.endswith(".txt")

        def read(self, path: str, data: bytes):
            raise ValueError("read broke")

    install(monkeypatch, "reader", plugin_module(qmslint_readers=lambda: [Reader()]))
    repo.config(profiles=["document-control"], extend_include=["**/*.txt"])
    repo.write("qms/notes.txt", "owner: someone\n")
    result = repo.check()
    assert_named(result, "reader", f"{method} broke")
    assert result.report is not None  # the run went on and reported


def test_a_formatter_whose_render_raises(repo: Qms, monkeypatch: pytest.MonkeyPatch) -> None:
    class Formatter:
        name = "boom"
        description = "raises"

        def render(self, report, presentation) -> str:
            raise RuntimeError("render broke")

    install(monkeypatch, "fmt", plugin_module(qmslint_formatters=lambda: [Formatter()]))
    result = repo.run("check", "--format", "boom")
    assert_named(result, "fmt", "render broke")


def test_sys_exit_at_import_is_no_silent_pass(
    repo: Qms, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("plugin")
    (folder / "qmslint_test_quitter.py").write_text("import sys\nsys.exit(0)\n")
    monkeypatch.syspath_prepend(str(folder))
    entry = EntryPoint("quitter", "qmslint_test_quitter", "qmslint")
    real = plugins.entry_points
    monkeypatch.setattr(plugins, "entry_points", lambda group: [*real(group=group), entry])
    assert_named(repo.check(), "quitter", "SystemExit")


def test_a_plugin_registering_the_name_core(repo: Qms, monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch, "core", plugin_module(qmslint_rule_packs=lambda: []))
    result = repo.check()
    assert_named(result, "core", "built-in")
    assert result.report is not None and result.report["summary"]["rules"] > 0  # core stayed
