"""The cohort benchmark's helpers: the instance generator, the independent checker and the CP-SAT model.

The benchmark's verdicts are only as good as these, so they are tested here on tiny instances
(no timing): the generator is deterministic and its patients distinct, the checker accepts what
``solve_cohort`` returns, rejects broken plans, and agrees with iopcore's own ``check_cohort`` on
arbitrary plans, and the CP-SAT model (when OR-Tools is installed) finds the proven optima.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore.schedule import (
    Assignment,
    CohortPatient,
    CohortProblem,
    CohortSchedule,
    Enrollment,
    Offering,
    Preferences,
    TimeOfDay,
    Unscheduled,
    WeekRules,
    check_cohort,
    solve_cohort,
)
from iopcore.strategies import cohort_problems
from iopcore.times import ClockTime, Weekday, WeeklyAvailability

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str) -> ModuleType:
    """A module of ``benchmarks/`` (a folder of scripts, not a package), imported once."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


instances = _load("cohort_instances")
checker = _load("cohort_checker")

RATIOS = ("0.6", "1.0", "1.3")


def tiny(ratio: str = "1.0", seed: int = 0) -> CohortProblem:
    return instances.distinct_cohort(12, ratio, seed, offerings=20)


# --- The generator ------------------------------------------------------------------------------


def test_the_generator_is_deterministic_per_seed() -> None:
    """The same size, ratio and seed give an equal instance; another seed gives another one."""
    assert tiny("1.0", 3) == tiny("1.0", 3)
    assert instances.fingerprint(tiny("1.0", 3)) == instances.fingerprint(tiny("1.0", 3))
    assert instances.fingerprint(tiny("1.0", 3)) != instances.fingerprint(tiny("1.0", 4))


def test_the_ratios_share_patients_and_differ_in_capacity_only() -> None:
    """Every capacity level holds the same patients and offerings; fewer seats as demand ÷ capacity grows."""
    problems = [tiny(r) for r in RATIOS]
    assert problems[0].patients == problems[1].patients == problems[2].patients
    strip = [[attrs.evolve(o, seats=1) for o in p.offerings] for p in problems]
    assert strip[0] == strip[1] == strip[2]
    seats = [sum(o.seats for o in p.offerings) for p in problems]
    assert seats[0] > seats[1] > seats[2]


def test_demand_over_capacity_follows_the_ratio() -> None:
    """Own-optimum demand ÷ seats lands near the ratio (rounding and at-least-one-seat blur small cohorts)."""
    for ratio in RATIOS:
        problem = instances.distinct_cohort(60, ratio, 0, offerings=40)
        usage, _ = instances.own_optima(problem)
        measured = sum(usage.values()) / sum(o.seats for o in problem.offerings)
        assert abs(measured - float(ratio)) < 0.25 * float(ratio)


def test_patients_are_distinct() -> None:
    """Every patient has their own profile, and nearly every one their own availability."""
    problem = instances.distinct_cohort(40, "1.0", 0, offerings=30)
    assert instances.distinct_profiles(problem) == 40
    assert instances.distinct_availabilities(problem) >= 38


def test_the_rule_mix_and_the_cost_ranges_are_as_documented() -> None:
    """ASAM 2.1 / generic / PHP-like rules only, day costs 10–50, session penalties 1–20 (0 left out)."""
    problem = instances.distinct_cohort(80, "1.0", 1, offerings=30)
    bands = {(p.rules.minutes_min, p.rules.minutes_max, p.rules.days_min, p.rules.days_max) for p in problem.patients}
    assert bands <= {(540, 1199, 3, 5), (360, 1859, 3, 5), (1200, 1859, 5, 5)}
    assert sum(p.rules.minutes_min == 540 for p in problem.patients) > 40
    assert all(10 <= p.day_cost <= 50 for p in problem.patients)
    assert all(1 <= c <= 20 for p in problem.patients for c in p.offering_costs.values())


def test_the_archetype_family_is_still_available() -> None:
    """The earlier benchmark's cohorts: few availability profiles, a tenth of the patients pinned."""
    problem = instances.cohort("archetype", 20, "tight", 0)
    assert instances.distinct_availabilities(problem) <= 4
    assert len(problem.pinned) >= 1


# --- The checker against solve_cohort ------------------------------------------------------------


@pytest.mark.parametrize("ratio", RATIOS)
def test_the_checker_accepts_solve_cohorts_plans(ratio: str) -> None:
    """solve_cohort's schedule passes the independent checker, and both agree on its cost."""
    problem = tiny(ratio)
    schedule = solve_cohort(problem, work_limit=2_000)
    assert checker.check_schedule(problem, schedule) == []
    assert checker.plan_cost(problem, checker.plan_of(schedule)) == schedule.cost
    assert check_cohort(problem, schedule) == ()


def test_the_checker_accepts_plans_with_pinned_sessions() -> None:
    """On the archetype family (pinned patients) the checker accepts solve_cohort's plan too."""
    problem = instances.cohort("archetype", 20, "tight", 0)
    schedule = solve_cohort(problem, work_limit=500)
    assert checker.check_schedule(problem, schedule) == []


# --- The checker on hand-made plans --------------------------------------------------------------


def _offering(
    oid: str, day: Weekday, start: str, end: str, component: str = "group_therapy", seats: int = 1
) -> Offering:
    return Offering(
        id=oid, component=component, weekday=day, start=ClockTime.parse(start), end=ClockTime.parse(end), seats=seats
    )


MON, TUE, WED = Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY
OFFERINGS = (
    _offering("g1", MON, "09:00", "12:00"),
    _offering("g2", MON, "11:00", "14:00"),  # overlaps g1
    _offering("g3", TUE, "09:00", "12:00"),
    _offering("g4", WED, "09:00", "12:00", seats=2),
    _offering("i1", TUE, "12:05", "12:55", component="individual_counseling"),  # 5 minutes after g3
    _offering("e1", WED, "18:00", "21:00"),  # outside the patients' availability
)
RULES = WeekRules(hours_min=6, hours_max=10, days_min=2, days_max=3, components={"group_therapy": (2, 3)})


def _patient(pid: str, **changes: object) -> CohortPatient:
    base = CohortPatient(
        id=pid,
        rules=RULES,
        availability=WeeklyAvailability.daily("08:00", "15:00", days=(MON, TUE, WED)),
        day_cost=10,
    )
    return attrs.evolve(base, **changes)


def _problem(*patients: CohortPatient, pinned: tuple[Enrollment, ...] = ()) -> CohortProblem:
    return CohortProblem(offerings=OFFERINGS, patients=patients, pinned=pinned)


def test_a_valid_hand_made_plan_passes() -> None:
    """Two groups on two days, within every rule: no error."""
    assert checker.check_plan(_problem(_patient("a")), {"a": ("g1", "g3")}) == []


def test_over_capacity_is_rejected() -> None:
    """Two patients in a one-seat group."""
    problem = _problem(_patient("a"), _patient("b"))
    errors = checker.check_plan(problem, {"a": ("g1", "g3"), "b": ("g1", "g4")})
    assert errors == ["g1: 2 patients for 1 seats"]


def test_a_pinned_seat_of_a_patient_left_out_still_counts() -> None:
    """Patient a keeps g1 pinned, so b cannot take it even though a is not scheduled."""
    problem = _problem(_patient("a"), _patient("b"), pinned=(Enrollment(patient="a", offerings={"g1"}),))
    assert checker.check_plan(problem, {"b": ("g1", "g3")}) == ["g1: 2 patients for 1 seats"]
    assert checker.check_plan(problem, {"a": ("g3", "g4")}) == ["a: pinned sessions ['g1'] dropped"]


def test_wrong_hours_and_days_are_rejected() -> None:
    """One group: 3 hours on one day, below 6 hours, 2 days and 2 group sessions."""
    errors = checker.check_plan(_problem(_patient("a")), {"a": ("g1",)})
    assert errors == [
        "a: 180 min a week, below 360",
        "a: 1 days, outside 2–3",
        "a: 1 sessions of group_therapy, outside [2, 3]",
    ]


def test_too_many_hours_are_rejected() -> None:
    """Three groups and an individual session, 9 h 50 min: within 10 h, above 9 h."""
    week = {"a": ("g1", "g3", "g4", "i1")}
    assert checker.check_plan(_problem(_patient("a")), week) == []
    capped = _patient("a", rules=attrs.evolve(RULES, hours_max=9))
    assert checker.check_plan(_problem(capped), week) == ["a: 590 min a week, above 540"]


def test_overlap_and_gap_are_rejected() -> None:
    """g1 and g2 overlap; g3 and i1 are 5 minutes apart, closer than a 10-minute gap."""
    errors = checker.check_plan(_problem(_patient("a")), {"a": ("g1", "g2", "g3")})
    assert "a: g1 and g2 overlap" in errors
    gapped = _patient("a", rules=attrs.evolve(RULES, min_gap_minutes=10))
    errors = checker.check_plan(_problem(gapped), {"a": ("g1", "g3", "i1")})
    assert errors == ["a: g3 and i1 5 min apart, the gap is 10"]


def test_availability_duplicates_and_unknown_ids_are_rejected() -> None:
    """A session outside the availability, one chosen twice, an unknown offering and an unknown patient."""
    problem = _problem(_patient("a"))
    assert "a: e1 outside the availability" in checker.check_plan(problem, {"a": ("g1", "e1")})
    assert "a: a session chosen twice" in checker.check_plan(problem, {"a": ("g1", "g3", "g3")})
    assert "a: unknown offerings ['zz']" in checker.check_plan(problem, {"a": ("g1", "g3", "zz")})
    assert "x: not a patient of the cohort" in checker.check_plan(problem, {"x": ()})


def test_daily_limits_are_rejected() -> None:
    """At most 2 hours a day: a 3-hour group breaks it."""
    capped = _patient("a", rules=attrs.evolve(RULES, max_hours_per_day=2, hours_min=0, components={}, days_min=0))
    assert checker.check_plan(_problem(capped), {"a": ("g1",)}) == ["a: 180 min on day 1, above the daily maximum"]


def test_costs_follow_the_preference_table() -> None:
    """Day cost, explicit cost, avoided day (20) and another time of day (5), recomputed independently."""
    p = _patient(
        "a",
        offering_costs={"g3": 7},
        preferences=Preferences(avoided_days={TUE}, time_of_day=TimeOfDay.AFTERNOON),
    )
    problem = _problem(p)
    # 2 days × 10 + g1 (morning: 5) + g3 (7 + avoided 20 + morning 5)
    assert checker.week_cost(p, [OFFERINGS[0], OFFERINGS[2]]) == 57
    assert checker.week_cost(p, [OFFERINGS[0], OFFERINGS[2]]) == p.week_problem(OFFERINGS).schedule_cost(["g1", "g3"])
    assert checker.plan_cost(problem, {}) == problem.default_unscheduled_cost


def test_a_schedule_with_false_claims_is_rejected() -> None:
    """A wrong total, a wrong assignment cost and a patient neither scheduled nor listed."""
    problem = _problem(_patient("a"), _patient("b"))
    solved = solve_cohort(problem)
    assert checker.check_schedule(problem, solved) == []
    schedule = attrs.evolve(solved, optimal=False, lower_bound=0, capacity_free_bound=0)
    dearer = attrs.evolve(schedule, cost=schedule.cost + 1)
    assert any("the schedule says" in e for e in checker.check_schedule(problem, dearer))
    first = schedule.assignments[0]
    wrong = attrs.evolve(
        schedule,
        assignments=(attrs.evolve(first, cost=first.cost + 1), *schedule.assignments[1:]),
        cost=schedule.cost + 1,
    )
    assert any("the assignment says" in e for e in checker.check_schedule(problem, wrong))
    missing = attrs.evolve(schedule, assignments=schedule.assignments[1:], cost=schedule.cost - first.cost)
    assert f"{first.patient}: neither scheduled nor listed" in checker.check_schedule(problem, missing)


# --- The checker against iopcore's check_cohort on arbitrary plans -------------------------------


@given(data=st.data(), problem=cohort_problems(max_patients=3, max_offerings=6))
def test_the_checker_agrees_with_check_cohort(data: st.DataObject, problem: CohortProblem) -> None:
    """On any plan (random sessions or none per patient) both checkers accept it or both reject it, at the same cost."""
    ids = [o.id for o in problem.offerings]
    plan = {
        p.id: data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=4)) if ids else []
        for p in problem.patients
        if data.draw(st.booleans())
    }
    ours = checker.check_plan(problem, plan)
    cost = checker.plan_cost(problem, plan)
    assignments = tuple(
        Assignment(
            patient=pid, sessions=tuple(s), cost=problem.patient(pid).week_problem(problem.offerings).schedule_cost(s)
        )
        for pid, s in plan.items()
    )
    left_out = tuple(
        Unscheduled(patient=p.id, reason="cost", cost=problem.unscheduled_cost_of(p))
        for p in problem.patients
        if p.id not in plan
    )
    total = sum(a.cost for a in assignments) + sum(u.cost for u in left_out)
    schedule = CohortSchedule(
        assignments=assignments, unscheduled=left_out, cost=total, lower_bound=0, capacity_free_bound=0
    )
    theirs = check_cohort(problem, schedule, deep=False)
    assert (ours == []) == (theirs == ()), (ours, theirs)
    assert cost == total


# --- The CP-SAT model (needs OR-Tools) ------------------------------------------------------------


@pytest.mark.parametrize("ratio", RATIOS)
def test_cpsat_finds_the_proven_optimum(ratio: str) -> None:
    """On tiny cohorts CP-SAT's optimum is iopcore's proven one, and its plan passes the checker."""
    pytest.importorskip("ortools")
    cpsat = _load("cohort_cpsat")
    problem = tiny(ratio)
    answer = cpsat.solve_cpsat(problem, 30.0)
    assert answer.status == "OPTIMAL"
    assert checker.check_plan(problem, answer.plan) == []
    assert checker.plan_cost(problem, answer.plan) == answer.cost
    schedule = solve_cohort(problem)
    if schedule.optimal:
        assert schedule.cost == answer.cost
    assert schedule.cost >= answer.cost


def test_cpsat_handles_pinned_sessions() -> None:
    """A patient pinned to a session keeps it in CP-SAT's plan, and its seat is held."""
    pytest.importorskip("ortools")
    cpsat = _load("cohort_cpsat")
    problem = _problem(_patient("a"), _patient("b"), pinned=(Enrollment(patient="a", offerings={"g1"}),))
    answer = cpsat.solve_cpsat(problem, 10.0)
    assert answer.status == "OPTIMAL"
    assert checker.check_plan(problem, answer.plan) == []
    assert "g1" in answer.plan["a"]
    assert answer.cost == solve_cohort(problem).cost
