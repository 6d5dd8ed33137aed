"""The budget of solve_cohort: a deadline that covers every phase, progress reports, stops at any moment,
reasons left ``not_computed`` and computed later, and answers that do not depend on the problem's order."""

from __future__ import annotations

import itertools
import pickle

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.errors import InvalidDataError
from iopcore.schedule import (
    SOLVER_PHASES,
    CohortProblem,
    CohortProgress,
    CohortSchedule,
    check_cohort,
    explain_unscheduled,
    solve_cohort,
)
from iopcore.serialization import from_dict, to_dict
from iopcore.strategies import cohort_problems
from tests.schedule.builders import HEURISTIC, NO_COLUMNS, brute_force, contended, crowded


class StepClock:
    """A clock that moves *step* seconds at every reading: time passes only when the solver looks."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step
        self.readings = 0

    def __call__(self) -> float:
        self.now += self.step
        self.readings += 1
        return self.now


def test_progress_is_reported_with_a_cost_that_never_rises_and_a_bound_that_never_falls() -> None:
    """Every report is valid (bound <= cost), in phase order, with monotone best values, ending with ``done``."""
    problem = crowded(12, 1)
    seen: list[CohortProgress] = []
    schedule = solve_cohort(problem, work_limit=300, tuning=NO_COLUMNS, progress=seen.append)
    assert len(seen) >= 3
    assert [p.phase for p in seen][-1] == "done"
    assert all(p.lower_bound <= p.cost and p.scheduled <= p.patients == len(problem.patients) for p in seen)
    costs = [p.cost for p in seen]
    bounds = [p.lower_bound for p in seen]
    assert costs == sorted(costs, reverse=True) and bounds == sorted(bounds)
    assert {p.phase for p in seen} <= set(SOLVER_PHASES) and seen[0].phase in ("exact", "first_pass")
    assert [p.phase for p in seen][-2:] == ["reasons", "done"]
    assert (seen[-1].cost, seen[-1].lower_bound, seen[-1].scheduled) == (
        schedule.cost,
        schedule.lower_bound,
        schedule.scheduled,
    )
    assert seen[-1].work == schedule.work and all(p.seconds is None and p.time_limit is None for p in seen)
    assert 0 < seen[-1].fraction <= 1


def test_progress_is_reported_every_few_work_units() -> None:
    """With ``progress_every`` at 10, the reports are never more than 10 work units apart while searches run."""
    problem = crowded(12, 1)
    seen: list[CohortProgress] = []
    solve_cohort(problem, work_limit=200, tuning=attrs.evolve(NO_COLUMNS, progress_every=10), progress=seen.append)
    works = [p.work for p in seen]
    assert max(b - a for a, b in itertools.pairwise(works)) <= 10


@pytest.mark.parametrize("at", [0, 1, 2, 3, 5, 8, 13])
def test_a_progress_callback_can_stop_the_run_at_any_report(at: int) -> None:
    """Stopped at the *at*-th report: the run ends there with a valid plan and a proven bound."""
    problem = crowded(10, 3)
    best = brute_force(problem) if len(problem.patients) <= 4 else solve_cohort(problem, tuning=HEURISTIC).cost
    calls: list[CohortProgress] = []

    def stop(progress: CohortProgress) -> bool:
        calls.append(progress)
        return len(calls) > at

    schedule = solve_cohort(problem, work_limit=400, tuning=attrs.evolve(NO_COLUMNS, progress_every=8), progress=stop)
    assert check_cohort(problem, schedule) == ()
    assert schedule.capacity_free_bound <= schedule.lower_bound <= schedule.cost
    assert schedule.lower_bound <= best
    # After the stop only the reasons' report and the final one come (the reasons are then not computed).
    assert [c.phase for c in calls[at + 1 :]] in (["reasons", "done"], ["done"], [])
    assert calls[-1].phase == "done"
    if len(calls) > at + 1 and calls[at].phase != "reasons":
        assert all(u.reason == "not_computed" for u in schedule.unscheduled)
    full = solve_cohort(problem, work_limit=400, tuning=attrs.evolve(NO_COLUMNS, progress_every=8))
    assert schedule.work <= full.work


@settings(max_examples=30, deadline=None)
@given(cohort_problems(max_patients=3, max_offerings=5), st.integers(0, 12))
def test_a_stop_at_any_report_gives_a_valid_plan_and_a_proven_bound(problem: CohortProblem, at: int) -> None:
    """Anytime: wherever the callback stops the run, the plan passes the checker and the bound holds."""
    calls = 0

    def stop(progress: CohortProgress) -> bool:
        nonlocal calls
        calls += 1
        return calls > at

    schedule = solve_cohort(problem, work_limit=60, tuning=HEURISTIC, progress=stop)
    assert check_cohort(problem, schedule) == ()
    assert schedule.capacity_free_bound <= schedule.lower_bound <= brute_force(problem) <= schedule.cost


@pytest.mark.parametrize("limit", [0.0, 0.005, 0.02, 0.05, 0.2, 1.0])
def test_the_time_limit_covers_every_phase(limit: float) -> None:
    """With a clock that moves at each reading, the run reads it past the deadline only a few times (the
    searches under way then), whatever phase the deadline falls in; the answer passes the checker."""
    problem = crowded(12, 5)
    clock = StepClock(0.0005)
    schedule = solve_cohort(problem, time_limit=limit, clock=clock, tuning=NO_COLUMNS)
    assert check_cohort(problem, schedule) == ()
    assert clock.now <= limit + 0.0005 * 6
    reasons = {u.reason for u in schedule.unscheduled}
    assert reasons <= {"conflict", "capacity", "cost", "not_computed"}


def test_a_deadline_before_the_first_pass_ends_leaves_the_rest_not_computed() -> None:
    """Stopped during the first pass, the patients not reached are left out ``not_computed``, claiming
    nothing; explain_unscheduled computes their reasons later, and the schedule then passes the deep check."""
    problem = contended(9)
    clock = StepClock(0.001)
    schedule = solve_cohort(problem, time_limit=0.012, clock=clock, tuning=HEURISTIC)
    assert check_cohort(problem, schedule) == ()
    waiting = [u for u in schedule.unscheduled if u.reason == "not_computed"]
    assert waiting and all(not u.computed and not u.blocking and not u.conflict for u in waiting)
    assert "not computed" in str(waiting[0])
    explained = explain_unscheduled(schedule, problem)
    assert all(u.computed for u in explained.unscheduled)
    assert check_cohort(problem, explained) == ()
    # The plan stays; the capacity-free bound gains the terms of the patients now explained.
    assert explained.assignments == schedule.assignments and explained.cost == schedule.cost
    assert explained.capacity_free_bound >= schedule.capacity_free_bound
    assert explained.lower_bound >= schedule.lower_bound
    # Patients left out with a week that fits the seats left: the plan could take them.
    assert {u.reason for u in explained.unscheduled} <= {"fits", "capacity", "cost", "conflict"}


def test_explain_unscheduled_within_a_budget_and_for_named_patients() -> None:
    """Named patients are explained (even with a reason already); a spent budget leaves the others as they were."""
    problem = contended(9)
    schedule = solve_cohort(problem, time_limit=0.012, clock=StepClock(0.001), tuning=HEURISTIC)
    waiting = [u.patient for u in schedule.unscheduled if u.reason == "not_computed"]
    assert explain_unscheduled(schedule, problem, time_limit=0, clock=StepClock(0.001)) == schedule
    one = explain_unscheduled(schedule, problem, patient_ids=waiting[:1])
    assert [u.computed for u in one.unscheduled if u.patient in waiting] == [True] + [False] * (len(waiting) - 1)
    done = explain_unscheduled(one, problem)
    assert explain_unscheduled(done, problem) is done  # nothing left to compute


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"patient_ids": "p1"}, "$.patient_ids"),
        ({"patient_ids": ["nobody"]}, "$.patient_ids[0]"),
        ({"patient_ids": [3]}, "$.patient_ids[0]"),
        ({"time_limit": -1.0, "clock": lambda: 0.0}, "$.time_limit"),
        ({"time_limit": 1.0}, "$.clock"),
        ({"clock": 3}, "$.clock"),
    ],
)
def test_explain_unscheduled_refuses_bad_arguments_at_their_path(kwargs: dict[str, object], path: str) -> None:
    """Each bad argument is refused, naming it."""
    problem = contended(6)
    schedule = solve_cohort(problem, work_limit=0, tuning=HEURISTIC)
    with pytest.raises(InvalidDataError) as info:
        explain_unscheduled(schedule, problem, **kwargs)  # type: ignore[arg-type]
    assert info.value.paths == (path,)
    with pytest.raises(InvalidDataError):
        explain_unscheduled(problem, schedule)  # type: ignore[arg-type]


def test_a_schedule_with_reasons_not_computed_is_a_plain_value() -> None:
    """No hidden work: equality, serialization and pickling of a schedule stopped early are exact and cheap."""
    problem = contended(9)
    schedule = solve_cohort(problem, time_limit=0.012, clock=StepClock(0.001), tuning=HEURISTIC)
    assert any(u.reason == "not_computed" for u in schedule.unscheduled)
    assert pickle.loads(pickle.dumps(schedule)) == schedule
    assert from_dict(CohortSchedule, to_dict(schedule)) == schedule
    assert hash(schedule) == hash(pickle.loads(pickle.dumps(schedule)))


@settings(max_examples=40, deadline=None)
@given(cohort_problems(max_patients=4, max_offerings=6), st.randoms(use_true_random=False), st.integers(0, 40))
def test_under_a_work_limit_the_answer_does_not_depend_on_the_problems_order(
    problem: CohortProblem, rnd: object, work: int
) -> None:
    """Patients and offerings shuffled: the same cost, bound, assignments and reasons (by id)."""
    import random

    assert isinstance(rnd, random.Random)
    patients, offerings = list(problem.patients), list(problem.offerings)
    rnd.shuffle(patients)
    rnd.shuffle(offerings)
    shuffled = attrs.evolve(problem, patients=tuple(patients), offerings=tuple(offerings))
    for tuning in (HEURISTIC, NO_COLUMNS):
        a = solve_cohort(problem, work_limit=work, tuning=tuning)
        b = solve_cohort(shuffled, work_limit=work, tuning=tuning)
        assert (a.cost, a.lower_bound, a.capacity_free_bound, a.work) == (
            b.cost,
            b.lower_bound,
            b.capacity_free_bound,
            b.work,
        )
        assert {x.patient: x for x in a.assignments} == {x.patient: x for x in b.assignments}
        assert {x.patient: x for x in a.unscheduled} == {x.patient: x for x in b.unscheduled}
        assert [x.patient for x in b.assignments] == [p.id for p in patients if b.assignment(p.id) is not None]


def test_a_larger_cohort_shuffled_gets_the_same_plan() -> None:
    """On a crowded cohort where the search goes through every phase, shuffling changes nothing but the order."""
    problem = crowded(12, 5)
    reordered = attrs.evolve(problem, patients=problem.patients[::-1], offerings=problem.offerings[::-1])
    for tuning in (HEURISTIC, NO_COLUMNS):
        a = solve_cohort(problem, work_limit=300, seed=4, tuning=tuning)
        b = solve_cohort(reordered, work_limit=300, seed=4, tuning=tuning)
        assert {x.patient: x.sessions for x in a.assignments} == {x.patient: x.sessions for x in b.assignments}
        assert (a.cost, a.lower_bound, a.work) == (b.cost, b.lower_bound, b.work)


def test_progress_argument_is_checked() -> None:
    """A progress callback that is not callable is refused at its path."""
    with pytest.raises(InvalidDataError) as info:
        solve_cohort(contended(2), progress=3)  # type: ignore[arg-type]
    assert info.value.paths == ("$.progress",)


def test_a_progress_value_checks_its_fields() -> None:
    """A progress report with the bound above the cost, or an unknown phase, is refused."""
    base = {"phase": "improve", "work": 1, "work_limit": 2, "cost": 5, "lower_bound": 3, "scheduled": 1, "patients": 2}
    assert CohortProgress(**base).fraction == 0.5  # type: ignore[arg-type]
    assert CohortProgress(**{**base, "seconds": 3.0, "time_limit": 4.0}).fraction == 0.75  # type: ignore[arg-type]
    for bad, path in (
        ({"lower_bound": 6}, "$.lower_bound"),
        ({"phase": "nap"}, "$.phase"),
        ({"scheduled": 3}, "$.scheduled"),
    ):
        with pytest.raises(InvalidDataError) as info:
            CohortProgress(**{**base, **bad})  # type: ignore[arg-type]
        assert info.value.paths == (path,)
