"""Helpers to test rules and packs against small QMS repositories built in a temporary folder.

Used by qmslint's own tests and offered to rule-pack authors (docs/writing-a-rule-pack.md). It is
also a pytest plugin, registered through the `pytest11` entry point when qmslint is installed, so
a pack's tests get the `qms` fixture without any conftest:

    def test_vigilance_missing(qms):
        qms.config(profiles=["mdr"], devices=[{"id": "D1", "markets": ["EU"], "eu_class": "IIa"}])
        result = qms.check()
        result.assert_fires("MDR001")
        result.assert_silent("DC001")

`qms.check()` runs the real command line in this process (`check --format json --today …`), so
installed packs and plugins take part exactly as they do for users.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

try:  # the pytest plugin part; the helpers work without pytest
    import pytest
except ImportError:  # pragma: no cover - pytest is a test extra
    pytest = None  # type: ignore[assignment]

DEFAULT_TODAY = "2026-11-21"


def dump_yaml(data: Any) -> str:
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


@dataclass
class Result:
    """What one run of the CLI printed and returned."""

    exit_code: int
    stdout: str
    stderr: str
    report: dict[str, Any] | None = None

    @property
    def findings(self) -> list[dict[str, Any]]:
        return self.report["findings"] if self.report else []

    @property
    def rules(self) -> set[str]:
        """Ids of the rules with active (unsuppressed) findings."""
        return {f["rule"] for f in self.findings if f["suppressed"] is None}

    def of(self, rule: str) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["rule"] == rule]

    @property
    def suppressed(self) -> list[dict[str, Any]]:
        """Findings a waiver or the baseline suppressed (they stay in the report)."""
        return [f for f in self.findings if f["suppressed"] is not None]

    def fired(
        self, rule: str, document: str | None = None, path: str | None = None
    ) -> list[dict[str, Any]]:
        """Active findings of `rule`, optionally only those on one document id or path."""
        return [
            f
            for f in self.of(rule)
            if f["suppressed"] is None
            and (document is None or f["document"] == document)
            and (path is None or f["path"] == path)
        ]

    def _require_report(self) -> None:
        assert self.report is not None, (
            f"qmslint exited {self.exit_code} without a JSON report:\n{self.stderr}"
        )
        assert self.exit_code in (0, 1), f"qmslint exited {self.exit_code}:\n{self.stderr}"

    def assert_fires(
        self,
        rule: str,
        document: str | None = None,
        path: str | None = None,
        count: int | None = None,
        severity: str | None = None,
    ) -> list[dict[str, Any]]:
        """Assert that `rule` has active findings (on `document` / `path`); returns them."""
        self._require_report()
        found = self.fired(rule, document, path)
        where = "".join(f" on {x}" for x in (document, path) if x)
        assert found, f"{rule} did not fire{where}; active findings: {self._summary()}"
        if count is not None:
            assert len(found) == count, f"{rule} fired {len(found)} times{where}, not {count}"
        if severity is not None:
            wrong = [f for f in found if f["severity"] != severity]
            assert not wrong, f"{rule} fired as {wrong[0]['severity']}, not {severity}"
        return found

    def assert_silent(self, *rules: str, document: str | None = None) -> None:
        """Assert that none of `rules` (or no rule at all, when none is named) fired."""
        self._require_report()
        found = [
            f
            for f in self.findings
            if f["suppressed"] is None
            and (not rules or f["rule"] in rules)
            and (document is None or f["document"] == document)
        ]
        assert not found, f"expected no findings of {', '.join(rules) or 'any rule'}: " + (
            self._summary(found)
        )

    def _summary(self, findings: list[dict[str, Any]] | None = None) -> str:
        chosen = (
            findings
            if findings is not None
            else [f for f in self.findings if f["suppressed"] is None]
        )
        if not chosen:
            return "none"
        return "".join(
            f"\n  {f['rule']} {f['path'] or '<repository>'}:{f['line'] or ''} {f['message']}"
            for f in chosen
        )


@contextlib.contextmanager
def _chdir(path: Path) -> Iterator[None]:  # contextlib.chdir needs Python 3.11
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run_qmslint(args: Sequence[str], cwd: Path) -> Result:
    """Run the CLI in this process (fast), capturing its output; parses `--format json`."""
    from qmslint.cli import main

    out, err = io.StringIO(), io.StringIO()
    with _chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    stdout = out.getvalue()
    report = None
    if "--format" in args and args[list(args).index("--format") + 1] == "json":
        with contextlib.suppress(json.JSONDecodeError):
            report = json.loads(stdout)
    return Result(code, stdout, err.getvalue(), report)


@dataclass
class Qms:
    """A QMS repository under construction in `root`."""

    root: Path
    today: str = DEFAULT_TODAY
    written: list[Path] = field(default_factory=list)

    def write(self, path: str, text: str | bytes) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        self.written.append(target)
        return target

    def config(self, **settings: Any) -> Path:
        return self.write(".qmslint.yaml", dump_yaml(settings))

    def doc(self, path: str, body: str = "", **fields: Any) -> Path:
        """A Markdown document with the given front matter fields."""
        front = dump_yaml(fields) if fields else ""
        return self.write(
            path, f"---\n{front}---\n\n{body or '# ' + str(fields.get('title', ''))}\n"
        )

    def effective(
        self,
        doc_id: str,
        clauses: Sequence[str] = (),
        type: str = "procedure",
        path: str | None = None,
        **extra: Any,
    ) -> Path:
        """A fully controlled, effective document citing `clauses` (passes document control)."""
        fields: dict[str, Any] = {
            "id": doc_id,
            "title": extra.pop("title", f"{doc_id} {type}"),
            "type": type,
            "status": "effective",
            "version": "1",
            "approvers": ["Head of QA"],
            "approved_on": dt.date(2026, 1, 10),
            "effective_date": dt.date(2026, 1, 15),
        }
        if clauses:
            fields["clauses"] = list(clauses)
        fields.update(extra)
        return self.doc(path or f"qms/{doc_id}.md", **fields)

    def check(self, *args: str, profile: str | None = None) -> Result:
        """`qmslint check --format json --today …` in the repository root."""
        argv = ["check", "--format", "json", "--today", self.today, *args]
        if profile:
            argv += ["--profile", profile]
        return run_qmslint(argv, self.root)

    def run(self, *args: str) -> Result:
        return run_qmslint(list(args), self.root)


def write_distribution(
    folder: Path, name: str, version: str, entry_points: dict[str, dict[str, str]]
) -> Path:
    """Make `folder` (put it on sys.path) hold the metadata of an installed distribution.

    Just the `.dist-info` that `pip install -e` would write, so that a plugin's entry points are
    found without installing it: qmslint's tests use it to load the example pack in isolation.
    """
    info = folder / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = []
    for group, entries in entry_points.items():
        lines.append(f"[{group}]")
        lines += [f"{key} = {value}" for key, value in entries.items()]
        lines.append("")
    (info / "entry_points.txt").write_text("\n".join(lines), encoding="utf-8")
    return folder


# ----------------------------------------------------------------------------- pytest plugin

if pytest is not None:

    @pytest.fixture
    def qms(tmp_path: Path) -> Qms:
        """An empty QMS repository in `tmp_path`: write documents and config, then `check()`."""
        return Qms(tmp_path)
