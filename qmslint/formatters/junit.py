"""JUnit XML for GitLab (`artifacts:reports:junit`) and Jenkins (the `junit` step).

The layout, one rule = one suite, one document = one test case:

    <testsuites name="qmslint" tests failures errors skipped time>
      <testsuite name="DC013" tests failures errors skipped time>       one per active rule
        <testcase classname="qmslint.DC013" name="qms/SOP-1.md" file="qms/SOP-1.md" line="7">
          <failure type="error" message="first message">every finding, one per line</failure>
        </testcase>
        <testcase classname="qmslint.DC013" name="&lt;repository&gt;"> (repository-level)
        <testcase classname="qmslint.DC013" name="all documents"/>     (a rule that passed)

- A (rule, document) pair with active findings is a failed test case; its `failure` holds the
  first message as `message` and every finding as `path:line:col: RULE severity message
  [references]` lines, so file, line and message show in GitLab's and Jenkins' test views.
  The test case's `file` and `line` attributes (as pytest writes them) let GitLab link the file.
- A pair whose findings are all suppressed is a skipped test case, the waiver's justification
  as its message.
- A rule without findings is one passing test case, so the report counts what was checked;
  skipped if the rule did not apply (its condition on devices or markets does not hold), an
  `error` if its check function failed.
- Findings of every severity are failures (`type` names the severity); `--fail-on` decides the
  exit code, not this file.
- No timestamps or host names: the output is deterministic.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from qmslint.formatters.text import REPOSITORY, location
from qmslint.model import Finding
from qmslint.report import PLAIN, Presentation, Report

PASSED = "all documents"
NOT_APPLICABLE = "not applicable: the rule's condition (devices, markets) does not hold here"
# characters XML 1.0 cannot hold at all (a message may quote bytes from a broken file)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _line(finding: Finding) -> str:
    refs = f" [{', '.join(finding.references)}]" if finding.references else ""
    text = f"{location(finding)}: {finding.rule} {finding.severity.value} {finding.message}{refs}"
    if finding.suppressed is not None:
        text += f" (suppressed: {finding.suppressed.get('justification', '')})"
    return _clean(text)


def junit_tree(report: Report) -> ET.Element:
    by_rule: dict[str, dict[str | None, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in report.findings:
        by_rule[finding.rule][finding.path].append(finding)
    rule_ids = list(report.rules) + sorted(set(by_rule) - set(report.rules))
    root = ET.Element("testsuites", name="qmslint")
    # provenance: which qmslint, profiles and packs judged the QMS (JUnit allows properties only
    # on suites, so a first suite carries them)
    about = ET.SubElement(root, "testsuite", name="qmslint", tests="0", failures="0", errors="0")
    properties = ET.SubElement(about, "properties")
    ET.SubElement(properties, "property", name="qmslint.version", value=report.tool_version)
    ET.SubElement(properties, "property", name="profiles", value=", ".join(report.profiles))
    ET.SubElement(properties, "property", name="today", value=report.today.isoformat())
    for pack in report.packs:
        ET.SubElement(properties, "property", name=f"pack.{pack.name}", value=pack.version)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for rule_id in rule_ids:
        rule = report.rules.get(rule_id)
        suite = ET.SubElement(root, "testsuite", name=rule_id)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        if rule is not None:
            properties = ET.SubElement(suite, "properties")
            ET.SubElement(properties, "property", name="title", value=_clean(rule.title))
            ET.SubElement(properties, "property", name="severity", value=rule.severity.value)
            ET.SubElement(
                properties, "property", name="references", value=", ".join(rule.references)
            )
        groups = by_rule.get(rule_id, {})
        if not groups:
            case = ET.SubElement(
                suite, "testcase", classname=f"qmslint.{rule_id}", name=PASSED, time="0"
            )
            counts["tests"] += 1
            if rule_id in report.failed_checks:  # the check itself broke: a JUnit error
                counts["errors"] += 1
                message = _clean(report.failed_checks[rule_id])
                ET.SubElement(case, "error", type="check-failed", message=message).text = message
            elif rule_id in report.not_applicable:  # not "passed": it did not apply
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=NOT_APPLICABLE)
        for path, findings in sorted(
            groups.items(), key=lambda item: (item[0] is not None, item[0] or "")
        ):
            counts["tests"] += 1
            case = ET.SubElement(
                suite, "testcase", classname=f"qmslint.{rule_id}", name=_clean(path or REPOSITORY)
            )
            active = [f for f in findings if f.suppressed is None]
            if path is not None:
                first = active[0] if active else findings[0]
                case.set("file", _clean(path))
                case.set("line", str(first.line or 1))
            case.set("time", "0")
            if active:
                counts["failures"] += 1
                worst = max(active, key=lambda f: f.severity.rank)
                failure = ET.SubElement(
                    case, "failure", type=worst.severity.value, message=_clean(active[0].message)
                )
                failure.text = "\n".join(_line(f) for f in findings) + "\n"
            else:
                counts["skipped"] += 1
                reason = findings[0].suppressed or {}
                justification = _clean(str(reason.get("justification", "")))
                skipped = ET.SubElement(case, "skipped", message=f"suppressed: {justification}")
                skipped.text = "\n".join(_line(f) for f in findings) + "\n"
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", "0")
    for key in ("tests", "failures", "errors"):  # `skipped` is not a <testsuites> attribute
        root.set(key, str(totals[key]))
    root.set("time", "0")
    return root


def _repository_first(item: tuple[str | None, list[Finding]]) -> tuple[bool, str]:
    return item[0] is not None, item[0] or ""


class JunitFormatter:
    name = "junit"
    description = "JUnit XML for GitLab and Jenkins test reports (one test per rule and document)"

    def render(self, report: Report, presentation: Presentation = PLAIN) -> str:
        tree = junit_tree(report)
        ET.indent(tree)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tree, "unicode") + "\n"
