"""The document cache (read/cache.py, read/codec.py): a Document round-trips generically, warm
runs read no unchanged file, a broken cache is ignored with a note, and `--jobs` never changes
the output."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qmslint.model import Document
from qmslint.read import cache as document_cache
from qmslint.read import codec, handover
from qmslint.read.discovery import Candidate
from qmslint.read.document import read_document
from qmslint.read.readers import MarkdownReader, ReadSettings, SidecarReader, YamlRecordReader
from qmslint.testing import Qms

READERS = [MarkdownReader(), SidecarReader(), YamlRecordReader()]

SCALARS = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.integers(-(10**6), 10**6),
    st.dates(dt.date(1990, 1, 1), dt.date(2040, 1, 1)).map(str),
    st.sampled_from(["true", "null", "1.5", "'quoted'", "[a, b]", "{k: v}", "[SOP-1, WI-2]"]),
)
KEYS = st.sampled_from(
    ["id", "title", "type", "status", "version", "owner", "approvers", "approved_on",
     "effective_date", "clauses", "related", "devices", "exclusions", "custom", "Doc No"]
)  # fmt: skip
BODY = st.sampled_from(
    [
        "| Document ID | SOP-7 |\n|---|---|\n| Revision | B |\n| Status | Effective |\n",
        "**Owner:** Quality Manager\n**Effective date:** 2025-03-01\n",
        "Document No.: WI-12\nRevision: 3\n",
        "## References\n\n| Standard | Clause |\n|---|---|\n| ISO 13485:2016 | 8.2.2 |\n"
        "| MDR | Art. 87 |\n",
        "Applicable clauses: ISO 13485:2016 7.3.2, 7.3.3\n",
        "| Clause | Requirement | Document(s) |\n|---|---|---|\n| 4.2.4 | Control | SOP-1 |\n"
        "| 8.2.2 | Complaints | [[SOP-2 Complaints]] |\n| 7.5.1 | Production | [Add document] |\n",
        "| Doc ID | Title | Rev | Status |\n|---|---|---|---|\n| SOP-1 | Control | 2 | Effective |\n"
        "| SOP-2 | Complaints | 1 | Draft |\n",
        "# SOP-9 Complaint handling\n",
        "- a list item\n\n```\ncode | not | a table\n```\n",
    ]
)


@st.composite
def documents(draw) -> str:
    front = draw(st.dictionaries(KEYS, SCALARS, max_size=8))
    lines = [f"{key}: {value}" for key, value in front.items()]
    if draw(st.booleans()):
        lines.append("clauses:\n  - iso13485:8.2.2\n  - mdr:art87")
    if draw(st.booleans()):
        lines.append("owner: TBD")
    head = "---\n" + "\n".join(lines) + "\n---\n" if draw(st.booleans()) else ""
    return head + "\n".join(draw(st.lists(BODY, max_size=4)))


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=documents(), name=st.sampled_from(["qms/SOP-3 Control.md", "forms/FRM-1.md"]))
def test_a_document_the_readers_produce_round_trips(tmp_path: Path, text: str, name: str) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    document = read_document(tmp_path, Candidate(name), READERS, ReadSettings(), {name})
    stored = json.loads(json.dumps(codec.encode(document)))
    assert codec.decode_document(stored) == document


def test_values_of_every_kind_round_trip() -> None:
    from qmslint.model import Claim, Field, Position, ReadProblem
    from qmslint.read.registers import DocRef, MappingRow, RegisterRow, Shapes

    document = Document(
        path="a.md",
        fields={
            "d": Field("d", dt.date(2025, 1, 2), Position(3, 4), "front-matter", {0: Position(1)}),
            "t": Field("t", dt.datetime(2025, 1, 2, 3, 4, 5), Position(1)),
            "m": Field("m", {"a": [1, 2.5, None, True], 3: "x"}, Position(2), "record"),
            "s": Field("s", "\ud800 lone surrogate", Position(9)),
        },
        problems=[ReadProblem("placeholder", "m", Position(2, 3), key="k")],
        claims=[Claim("ISO 13485:2016 8.2.2", Position(5), "reference-table", "map.md")],
        shapes=Shapes(
            registers=[RegisterRow("SOP-1", {"title": ("T", Position(4, 2))}, Position(4), {})],
            mappings=[
                MappingRow(
                    "8.2.2", ("iso13485:8.2.2",), (DocRef("SOP-1", "id"),), Position(7), ("p",)
                )
            ],
        ),
    )
    text = json.dumps(codec.encode(document), ensure_ascii=True)
    assert codec.decode_document(json.loads(text)) == document


def test_a_field_added_to_a_dataclass_round_trips_without_a_change(monkeypatch) -> None:
    @dataclasses.dataclass
    class Document:  # another engineer's Document, with one more field
        path: str
        fields: dict = dataclasses.field(default_factory=dict)
        owners_seen: tuple = ()

    monkeypatch.setitem(codec.ALLOWED, "Document", Document)
    monkeypatch.setattr(codec, "_FIELDS", {})
    monkeypatch.setattr(codec, "_REBUILT", {})
    value = Document("a.md", owners_seen=("x", 1))
    assert codec.decode(json.loads(json.dumps(codec.encode(value)))) == value


@pytest.mark.parametrize(
    "stored",
    [
        ["@Popen", "args", ["l", "sh"]],  # a class outside the allowlist
        ["@Document", "path", "a.md", "evil", 1],  # a field the class does not have
        ["P", "1", 2],  # a position that is not two integers
        ["x", 1],
        {"path": "a.md"},
        ["@Field", "name", "n"],  # fields missing
        ["d", ["l"], 1],  # an unhashable key
    ],
)
def test_a_foreign_value_is_refused(stored) -> None:
    with pytest.raises((TypeError, ValueError, KeyError)):
        codec.decode_document(stored)


def test_an_object_the_codec_cannot_write_is_refused() -> None:
    with pytest.raises(TypeError):
        codec.encode(Document("a.md", shapes=object()))


def _repo(qms: Qms, count: int = 6) -> None:
    qms.config(profiles=["iso13485"])
    for index in range(count):
        qms.effective(f"SOP-{index}", clauses=["iso13485:4.2.4"], owner="QA")


def _counting(monkeypatch) -> list[str]:
    seen: list[str] = []
    original = document_cache.read_document

    def counted(root, candidate, *args):
        seen.append(candidate.path)
        return original(root, candidate, *args)

    monkeypatch.setattr(document_cache, "read_document", counted)
    return seen


@pytest.fixture
def own_cache(tmp_path_factory, monkeypatch) -> Path:
    folder = tmp_path_factory.mktemp("doc-cache")
    monkeypatch.setenv("QMSLINT_CACHE_DIR", str(folder))
    monkeypatch.setattr(document_cache, "RACY_NS", -(10**12))  # files written just now: trusted
    return folder


def test_a_warm_run_reads_no_unchanged_document(qms: Qms, own_cache: Path, monkeypatch) -> None:
    _repo(qms)
    cold = qms.check()
    seen = _counting(monkeypatch)
    warm = qms.check()
    assert seen == []
    assert warm.stdout == cold.stdout
    qms.write("qms/SOP-2.md", "---\nid: [SOP-2\n---\n")  # now malformed
    changed = qms.check()
    assert seen == ["qms/SOP-2.md"]
    assert changed.stdout != cold.stdout
    assert changed.stdout == qms.check("--no-cache").stdout
    assert list(own_cache.rglob("*.json"))  # in the cache folder …
    assert not [p for p in qms.root.rglob("*") if "cache" in p.name]  # … never in the repository


def test_a_touched_file_is_hashed_and_served(qms: Qms, own_cache: Path, monkeypatch) -> None:
    _repo(qms)
    qms.check()
    path = qms.root / "qms/SOP-1.md"
    path.write_bytes(path.read_bytes())  # same bytes, new modification time
    seen = _counting(monkeypatch)
    qms.check()
    assert seen == []


def test_no_cache_writes_nothing_and_clear_removes_it(qms: Qms, own_cache: Path) -> None:
    _repo(qms)
    qms.check("--no-cache")
    assert not list((own_cache / "documents").rglob("*.json"))
    qms.check()
    assert list((own_cache / "documents").rglob("*.json"))
    result = qms.run("cache", "clear")
    assert result.exit_code == 0 and "removed" in result.stdout
    assert not list(own_cache.rglob("*.json"))


@pytest.mark.parametrize(
    "damage",
    [b"not json", b'{"format": 1, "kind": "documents"}', b"[]", b"\xff\xfe", b""],
)
def test_a_corrupt_or_foreign_shard_is_ignored_with_a_note(
    qms: Qms, own_cache: Path, damage: bytes
) -> None:
    _repo(qms)
    expected = qms.check().stdout
    for shard in (own_cache / "documents").rglob("*.json"):
        shard.write_bytes(damage)
    result = qms.check()
    assert result.stdout == expected
    assert "cache:" in result.stderr and "Traceback" not in result.stderr
    assert qms.check().stderr.count("cache:") == 0  # rewritten, so the note is said once


def test_a_refused_entry_is_read_afresh(qms: Qms, own_cache: Path) -> None:
    _repo(qms)
    expected = qms.check().stdout
    for shard in (own_cache / "documents").rglob("*.json"):
        stored = json.loads(shard.read_bytes())
        for entry in stored["entries"].values():
            entry[4] = ["@Popen", "args", "rm -rf /"]
        shard.write_text(json.dumps(stored))
    result = qms.check()
    assert result.stdout == expected
    assert "cache:" in result.stderr


def test_jobs_never_change_the_output(qms: Qms, monkeypatch) -> None:
    monkeypatch.setattr(document_cache, "PARALLEL_MIN", 1)  # so that 2 processes really read
    _repo(qms, 12)
    qms.effective("SOP-99", clauses=["iso13485:8.2.2"], status="draft")
    qms.write("qms/broken.md", "---\nid: [unclosed\n---\n")
    one = qms.check("--no-cache", "--jobs", "1")
    two = qms.check("--no-cache", "--jobs", "2")
    assert one.stdout.encode() == two.stdout.encode()
    assert one.report["findings"]


def _misses(qms: Qms, count: int) -> tuple[Path, list[Candidate]]:
    _repo(qms, count)
    rels = sorted(p.relative_to(qms.root).as_posix() for p in qms.root.rglob("*.md"))
    return qms.root, [Candidate(rel) for rel in rels]


def test_workers_and_this_process_share_the_reading_in_order(qms: Qms, monkeypatch) -> None:
    monkeypatch.setattr(document_cache, "PARALLEL_MIN", 1)
    monkeypatch.setattr(document_cache, "CHUNK", 2)
    root, misses = _misses(qms, 20)
    paths = {c.path for c in misses}
    reading = document_cache._Reading(root, READERS, ReadSettings(), paths, True)
    alone = document_cache._read_misses(reading, misses, 1)
    shared = document_cache._read_misses(reading, misses, 3)
    assert [d.path for d, _ in shared] == [c.path for c in misses]
    assert shared == alone  # the same Documents and the same JSON values, whoever read them


def test_a_worker_that_dies_leaves_the_reading_to_this_process(qms: Qms, monkeypatch) -> None:
    def dies(rels):
        raise SystemExit(9)  # as a worker killed by the system would end

    monkeypatch.setattr(document_cache, "PARALLEL_MIN", 1)
    monkeypatch.setattr(document_cache, "CHUNK", 2)
    monkeypatch.setattr(document_cache, "_work", dies)
    root, misses = _misses(qms, 8)
    paths = {c.path for c in misses}
    reading = document_cache._Reading(root, READERS, ReadSettings(), paths, False)
    read = document_cache._read_misses(reading, misses, 2)
    assert [d.path for d, _ in read] == [c.path for c in misses]


def test_jobs_is_validated(qms: Qms) -> None:
    _repo(qms, 1)
    assert qms.check("--jobs", "-1").exit_code == 2
    assert qms.check("--jobs", "0", "--no-cache").exit_code in (0, 1)


def test_a_field_shared_by_fields_and_raw_is_written_once_and_shared_again(tmp_path: Path) -> None:
    (tmp_path / "SOP-1.md").write_text(
        "---\nid: SOP-1\ntitle: Control\nowners: [QA]\n---\n# SOP-1\n", encoding="utf-8"
    )
    document = read_document(tmp_path, Candidate("SOP-1.md"), READERS, ReadSettings(), set())
    assert document.fields["title"] is document.raw["title"]  # canonical as written: one object
    encoded = codec.encode_document(document)
    assert json.dumps(encoded).count('"Control"') == 1
    decoded = codec.decode_document(json.loads(json.dumps(encoded)))
    assert decoded == document
    assert decoded.fields["title"] is decoded.raw["title"]


@pytest.mark.parametrize(
    "stored",
    [
        ["@Document", "a.md"],  # fewer values than the class has fields
        ["@Document", "a.md", ["d"], ["d"], ["d"], ["l"], True, ["l"], None, "more"],
        ["@Document", "a.md", ["d", "id", ["=", 5]], ["d"], ["d"], ["l"], True, ["l"], None],
        [1, 2, 3],  # a position of three numbers
    ],
)
def test_an_entry_of_another_shape_is_refused(stored) -> None:
    with pytest.raises((TypeError, ValueError, KeyError)):
        codec.decode_document(stored)


def test_the_schema_names_every_field_so_another_shape_changes_the_key() -> None:
    names = dict(codec.schema())
    assert names["Field"] == ["name", "value", "position", "source", "item_positions"]
    assert "raw" in names["Document"]


def test_one_mapping_for_fields_and_raw_stays_one_when_decoded(tmp_path: Path) -> None:
    (tmp_path / "SOP-2.md").write_text(
        "---\nid: SOP-2\ntitle: Training\ntype: procedure\napprovers: [QA]\n---\n", "utf-8"
    )
    document = read_document(tmp_path, Candidate("SOP-2.md"), READERS, ReadSettings(), set())
    assert document.fields is document.raw
    decoded = codec.decode_document(json.loads(json.dumps(codec.encode_document(document))))
    assert decoded == document and decoded.fields is decoded.raw
    title = decoded.fields["title"]
    assert title.position is codec.place(3, 1) and title.item_positions is codec.NO_ITEMS
    assert decoded.fields["approvers"].item_positions == (codec.place(5, 13),)


# -- documents handed over by a worker (read/handover.py) ----------------------------------------


def _two_documents(tmp_path: Path) -> list[Document]:
    for name in ("SOP-3", "SOP-4"):
        (tmp_path / f"{name}.md").write_text(
            f"---\nid: {name}\ntitle: Training\ntype: procedure\napprovers: [QA]\n---\n", "utf-8"
        )
    candidates = [Candidate("SOP-3.md"), Candidate("SOP-4.md")]
    return [read_document(tmp_path, c, READERS, ReadSettings(), set()) for c in candidates]


def test_a_handed_over_chunk_is_the_documents_with_what_they_share(tmp_path: Path) -> None:
    documents = _two_documents(tmp_path)
    received, encoded = handover.unpack(handover.pack(documents, "[]"))
    assert received == documents and encoded == "[]"
    first, second = received
    assert first is not None and second is not None
    assert first.fields is first.raw  # one mapping stays one, as the codec keeps it
    title = first.fields["title"]
    assert title.position is codec.place(3, 1)  # this process's shared positions
    assert title.item_positions is codec.NO_ITEMS  # the one empty read-only mapping
    assert first.fields["approvers"].item_positions == (codec.place(5, 13),)
    assert first.fields["type"].value is second.fields["type"].value  # texts arrive once


def test_a_document_that_cannot_be_pickled_is_left_to_this_process(tmp_path: Path) -> None:
    documents = _two_documents(tmp_path)
    documents[0].fields["title"].value = lambda: "a plugin's value"  # no pickle takes it
    received, _ = handover.unpack(handover.pack(documents, None))
    assert received == [None, documents[1]]
    reading = document_cache._Reading(tmp_path, READERS, ReadSettings(), set(), False)
    read, _ = reading.received(Candidate("SOP-3.md"), None, None)
    assert read.fields["title"].value == "Training"  # read again here, from the file


@pytest.mark.parametrize(
    "data", [b"", b"\x80\x05not a pickle", pickle.dumps({"a": 1}), pickle.dumps(([], 3))]
)
def test_what_no_worker_packed_is_refused(data: bytes) -> None:
    refused = (EOFError, pickle.UnpicklingError, TypeError, ValueError)
    with pytest.raises(refused):  # the chunk's worker then counts as failed: read here
        handover.unpack(data)
