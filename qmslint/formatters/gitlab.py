"""GitLab Code Quality JSON (`artifacts:reports:codequality`), a subset of Code Climate's.

Each active finding becomes

    {"description": "DC013: 'related' names SOP-9 …", "check_name": "DC013",
     "fingerprint": "…", "severity": "major",
     "location": {"path": "qms/SOP-1.md", "lines": {"begin": 7}}}

- severity: error -> `major`, warning -> `minor`, info -> `info` (GitLab's scale runs info,
  minor, major, critical, blocker; `major` is what other linters give their errors);
- fingerprint: the finding's line-independent fingerprint, unique within the file (GitLab
  keeps only the first issue of a fingerprint), so the merge-request widget tells new findings
  from fixed ones across commits;
- location: repository-relative path and line; repository-level findings are anchored at the
  config file (see `qmslint.report.anchor`), since GitLab needs a path;
- suppressed findings are left out: the widget is a gate, not an audit trail.
"""

from __future__ import annotations

import json
from typing import Any

from qmslint.formatters.common import unique_fingerprints, valid_utf8
from qmslint.model import Severity
from qmslint.report import PLAIN, Presentation, Report
from qmslint.report.anchor import located

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def code_quality(report: Report) -> list[dict[str, Any]]:
    findings = report.active
    issues = []
    for finding, fingerprint in zip(findings, unique_fingerprints(findings)):
        path, line, _column, anchored = located(finding, report)
        refs = f" [{', '.join(finding.references)}]" if finding.references else ""
        where = " (repository-level)" if anchored else ""
        rule = report.rules.get(finding.rule)
        issue: dict[str, Any] = {
            "type": "issue",
            "description": f"{finding.rule}{where}: {finding.message}{refs}",
            "check_name": finding.rule,
            "fingerprint": fingerprint,
            "severity": SEVERITIES[finding.severity],
            "location": {"path": path, "lines": {"begin": line}},
        }
        if rule is not None:
            issue["content"] = {"body": f"{rule.title}. {rule.explanation}\n\nFix: {rule.fix}"}
        issues.append(issue)
    return issues


class GitlabFormatter:
    name = "gitlab"
    description = "GitLab Code Quality JSON (merge-request widget)"

    def render(self, report: Report, presentation: Presentation = PLAIN) -> str:
        return valid_utf8(json.dumps(code_quality(report), indent=2, ensure_ascii=False)) + "\n"
