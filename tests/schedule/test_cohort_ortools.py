"""The optional OR-Tools CP-SAT cohort backend: same model, same answers as the pure backend.

Tests that solve need OR-Tools (the ``iopcore[ortools]`` extra) and are skipped without it;
`.ci/run` installs only ``.[test,highs]``, so there they are skipped (the module is omitted from
coverage for that reason, see pyproject.toml).
"""

from __future__ import annotations

import importlib.util
import pickle
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iopcore.errors import IopcoreError
from iopcore.schedule import (
    CohortPatient,
    CohortProblem,
    CohortSchedule,
    Enrollment,
    Offering,
    OrtoolsNotInstalledError,
    WeekRules,
    check_cohort,
    solve_cohort,
)
from iopcore.schedule._cohort_ortools import solve_cohort_ortools
from iopcore.times import ClockTime, Weekday, WeeklyAvailability
from tests.schedule.builders import brute_force

needs_ortools = pytest.mark.skipif(
    importlib.util.find_spec("ortools") is None,
    reason="OR-Tools is not installed (pip install ortools, iopcore's ortools extra)",
)


def _offering(oid: str, component: str, day: Weekday, start: int, length: int, seats: int) -> Offering:
    return Offering(
        id=oid,
        component=component,
        weekday=day,
        start=ClockTime.from_minute_of_day(start),
        end=ClockTime.from_minute_of_day(start + length),
        seats=seats,
    )


# A small pool of session shapes: (component, weekday, start minute, length).
SHAPES = (
    ("group_therapy", Weekday.MONDAY, 9 * 60, 180),
    ("group_therapy", Weekday.TUESDAY, 9 * 60, 180),
    ("group_therapy", Weekday.WEDNESDAY, 18 * 60, 180),
    ("group_counseling", Weekday.MONDAY, 18 * 60, 180),
    ("individual_counseling", Weekday.MONDAY, 12 * 60, 50),
    ("individual_counseling", Weekday.TUESDAY, 12 * 60 + 30, 50),
    ("drug_testing", Weekday.MONDAY, 12 * 60 + 45, 15),
    ("drug_testing", Weekday.WEDNESDAY, 17 * 60 + 30, 15),
    ("life_skills", Weekday.TUESDAY, 13 * 60, 60),
    ("family_counseling", Weekday.WEDNESDAY, 16 * 60 + 30, 90),
)


@st.composite
def small_cohorts(draw: st.DrawFn) -> CohortProblem:
    """Cohorts of at most 3 patients over at most 8 offerings, with capacities 0–2 and maybe a pinned week."""
    shapes = draw(st.lists(st.sampled_from(SHAPES), min_size=1, max_size=8))
    offerings = tuple(_offering(f"o{i}", c, d, s, n, draw(st.integers(0, 2))) for i, (c, d, s, n) in enumerate(shapes))
    patients = []
    for p in range(draw(st.integers(1, 3))):
        rules = WeekRules(
            hours_min=draw(st.sampled_from((0, 1, 3, 4))),
            hours_max=draw(st.sampled_from((None, 4, 7))),
            days_min=draw(st.integers(0, 2)),
            days_max=draw(st.integers(2, 3)),
            max_hours_per_day=draw(st.sampled_from((None, 3.5))),
            min_hours_per_day=draw(st.sampled_from((None, 0.5))),
            min_gap_minutes=draw(st.sampled_from((0, 20))),
            components=draw(
                st.sampled_from(
                    (
                        {},
                        {"group_therapy": (1, None)},
                        {"individual_counseling": (1, 1), "drug_testing": (0, 1)},
                        {"group_therapy": (0, 1), "drug_testing": (1, None)},
                    )
                )
            ),
        )
        availability = draw(
            st.sampled_from(
                (
                    WeeklyAvailability.whole_week(),
                    WeeklyAvailability.daily("08:00", "14:00"),
                    WeeklyAvailability.daily("16:00", "22:00"),
                )
            )
        )
        costs = {o.id: draw(st.integers(0, 5)) for o in offerings if draw(st.booleans())}
        patients.append(
            CohortPatient(
                id=f"p{p}",
                rules=rules,
                availability=availability,
                day_cost=draw(st.sampled_from((0, 10))),
                offering_costs=costs,
                unscheduled_cost=draw(st.sampled_from((None, 5, 40))),
            )
        )
    pinned: tuple[Enrollment, ...] = ()
    open_ids = [o.id for o in offerings if o.seats > 0]
    if open_ids and draw(st.booleans()):
        pinned = (Enrollment(patient="p0", offerings=frozenset(draw(st.lists(st.sampled_from(open_ids), max_size=2)))),)
    return CohortProblem(offerings=offerings, patients=tuple(patients), pinned=pinned)


def test_missing_ortools_raises_a_clear_iopcore_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without OR-Tools, the ortools backend raises OrtoolsNotInstalledError naming the package to install
    (which works whether iopcore came from a release or from source) and the extra it belongs to."""
    for name in ("ortools", "ortools.sat", "ortools.sat.python", "ortools.sat.python.cp_model"):
        monkeypatch.setitem(sys.modules, name, None)
    problem = CohortProblem(offerings=(), patients=())
    with pytest.raises(OrtoolsNotInstalledError, match=r"ortools extra\): install it with pip install ortools") as info:
        solve_cohort(problem, backend="ortools")
    assert isinstance(info.value, IopcoreError)
    assert isinstance(info.value, ImportError)


def test_missing_ortools_error_survives_pickling() -> None:
    """OrtoolsNotInstalledError pickles and unpickles with its message (e.g. across worker processes)."""
    error = OrtoolsNotInstalledError()
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is OrtoolsNotInstalledError and again.name == "ortools"
    assert str(again) == str(error) and "pip install ortools" in str(again)


@needs_ortools
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_cohorts())
def test_small_cohorts_cost_equals_pure_backend_and_exhaustive_search(problem: CohortProblem) -> None:
    """On cohorts of ≤ 3 patients and ≤ 8 offerings the CP-SAT cost equals the pure backend's and exhaustive search."""
    ours = solve_cohort_ortools(problem)
    assert check_cohort(problem, ours) == ()
    assert ours.optimal
    assert ours.backend == "ortools"
    assert ours.capacity_free_bound <= ours.lower_bound <= ours.cost
    assert ours.cost == brute_force(problem)
    assert ours.cost == solve_cohort(problem).cost


@needs_ortools
def test_dispatch_through_solve_cohort_gives_the_ortools_result() -> None:
    """solve_cohort(backend="ortools") returns the CP-SAT backend's schedule, marked ortools."""
    offerings = (_offering("g", "group_therapy", Weekday.MONDAY, 540, 180, 1),)
    patients = tuple(
        CohortPatient(id=f"p{i}", rules=WeekRules(hours_min=3, components={"group_therapy": (1, None)}))
        for i in range(2)
    )
    problem = CohortProblem(offerings=offerings, patients=patients)
    result = solve_cohort(problem, backend="ortools", time_limit=5, seed=3)
    assert result == solve_cohort_ortools(problem, time_limit=5, seed=3)
    assert result.backend == "ortools"
    assert result.scheduled == 1
    assert [u.reason for u in result.unscheduled] == ["capacity"]
    assert check_cohort(problem, result) == ()


@needs_ortools
def test_a_patient_infeasible_alone_is_left_out_for_a_conflict() -> None:
    """A patient whose own rules cannot be met is unscheduled with reason conflict and their conflict."""
    offerings = (_offering("g", "group_therapy", Weekday.MONDAY, 540, 180, 5),)
    patient = CohortPatient(id="p", rules=WeekRules(hours_min=10))
    problem = CohortProblem(offerings=offerings, patients=(patient,))
    result = solve_cohort_ortools(problem)
    assert result.scheduled == 0
    assert result.unscheduled[0].reason == "conflict"
    assert "hours_min" in result.unscheduled[0].conflict
    assert check_cohort(problem, result) == ()


@needs_ortools
def test_pinned_sessions_stay_and_hold_their_seats() -> None:
    """A pinned patient keeps their sessions; the pinned seat is not given to anyone else."""
    offerings = (
        _offering("g1", "group_therapy", Weekday.MONDAY, 540, 180, 1),
        _offering("g2", "group_therapy", Weekday.TUESDAY, 540, 180, 2),
    )
    rules = WeekRules(hours_min=3, hours_max=3, components={"group_therapy": (1, None)})
    patients = (
        CohortPatient(id="new", rules=rules, offering_costs={"g2": 5}),
        CohortPatient(id="old", rules=rules, offering_costs={"g1": 5}),
    )
    problem = CohortProblem(
        offerings=offerings, patients=patients, pinned=(Enrollment(patient="old", offerings={"g1"}),)
    )
    result = solve_cohort_ortools(problem)
    assert check_cohort(problem, result) == ()
    old, new = result.assignment("old"), result.assignment("new")
    assert old is not None
    assert old.sessions == ("g1",)
    assert new is not None
    assert new.sessions == ("g2",)


@needs_ortools
def test_a_run_stopped_before_any_assignment_still_returns_a_valid_schedule() -> None:
    """With no effort allowed, the answer is still valid: a feasible plan with a bound no larger than its cost."""
    offerings = tuple(_offering(f"g{i}", "group_therapy", Weekday(1 + i % 5), 540, 180, 1) for i in range(6))
    patients = tuple(
        CohortPatient(id=f"p{i}", rules=WeekRules(hours_min=6, components={"group_therapy": (2, None)}), day_cost=1)
        for i in range(4)
    )
    problem = CohortProblem(offerings=offerings, patients=patients)
    result = solve_cohort_ortools(problem, work_limit=0.0, time_limit=0.0)
    assert isinstance(result, CohortSchedule)
    assert check_cohort(problem, result) == ()
    assert result.capacity_free_bound <= result.lower_bound <= result.cost


@needs_ortools
def test_same_seed_same_answer() -> None:
    """The backend is deterministic for a given seed (one worker)."""
    offerings = tuple(_offering(f"g{i}", "group_therapy", Weekday(1 + i % 5), 540, 180, 2) for i in range(6))
    patients = tuple(
        CohortPatient(
            id=f"p{i}",
            rules=WeekRules(hours_min=6, components={"group_therapy": (2, None)}),
            day_cost=1,
            offering_costs={f"g{(i + j) % 6}": j for j in range(6)},
        )
        for i in range(5)
    )
    problem = CohortProblem(offerings=offerings, patients=patients)
    assert solve_cohort_ortools(problem, seed=7) == solve_cohort_ortools(problem, seed=7)
