"""The evidence report of a validation run, as data (JSON) and as one offline HTML page.

The data is what ISO 13485 4.1.6 asks a company to keep: what the software is used for, the
requirements and the tests that verify them with expected and actual results, the environment
and versions it ran in, the content hash of every loaded rule pack and of every suite, when it
ran, and places for the reviewer's and approver's names and signatures. The HTML shows exactly
the JSON (schemas/validation-report.schema.json), rendered with jinja2 with autoescaping.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import re
import sys
from collections.abc import Iterable
from importlib import metadata
from typing import Any

from qmslint import __version__
from qmslint.engine import DEFAULT_PROFILES, content_hash
from qmslint.packs.rules import RuleSet
from qmslint.read import yamlsafe
from qmslint.session import Session
from qmslint.validation.runner import CaseResult
from qmslint.validation.suite import Case, Suite

FORMAT_VERSION = 1
ROLES = ("Reviewed by", "Approved by")
CORE = "core"  # the built-in plugin that ships qmslint's own suite


def build(
    session: Session,
    suites: list[Suite],
    results: dict[str, list[CaseResult]],
    started: dt.datetime,
    finished: dt.datetime,
) -> dict[str, Any]:
    """The whole evidence record; `results` maps a suite's name to its case results."""
    suite_data = [_suite(suite, results[suite.name]) for suite in suites]
    requirements = [r for s in suite_data for r in s["requirements"]]
    cases = [c for s in suite_data for c in s["cases"]]
    failed = [
        f"{suite['name']}:{requirement['id']}"
        for suite in suite_data
        for requirement in suite["requirements"]
        if requirement["result"] != "pass"
    ]
    every_case = [case for suite in suites for case in suite.cases]
    return {
        "format_version": FORMAT_VERSION,
        "title": "qmslint software validation report",
        "result": "pass" if not failed and cases else "fail",
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "intended_use": next((s.intended_use for s in suites if s.intended_use), ""),
        "tool": {"name": "qmslint", "version": __version__},
        "environment": environment(session),
        "plugins": [
            {"name": p.name, "version": p.version, "builtin": p.builtin}
            for p in session.host.plugins
        ],
        "packs": _packs(session, {suite.name for suite in suites}),
        "suites": suite_data,
        "coverage": coverage(session.ruleset, every_case),
        "summary": {
            "requirements": len(requirements),
            "requirements_passed": sum(r["result"] == "pass" for r in requirements),
            "cases": len(cases),
            "cases_passed": sum(c["result"] == "pass" for c in cases),
            "failed_requirements": failed,
        },
        "approvals": [
            {"role": role, "name": None, "signature": None, "date": None} for role in ROLES
        ],
    }


def environment(session: Session) -> dict[str, Any]:
    """Python, the operating system and the version of every library qmslint runs on."""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "os": platform.system(),
        "os_release": platform.release(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "dependencies": _dependencies(),
    }


def _dependencies() -> list[dict[str, str]]:
    """qmslint's runtime requirements as installed here (extras such as `test` left out)."""
    try:
        required = metadata.requires("qmslint") or []
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        required = []
    found = []
    for requirement in required:
        if "extra ==" in requirement:
            continue
        name = re.match(r"[A-Za-z0-9._-]+", requirement)
        if name is None:
            continue
        try:
            version = metadata.version(name.group(0))
        except metadata.PackageNotFoundError:
            continue  # a marker excluded it here (tomli on Python 3.11 and later)
        found.append({"name": name.group(0), "version": version})
    return sorted(found, key=lambda item: item["name"].lower())


def _packs(session: Session, suites: set[str]) -> list[dict[str, Any]]:
    plugin_of = {source.path.resolve(): source.plugin for source in session.host.pack_sources}
    packs = []
    for pack in session.ruleset.packs:
        plugin = plugin_of.get(pack.path.resolve())
        packs.append(
            {
                "name": pack.name,
                "version": pack.version,
                "origin": pack.origin,
                "plugin": plugin,
                "file": pack.path.name,
                "sha256": content_hash(pack.path),
                "validated_by": _validating_suite(pack.origin, plugin, suites),
            }
        )
    return packs


def _validating_suite(origin: str, plugin: str | None, suites: set[str]) -> str | None:
    """A pack's own plugin's suite; qmslint's own suite (`core`) validates every built-in pack."""
    if plugin in suites:
        return plugin
    return CORE if origin == "built-in" and CORE in suites else None


def _suite(suite: Suite, results: list[CaseResult]) -> dict[str, Any]:
    by_case = {result.case.id: result for result in results}
    requirements = []
    for requirement in suite.requirements.values():
        cases = [case.id for case in suite.cases_of(requirement.id)]
        passed = all(by_case[case].passed for case in cases)
        requirements.append(
            {
                "id": requirement.id,
                "area": requirement.area,
                "text": requirement.text,
                "references": list(requirement.references),
                "cases": cases,
                "result": "pass" if passed else "fail",
            }
        )
    return {
        "name": suite.name,
        "version": suite.version,
        "sha256": suite.sha256,
        "files": [path.name for path in suite.files],
        "requirements": requirements,
        "cases": [_case(by_case[case.id]) for case in suite.cases],
    }


def _case(result: CaseResult) -> dict[str, Any]:
    case = result.case
    return {
        "id": case.id,
        "title": case.title,
        "verifies": list(case.verifies),
        "command": "qmslint " + " ".join(case.run),
        "files": sorted(case.files),
        "base": case.base,
        "expected": case.expect.as_data(),
        "actual": result.actual,
        "result": "pass" if result.passed else "fail",
        "problems": result.problems,
        "seconds": result.seconds,
        "stdout": "" if result.passed else result.stdout,
        "stderr": "" if result.passed else result.stderr,
    }


def coverage(ruleset: RuleSet, cases: Iterable[Case]) -> dict[str, Any]:
    """Which cases exercise each check kind (through the rules they expect or rule out) and
    each profile (named with --profile or in the case's config); what none exercises."""
    kinds: dict[str, set[str]] = {}
    profiles: dict[str, set[str]] = {}
    for case in cases:
        expect = case.expect
        named = {f.rule for f in (*expect.findings, *expect.suppressed)} | set(expect.absent)
        for rule_id in named:
            rule = ruleset.rules.get(rule_id)
            if rule is not None and rule.kind is not None:
                kinds.setdefault(rule.kind, set()).add(case.id)
        for profile in profiles_of(case):
            profiles.setdefault(profile, set()).add(case.id)
    every_kind = {rule.kind for rule in ruleset.rules.values() if rule.kind is not None}
    return {
        "check_kinds": {kind: sorted(ids) for kind, ids in sorted(kinds.items())},
        "profiles": {name: sorted(ids) for name, ids in sorted(profiles.items())},
        "check_kinds_not_covered": sorted(every_kind - kinds.keys()),
        "profiles_not_covered": sorted(ruleset.profiles.keys() - profiles.keys()),
    }


def profiles_of(case: Case) -> set[str]:
    """The profiles a case runs: named on its command line (`--profile`, gap's `--from` and
    `--to`), else its config's, else the default one, for the verbs that run rules."""
    run = case.run
    named = {run[i + 1] for i, word in enumerate(run[:-1]) if word in _PROFILE_OPTIONS}
    if named or not run or run[0] not in _RULE_VERBS:
        return named
    config = case.files.get(".qmslint.yaml")
    try:
        loaded = yamlsafe.load(config.decode("utf-8")) if config is not None else None
    except (yamlsafe.YamlProblem, UnicodeDecodeError):
        return set()
    value = loaded.value.get("profiles") if loaded and isinstance(loaded.value, dict) else None
    if isinstance(value, list) and value:
        return {str(name) for name in value}
    return set(DEFAULT_PROFILES)


_PROFILE_OPTIONS = ("--profile", "--from", "--to")
_RULE_VERBS = ("check", "baseline", "matrix", "gap")


def render_json(evidence: dict[str, Any]) -> str:
    return json.dumps(evidence, indent=2, ensure_ascii=False) + "\n"


def render_html(evidence: dict[str, Any]) -> str:
    from qmslint.formatters.html import templates

    template = templates().get_template("validation.html.j2")
    return template.render(evidence=evidence)
