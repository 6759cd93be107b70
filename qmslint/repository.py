"""The repository index: every document read once, with lookups the rules share.

Rules never read files or parse clause ids themselves; they ask the index (documents by id, type
and cited clause; devices; justified exclusions). Every document is indexed, even one without an
id, so that a duplicate or missing id is a finding and never a silent skip.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qmslint import clauses as clause_ids
from qmslint import coverage, validation
from qmslint.config import Config
from qmslint.discovery import Candidate
from qmslint.fields import alias_table, canonicalise
from qmslint.model import Device, Document, Field, Position, ReadProblem
from qmslint.readers import BINARY_SUFFIXES, MAX_BYTES, SIDECAR_SUFFIXES, RawMetadata, Reader

DEVICE_FACTS = (
    "name",
    "markets",
    "eu_class",
    "us_class",
    "implantable",
    "active",
    "sterile",
    "measuring",
    "reusable",
    "software",
    "life_supporting",
    "installation",
    "servicing",
    "custom_made",
    "basic_udi_di",
    "lifetime_years",
)
COMPARED_WITH_BODY = ("id", "status", "version", "effective_date", "approved_on")


@dataclass
class Citation:
    """One clause a document cites, where it is written, and whether it parsed and is known."""

    index: int
    text: str
    clause: clause_ids.ClauseId | None
    error: str | None = None


@dataclass
class Exclusion:
    clause: clause_ids.ClauseId
    justification: str
    document: Document
    devices: tuple[str, ...] = ()  # empty: the exclusion applies to every device
    index: int = 0  # position in the manual's `exclusions` list


@dataclass
class Repository:
    root: Path
    config: Config
    catalogues: clause_ids.Catalogues
    documents: list[Document] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)
    device_problems: list[tuple[str, Position, str]] = field(default_factory=list)
    citations: dict[str, list[Citation]] = field(default_factory=dict)
    by_id: dict[str, list[Document]] = field(default_factory=lambda: defaultdict(list))
    _cited: dict[clause_ids.ClauseId, list[Document]] = field(
        default_factory=lambda: defaultdict(list)
    )

    # -- lookups rules use ------------------------------------------------------------------

    def in_force(self, document: Document) -> bool:
        return document.status in self.config.in_force

    def documents_covering(self, required: clause_ids.ClauseId) -> list[Document]:
        """Documents whose cited clauses cover `required` (SPEC §4, `qmslint.coverage`)."""
        unique = {
            doc.path: doc
            for cited in coverage.covering(required, self.catalogues, self._cited)
            for doc in self._cited[cited]
        }
        return [unique[path] for path in sorted(unique)]

    def excluded(self, required: clause_ids.ClauseId, device: Any = None) -> Exclusion | None:
        """A justified exclusion in an in-force quality manual covering `required` (for `device`
        when given: an exclusion that names devices applies to those only), if any."""
        for exclusion in self.exclusions():
            if not exclusion.justification or not coverage.covers(
                exclusion.clause, required, self.catalogues
            ):
                continue
            if exclusion.devices and (device is None or device.id not in exclusion.devices):
                continue
            return exclusion
        return None

    def exclusions(self) -> Iterable[Exclusion]:
        for document in self.documents:
            if document.type != "manual" or not self.in_force(document):
                continue
            default = self.default_framework(document)
            for index, item in enumerate(document.get("exclusions") or ()):
                try:
                    clause = clause_ids.parse(item["clause"], default)
                except clause_ids.ClauseError:
                    continue
                devices = tuple(str(d) for d in item.get("devices") or ())
                yield Exclusion(clause, item["justification"], document, devices, index)

    def default_framework(self, document: Document) -> str | None:
        return clause_ids.framework_of_standard(
            document.get("standard")
        ) or clause_ids.framework_of_standard(self.config.standard)

    def devices_for(self, document: Document) -> list[Device]:
        """The devices a document applies to: those it names, or all when it names none."""
        named = document.get("devices") or []
        if not named:
            return list(self.devices)
        return [device for device in self.devices if device.id in named]

    @property
    def markets(self) -> set[str]:
        found = {str(m) for m in self.config.markets}
        for device in self.devices:
            found.update(str(m) for m in device.fact("markets") or ())
        return found


# ----------------------------------------------------------------------------- building


def build(
    root: Path,
    config: Config,
    candidates: Sequence[Candidate],
    readers: Sequence[Reader],
    catalogues: clause_ids.Catalogues,
) -> Repository:
    repo = Repository(root=root, config=config, catalogues=catalogues)
    aliases = alias_table(config.fields)
    paths = {candidate.path for candidate in candidates}
    # a sidecar stands for its binary document
    wanted = [c for c in candidates if not _has_sidecar(c.path, paths)]
    repo.documents = [read_document(root, c, readers, aliases, config, paths) for c in wanted]
    for document in repo.documents:
        repo.citations[document.path] = _citations(repo, document)
        if document.id:
            repo.by_id[document.id].append(document)
        for citation in repo.citations[document.path]:
            if citation.clause is None:
                continue
            bucket = repo._cited[citation.clause]  # coverage.covering walks up from a clause
            if not bucket or bucket[-1] is not document:
                bucket.append(document)
    _collect_devices(repo)
    return repo


def _has_sidecar(path: str, paths: set[str]) -> bool:
    return path.lower().endswith(BINARY_SUFFIXES) and (
        f"{path}.yaml" in paths or f"{path}.yml" in paths
    )


def read_document(
    root: Path,
    candidate: Candidate,
    readers: Sequence[Reader],
    aliases: dict[str, str],
    config: Config,
    paths: set[str],
) -> Document:
    """Read one file into a Document; every problem is recorded on it, nothing raises."""
    rel = candidate.path
    document = Document(path=rel)
    if candidate.problem:
        message = {
            "symlink-outside": "symlink points outside the repository; it is not followed",
            "symlink-broken": "symlink points to nothing",
        }[candidate.problem]
        document.problems.append(ReadProblem("symlink-outside", message))
        return document
    if rel.lower().endswith(BINARY_SUFFIXES):
        document.problems.append(
            ReadProblem(
                "missing-sidecar",
                f"binary document has no metadata: add a sidecar '{Path(rel).name}.yaml'",
            )
        )
        return document
    reader = next((r for r in readers if r.matches(rel)), None)
    if reader is None:
        document.problems.append(
            ReadProblem("no-metadata", "no reader knows this kind of file; exclude it")
        )
        return document
    try:
        with open(os.path.join(root, rel), "rb") as handle:
            # read(n) allocates n bytes up front: ask only for what the file holds
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(min(size, MAX_BYTES) + 1)
    except OSError as exc:
        document.problems.append(ReadProblem("unreadable", f"cannot read: {exc.strerror}"))
        return document
    if len(data) > MAX_BYTES:
        document.problems.append(
            ReadProblem(
                "too-large",
                f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB; only its start was read",
            )
        )
        data = data[:MAX_BYTES]
    raw = reader.read(rel, data)
    _apply(document, raw, aliases, config)
    if rel.lower().endswith(SIDECAR_SUFFIXES):
        binary = rel.rsplit(".", 1)[0]
        if binary not in paths and not (root / binary).exists():
            document.problems.append(
                ReadProblem("orphan-sidecar", f"sidecar describes '{binary}', which is missing")
            )
    return document


def _apply(document: Document, raw: RawMetadata, aliases: dict[str, str], config: Config) -> None:
    document.raw = raw.fields
    document.has_metadata = raw.has_metadata
    document.problems.extend(raw.problems)
    _map_values(raw.fields, aliases, config)
    document.fields, problems = canonicalise(raw.fields, aliases)
    document.problems.extend(problems)
    body, _ = canonicalise(raw.body_fields, aliases)
    document.body_fields = body
    for name, body_field in body.items():
        front = document.fields.get(name)
        if front is None:
            document.fields[name] = body_field
        elif name in COMPARED_WITH_BODY and front.value != body_field.value:
            document.problems.append(
                ReadProblem(
                    "body-disagrees",
                    f"the body says {name} is '{body_field.value}' but the front matter "
                    f"(line {front.position.line}) says '{front.value}'",
                    body_field.position,
                    key=name,
                )
            )
    if not document.has_metadata and not document.problems:
        document.problems.append(
            ReadProblem(
                "no-metadata",
                "document has no metadata: add YAML front matter with at least id, title, "
                "type and status",
            )
        )


def _map_values(raw: dict[str, Field], aliases: dict[str, str], config: Config) -> None:
    """Apply the config's own spellings of types and statuses before values are checked."""
    for key, value_map in (("type", config.type_aliases), ("status", config.status_aliases)):
        if not value_map:
            continue
        lowered = {k.lower(): v for k, v in value_map.items()}
        for written, found in raw.items():
            if aliases.get(written.lower()) == key and isinstance(found.value, str):
                found.value = lowered.get(found.value.strip().lower(), found.value)


def _citations(repo: Repository, document: Document) -> list[Citation]:
    written = document.fields.get("clauses")
    if written is None:
        return []
    default = repo.default_framework(document)
    result = []
    for index, parsed in clause_ids.parse_many(written.value, default):
        text = written.value[index]
        if isinstance(parsed, clause_ids.ClauseError):
            result.append(Citation(index, text, None, str(parsed)))
        else:
            result.append(Citation(index, text, parsed))
    return result


# ----------------------------------------------------------------------------- devices


def _collect_devices(repo: Repository) -> None:
    for index, entry in enumerate(repo.config.devices):
        position = repo.config.device_positions[index] if repo.config.device_positions else None
        repo.devices.append(
            Device(
                id=str(entry["id"]),
                facts=_facts(entry),
                path=repo.config.source_name,
                position=position or Position(1, 1),
            )
        )
    for document in repo.documents:
        if document.type != "device":
            continue
        facts = {key: field_.value for key, field_ in document.raw.items() if key in DEVICE_FACTS}
        instance = {"id": document.id or document.path, **facts}
        positions = {(key,): f.position for key, f in document.raw.items()}
        problems = validation.errors(instance, "config.schema.json#device", positions)
        for position, message in problems:
            repo.device_problems.append((document.path, position or Position(1, 1), message))
        if problems:
            continue
        repo.devices.append(
            Device(
                id=document.id or document.path,
                facts=_facts(facts),
                path=document.path,
                position=document.position("id"),
            )
        )
    repo.devices.sort(key=lambda device: device.id)


def _facts(entry: dict[str, Any]) -> dict[str, Any]:
    facts: dict[str, Any] = {key: entry.get(key) for key in DEVICE_FACTS}
    for key in DEVICE_FACTS:
        if facts[key] is None and key not in ("name", "eu_class", "us_class", "basic_udi_di"):
            facts[key] = [] if key == "markets" else False if key != "lifetime_years" else None
    return facts
