"""`--select`, `--extend-select` and `--ignore` with ruff's semantics.

Each option holds rule ids or prefixes (`MDR`, `DC0`, `ISO101`). For every rule the most
specific (longest) matching entry decides; on a tie `ignore` wins. Without `--select`, the rules of
the active profiles are selected. An entry that matches no rule is a mistake, reported with a
"did you mean".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qmslint.errors import UserError
from qmslint.rules import Rule, did_you_mean

ALL = "ALL"


@dataclass
class Selection:
    select: Sequence[str] | None
    extend_select: Sequence[str]
    ignore: Sequence[str]

    def apply(self, chosen: Mapping[str, Rule], known: Mapping[str, Rule]) -> dict[str, Rule]:
        """`chosen`: the active profiles' rules; `known`: every loaded rule."""
        for option, entries in (
            ("--select", self.select or ()),
            ("--extend-select", self.extend_select),
            ("--ignore", self.ignore),
        ):
            for entry in entries:
                if entry != ALL and not any(rule_id.startswith(entry) for rule_id in known):
                    raise UserError(
                        f"{option} {entry}: no rule id starts with '{entry}'"
                        + did_you_mean(entry, known),
                        hint="`qmslint rules` lists them",
                    )
        result: dict[str, Rule] = {}
        for rule_id, rule in known.items():
            in_profile = rule_id in chosen
            selected = (
                _longest(rule_id, self.select)
                if self.select is not None
                else (0 if in_profile else -1)
            )
            selected = max(selected, _longest(rule_id, self.extend_select))
            if selected < 0 or _longest(rule_id, self.ignore) >= selected:
                continue
            if self.select is not None and not in_profile and selected == 0:
                continue  # `ALL` means all rules of the active profiles
            result[rule_id] = chosen.get(rule_id, rule)
        return result


def _longest(rule_id: str, entries: Sequence[str]) -> int:
    """Length of the longest entry that is a prefix of the rule id (`ALL` counts as 0), or -1."""
    best = -1
    for entry in entries:
        if entry == ALL:
            best = max(best, 0)
        elif rule_id.startswith(entry):
            best = max(best, len(entry))
    return best
