"""Every document-control rule: a document where it fires and the same document mended."""

from __future__ import annotations

import datetime as dt

import pytest

from qmslint.testing import Qms

COMPLETE = {
    "id": "SOP-1",
    "title": "Document control",
    "type": "procedure",
    "status": "effective",
    "version": "2",
    "approvers": ["Head of QA"],
    "approved_on": dt.date(2026, 1, 10),
    "effective_date": dt.date(2026, 1, 15),
}


@pytest.mark.parametrize(
    ("rule", "broken"),
    [
        ("DC002", {"id": None}),
        ("DC003", {"status": None}),
        ("DC004", {"title": None}),
        ("DC005", {"type": None}),
        ("DC006", {"version": None}),
        ("DC007", {"approvers": None}),
        ("DC008", {"approved_on": None}),
        ("DC009", {"effective_date": dt.date(2026, 1, 1)}),
        ("DC010", {"approved_on": dt.date(2026, 12, 1), "effective_date": dt.date(2026, 12, 2)}),
        ("QL007", {"revision": "3"}),
    ],
)
def test_rule_fires_on_the_broken_document_only(qms: Qms, rule: str, broken: dict) -> None:
    qms.config(profiles=["document-control"])
    fields = {key: value for key, value in {**COMPLETE, **broken}.items() if value is not None}
    qms.doc("qms/broken.md", **fields)
    qms.doc("qms/complete.md", **{**COMPLETE, "id": "SOP-2"})
    result = qms.check()
    assert [f["path"] for f in result.of(rule)] == ["qms/broken.md"], result.findings
    assert {f["rule"] for f in result.findings} == {rule}


def test_drafts_need_no_approval(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.doc("qms/draft.md", id="SOP-3", title="Draft", type="procedure", status="draft")
    assert qms.check().findings == []


def test_approved_counts_as_in_force_when_configured(qms: Qms) -> None:
    qms.config(profiles=["document-control"], in_force=["approved", "effective"])
    qms.doc("qms/a.md", id="SOP-4", title="A", type="procedure", status="approved", version="1")
    assert {f["rule"] for f in qms.check().findings} == {"DC007", "DC008"}
