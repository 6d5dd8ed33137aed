"""The context of a run: a prepared group is its patient's single-patient problem over its usable offerings."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.schedule import CohortProblem, check
from iopcore.schedule._cohort_solver.state import build_context
from iopcore.schedule._week_solver.candidates import candidates, limits
from iopcore.strategies import cohort_problems


@settings(max_examples=60, deadline=None)
@given(cohort_problems(max_patients=4, max_offerings=10, max_days=4), st.data())
def test_a_prepared_group_is_its_patients_problem_over_every_offering(
    problem: CohortProblem, data: st.DataObject
) -> None:
    """The candidates, limits and pinned week built from the usable offerings alone, without re-validating,
    are those of the patient's validated problem over all the cohort's offerings (in the context's order),
    and a week of candidates is judged alike by both problems."""
    ctx = build_context(problem)
    for group in ctx.groups:
        whole = group.patient.week_problem(ctx.offerings)  # the public, validating way
        assert group.cands == candidates(whole)
        assert group.lim == limits(whole)
        assert group.offering == tuple(ctx.position[o.id] for o in group.cands.offerings)
        assert group.usable == len(group.cands.offerings)
        pins = group.pinned_ids
        local = {o.id: i for i, o in enumerate(group.cands.offerings)}
        assert group.pinned == frozenset(local[o] for o in pins if o in local)
        assert group.pinned_week == (bool(pins) and pins <= set(local) and not check(whole, sorted(pins)))
        assert group.usable_problem is not None
        ids = [o.id for o in group.cands.offerings]
        week = data.draw(st.lists(st.sampled_from(ids), unique=True) if ids else st.just([]))
        assert check(group.usable_problem, week) == check(whole, week)
