"""Small pieces several CI formats share."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence

from qmslint.model import Finding


def valid_utf8(text: str) -> str:
    """Text that encodes as UTF-8: a file name git reported in other bytes reaches us with lone
    surrogates (surrogateescape), a YAML value may hold one (`"\\ud800"`); JSON and XML
    consumers need U+FFFD in their place."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", text)
    return text


_SURROGATES = re.compile("[\ud800-\udfff]")
# C0 and C1 controls, DEL, lone surrogates, and the Unicode line and paragraph separators
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def printable(text: str) -> str:
    """One line of plain text: control characters shown as escapes (`\\n`, `\\x1b`), so a value
    can neither colour a terminal nor start a line of its own (a CI workflow command such as
    `::error file=…::` only works at the start of a line)."""
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape", "backslashreplace").decode("ascii")


def unique_fingerprints(findings: Sequence[Finding]) -> list[str]:
    """Each finding's fingerprint, made unique within the report.

    `Finding.fingerprint` is rule + document + subject, never the line, so it survives edits
    elsewhere in the file. Two findings can still share it (the same rule twice about the same
    subject); GitLab then shows only the first and GitHub merges them into one alert, so every
    repeat after the first gets the fingerprint hashed with its occurrence number.
    """
    seen: Counter[str] = Counter()
    result = []
    for finding in findings:
        base = finding.fingerprint
        count = seen[base]
        seen[base] += 1
        if count:
            base = hashlib.sha256(f"{base}\0{count}".encode()).hexdigest()[:32]
        result.append(base)
    return result
