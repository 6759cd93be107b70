"""A `check` after an edit of a few documents, worked out from the last run's findings instead
of being run (SPEC §9: the pre-commit case, when a commit bumps a version, releases a document
or adds a clause to it).

The rules of three kinds are separable: what `field`, `review-overdue` and `read-problem` say
of a document depends on that document alone (its fields, citations and read problems) and on
the device portfolio, never on another document. Their rules are run on a small index of the
edited documents as they were and as they are, beside the documents every finding may depend
on (those that declare devices, hold waivers or are quality manuals: recorded.py), and the
difference applied to the run's findings.

Every other kind reads the repository as a whole. None of them reads the value of a
document-control field (`DOCUMENT_CONTROL`: title, version, owner, author, approvers,
approved_on, effective_date, last_reviewed); a test reads their code for those names, and a
rule whose options name one (a selector's `title_pattern`, a `fields` list) counts as reading
it. So after an edit of those values alone, their findings are the run's. An edit of what they
do read (a status, the clauses cited, an id, a type, a reference) is worked out kind by kind
(wide.py) from what the run recorded beside its findings (recorded.py): the documents having
or naming each id, the few values a `document-exists` rule reads of every document (facts.py),
and what each such rule's decision rests on. A requirement left missing is decided again
over the edited documents and the first of its near misses the run noted, the others counted
(nearest.py); a partly covered one keeps its finding after an edit of documents in force
neither before nor after; any other the edit may change is decided again over every document
it reads. The unedited ones stand in as the values the run noted of them.

Waivers and the baseline are then applied again to the whole, as a run applies them.

Nothing is assumed that is not checked: a repository with mappings or registers (they resolve
documents by title and fill fields from rows), an edited device document or quality manual, a
field no kind is known to read, a requirement whose decision the stand-ins cannot make (a
title pattern), a decision before the edit or a finding of the old documents that is not the
run's: each sends the `check` to a full run. Tests compare
this path with a run, edit by edit.
"""

from qmslint.incremental.edits import DOCUMENT_CONTROL, edited_fields, names_any
from qmslint.incremental.increment import SEPARABLE_KINDS, Increment, worked_out
from qmslint.incremental.recorded import context_of

__all__ = [
    "DOCUMENT_CONTROL",
    "SEPARABLE_KINDS",
    "Increment",
    "context_of",
    "edited_fields",
    "names_any",
    "worked_out",
]
