"""The configuration: found upward from the start folder, validated against its JSON Schema.

`.qmslint.yaml` (or `.qmslint.yml`) or `[tool.qmslint]` in `pyproject.toml`, in the nearest folder
upward that has one, stopping at the git root. That folder is the repository root.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qmslint.errors import UserError
from qmslint.model import Position
from qmslint.read import validation
from qmslint.read.access import BINARY_SUFFIXES, SIDECAR_SUFFIXES
from qmslint.read.gitutil import git_root
from qmslint.support import patterns, safe_open
from qmslint.support.cache import Cache, digest

CONFIG_NAMES = (".qmslint.yaml", ".qmslint.yml")

DEFAULT_INCLUDE = (
    "**/*.md",
    "**/*.markdown",
    *(f"**/*{suffix}" for suffix in BINARY_SUFFIXES),
    *(f"**/*{sidecar}" for sidecar in SIDECAR_SUFFIXES),  # `X.docx.yaml` … `X.ods.yml`
)
DEFAULT_EXCLUDE = (
    "**/_templates/**",
    "**/templates/**",
    "**/template/**",
    "**/archive/**",
    "**/_archive/**",
    "**/node_modules/**",
    "**/README.md",
    "**/CHANGELOG.md",
    "**/CONTRIBUTING.md",
    "**/CODE_OF_CONDUCT.md",
    "**/SECURITY.md",
    "**/LICENSE*",
    "**/NOTICE*",
)


@dataclass
class Config:
    """Everything the run is set up with; command-line options override config values."""

    root: Path
    source: Path | None = None
    profiles: list[str] = field(default_factory=list)
    include: list[str] = field(default_factory=lambda: list(DEFAULT_INCLUDE))
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    include_given: bool = False  # `include:` written in the config (not the defaults)
    records: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    type_aliases: dict[str, str] = field(default_factory=dict)
    status_aliases: dict[str, str] = field(default_factory=dict)
    in_force: list[str] = field(default_factory=lambda: ["approved", "effective"])
    review_interval_months: int = 24
    id_pattern: str | None = None
    type_from_prefix: dict[str, str] = field(default_factory=dict)
    type_from_folder: dict[str, str] = field(default_factory=dict)
    mappings: bool = True
    mapping_documents: list[str] = field(default_factory=list)
    standard: str | None = None
    markets: list[str] = field(default_factory=list)
    devices: list[dict[str, Any]] = field(default_factory=list)
    device_positions: list[Position] = field(default_factory=list)
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_path_ignores: dict[str, list[str]] = field(default_factory=dict)
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str = "error"
    packs: list[str] = field(default_factory=list)
    waivers: list[dict[str, Any]] = field(default_factory=list)
    waiver_max_days: int | None = None  # how far ahead a waiver's expiry may lie
    baseline: str | None = None  # the baseline file (default .qmslint-baseline.yaml if present)
    positions: dict[tuple, Position] = field(default_factory=dict)  # of every key and item
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def source_name(self) -> str:
        if self.source is None:
            return "<defaults>"
        try:
            return self.source.relative_to(self.root).as_posix()
        except ValueError:
            return str(self.source)


def find_config(start: Path) -> tuple[Path, Path | None]:
    """(repository root, config file or None), searching upward and stopping at the git root."""
    start = start.resolve()
    top = git_root(start)
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            if _present(folder / name, folder):
                return folder, folder / name
        pyproject = folder / "pyproject.toml"
        if _present(pyproject, folder) and _has_tool_section(pyproject):
            return folder, pyproject
        if top is not None and folder == top:
            break
    return (top or start), None


def _present(path: Path, folder: Path) -> bool:
    """Whether a config file is there; one that is a directory, a FIFO, a device or a symlink
    out of its folder is an error, never silently passed over."""
    if not os.path.lexists(path):
        return False
    try:
        safe_open.check_regular(path, folder)
    except OSError as exc:
        raise UserError(f"cannot use the config: {exc.strerror}", where=str(path)) from None
    return True


def _has_tool_section(pyproject: Path) -> bool:
    try:
        raw = safe_open.read_regular(pyproject)
    except OSError:
        return False
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:  # ours if it says so: load() then names the bad byte
        return b"tool.qmslint" in raw
    tomllib = _tomllib()
    try:  # `[tool.qmslint]`, `[tool.qmslint.severity]` or dotted `tool.qmslint.x = …`
        tool = tomllib.loads(text).get("tool")
        return isinstance(tool, dict) and "qmslint" in tool
    except tomllib.TOMLDecodeError:
        return "tool.qmslint" in text  # broken TOML that means us: load() names the mistake


def _tomllib() -> Any:
    """The TOML parser, imported only where a pyproject.toml is read."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib


def load(start: Path, explicit: Path | None = None, cache: Cache | None = None) -> Config:
    """Find (or take) the config file, validate it and build the Config (a config found valid
    before, to the byte of its data, is not validated again when `cache` is given)."""
    if explicit is not None:
        if not os.path.exists(explicit):
            raise UserError(f"config file not found: {explicit}")
        try:
            safe_open.check_regular(explicit)
        except OSError as exc:
            raise UserError(f"cannot use the config: {exc.strerror}", where=str(explicit)) from None
        source: Path | None = explicit.resolve()
        root = find_config(start)[0]
    else:
        root, source = find_config(start)
    if source is None:
        return Config(root=root)
    data, positions = _read(source)
    where = str(source)
    _validate(data, where, positions, cache)
    if isinstance(data.get("id_pattern"), str):
        problem = patterns.check(data["id_pattern"])
        if problem is not None:
            position = positions.get(("id_pattern",), Position(1, 1))
            raise UserError(problem, where=f"{where}:{position.line}:{position.column}")
    return _build(root, source, data, positions)


def _validate(
    data: dict[str, Any], where: str, positions: dict[tuple, Position], cache: Cache | None
) -> None:
    """The config against its schema; with the cache, only data not found valid before. A valid
    config is remembered by a digest of its data and of the schema, so a pre-commit call does
    not import jsonschema (0.06 s of a 0.3 s run); an invalid one is never remembered, and is
    reported afresh on every run."""
    schema = "config.schema.json"
    if cache is None or not cache.enabled:
        validation.check(data, schema, where, positions)
        return
    canonical = json.dumps(validation.jsonable(data), sort_keys=True, default=repr)
    key = digest(canonical, json.dumps(validation.load_schema(schema), sort_keys=True))
    cache.cached("config", key, lambda: validation.check(data, schema, where, positions))


def _read(source: Path) -> tuple[dict[str, Any], dict[tuple, Position]]:
    try:
        raw = safe_open.read_regular(source)
    except OSError as exc:
        raise UserError(f"cannot read the config: {exc.strerror}", where=str(source)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(
            f"the config is not UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
            where=f"{source}:{line}",
        ) from None
    if source.name == "pyproject.toml":
        from qmslint.config import toml as tomlpos

        tomllib = _tomllib()
        try:
            data = tomllib.loads(text).get("tool", {}).get("qmslint", {})
        except tomllib.TOMLDecodeError as exc:
            at = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
            where = f"{source}:{at.group(1)}:{at.group(2)}" if at else str(source)
            message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
            raise UserError(f"invalid TOML: {message}", where=where) from None
        if not isinstance(data, dict):
            raise UserError("[tool.qmslint] must be a table of settings", where=str(source))
        return data, tomlpos.positions(text)
    loaded = validation.read_yaml_mapping(source, str(source), "config")
    if loaded is None:
        return {}, {}
    return loaded.value, loaded.positions


def _build(
    root: Path, source: Path, data: dict[str, Any], positions: dict[tuple, Position]
) -> Config:
    config = Config(root=root, source=source)
    plain = (
        "profiles",
        "records",
        "fields",
        "type_aliases",
        "status_aliases",
        "in_force",
        "review_interval_months",
        "id_pattern",
        "type_from_prefix",
        "type_from_folder",
        "mappings",
        "mapping_documents",
        "standard",
        "markets",
        "select",
        "extend_select",
        "ignore",
        "per_path_ignores",
        "severity",
        "fail_on",
        "packs",
        "waivers",
        "waiver_max_days",
        "baseline",
    )
    for key in plain:
        if key in data:
            setattr(config, key, data[key])
    if "include" in data:
        config.include = list(data["include"])
        config.include_given = True
    if "exclude" in data:
        config.exclude = list(data["exclude"])
    config.exclude += list(data.get("extend_exclude", []))
    config.include += list(data.get("extend_include", []))
    config.include += [pattern for pattern in config.records if pattern not in config.include]
    config.devices = list(data.get("devices", []))
    config.positions = positions
    config.device_positions = [
        positions.get(("devices", i), Position(1, 1)) for i in range(len(config.devices))
    ]
    return config
