"""Table export benchmark: the compliance benchmark's 10,000-patient report as materialized columns and frames.

    .venv/bin/python benchmarks/run.py tables                   # 10,000 patients (issue 18's target size)
    .venv/bin/python benchmarks/run.py tables --patients 1000   # smaller, for quick runs

The report is the one ``benchmarks/compliance_bench.py`` evaluates (same records, seed and rule set:
``build(patients)``, ``FULL``, ``as_of`` 13 weeks after the start). Building and evaluating are not
timed. Timed, as wall-clock time of the whole call, each ``--repeat`` times (after a full garbage
collection):

* ``columns``: ``tables.columns(report.findings)`` plus ``tables.columns(report.weeks)`` — the
  report's two tables to materialized columns (issue 18's target: <= 0.5 s);
* ``pandas``: ``tables.to_pandas`` of both (columns and DataFrames);
* ``polars``: ``tables.to_polars`` of both;
* ``from_columns``: ``tables.from_columns(Finding, ...)`` and ``(WeekSummary, ...)``: every value checked once.

Wall and CPU time are printed, and the load average before and after: on a shared machine the
wall time includes waiting for a core, so compare the best of several repeats and the CPU time,
and take final figures on a quiet machine.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from compliance_bench import START, build

from iopcore import tables
from iopcore.compliance import ComplianceReport, Finding, WeekSummary, evaluate
from tests.builders import FULL


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def timed(label: str, fn: Callable[[], Any], repeat: int) -> list[float]:
    times, cpu = [], []
    for _ in range(repeat):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    best, median = min(times), statistics.median(times)
    print(
        f"{label:<13} wall best {best:.3f} s, median {median:.3f} s; CPU best {min(cpu):.3f} s  "
        f"(wall: {', '.join(f'{t:.3f}' for t in times)})",
        flush=True,
    )
    return times


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="tables_bench")
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-frames", action="store_true", help="time the materialized columns only")
    args = parser.parse_args(argv)
    report: ComplianceReport = evaluate(FULL, build(args.patients), START + timedelta(days=7 * 13))
    print(f"patients={args.patients} findings={len(report.findings)} weeks={len(report.weeks)}")
    print(load(), flush=True)
    findings, weeks = report.findings, report.weeks

    def export() -> tuple[Any, Any]:
        return tables.columns(findings), tables.columns(weeks)

    timed("columns", export, args.repeat)
    print("  (target: <= 0.5 s for 10,000 patients)")
    if not args.skip_frames:
        timed("pandas", lambda: (tables.to_pandas(findings), tables.to_pandas(weeks)), args.repeat)
        timed("polars", lambda: (tables.to_polars(findings), tables.to_polars(weeks)), min(args.repeat, 2))
    f_cols, w_cols = export()
    timed(
        "from_columns",
        lambda: (tables.from_columns(Finding, f_cols), tables.from_columns(WeekSummary, w_cols)),
        min(args.repeat, 2),
    )
    assert tables.from_columns(Finding, f_cols) == findings and tables.from_columns(WeekSummary, w_cols) == weeks
    print(load())


if __name__ == "__main__":
    main(sys.argv[1:])
