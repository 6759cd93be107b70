"""Clause mapping documents and document registers (SPEC §3.1 item 5)."""

from __future__ import annotations

import json

from qmslint.testing import Qms

MAPPING = """# Quality manual

## Clause map

| Clause | Topic | Documents |
| --- | --- | --- |
| 7.4 | Purchasing | SOP-009 |
| 8.2.4 | Internal audit | [Internal audit](../sops/audit.md) |
| 8.5.2 / 8.5.3 | CAPA | Corrective and Preventive Action |
| 7.6 | Monitoring equipment | SOP-099 |
"""


def _qms(qms: Qms, status: str = "effective") -> None:
    qms.config(profiles=["iso13485"], standard="ISO 13485:2016")
    qms.effective("SOP-009", path="qms/sops/purchasing.md", title="Purchasing")
    qms.effective("SOP-010", path="qms/sops/audit.md", title="Internal audit")
    qms.effective("SOP-011", path="qms/sops/capa.md", title="Corrective and preventive action")
    qms.doc(
        "qms/manual/QM-001.md",
        MAPPING,
        id="QM-001",
        title="Quality manual",
        type="manual",
        status=status,
        version="1",
        approvers=["CEO"],
        approved_on="2026-01-10",
        clauses=["iso13485:4.2.2"],
    )


def test_a_mapping_in_force_covers_clauses_for_the_documents_it_names(qms: Qms) -> None:
    _qms(qms)
    result = qms.check("--select", "ISO110,ISO111,ISO124,ISO125,ISO126,ISO127,ISO128,ISO129")
    missing = {f["rule"] for f in result.findings}
    assert not missing & {"ISO110"}, result.stdout  # 7.4 by id
    manual = json.loads(qms.run("show", "--format", "json", "qms/manual/QM-001.md").stdout)
    assert [c["clause"] for c in manual["documents"][0]["claims"]] == ["iso13485:4.2.2"]
    shown = json.loads(qms.run("show", "--format", "json", "qms/sops/capa.md").stdout)
    [doc] = shown["documents"]
    claims = {c["clause"] for c in doc["claims"] if c["source"].startswith("mapping")}
    assert claims == {"iso13485:8.5.2", "iso13485:8.5.3"}  # by title
    [audit] = json.loads(qms.run("show", "--format", "json", "qms/sops/audit.md").stdout)[
        "documents"
    ]
    assert [c["clause"] for c in audit["claims"]] == ["iso13485:8.2.4"]  # by link


def test_a_name_that_matches_no_document_is_a_finding_at_its_row(qms: Qms) -> None:
    _qms(qms)
    [finding] = qms.check("--select", "QL014").of("QL014")
    assert finding["path"] == "qms/manual/QM-001.md" and finding["line"] == 23
    assert "SOP-099" in finding["message"]


def test_a_draft_mapping_covers_nothing(qms: Qms) -> None:
    _qms(qms, status="draft")
    result = qms.check("--select", "ISO110,QL014")
    assert result.of("ISO110") and not result.of("QL014")


REGISTER = """# Document register

| Doc No | Title | Rev | Status |
|---|---|---|---|
| SOP-009 | Purchasing | 2 | Effective |
| SOP-010 | Internal audit | 1 | Effective |
| SOP-404 | Lost | 1 | Effective |
"""


def test_a_register_fills_gaps_and_must_agree_with_the_documents(qms: Qms) -> None:
    _qms(qms)
    qms.doc(
        "qms/register.md",
        REGISTER,
        id="LST-001",
        title="Register",
        type="list",
        status="effective",
        version="4",
        approvers=["QA"],
        approved_on="2026-01-10",
    )
    result = qms.check("--select", "QL011,QL014")
    disagree = result.of("QL011")
    assert len(disagree) == 1 and "version '2'" in disagree[0]["message"]  # SOP-009 says 1
    assert disagree[0]["path"] == "qms/register.md"
    assert any("SOP-404" in f["message"] for f in result.of("QL014"))


def test_mapping_documents_named_in_the_config_are_the_only_ones_read(qms: Qms) -> None:
    _qms(qms)
    qms.config(
        profiles=["iso13485"], standard="ISO 13485:2016", mapping_documents=["qms/other/*.md"]
    )
    result = qms.check("--select", "ISO110,QL014")
    assert result.of("ISO110") and not result.of("QL014")  # the manual's table is not read


def test_a_reference_table_is_not_mistaken_for_a_mapping(qms: Qms) -> None:
    qms.config(profiles=["mdr"], markets=["EU"])
    qms.effective("SOP-016")
    path = qms.root / "qms/SOP-016.md"
    path.write_text(
        path.read_text()
        + "\n| Standard | Reference |\n|---|---|\n| EU MDR | Art. 87 - 92 (Vigilance) |\n"
    )
    result = qms.check("--select", "MDR001,QL014")
    assert not result.findings, result.stdout


def test_a_register_value_fills_the_canonical_fields_never_those_written(tmp_path) -> None:
    """A document whose keys are all canonical holds one mapping for `fields` and `raw` (memory);
    a register filling a gap must leave what the document itself says untouched."""
    from qmslint.index.mappings import _apply_register
    from qmslint.model import Document, Position
    from qmslint.read.discovery import Candidate
    from qmslint.read.document import read_document
    from qmslint.read.fields import Spellings
    from qmslint.read.readers import MarkdownReader, ReadSettings
    from qmslint.read.registers import RegisterRow

    (tmp_path / "SOP-9.md").write_text(
        "---\nid: SOP-9\ntitle: Buying\ntype: procedure\n---\n", encoding="utf-8"
    )
    document = read_document(
        tmp_path, Candidate("SOP-9.md"), [MarkdownReader()], ReadSettings(), set()
    )
    assert document.fields is document.raw
    row = RegisterRow("SOP-9", {"owner": ("Purchasing lead", Position(4, 3))}, Position(4), {})
    _apply_register(Document("register.md"), row, document, Spellings.of({}, {}, {}))
    assert document.get("owner") == "Purchasing lead"
    assert "owner" not in document.raw and list(document.raw) == ["id", "title", "type"]
