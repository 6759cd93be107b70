"""Safe YAML loading: positions, YAML 1.2 values, and every way YAML can go wrong."""

from __future__ import annotations

import datetime as dt

import pytest

from qmslint.model import Position
from qmslint.read import yamlsafe


def test_values_and_positions_are_kept() -> None:
    loaded = yamlsafe.load("id: SOP-1\nclauses:\n  - iso13485:4.2.4\n  - 8.2.3\n", line_offset=1)
    assert loaded.value == {"id": "SOP-1", "clauses": ["iso13485:4.2.4", "8.2.3"]}
    assert loaded.positions[("clauses", yamlsafe.KEY)] == Position(3, 1)
    assert loaded.positions[("clauses", 1)] == Position(5, 5)


def test_flow_list_with_colons_is_read_as_yaml_1_2() -> None:
    # libyaml (YAML 1.1) rejects this; the pure parser takes over
    loaded = yamlsafe.load("clauses: [iso13485:4.2.4, mdr:art87.4]\n")
    assert loaded.value == {"clauses": ["iso13485:4.2.4", "mdr:art87.4"]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-02", dt.date(2024, 1, 2)),
        ("yes", "yes"),  # YAML 1.2: not a boolean
        ("true", True),
        ("12", 12),
        ("1.5", 1.5),
        ("'12'", "12"),
        ("~", None),
        ("1.0.2", "1.0.2"),
        ("2024-13-45", "2024-13-45"),  # not a real date: kept as text, reported by field types
    ],
)
def test_scalars_follow_yaml_1_2(text: str, expected: object) -> None:
    assert yamlsafe.load(f"v: {text}\n").value["v"] == expected


def test_duplicate_key_is_a_problem_at_the_second_key() -> None:
    with pytest.raises(yamlsafe.YamlProblem) as caught:
        yamlsafe.load("id: A\ntitle: x\nid: B\n")
    assert caught.value.code == "duplicate-key"
    assert caught.value.position == Position(3, 1)
    assert "first written on line 1" in caught.value.message


def test_malformed_yaml_reports_its_line() -> None:
    with pytest.raises(yamlsafe.YamlProblem) as caught:
        yamlsafe.load("id: A\ntitle: [unclosed\nstatus: draft\n", line_offset=1)
    assert caught.value.code == "malformed-yaml"
    assert caught.value.position.line >= 3


def test_alias_bomb_is_bounded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    with pytest.raises(yamlsafe.YamlProblem) as caught:
        yamlsafe.load("\n".join(lines) + "\n")
    assert caught.value.code == "too-complex"


def test_deep_nesting_is_bounded() -> None:
    text = "a: " + "[" * 200 + "]" * 200 + "\n"
    with pytest.raises(yamlsafe.YamlProblem) as caught:
        yamlsafe.load(text)
    assert caught.value.code == "too-complex"


def test_tags_never_construct_objects() -> None:
    loaded = yamlsafe.load("x: !!python/object/apply:os.system ['echo hi']\n")
    assert loaded.value == {"x": ["echo hi"]}


def test_empty_document_is_none() -> None:
    assert yamlsafe.load("") is None
    assert yamlsafe.load("# only a comment\n") is None


@pytest.mark.parametrize(
    "text",
    [
        "base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\n",  # a merge, then a key overriding it
        "base: &b {x: 1, y: 2}\nitem:\n  y: 3\n  <<: *b\n",  # the key first: the merge fills gaps
    ],
)
def test_an_explicit_key_overrides_a_merged_one(text: str) -> None:
    loaded = yamlsafe.load(text, fast=False)
    assert loaded.value["item"] == {"x": 1, "y": 3}
    assert loaded.positions[("item", "y")].line in (3, 4)


def test_a_key_written_twice_beside_a_merge_is_still_a_duplicate() -> None:
    with pytest.raises(yamlsafe.YamlProblem, match="duplicate key 'y'"):
        yamlsafe.load("base: &b {x: 1}\nitem:\n  <<: *b\n  y: 3\n  y: 4\n", fast=False)
