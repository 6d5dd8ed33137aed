"""The independent cohort checker: every broken rule is reported, deep checks re-derive bounds and reasons."""

from __future__ import annotations

import attrs
import pytest

from iopcore.errors import InvalidDataError
from iopcore.schedule import (
    Assignment,
    CohortPatient,
    CohortSchedule,
    CohortViolation,
    Enrollment,
    Unscheduled,
    WeekRules,
    check_cohort,
    solve_cohort,
)
from tests.schedule.builders import small_cohort


def test_check_cohort_reports_every_broken_rule() -> None:
    """Capacity, pinned, missing, unknown and duplicate patients, costs, bounds and reasons are all caught."""
    problem = attrs.evolve(small_cohort(), pinned=(Enrollment(patient="ann", offerings=frozenset({"b"})),))
    bad = CohortSchedule(
        assignments=(
            Assignment(patient="ann", sessions=("a",), cost=3),
            Assignment(patient="ghost", sessions=("a",), cost=0),
        ),
        unscheduled=(Unscheduled(patient="bob", reason="conflict", cost=1),),
        cost=50,
        lower_bound=5,
        capacity_free_bound=5,
    )
    groups = {v.group for v in check_cohort(problem, bad)}
    assert {"unknown_patient", "pinned", "cost", "capacity", "reason"} <= groups
    missing = CohortSchedule(assignments=(), cost=0, lower_bound=0, capacity_free_bound=0)
    assert {v.group for v in check_cohort(problem, missing)} == {"missing_patient"}
    twice = CohortSchedule(
        assignments=(Assignment(patient="bob", sessions=("a",)),),
        unscheduled=(),
        cost=0,
        lower_bound=0,
        capacity_free_bound=0,
    )
    dup = attrs.evolve(twice, assignments=(*twice.assignments,))
    assert "missing_patient" in {v.group for v in check_cohort(problem, dup)}
    assert str(CohortViolation(group="cost", message="m")) == "cost: m"


def test_check_cohort_deep_flags_a_wrong_capacity_free_bound_and_reason() -> None:
    """With ``deep``, the capacity-free bound and conflict reasons are re-derived."""
    problem = small_cohort()
    good = solve_cohort(problem)
    wrong = attrs.evolve(good, capacity_free_bound=1, lower_bound=1, optimal=False)
    assert {v.group for v in check_cohort(problem, wrong)} == {"bound"}
    cat = CohortPatient(id="cat", rules=WeekRules(hours_min=30))
    conflicted = attrs.evolve(problem, patients=(*problem.patients, cat))
    schedule = solve_cohort(conflicted)
    lying = attrs.evolve(
        schedule,
        unscheduled=tuple(attrs.evolve(u, reason="cost", conflict=()) for u in schedule.unscheduled),
    )
    assert {v.group for v in check_cohort(conflicted, lying)} == {"reason"}


def test_non_problem_is_rejected() -> None:
    """Only a CohortProblem can be solved or checked."""
    with pytest.raises(InvalidDataError):
        solve_cohort("cohort")  # type: ignore[arg-type]
    with pytest.raises(InvalidDataError):
        check_cohort("cohort", solve_cohort(small_cohort()))  # type: ignore[arg-type]
    with pytest.raises(InvalidDataError):
        check_cohort(small_cohort(), "schedule")  # type: ignore[arg-type]
