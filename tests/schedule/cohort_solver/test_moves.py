"""Moves that improve a plan: ejection repair, best responses, refills and exact subset moves, never dearer."""

from __future__ import annotations

import attrs
from hypothesis import given, settings

from iopcore.schedule import CohortPatient, CohortProblem, ComponentBound, WeekRules, check, solve_cohort
from iopcore.schedule._cohort_solver.greedy import greedy_pass
from iopcore.schedule._cohort_solver.moves import (
    best_responses,
    best_subset_placement,
    ejection_repair,
    refill_full_offerings,
    subset_moves,
)
from iopcore.schedule._cohort_solver.state import (
    SplitMix64,
    free_seats,
    placement_order,
    plan_cost,
    week_cost,
)
from iopcore.strategies import cohort_problems
from iopcore.times import Weekday, WeeklyAvailability
from tests.schedule.builders import (
    MON,
    NO_COLUMNS,
    ONE_SESSION,
    TUE,
    WED,
    brute_force,
    crowded,
    offering,
    prepared,
    small_cohort,
)


def test_repair_moves_a_holder_to_admit_a_patient_left_out() -> None:
    """Ann holds ``a`` but could use ``b``; Bob can only use ``a``: the repair moves Ann and admits Bob."""
    problem = small_cohort()
    ctx = prepared(problem)
    ann = ctx.groups[ctx.of_patient[0]]
    a = next(i for i, o in enumerate(ann.cands.offerings) if o.id == "a")
    plan: list[tuple[int, ...] | None] = [(a,), None]
    ejection_repair(ctx, plan)
    assert plan[1] is not None and plan[0] is not None and plan[0] != (a,)


def test_repair_exchanges_a_cheap_to_leave_holder_for_a_dear_one() -> None:
    """Both can only use ``a``; the holder is cheap to leave out, the other dear: they are exchanged."""
    base = small_cohort()
    only_a = WeeklyAvailability.daily("08:00", "12:00", days=[MON])
    problem = attrs.evolve(
        base,
        patients=(
            CohortPatient(id="ann", rules=ONE_SESSION, availability=only_a, unscheduled_cost=1),
            CohortPatient(id="bob", rules=ONE_SESSION, availability=only_a, unscheduled_cost=50),
        ),
    )
    ctx = prepared(problem)
    plan: list[tuple[int, ...] | None] = [ctx.groups[ctx.of_patient[0]].own, None]
    ejection_repair(ctx, plan)
    assert plan[0] is None and plan[1] is not None


def test_repair_undoes_moves_when_a_second_holder_cannot_move() -> None:
    """Cat needs ``a`` and ``b``; Ann could leave ``a`` but Bob cannot leave ``b``: nothing changes."""
    offs = (
        offering("a", MON, "09:00", "10:00"),
        offering("b", TUE, "09:00", "10:00"),
        offering("c", WED, "09:00", "10:00"),
    )
    two = WeekRules(components={"group_therapy": ComponentBound(min=2, max=2)})
    problem = CohortProblem(
        offerings=offs,
        patients=(
            CohortPatient(
                id="ann", rules=ONE_SESSION, availability=WeeklyAvailability.daily("08:00", "12:00", days=[MON, WED])
            ),
            CohortPatient(
                id="bob", rules=ONE_SESSION, availability=WeeklyAvailability.daily("08:00", "12:00", days=[TUE])
            ),
            CohortPatient(
                id="cat", rules=two, availability=WeeklyAvailability.daily("08:00", "12:00", days=[MON, TUE])
            ),
        ),
    )
    ctx = prepared(problem)
    index = {o.id: i for i, o in enumerate(ctx.groups[ctx.of_patient[0]].cands.offerings)}
    plan: list[tuple[int, ...] | None] = [(index["a"],), ctx.groups[ctx.of_patient[1]].own, None]
    before = list(plan)
    ejection_repair(ctx, plan)
    assert plan == before


def test_a_stop_in_the_middle_of_a_repair_never_returns_a_dearer_plan() -> None:
    """An ejection move moves one holder before the next; stopped between, the dearer half-move is not kept."""
    offs = tuple(
        offering(oid, day, "09:00", "10:00")
        for oid, day in (("s1", MON), ("s2", TUE), ("f1", WED), ("f2", Weekday.THURSDAY))
    )
    one = WeekRules(hours_min=1, components={"group_therapy": ComponentBound(min=1, max=1)})
    two = WeekRules(hours_min=2, days_min=2, components={"group_therapy": ComponentBound(min=2, max=2)})

    def on(*days: Weekday) -> WeeklyAvailability:
        return WeeklyAvailability.daily("08:00", "12:00", days=list(days))

    problem = CohortProblem(
        offerings=offs,
        patients=(
            # p1 and p2 each take one of the two seats q needs (they come first, on ties by position)
            # and have a fallback at 5; q is left out by the greedy pass.
            CohortPatient(id="p1", rules=one, availability=on(MON, WED), offering_costs={"f1": 5}),
            CohortPatient(id="p2", rules=one, availability=on(TUE, Weekday.THURSDAY), offering_costs={"f2": 5}),
            CohortPatient(id="q", rules=two, availability=on(MON, TUE)),
        ),
        unscheduled_cost=100,
    )
    costs = [solve_cohort(problem, work_limit=w, tuning=NO_COLUMNS).cost for w in range(16)]
    assert costs[0] == 100  # the first pass: q left out
    assert all(c <= costs[0] for c in costs)
    assert costs[-1] == brute_force(problem) == 10


def test_best_responses_move_a_patient_to_a_cheaper_free_week() -> None:
    """Ann on the dearer ``b`` while ``a`` is free: a best response moves her to ``a``."""
    problem = attrs.evolve(small_cohort(), patients=(small_cohort().patients[0],))
    ctx = prepared(problem)
    index = {o.id: i for i, o in enumerate(ctx.groups[0].cands.offerings)}
    plan: list[tuple[int, ...] | None] = [(index["b"],)]
    best_responses(ctx, plan)
    assert plan == [(index["a"],)]


def test_refilling_a_full_offering_in_some_order_admits_everyone() -> None:
    """Refilling ``a`` in some random order places Bob on ``a`` and Ann on ``b``; worse orders are undone."""
    problem = small_cohort()
    kept = []
    for seed in range(8):
        ctx = prepared(problem)
        ann = ctx.groups[ctx.of_patient[0]]
        plan: list[tuple[int, ...] | None] = [ann.own, None]
        refill_full_offerings(ctx, plan, SplitMix64(seed))
        assert plan[0] is not None
        kept.append(plan[1] is not None)
    assert any(kept)


@settings(max_examples=40)
@given(cohort_problems(max_patients=3, max_offerings=6))
def test_subset_branch_and_bound_over_everyone_is_exact(problem: CohortProblem) -> None:
    """The conflict-directed search over every patient feasible alone finds the exhaustive optimum, within seats."""
    ctx = prepared(problem)
    groups = [ctx.groups[g] for g in ctx.of_patient]
    placeable = [p for p, g in enumerate(groups) if g.own is not None]
    found = best_subset_placement(ctx, placeable, ctx.residual, 10**6, 10**9)
    assert found is not None
    cost, chosen = found
    left_out = sum(g.unscheduled for g in groups if g.own is None)
    assert cost + left_out == brute_force(problem)
    seats = list(ctx.residual)
    total = 0
    for p, week in zip(placeable, chosen, strict=True):
        group = groups[p]
        if week is None:
            total += group.unscheduled
            continue
        ids = [group.cands.offerings[i].id for i in week]
        assert check(group.week_problem(ctx.offerings), ids) == ()
        assert problem.pinned_for(ctx.patients[p].id) <= set(ids)
        total += week_cost(group, week)
        for i in week:
            if i not in group.pinned:
                seats[group.offering[i]] -= 1
    assert total == cost
    assert min(seats, default=0) >= 0


def test_subset_branch_and_bound_gives_up_at_its_node_limit_or_its_cost_limit() -> None:
    """Out of nodes, or with nothing as cheap as asked, the subset search answers None; else the optimum."""
    ctx = prepared(small_cohort())
    assert best_subset_placement(ctx, [0, 1], ctx.residual, 0, 100) is None
    found = best_subset_placement(ctx, [0, 1], ctx.residual, 10, 100)
    assert found is not None
    assert found[0] == 5  # bob keeps the only seat of a, ann pays 5 for b
    assert best_subset_placement(ctx, [0, 1], ctx.residual, 10, 5) == found
    assert best_subset_placement(ctx, [0, 1], ctx.residual, 10, 4) is None  # nothing that cheap


def test_subset_moves_stop_at_their_work_share_and_never_make_a_plan_dearer() -> None:
    """With no work to spend no move runs; with work, moves keep the plan valid and no dearer."""
    problem = crowded(10, 1)
    ctx = prepared(problem)
    plan = greedy_pass(ctx, placement_order(ctx, None), None)
    cost = plan_cost(ctx, plan)
    same = list(plan)
    assert subset_moves(ctx, same, SplitMix64(0), 10, 3, 0) is False
    assert same == plan
    moved = list(plan)
    better = subset_moves(ctx, moved, SplitMix64(0), 40, 3, 10**6)
    assert plan_cost(ctx, moved) <= cost
    assert better == (plan_cost(ctx, moved) < cost)
    assert min(free_seats(ctx, moved)) >= 0
