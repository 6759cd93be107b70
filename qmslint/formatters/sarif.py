"""SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer).

Two formats:

- `sarif`: the upload file. GitHub code scanning ignores SARIF `suppressions`, so a waived
  finding would come back as an open alert; suppressed findings are therefore left out.
- `sarif-audit`: every finding, the suppressed ones carrying a `suppressions` entry with the
  waiver's justification, approver and expiry (for auditors and SARIF viewers, not for upload).
  With `--no-suppressions` nothing is suppressed and both formats hold the same results.

What GitHub needs and how it is met:

- rule metadata: `tool.driver.rules` holds every active rule with `shortDescription` (title),
  `fullDescription` (explanation), `help` (text and markdown: explanation, fix, references),
  `defaultConfiguration.level` and `properties.tags` (the clause ids the rule enforces);
- locations: repository-relative, percent-encoded URIs with `uriBaseId: "%SRCROOT%"` and a
  `region` (line, column). Repository-level findings are anchored at the config file (see
  `qmslint.report.anchor`): GitHub refuses a result without a physical location;
- `partialFingerprints`: `primaryLocationLineHash` and `qmslint/v1` both hold the finding's own
  fingerprint (rule + document + subject, never the line), made unique within the run. Setting
  `primaryLocationLineHash` ourselves keeps `upload-sarif` from computing one from the line's
  text, which would change with any edit of that line and would tell repository-level findings
  anchored on the same line apart only by their order;
- levels: error -> `error`, warning -> `warning`, info -> `note`.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from qmslint.formatters.common import unique_fingerprints, valid_utf8
from qmslint.model import Finding, Severity
from qmslint.report import PLAIN, Presentation, Report
from qmslint.report.anchor import located

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "qmslint/v1"
SRCROOT = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
MAX_TAGS = 20


def uri(path: str) -> str:
    """A repository-relative POSIX path as a relative URI reference (spaces, ':' … encoded).

    A byte that is not UTF-8 (decoded as a surrogate escape) is encoded as that byte; any other
    lone surrogate, which no file name read from disk holds, as its code point's bytes."""
    try:
        return quote(path, safe="/", errors="surrogateescape")
    except UnicodeEncodeError:
        return quote(path, safe="/", errors="surrogatepass")


def sarif_log(report: Report, audit: bool = False) -> dict[str, Any]:
    findings = report.findings if audit else report.active
    fingerprints = unique_fingerprints(findings)
    rule_ids = list(report.rules)
    for finding in findings:  # a finding of a rule outside the active set still needs metadata
        if finding.rule not in report.rules and finding.rule not in rule_ids:
            rule_ids.append(finding.rule)
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "qmslint",
                "version": report.tool_version,
                "rules": [_rule(report, rule_id) for rule_id in rule_ids],
            },
            "extensions": [  # plugins and rule packs may share a name: kind tells them apart
                {"name": component.name, "version": component.version, "properties": {"kind": kind}}
                for kind, components in (("plugin", report.plugins), ("pack", report.packs))
                for component in components
            ],
        },
        "columnKind": "unicodeCodePoints",
        "results": [
            _result(report, finding, index[finding.rule], fingerprint, audit)
            for finding, fingerprint in zip(findings, fingerprints)
        ],
        "invocations": [_invocation(report, index)],
        "properties": {
            "profiles": list(report.profiles),
            "today": report.today.isoformat(),
            "summary": report.summary(),
            "notApplicable": list(report.not_applicable),
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _invocation(report: Report, index: dict[str, int]) -> dict[str, Any]:
    """Whether every check ran; a check function that failed is a tool notification."""
    invocation: dict[str, Any] = {"executionSuccessful": not report.failed_checks}
    notifications = []
    for rule_id, message in sorted(report.failed_checks.items()):
        notification: dict[str, Any] = {"level": "error", "message": {"text": message}}
        if rule_id in index:
            notification["associatedRule"] = {"id": rule_id, "index": index[rule_id]}
        notifications.append(notification)
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def _rule(report: Report, rule_id: str) -> dict[str, Any]:
    rule = report.rules.get(rule_id)
    if rule is None:
        return {"id": rule_id, "shortDescription": {"text": rule_id}}
    references = list(rule.references)
    help_text = f"{rule.explanation}\n\nHow to fix: {rule.fix}"
    help_markdown = f"{rule.explanation}\n\n**How to fix:** {rule.fix}"
    if references:
        help_text += f"\n\nReferences: {', '.join(references)}"
        help_markdown += "\n\n**References:**\n\n" + "\n".join(
            f"- `{reference}`{_clause_title(reference)}" for reference in references
        )
    help_markdown += f"\n\nRun `qmslint explain {rule.id}` for the profiles that include it."
    tags = list(dict.fromkeys([*references, *rule.tags]))[:MAX_TAGS]
    properties: dict[str, Any] = {"tags": tags, "pack": rule.pack}
    if report.rule_profiles.get(rule.id):  # filled when the run counted per profile
        properties["profiles"] = report.rule_profiles[rule.id]
    return {
        "id": rule.id,
        "name": _camel(rule.title) or rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.explanation},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": properties,
    }


def _result(
    report: Report, finding: Finding, rule_index: int, fingerprint: str, audit: bool
) -> dict[str, Any]:
    path, line, column, anchored = located(finding, report)
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(path), "uriBaseId": SRCROOT},
                    "region": {"startLine": line, "startColumn": column},
                }
            }
        ],
        "partialFingerprints": {
            "primaryLocationLineHash": fingerprint,
            FINGERPRINT_KEY: fingerprint,
        },
        "properties": {
            "severity": finding.severity.value,
            "references": list(finding.references),
            "document": finding.document,
            "repositoryLevel": anchored,
        },
    }
    if anchored:
        result["locations"][0]["message"] = {
            "text": "repository-level finding: it concerns the whole QMS, not this file"
        }
    if audit and finding.suppressed is not None:
        result["suppressions"] = [_suppression(finding)]
    return result


def _suppression(finding: Finding) -> dict[str, Any]:
    """A waiver (or baseline entry) as a SARIF suppression, located where it is written.

    A waiver in the front matter of the document it waives is `inSource`; one in the config,
    and a baseline entry, are `external`.
    """
    waiver = finding.suppressed or {}
    source = waiver.get("source")
    in_source = waiver.get("kind") == "waiver" and source is not None and source == finding.path
    entry: dict[str, Any] = {
        "kind": "inSource" if in_source else "external",
        "status": "accepted",
        "justification": str(waiver.get("justification") or ""),
    }
    if isinstance(source, str) and source and not source.startswith("/"):
        location: dict[str, Any] = {"artifactLocation": {"uri": uri(source), "uriBaseId": SRCROOT}}
        if isinstance(waiver.get("line"), int) and waiver["line"] >= 1:
            location["region"] = {"startLine": waiver["line"]}
        entry["location"] = {"physicalLocation": location}
    extra = {key: _plain(value) for key, value in waiver.items() if key != "justification"}
    if extra:
        entry["properties"] = extra
    return entry


def _plain(value: Any) -> Any:
    """JSON-safe copy of a waiver value (dates become ISO strings)."""
    return json.loads(json.dumps(value, default=str))


def _clause_title(reference: str) -> str:
    try:
        from qmslint.clauses import parse, shipped

        title = shipped().title(parse(reference))
    except Exception:  # a missing title only shortens the help text
        return ""
    return f" {title}" if title else ""


def _camel(title: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", title))


class SarifFormatter:
    name = "sarif"
    description = "SARIF 2.1.0 for GitHub code scanning (suppressed findings left out)"
    audit = False

    def render(self, report: Report, presentation: Presentation = PLAIN) -> str:
        log = sarif_log(report, audit=self.audit)
        return valid_utf8(json.dumps(log, indent=2, ensure_ascii=False)) + "\n"


class SarifAuditFormatter(SarifFormatter):
    name = "sarif-audit"
    description = "SARIF 2.1.0 with suppressed findings kept, marked with their waiver"
    audit = True
