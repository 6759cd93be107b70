"""`qmslint validate-tool`: run every validation suite and write the evidence report.

The suites come from the plugins (qmslint's own from the built-in `core` plugin, a company's
from its pack's distribution), so what is validated is exactly what is installed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from qmslint.errors import UserError
from qmslint.session import Session
from qmslint.validation import evidence
from qmslint.validation.runner import CaseResult, run_cases
from qmslint.validation.suite import Suite, load_suite

REPORT_NAME = "validation-report"


@dataclass
class Validation:
    evidence: dict
    results: list[CaseResult]

    @property
    def passed(self) -> bool:
        return self.evidence["result"] == "pass"


def suites(session: Session) -> list[Suite]:
    """One suite per plugin that declares suite files, in plugin order."""
    grouped: dict[str, tuple[str, list[Path]]] = {}
    for info, path in session.host.validation_sources:
        grouped.setdefault(info.name, (info.version, []))[1].append(path)
    if session.problems:
        raise UserError(
            "; ".join(str(problem) for problem in session.problems),
            hint="a plugin that fails to load cannot be validated",
        )
    return [load_suite(name, version, paths) for name, (version, paths) in grouped.items()]


def validate(session: Session, jobs: int, say=lambda line: None) -> Validation:
    """Run every suite; `say` receives a line before the cases start (they take a while)."""
    chosen = suites(session)
    count = sum(len(suite.cases) for suite in chosen)
    names = ", ".join(suite.name for suite in chosen)
    say(
        f"qmslint: running {count} validation cases of {len(chosen)} "
        f"{'suite' if len(chosen) == 1 else 'suites'} ({names}), "
        f"{jobs} at once"
    )
    started = dt.datetime.now(dt.timezone.utc).astimezone()
    every_case = [case for suite in chosen for case in suite.cases]
    results = run_cases(every_case, jobs)
    finished = dt.datetime.now(dt.timezone.utc).astimezone()
    by_suite: dict[str, list[CaseResult]] = {}
    position = 0
    for suite in chosen:
        by_suite[suite.name] = results[position : position + len(suite.cases)]
        position += len(suite.cases)
    return Validation(evidence.build(session, chosen, by_suite, started, finished), results)


def summary_lines(validation: Validation) -> list[str]:
    """What the terminal shows: every deviation by case and requirement, then the totals."""
    lines = []
    for result in validation.results:
        if result.passed:
            continue
        case = result.case
        lines.append(f"FAIL {case.id} ({', '.join(case.verifies)}): {case.title}")
        lines += [f"     {problem}" for problem in result.problems]
    totals = validation.evidence["summary"]
    state = "PASSED" if validation.passed else "FAILED"
    lines.append(
        f"validation {state}: {totals['requirements_passed']}/{totals['requirements']} "
        f"requirements met, {totals['cases_passed']}/{totals['cases']} cases passed"
    )
    if totals["failed_requirements"]:
        lines.append(f"requirements not met: {', '.join(totals['failed_requirements'])}")
    return lines
