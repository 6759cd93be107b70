"""The globs of `include`/`exclude` matched as one expression agree with matching each."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qmslint.read import globs
from qmslint.support import patterns

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
    assert (globs._Each(tuple(chosen)).match(patterns.utf8(path)) is not None) == each


TEXTS = st.text(max_size=12) | st.sampled_from(
    ["ÉTÉ/SOP.md", "été/sop.MD", "a\udcffb.md", "Straße/x.md", "STRASSE/x.md", "日本/規程.md"]
)
UNICODE_GLOBS = GLOBS | st.sampled_from(["été/**", "**/*É*", "stra?e/*", "**/規程.md", "*\udcff*"])
REGEXES = st.sampled_from(["^SOP-", "é+", "[^/]+\\.md$", "(?i)straSSe", "\\w{2}", ".", "^$"])


@settings(max_examples=400, deadline=None)
@given(UNICODE_GLOBS, REGEXES, TEXTS)
def test_matching_the_utf8_bytes_decides_as_matching_the_text(
    glob: str, regex: str, text: str
) -> None:
    """RE2 is given the UTF-8 bytes (patterns.utf8) for a yes or no, as its wrapper would
    encode the text itself: case folding, any character and lone surrogates decide alike."""
    compiled = globs.compile_glob(glob)
    as_text = compiled.match(patterns.safe_text(text)) is not None
    assert (compiled.match(patterns.utf8(text)) is not None) == as_text
    for ignore_case in (False, True):
        searched = patterns.compile_pattern(regex, ignore_case).search(patterns.safe_text(text))
        assert patterns.search(regex, text, ignore_case) == (searched is not None)
    assert patterns.fullmatch(regex, text) == (
        patterns.compile_pattern(regex).fullmatch(patterns.safe_text(text)) is not None
    )
