"""What a `document-exists` rule reads of a document, kept for every document of a run, so
that a later `check` can decide a requirement over every document it reads without reading
them: a *fact* per document, and a stand-in Document made from it (`stand_in`).

A rule of the kind reads of a document (existence.py): whether it has metadata, its status,
type, id and the devices it names, whether it states the fields a selector's `has` names, and
the clauses it cites, in order (coverage and near misses). A fact holds just those:
`[has_metadata, status, type, id, devices, [stated fields], [clause numbers]]`, the clauses as
numbers into the record's table of clause ids. A document whose values are not plain text (a
status that is a list, say) is *odd*: its fact holds its clauses only, and a requirement that
reads it is not decided this way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from qmslint import clauses as clause_ids
from qmslint.index.citations import Citation
from qmslint.index.devices import as_list
from qmslint.model import START, Document, Field
from qmslint.packs.rules import Rule

OWN = frozenset({"id", "type", "status", "devices", "clauses"})  # a stand-in's own fields
ODD = None  # a fact's first item for a document whose values are not plain text


def stated_fields(rules: Iterable[Rule]) -> list[str]:
    """The fields the `has` of a `document-exists` selector names, for the rules of a run."""
    found: set[str] = set()
    for rule in rules:
        if rule.kind == "document-exists":
            found.update(str(n) for n in as_list((rule.options.get("select") or {}).get("has")))
    return sorted(found)


class Table:
    """The clause ids of a record, numbered in the order first cited."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.numbers = {text: number for number, text in enumerate(texts)}
        self._by_clause: dict[clause_ids.ClauseId, int | None] = {}
        self._parsed: list[clause_ids.ClauseId] = []
        self.fields: dict[tuple, Field] = {}  # the stand-ins' fields, one of each value

    def clause(self, number: int) -> clause_ids.ClauseId:
        """The clause id of a number (raises ValueError for a text that is none)."""
        parsed = self._parsed
        while len(parsed) <= number:
            try:
                parsed.append(clause_ids.shared(clause_ids.parse(self.texts[len(parsed)])))
            except clause_ids.ClauseError as error:
                raise ValueError("not a clause") from error
        return parsed[number]

    def number(self, clause: clause_ids.ClauseId) -> int | None:
        """The clause's number (added when new); None when its text does not read back as
        the same id."""
        found = self._by_clause.get(clause, -1)
        if found != -1:
            return found
        text = str(clause)
        try:
            same = clause_ids.parse(text) == clause
        except clause_ids.ClauseError:
            same = False
        found = None
        if same:
            found = self.numbers.get(text)
            if found is None:
                found = self.numbers[text] = len(self.texts)
                self.texts.append(text)
        self._by_clause[clause] = found
        return found


def fact_of(
    document: Document, citations: Sequence[Citation], stated: Sequence[str], table: Table
) -> list[Any]:
    """The fact of one document (its citations as the index read them)."""
    numbers = []
    plain = True
    for citation in citations:
        clause = citation.clause
        if clause is not None:
            number = table.number(clause)
            if number is None:
                plain = False
                continue
            numbers.append(number)
    fields = document.fields
    values = [_value(fields.get(name)) for name in ("status", "type", "id")]
    named = fields.get("devices")
    devices = None if named is None else named.value
    if devices is not None and type(devices) is not str and not _texts(devices):
        devices = False
    if not plain or False in values or devices is False:
        return [ODD, numbers]
    has = [name for name in stated if name in fields]
    return [document.has_metadata, *values, devices, has, numbers]


def _value(field: Field | None) -> Any:
    """A field's value when it is text (None when absent or null; False when neither)."""
    if field is None or field.value is None:
        return None
    return field.value if type(field.value) is str else False


def _texts(value: Any) -> bool:
    return type(value) is list and all(type(item) is str for item in value)


def clauses_of(fact: Any) -> list[int]:
    """The clause numbers of a fact (raises ValueError on anything else)."""
    if type(fact) is not list or not fact or type(fact[-1]) is not list:
        raise ValueError("not a fact")
    return fact[-1]


def decidable(rule: Rule, stated: Sequence[str]) -> bool:
    """Whether stand-ins read to the rule as their documents do: it names no field but those
    facts hold (no title pattern; a `has` of fields the record notes, none a stand-in's own)."""
    selector = rule.options.get("select") or {}
    has = {str(name) for name in as_list(selector.get("has"))}
    return "title_pattern" not in selector and has <= set(stated) and not has & OWN


class StandIn(Document):
    """A Document made from a fact: its id, type and status read without a lookup (thousands
    of stand-ins are read by every rule decided again), its citations given to the index
    beside it (`repository.build`'s `known`), so it states no `clauses` field of its own.
    Only what a `document-exists` rule reads of it is there."""

    known: tuple[str | None, str | None, str | None] = (None, None, None)

    @property
    def id(self) -> str | None:
        return self.known[0]

    @property
    def type(self) -> str | None:
        return self.known[1]

    @property
    def status(self) -> str | None:
        return self.known[2]


def stand_in(path: str, fact: Any, table: Table) -> tuple[StandIn, list[Citation]] | None:
    """A Document that reads, to a `document-exists` rule, as the one the fact was taken from,
    with its citations; None for an odd one (raises ValueError on a fact of another shape)."""
    if type(fact) is not list or len(fact) not in (2, 7):
        raise ValueError("not a fact")
    if fact[0] is ODD:
        return None
    has_metadata, status, kind, doc_id, devices, has, numbers = fact
    fields: dict[str, Field] = {}
    shared = table.fields
    for name, value in (("id", doc_id), ("type", kind), ("status", status), ("devices", devices)):
        if value is not None:
            key = (name, value if type(value) is str else tuple(value))
            field = shared.get(key)
            if field is None:
                field = shared[key] = Field(name, value, START)
            fields[name] = field
    for name in has:
        if name not in OWN:
            fields[str(name)] = Field(str(name), True, START)
    document = StandIn(path, fields=fields, has_metadata=bool(has_metadata))
    document.known = (doc_id, kind, status)
    texts, clause = table.texts, table.clause
    cited = [
        Citation(index, texts[number], clause(number), position=START)
        for index, number in enumerate(numbers)
    ]
    return document, cited
