"""Strategies for scores over time and change (:mod:`iopcore.assessment` series and change criteria)."""

from __future__ import annotations

import functools
from datetime import date

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from iopcore.assessment import (
    CHANGE_CRITERIA,
    INSTRUMENTS,
    ChangeAssessment,
    ChangeCriteria,
    DatedScore,
    ReliableChange,
    ScoreSeries,
    ScoreThreshold,
    assess_change,
)
from iopcore.compliance import MeasurementRecord, MeasurementScheduleRule, MeasurementSummary, Severity
from iopcore.strategies._core import date_ranges, identifiers, sources, texts

__all__ = [
    "change_assessments",
    "change_criteria",
    "dated_scores",
    "measurement_records",
    "measurement_schedule_rules",
    "measurement_summaries",
    "reliable_changes",
    "score_series_values",
    "score_thresholds",
]

_DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
_PIDS = st.one_of(st.sampled_from(["p1", "p2", "p3"]), texts(max_size=20))


def _total(instrument: str) -> st.SearchStrategy[int | float]:
    """Whole totals; fractional ones only for an instrument that prorates missing items (its mean fills them)."""
    inst = INSTRUMENTS[instrument]
    whole = st.integers(0, inst.max_total)
    if inst.proration is None:
        return whole
    return st.one_of(whole, st.floats(0, inst.max_total, allow_nan=False, allow_infinity=False))


def _band(instrument: str, total: float) -> st.SearchStrategy[str | None]:
    scheme = INSTRUMENTS[instrument].default_scheme
    if scheme is None:
        return st.none()
    return st.sampled_from([None, scheme.band_for(total)])


@functools.lru_cache(maxsize=None, typed=True)
def dated_scores(
    *, instrument_ids: tuple[str, ...] = ("phq9", "gad7"), patient_ids: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[DatedScore]:
    """Dated scores of built-in instruments (PHQ-9 and GAD-7 by default), totals over the whole range.

    Totals are whole numbers, except for instruments that prorate missing items (PHQ-9), whose totals may be
    fractional as their scorer produces them.
    """
    if not instrument_ids or any(i not in INSTRUMENTS for i in instrument_ids):
        raise InvalidArgument(f"instrument_ids must be a non-empty tuple of built-in ids ({', '.join(INSTRUMENTS)})")
    pids = _PIDS if patient_ids is None else patient_ids

    @st.composite
    def build(draw: st.DrawFn) -> DatedScore:
        inst = draw(st.sampled_from(instrument_ids))
        total = draw(_total(inst))
        return DatedScore(
            patient_id=draw(pids), instrument=inst, on=draw(_DAYS), total=total, band=draw(_band(inst, total))
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def score_series_values(*, max_size: int = 6) -> st.SearchStrategy[ScoreSeries]:
    """Series of one patient on one instrument, 1 to *max_size* scores (same-day repeats included)."""
    if max_size < 1:
        raise InvalidArgument("max_size must be >= 1")

    @st.composite
    def build(draw: st.DrawFn) -> ScoreSeries:
        pid = draw(_PIDS)
        inst = draw(st.sampled_from(("phq9", "gad7")))
        scores = draw(
            st.lists(dated_scores(instrument_ids=(inst,), patient_ids=st.just(pid)), min_size=1, max_size=max_size)
        )
        return ScoreSeries(patient_id=pid, instrument=inst, scores=tuple(scores))

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def reliable_changes() -> st.SearchStrategy[ReliableChange]:
    """Reliable-change criteria in both forms (SD and reliability, or a critical difference)."""
    return st.one_of(
        st.builds(
            ReliableChange,
            sd=st.floats(0.1, 20),
            reliability=st.floats(0, 0.99),
            z=st.sampled_from([1.96, 1.645]),
            source=sources(),
        ),
        st.builds(ReliableChange, critical_difference=st.floats(0.5, 15), source=sources()),
    )


@functools.lru_cache(maxsize=None, typed=True)
def score_thresholds() -> st.SearchStrategy[ScoreThreshold]:
    """Thresholds with or without a minimum baseline."""
    return st.builds(
        ScoreThreshold,
        value=st.floats(0.01, 1),
        min_baseline=st.one_of(st.none(), st.integers(0, 20)),
        source=sources(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def change_criteria(*, instrument_ids: tuple[str, ...] = ("phq9", "gad7")) -> st.SearchStrategy[ChangeCriteria]:
    """The built-in criteria, and criteria with any mix of criteria set, for the given instruments."""
    if not instrument_ids:
        raise InvalidArgument("instrument_ids must not be empty")
    built = [CHANGE_CRITERIA[i] for i in instrument_ids if i in CHANGE_CRITERIA]
    made = st.builds(
        ChangeCriteria,
        instrument=st.sampled_from(instrument_ids),
        reliable_change=st.one_of(st.none(), reliable_changes()),
        clinical_cutoff=st.one_of(st.none(), score_thresholds()),
        response=st.one_of(st.none(), score_thresholds()),
        remission=st.one_of(st.none(), score_thresholds()),
        lower_is_better=st.booleans(),
    )
    return st.one_of(st.sampled_from(built), made) if built else made


@functools.lru_cache(maxsize=None, typed=True)
def change_assessments() -> st.SearchStrategy[ChangeAssessment]:
    """Assessments of generated series under generated criteria for their instrument."""

    @st.composite
    def build(draw: st.DrawFn) -> ChangeAssessment:
        series = draw(score_series_values())
        criteria = draw(change_criteria(instrument_ids=(series.instrument,)))
        return assess_change(series, criteria=criteria)

    return build()


# ----------------------------------------------------------------------------- the measurement schedule (compliance)


@functools.lru_cache(maxsize=None, typed=True)
def measurement_records(*, patient_ids: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[MeasurementRecord]:
    """Records of PHQ-9 and GAD-7 administrations (any instrument id now and then)."""
    return st.builds(
        MeasurementRecord,
        id=texts(max_size=24),
        patient_id=_PIDS if patient_ids is None else patient_ids,
        instrument=st.one_of(st.sampled_from(("phq9", "gad7")), identifiers(max_size=12)),
        on=_DAYS,
    )


@functools.lru_cache(maxsize=None, typed=True)
def measurement_schedule_rules() -> st.SearchStrategy[MeasurementScheduleRule]:
    """Measurement schedules: intake within 0-30 days, then every 1-90 days, any severity."""
    return st.builds(
        MeasurementScheduleRule,
        id=identifiers(),
        instrument=st.sampled_from(("phq9", "gad7")),
        intake_days=st.integers(0, 30),
        every_days=st.integers(1, 90),
        severity=st.sampled_from(Severity),
        source=sources(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def measurement_summaries() -> st.SearchStrategy[MeasurementSummary]:
    """Consistent summaries (counts within their denominators)."""

    @st.composite
    def build(draw: st.DrawFn) -> MeasurementSummary:
        patients = draw(st.integers(0, 500))
        assessed = draw(st.integers(0, patients))
        return MeasurementSummary(
            instrument=draw(st.sampled_from(("phq9", "gad7"))),
            period=draw(date_ranges(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))),
            patients=patients,
            measured_on_time=draw(st.integers(0, patients)),
            assessed=assessed,
            reliably_improved=draw(st.integers(0, assessed)),
            not_evaluated=draw(st.integers(0, patients - assessed)),
        )

    return build()
