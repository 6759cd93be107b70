"""`qmslint check --fix` and `--diff` (SPEC §10, issue 12 item 4): front matter rewritten with
comments, key order and quoting kept, atomically, idempotently, the body byte for byte; a file
that cannot be rewritten safely is left alone with a note."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from qmslint.fix import FIXES, FRONT_MATTER
from qmslint.fix import apply as fix_apply
from qmslint.testing import Qms

REPO = Path(__file__).resolve().parent.parent
FIX = ("--extend-select", "QL015,CL004")

FRONT = (
    "---\n"
    "# who owns this\n"
    "doc_id: SOP-1   # the number\n"
    'title: "Control of documents"\n'
    "status: draft\n"
    "clauses:\n"
    "  - ISO 13485:2016 §7.5.9.2  # traceability\n"
    "  - 'MDR Art. 87(4)'\n"
    "  - ISO 13485 8.2.1 - 8.2.3\n"
    "  - nonsense\n"
    "owner: QA\n"
    "---\n"
)
FIXED = (
    "---\n"
    "# who owns this\n"
    "id: SOP-1       # the number\n"
    'title: "Control of documents"\n'
    "status: draft\n"
    "clauses:\n"
    "  - iso13485:7.5.9.2         # traceability\n"
    "  - 'mdr:art87.4'\n"
    "  - iso13485:8.2.1\n"
    "  - iso13485:8.2.2\n"
    "  - iso13485:8.2.3\n"
    "  - nonsense\n"
    "owner: QA\n"
    "---\n"
)
BODY = "\n# Control of documents  \n\nText with trailing space   \nÄrger · ✓\n"


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".git" not in p.parts)


def test_comments_order_and_quoting_kept(qms: Qms) -> None:
    path = qms.write("qms/a.md", FRONT + BODY)
    result = qms.check("--fix", *FIX)
    assert path.read_text("utf-8") == FIXED + BODY, result.stderr
    assert "fixed 4 in 1 files" in result.stderr


def test_a_fixed_finding_is_not_reported_the_rest_is(qms: Qms) -> None:
    qms.write("qms/a.md", FRONT + BODY)
    before = qms.check(*FIX)
    assert before.of("QL015") and len(before.of("CL004")) == 3
    after = qms.check("--fix", *FIX)
    assert not after.of("QL015") and not after.of("CL004"), after.stdout
    assert after.of("CL001"), "the item that does not parse stays, and is still reported"


def test_fix_is_idempotent(qms: Qms) -> None:
    path = qms.write("qms/a.md", FRONT + BODY)
    qms.check("--fix", *FIX)
    once = path.read_bytes()
    again = qms.check("--fix", *FIX)
    assert path.read_bytes() == once
    assert "fixed" not in again.stderr
    diff = qms.run("check", "--diff", *FIX)
    assert diff.exit_code == 0 and diff.stdout == ""


def test_diff_changes_nothing_and_exits_1(qms: Qms) -> None:
    path = qms.write("qms/a.md", FRONT + BODY)
    result = qms.run("check", "--diff", *FIX)
    assert result.exit_code == 1
    assert path.read_text("utf-8") == FRONT + BODY
    assert result.stdout.startswith("--- a/qms/a.md\n+++ b/qms/a.md\n")
    assert "-doc_id: SOP-1   # the number\n+id: SOP-1       # the number\n" in result.stdout
    assert "+  - iso13485:8.2.2\n" in result.stdout


def test_diff_applies_with_patch(qms: Qms, tmp_path: Path) -> None:
    """The diff is a real unified diff: applying it gives what --fix writes."""
    import shutil
    import subprocess

    if shutil.which("patch") is None:
        pytest.skip("no patch(1)")
    path = qms.write("qms/a.md", FRONT + BODY)
    diff = qms.run("check", "--diff", *FIX).stdout
    done = subprocess.run(
        ["patch", "-p1", "-s"],
        input=diff,
        text=True,
        cwd=qms.root,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    assert path.read_text("utf-8") == FIXED + BODY


def test_usage_mistakes(qms: Qms) -> None:
    qms.write("qms/a.md", FRONT)
    assert qms.run("check", "--fix", "--diff").exit_code == 2
    assert qms.run("check", "--write-front-matter").exit_code == 2
    assert qms.run("check", "--diff", "--format", "json").exit_code == 2


@pytest.mark.parametrize(
    "prefix,newline,body",
    [
        (b"", b"\r\n", b"\r\n# Title \r\nbody\twith tab  \r\n\r\nend"),
        (b"\xef\xbb\xbf", b"\n", b"\n# Title\n  trailing  \n\x0cform feed\n"),
        (b"\xef\xbb\xbf", b"\r\n", b"# mixed\nline endings\r\nin the body\r"),
    ],
)
def test_body_keeps_every_byte(qms: Qms, prefix: bytes, newline: bytes, body: bytes) -> None:
    front = newline.join([b"---", b"doc_id: SOP-9", b"status: draft", b"---", b""])
    path = qms.write("qms/b.md", prefix + front + body)
    qms.check("--fix", *FIX)
    data = path.read_bytes()
    expected = newline.join([b"---", b"id: SOP-9", b"status: draft", b"---", b""])
    assert data == prefix + expected + body


def test_not_utf8_is_left_alone(qms: Qms) -> None:
    data = b"---\ndoc_id: SOP-1\nstatus: draft\n---\n\ncaf\xe9\n"
    path = qms.write("qms/c.md", data)
    result = qms.check("--fix", *FIX)
    assert path.read_bytes() == data
    assert "qms/c.md: left alone: it is not valid UTF-8" in result.stderr


def test_duplicate_keys_are_left_alone(qms: Qms) -> None:
    data = "---\ndoc_id: SOP-1\nstatus: draft\nstatus: effective\n---\n# SOP-1 Title\n"
    path = qms.write("qms/d.md", data)
    result = qms.check("--fix", "--write-front-matter", *FIX)
    assert path.read_text("utf-8") == data
    assert "qms/d.md: left alone: it has duplicate keys" in result.stderr
    assert result.of("QL003")


def test_anchors_and_layout_ruamel_would_change_are_left_alone(qms: Qms) -> None:
    anchors = "---\ndoc_id: &x SOP-1\ntitle: *x\nstatus: draft\n---\n"
    spaced = "---\ndoc_id:      SOP-2\nstatus: draft\n---\n"
    a = qms.write("qms/e.md", anchors)
    b = qms.write("qms/f.md", spaced)
    result = qms.check("--fix", *FIX)
    assert a.read_text("utf-8") == anchors and b.read_text("utf-8") == spaced
    assert "qms/e.md: left alone: its metadata uses YAML anchors" in result.stderr
    assert "qms/f.md: left alone: ruamel.yaml would reformat" in result.stderr


def test_atomic_no_temporary_file_left(qms: Qms) -> None:
    qms.write("qms/a.md", FRONT + BODY)
    before = _files(qms.root)
    qms.check("--fix", *FIX)
    assert _files(qms.root) == before


def test_a_failed_write_leaves_the_file_and_no_temporary(qms: Qms, monkeypatch) -> None:
    path = qms.write("qms/a.md", FRONT + BODY)
    before = _files(qms.root)

    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    result = qms.check("--fix", *FIX)
    assert path.read_text("utf-8") == FRONT + BODY
    assert _files(qms.root) == before
    assert "qms/a.md: not fixed: No space left on device" in result.stderr


def test_read_only_file_is_reported_not_crashed(qms: Qms) -> None:
    path = qms.write("qms/a.md", FRONT + BODY)
    path.chmod(0o444)
    try:
        result = qms.check("--fix", *FIX)
    finally:
        path.chmod(0o644)
    assert path.read_text("utf-8") == FRONT + BODY
    assert "qms/a.md: not fixed: it is read-only" in result.stderr
    assert result.report is not None and result.of("QL015")  # still reported: not fixed


def test_mode_is_kept(qms: Qms) -> None:
    path = qms.write("qms/a.md", FRONT + BODY)
    path.chmod(0o640)
    qms.check("--fix", *FIX)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_text("utf-8") == FIXED + BODY


def test_symlinks_are_not_followed_out_of_the_repository(qms: Qms, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("elsewhere") / "outside.md"
    outside.write_text(FRONT, encoding="utf-8")
    (qms.root / "qms").mkdir(exist_ok=True)
    (qms.root / "qms" / "link.md").symlink_to(outside)
    qms.check("--fix", *FIX)
    assert outside.read_text("utf-8") == FRONT
    assert (qms.root / "qms" / "link.md").is_symlink()


def test_write_refuses_a_path_that_became_a_symlink_out(qms: Qms, tmp_path_factory) -> None:
    """Even when the file was swapped for a link after it was read, nothing outside is written."""
    path = qms.write("qms/a.md", FRONT)
    change = fix_apply.Change("qms/a.md", FRONT.encode(), FIXED.encode(), 1, ("field-names",))
    outside = tmp_path_factory.mktemp("elsewhere") / "elsewhere.md"
    outside.write_text(FRONT, encoding="utf-8")
    path.unlink()
    path.symlink_to(outside)
    written, notes = fix_apply.write_changes(qms.root, [change])
    assert not written and "symlink out of the repository" in notes[0]
    assert outside.read_text("utf-8") == FRONT


def test_a_file_changed_meanwhile_is_not_overwritten(qms: Qms) -> None:
    path = qms.write("qms/a.md", FRONT)
    change = fix_apply.Change("qms/a.md", b"something else", FIXED.encode(), 1, ("field-names",))
    written, notes = fix_apply.write_changes(qms.root, [change])
    assert not written and "changed while qmslint ran" in notes[0]
    assert path.read_text("utf-8") == FRONT


def test_a_symlink_inside_the_repository_keeps_being_a_link(qms: Qms) -> None:
    target = qms.write("qms/real.md", FRONT + BODY)
    (qms.root / "qms" / "alias.md").symlink_to("real.md")
    qms.check("--fix", *FIX)
    assert (qms.root / "qms" / "alias.md").is_symlink()
    assert target.read_text("utf-8") == FIXED + BODY


def test_config_field_map_and_canonical_already_present(qms: Qms) -> None:
    qms.config(fields={"Dokument-Nr": "id"})
    mapped = qms.write("qms/a.md", "---\nDokument-Nr: SOP-1\nstatus: draft\n---\n")
    both = qms.write("qms/b.md", "---\nid: SOP-2\ndoc_id: SOP-3\nstatus: draft\n---\n")
    qms.check("--fix", *FIX)
    assert mapped.read_text("utf-8") == "---\nid: SOP-1\nstatus: draft\n---\n"
    assert both.read_text("utf-8") == "---\nid: SOP-2\ndoc_id: SOP-3\nstatus: draft\n---\n"


def test_clause_lists_written_as_one_string_and_large_ranges(qms: Qms) -> None:
    text = (
        "---\nid: SOP-1\nstatus: draft\nclauses: ISO 13485 §8.2.1, 8.2.2\n"
        "references:\n  - MDR Art. 1 - 20\n  - 21 CFR 803.50\n---\n"
    )
    path = qms.write("qms/a.md", text)
    qms.check("--fix", *FIX)
    fixed = path.read_text("utf-8")
    assert "clauses: iso13485:8.2.1, iso13485:8.2.2\n" in fixed
    assert "  - MDR Art. 1 - 20\n" in fixed, "20 clauses: left as written"
    assert "  - cfr:803.50\n" in fixed


def test_only_fixes_of_selected_rules_run(qms: Qms) -> None:
    path = qms.write("qms/a.md", FRONT + BODY)
    result = qms.check("--fix")  # QL015 and CL004 are in no profile
    assert path.read_text("utf-8") == FRONT + BODY
    assert "fixed" not in result.stderr
    qms.check("--fix", "--extend-select", "QL015")
    fixed = path.read_text("utf-8")
    assert "id: SOP-1" in fixed and "ISO 13485:2016 §7.5.9.2" in fixed


HEADER_BODY = (
    "# SOP-002 Vigilance\r\n"
    "\r\n"
    "| Field | Value |\r\n"
    "|---|---|\r\n"
    "| Status | Released |\r\n"
    "| Version | 1.10 |\r\n"
    "| Effective date | 2026-01-10 |\r\n"
    "\r\n"
    "Body text  \r\n"
)


def _show(qms: Qms, path: str) -> dict:
    shown = json.loads(qms.run("show", "--format", "json", path).stdout)
    [document] = shown["documents"]
    return {name: field["value"] for name, field in document["fields"].items()}


def test_write_front_matter_from_the_body(qms: Qms) -> None:
    path = qms.write("qms/SOP-002-vigilance.md", HEADER_BODY.encode())
    read_before = _show(qms, "qms/SOP-002-vigilance.md")
    plain = qms.check("--fix")
    assert path.read_bytes() == HEADER_BODY.encode(), "only on request"
    assert "fixed" not in plain.stderr
    diff = qms.run("check", "--diff", "--write-front-matter")
    assert diff.exit_code == 1 and "+---\r\n+id: SOP-002\r\n" in diff.stdout
    qms.check("--fix", "--write-front-matter")
    data = path.read_bytes()
    front = (
        b"---\r\nid: SOP-002\r\ntitle: Vigilance\r\nstatus: effective\r\n"
        b"version: '1.10'\r\neffective_date: 2026-01-10\r\n---\r\n"
    )
    assert data == front + HEADER_BODY.encode()
    assert _show(qms, "qms/SOP-002-vigilance.md") == read_before
    again = qms.check("--fix", "--write-front-matter")
    assert path.read_bytes() == data and "fixed" not in again.stderr


def test_write_front_matter_adds_to_existing_front_matter(qms: Qms) -> None:
    text = "---\nid: SOP-3  # kept\n---\n# SOP-3 Purchasing\n\n**Status:** Draft\n"
    path = qms.write("qms/SOP-3.md", text)
    qms.check("--fix", "--write-front-matter")
    assert path.read_text("utf-8") == (
        "---\nid: SOP-3  # kept\ntitle: Purchasing\nstatus: draft\n---\n"
        "# SOP-3 Purchasing\n\n**Status:** Draft\n"
    )


def test_write_front_matter_respects_paths(qms: Qms) -> None:
    a = qms.write("qms/SOP-002-vigilance.md", HEADER_BODY.encode())
    b = qms.write("other/SOP-004-audit.md", HEADER_BODY.replace("002", "004").encode())
    qms.check("--fix", "--write-front-matter", "qms/SOP-002-vigilance.md")
    assert a.read_bytes().startswith(b"---\r\n")
    assert b.read_bytes() == HEADER_BODY.replace("002", "004").encode()


def test_rules_and_explain_say_which_rules_are_fixable(qms: Qms) -> None:
    listed = qms.run("rules").stdout
    fixable = {line.split()[0] for line in listed.splitlines() if "(fixable)" in line}
    assert fixable == {"QL015", "CL004"}
    explained = qms.run("explain", "CL004").stdout
    assert "fixable: yes, `qmslint check --fix` (clause-ids" in explained
    assert "fixable:" not in qms.run("explain", "CL001").stdout


def test_schema_names_the_fixes_there_are() -> None:
    schema = json.loads((REPO / "schemas" / "rule-pack.schema.json").read_text("utf-8"))
    names = schema["$defs"]["rule"]["properties"]["fixable"]["enum"]
    assert set(names) == set(FIXES) - {FRONT_MATTER}


def test_a_pack_naming_an_unknown_fix_is_refused(qms: Qms) -> None:
    qms.write(
        "qms-rules/own.yaml",
        "pack: own\nrules:\n  - id: OWN001\n    title: Something fixable\n    severity: info\n"
        "    references: []\n    explanation: An explanation long enough.\n"
        "    fix: Mend it by hand.\n    fixable: everything\n"
        "    check: {kind: read-problem, problems: [field-alias]}\n",
    )
    result = qms.run("validate-pack", "qms-rules/own.yaml")
    assert result.exit_code == 2 and "fixable" in result.stderr
