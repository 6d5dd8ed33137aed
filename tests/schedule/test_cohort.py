"""Cohort models: validation with paths (never ids), lookups, text and HTML views, default costs."""

from __future__ import annotations

import enum
import pickle
from collections.abc import Callable

import attrs
import numpy as np
import pytest
from hypothesis import given, settings

from iopcore import FrozenMap, errors, schedule
from iopcore.components import COMPONENTS, ComponentCatalog
from iopcore.errors import InvalidArgumentError, InvalidDataError, UnknownCodeError, UnknownIdError
from iopcore.schedule import (
    Assignment,
    CohortPatient,
    CohortProblem,
    CohortSchedule,
    CohortViolation,
    Enrollment,
    Occupancy,
    OfferingOccupancy,
    Unscheduled,
    WeekRules,
    solve_cohort,
)
from iopcore.strategies import cohort_problems
from tests.builders import unstyled
from tests.schedule.builders import ONE_SESSION, patient_weeks, small_cohort


@settings(max_examples=25)
@given(cohort_problems(max_patients=2, max_offerings=5))
def test_default_unscheduled_cost_exceeds_every_week(problem: CohortProblem) -> None:
    """Without an explicit cost, leaving a patient out costs more than any week they could have."""
    problem = attrs.evolve(problem, unscheduled_cost=None)
    for p in problem.patients:
        if p.unscheduled_cost is None:
            assert all(c < problem.unscheduled_cost_for(p.id) for c, _ in patient_weeks(problem, p))


def test_problem_validation_names_paths_and_never_the_ids() -> None:
    """Duplicate ids, unknown pinned patients or offerings, duplicate enrollments and overfull pins are reported."""
    base = small_cohort()
    with pytest.raises(InvalidDataError) as info:
        CohortProblem(
            offerings=(*base.offerings, base.offerings[0]),
            patients=(*base.patients, base.patients[0]),
            pinned=(
                Enrollment(patient="zed-secret", offerings=frozenset({"a"})),
                Enrollment(patient="ann", offerings=frozenset({"a", "nope"})),
                Enrollment(patient="ann", offerings=frozenset()),
            ),
        )
    paths = set(info.value.paths)
    assert {"$.offerings[2]", "$.patients[2]"} <= paths or "$.offerings[2]" in paths or "$.patients[2]" in paths
    assert "zed-secret" not in str(info.value) and "ann" not in str(info.value)


def test_pinned_problems_are_reported_with_paths() -> None:
    """Unknown patients and offerings in enrollments, duplicates and pins over capacity each get a path."""
    base = small_cohort()
    with pytest.raises(InvalidDataError) as info:
        attrs.evolve(
            base,
            pinned=(
                Enrollment(patient="zed-secret", offerings=frozenset({"a"})),
                Enrollment(patient="ann", offerings=frozenset({"a", "nope"})),
                Enrollment(patient="ann", offerings=frozenset()),
            ),
        )
    assert set(info.value.paths) == {
        "$.pinned[0].patient",
        "$.pinned[1].offerings",
        "$.pinned[2].patient",
        "$.offerings[0].seats",
    }
    assert "zed-secret" not in str(info.value)


def test_patient_problems_are_reported_under_the_patient() -> None:
    """A patient's explicit cost for an unknown offering is reported at ``$.patients[i]``."""
    base = small_cohort()
    with pytest.raises(InvalidDataError) as info:
        attrs.evolve(base, patients=(CohortPatient(id="x", rules=ONE_SESSION, offering_costs={"zz": 1}),))
    assert info.value.paths == ("$.patients[0].offering_costs.zz",)


def test_offering_outside_a_patients_catalog_is_reported_at_the_offering() -> None:
    """An offering of a component the patient's catalog lacks is reported at the offering."""
    narrow = WeekRules(catalog=ComponentCatalog(components=(COMPONENTS.get("life_skills"),)))
    with pytest.raises(InvalidDataError) as info:
        attrs.evolve(small_cohort(), patients=(CohortPatient(id="x", rules=narrow),))
    assert "$.offerings[0].component" in info.value.paths


def test_patient_costs_must_be_non_negative() -> None:
    """Negative or non-int explicit costs are rejected at their key."""
    with pytest.raises(InvalidDataError) as info:
        CohortPatient(id="x", rules=ONE_SESSION, offering_costs={"a": -1, "b": True})
    assert set(info.value.paths) == {"$.offering_costs.a", "$.offering_costs.b"}


def test_lookups() -> None:
    """Patients, offerings and pins are found by id; unknown ids raise KeyError without echoing patient ids."""
    problem = small_cohort()
    assert problem.patient("bob").id == "bob" and problem.offering("b").id == "b"
    assert problem.pinned_for("bob") == frozenset()
    with pytest.raises(KeyError) as info:
        problem.patient("secret-id")
    assert "secret-id" not in str(info.value)
    with pytest.raises(KeyError):
        problem.offering("zz")


def test_unscheduled_validation() -> None:
    """Unknown reasons and seats needed on offerings not blocking are rejected; needed seats are >= 1."""
    with pytest.raises(InvalidDataError):
        Unscheduled(patient="p", reason="mood")
    with pytest.raises(InvalidDataError):
        Unscheduled(patient="p", reason="capacity", blocking=("a",), needed={"b": 1})
    with pytest.raises(InvalidDataError) as info:
        Unscheduled(patient="p", reason="capacity", blocking=("a",), needed={"a": 0})
    assert info.value.paths == ("$.needed.a",)
    assert str(Unscheduled(patient="p", reason="capacity")) == "waits for seats"


def test_schedule_validation() -> None:
    """Bounds out of order, optimal with a gap, unknown backends and repeated patients are rejected."""
    ok = {"assignments": (), "cost": 10, "lower_bound": 5, "capacity_free_bound": 1}
    CohortSchedule(**ok)  # type: ignore[arg-type]
    for bad in (
        {"lower_bound": 11},
        {"capacity_free_bound": 6},
        {"optimal": True},
        {"backend": "cplex"},
        {
            "assignments": (Assignment(patient="p", sessions=()),),
            "unscheduled": (Unscheduled(patient="p", reason="cost"),),
        },
    ):
        with pytest.raises(InvalidDataError):
            CohortSchedule(**{**ok, **bad})  # type: ignore[arg-type]


def test_patients_whose_week_alone_is_unknown_are_scheduled_ones_named_once() -> None:
    """``alone_not_computed`` names scheduled patients, each once, and is redacted in ``repr``."""
    placed = (Assignment(patient="secret-p", sessions=()),)
    ok = {"assignments": placed, "cost": 10, "lower_bound": 5, "capacity_free_bound": 1}
    schedule = CohortSchedule(**ok, alone_not_computed=["secret-p"])  # type: ignore[arg-type]
    assert schedule.alone_not_computed == ("secret-p",) and "secret-p" not in repr(schedule)
    for bad, rule in ((("q",), "unknown"), (("secret-p", "secret-p"), "unique")):
        with pytest.raises(InvalidDataError) as info:
            CohortSchedule(**ok, alone_not_computed=bad)  # type: ignore[arg-type]
        assert info.value.paths == ("$.alone_not_computed",) and rule in str(info.value.errors)
        assert "secret-p" not in str(info.value)


def test_schedule_reads_as_text_with_its_gap() -> None:
    """A schedule's text gives counts, cost, bound, gap and backend."""
    s = CohortSchedule(assignments=(), cost=10, lower_bound=5, capacity_free_bound=1)
    assert s.gap == 0.5 and s.scheduled == 0
    assert str(s) == "0 scheduled, 0 unscheduled; cost 10, lower bound 5 (gap 50.00%, iopcore)"
    assert "optimal" in str(CohortSchedule(assignments=(), cost=0, lower_bound=0, capacity_free_bound=0, optimal=True))


def test_occupancy_table_and_html() -> None:
    """The occupancy view lists each offering's seats and waitlist as text and HTML; offering ids are escaped."""
    view = Occupancy(
        rows=(
            OfferingOccupancy(offering="<a>", capacity=1, patients=("p1",), waiting=("<p2>",)),
            OfferingOccupancy(offering="b", capacity=2, patients=()),
        )
    )
    text = str(view)
    assert text == view.to_text() and text.endswith("2 offerings, 1 full")
    assert text.splitlines()[2].split() == ["<a>", "1", "1", "1"]
    markup = view._repr_html_()
    assert markup == view.to_html()
    assert "&lt;a&gt;" in markup and "background" in markup and "1 full" in markup


def test_occupancy_shows_patient_ids_only_when_asked() -> None:
    """str(), repr() and the notebook view never show patient ids; to_text/to_html do with show_patients=True."""
    view = Occupancy(rows=(OfferingOccupancy(offering="a", capacity=1, patients=("holder-7",), waiting=("waits-9",)),))
    for shown in (str(view), repr(view), view._repr_html_(), view.to_text(), view.to_html()):
        assert "holder-7" not in shown and "waits-9" not in shown
    assert "waits-9" in view.to_text(show_patients=True).splitlines()[2]
    assert "<td>waits-9</td>" in unstyled(view.to_html(show_patients=True))
    with pytest.raises(InvalidDataError) as info:
        view.to_text(show_patients="yes")  # type: ignore[arg-type]
    assert info.value.paths == ("$.show_patients",)


def test_patient_repr_redacts_the_id() -> None:
    """Patient identifiers never show in repr."""
    for value in (
        CohortPatient(id="secret-id", rules=ONE_SESSION),
        Enrollment(patient="secret-id", offerings=frozenset()),
        Assignment(patient="secret-id", sessions=()),
        Unscheduled(patient="secret-id", reason="cost"),
        CohortViolation(group="cost", message="m", patient="secret-id"),
    ):
        assert "secret-id" not in repr(value)


# ----------------------------------------------------------------------------- lookups and guarded methods


def test_unknown_patient_ids_raise_without_echoing_any_id() -> None:
    """patient(), pinned_for() and unscheduled_cost_for() of an unknown id raise UnknownIdError, a KeyError, no ids shown."""
    problem = small_cohort()
    for lookup in (problem.patient, problem.pinned_for, problem.unscheduled_cost_for):
        with pytest.raises(UnknownIdError) as info:
            lookup("secret-id")
        error = info.value
        assert isinstance(error, KeyError) and error.paths == ("$.patient_id",) and error.what == "patient"
        assert all(s not in str(error) for s in ("secret-id", "ann", "bob"))
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is UnknownIdError and str(again) == str(error)


def test_unknown_offering_ids_raise_unknown_code_errors() -> None:
    """offering() of an unknown id raises UnknownCodeError at `$.offering_id`, listing the offering ids."""
    with pytest.raises(UnknownCodeError) as info:
        small_cohort().offering("zz")
    assert info.value.paths == ("$.offering_id",) and info.value.known == ("a", "b")


def test_occupancy_refuses_another_problem() -> None:
    """occupancy() of a problem that lacks the schedule's patients or offerings, or has others, is refused at `$.problem`."""
    problem = small_cohort()
    schedule = solve_cohort(problem)
    fewer = attrs.evolve(problem, patients=problem.patients[:1])
    more = attrs.evolve(problem, patients=(*problem.patients, CohortPatient(id="cy", rules=ONE_SESSION)))
    closed = CohortProblem(offerings=(problem.offerings[1],), patients=problem.patients)
    for other in (fewer, more, closed):
        with pytest.raises(InvalidArgumentError) as info:
            schedule.occupancy(other)
        assert set(info.value.paths) == {"$.problem"}
        assert "ann" not in str(info.value) and "bob" not in str(info.value)
    assert schedule.occupancy(problem).rows[0].offering == "a"


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda p: p.patient(None), "$.patient_id"),
        (lambda p: p.pinned_for(3), "$.patient_id"),
        (lambda p: p.offering(b"a"), "$.offering_id"),
        (lambda p: p.unscheduled_cost_of("ann"), "$.patient"),
        (lambda p: p.most_expensive_week(None), "$.patient"),
        (lambda p: p.patients[0].week_problem(None), "$.offerings"),
        (lambda p: p.patients[0].week_problem(["a"]), "$.offerings[0]"),
        (lambda p: solve_cohort(p).assignment(None), "$.patient_id"),
        (lambda p: solve_cohort(p).occupancy("p"), "$.problem"),
    ],
)
def test_methods_refuse_wrong_arguments_at_their_path(call: Callable[[CohortProblem], object], path: str) -> None:
    """Each public method of the cohort values checks its arguments on entry and names the bad one."""
    with pytest.raises(InvalidArgumentError) as info:
        call(small_cohort())
    assert info.value.paths == (path,)


class _Count(enum.IntEnum):
    ONE = 1


@pytest.mark.parametrize("bad", [True, _Count.ONE], ids=["bool", "IntEnum"])
def test_integer_fields_refuse_bools_and_enums(bad: object) -> None:
    """Costs, capacities, seats needed and bounds refuse bool and IntEnum members at their path."""
    cases = [
        (lambda: CohortPatient(id="x", rules=ONE_SESSION, day_cost=bad), "$.day_cost"),
        (lambda: CohortPatient(id="x", rules=ONE_SESSION, unscheduled_cost=bad), "$.unscheduled_cost"),
        (lambda: attrs.evolve(small_cohort(), unscheduled_cost=bad), "$.unscheduled_cost"),
        (lambda: Assignment(patient="x", sessions=(), cost=bad), "$.cost"),
        (lambda: Unscheduled(patient="x", reason="capacity", blocking=("a",), needed={"a": bad}), "$.needed.a"),
        (lambda: OfferingOccupancy(offering="a", capacity=bad, patients=()), "$.capacity"),
        (lambda: CohortSchedule(assignments=(), cost=1, lower_bound=bad, capacity_free_bound=0), "$.lower_bound"),
    ]
    for build, path in cases:
        with pytest.raises(InvalidDataError) as info:
            build()
        assert info.value.paths == (path,)


def test_numpy_integers_are_stored_as_ints() -> None:
    """numpy integers are accepted in integer fields and mappings, stored as builtin ints."""
    u = Unscheduled(patient="x", reason="capacity", blocking=("a",), needed={"a": np.int64(2)}, cost=np.int32(3))
    assert type(u.needed["a"]) is int and type(u.cost) is int
    assert isinstance(u.needed, FrozenMap) and hash(u) == hash(pickle.loads(pickle.dumps(u)))


def test_schedule_exceptions_live_in_errors_and_pickle() -> None:
    """The schedule's exceptions are iopcore.errors classes (re-exported here) and survive pickling."""
    assert schedule.ClockRequiredError is errors.ClockRequiredError
    assert schedule.OrtoolsNotInstalledError is errors.OrtoolsNotInstalledError
    assert schedule.HighsNotInstalledError is errors.HighsNotInstalledError
    assert schedule.InfeasibleScheduleError is errors.InfeasibleScheduleError
    for error in (
        errors.ClockRequiredError(),
        errors.OrtoolsNotInstalledError(),
        errors.HighsNotInstalledError(),
        errors.InfeasibleScheduleError(),
        errors.InfeasibleScheduleError(conflict=("hours_min",), reasons=(), explanation="No week."),
        errors.UnknownIdError(what="patient", where="the cohort", path="$.patient_id", callable="f"),
    ):
        assert type(error).__module__ == "iopcore.errors"
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error) and str(again) == str(error) and again.args == error.args
    clock = pickle.loads(pickle.dumps(errors.ClockRequiredError()))
    assert clock.paths == ("$.clock",) and clock.callable == "solve_cohort"
