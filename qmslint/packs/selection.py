"""`--select`, `--extend-select` and `--ignore` with ruff's semantics.

Each option holds rule ids or prefixes (`MDR`, `DC0`, `ISO101`; case does not matter). Options
come in layers, the config first and then the command line, each applied on top of the rules
chosen so far (at the start: the active profiles' rules):

- within a layer, for every rule the most specific (longest) matching entry of `select`,
  `extend_select` and `ignore` decides; on a tie `ignore` wins;
- a layer with `select` starts afresh: only what it selects (minus what it ignores) remains. So
  `--select DC012` on the command line runs DC012 even if the config ignores it, as in ruff;
- a layer without `select` adds what `extend_select` names and removes what `ignore` names.

`ALL` in `select` or `extend_select` means every rule of the active profiles; in `ignore` it
means every rule. A prefix may also select a rule of a loaded pack outside the active profiles.
An entry that matches no rule is a mistake, reported with a "did you mean".

`Selection` is the one object that decides, for a rule and a path, whether it runs, whether its
findings there are kept (`per_path_ignores`) and at which severity (the config's `severity:`), as
flake8's `DecisionEngine` does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from qmslint.errors import UserError
from qmslint.model import Severity
from qmslint.packs.rules import Rule, did_you_mean, with_severity
from qmslint.read.globs import matches_any

ALL = "ALL"


@dataclass
class Layer:
    """One layer of options; `where` names it in errors (empty: the command line)."""

    select: Sequence[str] | None
    extend_select: Sequence[str]
    ignore: Sequence[str]
    where: str = ""


@dataclass
class Selection:
    """Which rules run, where their findings count, and at which severity."""

    layers: Sequence[Layer]
    per_path_ignores: Mapping[str, Sequence[str]] = field(default_factory=dict)
    severities: Mapping[str, str] = field(default_factory=dict)  # rule id -> level or "off"
    where: str = ""  # the config file, for errors

    def rules(self, chosen: Mapping[str, Rule], known: Mapping[str, Rule]) -> dict[str, Rule]:
        """The rules of the run, sorted by id: `chosen` (the active profiles' rules) after
        select/ignore and severities; `known` is every loaded rule."""
        rules = resolve(self.layers, chosen, known)
        for pattern, prefixes in self.per_path_ignores.items():
            check_entries(f"per_path_ignores {pattern!r}", prefixes, known, self.where)
        for rule_id, level in self.severities.items():
            if rule_id not in known:
                raise UserError(
                    f"severity names unknown rule {rule_id}" + did_you_mean(rule_id, known),
                    where=f"{self.where}: severity",
                )
            if level == "off":
                rules.pop(rule_id, None)
            elif rule_id in rules:
                rules[rule_id] = with_severity(rules[rule_id], Severity(level))
        return dict(sorted(rules.items()))

    def ignored_at(self, rule_id: str, path: str | None) -> bool:
        """Whether `per_path_ignores` drops this rule's findings at `path`."""
        if path is None:
            return False
        return any(
            matches_any(path, [pattern])
            and any(p.upper() == ALL or rule_id.startswith(p.upper()) for p in prefixes)
            for pattern, prefixes in self.per_path_ignores.items()
        )


def resolve(
    layers: Sequence[Layer], chosen: Mapping[str, Rule], known: Mapping[str, Rule]
) -> dict[str, Rule]:
    enabled = set(chosen)
    for layer in layers:
        select = _normal(layer.select) if layer.select is not None else None
        extend, ignore = _normal(layer.extend_select), _normal(layer.ignore)
        for option, entries in (("select", select), ("extend-select", extend), ("ignore", ignore)):
            label = option.replace("-", "_") if layer.where else f"--{option}"
            check_entries(label, entries or (), known, layer.where)
        updates: dict[str, bool] = {}
        for rule_id in known:
            in_profile = rule_id in chosen
            selected = max(
                _longest(rule_id, select or (), in_profile), _longest(rule_id, extend, in_profile)
            )
            ignored = _longest(rule_id, ignore, True)
            if selected >= 0 or ignored >= 0:
                updates[rule_id] = selected > ignored
        if select is not None:
            enabled = {rule_id for rule_id, on in updates.items() if on}
        else:
            for rule_id, on in updates.items():
                (enabled.add if on else enabled.discard)(rule_id)
    return {rule_id: chosen.get(rule_id, known[rule_id]) for rule_id in known if rule_id in enabled}


def check_entries(
    label: str, entries: Iterable[str], known: Mapping[str, Rule], where: str = ""
) -> None:
    """Every entry must be `ALL` or a prefix of some rule id; `label` names the option."""
    for entry in _normal(entries):
        if entry != ALL and not any(rule_id.startswith(entry) for rule_id in known):
            raise UserError(
                f"{label}: {entry}: no rule id starts with '{entry}'"
                + did_you_mean(entry, _candidates(known)),
                where=where or None,
                hint="`qmslint rules` lists them",
            )


def _normal(entries: Iterable[str]) -> list[str]:
    return [entry.strip().upper() for entry in entries if entry.strip()]


def _candidates(known: Iterable[str]) -> list[str]:
    """Rule ids and their letter prefixes (`MDR`, `DC`), for "did you mean"."""
    ids = list(known)
    prefixes = {match.group() for rule_id in ids if (match := re.match(r"[A-Z]+", rule_id))}
    return [*sorted(prefixes), *ids]


def _longest(rule_id: str, entries: Sequence[str], all_matches: bool) -> int:
    """Length of the longest entry that is a prefix of the rule id (`ALL` counts as 0), or -1."""
    best = -1
    for entry in entries:
        if entry == ALL:
            if all_matches:
                best = max(best, 0)
        elif rule_id.startswith(entry):
            best = max(best, len(entry))
    return best
