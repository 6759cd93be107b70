"""One run, in one direction: discover → read → index → rules → findings → suppress → report.

The CLI only wires options into `RunOptions` and calls `run` with a `Session` (session.py);
formatters only see the `Report`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qmslint import __version__, suppress
from qmslint import config as config_module
from qmslint.checks.context import CheckContext, CheckSettings, Shared
from qmslint.checks.running import run_rules
from qmslint.errors import UserError
from qmslint.index.repository import Repository, build
from qmslint.model import Finding, Severity
from qmslint.packs import loading
from qmslint.packs.rules import Rule, did_you_mean
from qmslint.packs.selection import Layer, Selection
from qmslint.read.cache import read_documents_cached
from qmslint.read.discovery import discover, is_selected
from qmslint.read.document import read_documents
from qmslint.read.gitutil import head_commit
from qmslint.report import Component, Provenance, Report
from qmslint.report.anchor import repository_anchor
from qmslint.session import Session
from qmslint.suppress import baseline

DEFAULT_PROFILES = ("iso13485",)


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
    gap_from: str | None = None  # the source profile of the gap to each profile (`qmslint gap`)
    jobs: int = 1  # processes reading the documents the cache does not hold
    coverage: bool = True  # build the coverage matrix and gaps (`check` only for a format
    # that shows them: at 100,000 documents they hold 25 MB and take 0.7 s)
    standings: bool = False  # note what each rule's result rests on (a `check` recording its
    # findings: qmslint/incremental), CheckKind.standing


@dataclass
class Outcome:
    report: Report
    repository: Repository
    rules: dict[str, Rule]
    errors: list[str] = field(default_factory=list)  # plugin failures: exit 2
    warnings: list[str] = field(default_factory=list)  # said on stderr; the exit code stays
    digests: dict[str, str] = field(default_factory=dict)  # path -> SHA-256 of what was read
    unlimited: list[Finding] = field(default_factory=list)  # before the paths given limit them
    provenance: Provenance | None = None
    standings: dict[str, Any] = field(default_factory=dict)  # by rule: CheckKind.standing

    def let_documents_go(self) -> None:
        """Drop the index before the report is rendered: the report names documents by path
        and holds none of them, so a repository of 100,000 is not in memory beside its output."""
        repo = self.repository
        self.repository = Repository(
            root=repo.root, settings=repo.settings, catalogues=repo.catalogues
        )

    @property
    def baselinable(self) -> list[Finding]:
        """The findings `qmslint baseline` records: active ones a baseline may suppress."""
        never = suppress.never_suppressed(self.rules)
        return [f for f in self.report.active if f.rule not in never]


def selection(session: Session, options: RunOptions) -> Selection:
    """The config's options, then the command line's on top of them (as in ruff)."""
    config = session.config
    return Selection(
        layers=[
            Layer(config.select, config.extend_select, config.ignore, where=config.source_name),
            Layer(options.select, options.extend_select, options.ignore),
        ],
        per_path_ignores=config.per_path_ignores,
        severities=config.severity,
        where=config.source_name,
    )


def active_rules(
    session: Session, options: RunOptions, chosen_by: Selection
) -> tuple[list[str], dict[str, Rule]]:
    """The profiles in use and their rules after severities, select and ignore."""
    profiles = list(options.profiles or session.config.profiles or DEFAULT_PROFILES)
    ruleset = session.ruleset
    for name in profiles:
        if name not in ruleset.profiles:
            raise UserError(
                f"unknown profile '{name}'" + did_you_mean(name, ruleset.profiles),
                hint="`qmslint profiles` lists them",
            )
    chosen = ruleset.resolve(profiles)
    for rule_id in loading.unclaimed_rules(ruleset):  # a company pack's profile-less rules
        chosen.setdefault(rule_id, ruleset.rules[rule_id])
    return profiles, chosen_by.rules(chosen, ruleset.rules)


def index_repository(
    session: Session,
    warnings: list[str] | None = None,
    jobs: int = 1,
    digests: dict[str, str] | None = None,
) -> Repository:
    """Discover, read and index the whole repository (what every verb that reads starts with);
    what the user should know but is no finding (git cannot list files) goes to `warnings`,
    the SHA-256 of each document the cache read or served to `digests` (snapshot.py)."""
    config = session.config
    candidates = discover(config.root, config.include, config.exclude, warnings)
    if not candidates and config.include_given:  # a mistyped `include` passes nothing
        raise UserError(
            f"no documents: `include` ({', '.join(config.include[:3])}"
            f"{' …' if len(config.include) > 3 else ''}) matches no file under {config.root}",
            hint="check `include`/`exclude` in the config, or the folder you run in",
        )
    if not candidates and warnings is not None:
        warnings.append(f"no documents found under {config.root}")
    readers, settings = session.host.readers, session.read_settings()
    if session.cache.enabled or jobs > 1:  # the document cache (read/cache.py)
        documents = read_documents_cached(
            config.root,
            candidates,
            readers,
            settings,
            warnings,
            jobs,
            session.cache.enabled,
            digests,
        )
    else:
        documents = read_documents(config.root, candidates, readers, settings)
    return build(config.root, documents, session.index_settings(), session.catalogues)


def run(session: Session, options: RunOptions) -> Outcome:
    config = session.config
    today = options.today or config.today
    chosen_by = selection(session, options)
    profiles, rules = active_rules(session, options, chosen_by)
    if not rules:  # `--select ''` or an ignore of everything: a run of nothing is no pass
        raise UserError(
            f"no rules to run: select/ignore leave none of the {len(session.ruleset.rules)} "
            f"rules of profiles {', '.join(profiles)}",
            hint="check --select, --ignore and the config's select/ignore",
        )
    warnings: list[str] = []
    digests: dict[str, str] = {}
    repo = index_repository(session, warnings, options.jobs, digests)
    settings = CheckSettings(config.review_interval_months, config.id_pattern)
    shared = Shared(
        repo=repo,
        today=today,
        active_rules=rules,
        settings=settings,
        standings=options.standings,
    )
    findings: list[Finding] = []
    errors: list[str] = []
    not_applicable: list[str] = []  # `when` does not hold for this QMS (formats say so)
    failed: dict[str, str] = {}
    standings: dict[str, Any] = {}
    checked = [rule for rule in rules.values() if rule.kind is not None]  # the others: suppress
    for made in run_rules(shared, checked, session.kinds, options.jobs):
        findings += made.findings
        if made.standing is not None:
            standings[made.rule] = made.standing
        if not made.applies:
            not_applicable.append(made.rule)
        elif made.error is not None:
            errors.append(made.error)
            failed[made.rule] = made.error
    findings = [f for f in findings if not chosen_by.ignored_at(f.rule, f.path)]
    if not options.no_suppressions:  # before _limit: "unused waiver" needs every finding
        findings = suppress.apply(
            findings,
            repo,
            config,
            session.ruleset.rules,
            rules,
            today,
            options.baseline,
            options.use_baseline,
        )
    provenance = Provenance(
        documents=len(repo.documents),
        anchor=repository_anchor(config.root, config.source, repo.documents),
        not_applicable=not_applicable,
        failed_checks=failed,
        commit=head_commit(config.root),
    )
    report = make_report(session, options, profiles, rules, findings, provenance)
    if options.coverage:
        _add_coverage(report, session, options, shared)
    errors += [str(problem) for problem in session.problems]
    return Outcome(report, repo, rules, errors, warnings, digests, findings, provenance, standings)


def make_report(
    session: Session,
    options: RunOptions,
    profiles: list[str],
    rules: dict[str, Rule],
    findings: Iterable[Finding],
    provenance: Provenance,
) -> Report:
    """The report of the findings (after suppression), limited to the paths given, sorted."""
    limited = _limit(findings, session.config, options.paths)
    limited.sort(key=Finding.sort_key)
    return Report(
        tool_version=__version__,
        plugins=[Component(p.name, p.version) for p in session.host.plugins],
        packs=[Component(p.name, p.version, content_hash(p.path)) for p in session.ruleset.packs],
        profiles=profiles,
        today=options.today or session.config.today,
        documents=provenance.documents,
        rules=rules,
        findings=limited,
        statistics=options.statistics,
        anchor=provenance.anchor,
        not_applicable=provenance.not_applicable,
        failed_checks=provenance.failed_checks,
        commit=provenance.commit,
        rule_profiles={rule_id: session.ruleset.profiles_of(rule_id) for rule_id in rules}
        if options.statistics
        else {},
    )


def _add_coverage(report: Report, session: Session, options: RunOptions, shared: Shared) -> None:
    """The matrix (every requirement of an existence rule, as the check decided it) and the
    gap to each profile of the run, on the report (imported here: most runs build none)."""
    from qmslint.checks import existence
    from qmslint.report import coverage as coverage_report

    rules, repo = report.rules, shared.repo
    skipped = {*report.failed_checks, *report.not_applicable}
    report.coverage = coverage_report.matrix_rows(
        (
            made
            for rule in rules.values()
            if rule.kind == "document-exists" and rule.id not in skipped
            for made in existence.assess(CheckContext(shared, rule))
        ),
        rules,
        repo,
        report.findings,
    )
    report.gaps = [
        coverage_report.build_gap(
            session.ruleset, options.gap_from, name, report.coverage, rules, repo
        )
        for name in report.profiles
    ]


def read_elsewhere(session: Session, options: RunOptions) -> list[Path]:
    """What a run reads, or looks for, besides the repository's files: the local rule packs and
    their folders, and the baseline (where the default one would be, when there is none)."""
    config = session.config
    found = [config.root / folder for folder in config.packs]
    found += [pack.path for pack in session.ruleset.packs if pack.origin != loading.BUILTIN]
    found.append(config.root / baseline.DEFAULT_NAME)
    found.append(baseline.locate(config, options.baseline))
    return [path.absolute() for path in found if path is not None]


def content_hash(path: Path) -> str:
    """SHA-256 over a pack's files (a file, or the YAML files of a folder, by name)."""
    import hashlib

    digest = hashlib.sha256()
    try:
        files = [path] if path.is_file() else sorted(path.rglob("*.y*ml"))
        for file in files:
            digest.update(file.name.encode("utf-8", "surrogateescape") + b"\0")
            digest.update(file.read_bytes())
    except OSError:
        return ""
    return digest.hexdigest()


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
    config_name = config.source_name  # findings about the config's own waivers stay
    return [
        f
        for f in findings
        if f.path is None
        or f.path in files
        or f.path == config_name
        or any(f.path.startswith(d) for d in folders)
    ]


def exit_code(outcome: Outcome, fail_on: str, exit_zero: bool) -> int:
    return report_exit_code(outcome.report, outcome.errors, fail_on, exit_zero)


def report_exit_code(report: Report, errors: Sequence[str], fail_on: str, exit_zero: bool) -> int:
    if errors:
        return 2
    if exit_zero:
        return 0
    threshold = Severity(fail_on).rank
    return int(any(f.severity.rank >= threshold for f in report.active))
