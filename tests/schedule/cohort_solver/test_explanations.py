"""Why patients are left out: their own conflict, the seats that would admit them, or cost."""

from __future__ import annotations

import attrs

from iopcore.schedule import (
    CohortPatient,
    CohortProblem,
    ComponentBound,
    Enrollment,
    WeekRules,
    check_cohort,
    solve_cohort,
)
from iopcore.schedule._cohort_solver.bounds import capacity_free_bound
from iopcore.schedule._cohort_solver.explanations import capacity_free_bound_and_reasons
from tests.schedule.builders import HEURISTIC, MON, ONE_SESSION, TUE, offering, small_cohort


def test_capacity_blocked_patient_gets_blocking_offerings_and_seats_needed() -> None:
    """Bob can only use ``a``; Ann moves to ``b``; with ``b`` closed one of them waits for a seat on ``a``."""
    problem = small_cohort()
    schedule = solve_cohort(problem)
    assert {a.patient: a.sessions for a in schedule.assignments} == {"ann": ("b",), "bob": ("a",)}
    assert schedule.optimal
    closed = attrs.evolve(problem, offerings=(problem.offerings[0], attrs.evolve(problem.offerings[1], seats=0)))
    blocked = solve_cohort(closed)
    (out,) = blocked.unscheduled
    assert (out.reason, out.blocking, dict(out.needed)) == ("capacity", ("a",), {"a": 1})
    assert "a +1" in str(out)
    view = blocked.occupancy(closed)
    assert [(r.offering, r.taken, r.full, r.waiting) for r in view.rows] == [
        ("a", 1, True, (out.patient,)),
        ("b", 0, True, ()),
    ]


def test_infeasible_alone_patient_gets_their_own_conflict() -> None:
    """A patient whose rules conflict is left out with their minimal conflict of groups."""
    problem = attrs.evolve(
        small_cohort(),
        patients=(CohortPatient(id="cat", rules=WeekRules(hours_min=30)),),
    )
    (out,) = solve_cohort(problem).unscheduled
    assert (out.reason, out.conflict) == ("conflict", ("hours_min",))
    assert "hours_min" in str(out)


def test_patient_cheaper_to_leave_out_is_left_out_for_cost() -> None:
    """A patient whose unscheduled cost is below every week's cost is left out, reason ``cost``."""
    problem = attrs.evolve(small_cohort(), unscheduled_cost=0)
    schedule = solve_cohort(problem)
    assert [u.reason for u in schedule.unscheduled] == ["cost", "cost"]
    assert schedule.cost == 0 and "cheaper" in str(schedule.unscheduled[0])


def test_pinned_session_outside_availability_leaves_the_patient_out_with_seat_held() -> None:
    """A pinned session the patient cannot attend makes them infeasible alone; the seat stays theirs."""
    base = small_cohort()
    problem = attrs.evolve(base, pinned=(Enrollment(patient="bob", offerings=frozenset({"b"})),))
    schedule = solve_cohort(problem)
    (out,) = schedule.unscheduled
    assert (out.patient, out.reason, out.conflict) == ("bob", "conflict", ("pinned",))
    assert check_cohort(problem, schedule, deep=False) == ()
    assert schedule.occupancy(problem).rows[1].patients == ("bob",)


def test_pinned_patient_short_of_a_week_waits_for_the_seat_another_pin_holds() -> None:
    """Pinned on ``a`` but needing a second session, only on ``b``, which another patient keeps: capacity."""
    offs = (offering("a", MON, "09:00", "10:00", seats=2), offering("b", TUE, "09:00", "10:00"))
    two = WeekRules(components={"group_therapy": ComponentBound(min=2, max=2)})
    problem = CohortProblem(
        offerings=offs,
        patients=(CohortPatient(id="p", rules=two), CohortPatient(id="q", rules=ONE_SESSION)),
        pinned=(
            Enrollment(patient="p", offerings=frozenset({"a"})),
            Enrollment(patient="q", offerings=frozenset({"b"})),
        ),
    )
    schedule = solve_cohort(problem, tuning=HEURISTIC)
    assert check_cohort(problem, schedule) == ()
    (out,) = schedule.unscheduled
    assert (out.patient, out.reason, out.blocking) == ("p", "capacity", ("b",))


def test_capacity_free_bound_and_explanations_are_available_to_other_backends() -> None:
    """The bound and the reasons can be computed for any assignment."""
    problem = small_cohort()
    assert capacity_free_bound(problem) == 0
    free, (out,) = capacity_free_bound_and_reasons(problem, {"bob": ("a",)})
    # Ann's week on b fits the seat left, and costs 5 < her unscheduled cost: the plan could take her.
    assert (free, out.patient, out.reason) == (0, "ann", "fits")
