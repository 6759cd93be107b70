"""NB-X's rules, tested the way qmslint runs them: a small QMS in a temporary folder, then
`qmslint check`. The `qms` fixture comes from qmslint's pytest plugin (installed with qmslint);
the pack must be installed too (`pip install -e .`), as users will have it.
"""

from __future__ import annotations

from qmslint.testing import Qms

EU_DEVICE = {"id": "APP-1", "name": "Glucose app", "markets": ["EU"], "eu_class": "IIa"}


def nb_x(qms: Qms) -> None:
    qms.config(profiles=["nb-x"], devices=[EU_DEVICE])


def test_the_pack_is_loaded_with_its_version(qms: Qms) -> None:
    nb_x(qms)
    result = qms.check()
    packs = {p["name"]: p["version"] for p in result.report["tool"]["packs"]}
    assert packs["nb-x"] == "1.0.0"
    assert "pack nb-x 1.0.0" in qms.run("--version").stdout


def test_author_approving_alone_fires_the_python_check(qms: Qms) -> None:
    nb_x(qms)
    qms.effective("SOP-001", author="Ann Lee", approvers=["ann lee"], owner="QA")
    qms.effective("SOP-002", author="Ann Lee", approvers=["Ann Lee", "Bo Chan"], owner="QA")
    result = qms.check()
    [finding] = result.assert_fires("NBX001", document="SOP-001", severity="error")
    assert finding["line"] is not None and "second person" in finding["message"]
    result.assert_silent("NBX001", document="SOP-002")


def test_unannounced_audit_procedure(qms: Qms) -> None:
    nb_x(qms)
    qms.check().assert_fires("NBX002", severity="warning")
    qms.effective("SOP-003", ["mdr:annex9.3"], owner="QA")
    qms.check().assert_silent("NBX002")


def test_process_owner(qms: Qms) -> None:
    nb_x(qms)
    qms.effective("SOP-004")
    qms.check().assert_fires("NBX003", document="SOP-004")


def test_the_profile_extends_mdr_and_changes_severities(qms: Qms) -> None:
    qms.config(profiles=["nb-x"])  # no devices declared
    result = qms.check()
    result.assert_fires("DV001", severity="error")  # a warning in mdr, an error for NB-X
    result.assert_fires("ISO102")  # mdr's rules (through iso13485) are all there
    qms.effective("SOP-005", owner="QA", last_reviewed="2024-12-01")  # review due in 10 days
    result = qms.check()
    result.assert_silent("DC012")  # switched off by NB-X
    assert qms.check(profile="mdr").fired("DC012")  # but still on in plain mdr
