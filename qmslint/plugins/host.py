"""The plugin host: a small typed facade over pluggy, so the engine never calls `pm.hook`.

Each entry point of the `qmslint` group is loaded on its own; one that fails to import or whose
hook raises is reported by name and version (as sqlfluff does) instead of ending the run. The
host is made once per set of installed entry points and each hook is called once per host, so
that every verb and every run in one process share it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

import pluggy

from qmslint import __version__
from qmslint.checks import CheckKind
from qmslint.errors import UserError
from qmslint.formatters import Formatter
from qmslint.packs.loading import PackSource
from qmslint.plugins import hookspecs
from qmslint.read.readers import Reader

BUILTIN = {
    "core": "qmslint.plugins.builtin.core",
    "iso9001": "qmslint.plugins.builtin.iso9001",
    "iso13485": "qmslint.plugins.builtin.iso13485",
    "mdr": "qmslint.plugins.builtin.mdr",
    "fda-qmsr": "qmslint.plugins.builtin.fda_qmsr",
}


@dataclass(frozen=True)
class PluginInfo:
    name: str
    version: str
    module: str
    builtin: bool


@dataclass
class PluginProblem:
    plugin: str
    version: str
    message: str

    def __str__(self) -> str:
        return f"plugin '{self.plugin}' ({self.version}) failed: {self.message}"


@dataclass
class Host:
    """Loaded plugins and what they contribute."""

    manager: pluggy.PluginManager
    plugins: list[PluginInfo] = field(default_factory=list)
    problems: list[PluginProblem] = field(default_factory=list)

    def _collect(self, hook_name: str) -> list[tuple[PluginInfo, Any]]:
        """Call one hook on each plugin separately so a raising plugin is named, not fatal."""
        results = []
        for info in self.plugins:
            plugin = self.manager.get_plugin(info.name)
            function = getattr(plugin, hook_name, None)
            if function is None:
                continue
            try:
                value = function()
            except Exception as exc:  # a plugin's bug must not end the run
                self.problems.append(
                    PluginProblem(info.name, info.version, f"{hook_name}: {exc!r}")
                )
                continue
            for item in value or ():
                results.append((info, item))
        return results

    @cached_property
    def pack_sources(self) -> list[PackSource]:
        return [
            PackSource(Path(path), info.name, info.version, info.builtin)
            for info, path in self._collect("qmslint_rule_packs")
        ]

    @cached_property
    def check_kinds(self) -> dict[str, CheckKind]:
        kinds: dict[str, CheckKind] = {}
        for info, kind in self._collect("qmslint_check_kinds"):
            if kind.name in kinds:
                raise UserError(f"plugin '{info.name}' redefines check kind '{kind.name}'")
            kinds[kind.name] = kind
        return kinds

    @property
    def option_schemas(self) -> dict[str, dict[str, Any] | None]:
        return {name: kind.options_schema for name, kind in self.check_kinds.items()}

    @cached_property
    def readers(self) -> list[Reader]:
        return [reader for _, reader in self._collect("qmslint_readers")]

    @cached_property
    def formatters(self) -> dict[str, Formatter]:
        return {formatter.name: formatter for _, formatter in self._collect("qmslint_formatters")}


_HOSTS: dict[tuple, Host] = {}


def load() -> Host:
    """The host for the installed `qmslint` entry points (made once per set of them)."""
    installed = list(entry_points(group=hookspecs.PROJECT))
    key = tuple((ep.name, ep.value, str(getattr(ep.dist, "_path", ""))) for ep in installed)
    if key not in _HOSTS:
        _HOSTS[key] = _make_host(installed)
    return _HOSTS[key]


def _make_host(installed: list[EntryPoint]) -> Host:
    """Register the built-in plugins and every installed `qmslint` entry point."""
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    host = Host(manager)
    found: dict[str, EntryPoint] = {}
    for ep in installed:
        other = found.setdefault(ep.name, ep)
        if other.value != ep.value:  # two distributions claim one name: neither silently wins
            host.problems.append(
                PluginProblem(
                    ep.name,
                    _version_of(ep),
                    f"the entry point name is registered twice ({other.value} and {ep.value}); "
                    f"only {other.value} was loaded",
                )
            )
    for name, module in BUILTIN.items():  # a checkout run without install still has them
        if name not in found:
            found[name] = EntryPoint(name, module, hookspecs.PROJECT)
    for name in sorted(found, key=lambda n: (n not in BUILTIN, n)):
        _register(host, found[name])
    return host


def _register(host: Host, entry_point: EntryPoint) -> None:
    name = entry_point.name
    builtin = BUILTIN.get(name) == entry_point.value
    version = __version__ if builtin else _version_of(entry_point)
    try:
        plugin = entry_point.load() if not builtin else importlib.import_module(entry_point.value)
        host.manager.register(plugin, name=name)
    except Exception as exc:  # an import error in a third-party plugin is reported by name
        host.problems.append(PluginProblem(name, version, repr(exc)))
        return
    host.plugins.append(PluginInfo(name, version, entry_point.value, builtin))


def _version_of(entry_point: EntryPoint) -> str:
    dist = getattr(entry_point, "dist", None)
    return dist.version if dist is not None else "unknown"
