"""Regular expressions written by users (rule packs, selectors, the config's `id_pattern`).

They run under google-re2, which matches in time linear in the text and cannot backtrack: a
pattern such as `(a+)+$` from a pack cannot stall a run however a document is written. RE2 has
no backreferences or look-around; a pattern that uses them (or does not compile) is a
`PatternError`, which pack and config loading turn into a `file:line:col` error.

Text with lone surrogates (file names decoded with surrogateescape) is matched with each
surrogate read as U+FFFD, so matching never raises.
"""

from __future__ import annotations

from functools import lru_cache

import re2

MAX_MEM = 8 << 20  # bytes RE2 may use for one compiled pattern


class PatternError(ValueError):
    """A user's pattern RE2 cannot compile; the message says why."""


def _options(ignore_case: bool) -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # RE2 would print to stderr; the error becomes our one line
    options.max_mem = MAX_MEM
    options.case_sensitive = not ignore_case
    return options


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str, ignore_case: bool = False):  # -> re2._Regexp
    """The compiled pattern, or PatternError naming what is wrong with it."""
    try:
        return re2.compile(safe_text(pattern), _options(ignore_case))
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "invalid pattern"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(
            f"invalid regular expression {pattern!r}: {reason} "
            "(patterns run under RE2: no backreferences or look-around)"
        ) from None
    except (TypeError, ValueError) as exc:
        raise PatternError(f"invalid regular expression {pattern!r}: {exc}") from None


def check(pattern: str) -> str | None:
    """Why `pattern` cannot be used, or None when it compiles."""
    try:
        compile_pattern(pattern)
    except PatternError as exc:
        return str(exc)
    return None


def search(pattern: str, text: str, ignore_case: bool = False) -> bool:
    return compile_pattern(pattern, ignore_case).search(utf8(text)) is not None


def fullmatch(pattern: str, text: str) -> bool:
    return compile_pattern(pattern).fullmatch(utf8(text)) is not None


def utf8(text: str) -> bytes:
    """The text as RE2 matches it, for a yes or no: UTF-8, lone surrogates as U+FFFD. The
    wrapper passes bytes straight to RE2, while a str is encoded so and then every offset of
    the match decoded back to characters, which costs twice the match (a discovery asks two
    globs of every file of the repository)."""
    return safe_text(text).encode("utf-8")


def safe_text(text: str) -> str:
    """`text` with lone surrogates as U+FFFD: RE2 matches UTF-8, which cannot hold them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in text)
    return text
