"""The document cache: what reading produced, kept between runs (SPEC §9).

Reading is a pure function of a file's bytes, its path and the settings that change reading
(`ReadSettings`: spellings, id pattern, type rules, standard, mappings), of the built-in readers
and of qmslint's own code. So a `Document` is stored under a key made of all of these, and
served again while the file is unchanged:

- the store lives in the user's cache directory (`support.cache.directory()`), never in the
  repository: one folder per repository and reading key, holding `SHARDS` JSON files; a
  document goes to the shard its path hashes to, so a run that changes one file rewrites one
  small file, and a warm run opens `SHARDS` files, not one per document;
- an entry is `[size, changed_ns, inode, sha256 of the bytes, the Document as JSON values]`
  (read/codec.py: data only, rebuilt from an allowlist of dataclasses). A file whose size,
  change time (the later of its modification and inode change times) and inode are the entry's
  is not read at all; otherwise its bytes are hashed,
  and an equal hash still serves the entry (a checkout that only touched the file). A file
  modified within `RACY_NS` of the moment its shard was written is always hashed (git's "racy"
  rule), since a second write in the same clock tick keeps the stat;
- what is not a pure function of the file is never cached: a candidate discovery already knows
  it cannot read, a binary without its sidecar, a sidecar (whether its binary exists is asked
  every run), and whatever a plugin's reader reads (its failures must be reported every run);
- a shard that is not valid JSON, names another format or key, or an entry the codec refuses is
  ignored with a note (one per run), never trusted and never a traceback; writes are atomic
  (support/files.write_atomically), so concurrent runs see whole shards, the last writer winning.

`jobs` > 1 reads the misses in that many processes (this one and `jobs - 1` workers) when
there are enough of them to pay for the start-up; the workers hand their documents back
pickled (read/handover.py: a worker is a process of this run) with, when the cache wants them,
their JSON values; a test compares the output of `--jobs 1` and `--jobs 2` byte for byte.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import time
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from stat import S_ISREG
from typing import Any

from qmslint import __version__
from qmslint.model import Document
from qmslint.read import access, codec, handover
from qmslint.read.discovery import Candidate
from qmslint.read.document import read_document
from qmslint.read.readers import (
    MarkdownReader,
    Reader,
    ReadSettings,
    SidecarReader,
    YamlRecordReader,
)
from qmslint.support import cache as support_cache
from qmslint.support import files, safe_open

FORMAT = 2
KIND = "documents"
SHARDS = 64
RACY_NS = 2_000_000_000
MAX_SHARD = 256 * 1024 * 1024
PARALLEL_MIN = 400  # fewer misses than this are read in-process: a pool costs more than it saves
CHUNK = 100  # documents a worker reads per task
AHEAD = 4  # tasks queued per worker: a worker never waits for this process to hand it one
BUILTIN_READERS = (MarkdownReader, SidecarReader, YamlRecordReader)
_CODE = Path(__file__).resolve().parent


def code_fingerprint() -> str:
    """A digest of the reading code itself (qmslint/read/*.py and model.py), so that a changed
    reader never serves what an older one read, even under the same version number."""
    hasher = hashlib.sha256(__version__.encode())
    for path in [*sorted(_CODE.glob("*.py")), _CODE.parent / "model.py"]:
        try:
            hasher.update(path.name.encode() + b"\0" + path.read_bytes())
        except OSError:
            hasher.update(path.name.encode() + b"\0?")
    return hasher.hexdigest()


def stable(value: Any) -> Any:
    """A JSON-able, order-independent description of settings (for the key)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__] + [
            [f.name, stable(getattr(value, f.name))] for f in dataclasses.fields(value)
        ]
    if isinstance(value, Mapping):
        return sorted(([stable(k), stable(v)] for k, v in value.items()), key=repr)
    if isinstance(value, (list, tuple)):
        return [stable(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def reading_key(readers: Sequence[Reader], settings: ReadSettings) -> str:
    identities = [f"{type(r).__module__}.{type(r).__qualname__}:{r.name}" for r in readers]
    material = [code_fingerprint(), codec.schema(), identities, stable(settings)]
    text = json.dumps(material, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def store_folder(root: Path, key: str) -> Path:
    where = hashlib.sha256(os.fsencode(str(root.resolve())) + b"\0" + key.encode()).hexdigest()
    return support_cache.directory() / KIND / where[:32]


def clear() -> int:
    """Remove every stored document (`qmslint cache clear`); how many files were removed."""
    folder = support_cache.directory() / KIND
    removed = 0
    if not folder.is_dir():
        return 0
    for path in sorted(folder.glob("*/*.json")):
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    for path in folder.glob("*"):
        with contextlib.suppress(OSError):
            path.rmdir()
    return removed


def changed_ns(info: os.stat_result) -> int:
    """When the file last changed: its modification time, or the inode's change time when that
    is later (a tool that restores the modification time, `cp -p`, cannot restore this one)."""
    return max(info.st_mtime_ns, info.st_ctime_ns)


def _shard_of(rel: str) -> int:
    return zlib.crc32(rel.encode("utf-8", "surrogatepass")) % SHARDS


def _cacheable(candidate: Candidate, reader: Reader | None) -> bool:
    return (
        candidate.problem is None
        and type(reader) in BUILTIN_READERS
        and not candidate.path.lower().endswith(access.SIDECAR_SUFFIXES)
        and not candidate.path.lower().endswith(access.BINARY_SUFFIXES)
    )


class Store:
    """The shards of one repository and reading key."""

    def __init__(self, folder: Path, key: str, notes: list[str]) -> None:
        self.folder = folder
        self.key = key
        self.notes = notes
        self.shards: dict[int, dict[str, list]] = {}
        self.written: dict[int, int] = {}
        self.dirty: set[int] = set()
        self.decoded: dict[str, Document] = {}  # served entries, whose JSON is let go (memory)

    def _note(self, text: str) -> None:
        if not any(note.startswith("cache:") for note in self.notes):
            self.notes.append(f"cache: {text}; it is ignored and read afresh")

    def shard(self, number: int) -> dict[str, list]:
        found = self.shards.get(number)
        if found is not None:
            return found
        entries: dict[str, list] = {}
        path = self.folder / f"{number:02x}.json"
        try:
            data = safe_open.read_regular(path, limit=MAX_SHARD)
        except OSError:
            data = None  # not there yet
        if data is not None:
            try:
                stored = json.loads(data)
                if (
                    type(stored) is not dict
                    or stored.get("format") != FORMAT
                    or stored.get("kind") != KIND
                    or stored.get("key") != self.key
                    or type(stored.get("entries")) is not dict
                    or type(stored.get("written")) is not int
                ):
                    raise ValueError("foreign")
                entries = stored["entries"]
                self.written[number] = stored["written"]
            except Exception:
                self._note(f"{path} is corrupt or not qmslint's")
                entries = {}
                self.dirty.add(number)
        self.shards[number] = entries
        return entries

    def put(self, rel: str, stat: Sequence[int], digest: str, encoded: Any) -> None:
        """Hold `rel`'s entry: its (size, change time, inode), SHA-256 and JSON values."""
        number = _shard_of(rel)
        self.shard(number)[rel] = [stat[0], stat[1], stat[2], digest, encoded]
        self.dirty.add(number)

    def save(self, keep: set[str] | None = None) -> None:
        """Write the changed shards, with only the entries of `keep` (all when None)."""
        now = time.time_ns()
        for number in sorted(self.dirty):
            entries = self.shards.get(number, {})
            if keep is not None:
                entries = {rel: e for rel, e in entries.items() if rel in keep}
            try:
                for rel, entry in entries.items():
                    if entry[4] is None:  # served and let go: written again from its Document
                        entry[4] = codec.encode_document(self.decoded[rel])
                stored = {
                    "format": FORMAT,
                    "kind": KIND,
                    "key": self.key,
                    "written": now,
                    "entries": entries,
                }
                text = json.dumps(stored, ensure_ascii=True, separators=(",", ":"))
                data = text.encode("ascii")
                files.write_atomically(self.folder / f"{number:02x}.json", data)
            except Exception:  # an unwritable cache is no error: the next run reads again
                return


def _valid_entry(entry: Any) -> bool:
    return (
        type(entry) is list
        and len(entry) == 5
        and all(type(x) is int for x in entry[:3])
        and type(entry[3]) is str
    )


def read_documents_cached(
    root: Path,
    candidates: Sequence[Candidate],
    readers: Sequence[Reader],
    settings: ReadSettings,
    notes: list[str] | None = None,
    jobs: int = 1,
    use_cache: bool = True,
    digests: dict[str, str] | None = None,
) -> list[Document]:
    """What `read.document.read_documents` returns, served from the cache where it can be;
    `digests` gets the SHA-256 of the bytes of each document the cache holds (the snapshot of
    the run names documents by it: see `reads_the_same`)."""
    notes = notes if notes is not None else []
    digests = digests if digests is not None else {}
    paths = {candidate.path for candidate in candidates}
    chosen = access.documents_among(candidates)
    key = reading_key(readers, settings)
    store = Store(store_folder(root, key), key, notes) if use_cache else None
    base = str(root)
    result: list[Document | None] = [None] * len(chosen)
    misses: list[tuple[int, Candidate, tuple[int, int, int, str] | None]] = []
    for index, candidate in enumerate(chosen):
        rel = candidate.path
        reader = next((r for r in readers if r.matches(rel)), None)
        if not _cacheable(candidate, reader):
            result[index] = read_document(root, candidate, readers, settings, paths)
            continue
        try:
            info = os.stat(os.path.join(base, rel))
        except OSError:
            result[index] = read_document(root, candidate, readers, settings, paths)
            continue
        stat = (info.st_size, changed_ns(info), info.st_ino)
        if store is None:
            misses.append((index, candidate, None))
            continue
        number = _shard_of(rel)
        entries = store.shard(number)
        entry = entries.get(rel)
        if entry is not None and not _valid_entry(entry):
            store._note(f"an entry for {rel} is malformed")
            entry = None
        trusted = (
            entry is not None
            and tuple(entry[:3]) == stat
            and stat[1] < store.written.get(number, 0) - RACY_NS
        )
        digest = ""
        if entry is not None and not trusted:
            data, _ = access.read_bytes(root, rel)
            digest = hashlib.sha256(data or b"").hexdigest()
            trusted = data is not None and digest == entry[3]
            if trusted:
                entry[:3] = list(stat)
                store.dirty.add(number)
        if trusted:
            try:
                result[index] = store.decoded[rel] = codec.decode_document(entry[4])
                entry[4] = None  # the Document holds it now: not both in memory at once
                digests[rel] = entry[3]
                continue
            except Exception:
                store._note(f"the entry for {rel} is refused")
        misses.append((index, candidate, (*stat, digest)))
    reading = _Reading(root, readers, settings, paths, store is not None)
    read = _read_misses(reading, [m[1] for m in misses], jobs)
    for (index, candidate, stat), (document, encoded) in zip(misses, read):
        result[index] = document
        if store is None or stat is None or encoded is None:
            continue
        digest = stat[3]
        if not digest:
            data, _ = access.read_bytes(root, candidate.path)
            if data is None:
                continue
            digest = hashlib.sha256(data).hexdigest()
        store.put(candidate.path, stat, digest, encoded)
        digests[candidate.path] = digest
    if store is not None:
        store.save(paths)
    return [document for document in result if document is not None]


@dataclasses.dataclass(frozen=True)
class _Reading:
    """What reading a miss needs, the same in this process and in a worker."""

    root: Path
    readers: Sequence[Reader]
    settings: ReadSettings
    paths: set[str]
    encode: bool  # whether the cache wants each document's JSON values

    def document(self, rel: str) -> Document:
        return read_document(self.root, Candidate(rel), self.readers, self.settings, self.paths)

    def here(self, candidate: Candidate) -> tuple[Document, Any]:
        """(the Document, its JSON values, or None when not wanted or not encodable)."""
        document = self.document(candidate.path)
        return document, (_encoded(document) if self.encode else None)

    def received(
        self, candidate: Candidate, document: Document | None, encoded: Any
    ) -> tuple[Document, Any]:
        """A worker's document, as the worker read it (read/handover.py); one it could not
        send is read here."""
        if document is None:
            return self.here(candidate)
        return document, encoded


def _encoded(document: Document) -> Any:
    try:
        return codec.encode_document(document)
    except (TypeError, ValueError):  # a plugin's value in it: such a document is not cached
        return None


def _read_misses(
    reading: _Reading, misses: list[Candidate], jobs: int
) -> list[tuple[Document, Any]]:
    """Each miss read: (the Document, its JSON values, or None when not wanted or encodable).

    With `jobs` > 1, `jobs - 1` workers read chunks while this process reads chunks too: a
    worker's documents come back pickled and must be unpickled here (a tenth of reading one),
    so this process is no idle collector but takes whatever chunk is left whenever it has
    nothing to collect (the load balances itself on any machine)."""
    if jobs > 1 and len(misses) >= PARALLEL_MIN:
        try:
            return _read_in_parallel(reading, misses, jobs)
        except _NoProcesses:  # a sandbox without processes: read in this process instead
            pass
    return [reading.here(candidate) for candidate in misses]


class _NoProcesses(Exception):
    """The worker processes could not be started or died (nothing was lost: read here)."""


def _read_in_parallel(
    reading: _Reading, misses: list[Candidate], jobs: int
) -> list[tuple[Document, Any]]:
    from collections import deque
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    size = max(1, min(CHUNK, -(-len(misses) // (jobs * 8))))
    chunks = [misses[i : i + size] for i in range(0, len(misses), size)]
    done: list[list[tuple[Document, Any]] | None] = [None] * len(chunks)
    left = deque(range(len(chunks)))
    running: dict[Future, int] = {}
    workers = jobs - 1

    def collect(future: Future) -> None:
        number = running.pop(future)
        chunk = chunks[number]
        try:
            documents, text = handover.unpack(future.result())
            encodings = json.loads(text) if text is not None else [None] * len(chunk)
            if len(documents) != len(chunk) or len(encodings) != len(chunk):
                raise ValueError("a chunk of another length")
        except Exception as exc:  # a worker died (killed, out of memory): nothing is trusted
            raise _NoProcesses from exc
        done[number] = [reading.received(*made) for made in zip(chunk, documents, encodings)]

    try:
        pool = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(reading,))
    except Exception as exc:
        raise _NoProcesses from exc
    with pool:
        try:
            while left or running:
                while left and len(running) < AHEAD * workers:  # work queued for each worker
                    number = left.popleft()
                    running[pool.submit(_work, [c.path for c in chunks[number]])] = number
                for future in [f for f in running if f.done()]:
                    collect(future)
                if left:  # nothing to decode: read the last chunk nobody has taken
                    number = left.pop()
                    done[number] = [reading.here(c) for c in chunks[number]]
                elif running:
                    wait(running, return_when=FIRST_COMPLETED)
        except _NoProcesses:
            raise
        except Exception as exc:  # the pool broke while submitting
            raise _NoProcesses from exc
    return [read for part in done if part is not None for read in part]


_WORKER: list[_Reading] = []


def _init_worker(reading: _Reading) -> None:
    _WORKER[:] = [reading]


def _work(rels: list[str]) -> bytes:
    """In a worker: the documents read, and (when the cache wants them) their JSON values as
    one compact array (null: not encodable), handed over as read/handover.py says."""
    reading = _WORKER[0]
    documents = [reading.document(rel) for rel in rels]
    encoded = None
    if reading.encode:
        encoded = json.dumps([_encoded(d) for d in documents], separators=(",", ":"))
    return handover.pack(documents, encoded)


# -- a run's documents, checked again without a run (snapshot.py) ------------------------------


def settings_values(settings: ReadSettings) -> dict[str, Any]:
    """`ReadSettings` as JSON values (a run's snapshot keeps them to read a changed file)."""
    values = _fields(settings)
    values["spellings"] = _fields(settings.spellings)
    return json.loads(json.dumps(values))  # raises for what JSON cannot hold


def _fields(value: Any) -> dict[str, Any]:
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}


def settings_from(values: Any) -> ReadSettings:
    """The `ReadSettings` `settings_values` wrote; raises on anything else."""
    from qmslint.read.fields import Spellings

    given = dict(values)
    spellings = dict(given.pop("spellings"))
    spellings["own"] = tuple(spellings["own"])
    settings = ReadSettings(spellings=Spellings(**spellings), **given)
    if settings_values(settings) != values:
        raise ValueError("not reading settings")
    return settings


def builtin_readers(names: Sequence[str]) -> list[Reader]:
    """The built-in readers named as `reader_names` names them (raises for any other)."""
    from qmslint.read import readers as module

    known = {cls.__qualname__: cls for cls in (*BUILTIN_READERS, module.DocxReader)}
    return [known[name]() for name in names]


def reader_names(readers: Sequence[Reader]) -> list[str] | None:
    """The readers by name when every one is built in (None: a plugin reads too)."""
    from qmslint.read.readers import DocxReader

    builtin = (*BUILTIN_READERS, DocxReader)
    if not all(type(reader) in builtin for reader in readers):
        return None
    return [type(reader).__qualname__ for reader in readers]


def _store_for(root: Path, readers: Sequence[Reader], settings: ReadSettings) -> Store:
    key = reading_key(readers, settings)
    return Store(store_folder(root, key), key, [])


def _held_and_read(
    store: Store, root: Path, rel: str, digest: str
) -> tuple[list, os.stat_result, bytes] | None:
    """(the entry for `rel`'s bytes then, of SHA-256 `digest`; its `lstat` and bytes now)."""
    entry = _held_entry(store, rel, digest)
    read = _regular_bytes(root, rel) if entry is not None else None
    return None if entry is None or read is None else (entry, *read)


def _regular_bytes(root: Path, rel: str) -> tuple[os.stat_result, bytes] | None:
    """A file's `lstat` and bytes when it is a regular file read without a problem (a symlink
    or a folder now, say: discovery decides what it is)."""
    try:
        info = os.lstat(os.path.join(str(root), rel))
    except OSError:
        return None
    if not S_ISREG(info.st_mode):
        return None
    data, problems = access.read_bytes(root, rel)
    if data is None or problems:
        return None
    return info, data


def _held_entry(store: Store, rel: str, digest: str) -> list | None:
    """The store's entry for `rel` when it is the one for the bytes of that SHA-256 (and the
    shard was read without a note), else None."""
    entry = store.shard(_shard_of(rel)).get(rel)
    if store.notes or entry is None or not _valid_entry(entry) or entry[3] != digest:
        return None
    return entry


def reads_the_same(
    root: Path,
    changed: Mapping[str, str],
    readers: Sequence[Reader],
    settings: ReadSettings,
) -> dict[str, str] | None:
    """Whether files changed since a run still read as the Documents that run read: `changed`
    maps each (a document the cache held) to the SHA-256 of its bytes then. A body edit no
    reader takes a value from changes the bytes, not the Document, nor then any finding.

    Returns the new SHA-256 of each when every one reads the same (the cache then holds the
    new bytes' entries), else None. Nothing here trusts what it cannot check: the old Document
    is the cache's entry for exactly the old bytes, compared as stored JSON values.
    """
    store = _store_for(root, readers, settings)
    now: dict[str, str] = {}
    for rel, before in changed.items():
        held = _held_and_read(store, root, rel, before)
        if held is None:
            return None
        entry, info, data = held
        digest = hashlib.sha256(data).hexdigest()
        if digest != before:
            encoded = _encoded(read_document(root, Candidate(rel), readers, settings, {rel}))
            if encoded is None or json.loads(json.dumps(encoded)) != entry[4]:
                return None
        store.put(rel, (info.st_size, changed_ns(info), info.st_ino), digest, entry[4])
        now[rel] = digest
    store.save()
    return now


def served(
    root: Path, wanted: Mapping[str, str], readers: Sequence[Reader], settings: ReadSettings
) -> dict[str, Document] | None:
    """The Documents the cache holds for these files (each by the SHA-256 of its bytes when a
    run read it), without reading them; None when it holds any of them no longer."""
    store = _store_for(root, readers, settings)
    found: dict[str, Document] = {}
    for rel, digest in wanted.items():
        entry = _held_entry(store, rel, digest)
        if entry is None:
            return None
        try:
            found[rel] = codec.decode_document(entry[4])
        except Exception:
            return None
    return found


def read_again(
    root: Path, changed: Mapping[str, str], readers: Sequence[Reader], settings: ReadSettings
) -> dict[str, tuple[Document, Document, str]] | None:
    """Files edited since a run (each a document the cache held, by the SHA-256 of its bytes
    then), read again: (the Document then, the Document now, the SHA-256 now) of each, the
    cache then holding the new ones; None when the cache no longer holds an old one or a file
    is no regular file now (discovery decides what it is)."""
    store = _store_for(root, readers, settings)
    found: dict[str, tuple[Document, Document, str]] = {}
    for rel, before in changed.items():
        held = _held_and_read(store, root, rel, before)
        if held is None:
            return None
        entry, info, data = held
        try:
            old = codec.decode_document(entry[4])
        except Exception:  # an entry the codec refuses
            return None
        new = read_document(root, Candidate(rel), readers, settings, {rel})
        encoded = _encoded(new)
        if encoded is None:
            return None
        digest = hashlib.sha256(data).hexdigest()
        store.put(rel, (info.st_size, changed_ns(info), info.st_ino), digest, encoded)
        found[rel] = (old, new, digest)
    store.save()
    return found
