"""A `check` after an edit of document-control values, worked out from the last run's findings
instead of being run (SPEC §9: the pre-commit case, when a commit bumps a version or a title).

The rules of three kinds are separable: what `field`, `review-overdue` and `read-problem` say
of a document depends on that document alone (its fields, citations and read problems) and on
the device portfolio, never on another document. Every other kind reads the repository as a
whole, but none of them reads the value of a document-control field (`DOCUMENT_CONTROL`: title,
version, owner, author, approvers, approved_on, effective_date, last_reviewed); a test reads
their code for those names, and a rule whose options name one (a selector's `title_pattern`, a
`fields` list) counts as reading it. So when the only change since a run is in those values of
a few documents, every other field, body claim and position staying as it was:

- the findings of every rule of another kind are the run's, unchanged;
- those of the separable rules change only on the edited documents: their rules are run on a
  small index of the edited documents as they were and as they are, beside the documents the
  portfolio and the waivers come from (`context_of`), and the difference applied;
- waivers and the baseline are applied again to the whole, as a run applies them.

Nothing is assumed that is not checked: a repository with mappings or registers (they resolve
documents by title and fill fields from rows), an edited device document, a rule of another
kind that names an edited field, a finding of the old documents that the run did not have:
each sends the `check` to a full run. A test compares this path with a run, edit by edit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from qmslint import suppress
from qmslint.checks.context import CheckSettings, Shared
from qmslint.checks.running import run_rule
from qmslint.index.repository import Repository, build
from qmslint.model import Document, Field, Finding
from qmslint.packs.rules import Rule
from qmslint.packs.selection import Selection
from qmslint.read.fields import Spellings
from qmslint.suppress.waivers import FRONT_MATTER_KEYS

if TYPE_CHECKING:
    from qmslint.engine import RunOptions
    from qmslint.session import Session
    from qmslint.snapshot import Held

SEPARABLE_KINDS = frozenset({"field", "review-overdue", "read-problem"})
DOCUMENT_CONTROL = frozenset(
    {
        "title",
        "version",
        "owner",
        "author",
        "approvers",
        "approved_on",
        "effective_date",
        "last_reviewed",
    }
)
MAX_CONTEXT = 500  # documents the small index needs beside the edited ones: more, and run


def context_of(repo: Repository, failed: Mapping[str, str]) -> dict[str, Any] | None:
    """What a later `check` needs to work out findings after an edit, recorded with the run's
    findings: the paths of the documents that declare devices or hold waivers, in document
    order; None when no edit can be worked out (a rule failed, a document holds mappings or
    registers, too many such documents)."""
    if failed:
        return None
    holders: list[str] = []
    for document in repo.documents:  # at 100,000 documents, every step of this loop counts
        if document.shapes is not None and _has_shapes(document):
            return None
        if not document.raw.keys().isdisjoint(FRONT_MATTER_KEYS) or document.type == "device":
            holders.append(document.path)
    return {"holders": holders} if len(holders) <= MAX_CONTEXT else None


def _has_shapes(document: Document) -> bool:
    shapes = document.shapes
    return shapes is not None and bool(shapes.mappings or shapes.registers)


def edited_fields(old: Document, new: Document, spellings: Spellings) -> set[str] | None:
    """The document-control fields that differ between two readings of a document (in value,
    or stated, emptied, a placeholder now, at another place), when nothing else does: every
    other field as it was, at its place, the same claims and metadata; None otherwise. Read
    problems may differ: only separable rules report them."""
    if (
        old.path != new.path
        or old.has_metadata != new.has_metadata
        or list(old.claims) != list(new.claims)
        or _has_shapes(old)
        or _has_shapes(new)
        or "device" in (old.type, new.type)
    ):
        return None
    names: set[str] = set()
    for before, after in ((old.fields, new.fields), (old.body_fields, new.body_fields)):
        names |= _differing(before, after)
    written = _differing(old.raw, new.raw)  # as written: `revision`, a key of the config's
    names |= {spellings.canonical(key) or key for key in written}
    return names if names <= DOCUMENT_CONTROL else None


def _differing(before: Mapping[str, Field], after: Mapping[str, Field]) -> set[str]:
    """The keys stated on one side only, or with another value, place or source (a title
    that is a placeholder now is taken from the heading); a line added or removed above a key
    moves it, so it differs too."""
    found = set(before.keys() ^ after.keys())
    found.update(key for key, was in before.items() if key in after and after[key] != was)
    return found


def names_any(rule: Rule, names: set[str]) -> bool:
    """Whether a rule's options name one of these fields (as a value, or a title selector)."""
    words: set[str] = set()
    _words(rule.options, words)
    return bool(words & names) or ("title" in names and "title_pattern" in words)


def _words(value: Any, into: set[str]) -> None:
    if isinstance(value, str):
        into.add(value)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            into.add(str(key))
            _words(item, into)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _words(item, into)


class Increment:
    """What a `check` needs besides the run's findings: its session's pieces (index settings,
    catalogues, config, rule set, kinds), the rules of the run and how they were chosen."""

    def __init__(
        self,
        session: Session,
        rules: Mapping[str, Rule],
        chosen_by: Selection,
        today: dt.date,
        options: RunOptions,
    ) -> None:
        self.session = session
        self.rules = rules
        self.chosen_by = chosen_by
        self.today = today
        self.options = options

    def findings(
        self,
        recorded: Sequence[Finding],
        edits: Mapping[str, tuple[Document, Document]],
        context: Sequence[Document],
    ) -> list[Finding] | None:
        """The findings a run would make now, from the `recorded` ones (after suppression)
        and the `edits` (path → the document then and now), `context` being the documents
        `context_of` named, as cached; None when this cannot be worked out here."""
        names: set[str] = set()
        for old, new in edits.values():
            edited = edited_fields(old, new, self.session.spellings)
            if edited is None:
                return None
            names |= edited
        separable = [r for r in self.rules.values() if r.kind in SEPARABLE_KINDS]
        if any(
            names_any(rule, names)
            for rule in self.rules.values()
            if rule.kind is not None and rule.kind not in SEPARABLE_KINDS
        ):
            return None
        beside = [document for document in context if document.path not in edits]
        before = self._separable(separable, [old for old, _ in edits.values()], beside)
        after = self._separable(separable, [new for _, new in edits.values()], beside)
        if before is None or after is None:
            return None
        never = suppress.never_suppressed(self.rules)
        kept = [f for f in recorded if f.rule not in never]  # those suppression makes go
        for finding in kept:
            finding.suppressed = None
        left = _without(kept, before)
        if left is None:
            return None  # the old documents' findings are not all the run's: run instead
        made = left + after
        if self.options.no_suppressions:
            return made
        now = {new.path: new for _, new in edits.values()}
        holders = Repository(
            root=self.session.config.root,
            settings=self.session.index_settings(),
            catalogues=self.session.catalogues,
            documents=[now.get(document.path, document) for document in context],
        )
        return suppress.apply(
            made,
            holders,
            self.session.config,
            self.session.ruleset.rules,
            self.rules,
            self.today,
            self.options.baseline,
            self.options.use_baseline,
        )

    def _separable(
        self, rules: Sequence[Rule], edited: list[Document], beside: list[Document]
    ) -> list[Finding] | None:
        """The findings of the separable rules over the edited documents and the context."""
        session = self.session
        config = session.config
        repo = build(config.root, [*beside, *edited], session.index_settings(), session.catalogues)
        settings = CheckSettings(config.review_interval_months, config.id_pattern)
        shared = Shared(repo=repo, today=self.today, active_rules=self.rules, settings=settings)
        found: list[Finding] = []
        for rule in rules:
            made = run_rule(shared, rule, session.kinds)
            if made.error is not None:
                return None  # the run reports it
            found += [f for f in made.findings if not self.chosen_by.ignored_at(f.rule, f.path)]
        return found


def _identity(finding: Finding) -> tuple:
    return (
        finding.rule,
        finding.severity,
        finding.message,
        finding.path,
        finding.position,
        finding.document,
        finding.references,
        finding.key,
    )


def _without(findings: list[Finding], gone: Sequence[Finding]) -> list[Finding] | None:
    """`findings` less one of each of `gone`; None when one of `gone` is not among them."""
    wanted = Counter(_identity(finding) for finding in gone)
    left: list[Finding] = []
    for finding in findings:
        identity = _identity(finding)
        if wanted[identity] > 0:
            wanted[identity] -= 1
        else:
            left.append(finding)
    return left if not +wanted else None


def worked_out(
    session: Session,
    options: RunOptions,
    held: Held,
    recorded: list[Finding],
    rules: Mapping[str, Rule],
    chosen_by: Selection,
) -> tuple[list[Finding], dict[str, str]] | None:
    """The findings after the edits of a findings snapshot that held but for them
    (snapshot.Held), with the SHA-256 of each edited document now; None: run instead."""
    from qmslint.read import cache as document_cache

    context = held.stored["findings"].get("increment")
    if type(context) is not dict or type(context.get("holders")) is not list:
        return None
    holders = context["holders"]
    documents = held.stored["documents"]
    root = session.config.root
    readers, settings = session.host.readers, session.read_settings()
    unedited = [path for path in holders if path not in held.edited]
    if not all(type(documents.get(path)) is str for path in unedited):
        return None
    served = document_cache.served(root, {p: documents[p] for p in unedited}, readers, settings)
    if served is None:
        return None
    changed = {rel: documents[rel] for rel in held.edited}
    read = document_cache.read_again(root, changed, readers, settings)
    if read is None:
        return None
    edits = {rel: (old, new) for rel, (old, new, _) in read.items()}
    beside = [edits[path][0] if path in edits else served[path] for path in holders]
    today = options.today or session.config.today
    made = Increment(session, rules, chosen_by, today, options).findings(recorded, edits, beside)
    if made is None:
        return None
    return made, {rel: digest for rel, (_, _, digest) in read.items()}
