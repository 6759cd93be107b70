from qmslint.testing import Qms


def test_clean_controlled_document_has_no_document_control_findings(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-001", ["iso13485:4.2.4"])
    result = qms.check()
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.findings == []
    assert result.report["summary"]["documents"] == 1
