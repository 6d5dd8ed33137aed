"""Dated scores and score series: who, when, which instrument; canonical order (issue 16, item 1)."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore import from_dict, to_dict
from iopcore.assessment import DatedScore, ScoreSeries, score, score_series
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.strategies import dated_scores, score_series_values


def _s(pid: str, inst: str, day: int, total: int) -> DatedScore:
    return DatedScore(patient_id=pid, instrument=inst, on=date(2026, 1, day), total=total)


def test_a_dated_score_from_an_instrument_score_keeps_total_and_band() -> None:
    """DatedScore.from_score adds who and when to a scored administration."""
    result = score("phq9", [1, 1, 2, 1, 0, 1, 1, 0, 1])
    dated = DatedScore.from_score(result, patient_id="p-1", on=date(2026, 1, 5))
    assert (dated.instrument, dated.total, dated.band, dated.on) == ("phq9", 8, "mild", date(2026, 1, 5))


def test_a_dated_score_refuses_a_datetime_and_a_total_beyond_the_instrument() -> None:
    """`on` is a date (a datetime is refused); a built-in instrument's total stays within its range."""
    with pytest.raises(InvalidDataError) as e:
        DatedScore(patient_id="p", instrument="phq9", on=datetime(2026, 1, 5, tzinfo=UTC), total=3)
    assert e.value.errors[0].path == "$.on"
    with pytest.raises(InvalidDataError) as e:
        DatedScore(patient_id="p", instrument="phq9", on=date(2026, 1, 5), total=28)
    assert e.value.errors[0].path == "$.total"
    assert "27" in str(e.value)
    DatedScore(patient_id="p", instrument="phq9", on=date(2026, 1, 5), total=27)


def test_a_band_must_be_one_of_the_instruments() -> None:
    """A built-in instrument's band is one of its schemes' labels."""
    with pytest.raises(InvalidDataError) as e:
        DatedScore(patient_id="p", instrument="gad7", on=date(2026, 1, 5), total=3, band="moderately_severe")
    assert e.value.errors[0].path == "$.band"


def test_patient_ids_never_appear_in_repr_or_errors() -> None:
    """The patient id is redacted in the repr of scores and series and never echoed by an error."""
    s = _s("SECRET-PATIENT", "phq9", 5, 12)
    series = ScoreSeries(patient_id="SECRET-PATIENT", instrument="phq9", scores=(s,))
    assert "SECRET-PATIENT" not in repr(s) + repr(series)
    with pytest.raises(InvalidDataError) as e:
        ScoreSeries(patient_id="SECRET-OTHER", instrument="phq9", scores=(s,))
    assert "SECRET" not in str(e.value)
    assert e.value.errors[0].path == "$.scores[0].patient_id"


def test_score_series_groups_by_patient_and_instrument_oldest_first() -> None:
    """score_series makes one series per (patient, instrument), scores by date."""
    got = score_series([_s("b", "phq9", 9, 10), _s("a", "gad7", 3, 8), _s("b", "phq9", 2, 14), _s("a", "phq9", 1, 20)])
    assert [(x.patient_id, x.instrument, [s.total for s in x.scores]) for x in got] == [
        ("a", "gad7", [8]),
        ("a", "phq9", [20]),
        ("b", "phq9", [14, 10]),
    ]
    assert got[2].baseline.total == 14 and got[2].latest.total == 10


def test_until_cuts_a_series_at_a_date() -> None:
    """until(on) keeps the scores on or before *on*; before the first score there is no series."""
    [series] = score_series([_s("a", "phq9", 1, 20), _s("a", "phq9", 15, 12), _s("a", "phq9", 29, 6)])
    cut = series.until(date(2026, 1, 15))
    assert cut is not None and [s.total for s in cut.scores] == [20, 12]
    assert series.until(date(2025, 12, 31)) is None


def test_score_series_refuses_what_is_not_a_dated_score() -> None:
    """A careless caller gets an iopcore error naming the argument."""
    with pytest.raises(InvalidArgumentError) as e:
        score_series([_s("a", "phq9", 1, 2), "phq9"])  # type: ignore[list-item]
    assert e.value.errors[0].path.startswith("$.scores")


@given(st.lists(dated_scores(), max_size=12), st.randoms(use_true_random=False))
def test_series_do_not_depend_on_the_order_of_the_records(scores: list[DatedScore], rnd: object) -> None:
    """Shuffling the input never changes the series (same-day scores included)."""
    shuffled = list(scores)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert score_series(shuffled) == score_series(scores)


@given(score_series_values())
def test_series_round_trip_pickle_and_hash(series: ScoreSeries) -> None:
    """A series survives serialization and pickling unchanged, and hashes."""
    assert from_dict(ScoreSeries, to_dict(series)) == series
    assert pickle.loads(pickle.dumps(series)) == series
    hash(series)
    assert all(a.on <= b.on for a, b in zip(series.scores, series.scores[1:], strict=False))
