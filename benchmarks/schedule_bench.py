"""Benchmark: the weekly schedule solver against OR-Tools CP-SAT, side by side in one process.

Run after the test command (which installs the package into ``.venv``)::

    .venv/bin/python -m pip install -e '.[bench]'      # OR-Tools, for the reference
    .venv/bin/python benchmarks/run.py schedule            # 200 instances
    .venv/bin/python benchmarks/run.py schedule --quick    # 56 instances

Instances are single-patient problems with 15, 30, 60 and 120 offerings (42 feasible and
8 infeasible at each size), drawn from fixed seeds as the distinct cohorts' patients are
(:func:`problem`): each has its own catalog, availability, rules and costs. Both solvers get the same problem and the
same objective; CP-SAT runs with one worker and its time includes building the model.
Times are the median of 5 runs per instance; the table gives their median and p95 over
the instances of a row. On infeasible instances two rows: ``solve(p, explain=False)``, which
only detects that no week exists, and ``solve(p)`` (the default), whose error carries the
conflict, reasons and explanation computed before it is raised.

Times under load are noisy: each repetition runs iopcore and then CP-SAT on the same
instance back to back, so both see the same load, and the load average is printed before
and after. ``--instructions`` counts instead of timing (deterministic; needs valgrind):
the instances are drawn here, then a child process under callgrind solves each once to
warm up and once more with instrumentation on, and the instructions per solve are printed
per row (iopcore only; ``--base SRC`` also counts a source tree given for comparison, such
as another checkout's ``src``)::

    .venv/bin/python benchmarks/schedule_bench.py --instructions [--quick] [--base ../main/src]
"""

from __future__ import annotations

import os
import pickle
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator

import attrs
import cohort_instances as ci

from iopcore.errors import InfeasibleScheduleError
from iopcore.schedule import WeekProblem, WeekRules, check, solve
from iopcore.times import Weekday

SIZES = (15, 30, 60, 120)
FEASIBLE_PER_SIZE = 42
INFEASIBLE_PER_SIZE = 8  # 200 instances in all, 32 of them infeasible
REPEATS = 5
SPEEDUP_TARGET = 5.0  # issue 14: at least 5× CP-SAT's median at every size
MEDIAN_15_TARGET = 0.25e-3  # and at most 0.25 ms median at 15 offerings


def problem(n: int, seed: int, *, feasible: bool) -> WeekProblem:
    """A single-patient instance drawn as the distinct cohorts' patients are; infeasible ones ask too much.

    Offerings: :func:`cohort_instances.catalog` (*n* of them) with a random number of seats
    left (0 for about one in six: full). The patient: an archetype's availability with their own
    noise, rules ASAM 2.1 / generic / PHP-like at 75/15/10 %, a day cost 10–50, penalties 0–20 on
    the offerings inside the availability, sometimes a preferred time of day and an avoided day
    (:func:`cohort_instances.distinct_patient`). Infeasible ones ask for 40 hours, for more
    individual sessions than exist, or allow one hour a day.
    """
    rnd = random.Random(f"week-{n}-{seed}")
    offerings = [attrs.evolve(o, seats=rnd.choice((0, 1, 1, 2, 4, 8))) for o in ci.catalog(n, rnd)]
    patient = ci.distinct_patient(0, offerings, rnd)
    rules = patient.rules
    if not feasible:
        components = dict(rules.components)
        how = rnd.choice(("hours", "components", "days"))
        if how == "hours":
            rules = WeekRules(hours_min=40, days_min=3, days_max=5, components=components)
        elif how == "components":
            rules = WeekRules(
                hours_min=9, days_min=3, days_max=5, components={**components, "individual_counseling": (n, None)}
            )
        else:
            rules = WeekRules(hours_min=9, days_min=3, days_max=5, max_hours_per_day=1, components=components)
    return attrs.evolve(patient, rules=rules).week_problem(tuple(offerings))


def iopcore_cost(p: WeekProblem) -> int | None:
    """solve's optimal cost, or None when it raises (detection only: ``explain=False``)."""
    try:
        return solve(p, explain=False).cost
    except InfeasibleScheduleError:
        return None


def iopcore_explained(p: WeekProblem) -> int | None:
    """solve as called by default: on an infeasible problem its error carries conflict, reasons and text."""
    try:
        return solve(p).cost
    except InfeasibleScheduleError as error:
        caught = error
    if not (caught.explanation and caught.conflict and len(caught.reasons) == len(caught.conflict)):
        raise RuntimeError("an infeasible problem without an explanation")
    return None


def cpsat_cost(p: WeekProblem) -> int | None:
    """The same problem and objective as a CP-SAT model (one worker, build included)."""
    from ortools.sat.python import cp_model

    r = p.rules
    model = cp_model.CpModel()
    usable = [o for o in p.offerings if o.seats > 0 and p.availability.contains(o.interval)]
    x = [model.NewBoolVar(o.id) for o in usable]
    dur = [o.duration.value for o in usable]
    by_day: dict[Weekday, list[int]] = {}
    for i, o in enumerate(usable):
        by_day.setdefault(o.weekday, []).append(i)
    y = {}
    gap = r.min_gap_minutes
    for day, idx in by_day.items():
        yd = model.NewBoolVar(f"day{day.value}")
        y[day] = yd
        for i in idx:
            model.AddImplication(x[i], yd)
        model.Add(sum(x[i] for i in idx) >= 1).OnlyEnforceIf(yd)
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                oa, ob = usable[idx[a]], usable[idx[b]]
                s0, e0 = oa.start.minute_of_day, oa.end.minute_of_day
                s1, e1 = ob.start.minute_of_day, ob.end.minute_of_day
                if s0 < e1 + gap and s1 < e0 + gap:
                    model.AddBoolOr([x[idx[a]].Not(), x[idx[b]].Not()])
        day_minutes = sum(dur[i] * x[i] for i in idx)
        if r.day_minutes_max is not None:
            model.Add(day_minutes <= r.day_minutes_max)
        if r.day_minutes_min:
            model.Add(day_minutes >= r.day_minutes_min).OnlyEnforceIf(yd)
    total = sum(dur[i] * x[i] for i in range(len(usable)))
    model.Add(total >= r.minutes_min)
    if r.minutes_max is not None:
        model.Add(total <= r.minutes_max)
    days = sum(y.values())
    model.Add(days >= r.days_min)
    model.Add(days <= r.days_max)
    for cid, bound in r.components.items():
        count = sum(x[i] for i, o in enumerate(usable) if o.component == cid)
        model.Add(count >= bound.min)
        if bound.max is not None:
            model.Add(count <= bound.max)
    model.Minimize(p.day_cost * days + sum(p.cost_of(o) * x[i] for i, o in enumerate(usable)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.Solve(model)
    if status == cp_model.OPTIMAL:
        return round(solver.ObjectiveValue())
    if status == cp_model.INFEASIBLE:
        return None
    raise RuntimeError(f"CP-SAT ended with status {solver.StatusName(status)}")


def instances(n: int, kind: str, count: int) -> Iterator[WeekProblem]:
    """The *count* instances of one row, from fixed seeds; the kind is decided by the reference solver."""
    seed = 1000 * n + (500 if kind == "infeasible" else 0)
    for _ in range(count):
        while True:
            p = problem(n, seed, feasible=kind == "feasible")
            seed += 1
            if (cpsat_cost(p) is not None) == (kind == "feasible"):
                break
        yield p


def _time(fn: Callable[[WeekProblem], int | None], p: WeekProblem) -> tuple[float, int | None]:
    result: int | None = None
    samples = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        result = fn(p)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples), result


def _time_pair(p: WeekProblem) -> tuple[float, int | None, float, int | None]:
    """Median of REPEATS runs of iopcore (detection only) and of CP-SAT, alternating run by run."""
    ours: list[float] = []
    theirs: list[float] = []
    c_ours = c_ref = None
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        c_ours = iopcore_cost(p)
        t1 = time.perf_counter()
        c_ref = cpsat_cost(p)
        t2 = time.perf_counter()
        ours.append(t1 - t0)
        theirs.append(t2 - t1)
    return statistics.median(ours), c_ours, statistics.median(theirs), c_ref


_CHILD = """
import pickle, sys
sys.path.insert(0, sys.argv[2])
import schedule_bench as sb
problems = pickle.load(open(sys.argv[1], "rb"))
for p in problems:
    sb.iopcore_cost(p)
print("ready", flush=True)
sys.stdin.readline()
for p in problems:
    sb.iopcore_cost(p)
print("done", flush=True)
sys.stdin.readline()
"""


def _instructions(problems: list[WeekProblem], src: str | None) -> float:
    """Instructions per ``solve(p, explain=False)`` over *problems*, counted by callgrind after a warm-up."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    if src is not None:
        env["PYTHONPATH"] = src
    with tempfile.TemporaryDirectory() as tmp:
        data, script, out = (os.path.join(tmp, name) for name in ("problems.pickle", "child.py", "callgrind.out"))
        with open(data, "wb") as fh:
            pickle.dump(problems, fh)
        with open(script, "w") as fh:
            fh.write(_CHILD)
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}"]
        child = subprocess.Popen(
            [*command, sys.executable, script, data, os.path.dirname(os.path.abspath(__file__))],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdin is not None and child.stdout is not None and child.stderr is not None
        if child.stdout.readline().strip() != "ready":
            raise RuntimeError(child.stderr.read())
        subprocess.run(["callgrind_control", "-i", "on", str(child.pid)], capture_output=True, check=True)
        child.stdin.write("\n")
        child.stdin.flush()
        child.stdout.readline()
        subprocess.run(["callgrind_control", "-i", "off", str(child.pid)], capture_output=True, check=True)
        child.stdin.write("\n")
        child.stdin.flush()
        report = child.stderr.read()
        child.wait()
    found = re.search(r"Collected : (\d+)", report)
    if found is None:
        raise RuntimeError(report)
    return int(found[1]) / len(problems)


def count_instructions(quick: bool, base: str | None) -> int:
    """Print instructions per solve for every row (and for the *base* source tree)."""
    feasible_count, infeasible_count = (10, 4) if quick else (FEASIBLE_PER_SIZE, INFEASIBLE_PER_SIZE)
    head = "| Offerings | Kind | Instances | iopcore instructions per solve |"
    print(head + (" base | base ÷ iopcore |" if base else ""))
    print("|---|---|---|---|" + ("---|---|" if base else ""))
    for n in SIZES:
        for kind, count in (("feasible", feasible_count), ("infeasible", infeasible_count)):
            problems = list(instances(n, kind, count))
            ours = _instructions(problems, None)
            line = f"| {n} | {kind} | {count} | {ours / 1e6:.3f} M |"
            if base:
                theirs = _instructions(problems, base)
                line += f" {theirs / 1e6:.3f} M | {theirs / ours:.2f}× |"
            print(line, flush=True)
    return 0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str]) -> int:
    try:
        import ortools.sat.python.cp_model  # noqa: F401 - import time excluded from the comparison
    except ImportError:
        print("OR-Tools is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 1
    quick = "--quick" in argv
    if "--instructions" in argv:
        return count_instructions(quick, argv[argv.index("--base") + 1] if "--base" in argv else None)
    feasible_count, infeasible_count = (10, 4) if quick else (FEASIBLE_PER_SIZE, INFEASIBLE_PER_SIZE)
    print(f"Load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    print()
    print(
        "| Offerings | Kind | Instances | Distinct patients | iopcore median | iopcore p95 | CP-SAT median | CP-SAT p95 "
        "| Ratio (median) | Ratio (p95) | Same optimum |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    all_same = True
    verdicts: list[tuple[str, str, bool]] = []
    for n in SIZES:
        for kind, count in (("feasible", feasible_count), ("infeasible", infeasible_count)):
            ours, theirs, explained = [], [], []
            profiles = set()
            same = True
            for p in instances(n, kind, count):
                profiles.add((p.availability, p.rules, tuple(sorted(p.offering_costs.items())), p.day_cost))
                t_ours, c_ours, t_ref, c_ref = _time_pair(p)
                ours.append(t_ours)
                theirs.append(t_ref)
                if kind == "infeasible":
                    explained.append(_time(iopcore_explained, p)[0])
                if c_ours != c_ref:
                    same = False
                if c_ours is not None:
                    assert check(p, solve(p).offering_ids) == ()
            all_same &= same
            m_ours, m_ref = statistics.median(ours), statistics.median(theirs)
            label = kind if kind == "feasible" else "infeasible (detection: solve(p, explain=False))"
            print(
                f"| {n} | {label} | {count} | {len(profiles)} | {m_ours * 1e3:.2f} ms | {_p95(ours) * 1e3:.2f} ms | "
                f"{m_ref * 1e3:.2f} ms | {_p95(theirs) * 1e3:.2f} ms | {m_ref / m_ours:.1f}× | "
                f"{_p95(theirs) / _p95(ours):.1f}× | {'yes' if same else 'NO'} |",
                flush=True,
            )
            verdicts.append(
                (
                    f"≥ {SPEEDUP_TARGET:g}× CP-SAT (median, {kind}), {n} offerings",
                    f"{m_ref / m_ours:.1f}×",
                    m_ref / m_ours >= SPEEDUP_TARGET,
                )
            )
            if kind == "infeasible":
                print(
                    f"| {n} | infeasible, explained (solve(p): conflict, reasons, text) | {count} | {len(profiles)} | "
                    f"{statistics.median(explained) * 1e3:.2f} ms | {_p95(explained) * 1e3:.2f} ms | — | — | — | — | — |"
                )
            else:
                if n == 15:
                    verdicts.append(
                        (
                            f"≤ {MEDIAN_15_TARGET * 1e3:g} ms median (feasible), 15 offerings",
                            f"{m_ours * 1e3:.2f} ms",
                            m_ours <= MEDIAN_15_TARGET,
                        )
                    )
            verdicts.append((f"same optimum as CP-SAT, {n} offerings, {kind}", "yes" if same else "NO", same))
    print()
    print(
        "Both solvers found the same optimal cost (or both proved infeasibility) on every instance."
        if all_same
        else "MISMATCH between the solvers."
    )
    print()
    print(
        f"Load average after: {os.getloadavg()[0]:.2f} (times under load are noisy; the ratios come from back-to-back runs)"
    )
    print()
    print("| Target (issue 14) | Value | Met |")
    print("|---|---|---|")
    for target, value, met in verdicts:
        print(f"| {target} | {value} | {'met' if met else 'NOT met'} |")
    return 0 if all_same else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
