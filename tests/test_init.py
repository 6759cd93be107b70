"""`qmslint init`: a config that maps the repository's conventions; `--starter`: a small QMS."""

from __future__ import annotations

from qmslint.testing import Qms
from qmslint.verbs.init import id_pattern


def _conventions(qms: Qms) -> None:
    for number, status in ((1, "Freigegeben"), (2, "Freigegeben"), (3, "Entwurf")):
        qms.write(
            f"qms/SOP-00{number}.md",
            f"---\nDokument: SOP-00{number}\nid: SOP-00{number}\ntitle: T{number}\n"
            f"status: {status}\nDoc-Type: Verfahren\nclauses: ['8.2.{number}']\n---\n\n# T\n",
        )


def test_init_writes_a_config_that_maps_the_conventions(qms: Qms) -> None:
    _conventions(qms)
    result = qms.run("init")
    assert result.exit_code == 0, result.stderr
    text = (qms.root / ".qmslint.yaml").read_text()
    assert "profiles: [iso13485]" in text
    assert "standard: ISO 13485:2016" in text  # bare clause numbers
    assert "id_pattern: '[A-Z]{3}-\\d{3}'" in text
    assert "status_aliases:\n  'Freigegeben': effective" in text and "'Entwurf': draft" in text
    assert "#   'Verfahren': ?" in text  # a type word it cannot decide stays a comment
    assert "#   'Dokument': ?" in text
    checked = qms.check()
    assert checked.exit_code in (0, 1), checked.stderr  # the written config loads
    assert not [f for f in checked.findings if f["rule"] == "QL006" and "status" in f["message"]]


def test_init_never_replaces_a_config_unless_forced(qms: Qms) -> None:
    _conventions(qms)
    qms.config(profiles=["mdr"])
    refused = qms.run("init")
    assert refused.exit_code == 2 and "already exists" in refused.stderr
    assert (qms.root / ".qmslint.yaml").read_text() == "profiles:\n- mdr\n"
    printed = qms.run("init", "--output", "-")
    assert printed.exit_code == 0 and printed.stdout.startswith("# qmslint configuration")
    forced = qms.run("init", "--force")
    assert forced.exit_code == 0 and "Freigegeben" in (qms.root / ".qmslint.yaml").read_text()


def test_init_starter_scaffolds_a_qms_that_checks(qms: Qms) -> None:
    result = qms.run("init", "--starter")
    assert result.exit_code == 0, result.stderr
    assert (qms.root / "qms" / "SOP-001-document-control.md").is_file()
    checked = qms.check()
    assert checked.exit_code == 1, checked.stderr  # drafts: the QMS still lacks what is in force
    assert not {rule for rule in checked.rules if rule.startswith(("QL", "CL"))}  # well-formed
    assert any(f["message"].startswith("missing") for f in checked.findings)
    assert qms.run("init", "--starter").exit_code == 2  # never overwrites


def test_id_pattern_generalises_the_common_shape() -> None:
    assert id_pattern(["SOP-001", "WI-012", "FRM-100", "SOP-002"]) == "[A-Z]{2,3}-\\d{3}"
    many = [f"SOP-{n:03}" for n in range(30)] + ["DEV-PLAN-001", "TR-PEN-001"]
    assert id_pattern(many) == "(?:[A-Z]{3}-\\d{3}|[A-Z]{2,3}-[A-Z]{3,4}-\\d{3})"
    assert id_pattern([*many, "odd"]) == "(?:[A-Z]{3}-\\d{3}|[A-Z]{2,3}-[A-Z]{3,4}-\\d{3})"
    assert id_pattern(["QP-0003", "QP-0010"]) == "[A-Z]{2}-\\d{4}"
    assert id_pattern(["a", "b", "SOP-1"]) is None
