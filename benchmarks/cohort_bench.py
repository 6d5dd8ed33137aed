"""Benchmark: cohort scheduling — iopcore's ``solve_cohort`` against the benchmark's own CP-SAT model.

Run after the test command (which installs the package into ``.venv``)::

    .venv/bin/python -m pip install -e '.[bench]'          # OR-Tools, for the reference
    .venv/bin/python benchmarks/run.py cohort --quick       # smoke run: 20 and 100 patients at 1 s (~1 min)
    .venv/bin/python benchmarks/run.py cohort --budgets 1   # every size at 1 s
    .venv/bin/python benchmarks/run.py cohort               # every size at 1 s and 10 s (long: ~15 min)
    .venv/bin/python benchmarks/run.py cohort --sizes 300 --cpsat60   # adds CP-SAT at 60 s on 300 patients
    .venv/bin/python benchmarks/run.py cohort --family archetype      # the earlier, few-profile cohorts
    .venv/bin/python benchmarks/run.py cohort --sizes 100 --budgets 2,10 --lp-solvers python,highs --no-cpsat
                                                            # the two LP solvers of column generation, back to back

Options: ``--family distinct|archetype`` (default distinct), ``--sizes 20,100,300,1000``,
``--budgets 1,10`` (seconds), ``--ratios 0.6,1.0,1.3`` (distinct) or ``loose,tight`` (archetype),
``--seeds 0,1,…`` (instance seeds, default 0), ``--quick``, ``--cpsat60``, ``--no-admit``,
``--no-deep`` (skip the deep ``check_cohort``), ``--lp-solvers auto,highs,python`` (iopcore once per
LP solver of column generation, one after the other, rows labelled ``iopcore/<solver>``; default
``auto``, labelled ``iopcore``), ``--no-cpsat`` (iopcore only), ``--cpu`` (with ``--no-cpsat``:
``clock=time.process_time``, budgets and times in CPU seconds, for comparisons on a loaded
machine; HiGHS still measures its own time limit in wall seconds), ``--linearization N`` (CP-SAT's
``linearization_level``, default 2: it proves the 20-patient cohorts in 0.05–0.3 s, where
with CP-SAT's default level two of the three are still unproven at 10 s).

The instances are described in ``cohort_instances.py`` (:func:`cohort_instances.distinct_cohort`).
For each instance and budget both solvers run in this process, one after the other:

* **iopcore**: ``solve_cohort(problem, time_limit=budget, clock=time.perf_counter)``; the wall time
  is measured around the whole call (bound, search, reasons: nothing excluded).
* **CP-SAT** (OR-Tools, one worker): :func:`cohort_cpsat.solve_cpsat`, this benchmark's own model;
  its budget covers building the model and the search, and the wall time is measured around both.

Every answer is checked by :func:`cohort_checker.check_plan` (the benchmark's own checker, sharing
no code with iopcore); iopcore's schedules also by :func:`cohort_checker.check_schedule` (its claimed
costs) and by ``iopcore.schedule.check_cohort`` (deep: one single-patient solve per patient).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Literal, cast

import attrs
import cohort_instances as ci
from capacity_bench import admissions
from cohort_checker import check_plan, check_schedule, plan_cost, unscheduled_costs
from cohort_cpsat import solve_cpsat

from iopcore.schedule import CohortProblem, check_cohort, solve_cohort

LPSolver = Literal["auto", "highs", "python"]  # solve_cohort's lp_solver
SLACK = 1.05  # the budget target: wall ≤ 1.05 × budget + 50 ms
SLACK_SECONDS = 0.05
GAP_TARGET = 0.05


@attrs.frozen
class Instance:
    family: str
    size: int
    ratio: str
    seed: int
    problem: CohortProblem
    profiles: int
    availabilities: int
    fingerprint: str


@attrs.frozen
class Row:
    """One solver's answer on one instance at one budget."""

    instance: Instance
    solver: str
    budget: float
    wall: float
    scheduled: int | None  # None: no assignment found
    cost: int | None
    bound: int | None
    optimal: bool
    errors: tuple[str, ...]  # the benchmark's checker (and, for iopcore, its claims)
    check_cohort_ok: bool | None  # iopcore only
    check_seconds: float | None  # iopcore only: check_cohort(problem, schedule), deep as by default
    status: str = ""

    @property
    def gap(self) -> float | None:
        if self.cost is None or self.bound is None:
            return None
        return (self.cost - self.bound) / max(self.cost, 1)


def iopcore_label(lp_solver: LPSolver) -> str:
    return "iopcore" if lp_solver == "auto" else f"iopcore/{lp_solver}"


def run_iopcore(inst: Instance, budget: float, *, deep: bool, lp_solver: LPSolver = "auto", cpu: bool = False) -> Row:
    """iopcore on *inst*; with *cpu*, the budget and the time reported are this process's CPU seconds."""
    problem = inst.problem
    clock = time.process_time if cpu else time.perf_counter
    t0 = clock()
    schedule = solve_cohort(problem, time_limit=budget, clock=clock, lp_solver=lp_solver)
    wall = clock() - t0
    errors = tuple(check_schedule(problem, schedule))
    t1 = time.perf_counter()
    violations = check_cohort(problem, schedule, deep=deep)
    checked = time.perf_counter() - t1
    return Row(
        inst,
        iopcore_label(lp_solver),
        budget,
        wall,
        schedule.scheduled,
        schedule.cost,
        schedule.lower_bound,
        schedule.optimal,
        errors,
        violations == (),
        checked,
        "optimal" if schedule.optimal else "",
    )


def run_cpsat(inst: Instance, budget: float, *, linearization: int | None) -> Row:
    problem = inst.problem
    answer = solve_cpsat(problem, budget, linearization_level=linearization)
    if answer.plan is None:
        return Row(
            inst, "CP-SAT", budget, answer.wall_seconds, None, None, answer.bound, False, (), None, None, answer.status
        )
    errors = check_plan(problem, answer.plan)
    cost = plan_cost(problem, answer.plan)
    if cost != answer.cost:
        errors.append(f"CP-SAT's objective {answer.cost}, the plan costs {cost}")
    return Row(
        inst,
        "CP-SAT",
        budget,
        answer.wall_seconds,
        len(answer.plan),
        cost,
        answer.bound,
        answer.status == "OPTIMAL",
        tuple(errors),
        None,
        None,
        answer.status.lower() if answer.status == "OPTIMAL" else "",
    )


def describe(inst: Instance) -> str:
    """One line of the instance table: profiles, feasibility alone, demand and capacity."""
    p = inst.problem
    usage, alone_infeasible = ci.own_optima(p)
    seats = sum(o.seats for o in p.offerings)
    over = sum(max(0, usage.get(o.id, 0) - o.seats) for o in p.offerings)
    return (
        f"| {inst.family} | {inst.size} | {len(p.offerings)} | {inst.ratio} | {inst.seed} | {inst.fingerprint} | "
        f"{inst.profiles} | {inst.availabilities} | {alone_infeasible} | {sum(usage.values()) / max(1, seats):.2f} | "
        f"{over} | {ci.need_ratio(p):.2f} |"
    )


INSTANCE_HEADER = (
    "| Family | Patients | Offerings | Ratio | Seed | Fingerprint | Distinct profiles | Distinct availabilities "
    "| Infeasible alone | Demand ÷ seats | Own-optimum seats over capacity | Need ÷ seats |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|"
)
ROW_HEADER = (
    "| Patients | Offerings | Ratio | Seed | Profiles | Budget | Solver | Wall | Wall ÷ budget | Scheduled "
    "| Cost | Bound | Gap | Gap to best bound | Checker | check_cohort |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.2f} %"


def format_row(r: Row, best_bound: int | None) -> str:
    i = r.instance
    best = None if r.cost is None or best_bound is None else (r.cost - best_bound) / max(r.cost, 1)
    checked = "yes" if not r.errors else "NO"
    if r.scheduled is None:
        checked = "–"
    cohort = "–" if r.check_cohort_ok is None else ("yes" if r.check_cohort_ok else "NO")
    if r.check_seconds is not None:
        cohort += f" ({r.check_seconds:.2f} s)"
    solver = r.solver + (f" ({r.status})" if r.status else "")
    return (
        f"| {i.size} | {len(i.problem.offerings)} | {i.ratio} | {i.seed} | {i.profiles}/{i.size} | {r.budget:g} s | "
        f"{solver} | {r.wall:.2f} s | {r.wall / r.budget:.2f} | "
        f"{'none found' if r.scheduled is None else r.scheduled} | {'–' if r.cost is None else r.cost} | "
        f"{'–' if r.bound is None else r.bound} | {_pct(r.gap)} | {_pct(best)} | {checked} | {cohort} |"
    )


@attrs.frozen
class Verdict:
    target: str
    row: str
    value: str
    met: bool


def covers_demand(inst: Instance) -> bool:
    """Whether the instance's capacity covers its demand (ratio ≤ 1; archetype: loose)."""
    return inst.ratio in {"0.6", "1.0"} if inst.family == "distinct" else inst.ratio == "loose"


def verdicts(rows: Sequence[Row], solver: str = "iopcore") -> list[Verdict]:
    """The issue's acceptance targets, row by row, for iopcore's rows labelled *solver*."""
    out: list[Verdict] = []
    inst = rows[0].instance
    name = f"{inst.size} p, ratio {inst.ratio}, seed {inst.seed}"
    if solver != "iopcore":
        name += f", {solver}"
    ours = {r.budget: r for r in rows if r.solver == solver}
    theirs = {r.budget: r for r in rows if r.solver == "CP-SAT"}
    left_out_all = sum(unscheduled_costs(inst.problem).values())
    for budget, r in sorted(ours.items()):
        limit = SLACK * budget + SLACK_SECONDS
        out.append(
            Verdict(
                "wall ≤ 1.05 × budget + 50 ms",
                f"{name}, {budget:g} s",
                f"{r.wall:.2f} s ≤ {limit:.2f} s",
                r.wall <= limit,
            )
        )
        ref = theirs.get(budget)
        if ref is not None and r.scheduled is not None and r.cost is not None:
            # CP-SAT with nothing found is taken as the empty plan (everyone left out), which is always valid.
            ref_scheduled = ref.scheduled or 0
            ref_cost = left_out_all if ref.cost is None else ref.cost
            ok = r.scheduled >= ref_scheduled and r.cost <= ref_cost and not r.errors
            out.append(
                Verdict(
                    "≥ as many scheduled as CP-SAT and cost ≤ CP-SAT's (same budget)",
                    f"{name}, {budget:g} s",
                    f"{r.scheduled}/{r.cost} vs {'none found' if ref.cost is None else f'{ref_scheduled}/{ref_cost}'}",
                    ok,
                )
            )
        if budget == 10 and covers_demand(inst):
            gap = r.gap
            out.append(
                Verdict(
                    "gap ≤ 5 % at 10 s where capacity covers demand",
                    name,
                    _pct(gap),
                    gap is not None and gap <= GAP_TARGET,
                )
            )
    if inst.size == 300 and 60 in theirs and 10 in ours:
        ref, r = theirs[60], ours[10]
        ok = r.cost is not None and (
            ref.cost is None or (r.cost <= ref.cost and (r.scheduled or 0) >= (ref.scheduled or 0))
        )
        out.append(
            Verdict(
                "300 patients at 10 s no worse than CP-SAT at 60 s",
                name,
                f"{r.scheduled}/{r.cost} vs {'none found' if ref.cost is None else f'{ref.scheduled}/{ref.cost}'}",
                ok,
            )
        )
    if inst.size == 1000 and 1 in ours:
        r = ours[1]
        total = r.wall + (r.check_seconds or 0.0)
        ok = total <= 2.0 and not r.errors and bool(r.check_cohort_ok)
        out.append(
            Verdict(
                "1,000 patients within 2 s (1 s budget + check_cohort), all feasible or listed, passes check_cohort",
                name,
                f"{r.wall:.2f} s + {r.check_seconds or 0:.2f} s = {total:.2f} s",
                ok,
            )
        )
    return out


def checker_verdicts(rows: Sequence[Row]) -> list[Verdict]:
    """A failed verdict for every answer (of any solver) that did not pass the checkers."""
    inst = rows[0].instance
    name = f"{inst.size} p, ratio {inst.ratio}, seed {inst.seed}"
    return [
        Verdict(
            "every answer passes the checkers",
            f"{name}, {r.solver} {r.budget:g} s",
            r.errors[0] if r.errors else "check_cohort",
            False,
        )
        for r in rows
        if r.errors or r.check_cohort_ok is False
    ]


def admit_times(inst: Instance, count: int) -> tuple[list[float], int]:
    """Seconds per ``admit_to_cohort`` of *count* new distinct patients, each into the cohort solved at 1 s, and how many fit."""
    schedule = solve_cohort(inst.problem, time_limit=1, clock=time.perf_counter)
    rnd = random.Random(f"admit-{inst.size}-{inst.ratio}-{inst.seed}")
    wall, _, placed = admissions(inst.problem, schedule, count, rnd)
    return wall, placed


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x]


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x]


def _lp_solvers(text: str) -> list[LPSolver]:
    chosen = [x for x in text.split(",") if x]
    wrong = [x for x in chosen if x not in ("auto", "highs", "python")]
    if wrong or not chosen:
        raise argparse.ArgumentTypeError(f"expected some of auto, highs, python, got {text!r}")
    return cast("list[LPSolver]", chosen)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cohort_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--family", choices=("distinct", "archetype"), default="distinct")
    parser.add_argument("--sizes", type=_ints, default=None, help="patients, comma-separated (default: all four)")
    parser.add_argument("--budgets", type=_floats, default=None, help="seconds, comma-separated (default: 1,10)")
    parser.add_argument("--ratios", type=lambda t: [x for x in t.split(",") if x], default=None)
    parser.add_argument("--seeds", type=_ints, default=[0], help="instance seeds, comma-separated (default: 0)")
    parser.add_argument("--quick", action="store_true", help="20 and 100 patients at 1 s, no admit timing")
    parser.add_argument("--cpsat60", action="store_true", help="also CP-SAT at 60 s on 300 patients")
    parser.add_argument("--no-admit", action="store_true", help="skip the admit timing (100 patients)")
    parser.add_argument("--no-deep", action="store_true", help="check_cohort without its deep re-solves")
    parser.add_argument("--linearization", type=int, default=2, help="CP-SAT linearization_level (default 2)")
    parser.add_argument(
        "--lp-solvers",
        type=_lp_solvers,
        default=["auto"],
        help="iopcore's LP solvers of column generation, comma-separated, each run in turn (default: auto)",
    )
    parser.add_argument("--no-cpsat", action="store_true", help="skip CP-SAT (iopcore's rows only)")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="with --no-cpsat: budgets and times in CPU seconds of this process (less sensitive to other load)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes = args.sizes or [20, 100]
        args.budgets = args.budgets or [1.0]
        args.no_admit = True
    args.sizes = args.sizes or sorted(ci.sizes(args.family))
    args.budgets = args.budgets or [1.0, 10.0]
    args.ratios = args.ratios or list(ci.ratios(args.family))
    return args


def main(argv: list[str]) -> int:
    args = parse(argv)
    if args.cpu and not args.no_cpsat:
        print("--cpu needs --no-cpsat: CP-SAT's budget is wall time", file=sys.stderr)
        return 2
    try:
        import ortools
        import ortools.sat.python.cp_model  # import time excluded from the comparison
    except ImportError:
        if not args.no_cpsat:
            print("OR-Tools is not installed: pip install -e '.[bench]' (or --no-cpsat)", file=sys.stderr)
            return 1
    if "highs" in args.lp_solvers:
        import highspy._core  # noqa: F401  # import time excluded from the comparison
    unknown = [s for s in args.sizes if s not in ci.sizes(args.family)]
    if unknown:
        print(f"unknown sizes {unknown}: expected some of {sorted(ci.sizes(args.family))}", file=sys.stderr)
        return 2
    reference = (
        "no CP-SAT"
        if args.no_cpsat
        else f"OR-Tools {ortools.__version__}, CP-SAT one worker, linearization_level {args.linearization}"
    )
    print(f"family {args.family}; {reference}; iopcore's LP solvers: {', '.join(args.lp_solvers)}")
    if args.cpu:
        print("budgets and the Wall column in CPU seconds of this process (time.process_time), not wall time")
    instances: list[Instance] = []
    for size in args.sizes:
        for seed in args.seeds:
            for ratio in args.ratios:
                problem = ci.cohort(args.family, size, ratio, seed)
                instances.append(
                    Instance(
                        args.family,
                        size,
                        ratio,
                        seed,
                        problem,
                        ci.distinct_profiles(problem),
                        ci.distinct_availabilities(problem),
                        ci.fingerprint(problem),
                    )
                )
    print()
    print(INSTANCE_HEADER)
    for inst in instances:
        print(describe(inst), flush=True)
    print()
    print(ROW_HEADER)
    all_verdicts: list[Verdict] = []
    for inst in instances:
        rows: list[Row] = []
        for budget in args.budgets:
            for lp_solver in args.lp_solvers:  # back to back: the same load for each
                rows.append(run_iopcore(inst, budget, deep=not args.no_deep, lp_solver=lp_solver, cpu=args.cpu))
            if not args.no_cpsat:
                rows.append(run_cpsat(inst, budget, linearization=args.linearization))
        if args.cpsat60 and inst.size == 300 and not args.no_cpsat:
            rows.append(run_cpsat(inst, 60, linearization=args.linearization))
        bounds = [r.bound for r in rows if r.bound is not None]
        best = max(bounds) if bounds else None
        for r in rows:
            print(format_row(r, best), flush=True)
        for lp_solver in args.lp_solvers:
            all_verdicts.extend(verdicts(rows, iopcore_label(lp_solver)))
        all_verdicts.extend(checker_verdicts(rows))
    if not args.no_admit and args.family == "distinct" and 100 in args.sizes:
        inst = next(i for i in instances if i.size == 100)
        samples, placed = admit_times(inst, 50)
        median = statistics.median(samples)
        print()
        print(
            f"admit_to_cohort into the 100-patient cohort (ratio {inst.ratio}, solved at 1 s): median {median * 1e3:.2f} ms, "
            f"max {max(samples) * 1e3:.2f} ms over {len(samples)} new patients, {placed} placed"
        )
        all_verdicts.append(
            Verdict(
                "admit_to_cohort ≤ 5 ms median (100 patients)",
                f"ratio {inst.ratio}",
                f"{median * 1e3:.2f} ms",
                median <= 0.005,
            )
        )
    print()
    print("| Target | Row | Value | Met |")
    print("|---|---|---|---|")
    for v in all_verdicts:
        print(f"| {v.target} | {v.row} | {v.value} | {'met' if v.met else 'NOT met'} |")
    print()
    targets: dict[str, list[bool]] = {}
    for v in all_verdicts:
        targets.setdefault(v.target, []).append(v.met)
    for target, results in targets.items():
        print(f"- {target}: {'met' if all(results) else 'NOT met'} ({sum(results)}/{len(results)} rows)")
    failed = any(v.target == "every answer passes the checkers" for v in all_verdicts)
    if failed:
        print("FAILED: some answer did not pass the checkers (see the table)")
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
