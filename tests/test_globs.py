"""The globs of `include`/`exclude` matched as one expression agree with matching each."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qmslint.read import globs

GLOBS = st.sampled_from(
    ["**/*.md", "*.md", "qms/**", "docs/*.md", "Templates/", "**/SOP-*.MD", "a?c/*", "x/**/y.md",
     "*.docx.yaml", "**/**/z", "./qms/*.md", "*"]
)  # fmt: skip
PATHS = st.sampled_from(
    ["qms/a.md", "docs/b.md", "docs/x/b.md", "templates/t.md", "abc/d", "x/y.md", "x/1/2/y.md",
     "SOP-1.md", "deep/SOP-2.md", "f.docx.yaml", "z", "q/z", "README"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(GLOBS, max_size=5), PATHS)
def test_one_expression_matches_as_each_glob_does(chosen: list[str], path: str) -> None:
    each = any(globs.compile_glob(glob).match(path) for glob in chosen)
    assert globs.matches_any(path, chosen) == each
    assert (globs._Each(tuple(chosen)).match(path) is not None) == each
