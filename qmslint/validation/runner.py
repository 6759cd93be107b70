"""Run validation cases against the installed qmslint, each in its own temporary repository.

Every case is a fresh `python -m qmslint …` process, run in a folder holding only the case's
files, with a cache folder of this validation run only (never the user's) and no colour: the
command a QA team's users run, with the interpreter and import path of the `validate-tool` that
started it (so a company plugin installed beside qmslint takes part). Nothing reaches the
network and nothing outside the temporary folder is written.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from qmslint.validation import outputs
from qmslint.validation.outputs import ActualFinding, Unreadable
from qmslint.validation.suite import Case, ExpectedFinding

TIMEOUT_SECONDS = 300  # one case; the slowest shipped case takes a few seconds
_KEPT = 2000  # characters of standard output and error kept in the evidence


@dataclass
class CaseResult:
    case: Case
    passed: bool
    exit_code: int | None
    problems: list[str] = field(default_factory=list)  # why it failed, one line each
    findings: list[ActualFinding] = field(default_factory=list)  # as read from the output
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0

    @property
    def actual(self) -> dict:
        """What the evidence report shows as the actual result."""
        return {"exit": self.exit_code, "findings": [f.describe() for f in self.findings]}


def run_cases(cases: Iterable[Case], jobs: int = 1) -> list[CaseResult]:
    """Results in the order of `cases`, whatever the number of parallel runs."""
    chosen = list(cases)
    with tempfile.TemporaryDirectory(prefix="qmslint-validation-") as scratch:
        folders = [Path(scratch) / f"case-{number:03d}" for number in range(len(chosen))]
        cache = Path(scratch) / "cache"  # shared: entries are keyed by content (packs parse once)
        if jobs <= 1:
            return [run_case(case, folder, cache) for case, folder in zip(chosen, folders)]
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(run_case, chosen, folders, [cache] * len(chosen)))


def run_case(case: Case, folder: Path, cache: Path) -> CaseResult:
    repository = folder / "repository"
    _materialise(case, repository)
    started = time.monotonic()
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "qmslint", *case.run],
            cwd=repository,
            env=_environment(cache),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return CaseResult(case, False, None, [f"did not finish within {TIMEOUT_SECONDS} s"])
    except OSError as exc:
        return CaseResult(case, False, None, [f"could not start qmslint: {exc.strerror}"])
    seconds = time.monotonic() - started
    stdout = completed.stdout.decode("utf-8", "replace")
    stderr = completed.stderr.decode("utf-8", "replace")
    result = CaseResult(
        case,
        passed=False,
        exit_code=completed.returncode,
        stdout=stdout[:_KEPT],
        stderr=stderr[:_KEPT],
        seconds=round(seconds, 2),
    )
    result.problems = _compare(case, result, repository, stdout, stderr)
    result.passed = not result.problems
    return result


def _materialise(case: Case, repository: Path) -> None:
    repository.mkdir(parents=True)
    if ".qmslint.yaml" not in case.files:  # the search for a config stops here, never above
        (repository / ".qmslint.yaml").write_bytes(b"{}\n")
    for name, content in case.files.items():
        target = repository / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _environment(cache: Path) -> dict[str, str]:
    """The caller's environment, with qmslint's import path, a private cache and no colour."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("QMSLINT_") and key not in ("FORCE_COLOR", "PYTHONPATH")
    }
    env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(entry) for entry in sys.path if entry)
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["QMSLINT_CACHE_DIR"] = str(cache)
    env["NO_COLOR"] = "1"
    return env


def _compare(
    case: Case, result: CaseResult, repository: Path, stdout: str, stderr: str
) -> list[str]:
    expect = case.expect
    problems = []
    if result.exit_code != expect.exit:
        problems.append(f"exit code {result.exit_code}, expected {expect.exit}")
    problems += [f"standard output lacks {t!r}" for t in expect.stdout if t not in stdout]
    problems += [f"standard error lacks {t!r}" for t in expect.stderr if t not in stderr]
    problems += [f"standard error shows {t!r}" for t in expect.stderr_excludes if t in stderr]
    for name, texts in expect.files.items():
        problems += _file_problems(repository, name, texts)
    if not (expect.findings or expect.only or expect.absent or expect.suppressed):
        return problems
    text = stdout
    if expect.output is not None:
        try:
            text = (repository / expect.output).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return [*problems, f"cannot read the output {expect.output}: {exc}"]
    fmt = outputs.format_of(case.run) if expect.output is None else _format_of_file(case)
    reader = outputs.READERS.get(fmt)
    if reader is None:
        return [*problems, f"findings cannot be read back from the '{fmt}' format"]
    try:
        result.findings = reader(text)
    except Unreadable as exc:
        return [*problems, f"the {fmt} output is unreadable: {exc}"]
    active = [f for f in result.findings if not f.suppressed]
    suppressed = [f for f in result.findings if f.suppressed]
    missing = _unmatched(expect.findings, active)
    problems += [f"expected {e.describe()}, not reported" for e in missing]
    problems += [
        f"expected {e.describe()} suppressed, not reported so"
        for e in _unmatched(expect.suppressed, suppressed)
    ]
    problems += [
        f"{f.rule} must not fire, but reported {f.describe()}"
        for f in active
        if f.rule in expect.absent
    ]
    if expect.only:
        problems += [
            f"unexpected finding {f.describe()}"
            for f in active
            if not any(_matches(e, f) for e in expect.findings)
        ]
    return problems


def _format_of_file(case: Case) -> str:
    """`-o FORMAT:FILE` names the format of the file the case compares."""
    wanted = case.expect.output
    for index, word in enumerate(case.run):
        if word == "-o" and index + 1 < len(case.run):
            name, _, file = case.run[index + 1].partition(":")
            if file == wanted:
                return name
    return outputs.format_of(case.run)


def _file_problems(repository: Path, name: str, texts: tuple[str, ...]) -> list[str]:
    target = repository / name
    if not target.is_file():
        return [f"{name} was not written"]
    content = target.read_text("utf-8", "replace")
    return [f"{name} lacks {text!r}" for text in texts if text not in content]


def _unmatched(
    expected: tuple[ExpectedFinding, ...], actual: list[ActualFinding]
) -> list[ExpectedFinding]:
    return [e for e in expected if not any(_matches(e, f) for f in actual)]


def _matches(expected: ExpectedFinding, actual: ActualFinding) -> bool:
    return (
        expected.rule == actual.rule
        and (expected.any_path or expected.path == actual.path)
        and (expected.line is None or expected.line == actual.line)
        and (expected.severity is None or expected.severity == actual.severity)
        and (expected.message is None or expected.message in actual.message)
    )
