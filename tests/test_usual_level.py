"""Three complete QMSs cited at the usual level (x.y clauses, articles, whole annexes and parts,
in the spellings real reference tables use) pass their profiles with no error, and each defect
planted in a copy is found at its document."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fixtures.qms_specs import Spec, line_of
from fixtures.rule_cases import BASES, Bases
from fixtures.usual_level import implant_usual, iso9001_usual, samd_usual

USUAL: dict[str, Callable[[], Spec]] = {
    "samd-usual": samd_usual,
    "implant-usual": implant_usual,
    "iso9001-usual": iso9001_usual,
}


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> Bases:
    BASES.update(USUAL)  # Bases writes each fixture once, by name
    return Bases(tmp_path_factory.mktemp("usual"))


@pytest.mark.parametrize("name", sorted(USUAL))
def test_complete_qms_cited_at_the_usual_level_has_no_error(bases: Bases, name: str) -> None:
    result = bases.result(name)
    errors = [f for f in result.findings if f["severity"] == "error"]
    assert not errors, result._summary(errors)
    assert result.exit_code == 0
    result.assert_silent("CL001", "CL002")  # every citation is a listed clause


def test_the_usual_level_really_is_the_clause_or_article_level() -> None:
    cited = {c for doc in samd_usual().docs.values() for c in doc.get("clauses", [])}
    assert "ISO 13485:2016 Section 7.3" in cited
    assert "MDR Annex XIV" in cited and "MDR Art. 61" in cited
    assert not any(c.count(".") > 1 for c in cited if c.startswith("ISO 13485:2016 Section 7.3"))


# ----------------------------------------------------------------------------- planted defects


def planted(
    bases: Bases, tmp_path: Path, base: str, mutate: Callable[[Spec], Spec], rule: str
) -> tuple[list[dict], Path]:
    bases.root(base)
    spec = mutate(bases.specs[base].copy())
    qms, result = bases.check(spec, base, tmp_path)
    return result.assert_fires(rule), qms.root


def test_retention_too_short_is_found_at_the_record_procedure(bases: Bases, tmp_path: Path) -> None:
    findings, root = planted(
        bases, tmp_path, "samd-usual", lambda s: s.set("SOP-002", "retention_years", 1), "ISO148"
    )
    assert {f["path"] for f in findings} == {Spec.path_of("SOP-002")}
    finding = findings[0]
    lines = (root / Spec.path_of("SOP-002")).read_text().splitlines()
    assert "retention_years" in lines[finding["line"] - 1]


def test_vigilance_deadline_too_long_is_found_at_the_vigilance_procedure(
    bases: Bases, tmp_path: Path
) -> None:
    def mutate(spec: Spec) -> Spec:
        return spec.set("SOP-018", "reporting_deadlines_days.mdr-serious-incident", 30)

    [finding], _ = planted(bases, tmp_path, "implant-usual", mutate, "MDR041")
    assert finding["path"] == Spec.path_of("SOP-018")


def test_a_heading_citation_is_named_in_the_finding(bases: Bases, tmp_path: Path) -> None:
    """The traceability procedure cites "Section 7.5", a heading: ISO116 names that document."""

    def mutate(spec: Spec) -> Spec:
        return spec.set("SOP-013", "clauses", ["ISO 13485:2016 Section 7.5"])

    [finding], _ = planted(bases, tmp_path, "samd-usual", mutate, "ISO116")
    assert "SOP-013" in finding["message"] and "a heading" in finding["message"]


def test_a_draft_procedure_is_named_in_the_finding(bases: Bases, tmp_path: Path) -> None:
    def mutate(spec: Spec) -> Spec:
        return spec.set("SOP-017", "status", "draft")

    [finding], _ = planted(bases, tmp_path, "samd-usual", mutate, "ISO120")
    assert "SOP-017" in finding["message"] and "draft" in finding["message"]


def test_lot_traceability_of_the_active_implant_is_found_at_its_line(
    bases: Bases, tmp_path: Path
) -> None:
    def mutate(spec: Spec) -> Spec:
        return spec.set("SOP-013", "traceability_level.PACE-1", "lot")

    [finding], root = planted(bases, tmp_path, "implant-usual", mutate, "MDR002")
    assert finding["path"] == Spec.path_of("SOP-013")
    lines = (root / Spec.path_of("SOP-013")).read_text().splitlines()
    assert "PACE-1" in lines[finding["line"] - 1]


def test_design_exclusion_is_found_at_the_quality_manual(bases: Bases, tmp_path: Path) -> None:
    def mutate(spec: Spec) -> Spec:
        spec.docs["QM-001"]["exclusions"] = [
            {"clause": "ISO 13485:2016 Section 7.3", "justification": "Designed by others."}
        ]
        return spec

    [finding], _ = planted(bases, tmp_path, "implant-usual", mutate, "MDR049")
    assert finding["path"] == Spec.path_of("QM-001")


def test_fda_deadline_too_long_is_found_at_the_mdr_procedure(bases: Bases, tmp_path: Path) -> None:
    def mutate(spec: Spec) -> Spec:
        return spec.set("SOP-040", "reporting_deadlines_days.fda-mdr-report", 45)

    [finding], root = planted(bases, tmp_path, "implant-usual", mutate, "FDA003")
    assert finding["path"] == Spec.path_of("SOP-040")
    assert finding["line"] == line_of_path(root, "SOP-040", "fda-mdr-report:")


def test_iso9001_design_records_partly_cited_name_the_document(
    bases: Bases, tmp_path: Path
) -> None:
    def mutate(spec: Spec) -> Spec:
        return spec.set("SOP-05", "clauses", ["ISO 9001:2015 Section 8.3.2"])

    [finding], _ = planted(bases, tmp_path, "iso9001-usual", mutate, "Q9010")
    assert "partly covered" in finding["message"] and "SOP-05" in finding["message"]


def test_iso9001_draft_performance_procedure_is_named(bases: Bases, tmp_path: Path) -> None:
    def mutate(spec: Spec) -> Spec:
        return spec.set("SOP-09", "status", "draft")

    [finding], _ = planted(bases, tmp_path, "iso9001-usual", mutate, "Q9017")
    assert "SOP-09" in finding["message"] and "draft" in finding["message"]


def line_of_path(root: Path, doc_id: str, text: str) -> int:
    lines = (root / Spec.path_of(doc_id)).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


_ = line_of  # the qms_specs helper works on a Qms; the tests above read the path directly
