"""Benchmark: qmslint against the floor on the same machine, in one run, as ratios (SPEC §9).

The floor is a bare script that reads every document and parses its front matter with PyYAML's C
loader. qmslint runs with `mdr` + `fda-qmsr`: cold (`--no-cache`, default `--jobs`), cold
with `--jobs 1` and `--jobs 2`, warm (nothing changed since the last run), one changed file (a
line of prose added to one document), one changed front matter (a document's title edited, so
that its Document and findings must be made again) and the pre-commit call (`check FILE` after
the same edit, after a line of prose added, after its status changed as when it is released,
and after one more clause cited). Every run is a fresh process; the floor runs before
each qmslint run (alternating, so that load from elsewhere touches both alike) and each figure
is the median of `--repeat` runs. `--large 100000` also times that many documents cold against
the `--size` repository's cold run, with the peak memory: one untimed run of each, then the two
alternating, so that both meet the same page cache and the same load. qmslint's byte code is
compiled first, as pip does when it installs a wheel (a machine that sets
PYTHONDONTWRITEBYTECODE would otherwise compile every module in every run).

    python bench/run.py --size 10000 --repeat 3 --large 100000
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent / "qmslint"
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

FLOOR = r"""
import os, sys, yaml
loader = yaml.CSafeLoader
count = 0
for folder, _, files in os.walk(sys.argv[1]):
    for name in files:
        if not name.endswith(".md"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            text = handle.read()
        if text.startswith("---\n"):
            end = text.find("\n---", 4)
            yaml.load(text[4:end], Loader=loader)
            count += 1
print(count)
"""


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    """(seconds, peak resident KB) of one fresh process. The peak is RUSAGE_CHILDREN's: the
    largest of any child waited for so far, so the largest runs are timed last (the 100,000
    documents after the others; `measure_large`'s untimed run is one of them)."""
    start = time.perf_counter()
    out = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, env=env)
    elapsed = time.perf_counter() - start
    if out.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{out.stderr}")
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def median(values: list[float]) -> float:
    return statistics.median(values)


def measure(repo: Path, repeat: int, cache: Path) -> dict[str, float]:
    """Floor and every qmslint case, alternating (floor, case, floor, case …), medians."""
    env = {**os.environ, "QMSLINT_CACHE_DIR": str(cache)}
    qmslint = [sys.executable, "-m", "qmslint", "check", "--format", "json", "--today", TODAY]
    floor_cmd = [sys.executable, "-c", FLOOR, str(repo)]
    changed = next(repo.rglob("*.md"))
    original = changed.read_text()
    cases = {
        "cold": [*qmslint, "--no-cache"],
        "jobs1": [*qmslint, "--no-cache", "--jobs", "1"],
        "jobs2": [*qmslint, "--no-cache", "--jobs", "2"],
        "warm": qmslint,
        "one-changed": qmslint,
        "one-front-matter": qmslint,
        "pre-commit": [*qmslint, str(changed.relative_to(repo))],  # as the hook calls it
        "pre-commit-prose": [*qmslint, str(changed.relative_to(repo))],
        "pre-commit-release": [*qmslint, str(changed.relative_to(repo))],
        "pre-commit-clause": [*qmslint, str(changed.relative_to(repo))],
    }
    status = re.search(r"(?m)^status: (\S+)$", original)
    released = "effective" if status and status.group(1) == "draft" else "draft"

    def fill() -> None:  # an untimed run: the cache and the snapshot hold the original state
        subprocess.run(qmslint, cwd=repo, capture_output=True, env=env, check=False)

    fill()
    times: dict[str, list[float]] = {"floor": [], **{name: [] for name in cases}}
    for run in range(repeat):
        for name, command in cases.items():
            times["floor"].append(timed(floor_cmd, repo, env)[0])
            edited = {  # one file changed since the last run, as before a commit
                "one-changed": original + f"\nEdited {run}.\n",  # a line of prose
                "one-front-matter": original.replace("\ntitle: ", f"\ntitle: Edited {run} ", 1),
                "pre-commit": original.replace("\ntitle: ", f"\ntitle: Staged {run} ", 1),
                "pre-commit-prose": original + f"\nStaged {run}.\n",
                # the commit that releases (or withdraws) it, and one that cites one clause more
                "pre-commit-release": re.sub(
                    r"(?m)^status: \S+$", f"status: {released}", original, count=1
                ),
                "pre-commit-clause": original.replace(
                    "\nclauses: [", f"\nclauses: [iso13485:7.3.{run + 2}, ", 1
                ),
            }.get(name)
            if edited is not None:
                changed.write_text(edited)
            times[name].append(timed(command, repo, env)[0])
            if edited is not None:
                changed.write_text(original)
                fill()
    return {name: median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--large", type=int, default=0, help="also time N documents (100000)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}, cores: {os.cpu_count()}")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(PACKAGE)], check=True)
    with tempfile.TemporaryDirectory() as scratch:
        repo = Path(scratch) / f"qms-{args.size}"
        generate(args.size, repo)
        result = measure(repo, args.repeat, Path(scratch) / "cache")
        floor = result["floor"]
        print(f"{args.size} documents, medians of {args.repeat}, alternating with the floor:")
        print(f"  floor              {floor:6.2f} s")
        for name, target in TARGETS.items():
            print(
                f"  {name:<18} {result[name]:6.2f} s  {result[name] / floor:5.2f}x the floor"
                f"  (target <= {target}x)"
            )
        if args.large:
            env = {**os.environ, "QMSLINT_CACHE_DIR": str(Path(scratch) / "cache")}
            command = [sys.executable, "-m", "qmslint", "check", "--format", "json", "--today",
                       TODAY, "--no-cache"]  # fmt: skip
            big = Path(scratch) / f"qms-{args.large}"
            small, large, runs = measure_large(command, repo, big, args.large, args.repeat, env)
            shutil.rmtree(big)
            peak = max(kb for _, kb in runs) / 1024
            print(
                f"  {args.large} documents cold: {large:6.2f} s = {large / small:5.2f}x the time"
                f" of {args.size} ({small:.2f} s, alternating; target <= 10.5x), peak memory"
                f" {peak:.0f} MB (target < 400)"
            )


def measure_large(
    command: list[str], small_repo: Path, big: Path, size: int, repeat: int, env: dict[str, str]
) -> tuple[float, float, list[tuple[float, int]]]:
    """(median of the small repository, median of the large one, the large runs) of cold runs
    alternating small, large, small … after one untimed run of each: both then start with
    their files in the page cache and written out (`os.sync`), so that neither pays alone
    for the disk or for load from elsewhere, as the floor and the cases alternate."""
    generate(size, big)
    os.sync()
    for repo in (small_repo, big):
        timed(command, repo, env)
    small: list[float] = []
    runs: list[tuple[float, int]] = []
    for _ in range(repeat):
        small.append(timed(command, small_repo, env)[0])
        runs.append(timed(command, big, env))
    return median(small), median([t for t, _ in runs]), runs


TODAY = "2026-11-21"
TARGETS = {
    "cold": 2,
    "jobs1": 2,
    "jobs2": 2,
    "warm": 0.3,
    "one-changed": 0.4,
    "one-front-matter": 0.4,
    "pre-commit": 0.4,
    "pre-commit-prose": 0.4,
    "pre-commit-release": 0.4,
    "pre-commit-clause": 0.4,
}


if __name__ == "__main__":
    main()
