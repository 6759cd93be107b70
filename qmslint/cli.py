"""The command line: parse options, wire them into the engine, print, choose the exit code.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage, configuration,
rule-pack, plugin or internal error. A user mistake prints one line, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import gc
import io
import os
import signal
import sys
import textwrap
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qmslint import __version__, snapshot
from qmslint import clauses as clause_ids
from qmslint.engine import RunOptions, exit_code, read_elsewhere, run
from qmslint.errors import UserError
from qmslint.formatters import Formatter, shows_coverage
from qmslint.packs.rules import did_you_mean
from qmslint.report import Presentation, Report
from qmslint.session import Session, open_session, validate_pack
from qmslint.support import files

if TYPE_CHECKING:  # ruamel.yaml round-trip, imported only by --fix and --diff
    from qmslint import fix

# The verbs, in one place: a new verb adds its name here, its parser in build_parser and its
# function in COMMANDS (at the end of this module). Anything else as the first word is a usage
# error unless it is an existing path (`qmslint [check] [PATH ...]`).
VERBS = (
    "check",
    "show",
    "init",
    "gap",
    "matrix",
    "rules",
    "explain",
    "profiles",
    "validate-pack",
    "baseline",
    "cache",
    "validate-tool",
)


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date (YYYY-MM-DD)") from None


class _Parser(argparse.ArgumentParser):
    """No abbreviated options (`--to` is not `--today`), and one line for a usage mistake."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # one line and exit 2, as for any usage mistake
        self.exit(2, f"qmslint: error: {message} (see `{self.prog} --help`)\n")


class _Terminated(BaseException):
    """SIGTERM, raised where the run is, so that temporary files are removed on the way out."""


def _terminate(signum, frame) -> None:
    raise _Terminated()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="qmslint",
        description="Lint the metadata of a Quality Management System kept in git.",
    )
    parser.add_argument(
        "--version", action="store_true", help="show versions of qmslint and every plugin and pack"
    )
    verbs = parser.add_subparsers(dest="verb", parser_class=_Parser)

    check = verbs.add_parser("check", help="check the QMS (the default verb)")
    check.add_argument("paths", nargs="*", help="limit document findings to these files/folders")
    _common(check)
    check.add_argument("--format", default=None, help="output format (default: text)")
    check.add_argument("--output", type=Path, default=None, help="write the output to FILE")
    check.add_argument(
        "-o",
        dest="outputs",
        action="append",
        default=[],
        metavar="FORMAT[:FILE]",
        help="an output (repeatable): `-o json:report.json -o text`",
    )
    check.add_argument("--select", type=_csv, default=None, help="rule ids or prefixes to check")
    check.add_argument("--extend-select", type=_csv, default=[], help="add rule ids or prefixes")
    check.add_argument("--ignore", type=_csv, default=[], help="rule ids or prefixes to leave out")
    check.add_argument("--fail-on", choices=("error", "warning", "info"), default=None)
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument("--today", type=_date, default=None, help="date for date rules (YYYY-MM-DD)")
    check.add_argument(
        "--statistics", action="store_true", help="count findings per rule and profile"
    )
    check.add_argument("-q", "--quiet", action="store_true", help="print findings only, no summary")
    check.add_argument(
        "--show-suppressed",
        action="store_true",
        help="text: also list suppressed findings, with their justification",
    )
    check.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    _jobs(check)
    check.add_argument(
        "--no-suppressions",
        action="store_true",
        help="audit mode: ignore waivers and the baseline, as if there were none",
    )
    check.add_argument(
        "--baseline", type=Path, default=None, help="baseline file (default .qmslint-baseline.yaml)"
    )
    check.add_argument(
        "--fix", action="store_true", help="rewrite metadata to mend fixable findings (docs/fix.md)"
    )
    check.add_argument(
        "--diff",
        action="store_true",
        help="print a diff of what --fix would change, change nothing (exit 1 if any)",
    )
    check.add_argument(
        "--write-front-matter",
        action="store_true",
        help="with --fix/--diff: write metadata read in the body as front matter",
    )

    show = verbs.add_parser("show", help="print what qmslint read from each document, and where")
    show.add_argument("paths", nargs="*", help="only these files/folders")
    show.add_argument("--format", choices=("text", "json"), default="text")
    _common(show, profiles=False)

    init = verbs.add_parser(
        "init", help="write a .qmslint.yaml that maps this repository's conventions"
    )
    init.add_argument("--starter", action="store_true", help="scaffold a minimal QMS here instead")
    init.add_argument(
        "--output", default=None, help="where to write the config (`-`: standard output)"
    )
    init.add_argument("--force", action="store_true", help="replace an existing config")

    rules = verbs.add_parser("rules", help="list rules (of a profile)")
    _common(rules)
    explain = verbs.add_parser("explain", help="explain one rule")
    explain.add_argument("rule")
    _common(explain, profiles=False)
    profiles = verbs.add_parser("profiles", help="list profiles, or the rules of one")
    profiles.add_argument("name", nargs="?")
    _common(profiles, profiles=False)
    validate = verbs.add_parser("validate-pack", help="check a rule pack without running it")
    validate.add_argument("pack", type=Path, help="a pack file, or a folder of pack files")
    _common(validate, profiles=False)
    record = verbs.add_parser("baseline", help="record today's findings so that only new ones fail")
    _common(record)
    record.add_argument(
        "--baseline", type=Path, default=None, help="file to write (default .qmslint-baseline.yaml)"
    )
    record.add_argument("--today", type=_date, default=None, help="date for date rules")
    record.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    _jobs(record)
    tool = verbs.add_parser(
        "validate-tool", help="run the validation suite and write the evidence (docs/validation.md)"
    )
    tool.add_argument(
        "--output",
        type=Path,
        default=Path("qmslint-validation"),
        metavar="DIR",
        help="folder for validation-report.html and .json (default ./qmslint-validation)",
    )
    tool.add_argument(
        "--jobs",
        "-j",
        type=_job_count,
        default=_cores(),
        help="cases run at once (default: one per core)",
    )
    _common(tool, profiles=False)
    cache = verbs.add_parser("cache", help="manage qmslint's cache (`qmslint cache clear`)")
    cache.add_argument("action", choices=("clear",), help="clear: remove every cached entry")

    gap = verbs.add_parser("gap", help="what a QMS meeting one profile still lacks for another")
    gap.add_argument("--from", dest="source", default=None, metavar="PROFILE", help="source")
    gap.add_argument("--to", dest="target", required=True, metavar="PROFILE", help="target")
    _common(gap, profiles=False)
    _coverage_options(gap, ("text", "markdown", "json", "html"))
    gap.add_argument("--fail-on", choices=("error", "warning", "info"), default=None)
    gap.add_argument("--exit-zero", action="store_true", help="exit 0 even with a gap")
    matrix = verbs.add_parser("matrix", help="clause x document coverage of the active profiles")
    _common(matrix)
    _coverage_options(matrix, ("text", "markdown", "csv", "json", "html"))
    return parser


def _coverage_options(parser: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
    parser.add_argument("--format", choices=formats, default="text")
    parser.add_argument("--output", type=Path, default=None, help="write the output to FILE")
    parser.add_argument("--today", type=_date, default=None, help="date for date rules")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the cache")


def _jobs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs",
        "-j",
        type=_job_count,
        default=_cores(),
        help="processes reading the files the cache does not hold, when 400 or more, and "
        "running the rules (two), from 2,000 documents (default and 0: one per core)",
    )


def _cores() -> int:
    """The cores this process may run on (a container's share, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # no affinity on macOS and Windows
        return os.cpu_count() or 1


def _job_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of processes: '{text}'") from None
    if count < 0:
        raise argparse.ArgumentTypeError("--jobs takes 0 (one per core) or more")
    return count or _cores()


def _common(parser: argparse.ArgumentParser, profiles: bool = True) -> None:
    parser.add_argument("--config", type=Path, default=None, help="config file to use")
    if profiles:
        parser.add_argument(
            "--profile", dest="profiles", action="append", default=[], help="profile (repeatable)"
        )


def main(argv: Sequence[str] | None = None, *, attempt: snapshot.Attempt | None = None) -> int:
    """The command line (`argv` None: the process's own, whose snapshot may replay it; see
    snapshot.py and entry.py, which tries it before importing this module)."""
    if argv is None and attempt is None:
        attempt = snapshot.replay(sys.argv[1:])
        if attempt.code is not None:
            return attempt.code
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in (*VERBS, "-h", "--help", "--version"):
        first = argv[0]
        if not first.startswith("-") and not os.path.lexists(first):
            print(
                f"qmslint: error: unknown command '{first}' (commands: {', '.join(VERBS)})"
                + did_you_mean(first, VERBS)
                + "; to check a path, name one that exists (see `qmslint --help`)",
                file=sys.stderr,
            )
            return 2
        argv.insert(0, "check")  # `qmslint [check] [PATH ...]`
    if not argv:
        argv = ["check"]
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # named by the verb's parser, so the hint names `qmslint VERB --help`
            _verb_parser(parser, getattr(args, "verb", None)).error(
                f"unrecognized arguments: {' '.join(extra)}"
            )
    except SystemExit as exc:  # --help, or a usage error already printed by argparse
        return int(exc.code or 0)
    args.attempt = attempt
    previous = _on_sigterm(_terminate)
    collecting = gc.isenabled()
    gc.disable()  # see NO_CYCLE_COLLECTION
    try:
        code = _version() if args.version else COMMANDS[args.verb](args)
        sys.stdout.flush()  # `> /dev/full` fails here, inside the handlers below
        return code
    except UserError as exc:
        print(f"qmslint: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except _Terminated:
        return 143
    except BrokenPipeError:  # `qmslint rules | head`: the reader left; say nothing more
        _silence_stdout()
        return 1
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG):
            raise
        print(f"qmslint: error: cannot write standard output: {exc.strerror}", file=sys.stderr)
        _silence_stdout()
        return 2
    finally:
        if collecting:
            gc.enable()
        _on_sigterm(previous)


# NO_CYCLE_COLLECTION: a run makes millions of objects, most of which live until it ends
# (documents, their fields, the index), and almost no cyclic garbage (about a thousand objects
# for 100,000 documents read; what reference counting frees is freed as ever). The cycle
# collector would walk the young ones again and again: with the default threshold a third of a
# run that rebuilds 10,000 documents from the cache, with a threshold of 200,000 still a tenth
# of reading. So a command runs with it off, and the caller's setting is restored after.


def _verb_parser(parser: argparse.ArgumentParser, verb: str | None) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and verb in action.choices:
            return action.choices[verb]
    return parser


def _on_sigterm(handler):
    """Install a SIGTERM handler (main thread only); returns the one it replaces."""
    if handler is None or threading.current_thread() is not threading.main_thread():
        return None
    try:
        return signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):
        return None


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that Python's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def _start(args: argparse.Namespace) -> Path:
    paths = getattr(args, "paths", None) or []
    if len(paths) == 1 and Path(paths[0]).is_dir():
        return Path(paths[0])
    return Path.cwd()


def _session(args: argparse.Namespace) -> Session:
    return open_session(_start(args), args.config, use_cache=not getattr(args, "no_cache", False))


def _version() -> int:
    print(f"qmslint {__version__}")
    try:
        session = open_session(Path.cwd())
    except UserError as exc:
        print(f"  (plugins not loaded: {exc})")
        return 2
    for plugin in session.host.plugins:
        print(f"  plugin {plugin.name} {plugin.version}{' (built-in)' if plugin.builtin else ''}")
    for pack in session.ruleset.packs:
        origin = "" if pack.origin == "built-in" else f" ({pack.origin}: {pack.path})"
        print(f"  pack {pack.name} {pack.version}{origin}")
    for problem in session.problems:
        print(f"  {problem}")
    return 2 if session.problems else 0


def _outputs(
    args: argparse.Namespace, formatters: dict[str, Formatter]
) -> list[tuple[Formatter, Path | None]]:
    wanted: list[tuple[str, Path | None]] = []
    for spec in args.outputs:
        name, _, file = spec.partition(":")
        wanted.append((name, Path(file) if file else None))
    if args.format or args.output or not wanted:
        wanted.insert(0, (args.format or "text", args.output))
    to_stdout = [name for name, file in wanted if file is None]
    if len(to_stdout) > 1:
        raise UserError(
            f"{' and '.join(to_stdout)} would both go to standard output: "
            "give all but one a file (-o FORMAT:FILE)"
        )
    chosen = []
    for name, file in wanted:
        if name not in formatters:
            raise UserError(
                f"unknown output format '{name}' (known: {', '.join(sorted(formatters))})"
            )
        if file is not None and str(file) == "-":
            file = None
        if file is not None:  # before the run: a device or a folder is refused, never replaced
            try:
                files.check_writable(file)
            except OSError as exc:
                raise UserError(f"cannot write {file}: {exc.strerror}") from None
        chosen.append((formatters[name], file))
    if sum(file is None for _, file in chosen) > 1:
        raise UserError("two outputs would both go to standard output ('-')")
    return chosen


def _check(args: argparse.Namespace) -> int:
    for given in args.paths:
        if not os.path.lexists(given):
            raise UserError(f"path '{given}' does not exist (see `qmslint check --help`)")
    if args.fix and args.diff:
        raise UserError("--fix and --diff: choose one (--diff shows what --fix would write)")
    if args.write_front_matter and not (args.fix or args.diff):
        raise UserError("--write-front-matter works with --fix or --diff")
    if args.diff and (args.format or args.output or args.outputs):
        raise UserError("--diff prints a diff, not a report: leave out --format, --output and -o")
    session = _session(args)
    outputs = [] if args.diff else _outputs(args, session.host.formatters)
    options = RunOptions(
        paths=args.paths,
        profiles=args.profiles,
        select=args.select,
        extend_select=args.extend_select,
        ignore=args.ignore,
        today=args.today,
        statistics=args.statistics,
        no_suppressions=args.no_suppressions,
        baseline=args.baseline,
        jobs=args.jobs,
        coverage=any(shows_coverage(formatter) for formatter, _ in outputs),
    )
    if _answered(args, session, options, outputs):
        return args.attempt.code
    recording = _recording(args, session, options, outputs)
    options.standings = recording is not None and not options.coverage
    outcome = run(session, options)
    if args.diff:
        return _diff(args, session, outcome)
    if args.fix:
        outcome = _fix(args, session, options, outcome)
    increment = None  # what a later check needs to work out an edit (qmslint/incremental)
    if recording is not None and not options.coverage:
        from qmslint import incremental

        increment = incremental.context_of(
            outcome.repository, outcome.report.failed_checks, outcome.rules, outcome.standings
        )
    outcome.let_documents_go()
    shown = _print_outputs(args, outputs, outcome.report)
    for note in args.attempt.notes if args.attempt else ():
        print(f"qmslint: warning: {note}", file=sys.stderr)
    said = [f"qmslint: warning: {warning}" for warning in outcome.warnings]
    said += [f"qmslint: error: {error}" for error in outcome.errors]
    for line in said:
        print(line, file=sys.stderr)
    fail_on = args.fail_on or session.config.fail_on
    code = exit_code(outcome, fail_on, args.exit_zero)
    if recording is not None and snapshot.replayable(outcome.errors, outcome.warnings, code):
        digests, host = outcome.digests, session.host
        findings = None
        if not options.coverage:  # a format that shows the matrix is never replayed limited
            from qmslint.report import stored

            findings = stored.encode(outcome.unlimited, outcome.provenance, increment)
        recording.finish(
            shown,
            said,
            code,
            digests,
            host.readers,
            session.read_settings(),
            findings,
            exact=not args.paths,
        )
    return code


def _print_outputs(args: argparse.Namespace, outputs: list, report: Report) -> str:
    """Render the report in every output; returns what went to standard output."""
    shown = ""
    for formatter, file in outputs:
        presentation = Presentation(
            color=file is None and formatter.name == "text" and _colour_wanted(),
            show_suppressed=args.show_suppressed,
            quiet=args.quiet,
        )
        text = _render(formatter, report, presentation)
        if file is None:
            _emit(text)
            shown = text
        else:
            _write(file, text)
    return shown


def _answered(
    args: argparse.Namespace, session: Session, options: RunOptions, outputs: list
) -> bool:
    """`check [PATH …]` answered from the findings snapshot of the last `check` with these
    options (of any paths, or none), rendered as the run would (snapshot.py, report/stored.py):
    as recorded when nothing it read has changed, or only in what no reader takes (a line of
    prose); worked out when a few documents were edited in what it can follow (a version, a
    title, a status, a clause or a reference: qmslint/incremental). The pre-commit hook passes
    other files at every commit; a `check` of no paths then records the run snapshot the next
    one replays."""
    if not _may_record(args, session, outputs) or options.coverage:
        return False
    attempt = args.attempt
    attempt.findings_key = snapshot.findings_key(_options_text(args))
    held = snapshot.replay_findings(attempt.findings_key, attempt.notes, attempt.stated)
    if held is None:
        return False
    from qmslint import incremental
    from qmslint.engine import active_rules, make_report, report_exit_code, selection
    from qmslint.read.gitutil import head_commit
    from qmslint.report import stored

    try:
        findings, provenance = stored.decode(held.stored["findings"])
    except Exception:  # not what a run wrote: run afresh
        attempt.notes.append("cache: a findings snapshot is malformed; it is ignored")
        return False
    chosen_by = selection(session, options)
    profiles, rules = active_rules(session, options, chosen_by)
    digests: dict[str, str] = {}
    increment = held.stored["findings"].get("increment")
    if held.edited:
        worked = incremental.worked_out(session, options, held, findings, rules, chosen_by)
        if worked is None:
            return False
        findings, digests, increment = worked
    provenance.commit = head_commit(session.config.root)  # a commit since changes no finding
    report = make_report(session, options, profiles, rules, findings, provenance)
    shown = _print_outputs(args, outputs, report)
    for note in attempt.notes:
        print(f"qmslint: warning: {note}", file=sys.stderr)
    said = held.stored["stderr"]
    for line in said:
        print(line, file=sys.stderr)
    fail_on = args.fail_on or session.config.fail_on
    attempt.code = report_exit_code(report, [], fail_on, args.exit_zero)
    if held.edited or not args.paths:
        run = {"key": attempt.key, "stdout": shown, "stderr": said, "code": attempt.code}
        encoded = stored.encode(findings, provenance, increment)
        snapshot.record_increment(
            held, encoded, digests, run if attempt.key and not args.paths else None
        )
    return True


def _options_text(args: argparse.Namespace) -> str:
    """The parsed options of a `check` without its paths, and the folder it starts in."""
    options = sorted((name, repr(value)) for name, value in vars(args).items())
    kept = [item for item in options if item[0] not in ("paths", "attempt")]
    return repr([kept, str(_start(args).resolve())])


def _may_record(args: argparse.Namespace, session: Session, outputs: list) -> bool:
    """Whether a command-line `check` may be recorded and replayed: every output on standard
    output, the cache on, only the built-in plugins (snapshot.py)."""
    if args.attempt is None or args.fix or args.diff or any(file for _, file in outputs):
        return False
    host = session.host
    return session.cache.enabled and not host.problems and all(p.builtin for p in host.plugins)


def _recording(
    args: argparse.Namespace, session: Session, options: RunOptions, outputs: list
) -> snapshot.Recording | None:
    """The snapshot of a command-line `check` whose output can be replayed exactly."""
    if not _may_record(args, session, outputs):
        return None
    config = session.config
    recording = snapshot.Recording.start(args.attempt, _start(args), config.root, config.source)
    if recording is not None:
        recording.also(read_elsewhere(session, options))
    return recording


def _planned_fixes(args: argparse.Namespace, session: Session, outcome) -> fix.FixResult:
    """What --fix would change after this run (checked, nothing written)."""
    from qmslint import fix

    root = session.config.root
    documents = outcome.repository.documents
    fixable = {rule_id: rule.fixable for rule_id, rule in outcome.rules.items() if rule.fixable}
    wanted = fix.wanted_fixes(
        outcome.report.active,
        fixable,
        documents,
        args.write_front_matter,
        fix.selected_paths(root, documents, args.paths),
    )
    return fix.plan_fixes(root, documents, wanted, session.host.readers, session.read_settings())


def _diff(args: argparse.Namespace, session: Session, outcome) -> int:
    """`check --diff`: the diff on standard output; exit 1 when there is something to fix."""
    from qmslint import fix

    planned = _planned_fixes(args, session, outcome)
    _emit("".join(fix.unified_diff(change) for change in planned.changes))
    for note in planned.notes:
        print(f"qmslint: note: {note}", file=sys.stderr)
    for error in outcome.errors:
        print(f"qmslint: error: {error}", file=sys.stderr)
    files_ = len(planned.changes)
    print(f"qmslint: --fix would mend {planned.fixed} in {files_} files", file=sys.stderr)
    return 2 if outcome.errors else int(bool(planned.changes))


def _fix(args: argparse.Namespace, session: Session, options: RunOptions, outcome):
    """`check --fix`: write the fixes, then run again so that only what remains is reported."""
    from qmslint import fix

    planned = _planned_fixes(args, session, outcome)
    written, notes = fix.write_changes(session.config.root, planned.changes)
    for note in planned.notes + notes:
        print(f"qmslint: note: {note}", file=sys.stderr)
    if written:
        mended = sum(change.fixed for change in written)
        print(f"qmslint: fixed {mended} in {len(written)} files", file=sys.stderr)
        outcome = run(session, options)
    return outcome


def _show(args: argparse.Namespace) -> int:
    """`qmslint show [PATH ...]`: the canonical fields, claims and in-force state of documents."""
    from qmslint.engine import index_repository
    from qmslint.verbs import show

    session = _session(args)
    repo = index_repository(session)
    root = session.config.root.resolve()
    wanted = []
    for given in args.paths:
        full = Path(given).resolve()
        if not full.exists():
            raise UserError(f"'{given}' does not exist")
        try:
            wanted.append(full.relative_to(root).as_posix())
        except ValueError:
            raise UserError(f"'{given}' lies outside the repository {root}") from None
    documents = show.selected(repo, wanted)
    render = show.render_json if args.format == "json" else show.render_text
    sys.stdout.write(render(repo, documents))
    return 0


def _gap(args: argparse.Namespace) -> int:
    """`qmslint gap [--from PROFILE] --to PROFILE`: the gap, item by item against the QMS."""
    from qmslint.verbs import gap

    session = _session(args)
    if args.source is not None and args.source not in session.ruleset.profiles:
        raise UserError(
            f"unknown profile '{args.source}'"
            + did_you_mean(args.source, session.ruleset.profiles),
            hint="`qmslint profiles` lists them",
        )
    options = RunOptions(profiles=[args.target], today=args.today, gap_from=args.source)
    outcome = run(session, options)
    _emit_to(gap.render_gap(outcome, args.format), args.output)
    for error in outcome.errors:
        print(f"qmslint: error: {error}", file=sys.stderr)
    return gap.exit_code(outcome, args.fail_on or session.config.fail_on, args.exit_zero)


def _matrix(args: argparse.Namespace) -> int:
    """`qmslint matrix`: each clause a rule requires, its documents and its state."""
    from qmslint.verbs import matrix

    session = _session(args)
    outcome = run(session, RunOptions(profiles=args.profiles, today=args.today))
    _emit_to(matrix.render_matrix(outcome, args.format), args.output)
    for error in outcome.errors:
        print(f"qmslint: error: {error}", file=sys.stderr)
    return 2 if outcome.errors else 0


def _init(args: argparse.Namespace) -> int:
    """`qmslint init`: survey the repository and write a commented config (or a starter QMS)."""
    from dataclasses import replace

    from qmslint import config as config_module
    from qmslint.engine import index_repository
    from qmslint.verbs import init

    if args.starter:
        return _write_new(Path.cwd(), init.starter_files(), args.force)
    root, existing = config_module.find_config(Path.cwd())
    session = open_session(root)
    defaults = replace(session, config=config_module.Config(root=root))  # survey as a newcomer
    text = init.render(init.survey(index_repository(defaults)))
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    target = Path(args.output) if args.output else root / init.CONFIG_NAME
    if existing is not None and target.resolve() == existing.resolve() and not args.force:
        raise UserError(
            f"{files.shown(existing, root)} already exists",
            hint="`qmslint init --output -` prints the suggestion; --force replaces the file",
        )
    return _write_new(root, {files.shown(target, root): text}, args.force)


def _write_new(root: Path, contents: dict[str, str], force: bool) -> int:
    """Write files under root, refusing to replace any unless forced."""
    clashes = [name for name in contents if (root / name).exists()]
    if clashes and not force:
        raise UserError(f"{', '.join(clashes)} already exists", hint="--force replaces it")
    for name, text in contents.items():
        _write(root / name, text)
        print(f"qmslint: wrote {name}")
    return 0


def _colour_wanted() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def _render(formatter: Formatter, report, presentation: Presentation) -> str:
    """The formatter's text; a plugin formatter that raises or returns no text is named."""
    try:
        text = formatter.render(report, presentation)
    except Exception as exc:
        raise UserError(f"output format '{formatter.name}' failed: {exc!r}") from None
    if not isinstance(text, str):
        raise UserError(
            f"output format '{formatter.name}' returned {type(text).__name__}, not text"
        )
    return text


def _encode(text: str) -> bytes:
    """UTF-8 always: a lone surrogate left in the text is written as an escape, never as
    invalid bytes and never as a crash."""
    return text.encode("utf-8", errors="backslashreplace")


def _emit_to(text: str, file: Path | None) -> None:
    """Standard output, or a regular file (written atomically)."""
    if file is None:
        _emit(text)
    else:
        _write(file, text)


def _emit(text: str) -> None:
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a StringIO in tests
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(_encode(text))
    buffer.flush()


def _write(file: Path, text: str) -> None:
    try:
        files.write_atomically(file, _encode(text))
    except OSError as exc:
        raise UserError(f"cannot write {file}: {exc.strerror}") from None


def _rules(args: argparse.Namespace) -> int:
    session = _session(args)
    ruleset = session.ruleset
    if args.profiles:
        chosen = ruleset.resolve(args.profiles)
    else:
        chosen = dict(sorted(ruleset.rules.items()))
    width = max((len(rule_id) for rule_id in chosen), default=4)
    for rule_id, rule in chosen.items():
        refs = ", ".join(rule.references)
        fixable = " (fixable)" if rule.fixable else ""
        print(f"{rule_id:<{width}}  {rule.severity.value:<7}  {rule.title}{fixable}  [{refs}]")
    return 0


def _explain(args: argparse.Namespace) -> int:
    session = _session(args)
    rule = session.ruleset.rules.get(args.rule.upper())
    if rule is None:
        raise UserError(
            f"unknown rule {args.rule}"
            + did_you_mean(args.rule.upper(), session.ruleset.rules, n=5)
            + " (`qmslint rules` lists them)"
        )
    catalogues = session.catalogues
    print(f"{rule.id}: {rule.title}")
    print(f"severity: {rule.severity.value}    pack: {rule.pack}    defined at: {rule.source}")
    print(f"profiles: {', '.join(session.ruleset.profiles_of(rule.id)) or '-'}")
    if rule.when:
        print(f"applies when: {_condition_text(rule.when)}")
    if rule.fixable:
        print(f"fixable: yes, `qmslint check --fix` ({rule.fixable}; --diff shows it first)")
    print(
        "\nWhy:\n"
        + textwrap.fill(rule.explanation, 98, initial_indent="  ", subsequent_indent="  ")
    )
    print(
        "\nHow to fix:\n" + textwrap.fill(rule.fix, 98, initial_indent="  ", subsequent_indent="  ")
    )
    if rule.references:
        print("\nReferences:")
        for reference in rule.references:
            title = catalogues.title(clause_ids.parse(reference)) or ""
            print(f"  {reference:<22} {title}")
    if rule.unverified:
        print("\nNote: rests on a fact marked unverified in qmslint's knowledge base.")
    return 0


def _condition_text(condition: dict) -> str:
    from qmslint.rulesdoc import condition_text  # the same words as docs/rules.md

    return condition_text(condition)


def _profiles(args: argparse.Namespace) -> int:
    session = _session(args)
    ruleset = session.ruleset
    if args.name is None:
        for name, profile in sorted(ruleset.profiles.items()):
            extends = f" (extends {', '.join(profile.extends)})" if profile.extends else ""
            count = len(ruleset.resolve([name]))
            print(f"{name:<18} {count:>4} rules  {profile.title}{extends}")
        return 0
    profile = ruleset.profiles.get(args.name)
    if profile is None:
        raise UserError(
            f"unknown profile '{args.name}'" + did_you_mean(args.name, ruleset.profiles)
        )
    print(f"{profile.name}: {profile.title}")
    if profile.description:
        print(profile.description)
    for rule_id, rule in ruleset.resolve([args.name]).items():
        print(f"  {rule_id:<8} {rule.severity.value:<7} {rule.title}")
    return 0


def _validate_pack(args: argparse.Namespace) -> int:
    """`qmslint validate-pack PATH`: every problem as `file:line:col: message`; exit 2 if any."""
    result = validate_pack(args.pack, Path.cwd(), args.config)
    for error in result.errors:
        print(f"qmslint: error: {error}", file=sys.stderr)
    if result.errors:
        return 2
    for note in result.notes:
        print(note)
    for pack in result.packs:
        extends = {
            profile.name: f" (extends {', '.join(profile.extends)})" if profile.extends else ""
            for profile in pack.profiles
        }
        profiles = ", ".join(f"{name}{text}" for name, text in extends.items()) or "none"
        print(
            f"{pack.path}: ok: pack {pack.name} {pack.version}, {len(pack.rules)} rules, "
            f"profiles: {profiles}"
        )
    return 0


def _baseline(args: argparse.Namespace) -> int:
    """`qmslint baseline`: record the findings of a full run (waivers still apply)."""
    from qmslint.suppress import baseline

    session = _session(args)
    options = RunOptions(
        profiles=args.profiles, today=args.today, use_baseline=False, jobs=args.jobs
    )
    outcome = run(session, options)
    for warning in outcome.warnings:
        print(f"qmslint: warning: {warning}", file=sys.stderr)
    for error in outcome.errors:
        print(f"qmslint: error: {error}", file=sys.stderr)
    if outcome.errors:
        return 2
    config = session.config
    path = baseline.locate(config, args.baseline) or config.root / baseline.DEFAULT_NAME
    accepted = outcome.baselinable
    report = outcome.report
    baseline.write(path, baseline.render(accepted, report.today, report.profiles))
    rules = len({f.rule for f in accepted})
    shown = files.shown(path, config.root)
    print(f"qmslint: recorded {len(accepted)} findings of {rules} rules in {shown}")
    return 0


def _cache(args: argparse.Namespace) -> int:
    from qmslint.read import cache as document_cache
    from qmslint.support import cache

    removed = document_cache.clear() + cache.clear()
    print(f"qmslint: removed {removed} cache files from {cache.directory()}")
    return 0


def _validate_tool(args: argparse.Namespace) -> int:
    """`qmslint validate-tool`: exit 0 only when every case of every suite passed."""
    from qmslint.validation import evidence
    from qmslint.verbs import validate_tool

    folder: Path = args.output
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} exists and is not a folder")
    session = _session(args)
    validation = validate_tool.validate(
        session, jobs=args.jobs, say=lambda line: print(line, flush=True)
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {folder}: {exc.strerror}") from None
    name = validate_tool.REPORT_NAME
    _write(folder / f"{name}.json", evidence.render_json(validation.evidence))
    _write(folder / f"{name}.html", evidence.render_html(validation.evidence))
    for line in validate_tool.summary_lines(validation):
        print(line)
    print(f"qmslint: wrote {folder / name}.html and {folder / name}.json")
    return 0 if validation.passed else 1


COMMANDS = {  # one function per verb of VERBS
    "check": _check,
    "show": _show,
    "init": _init,
    "gap": _gap,
    "matrix": _matrix,
    "rules": _rules,
    "explain": _explain,
    "profiles": _profiles,
    "validate-pack": _validate_pack,
    "baseline": _baseline,
    "cache": _cache,
    "validate-tool": _validate_tool,
}
