"""Cohort scheduling against an exhaustive search: valid, optimal on small cohorts, bounds proven, admission stable."""

from __future__ import annotations

import itertools
from unittest import mock

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import iopcore.schedule._cohort_solver.solve as solve_module
from iopcore.errors import InvalidDataError
from iopcore.schedule import (
    DEFAULT_TUNING,
    DEFAULT_WORK_LIMIT,
    Assignment,
    ClockRequiredError,
    CohortPatient,
    CohortProblem,
    CohortSchedule,
    CohortTuning,
    CohortViolation,
    ComponentBound,
    Enrollment,
    Occupancy,
    Offering,
    OfferingOccupancy,
    Unscheduled,
    WeekRules,
    admit,
    check,
    check_cohort,
    solve_cohort,
)
from iopcore.schedule._cohort_solver.bounds import capacity_free_bound, capacity_free_optimum, counting_bound
from iopcore.schedule._cohort_solver.columns import column_generation
from iopcore.schedule._cohort_solver.explanations import explain_unscheduled
from iopcore.schedule._cohort_solver.greedy import greedy_pass
from iopcore.schedule._cohort_solver.moves import (
    best_responses,
    best_subset_placement,
    ejection_repair,
    refill_full_offerings,
    subset_moves,
)
from iopcore.schedule._cohort_solver.pricing import wish_list
from iopcore.schedule._cohort_solver.state import (
    Context,
    Plan,
    SplitMix64,
    build_context,
    free_seats,
    placement_order,
    plan_cost,
    week_cost,
)
from iopcore.strategies import cohort_patients, cohort_problems, cohort_tunings
from iopcore.times import ClockTime, Weekday, WeeklyAvailability

# ----------------------------------------------------------------------------- an independent oracle


def weeks(problem: CohortProblem, patient: CohortPatient) -> list[tuple[int, frozenset[str]]]:
    """Every feasible week of *patient* alone keeping their pinned sessions, by brute force over subsets."""
    wp = patient.week_problem(problem.offerings)
    keep = problem.pinned_for(patient.id)
    ids = [o.id for o in problem.offerings if o.seats > 0]
    out = []
    for r in range(len(ids) + 1):
        for subset in itertools.combinations(ids, r):
            if keep <= set(subset) and not check(wp, subset):
                out.append((wp.schedule_cost(subset), frozenset(subset)))
    return sorted(out, key=lambda w: (w[0], sorted(w[1])))


def brute_force(problem: CohortProblem) -> int:
    """The least cohort cost by exhaustive search over every patient's weeks (or leaving them out)."""
    options = []
    for p in problem.patients:
        u = problem.unscheduled_cost_for(p.id)
        keep = problem.pinned_for(p.id)
        options.append([(u, frozenset[str]())] + [(c, w - keep) for c, w in weeks(problem, p) if c < u])
    free = {o.id: o.seats for o in problem.offerings}
    for e in problem.pinned:
        for o in e.offerings:
            free[o] -= 1
    best = sum(opts[0][0] for opts in options)
    for combo in itertools.product(*options):
        cost = sum(c for c, _ in combo)
        if cost >= best:
            continue
        used: dict[str, int] = {}
        for _, w in combo:
            for o in w:
                used[o] = used.get(o, 0) + 1
        if all(used[o] <= free[o] for o in used):
            best = cost
    return best


HEURISTIC = CohortTuning(exact_max_offerings=-1)
"""No exact small-cohort search, so the greedy, repair and Lagrangian steps run."""
NO_COLUMNS = attrs.evolve(HEURISTIC, columns_first_groups=0, columns_max_groups=0)
"""As :data:`HEURISTIC`, and every cohort treated as large: no column generation, so the calmer second pass,
the repair of the start and the subgradient steps from zero prices run (as on cohorts of more than 128 groups)."""


def hm(text: str) -> ClockTime:
    h, m = text.split(":")
    return ClockTime(int(h), int(m))


def offering(
    oid: str, day: Weekday, start: str, end: str, seats: int = 1, component: str = "group_therapy"
) -> Offering:
    return Offering(id=oid, component=component, weekday=day, start=hm(start), end=hm(end), seats=seats)


MON, TUE, WED = Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY
ONE_SESSION = WeekRules(hours_min=1, components={"group_therapy": ComponentBound(min=1, max=1)})


def small_cohort() -> CohortProblem:
    """Two patients who both want the single seat of ``a``; ``b`` is a dearer alternative for one of them."""
    offs = (offering("a", MON, "09:00", "10:00"), offering("b", TUE, "09:00", "10:00"))
    return CohortProblem(
        offerings=offs,
        patients=(
            CohortPatient(id="ann", rules=ONE_SESSION, offering_costs={"b": 5}),
            CohortPatient(
                id="bob", rules=ONE_SESSION, availability=WeeklyAvailability.daily("08:00", "12:00", days=[MON])
            ),
        ),
    )


# ----------------------------------------------------------------------------- properties


@settings(max_examples=40)
@given(cohort_problems(max_patients=3, max_offerings=6))
def test_small_cohorts_are_solved_optimally_and_pass_the_checker(problem: CohortProblem) -> None:
    """On small cohorts the cost equals exhaustive search, is proven optimal, and the schedule is valid."""
    schedule = solve_cohort(problem)
    assert check_cohort(problem, schedule) == ()
    assert schedule.cost == brute_force(problem)
    assert schedule.optimal and schedule.lower_bound == schedule.cost


@settings(max_examples=40)
@given(cohort_problems(max_patients=3, max_offerings=5), st.integers(0, 30), st.booleans())
def test_the_heuristic_path_is_valid_and_its_bound_is_proven(problem: CohortProblem, work: int, columns: bool) -> None:
    """Without the exact search, with or without column generation: valid schedule,
    capacity-free bound <= lower bound <= optimum <= cost."""
    schedule = solve_cohort(problem, work_limit=work, tuning=HEURISTIC if columns else NO_COLUMNS)
    assert check_cohort(problem, schedule) == ()
    best = brute_force(problem)
    assert schedule.capacity_free_bound <= schedule.lower_bound <= best <= schedule.cost
    assert schedule.optimal == (schedule.cost == schedule.lower_bound)


@settings(max_examples=20)
@given(cohort_problems(max_patients=3, max_offerings=6), st.integers(0, 5))
def test_same_seed_same_answer(problem: CohortProblem, seed: int) -> None:
    """The answer is a function of the problem, the seed and the work limit."""
    first = solve_cohort(problem, seed=seed, work_limit=20, tuning=HEURISTIC)
    assert first == solve_cohort(problem, seed=seed, work_limit=20, tuning=HEURISTIC)


@settings(max_examples=25)
@given(cohort_problems(max_patients=3, max_offerings=6), st.data())
def test_admit_never_moves_anyone_and_stays_valid(problem: CohortProblem, data: st.DataObject) -> None:
    """Admitting a patient keeps every existing assignment and reason; the result passes the checker."""
    ids = tuple(o.id for o in problem.offerings)
    new = data.draw(cohort_patients(offering_ids=ids).filter(lambda p: p.id not in {q.id for q in problem.patients}))
    schedule = solve_cohort(problem)
    after = admit(schedule, problem, new)
    bigger = attrs.evolve(problem, patients=(*problem.patients, new))
    assert after.assignments[: len(schedule.assignments)] == schedule.assignments
    # Reasons stay; only the default unscheduled cost may grow with the cohort.
    assert [attrs.evolve(u, cost=0) for u in after.unscheduled[: len(schedule.unscheduled)]] == [
        attrs.evolve(u, cost=0) for u in schedule.unscheduled
    ]
    assert check_cohort(bigger, after) == ()
    if len(bigger.patients) <= 3:
        assert after.lower_bound <= brute_force(bigger) <= after.cost


@settings(max_examples=25)
@given(cohort_problems(max_patients=2, max_offerings=5))
def test_default_unscheduled_cost_exceeds_every_week(problem: CohortProblem) -> None:
    """Without an explicit cost, leaving a patient out costs more than any week they could have."""
    problem = attrs.evolve(problem, unscheduled_cost=None)
    for p in problem.patients:
        if p.unscheduled_cost is None:
            assert all(c < problem.unscheduled_cost_for(p.id) for c, _ in weeks(problem, p))


# ----------------------------------------------------------------------------- behaviour


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


def test_pinned_sessions_are_kept_and_their_seats_held() -> None:
    """Bob keeps ``a`` (pinned): Ann, who can only use ``a`` here, waits."""
    base = small_cohort()
    problem = CohortProblem(
        offerings=base.offerings,
        patients=(
            attrs.evolve(base.patients[0], availability=WeeklyAvailability.daily("08:00", "12:00", days=[MON])),
            base.patients[1],
        ),
        pinned=(Enrollment(patient="bob", offerings=frozenset({"a"})),),
    )
    schedule = solve_cohort(problem)
    assert schedule.assignment("bob") == Assignment(patient="bob", sessions=("a",), cost=0)
    assert schedule.assignment("ann") is None
    assert check_cohort(problem, schedule) == ()


def test_pinned_session_outside_availability_leaves_the_patient_out_with_seat_held() -> None:
    """A pinned session the patient cannot attend makes them infeasible alone; the seat stays theirs."""
    base = small_cohort()
    problem = attrs.evolve(base, pinned=(Enrollment(patient="bob", offerings=frozenset({"b"})),))
    schedule = solve_cohort(problem)
    (out,) = schedule.unscheduled
    assert (out.patient, out.reason, out.conflict) == ("bob", "conflict", ("pinned",))
    assert check_cohort(problem, schedule, deep=False) == ()
    assert schedule.occupancy(problem).rows[1].patients == ("bob",)


def test_time_limit_needs_a_clock() -> None:
    """The core never reads the clock: ``time_limit`` without ``clock`` is refused, saying why."""
    with pytest.raises(ClockRequiredError, match="clock"):
        solve_cohort(small_cohort(), time_limit=1.0)


def test_an_expired_clock_stops_the_improvement_but_the_answer_is_complete() -> None:
    """A clock past the deadline stops the search early; every patient is still placed or explained."""
    ticks = iter(range(1000))
    problem = contended(6)
    schedule = solve_cohort(problem, time_limit=0.5, clock=lambda: float(next(ticks)), tuning=HEURISTIC)
    assert check_cohort(problem, schedule) == ()
    assert len(schedule.assignments) + len(schedule.unscheduled) == 6


def contended(n: int) -> CohortProblem:
    """*n* patients, each wanting two group sessions out of offerings with one or two seats."""
    offs = tuple(
        offering(f"g{d.value}{s}", d, f"{9 + 2 * s}:00", f"{10 + 2 * s}:00", seats=1 + (s + d.value) % 2)
        for d in (MON, TUE, WED)
        for s in range(3)
    )
    rules = WeekRules(days_min=2, components={"group_therapy": ComponentBound(min=2, max=2)})
    patients = tuple(
        CohortPatient(id=f"p{i}", rules=rules, day_cost=i % 3, offering_costs={offs[i % 9].id: 7}) for i in range(n)
    )
    return CohortProblem(offerings=offs, patients=patients)


@pytest.mark.parametrize("columns", [True, False])
def test_contended_cohort_is_valid_bounded_and_improves_with_work(columns: bool) -> None:
    """More work never gives a worse answer or a weaker bound, and both are valid."""
    problem = contended(8)
    tuning = HEURISTIC if columns else NO_COLUMNS
    quick = solve_cohort(problem, work_limit=0, tuning=tuning)
    long = solve_cohort(problem, work_limit=400, seed=3, tuning=tuning)
    for s in (quick, long):
        assert check_cohort(problem, s) == ()
    assert long.cost <= quick.cost and long.lower_bound >= quick.lower_bound
    assert long.lower_bound >= long.capacity_free_bound


def test_backend_ortools_dispatches_to_the_optional_module() -> None:
    """``backend="ortools"`` calls the CP-SAT module's solver with the same arguments."""
    sentinel = solve_cohort(small_cohort())
    with mock.patch.object(solve_module, "solve_cohort_ortools", return_value=sentinel) as called:
        assert solve_cohort(small_cohort(), backend="ortools", time_limit=2.0, seed=4, work_limit=9) is sentinel
    called.assert_called_once_with(small_cohort(), time_limit=2.0, seed=4, work_limit=9)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"time_limit": -1.0, "clock": lambda: 0.0}, "$.time_limit"),
        ({"time_limit": True, "clock": lambda: 0.0}, "$.time_limit"),
        ({"clock": 3}, "$.clock"),
        ({"seed": True}, "$.seed"),
        ({"work_limit": -1}, "$.work_limit"),
        ({"backend": "gurobi"}, "$.backend"),
        ({"tuning": {"price_scale": 8}}, "$.tuning"),
    ],
)
def test_bad_arguments_are_rejected_with_their_path(kwargs: dict[str, object], path: str) -> None:
    """Each bad keyword argument raises InvalidDataError naming it."""
    with pytest.raises(InvalidDataError) as info:
        solve_cohort(small_cohort(), **kwargs)  # type: ignore[arg-type]
    assert info.value.paths == (path,)


def test_non_problem_is_rejected() -> None:
    """Only a CohortProblem can be solved or checked."""
    with pytest.raises(InvalidDataError):
        solve_cohort("cohort")  # type: ignore[arg-type]
    with pytest.raises(InvalidDataError):
        check_cohort("cohort", solve_cohort(small_cohort()))  # type: ignore[arg-type]
    with pytest.raises(InvalidDataError):
        check_cohort(small_cohort(), "schedule")  # type: ignore[arg-type]


def test_default_work_limit_is_documented() -> None:
    """The default effort is a positive number of work units."""
    assert DEFAULT_WORK_LIMIT > 0


# ----------------------------------------------------------------------------- admission


def test_admit_places_a_new_patient_in_the_seats_left() -> None:
    """A new patient gets their cheapest week among the seats left; nobody moves."""
    problem = attrs.evolve(small_cohort(), offerings=(*small_cohort().offerings, offering("c", WED, "09:00", "10:00")))
    schedule = solve_cohort(problem)
    dan = CohortPatient(id="dan", rules=ONE_SESSION)
    after = admit(schedule, problem, dan)
    placed = after.assignment("dan")
    assert placed is not None and placed.cost == 0 and after.optimal
    assert check_cohort(attrs.evolve(problem, patients=(*problem.patients, dan)), after) == ()


def test_admit_explains_why_a_new_patient_does_not_fit() -> None:
    """With every seat taken the new patient is listed with the seats that would admit them."""
    problem = small_cohort()
    schedule = solve_cohort(problem)
    after = admit(schedule, problem, CohortPatient(id="dan", rules=ONE_SESSION))
    (out,) = after.unscheduled
    assert out.reason == "capacity" and out.blocking in (("a",), ("b",))
    bigger = attrs.evolve(problem, patients=(*problem.patients, CohortPatient(id="dan", rules=ONE_SESSION)))
    assert check_cohort(bigger, after) == ()


def test_admit_rejects_bad_input() -> None:
    """Wrong types and a patient already in the cohort are refused."""
    problem = small_cohort()
    schedule = solve_cohort(problem)
    with pytest.raises(InvalidDataError):
        admit("s", problem, problem.patients[0])  # type: ignore[arg-type]
    with pytest.raises(InvalidDataError):
        admit(schedule, "p", problem.patients[0])  # type: ignore[arg-type]
    with pytest.raises(InvalidDataError):
        admit(schedule, problem, "x")  # type: ignore[arg-type]
    with pytest.raises(InvalidDataError) as info:
        admit(schedule, problem, problem.patients[0])
    assert info.value.paths == ("$.new_patient.id",)
    assert "ann" not in str(info.value)


# ----------------------------------------------------------------------------- helpers for other backends


def test_capacity_free_bound_and_explanations_are_available_to_other_backends() -> None:
    """The bound and the reasons can be computed for any assignment."""
    problem = small_cohort()
    assert capacity_free_bound(problem) == 0
    (out,) = explain_unscheduled(problem, {"bob": ("a",)})
    assert (out.patient, out.reason) == ("ann", "cost") or out.reason == "capacity"


# ----------------------------------------------------------------------------- model validation


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
    from iopcore.components import COMPONENTS, ComponentCatalog

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


def test_identical_patients_crowding_one_week_leave_the_rest_waiting_on_three_offerings() -> None:
    """Four identical patients need all three single seats: one is placed, three wait on all three."""
    offs = tuple(offering(f"g{d.value}", d, "09:00", "10:00") for d in (MON, TUE, WED))
    rules = WeekRules(days_min=3, components={"group_therapy": ComponentBound(min=3, max=3)})
    problem = CohortProblem(offerings=offs, patients=tuple(CohortPatient(id=f"p{i}", rules=rules) for i in range(4)))
    schedule = solve_cohort(problem, tuning=HEURISTIC)
    assert check_cohort(problem, schedule) == ()
    assert schedule.scheduled == 1 and schedule.lower_bound > schedule.capacity_free_bound
    assert {u.blocking for u in schedule.unscheduled} == {("g1", "g2", "g3")}


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


def test_patients_cheaper_left_out_are_skipped_by_the_greedy_pass() -> None:
    """With a zero unscheduled cost nobody is worth placing, on the heuristic path too."""
    problem = attrs.evolve(contended(4), unscheduled_cost=0)
    schedule = solve_cohort(problem, tuning=HEURISTIC)
    assert schedule.scheduled == 0 and schedule.cost == 0 and schedule.optimal


def test_identical_patients_share_a_week_while_it_has_seats() -> None:
    """Identical patients reuse one search per pass while their week keeps seats; all fit."""
    offs = tuple(offering(f"g{d.value}", d, "09:00", "10:00", seats=3) for d in (MON, TUE))
    problem = CohortProblem(
        offerings=offs, patients=tuple(CohortPatient(id=f"p{i}", rules=ONE_SESSION) for i in range(3))
    )
    schedule = solve_cohort(problem, tuning=HEURISTIC)
    # One search for their week alone, which the three patients share (a cohort this small skips the
    # pass on the least crowded offerings: column generation follows instead).
    assert schedule.scheduled == 3 and schedule.optimal and schedule.work == 1


def test_an_exact_search_out_of_nodes_falls_back_to_the_heuristic() -> None:
    """When the small-cohort search runs out of nodes the answer still comes, valid."""
    problem = contended(4)
    schedule = solve_cohort(problem, tuning=CohortTuning(exact_max_nodes=1))
    assert check_cohort(problem, schedule) == ()


@settings(max_examples=40)
@given(cohort_problems(min_patients=2, max_patients=3, max_offerings=6, pinned=False), st.integers(0, 3))
def test_heuristic_with_own_unscheduled_costs_never_leaves_out_a_patient_worth_a_fitting_week(
    problem: CohortProblem, seed: int
) -> None:
    """A patient left out for capacity has no week in the seats left; for cost, every fitting week is dearer."""
    schedule = solve_cohort(problem, seed=seed, work_limit=40, tuning=HEURISTIC)
    assert check_cohort(problem, schedule) == ()
    assert schedule.lower_bound <= brute_force(problem) <= schedule.cost


@pytest.mark.parametrize("columns", [True, False])
def test_an_integrality_gap_leaves_the_bound_below_the_cost_and_the_search_ends(columns: bool) -> None:
    """Three patients each need a different pair of three single seats: one fits; the bound cannot prove it."""
    offs = tuple(offering(x, d, "09:00", "10:00") for x, d in (("a", MON), ("b", TUE), ("c", WED)))
    two = WeekRules(components={"group_therapy": ComponentBound(min=2, max=2)})
    pairs = {"p": (MON, TUE), "q": (TUE, WED), "r": (MON, WED)}
    problem = CohortProblem(
        offerings=offs,
        patients=tuple(
            CohortPatient(id=k, rules=two, availability=WeeklyAvailability.daily("08:00", "12:00", days=days))
            for k, days in pairs.items()
        ),
        unscheduled_cost=10,
    )
    schedule = solve_cohort(problem, tuning=HEURISTIC if columns else NO_COLUMNS)
    assert check_cohort(problem, schedule) == ()
    assert schedule.scheduled == 1 and schedule.cost == brute_force(problem)
    assert schedule.capacity_free_bound < schedule.lower_bound < schedule.cost and not schedule.optimal


def test_repair_moves_a_holder_to_admit_a_patient_left_out() -> None:
    """Ann holds ``a`` but could use ``b``; Bob can only use ``a``: the repair moves Ann and admits Bob."""
    problem = small_cohort()
    ctx = build_context(problem, 100, None, None)
    capacity_free_optimum(ctx)
    ann = ctx.groups[ctx.of_patient[0]]
    a = next(i for i, o in enumerate(ann.cands.offerings) if o.id == "a")
    plan: list[tuple[int, ...] | None] = [(a,), None]
    ejection_repair(ctx, plan)
    assert plan[1] is not None and plan[0] is not None and plan[0] != (a,)


def test_repair_exchanges_a_cheap_to_leave_holder_for_a_dear_one() -> None:
    """Both can only use ``a``; the holder is cheap to leave out, the other dear: they are exchanged."""
    base = small_cohort()
    only_a = WeeklyAvailability.daily("08:00", "12:00", days=[MON])
    problem = attrs.evolve(
        base,
        patients=(
            CohortPatient(id="ann", rules=ONE_SESSION, availability=only_a, unscheduled_cost=1),
            CohortPatient(id="bob", rules=ONE_SESSION, availability=only_a, unscheduled_cost=50),
        ),
    )
    ctx = build_context(problem, 100, None, None)
    capacity_free_optimum(ctx)
    plan: list[tuple[int, ...] | None] = [ctx.groups[ctx.of_patient[0]].own, None]
    ejection_repair(ctx, plan)
    assert plan[0] is None and plan[1] is not None


def test_repair_undoes_moves_when_a_second_holder_cannot_move() -> None:
    """Cat needs ``a`` and ``b``; Ann could leave ``a`` but Bob cannot leave ``b``: nothing changes."""
    offs = (
        offering("a", MON, "09:00", "10:00"),
        offering("b", TUE, "09:00", "10:00"),
        offering("c", WED, "09:00", "10:00"),
    )
    two = WeekRules(components={"group_therapy": ComponentBound(min=2, max=2)})
    problem = CohortProblem(
        offerings=offs,
        patients=(
            CohortPatient(
                id="ann", rules=ONE_SESSION, availability=WeeklyAvailability.daily("08:00", "12:00", days=[MON, WED])
            ),
            CohortPatient(
                id="bob", rules=ONE_SESSION, availability=WeeklyAvailability.daily("08:00", "12:00", days=[TUE])
            ),
            CohortPatient(
                id="cat", rules=two, availability=WeeklyAvailability.daily("08:00", "12:00", days=[MON, TUE])
            ),
        ),
    )
    ctx = build_context(problem, 100, None, None)
    capacity_free_optimum(ctx)
    index = {o.id: i for i, o in enumerate(ctx.groups[ctx.of_patient[0]].cands.offerings)}
    plan: list[tuple[int, ...] | None] = [(index["a"],), ctx.groups[ctx.of_patient[1]].own, None]
    before = list(plan)
    ejection_repair(ctx, plan)
    assert plan == before


@settings(max_examples=25)
@given(cohort_problems(min_patients=2, max_patients=3, max_offerings=6))
def test_swap_repairs_in_large_cohort_mode_stay_valid_and_bounded(problem: CohortProblem) -> None:
    """With week repair by swaps (the large-cohort mode) answers stay valid and the bound proven."""
    schedule = solve_cohort(problem, work_limit=30, tuning=attrs.evolve(HEURISTIC, swap_from_patients=0))
    assert check_cohort(problem, schedule) == ()
    assert schedule.lower_bound <= brute_force(problem) <= schedule.cost


def test_swap_replaces_a_full_session_by_an_open_one_of_the_same_component() -> None:
    """In large-cohort mode a week on a full offering is repaired by swapping in an open twin."""
    problem = contended(6)
    schedule = solve_cohort(problem, work_limit=0, tuning=attrs.evolve(HEURISTIC, swap_from_patients=0))
    assert check_cohort(problem, schedule) == ()
    assert schedule.scheduled >= 3


def test_polish_moves_a_patient_to_a_cheaper_free_week() -> None:
    """Ann on the dearer ``b`` while ``a`` is free: a best response moves her to ``a``."""
    problem = attrs.evolve(small_cohort(), patients=(small_cohort().patients[0],))
    ctx = build_context(problem, 100, None, None)
    capacity_free_optimum(ctx)
    index = {o.id: i for i, o in enumerate(ctx.groups[0].cands.offerings)}
    plan: list[tuple[int, ...] | None] = [(index["b"],)]
    best_responses(ctx, plan)
    assert plan == [(index["a"],)]


def test_lns_refills_a_full_offering_in_an_order_that_admits_everyone() -> None:
    """Refilling ``a`` in some random order places Bob on ``a`` and Ann on ``b``; worse orders are undone."""
    problem = small_cohort()
    kept = []
    for seed in range(8):
        ctx = build_context(problem, 100, None, None)
        capacity_free_optimum(ctx)
        ann = ctx.groups[ctx.of_patient[0]]
        plan: list[tuple[int, ...] | None] = [ann.own, None]
        refill_full_offerings(ctx, plan, SplitMix64(seed))
        assert plan[0] is not None
        kept.append(plan[1] is not None)
    assert any(kept)


# ----------------------------------------------------------------------------- subset moves and bounds


def _prepared(problem: CohortProblem, tuning: CohortTuning = DEFAULT_TUNING) -> Context:
    ctx = build_context(problem, 10**9, None, None, tuning)
    capacity_free_optimum(ctx)
    return ctx


@settings(max_examples=40)
@given(cohort_problems(max_patients=3, max_offerings=6))
def test_subset_branch_and_bound_over_everyone_is_exact(problem: CohortProblem) -> None:
    """The conflict-directed search over every patient feasible alone finds the exhaustive optimum, within seats."""
    ctx = _prepared(problem)
    groups = [ctx.groups[g] for g in ctx.of_patient]
    placeable = [p for p, g in enumerate(groups) if g.own is not None]
    found = best_subset_placement(ctx, placeable, ctx.residual, 10**6, 10**9)
    assert found is not None
    cost, chosen = found
    left_out = sum(g.unscheduled for g in groups if g.own is None)
    assert cost + left_out == brute_force(problem)
    seats = list(ctx.residual)
    total = 0
    for p, week in zip(placeable, chosen, strict=True):
        group = groups[p]
        if week is None:
            total += group.unscheduled
            continue
        ids = [group.cands.offerings[i].id for i in week]
        assert check(group.problem, ids) == ()
        assert problem.pinned_for(problem.patients[p].id) <= set(ids)
        total += week_cost(group, week)
        for i in week:
            if i not in group.pinned:
                seats[group.offering[i]] -= 1
    assert total == cost
    assert min(seats, default=0) >= 0


def test_subset_branch_and_bound_gives_up_at_its_node_limit_or_its_cost_limit() -> None:
    """Out of nodes, or with nothing as cheap as asked, the subset search answers None; else the optimum."""
    ctx = _prepared(small_cohort())
    assert best_subset_placement(ctx, [0, 1], ctx.residual, 0, 100) is None
    found = best_subset_placement(ctx, [0, 1], ctx.residual, 10, 100)
    assert found is not None
    assert found[0] == 5  # bob keeps the only seat of a, ann pays 5 for b
    assert best_subset_placement(ctx, [0, 1], ctx.residual, 10, 5) == found
    assert best_subset_placement(ctx, [0, 1], ctx.residual, 10, 4) is None  # nothing that cheap


def test_wanted_names_the_full_offerings_of_the_cheapest_week() -> None:
    """A patient's wish list: the closed offerings their cheapest week alone needs, none when nothing is closed."""
    ctx = _prepared(small_cohort())
    ann = ctx.groups[ctx.of_patient[0]]
    assert wish_list(ctx, ann, frozenset()) == []
    assert wish_list(ctx, ann, frozenset({0})) == [0]  # a (index 0) is cheaper than b, even closed


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
    ctx = _prepared(problem)
    free = capacity_free_bound(problem)
    assert free == 90
    # Leaving out y would cost only 100 - 90 = 10 more, but y competes with nobody: x1 or x2 pays 100.
    assert counting_bound(ctx, free) == free + 100 == brute_force(problem)
    assert solve_cohort(problem).lower_bound == 190


def test_wanted_keeps_a_patients_pinned_sessions() -> None:
    """With a pinned session, the wish list names only the closed offerings besides it."""
    offs = (
        offering("a", MON, "09:00", "10:00", seats=2),
        offering("b", TUE, "09:00", "10:00", seats=2),
        offering("c", WED, "09:00", "10:00", seats=2),
    )
    rules = WeekRules(hours_min=2, components={"group_therapy": ComponentBound(min=2, max=2)})
    problem = CohortProblem(
        offerings=offs,
        patients=(CohortPatient(id="kim", rules=rules, offering_costs={"c": 5}),),
        pinned=(Enrollment(patient="kim", offerings=frozenset({"a"})),),
    )
    ctx = _prepared(problem)
    group = ctx.groups[0]
    assert group.pinned and not group.pinned_week
    assert wish_list(ctx, group, frozenset()) == []
    assert wish_list(ctx, group, frozenset({0, 1})) == [1]  # a is held by the pin; b is cheaper than c


@settings(max_examples=25)
@given(cohort_problems(max_patients=3, max_offerings=5), st.integers(0, 30))
def test_without_subset_moves_the_lagrangian_path_is_valid_and_bounded(problem: CohortProblem, work: int) -> None:
    """The Lagrangian rounds alone (no subset moves, no counting bound) keep plans valid and bounds proven."""
    tuning = attrs.evolve(NO_COLUMNS, subset_moves_first=0, subset_moves=0)
    with mock.patch.object(solve_module, "counting_bound", lambda ctx, free: free):  # a phase off, not a constant
        schedule = solve_cohort(problem, work_limit=work, tuning=tuning)
    assert check_cohort(problem, schedule) == ()
    assert schedule.capacity_free_bound <= schedule.lower_bound <= brute_force(problem) <= schedule.cost


def crowded(n: int, shift: int) -> CohortProblem:
    """*n* patients wanting two of nine group sessions with one to three seats, costs and seats varied by *shift*."""
    offs = tuple(
        offering(
            f"g{d.value}{s}", d, f"{9 + 2 * s}:00", f"{10 + 2 * s}:00", seats=1 + (7 * s + 3 * d.value + shift) % 3
        )
        for d in (MON, TUE, WED)
        for s in range(3)
    )
    rules = WeekRules(days_min=2, components={"group_therapy": ComponentBound(min=2, max=2)})
    patients = tuple(
        CohortPatient(
            id=f"p{i}",
            rules=rules,
            day_cost=(i * shift) % 4,
            offering_costs={offs[(5 * i + shift) % 9].id: 7, offs[(i + shift) % 9].id: 3},
        )
        for i in range(n)
    )
    return CohortProblem(offerings=offs, patients=patients)


@pytest.mark.parametrize(("n", "shift"), [(10, 1), (8, 2), (10, 3), (12, 1), (10, 4), (12, 5)])
@pytest.mark.parametrize("subset_moves", [True, False])
def test_crowded_cohorts_stay_valid_and_bounded_with_or_without_subset_moves(
    n: int, shift: int, subset_moves: bool
) -> None:
    """On crowded cohorts where the first plan is not the last, every step keeps the plan valid and the bound proven
    (without column generation, which would prove most of them optimal at once)."""
    problem = crowded(n, shift)
    tuning = NO_COLUMNS if subset_moves else attrs.evolve(NO_COLUMNS, subset_moves_first=0, subset_moves=0)
    quick = solve_cohort(problem, work_limit=50, seed=3, tuning=tuning)
    long = solve_cohort(problem, work_limit=400, seed=3, tuning=tuning)
    for schedule in (quick, long):
        assert check_cohort(problem, schedule, deep=True) == ()
        assert schedule.capacity_free_bound <= schedule.lower_bound <= schedule.cost
    assert long.lower_bound >= quick.lower_bound


def test_subset_moves_stop_at_their_work_share_and_never_make_a_plan_dearer() -> None:
    """With no work to spend no move runs; with work, moves keep the plan valid and no dearer."""
    problem = crowded(10, 1)
    ctx = _prepared(problem)
    plan = greedy_pass(ctx, placement_order(ctx, None), None)
    cost = plan_cost(ctx, plan)
    same = list(plan)
    assert subset_moves(ctx, same, SplitMix64(0), 10, 3, 0) is False
    assert same == plan
    moved = list(plan)
    better = subset_moves(ctx, moved, SplitMix64(0), 40, 3, 10**6)
    assert plan_cost(ctx, moved) <= cost
    assert better == (plan_cost(ctx, moved) < cost)
    assert min(free_seats(ctx, moved)) >= 0


def test_a_stop_in_the_middle_of_a_repair_never_returns_a_dearer_plan() -> None:
    """An ejection move moves one holder before the next; stopped between, the dearer half-move is not kept."""
    offs = tuple(
        offering(oid, day, "09:00", "10:00")
        for oid, day in (("s1", MON), ("s2", TUE), ("f1", WED), ("f2", Weekday.THURSDAY))
    )
    one = WeekRules(hours_min=1, components={"group_therapy": ComponentBound(min=1, max=1)})
    two = WeekRules(hours_min=2, days_min=2, components={"group_therapy": ComponentBound(min=2, max=2)})

    def on(*days: Weekday) -> WeeklyAvailability:
        return WeeklyAvailability.daily("08:00", "12:00", days=list(days))

    problem = CohortProblem(
        offerings=offs,
        patients=(
            # p1 and p2 each take one of the two seats q needs (they come first, on ties by position)
            # and have a fallback at 5; q is left out by the greedy pass.
            CohortPatient(id="p1", rules=one, availability=on(MON, WED), offering_costs={"f1": 5}),
            CohortPatient(id="p2", rules=one, availability=on(TUE, Weekday.THURSDAY), offering_costs={"f2": 5}),
            CohortPatient(id="q", rules=two, availability=on(MON, TUE)),
        ),
        unscheduled_cost=100,
    )
    costs = [solve_cohort(problem, work_limit=w, tuning=NO_COLUMNS).cost for w in range(16)]
    assert costs[0] == 100  # the first pass: q left out
    assert all(c <= costs[0] for c in costs)
    assert costs[-1] == brute_force(problem) == 10


def test_a_tiny_day_pattern_cache_gives_the_same_answers() -> None:
    """The per-patient day-pattern cache only saves time: emptied at every search, the answers are the same."""
    problem = crowded(10, 1)
    usual = solve_cohort(problem, work_limit=300, seed=2, tuning=HEURISTIC)
    tiny = solve_cohort(problem, work_limit=300, seed=2, tuning=attrs.evolve(HEURISTIC, day_cache_size=0))
    assert tiny == usual


def proven_optimum(problem: CohortProblem) -> int:
    """The optimum, as column generation proves it on the crowded cohorts (its bound is checked against
    exhaustive search on small cohorts above)."""
    schedule = solve_cohort(problem, tuning=HEURISTIC)
    assert schedule.optimal
    return schedule.cost


@pytest.mark.parametrize(("n", "shift"), [(10, 1), (8, 2), (10, 3), (12, 1), (10, 4), (12, 5)])
def test_column_generation_proves_crowded_cohorts_optimal(n: int, shift: int) -> None:
    """The linear relaxation's prices prove these cohorts optimal (one more patient, infeasible alone, stays out)."""
    problem = crowded(n, shift)
    four = WeekRules(components={"group_therapy": ComponentBound(min=4, max=4)})  # Monday has three sessions
    alone = CohortPatient(id="x", rules=four, availability=WeeklyAvailability.daily("08:00", "17:00", days=[MON]))
    problem = attrs.evolve(problem, patients=(*problem.patients, alone))
    schedule = solve_cohort(problem, tuning=HEURISTIC)
    without = solve_cohort(problem, work_limit=400, seed=3, tuning=NO_COLUMNS)
    assert check_cohort(problem, schedule, deep=True) == ()
    assert schedule.optimal and schedule.cost == schedule.lower_bound
    assert without.lower_bound <= schedule.cost <= without.cost


def test_identical_patients_share_one_row_of_the_master() -> None:
    """A group of identical patients is one row with its size as right-hand side: a whole solution seats each member."""
    offs = tuple(
        offering(f"g{d.value}{s}", d, f"{9 + 2 * s}:00", f"{10 + 2 * s}:00") for d in (MON, TUE) for s in (0, 1)
    )
    rules = WeekRules(components={"group_therapy": ComponentBound(min=2, max=2)})
    problem = CohortProblem(
        offerings=offs,
        patients=(
            *(CohortPatient(id=f"p{i}", rules=rules) for i in range(3)),
            CohortPatient(id="q", rules=rules, offering_costs={"g10": 1}),
            # Five sessions of four: infeasible alone, so r has no row in the master and is left out.
            CohortPatient(id="r", rules=WeekRules(components={"group_therapy": ComponentBound(min=5, max=5)})),
        ),
    )
    schedule = solve_cohort(problem, tuning=HEURISTIC)
    assert check_cohort(problem, schedule) == ()
    # Four single seats, two sessions each: two patients fit, the cheapest two are p's.
    assert schedule.optimal and schedule.scheduled == 2 and schedule.cost == brute_force(problem)
    assert {u.patient: u.reason for u in schedule.unscheduled}["r"] == "conflict"


@pytest.mark.parametrize(
    ("tuning", "why"),
    [
        (CohortTuning(columns_pivots=0), "the first solve runs out of pivots"),
        (CohortTuning(columns_max_rows=12), "the master outgrows its rows once capacity rows join"),
    ],
)
def test_column_generation_gives_way_to_the_subgradient_steps(tuning: CohortTuning, why: str) -> None:
    """When the master cannot be solved, column generation returns what it was given."""
    problem = crowded(12, 1)
    ctx = _prepared(problem, tuning)
    plan: Plan = [None] * len(problem.patients)
    cost = plan_cost(ctx, plan)
    assert column_generation(ctx, plan, cost, 0) == (plan, cost, 0, None, False), why


@pytest.mark.parametrize("pivots", [0, 1, 2, 3, 5, 8, 12, 20])
def test_without_a_solvable_master_the_solver_carries_on_valid_and_bounded(pivots: int) -> None:
    """Out of pivots at once or after some new weeks, the subgradient steps and subset moves take over."""
    problem = crowded(12, 1)
    best = proven_optimum(problem)
    schedule = solve_cohort(problem, work_limit=300, tuning=attrs.evolve(HEURISTIC, columns_pivots=pivots))
    assert check_cohort(problem, schedule) == ()
    assert schedule.capacity_free_bound <= schedule.lower_bound <= best <= schedule.cost


@pytest.mark.parametrize(
    ("first", "works"),
    [
        (48, (0, 10, 20, 40, 80, 160, 320)),  # small: column generation first, optimal by 320 units
        # mid-sized (first above none): the first subset moves take about 206 units, column generation 13 more
        (0, (0, 100, *range(204, 222, 2), 320)),
    ],
)
def test_a_stop_during_column_generation_keeps_the_best_plan_so_far(first: int, works: tuple[int, ...]) -> None:
    """Stopped by the work limit before, during or after column generation, the plan is valid and bounded."""
    problem = crowded(12, 1)
    best = proven_optimum(problem)
    tuning = attrs.evolve(HEURISTIC, columns_first_groups=first)
    schedules = [solve_cohort(problem, work_limit=w, tuning=tuning) for w in works]
    for schedule in schedules:
        assert check_cohort(problem, schedule) == ()
        assert schedule.lower_bound <= best <= schedule.cost
    assert schedules[-1].optimal


@pytest.mark.parametrize(("n", "shift"), [(10, 1), (12, 1), (12, 5)])
def test_mid_sized_cohorts_run_column_generation_after_the_first_subset_moves(n: int, shift: int) -> None:
    """Above 48 groups (here: above none), the start is repaired, subset moves run first, then the master."""
    problem = crowded(n, shift)
    schedule = solve_cohort(problem, tuning=attrs.evolve(HEURISTIC, columns_first_groups=0))
    assert check_cohort(problem, schedule) == ()
    assert schedule.optimal and schedule.cost == proven_optimum(problem)


def test_a_deadline_during_a_solve_of_the_master_stops_it_between_pivots() -> None:
    """The master's solve checks the clock before each pivot (searches are not the only thing that takes time)."""
    problem = crowded(12, 1)
    ctx = _prepared(problem)
    readings = iter([0.0])  # the first reading is before the deadline, every later one after it

    def clock() -> float:
        return next(readings, 2.0)

    ctx.clock, ctx.deadline, ctx.budgeted = clock, 1.0, True
    plan: Plan = [None] * len(problem.patients)
    cost, searches = plan_cost(ctx, plan), ctx.work
    # One pivot, then the stop: no search ran and the plan is the one given.
    assert column_generation(ctx, plan, cost, 0) == (plan, cost, 0, None, True)
    assert ctx.work == searches


def test_a_tuning_checks_its_fields_and_their_order() -> None:
    """Out-of-range fields and a largest subset move below the first are refused, each at its path."""
    with pytest.raises(InvalidDataError) as info:
        CohortTuning(columns_batch=0)
    assert info.value.paths == ("$.columns_batch",)
    with pytest.raises(InvalidDataError) as info:
        CohortTuning(subset_size=4, subset_size_max=3)
    assert info.value.paths == ("$.subset_size_max",)
    with pytest.raises(InvalidDataError) as info:
        CohortTuning(step_deflection=1.0)
    assert info.value.paths == ("$.step_deflection",)
    assert CohortTuning(subset_size=6, subset_size_max=6).subset_size_max == 6
    assert CohortTuning() == DEFAULT_TUNING


@settings(max_examples=30)
@given(cohort_problems(max_patients=3, max_offerings=5), cohort_tunings(), st.integers(0, 40))
def test_any_tuning_gives_a_valid_schedule_with_a_proven_bound(
    problem: CohortProblem, tuning: CohortTuning, work: int
) -> None:
    """Whatever the tuning, the schedule passes the checker and its bounds hold against exhaustive search."""
    schedule = solve_cohort(problem, work_limit=work, tuning=tuning)
    assert check_cohort(problem, schedule) == ()
    assert schedule.capacity_free_bound <= schedule.lower_bound <= brute_force(problem) <= schedule.cost
