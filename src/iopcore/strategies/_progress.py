"""Strategies for progress driving the plan (:mod:`iopcore.plans` progress states, review and continued-stay policies)."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from iopcore.assessment import AsamEdition, DatedScore, OverrideReason, ScoreSeries, assess_change
from iopcore.compliance import AttendanceRecord, AttendanceStatus, DrugTestStatus, TestResult
from iopcore.levels import ASAM3, MOVE_POLICIES, LevelCatalog, LevelCategory, LevelOfCare
from iopcore.plans import (
    ILLUSTRATIVE_STAY_POLICY,
    ContinuedStayOverride,
    ContinuedStayRecommendation,
    DrugTestReading,
    ProgressReason,
    ProgressState,
    ReviewDecision,
    RuleBasedContinuedStayPolicy,
    RuleBasedReviewPolicy,
    Signal,
    StayDecision,
)
from iopcore.strategies._assessment import dimension_rating_sets
from iopcore.strategies._core import date_ranges, identifiers, levels_of_care, sources, texts
from iopcore.strategies._episodes import episodes
from iopcore.strategies._measurement import change_criteria
from iopcore.times import Minutes

__all__ = [
    "continued_stay_overrides",
    "continued_stay_policies",
    "continued_stay_recommendations",
    "drug_test_readings",
    "progress_reasons",
    "progress_states",
    "review_decisions",
    "review_policies",
]

_POSITIVE = (TestResult.POSITIVE, TestResult.POSITIVE_DILUTE)
_IDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=16)
_INSTRUMENTS = ("phq9", "gad7")


def _reading(on: st.SearchStrategy[date]) -> st.SearchStrategy[DrugTestReading]:
    @st.composite
    def build(draw: st.DrawFn) -> DrugTestReading:
        status = draw(st.sampled_from(DrugTestStatus))
        test_id, day = draw(_IDS), draw(on)
        if status is not DrugTestStatus.COLLECTED:
            return DrugTestReading(test_id=test_id, on=day, status=status)
        result = draw(st.sampled_from(TestResult))
        explained = result in _POSITIVE and draw(st.booleans())
        return DrugTestReading(test_id=test_id, on=day, result=result, explained=explained)

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def drug_test_readings() -> st.SearchStrategy[DrugTestReading]:
    """Readings of collected tests (every result, explained positives too) and of missed or refused ones."""
    return _reading(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))


@functools.lru_cache(maxsize=None, typed=True)
def progress_reasons() -> st.SearchStrategy[ProgressReason]:
    """Reasons of every signal, with and without numbers, instrument and period."""
    numbers = st.one_of(st.none(), st.floats(-100, 100, allow_nan=False), st.integers(0, 60))
    return st.builds(
        ProgressReason,
        signal=st.sampled_from(Signal),
        explanation=texts(),
        instrument=st.one_of(st.none(), st.sampled_from(_INSTRUMENTS)),
        value=numbers,
        threshold=numbers,
        period=st.one_of(st.none(), date_ranges(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))),
    )


def _at(day: date, minute: int) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC) + timedelta(minutes=minute)


@functools.lru_cache(maxsize=None, typed=True)
def progress_states(*, catalog: LevelCatalog = ASAM3, max_records: int = 12) -> st.SearchStrategy[ProgressState]:
    """States of open episodes of *catalog* (ASAM 3rd edition by default) on a day at their current level.

    Scores, attendance and tests fall between admission and that day; changes are assessed under
    the built-in or generated criteria; the hours band and the ratings are present or not.
    """
    if not isinstance(catalog, LevelCatalog):
        raise InvalidArgument(f"catalog={catalog!r} must be a LevelCatalog")
    if not isinstance(max_records, int) or isinstance(max_records, bool) or not 0 <= max_records <= 200:
        raise InvalidArgument(f"max_records={max_records!r} must be an int between 0 and 200")

    @st.composite
    def build(draw: st.DrawFn) -> ProgressState:
        episode = draw(episodes(catalog=catalog, discharged=False, max_periods=3))
        current = episode.current
        last = current.end if current.end is not None else current.start + timedelta(days=120)
        as_of = draw(st.dates(min_value=current.start, max_value=min(last, date(2150, 12, 31))))
        first = episode.admission.on
        days = st.integers(0, (as_of - first).days).map(lambda k: first + timedelta(days=k))
        pid = episode.patient_id
        changes = []
        for inst in draw(st.lists(st.sampled_from(_INSTRUMENTS), unique=True, max_size=2)):
            top = 27 if inst == "phq9" else 21
            scores = draw(
                st.lists(
                    st.builds(DatedScore, patient_id=st.just(pid), instrument=st.just(inst), on=days,
                              total=st.integers(0, top)),
                    min_size=1, max_size=5,
                )
            )  # fmt: skip
            criteria = draw(change_criteria(instrument_ids=(inst,)))
            changes.append(
                assess_change(ScoreSeries(patient_id=pid, instrument=inst, scores=scores), criteria=criteria)
            )
        attendance = []
        for i in range(draw(st.integers(0, max_records))):
            status = draw(st.sampled_from(AttendanceStatus))
            start = _at(draw(days), draw(st.integers(8 * 60, 18 * 60)))
            length = draw(st.integers(30, 240))
            attended = draw(st.integers(1, length)) if status.present else 0
            attendance.append(
                AttendanceRecord(
                    id=f"a{i}", patient_id=pid, occurrence_id=f"o{i}", component_id=draw(identifiers(max_size=12)),
                    start=start, end=start + timedelta(minutes=length), scheduled_minutes=Minutes(length),
                    attended_minutes=Minutes(attended), status=status,
                )
            )  # fmt: skip
        level = catalog.level(current.level_code)
        band = draw(st.sampled_from([None, *level.hours_per_week.values()]))
        ratings = draw(st.one_of(st.none(), dimension_rating_sets(edition=AsamEdition.THIRD)))
        return ProgressState(
            episode=episode,
            as_of=as_of,
            changes=tuple(changes),
            attendance=tuple(attendance),
            drug_tests=tuple(draw(st.lists(_reading(days), max_size=max_records))),
            hours_band=band,
            ratings=ratings,
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def review_policies() -> st.SearchStrategy[RuleBasedReviewPolicy]:
    """Review-trigger policies with every trigger on or off and any thresholds."""
    maybe = st.one_of(st.none(), st.integers(1, 6))
    return st.builds(
        RuleBasedReviewPolicy,
        name=texts(),
        source=sources(),
        window_days=st.one_of(st.integers(1, 90), st.just(3660)),
        no_improvement_weeks=st.one_of(st.none(), st.integers(1, 12)),
        deterioration=st.booleans(),
        instruments=st.frozensets(st.sampled_from(_INSTRUMENTS)),
        min_flagged_tests=maybe,
        flagged_results=st.frozensets(st.sampled_from(TestResult)),
        flagged_uncollected=st.frozensets(st.sampled_from((DrugTestStatus.MISSED, DrugTestStatus.REFUSED))),
        min_weeks_below_band=maybe,
        missed_sessions=maybe,
        not_evaluated_is_due=st.booleans(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def review_decisions() -> st.SearchStrategy[ReviewDecision]:
    """Decisions of generated policies on generated states."""
    return st.builds(lambda policy, state: policy.evaluate(state), review_policies(), progress_states())


@functools.lru_cache(maxsize=None, typed=True)
def continued_stay_policies() -> st.SearchStrategy[RuleBasedContinuedStayPolicy]:
    """Continued-stay policies with any thresholds (the illustrative placement policy reads the ratings)."""
    return st.one_of(
        st.just(ILLUSTRATIVE_STAY_POLICY),
        st.builds(
            RuleBasedContinuedStayPolicy,
            name=texts(),
            source=sources(),
            window_days=st.integers(1, 90),
            flagged_results=st.frozensets(st.sampled_from(TestResult)),
            flagged_uncollected=st.frozensets(st.sampled_from((DrugTestStatus.MISSED, DrugTestStatus.REFUSED))),
            step_up_on_deterioration=st.booleans(),
            step_up_flagged_tests=st.one_of(st.none(), st.integers(1, 5)),
            step_down_max_flagged_tests=st.integers(0, 3),
            step_down_min_attendance=st.floats(0, 1),
            step_down_needs_ratings=st.booleans(),
            min_days_at_level=st.integers(0, 60),
            step_categories=st.frozensets(st.sampled_from(LevelCategory)),
        ),
    )


@functools.lru_cache(maxsize=None, typed=True)
def continued_stay_overrides() -> st.SearchStrategy[ContinuedStayOverride]:
    """Overrides of every decision and reason (a discharge with or without a referral)."""

    @st.composite
    def build(draw: st.DrawFn) -> ContinuedStayOverride:
        decision = draw(st.sampled_from(StayDecision))
        level: LevelOfCare | None = draw(levels_of_care())
        if decision is StayDecision.DISCHARGE and draw(st.booleans()):
            level = None
        return ContinuedStayOverride(
            decision=decision, level=level, reason=draw(st.sampled_from(OverrideReason)),
            note=draw(st.one_of(st.just(""), texts())),
        )  # fmt: skip

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def continued_stay_recommendations() -> st.SearchStrategy[ContinuedStayRecommendation]:
    """Recommendations of generated policies on generated ASAM 3rd edition states, some overridden."""

    @st.composite
    def build(draw: st.DrawFn) -> ContinuedStayRecommendation:
        state = draw(progress_states())
        moves = draw(st.sampled_from(MOVE_POLICIES))
        rec = draw(continued_stay_policies()).recommend(state, ASAM3, moves=moves)
        if not draw(st.booleans()):
            return rec
        decision = draw(st.sampled_from(StayDecision))
        level = rec.current if decision is StayDecision.CONTINUE else draw(st.sampled_from(ASAM3.levels))
        if decision is not StayDecision.CONTINUE and decision is not StayDecision.DISCHARGE and level == rec.current:
            return rec
        if (decision, level) == (rec.decision, rec.level):
            return rec
        return rec.with_override(decision, level, draw(st.sampled_from(OverrideReason)))

    return build()
