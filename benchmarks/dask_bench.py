"""Dask benchmark: the compliance benchmark's records evaluated by patient partitions on a local cluster.

    .venv/bin/python benchmarks/run.py dask                          # 10,000 patients, 2 worker processes
    .venv/bin/python benchmarks/run.py dask --patients 2000 --workers 2 --parts 4

Needs the ``dask`` extra. The records of ``compliance_bench.build`` (same seed) and its rule set are built
in the client first (not timed). Timed, wall clock: one ``evaluate`` in this process; then the recipe of
docs/how-to/evaluate-across-workers.md (``evaluate_on_dask``), from the records in the client to the merged
report: split by patient, each part pickled compactly (column by column) and scattered to a worker, the
rule set broadcast, evaluated there, the reports pickled back, gathered and merged with ``merge_reports``.
The cluster (``LocalCluster`` of worker processes with one thread each) is started and warmed up (iopcore
imported on every worker, the rule set's catalogs loaded) before the clock starts: its start-up is not
timed. The two are timed alternately, ``--repeat`` times each; best and median of each are printed, the
speed-up of the medians and of the bests, and the merged report is checked equal to the one-process report.

Then, once, where the recipe's time goes (``--no-breakdown`` skips it): the same steps done by hand with
the standard-library pickle the recipe's transfer uses, CPU time per step in the client and on the
workers, to show the share of transfer (splitting, pickling, unpickling, merging) against evaluation.
The load average is printed before and after: the client, the scheduler and the workers share the
machine's cores with whatever else runs on it.
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dask.distributed import Client, LocalCluster, as_completed

from benchmarks.compliance_bench import START, build
from iopcore.compliance import ComplianceRecords, ComplianceReport, RuleSet, evaluate, merge_reports
from tests.builders import FULL


def evaluate_on_dask(
    client: Client, ruleset: RuleSet, records: ComplianceRecords, as_of: date, *, parts: int | None = None
) -> ComplianceReport:
    """The recipe of docs/how-to/evaluate-across-workers.md (the tests check the page's copy runs)."""
    workers = len(client.scheduler_info()["workers"])
    ruleset_on_workers = client.scatter(ruleset, broadcast=True, hash=False)
    futures = [
        client.submit(evaluate, ruleset_on_workers, client.scatter(bundle, hash=False), as_of, pure=False)
        for bundle in records.split(parts or workers)
    ]
    return merge_reports(future.result() for future in as_completed(futures))


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def _on_worker(ruleset: RuleSet, data: bytes, as_of: date) -> tuple[bytes, dict[str, float]]:
    """The worker's side of the recipe, step by step: unpickle the part, evaluate, pickle the report."""
    cpu = time.process_time
    c0 = cpu()
    bundle = pickle.loads(data)
    c1 = cpu()
    report = evaluate(ruleset, bundle, as_of)
    c2 = cpu()
    out = pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL)
    c3 = cpu()
    del bundle, report
    gc.disable()  # the same load again with the cyclic collector paused: how much of it is the collector's
    try:
        c4 = cpu()
        pickle.loads(data)
        c5 = cpu()
    finally:
        gc.enable()
    return out, {"unpickle part": c1 - c0, "evaluate": c2 - c1, "pickle report": c3 - c2, "(gc paused)": c5 - c4}


def breakdown(client: Client, records: ComplianceRecords, as_of: date, parts: int) -> None:
    cpu = time.process_time
    gc.collect()
    c0 = cpu()
    bundles = records.split(parts)
    c1 = cpu()
    data = [pickle.dumps(b, protocol=pickle.HIGHEST_PROTOCOL) for b in bundles]
    c2 = cpu()
    shared = client.scatter(FULL, broadcast=True, hash=False)
    futures = client.map(_on_worker, [shared] * len(data), data, [as_of] * len(data), pure=False)
    done = client.gather(futures)
    c3 = cpu()
    reports = [pickle.loads(blob) for blob, _ in done]
    c4 = cpu()
    gc.disable()
    try:
        p0 = cpu()
        again = [pickle.loads(blob) for blob, _ in done]
        paused = cpu() - p0
    finally:
        gc.enable()
    del again
    m0 = cpu()
    merged = merge_reports(reports)
    merge = cpu() - m0
    assert merged == evaluate(FULL, records, as_of)
    worker: dict[str, float] = {}
    for _, steps in done:
        for k, v in steps.items():
            worker[k] = worker.get(k, 0.0) + v
    client_steps = {
        "split": c1 - c0,
        "pickle parts": c2 - c1,
        "unpickle reports": c4 - c3,
        "merge": merge,
    }
    mib = sum(map(len, data)) / 2**20, sum(len(b) for b, _ in done) / 2**20
    print(f"where the time goes (CPU seconds, {parts} parts; parts {mib[0]:.1f} MiB, reports {mib[1]:.1f} MiB):")
    print("  client:  " + ", ".join(f"{k} {v:.2f}" for k, v in client_steps.items()))
    print("  workers (sum over parts): " + ", ".join(f"{k} {v:.2f}" for k, v in worker.items()))
    print(
        f"  unpickling with the cyclic collector paused: parts {worker.pop('(gc paused)'):.2f}, reports {paused:.2f} "
        "(the rest of each unpickling is the collector's)"
    )
    transfer = sum(client_steps.values()) + worker["unpickle part"] + worker["pickle report"]
    total = transfer + worker["evaluate"]
    print(
        f"  transfer {transfer:.2f} s CPU ({transfer / total:.0%}), evaluation on the workers "
        f"{worker['evaluate']:.2f} s CPU ({worker['evaluate'] / total:.0%})"
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="dask_bench")
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--parts", type=int, default=None, help="partitions (default: one per worker)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-breakdown", action="store_true")
    args = parser.parse_args(argv)
    records = build(args.patients)
    as_of = START + timedelta(days=7 * 13)
    parts = args.parts or args.workers
    print(f"patients={args.patients} workers={args.workers} parts={parts}; {load()}", flush=True)
    with (
        LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        evaluate_on_dask(client, FULL, build(4 * args.workers), as_of)  # warm up: iopcore on every worker
        single: list[float] = []
        spread: list[float] = []
        merged: Any = None
        for _ in range(args.repeat):
            gc.collect()
            t0 = time.perf_counter()
            one = evaluate(FULL, records, as_of)
            single.append(time.perf_counter() - t0)
            del one
            gc.collect()
            t0 = time.perf_counter()
            merged = evaluate_on_dask(client, FULL, records, as_of, parts=parts)
            spread.append(time.perf_counter() - t0)
            print(f"  one process {single[-1]:.2f} s, dask recipe {spread[-1]:.2f} s; {load()}", flush=True)
        same = merged == evaluate(FULL, records, as_of)
        print(f"findings={len(merged.findings)} weeks={len(merged.weeks)} identical={same}")
        print(f"one process:  best {min(single):.2f} s, median {statistics.median(single):.2f} s wall")
        print(
            f"dask recipe:  best {min(spread):.2f} s, median {statistics.median(spread):.2f} s wall, from records in "
            f"the client to the merged report (cluster start-up not timed)"
        )
        print(
            f"speed-up:     {statistics.median(single) / statistics.median(spread):.2f}x of the medians, "
            f"{min(single) / min(spread):.2f}x of the bests (target >= 1.6x on 2 workers)"
        )
        if not args.no_breakdown:
            breakdown(client, records, as_of, parts)
    print(load())


if __name__ == "__main__":
    main(sys.argv[1:])
