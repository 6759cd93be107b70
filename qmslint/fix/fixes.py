"""The fixes, one small function each, named as rule packs name them (`fixable: clause-ids`).

Why: each fix edits the round-trip metadata of one file in place and returns how many things it
changed; what to change is decided by `qmslint.read.canonical`, the same functions that report
it, so a fix removes exactly the finding it belongs to. Comments stay with their key or item,
keys keep their place, and a rewritten scalar keeps its quoting style.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import ScalarString

from qmslint.model import Document
from qmslint.read.canonical import clause_spellings, field_renames, split_written
from qmslint.read.fields import CANONICAL, Spellings

FRONT_MATTER = "front-matter"  # the fix `--write-front-matter` asks for (no rule names it)
BODY_SOURCES = ("body-table", "label-line", "file-name", "heading")


@dataclass(frozen=True)
class FixContext:
    document: Document  # as read before the fix
    spellings: Spellings
    default_framework: str | None  # for bare clause numbers, as the index reads them


def _styled(old: object, new: str) -> str:
    """`new` in the quoting style `old` was written in."""
    return type(old)(new) if isinstance(old, ScalarString) else new


def rename_key(mapping: CommentedMap, old: str, new: str) -> None:
    """Rename a key in place: its position, value and comment kept."""
    position = list(mapping).index(old)
    value = mapping[old]
    comment = mapping.ca.items.pop(old, None)
    del mapping[old]
    mapping.insert(position, new, value)
    if comment is not None:
        mapping.ca.items[new] = comment


def field_names(mapping: CommentedMap, context: FixContext) -> int:
    """`doc_id:` → `id:` where the config's `fields:` or the built-in aliases say so (QL015)."""
    renames = field_renames(list(mapping), context.spellings)
    for old, new in renames.items():
        rename_key(mapping, old, new)
    return len(renames)


def clause_ids(mapping: CommentedMap, context: FixContext) -> int:
    """`ISO 13485:2016 §7.5.9.2` → `iso13485:7.5.9.2` in the `clauses` field (CL004)."""
    changed = 0
    for key in list(mapping):
        if not isinstance(key, str) or context.spellings.canonical(key) != "clauses":
            continue
        value = mapping[key]
        if isinstance(value, str):
            parts = split_written(value)
            rewritten = clause_spellings(parts, context.default_framework)
            if rewritten is not None:
                mapping[key] = _styled(value, ", ".join(i for items in rewritten for i in items))
                changed += sum(items != [part] for items, part in zip(rewritten, parts))
        elif isinstance(value, CommentedSeq):
            changed += _rewrite_items(value, context.default_framework)
    return changed


def _rewrite_items(sequence: CommentedSeq, default: str | None) -> int:
    rewritten = clause_spellings(list(sequence), default)
    if rewritten is None:
        return 0
    changed = 0
    for index in reversed(range(len(rewritten))):  # from the end: indices before stay valid
        items, old = rewritten[index], sequence[index]
        if items == [old]:
            continue
        changed += 1
        if len(items) == 1:
            sequence[index] = _styled(old, items[0])
            continue
        comment = sequence.ca.items.pop(index, None)
        del sequence[index]
        for offset, item in enumerate(items):
            sequence.insert(index + offset, _styled(old, item))
        if comment is not None:  # the item's comment goes with the last clause it named
            sequence.ca.items[index + len(items) - 1] = comment
    return changed


def front_matter(mapping: CommentedMap, context: FixContext) -> int:
    """Metadata read in the body (header table, label lines, file name, first heading) written
    as front matter, for teams moving to front matter; the body itself is not touched."""
    present = {context.spellings.canonical(key) for key in mapping if isinstance(key, str)}
    added = 0
    for name in CANONICAL:
        found = context.document.fields.get(name)
        if found is None or found.source not in BODY_SOURCES or name in present:
            continue
        value = found.value
        mapping[name] = list(value) if isinstance(value, list) else value
        added += 1
    return added


Fix = Callable[[CommentedMap, FixContext], int]
# In the order they run on one file: names first, so that later fixes see canonical keys.
FIXES: dict[str, Fix] = {
    "field-names": field_names,
    "clause-ids": clause_ids,
    FRONT_MATTER: front_matter,
}
