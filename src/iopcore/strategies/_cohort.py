"""Strategies for cohort scheduling (patients, problems, tunings, schedules, occupancy, violations)."""

from __future__ import annotations

import functools

from hypothesis import strategies as st

from iopcore.schedule import (
    BACKENDS,
    GROUPS,
    REASONS,
    SOLVER_PHASES,
    Assignment,
    CohortPatient,
    CohortProblem,
    CohortProgress,
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
)
from iopcore.strategies._core import _check_int, identifiers, texts, weekly_availabilities
from iopcore.strategies._schedule import _SMALL_COMPONENTS, _offering, _tightened, preferences, week_rules
from iopcore.times import Weekday, WeeklyAvailability

__all__ = [
    "assignments",
    "cohort_patients",
    "cohort_problems",
    "cohort_progress_reports",
    "cohort_schedules",
    "cohort_tunings",
    "cohort_violations",
    "enrollments",
    "occupancies",
    "offering_occupancies",
    "unscheduled_patients",
]

_PATIENT_IDS = identifiers(max_size=10)
_OFFERING_IDS = identifiers(max_size=10)


@functools.lru_cache(maxsize=None, typed=True)
def cohort_patients(*, offering_ids: tuple[str, ...] = ()) -> st.SearchStrategy[CohortPatient]:
    """Patients with any rules and preferences; explicit costs and kept sessions name *offering_ids*."""
    costs = (
        st.dictionaries(st.sampled_from(offering_ids), st.integers(0, 30), max_size=4) if offering_ids else st.just({})
    )
    return st.builds(
        CohortPatient,
        id=_PATIENT_IDS,
        rules=week_rules(max_hours=20),
        availability=weekly_availabilities(max_windows=4),
        day_cost=st.integers(0, 20),
        offering_costs=costs,
        preferences=preferences(offering_ids=offering_ids),
        unscheduled_cost=st.one_of(st.none(), st.integers(0, 500)),
    )


@functools.lru_cache(maxsize=None, typed=True)
def enrollments() -> st.SearchStrategy[Enrollment]:
    """Pinned sessions of one patient (any offering ids)."""
    return st.builds(Enrollment, patient=_PATIENT_IDS, offerings=st.frozensets(_OFFERING_IDS, max_size=4))


@st.composite
def _patient(draw: st.DrawFn, pid: str, offs: tuple[Offering, ...], days: tuple[Weekday, ...]) -> CohortPatient:
    """A patient built around a week of non-overlapping offerings with seats (then maybe tightened)."""
    picked: list[Offering] = []
    for o in offs:
        if o.seats > 0 and draw(st.booleans()) and all(not p.interval.overlaps(o.interval) for p in picked):
            picked.append(o)
    availability = draw(
        st.one_of(st.just(WeeklyAvailability.whole_week()), weekly_availabilities(max_windows=3))
    ).union(WeeklyAvailability(windows=tuple(p.interval for p in picked)))
    total = sum(p.duration.value for p in picked)
    n_days = len({p.weekday for p in picked})
    counts = {c: sum(1 for p in picked if p.component == c) for c in _SMALL_COMPONENTS}
    bounds = {
        c: ComponentBound(
            min=draw(st.integers(0, counts[c])), max=draw(st.one_of(st.none(), st.integers(counts[c], 4)))
        )
        for c in draw(st.lists(st.sampled_from(_SMALL_COMPONENTS), unique=True, max_size=2))
    }
    rules = WeekRules(
        hours_min=draw(st.integers(0, total)) / 60,
        hours_max=draw(st.one_of(st.none(), st.integers(total, total + 300).map(lambda m: m / 60))),
        days_min=draw(st.integers(0, n_days)),
        days_max=draw(st.integers(n_days, 7)),
        components=bounds,
    )
    if draw(st.integers(0, 4)) == 0:
        rules = draw(_tightened(rules))
    ids = tuple(o.id for o in offs)
    return CohortPatient(
        id=pid,
        rules=rules,
        availability=availability,
        day_cost=draw(st.integers(0, 10)),
        offering_costs=draw(st.dictionaries(st.sampled_from(ids), st.integers(0, 20), max_size=3)) if ids else {},
        preferences=draw(preferences(offering_ids=ids)),
        unscheduled_cost=draw(st.one_of(st.none(), st.none(), st.integers(0, 200))),
    )


@functools.lru_cache(maxsize=None, typed=True)
def cohort_problems(
    *, min_patients: int = 0, max_patients: int = 3, max_offerings: int = 8, max_days: int = 3, pinned: bool = True
) -> st.SearchStrategy[CohortProblem]:
    """Small cohorts: patients built around feasible weeks (some tightened), capacities 0-3, maybe pinned sessions."""
    _check_int("min_patients", min_patients, 0, 50)
    _check_int("max_patients", max_patients, min_patients, 50)
    _check_int("max_offerings", max_offerings, 0, 200)
    _check_int("max_days", max_days, 1, 7)
    days = tuple(Weekday)[:max_days]

    @st.composite
    def build(draw: st.DrawFn) -> CohortProblem:
        n = draw(st.integers(0, max_offerings))
        offs = tuple(draw(_offering(f"o{i}", _SMALL_COMPONENTS, days)) for i in range(n))
        count = draw(st.integers(min_patients, max_patients))
        patients = tuple(draw(_patient(f"p{j}", offs, days)) for j in range(count))
        enrolled: list[Enrollment] = []
        if pinned and offs and patients:
            left = {o.id: o.seats for o in offs}
            for p in patients:
                if draw(st.integers(0, 3)) == 0:
                    keep = draw(st.frozensets(st.sampled_from([o for o in left if left[o] > 0] or [""]), max_size=2))
                    keep = frozenset(k for k in keep if k)
                    for k in keep:
                        left[k] -= 1
                    enrolled.append(Enrollment(patient=p.id, offerings=keep))
        return CohortProblem(
            offerings=offs,
            patients=patients,
            pinned=tuple(enrolled),
            unscheduled_cost=draw(st.one_of(st.none(), st.none(), st.integers(0, 300))),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def cohort_tunings() -> st.SearchStrategy[CohortTuning]:
    """Tunings of the cohort solver: every field over a range around its default (small values included)."""

    @st.composite
    def build(draw: st.DrawFn) -> CohortTuning:
        subset_size = draw(st.integers(1, 8))
        return CohortTuning(
            price_scale=draw(st.integers(1, 64)),
            exact_max_offerings=draw(st.integers(-1, 14)),
            exact_max_nodes=draw(st.integers(0, 100_000)),
            step_factor=draw(st.floats(0, 4, allow_nan=False)),
            step_patience=draw(st.integers(1, 10)),
            step_deflection=draw(st.floats(0, 1, exclude_max=True)),
            pooled_weeks=draw(st.booleans()),
            swap_options=draw(st.integers(0, 16)),
            swap_from_patients=draw(st.integers(0, 1000)),
            lns_moves=draw(st.integers(0, 8)),
            ejection_needs=draw(st.integers(0, 6)),
            squeaky_passes=draw(st.integers(0, 6)),
            avoid_slack=draw(st.floats(0, 4)),
            calm_pass=draw(st.booleans()),
            lagrangian_every=draw(st.integers(1, 6)),
            idle_rounds=draw(st.integers(1, 12)),
            subset_size=subset_size,
            subset_size_max=draw(st.integers(subset_size, 12)),
            subset_wish_every=draw(st.integers(1, 4)),
            subset_moves=draw(st.integers(0, 128)),
            subset_moves_first=draw(st.integers(0, 128)),
            subset_share_min=draw(st.floats(0, 1)),
            subset_work_min=draw(st.integers(0, 200)),
            subset_nodes=draw(st.integers(0, 200)),
            crowding_max=draw(st.integers(0, 40)),
            cheapest_weeks=draw(st.integers(0, 64)),
            day_cache_size=draw(st.integers(0, 4096)),
            columns_price_scale=draw(st.integers(1, 1 << 20)),
            columns_first_groups=draw(st.integers(0, 200)),
            columns_max_groups=draw(st.one_of(st.none(), st.integers(0, 400))),
            columns_max_rows=draw(st.one_of(st.none(), st.integers(0, 1000))),
            columns_batch=draw(st.integers(1, 40)),
            columns_pivots=draw(st.integers(0, 8000)),
            columns_integer_nodes=draw(st.integers(0, 2000)),
            columns_cheap_searches=draw(st.integers(0, 10)),
            columns_share=draw(st.floats(0, 1)),
            columns_smoothing=draw(st.floats(0, 1, exclude_max=True)),
            reasons_share=draw(st.floats(0, 1, exclude_max=True)),
            progress_every=draw(st.integers(1, 200)),
            capacity_phase_share=draw(st.floats(0, 1)),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def cohort_progress_reports() -> st.SearchStrategy[CohortProgress]:
    """Progress reports of a cohort solve: any phase, ``lower_bound <= cost``, ``scheduled <= patients``."""

    @st.composite
    def build(draw: st.DrawFn) -> CohortProgress:
        patients = draw(st.integers(0, 2000))
        cost = draw(st.integers(0, 10**7))
        limit = draw(st.one_of(st.none(), st.floats(0, 600)))
        return CohortProgress(
            phase=draw(st.sampled_from(SOLVER_PHASES)),
            work=draw(st.integers(0, 10**5)),
            work_limit=draw(st.integers(0, 10**5)),
            seconds=draw(st.one_of(st.none(), st.floats(0, 600))),
            time_limit=limit,
            cost=cost,
            lower_bound=draw(st.integers(0, cost)),
            scheduled=draw(st.integers(0, patients)),
            patients=patients,
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def assignments() -> st.SearchStrategy[Assignment]:
    """Assignments: any patient id, offering ids and cost."""
    return st.builds(
        Assignment,
        patient=_PATIENT_IDS,
        sessions=st.lists(_OFFERING_IDS, unique=True, max_size=5).map(tuple),
        cost=st.integers(0, 1000),
    )


@functools.lru_cache(maxsize=None, typed=True)
def unscheduled_patients() -> st.SearchStrategy[Unscheduled]:
    """Patients left out, for each of :data:`~iopcore.schedule.REASONS`."""

    @st.composite
    def build(draw: st.DrawFn) -> Unscheduled:
        reason = draw(st.sampled_from(REASONS))
        conflict: tuple[str, ...] = ()
        blocking: tuple[str, ...] = ()
        needed: dict[str, int] = {}
        if reason == "conflict":
            conflict = tuple(draw(st.lists(st.sampled_from(GROUPS), unique=True, min_size=1, max_size=3)))
        elif reason == "capacity":
            blocking = tuple(draw(st.lists(_OFFERING_IDS, unique=True, max_size=3)))
            needed = {b: draw(st.integers(1, 3)) for b in blocking if draw(st.booleans())}
        return Unscheduled(
            patient=draw(_PATIENT_IDS),
            reason=reason,
            conflict=conflict,
            blocking=blocking,
            needed=needed,
            cost=draw(st.integers(0, 1000)),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def cohort_schedules() -> st.SearchStrategy[CohortSchedule]:
    """Cohort schedules with unique patients and ``capacity_free_bound <= lower_bound <= cost`` (not solved)."""

    @st.composite
    def build(draw: st.DrawFn) -> CohortSchedule:
        ids = draw(st.lists(_PATIENT_IDS, unique=True, max_size=5))
        split = draw(st.integers(0, len(ids)))
        placed = tuple(
            Assignment(patient=i, sessions=draw(assignments()).sessions, cost=draw(st.integers(0, 99)))
            for i in ids[:split]
        )
        out = tuple(Unscheduled(patient=i, reason="cost", cost=draw(st.integers(0, 99))) for i in ids[split:])
        free = draw(st.integers(0, 1000))
        lower = draw(st.integers(free, free + 1000))
        optimal = draw(st.booleans())
        cost = lower if optimal else draw(st.integers(lower, lower + 1000))
        return CohortSchedule(
            assignments=placed,
            unscheduled=out,
            cost=cost,
            lower_bound=lower,
            capacity_free_bound=free,
            optimal=optimal,
            backend=draw(st.sampled_from(BACKENDS)),
            work=draw(st.integers(0, 10_000)),
            alone_not_computed=tuple(i for i in ids[:split] if draw(st.booleans())),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def offering_occupancies() -> st.SearchStrategy[OfferingOccupancy]:
    """One offering's seats, holders and waitlist (holders may exceed capacity: a view, not a check)."""
    people = st.lists(_PATIENT_IDS, max_size=4).map(tuple)
    return st.builds(
        OfferingOccupancy, offering=_OFFERING_IDS, capacity=st.integers(0, 12), patients=people, waiting=people
    )


@functools.lru_cache(maxsize=None, typed=True)
def occupancies() -> st.SearchStrategy[Occupancy]:
    """Occupancy views of a few offerings."""
    return st.builds(Occupancy, rows=st.lists(offering_occupancies(), max_size=4).map(tuple))


@functools.lru_cache(maxsize=None, typed=True)
def cohort_violations() -> st.SearchStrategy[CohortViolation]:
    """Violations of a cohort schedule, with or without a patient."""
    return st.builds(
        CohortViolation,
        group=st.sampled_from(("capacity", "pinned", "cost", "hours_min", "missing_patient")),
        message=texts(),
        patient=st.one_of(st.none(), _PATIENT_IDS),
        offering_ids=st.lists(_OFFERING_IDS, max_size=3).map(tuple),
    )
