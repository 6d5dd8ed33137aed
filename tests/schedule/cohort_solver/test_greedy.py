"""First passes: patients worth placing get a week in the seats left; swap repairs in large cohorts."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.schedule import (
    DEFAULT_TUNING,
    CohortPatient,
    CohortProblem,
    Offering,
    check,
    check_cohort,
    explain_unscheduled,
    solve_cohort,
)
from iopcore.schedule._cohort_solver.bounds import solve_alone
from iopcore.schedule._cohort_solver.greedy import (
    _swap_closed_sessions,
    borrow_weeks,
    finish_first_pass,
    greedy_pass,
    overdemanded,
)
from iopcore.schedule._cohort_solver.state import (
    Group,
    build_context,
    free_seats,
    placement_order,
    plan_cost,
    week_cost,
)
from iopcore.strategies import cohort_problems
from iopcore.times import WeeklyAvailability
from tests.schedule.builders import (
    HEURISTIC,
    MON,
    ONE_SESSION,
    TUE,
    WED,
    brute_force,
    contended,
    offering,
    prepared,
    small_cohort,
)


def test_patients_cheaper_left_out_are_skipped_by_the_greedy_pass() -> None:
    """With a zero unscheduled cost nobody is worth placing, on the heuristic path too."""
    problem = attrs.evolve(contended(4), unscheduled_cost=0)
    schedule = solve_cohort(problem, tuning=HEURISTIC)
    assert schedule.scheduled == 0 and schedule.cost == 0 and schedule.optimal


def test_identical_patients_share_a_week_while_it_has_seats() -> None:
    """Identical patients reuse one search per pass while their week keeps seats; all fit."""
    offs = tuple(offering(f"g{d.value}", d, "09:00", "10:00", seats=3) for d in (MON, TUE))
    problem = CohortProblem(
        offerings=offs, patients=tuple(CohortPatient(id=f"p{i}", rules=ONE_SESSION) for i in range(3))
    )
    schedule = solve_cohort(problem, tuning=HEURISTIC)
    # One search for their week alone, which the three patients share (a cohort this small skips the
    # pass on the least crowded offerings: column generation follows instead).
    assert schedule.scheduled == 3 and schedule.optimal and schedule.work == 1


@settings(max_examples=25)
@given(cohort_problems(min_patients=2, max_patients=3, max_offerings=6))
def test_swap_repairs_in_large_cohort_mode_stay_valid_and_bounded(problem: CohortProblem) -> None:
    """With week repair by swaps (the large-cohort mode) answers stay valid and the bound proven."""
    schedule = solve_cohort(problem, work_limit=30, tuning=attrs.evolve(HEURISTIC, swap_from_patients=0))
    assert check_cohort(problem, schedule) == ()
    assert schedule.lower_bound <= brute_force(problem) <= schedule.cost


def test_swap_replaces_a_full_session_by_an_open_one_of_the_same_component() -> None:
    """In large-cohort mode a week on a full offering is repaired by swapping in an open twin."""
    problem = contended(6)
    schedule = solve_cohort(problem, work_limit=0, tuning=attrs.evolve(HEURISTIC, swap_from_patients=0))
    assert check_cohort(problem, schedule) == ()
    assert schedule.scheduled >= 3


def _ann_with_a_day_cost() -> CohortProblem:
    """:func:`small_cohort` with a day cost of 10 for ann: her cheapest week (``a``) costs 10, ``b`` 15."""
    problem = small_cohort()
    ann, bob = problem.patients
    return attrs.evolve(problem, patients=(attrs.evolve(ann, day_cost=10), bob))


def test_over_demanded_offerings_are_those_the_cheapest_weeks_alone_ask_too_many_seats_of() -> None:
    """Both patients' cheapest week alone is on ``a`` (one seat): ``a`` is over-demanded, ``b`` is not."""
    ctx = prepared(_ann_with_a_day_cost())
    assert overdemanded(ctx) == frozenset({ctx.position["a"]})


def test_a_pass_avoiding_over_demanded_offerings_leaves_them_to_patients_without_alternatives() -> None:
    """Placed first, ann takes ``a`` in a plain pass and bob is left out; steered off ``a`` she takes
    ``b`` (15, within ``1 + avoid_slack`` of her 10) and bob gets ``a``; with a slack of 20 % she stays."""
    problem = _ann_with_a_day_cost()
    ctx = prepared(problem)
    ann, bob = (ctx.index.index(i) for i in range(2))  # the context's indices of the problem's patients
    order = [ann, bob]
    plain = greedy_pass(ctx, order, None)
    assert plain[bob] is None and plain[ann] is not None
    steered = greedy_pass(ctx, order, None, avoid=overdemanded(ctx))
    assert steered[ann] is not None and steered[bob] is not None
    assert {ctx.groups[ctx.of_patient[ann]].offering[i] for i in steered[ann]} == {ctx.position["b"]}
    tight = prepared(problem, attrs.evolve(DEFAULT_TUNING, avoid_slack=0.2))
    assert greedy_pass(tight, order, None, avoid=overdemanded(tight))[bob] is None


def _swapped_by_checks_alone(
    offerings: tuple[Offering, ...], group: Group, week: tuple[int, ...], closed: set[int], options: int
) -> tuple[int, ...] | None:
    """The swap repair as documented, every trial judged by the full check alone (the oracle)."""
    cands = group.cands
    whole = group.patient.week_problem(offerings)
    current = list(week)
    for pos, i in enumerate(week):
        if i in group.pinned or group.offering[i] not in closed:
            continue
        choices = sorted(
            (
                j
                for j in range(len(cands.offerings))
                if cands.component[j] == cands.component[i] and group.offering[j] not in closed and j not in current
            ),
            key=lambda j: (cands.cost[j], j),
        )[:options]
        for j in choices:
            trial = [*current[:pos], j, *current[pos + 1 :]]
            if not check(whole, [cands.offerings[x].id for x in trial]):
                current = trial
                break
        else:
            return None
    return tuple(sorted(current))


@settings(max_examples=80, deadline=None)
@given(cohort_problems(max_patients=3, max_offerings=16, max_days=5), st.data())
def test_swap_repair_skips_only_trials_the_check_would_refuse(problem: CohortProblem, data: st.DataObject) -> None:
    """The swap repair's quick tests (clashes on the day, a day too many) only skip trials the full check
    refuses: its repairs are those of trying every option with the check alone."""
    ctx = build_context(problem)
    for group in ctx.groups:
        solve_alone(ctx, group)
        if group.own is None or not group.own:
            continue
        # Close some of the week's own offerings (each then needs a swap) and maybe others.
        own = [group.offering[i] for i in group.own]
        closed = set(data.draw(st.lists(st.sampled_from(own), min_size=1)))
        closed |= set(data.draw(st.lists(st.sampled_from(group.offering))))
        options = data.draw(st.integers(1, 8))
        expected = _swapped_by_checks_alone(ctx.offerings, group, group.own, closed, options)
        assert _swap_closed_sessions(ctx, group, group.own, closed, options) == expected


def _distinct(n: int) -> CohortProblem:
    """*n* patients with the rules of :func:`contended`, their own availability (two or three days each) and
    five times the seats."""
    base = contended(n)
    base = attrs.evolve(base, offerings=tuple(attrs.evolve(o, seats=5 * o.seats) for o in base.offerings))
    days = (MON, TUE, WED)
    patients = tuple(
        attrs.evolve(
            p,
            availability=WeeklyAvailability.daily(
                "08:00", ("16:00", "14:00", "12:00")[i % 3], days=[d for j, d in enumerate(days) if j != i % 4]
            ),
        )
        for i, p in enumerate(base.patients)
    )
    return attrs.evolve(base, patients=patients)


@settings(max_examples=30)
@given(cohort_problems(min_patients=2, max_patients=6, max_offerings=8, pinned=False), st.integers(0, 6))
def test_borrowed_weeks_are_weeks_of_the_borrower_within_seats_and_finishing_keeps_them_valid(
    problem: CohortProblem, solved: int
) -> None:
    """A borrowed week passes the borrower's own single-patient check, fits the seats and is worth taking;
    the first pass finished after it solves every group and never makes the plan dearer."""
    ctx = prepared(problem, HEURISTIC)
    for group in ctx.groups:
        group.solved, group.own, group.cheapest = False, None, []
    order = placement_order(ctx, None)
    plan: list[tuple[int, ...] | None] = [None] * len(order)
    greedy_pass(ctx, order[:solved], None, plan=plan)
    rest = [p for p in order if not ctx.groups[ctx.of_patient[p]].solved]
    borrow_weeks(ctx, plan, rest)
    assert all(r >= 0 for r, seats in zip(free_seats(ctx, plan), ctx.residual, strict=True) if seats >= 0)
    for p in rest:
        chosen = plan[p]
        if chosen is None:
            continue
        group = ctx.groups[ctx.of_patient[p]]
        assert not group.solved and week_cost(group, chosen) < group.unscheduled
        problem_alone = group.patient.week_problem(tuple(group.cands.offerings))
        assert check(problem_alone, [group.cands.offerings[i].id for i in chosen]) == ()
    borrowed_cost = plan_cost(ctx, plan)
    finish_first_pass(ctx, plan, rest)
    assert all(group.solved for group in ctx.groups)
    assert plan_cost(ctx, plan) <= borrowed_cost
    assert all(r >= 0 for r, seats in zip(free_seats(ctx, plan), ctx.residual, strict=True) if seats >= 0)


@pytest.mark.parametrize("limit", [0.02, 0.04, 0.08, 0.5])
def test_a_first_pass_short_of_time_borrows_weeks_and_the_schedule_says_whose_week_alone_is_unknown(
    limit: float,
) -> None:
    """Stopped in the first pass with weeks borrowed (a clock that moves at each reading), the plan passes the
    deep check (whose capacity-free bound leaves out the patients listed in ``alone_not_computed``, all of
    them scheduled); with time enough nobody is listed."""
    problem = _distinct(12)
    plain = solve_cohort(problem, time_limit=limit, clock=StepClock(0.001), tuning=_NO_BORROWING)
    schedule = solve_cohort(problem, time_limit=limit, clock=StepClock(0.001), tuning=HEURISTIC)
    assert check_cohort(problem, schedule) == () and check_cohort(problem, plain) == ()
    assert set(schedule.alone_not_computed) <= {a.patient for a in schedule.assignments}
    assert not plain.alone_not_computed
    if limit <= 0.04:  # stopped while some patients hold borrowed weeks
        assert schedule.alone_not_computed
    if limit == 0.5:  # time enough: every week alone computed
        assert not schedule.alone_not_computed
    explained = explain_unscheduled(schedule, problem)
    assert check_cohort(problem, explained) == () and explained.alone_not_computed == schedule.alone_not_computed


def test_without_a_time_limit_the_first_pass_never_borrows() -> None:
    """Under a work limit alone the first pass is the plain one: the answer does not depend on the machine."""
    problem = _distinct(12)
    assert solve_cohort(problem, work_limit=0, tuning=HEURISTIC) == solve_cohort(
        problem, work_limit=0, tuning=_NO_BORROWING
    )


_NO_BORROWING = attrs.evolve(HEURISTIC, first_pass_share=1.0)


class StepClock:
    """A clock that moves *step* seconds at every reading."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now
