"""Where the shipped data lives: inside the package in a wheel, at the top level in a checkout.

The rule packs and schemas are kept at the repository's top level (`rules/`, `schemas/`) so that
authors find them; the wheel build copies them to `qmslint/_data/`. Both places are looked up.
pathlib is imported only when a Path is asked for: the warm path (snapshot.py) asks for text.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

PACKAGE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # the qmslint package


def data_folder(name: str) -> str:
    """`rules` or `schemas`: the installed copy if there is one, else the checkout's."""
    for folder in (os.path.join(PACKAGE, "_data", name), os.path.join(PACKAGE, os.pardir, name)):
        if os.path.isdir(folder):
            return os.path.normpath(folder)
    raise FileNotFoundError(f"qmslint's '{name}' folder is missing from this installation")


def data_dir(name: str) -> Path:
    from pathlib import Path

    return Path(data_folder(name))


def package_file(*parts: str) -> Path:
    from pathlib import Path

    return Path(PACKAGE, *parts)


def schema_path(name: str) -> Path:
    return data_dir("schemas") / name


def load_shipped_yaml(*parts: str) -> Any:
    """A YAML data file shipped inside the package (the clause catalogues, the gap data).

    Read by libyaml through PyYAML when it is installed, else by ruamel.yaml: these files are
    ours, and a test holds that both read every one of them alike (user YAML goes through
    `qmslint.read.yamlsafe`, which keeps positions).
    """
    text = package_file(*parts).read_text("utf-8")
    try:
        from yaml import CSafeLoader, load
    except ImportError:  # pragma: no cover - PyYAML without libyaml
        from ruamel.yaml import YAML

        return YAML(typ="safe").load(text)
    return load(text, Loader=CSafeLoader)
