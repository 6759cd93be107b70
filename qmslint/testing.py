"""Helpers to test rules and packs against small QMS repositories built in a temporary folder.

Used by qmslint's own tests and offered to rule-pack authors (see docs/writing-a-rule-pack.md):

    def test_vigilance_missing(tmp_path):
        qms = Qms(tmp_path)
        qms.config(profiles=["mdr"], devices=[{"id": "D1", "markets": ["EU"], "eu_class": "IIa"}])
        result = qms.check()
        assert "MDR001" in result.rules
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
