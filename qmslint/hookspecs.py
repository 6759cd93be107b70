"""The import path pack authors use (`from qmslint.hookspecs import hookimpl`); see plugins/."""

from qmslint.plugins.hookspecs import (
    PROJECT,
    hookimpl,
    hookspec,
    qmslint_check_kinds,
    qmslint_formatters,
    qmslint_readers,
    qmslint_rule_packs,
)

__all__ = [
    "PROJECT",
    "hookimpl",
    "hookspec",
    "qmslint_check_kinds",
    "qmslint_formatters",
    "qmslint_readers",
    "qmslint_rule_packs",
]
