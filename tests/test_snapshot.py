"""The run snapshot (snapshot.py): a command-line `check` whose inputs have not changed prints
exactly what a fresh run prints without running; any change to a file it reads, the listing,
the config or the command line runs it afresh; a broken snapshot is ignored with a note."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qmslint import cli
from qmslint.testing import Qms, Result, write_distribution


def command_line(qms: Qms, monkeypatch, *args: str) -> Result:
    """`qmslint check --format json …` as the shell runs it: `cli.main()` with sys.argv."""
    argv = ["check", "--format", "json", "--today", qms.today, *args]
    out, err = io.StringIO(), io.StringIO()
    with monkeypatch.context() as patched:
        patched.setattr(sys, "argv", ["qmslint", *argv])
        patched.chdir(qms.root)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main()
    return Result(code, out.getvalue(), err.getvalue(), None)


def _repo(qms: Qms) -> None:
    qms.config(profiles=["iso13485"])
    for index in range(4):
        qms.effective(f"SOP-{index}", clauses=["iso13485:4.2.4"], owner="QA")
    qms.doc("qms/WI-1.md", id="WI-1", title="Work", type="work-instruction", status="draft")


def test_a_warm_run_replays_the_output_of_a_fresh_one(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch
) -> None:
    _repo(qms)
    fresh = qms.check("--no-cache")
    first = command_line(qms, monkeypatch)
    assert len(counted) == 1 and list((own_cache / "runs").glob("*.json"))
    warm = command_line(qms, monkeypatch)
    assert len(counted) == 1  # replayed: the engine did not run
    assert (warm.exit_code, warm.stdout, warm.stderr) == (first.exit_code, first.stdout, "")
    assert warm.stdout == fresh.stdout
    assert not [p for p in qms.root.rglob("*") if "runs" in p.parts]  # never in the repository


@pytest.mark.parametrize(
    "change",
    [
        "edit",  # front matter: other findings
        "label",  # a body line a reader takes a value from
        "add",  # a new document
        "remove",
        "config",
        "baseline",  # a baseline appears
    ],
)
def test_any_change_runs_afresh_and_matches_a_cold_run(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch, change: str
) -> None:
    _repo(qms)
    command_line(qms, monkeypatch)
    if change == "edit":
        qms.doc("qms/WI-1.md", id="WI-1", title="Work", type="work-instruction", status="bogus")
    elif change == "label":
        path = qms.root / "qms/WI-1.md"
        path.write_text(path.read_text() + "\nApplicable clauses: ISO 13485:2016 7.3.2\n")
    elif change == "add":
        qms.doc("qms/SOP-9.md", id="SOP-0", title="Twin", type="procedure", status="draft")
    elif change == "remove":
        (qms.root / "qms/WI-1.md").unlink()
    elif change == "config":
        qms.config(profiles=["iso13485"], review_interval_months=1)
    else:
        assert qms.run("baseline").exit_code == 0
    after = command_line(qms, monkeypatch)
    runs = 1 if change in ("edit", "label") else 2  # a status, a clause: qmslint/incremental
    assert len(counted) == runs
    assert after.stdout == qms.check("--no-cache").stdout
    assert command_line(qms, monkeypatch).stdout == after.stdout
    assert len(counted) == runs  # and replayed once recorded again


def test_a_body_edit_that_reads_the_same_replays_without_a_run(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch
) -> None:
    """The pre-commit case: one document's prose edited; its Document, so every finding, is
    what the recorded run read (read/cache.reads_the_same), and the next run replays too."""
    _repo(qms)
    before = command_line(qms, monkeypatch)
    path = qms.root / "qms/WI-1.md"
    path.write_text(path.read_text() + "\nThe prose, edited.\n")
    after = command_line(qms, monkeypatch)
    assert len(counted) == 1 and after.stdout == before.stdout
    assert after.stdout == qms.check("--no-cache").stdout
    path.write_text(path.read_text() + "\nAnd again.\n")
    assert command_line(qms, monkeypatch).stdout == before.stdout
    assert len(counted) == 1
    qms.doc("qms/WI-1.md", id="WI-1", title="Work", type="work-instruction", status="bogus")
    assert command_line(qms, monkeypatch).stdout == qms.check("--no-cache").stdout
    assert len(counted) == 2


def test_a_file_rewritten_in_the_same_tick_is_seen(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch
) -> None:
    """Same size and modification time as recorded: the racy rule hashes it."""
    _repo(qms)
    path = qms.root / "qms/WI-1.md"
    before = command_line(qms, monkeypatch)
    info = path.stat()
    path.write_text(path.read_text().replace("status: draft", "status: drafy"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    after = command_line(qms, monkeypatch)
    assert after.stdout != before.stdout  # seen, and worked out (a status: incremental)
    assert after.stdout == qms.check("--no-cache").stdout


def test_the_command_line_and_the_date_are_part_of_the_key(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch
) -> None:
    _repo(qms)
    command_line(qms, monkeypatch)
    other = command_line(qms, monkeypatch, "--select", "DC001")
    assert len(counted) == 2
    assert other.stdout == qms.check("--no-cache", "--select", "DC001").stdout
    qms.today = "2031-01-01"  # review overdue by then
    later = command_line(qms, monkeypatch)
    assert len(counted) == 3 and later.stdout == qms.check("--no-cache").stdout


def test_fix_diff_no_cache_and_file_outputs_are_never_recorded(
    qms: Qms, own_cache: Path, monkeypatch
) -> None:
    _repo(qms)
    command_line(qms, monkeypatch, "--no-cache")
    command_line(qms, monkeypatch, "--diff")
    command_line(qms, monkeypatch, "-o", f"sarif:{qms.root / 'out.sarif'}")
    monkeypatch.setenv("QMSLINT_NO_CACHE", "1")
    command_line(qms, monkeypatch)
    assert not list(own_cache.glob("runs/*.json"))


def _snapshot_of(own_cache: Path, kind: str) -> Path:
    """The one snapshot file of that kind ("runs" or "findings") in the cache."""
    (found,) = [p for p in _snapshots(own_cache) if json.loads(p.read_bytes())["kind"] == kind]
    return found


def _snapshots(own_cache: Path) -> list[Path]:
    """The snapshot files in the cache, not the records of findings snapshots beside them."""
    return [p for p in own_cache.glob("runs/*.json") if not p.name.startswith("index-")]


@pytest.mark.parametrize(
    "damage",
    [b"not json", b'{"format": 1, "kind": "runs"}', b"[]", b"\xff\xfe", b"", "files", "payload"],
)
@pytest.mark.parametrize("kind", ["runs", "findings"])
def test_a_corrupt_or_foreign_snapshot_is_ignored_with_a_note(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch, damage, kind: str
) -> None:
    _repo(qms)
    paths = () if kind == "runs" else ("qms/WI-1.md",)  # the findings snapshot serves paths
    expected = qms.check("--no-cache", *paths).stdout
    command_line(qms, monkeypatch)
    snapshot = _snapshot_of(own_cache, kind)
    if damage in ("files", "payload"):  # the right shape around a malformed entry
        stored = json.loads(snapshot.read_bytes())
        if damage == "files":
            stored["files"][0] = ["qms/SOP-0.md", "not a signature"]
        elif kind == "runs":
            stored["code"] = 7
        else:
            stored["findings"]["findings"][0][1] = "fatal"  # no such severity
        damage = json.dumps(stored).encode()
    snapshot.write_bytes(damage)
    result = command_line(qms, monkeypatch, *paths)
    runs = 1 if kind == "runs" else 2  # a broken run snapshot: answered from the findings one
    assert len(counted) == runs and result.stdout == expected
    assert "cache:" in result.stderr and "Traceback" not in result.stderr
    again = command_line(qms, monkeypatch, *paths)
    assert len(counted) == runs and again.stderr == ""  # rewritten: replayed, no note


def test_cache_clear_removes_the_snapshots(qms: Qms, own_cache: Path, monkeypatch) -> None:
    _repo(qms)
    command_line(qms, monkeypatch)
    assert list(own_cache.glob("runs/*.json"))
    assert qms.run("cache", "clear").exit_code == 0
    assert not list(own_cache.rglob("*.json"))


def test_python_m_qmslint_replays_byte_for_byte(qms: Qms, own_cache: Path) -> None:
    """The entry point itself (qmslint.entry), in fresh processes: cold, warm, one changed."""
    _repo(qms)
    argv = [sys.executable, "-m", "qmslint", "check", "--format", "json", "--today", qms.today]
    env = {**os.environ, "QMSLINT_CACHE_DIR": str(own_cache)}

    def run(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([*argv, *extra], cwd=qms.root, env=env, capture_output=True)

    cold = run("--no-cache")
    recorded, warm = run(), run()
    assert cold.stdout == recorded.stdout == warm.stdout
    assert (cold.returncode, cold.stderr) == (warm.returncode, warm.stderr)
    path = qms.root / "qms/SOP-1.md"
    path.write_text(path.read_text().replace("owner: QA", "owner: RA"))
    changed = run()
    assert changed.stdout == run("--no-cache").stdout == run().stdout


def test_a_plugin_installed_since_is_seen_and_never_replayed(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch, tmp_path_factory
) -> None:
    site = tmp_path_factory.mktemp("site")
    monkeypatch.syspath_prepend(str(site))
    _repo(qms)
    command_line(qms, monkeypatch)
    (site / "qmslint_extra.py").write_text("")  # a plugin that contributes nothing
    write_distribution(site, "qmslint-extra", "1.0", {"qmslint": {"extra": "qmslint_extra"}})
    monkeypatch.delitem(sys.modules, "qmslint_extra", raising=False)
    with_plugin = command_line(qms, monkeypatch)
    assert len(counted) == 2 and '"name": "extra"' in with_plugin.stdout
    command_line(qms, monkeypatch)
    assert len(counted) == 3  # a run with a plugin is not recorded


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def git(qms: Qms):
    """`_repo` in a new git checkout, every file added; calls git there."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    _repo(qms)
    run = functools.partial(_git, qms.root)
    run("init", "-q")
    run("add", "-A")
    return run


def test_in_a_git_checkout_a_new_commit_runs_afresh(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch, git
) -> None:
    git("commit", "-q", "-m", "one")
    first = command_line(qms, monkeypatch, "--format", "html")
    assert command_line(qms, monkeypatch, "--format", "html").stdout == first.stdout
    assert len(counted) == 1
    git("commit", "-q", "--allow-empty", "-m", "two")
    second = command_line(qms, monkeypatch, "--format", "html")
    assert len(counted) == 2 and second.stdout != first.stdout  # the commit is in the report
    (qms.root / "notes.md").write_text("untracked, yet listed by git ls-files --others\n")
    command_line(qms, monkeypatch, "--format", "html")
    assert len(counted) == 3


@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "github", "gitlab", "junit", "markdown"])
def test_a_check_of_paths_is_answered_from_the_findings_of_the_last_run(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch, fmt: str
) -> None:
    """The pre-commit hook passes other files at every commit: the findings of the last run
    of the same options (any paths, or none), limited to these paths, render as a run would."""
    _repo(qms)
    (qms.root / "qms/WI-1.md").write_text(
        (qms.root / "qms/WI-1.md").read_text().replace("status: draft", "status: drafty")
    )
    command_line(qms, monkeypatch, "--format", fmt)
    assert len(counted) == 1
    for paths in (["qms/WI-1.md"], ["qms/SOP-1.md", "qms/WI-1.md"], [".qmslint.yaml"]):
        limited = command_line(qms, monkeypatch, "--format", fmt, *paths)
        fresh = qms.check("--no-cache", "--format", fmt, *paths)
        assert (limited.exit_code, limited.stdout) == (fresh.exit_code, fresh.stdout), paths
        assert limited.stderr == ""
    assert len(counted) == 1  # no run: every one was answered from the findings


def test_a_check_of_paths_replays_a_prose_edit_and_works_out_a_front_matter_edit(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch
) -> None:
    _repo(qms)
    qms.doc("qms/WI-1.md", id="WI-1", title="Work", type="work-instruction", status="drafty")
    command_line(qms, monkeypatch, "qms/SOP-0.md")  # the hook at an earlier commit
    path = qms.root / "qms/WI-1.md"
    path.write_text(path.read_text() + "\nThe prose, edited.\n")
    prose = command_line(qms, monkeypatch, "qms/WI-1.md")
    assert len(counted) == 1 and prose.stdout == qms.check("--no-cache", "qms/WI-1.md").stdout
    assert "drafty" in prose.stdout  # its own findings, not the earlier commit's file's
    qms.doc("qms/WI-1.md", id="WI-1", title="Work", type="work-instruction", status="bogus")
    edited = command_line(qms, monkeypatch, "qms/WI-1.md")
    assert len(counted) == 1 and "bogus" in edited.stdout  # a status: qmslint/incremental
    assert edited.stdout == qms.check("--no-cache", "qms/WI-1.md").stdout


def test_a_check_of_paths_is_never_answered_across_options_or_for_html(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch
) -> None:
    _repo(qms)
    command_line(qms, monkeypatch)
    other = command_line(qms, monkeypatch, "--select", "DC001", "qms/WI-1.md")
    assert len(counted) == 2
    assert other.stdout == qms.check("--no-cache", "--select", "DC001", "qms/WI-1.md").stdout
    command_line(qms, monkeypatch, "--format", "html")
    command_line(qms, monkeypatch, "--format", "html", "qms/WI-1.md")  # the matrix: a run
    assert len(counted) == 4


def test_in_a_git_checkout_the_hook_of_the_next_commit_is_answered_from_the_findings(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch, git
) -> None:
    """As pre-commit calls it: the hook of one commit, the commit made, the next one staged."""
    command_line(qms, monkeypatch, "--format", "sarif", "qms/SOP-0.md")
    git("commit", "-q", "-m", "one")
    path = qms.root / "qms/WI-1.md"
    path.write_text(path.read_text() + "\nThe prose, edited.\n")
    git("add", "-A")
    staged = command_line(qms, monkeypatch, "--format", "sarif", "qms/WI-1.md")
    assert len(counted) == 1
    fresh = qms.check("--no-cache", "--format", "sarif", "qms/WI-1.md")
    assert staged.stdout == fresh.stdout  # the commit made since changes no finding


def test_a_check_of_paths_keeps_one_findings_snapshot_not_one_per_list_of_files(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch
) -> None:
    _repo(qms)
    for index in range(3):  # three commits, three lists of staged files, all run afresh
        qms.doc(  # a key no kind is known to read: no edit qmslint/incremental works out
            "qms/WI-1.md", id="WI-1", title="Work", type="work-instruction", scope=str(index)
        )
        command_line(qms, monkeypatch, f"qms/SOP-{index}.md")
    assert len(counted) == 3
    kinds = [json.loads(p.read_bytes())["kind"] for p in _snapshots(own_cache)]
    assert kinds == ["findings"]


def test_the_cache_keeps_the_newest_snapshots_only(qms: Qms, own_cache: Path, monkeypatch) -> None:
    """A key holds the date: without a bound, a daily CI run would add a snapshot every day."""
    from qmslint import snapshot

    _repo(qms)
    folder = own_cache / "runs"
    folder.mkdir(parents=True)
    for index in range(snapshot.MAX_SNAPSHOTS + 8):
        for name in (f"{index:032x}.json", f"index-{index:032x}.json"):
            old = folder / name
            old.write_text("{}")
            os.utime(old, ns=(10**18 + index, 10**18 + index))
    (folder / "notes.txt").write_text("not a snapshot: left alone")
    command_line(qms, monkeypatch)
    every = sorted(p.name for p in folder.glob("*.json"))
    left = [name for name in every if not name.startswith("index-")]
    assert len(left) == snapshot.MAX_SNAPSHOTS and (folder / "notes.txt").exists()
    assert f"{snapshot.MAX_SNAPSHOTS + 7:032x}.json" in left and f"{0:032x}.json" not in left
    assert len(left) - sum(name.startswith("0" * 24) for name in left) == 2  # this run's two
    records = [name for name in every if name.startswith("index-")]  # of findings snapshots
    assert len(records) == snapshot.MAX_SNAPSHOTS and f"index-{0:032x}.json" not in records
    assert len(records) - sum(name.startswith("index-" + "0" * 24) for name in records) == 1


@pytest.mark.parametrize(
    "options",
    [["--format", "text", "--show-suppressed"], ["--statistics"], ["--format", "sarif"]],
)
def test_a_waived_finding_and_statistics_are_answered_as_a_run_says_them(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch, options: list[str]
) -> None:
    qms.config(
        profiles=["document-control"],
        waivers=[
            {
                "rule": "DC013",
                "document": "SOP-1",
                "justification": "SOP-9 is being written under change request CR-12.",
                "approved_by": "Head of QA",
                "expires": "2027-03-31",
            }
        ],
    )
    qms.effective("SOP-1", related=["SOP-9"])  # DC013, waived
    qms.effective("SOP-2", related=["SOP-8"])  # DC013, not waived
    command_line(qms, monkeypatch, *options)
    for paths in (["qms/SOP-1.md"], ["qms/SOP-2.md"]):
        limited = command_line(qms, monkeypatch, *options, *paths)
        fresh = qms.check("--no-cache", *options, *paths)
        assert (limited.exit_code, limited.stdout) == (fresh.exit_code, fresh.stdout)
    assert len(counted) == 1
    if "--show-suppressed" in options:  # the waiver's justification, as a run shows it
        assert "CR-12" in command_line(qms, monkeypatch, *options, "qms/SOP-1.md").stdout


def test_hashes_of_files_changed_just_before_a_run_are_dropped_once_they_are_old(
    qms: Qms, own_cache: Path, counted: list[int], monkeypatch
) -> None:
    """A checkout made just before a run records every file's hash (git's racy rule); a later
    replay finding them unchanged, and old by now, keeps their signatures alone, so that no
    replay after it hashes the repository again."""
    from qmslint import snapshot

    _repo(qms)
    monkeypatch.setattr(snapshot, "RACY_NS", 10**19)  # every file counts as just changed
    first = command_line(qms, monkeypatch)
    stored = json.loads(_snapshot_of(own_cache, "runs").read_bytes())
    assert all(digest for _, _, digest in stored["files"])
    monkeypatch.setattr(snapshot, "RACY_NS", 0)
    assert command_line(qms, monkeypatch).stdout == first.stdout
    stored = json.loads(_snapshot_of(own_cache, "runs").read_bytes())
    assert not any(digest for _, _, digest in stored["files"])
    hashed: list[str] = []
    monkeypatch.setattr(snapshot, "content_hash", lambda path, sig: hashed.append(path) or "")
    assert command_line(qms, monkeypatch).stdout == first.stdout
    assert hashed == [] and len(counted) == 1
