"""Rolling admission: nobody moves, the new patient gets the cheapest week in the seats left or a reason."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.schedule import CohortPatient, CohortProblem, admit_to_cohort, check_cohort, solve_cohort
from iopcore.strategies import cohort_patients, cohort_problems
from iopcore.times import WeeklyAvailability
from tests.schedule.builders import MON, ONE_SESSION, TUE, WED, brute_force, offering, patient_weeks, small_cohort


@settings(max_examples=40)
@given(cohort_problems(max_patients=3, max_offerings=6), st.data())
def test_admit_never_moves_anyone_and_stays_valid(problem: CohortProblem, data: st.DataObject) -> None:
    """Admitting a patient keeps every existing assignment and reason; the result passes the checker."""
    ids = tuple(o.id for o in problem.offerings)
    new = data.draw(cohort_patients(offering_ids=ids).filter(lambda p: p.id not in {q.id for q in problem.patients}))
    _check_admission(problem, new)


@settings(max_examples=40)
@given(cohort_problems(min_patients=1, max_patients=3, max_offerings=6), st.data())
def test_admitting_a_twin_of_a_patient_stays_valid(problem: CohortProblem, data: st.DataObject) -> None:
    """A newcomer with the profile of a patient already in the cohort wants the same seats (often full)."""
    twin = attrs.evolve(data.draw(st.sampled_from(problem.patients)), id="newcomer")
    _check_admission(problem, twin)


def _check_admission(problem: CohortProblem, new: CohortPatient) -> None:
    """The admission of *new* into the solved *problem*: nobody moves, reasons stay, the checker passes,
    the bounds hold (brute force on small cohorts), and a capacity reason names a smallest set of full offerings."""
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
    (reason,) = [u for u in after.unscheduled if u.patient == new.id] or [None]
    if reason is not None and reason.reason == "capacity":
        left = {o.id: o.seats for o in problem.offerings}
        for a in schedule.assignments:
            for s in a.sessions:
                left[s] -= 1
        for e in problem.pinned:
            if schedule.assignment(e.patient) is None:
                for s in e.offerings:
                    left[s] -= 1
        fewest = min(sum(1 for s in week if left[s] <= 0) for _, week in patient_weeks(bigger, new))
        assert len(reason.blocking) == fewest and all(left[s] <= 0 for s in reason.blocking)


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


def test_admit_names_the_cheapest_of_the_smallest_sets_of_full_offerings() -> None:
    """Both full offerings would admit the newcomer alone; the reason names the one whose week is cheaper."""
    offs = (offering("a", MON, "09:00", "10:00"), offering("b", TUE, "09:00", "10:00"))
    holders = (
        CohortPatient(id="ann", rules=ONE_SESSION, availability=WeeklyAvailability.daily("08:00", "12:00", days=[MON])),
        CohortPatient(id="bob", rules=ONE_SESSION, availability=WeeklyAvailability.daily("08:00", "12:00", days=[TUE])),
    )
    problem = CohortProblem(offerings=offs, patients=holders)
    schedule = solve_cohort(problem)
    for dear, cheap in (("a", "b"), ("b", "a")):
        newcomer = CohortPatient(id="cy", rules=ONE_SESSION, offering_costs={dear: 4})
        after = admit_to_cohort(schedule, problem, newcomer)
        (out,) = after.unscheduled
        assert (out.reason, out.blocking, dict(out.needed)) == ("capacity", (cheap,), {cheap: 1})
        assert check_cohort(attrs.evolve(problem, patients=(*holders, newcomer)), after) == ()


def test_admit_leaves_out_a_newcomer_whose_week_costs_more_than_waiting() -> None:
    """A week fits the seats left but costs at least the newcomer's own unscheduled cost: listed for cost."""
    problem = attrs.evolve(small_cohort(), offerings=(*small_cohort().offerings, offering("c", WED, "09:00", "10:00")))
    schedule = solve_cohort(problem)
    dan = CohortPatient(id="dan", rules=ONE_SESSION, offering_costs={"b": 3, "c": 3}, unscheduled_cost=3)
    after = admit_to_cohort(schedule, problem, dan)
    (out,) = after.unscheduled
    assert (out.reason, out.cost) == ("cost", 3)
    assert check_cohort(attrs.evolve(problem, patients=(*problem.patients, dan)), after) == ()
