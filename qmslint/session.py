"""Run setup, the same for every verb: plugins, config, check kinds and rule packs.

Everything that is loaded before a single document is read. `check`, `baseline`, `rules`,
`explain`, `profiles`, `validate-pack`, `--version` and the generated rule reference all start
here, so that they load packs, schemas and catalogues the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from qmslint import clauses as clause_ids
from qmslint import config as config_module
from qmslint.checks.kind import CheckKind
from qmslint.index.repository import IndexSettings
from qmslint.packs import loading
from qmslint.packs.rules import RuleSet, load_pack
from qmslint.plugins import host as plugins
from qmslint.read import names
from qmslint.read.fields import Spellings
from qmslint.read.readers import ReadSettings
from qmslint.support.cache import Cache


@dataclass
class Session:
    """Plugins, config and rule packs: everything loaded before a single document is read."""

    host: plugins.Host
    config: config_module.Config
    ruleset: RuleSet
    catalogues: clause_ids.Catalogues
    cache: Cache

    @property
    def kinds(self) -> dict[str, CheckKind]:
        return self.host.check_kinds

    @property
    def problems(self) -> list[plugins.PluginProblem]:
        return self.host.problems

    @cached_property
    def spellings(self) -> Spellings:
        """The repository's spellings, built once (reading and the index both use them)."""
        config = self.config
        return Spellings.of(config.fields, config.type_aliases, config.status_aliases)

    def read_settings(self) -> ReadSettings:
        config = self.config
        folders = {
            key.strip("/").removesuffix("/**"): kind
            for key, kind in config.type_from_folder.items()
        }
        return ReadSettings(
            spellings=self.spellings,
            id_pattern=config.id_pattern or names.DEFAULT_ID_PATTERN,
            type_from_prefix={**names.DEFAULT_PREFIX_TYPES, **config.type_from_prefix},
            type_from_folder={**names.DEFAULT_FOLDER_TYPES, **folders},
            standard=config.standard,
            mappings=config.mappings,
        )

    def index_settings(self) -> IndexSettings:
        config = self.config
        return IndexSettings(
            in_force=tuple(config.in_force),
            standard=config.standard,
            markets=tuple(config.markets),
            devices=tuple(config.devices),
            device_positions=tuple(config.device_positions),
            config_name=config.source_name,
            spellings=self.spellings,
            id_pattern=config.id_pattern or names.DEFAULT_ID_PATTERN,
            mapping_documents=tuple(config.mapping_documents),
        )


def open_session(
    start: Path, config_file: Path | None = None, *, use_cache: bool = True
) -> Session:
    host = plugins.load()
    cache = Cache(use_cache)
    config = config_module.load(start, config_file, cache)
    catalogues = clause_ids.shipped()
    ruleset = loading.load_ruleset(
        host.pack_sources, config, host.option_schemas, catalogues, cache
    )
    return Session(host, config, ruleset, catalogues, cache)


def validate_pack(target: Path, start: Path, config_file: Path | None = None) -> loading.Validation:
    """`validate-pack`: the pack at `target` checked with the same setup as a run."""
    host = plugins.load()
    config = config_module.load(start, config_file)
    result = loading.validate(
        target, host.pack_sources, config, host.option_schemas, clause_ids.shipped(), Cache(False)
    )
    result.errors[:0] = [str(problem) for problem in host.problems]
    return result


def builtin_ruleset() -> RuleSet:
    """The built-in packs only, loaded without the cache and checked as a whole."""
    host = plugins.load()
    catalogues = clause_ids.shipped()
    ruleset = RuleSet()
    for source in host.pack_sources:
        if source.builtin:
            display = f"{source.plugin}:{source.path.name}"
            pack = load_pack(source.path, host.option_schemas, catalogues, source.version, display)
            ruleset.add(pack)
    ruleset.check_profiles()
    return ruleset
