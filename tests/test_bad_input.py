"""SPEC §10: every input problem becomes a finding on its file (with a line), never a crash."""

from __future__ import annotations

import os

import pytest

from qmslint.testing import Qms

GOOD = "---\nid: SOP-100\ntitle: Good\ntype: procedure\nstatus: draft\n---\n# Good\n"


def findings_for(qms: Qms, path: str) -> list[dict]:
    result = qms.check("--profile", "document-control")
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    return [f for f in result.findings if f["path"] == path]


@pytest.mark.parametrize(
    ("content", "rule", "line"),
    [
        (b"---\nid: SOP-1\ntitle: [oops\nstatus: draft\n---\n", "QL001", 4),
        (b"---\nid: SOP-1\ntitle: x\n", "QL002", 1),
        (b"---\nid: SOP-1\nid: SOP-2\n---\n", "QL003", 3),
        (b"---\nid: SOP-1\ntitle: \xff\xfe bad\n---\n", "QL004", 3),
        (b"", "QL005", 1),
        (b"---\nid: SOP-1\nstatus: draft\napproved_on: yesterday\n---\n", "QL006", 4),
        (b"---\nid: SOP-1\nstatus: draft\napprovers: {a: b}\n---\n", "QL006", 4),
        (b"---\nid: SOP-1\nstatus: sometimes\n---\n", "QL006", 3),
        (b"---\n- just\n- a list\n---\n", "QL001", 2),
        (b"# A note\n\nNo metadata here.\n", "QL008", 1),
        (b"---\nid: SOP-1\n\ttitle: tabbed\n---\n", "QL001", 3),
        (b"\x00\x01binary\x00", "QL004", 1),
    ],
    ids=[
        "malformed",
        "unclosed",
        "duplicate-key",
        "not-utf8",
        "empty",
        "date-not-a-date",
        "mapping-for-a-list",
        "unknown-status",
        "not-a-mapping",
        "no-metadata",
        "tab",
        "binary",
    ],
)
def test_bad_input_is_a_finding_with_a_line(qms: Qms, content: bytes, rule: str, line: int) -> None:
    qms.write("qms/bad.md", content)
    qms.write("qms/good.md", GOOD)
    found = findings_for(qms, "qms/bad.md")
    assert [(f["rule"], f["line"]) for f in found if f["rule"] == rule] == [(rule, line)], found
    # the good document next to it is still read
    assert not findings_for(qms, "qms/good.md")


def test_bom_and_crlf_are_read_correctly(qms: Qms) -> None:
    text = GOOD.replace("\n", "\r\n").encode("utf-8")
    qms.write("qms/bom.md", b"\xef\xbb\xbf" + text)
    qms.write("qms/other.md", GOOD.replace("SOP-100", "SOP-200"))
    assert findings_for(qms, "qms/bom.md") == []


def test_alias_bomb_is_a_finding(qms: Qms) -> None:
    lines = ["---", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    qms.write("qms/bomb.md", "\n".join([*lines, "---", ""]))
    assert [f["rule"] for f in findings_for(qms, "qms/bomb.md")] == ["QL001"]


def test_not_utf8_still_reads_the_rest(qms: Qms) -> None:
    qms.write(
        "qms/latin1.md", "---\nid: SOP-9\ntitle: Caf\xe9\nstatus: draft\n---\n".encode("latin-1")
    )
    result = qms.check("--profile", "document-control")
    assert {f["rule"] for f in result.findings if f["path"] == "qms/latin1.md"} == {"QL004"}


def test_huge_file_is_read_up_to_the_limit(qms: Qms) -> None:
    qms.write("qms/huge.md", GOOD + "x" * (3 * 1024 * 1024))
    assert [f["rule"] for f in findings_for(qms, "qms/huge.md")] == ["QL010"]


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlink_out_of_the_repository_is_reported_not_followed(qms: Qms, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.md"
    outside.write_text(GOOD)
    (qms.root / "qms").mkdir()
    (qms.root / "qms" / "link.md").symlink_to(outside)
    assert [f["rule"] for f in findings_for(qms, "qms/link.md")] == ["QL010"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_is_reported(qms: Qms) -> None:
    path = qms.write("qms/locked.md", GOOD)
    path.chmod(0)
    try:
        assert [f["rule"] for f in findings_for(qms, "qms/locked.md")] == ["QL010"]
    finally:
        path.chmod(0o644)


def test_template_code_in_an_excluded_folder_is_not_read(qms: Qms) -> None:
    qms.write("_templates/new.md", "---\ndoc_id: SOP-<% tp.prompt() %>\nclauses: [<% x %>]\n---\n")
    assert qms.check("--profile", "document-control").report["summary"]["documents"] == 0


def test_binary_without_sidecar_and_orphan_sidecar(qms: Qms) -> None:
    qms.write("qms/form.pdf", b"%PDF-1.7 binary")
    qms.write("qms/form.docx", b"PK\x03\x04binary")  # read directly: damaged, so reported
    qms.write("qms/plan.pdf.yaml", "id: PLN-1\ntitle: Plan\ntype: plan\nstatus: draft\n")
    result = qms.check("--profile", "document-control")
    by_path = {(f["path"], f["rule"]) for f in result.findings}
    assert ("qms/form.pdf", "QL009") in by_path
    assert ("qms/form.docx", "QL010") in by_path
    assert ("qms/plan.pdf.yaml", "QL009") in by_path


def test_sidecar_stands_for_its_binary_document(qms: Qms) -> None:
    qms.write("qms/form.docx", b"PK\x03\x04binary")
    qms.write("qms/form.docx.yaml", "id: FRM-1\ntitle: Form\ntype: form\nstatus: draft\n")
    result = qms.check("--profile", "document-control")
    assert result.findings == []
    assert result.report["summary"]["documents"] == 1
