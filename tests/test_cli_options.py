"""Command-line options with the semantics users of ruff expect: several outputs in one run,
--statistics, --fail-on, --exit-zero, --select / --extend-select / --ignore (command line over
config), per-path ignores, and unknown rule ids as errors with a "did you mean"."""

from __future__ import annotations

import json
import os

import pytest

from qmslint.testing import Qms

TODAY = "2026-11-21"


def small(qms: Qms, **config: object) -> None:
    """Findings: CL001 error (qms/b.md), QL008 warning (qms/notes.md), DC013 error (qms/a.md),
    DC010 warning (qms/c.md); with iso13485 also repository-level ISO1xx errors."""
    qms.config(**{"profiles": ["document-control"], **config})
    qms.effective("SOP-1", ["iso13485:4.2.4"], related=["SOP-9"], path="qms/a.md")
    qms.doc(
        "qms/b.md",
        id="SOP-2",
        title="Draft",
        type="procedure",
        status="draft",
        clauses=["iso13485:9.9"],
    )
    qms.effective("SOP-3", approved_on="2027-01-01", effective_date="2027-01-02", path="qms/c.md")
    qms.write("qms/notes.md", "# Notes\n")


def rules_run(qms: Qms, *args: str) -> set[str]:
    result = qms.check(*args)
    assert result.exit_code in (0, 1), result.stderr
    return {f["rule"] for f in result.findings}


def no_rules(qms: Qms, *args: str) -> bool:
    """A selection that leaves no rule is a usage error (exit 2), never a silent pass."""
    result = qms.check(*args)
    return result.exit_code == 2 and "no rules to run" in result.stderr


# ----------------------------------------------------------------------------- outputs


def test_several_outputs_in_one_run(qms: Qms) -> None:
    small(qms)
    result = qms.run(
        "check",
        "--today",
        TODAY,
        "-o",
        "text",
        "-o",
        "json:reports/qmslint.json",
        "-o",
        "sarif:reports/qmslint.sarif",
        "-o",
        "junit:reports/junit.xml",
        "-o",
        "gitlab:gl-code-quality-report.json",
    )
    assert result.exit_code == 1
    assert "CL001 error" in result.stdout  # text to the terminal
    report = json.loads((qms.root / "reports/qmslint.json").read_text())
    assert {f["rule"] for f in report["findings"]} == {"CL001", "QL008", "DC013", "DC010"}
    assert json.loads((qms.root / "reports/qmslint.sarif").read_text())["version"] == "2.1.0"
    assert (qms.root / "reports/junit.xml").read_text().startswith("<?xml")
    assert len(json.loads((qms.root / "gl-code-quality-report.json").read_text())) == 4
    assert not list(qms.root.rglob(".*.tmp"))  # written atomically, nothing left behind


def test_file_outputs_alone_print_nothing(qms: Qms) -> None:
    small(qms)
    result = qms.run("check", "--today", TODAY, "-o", "json:out.json")
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads((qms.root / "out.json").read_text())["version"] == 1


def test_format_and_output_options(qms: Qms) -> None:
    small(qms)
    result = qms.run("check", "--today", TODAY, "--format", "junit", "--output", "j.xml")
    assert result.exit_code == 1 and result.stdout == ""
    assert "<testsuites" in (qms.root / "j.xml").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "json", "-o", "sarif"], "json and sarif would both go to standard output"),
        (["--format", "json", "-o", "text"], "json and text would both go to standard output"),
        (["-o", "sarif2:x"], "unknown output format 'sarif2'"),
    ],
)
def test_output_mistakes(qms: Qms, args: list[str], message: str) -> None:
    small(qms)
    result = qms.run("check", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# ----------------------------------------------------------------------------- statistics


def test_statistics_count_per_rule_and_per_profile(qms: Qms) -> None:
    small(qms)
    qms.doc("qms/d.md", id="SOP-4", title="D", type="procedure", status="draft", clauses=["x:1"])
    qms.config(profiles=["iso13485", "iso9001"])
    result = qms.run(
        "check", "--today", TODAY, "--statistics", "--select", "DC013,CL,QL,ISO101,ISO102"
    )
    lines = result.stdout.splitlines()
    stats = lines[lines.index("") + 1 : -1]
    assert [line.split()[:2] for line in stats] == [  # most frequent first, as in ruff
        ["2", "CL001"],
        ["1", "DC013"],
        ["1", "ISO101"],
        ["1", "QL008"],
        ["5", "profile"],
        ["4", "profile"],
    ]
    assert stats[4].endswith("profile iso13485")  # every finding: all four rules are in it
    assert stats[5].endswith("profile iso9001")  # ISO101 is not
    assert "Clause ids are valid" in stats[0]  # with the rule's title
    assert lines[-1].startswith("4 errors, 1 warning")


# ----------------------------------------------------------------------------- exit codes


def test_fail_on_thresholds_and_exit_zero(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1", approved_on="2027-01-01", effective_date="2027-01-02")  # warning
    qms.write("qms/notes.md", "# Notes\n")  # QL008 warning
    assert qms.check().exit_code == 0  # default: fail on errors only
    assert qms.check("--fail-on", "warning").exit_code == 1
    assert qms.check("--fail-on", "info").exit_code == 1
    assert qms.check("--fail-on", "warning", "--exit-zero").exit_code == 0
    qms.config(profiles=["document-control"], fail_on="warning")
    assert qms.check().exit_code == 1  # config's fail_on …
    assert qms.check("--fail-on", "error").exit_code == 0  # … the command line wins
    qms.config(profiles=["document-control"], severity={"DC010": "info", "QL008": "info"})
    assert qms.check("--fail-on", "warning").exit_code == 0
    assert qms.check("--fail-on", "info").exit_code == 1


def test_exit_zero_does_not_hide_usage_errors(qms: Qms) -> None:
    small(qms)
    assert qms.check("--exit-zero", "--select", "NOPE").exit_code == 2


# ----------------------------------------------------------------------------- selection


def test_select_ignore_longest_prefix_wins_and_ignore_wins_ties(qms: Qms) -> None:
    small(qms)
    assert rules_run(qms) == {"CL001", "QL008", "DC013", "DC010"}
    assert rules_run(qms, "--select", "DC") == {"DC013", "DC010"}
    assert rules_run(qms, "--select", "DC", "--ignore", "DC01") == set()
    assert rules_run(qms, "--select", "DC013", "--ignore", "DC01") == {"DC013"}  # more specific
    assert no_rules(qms, "--select", "DC01", "--ignore", "DC01")  # tie: ignore, so none left
    assert rules_run(qms, "--ignore", "QL,CL") == {"DC013", "DC010"}
    assert rules_run(qms, "--select", "ALL", "--ignore", "DC") == {"CL001", "QL008"}
    assert rules_run(qms, "--select", "dc013") == {"DC013"}  # case does not matter


def test_command_line_select_overrides_the_config_as_in_ruff(qms: Qms) -> None:
    small(qms, ignore=["DC013"], select=["DC", "CL"])
    assert rules_run(qms) == {"DC010", "CL001"}  # config: select minus ignore
    assert rules_run(qms, "--select", "DC013") == {"DC013"}  # a new select starts afresh
    assert rules_run(qms, "--ignore", "CL") == {"DC010"}  # without select: on top of config
    assert rules_run(qms, "--extend-select", "DC013") == {"DC010", "CL001", "DC013"}


def test_extend_select_adds_rules_outside_the_profiles(qms: Qms) -> None:
    small(qms, extend_select=["ISO103"])
    assert "ISO103" in rules_run(qms)  # a repository rule of iso13485, not document-control
    assert "ISO103" not in rules_run(qms, "--ignore", "ISO")
    assert rules_run(qms, "--select", "ALL") == {"CL001", "QL008", "DC013", "DC010"}


def test_per_path_ignores(qms: Qms) -> None:
    small(qms, per_path_ignores={"qms/b.md": ["CL"], "**/notes.md": ["all"]})
    assert rules_run(qms) == {"DC013", "DC010"}


@pytest.mark.parametrize(
    ("config", "args", "message"),
    [
        ({}, ["--select", "DC99X"], "--select: DC99X: no rule id starts with 'DC99X'"),
        ({}, ["--ignore", "MDRR"], "did you mean 'MDR'?"),
        ({}, ["--extend-select", "DC0133"], "did you mean 'DC013'?"),
        (
            {"select": ["QL01", "XX"]},
            [],
            ".qmslint.yaml: select: XX: no rule id starts with 'XX'",
        ),
        (
            {"per_path_ignores": {"legacy/**": ["DCC"]}},
            [],
            ".qmslint.yaml: per_path_ignores 'legacy/**': DCC: no rule id starts with 'DCC'",
        ),
        ({"severity": {"DC0133": "off"}}, [], "did you mean 'DC013'?"),
    ],
)
def test_unknown_rule_ids_are_errors_with_a_suggestion(
    qms: Qms, config: dict, args: list[str], message: str
) -> None:
    small(qms, **config)
    result = qms.check(*args)
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_selection_unit_semantics() -> None:
    """The layered resolution itself, on made-up rule ids."""
    from qmslint.packs.selection import Layer, resolve

    known = {rule_id: object() for rule_id in ("AB001", "AB002", "AC001", "XY001")}
    chosen = {rule_id: known[rule_id] for rule_id in ("AB001", "AB002", "AC001")}

    def run(*layers: Layer) -> set[str]:
        return set(resolve(list(layers), chosen, known))  # type: ignore[arg-type]

    assert run() == {"AB001", "AB002", "AC001"}
    assert run(Layer(None, [], ["A"])) == set()
    assert run(Layer(None, [], ["A"]), Layer(["AB001"], [], [])) == {"AB001"}
    assert run(Layer(["ALL"], [], [])) == {"AB001", "AB002", "AC001"}  # ALL = profiles
    assert run(Layer(["XY"], [], [])) == {"XY001"}  # a prefix reaches every loaded rule
    assert run(Layer(None, ["XY001"], ["ALL"])) == {"XY001"}  # specific beats ALL
    assert run(Layer(None, ["AB"], ["AB"])) == {"AC001"}  # tie: ignore


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
def test_output_files_take_file_names_that_are_not_utf8(qms: Qms, fmt: str) -> None:
    qms.config(profiles=["document-control"])
    try:
        (qms.root / os.fsdecode(b"bad\xff name.md")).write_text("# no metadata\n")
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take non-UTF-8 names")
    result = qms.run("check", "--today", TODAY, "-o", f"{fmt}:out")
    assert result.exit_code == 0 and "Traceback" not in result.stderr, result.stderr
    assert b"name.md" in (qms.root / "out").read_bytes()
