"""The JSON report (SPEC §7), versioned and described by schemas/report.schema.json."""

from __future__ import annotations

import json
from typing import Any

from qmslint.formatters.common import valid_utf8
from qmslint.report import PLAIN, Presentation, Report

REPORT_VERSION = 1


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "version": REPORT_VERSION,
        "tool": {
            "name": "qmslint",
            "version": report.tool_version,
            "plugins": [{"name": p.name, "version": p.version} for p in report.plugins],
            "packs": [{"name": p.name, "version": p.version} for p in report.packs],
        },
        "profiles": list(report.profiles),
        "today": report.today.isoformat(),
        "summary": report.summary(),
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity.value,
                "message": f.message,
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "document": f.document,
                "references": list(f.references),
                "fingerprint": f.fingerprint,
                "suppressed": f.suppressed,
            }
            for f in report.findings
        ],
    }


class JsonFormatter:
    name = "json"
    description = "the versioned JSON report (schemas/report.schema.json)"

    def render(self, report: Report, presentation: Presentation = PLAIN) -> str:
        text = json.dumps(report_dict(report), indent=2, ensure_ascii=False)
        return valid_utf8(text) + "\n"  # U+FFFD for a lone surrogate: always valid UTF-8
