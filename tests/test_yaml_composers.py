"""libyaml (through PyYAML) and ruamel.yaml's pure parser compose the same values at the same
positions: `yamlsafe` takes whichever it can, and nothing may depend on which one it took."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qmslint.read import yamlsafe
from tests.conftest import CORPORA

REPOSITORY = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(yamlsafe._CLoader is None, reason="PyYAML without libyaml")


def with_libyaml(text: str):
    """libyaml's graph, built; None where `yamlsafe` hands the text to ruamel instead."""
    node = yamlsafe._libyaml_graph(text)
    if node is yamlsafe._REFUSED:
        return None
    try:
        return _built(node, libyaml=True)
    except yamlsafe._Unplaced:
        return None


def with_ruamel(text: str):
    try:
        node = yamlsafe._compose_pure(text, 1)
    except yamlsafe.YamlProblem as problem:
        return ("refused", problem.code, problem.position)
    return _built(node)


def _built(node, libyaml: bool = False):
    if node is None:
        return "empty"
    builder = yamlsafe._Builder(1, libyaml)
    try:
        value = builder.build(node, (), 0)
    except yamlsafe.YamlProblem as problem:
        return ("problem", problem.code, problem.position, problem.message)
    return value, builder.positions, builder.at(node)


def assert_same(text: str) -> bool:
    """The two agree on `text` (libyaml never takes a text ruamel refuses); whether libyaml
    read it."""
    got = with_libyaml(text)
    if got is None:
        return False
    assert got == with_ruamel(text), text
    return True


def _yaml_files() -> list[Path]:
    roots = [REPOSITORY / "rules", REPOSITORY / "qmslint", REPOSITORY / "examples"]
    found = [p for root in roots for suffix in ("*.yaml", "*.yml") for p in root.rglob(suffix)]
    return sorted(found)


@pytest.mark.parametrize("path", _yaml_files(), ids=lambda p: str(p.relative_to(REPOSITORY)))
def test_the_packs_catalogues_and_configs_compose_alike(path: Path) -> None:
    assert_same(path.read_text("utf-8"))


def test_libyaml_reads_the_built_in_packs() -> None:
    for path in sorted((REPOSITORY / "rules").glob("*.yaml")):
        assert assert_same(path.read_text("utf-8")), path


def test_every_corpus_front_matter_composes_alike() -> None:
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is absent")
    read = 0
    for path in sorted(CORPORA.rglob("*.md")):
        lines = path.read_text("utf-8", errors="replace").split("\n")
        if lines[0].rstrip() != "---":
            continue
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), 0)
        read += assert_same("\n".join(lines[1:end]))
    assert read, "libyaml read no front matter"


@pytest.mark.parametrize(
    "text",
    [
        "clauses: [iso13485:4.2.4, mdr:art87.4]\n",  # a ':' in a flow list: YAML 1.2 only
        "a: yes\nb: no\nc: on\nd: 1:30\ne: 2024-01-02\nf: 2024-01-02 10:00:00+02:00\n",
        "a: 0o17\nb: 017\nc: 0x1F\nd: 1_000\ne: .inf\nf: -.NaN\ng: 1e3\nh: ~\ni: Null\n",
        "a: '12'\nb: \"yes\"\nc: !!str 12\nd: !!int '12'\ne: !custom x\n",
        'a: "x\\/y \\u00e9 \\N \\_ \\L"\n',
        "a: |\n  literal\n  text\nb: >\n  folded\n  text\n",
        "a: plain\n  continued\n  lines\n",
        "base: &b {x: 1, y: 2}\nmerged:\n  <<: *b\n  z: 3\n",
        "a: &a [1, 2]\nb: *a\n",
        "? complex\n: value\n",
        "list:\n- a\n- b:\n    c: d\n-\n  - nested\n",
        "a:\n  b:\n    c: [1, {d: e}]\n",
        "é: ü\nclé: 値\n",
        "title: emoji \U0001f600 here\nnext: [\U0001f600, b]\n",
        "a: 1 # comment\n# line comment\nb: 2\n",
        "x: !!python/object/apply:os.system ['echo hi']\n",
        "a: line\u2028break\n",
        "a: nel\x85here\n",
        "",
        "# only a comment\n",
        "- a\n- b\n",
        "plain\n",
        "a: [unclosed\nb: c\n",
        "a: b: c\n",
        "a: 1\na: 2\n",
        "a: " + "[" * 200 + "]" * 200 + "\n",
    ],
)
def test_hard_cases_compose_alike(text: str) -> None:
    assert_same(text)


SCALARS = st.sampled_from(
    [
        "SOP-001", "iso13485:4.2.4", "12", "-3", "1.5", "2024-01-02", "true", "yes", "no", "on",
        "off", "1:30", "~", "null", "'q'", '"d"', '"a: b"', "Head of QA", "é ü", "0o7", "017",
        "0x1f", "1_000", ".inf", "2024-01-02T10:00:00Z", "x#y", "a b  c", "''", '""', "!!str 3",
    ]
)  # fmt: skip
KEYS = st.sampled_from(["id", "title", "clauses", "a-b", "x_y", "1", "yes", "é"])


def _block(value, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:")
                lines += _block(item, indent + 2)
            else:
                lines.append(f"{pad}{key}: {_flow(item)}")
        return lines
    lines = []
    for item in value:
        if isinstance(item, (dict, list)) and item:
            lines.append(f"{pad}-")
            lines += _block(item, indent + 2)
        else:
            lines.append(f"{pad}- {_flow(item)}")
    return lines


def _flow(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return value


TREES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, TREES, min_size=1, max_size=5), st.booleans())
def test_generated_documents_compose_alike(tree: dict, flow: bool) -> None:
    text = _flow(tree) + "\n" if flow else "\n".join(_block(tree, 0)) + "\n"
    assert_same(text)


def test_shipped_data_files_read_alike_by_libyaml_and_ruamel() -> None:
    """`support.resources.load_shipped_yaml` may take either reader for the files we ship."""
    from ruamel.yaml import YAML

    from qmslint.support.resources import load_shipped_yaml, package_file

    shipped = sorted((REPOSITORY / "qmslint").rglob("*.yaml"))
    assert shipped
    for path in shipped:
        parts = path.relative_to(REPOSITORY / "qmslint").parts
        expected = YAML(typ="safe").load(package_file(*parts).read_text("utf-8"))
        assert load_shipped_yaml(*parts) == expected, path
