"""Dask benchmark: the compliance benchmark's records evaluated by patient partitions on a local cluster.

    .venv/bin/python benchmarks/run.py dask                          # 10,000 patients, 2 worker processes
    .venv/bin/python benchmarks/run.py dask --patients 2000 --workers 2

Needs the ``dask`` extra. The records of ``compliance_bench.build`` (same seed) and its rule set are built
in the client first (not timed). Timed, wall clock: one ``evaluate`` in this process; then the recipe of
docs/how-to/evaluate-across-workers.md, from the records in the client to the merged report (split by
patient, each part scattered to a worker and the rule set to all, gather, ``merge_reports``) on a ``LocalCluster`` of
worker processes with one thread each, started and warmed up (iopcore imported on every worker) before
the clock starts. The two are timed alternately, ``--repeat`` times each; the best of each is compared
and the merged report is checked equal to the one-process report.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dask.distributed import Client, LocalCluster

from benchmarks.compliance_bench import START, build
from iopcore.compliance import ComplianceRecords, ComplianceReport, RuleSet, evaluate, merge_reports
from tests.builders import FULL


def on_dask(
    client: Client, ruleset: RuleSet, records: ComplianceRecords, as_of: object, parts: int
) -> ComplianceReport:
    bundles = client.scatter(list(records.split(parts)))  # straight to the workers, one part each
    shared = client.scatter(ruleset, broadcast=True)
    futures = client.map(evaluate, [shared] * len(bundles), bundles, [as_of] * len(bundles), pure=False)
    return merge_reports(client.gather(futures))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="dask_bench")
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    records = build(args.patients)
    as_of = START + timedelta(days=7 * 13)
    with (
        LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        on_dask(client, FULL, build(2 * args.workers), as_of, args.workers)  # warm up: iopcore on every worker
        single, spread = [], []
        for _ in range(args.repeat):
            gc.collect()
            t0 = time.perf_counter()
            one = evaluate(FULL, records, as_of)
            single.append(time.perf_counter() - t0)
            del one
            gc.collect()
            t0 = time.perf_counter()
            merged = on_dask(client, FULL, records, as_of, args.workers)
            spread.append(time.perf_counter() - t0)
        same = merged == evaluate(FULL, records, as_of)
    print(f"patients={args.patients} workers={args.workers} findings={len(merged.findings)} identical={same}")
    print(f"one process:  {min(single):.2f} s wall (best of {args.repeat})")
    print(
        f"dask recipe:  {min(spread):.2f} s wall from records in the client to the merged report "
        f"(best of {args.repeat}); speed-up {min(single) / min(spread):.2f}x (target >= 1.6x on 2 workers)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
