"""Whatever bytes a file holds, reading it gives a Document (with problems), never an exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qmslint.clauses import shipped
from qmslint.index.repository import IndexSettings, build
from qmslint.read.discovery import Candidate
from qmslint.read.document import read_document
from qmslint.read.readers import MarkdownReader, ReadSettings, SidecarReader, YamlRecordReader
from qmslint.testing import run_qmslint

FRAGMENTS = st.sampled_from(
    [
        "---\n", "id: SOP-1\n", "status: effective\n", "approved_on: 2024-13-45\n", "clauses: [",
        "iso13485:4.2.4", "]\n", "- a\n", "  - b\n", "&a [1]\n", "*a\n", "!!python/object:x\n",
        "key: 'unterminated\n", '"\\x00"\n', "\t", "\r\n", "\ufeff", "é", "{a: b}\n", ": :\n",
        "approvers: {x: 1}\n", "exclusions: [1, {clause: 9}]\n", "traceability_level: {D: x}\n",
        "reporting_deadlines_days: [1]\n", "| Document ID | X |\n", "**Status:** Effective\n",
        "type: device\n", "markets: EU\n", "eu_class: IV\n", "...\n", "#\n", "? x\n",
    ]
)  # fmt: skip
CONTENT = st.one_of(
    st.lists(FRAGMENTS, max_size=25).map(lambda parts: "".join(parts).encode("utf-8")),
    st.binary(max_size=300),
    st.lists(FRAGMENTS, max_size=10)
    .map(lambda p: "".join(p).encode())
    .flatmap(lambda head: st.binary(max_size=40).map(lambda tail: head + tail)),
)
READERS = [MarkdownReader(), SidecarReader(), YamlRecordReader()]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=CONTENT, name=st.sampled_from(["doc.md", "form.docx.yaml", "records/r.yaml"]))
def test_reading_never_raises(tmp_path: Path, content: bytes, name: str) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    document = read_document(tmp_path, Candidate(name), READERS, ReadSettings(), {name})
    assert document.path == name
    for problem in document.problems:
        assert problem.position.line >= 1 and problem.message
    for field in document.fields.values():
        assert field.position.line >= 1
    repo = build(tmp_path, [document], IndexSettings(), shipped())  # citations, devices
    assert len(repo.documents) == 1


CONFIG = (
    "profiles: [mdr, fda-qmsr, iso9001]\n"
    "devices:\n  - {id: D, markets: [EU, US], eu_class: III, us_class: III, implantable: true,"
    " active: true, sterile: true, servicing: true, installation: true, lifetime_years: 10}\n"
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=CONTENT)
def test_every_rule_copes_with_any_document(tmp_path_factory, content: bytes) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    (root / ".qmslint.yaml").write_text(CONFIG)
    (root / "a.md").write_bytes(content)
    (root / "b.md").write_bytes(content.replace(b"SOP-1", b"SOP-2"))
    result = run_qmslint(["check", "--format", "json", "--today", "2026-11-21"], root)
    assert result.exit_code == 1, result.stderr  # findings, never a crash or an internal error
