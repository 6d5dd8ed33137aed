"""Rolling admission: nobody moves, the new patient gets the cheapest week in the seats left or a reason."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.schedule import CohortPatient, CohortProblem, admit_to_cohort, check_cohort, solve_cohort
from iopcore.strategies import cohort_patients, cohort_problems
from tests.schedule.builders import ONE_SESSION, WED, brute_force, offering, small_cohort


@settings(max_examples=25)
@given(cohort_problems(max_patients=3, max_offerings=6), st.data())
def test_admit_never_moves_anyone_and_stays_valid(problem: CohortProblem, data: st.DataObject) -> None:
    """Admitting a patient keeps every existing assignment and reason; the result passes the checker."""
    ids = tuple(o.id for o in problem.offerings)
    new = data.draw(cohort_patients(offering_ids=ids).filter(lambda p: p.id not in {q.id for q in problem.patients}))
    schedule = solve_cohort(problem)
    after = admit_to_cohort(schedule, problem, new)
    bigger = attrs.evolve(problem, patients=(*problem.patients, new))
    assert after.assignments[: len(schedule.assignments)] == schedule.assignments
    # Reasons stay; only the default unscheduled cost may grow with the cohort.
    assert [attrs.evolve(u, cost=0) for u in after.unscheduled[: len(schedule.unscheduled)]] == [
        attrs.evolve(u, cost=0) for u in schedule.unscheduled
    ]
    assert check_cohort(bigger, after) == ()
    if len(bigger.patients) <= 3:
        assert after.lower_bound <= brute_force(bigger) <= after.cost


def test_admit_places_a_new_patient_in_the_seats_left() -> None:
    """A new patient gets their cheapest week among the seats left; nobody moves."""
    problem = attrs.evolve(small_cohort(), offerings=(*small_cohort().offerings, offering("c", WED, "09:00", "10:00")))
    schedule = solve_cohort(problem)
    dan = CohortPatient(id="dan", rules=ONE_SESSION)
    after = admit_to_cohort(schedule, problem, dan)
    placed = after.assignment("dan")
    assert placed is not None and placed.cost == 0 and after.optimal
    assert check_cohort(attrs.evolve(problem, patients=(*problem.patients, dan)), after) == ()


def test_admit_explains_why_a_new_patient_does_not_fit() -> None:
    """With every seat taken the new patient is listed with the seats that would admit them."""
    problem = small_cohort()
    schedule = solve_cohort(problem)
    after = admit_to_cohort(schedule, problem, CohortPatient(id="dan", rules=ONE_SESSION))
    (out,) = after.unscheduled
    assert out.reason == "capacity" and out.blocking in (("a",), ("b",))
    bigger = attrs.evolve(problem, patients=(*problem.patients, CohortPatient(id="dan", rules=ONE_SESSION)))
    assert check_cohort(bigger, after) == ()


def test_admit_rejects_bad_input() -> None:
    """Wrong types and a patient already in the cohort are refused."""
    problem = small_cohort()
    schedule = solve_cohort(problem)
    with pytest.raises(InvalidDataError):
        admit_to_cohort("s", problem, problem.patients[0])  # type: ignore[arg-type]
    with pytest.raises(InvalidDataError):
        admit_to_cohort(schedule, "p", problem.patients[0])  # type: ignore[arg-type]
    with pytest.raises(InvalidDataError):
        admit_to_cohort(schedule, problem, "x")  # type: ignore[arg-type]
    with pytest.raises(InvalidDataError) as info:
        admit_to_cohort(schedule, problem, problem.patients[0])
    assert info.value.paths == ("$.new_patient.id",)
    assert "ann" not in str(info.value)


def test_admit_refuses_a_schedule_of_another_problem() -> None:
    """A schedule that does not list the problem's patients, or names offerings it lacks, is refused at `$.schedule`."""
    problem = small_cohort()
    schedule = solve_cohort(problem)
    newcomer = CohortPatient(id="cy", rules=ONE_SESSION)
    other = attrs.evolve(problem, patients=problem.patients[:1])
    with pytest.raises(InvalidArgumentError) as info:
        admit_to_cohort(schedule, other, newcomer)
    assert set(info.value.paths) == {"$.schedule"} and "bob" not in str(info.value)
    fewer_offerings = CohortProblem(offerings=problem.offerings[1:], patients=problem.patients)
    with pytest.raises(InvalidArgumentError) as info:
        admit_to_cohort(schedule, fewer_offerings, newcomer)
    assert set(info.value.paths) == {"$.schedule"}


def test_admit_reports_a_new_patient_the_problem_cannot_take_under_new_patient() -> None:
    """A new patient whose costs name offerings the cohort lacks is refused under `$.new_patient`."""
    problem = small_cohort()
    schedule = solve_cohort(problem)
    stranger = CohortPatient(id="cy", rules=ONE_SESSION, offering_costs={"zz": 1})
    with pytest.raises(InvalidArgumentError) as info:
        admit_to_cohort(schedule, problem, stranger)
    assert info.value.paths == ("$.new_patient.offering_costs.zz",)
