"""Where repository-level findings point in formats that insist on a file.

A repository-level finding ("no vigilance procedure") belongs to no document. JSON, text and
JUnit say so plainly, but GitHub code scanning rejects a whole SARIF upload when a single result
lacks `physicalLocation.artifactLocation.uri` ("locationFromSarifResult: expected at least one
location"; a `logicalLocations` entry alone is refused too), and GitLab Code Quality needs
`location.path`. Those formats anchor such findings, in this order, at:

1. the config file (`.qmslint.yaml`, or the `[tool.qmslint]` line of `pyproject.toml`): it
   declares the profiles and the device portfolio that make the rule apply;
2. else the quality manual (the first document of type `manual`, by path): the top of the QMS;
3. else the repository's `README.md` (or `README`), where a repository explains itself;
4. else the first document by path;
5. else `.qmslint.yaml` at the root (a repository with none of these).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qmslint.model import Document, Finding
from qmslint.report import Anchor, Report

FALLBACK = Anchor(".qmslint.yaml", 1)
README = ("README.md", "README.markdown", "README")


def repository_anchor(
    root: Path, config_source: Path | None, documents: Sequence[Document]
) -> Anchor:
    if config_source is not None:
        try:
            rel = config_source.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            rel = None  # a --config file outside the repository cannot be linked to
        if rel is not None:
            return Anchor(rel, _table_line(config_source) if rel.endswith(".toml") else 1)
    manuals = sorted(d.path for d in documents if d.type == "manual")
    if manuals:
        return Anchor(manuals[0])
    for name in README:
        if (root / name).is_file():
            return Anchor(name)
    if documents:
        return Anchor(min(d.path for d in documents))
    return FALLBACK


def _table_line(pyproject: Path) -> int:
    """The line of the `[tool.qmslint]` table in pyproject.toml (1 if it cannot be found)."""
    try:
        lines = pyproject.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    for number, line in enumerate(lines, 1):
        if line.strip().startswith("[tool.qmslint"):
            return number
    return 1


def located(finding: Finding, report: Report) -> tuple[str, int, int, bool]:
    """(path, line, column, anchored): the finding's place, or the anchor when it has none."""
    if finding.path is not None:
        return finding.path, finding.line or 1, finding.column or 1, False
    anchor = report.anchor or FALLBACK
    return anchor.path, anchor.line, 1, True
