"""The findings an output carries, read back from the text qmslint wrote in each format.

A validation case compares findings in whatever format it asked for, so that every format is
verified to carry the same findings (rule, path, line, severity) that the check decided. The
readers here parse qmslint's published formats as a CI system would, with the standard library
only: JSON, SARIF, GitLab Code Quality, GitHub workflow commands, JUnit XML and text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree import ElementTree


class Unreadable(Exception):
    """The output is not what its format promises."""


@dataclass(frozen=True)
class ActualFinding:
    rule: str
    path: str | None
    line: int | None
    severity: str
    message: str
    suppressed: bool = False

    def describe(self) -> str:
        where = self.path or "<repository>"
        if self.line:
            where += f":{self.line}"
        state = ", suppressed" if self.suppressed else ""
        return f"{self.rule} at {where} ({self.severity}{state}): {self.message}"


def from_json(text: str) -> list[ActualFinding]:
    report = _json(text)
    try:
        return [
            ActualFinding(
                rule=f["rule"],
                path=f["path"],
                line=f["line"],
                severity=f["severity"],
                message=f["message"],
                suppressed=f["suppressed"] is not None,
            )
            for f in report["findings"]
        ]
    except (KeyError, TypeError) as exc:
        raise Unreadable(f"not a qmslint JSON report ({exc!r})") from None


_SARIF_LEVELS = {"error": "error", "warning": "warning", "note": "info", "none": "info"}


def from_sarif(text: str) -> list[ActualFinding]:
    log = _json(text)
    found = []
    try:
        if log["version"] != "2.1.0":
            raise Unreadable(f"SARIF version {log['version']!r}, not 2.1.0")
        for result in log["runs"][0]["results"]:
            path = line = None
            locations = result.get("locations") or []
            if locations and not result.get("properties", {}).get("repositoryLevel"):
                physical = locations[0]["physicalLocation"]
                path = physical["artifactLocation"]["uri"]
                line = physical.get("region", {}).get("startLine")
            severity = result.get("properties", {}).get("severity") or _SARIF_LEVELS.get(
                result.get("level", "warning"), "warning"
            )
            found.append(
                ActualFinding(
                    rule=result["ruleId"],
                    path=path,
                    line=line,
                    severity=severity,
                    message=result["message"]["text"],
                    suppressed=bool(result.get("suppressions")),
                )
            )
    except (KeyError, TypeError, IndexError) as exc:
        raise Unreadable(f"not a SARIF log ({exc!r})") from None
    return found


_GITLAB_SEVERITIES = {"blocker": "error", "critical": "error", "major": "error"}
_GITLAB_SEVERITIES |= {"minor": "warning", "info": "info"}


def from_gitlab(text: str) -> list[ActualFinding]:
    """GitLab needs a path for every issue: a repository-level one names the config file and
    says "(repository-level)" in its description."""
    issues = _json(text)
    found = []
    try:
        for issue in issues:
            repository_level = "(repository-level)" in issue["description"]
            found.append(
                ActualFinding(
                    rule=issue["check_name"],
                    path=None if repository_level else issue["location"]["path"],
                    line=None if repository_level else issue["location"]["lines"]["begin"],
                    severity=_GITLAB_SEVERITIES.get(issue["severity"], issue["severity"]),
                    message=issue["description"],
                )
            )
    except (KeyError, TypeError) as exc:
        raise Unreadable(f"not a GitLab Code Quality report ({exc!r})") from None
    return found


_GITHUB = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")
_GITHUB_LEVELS = {"error": "error", "warning": "warning", "notice": "info"}


def from_github(text: str) -> list[ActualFinding]:
    found = []
    for line in text.splitlines():
        match = _GITHUB.match(line)
        if not match:
            continue
        level, properties, message = match.groups()
        fields = dict(part.split("=", 1) for part in (properties or "").split(",") if "=" in part)
        title = fields.get("title", "")
        found.append(
            ActualFinding(
                rule=title.split(" ", 1)[0],
                path=fields.get("file"),
                line=int(fields["line"]) if "line" in fields else None,
                severity=_GITHUB_LEVELS[level],
                message=message,
            )
        )
    return found


def from_junit(text: str) -> list[ActualFinding]:
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except ElementTree.ParseError as exc:
        raise Unreadable(f"not XML ({exc})") from None
    found = []
    for case in root.iter("testcase"):
        failure = case.find("failure")
        if failure is None:
            continue
        rule = (case.get("classname") or "").removeprefix("qmslint.")
        line = case.get("line")
        found.append(
            ActualFinding(
                rule=rule,
                path=case.get("file"),
                line=int(line) if line else None,
                severity=failure.get("type", "error"),
                message=failure.get("message", ""),
            )
        )
    return found


_TEXT = re.compile(
    r"^(?:(?P<repo><repository>)|(?P<path>.+?):(?P<line>\d+):\d+):"
    r" (?P<rule>[A-Z][A-Z0-9-]*\d+) (?P<severity>error|warning|info) (?P<message>.*)$"
)


def from_text(text: str) -> list[ActualFinding]:
    found = []
    for line in text.splitlines():
        match = _TEXT.match(line)
        if match:
            found.append(
                ActualFinding(
                    rule=match["rule"],
                    path=None if match["repo"] else match["path"],
                    line=None if match["repo"] else int(match["line"]),
                    severity=match["severity"],
                    message=match["message"],
                )
            )
    return found


READERS: dict[str, Callable[[str], list[ActualFinding]]] = {
    "json": from_json,
    "sarif": from_sarif,
    "sarif-audit": from_sarif,
    "gitlab": from_gitlab,
    "github": from_github,
    "junit": from_junit,
    "text": from_text,
}


def format_of(argv: tuple[str, ...]) -> str:
    """The output format a `check` command line asks for (text when none is named)."""
    for index, word in enumerate(argv):
        if word == "--format" and index + 1 < len(argv):
            return argv[index + 1]
        if word.startswith("--format="):
            return word.partition("=")[2]
    return "text"


def _json(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unreadable(f"not JSON ({exc})") from None
