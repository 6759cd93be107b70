"""Each check kind, end to end through the CLI: one case where it fires, one where it does not."""

from __future__ import annotations

import datetime as dt

import pytest

from qmslint.testing import Qms, dump_yaml

RULE = {
    "title": "A test rule",
    "severity": "error",
    "references": [],
    "explanation": "explained at length for the tests",
    "fix": "fix it this way",
}


def with_rule(qms: Qms, check: dict, when: dict | None = None, **config) -> None:
    """A local pack holding one rule T001 in profile `t`, and a config selecting it."""
    rule = {"id": "T001", **RULE, "check": check}
    if when:
        rule["when"] = when
    qms.write(
        "rules/t.yaml",
        dump_yaml(
            {
                "pack": "t",
                "profiles": [{"name": "t", "title": "T", "rules": ["T001"]}],
                "rules": [rule],
            }
        ),
    )
    qms.config(profiles=["t"], packs=["rules"], exclude=["rules/**"], **config)


def line_of(qms: Qms, path: str, text: str) -> int:
    """1-based line of the first line of `path` containing `text`."""
    lines = (qms.root / path).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def fired(qms: Qms) -> list[dict]:
    result = qms.check()
    assert result.exit_code in (0, 1), result.stderr
    return result.of("T001")


DEVICES = [
    {"id": "PUMP", "markets": ["EU"], "eu_class": "IIb", "active": True, "lifetime_years": 8},
    {
        "id": "IMPLANT",
        "markets": ["EU", "US"],
        "eu_class": "III",
        "implantable": True,
        "active": True,
    },
]


# ---------------------------------------------------------------- document-exists


def test_document_exists_fires_when_missing_and_not_when_in_force(qms: Qms) -> None:
    with_rule(
        qms,
        {"kind": "document-exists", "select": {"type": "procedure", "clauses": ["iso13485:8.2.2"]}},
    )
    qms.doc(
        "qms/draft.md", id="SOP-1", type="procedure", status="draft", clauses=["iso13485:8.2.2"]
    )
    assert [f["path"] for f in fired(qms)] == [None]  # drafts do not count
    qms.effective("SOP-2", ["iso13485:8.2.2"])
    assert fired(qms) == []


def test_document_exists_parent_citation_does_not_satisfy_a_sub_clause(qms: Qms) -> None:
    with_rule(qms, {"kind": "document-exists", "select": {"clauses": ["iso13485:8.2.3"]}})
    qms.effective("SOP-1", ["iso13485:8.2"])
    assert len(fired(qms)) == 1
    qms.effective("SOP-2", ["ISO 13485:2016 §8.2.3"])
    assert fired(qms) == []


def test_document_exists_accepts_a_justified_exclusion(qms: Qms) -> None:
    with_rule(
        qms,
        {"kind": "document-exists", "select": {"clauses": ["iso13485:7.3.1"]}, "excludable": True},
    )
    qms.effective(
        "QM-1",
        ["iso13485:4.2.2"],
        type="manual",
        exclusions=[{"clause": "iso13485:7.3", "justification": ""}],
    )
    assert len(fired(qms)) == 1  # an exclusion without justification does not count
    qms.effective(
        "QM-1",
        ["iso13485:4.2.2"],
        type="manual",
        exclusions=[{"clause": "iso13485:7.3", "justification": "We do no design."}],
    )
    assert fired(qms) == []


def test_document_exists_per_device(qms: Qms) -> None:
    with_rule(
        qms,
        {"kind": "document-exists", "select": {"type": "plan"}, "per_device": {"markets": "EU"}},
        devices=DEVICES,
    )
    qms.effective("PMS-1", type="plan", devices=["PUMP"])
    assert [f["message"].split(":")[0] for f in fired(qms)] == ["missing for device IMPLANT"]
    qms.effective("PMS-2", type="plan", devices=["IMPLANT"])
    assert fired(qms) == []


# ---------------------------------------------------------------- conditions


@pytest.mark.parametrize(
    ("when", "applies"),
    [
        ({"any_device": {"implantable": True}}, True),
        ({"any_device": {"sterile": True}}, False),
        ({"no_device": {"sterile": True}}, True),
        ({"market": "US"}, True),
        ({"market": "CN"}, False),
        ({"all": [{"market": "EU"}, {"any_device": {"eu_class": ["IIb", "III"]}}]}, True),
        ({"any": [{"market": "CN"}, {"any_device": {"lifetime_years": {"min": 5}}}]}, True),
        ({"not": {"market": "EU"}}, False),
    ],
)
def test_conditions_on_the_portfolio(qms: Qms, when: dict, applies: bool) -> None:
    with_rule(
        qms, {"kind": "document-exists", "select": {"type": "plan"}}, when=when, devices=DEVICES
    )
    assert bool(fired(qms)) is applies


def test_device_rules_without_a_portfolio_are_reported_not_skipped(qms: Qms) -> None:
    with_rule(qms, {"kind": "document-exists", "select": {"type": "plan"}}, when={"market": "EU"})
    qms.config(profiles=["t", "document-control"], packs=["rules"], exclude=["rules/**"])
    result = qms.check()
    assert result.of("T001") == []
    assert "T001" in result.of("DV001")[0]["message"]


# ---------------------------------------------------------------- field


@pytest.mark.parametrize(
    ("check", "value", "fires"),
    [
        ({"equals": "unit"}, "lot", True),
        ({"equals": "unit"}, "unit", False),
        ({"one_of": [1, 2]}, 3, True),
        ({"one_of": [1, 2]}, 2, False),
        ({"pattern": "SOP-\\d{3}"}, "SOP-12", True),
        ({"pattern": "SOP-\\d{3}"}, "SOP-012", False),
        ({"min": 2}, 1, True),
        ({"min": 2}, 2, False),
        ({"max": 15}, 30, True),
        ({"max": 15}, 15, False),
        ({"not_after_today": True}, dt.date(2027, 1, 1), True),
        ({"not_after_today": True}, dt.date(2026, 1, 1), False),
        ({"present": True}, None, True),
        ({"present": True}, "x", False),
        ({"min_items": 2}, ["a"], True),
        ({"min_items": 2}, ["a", "b"], False),
    ],
)
def test_field_assertions(qms: Qms, check: dict, value: object, fires: bool) -> None:
    with_rule(qms, {"kind": "field", "select": {"type": "form"}, "field": "custom", **check})
    extra = {} if value is None else {"custom": value}
    qms.effective("FRM-1", type="form", **extra)
    found = fired(qms)
    assert bool(found) is fires, found
    if fires and value is not None:
        assert found[0]["line"] == line_of(qms, "qms/FRM-1.md", "custom:")


def test_field_path_into_a_mapping_points_at_the_key(qms: Qms) -> None:
    with_rule(
        qms,
        {
            "kind": "field",
            "select": {"type": "procedure"},
            "field": "reporting_deadlines_days.mdr-serious-incident",
            "max": 15,
        },
    )
    qms.effective(
        "SOP-V",
        reporting_deadlines_days={"mdr-public-health-threat": 2, "mdr-serious-incident": 30},
    )
    [finding] = fired(qms)
    assert finding["line"] == line_of(qms, "qms/SOP-V.md", "mdr-serious-incident:")
    assert "30" in finding["message"]


def test_field_date_order(qms: Qms) -> None:
    with_rule(
        qms,
        {
            "kind": "field",
            "field": "effective_date",
            "if_present": True,
            "not_before_field": "approved_on",
        },
    )
    qms.effective("SOP-1", effective_date=dt.date(2026, 1, 1))  # approved 2026-01-10
    assert len(fired(qms)) == 1
    qms.effective("SOP-1")
    assert fired(qms) == []


def test_field_per_device_value_and_device_fact_minimum(qms: Qms) -> None:
    with_rule(
        qms,
        {
            "kind": "field",
            "select": {"type": "procedure"},
            "field": "traceability_level",
            "for_devices": {"implantable": True},
            "equals": "unit",
        },
        devices=DEVICES,
    )
    qms.effective("SOP-T", traceability_level={"PUMP": "lot", "IMPLANT": "lot"})
    [finding] = fired(qms)
    assert "IMPLANT" in finding["message"]
    qms.effective("SOP-T", traceability_level={"PUMP": "lot", "IMPLANT": "serial"})
    assert fired(qms) == []


def test_field_at_least_device_fact(qms: Qms) -> None:
    with_rule(
        qms,
        {
            "kind": "field",
            "select": {"type": "procedure"},
            "field": "retention_years",
            "at_least_device_fact": "lifetime_years",
        },
        devices=DEVICES,
    )
    qms.effective("SOP-R", retention_years=5)
    assert "PUMP" in fired(qms)[0]["message"]
    qms.effective("SOP-R", retention_years=10)
    assert fired(qms) == []


# ---------------------------------------------------------------- cross-document kinds


def dc(qms: Qms, rule: str) -> list[dict]:
    qms.config(profiles=["document-control"])
    result = qms.check()
    assert result.exit_code in (0, 1), result.stderr
    return result.of(rule)


def test_unique_ids(qms: Qms) -> None:
    qms.effective("SOP-1", path="a.md")
    assert dc(qms, "DC001") == []
    qms.effective("SOP-1", path="b.md")
    assert sorted(f["path"] for f in dc(qms, "DC001")) == ["a.md", "b.md"]


def test_references_resolve(qms: Qms) -> None:
    qms.effective("SOP-1", related=["SOP-2"])
    [finding] = dc(qms, "DC013")
    assert finding["line"] == line_of(qms, "qms/SOP-1.md", "- SOP-2")
    assert "SOP-2" in finding["message"]
    qms.effective("SOP-2")
    assert dc(qms, "DC013") == []


def test_no_obsolete_citations(qms: Qms) -> None:
    qms.effective("SOP-1", related=["SOP-0"])
    qms.effective("SOP-0", status="obsolete")
    assert [f["document"] for f in dc(qms, "DC014")] == ["SOP-1"]
    qms.effective("SOP-0")
    assert dc(qms, "DC014") == []


def test_supersession(qms: Qms) -> None:
    qms.effective("SOP-2", supersedes="SOP-1")
    qms.effective("SOP-1")
    assert "still 'effective'" in dc(qms, "DC015")[0]["message"]
    qms.effective("SOP-1", status="obsolete")
    assert dc(qms, "DC015") == []


def test_review_overdue_against_today(qms: Qms) -> None:
    qms.effective(
        "SOP-1",
        approved_on=dt.date(2024, 1, 1),
        effective_date=dt.date(2024, 1, 2),
        review_interval_months=12,
    )
    [finding] = dc(qms, "DC011")
    assert "2025-01-01" in finding["message"]
    assert finding["line"] == line_of(qms, "qms/SOP-1.md", "approved_on:")
    qms.effective(
        "SOP-1",
        approved_on=dt.date(2024, 1, 1),
        last_reviewed=dt.date(2026, 6, 1),
        review_interval_months=12,
    )
    assert dc(qms, "DC011") == []


def test_review_due_soon_is_info(qms: Qms) -> None:
    qms.effective(
        "SOP-1",
        approved_on=dt.date(2025, 12, 1),
        effective_date=dt.date(2025, 12, 2),
        review_interval_months=12,
    )
    assert [f["severity"] for f in dc(qms, "DC012")] == ["info"]


def test_unknown_clause_ids(qms: Qms) -> None:
    qms.effective("SOP-1", ["iso13485:4.2.4", "iso13485:7.5.9.3", "MDR Art. 87(4)"])
    [finding] = dc(qms, "CL001")
    assert finding["line"] == line_of(qms, "qms/SOP-1.md", "- iso13485:7.5.9.3")
    assert "nearest valid: iso13485:7.5.9" in finding["message"]


def test_required_fields_for_in_force_documents(qms: Qms) -> None:
    qms.doc("qms/a.md", id="SOP-1", title="A", type="procedure", status="effective", version="1")
    assert {f["rule"] for f in qms.check("--profile", "document-control").findings} == {
        "DC007",
        "DC008",
    }


def test_id_pattern_from_config(qms: Qms) -> None:
    qms.effective("sop1")
    qms.config(profiles=["document-control"], id_pattern="[A-Z]+-\\d+")
    assert len(qms.check().of("DC016")) == 1


def test_duplicate_id_findings_have_distinct_fingerprints(qms: Qms) -> None:
    qms.effective("SOP-1", path="a.md")
    qms.effective("SOP-1", path="b.md")
    fingerprints = {f["fingerprint"] for f in dc(qms, "DC001")}
    assert len(fingerprints) == 2


def test_two_failures_of_one_field_have_distinct_fingerprints(qms: Qms) -> None:
    with_rule(
        qms,
        {
            "kind": "field",
            "select": {"type": "procedure"},
            "field": "retention_years",
            "min": 10,
            "at_least_device_fact": "lifetime_years",
        },
        devices=DEVICES,
    )
    qms.effective("SOP-R", retention_years=5)
    found = fired(qms)
    assert len(found) == 2 and len({f["fingerprint"] for f in found}) == 2


def test_device_fact_points_at_the_config_declaring_the_device(qms: Qms) -> None:
    with_rule(
        qms,
        {"kind": "device-fact", "devices": {"markets": "EU"}, "fact": "basic_udi_di"},
        devices=DEVICES,
    )
    found = fired(qms)
    assert {f["path"] for f in found} == {".qmslint.yaml"}
    assert sorted(f["line"] for f in found) == sorted(
        [line_of(qms, ".qmslint.yaml", "id: IMPLANT"), line_of(qms, ".qmslint.yaml", "id: PUMP")]
    )


def test_output_to_a_closed_pipe_is_quiet(qms: Qms) -> None:
    import subprocess
    import sys

    qms.config(profiles=["mdr"])
    out = subprocess.run(
        f"{sys.executable} -m qmslint rules | head -1",
        shell=True,
        cwd=qms.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in out.stderr and out.stdout.count("\n") == 1
