"""The plugin host: a small typed facade over pluggy, so the engine never calls `pm.hook`.

Each entry point of the `qmslint` group is loaded on its own; one that fails to import or whose
hook raises is reported by name and version (as sqlfluff does) instead of ending the run. The
host is made once per set of installed entry points and each hook is called once per host, so
that every verb and every run in one process share it.
"""

from __future__ import annotations

import importlib
import inspect
import os
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
from qmslint.model import ReadProblem
from qmslint.packs.loading import PackSource
from qmslint.plugins import hookspecs
from qmslint.read.readers import DEFAULT_SETTINGS, RawMetadata, Reader, ReadSettings

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
        """Call one hook on each plugin separately so a failing plugin is named, not fatal.

        A hook that raises (also while its generator runs), exits, returns something that is
        not a list, or lists items of the wrong type is a problem of that plugin (exit 2);
        its wrong items are left out, the others' contributions stay.
        """
        results = []
        accepts, wanted = _ITEMS[hook_name]
        for info in self.plugins:
            plugin = self.manager.get_plugin(info.name)
            function = getattr(plugin, hook_name, None)
            if function is None:
                continue
            try:
                value = function()
                if value is None:
                    continue
                if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
                    self._problem(info, f"{hook_name} returned {_kind(value)}, not a list")
                    continue
                items = list(value)  # a generator hook raises here
            except (Exception, SystemExit) as exc:  # a plugin's bug must not end the run
                self._problem(info, f"{hook_name}: {exc!r}")
                continue
            for item in items:
                if accepts(item):
                    results.append((info, item))
                else:
                    self._problem(info, f"{hook_name} listed {_kind(item)}, not {wanted}")
        return results

    def _problem(self, info: PluginInfo, message: str) -> None:
        self.problems.append(PluginProblem(info.name, info.version, message))

    @cached_property
    def pack_sources(self) -> list[PackSource]:
        return [
            PackSource(Path(path), info.name, info.version, info.builtin)
            for info, path in self._collect("qmslint_rule_packs")
        ]

    @cached_property
    def validation_sources(self) -> list[tuple[PluginInfo, Path]]:
        """(plugin, suite file) for every validation suite file the plugins declare."""
        return [(info, Path(path)) for info, path in self._collect("qmslint_validation_suites")]

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
        return [
            reader if info.builtin else GuardedReader(reader, info, self)
            for info, reader in self._collect("qmslint_readers")
        ]

    @cached_property
    def formatters(self) -> dict[str, Formatter]:
        return {
            formatter.name: formatter if info.builtin else GuardedFormatter(formatter, info)
            for info, formatter in self._collect("qmslint_formatters")
        }


def _kind(value: Any) -> str:
    return (
        f"{value!r:.60}"
        if isinstance(value, (int, float, str, type(None)))
        else type(value).__name__
    )


def _is_path(item: Any) -> bool:
    return isinstance(item, (str, os.PathLike))


def _is_kind(item: Any) -> bool:
    return isinstance(item, CheckKind)


def _is_reader(item: Any) -> bool:
    return isinstance(getattr(item, "name", None), str) and all(
        callable(getattr(item, method, None)) for method in ("matches", "read")
    )


def _is_formatter(item: Any) -> bool:
    return isinstance(getattr(item, "name", None), str) and callable(getattr(item, "render", None))


_ITEMS = {
    "qmslint_rule_packs": (_is_path, "a pack file path"),
    "qmslint_check_kinds": (_is_kind, "a CheckKind"),
    "qmslint_readers": (_is_reader, "a reader (name, matches, read)"),
    "qmslint_formatters": (_is_formatter, "a formatter (name, render)"),
    "qmslint_validation_suites": (_is_path, "a validation suite file path"),
}


def _arity(function: Any) -> int:
    """How many positional arguments a bound method takes (0 when it cannot be told)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return 0
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return 99
    return sum(1 for p in parameters if p.kind in kinds)


class GuardedReader:
    """A plugin's reader: when `matches` or `read` raises (or `read` returns no RawMetadata),
    the plugin is reported by name (exit 2) and the file gets a read problem; the run goes on."""

    def __init__(self, reader: Any, info: PluginInfo, host: Host) -> None:
        self.reader = reader
        self.info = info
        self.host = host
        self.name = reader.name
        self.failed: set[str] = set()
        self.takes_settings = _arity(getattr(reader, "read", None)) >= 3  # (path, data, settings)

    def _fail(self, method: str, exc: BaseException | str) -> str:
        text = exc if isinstance(exc, str) else repr(exc)
        if method not in self.failed:  # once per method, not once per file
            self.failed.add(method)
            self.host._problem(self.info, f"reader '{self.name}' {method}: {text}")
        return text

    def matches(self, path: str) -> bool:
        try:
            return bool(self.reader.matches(path))
        except (Exception, SystemExit) as exc:
            self._fail("matches", exc)
            return False

    def read(
        self, path: str, data: bytes, settings: ReadSettings = DEFAULT_SETTINGS
    ) -> RawMetadata:
        try:
            if self.takes_settings:
                raw = self.reader.read(path, data, settings)
            else:  # a reader written before `settings` existed
                raw = self.reader.read(path, data)
        except (Exception, SystemExit) as exc:
            raw = self._fail("read", exc)
        if not isinstance(raw, RawMetadata):
            text = raw if isinstance(raw, str) else f"returned {_kind(raw)}, not RawMetadata"
            if not isinstance(raw, str):
                self._fail("read", text)
            problem = f"plugin '{self.info.name}' reader '{self.name}' failed: {text}"
            return RawMetadata(problems=[ReadProblem("unreadable", problem)])
        return raw


class GuardedFormatter:
    """A plugin's formatter: a `render` that raises or returns no text is a one-line error
    naming the plugin (exit 2), never a traceback."""

    def __init__(self, formatter: Any, info: PluginInfo) -> None:
        self.formatter = formatter
        self.info = info
        self.name = formatter.name
        self.description = getattr(formatter, "description", "")

    def render(self, report: Any, presentation: Any) -> str:
        try:
            text = self.formatter.render(report, presentation)
        except (Exception, SystemExit) as exc:
            raise UserError(
                f"plugin '{self.info.name}' ({self.info.version}) failed: formatter "
                f"'{self.name}' render: {exc!r}"
            ) from None
        if not isinstance(text, str):
            raise UserError(
                f"plugin '{self.info.name}' ({self.info.version}) failed: formatter "
                f"'{self.name}' render returned {_kind(text)}, not text"
            )
        return text


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
        if ep.name in BUILTIN and ep.value != BUILTIN[ep.name]:  # `core` is qmslint's own
            host.problems.append(
                PluginProblem(
                    ep.name,
                    _version_of(ep),
                    f"the entry point name '{ep.name}' belongs to a built-in plugin; "
                    f"{ep.value} was not loaded (rename its entry point)",
                )
            )
            continue
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
    except (Exception, SystemExit) as exc:  # an import error, or sys.exit() at import
        host.problems.append(PluginProblem(name, version, repr(exc)))
        return
    host.plugins.append(PluginInfo(name, version, entry_point.value, builtin))


def _version_of(entry_point: EntryPoint) -> str:
    dist = getattr(entry_point, "dist", None)
    return dist.version if dist is not None else "unknown"
