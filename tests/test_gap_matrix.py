"""`qmslint gap` and `qmslint matrix` (issue 11, SPEC §11): the comparison data, the gap of an
ISO 9001-only QMS to the MDR (knowledge base §5.1), the matrix of complete MDR QMSs, the JSON
schemas, and agreement with `check` (both are decided by the rule `check` runs)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from fixtures.qms_specs import Spec, implant_portfolio, iso9001_only, samd_eu
from fixtures.usual_level import implant_usual, samd_usual
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qmslint.clauses import parse, shipped
from qmslint.report.coverage import gap_data
from qmslint.session import builtin_ruleset
from qmslint.testing import Qms, Result, run_qmslint

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-21"
LACKING = ("missing", "partly covered", "not in force")


def schema(name: str) -> dict:
    return json.loads((REPO / "schemas" / name).read_text("utf-8"))


def run(root: Path, *args: str) -> Result:
    return run_qmslint([*args, "--today", TODAY], root)


def as_json(result: Result) -> dict:
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def items(gap: dict) -> list[dict]:
    return [item for group in gap["groups"] for item in group["items"]]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Spec], Path]:
    """Each fixture QMS written once per module, by name."""
    roots: dict[str, Path] = {}

    def write(name: str, spec: Spec) -> Path:
        if name not in roots:
            roots[name] = tmp_path_factory.mktemp(name)
            spec.write(roots[name])
        return roots[name]

    return write


# ----------------------------------------------------------------------------- the data file


def test_comparison_data_is_valid_and_names_only_known_rules_and_clauses() -> None:
    data = gap_data()
    jsonschema.validate(data, schema("gap-data.schema.json"))
    rules = builtin_ruleset().rules
    catalogues = shipped()
    named: list[str] = []
    for groups in data["groups"].values():
        for group in groups:
            named += group.get("rules", [])
            for point in group.get("points", []):
                named.append(point["rule"])
                assert all(catalogues.known(parse(c)) for c in point["iso13485"]), point
    for row in data["comparisons"]:
        named += row["rules"]
        for framework in ("iso9001", "iso13485", "mdr", "fda-qmsr"):
            for text in row.get(framework, ()):
                assert catalogues.known(parse(text)), f"{row['topic']}: {text} is no known clause"
    unknown = sorted(set(named) - set(rules))
    assert not unknown, unknown
    assert all(rules[r].kind == "document-exists" for r in named), "gap items are existence rules"
    rows = [int(row["kb"].split()[-1]) for row in data["comparisons"]]
    assert sorted(rows) == list(range(1, 27)), "one entry per row of knowledge base §5"
    in_two = [r for r in set(named) if sum(r in row["rules"] for row in data["comparisons"]) > 1]
    assert not in_two, f"a rule belongs to one §5 row: {in_two}"


def test_every_art_10_9_point_is_listed_once_with_its_rule() -> None:
    [group] = [g for g in gap_data()["groups"]["mdr"] if "points" in g]
    points = [p["point"] for p in group["points"]]
    assert points == list("abcdefghijklm")
    rules = builtin_ruleset().rules
    for point in group["points"]:
        clauses = rules[point["rule"]].options["select"]["clauses"]
        assert f"mdr:art10.9.{point['point']}" in clauses, point


def test_every_documented_procedure_of_iso13485_is_a_gap_item() -> None:
    """Knowledge base §2.2: the documented procedures are ISO101-ISO129, all in one group."""
    [group] = [g for g in gap_data()["groups"]["iso13485"] if g["id"] == "iso13485-procedures"]
    assert group["rules"] == [f"ISO{n}" for n in range(101, 130)]


# ----------------------------------------------------------------------------- ISO 9001 -> MDR

# Knowledge base §5.1, item by item, with the rules that decide each against a repository.
GAP_SUMMARY = {
    "documented procedures of EN ISO 13485 (§2.2)": [f"ISO{n}" for n in range(101, 130)],
    "regulatory-compliance strategy 10(9)(a)": ["MDR005"],
    "GSPR identification 10(9)(b)": ["MDR006"],
    "product risk management per Annex I §3": ["MDR009", "MDR017"],
    "clinical evaluation and PMCF (Art 61, Annex XIV)": ["MDR010", "MDR018", "MDR019", "MDR020"],
    "UDI, Basic UDI-DI, Eudamed (Art 27, 29)": ["MDR012", "MDR023", "MDR025"],
    "PMS system, plan, PMSR/PSUR (Art 83-86)": ["MDR013", "MDR035", "MDR036", "MDR037"],
    "vigilance, trend reporting, FSN (Art 87-89)": ["MDR001", "MDR045", "MDR046"],
    "PRRC (Art 15)": ["MDR030"],
    "technical documentation and EU DoC (10(4), 10(6))": ["MDR021", "MDR022"],
    "10/15-year retention (10(8))": ["MDR026"],
    "product-liability coverage (10(16))": ["MDR029"],
    "implant card and SSCP (Art 18, 32)": ["MDR032", "MDR033"],
    "medical device file (4.2.3)": ["ISO131"],
    "complaint handling (8.2.2)": ["ISO120"],
    "regulatory reporting (8.2.3)": ["ISO121"],
    "advisory notices (8.3.3)": ["ISO125"],
    "QMS and production software validation (4.1.6, 7.5.6)": ["ISO101", "ISO113"],
    "work environment and contamination control (6.4)": ["ISO106", "ISO138"],
    "sterile and implant clauses (7.5.5, 7.5.7, 7.5.9.2)": ["ISO145", "ISO114", "ISO146"],
    "preventive action (8.5.3)": ["ISO129"],
}


def _with_some_mdr_documents() -> Spec:
    """The ISO 9001 QMS after the first steps of its transition: a vigilance procedure, the PRRC
    appointment, a preventive action procedure and a complaint procedure in draft."""
    from fixtures.qms_specs import document

    spec = iso9001_only()
    spec.add(document("SOP-20", "procedure", ["mdr:art87", "mdr:art10.9.k"], title="Vigilance"))
    spec.add(document("SOP-21", "policy", ["mdr:art15"], title="PRRC appointment"))
    spec.add(document("SOP-22", "procedure", ["iso13485:8.5.3"], title="Preventive action"))
    spec.add(
        document("SOP-23", "procedure", ["iso13485:8.2.2"], title="Complaints", status="draft")
    )
    return spec


def test_gap_from_iso9001_to_mdr_lists_every_item_of_the_gap_summary(
    written: Callable[[str, Spec], Path],
) -> None:
    root = written("iso9001", iso9001_only())
    result = run(root, "gap", "--from", "iso9001", "--to", "mdr", "--format", "json")
    assert result.exit_code == 1  # missing items are errors
    gap = as_json(result)
    jsonschema.validate(gap, schema("gap.schema.json"))
    assert (gap["source"], gap["target"]) == ("iso9001", "mdr")
    rules_by_id = builtin_ruleset().rules
    state: dict[str, set[str]] = {}
    for item in items(gap):
        state.setdefault(item["rule"], set()).add(item["state"])
    for topic, rules in GAP_SUMMARY.items():
        for rule in rules:
            assert rule in state, f"{topic}: {rule} is not in the gap"
            assert state[rule] <= {"missing", "not applicable"}, (topic, rule, state[rule])
            if state[rule] == {"not applicable"}:  # "where applicable": no device needs it
                assert rules_by_id[rule].when, f"{topic}: {rule} ({state[rule]})"
            else:
                assert "missing" in state[rule], f"{topic}: {rule} ({state[rule]})"
    titles = [group["title"] for group in gap["groups"]]
    assert titles[0].startswith("ISO 13485 medical-device additions: documented procedures")
    art10 = next(i for i, t in enumerate(titles) if t.startswith("MDR Article 10(9)"))
    assert art10 > titles.index("ISO 13485 medical-device additions: other required documentation")
    points = [item["point"] for item in gap["groups"][art10]["items"]]
    assert points == list("abcdefghijklm")
    assert not [i for i in items(gap) if i["rule"].startswith(("DC", "Q9"))]  # ISO 9001 asks it


def test_gap_lists_none_of_what_the_qms_has(written: Callable[[str, Spec], Path]) -> None:
    root = written("iso9001-started", _with_some_mdr_documents())
    gap = as_json(run(root, "gap", "--from", "iso9001", "--to", "mdr", "--format", "json"))
    by_rule = {item["rule"]: item for item in items(gap)}
    for rule in ("MDR001", "MDR030", "ISO129"):
        assert by_rule[rule]["state"] == "covered", by_rule[rule]
        [document] = by_rule[rule]["coverage"]["documents"]
        assert document["in_force"] and document["id"].startswith("SOP-2")
    complaint = by_rule["ISO120"]
    assert complaint["state"] == "not in force"
    assert complaint["coverage"]["documents"][0]["status"] == "draft"
    # the ISO 9001 document is the starting point of the preventive-action and CAPA items
    capa = by_rule["ISO128"]
    assert capa["counterpart"] == ["iso9001:10.2", "iso9001:10.2.2"]
    assert [d["id"] for d in capa["starting_points"]] == ["SOP-10"]
    assert "asks in addition" not in capa["asks"] and capa["asks"]


def test_gap_text_names_the_starting_document(written: Callable[[str, Spec], Path]) -> None:
    root = written("iso9001", iso9001_only())
    result = run(root, "gap", "--from", "iso9001", "--to", "iso13485")
    assert result.exit_code == 1
    text = result.stdout
    assert text.startswith("Gap from iso9001 to iso13485: ")
    audit = text[text.index("ISO122 Internal audit procedure") :].splitlines()[:2]
    assert "starting point: SOP-09 Performance evaluation covers iso9001:9.2.2" in audit[1]
    assert "ISO 13485 asks in addition for a documented procedure" in audit[1]
    assert "MDR" not in text.split("\n\n")[1]  # no MDR group in a transition to ISO 13485


def test_gap_without_from_walks_the_whole_target(written: Callable[[str, Spec], Path]) -> None:
    root = written("samd", samd_eu())
    gap = as_json(run(root, "gap", "--to", "mdr", "--format", "json"))
    assert gap["source"] is None
    assert {"ISO102", "MDR001", "MDR005"} <= {i["rule"] for i in items(gap)}
    assert not [i for i in items(gap) if i["state"] in LACKING]
    excluded = [i for i in items(gap) if i["state"] == "excluded"]
    assert excluded and all(i["coverage"]["exclusion"]["allowed"] for i in excluded)
    assert all(i["coverage"]["exclusion"]["justification"] for i in excluded)
    result = run(root, "gap", "--to", "mdr")
    assert result.exit_code == 0, result.stdout


def test_gap_from_iso13485_to_mdr_leaves_out_what_iso13485_asks(
    written: Callable[[str, Spec], Path],
) -> None:
    root = written("samd", samd_eu())
    gap = as_json(run(root, "gap", "--from", "iso13485", "--to", "mdr", "--format", "json"))
    rules = {i["rule"] for i in items(gap)}
    assert not [r for r in rules if r.startswith("ISO")]
    assert gap["groups"][0]["title"].startswith("MDR Article 10(9)")
    point_c = next(i for i in items(gap) if i["point"] == "c")
    assert point_c["relation"] == "covered" and point_c["iso13485"] == ["iso13485:5"]


@pytest.mark.parametrize(
    ("source", "target"),
    [("iso9001", "iso13485"), ("iso13485", "fda-qmsr"), ("mdr", "fda-qmsr")],
)
def test_gap_between_any_pair(
    written: Callable[[str, Spec], Path], source: str, target: str
) -> None:
    root = written("implant", implant_portfolio())
    result = run(root, "gap", "--from", source, "--to", target, "--format", "json")
    gap = as_json(result)
    jsonschema.validate(gap, schema("gap.schema.json"))
    assert gap["groups"] and result.exit_code == 0, [
        (i["rule"], i["state"]) for i in items(gap) if i["state"] in LACKING
    ]
    if target == "fda-qmsr" and source != "iso9001":
        assert all(i["rule"].startswith("FDA") for i in items(gap))


def test_gap_exit_codes_missing_is_an_error_partly_a_warning(qms: Qms) -> None:
    qms.config(profiles=["iso9001"])
    qms.effective("SOP-001", ["mdr:art10.9.c", "iso13485:5.1"], type="manual")
    result = qms.run("gap", "--to", "mdr", "--today", TODAY, "--format", "json")
    point_c = next(i for i in items(json.loads(result.stdout)) if i["point"] == "c")
    assert point_c["state"] == "covered"  # citing the point itself satisfies MDR007
    qms.effective("SOP-001", ["iso13485:5.1", "iso13485:5.2"], type="manual")
    partly = qms.run("gap", "--to", "mdr", "--today", TODAY, "--format", "json")
    point_c = next(i for i in items(json.loads(partly.stdout)) if i["point"] == "c")
    assert point_c["state"] == "partly covered"
    assert qms.run("gap", "--to", "mdr", "--exit-zero").exit_code == 0
    assert qms.run("gap", "--to", "mdr").exit_code == 1
    assert qms.run("gap", "--to", "nope").exit_code == 2
    assert qms.run("gap", "--from", "nope", "--to", "mdr").exit_code == 2


def test_gap_partly_covered_only_fails_with_fail_on_warning(
    written: Callable[[str, Spec], Path],
) -> None:
    """The ISO 9001 QMS whose design procedure cites only 8.3.2: Q9010 is partly covered, a
    warning for the gap's exit code (missing would be an error)."""
    root = written("iso9001-partly", iso9001_only().set("SOP-05", "clauses", ["iso9001:8.3.2"]))
    gap = as_json(run(root, "gap", "--to", "iso9001", "--format", "json"))
    lacking = [(i["rule"], i["state"]) for i in items(gap) if i["state"] in LACKING]
    assert lacking == [("Q9010", "partly covered")]
    assert run(root, "gap", "--to", "iso9001").exit_code == 0
    assert run(root, "gap", "--to", "iso9001", "--fail-on", "warning").exit_code == 1
    assert run(root, "check", "--profile", "iso9001").exit_code == 1  # Q9010 is an error rule


def test_gap_markdown_and_html(written: Callable[[str, Spec], Path]) -> None:
    root = written("iso9001", iso9001_only())
    markdown = run(root, "gap", "--from", "iso9001", "--to", "mdr", "--format", "markdown")
    assert markdown.stdout.startswith("### Gap from iso9001 to mdr")
    assert "| (k) MDR001 Vigilance procedure | missing |" in markdown.stdout
    html = run(root, "gap", "--from", "iso9001", "--to", "mdr", "--format", "html")
    assert 'id="gap"' in html.stdout and "MDR Article 10(9)" in html.stdout


# ----------------------------------------------------------------------------- matrix


@pytest.mark.parametrize(
    ("name", "build", "profiles"),
    [
        ("samd", samd_eu, ["mdr"]),
        ("implant", implant_portfolio, ["mdr", "fda-qmsr"]),
        ("samd-usual", samd_usual, ["mdr"]),
        ("implant-usual", implant_usual, ["mdr", "fda-qmsr"]),
    ],
)
def test_matrix_of_a_complete_mdr_qms_shows_no_missing_clause(
    written: Callable[[str, Spec], Path], name: str, build: Callable[[], Spec], profiles: list[str]
) -> None:
    root = written(name, build())
    flags = [arg for p in profiles for arg in ("--profile", p)]
    result = run(root, "matrix", *flags, "--format", "json")
    assert result.exit_code == 0, result.stderr
    matrix = as_json(result)
    jsonschema.validate(matrix, schema("matrix.schema.json"))
    assert matrix["profiles"] == profiles
    lacking = [
        (r["rule"], r["device"], r["state"]) for r in matrix["rows"] if r["state"] in LACKING
    ]
    assert not lacking
    assert matrix["counts"]["covered"] > 50
    rules = {row["rule"] for row in matrix["rows"]}
    assert {"ISO102", "MDR001", "MDR005"} <= rules
    if "fda-qmsr" in profiles:
        assert "FDA001" in rules
    for row in matrix["rows"]:
        if row["state"] == "covered":
            assert any(d["in_force"] and d["cites"] for d in row["documents"]), row


def test_matrix_states_and_formats(qms: Qms) -> None:
    qms.config(profiles=["iso13485"])
    qms.effective(
        "QM-001",
        ["iso13485:4.2.2"],
        type="manual",
        exclusions=[
            {"clause": "iso13485:7.5.11", "justification": "Software only: nothing to preserve."}
        ],
    )
    qms.effective("SOP-001", ["iso13485:4.2.4"], title='=HYPERLINK("x") Document control')
    qms.doc(
        "qms/SOP-002.md",
        id="SOP-002",
        title="Records",
        type="procedure",
        status="draft",
        clauses=["iso13485:4.2.5"],
    )
    matrix = json.loads(qms.run("matrix", "--format", "json", "--today", TODAY).stdout)
    by_rule = {row["rule"]: row for row in matrix["rows"]}
    assert by_rule["ISO102"]["state"] == "covered"
    assert by_rule["ISO102"]["documents"][0]["cites"] == ["iso13485:4.2.4"]
    assert by_rule["ISO103"]["state"] == "not in force"
    assert by_rule["ISO117"]["state"] == "excluded"
    assert by_rule["ISO117"]["exclusion"]["document"] == "QM-001"
    assert by_rule["ISO101"]["state"] == "missing" and by_rule["ISO101"]["finding"]
    text = qms.run("matrix", "--today", TODAY).stdout
    assert "iso13485:4.2.4  COVERED  ISO102 Document control procedure" in text
    rows = list(csv.DictReader(io.StringIO(qms.run("matrix", "--format", "csv").stdout)))
    doc_control = next(r for r in rows if r["rule"] == "ISO102")
    assert doc_control["documents"] == "SOP-001" and doc_control["state"] == "covered"
    assert all(not r["details"].startswith("=") for r in rows)  # no formula from a title
    markdown = qms.run("matrix", "--format", "markdown").stdout
    assert "| iso13485:4.2.4 | covered | ISO102" in markdown
    html = qms.run("matrix", "--format", "html").stdout
    assert 'id="matrix"' in html and "st-not-in-force" in html
    assert qms.run("matrix", "--format", "sarif").exit_code == 2


# ----------------------------------------------------------------------------- agreement


def _document_exists_findings(check: dict) -> set[str]:
    rules = builtin_ruleset().rules
    return {
        f["fingerprint"]
        for f in check["findings"]
        if f["rule"] in rules and rules[f["rule"]].kind == "document-exists"
    }


CLAUSES = sorted({c for doc in samd_eu().docs.values() for c in doc.get("clauses", [])})


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(CLAUSES), min_size=1, max_size=6, unique=True))
def test_matrix_and_gap_agree_with_check(
    tmp_path_factory: pytest.TempPathFactory, gone: list[str]
) -> None:
    """Whatever is uncited, the rows the matrix and the gap mark as lacking are exactly the
    existence findings `check` reports, by fingerprint."""
    root = tmp_path_factory.mktemp("agree")
    samd_eu().uncite(*gone).write(root)
    check = json.loads(run(root, "check", "--profile", "mdr", "--format", "json").stdout)
    matrix = json.loads(run(root, "matrix", "--profile", "mdr", "--format", "json").stdout)
    gap = json.loads(run(root, "gap", "--to", "mdr", "--format", "json").stdout)
    expected = _document_exists_findings(check)
    in_matrix = {r["finding"] for r in matrix["rows"] if r["finding"]}
    assert in_matrix == expected
    assert {r["finding"] for r in matrix["rows"] if r["state"] in LACKING} == expected
    in_gap = {i["coverage"]["finding"] for i in items(gap) if i["state"] in LACKING}
    assert in_gap == expected
    missing = [
        i
        for i in items(gap)
        if i["state"] in ("missing", "not in force") and i["coverage"]["suppressed"] is None
    ]
    if missing:  # a missing item is an error for `gap`, whatever the rule's severity
        assert run(root, "gap", "--to", "mdr").exit_code == 1
    if any(i["severity"] == "error" for i in missing):
        assert run(root, "check", "--profile", "mdr").exit_code == 1


def test_check_builds_the_matrix_only_for_a_format_that_shows_it(qms: Qms, monkeypatch) -> None:
    """The matrix and gaps are built for the HTML report and for a plugin's formatter that does
    not say it leaves them out, never for text or JSON (25 MB at 100,000 documents)."""
    from qmslint import cli, engine
    from qmslint.formatters import builtin_formatters, shows_coverage

    assert [f.name for f in builtin_formatters() if shows_coverage(f)] == ["html"]
    assert shows_coverage(type("PluginFormatter", (), {"name": "x"})())  # says nothing: given
    qms.config(profiles=["iso13485"])
    qms.effective("SOP-001", ["iso13485:4.2.4"])
    built: list[tuple[bool, int]] = []

    def run(session, options):
        outcome = engine.run(session, options)
        built.append((options.coverage, len(outcome.report.coverage)))
        return outcome

    monkeypatch.setattr(cli, "run", run)
    json_run = qms.check()
    html = qms.run("check", "--today", TODAY, "--format", "html")
    assert built[0] == (False, 0) and built[1][0] and built[1][1] > 0
    assert "ISO102" in html.stdout and json_run.report["findings"]
    both = qms.run("check", "--today", TODAY, "-o", "json:-", "-o", "html:report.html")
    assert built[2][0] and json.loads(both.stdout)["findings"] == json_run.report["findings"]
