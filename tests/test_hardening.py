"""Issue 12 (SPEC §10): nothing a file, pack, config or flag can do hangs, crashes or passes
silently. Each case is one small repository; the CLI runs end to end."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qmslint.testing import Qms

RULE = """\
pack: acme
version: "1"
profiles:
  - name: acme
    title: ACME
    rules: [ACME001]
rules:
  - id: ACME001
    title: Owner is well formed
    severity: error
    references: [iso13485:4.2.4]
    explanation: ACME wants every document in force to name a well-formed process owner.
    fix: Write the owner as the pattern asks.
    check: {CHECK}
"""


def pack(qms: Qms, check: str, **config) -> None:
    qms.write("qms-rules/acme.yaml", RULE.replace("{CHECK}", check))
    qms.config(profiles=["acme"], packs=["./qms-rules"], **config)


def one_error_line(result, *words: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stdout[-500:], result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("qmslint: error:"), result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


# ----------------------------------------------------------------------------- hangs


def test_a_backtracking_pack_pattern_runs_in_linear_time(qms: Qms) -> None:
    pack(qms, "{kind: field, field: owner, pattern: '(a+)+$'}")
    qms.effective("SOP-1", owner="a" * 50_000 + "!")
    started = time.monotonic()
    result = qms.check()
    assert time.monotonic() - started < 10
    result.assert_fires("ACME001")


def test_a_backtracking_config_id_pattern_runs_in_linear_time(qms: Qms) -> None:
    qms.config(profiles=["document-control"], id_pattern="(a+)+$")
    qms.effective("a" * 30_000 + "!", path="qms/long.md")
    started = time.monotonic()
    result = qms.check()
    assert time.monotonic() - started < 10
    assert result.exit_code in (0, 1), result.stderr


@pytest.mark.parametrize("pattern", ["[a-", "(a)\\\\1", "(?=x)y"])
def test_a_pack_pattern_re2_cannot_compile_is_a_load_error_and_a_validate_pack_error(
    qms: Qms, pattern: str
) -> None:
    pack(qms, f'{{kind: field, field: owner, pattern: "{pattern}"}}')
    qms.effective("SOP-1", owner="x")
    one_error_line(qms.check(), "acme.yaml:", "ACME001", "regular expression")
    result = qms.run("validate-pack", "qms-rules/acme.yaml")
    one_error_line(result, "acme.yaml:", "regular expression")


def test_a_selector_pattern_is_checked_at_load(qms: Qms) -> None:
    pack(qms, "{kind: field, field: owner, present: true, select: {title_pattern: '(x'}}")
    qms.effective("SOP-1")
    one_error_line(qms.check(), "acme.yaml:", "regular expression")


def test_a_config_id_pattern_that_does_not_compile_names_its_line(qms: Qms) -> None:
    qms.config(profiles=["document-control"], id_pattern="[a-")
    qms.effective("SOP-1")
    one_error_line(qms.check(), ".qmslint.yaml:", "regular expression")


def test_nested_double_star_globs_do_not_hang(qms: Qms) -> None:
    qms.config(profiles=["document-control"], include=["**/" * 12 + "*.zz", "**/*.md"])
    deep = "/".join(["d"] * 60)
    qms.effective("SOP-1", path=f"{deep}/SOP-1.md")
    started = time.monotonic()
    result = qms.check()
    assert time.monotonic() - started < 10
    assert result.report["summary"]["documents"] == 1


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("{value:>999999999}", ["format"]),
        ("{value.__class__.__mro__}", ["unknown field"]),
        ("{value[0]}", ["unknown field"]),
        ("{nope}", ["unknown field", "{nope}"]),
        ("x {", ["Single '{'"]),
        ("{value!r}", ["conversion"]),
    ],
)
def test_unsafe_message_templates_are_refused_by_loading_and_validate_pack(
    qms: Qms, template: str, words: list[str]
) -> None:
    pack(qms, f'{{kind: field, field: owner, present: true, message: "{template}"}}')
    qms.effective("SOP-1")
    one_error_line(qms.check(), "acme.yaml:", "message template", *words)
    one_error_line(qms.run("validate-pack", "qms-rules"), "message template", *words)


def test_a_safe_message_template_is_filled_in(qms: Qms) -> None:
    pack(qms, "{kind: field, field: owner, pattern: 'x+', message: '{field} is {value:>6}|'}")
    qms.effective("SOP-1", owner="abc")
    result = qms.check()
    [finding] = result.of("ACME001")
    assert finding["message"] == "owner is    abc|"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs need POSIX")
def test_a_document_that_is_a_fifo_or_a_symlink_to_one_is_reported_not_read(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1")
    os.mkfifo(qms.root / "qms" / "pipe.md")
    os.symlink("pipe.md", qms.root / "qms" / "link.md")
    result = run_cli(qms.root, "check", "--format", "json", "--today", qms.today, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "qms/pipe.md" in result.stdout and "qms/link.md" in result.stdout
    assert "not a regular file" in result.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs need POSIX")
def test_a_fifo_under_a_pack_folder_is_an_error_not_a_hang(qms: Qms) -> None:
    pack(qms, "{kind: field, field: owner, present: true}")
    qms.effective("SOP-1")
    os.mkfifo(qms.root / "qms-rules" / "pipe.yaml")
    result = run_cli(qms.root, "check", timeout=60)
    assert result.returncode == 2 and "FIFO" in result.stderr, result.stderr
    result = run_cli(qms.root, "validate-pack", "qms-rules", timeout=60)
    assert result.returncode == 2 and "FIFO" in result.stderr, result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_pack_that_is_a_symlink_to_dev_zero_is_never_read(qms: Qms) -> None:
    pack(qms, "{kind: field, field: owner, present: true}")
    qms.effective("SOP-1")
    os.symlink("/dev/zero", qms.root / "qms-rules" / "zero.yaml")
    for args in (
        ("check",),
        ("validate-pack", "qms-rules"),
        ("validate-pack", "qms-rules/zero.yaml"),
    ):
        result = run_cli(qms.root, *args, timeout=60)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert "symlink out of" in result.stderr or "device" in result.stderr, result.stderr


def test_a_pack_folder_that_is_a_symlink_out_of_the_repository_is_refused(
    qms: Qms, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "acme.yaml").write_text(RULE.replace("{CHECK}", "{kind: field, field: owner}"))
    os.symlink(outside, qms.root / "qms-rules")
    qms.config(profiles=["acme"], packs=["./qms-rules"])
    qms.effective("SOP-1")
    one_error_line(qms.check(), "symlink out of the repository")


@pytest.mark.parametrize("what", ["config", "baseline"])
def test_a_config_or_baseline_that_is_a_symlink_out_is_refused(
    qms: Qms, tmp_path_factory: pytest.TempPathFactory, what: str
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.yaml"
    outside.write_text("profiles: [document-control]\n")
    qms.effective("SOP-1")
    if what == "config":
        os.symlink(outside, qms.root / ".qmslint.yaml")
    else:
        qms.config(profiles=["document-control"])
        os.symlink(outside, qms.root / ".qmslint-baseline.yaml")
    one_error_line(qms.check(), "symlink out of the repository")


@pytest.mark.parametrize("what", [".qmslint.yaml", ".qmslint-baseline.yaml"])
def test_a_config_or_baseline_that_is_a_directory_is_an_error(qms: Qms, what: str) -> None:
    if what != ".qmslint.yaml":
        qms.config(profiles=["document-control"])
    qms.effective("SOP-1")
    (qms.root / what).mkdir()
    one_error_line(qms.check(), "directory")


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_a_config_that_is_a_symlink_to_a_device_is_an_error(qms: Qms) -> None:
    qms.effective("SOP-1")
    os.symlink("/dev/null", qms.root / ".qmslint.yaml")
    one_error_line(qms.check(), ".qmslint.yaml")


def test_a_latin1_pyproject_is_an_error_naming_its_line(qms: Qms) -> None:
    qms.write("pyproject.toml", b'[tool.qmslint]\n# caf\xe9\nprofiles = ["document-control"]\n')
    qms.effective("SOP-1")
    one_error_line(qms.check(), "pyproject.toml:2", "not UTF-8")


# ----------------------------------------------------------------------------- writes


@pytest.mark.parametrize("target", ["/dev/null", "/dev/stdout", "/dev/full"])
def test_outputs_never_replace_a_device(qms: Qms, target: str) -> None:
    if not os.path.exists(target):
        pytest.skip(f"no {target}")
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1")
    before = os.lstat(target)
    for args in (("-o", f"json:{target}"), ("--output", target)):
        result = qms.run("check", *args)
        one_error_line(result, target, "regular")
    after = os.lstat(target)
    assert (before.st_mode, before.st_ino) == (after.st_mode, after.st_ino)


def test_output_dash_is_standard_output(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1")
    result = qms.run("check", "-o", "json:-")
    assert result.exit_code == 0 and '"findings"' in result.stdout


def test_an_interrupted_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch) -> None:
    from qmslint.support import files

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.write_atomically(tmp_path / "report.json", b"{}")
    assert list(tmp_path.iterdir()) == []


def test_check_to_a_full_disk_is_one_line_not_a_traceback(qms: Qms) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1")
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "qmslint", "check"],
            cwd=qms.root,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert "No space left" in result.stderr


# ----------------------------------------------------------------------------- values


def test_review_interval_overflow_and_zero_are_findings(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1", review_interval_months=99_999_999_999)
    qms.effective("SOP-2", review_interval_months=0)
    result = qms.check()
    assert result.exit_code == 1, result.stderr
    paths = {f["path"] for f in result.findings if "review_interval_months is" in f["message"]}
    assert paths == {"qms/SOP-1.md", "qms/SOP-2.md"}, result.findings


def test_a_config_review_interval_out_of_range_is_a_config_error(qms: Qms) -> None:
    qms.config(profiles=["document-control"], review_interval_months=99_999_999_999)
    qms.effective("SOP-1")
    one_error_line(qms.check(), ".qmslint.yaml")


def test_a_date_with_trailing_garbage_is_not_a_date(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.write(
        "qms/SOP-1.md",
        "---\nid: SOP-1\ntitle: T\ntype: procedure\nstatus: draft\n"
        "approved_on: 2027-01-10garbage\n---\n# T\n",
    )
    result = qms.check()
    assert any(f["rule"] == "QL006" and "approved_on" in f["message"] for f in result.findings), (
        result.findings
    )


def test_time_zones_are_kept() -> None:
    import datetime as dt

    from qmslint.read import yamlsafe

    value = yamlsafe.load("at: 2027-01-10T23:30:00-05:00").value["at"]
    assert value.utcoffset() == dt.timedelta(hours=-5)
    assert yamlsafe.load("at: 2027-01-10 10:00:00Z").value["at"].tzinfo is dt.timezone.utc


@pytest.mark.parametrize("key", ["justification", "approved_by"])
def test_a_blank_waiver_justification_or_approver_is_a_config_error(qms: Qms, key: str) -> None:
    waiver = {
        "rule": "DC007",
        "justification": "because",
        "approved_by": "QA",
        "expires": "2027-01-01",
    }
    waiver[key] = "   "
    qms.config(profiles=["document-control"], waivers=[waiver])
    qms.effective("SOP-1")
    one_error_line(qms.check(), ".qmslint.yaml", "blank")


def test_a_large_baseline_reads_back(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    for number in range(1, 1300):
        qms.write(f"qms/N-{number}.md", "# a note without metadata\n")
    assert qms.run("baseline").exit_code == 0
    text = (qms.root / ".qmslint-baseline.yaml").read_text()
    assert text.count("fingerprint:") > 1200
    result = qms.check()
    assert result.exit_code == 0, result.stderr
    assert result.report["summary"]["suppressed"] > 1200


def test_include_matching_nothing_is_an_error(qms: Qms) -> None:
    qms.config(profiles=["document-control"], include=["docs/**/*.md"])
    qms.effective("SOP-1")
    one_error_line(qms.check(), "no documents", "include")


def test_select_nothing_is_an_error(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1")
    one_error_line(qms.check("--select", ""), "no rules to run")


def test_an_empty_repository_says_so(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    result = qms.check()
    assert "qmslint: warning: no documents found" in result.stderr


def test_git_refusing_the_checkout_is_said_not_silently_ignored(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1")
    qms.write(".gitignore", "ignored/\n")
    qms.write(".git", "gitdir: /nonexistent/qmslint-test\n")  # git refuses this checkout
    result = qms.check()
    assert result.exit_code == 0, result.stderr
    assert "qmslint: warning: git cannot list the files" in result.stderr
    assert ".gitignore is not honoured" in result.stderr


def test_git_missing_is_said(qms: Qms, tmp_path_factory: pytest.TempPathFactory) -> None:
    qms.config(profiles=["document-control"])
    qms.effective("SOP-1")
    (qms.root / ".git").mkdir()
    empty = tmp_path_factory.mktemp("no-git-here")
    result = subprocess.run(
        [sys.executable, "-m", "qmslint", "check"],
        cwd=qms.root,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": str(empty)},
    )
    assert result.returncode == 0, result.stderr
    assert "git is not installed" in result.stderr


# ----------------------------------------------------------------------------- output text

SURROGATE = "\ud800"
FORMATS = ["text", "json", "sarif", "sarif-audit", "junit", "github", "gitlab", "markdown"]


@pytest.mark.parametrize("name", FORMATS)
def test_a_lone_surrogate_in_a_value_is_no_crash_in_any_format(qms: Qms, name: str) -> None:
    qms.config(profiles=["document-control"])
    qms.write(
        "qms/SOP-1.md",
        '---\nid: SOP-1\ntitle: T\ntype: procedure\nstatus: effective\nrelated: ["\\ud800"]\n'
        "---\n# T\n",
    )
    result = qms.run("check", "--format", name, "--today", qms.today)
    assert result.exit_code in (0, 1), result.stderr
    result.stdout.encode("utf-8")  # valid UTF-8, whatever the value held
    out = qms.root / f"report.{name}"
    result = qms.run("check", "-o", f"{name}:{out}", "--today", qms.today)
    assert result.exit_code in (0, 1), result.stderr
    out.read_bytes().decode("utf-8")


def test_a_lone_surrogate_in_a_value_is_no_crash_in_the_baseline(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    qms.write(
        "qms/SOP-1.md",
        '---\nid: SOP-1\ntitle: T\ntype: procedure\nstatus: effective\nrelated: ["\\ud800"]\n'
        "---\n# T\n",
    )
    result = qms.run("baseline", "--today", qms.today)
    assert result.exit_code == 0, result.stderr
    (qms.root / ".qmslint-baseline.yaml").read_bytes().decode("utf-8")
    assert qms.check().exit_code == 0


@pytest.mark.parametrize("name", ["text", "github"])
def test_control_characters_and_workflow_commands_are_escaped(qms: Qms, name: str) -> None:
    qms.config(profiles=["document-control"])
    qms.write(
        "qms/SOP-1.md",
        "---\nid: SOP-1\ntitle: T\ntype: procedure\nstatus: effective\n"
        'related: ["x\\n::error file=a.md::owned\\u001b[31m"]\n---\n# T\n',
    )
    result = qms.run("check", "--format", name, "--today", qms.today)
    assert result.exit_code == 1, result.stderr
    for line in result.stdout.splitlines():
        assert not line.startswith("::error file=a.md")
    assert "\x1b" not in result.stdout
    assert "::error file=a.md::owned" in result.stdout  # shown, as an escape, on its own line


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse non-UTF-8 names")
def test_json_output_is_valid_utf8_for_odd_file_names(qms: Qms) -> None:
    qms.config(profiles=["document-control"])
    (qms.root / "qms").mkdir()
    name = os.fsencode(qms.root / "qms") + b"/bad\xff.md"
    with open(name, "wb") as handle:
        handle.write(b"# no metadata\n")
    result = run_cli(qms.root, "check", "--format", "json", "--today", qms.today, timeout=60)
    result.stdout.encode("utf-8")
    import json

    assert json.loads(result.stdout)["summary"]["documents"] == 1


# ----------------------------------------------------------------------------- the CLI


@pytest.mark.parametrize("verb", ["frobnicate", "matrx", "inti"])
def test_an_unknown_verb_is_a_usage_error(qms: Qms, verb: str) -> None:
    qms.effective("SOP-1")
    one_error_line(qms.run(verb), f"unknown command '{verb}'")


def test_a_path_that_does_not_exist_is_a_usage_error(qms: Qms) -> None:
    qms.effective("SOP-1")
    one_error_line(qms.run("check", "does-not-exist"), "does-not-exist", "does not exist")


def test_abbreviated_options_are_refused(qms: Qms) -> None:
    qms.effective("SOP-1")
    result = qms.run("check", "--tod", "2026-01-01")
    assert result.exit_code == 2 and "--tod" in result.stderr


def test_the_help_hint_names_the_subcommand(qms: Qms) -> None:
    qms.effective("SOP-1")
    result = qms.run("--frobnicate-option")
    assert result.exit_code == 2
    assert "qmslint check --help" in result.stderr and "qmslint qmslint" not in result.stderr
    result = qms.run("rules", "--nope")
    assert "qmslint rules --help" in result.stderr


def test_explain_suggests_several_close_ids(qms: Qms) -> None:
    result = qms.run("explain", "MDR01")
    assert result.exit_code == 2
    suggestions = result.stderr.split("did you mean", 1)[1]
    assert suggestions.count("MDR0") >= 3, result.stderr


# ----------------------------------------------------------------------------- helpers


def run_cli(cwd: Path, *args: str, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qmslint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="surrogateescape",
        timeout=timeout,
        env={**os.environ, "QMSLINT_NO_CACHE": "1"},
    )


def test_outside_follows_every_symlink_whatever_form_the_root_takes(
    tmp_path: Path, monkeypatch
) -> None:
    """`safe_open.outside` spares resolving a root that is already real; it must say what
    resolving both would say for a root given through a symlink, relative, with `..` or `/`."""
    from qmslint.support import safe_open

    real_root = tmp_path / "repo"
    (real_root / "qms").mkdir(parents=True)
    (real_root / "qms/SOP.md").write_text("x")
    secret = tmp_path / "secret.md"
    secret.write_text("x")
    (real_root / "qms/out.md").symlink_to(secret)
    (real_root / "linked").symlink_to(tmp_path)  # a folder out of the repository
    (real_root / "inner").symlink_to(real_root / "qms")  # a folder inside it
    (tmp_path / "repo-link").symlink_to(real_root)
    (tmp_path / "repo-lookalike").mkdir()
    monkeypatch.chdir(real_root)
    roots = [
        str(real_root),
        str(real_root) + "/",
        str(tmp_path / "repo-link"),
        str(tmp_path / "repo-lookalike" / ".." / "repo"),
        ".",
        "",  # the working folder, as a string
        "/",
    ]
    rels = ["qms/SOP.md", "qms/out.md", "linked/secret.md", "inner/SOP.md", "qms/missing.md"]
    for root in roots:
        base = os.path.realpath(root)
        for rel in rels:
            real = os.path.realpath(os.path.join(root, rel))
            expected = not (real == base or real.startswith(base.rstrip(os.sep) + os.sep))
            assert safe_open.outside(os.path.join(root, rel), root) is expected, (root, rel)
    assert safe_open.outside(str(real_root / "qms/out.md"), str(real_root))
    assert not safe_open.outside(str(real_root / "inner/SOP.md"), str(tmp_path / "repo-link"))
    assert safe_open.outside(str(tmp_path / "repo-lookalike/x"), str(real_root))


def test_check_regular_below_a_root_without_resolving_refuses_as_resolving_would(
    tmp_path: Path,
) -> None:
    """A path of plain names below the root is checked with one `lstat` a name (no
    `realpath`); a symlink anywhere on the way is still followed, and refused when it leads
    out; a folder, a FIFO and a missing file are refused as `os.stat` would refuse them."""
    from qmslint.support import safe_open

    root = tmp_path / "repo"
    (root / "qms/sub").mkdir(parents=True)
    (root / "qms/sub/SOP.md").write_text("x")
    (tmp_path / "secret.md").write_text("x")
    (root / "qms/out.md").symlink_to(tmp_path / "secret.md")
    (root / "linked").symlink_to(tmp_path)
    (root / "inner").symlink_to(root / "qms")
    os.mkfifo(root / "qms/fifo")
    for given in (str(root), str(root) + "/"):
        safe_open.check_regular(os.path.join(given, "qms/sub/SOP.md"), given)
        safe_open.check_regular(os.path.join(given, "inner/sub/SOP.md"), given)
        for rel in ("qms/out.md", "linked/secret.md", "qms/sub/../../linked/secret.md"):
            with pytest.raises(safe_open.UnsafeFile, match="symlink out"):
                safe_open.check_regular(os.path.join(given, rel), given)
        for rel, kind in (("qms/sub", "a directory"), ("qms/fifo", "a FIFO")):
            with pytest.raises(safe_open.UnsafeFile, match=kind):
                safe_open.check_regular(os.path.join(given, rel), given)
        with pytest.raises(FileNotFoundError):
            safe_open.check_regular(os.path.join(given, "qms/missing.md"), given)
