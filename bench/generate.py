"""Generate a synthetic QMS repository of N documents for the benchmark.

Documents look like real ones: front matter with the canonical fields, clause citations, related
documents, a body of a few paragraphs. The mix (procedures, work instructions, forms, records,
plans) and the device portfolio are fixed so that runs are comparable.

    python bench/generate.py 10000 /tmp/qms-10k
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

CLAUSES = [
    "iso13485:4.2.4", "iso13485:4.2.5", "iso13485:5.6.1", "iso13485:6.2", "iso13485:7.3.1",
    "iso13485:7.4.1", "iso13485:7.5.1", "iso13485:7.5.8", "iso13485:7.5.9.1", "iso13485:8.2.1",
    "iso13485:8.2.2", "iso13485:8.2.3", "iso13485:8.2.4", "iso13485:8.3.1", "iso13485:8.5.2",
    "mdr:art87", "mdr:art83", "mdr:art10.9.a", "cfr:803.17", "cfr:820.45",
]  # fmt: skip
TYPES = [
    ("SOP", "procedure"),
    ("WI", "work-instruction"),
    ("FRM", "form"),
    ("REC", "record"),
    ("PLN", "plan"),
]
BODY = (
    "## Purpose\n\nThis document describes how the activity is carried out and recorded.\n\n"
    "## Responsibilities\n\nThe process owner maintains this document.\n\n"
    "## Procedure\n\n1. Plan the activity.\n2. Carry it out.\n3. Record the result.\n"
)
CONFIG = """profiles: [mdr, fda-qmsr]
devices:
  - {id: DEV-1, name: Monitor, markets: [EU, US], eu_class: IIa, us_class: II, software: true,
     lifetime_years: 5}
  - {id: DEV-2, name: Pump, markets: [EU], eu_class: IIb, active: true, lifetime_years: 8}
"""


def document(index: int, rng: random.Random) -> tuple[str, str]:
    prefix, kind = TYPES[index % len(TYPES)]
    doc_id = f"{prefix}-{index:06d}"
    clauses = rng.sample(CLAUSES, 2)
    related = f"{TYPES[(index + 1) % len(TYPES)][0]}-{(index + 1):06d}"
    month = rng.randint(1, 12)
    text = (
        "---\n"
        f"id: {doc_id}\n"
        f"title: {kind.title()} {index}\n"
        f"type: {kind}\n"
        f"status: {rng.choice(['effective', 'effective', 'effective', 'draft', 'obsolete'])}\n"
        f'version: "{rng.randint(1, 9)}"\n'
        "owner: Quality Manager\n"
        "approvers: [Head of QA]\n"
        f"approved_on: 2025-{month:02d}-10\n"
        f"effective_date: 2025-{month:02d}-15\n"
        "review_interval_months: 24\n"
        f"clauses: [{', '.join(clauses)}]\n"
        f"related: [{related}]\n"
        "---\n\n"
        f"# {doc_id}\n\n{BODY}"
    )
    folder = f"qms/{kind}s/{index // 1000:03d}"
    return f"{folder}/{doc_id}.md", text


def generate(count: int, target: Path, seed: int = 13485) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    (target / ".qmslint.yaml").write_text(CONFIG)
    rng = random.Random(seed)
    for index in range(count):
        rel, text = document(index, rng)
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    generate(args.count, args.target)


if __name__ == "__main__":
    main()
