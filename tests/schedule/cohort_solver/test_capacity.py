"""Capacity planning: the changes that admit the most waiting patients, verified by re-solving.

The oracle (:func:`best_admission`) is an exhaustive search over every patient's weeks, written
from the definitions with :func:`~iopcore.schedule.check` (through ``patient_weeks``); it shares
no code with the solver.
"""

from __future__ import annotations

import functools
import itertools

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.errors import ClockRequiredError, InvalidArgumentError
from iopcore.schedule import (
    DEFAULT_CAPACITY_WORK_LIMIT,
    DEFAULT_TUNING,
    AddSeats,
    AddSession,
    CapacityChange,
    CapacityReport,
    CohortPatient,
    CohortProblem,
    CohortSchedule,
    admit_to_cohort,
    check_cohort,
    seat_changes,
    session_changes,
    solve_cohort,
    suggest_capacity,
)
from iopcore.strategies import cohort_problems
from tests.schedule.builders import HEURISTIC, MON, ONE_SESSION, TUE, crowded, offering, patient_weeks

# --- the oracle ---------------------------------------------------------------------------------


def best_admission(problem: CohortProblem, schedule: CohortSchedule) -> tuple[int, int]:
    """(waiting patients admitted, cost) of the best plan of *problem* that schedules every patient
    *schedule* schedules: least cost, then the most patients scheduled. Exhaustive search."""
    kept = {a.patient for a in schedule.assignments}
    free = {o.id: o.seats for o in problem.offerings}
    for e in problem.pinned:
        for o in e.offerings:
            free[o] -= 1
    options: list[list[tuple[int, frozenset[str] | None]]] = []
    for p in problem.patients:
        keep = problem.pinned_for(p.id)
        weeks = [(c, w - keep) for c, w in patient_weeks(problem, p)]
        if p.id in kept:
            options.append(list(weeks))
        else:
            u = problem.unscheduled_cost_for(p.id)
            options.append([(u, None)] + [(c, w) for c, w in weeks if c <= u])
    best: tuple[int, int] | None = None  # (cost, patients left out)
    admitted = 0
    for combo in itertools.product(*options):
        used: dict[str, int] = {}
        for _, w in combo:
            for o in w or ():
                used[o] = used.get(o, 0) + 1
        if any(used[o] > free[o] for o in used):
            continue
        key = (sum(c for c, _ in combo), sum(1 for _, w in combo if w is None))
        if best is None or key < best:
            best = key
            admitted = sum(1 for p, (_, w) in zip(problem.patients, combo, strict=True) if w is not None) - len(kept)
    assert best is not None, "the schedule's own weeks are a plan"
    return admitted, best[0]


def expected_ranking(
    problem: CohortProblem, schedule: CohortSchedule, changes: list[CapacityChange], k: int
) -> tuple[int, list[tuple[CapacityChange, int, int]]]:
    """What the re-plan admits, and the best *k* changes by brute force: (change, admitted, cost)."""
    base, _ = best_admission(problem, schedule)
    distinct = list(dict.fromkeys(changes))
    found = [(i, *best_admission(c.apply(problem), schedule)) for i, c in enumerate(distinct)]
    better = sorted((r for r in found if r[1] > base), key=lambda r: (-r[1], r[2], r[0]))
    return base, [(distinct[i], n, cost) for i, n, cost in better[:k]]


# --- what every suggestion must be ----------------------------------------------------------------


def assert_admits_what_it_claims(problem: CohortProblem, schedule: CohortSchedule, report: CapacityReport) -> None:
    """Each suggestion's schedule is valid for the changed problem, keeps every patient scheduled before,
    and schedules exactly the waiting patients it names; the report is ordered."""
    kept = {a.patient for a in schedule.assignments}
    waiting = [p.id for p in problem.patients if p.id not in kept]
    assert report.waiting == len(waiting)
    replan = 0 if report.replan is None else report.replan.count
    for s in [*report.suggestions, *([report.replan] if report.replan else [])]:
        changed = problem if s.change is None else s.change.apply(problem)
        assert check_cohort(changed, s.schedule) == ()
        placed = {a.patient for a in s.schedule.assignments}
        assert kept <= placed
        assert s.admitted == tuple(p for p in waiting if p in placed)  # exactly these, in the problem's order
        assert s.count == len(placed) - len(kept)
        assert s.cost == s.schedule.cost
        assert s.schedule.lower_bound <= s.schedule.cost
        order = [p.id for p in problem.patients]  # listed in the problem's order, as solve_cohort does
        assert [a.patient for a in s.schedule.assignments] == [p for p in order if p in placed]
        assert [u.patient for u in s.schedule.unscheduled] == [p for p in order if p not in placed]
    assert all(s.count > replan for s in report.suggestions)
    assert [s.count for s in report.suggestions] == sorted((s.count for s in report.suggestions), reverse=True)


def partly_admitted(problem: CohortProblem, solved: int) -> tuple[CohortProblem, CohortSchedule]:
    """*problem* (pins kept for its first *solved* patients only) and a schedule of it that solves the first
    *solved* patients together and admits the others one by one: often not optimal."""
    first = {p.id for p in problem.patients[:solved]}
    problem = attrs.evolve(problem, pinned=tuple(e for e in problem.pinned if e.patient in first))
    sub = attrs.evolve(problem, patients=problem.patients[:solved])
    schedule = solve_cohort(sub)
    for p in problem.patients[solved:]:
        schedule = admit_to_cohort(schedule, sub, p)
        sub = attrs.evolve(sub, patients=(*sub.patients, p))
    return problem, schedule


def candidates(problem: CohortProblem) -> list[CapacityChange]:
    """One more seat on every offering, and a session like the first offering at every free 2-hour slot."""
    changes: list[CapacityChange] = list(seat_changes(problem))
    if problem.offerings:
        changes.extend(session_changes(problem, problem.offerings[0].id, step=120, closes=problem.offerings[0].end))
    return changes


@st.composite
def contended_cohorts(draw: st.DrawFn, max_patients: int = 4) -> CohortProblem:
    """Small cohorts where patients compete for seats: a few drawn patients and twins of them (same
    profile, so the same wishes), often at most one seat an offering."""
    problem = draw(cohort_problems(min_patients=1, max_patients=2, max_offerings=4))
    if draw(st.booleans()):
        problem = attrs.evolve(
            problem, offerings=tuple(attrs.evolve(o, seats=min(o.seats, 1)) for o in problem.offerings)
        )
    twins = draw(st.lists(st.sampled_from(problem.patients), max_size=max_patients - len(problem.patients)))
    extra = tuple(attrs.evolve(p, id=f"t{i}") for i, p in enumerate(twins))
    return attrs.evolve(problem, patients=(*problem.patients, *extra))


# --- brute force on small cohorts -----------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(contended_cohorts(), st.integers(0, 4), st.integers(1, 4))
def test_small_cohorts_rank_the_changes_as_brute_force_does(problem: CohortProblem, solved: int, k: int) -> None:
    """On small cohorts the suggestions are exactly the best k changes by exhaustive search over every
    candidate (patients admitted, then cost, then the order given), each admitting what it claims."""
    problem, schedule = partly_admitted(problem, min(solved, len(problem.patients)))
    changes = candidates(problem)
    report = suggest_capacity(problem, schedule, changes, k=k)
    assert_admits_what_it_claims(problem, schedule, report)
    base, expected = expected_ranking(problem, schedule, changes, k)
    assert report.exact and report.complete
    assert (0 if report.replan is None else report.replan.count) == base
    assert [(s.change, s.count, s.cost) for s in report.suggestions] == expected
    assert all(s.proven for s in report.suggestions)


def test_one_more_seat_or_an_opened_session_admits_the_patient_waiting_for_it() -> None:
    """Two patients want the single seat of ``a`` (``b`` has no seat): a second seat on ``a``, or a seat on
    ``b``, admits the one left out; equal in count and cost, they keep the order given."""
    offs = (offering("a", MON, "09:00", "10:00"), offering("b", TUE, "09:00", "10:00", seats=0))
    problem = CohortProblem(
        offerings=offs,
        patients=(CohortPatient(id="ann", rules=ONE_SESSION), CohortPatient(id="bob", rules=ONE_SESSION)),
    )
    schedule = solve_cohort(problem)
    (out,) = schedule.unscheduled
    report = suggest_capacity(problem, schedule, [AddSeats(offering="b"), AddSeats(offering="a")])
    assert [s.change for s in report.suggestions] == [AddSeats(offering="b"), AddSeats(offering="a")]
    assert [s.admitted for s in report.suggestions] == [(out.patient,), (out.patient,)]
    assert report.replan is None and report.exact and report.complete
    assert_admits_what_it_claims(problem, schedule, report)


@settings(max_examples=40, deadline=None)
@given(contended_cohorts(), st.integers(0, 4), st.integers(0, 60))
def test_the_heuristic_path_admits_what_it_claims_and_never_more_than_possible(
    problem: CohortProblem, solved: int, work: int
) -> None:
    """Without the exact search (and under any work limit) every suggestion's schedule is valid and admits
    exactly the patients it names, never more than exhaustive search can for that change."""
    problem, schedule = partly_admitted(problem, min(solved, len(problem.patients)))
    changes = candidates(problem)
    report = suggest_capacity(problem, schedule, changes, k=5, work_limit=work, tuning=HEURISTIC)
    assert_admits_what_it_claims(problem, schedule, report)
    assert not report.exact or report.waiting == 0
    for s in report.suggestions:
        assert s.change is not None and not s.proven
        assert s.count <= best_admission(s.change.apply(problem), schedule)[0]


@pytest.mark.parametrize("exact", [True, False])
@pytest.mark.parametrize("shift", [0, 1, 2])
def test_crowded_cohorts_get_suggestions_that_admit_what_they_claim(shift: int, exact: bool) -> None:
    """On a cohort of 14 with a schedule that leaves patients waiting, the best changes (found by screening
    and moves, the exact search tried first or not) each admit someone, as claimed."""
    problem = crowded(14, shift)
    schedule = solve_cohort(problem, work_limit=200)
    changes = [
        *seat_changes(problem, schedule=schedule),
        *seat_changes(problem, seats=2),
        *session_changes(problem, "g10", step=120),
    ]
    report = suggest_capacity(problem, schedule, changes, k=3, tuning=DEFAULT_TUNING if exact else HEURISTIC)
    assert report.waiting == len(schedule.unscheduled) > 0
    assert report.suggestions and report.complete
    assert not report.exact  # 14 patients: the exact search gives up (out of nodes) or is not tried
    assert 0 < report.evaluated <= report.changes == len(set(changes))
    assert_admits_what_it_claims(problem, schedule, report)


def test_the_work_limit_bounds_the_re_solving() -> None:
    """With no work for re-solving, the report says it is incomplete and claims only what it checked."""
    problem = crowded(14, 1)
    schedule = solve_cohort(problem, work_limit=200)
    changes = list(seat_changes(problem))
    full = suggest_capacity(problem, schedule, changes, tuning=HEURISTIC)
    cut = suggest_capacity(problem, schedule, changes, work_limit=0, tuning=HEURISTIC)
    assert full.complete and not cut.complete
    assert cut.evaluated <= full.evaluated
    assert_admits_what_it_claims(problem, schedule, cut)


def test_a_time_limit_is_read_from_the_callers_clock() -> None:
    """A clock already past the deadline stops the re-solving; the answer is still valid."""
    problem = crowded(14, 2)
    schedule = solve_cohort(problem, work_limit=200)
    ticks = itertools.count(0, 10)
    report = suggest_capacity(
        problem, schedule, seat_changes(problem), time_limit=1, clock=lambda: float(next(ticks)), tuning=HEURISTIC
    )
    assert not report.complete
    assert_admits_what_it_claims(problem, schedule, report)


def test_a_schedule_that_leaves_nobody_out_needs_no_change() -> None:
    """With nobody waiting the report is empty, exact and complete."""
    problem = crowded(3, 0)
    schedule = solve_cohort(problem)
    assert schedule.unscheduled == ()
    report = suggest_capacity(problem, schedule, seat_changes(problem))
    assert report == CapacityReport(
        suggestions=(), waiting=0, changes=len(problem.offerings), evaluated=0, exact=True, work=report.work
    )
    assert report.best is None and "no change admits" in str(report)


def test_a_change_given_twice_counts_once_and_k_limits_the_answer() -> None:
    """Duplicates are dropped before ranking; at most k suggestions come back."""
    problem = crowded(14, 0)
    schedule = solve_cohort(problem, work_limit=200)
    changes = list(seat_changes(problem))
    report = suggest_capacity(problem, schedule, [*changes, *changes], k=1)
    assert report.changes == len(changes) and len(report.suggestions) <= 1


def test_the_default_work_limit_is_documented() -> None:
    """The default effort is a public constant."""
    assert DEFAULT_CAPACITY_WORK_LIMIT == 5_000


def _two_patient_problem() -> tuple[CohortProblem, CohortSchedule]:
    offs = (offering("a", MON, "09:00", "10:00"), offering("b", TUE, "09:00", "10:00"))
    problem = CohortProblem(
        offerings=offs,
        patients=(CohortPatient(id="ann", rules=ONE_SESSION), CohortPatient(id="bob", rules=ONE_SESSION)),
    )
    return problem, solve_cohort(problem)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"changes": [AddSeats(offering="zz")]}, "$.changes[0]"),
        (
            {"changes": [AddSeats(offering="a"), AddSession(offering=offering("a", TUE, "11:00", "12:00"))]},
            "$.changes[1]",
        ),
        ({"k": 0}, "$.k"),
        ({"work_limit": -1}, "$.work_limit"),
        ({"time_limit": 1, "clock": lambda: "noon"}, "$.clock"),
    ],
)
def test_bad_arguments_are_rejected_with_their_path(kwargs: dict[str, object], path: str) -> None:
    """Unknown offerings, repeated session ids and out-of-range numbers are refused at their paths."""
    problem, schedule = _two_patient_problem()
    args: dict[str, object] = {"changes": [AddSeats(offering="a")], **kwargs}
    with pytest.raises(InvalidArgumentError) as info:
        suggest_capacity(problem, schedule, **args)  # type: ignore[arg-type]
    assert path in {e.path for e in info.value.errors}


def test_a_time_limit_needs_a_clock() -> None:
    """The core never reads a clock of its own."""
    problem, schedule = _two_patient_problem()
    with pytest.raises(ClockRequiredError):
        suggest_capacity(problem, schedule, [AddSeats(offering="a")], time_limit=1)


def test_a_schedule_that_overfills_an_offering_is_refused() -> None:
    """Every plan keeps the schedule's weeks, so they must be feasible."""
    problem, schedule = _two_patient_problem()
    tight = attrs.evolve(problem, offerings=tuple(attrs.evolve(o, seats=0) for o in problem.offerings))
    with pytest.raises(InvalidArgumentError) as info:
        suggest_capacity(tight, schedule, [AddSeats(offering="a")])
    assert info.value.errors[0].path == "$.schedule"


def test_preparing_the_cohort_counts_against_the_time_limit() -> None:
    """A time limit spent before every patient's week alone is known: no change is evaluated, and the
    report says so (empty, incomplete, not exact) instead of running past the limit."""
    problem = crowded(14, 2)
    schedule = solve_cohort(problem, work_limit=200)
    late = itertools.count(0, 10)  # every reading of the clock is 10 s after the one before
    report = suggest_capacity(
        problem, schedule, seat_changes(problem), time_limit=1, clock=lambda: float(next(late)), tuning=HEURISTIC
    )
    assert report == CapacityReport(
        suggestions=(),
        waiting=len(schedule.unscheduled),
        changes=len(problem.offerings),
        evaluated=0,
        exact=False,
        complete=False,
        work=report.work,
    )
    # The work limit does not cut the preparation (it bounds the re-planning only): with none left for
    # re-planning, the waiting patients are still known to need a change (a re-plan was tried).
    prepared = suggest_capacity(problem, schedule, seat_changes(problem), work_limit=0, tuning=HEURISTIC)
    assert prepared.work > report.work


@functools.cache
def _cut_instance() -> tuple[CohortProblem, CohortSchedule, tuple[CapacityChange, ...]]:
    """A crowded cohort, a schedule of it and every seat and session change (made once: they are the same
    for every clock of the test below)."""
    problem = crowded(14, 1)
    schedule = solve_cohort(problem, work_limit=200)
    return problem, schedule, (*seat_changes(problem), *session_changes(problem, "g10", step=120))


@settings(max_examples=12, deadline=None)
@given(readings=st.integers(min_value=0, max_value=7000), exact=st.booleans())
def test_a_time_limit_reached_anywhere_leaves_a_valid_report(readings: int, exact: bool) -> None:
    """The clock jumps past the limit after *readings* readings: wherever that falls (preparing, re-planning,
    screening, re-solving or finishing the suggestions), every suggestion is valid for its changed problem,
    its bounds are ordered, and the patients whose week alone in the changed problem was not searched for
    are the ones listed ``alone_not_computed``."""
    problem, schedule, changes = _cut_instance()
    count = itertools.count()
    report = suggest_capacity(
        problem,
        schedule,
        changes,
        time_limit=1,
        clock=lambda: 0.0 if next(count) < readings else 100.0,
        tuning=DEFAULT_TUNING if exact else HEURISTIC,
    )
    assert_admits_what_it_claims(problem, schedule, report)
    for s in [*report.suggestions, *([report.replan] if report.replan else [])]:
        placed = {a.patient for a in s.schedule.assignments}
        assert set(s.schedule.alone_not_computed) <= placed
        assert s.schedule.capacity_free_bound <= s.schedule.lower_bound <= s.schedule.cost
