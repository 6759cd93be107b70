"""Issue 12: a hypothesis fuzz suite over clause parsing, pack loading, config loading, user
patterns, message templates, globs and every formatter, with any code point (lone surrogates
included) in file names and values. Nothing raises but the documented errors; every output is
valid UTF-8; text output carries no control character."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qmslint import clauses
from qmslint import config as config_module
from qmslint.errors import UserError
from qmslint.formatters import builtin_formatters
from qmslint.model import Finding, Position, Severity
from qmslint.packs import templates
from qmslint.packs.rules import load_pack
from qmslint.read.globs import matches_any
from qmslint.report import Presentation, Report
from qmslint.session import builtin_ruleset
from qmslint.support import patterns

ANY_TEXT = st.text(  # every code point, lone surrogates and controls included
    st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()),
    max_size=40,
)
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
YAML_FRAGMENTS = st.sampled_from(
    [
        "pack: p\n", "rules:\n", "  - id: P001\n", "    title: T\n", "    severity: error\n",
        "    references: [iso13485:4.2.4]\n", "    explanation: " + "x" * 30 + "\n",
        "    fix: " + "y" * 20 + "\n", "    check: {kind: field, field: owner, pattern: '(a+)+$'}\n",
        "    check: {kind: field, field: owner, message: '{value:>99999}'}\n",
        "    check: {kind: nope}\n", "profiles:\n", "  - name: p\n", "    rules: [P001]\n",
        "&a [1]\n", "*a\n", "!!python/object:os.system\n", "\t", "\ufeff", "\r\n", "? x\n",
        "profiles: [review_interval_months: 0]\n", "id_pattern: '[a-'\n", "include: ['**/**/**']\n",
        "review_interval_months: 99999999999\n", "waivers: [{rule: X, justification: ' '}]\n",
        "fail_on: sometimes\n", "packs: [/dev/zero]\n", "baseline: /etc/shadow\n",
    ]
)  # fmt: skip
YAML_TEXT = st.one_of(
    st.lists(YAML_FRAGMENTS, max_size=20).map("".join),
    ANY_TEXT,
)


@SETTINGS
@given(text=ANY_TEXT, framework=st.sampled_from([None, "iso13485", "mdr", "cfr"]))
def test_clause_parsing_raises_only_clause_errors(text: str, framework: str | None) -> None:
    with contextlib.suppress(clauses.ClauseError):
        clauses.parse(text, framework)
    clauses.parse_many([text, text[:5]], framework)


@SETTINGS
@given(text=YAML_TEXT)
def test_pack_loading_raises_only_user_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "pack.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    ruleset = _schemas()
    try:
        load_pack(path, ruleset, clauses.shipped())
    except UserError as exc:
        assert str(exc)


@SETTINGS
@given(text=YAML_TEXT)
def test_config_loading_raises_only_user_errors(tmp_path: Path, text: str) -> None:
    (tmp_path / ".qmslint.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        config_module.load(tmp_path)
    except UserError as exc:
        assert str(exc)


@SETTINGS
@given(pattern=ANY_TEXT, text=ANY_TEXT)
def test_user_patterns_never_raise_but_pattern_errors(pattern: str, text: str) -> None:
    if patterns.check(pattern) is None:
        patterns.search(pattern, text)
        patterns.fullmatch(
            pattern,
            text,
        )
    else:
        with pytest.raises(patterns.PatternError):
            patterns.compile_pattern(pattern)


@SETTINGS
@given(template=ANY_TEXT, value=ANY_TEXT)
def test_templates_are_checked_or_refused_never_raise(template: str, value: str) -> None:
    templates.check(template)
    out = templates.render(template, {"field": "owner", "value": value, "device": ""})
    assert len(out) <= len(template) + templates.MAX_VALUE * template.count("{") + 200


@SETTINGS
@given(glob=ANY_TEXT, path=ANY_TEXT)
def test_globs_never_raise(glob: str, path: str) -> None:
    matches_any(path, [glob, "**/" * 10 + glob])


@SETTINGS
@given(
    paths=st.lists(st.one_of(st.none(), ANY_TEXT), min_size=1, max_size=4),
    message=ANY_TEXT,
    justification=ANY_TEXT,
    name=st.sampled_from([f.name for f in builtin_formatters()]),
    color=st.booleans(),
)
@example(paths=["\ud800"], message="", justification="", name="sarif", color=False)  # found once
def test_every_formatter_gives_valid_utf8_for_any_code_point(
    paths: list[str | None], message: str, justification: str, name: str, color: bool
) -> None:
    rules = _rules()
    rule_id = next(iter(rules))
    findings = []
    for index, path in enumerate(paths):
        finding = Finding(
            rule=rule_id,
            severity=Severity.ERROR,
            message=message,
            path=path,
            position=Position(index + 1, 1) if path is not None else None,
            document=message[:5] or None,
            key=f"{index}{message}",
        )
        if index == 1:
            finding.suppressed = {
                "kind": "waiver",
                "justification": justification,
                "approved_by": justification,
                "expires": "2027-01-01",
                "source": path or ".qmslint.yaml",
                "line": 1,
            }
        findings.append(finding)
    report = Report(
        tool_version="0",
        plugins=[],
        packs=[],
        profiles=["document-control"],
        today=dt.date(2026, 1, 1),
        documents=len(paths),
        rules={rule_id: rules[rule_id]},
        findings=findings,
        statistics=True,
    )
    formatter = {f.name: f for f in builtin_formatters()}[name]
    text = formatter.render(report, Presentation(color=color, show_suppressed=True))
    text.encode("utf-8")  # no lone surrogate left
    if name in ("json", "sarif", "sarif-audit", "gitlab"):
        json.loads(text)
    if name in ("text", "github"):
        for line in text.split("\n"):
            assert not any(
                (ord(char) < 32 and char != "\x1b") or 0x7F <= ord(char) <= 0x9F for char in line
            ), repr(line)
            if not color:
                assert "\x1b" not in line
    if name == "github":
        for line in text.split("\n")[:-2]:
            assert line.startswith(("::error ", "::warning ", "::notice ")), line


_CACHE: dict[str, object] = {}


def _rules():
    if "rules" not in _CACHE:
        _CACHE["rules"] = builtin_ruleset().rules
    return _CACHE["rules"]


def _schemas():
    if "schemas" not in _CACHE:
        from qmslint.plugins import host

        _CACHE["schemas"] = host.load().option_schemas
    return _CACHE["schemas"]
