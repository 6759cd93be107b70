"""Waivers (SPEC §6): a suppressed finding is a deviation with a reason, an approver and an end.

Waivers are written in the config (`waivers:`) or in a document's front matter
(`qmslint-waivers:`). After every rule has run, `apply` marks each finding a valid waiver matches
as suppressed (it stays in the report, with the waiver) and reports the waivers themselves when
something is wrong with them. Those reports are findings of the rules that declare
`reports: {waivers: PROBLEM}` instead of a check (rules/document-control.yaml: WV001 …), so that
they have ids, severities and references and can be selected or ignored like any other rule; a
waiver never suppresses them.

- expired (`expires` before today): no longer suppresses, and is reported;
- expiring further ahead than the config's `waiver_max_days`: does not suppress, and is reported;
- matching no finding of an active rule: reported;
- malformed in front matter (a required key missing, a date that is no date): reported at its
  line on that document. Malformed in the config: the run stops (exit 2), as for any config error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qmslint.config import Config
from qmslint.errors import UserError
from qmslint.index.repository import Repository
from qmslint.model import Document, Finding, Position
from qmslint.packs.rules import Rule, did_you_mean
from qmslint.read import validation

FRONT_MATTER_KEYS = ("qmslint-waivers", "qmslint_waivers")
PROBLEMS = ("expired", "unused", "too-far-ahead", "invalid")


@dataclass(frozen=True)
class Waiver:
    """One waiver as written, with where it is written (`file`, `position`)."""

    rule: str
    justification: str
    approved_by: str
    expires: dt.date
    document: str | None
    path: str | None
    file: str  # the config file or the document holding it, repository-relative
    position: Position | None
    holder: Document | None = None  # the document whose front matter holds it

    @classmethod
    def from_entry(
        cls,
        entry: dict[str, Any],
        expires: dt.date,
        file: str,
        position: Position | None,
        holder: Document | None = None,
    ) -> Waiver:
        """A waiver from a validated entry of `waivers:` or `qmslint-waivers:`."""
        return cls(
            rule=entry["rule"],
            justification=" ".join(str(entry["justification"]).split()),
            approved_by=str(entry["approved_by"]),
            expires=expires,
            document=entry.get("document") or None,
            path=_clean_path(entry.get("path")),
            file=file,
            position=position,
            holder=holder,
        )

    @property
    def target(self) -> str:
        if self.document:
            return self.document
        if self.path:
            return self.path
        if self.holder is not None:
            return self.holder.id or self.holder.path
        return "the repository"

    def matches(self, finding: Finding) -> bool:
        if finding.rule != self.rule:
            return False
        if self.document:
            return finding.document == self.document
        if self.path:
            return finding.path == self.path
        if self.holder is not None:  # in front matter, naming nothing: the document itself
            return finding.path == self.holder.path
        return finding.path is None  # in the config, naming nothing: a repository finding

    def record(self) -> dict[str, Any]:
        """What `Finding.suppressed` holds (and the JSON report shows)."""
        return {
            "kind": "waiver",
            "justification": self.justification,
            "approved_by": self.approved_by,
            "expires": self.expires.isoformat(),
            "source": self.file,
            "line": self.position.line if self.position else None,
        }


# ----------------------------------------------------------------------------- reading


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _clean_path(path: str | None) -> str | None:
    if not path:
        return None
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def from_config(config: Config, rules: Mapping[str, Rule]) -> list[Waiver]:
    """The config's waivers (already checked against the config schema when it was loaded).

    What the schema cannot tell, an impossible date or an unknown rule id, is a config error too.
    """
    positions = config.positions
    file = config.source_name  # where findings point: repository-relative
    shown = str(config.source) if config.source else file  # errors name it as config errors do
    found = []
    for index, entry in enumerate(config.waivers):
        position = positions.get(("waivers", index))
        where = f"{shown}:{position.line}:{position.column}" if position else f"{shown}: waivers"
        expires = _date(entry["expires"])
        if expires is None:
            at = positions.get(("waivers", index, "expires"), position)
            raise UserError(
                f"waivers.{index}.expires: '{entry['expires']}' is not a date",
                where=f"{shown}:{at.line}:{at.column}" if at else where,
                hint="write it as YYYY-MM-DD",
            )
        problem = _rule_problem(entry["rule"], rules)
        if problem:
            raise UserError(f"waivers.{index}: {problem}", where=where)
        found.append(Waiver.from_entry(entry, expires, file, position))
    return found


def _rule_problem(rule_id: str, rules: Mapping[str, Rule]) -> str | None:
    rule = rules.get(rule_id)
    if rule is None:
        return f"names unknown rule {rule_id}" + did_you_mean(rule_id, rules)
    if rule.waiver_problem is not None:
        return f"{rule_id} reports problems with waivers and cannot itself be waived"
    return None


def from_documents(
    repo: Repository, rules: Mapping[str, Rule]
) -> tuple[list[Waiver], list[tuple[Document, Position, str, str]]]:
    """Waivers in front matter, and malformed ones as (document, position, message, key)."""
    waivers: list[Waiver] = []
    problems: list[tuple[Document, Position, str, str]] = []
    for document in repo.documents:
        written = next((document.raw[k] for k in FRONT_MATTER_KEYS if k in document.raw), None)
        if written is None or written.value in (None, []):
            continue
        if not isinstance(written.value, list):
            message = f"'{written.name}' must be a list of waivers"
            problems.append((document, written.position, message, "invalid"))
            continue
        for index, entry in enumerate(written.value):
            position = written.position_of(index)
            found = validation.errors(entry, "config.schema.json#waiver", {(): position})
            if found:
                _, message = found[0]
                message = f"{written.name}[{index}]: {message}"
                problems.append((document, position, message, f"invalid@{index}"))
                continue
            expires = _date(entry["expires"])
            if expires is None:
                problems.append(
                    (
                        document,
                        position,
                        f"{written.name}[{index}]: expires '{entry['expires']}' is not a date "
                        "(YYYY-MM-DD)",
                        f"invalid@{index}",
                    )
                )
                continue
            problem = _rule_problem(entry["rule"], rules)
            if problem:
                message = f"{written.name}[{index}]: {problem}"
                problems.append((document, position, message, f"invalid@{index}"))
                continue
            waivers.append(
                Waiver.from_entry(entry, expires, document.path, position, holder=document)
            )
    return waivers, problems


# ----------------------------------------------------------------------------- applying


def apply(
    findings: Sequence[Finding],
    repo: Repository,
    config: Config,
    known: Mapping[str, Rule],
    active: Mapping[str, Rule],
    today: dt.date,
) -> list[Finding]:
    """Mark the findings valid waivers match as suppressed; add findings about the waivers.

    `known` is every loaded rule (a waiver naming none of them is an error); `active` the rules
    of this run (a waiver of a rule that did not run is not reported as unused).
    """
    from_cfg = from_config(config, known)
    from_docs, malformed = from_documents(repo, known)
    reporters = _reporters(active)
    max_days = config.waiver_max_days
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:  # a waiver names one rule: look only at that rule's findings
        by_rule.setdefault(finding.rule, []).append(finding)
    extra: list[Finding] = []
    for waiver in [*from_cfg, *from_docs]:
        if waiver.expires < today:
            extra += _report(
                reporters,
                "expired",
                waiver,
                f"waiver of {waiver.rule} for {waiver.target} expired on "
                f"{waiver.expires.isoformat()} (approved by {waiver.approved_by}); it no longer "
                "suppresses: renew it with a new approval or resolve the finding",
            )
            continue
        if max_days is not None and (waiver.expires - today).days > max_days:
            extra += _report(
                reporters,
                "too-far-ahead",
                waiver,
                f"waiver of {waiver.rule} for {waiver.target} expires on "
                f"{waiver.expires.isoformat()}, more than {max_days} days from today "
                "(config waiver_max_days); it does not suppress: set an earlier expiry date",
            )
            continue
        used = False
        for finding in by_rule.get(waiver.rule, ()):
            if not waiver.matches(finding):
                continue
            used = True
            if finding.suppressed is None:
                finding.suppressed = waiver.record()
        if not used and waiver.rule in active:
            extra += _report(
                reporters,
                "unused",
                waiver,
                f"waiver of {waiver.rule} for {waiver.target} matches no finding; "
                "delete it, or correct its rule, document or path",
            )
    for document, position, message, key in malformed:
        extra += _report_at(
            reporters, "invalid", document.path, document.id, position, message, key
        )
    return [*findings, *extra]


def _reporters(active: Mapping[str, Rule]) -> dict[str, list[Rule]]:
    by_problem: dict[str, list[Rule]] = {problem: [] for problem in PROBLEMS}
    for rule in active.values():
        if rule.waiver_problem is not None:
            by_problem[rule.waiver_problem].append(rule)
    return by_problem


def _report(
    reporters: Mapping[str, list[Rule]], problem: str, waiver: Waiver, message: str
) -> list[Finding]:
    document = waiver.holder.id if waiver.holder is not None else None
    key = f"{waiver.rule}@{waiver.document or waiver.path or '<self>'}"
    return _report_at(reporters, problem, waiver.file, document, waiver.position, message, key)


def _report_at(
    reporters: Mapping[str, list[Rule]],
    problem: str,
    path: str,
    document: str | None,
    position: Position | None,
    message: str,
    key: str,
) -> list[Finding]:
    return [
        rule.finding(message, path=path, position=position, document=document, key=key)
        for rule in reporters.get(problem, ())
    ]
