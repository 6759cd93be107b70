"""A validation suite as data: requirements, the cases that verify them, and their repositories.

A plugin declares its suite files through the `qmslint_validation_suites` hook (the built-in
`core` plugin declares qmslint's own); all files of one plugin make one suite, named after the
plugin. Each file is validated against schemas/validation-suite.schema.json, and every mistake
(an unknown requirement, a duplicate id, a missing base repository) names file:line:col.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qmslint.errors import UserError
from qmslint.model import Position
from qmslint.read import validation
from qmslint.support import safe_open

SCHEMA = "validation-suite.schema.json"


@dataclass(frozen=True)
class Requirement:
    id: str
    text: str
    area: str = ""
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExpectedFinding:
    rule: str
    path: str | None = None
    line: int | None = None
    severity: str | None = None
    message: str | None = None
    any_path: bool = True  # `path` left out: any path (or the repository) matches

    def describe(self) -> str:
        where = "" if self.any_path else f" at {self.path or '<repository>'}"
        where += f":{self.line}" if self.line else ""
        extra = f" ({self.severity})" if self.severity else ""
        text = f' "{self.message}"' if self.message else ""
        return f"{self.rule}{where}{extra}{text}"


@dataclass(frozen=True)
class Expectation:
    exit: int
    output: str | None = None
    findings: tuple[ExpectedFinding, ...] = ()
    only: bool = False
    absent: tuple[str, ...] = ()
    suppressed: tuple[ExpectedFinding, ...] = ()
    stdout: tuple[str, ...] = ()
    stderr: tuple[str, ...] = ()
    stderr_excludes: tuple[str, ...] = ()
    files: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def as_data(self) -> dict[str, Any]:
        """What the evidence report shows as the expected result."""
        return {
            "exit": self.exit,
            "output": self.output,
            "findings": [f.describe() for f in self.findings],
            "only": self.only,
            "absent": list(self.absent),
            "suppressed": [f.describe() for f in self.suppressed],
            "stdout": list(self.stdout),
            "stderr": list(self.stderr),
            "stderr_excludes": list(self.stderr_excludes),
            "files": {path: list(texts) for path, texts in self.files.items()},
        }


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    verifies: tuple[str, ...]
    run: tuple[str, ...]
    expect: Expectation
    files: dict[str, bytes]  # the whole repository, base included
    base: str | None = None
    where: str = ""  # file:line of the case in its suite file


@dataclass
class Suite:
    """All validation files of one plugin."""

    name: str  # the plugin's name
    version: str  # the plugin's version
    files: list[Path] = field(default_factory=list)
    sha256: str = ""  # over the suite's files, as read
    intended_use: str = ""
    requirements: dict[str, Requirement] = field(default_factory=dict)
    cases: list[Case] = field(default_factory=list)

    def cases_of(self, requirement: str) -> list[Case]:
        return [case for case in self.cases if requirement in case.verifies]


def load_suite(name: str, version: str, paths: list[Path]) -> Suite:
    """One plugin's suite from its files (raises UserError naming file:line:col)."""
    suite = Suite(name=name, version=version, files=list(paths))
    digest = hashlib.sha256()
    loaded = []
    for path in paths:
        shown = f"{path} (validation suite of {name})"
        try:
            digest.update(path.name.encode("utf-8", "surrogateescape") + b"\0")
            digest.update(safe_open.read_regular(path))
        except OSError as exc:
            raise UserError(
                f"cannot read the validation suite: {exc.strerror}", where=shown
            ) from None
        data = validation.read_yaml_mapping(path, str(path), "validation suite")
        if data is None:
            continue
        validation.check(data.value, SCHEMA, str(path), data.positions)
        loaded.append((path, data.value, data.positions))
    suite.sha256 = digest.hexdigest()
    repositories: dict[str, dict[str, bytes]] = {}
    for path, data, positions in loaded:
        for repo_name, files in data.get("repositories", {}).items():
            _unique(repo_name, repositories, _at(path, positions, "repositories", repo_name))
            repositories[repo_name] = _contents(files, path, positions, ("repositories", repo_name))
        if "intended_use" in data:
            suite.intended_use = data["intended_use"].strip()
        for index, entry in enumerate(data.get("requirements", [])):
            where = _at(path, positions, "requirements", index)
            _unique(entry["id"], suite.requirements, where)
            suite.requirements[entry["id"]] = Requirement(
                id=entry["id"],
                text=" ".join(entry["text"].split()),
                area=entry.get("area", ""),
                references=tuple(entry.get("references", ())),
            )
    seen: dict[str, str] = {}
    for path, data, positions in loaded:
        for index, entry in enumerate(data.get("cases", [])):
            where = _at(path, positions, "cases", index)
            _unique(entry["id"], seen, where)
            seen[entry["id"]] = where
            suite.cases.append(_case(entry, index, path, positions, suite, repositories))
    for requirement in suite.requirements.values():
        if not suite.cases_of(requirement.id):
            raise UserError(
                f"requirement {requirement.id} of the validation suite '{name}' has no case",
                hint="a requirement is verified by at least one case (`verifies: [...]`)",
            )
    return suite


def _case(
    entry: dict[str, Any],
    index: int,
    path: Path,
    positions: dict[tuple, Position],
    suite: Suite,
    repositories: dict[str, dict[str, bytes]],
) -> Case:
    key = ("cases", index)
    for number, requirement in enumerate(entry["verifies"]):
        if requirement not in suite.requirements:
            raise UserError(
                f"case {entry['id']} verifies {requirement}, which is no requirement of the "
                f"suite '{suite.name}'",
                where=_at(path, positions, *key, "verifies", number),
            )
    files: dict[str, bytes] = {}
    base = entry.get("base")
    if base is not None:
        if base not in repositories:
            raise UserError(
                f"case {entry['id']} starts from repository '{base}', which the suite lacks",
                where=_at(path, positions, *key, "base"),
            )
        files.update(repositories[base])
    for number, removed in enumerate(entry.get("remove", [])):
        if removed not in files:
            raise UserError(
                f"case {entry['id']} removes {removed}, which its base does not hold",
                where=_at(path, positions, *key, "remove", number),
            )
        del files[removed]
    files.update(_contents(entry.get("files", {}), path, positions, (*key, "files")))
    expect = entry["expect"]
    return Case(
        id=entry["id"],
        title=entry["title"],
        verifies=tuple(entry["verifies"]),
        run=tuple(entry["run"]),
        files=files,
        base=base,
        where=_at(path, positions, *key),
        expect=Expectation(
            exit=expect["exit"],
            output=expect.get("output"),
            findings=tuple(_expected(f) for f in expect.get("findings", [])),
            only=expect.get("only", False),
            absent=tuple(expect.get("absent", [])),
            suppressed=tuple(_expected(f) for f in expect.get("suppressed", [])),
            stdout=tuple(expect.get("stdout", [])),
            stderr=tuple(expect.get("stderr", [])),
            stderr_excludes=tuple(expect.get("stderr_excludes", [])),
            files={name: tuple(texts) for name, texts in expect.get("files", {}).items()},
        ),
    )


def _expected(entry: dict[str, Any]) -> ExpectedFinding:
    return ExpectedFinding(
        rule=entry["rule"],
        path=entry.get("path"),
        line=entry.get("line"),
        severity=entry.get("severity"),
        message=entry.get("message"),
        any_path="path" not in entry,
    )


def _contents(
    files: dict[str, Any], path: Path, positions: dict[tuple, Position], key: tuple
) -> dict[str, bytes]:
    contents = {}
    for name, value in files.items():
        if isinstance(value, str):
            contents[name] = value.encode("utf-8")
            continue
        try:
            contents[name] = base64.b64decode(value["base64"], validate=True)
        except (binascii.Error, ValueError):
            raise UserError(
                f"{name}: not base64", where=_at(path, positions, *key, name, "base64")
            ) from None
    return contents


def _unique(identifier: str, seen: dict, where: str) -> None:
    if identifier in seen:
        raise UserError(f"'{identifier}' is defined twice in the validation suite", where=where)


def _at(path: Path, positions: dict[tuple, Position], *key: Any) -> str:
    position = positions.get(tuple(key), Position(1, 1))
    return f"{path}:{position.line}:{position.column}"
