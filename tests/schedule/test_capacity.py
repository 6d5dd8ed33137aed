"""Capacity changes and their candidate lists: what each change does to a problem, and what is refused."""

from __future__ import annotations

import pickle

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.schedule import (
    AddSeats,
    AddSession,
    CapacityReport,
    CapacitySuggestion,
    CohortPatient,
    CohortProblem,
    seat_changes,
    session_changes,
    solve_cohort,
)
from iopcore.strategies import cohort_problems
from iopcore.times import ClockTime, Weekday
from tests.schedule.builders import MON, ONE_SESSION, TUE, offering


def _problem() -> CohortProblem:
    offs = (
        offering("a", MON, "09:00", "10:00"),
        offering("b", TUE, "09:00", "10:00", seats=2),
        offering("c", MON, "09:00", "10:00", component="individual_counseling"),
    )
    return CohortProblem(
        offerings=offs,
        patients=(
            CohortPatient(id="ann", rules=ONE_SESSION, offering_costs={"b": 5}),
            CohortPatient(id="bob", rules=ONE_SESSION, offering_costs={"b": 5}),
        ),
    )


def test_more_seats_raise_only_their_offerings_capacity() -> None:
    """AddSeats adds its seats to the named offering; the others stay."""
    problem = _problem()
    changed = AddSeats(offering="a", seats=2).apply(problem)
    assert [o.seats for o in changed.offerings] == [3, 2, 1]
    assert changed.patients == problem.patients
    assert str(AddSeats(offering="a")) == "+1 seat on a" and str(AddSeats(offering="a", seats=2)) == "+2 seats on a"


def test_a_session_like_another_copies_it_at_the_new_slot() -> None:
    """AddSession.like keeps the component, length and seats, moves the day and start, and names the slot."""
    template = _problem().offerings[0]
    change = AddSession.like(template, weekday=Weekday.WEDNESDAY, start=ClockTime(13, 30))
    new = change.offering
    assert (new.id, new.component, new.weekday, new.start, new.end, new.seats) == (
        "a@Wed-1330",
        template.component,
        Weekday.WEDNESDAY,
        ClockTime(13, 30),
        ClockTime(14, 30),
        template.seats,
    )
    assert AddSession.like(template, weekday=MON, start=ClockTime(8), id="x", seats=4).offering.seats == 4
    changed = change.apply(_problem())
    assert changed.offerings[-1] == new and len(changed.offerings) == 4
    assert "new session a@Wed-1330" in str(change)


def test_a_session_past_midnight_is_refused() -> None:
    """A session must end inside its day."""
    template = _problem().offerings[0]
    with pytest.raises(InvalidArgumentError) as info:
        AddSession.like(template, weekday=MON, start=ClockTime(23, 30))
    assert info.value.errors[0].path == "$.start"


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (AddSeats(offering="zz"), "unknown_code"),
        (AddSession(offering=offering("a", TUE, "11:00", "12:00")), "unique"),
        (AddSession(offering=offering("new", TUE, "11:00", "12:00", component="no_such_component")), "unknown_code"),
    ],
)
def test_a_change_that_does_not_fit_the_problem_is_refused(change: AddSeats | AddSession, rule: str) -> None:
    """More seats on an unknown offering, a session with an id taken, or of a component the catalog lacks."""
    with pytest.raises(InvalidArgumentError) as info:
        change.apply(_problem())
    assert [(e.path, e.rule) for e in info.value.errors] == [("$.problem", rule)]


def test_seat_changes_list_every_offering_or_only_the_full_ones() -> None:
    """Without a schedule every offering gets a candidate; with one, only those it fills (elsewhere a seat is free)."""
    problem = _problem()
    assert seat_changes(problem, seats=2) == tuple(AddSeats(offering=o, seats=2) for o in ("a", "b", "c"))
    schedule = solve_cohort(problem)  # both in a (cost 0): one in a, the other in b (cost 5)
    assert seat_changes(problem, schedule=schedule) == (AddSeats(offering="a"),)


def test_seat_changes_refuse_a_schedule_of_another_problem() -> None:
    problem = _problem()
    other = attrs.evolve(problem, patients=problem.patients[:1])
    with pytest.raises(InvalidArgumentError) as info:
        seat_changes(other, schedule=solve_cohort(problem))
    assert info.value.errors[0].path.startswith("$.schedule")


def test_session_changes_fill_the_free_slots_of_a_week_grid() -> None:
    """A slot is free unless an offering of the same component overlaps it; ids are unique, ordered by day, start."""
    problem = _problem()
    found = session_changes(problem, "a", days=[TUE, MON], opens=ClockTime(8), closes=ClockTime(11), step=60)
    assert [c.offering.id for c in found] == ["a@Mon-0800", "a@Mon-1000", "a@Tue-0800", "a@Tue-1000"]
    assert all(c.offering.component == "group_therapy" for c in found)
    # Ids already in the problem are made unique.
    taken = attrs.evolve(
        problem, offerings=(*problem.offerings, offering("a@Mon-0800", Weekday.FRIDAY, "09:00", "10:00"))
    )
    ids = [c.offering.id for c in session_changes(taken, "a", days=[MON], closes=ClockTime(9))]
    assert ids == ["a@Mon-0800+"]


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [({"template": "zz"}, "$.template"), ({"opens": ClockTime(12), "closes": ClockTime(9)}, "$.closes")],
)
def test_session_changes_refuse_an_unknown_template_and_an_empty_day(kwargs: dict[str, object], path: str) -> None:
    args: dict[str, object] = {"template": "a", **kwargs}
    with pytest.raises(InvalidArgumentError) as info:
        session_changes(_problem(), **args)  # type: ignore[arg-type]
    assert info.value.errors[0].path == path


def test_a_suggestion_must_match_its_schedule() -> None:
    """Its cost is the schedule's and the patients it admits are scheduled there."""
    problem = _problem()
    schedule = solve_cohort(problem)
    ok = CapacitySuggestion(change=None, admitted=("ann",), cost=schedule.cost, schedule=schedule)
    assert ok.count == 1 and str(ok) == f"re-planning, no change: admits 1 waiting patient, cost {schedule.cost}"
    assert "ann" not in repr(ok)
    with pytest.raises(InvalidDataError) as info:
        CapacitySuggestion(change=None, admitted=("nobody",), cost=schedule.cost + 1, schedule=schedule)
    assert {e.path for e in info.value.errors} == {"$.cost", "$.admitted"}
    with pytest.raises(InvalidDataError):
        CapacitySuggestion(change=None, admitted=("ann", "ann"), cost=schedule.cost, schedule=schedule)


def test_a_report_is_ordered_and_its_re_plan_has_no_change() -> None:
    problem = _problem()
    schedule = solve_cohort(problem)
    one = CapacitySuggestion(change=AddSeats(offering="a"), admitted=("ann",), cost=schedule.cost, schedule=schedule)
    two = attrs.evolve(one, admitted=("ann", "bob"))
    report = CapacityReport(suggestions=(two, one), waiting=2, changes=2, evaluated=2)
    assert report.best == two and str(report).splitlines()[1].startswith("1. +1 seat on a: admits 2")
    with pytest.raises(InvalidDataError) as info:
        CapacityReport(suggestions=(one, two), replan=one, waiting=2, changes=1, evaluated=2)
    assert {e.path for e in info.value.errors} == {"$.suggestions", "$.replan", "$.evaluated"}


def _validated(problem: CohortProblem) -> CohortProblem:
    """The same problem through the public constructor (every validator and the default cost computed anew)."""
    return CohortProblem(
        offerings=problem.offerings,
        patients=problem.patients,
        pinned=problem.pinned,
        unscheduled_cost=problem.unscheduled_cost,
    )


@settings(max_examples=60, deadline=None)
@given(problem=cohort_problems().filter(lambda p: len(p.offerings) > 0), data=st.data())
def test_a_changed_problem_is_the_problem_its_constructor_would_build(
    problem: CohortProblem, data: st.DataObject
) -> None:
    """``apply`` builds the changed problem without re-validating every patient: it equals (and hashes,
    prints, pickles and costs as) the one the public constructor validates."""
    changes = [*seat_changes(problem), *session_changes(problem, problem.offerings[0].id, step=180)]
    change = data.draw(st.sampled_from(changes))
    changed = change.apply(problem)
    again = _validated(changed)
    assert changed == again and hash(changed) == hash(again) and repr(changed) == repr(again)
    assert changed.default_unscheduled_cost == again.default_unscheduled_cost
    assert pickle.loads(pickle.dumps(changed)) == again
