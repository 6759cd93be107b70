"""The README's first command: qmslint on the bundled demo QMS finds what was planted there."""

from __future__ import annotations

from pathlib import Path

from qmslint.testing import run_qmslint

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo-qms"


def test_demo_qms_shows_the_planted_gaps() -> None:
    result = run_qmslint(["check", str(DEMO), "--format", "json", "--today", "2026-11-21"], DEMO)
    assert result.exit_code == 1, result.stderr
    found = {(f["rule"], f["document"]) for f in result.report["findings"]}
    assert ("MDR001", None) in found  # the vigilance procedure is still in review
    assert ("DC011", "SOP-010") in found  # internal audit procedure past its review date
    assert ("DC013", "SOP-012") in found  # cites a form that does not exist
    # the demo's metadata itself is clean: nothing unreadable, no unknown clause
    assert not [f for f in result.report["findings"] if f["rule"].startswith(("QL", "CL"))]
