"""`--format html`: one self-contained report, opened in a real headless browser."""

from __future__ import annotations

import re
from pathlib import Path

import browser

from qmslint.testing import Qms

TODAY = "2026-11-21"


def _qms(qms: Qms) -> None:
    qms.config(
        profiles=["iso13485"],
        waivers=[
            {
                "rule": "ISO101",
                "justification": "Validation of the eQMS is done by <b>IT</b> under VAL-1.",
                "approved_by": "Head of QA",
                "expires": "2027-03-31",
            }
        ],
    )
    qms.effective("SOP-001", ["iso13485:4.2.4"], related=["<script>alert('x')</script>"])
    qms.doc("qms/SOP-002.md", id="SOP-002", title="Draft & co", type="procedure", status="draft")


def test_html_report_opens_in_a_browser_with_everything_an_auditor_needs(
    qms: Qms, tmp_path: Path
) -> None:
    _qms(qms)
    result = qms.run("check", "--today", TODAY, "-o", "html:report.html", "-o", "json:r.json")
    assert result.exit_code == 1, result.stderr
    page = qms.root / "report.html"
    parsed = browser.dom(page, tmp_path / "profile")
    collected = browser.Collected(parsed)
    assert "script" not in collected.tags  # a value from a document stays text
    assert not [link for link in collected.links if not link.startswith("#")]  # self-contained
    text = re.sub(r"<[^>]+>", " ", parsed)
    assert "&lt;script&gt;alert" in parsed
    assert re.search(
        r"suppressed \(waiver\): Validation of the eQMS is done by &lt;b&gt;IT", parsed
    )
    assert "approved by Head of QA" in text and "until 2027-03-31" in text
    for section in ("summary", "by-severity", "by-document", "provenance"):
        assert f'id="{section}"' in parsed
    assert "document-control" in text and "iso13485" in text and TODAY in text
    errors = re.search(r'id="count-errors"><b>(\d+)</b>', parsed)
    assert errors is not None and int(errors.group(1)) >= 1
    browser.screenshot(page, tmp_path / "profile", tmp_path / "report.png")


def test_html_report_of_a_clean_qms_says_so(qms: Qms, tmp_path: Path) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-001", ["iso13485:4.2.4"])
    result = qms.run("check", "--today", TODAY, "--format", "html")
    assert result.exit_code == 0, result.stderr
    page = tmp_path / "clean.html"
    page.write_text(result.stdout, encoding="utf-8")
    parsed = browser.dom(page, tmp_path / "profile")
    assert 'id="count-errors"><b>0</b>' in parsed and "No findings." in parsed
