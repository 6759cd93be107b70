"""The auditor's HTML (issue 11): the check report with the coverage matrix and the gap, and the
`matrix` and `gap` pages, opened in real headless Chromium with every network request logged;
none may be made by the page. Screenshots are kept under pytest's tmp_path."""

from __future__ import annotations

import json
import re
from pathlib import Path

import browser

from qmslint.testing import Qms

TODAY = "2026-11-21"


def _parsed(html: str) -> browser.Collected:
    return browser.Collected(html)


def open_offline(page: Path, profile: Path) -> tuple[str, list[str]]:
    """The DOM as Chromium built it, and the URLs the page asked for: Chromium runs with a
    proxy that goes nowhere and writes every request to a net log, in which requests the page
    makes carry its (opaque, file://) origin as initiator and the browser's own do not."""
    log = profile.parent / f"{page.stem}.netlog.json"
    done = browser._run(
        page,
        profile,
        "--dump-dom",
        f"--log-net-log={log}",
        "--proxy-server=127.0.0.1:9",
        "--disable-background-networking",
        "--disable-component-update",
    )
    assert done.returncode == 0 and "<html" in done.stdout, done.stderr[-2000:]
    data = json.loads(log.read_text("utf-8"))
    names = {value: key for key, value in data["constants"]["logEventTypes"].items()}
    requested = [
        event["params"]["url"]
        for event in data["events"]
        if names.get(event["type"]) == "URL_REQUEST_START_JOB"
        and event.get("params", {}).get("initiator", "not an origin") != "not an origin"
    ]
    return done.stdout, requested


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
    qms.effective(
        "QM-001",
        ["iso13485:4.2.2"],
        type="manual",
        exclusions=[{"clause": "iso13485:7.5.11", "justification": "Software <i>only</i>."}],
    )
    qms.effective("SOP-001", ["iso13485:4.2.4"], title="Document control <img src=x>")
    qms.doc(
        "qms/SOP-002.md",
        id="SOP-002",
        title="Records",
        type="procedure",
        status="draft",
        clauses=["iso13485:4.2.5"],
    )


def test_check_report_holds_findings_matrix_and_gap_and_makes_no_request(
    qms: Qms, tmp_path: Path
) -> None:
    _qms(qms)
    result = qms.run("check", "--today", TODAY, "-o", "html:report.html", "-o", "json:r.json")
    assert result.exit_code == 1, result.stderr
    page = qms.root / "report.html"
    dom, requested = open_offline(page, tmp_path / "profile")
    assert requested == []
    parsed = _parsed(dom)
    assert "script" not in parsed.tags  # no script at all: the filters are CSS only
    assert not [link for link in parsed.links if not link.startswith("#")]  # self-contained
    for section in ("summary", "filters", "by-severity", "by-document", "matrix", "gap"):
        assert section in parsed.ids, section
    for toggle in ("hide-error", "hide-warning", "hide-info", "hide-suppressed", "hide-satisfied"):
        assert toggle in parsed.ids
    # findings: every unsatisfied matrix row links to its finding, which is on the page
    report = json.loads((qms.root / "r.json").read_text("utf-8"))
    for finding in report["findings"]:
        assert f"finding-{finding['fingerprint']}" in parsed.ids
    targets = [link[1:] for link in parsed.links if link.startswith("#finding-")]
    assert targets and all(target in parsed.ids for target in targets)
    text = re.sub(r"<[^>]+>", " ", dom)
    # the matrix: states and the documents that decided them, text from documents escaped
    assert "SOP-001 Document control &lt;img src=x&gt;" in dom
    assert "cited by documents not in force: SOP-002 Records (draft)" in text
    assert "excluded in QM-001: iso13485:7.5.11: Software &lt;i&gt;only&lt;/i&gt;." in dom
    # the gap to the active profile, grouped as the transition is done
    assert "Gap to iso13485" in text
    assert "ISO 13485 medical-device additions: documented procedures" in text
    # suppressed: justification and approver, in both listings
    assert text.count("approved by Head of QA") >= 2
    assert "Validation of the eQMS is done by &lt;b&gt;IT" in dom
    # provenance: pack versions with content hashes
    hashes = re.findall(r'<code class="hash">([0-9a-f]{64})</code>', dom)
    assert len(hashes) >= 2
    shot = browser.screenshot(page, tmp_path / "profile", tmp_path / "check-report.png")
    print(f"screenshot: {shot}")


def test_gap_and_matrix_pages_open_offline(qms: Qms, tmp_path: Path) -> None:
    _qms(qms)
    gap = qms.run(
        "gap", "--from", "iso9001", "--to", "mdr", "--today", TODAY,
        "--format", "html", "--output", "gap.html",
    )  # fmt: skip
    assert gap.exit_code == 1, gap.stderr
    matrix = qms.run("matrix", "--today", TODAY, "--format", "html", "--output", "matrix.html")
    assert matrix.exit_code == 0, matrix.stderr
    dom, requested = open_offline(qms.root / "gap.html", tmp_path / "profile")
    assert requested == []
    parsed = _parsed(dom)
    assert "gap" in parsed.ids and "script" not in parsed.tags
    assert not [link for link in parsed.links if not link.startswith("#")]
    assert "MDR Article 10(9), points (a)-(m)" in dom and "<b>(k)</b>" in dom
    assert "Gap from iso9001 to mdr" in dom
    dom, requested = open_offline(qms.root / "matrix.html", tmp_path / "profile")
    assert requested == []
    assert 'id="matrix"' in dom and "iso13485:4.2.4" in dom
    shot = browser.screenshot(qms.root / "gap.html", tmp_path / "profile", tmp_path / "gap.png")
    print(f"screenshot: {shot}")
