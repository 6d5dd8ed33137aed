"""Benchmark: rolling admission and capacity planning into solved cohorts of distinct patients.

Run after the test command (which installs the package into ``.venv``; OR-Tools is not needed)::

    .venv/bin/python benchmarks/run.py capacity              # admit at 100 patients, suggestions at 20 and 100
    .venv/bin/python benchmarks/run.py capacity --quick      # admit only (~1 min)
    .venv/bin/python benchmarks/run.py capacity --admissions 200 --ratios 1.3

Options: ``--ratios 0.6,1.0,1.3`` (demand / capacity of the distinct family, default all three),
``--admissions N`` new patients per cohort (default 100), ``--sizes 20,100`` cohorts for the
suggestions, ``--budget S`` seconds for each ``suggest_capacity`` (default 2), ``--quick``.

The instances are ``cohort_instances.distinct_cohort`` (per-patient noise around five
archetypes, 100 patients over 60 offerings; see that module). Each cohort is solved once with
``solve_cohort(time_limit=1, clock=time.perf_counter)``; that time is not counted.

* **admit_to_cohort**: *N* new distinct patients drawn like the cohort's, each admitted into
  the solved schedule on its own (the schedule is not grown between them, so every admission
  sees the same 100-patient cohort). Reported per call: wall time (``perf_counter`` around the
  whole public call, argument checks included) and CPU time (``process_time``), median and
  maximum. Every answer is checked by the benchmark's own checker (``cohort_checker``, no code
  shared with iopcore) and by ``check_cohort``; nobody may move. The issue's target: a median of
  at most 5 ms.
* **suggest_capacity**: the candidates are one more seat on every offering the schedule fills
  and a session like the first group offering at each free two-hour slot of the week; wall
  time, changes re-solved, and every suggestion verified (``check_cohort`` on the changed
  problem; it schedules everyone scheduled before plus exactly the patients it names).

On a shared machine, compare the CPU column, or two variants back to back in one process.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

import attrs
import cohort_instances as ci
from cohort_checker import check_plan, plan_of

from iopcore.schedule import (
    CohortProblem,
    CohortSchedule,
    admit_to_cohort,
    check_cohort,
    seat_changes,
    session_changes,
    solve_cohort,
    suggest_capacity,
)


def admissions(
    problem: CohortProblem, schedule: CohortSchedule, count: int, rnd: random.Random
) -> tuple[list[float], list[float], int]:
    """Wall and CPU seconds of each of *count* admissions of a new distinct patient (drawn with *rnd*),
    each checked by the benchmark's checker and ``check_cohort``, and how many were placed."""
    wall: list[float] = []
    cpu: list[float] = []
    placed = 0
    for i in range(count):
        new = attrs.evolve(ci.distinct_patient(i, problem.offerings, rnd), id=f"new{i:04d}")
        w0, c0 = time.perf_counter(), time.process_time()
        after = admit_to_cohort(schedule, problem, new)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        bigger = attrs.evolve(problem, patients=(*problem.patients, new))
        errors = check_plan(bigger, plan_of(after))
        if errors or check_cohort(bigger, after, deep=False) != ():
            raise RuntimeError(f"admit_to_cohort gave an invalid schedule: {errors[:3]}")
        if any(after.assignment(a.patient) != a for a in schedule.assignments):
            raise RuntimeError("admit_to_cohort moved a patient")
        placed += after.assignment(new.id) is not None
    return wall, cpu, placed


def suggestions(problem: CohortProblem, schedule: CohortSchedule, budget: float) -> str:
    """One ``suggest_capacity`` run, verified; its line of the table."""
    group = next(o.id for o in problem.offerings if o.component in ci.GROUPS)
    changes = [*seat_changes(problem, schedule=schedule), *session_changes(problem, group, step=120)]
    w0 = time.perf_counter()
    report = suggest_capacity(problem, schedule, changes, k=3, time_limit=budget, clock=time.perf_counter)
    wall = time.perf_counter() - w0
    kept = {a.patient for a in schedule.assignments}
    for s in report.suggestions:
        assert s.change is not None
        changed = s.change.apply(problem)
        placed = {a.patient for a in s.schedule.assignments}
        ok = check_cohort(changed, s.schedule, deep=False) == () and not check_plan(changed, plan_of(s.schedule))
        if not ok or not kept <= placed or placed - kept != set(s.admitted):
            raise RuntimeError(f"a suggestion does not admit what it claims: {s}")
    best = "none" if report.best is None else f"{report.best.count} ({report.best.change})"
    return (
        f"| {len(problem.patients)} | {report.waiting} | {report.changes} | {report.evaluated} | "
        f"{'yes' if report.complete else 'no'} | {best} | {wall:.2f} s |"
    )


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="capacity_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--ratios", type=lambda t: [x for x in t.split(",") if x], default=["0.6", "1.0", "1.3"])
    parser.add_argument("--admissions", type=int, default=100)
    parser.add_argument("--sizes", type=lambda t: [int(x) for x in t.split(",") if x], default=[20, 100])
    parser.add_argument("--budget", type=float, default=2.0)
    parser.add_argument("--quick", action="store_true", help="admit_to_cohort only")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    print("admit_to_cohort into a solved 100-patient distinct cohort (each admission on its own)")
    print()
    print("| Ratio | Waiting | Admitted | Placed | Wall median | Wall max | CPU median | CPU max | Met (≤ 5 ms) |")
    print("|---|---|---|---|---|---|---|---|---|")
    met = True
    for ratio in args.ratios:
        problem = ci.distinct_cohort(100, ratio)
        schedule = solve_cohort(problem, time_limit=1, clock=time.perf_counter)
        wall, cpu, placed = admissions(problem, schedule, args.admissions, random.Random(f"capacity-admit-100-{ratio}"))
        median = statistics.median(wall)
        met &= median <= 0.005
        print(
            f"| {ratio} | {len(schedule.unscheduled)} | {len(wall)} | {placed} | {median * 1e3:.2f} ms | "
            f"{max(wall) * 1e3:.2f} ms | {statistics.median(cpu) * 1e3:.2f} ms | {max(cpu) * 1e3:.2f} ms | "
            f"{'met' if median <= 0.005 else 'NOT met'} |",
            flush=True,
        )
    if not args.quick:
        print()
        print(f"suggest_capacity (k = 3, time_limit {args.budget} s), ratio 1.3")
        print()
        print("| Patients | Waiting | Changes | Re-solved | Complete | Best admits | Wall |")
        print("|---|---|---|---|---|---|---|")
        for size in args.sizes:
            problem = ci.distinct_cohort(size, "1.3")
            schedule = solve_cohort(problem, time_limit=1, clock=time.perf_counter)
            print(suggestions(problem, schedule, args.budget), flush=True)
    print()
    print(f"- admit_to_cohort ≤ 5 ms median (100 patients): {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
