"""One run, in one direction: config → packs → profiles → index → rules → findings.

The CLI only wires options into `Session` and `run`; formatters only see the `Report`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qmslint import __version__, baseline, files, packs, plugins, waivers
from qmslint import clauses as clause_ids
from qmslint import config as config_module
from qmslint.checks import CheckContext, CheckKind, Shared, evaluate
from qmslint.discovery import discover, is_selected
from qmslint.errors import UserError
from qmslint.formatters import Component, Report
from qmslint.formatters.anchor import repository_anchor
from qmslint.globs import matches_any
from qmslint.model import Finding, Severity
from qmslint.repository import Repository, build
from qmslint.rules import Rule, RuleSet, did_you_mean
from qmslint.selection import Selection, check_entries, resolve

DEFAULT_PROFILES = ("iso13485",)


@dataclass
class Session:
    """Plugins, config and rule packs: everything loaded before a single document is read."""

    host: plugins.Host
    config: config_module.Config
    ruleset: RuleSet
    kinds: dict[str, CheckKind]

    @property
    def problems(self) -> list[plugins.PluginProblem]:
        return self.host.problems


def open_session(start: Path, config_file: Path | None = None) -> Session:
    host = plugins.load()
    config = config_module.load(start, config_file)
    kinds = host.check_kinds()
    schemas = {name: kind.options_schema for name, kind in kinds.items()}
    ruleset = packs.load_ruleset(host, config, schemas, clause_ids.shipped())
    return Session(host, config, ruleset, kinds)


@dataclass
class RunOptions:
    paths: Sequence[str] = ()
    profiles: Sequence[str] = ()
    select: Sequence[str] | None = None
    extend_select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    today: dt.date | None = None
    statistics: bool = False
    no_suppressions: bool = False  # audit mode: waivers and baseline are ignored
    baseline: Path | None = None  # `--baseline FILE`; else the config's, else the default file
    use_baseline: bool = True  # `qmslint baseline` records findings without the old baseline


@dataclass
class Outcome:
    report: Report
    repository: Repository
    rules: dict[str, Rule]
    errors: list[str] = field(default_factory=list)  # plugin failures: exit 2


def active_rules(session: Session, options: RunOptions) -> tuple[list[str], dict[str, Rule]]:
    """The profiles in use and their rules after severities, select and ignore."""
    config = session.config
    profiles = list(options.profiles or config.profiles or DEFAULT_PROFILES)
    for name in profiles:
        if name not in session.ruleset.profiles:
            raise UserError(
                f"unknown profile '{name}'" + did_you_mean(name, session.ruleset.profiles),
                hint="`qmslint profiles` lists them",
            )
    chosen = session.ruleset.resolve(profiles)
    for rule_id in packs.unclaimed_rules(session.ruleset):  # a company pack's profile-less rules
        chosen.setdefault(rule_id, session.ruleset.rules[rule_id])
    known = session.ruleset.rules
    layers = [  # as in ruff: the command line's options apply on top of the config's
        Selection(config.select, config.extend_select, config.ignore, where=config.source_name),
        Selection(options.select, options.extend_select, options.ignore),
    ]
    rules = resolve(layers, chosen, known)
    for pattern, prefixes in config.per_path_ignores.items():
        check_entries(f"per_path_ignores {pattern!r}", prefixes, known, config.source_name)
    for rule_id, level in config.severity.items():
        if rule_id not in session.ruleset.rules:
            raise UserError(
                f"severity names unknown rule {rule_id}"
                + did_you_mean(rule_id, session.ruleset.rules),
                where=f"{config.source_name}: severity",
            )
        if level == "off":
            rules.pop(rule_id, None)
        elif rule_id in rules:
            rules[rule_id] = Rule(**{**rules[rule_id].__dict__, "severity": Severity(level)})
    return profiles, dict(sorted(rules.items()))


def run(session: Session, options: RunOptions) -> Outcome:
    config = session.config
    today = options.today or config.today
    profiles, rules = active_rules(session, options)
    candidates = discover(config.root, config.include, config.exclude)
    repo = build(config.root, config, candidates, session.host.readers(), clause_ids.shipped())
    shared = Shared(repo=repo, today=today, active_rules=rules)
    findings: list[Finding] = []
    errors: list[str] = []
    not_applicable: list[str] = []  # `when` does not hold for this QMS (formats say so)
    failed: dict[str, str] = {}
    for rule in rules.values():
        if evaluate(rule.when, repo) is not True:
            not_applicable.append(rule.id)
            continue
        kind = session.kinds[rule.kind]
        try:
            findings.extend(kind.function(CheckContext(shared, rule)))
        except Exception as exc:  # a check function's bug is reported by name, the run goes on
            errors.append(f"check '{rule.kind}' failed on rule {rule.id}: {exc!r}")
            failed[rule.id] = errors[-1]
    findings = [f for f in findings if not _ignored_for_path(f, config.per_path_ignores)]
    if not options.no_suppressions:  # before _limit: "unused waiver" needs every finding
        findings = _suppress(session, options, repo, rules, findings, today)
    findings = _limit(findings, config, options.paths)
    findings.sort(key=Finding.sort_key)
    report = Report(
        tool_version=__version__,
        plugins=[Component(p.name, p.version) for p in session.host.plugins],
        packs=[Component(p.name, p.version) for p in session.ruleset.packs],
        profiles=profiles,
        today=today,
        documents=len(repo.documents),
        rules=rules,
        findings=findings,
        statistics=options.statistics,
        anchor=repository_anchor(config.root, config.source, repo.documents),
        not_applicable=not_applicable,
        failed_checks=failed,
        rule_profiles={rule_id: session.ruleset.profiles_of(rule_id) for rule_id in rules}
        if options.statistics
        else {},
    )
    errors += [str(problem) for problem in session.problems]
    return Outcome(report, repo, rules, errors)


def _suppress(
    session: Session,
    options: RunOptions,
    repo: Repository,
    rules: dict[str, Rule],
    findings: list[Finding],
    today: dt.date,
) -> list[Finding]:
    """Waivers first (they carry a justification), then the baseline for what is left."""
    known = session.ruleset.rules
    findings = waivers.apply(findings, repo, session.config, known, rules, today)
    if options.use_baseline:
        config = session.config
        path = baseline.locate(config, options.baseline, must_exist=True)
        if path is not None:
            recorded = baseline.load(path, files.shown(path, config.root))
            never = [rule_id for rule_id, rule in known.items() if rule.kind == waivers.CHECK.name]
            baseline.apply(findings, recorded, never)
    return findings


def _limit(
    findings: Iterable[Finding], config: config_module.Config, paths: Sequence[str]
) -> list[Finding]:
    """Paths given (as pre-commit passes them) limit document findings; repository ones stay."""
    if not paths:
        return list(findings)
    root = config.root.resolve()
    files: set[str] = set()
    folders: list[str] = []
    for given in paths:
        full = Path(given).resolve()
        try:
            rel = full.relative_to(root).as_posix()
        except ValueError:
            raise UserError(f"'{given}' lies outside the repository {root}") from None
        if full.is_dir():
            if rel == ".":
                return list(findings)
            folders.append(rel.rstrip("/") + "/")
        elif config.source is not None and full == config.source.resolve():
            return list(findings)  # a changed config can change every document's findings
        elif is_selected(rel, config.include, config.exclude):
            files.add(rel)
            files.update(f"{rel}{suffix}" for suffix in (".yaml", ".yml"))  # a binary's sidecar
    return [
        f
        for f in findings
        if f.path is None
        or f.path in files
        or f.path == config.source_name  # findings about the config's own waivers
        or any(f.path.startswith(d) for d in folders)
    ]


def _ignored_for_path(finding: Finding, per_path: dict[str, list[str]]) -> bool:
    if finding.path is None or not per_path:
        return False
    return any(
        matches_any(finding.path, [pattern])
        and any(p.upper() == "ALL" or finding.rule.startswith(p.upper()) for p in prefixes)
        for pattern, prefixes in per_path.items()
    )


def exit_code(outcome: Outcome, fail_on: str, exit_zero: bool) -> int:
    if outcome.errors:
        return 2
    if exit_zero:
        return 0
    threshold = Severity(fail_on).rank
    return int(any(f.severity.rank >= threshold for f in outcome.report.active))
