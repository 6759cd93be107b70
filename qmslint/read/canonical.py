"""What the canonical spelling of metadata would be, decided in one place.

Why here: reading reports a field written under an alias (`doc_id:` for `id:`, problem
`field-alias`, rule QL015) and a clause id written in a common spelling (`ISO 13485:2016
§7.5.9.2` for `iso13485:7.5.9.2`, problem `clause-spelling`, rule CL004), and `qmslint check
--fix` (`qmslint.fix`) rewrites exactly what is reported. Both call these functions, so a fix can
never disagree with the finding it removes. Nothing here touches files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from qmslint import clauses as clause_ids
from qmslint.read.fields import Spellings

MAX_SPLIT = 12  # a list or range naming more clauses than this is left as written


def field_renames(keys: Iterable[object], spellings: Spellings) -> dict[str, str]:
    """`{written: canonical}` for keys that name a canonical field under another spelling.

    Only when the canonical key is not written too and no other key names the same field
    (then the document has two values, rule QL007, and a rename would hide one of them).
    """
    written = [key for key in keys if isinstance(key, str)]
    naming: dict[str, list[str]] = {}
    for key in written:
        canonical = spellings.canonical(key)
        if canonical is not None:
            naming.setdefault(canonical, []).append(key)
    return {
        keys_of[0]: canonical
        for canonical, keys_of in naming.items()
        if len(keys_of) == 1 and keys_of[0] != canonical
    }


def reading_of(values: Sequence[str], default: str | None) -> list[str]:
    """How a list reads, item by item flattened: each clause id, or an error (its words may
    name the framework carried from an earlier item, which canonical ids do not carry)."""
    return [
        "error" if isinstance(parsed, clause_ids.ClauseError) else str(parsed)
        for _, parsed in clause_ids.parse_many(values, default)
    ]


def clause_spellings(values: Sequence[str], default: str | None) -> list[list[str]] | None:
    """For each item of a `clauses` list, the items it becomes when written canonically.

    An item that does not parse is kept as written; one that names several clauses (`ISO 13485
    8.2.1 - 8.2.3`) becomes one item per clause only when that is unambiguous (at most
    MAX_SPLIT clauses, none repeated). The rewritten list must read exactly as the old one (the
    same clause ids and errors, in order, under the same default framework), else None: nothing
    is rewritten. None too when nothing would change.
    """
    if not values or not all(isinstance(value, str) for value in values):
        return None
    rewritten = _clause_spellings(tuple(values), default)
    return None if rewritten is None else [list(items) for items in rewritten]


@lru_cache(maxsize=4096)
def _clause_spellings(
    values: tuple[str, ...], default: str | None
) -> tuple[tuple[str, ...], ...] | None:
    """`clause_spellings` of a list of texts, cached: parsing a list is a pure function of its
    texts and the default framework, and the documents of a QMS cite the same few lists (every
    document that reads is asked, almost always to find nothing to rewrite)."""
    grouped: dict[int, list[object]] = {}
    for index, parsed in clause_ids.parse_many(values, default):
        grouped.setdefault(index, []).append(parsed)
    result: list[tuple[str, ...]] = []
    for index, value in enumerate(values):
        parsed = grouped.get(index, [])
        if not parsed or any(isinstance(item, clause_ids.ClauseError) for item in parsed):
            result.append((value,))
            continue
        ids = tuple(str(item) for item in parsed)
        if len(ids) > MAX_SPLIT or len(set(ids)) != len(ids):
            result.append((value,))
            continue
        result.append(ids)
    if all(items == (value,) for items, value in zip(result, values)):
        return None
    flat = [item for items in result for item in items]
    if reading_of(flat, default) != reading_of(values, default):
        return None
    return tuple(result)


def split_written(value: str) -> list[str]:
    """A `clauses:` written as one string is a comma-separated list (as reading takes it)."""
    return [part.strip() for part in value.split(",") if part.strip()]
