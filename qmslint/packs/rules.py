"""Rules and profiles as data: loading rule packs, validating them, resolving profiles.

A pack is one YAML file (schemas/rule-pack.schema.json) holding rules and profiles. A profile is a
named set of rules that extends other profiles and may change severities or switch rules off; it is
resolved by a small function in the way of ansible-lint's profiles and yamllint's `extends`.
Every mistake in a pack is a UserError naming `file:line:col`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qmslint import clauses as clause_ids
from qmslint.errors import UserError
from qmslint.model import Finding, Position, Severity
from qmslint.packs import templates
from qmslint.read import validation
from qmslint.support import patterns


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: Severity
    references: tuple[str, ...]
    explanation: str
    fix: str
    check: Mapping[str, Any]  # empty for a rule that `reports` instead
    when: Mapping[str, Any] | None
    pack: str
    source: str  # file:line where the rule is written
    unverified: bool = False
    tags: tuple[str, ...] = ()
    reports: Mapping[str, str] | None = None  # `{waivers: expired}`: made by the suppress stage
    fixable: str | None = None  # the fix `qmslint check --fix` applies (`clause-ids` …)

    @property
    def kind(self) -> str | None:
        """The check kind that runs this rule; None for a rule the suppress stage reports."""
        return self.check.get("kind")

    @property
    def options(self) -> dict[str, Any]:
        return {key: value for key, value in self.check.items() if key != "kind"}

    @property
    def waiver_problem(self) -> str | None:
        """What is wrong with a waiver that this rule reports (`expired`, `unused` …), if any."""
        return (self.reports or {}).get("waivers")

    def finding(
        self,
        message: str,
        *,
        path: str | None = None,
        position: Position | None = None,
        document: str | None = None,
        key: str = "",
        severity: Severity | None = None,
    ) -> Finding:
        """The one way a finding of this rule is made: its id, severity and references."""
        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            message=message,
            path=path,
            position=position,
            document=document,
            references=self.references,
            key=key,
        )


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    description: str
    extends: tuple[str, ...]
    rules: tuple[str, ...]
    overrides: Mapping[str, str]
    pack: str
    source: str


@dataclass
class Pack:
    name: str
    version: str
    path: Path
    description: str = ""
    rules: list[Rule] = field(default_factory=list)
    profiles: list[Profile] = field(default_factory=list)
    origin: str = "built-in"  # or "plugin" (an installed distribution) or "local" (config folder)


@dataclass
class RuleSet:
    """Everything the loaded packs define, checked for clashes."""

    packs: list[Pack] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)
    _membership: tuple[int, dict[str, list[str]]] | None = field(default=None, repr=False)

    def add(self, pack: Pack) -> None:
        for rule in pack.rules:
            if rule.id in self.rules:
                raise UserError(
                    f"rule id {rule.id} is defined twice (also at {self.rules[rule.id].source})",
                    where=rule.source,
                )
            self.rules[rule.id] = rule
        for profile in pack.profiles:
            if profile.name in self.profiles:
                raise UserError(
                    f"profile '{profile.name}' is defined twice "
                    f"(also at {self.profiles[profile.name].source})",
                    where=profile.source,
                )
            self.profiles[profile.name] = profile
        self.packs.append(pack)

    def check_profiles(self) -> None:
        """Every profile's rules, overrides and parents exist (run once all packs are in)."""
        for profile in self.profiles.values():
            for name in profile.extends:
                if name not in self.profiles:
                    raise UserError(
                        f"profile '{profile.name}' extends unknown profile '{name}'"
                        + did_you_mean(name, self.profiles),
                        where=profile.source,
                    )
            for rule_id in (*profile.rules, *profile.overrides):
                if rule_id not in self.rules:
                    raise UserError(
                        f"profile '{profile.name}' names unknown rule {rule_id}"
                        + did_you_mean(rule_id, self.rules),
                        where=profile.source,
                    )
            self.resolve([profile.name])  # raises on cycles

    def resolve(self, names: Sequence[str]) -> dict[str, Rule]:
        """The rules of the given profiles with their effective severities.

        Parents are resolved first, then the profile's own rules, then its overrides, so an
        override is inherited by every profile that extends it. When several profiles are
        active the strictest severity of a rule wins.
        """
        result: dict[str, Rule] = {}
        for name in names:
            for rule_id, severity in self._resolve_one(name, ()).items():
                rule = self.rules[rule_id]
                current = result.get(rule_id)
                if current is None or severity.rank > current.severity.rank:
                    result[rule_id] = with_severity(rule, severity)
        return dict(sorted(result.items()))

    def _resolve_one(self, name: str, stack: tuple[str, ...]) -> dict[str, Severity]:
        if name not in self.profiles:
            raise UserError(f"unknown profile '{name}'" + did_you_mean(name, self.profiles))
        if name in stack:
            chain = " -> ".join((*stack, name))
            raise UserError(f"profiles extend each other in a circle: {chain}")
        profile = self.profiles[name]
        chosen: dict[str, Severity] = {}
        for parent in profile.extends:
            chosen.update(self._resolve_one(parent, (*stack, name)))
        for rule_id in profile.rules:
            chosen.setdefault(rule_id, self.rules[rule_id].severity)
        for rule_id, level in profile.overrides.items():
            if level == "off":
                chosen.pop(rule_id, None)
            else:
                chosen[rule_id] = Severity(level)
        return chosen

    def profiles_of(self, rule_id: str) -> list[str]:
        """Profiles that (through extends) include the rule: used by `explain`, statistics and
        the rule reference. Each profile is resolved once, not once per rule asked about."""
        if self._membership is None or self._membership[0] != len(self.packs):
            members: dict[str, list[str]] = {}
            for name in sorted(self.profiles):
                for member in self._resolve_one(name, ()):
                    members.setdefault(member, []).append(name)
            self._membership = (len(self.packs), members)
        return list(self._membership[1].get(rule_id, ()))


def with_severity(rule: Rule, severity: Severity) -> Rule:
    """The rule at another severity (a profile's override, the config's `severity:`)."""
    if rule.severity is severity:
        return rule
    return Rule(**{**rule.__dict__, "severity": severity})


def did_you_mean(name: str, known: Iterable[str], n: int = 1) -> str:
    """`; did you mean 'X'?`, or with `n` > 1 up to n close names (those that start with
    `name` first: `MDR01` suggests MDR010, MDR011 …)."""
    known = sorted(known)
    starting = [k for k in known if name and k.startswith(name) and k != name] if n > 1 else []
    close = difflib.get_close_matches(name, known, n=n, cutoff=0.6 if n == 1 else 0.5)
    chosen = list(dict.fromkeys([*starting, *close]))[:n]
    if not chosen:
        return ""
    if len(chosen) == 1:
        return f"; did you mean '{chosen[0]}'?"
    return f"; did you mean one of {', '.join(chosen)}?"


# ----------------------------------------------------------------------------- loading


def load_pack(
    path: Path,
    check_schemas: Mapping[str, dict[str, Any] | None],
    catalogues: clause_ids.Catalogues,
    version: str | None = None,
    display: str | None = None,
    trusted: bool = False,
) -> Pack:
    """Load and validate one pack file; `check_schemas` maps check kinds to option schemas.

    `trusted`: a pack qmslint ships, which the test suite validates against the schemas
    (`session.builtin_ruleset`), is not validated against them again in every run; every
    other check still runs."""
    where = display or str(path)
    loaded = validation.read_yaml_mapping(path, where, "rule pack")
    if loaded is None:
        raise UserError(
            "a rule pack must be a mapping with 'pack' and 'rules'", where=f"{where}:1:1"
        )
    data, positions = loaded.value, loaded.positions
    if not trusted:
        validation.check(data, "rule-pack.schema.json", where, positions)

    def at(*path_: Any) -> str:
        position = positions.get(path_, Position(1, 1))
        return f"{where}:{position.line}:{position.column}"

    pack = Pack(
        name=data["pack"],
        version=str(data.get("version") or version or "0"),
        path=path,
        description=data.get("description", ""),
    )
    for index, entry in enumerate(data["rules"]):
        kind = entry["check"]["kind"] if "check" in entry else None
        if kind is not None and kind not in check_schemas:
            raise UserError(
                f"rule {entry['id']} uses unknown check kind '{kind}'"
                + did_you_mean(kind, check_schemas),
                where=at("rules", index, "check", "kind"),
            )
        if kind is not None:
            if not trusted:
                _check_options(entry, check_schemas[kind], positions, index, where)
            _check_patterns_and_templates(entry, positions, index, where)
        for ref_index, reference in enumerate(entry["references"]):
            clause = clause_ids.parse(reference)
            if not catalogues.known(clause):
                raise UserError(
                    f"rule {entry['id']} cites {reference}, which is not in qmslint's "
                    f"{clause.framework} catalogue",
                    where=at("rules", index, "references", ref_index),
                )
        pack.rules.append(
            Rule(
                id=entry["id"],
                title=entry["title"],
                severity=Severity(entry["severity"]),
                references=tuple(entry["references"]),
                explanation=" ".join(entry["explanation"].split()),
                fix=" ".join(entry["fix"].split()),
                check=entry.get("check", {}),
                when=entry.get("when"),
                pack=pack.name,
                source=at("rules", index),
                unverified=bool(entry.get("unverified", False)),
                tags=tuple(entry.get("tags", ())),
                reports=entry.get("reports"),
                fixable=entry.get("fixable"),
            )
        )
    for index, entry in enumerate(data.get("profiles", [])):
        pack.profiles.append(
            Profile(
                name=entry["name"],
                title=entry["title"],
                description=" ".join(entry.get("description", "").split()),
                extends=tuple(entry.get("extends", ())),
                rules=tuple(entry.get("rules", ())),
                overrides=dict(entry.get("overrides", {})),
                pack=pack.name,
                source=at("profiles", index),
            )
        )
    return pack


PATTERN_OPTIONS = ("pattern", "id_pattern", "title_pattern")  # compiled with RE2 at load
TEMPLATE_OPTIONS = ("message",)  # message templates (packs/templates.py)


def _check_patterns_and_templates(
    entry: dict[str, Any], positions: dict[tuple, Position], index: int, where: str
) -> None:
    """Every pattern compiles under RE2 and every message template is safe, or a UserError."""

    def walk(value: Any, path: tuple) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                problem = None
                if isinstance(item, str) and key in PATTERN_OPTIONS:
                    problem = patterns.check(item)
                elif isinstance(item, str) and key in TEMPLATE_OPTIONS:
                    problem = templates.check(item)
                if problem is not None:
                    full = ("rules", index, "check", *path, key)
                    position = positions.get(full) or positions.get(full[:-1]) or Position(1, 1)
                    raise UserError(
                        f"rule {entry['id']}: {problem}",
                        where=f"{where}:{position.line}:{position.column}",
                    )
                walk(item, (*path, key))
        elif isinstance(value, list):
            for number, item in enumerate(value):
                walk(item, (*path, number))

    walk({k: v for k, v in entry["check"].items() if k != "kind"}, ())


def _check_options(
    entry: dict[str, Any],
    schema: dict[str, Any] | None,
    positions: dict[tuple, Position],
    index: int,
    where: str,
) -> None:
    if schema is None:
        return
    options = {key: value for key, value in entry["check"].items() if key != "kind"}
    validator = validation.validator_for_schema(schema)
    for error in sorted(validator.iter_errors(validation.jsonable(options)), key=str):
        path = ("rules", index, "check", *error.absolute_path)
        position = next(
            (
                positions[path[:size]]
                for size in range(len(path), 0, -1)
                if path[:size] in positions
            ),
            Position(1, 1),
        )
        key = ".".join(str(part) for part in error.absolute_path) or "check"
        raise UserError(
            f"rule {entry['id']}: check option {key}: {error.message}",
            where=f"{where}:{position.line}:{position.column}",
        )
