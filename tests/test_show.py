"""`qmslint show`: what was read, from where, and why a document is or is not in force."""

from __future__ import annotations

import json

import jsonschema

from qmslint.support.resources import schema_path
from qmslint.testing import Qms

SCHEMA = json.loads(schema_path("show.schema.json").read_text("utf-8"))


def _repo(qms: Qms) -> None:
    qms.config(profiles=["iso13485"], standard="ISO 13485:2016")
    qms.doc(
        "qms/SOP-001.md",
        id="SOP-001",
        title="Document control",
        type="procedure",
        status="approved",
        clauses=["4.2.4", "iso13485:4.2.5", "iso13485:99.1"],
    )
    qms.doc("qms/SOP-002.md", id="SOP-002", title="Draft", type="procedure", status="draft")


def test_show_json_validates_and_names_sources(qms: Qms) -> None:
    _repo(qms)
    result = qms.run("show", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    first, second = data["documents"]
    assert first["path"] == "qms/SOP-001.md" and first["in_force"] is True
    assert first["fields"]["id"] == {
        "value": "SOP-001",
        "source": "front-matter",
        "line": 2,
        "column": 1,
    }
    assert [c["clause"] for c in first["claims"]] == [
        "iso13485:4.2.4",
        "iso13485:4.2.5",
        "iso13485:99.1",
    ]
    assert first["claims"][0]["line"] == 7  # the list item under `clauses:`
    assert second["in_force"] is False and "'draft' is not in force" in second["in_force_reason"]


def test_show_limits_to_paths_and_rejects_missing_ones(qms: Qms) -> None:
    _repo(qms)
    result = qms.run("show", "qms/SOP-002.md")
    assert result.exit_code == 0, result.stderr
    assert "qms/SOP-002.md" in result.stdout and "qms/SOP-001.md" not in result.stdout
    assert "1 documents shown" in result.stdout
    missing = qms.run("show", "qms/nope.md")
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_show_text_never_prints_control_characters(qms: Qms) -> None:
    qms.config(profiles=["iso13485"])
    qms.write("qms/x.md", '---\nid: "SOP-\\x1b[31m9"\ntitle: "a\\u0007b"\n---\n')
    result = qms.run("show")
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "SOP-\\x1b[31m9" in result.stdout
