"""Notebook views and plots of the 10,000-patient compliance report (issue 18, items 2 and 3).

    .venv/bin/python benchmarks/run.py views                  # 10,000 patients (the issue's size)
    .venv/bin/python benchmarks/run.py views --patients 1000  # smaller, for quick runs

The report is the one of ``benchmarks/compliance_bench.py`` (same records, seed, rule set and
``as_of``). Measured, each as wall time of the whole call, median of ``--repeat`` runs: the
notebook view ``report._repr_html_()`` (target: at most 1 MiB of HTML), the staff view
``to_html(show_identifiers=True)``, and, with matplotlib installed, ``iopcore.plot.hours_per_week``
over the cohort and for one patient. Before issue 18 the view of this report was 146.9 MiB
(3.7 s).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import compliance_bench

from iopcore.compliance import evaluate
from iopcore.levels import ASAM3, Population
from tests.builders import FULL

MIB = 2**20


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[Any, float]:
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return out, statistics.median(times)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="views_bench")
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    records = compliance_bench.build(args.patients)
    report = evaluate(FULL, records, compliance_bench.START + timedelta(days=7 * 13))
    print(f"patients={args.patients} findings={len(report.findings)} patient-weeks={len(report.weeks)}")
    page, seconds = _timed(report._repr_html_, args.repeat)
    size = len(page.encode("utf-8"))
    verdict = "meets" if size <= MIB else "MISSES"
    print(
        f"_repr_html_:                      {size / MIB:.3f} MiB ({size:,} bytes), {seconds * 1000:.0f} ms  ({verdict} <= 1 MiB)"
    )
    staff, seconds = _timed(lambda: report.to_html(show_identifiers=True), args.repeat)
    print(f"to_html(show_identifiers=True):   {len(staff.encode('utf-8')) / MIB:.3f} MiB, {seconds * 1000:.0f} ms")
    try:
        from iopcore import plot

        band = ASAM3.level("2.1").hours_per_week[Population.ADULT]
        _, seconds = _timed(lambda: plot.hours_per_week(report, band), 1)
        print(f"plot.hours_per_week, first call:  {seconds * 1000:.0f} ms (imports matplotlib)")
        _, seconds = _timed(lambda: plot.hours_per_week(report, band), args.repeat)
        print(f"plot.hours_per_week (cohort):     {seconds * 1000:.0f} ms (figure built, not drawn)")
        first = report.weeks[0].patient_id
        _, seconds = _timed(lambda: plot.hours_per_week(report, band, patient_id=first), args.repeat)
        print(f"plot.hours_per_week (one patient): {seconds * 1000:.0f} ms")
    except ImportError:
        print("plots: matplotlib is not installed (pip install -e '.[plot]')")


if __name__ == "__main__":
    main(sys.argv[1:])
