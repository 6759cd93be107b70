"""A `document-exists` rule decided again over a few documents: the edited ones, the holders,
an unedited witness of each requirement that was satisfied and the first near misses noted of
each that was missing (existence.standing).

Why a few are enough. A missing requirement's finding says what it asks and names its near
misses: the first three, then how many more. Each document has at most one near miss, made of
its own values (and the devices, which only holders declare), so an edit changes only the
edited documents' own. The run noted how many documents the finding named (N) and the first
NEAREST of them, in the order named. Decided over a few documents, the rule names those of
them that are near misses; the others, the *unseen*, are N less those named among the few
before the edit, and all of them come after the first noted ones. While three of those first
noted are unedited, the first three named after the edit are among the few, and the count is
those named among the few plus the unseen (Shared.unseen). A requirement the edited documents
now satisfy, or partly cover, is decided among the few as well: nothing else covered any of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from qmslint.checks import existence
from qmslint.checks.context import CheckContext, Shared
from qmslint.incremental.wide import unedited, witnesses
from qmslint.packs.rules import Rule

SHOWN = 3  # near misses a finding names before it counts the rest


def few(before: Any, edited: Mapping[str, Any]) -> set[str] | None:
    """The unedited documents a rule with this standing is decided over besides the holders:
    an unedited witness of each part of a satisfied requirement and the unedited of the first
    near misses noted of a missing one; None when one requirement is neither, or when fewer
    than SHOWN of its first near misses are unedited and more were counted."""
    if type(before) is not list:
        return None
    found: set[str] = set()
    for entry in before:
        if type(entry) is dict:
            noted = _counted(entry)
            if noted is None:
                return None
            count, first = noted
            kept = [path for path in first if path not in edited]
            if len(first) < count and len(kept) < SHOWN:
                return None
            found.update(kept)
            continue
        rests_on = witnesses(entry, edited)
        if rests_on is None:
            return None
        found.update(rests_on)
    return found


def _counted(entry: dict[str, Any]) -> tuple[int, list[str]] | None:
    """(how many near misses, the first noted) of a missing requirement's standing."""
    count, first = entry.get("near_misses"), entry.get("nearest")
    if type(count) is not int or type(first) is not list:
        return None
    if not all(type(path) is str for path in first) or not len(first) <= count:
        return None
    return count, first


def unseen(
    shared: Shared, rules: Sequence[Rule], standing: Mapping[str, Any]
) -> dict[str, list[int]] | None:
    """Note in `shared` (the few documents as they were before the edit) how many near misses
    of each missing requirement lie outside it; those counts by rule, a requirement after
    another (0 for a satisfied one); None when they do not fit (a record of another run)."""
    found: dict[str, list[int]] = {}
    for rule in rules:
        context = CheckContext(shared, rule)
        assessments = existence.assess(context)
        before = standing[rule.id]
        if len(assessments) != len(before):
            return None
        counts = found[rule.id] = []
        for made, entry in zip(assessments, before):
            if type(entry) is not dict:
                counts.append(0)
                continue
            noted = _counted(entry)
            if noted is None or made.satisfied or made.state == existence.PARTLY:
                return None
            left_out = noted[0] - len(existence.nearest(context, made))
            if left_out < 0:
                return None
            shared.unseen[existence.unseen_key(rule.id, made.device)] = left_out
            counts.append(left_out)
    return found


def renewed(
    now: list[Any], before: list[Any], left_out: list[int], edited: Mapping[str, Any]
) -> list[Any] | None:
    """A rule's standing after the edit from the one `existence.standing` notes among the
    few documents (`now`): a satisfied requirement's witnesses are the few's; of one still
    unsatisfied, the documents it reads are those noted less the edited plus the edited it
    reads now, and its first near misses those named among the few up to the last unedited
    one noted when some were left out (those after it are not known). None when the
    standings do not fit."""
    if not len(now) == len(before) == len(left_out):
        return None
    found: list[Any] = []
    for entry, was, hidden in zip(now, before, left_out):
        if type(entry) is not dict or type(was) is not dict:
            found.append(entry)  # satisfied now, or satisfied then and still (few's witnesses)
            continue
        made = _reads_after(was, entry, edited)
        if entry.get("partly") is True:
            made["partly"] = True
        if "near_misses" in entry:
            first = entry["nearest"]
            if hidden:
                noted = _counted(was)
                known = set(noted[1] if noted else ()) - set(edited)
                last = [index for index, path in enumerate(first) if path in known]
                if not last:
                    return None
                first = first[: last[-1] + 1]
            made.update(near_misses=entry["near_misses"], nearest=first)
        found.append(made)
    return found


def _reads_after(was: dict[str, Any], entry: dict[str, Any], edited: Mapping[str, Any]) -> dict:
    """{"reads": …} after the edit of an unsatisfied requirement whose documents read the run
    noted (`was`): those less the edited, and the edited it reads among a few (`entry`); {}
    when they were not noted or are too many now."""
    reads, among = was.get("reads"), entry.get("reads")
    if type(reads) is not list or type(among) is not list:
        return {}
    kept = [path for path in reads if path not in edited]
    kept += [path for path in among if path in edited]
    return {"reads": list(dict.fromkeys(kept))} if len(kept) <= existence.READ_AT_MOST else {}


def unread(
    rule: Rule, before: Any, then: Shared, now: Shared, edited: Mapping[str, Any]
) -> list[Any] | None:
    """The rule's standing after an edit of documents in force neither before nor after it
    (`then` and `now` hold them, and the holders), when it makes the same findings: each of
    its requirements satisfied, or partly covered. Such a document neither satisfies it nor
    covers a part of it (a selector of no status asks for documents in force); it is at most
    a near miss, and a partly covered requirement names none. None when that cannot be told."""
    selector = rule.options.get("select") or {}
    if selector.get("status", "in-force") != "in-force" or type(before) is not list:
        return None
    for old, new in edited.values():
        if then.repo.in_force(old) or now.repo.in_force(new):
            return None
    context = CheckContext(now, rule)
    among = existence.standing(context)
    if len(among) != len(before):
        return None
    found: list[Any] = []
    for entry, was in zip(among, before):
        if type(was) is dict:
            if was.get("partly") is not True or type(entry) is not dict:
                return None
            found.append({**_reads_after(was, entry, edited), "partly": True})
        elif unedited(was, edited) is None:
            return None  # not a satisfied requirement's standing
        else:
            found.append(was)
    return found
