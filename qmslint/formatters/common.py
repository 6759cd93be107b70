"""Small pieces several CI formats share."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

from qmslint.model import Finding


def valid_utf8(text: str) -> str:
    """Text that encodes as UTF-8: a file name git reported in other bytes reaches us with lone
    surrogates (surrogateescape); JSON and XML consumers need U+FFFD in their place."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


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
