"""The run snapshot: a `check` whose inputs have not changed is replayed, not run (SPEC §9).

A `check` is a pure function of its command line, working folder, date and environment, of the
files it reads (the repository's, the config, rule packs, the baseline), of the commit checked
out and of the code that runs (qmslint's own files, the installed distributions). So a run from
the command line records what it printed in one JSON file in the user's cache directory, keyed
by the first group, with every file of the others and its `os.lstat` signature. The next run
with the same key stats those files (one walk of the tree, or `git ls-files` in a checkout) and,
when nothing changed, prints what was recorded: no document is read, and neither the rule packs
nor the CLI are even imported (`qmslint.entry`); this module imports little for that reason.

Like the document cache (read/cache.py), a file changed within `RACY_NS` of the moment the run
started is hashed when recorded and hashed again when replayed (git's "racy" rule: a second
write in the same clock tick keeps the stat). The files are stated before the run reads them,
so an edit made while it runs is seen by the next one. A run is recorded only when replaying it
is exact: every output on standard output, only the built-in plugins, no error, no note of a
refused cache entry; `--fix`, `--diff` and `--no-cache` are never recorded nor replayed. A
`check` also keeps a findings snapshot, keyed by its options without the paths, from which a
later `check PATH …` (the pre-commit hook) is answered (`replay_findings`, cli). A
snapshot that is not valid JSON, names another format or key, or is malformed is ignored with a
note and the run goes on afresh; it is written atomically (support/files.py), so concurrent runs
see whole snapshots, the last writer winning; the newest MAX_SNAPSHOTS are kept. `qmslint cache
clear` removes them with the pack cache (support/cache.clear).
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time

from qmslint import __version__
from qmslint.support import cachedir, safe_open

TYPE_CHECKING = False  # typing itself is not imported on the warm path
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path
    from typing import Any

    from qmslint.read.readers import Reader, ReadSettings

FORMAT = 1
KIND = "runs"
FINDINGS = "findings"  # the kind of a findings snapshot (in the same folder, by its own key)
RACY_NS = 2_000_000_000
MAX_SNAPSHOT = 256 * 1024 * 1024
MAX_CHANGED = 64  # more changed files than this: the run itself reads them sooner
MAX_SNAPSHOTS = 32  # the newest kept: a key holds the date, so every day brings new ones
UNTRUSTED = "!"  # the hash of a racy file that cannot be hashed (a folder, a FIFO): never replayed
ENVIRONMENT = ("NO_COLOR", "FORCE_COLOR", "QMSLINT_NO_CACHE", "QMSLINT_CACHE_DIR")
REFUSED = ("--no-cache", "--fix", "--diff", "-o", "--output", "-h", "--help", "--version")
CONFIG_FILES = (".qmslint.yaml", ".qmslint.yml", "pyproject.toml")  # what config.find_config reads
_PACKAGE = os.path.dirname(os.path.abspath(__file__))

Signature = list  # lstat's mode, size, mtime_ns, inode, ctime_ns (+ the same through a symlink)


def run_key(argv: Sequence[str]) -> str:
    """Everything a run depends on that is not a file: the command line as written, the working
    folder, today's date (review rules), the environment qmslint reads, and the interpreter."""
    return _key(list(argv))


def findings_key(options: str) -> str:
    """The key of a `check`'s findings snapshot: as `run_key`, with the command line's options
    as parsed (`options`, a text made by the CLI) in place of the command line, whose paths
    differ at every commit."""
    return _key(["findings", options])


def _key(command: list[str]) -> str:
    import hashlib

    material = [
        FORMAT,
        __version__,
        command,
        os.getcwd(),
        time.strftime("%Y-%m-%d"),  # dt.date.today(), as the config's default `today`
        {name: os.environ.get(name) for name in ENVIRONMENT},
        _stdout_is_terminal(),
        sys.version,
        sys.executable,
        list(sys.path),
        [name.removeprefix(_PACKAGE) for name in code_files()],
    ]
    text = json.dumps(material, ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def snapshot_path(key: str) -> str:
    return os.path.join(cachedir.location(), KIND, f"{key[:32]}.json")


INDEX_PREFIX = "index-"  # a findings snapshot's record of every document (qmslint/incremental)


def index_path(digest: str) -> str:
    """Where the record of that SHA-256 is kept: named by its content, so that a findings
    snapshot names the one it was written with, and an unchanged record is never rewritten."""
    return os.path.join(cachedir.location(), KIND, f"{INDEX_PREFIX}{digest[:32]}.json")


def wanted(argv: Sequence[str]) -> bool:
    """Whether this command line may be replayed or recorded at all."""
    return cachedir.wanted() and not any(arg.split("=")[0] in REFUSED for arg in argv)


# -- signatures of files ------------------------------------------------------------------------


def signature(path: str) -> Signature | None:
    """What changes when the file (or, through a symlink, its target) changes; None: absent."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    found = [info.st_mode, info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns]
    if stat.S_ISLNK(info.st_mode):
        try:
            target = os.stat(path)
        except OSError:
            found.append(-1)  # broken
        else:
            found += [target.st_mode, target.st_size, target.st_mtime_ns, target.st_ino]
            found.append(target.st_ctime_ns)
    return found


def content_hash(path: str, sig: Signature) -> str:
    """SHA-256 of a regular file's bytes (through a symlink), or UNTRUSTED."""
    import hashlib

    mode = sig[5] if len(sig) > 5 else sig[0]
    if not stat.S_ISREG(mode):
        return UNTRUSTED
    try:
        data = safe_open.read_regular(path, limit=MAX_SNAPSHOT)
    except OSError:
        return UNTRUSTED
    return hashlib.sha256(data).hexdigest()


def entry_of(path: str, started: int) -> list[Any]:
    """[path, signature or None, hash]: the hash only for what changed within RACY_NS of
    `started`, when a later write in the same clock tick could keep the signature."""
    sig = signature(path)
    if sig is None:
        return [path, None, ""]
    racy = _changed_at(sig) >= started - RACY_NS
    return [path, sig, content_hash(path, sig) if racy else ""]


def _changed_at(sig: Signature) -> int:
    """When the file (and, through a symlink, its target) last changed."""
    return max(sig[2], sig[4], *sig[7:8], *sig[9:10])


class Stated:
    """What one process has stated of the files (the listing of a root, each path's
    signature): the run snapshot and the findings snapshot of a `check` name the same files,
    and are tried one after the other, before anything is read."""

    def __init__(self) -> None:
        self.listings: dict[str, tuple[list[str], bool] | None] = {}
        self.signatures: dict[str, Signature | None] = {}
        self.verdicts: list[tuple[tuple[str, list[Any]], dict[int, Any] | None]] = []

    def listing(self, root: str) -> tuple[list[str], bool] | None:
        if root not in self.listings:
            self.listings[root] = list_repository(root)
        return self.listings[root]

    def changed(
        self, root: str, recorded: list[Any], names: list[str]
    ) -> dict[int, Signature | None] | None:
        """`_changed_files`, worked out once for a list of recorded files: the two snapshots
        of one run record the same list."""
        for seen, verdict in self.verdicts:
            if seen[0] == root and seen[1] == recorded:
                return None if verdict is None else dict(verdict)
        verdict = _changed_files(root, recorded, names, self)
        kept = None if verdict is None else dict(verdict)
        self.verdicts.append(((root, list(recorded)), kept))  # a copy: a replay rewrites it
        return verdict

    def signature(self, path: str) -> Signature | None:
        found = self.signatures.get(path, _UNSTATED)
        if found is _UNSTATED:
            found = self.signatures[path] = signature(path)
        return found


_UNSTATED: Any = object()


def _settled(stored: dict[str, Any], started: int) -> bool:
    """Drop the hashes of entries this run found unchanged whose last change now lies more than
    RACY_NS before `started`: their signature alone tells from now on (a write would change it),
    so a repository checked out just before it was recorded is not hashed in every replay.
    Whether any was dropped (the snapshot is then written again)."""
    dropped = False
    for entries in (stored["files"], stored["extra"]):
        for entry in entries:
            sig = entry[1]
            if entry[2] and sig is not None and _changed_at(sig) < started - RACY_NS:
                entry[2] = ""
                dropped = True
    return dropped


def _unchanged(path: str, sig: Any, digest: Any, stated: Stated | None = None) -> bool:
    """Whether a recorded entry still holds (a malformed one never does, or raises)."""
    now = signature(path) if stated is None else stated.signature(path)
    if now != sig or type(digest) is not str:
        return False
    return not digest or (sig is not None and content_hash(path, sig) == digest)


# -- what a run reads ---------------------------------------------------------------------------


def list_repository(root: str) -> tuple[list[str], bool] | None:
    """(the files under root, whether git listed them), sorted: in a git checkout what
    discovery lists (`git ls-files`), elsewhere every file outside hidden folders (discovery's
    walk, with the files it leaves out for their names); None when git refuses a checkout
    (discovery then warns, so such a run is not recorded)."""
    if _in_git_checkout(root):
        from pathlib import Path

        from qmslint.read.gitutil import git_files

        names = git_files(Path(root))
        return (names, True) if names is not None else None
    found: list[str] = []
    _walk(root, "", found)
    found.sort()
    return found, False


def _in_git_checkout(root: str) -> bool:
    """gitutil.in_git_checkout without importing subprocess: a `.git` in root or above."""
    folder = root
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return True
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder = parent


def _walk(folder: str, prefix: str, found: list[str]) -> None:
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith("."):
                    _walk(entry.path, f"{prefix}{entry.name}/", found)
            else:
                found.append(prefix + entry.name)


def code_files() -> list[str]:
    """qmslint's own files (without byte code), its shipped rules and schemas; which files
    there are is part of the run's key, what each holds is an input of its snapshot."""
    from qmslint.support.resources import data_folder

    tops = [_PACKAGE]
    for name in ("rules", "schemas"):
        try:
            tops.append(data_folder(name))
        except FileNotFoundError:
            continue
    found: list[str] = []
    for top in tops:
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            found += [os.path.join(folder, name) for name in sorted(files)]
    return found


def distribution_folders() -> list[str]:
    """The folders of sys.path, whose times change when a distribution (a plugin) is installed
    or removed; not the working folder `python -m` puts first (its files are the listing's)."""
    here = os.getcwd()
    return [
        os.path.abspath(entry)
        for entry in sys.path
        if entry and os.path.isdir(entry) and os.path.abspath(entry) != here
    ]


def config_probes(start: Path, root: Path, source: Path | None) -> list[str]:
    """The folders the config search looks in (their times change when a config file or a
    `.git` appears there) and the files it reads in each."""
    found: list[str] = []
    for folder in (start, *start.parents):
        found.append(str(folder))
        found += [str(folder / name) for name in CONFIG_FILES]
        if source is not None and folder == root:
            break
    return found


def _commit(root: str, git: bool) -> str | None:
    if not git:
        return None
    from pathlib import Path

    from qmslint.read.gitutil import head_commit

    return head_commit(Path(root))


# -- recording ------------------------------------------------------------------------------------


class Attempt:
    """What a command-line run learnt from its snapshot: the exit code when it was replayed,
    notes about a snapshot it refused, the key to record under ("" when it may not), and the
    key of its findings snapshot (set by the CLI for a `check` that may record one)."""

    def __init__(self, argv: Sequence[str]) -> None:
        self.argv = list(argv)
        self.key = ""
        self.findings_key = ""
        self.code: int | None = None
        self.notes: list[str] = []
        self.stated = Stated()


class Recording:
    """The inputs of a run, stated before it reads anything; `finish` stores what it printed."""

    def __init__(self, attempt: Attempt, start: Path, root: Path, source: Path | None) -> None:
        self.attempt = attempt
        self.started = time.time_ns()
        self.root = str(root.resolve())
        listing = list_repository(self.root)
        self.usable = listing is not None
        names, self.git = listing or ([], False)
        base = self.root
        self.files = [[rel, *entry_of(os.path.join(base, rel), self.started)[1:]] for rel in names]
        probes = [*config_probes(start.resolve(), root.resolve(), source), *code_files()]
        probes += distribution_folders()
        if source is not None:
            probes.append(str(source.resolve()))
        self.extra = [entry_of(path, self.started) for path in probes]
        self.commit = _commit(self.root, self.git)

    @classmethod
    def start(
        cls, attempt: Attempt, start: Path, root: Path, source: Path | None
    ) -> Recording | None:
        """The recording of a run that may be replayed (None when it may not)."""
        if not attempt.key:
            return None
        recording = cls(attempt, start, root, source)
        return recording if recording.usable else None

    def also(self, paths: Iterable[Path]) -> None:
        """Files besides the listing that the run reads or looks for (packs, the baseline)."""
        self.extra += [entry_of(str(path), self.started) for path in paths]

    def finish(
        self,
        stdout: str,
        stderr: list[str],
        code: int,
        documents: dict[str, str],
        readers: Sequence[Reader],
        settings: ReadSettings,
        findings: dict[str, Any] | None = None,
        exact: bool = True,
    ) -> None:
        """Store what the run printed (an unwritable cache is no error: the next run runs),
        with what a later run needs to tell that a changed file still reads the same: the
        SHA-256 of each document as read (`documents`), the readers and their settings; and
        in a second snapshot `findings` (report/stored.py), when given, for a later `check`
        of other paths. `exact` False: no run snapshot (a `check` of paths, which its findings
        answer: one file per commit's list of files would pile up)."""
        from qmslint.read import cache as document_cache

        names = document_cache.reader_names(readers)
        try:
            values = document_cache.settings_values(settings)
        except (TypeError, ValueError):
            names = None
        stored = {
            "format": FORMAT,
            "kind": KIND,
            "key": self.attempt.key,
            "root": self.root,
            "git": self.git,
            "commit": self.commit,
            "files": self.files,
            "extra": self.extra,
            "stdout": stdout,
            "stderr": stderr,
            "code": code,
            "documents": documents if names is not None else {},
            "reading": {"readers": names, "settings": values} if names is not None else None,
        }
        if exact or findings is None:
            _write(stored)
        if findings is not None and self.attempt.findings_key:
            stored.update(kind=FINDINGS, key=self.attempt.findings_key, stdout="")
            stored["findings"] = findings
            _write(stored)


def _write(stored: dict[str, Any]) -> None:
    from pathlib import Path

    from qmslint.support import files

    path = snapshot_path(stored["key"])
    try:
        text = json.dumps(stored, ensure_ascii=True, separators=(",", ":"))
        files.write_atomically(Path(path), text.encode("ascii"))
    except Exception:  # unwritable, or gone: the next run simply runs
        return
    _prune(os.path.dirname(path))


def _prune(folder: str) -> None:
    """Keep the newest MAX_SNAPSHOTS snapshots and as many records of findings snapshots:
    each day, option set and HTML check of paths has its own, which would otherwise fill the
    cache directory over the months."""
    try:
        with os.scandir(folder) as entries:
            found = [
                (entry.stat(follow_symlinks=False).st_mtime_ns, entry.path)
                for entry in entries
                if entry.name.endswith(".json") and entry.is_file(follow_symlinks=False)
            ]
    except OSError:
        return
    found.sort(reverse=True)
    indexes = [item for item in found if os.path.basename(item[1]).startswith(INDEX_PREFIX)]
    snapshots = [item for item in found if item not in indexes]
    for _, path in [*snapshots[MAX_SNAPSHOTS:], *indexes[MAX_SNAPSHOTS:]]:
        try:
            os.unlink(path)
        except OSError:  # another run pruned it first
            continue


def replayable(errors: Sequence[str], warnings: Sequence[str], code: int) -> bool:
    """Whether a finished run may be replayed: no error (exit 2 must be seen afresh), no note of
    a refused cache entry (it is mended by now), and an exit code of 0 or 1."""
    return not errors and code in (0, 1) and not any(w.startswith("cache:") for w in warnings)


# -- replaying ------------------------------------------------------------------------------------


def replay(argv: Sequence[str]) -> Attempt:
    """The run replayed when its snapshot holds and nothing it read changed (`code` set, the
    output printed), else an `Attempt` for the run to record under."""
    attempt = Attempt(argv)
    if not wanted(argv):
        return attempt
    try:
        attempt.key = run_key(argv)
    except OSError:  # the working folder is gone: the run says so itself
        return attempt
    stored = _holding(attempt.key, KIND, attempt.notes, attempt.stated)
    if stored is not None:
        _print(stored["stdout"], stored["stderr"])
        attempt.code = stored["code"]
    return attempt


class Held:
    """A findings snapshot whose inputs hold, but for the documents in `edited` (by path: their
    index in the listing and their signature now), changed so that they no longer read as the
    recorded run read them (qmslint/incremental may still work out their findings)."""

    def __init__(self, stored: dict[str, Any], edited: dict[str, tuple[int, Signature]]) -> None:
        self.stored = stored
        self.edited = edited
        self.started = time.time_ns()


def replay_findings(key: str, notes: list[str], stated: Stated | None = None) -> Held | None:
    """The findings snapshot recorded under `key` (its "findings" and "stderr") when it holds
    as a run snapshot holds (`_holds`), or when it would but for at most MAX_CHANGED edited
    documents the recorded run read through the cache; else None. A broken one is ignored
    with a note."""
    stored = _loaded(key, notes)
    if stored is None:
        return None
    held = Held(stored, {})
    try:
        changed = _changed(stored, key, FINDINGS, stated or Stated())
        if changed is None:
            return None
        if not changed and _settled(stored, held.started):
            _write(stored)
        if not changed or _reads_the_same(stored, changed, held.started):
            return held
        files, documents = stored["files"], stored["documents"]
        for index, sig in changed.items():
            rel = files[index][0]
            if sig is None or type(documents.get(rel)) is not str:
                return None  # gone, or no document the cache held: the run decides
            held.edited[rel] = (index, sig)
    except Exception:
        notes.append(_corrupt(snapshot_path(key)))
        return None
    return held if stored.get("reading") is not None else None


def record_increment(
    held: Held, findings: dict[str, Any], digests: dict[str, str], run: dict[str, Any] | None
) -> None:
    """Store the findings worked out after the edits of `held` (their documents now read to
    `digests`, the SHA-256 of their bytes), and, for a `check` of no paths, `run` ("key",
    "stdout", "stderr", "code") as its run snapshot, so that the next run replays."""
    stored = held.stored
    settled = _settled(stored, held.started)
    for rel, (index, sig) in held.edited.items():
        _renew(stored, index, sig, digests[rel], held.started)
    stored["findings"] = findings
    if held.edited or settled:
        _write(stored)
    if run is not None:
        recorded = {key: value for key, value in stored.items() if key != "findings"}
        recorded.update(kind=KIND, commit=_commit(stored["root"], stored["git"]), **run)
        _write(recorded)


def _holding(
    key: str, kind: str, notes: list[str], stated: Stated | None = None
) -> dict[str, Any] | None:
    """The snapshot of that kind under `key` when there is one and it holds; one that is not
    JSON or not the shape written is never trusted: `notes` says so."""
    stored = _loaded(key, notes)
    if stored is None:
        return None
    try:
        holds = _holds(stored, key, kind, stated)
    except Exception:
        notes.append(_corrupt(snapshot_path(key)))
        return None
    return stored if holds else None


def _loaded(key: str, notes: list[str]) -> Any:
    """The JSON value stored under `key`, or None (none yet, or not JSON: `notes` says so)."""
    path = snapshot_path(key)
    try:
        data = safe_open.read_regular(path, limit=MAX_SNAPSHOT)
    except OSError:
        return None  # none yet
    try:
        return json.loads(data)
    except Exception:
        notes.append(_corrupt(path))
        return None


def _corrupt(path: str) -> str:
    return f"cache: {path} is corrupt or not qmslint's; it is ignored"


def _holds(stored: Any, key: str, kind: str = KIND, stated: Stated | None = None) -> bool:
    """Whether every file the recorded run read or looked for is as it was then, or reads as
    it did then, and (for a run snapshot) the commit is the same; raises (ValueError,
    TypeError …) for a snapshot of another shape."""
    started = time.time_ns()
    changed = _changed(stored, key, kind, stated or Stated())
    if changed is None:
        return False
    if changed:
        return _reads_the_same(stored, changed, started)
    if _settled(stored, started):
        _write(stored)
    return True


def _changed(
    stored: Any, key: str, kind: str, stated: Stated
) -> dict[int, Signature | None] | None:
    """The files of the listing changed since the recorded run (by index, with their signature
    now) when nothing else it read or looked for did, nor the list of files, nor (for a run
    snapshot) the commit; None otherwise; raises for a snapshot of another shape."""
    if (
        type(stored) is not dict
        or stored.get("format") != FORMAT
        or stored.get("kind") != kind
        or stored.get("key") != key
        or type(stored["root"]) is not str
        or type(stored["git"]) is not bool
        or not (stored["commit"] is None or type(stored["commit"]) is str)
        or type(stored["stdout"]) is not str
        or not all(type(line) is str for line in stored["stderr"])
        or stored["code"] not in (0, 1)
    ):
        raise ValueError("not a snapshot")
    extra = stored["extra"]
    if not all(_unchanged(path, sig, digest, stated) for path, sig, digest in extra):
        return None
    root = stored["root"]
    listing = stated.listing(root)
    recorded = stored["files"]
    if listing is None or listing[1] != stored["git"] or len(listing[0]) != len(recorded):
        return None
    changed = stated.changed(root, recorded, listing[0])
    if changed is None:
        return None
    if kind == KIND and _commit(root, stored["git"]) != stored["commit"]:
        return None  # in the report; findings do not depend on it (the replay asks git anew)
    return changed


def _changed_files(
    root: str, recorded: list[Any], names: list[str], stated: Stated
) -> dict[int, Signature | None] | None:
    """The recorded files (by index) that changed, with their signature now; None when the
    listing names other files or too many changed."""
    changed: dict[int, Signature | None] = {}
    prefix, lstat = os.path.join(root, ""), os.lstat
    for index, (name, (rel, sig, digest)) in enumerate(zip(names, recorded)):
        if name != rel:
            return None
        path = prefix + rel
        if digest == "" and type(sig) is list and len(sig) == 5:  # settled, not a link
            try:
                info = lstat(path)
            except OSError:
                pass  # gone: `_unchanged` says so
            else:
                if (
                    info.st_mtime_ns == sig[2]
                    and info.st_size == sig[1]
                    and info.st_ino == sig[3]
                    and info.st_ctime_ns == sig[4]
                    and info.st_mode == sig[0]
                    and not stat.S_ISLNK(sig[0])
                ):
                    continue  # as `signature` would find it (the one loop every replay runs)
        if not _unchanged(path, sig, digest, stated):
            changed[index] = stated.signature(path)
            if len(changed) > MAX_CHANGED:
                return None
    return changed


def _reads_the_same(
    stored: dict[str, Any], changed: dict[int, Signature | None], started: int
) -> bool:
    """Whether each changed file is a document that reads as the run read it (read/cache.py);
    then the snapshot holds for its new bytes too, and is stored so."""
    documents, reading = stored["documents"], stored["reading"]
    files = stored["files"]
    rels = {files[index][0]: index for index in changed}
    if reading is None or not all(type(documents.get(rel)) is str for rel in rels):
        return False
    from pathlib import Path

    from qmslint.read import cache as document_cache

    readers = document_cache.builtin_readers(reading["readers"])
    settings = document_cache.settings_from(reading["settings"])
    root = stored["root"]
    now = document_cache.reads_the_same(
        Path(root), {rel: documents[rel] for rel in rels}, readers, settings
    )
    if now is None:
        return False
    for rel, index in rels.items():
        sig = changed[index]
        if sig is None:
            return False
        _renew(stored, index, sig, now[rel], started)
    _settled(stored, started)
    _write(stored)
    return True


def _renew(stored: dict[str, Any], index: int, sig: Signature, digest: str, started: int) -> None:
    """A changed document's entry in a snapshot that holds for its new bytes (of SHA-256
    `digest`): its signature now, and the hash only while it is racy."""
    rel = stored["files"][index][0]
    racy = _changed_at(sig) >= started - RACY_NS
    stored["files"][index] = [rel, sig, digest if racy else ""]
    stored["documents"][rel] = digest


def _print(stdout: str, stderr: list[str]) -> None:
    """As the CLI prints: standard output as UTF-8 bytes, then the lines of standard error."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(stdout)
    else:
        buffer.write(stdout.encode("utf-8", errors="backslashreplace"))
        buffer.flush()
    for line in stderr:
        print(line, file=sys.stderr)


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
