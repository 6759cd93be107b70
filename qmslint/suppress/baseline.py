"""The baseline: today's findings recorded by fingerprint, so that only new ones fail.

`qmslint baseline` writes `.qmslint-baseline.yaml` (or `--baseline FILE`, or the config's
`baseline:`) at the repository root; `qmslint check` uses it whenever it is there. The file is
meant to be read in review: plain YAML, one entry per finding with its rule, document, path,
message and fingerprint, sorted, without line numbers (a fingerprint is stable when lines move,
see `Finding.fingerprint`). A finding whose fingerprint is listed is suppressed (it stays in the
report, marked `kind: baseline`); `--no-suppressions` ignores the baseline.

Findings about waivers are never recorded: an expired waiver must not hide in the baseline.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qmslint.config import Config
from qmslint.errors import UserError
from qmslint.model import Finding, Position
from qmslint.read import validation
from qmslint.support import files

DEFAULT_NAME = ".qmslint-baseline.yaml"
FORMAT_VERSION = 1
HEADER = """\
# qmslint baseline: findings accepted on {today}, so that only new findings fail the check.
# Written by `qmslint baseline`; a finding listed here (by fingerprint) is reported as suppressed.
# Review changes to this file as you would any change to the QMS. `qmslint check
# --no-suppressions` shows the run without it.
"""


@dataclass(frozen=True)
class Entry:
    rule: str
    fingerprint: str
    message: str
    path: str | None
    document: str | None
    line: int | None = None  # where the entry is written in the baseline file


@dataclass
class Baseline:
    file: str  # as shown in reports: repository-relative when inside the repository
    created: str
    entries: dict[str, Entry]

    def record(self, entry: Entry) -> dict[str, Any]:
        """What `Finding.suppressed` holds for a finding the baseline accepts."""
        return {
            "kind": "baseline",
            "justification": f"accepted in the baseline {self.file} on {self.created}",
            "approved_by": None,
            "expires": None,
            "source": self.file,
            "line": entry.line,
        }


def locate(config: Config, explicit: Path | None, must_exist: bool = False) -> Path | None:
    """`--baseline FILE`, else the config's `baseline:`, else `.qmslint-baseline.yaml` if present.

    Relative names are taken from the repository root. When the file is named explicitly (or
    `must_exist` is set because the config names it) a missing file is an error for `check`.
    """
    named = explicit if explicit is not None else getattr(config, "baseline", None)
    if named is not None:
        path = Path(named)
        if explicit is None and not path.is_absolute():
            path = config.root / path
        if must_exist and not os.path.lexists(path):
            raise UserError(
                f"baseline file not found: {named}", hint="`qmslint baseline` writes one"
            )
        return path
    default = config.root / DEFAULT_NAME
    return default if os.path.lexists(default) else None  # a directory there is an error


def load(path: Path, shown: str, root: Path | None = None) -> Baseline:
    """Read and validate a baseline file; a mistake is a UserError naming `file:line:col`.

    With `root`, a baseline that resolves out of it (a symlink) is refused, as is one that is
    not a regular file."""
    loaded = validation.read_yaml_mapping(path, shown, "baseline", root)
    if loaded is None:
        raise UserError("a baseline must be a mapping with 'findings'", where=f"{shown}:1:1")
    validation.check(loaded.value, "baseline.schema.json", shown, loaded.positions)
    entries: dict[str, Entry] = {}
    for index, item in enumerate(loaded.value.get("findings") or ()):
        position = loaded.positions.get(("findings", index), Position(1, 1))
        entries.setdefault(
            item["fingerprint"],
            Entry(
                rule=item["rule"],
                fingerprint=item["fingerprint"],
                message=item.get("message", ""),
                path=item.get("path"),
                document=item.get("document"),
                line=position.line,
            ),
        )
    created = loaded.value.get("created")
    created_text = created.isoformat() if isinstance(created, dt.date) else str(created or "?")
    return Baseline(shown, created_text, entries)


def apply(findings: Sequence[Finding], baseline: Baseline, never: Iterable[str] = ()) -> None:
    """Mark the findings whose fingerprint the baseline lists (and no waiver already took)."""
    skip = set(never)
    for finding in findings:
        if finding.suppressed is not None or finding.rule in skip:
            continue
        entry = baseline.entries.get(finding.fingerprint)
        if entry is not None:
            finding.suppressed = baseline.record(entry)


def render(findings: Iterable[Finding], today: dt.date, profiles: Sequence[str]) -> str:
    """The baseline text for these findings: sorted, one entry per fingerprint."""
    unique: dict[str, Finding] = {}
    for finding in findings:
        unique.setdefault(finding.fingerprint, finding)
    ordered = sorted(
        unique.values(),
        key=lambda f: (f.path is not None, f.path or "", f.rule, f.document or "", f.fingerprint),
    )
    entries = []
    for finding in ordered:
        entry: dict[str, Any] = {"rule": finding.rule}
        if finding.document is not None:
            entry["document"] = finding.document
        if finding.path is not None:
            entry["path"] = finding.path
        entry["message"] = finding.message
        entry["fingerprint"] = finding.fingerprint
        entries.append(entry)
    data = {
        "version": FORMAT_VERSION,
        "created": today,
        "profiles": list(profiles),
        "findings": entries,
    }
    from ruamel.yaml import YAML  # only when a baseline is written

    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(data, stream)
    return HEADER.format(today=today.isoformat()) + stream.getvalue()


def write(path: Path, text: str) -> None:
    """Write atomically: a reader (or a crash) never sees half a baseline."""
    try:
        # a lone surrogate in a message is written as an escape: the file stays valid UTF-8
        files.write_atomically(path, text.encode("utf-8", "backslashreplace"))
    except OSError as exc:
        raise UserError(f"cannot write the baseline {path}: {exc.strerror}") from None
