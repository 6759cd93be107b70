"""The pre-scan that skips markdown-it must read every head exactly as markdown-it does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qmslint.read import body
from tests.conftest import CORPORA

REPOSITORY = Path(__file__).resolve().parent.parent


@contextmanager
def pre_scan(replacement: Callable[..., bool]) -> Iterator[None]:
    """`read_head` with its pre-scan replaced."""
    saved = body.plain_head
    body.plain_head = replacement
    try:
        yield
    finally:
        body.plain_head = saved


def parsed(text: str, front_matter_end: int = 0) -> body.Head:
    """The head through markdown-it, the pre-scan turned off."""
    with pre_scan(lambda *args: False):
        return body.read_head(text, front_matter_end)


def scanned(text: str, front_matter_end: int = 0) -> tuple[body.Head, bool]:
    """The head as read, and whether the pre-scan read it."""
    original = body.plain_head
    used: list[bool] = []

    def spy(*args) -> bool:
        used.append(original(*args))
        return used[-1]

    with pre_scan(spy):
        return body.read_head(text, front_matter_end), any(used)


HEADS = [
    "# PLN-001609\n\n## Purpose\n\nThis document describes how.\n",
    "# SOP-001 Vigilance\n\nThis procedure describes vigilance.\nIt goes on.\n\n## Scope\n",
    "# Title\n",
    "",
    "\n\n\n",
    "Prose before any heading.\n\n# Title\n",
    "# Title\n\n## Document information\n\n| Document ID | SOP-012 |\n|---|---|\n",
    "# Title\n\n## Document Information:\n\n**Owner:** QA\n",
    "# Title\n\n**Document ID:** SOP-012\n**Version:** 2\n",
    "# Title\n\nStatus: Approved\n",
    "# Title\n\nNote: see below\n",
    "# Title\n\n| Document ID | SOP-012 |\n|---|---|\n| Version | 2 |\n",
    "# Title\n\nDocument Number|Title\n---|---\nSOP-001|Vigilance\n",
    "Title\n=====\n\n## Next\n",
    "Title\n-----\n\n## Next\n",
    "# Title\n\nSome prose\n---\n",
    "# Title\n\nSome prose\n- a list\n",
    "# Title\n\n- item\n",
    "# Title\n\n1. item\n",
    "# Title\n\n> **Status**: Effective\n",
    "# Title\n\n    indented code\n",
    "# Title\n\n```\ncode\n```\n",
    "<!-- comment -->\n# Title\n\n![logo](x.png)\n",
    "# Title *emphasised*\n\n## Next\n",
    "# Title `code`\n\n## Next\n",
    "# Title [link](x)\n\n## Next\n",
    "# Title &amp; more\n\n## Next\n",
    "# Title \\# escaped\n\n## Next\n",
    "# Title #\n\n## Next\n",
    "# Title ##   \n\n## Next\n",
    "#Title\n\n## Next\n",
    "   # Indented title\n\n## Next\n",
    "####### Seven\n\n## Next\n",
    "#\n\n## Next\n",
    "# \n\n## Next\n",
    "#\tTab title\n\n## Next\n",
    "# Title\twith tab\n\n## Next\n",
    "# Title  with   spaces   \n\n## Next\n",
    "# Titre élégant — ü\n\n## Suite\n",
    "# Title\u00a0\n\n## Next\n",
    "# Title\n\n---\n\n## Next\n",
    "# Title\n\n<div>html</div>\n",
    "# Title\n\nProse | with a pipe\n---|---\n",
    "# 1. Purpose (of it): x/y, 'q' \"d\" +5% = ok?\n\nText.\n",
    "# Title\n\nAuthor: QA\nmore prose\n",
    "# Title\n\nprose\nAuthor: QA\n",
    "# Title\r\n\r\n## Next\r\n",
    "# Title\n\n## Metadata\n\nprose\n",
    "# Title\n\n## Approvals\n\n## Another\n",
    "# Title\n\nword\x00\n",
    "# A\n# B\n",
    "# A\nprose right under\n",
    "# A\n\nprose\n   ===\n",
    "# A\n\nprose\n  - x\n",
]


@pytest.mark.parametrize("text", HEADS)
def test_pre_scan_reads_as_markdown_it(text: str) -> None:
    assert scanned(text)[0] == parsed(text)
    with_front_matter = "---\nid: X\n---\n" + text
    assert scanned(with_front_matter, 3)[0] == parsed(with_front_matter, 3)


def test_pre_scan_reads_the_usual_heads_itself() -> None:
    assert scanned(HEADS[0])[1]
    assert scanned(HEADS[1])[1]
    assert scanned("Prose first.\n")[1]
    assert not scanned(HEADS[8])[1]  # label lines: markdown-it reads them


def _markdown_files() -> list[Path]:
    roots = [REPOSITORY / "examples", CORPORA]
    found = {p.resolve() for root in roots if root.is_dir() for p in root.rglob("*.md")}
    return sorted(found)


def test_pre_scan_reads_every_example_and_corpus_head_as_markdown_it() -> None:
    files = _markdown_files()
    if not files:
        pytest.skip("no examples or corpora")
    taken = 0
    for path in files:
        text = path.read_text("utf-8", errors="replace")
        end = _front_matter_end(text)
        head, used = scanned(text, end)
        assert head == parsed(text, end), path
        taken += used
    assert taken, "the pre-scan read none of the real heads"


def _front_matter_end(text: str) -> int:
    lines = text.split("\n")
    if lines and lines[0].rstrip() == "---":
        for index in range(1, len(lines)):
            if lines[index].rstrip() in ("---", "..."):
                return index + 1
    return 0


LINES = st.sampled_from(
    [
        "", " ", "# Title", "## Purpose", "### Document information", "#Title", "# T *x*",
        "Prose line.", "Note: see below", "Status: Approved", "**Owner:** QA", "- item",
        "1. item", "> quote", "| a | b |", "|---|---|", "a|b", "---", "===", "   ===", "  - x",
        "    code", "```", "<!-- c -->", "![i](x)", "Title", "owner: QA", "é prose", "\tTab",
        "# Approvals", "## References", "Version 2", "x | y",
    ]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(LINES, max_size=8))
def test_pre_scan_agrees_on_generated_heads(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    assert scanned(text)[0] == parsed(text)
