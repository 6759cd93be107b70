"""The layout shows the data flow (docs/architecture.md): imports run down the stages only, and
the import paths pack authors use keep working."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from qmslint.testing import Qms

PACKAGE = Path(__file__).resolve().parent.parent / "qmslint"

# Lowest first: a module may import its own stage and the stages before it, never a later one.
STAGES = [
    ("model", "errors", "support"),
    ("clauses",),
    ("read",),
    ("config",),
    ("index",),
    ("packs",),
    ("checks",),
    ("suppress",),
    ("report",),
    ("fix",),
    ("formatters",),
    ("plugins", "hookspecs"),
    ("session",),
    ("engine", "incremental", "rulesdoc", "snapshot"),
    ("validation",),
    ("verbs",),
    ("cli", "testing", "__main__", "entry"),
]
RANK = {name: rank for rank, names in enumerate(STAGES) for name in names}


def _stage(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "__init__"


def _imports(path: Path) -> list[tuple[str, int]]:
    """(imported qmslint module, line) for every import, typing-only imports included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("qmslint"):
            if node.module == "qmslint":
                found += [(f"qmslint.{alias.name}", node.lineno) for alias in node.names]
            else:
                found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.startswith("qmslint.")]
    return found


def test_imports_run_down_the_stages() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        if own == "__init__":
            continue
        assert own in RANK, f"{path}: a new top-level module or folder: give it a stage"
        for module, line in _imports(path):
            target = _stage(module)
            if target in ("__init__", "__version__"):
                continue
            if RANK[target] > RANK[own]:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} ({own}) imports {module}")
    assert not wrong, "\n".join(wrong)


def test_the_import_paths_pack_authors_use() -> None:
    """As docs/writing-a-rule-pack.md and examples/nb-pack write them, in a fresh interpreter."""
    code = (
        "from qmslint.checks import SELECTOR, DEVICE_MATCH, CheckContext, CheckKind, describe, "
        "options_schema, evaluate\n"
        "from qmslint.hookspecs import hookimpl, hookspec\n"
        "from qmslint.model import Finding, Document, Field, Position\n"
        "from qmslint.testing import Qms, Result, run_qmslint, write_distribution\n"
        "import qmslint.rulesdoc\n"
        "assert CheckKind.__module__ == 'qmslint.checks.kind'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_config_words_apply_however_the_key_is_spelled(qms: Qms) -> None:
    """One key normalisation: `Doc-Type` is `doc_type` for the config's type words too."""
    qms.config(profiles=["document-control"], type_aliases={"Verfahren": "procedure"})
    common = {
        "title": "Lenkung",
        "status": "effective",
        "version": "1",
        "approvers": ["QMB"],
        "approved_on": "2026-01-10",
        "effective_date": "2026-01-15",
    }
    qms.doc("qms/a.md", id="SOP-1", doc_type="Verfahren", **common)
    qms.doc("qms/b.md", **{"id": "SOP-2", "Doc-Type": "Verfahren", **common})
    qms.doc("qms/c.md", **{"id": "SOP-3", "Document Type": " verfahren ", **common})
    result = qms.check()
    assert not result.of("QL006") and not result.of("DC005"), result.stdout
    assert result.exit_code == 0, result.stdout


def test_a_config_word_for_a_wrong_type_is_still_reported(qms: Qms) -> None:
    qms.config(profiles=["document-control"], type_aliases={"Verfahren": "procedure"})
    qms.doc("qms/b.md", **{"id": "SOP-2", "Doc-Type": "Vorlage", "title": "x", "status": "draft"})
    result = qms.check()
    [finding] = result.of("QL006")
    assert finding["path"] == "qms/b.md" and finding["line"] == 3
