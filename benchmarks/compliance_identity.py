"""The compliance benchmark's report as one digest, to compare two commits' reports (not a timing).

    .venv/bin/python benchmarks/compliance_identity.py                     # 2,000 and 10,000 patients
    .venv/bin/python benchmarks/compliance_identity.py --patients 2000 --shuffle

Evaluates ``compliance_bench.build(N)`` (same seed, rule set and ``as_of`` as the benchmark)
and prints, per size, the number of findings and weekly summaries and the SHA-256 of the
report's ``to_dict`` as canonical JSON. Run it in two checkouts (e.g. ``main`` and a branch
that changes how rules are evaluated): equal digests mean equal reports, finding by finding
and in the same order. ``--shuffle`` evaluates the records in another (seeded) order first,
which must give the same digest. Not run by ``benchmarks/run.py`` (it is not a ``*_bench``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import attrs
from compliance_bench import START, build

from iopcore.compliance import ComplianceRecords, evaluate
from iopcore.serialization import to_dict
from tests.builders import FULL


def digest(patients: int, shuffle: bool) -> str:
    records = build(patients)
    if shuffle:
        rnd = random.Random(patients)
        kinds = {}
        for field in attrs.fields(ComplianceRecords):
            items = list(getattr(records, field.name))
            rnd.shuffle(items)
            kinds[field.name] = tuple(items)
        records = ComplianceRecords(**kinds)
    report = evaluate(FULL, records, START + timedelta(days=7 * 13))
    text = json.dumps(to_dict(report), sort_keys=True, separators=(",", ":"))
    sha = hashlib.sha256(text.encode()).hexdigest()
    return (
        f"patients={patients} shuffled={shuffle} findings={len(report.findings)} weeks={len(report.weeks)} sha256={sha}"
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="compliance_identity")
    parser.add_argument("--patients", type=int, action="append", help="sizes (default: 2,000 and 10,000)")
    parser.add_argument("--shuffle", action="store_true", help="evaluate the records in a shuffled order")
    args = parser.parse_args(argv)
    for n in args.patients or [2_000, 10_000]:
        print(digest(n, args.shuffle), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
