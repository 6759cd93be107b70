"""Reading real-world metadata: aliases, the body fallback, devices, discovery and .gitignore."""

from __future__ import annotations

import subprocess

from qmslint.testing import Qms


def test_common_aliases_map_onto_canonical_fields(qms: Qms) -> None:
    qms.config(profiles=["document-control"], standard="ISO 13485:2016")
    qms.write(
        "qms/sop.md",
        "---\ndoc_id: SOP-01\ntitle: Doc control\ndoc_type: SOP\nrevision: '2'\nstatus: Released\n"
        "approver: QA Manager\napproval_date: 2026-01-02\neffective: 2026-01-03\n"
        "clauses: ['4.2.4']\n---\n# Doc control\n",
    )
    result = qms.check()
    assert result.findings == [], result.findings


def test_config_fields_map_and_value_aliases(qms: Qms) -> None:
    qms.config(
        profiles=["document-control"],
        fields={"Dokument-Nr": "id", "Freigabe": "approved_on"},
        type_aliases={"reference": "list"},
    )
    qms.write(
        "qms/x.md",
        "---\nDokument-Nr: LST-1\ntitle: Register\ntype: reference\nstatus: effective\nversion: 1\n"
        "approvers: [QA]\nFreigabe: 2026-01-02\n---\n",
    )
    assert qms.check().findings == []


def test_body_header_is_a_read_only_fallback(qms: Qms) -> None:
    qms.config(profiles=["iso13485"], standard="ISO 13485:2016", in_force=["approved", "effective"])
    qms.write(
        "sops/SOP-001.md",
        "---\nid: SOP-001\ntitle: Document Control\nstatus: approved\napprovers: [quality]\n---\n\n"
        "# SOP-001: Document Control\n\n"
        "> **Document Type**: Standard Operating Procedure\n"
        "> **Regulatory Basis**: ISO 13485:2016 Section 4.2.4\n"
        "> **Status**: Effective\n",
    )
    result = qms.check("--select", "ISO102,QL011")
    assert result.of("ISO102") == []  # type and clauses came from the body
    [disagreement] = result.of("QL011")
    assert disagreement["line"] == 12 and "'effective'" in disagreement["message"]


def test_body_table_header(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.write(
        "qms/wi.md",
        "# Cleaning\n\n| Document ID | WI-007 | Revision | 3 |\n|---|---|---|---|\n"
        "| Status | Draft | Owner | Production |\n",
    )
    result = qms.check()
    assert result.findings == []  # has metadata (from the body): no QL008
    assert result.report["summary"]["documents"] == 1


def test_devices_from_device_documents(qms: Qms) -> None:
    qms.config(profiles=["mdr"])
    qms.doc(
        "devices/pump.md",
        id="DEV-PUMP",
        title="Pump",
        type="device",
        status="draft",
        markets=["EU"],
        eu_class="IIb",
        active=True,
    )
    result = qms.check("--select", "MDR001,DV001")
    assert result.of("DV001") == []
    assert len(result.of("MDR001")) == 1  # an EU device and no vigilance procedure


def test_wrong_device_fact_is_reported_on_the_device_document(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.doc("devices/x.md", id="DEV-X", title="X", type="device", status="draft", eu_class="IV")
    [finding] = qms.check().of("QL006")
    assert finding["path"] == "devices/x.md" and "eu_class" in finding["message"]


def test_include_exclude_hidden_and_records(qms: Qms) -> None:
    qms.config(
        profiles=["document-control"], extend_exclude=["drafts/**"], records=["records/*.yaml"]
    )
    qms.effective("SOP-1")
    qms.write("drafts/x.md", "no metadata")
    qms.write(".github/x.md", "no metadata")
    qms.write("notes.txt", "not a document")
    qms.write("records/TR-1.yaml", "id: TR-1\ntitle: Training\ntype: record\nstatus: draft\n")
    result = qms.check()
    assert result.findings == []
    assert result.report["summary"]["documents"] == 2


def test_gitignore_is_honoured_in_a_git_repository(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1")
    qms.write("build/out.md", "no metadata")
    qms.write(".gitignore", "build/\n")
    subprocess.run(["git", "init", "-q"], cwd=qms.root, check=True)
    assert qms.check().report["summary"]["documents"] == 1


def test_paths_limit_document_findings_but_not_repository_ones(qms: Qms) -> None:
    qms.config(profiles=["iso13485"])
    qms.doc("qms/a.md", id="A-1", status="draft")
    qms.doc("qms/b.md", id="A-1", status="draft")
    result = qms.check("--select", "DC001,ISO102", "qms/a.md")
    assert {(f["rule"], f["path"]) for f in result.findings} == {
        ("DC001", "qms/a.md"),
        ("ISO102", None),
    }
