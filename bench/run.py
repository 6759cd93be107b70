"""Benchmark: qmslint against the floor on the same machine, as ratios (SPEC §9).

The floor is a bare script that reads every document and parses its front matter with PyYAML's C
loader. qmslint runs cold (`--no-cache` when the cache exists) with `mdr` + `fda-qmsr`. Each
measurement is the best of `--repeat` runs, in fresh processes.

    python bench/run.py --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
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


def best_of(command: list[str], repeat: int, cwd: Path) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        out = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        if out.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed:\n{out.stderr}")
        best = min(best, elapsed)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    qmslint = [
        sys.executable,
        "-m",
        "qmslint",
        "check",
        "--format",
        "json",
        "--today",
        "2026-11-21",
    ]
    floor_cmd = [sys.executable, "-c", FLOOR]
    with tempfile.TemporaryDirectory() as scratch:
        for size in args.sizes:
            repo = Path(scratch) / f"qms-{size}"
            generate(size, repo)
            floor = best_of([*floor_cmd, str(repo)], args.repeat, repo)
            cold = best_of(qmslint, args.repeat, repo)
            print(
                f"{size:>7} documents: floor {floor:6.2f} s   qmslint {cold:6.2f} s   "
                f"ratio {cold / floor:5.2f}x (target <= 3x)"
            )


if __name__ == "__main__":
    main()
