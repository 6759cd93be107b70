"""Canonical metadata fields (SPEC §3.2): their aliases, types and value normalisation.

Rules are written against canonical names only; this module maps what real repositories write
(`doc_id`, `revision`, `approval_date`, `released` …) onto them and reports values of the wrong
type.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from qmslint.model import Field, ReadProblem

DOCUMENT_TYPES = (
    "manual",
    "policy",
    "procedure",
    "work-instruction",
    "plan",
    "report",
    "form",
    "template",
    "record",
    "list",
    "specification",
    "device",
)
STATUSES = ("draft", "in-review", "approved", "effective", "obsolete")

ALIASES: dict[str, tuple[str, ...]] = {
    "id": (
        "doc_id",
        "document_id",
        "docid",
        "document_number",
        "doc_number",
        "document_no",
        "doc_no",
        "document_nr",
        "document_ref",
        "document_reference",
        "document_code",
        "sop_id",
        "sop_no",
        "sop_number",
        "form_id",
        "form_no",
        "form_number",
        "wi_id",
        "policy_id",
        "record_id",
    ),
    "title": ("name", "document_title", "doc_title"),
    "type": ("doc_type", "document_type"),
    "status": ("doc_status", "document_status", "state", "lifecycle_status"),
    "version": (
        "revision",
        "rev",
        "doc_version",
        "document_version",
        "version_no",
        "version_number",
        "revision_no",
        "revision_number",
        "rev_no",
    ),
    "owner": ("process_owner", "document_owner", "responsible"),
    "author": ("authors", "prepared_by", "created_by", "written_by", "originator"),
    "approvers": ("approver", "approved_by", "approval", "signed_by"),
    "approved_on": (
        "approval_date",
        "approved_date",
        "date_approved",
        "approved_at",
        "date_of_approval",
    ),
    "effective_date": (
        "effective",
        "effective_on",
        "date_effective",
        "release_date",
        "issue_date",
        "date_of_issue",
    ),
    "review_interval_months": ("review_interval", "review_cycle_months", "review_period_months"),
    "last_reviewed": ("last_review", "last_reviewed_on", "reviewed_on", "last_review_date"),
    "clauses": (
        "clause",
        "clause_refs",
        "references",
        "iso_clauses",
        "regulatory_basis",
        "regulatory_references",
        "iso_clause",
        "iso_13485_clause",
        "applicable_clauses",
    ),
    "devices": ("device", "products", "applies_to"),
    "related": ("related_documents", "see_also", "references_documents"),
    "supersedes": ("replaces",),
    "exclusions": ("excluded_clauses", "non_applicable"),
    "retention_years": ("retention", "retention_period_years"),
    "traceability_level": ("traceability",),
    "reporting_deadlines_days": ("reporting_deadlines",),
    "psur_interval_months": ("psur_interval",),
    "standard": ("framework", "standards"),
}

STATUS_ALIASES = {
    "draft": "draft",
    "new": "draft",
    "in-review": "in-review",
    "in_review": "in-review",
    "in review": "in-review",
    "review": "in-review",
    "under review": "in-review",
    "pending approval": "in-review",
    "approved": "approved",
    "effective": "effective",
    "released": "effective",
    "active": "effective",
    "current": "effective",
    "in force": "effective",
    "published": "effective",
    "obsolete": "obsolete",
    "superseded": "obsolete",
    "retired": "obsolete",
    "withdrawn": "obsolete",
    "archived": "obsolete",
}

TYPE_ALIASES = {
    "sop": "procedure",
    "procedures": "procedure",
    "standard operating procedure": "procedure",
    "wi": "work-instruction",
    "work instruction": "work-instruction",
    "work_instruction": "work-instruction",
    "instruction": "work-instruction",
    "quality manual": "manual",
    "qm": "manual",
    "pol": "policy",
    "frm": "form",
    "checklist": "form",
    "log": "record",
    "register": "list",
    "spec": "specification",
    "product": "device",
}


def _enum(
    allowed: tuple[str, ...], aliases: Mapping[str, str], own: Mapping[str, str] | None = None
) -> Callable[[Any], Any]:
    """A word of `allowed`: the repository's `own` words first, then the built-in aliases."""

    def convert(value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError("a word")
        word = _word(value)
        word = (own or {}).get(word, word).strip().lower()
        word = aliases.get(word, word)
        if word.replace("_", "-") in allowed:
            return word.replace("_", "-")
        raise ValueError(f"one of {', '.join(allowed)}")

    return convert


def _string(value: Any) -> str:
    if isinstance(value, (bool, list, dict)):
        raise TypeError("a text value")
    if isinstance(value, (dt.date, float, int)):
        return str(value)
    return str(value).strip()


def _string_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(
        isinstance(item, (str, int, float)) and not isinstance(item, bool) for item in value
    ):
        return [str(item).strip() for item in value if str(item).strip()]
    raise TypeError("a list of text values")


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d %B %Y",  # 15 March 2026, as body tables write dates
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
)
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def to_date(value: Any) -> dt.date:
    """A date from YAML (already a date) or from a string as documents write dates.

    `31/12/2025` is read (only the day can be 31), but `01/02/2025` is not: it is 1 February in
    Europe and 2 January in the US, and guessing would move a review date by a month.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = " ".join(value.split())
        for pattern in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        slashed = _SLASHED.fullmatch(text)
        if slashed:
            first, second, year = (int(part) for part in slashed.groups())
            if first > 12 >= second:
                return _date_or_raise(year, second, first)
            if second > 12 >= first:
                return _date_or_raise(year, first, second)
            raise ValueError("an unambiguous date: write YYYY-MM-DD (day and month could swap)")
    raise TypeError("a date (YYYY-MM-DD)")


def _date_or_raise(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise TypeError("a date (YYYY-MM-DD)") from None


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError("a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        return int(value)
    raise TypeError("a whole number")


def _number(value: Any) -> float | int:
    if isinstance(value, bool):
        raise TypeError("a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return float(value) if "." in value else int(value)
        except ValueError:
            pass
    raise TypeError("a number")


def _exclusions(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise TypeError("a list of {clause, justification}")
    result: list[dict[str, Any]] = []
    for item in value:
        if isinstance(item, str):
            result.append({"clause": item, "justification": ""})
        elif isinstance(item, dict) and "clause" in item:
            entry: dict[str, Any] = {
                "clause": str(item["clause"]),
                "justification": str(item.get("justification") or "").strip(),
            }
            devices = item.get("devices")
            if devices is not None:  # SPEC §3.2: limits the exclusion to those devices
                if isinstance(devices, str):
                    devices = [devices]
                if not isinstance(devices, list):
                    raise TypeError("a list of {clause, justification, devices?}")
                entry["devices"] = [str(d) for d in devices]
            result.append(entry)
        else:
            raise TypeError("a list of {clause, justification}")
    return result


def _level(value: Any) -> str | dict[str, str]:
    """`traceability_level` is one word, or a map from device id to a word."""
    allowed = ("unit", "lot", "batch")
    if isinstance(value, dict):
        return {
            str(device): _enum(allowed, {"serial": "unit"})(level)
            for device, level in value.items()
        }
    return _enum(allowed, {"serial": "unit", "serial number": "unit"})(value)


def _deadlines(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise TypeError("a map of deadline name to days")
    return {str(key): _int(days) for key, days in value.items()}


def _ids(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    return _string_list(value)


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "id": _string,
    "title": _string,
    "type": _enum(DOCUMENT_TYPES, TYPE_ALIASES),
    "status": _enum(STATUSES, STATUS_ALIASES),
    "version": _string,
    "owner": _string,
    "author": lambda v: ", ".join(_string_list(v)) if isinstance(v, list) else _string(v),
    "approvers": _string_list,
    "approved_on": to_date,
    "effective_date": to_date,
    "review_interval_months": _int,
    "last_reviewed": to_date,
    "clauses": lambda v: _string_list(v) if not isinstance(v, (int, float)) else [str(v)],
    "devices": _ids,
    "related": _ids,
    "supersedes": _ids,
    "exclusions": _exclusions,
    "retention_years": _number,
    "traceability_level": _level,
    "reporting_deadlines_days": _deadlines,
    "psur_interval_months": _int,
    "standard": lambda v: ", ".join(_string_list(v)) if isinstance(v, list) else _string(v),
}

CANONICAL = tuple(CONVERTERS)


@lru_cache(maxsize=4096)
def normalise_key(key: str) -> str:
    """The one normalisation of field names and body labels: lower case, runs of `-`, `/` and
    space as `_`, surrounding `:`, `.`, `#` and `*` dropped (`**Document No.:**`)."""
    return re.sub(r"[\s\-/]+", "_", key.strip(" \t:.#*").lower())


def _word(text: str) -> str:
    return " ".join(text.strip().lower().split())


@dataclass(frozen=True)
class Spellings:
    """How one repository spells field names, types and statuses: the built-in aliases plus the
    config's `fields`, `type_aliases` and `status_aliases`, all looked up through one
    normalisation, whichever way a key or label is written."""

    keys: Mapping[str, str]  # normalised key -> canonical field
    types: Mapping[str, str]  # the config's words (normalised) -> a canonical type
    statuses: Mapping[str, str]
    own: tuple[str, ...] = ()  # the normalised keys the config's `fields:` adds

    @classmethod
    def of(
        cls,
        fields: Mapping[str, str] | None = None,
        type_aliases: Mapping[str, str] | None = None,
        status_aliases: Mapping[str, str] | None = None,
    ) -> Spellings:
        keys = {name: name for name in CANONICAL}
        for canonical, aliases in ALIASES.items():
            for alias in aliases:
                keys.setdefault(alias, canonical)
        own = tuple(normalise_key(written) for written in fields or {})
        for written, canonical in (fields or {}).items():
            keys[normalise_key(written)] = canonical
        return cls(
            keys,
            {_word(k): v for k, v in (type_aliases or {}).items()},
            {_word(k): v for k, v in (status_aliases or {}).items()},
            own,
        )

    def __post_init__(self) -> None:
        # keys as written -> canonical: an attribute, not a field, so that settings compare
        # and describe themselves as before
        object.__setattr__(self, "_found", {})

    def canonical(self, key: str) -> str | None:
        """The canonical field a key or label names, or None (asked some sixty times a
        document, for the same few keys)."""
        found: dict[str, str | None] = self._found  # type: ignore[attr-defined]
        if key in found:
            return found[key]
        canonical = self.keys.get(normalise_key(key))
        if len(found) < 65536:
            found[key] = canonical
        return canonical

    def converter(self, canonical: str) -> Callable[[Any], Any]:
        if canonical == "type":
            return _enum(DOCUMENT_TYPES, TYPE_ALIASES, self.types)
        if canonical == "status":
            return _enum(STATUSES, STATUS_ALIASES, self.statuses)
        return CONVERTERS[canonical]


def canonicalise(
    raw: Mapping[str, Field], spellings: Spellings
) -> tuple[dict[str, Field], list[ReadProblem]]:
    """Canonical fields from raw ones; wrong types become problems and the field is left out.

    An empty value (`approver:` with nothing after it) counts as absent, as real repositories
    leave unfilled fields that way. When two spellings of one field are present, the canonical
    spelling wins and the other is reported.
    """
    fields: dict[str, Field] = {}
    problems: list[ReadProblem] = []
    for key, raw_field in raw.items():
        canonical = spellings.canonical(key)
        if canonical is None or raw_field.value is None or raw_field.value in ("", []):
            continue
        if canonical in fields:
            problems.append(
                ReadProblem(
                    "conflicting-fields",
                    f"'{key}' sets the field '{canonical}' a second time (under another name)",
                    raw_field.position,
                    key=canonical,
                )
            )
            if key != canonical:
                continue
        try:
            value = spellings.converter(canonical)(raw_field.value)
        except (TypeError, ValueError) as exc:
            problems.append(
                ReadProblem(
                    "wrong-type",
                    f"'{key}' should be {exc}, not {_describe(raw_field.value)}",
                    raw_field.position,
                    key=canonical,
                )
            )
            continue
        if key == canonical and type(value) is type(raw_field.value) and value == raw_field.value:
            fields[canonical] = raw_field  # one object for both (memory: a QMS of 100,000)
            continue
        fields[canonical] = Field(
            canonical, value, raw_field.position, raw_field.source, raw_field.item_positions
        )
    return fields, problems


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."
