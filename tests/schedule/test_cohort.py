"""Cohort models: validation with paths (never ids), lookups, text and HTML views, default costs."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings

from iopcore.components import COMPONENTS, ComponentCatalog
from iopcore.errors import InvalidDataError
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
)
from iopcore.strategies import cohort_problems
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


def test_schedule_reads_as_text_with_its_gap() -> None:
    """A schedule's text gives counts, cost, bound, gap and backend."""
    s = CohortSchedule(assignments=(), cost=10, lower_bound=5, capacity_free_bound=1)
    assert s.gap == 0.5 and s.scheduled == 0
    assert str(s) == "0 scheduled, 0 unscheduled; cost 10, lower bound 5 (gap 50.00%, iopcore)"
    assert "optimal" in str(CohortSchedule(assignments=(), cost=0, lower_bound=0, capacity_free_bound=0, optimal=True))


def test_occupancy_table_and_html() -> None:
    """The occupancy view lists each offering's seats and waitlist as text and HTML; ids are escaped."""
    view = Occupancy(
        rows=(
            OfferingOccupancy(offering="<a>", capacity=1, patients=("p1",), waiting=("p2",)),
            OfferingOccupancy(offering="b", capacity=2, patients=()),
        )
    )
    text = str(view)
    assert "p2" in text and text.endswith("2 offerings, 1 full")
    markup = view._repr_html_()
    assert "&lt;a&gt;" in markup and "background" in markup and "1 full" in markup
    assert "p1" not in repr(view.rows[0])


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
