"""An edit of what the kinds reading the whole repository read (a status, the clauses cited, an
id, a reference, a supersession) is worked out from what the run recorded, and says what a run
says (qmslint/incremental/wide.py); an edit it cannot tell the effect of runs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from qmslint.incremental.recorded import Recorded
from qmslint.testing import Qms
from tests.test_incremental import _as_a_run, _replace
from tests.test_snapshot import command_line


def _release_repo(qms: Qms) -> None:
    """A QMS whose requirements rest on more than one document, with references and a
    supersession chain, in qmslint's front matter and as label lines under the title."""
    qms.config(profiles=["iso13485"])
    qms.effective("SOP-10", clauses=["iso13485:8.2.2"], owner="QA")
    qms.effective("SOP-11", clauses=["iso13485:8.2.2", "iso13485:4.2.4"], owner="QA")
    qms.effective("SOP-12", clauses=["iso13485:8.2.2"], owner="QA", status="draft")
    qms.effective("SOP-13", clauses=["iso13485:4.2.4", "iso13485:8.5.2"], supersedes=["SOP-14"])
    qms.effective("SOP-14", clauses=["iso13485:8.5.2"], status="obsolete")
    qms.effective("SOP-15", clauses=["iso13485:4.2.4"], owner="QA")
    qms.effective("WI-20", type="work-instruction", related=["SOP-10"])
    qms.effective("FRM-40", type="form", clauses=["§7.3"])  # CL001: a clause it cannot read
    qms.write(
        "qms/procedures/SOP-16 Audits.md",
        "# Internal audits\n\n**Document ID:** SOP-16\n**Version:** 2\n**Status:** Draft\n"
        "**Owner:** QA Manager\n**Approved by:** Head of QA\n**Approval date:** 2026-01-10\n"
        "**Effective date:** 2026-01-15\n\n## References\n\n| Clause | Title |\n|---|---|\n"
        "| 8.2.2 | Internal audit |\n",
    )


LABELLED = "qms/procedures/SOP-16 Audits.md"

# One after another, each checked as a pre-commit hook checks the staged file.
RELEASES = [
    ("a draft released", "qms/SOP-12.md", "status: draft", "status: effective"),
    ("a procedure made obsolete", "qms/SOP-10.md", "status: effective", "status: obsolete"),
    ("a reference to it mended", "qms/WI-20.md", "- SOP-10", "- SOP-11"),
    ("a second successor", "qms/SOP-15.md", "owner: QA", "owner: QA\nsupersedes:\n- SOP-14"),
    ("a document citing nothing renamed", "qms/WI-20.md", "id: WI-20", "id: WI-21"),
    (
        "a document with a finding of its citations renamed",
        "qms/FRM-40.md",
        "id: FRM-40",
        "id: F-41",
    ),
    ("a label line released", LABELLED, "**Status:** Draft", "**Status:** Effective"),
    ("a reference to a missing id", "qms/WI-20.md", "- SOP-11", "- SOP-99"),
    ("a second procedure withdrawn", "qms/SOP-11.md", "status: effective", "status: draft"),
]


@pytest.mark.parametrize("hook", [False, True], ids=["all", "hook"])
def test_releases_and_references_are_worked_out_as_a_run_would_report_them(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch, hook: bool
) -> None:
    _release_repo(qms)
    command_line(qms, monkeypatch)
    said = {}
    for name, path, old, new in RELEASES:
        _replace(path, old, new)(qms)
        worked = _as_a_run(qms, monkeypatch, *([path] if hook else []))
        assert worked.stderr == "", name
        said[name] = worked.stdout
    assert len(counted) == 1, "every edit worked out, none run"
    assert command_line(qms, monkeypatch).stdout == qms.check("--no-cache").stdout
    if hook:
        return  # each output names the staged file's findings only
    obsolete = "in-force document cites SOP-10, which is obsolete"
    assert obsolete in said["a procedure made obsolete"]
    assert obsolete not in said["a reference to it mended"]
    assert "SOP-14 is superseded twice" in said["a second successor"]
    assert "names SOP-99, but no document has that id" in said["a reference to a missing id"]


def _one_witness_repo(qms: Qms) -> None:
    """As `_release_repo`, with iso13485:4.2.4 resting on SOP-15 alone."""
    _release_repo(qms)
    qms.effective("SOP-17", clauses=["iso13485:4.2.5"])
    for path in ("qms/SOP-11.md", "qms/SOP-13.md"):
        _replace(path, "- iso13485:4.2.4", "- iso13485:4.2.5")(qms)


DECIDED_AGAIN = {
    "the last document covering a clause withdrawn": (
        "qms/SOP-15.md",
        "status: effective",
        "status: draft",
    ),
    "a clause near one nothing covers": (
        "qms/SOP-10.md",
        "- iso13485:8.2.2",
        "- iso13485:8.2.2\n- iso13485:7.5",
    ),
    "a document citing a clause renamed (near misses name it)": (
        "qms/SOP-10.md",
        "id: SOP-10",
        "id: SOP-10A",
    ),
}


@pytest.mark.parametrize("name", list(DECIDED_AGAIN))
def test_a_requirement_left_missing_is_decided_again_as_a_run_would(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch, name: str
) -> None:
    """Over every document it reads, the unedited ones as stand-ins made from the record."""
    _one_witness_repo(qms)
    before = command_line(qms, monkeypatch)
    path, old, new = DECIDED_AGAIN[name]
    _replace(path, old, new)(qms)
    for paths in ([path], []):
        worked = _as_a_run(qms, monkeypatch, *paths)
    assert len(counted) == 1, "worked out, not run"
    assert worked.stdout != before.stdout
    _replace(path, new, old)(qms)  # and back: the record holds what the edit made
    assert _as_a_run(qms, monkeypatch).stdout == before.stdout
    assert len(counted) == 1


def _near_misses_repo(qms: Qms) -> None:
    """A QMS whose complaint handling (ISO120, iso13485:8.2.2) is missing, with more drafts
    citing it than a run notes (existence.NEAREST), and a draft and a procedure citing another clause."""
    qms.config(profiles=["iso13485"])
    for index in range(25):
        qms.effective(f"SOP-{index + 10}", clauses=["iso13485:8.2.2"], status="draft")
    qms.effective("SOP-05", clauses=["iso13485:4.2.4"], owner="QA", status="draft")
    qms.effective("SOP-06", clauses=["iso13485:4.2.4"], owner="QA")


# One after another; all but one decided over a few documents, never over all (nearest.py).
NEAR_MISSES = [
    ("the first near miss cites another clause", "qms/SOP-10.md", "8.2.2", "4.2.5"),
    ("the last near miss cites another clause", "qms/SOP-34.md", "8.2.2", "4.2.5"),
    ("a new near miss named first", "qms/SOP-05.md", "- iso13485:4.2.4", "- iso13485:8.2.2"),
    ("a near miss released", "qms/SOP-12.md", "status: draft", "status: effective"),
    ("it withdrawn again", "qms/SOP-12.md", "status: effective", "status: draft"),
    ("the first near miss back", "qms/SOP-10.md", "4.2.5", "8.2.2"),
]
OVER_ALL = "it withdrawn again"  # its one witness edited: decided over all it may read


@pytest.mark.parametrize("hook", [False, True], ids=["all", "hook"])
def test_a_missing_requirement_is_decided_over_its_first_near_misses(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch, hook: bool
) -> None:
    """Its finding names the first three near misses and counts the rest: an edit is decided
    over the edited documents and the first near misses the run noted, the count made up
    from the run's (existence.standing), and says what a run says."""
    from qmslint.incremental.increment import Increment

    _near_misses_repo(qms)
    first = command_line(qms, monkeypatch)
    assert "SOP-10 (qms/SOP-10.md) cites it but is draft" in first.stdout
    assert "; 22 more" in first.stdout
    standing = Recorded(_findings_snapshot(own_cache)["increment"]).standing["ISO120"]
    assert standing[0]["near_misses"] == 25 and len(standing[0]["nearest"]) == 20
    over_all = Increment._decided

    def decided(self, again, *args):
        assert over_all_now, f"decided over every document it reads: {again}"
        return over_all(self, again, *args)

    monkeypatch.setattr(Increment, "_decided", decided)
    said = {}
    for name, path, old, new in NEAR_MISSES:
        over_all_now = name == OVER_ALL
        _replace(path, old, new)(qms)
        said[name] = _as_a_run(qms, monkeypatch, *([path] if hook else [])).stdout
    assert len(counted) == 1, "every edit worked out, none run"
    assert command_line(qms, monkeypatch).stdout == qms.check("--no-cache").stdout
    if hook:
        return
    complaints = {name: _message(text, "ISO120") for name, text in said.items()}
    assert "SOP-10 (" not in complaints["the first near miss cites another clause"]
    assert "; 20 more" in complaints["the last near miss cites another clause"]
    assert "; 21 more" in complaints["a new near miss named first"]
    assert "nearest: SOP-05 (qms/SOP-05.md) cites it" in complaints["a new near miss named first"]
    assert complaints["a near miss released"] is None
    assert "; 22 more" in complaints["the first near miss back"]


def _message(stdout: str, rule: str) -> str | None:
    """The message of the rule's one finding in a JSON report, or None."""
    found = [f["message"] for f in json.loads(stdout)["findings"] if f["rule"] == rule]
    assert len(found) <= 1
    return found[0] if found else None


def _partly_covered_repo(qms: Qms) -> None:
    """An ISO 9001 QMS whose design and development (iso9001:8.3, all of 8.3.2 to 8.3.6) is
    partly covered, with drafts citing what is still missing."""
    qms.config(profiles=["iso9001"])
    qms.effective("SOP-1", clauses=["iso9001:8.3.2"], owner="QA")
    qms.effective("SOP-2", clauses=["iso9001:8.3.3"], owner="QA")
    qms.effective("SOP-3", clauses=["iso9001:8.3.4"], owner="QA", status="draft")
    qms.effective("SOP-4", clauses=["iso9001:8.3.5"], owner="QA", status="draft")


def test_a_draft_edited_leaves_a_partly_covered_requirement_as_it_was(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch
) -> None:
    """A document in force neither before nor after the edit covers no part: the finding
    stands, nothing is decided again (nearest.unread); released, it is decided again."""
    from qmslint.incremental.increment import Increment

    _partly_covered_repo(qms)
    first = command_line(qms, monkeypatch)
    partly = _message(first.stdout, "Q9010")
    assert partly is not None and partly.startswith("partly covered")

    def never_again(way):
        def decided(self, rules, *args):
            assert "Q9010" not in {rule.id for rule, _ in rules}, "decided again"
            return way(self, rules, *args)

        return decided

    with monkeypatch.context() as patched:
        for name in ("_decided", "_decided_nearby"):
            patched.setattr(Increment, name, never_again(getattr(Increment, name)))
        _replace("qms/SOP-3.md", "- iso9001:8.3.4", "- iso9001:8.3.4\n- iso9001:8.3.6")(qms)
        _as_a_run(qms, monkeypatch, "qms/SOP-3.md")
        assert _message(_as_a_run(qms, monkeypatch).stdout, "Q9010") == partly
    _replace("qms/SOP-3.md", "status: draft", "status: effective")(qms)
    released = _message(_as_a_run(qms, monkeypatch).stdout, "Q9010")
    assert released is not None and "iso9001:8.3.4 by SOP-3" in released
    assert len(counted) == 1, "worked out, not run"


RUNS = {
    "a document made a quality manual": ("qms/SOP-15.md", "type: procedure", "type: manual"),
    "a field no kind is known to read": ("qms/SOP-10.md", "owner: QA", "owner: QA\nstandard: x"),
}


@pytest.mark.parametrize("name", list(RUNS))
def test_an_edit_whose_effect_cannot_be_told_runs(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch, name: str
) -> None:
    _one_witness_repo(qms)
    command_line(qms, monkeypatch)
    path, old, new = RUNS[name]
    _replace(path, old, new)(qms)
    _as_a_run(qms, monkeypatch, path)
    assert len(counted) == 2, "run, not worked out"


def test_what_a_run_records_is_brought_up_to_date_after_each_edit(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch
) -> None:
    """The record names each id's documents as they are now: a reference edited twice, to a
    document renamed in between, is still worked out as a run would."""
    _release_repo(qms)
    qms.effective("FRM-30", type="form")
    command_line(qms, monkeypatch)
    _replace("qms/FRM-30.md", "id: FRM-30", "id: FRM-30A")(qms)
    _as_a_run(qms, monkeypatch)
    _replace("qms/WI-20.md", "- SOP-10", "- FRM-30A")(qms)
    _as_a_run(qms, monkeypatch)
    _replace("qms/FRM-30.md", "id: FRM-30A", "id: FRM-30B")(qms)
    fresh = _as_a_run(qms, monkeypatch)
    assert "names FRM-30A, but no document has that id" in fresh.stdout
    assert len(counted) == 1
    record = Recorded(_findings_snapshot(own_cache)["increment"])
    assert record.around({"FRM-30B"}) == {"qms/FRM-30.md"}
    assert record.around({"FRM-30A"}) == {"qms/WI-20.md"}
    assert record.around({"FRM-30"}) == set()


def test_a_record_of_another_shape_is_not_trusted(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch
) -> None:
    _release_repo(qms)
    command_line(qms, monkeypatch)
    path, stored = _findings_snapshot_file(own_cache)
    record = stored["findings"]["increment"]
    kept = own_cache / "runs" / f"index-{record['index'][:32]}.json"
    index = json.loads(kept.read_text())
    index["ids"] = {"SOP-10": [10_000]}  # no such document
    data = json.dumps(index).encode()
    kept.write_bytes(data)  # not the index of that SHA-256 now
    _replace("qms/WI-20.md", "- SOP-10", "- SOP-11")(qms)
    _as_a_run(qms, monkeypatch, "qms/WI-20.md")
    assert len(counted) == 2
    path, stored = _findings_snapshot_file(own_cache)  # recorded again by that run
    record = stored["findings"]["increment"]
    digest = hashlib.sha256(data).hexdigest()
    (own_cache / "runs" / f"index-{digest[:32]}.json").write_bytes(data)
    record["index"] = digest  # its own SHA-256 this time, naming a document that is not there
    path.write_text(json.dumps(stored))
    _replace("qms/WI-20.md", "- SOP-11", "- SOP-10")(qms)
    _as_a_run(qms, monkeypatch, "qms/WI-20.md")
    assert len(counted) == 3
    for broken in ({"paths": "x"}, None, [], {"standing": []}, {**record, "holders": "x"}):
        with pytest.raises(ValueError):
            Recorded(broken)
    for index in ("not JSON", "[]", json.dumps({"paths": ["a"], "facts": []})):
        with pytest.raises(ValueError):
            Recorded({**record, "index": index}).around({"SOP-10"})


def _findings_snapshot_file(cache: Path) -> tuple[Path, dict]:
    for path in sorted((cache / "runs").glob("*.json")):
        stored = json.loads(path.read_text())
        if stored.get("kind") == "findings":
            return path, stored
    raise AssertionError("no findings snapshot")


def _findings_snapshot(cache: Path) -> dict:
    return _findings_snapshot_file(cache)[1]["findings"]


def test_a_fact_reads_as_its_document_and_an_odd_one_is_no_stand_in() -> None:
    """What a `document-exists` rule reads of a document, and nothing it cannot hold as text."""
    from qmslint import clauses as clause_ids
    from qmslint.incremental import facts
    from qmslint.index.citations import citations_of
    from qmslint.model import START, Document, Field

    def document(**values) -> Document:
        fields = {name: Field(name, value, START) for name, value in values.items()}
        return Document("qms/SOP-1.md", fields=fields, has_metadata=True)

    table = facts.Table([])
    plain = document(
        id="SOP-1", type="procedure", status="effective", devices=["DEV-1"], retention_years=10
    )
    plain.fields["clauses"] = Field("clauses", ["iso13485:4.2.5", "mdr:art10.8"], START)
    fact = facts.fact_of(plain, citations_of(plain, None), ["retention_years"], table)
    assert fact == [True, "effective", "procedure", "SOP-1", ["DEV-1"], ["retention_years"], [0, 1]]
    made = facts.stand_in(plain.path, fact, table)
    assert made is not None
    stand_in, cited = made
    for name in ("id", "type", "status", "devices", "retention_years"):
        assert name in stand_in.fields
    wanted = [clause_ids.parse("iso13485:4.2.5"), clause_ids.parse("mdr:art10.8")]
    assert [c.clause for c in cited] == wanted
    for name in ("id", "type", "status"):
        assert getattr(stand_in, name) == getattr(plain, name)
    assert stand_in.get("devices") == plain.get("devices") and stand_in.has_metadata
    odd = document(id="SOP-2", status=["draft", "effective"])
    assert facts.fact_of(odd, [], [], table)[0] is facts.ODD
    assert facts.stand_in(odd.path, facts.fact_of(odd, [], [], table), table) is None
    with pytest.raises(ValueError):
        facts.stand_in(odd.path, "not a fact", table)


def test_a_few_documents_decide_a_requirement_only_while_three_first_near_misses_stay() -> None:
    """nearest.few: with more near misses counted than noted, three of the first noted must
    be unedited (the finding names three); a standing of another shape decides nothing."""
    from qmslint.incremental import nearest

    first = [f"qms/SOP-{n}.md" for n in range(4)]
    missing = {"near_misses": 30, "nearest": first}
    witnessed = [["qms/SOP-9.md"]]
    assert nearest.few([missing, witnessed], {first[0]: None}) == {*first[1:], "qms/SOP-9.md"}
    assert nearest.few([missing], {first[0]: None, first[1]: None}) is None
    every = {"near_misses": 4, "nearest": first}  # all of them noted: none is left out
    assert nearest.few([every], {path: None for path in first}) == set()
    for odd in (None, [None], [{"reads": []}], [{"partly": True}], [{**missing, "near_misses": 2}]):
        assert nearest.few(odd, {}) is None
    assert nearest.few([witnessed], {"qms/SOP-9.md": None}) is None
