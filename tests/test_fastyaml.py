"""The fast front-matter path must agree with the full YAML path on every text it accepts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qmslint.read import fastyaml, yamlsafe

KEYS = st.sampled_from(["id", "title", "status", "clauses", "related", "version", "doc-id", "x_y"])
PLAIN = st.sampled_from(
    [
        "SOP-001", "iso13485:4.2.4", "mdr:art87.4", "12", "-3", "1.5", "2024-01-02", "true",
        "False", "null", "~", "yes", "Head of QA", "a: b", "x #y", "#c", "[a]", "{a}", "&a",
        "*a", "!t", "'q'", "'it''s'", '"d"', '"a,b"', "1.0.2", "http://x.org", "- a", ">", "|",
        "a:", "é ü", "", ":x", "?x", "%x", "@x", "`x",
    ]
)  # fmt: skip


@st.composite
def front_matter(draw) -> str:
    lines = []
    for key in draw(st.lists(KEYS, max_size=6)):
        shape = draw(st.sampled_from(["scalar", "flow", "block", "empty", "comment"]))
        if shape == "scalar":
            lines.append(f"{key}: {draw(PLAIN)}")
        elif shape == "flow":
            lines.append(f"{key}: [{', '.join(draw(st.lists(PLAIN, max_size=3)))}]")
        elif shape == "block":
            lines.append(f"{key}:")
            indent = draw(st.sampled_from(["", "  "]))
            lines += [f"{indent}- {item}" for item in draw(st.lists(PLAIN, min_size=1, max_size=3))]
        elif shape == "empty":
            lines.append(f"{key}:")
        else:
            lines.append(f"{key}: {draw(PLAIN)} # note")
    return "\n".join(lines) + "\n"


def full(text: str):
    try:
        loaded = yamlsafe.load(text, 1, fast=False)
    except yamlsafe.YamlProblem as problem:
        return ("problem", problem.code, problem.position)
    if loaded is None:
        return None
    return loaded.value, {k: v for k, v in loaded.positions.items() if len(k) <= 2}


def fast(text: str):
    try:
        loaded = yamlsafe.load(text, 1)
    except yamlsafe.YamlProblem as problem:
        return ("problem", problem.code, problem.position)
    if loaded is None:
        return None
    return loaded.value, {k: v for k, v in loaded.positions.items() if len(k) <= 2}


@settings(max_examples=400, deadline=None)
@given(front_matter())
def test_fast_path_agrees_with_ruamel(text: str) -> None:
    try:
        fastyaml.load(text, 1, yamlsafe._convert_plain)
    except fastyaml.NotSimple:
        return  # the full path reads it; nothing to compare
    except yamlsafe.YamlProblem:
        pass
    expected, got = full(text), fast(text)
    if got is None or expected is None or got[0] == "problem":
        assert got == expected
        return
    assert got[0] == expected[0]
    for path, position in got[1].items():  # keys and items sit where ruamel says
        if path in expected[1] and (
            (len(path) == 2 and isinstance(path[1], int)) or path[-1] == fastyaml.KEY
        ):
            assert position == expected[1][path], (path, text)


def test_positions_near_the_top_are_shared_objects_and_far_ones_are_plain() -> None:
    from qmslint.model import Position, place

    assert place(3, 1) is place(3, 1) and place(3, 1) == Position(3, 1)
    assert place(5000, 2) == Position(5000, 2)
