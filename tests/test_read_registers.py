"""Document registers and clause mapping documents, recognised by shape; resolving names."""

from __future__ import annotations

import time

from qmslint import clauses
from qmslint.model import Position
from qmslint.read.registers import DocRef, read_shapes, resolve, tables

REGISTER = """# Document Register

| Doc ID | Title | Rev | Status | Next Review |
|---|---|---|---|---|
| SOP-001 | Document Control | 3 | Approved | 2026-01-01 |
| [SOP-002](sops/SOP-002.md) | CAPA | 1 | Draft | |
"""

MAPPING = """---
doc_id: REF-01
---

# ISO 13485 Clause-to-Document Map

| Clause | Title | Controlling document(s) |
|--------|-------|--------------------------|
| 4.2.1–4.2.2 | Documentation / Quality manual | [[QM-01 Quality Manual]], [[QM-04 Scope and Exclusions]] |
| 4.2.3 | Medical device file | [Add document] |
| 8.2.3 | Reporting | [Vigilance](../02-procedures/SOP-16.md) |
| 8.5.2 | CAPA | SOP-14; Management Review |
"""

DOCUMENTS = [
    ("QM-01", "Quality Manual", "01-quality-manual/QM-01 Quality Manual.md"),
    ("QM-04", "Scope and Exclusions", "01-quality-manual/QM-04 Scope and Exclusions.md"),
    ("SOP-16", "Vigilance and Regulatory Reporting", "02-procedures/SOP-16.md"),
    ("SOP-14", "Corrective and Preventive Action", "02-procedures/SOP-14 CAPA.md"),
    ("SOP-03", "Management Review", "02-procedures/SOP-03 Management Review.md"),
]


def test_register_rows_with_positions():
    shapes = read_shapes(REGISTER)
    assert [r.id for r in shapes.registers] == ["SOP-001", "SOP-002"]
    first = shapes.registers[0]
    assert first.values["version"] == ("3", Position(5, 32))
    assert first.values["status"][0] == "Approved"
    assert first.values["next_review"][0] == "2026-01-01"
    assert first.position == Position(5, 3)
    assert first.columns["version"] == "Rev"
    assert shapes.mappings == []


def test_look_alike_tables_are_not_registers():
    text = (
        "# SOUP Register\n\n| ID | Component | Version | Supplier |\n|---|---|---|---|\n"
        "| SOUP-01 | TensorFlow | 2.15.0 | Google |\n\n## Revision History\n\n"
        "| Version | Date | Author | Description |\n|---|---|---|---|\n| 1.0 | 2026-01-15 | QA | Initial |\n\n"
        "| ID | Title | Status |\n|---|---|---|\n| Software System | Requirement | Description |\n"
    )
    assert read_shapes(text).registers == []


def test_register_in_a_code_block_is_not_read():
    fenced = "# R\n\n```markdown\n" + REGISTER.split("\n", 2)[2] + "```\n"
    assert read_shapes(fenced).registers == []


def test_mapping_rows_expand_clauses_and_keep_references_as_written():
    shapes = read_shapes(MAPPING, 3)
    rows = shapes.mappings
    assert rows[0].clauses == ("ISO 13485 4.2.1", "ISO 13485 4.2.2")
    assert rows[0].position == Position(9, 3)
    assert [(d.text, d.kind) for d in rows[0].documents] == [
        ("QM-01 Quality Manual", "wikilink"),
        ("QM-04 Scope and Exclusions", "wikilink"),
    ]
    assert [d.kind for d in rows[1].documents] == ["placeholder"]
    assert [(d.text, d.kind, d.target) for d in rows[2].documents] == [
        ("Vigilance", "link", "../02-procedures/SOP-16.md")
    ]
    assert [(d.text, d.kind) for d in rows[3].documents] == [
        ("SOP-14", "id"),
        ("Management Review", "title"),
    ]
    assert rows[3].documents[1].position == Position(12, 26)
    for row in rows:
        for text in row.clauses:
            assert str(clauses.parse(text)).startswith("iso13485:")


def test_quality_manual_process_table_with_document_standard():
    text = (
        "# Quality Manual\n\n## 5. Processes\n\n| Process | Controlling procedure | Clause |\n"
        "|---|---|---|\n| Document control | [[SOP-01 Document Control]] | 4.2 |\n"
        "| Vigilance | [[SOP-16 Vigilance]] | 8.2.3 |\n"
    )
    rows = read_shapes(text, standard="ISO 13485:2016").mappings
    assert [r.clauses for r in rows] == [("ISO 13485:2016 4.2",), ("ISO 13485:2016 8.2.3",)]
    rows = read_shapes(text).mappings
    assert rows[0].clauses == () and rows[0].problems == ("no-framework",)


def test_look_alike_tables_are_not_mappings():
    text = (
        "# Scope\n\n| Clause | Title | Applicable? | Justification |\n|---|---|---|---|\n"
        "| 7.3 | Design | Yes | |\n\n## References\n\n| Standard | Clause | Title |\n|---|---|---|\n"
        "| ISO 13485:2016 | 8.2.3 | Reporting |\n\n| Process | Documents |\n|---|---|\n"
        "| Purchasing | SOP-08 |\n"
    )
    assert read_shapes(text).mappings == []


def test_resolve_by_id_link_and_title():
    rows = read_shapes(MAPPING, 3).mappings
    base = "08-references"
    assert resolve(rows[0].documents[0], DOCUMENTS, base)[0] == "QM-01"
    assert resolve(rows[2].documents[0], DOCUMENTS, base)[0] == "SOP-16"
    assert resolve(rows[3].documents[0], DOCUMENTS, base)[0] == "SOP-14"
    assert resolve(rows[3].documents[1], DOCUMENTS, base)[0] == "SOP-03"
    assert resolve(rows[1].documents[0], DOCUMENTS, base) is None


def test_resolve_titles_ignore_case_and_punctuation():
    assert resolve("corrective & preventive action", DOCUMENTS)[0] == "SOP-14"
    assert resolve("Scope-and-Exclusions.", DOCUMENTS)[0] == "QM-04"
    assert resolve("Purchasing", DOCUMENTS) is None
    assert resolve(DocRef("Vigilance", "link", "nowhere.md"), DOCUMENTS) is None


def test_wikilink_resolves_by_file_stem():
    ref = DocRef("SOP-14 CAPA", "wikilink", "SOP-14 CAPA")
    assert resolve(ref, DOCUMENTS)[0] == "SOP-14"


def test_tables_scan_is_linear():
    text = "# T\n\n" + "| a | b |\n|---|---|\n" * 2000 + "x" * 100000 + "\n" + "|" * 50000 + "\n"
    started = time.perf_counter()
    found = tables(text)
    assert time.perf_counter() - started < 2.0
    assert found


def test_pactosigna_readme_mapping_with_standard_column():
    text = (
        "# Sample.QMS.ISO13485\n\n## ISO 13485 coverage\n\n| Clause | Topic | Documents |\n"
        "| --- | --- | --- |\n| 6.3 / 6.4 | Infrastructure | SOP-018 |\n"
        "| 8.2.4 | Internal audit | SOP-008, AUD-2026-001 |\n\n"
        "| Standard | Topic | Documents |\n| --- | --- | --- |\n| IEC 62304 | Software lifecycle | SOP-013 |\n"
        "| EU MDR Art. 83-86 | Post-market surveillance | SOP-019 |\n"
    )
    rows = read_shapes(text).mappings
    assert rows[0].clauses == ("ISO 13485 6.3", "ISO 13485 6.4")
    assert [d.text for d in rows[1].documents] == ["SOP-008", "AUD-2026-001"]
    assert rows[2].clauses == () and rows[2].clause == "IEC 62304"
    assert rows[3].clauses == tuple(f"MDR Art. {n}" for n in range(83, 87))
