"""Every machine-readable output names the packs (with versions) that judged the QMS."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from qmslint import __version__
from qmslint.testing import Qms

PACKS = {"document-control", "iso13485", "mdr", "fda-qmsr", "iso9001"}


def outputs(qms: Qms) -> dict[str, str]:
    qms.config(profiles=["mdr"])
    qms.effective("SOP-1", ["iso13485:4.2.4"])
    names = ("json", "sarif", "junit", "markdown")
    result = qms.run("check", "--today", "2026-11-21", *[f"-o{n}:{n}.out" for n in names])
    assert result.exit_code == 1, result.stderr
    return {name: (qms.root / f"{name}.out").read_text() for name in names}


def test_packs_and_versions_in_every_report(qms: Qms) -> None:
    out = outputs(qms)
    report = json.loads(out["json"])
    assert {p["name"] for p in report["tool"]["packs"]} >= PACKS
    sarif = json.loads(out["sarif"])
    extensions = {e["name"]: e.get("version") for e in sarif["runs"][0]["tool"]["extensions"]}
    assert set(extensions) >= PACKS
    properties = {
        p.get("name"): p.get("value") for p in ET.fromstring(out["junit"]).iter("property")
    }
    assert {f"pack.{name}" for name in PACKS} <= set(properties)
    assert properties["qmslint.version"] == __version__
    assert all(f"`{name}`" in out["markdown"] for name in PACKS)
