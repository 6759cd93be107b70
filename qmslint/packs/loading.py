"""Finding and loading rule packs: built-in, installed distributions and local folders.

Every pack, wherever it comes from, is one YAML file in the format of schemas/rule-pack.schema.json
and goes through the same `rules.load_pack`; only where it is found differs:

- built-in packs and installed distributions contribute files through the `qmslint_rule_packs`
  hook of a plugin registered in the `qmslint` entry-point group;
- a company keeps a local folder of pack files and names it in the config (`packs: [./qms-rules]`).

A broken pack, a rule id or profile defined twice, or a profile naming an unknown rule stops the
run (exit 2) with `file:line:col`; nothing is silently skipped. `validate` checks one pack without
running it (`qmslint validate-pack PATH`) and lists every schema error, not just the first.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qmslint import clauses as clause_ids
from qmslint.config import Config
from qmslint.errors import UserError
from qmslint.packs import codec
from qmslint.packs.rules import Pack, RuleSet, load_pack
from qmslint.read import validation, yamlsafe
from qmslint.support import files, safe_open
from qmslint.support.cache import Cache, digest

BUILTIN, PLUGIN, LOCAL = "built-in", "plugin", "local"
NO_VERSION = "(no version: its distribution's, or a content hash for a local folder)"


@dataclass(frozen=True)
class PackSource:
    """A pack file a plugin contributes (the `qmslint_rule_packs` hook), with its plugin."""

    path: Path
    plugin: str
    version: str
    builtin: bool


def load_ruleset(
    sources: Iterable[PackSource],
    config: Config | None,
    schemas: Mapping[str, dict[str, Any] | None],
    catalogues: clause_ids.Catalogues,
    cache: Cache,
    skip: Iterable[Path] = (),
    skip_names: Iterable[str] = (),
    check: bool = True,
) -> RuleSet:
    """Every pack the plugins contribute, then the config's local folders, checked together.

    `skip` and `skip_names` leave out pack files by path and packs by name: `validate-pack`
    checks a pack in place of an installed (perhaps older) copy of itself.
    """
    skipped = {path.resolve() for path in skip}
    names = set(skip_names)
    ruleset = RuleSet()
    seen: dict[str, str] = {}
    for source in sources:
        path = source.path
        if path.resolve() in skipped:
            continue
        origin = BUILTIN if source.builtin else PLUGIN
        display = f"{source.plugin}:{path.name}" if source.builtin else str(path)
        try:
            pack = _load(path, schemas, catalogues, source.version, display, cache, source.builtin)
        except UserError as exc:
            if source.builtin:
                raise
            raise UserError(
                exc.message, where=exc.where, hint=f"in plugin '{source.plugin}' {source.version}"
            ) from None
        if pack.name not in names:
            _add(ruleset, pack, origin, display, seen)
    for folder in config.packs if config is not None else ():
        for path in local_pack_files(config.root, folder):
            if path.resolve() in skipped:
                continue
            display = files.shown(path, config.root)
            pack = _load(path, schemas, catalogues, local_version(path), display, cache)
            if pack.name not in names:
                _add(ruleset, pack, LOCAL, display, seen)
    if check:
        ruleset.check_profiles()
    return ruleset


def _add(ruleset: RuleSet, pack: Pack, origin: str, display: str, seen: dict[str, str]) -> None:
    if pack.name in seen:
        raise UserError(
            f"rule pack '{pack.name}' is loaded twice (also from {seen[pack.name]})",
            where=display,
            hint="a pack installed with pip and also named under `packs:`?",
        )
    seen[pack.name] = display
    pack.origin = origin
    ruleset.add(pack)


def _load(
    path: Path,
    schemas: Mapping[str, dict[str, Any] | None],
    catalogues: clause_ids.Catalogues,
    version: str | None,
    display: str,
    cache: Cache,
    trusted: bool = False,
) -> Pack:
    """Load a pack, from the cache when neither the file nor the check kinds changed
    (`trusted`: one qmslint ships, see `rules.load_pack`)."""
    try:
        content = safe_open.read_regular(path)
    except OSError as exc:
        raise UserError(f"cannot read rule pack: {exc.strerror}", where=display) from None
    if not cache.enabled:
        return load_pack(path, schemas, catalogues, version, display, trusted)
    key = digest(content, str(path), display, version or "", repr(sorted(schemas.items())))
    return cache.cached(
        "packs",
        key,
        lambda: load_pack(path, schemas, catalogues, version, display, trusted),
        codec.PACK,
    )


def local_pack_files(root: Path, folder: str) -> list[Path]:
    """The pack files of a `packs:` entry: a YAML file, or every .yaml/.yml in a folder."""
    given = root / folder
    if not os.path.lexists(given):
        raise UserError(f"rule pack folder '{folder}' does not exist", where="config: packs")
    # A folder written inside the repository must stay there (a symlink out is refused); one
    # the config names elsewhere (an absolute path) is the config's choice, and its files must
    # stay inside it.
    inside = os.path.normpath(os.path.abspath(given)).startswith(
        os.path.abspath(root).rstrip(os.sep) + os.sep
    )
    if inside and safe_open.outside(given, root):
        raise UserError(
            f"rule pack folder '{folder}' is a symlink out of the repository; it is not read",
            where="config: packs",
        )
    path = given.resolve()
    if not path.is_dir():
        _regular_pack(path, root if inside else None, f"rule pack '{folder}'")
        return [path]
    found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
    if not found:
        raise UserError(f"rule pack folder '{folder}' holds no .yaml pack", where="config: packs")
    for file in found:
        _regular_pack(file, root if inside else path, f"rule pack {files.shown(file, root)}")
    return found


def _regular_pack(path: Path, root: Path | None, what: str) -> None:
    """A pack file must be a regular file (inside `root`): never a FIFO, device or link out."""
    try:
        safe_open.check_regular(path, root)
    except OSError as exc:
        raise UserError(f"{what}: {exc.strerror}", where="config: packs") from None


def local_version(path: Path) -> str:
    """A local pack without `version:` is named by its content, so a report says which rules ran."""
    try:
        digest = hashlib.sha256(safe_open.read_regular(path)).hexdigest()
    except OSError:
        return "0"
    return f"0+sha256.{digest[:12]}"


def unclaimed_rules(ruleset: RuleSet) -> list[str]:
    """Rules of non-built-in packs that no profile names: they run with every profile.

    A company pack may just add rules without a profile of its own; those rules must not be
    dropped silently because the user chose `mdr` (a long-standing complaint about profiles).
    """
    claimed: set[str] = set()
    for profile in ruleset.profiles.values():
        claimed.update(profile.rules)
        claimed.update(profile.overrides)
    return sorted(
        rule.id
        for pack in ruleset.packs
        if getattr(pack, "origin", BUILTIN) != BUILTIN
        for rule in pack.rules
        if rule.id not in claimed
    )


# ----------------------------------------------------------------------------- validate-pack


@dataclass
class Validation:
    """What `validate-pack` found: errors (exit 2) and notes, each `file:line:col: message`."""

    packs: list[Pack] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def validate(
    target: Path,
    sources: Iterable[PackSource],
    config: Config | None,
    schemas: Mapping[str, dict[str, Any] | None],
    catalogues: clause_ids.Catalogues,
    cache: Cache,
) -> Validation:
    """Check the pack file(s) at `target` as `check` would load them, without running a rule.

    The pack is checked together with the packs already installed (so that `extends: [mdr]` and
    overrides of built-in rules resolve, and id clashes show), leaving out the files being
    validated in case the pack is itself installed or named in the config.
    """
    result = Validation()
    files = _target_files(target)
    for path in files:
        result.errors += schema_errors(path)
    if result.errors:
        return result
    try:
        for path in files:
            pack = load_pack(path, schemas, catalogues, version=NO_VERSION, display=str(path))
            result.packs.append(pack)
        names = [pack.name for pack in result.packs]
        ruleset = load_ruleset(
            sources, config, schemas, catalogues, cache, skip=files, skip_names=names, check=False
        )
        seen = {pack.name: str(pack.path) for pack in ruleset.packs}
        for pack in result.packs:
            _add(ruleset, pack, LOCAL, str(pack.path), seen)
        ruleset.check_profiles()
    except UserError as exc:
        result.errors.append(str(exc))
        return result
    free = set(unclaimed_rules(ruleset))
    for pack in result.packs:
        for rule in pack.rules:
            if rule.id in free:
                result.notes.append(
                    f"{rule.source}: note: rule {rule.id} is in no profile, so it runs with "
                    "every profile; list it in a profile's `rules:` to make it opt-in"
                )
    return result


def _target_files(target: Path) -> list[Path]:
    if not os.path.lexists(target):
        raise UserError(f"rule pack '{target}' does not exist")
    if target.is_dir():
        files = sorted([*target.glob("*.yaml"), *target.glob("*.yml")])
        if not files:
            raise UserError(f"'{target}' holds no .yaml rule pack")
        for file in files:  # a file of the folder stays inside it: no FIFO, device or link out
            _regular_pack(file, target, f"rule pack {file}")
        return files
    _regular_pack(target, None, f"rule pack {target}")
    return [target]


def schema_errors(path: Path) -> list[str]:
    """Every schema error of one pack file as `file:line:col: message` (YAML errors included)."""
    where = str(path)
    try:
        text = safe_open.read_regular(path).decode("utf-8-sig").replace("\r\n", "\n")
    except OSError as exc:
        return [f"{where}: cannot read rule pack: {exc.strerror}"]
    except UnicodeDecodeError:
        return [f"{where}: cannot read rule pack: it is not UTF-8"]
    try:
        loaded = yamlsafe.load(text)
    except yamlsafe.YamlProblem as problem:
        return [f"{where}:{problem.position.line}:{problem.position.column}: {problem.message}"]
    if loaded is None or not isinstance(loaded.value, dict):
        return [f"{where}:1:1: a rule pack must be a mapping with 'pack' and 'rules'"]
    found = validation.errors(loaded.value, "rule-pack.schema.json", loaded.positions)
    return [
        f"{where}:{position.line}:{position.column}: {message}"
        if position
        else f"{where}: {message}"
        for position, message in found
    ]
