"""Lower bounds of the cohort solver, against exhaustive search."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.schedule import CohortPatient, CohortProblem, solve_cohort
from iopcore.schedule._cohort_solver.bounds import capacity_free_bound, counting_bound, lagrangian_bound
from iopcore.strategies import cohort_problems
from iopcore.times import WeeklyAvailability
from tests.schedule.builders import MON, ONE_SESSION, TUE, brute_force, offering, prepared


def test_counting_bound_charges_the_patients_who_compete_not_the_cheapest_anywhere() -> None:
    """Two patients can only use one seat: one of them is left out, at their cost, not at a bystander's."""
    rules = ONE_SESSION
    offs = (offering("a", MON, "09:00", "10:00"), offering("b", TUE, "09:00", "10:00", seats=5))
    monday = WeeklyAvailability.daily("08:00", "12:00", days=[MON])
    tuesday = WeeklyAvailability.daily("08:00", "12:00", days=[TUE])
    problem = CohortProblem(
        offerings=offs,
        patients=(
            CohortPatient(id="x1", rules=rules, availability=monday),
            CohortPatient(id="x2", rules=rules, availability=monday),
            CohortPatient(id="y", rules=rules, availability=tuesday, offering_costs={"b": 90}),
        ),
        unscheduled_cost=100,
    )
    ctx = prepared(problem)
    free = capacity_free_bound(problem)
    assert free == 90
    # Leaving out y would cost only 100 - 90 = 10 more, but y competes with nobody: x1 or x2 pays 100.
    assert counting_bound(ctx, free) == free + 100 == brute_force(problem)
    assert solve_cohort(problem).lower_bound == 190


@settings(max_examples=40)
@given(cohort_problems(max_patients=3, max_offerings=5), st.data())
def test_every_bound_is_at_most_the_exhaustive_optimum(problem: CohortProblem, data: st.DataObject) -> None:
    """Capacity-free <= counting <= optimum; the Lagrangian bound is the capacity-free one at zero prices and
    never above the optimum at any prices."""
    ctx = prepared(problem)
    best = brute_force(problem)
    free = capacity_free_bound(problem)
    assert free <= counting_bound(ctx, free) <= best
    scale, n = ctx.tuning.price_scale, len(ctx.residual)
    assert lagrangian_bound(ctx, [0] * n, {}, scale)[0] == scale * free
    prices = data.draw(st.lists(st.integers(0, 60 * scale), min_size=n, max_size=n))
    value, _ = lagrangian_bound(ctx, prices, {}, scale)
    assert -(-value // scale) <= best
