"""Start-up imports only what a run needs (SPEC §9): the pre-commit case is mostly start-up."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("markdown_it", "jsonschema", "ruamel", "docx", "jinja2")
ONLY_WHEN_USED = ("qmslint.fix", "qmslint.formatters.html", "qmslint.formatters.sarif")


def test_importing_the_cli_imports_no_heavy_library() -> None:
    code = (
        "import sys, qmslint.cli\n"
        f"heavy = {HEAVY!r}\n"
        f"later = {ONLY_WHEN_USED!r}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy "
        "or any(m == x or m.startswith(x + '.') for x in later)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
