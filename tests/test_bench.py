"""The benchmark's 100,000-document ratio is taken side by side (bench/run.py): one untimed run
of each repository, then cold runs alternating, so that neither size pays alone for the disk."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _bench_module():
    sys.path.insert(0, str(BENCH))  # run.py imports generate.py beside it
    try:
        spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    return module


def test_the_large_ratio_alternates_the_two_repositories_after_one_untimed_run_each(
    tmp_path, monkeypatch
) -> None:
    bench = _bench_module()
    small, big = tmp_path / "small", tmp_path / "big"
    bench.generate(20, small)
    calls: list[Path] = []

    def timed(command, cwd, env):
        calls.append(cwd)
        return (10.0 if cwd == big else 1.0) + len(calls) / 100, 1024 * len(calls)

    monkeypatch.setattr(bench, "timed", timed)
    small_median, large_median, runs = bench.measure_large(["qmslint"], small, big, 40, 3, {})
    assert calls == [small, big, small, big, small, big, small, big]
    assert len(list(big.rglob("*.md"))) == 40  # generated, and what was timed
    assert small_median == 1.05  # the timed runs only: the 3rd, 5th and 7th call
    assert large_median == 10.06
    assert [kb for _, kb in runs] == [4096, 6144, 8192]
