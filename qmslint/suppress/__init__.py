"""After the checks: waivers, then the baseline, mark findings as suppressed; nothing is dropped.

The WV rules (`reports: {waivers: …}` in a pack) are this stage's own: it makes their findings
while it applies the waivers, and neither a waiver nor the baseline ever suppresses them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from qmslint.config import Config
from qmslint.index.repository import Repository
from qmslint.model import Finding
from qmslint.packs.rules import Rule
from qmslint.support import files, safe_open
from qmslint.suppress import baseline, waivers


def never_suppressed(rules: Mapping[str, Rule]) -> set[str]:
    """The rules whose findings no waiver and no baseline may suppress."""
    return {rule_id for rule_id, rule in rules.items() if rule.waiver_problem is not None}


def apply(
    findings: Sequence[Finding],
    repo: Repository,
    config: Config,
    known: Mapping[str, Rule],
    active: Mapping[str, Rule],
    today: dt.date,
    baseline_file: Path | None,
    use_baseline: bool = True,
) -> list[Finding]:
    """Waivers first (they carry a justification), then the baseline for what is left.

    `known`: every loaded rule (a waiver naming none is an error); `active`: this run's rules.
    """
    findings = waivers.apply(findings, repo, config, known, active, today)
    if use_baseline:
        path = baseline.locate(config, baseline_file, must_exist=True)
        if path is not None:
            inside = baseline_file is None or not safe_open.outside(path, config.root)
            root = config.root if inside else None  # `--baseline FILE` may name one elsewhere
            recorded = baseline.load(path, files.shown(path, config.root), root)
            baseline.apply(findings, recorded, never_suppressed(known))
    return findings
