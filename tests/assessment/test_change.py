"""Change statistics with their sources: reliable change, clinically significant change, response, remission.

Worked examples at, just below and just above each published cut-off (issue 16, item 1).
"""

from __future__ import annotations

import pickle
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from iopcore import from_dict, to_dict
from iopcore.assessment import (
    CHANGE_CRITERIA,
    NHS_TALKING_THERAPIES_CHANGE_CRITERIA,
    ChangeAssessment,
    ChangeCriteria,
    DatedScore,
    ReliableChange,
    ScoreSeries,
    ScoreThreshold,
    Trajectory,
    assess_change,
)
from iopcore.errors import InvalidArgumentError, InvalidDataError, UnknownCodeError
from iopcore.sources import Evidence, Source
from iopcore.strategies import change_assessments, change_criteria, reliable_changes, score_series_values

CALLER = Source(citation="the program's own reference sample", evidence=Evidence.ILLUSTRATIVE)


def _series(instrument: str, *totals: float) -> ScoreSeries:
    scores = tuple(
        DatedScore(patient_id="p", instrument=instrument, on=date(2026, 1, 5) + timedelta(days=7 * i), total=t)
        for i, t in enumerate(totals)
    )
    return ScoreSeries(patient_id="p", instrument=instrument, scores=scores)


# ----------------------------------------------------------------------------- reliable change


def test_jacobson_truax_s_diff_and_threshold_from_sd_and_reliability() -> None:
    """S_diff = SD·√(2(1−r)); the threshold is 1.96·S_diff (SD 5, r .5: S_diff 5, threshold 9.8)."""
    rc = ReliableChange(sd=5, reliability=0.5, source=CALLER)
    assert rc.s_diff == 5.0
    assert rc.threshold == pytest.approx(9.8)
    assert rc.index(20, 10) == -2.0
    assert rc.index(10, 20) == 2.0


def test_gad7_reliable_change_is_bischoffs_5_59_points() -> None:
    """Bischoff et al. (2020): a GAD-7 change is reliable beyond 5.59 points (5 no, 5.59 no, 6 yes)."""
    rc = CHANGE_CRITERIA["gad7"].reliable_change
    assert rc is not None and rc.critical_difference == 5.59 and rc.source.evidence is Evidence.VERIFIED
    assert "Bischoff" in rc.source.citation
    assert not rc.is_reliable(15, 10)  # just below: 5 points
    assert not rc.is_reliable(5.59, 0)  # at: exactly 5.59 points
    assert rc.is_reliable(15, 9)  # just above: 6 points
    assert rc.is_reliable(9, 15)
    assert assess_change(_series("gad7", 15, 10)).trajectory is Trajectory.NO_RELIABLE_CHANGE
    assert assess_change(_series("gad7", 15, 9)).trajectory is Trajectory.RELIABLY_IMPROVED
    assert assess_change(_series("gad7", 9, 15)).trajectory is Trajectory.RELIABLY_WORSE
    assert assess_change(_series("gad7", 9, 15)).deteriorated is True


def test_phq9_has_no_built_in_reliable_change_so_its_trajectory_is_not_evaluated() -> None:
    """No PHQ-9 SD was verified: the trajectory is not_evaluated (never "no change") until the caller gives one."""
    assert CHANGE_CRITERIA["phq9"].reliable_change is None
    got = assess_change(_series("phq9", 20, 4))
    assert got.trajectory is Trajectory.NOT_EVALUATED and got.index is None and got.deteriorated is None
    assert got.clinically_significant is None
    assert any("no reliable-change parameters" in r for r in got.reasons)
    mine = attrs.evolve(CHANGE_CRITERIA["phq9"], reliable_change=ReliableChange(sd=5, reliability=0.5, source=CALLER))
    assert assess_change(_series("phq9", 20, 10), criteria=mine).trajectory is Trajectory.RELIABLY_IMPROVED
    assert assess_change(_series("phq9", 20, 11), criteria=mine).trajectory is Trajectory.NO_RELIABLE_CHANGE


TALKING_THERAPIES = NHS_TALKING_THERAPIES_CHANGE_CRITERIA


@pytest.mark.parametrize(
    ("before", "after", "reliable", "trajectory"),
    [
        (20, 15, False, Trajectory.NO_RELIABLE_CHANGE),  # −5: just below "6 or more"
        (20, 14, True, Trajectory.RELIABLY_IMPROVED),  # −6: at
        (20, 13, True, Trajectory.RELIABLY_IMPROVED),  # −7: just above
        (10, 15, False, Trajectory.NO_RELIABLE_CHANGE),  # +5
        (10, 16, True, Trajectory.RELIABLY_WORSE),  # +6
        (10, 17, True, Trajectory.RELIABLY_WORSE),  # +7
    ],
)
def test_talking_therapies_phq9_reliable_change_is_6_or_more_points(
    before: int, after: int, reliable: bool, trajectory: Trajectory
) -> None:
    """NHS Talking Therapies (IAPT): a PHQ-9 change of 6 or more points is reliable; 5 is not (either way)."""
    rc = TALKING_THERAPIES["phq9"].reliable_change
    assert rc is not None and rc.source.evidence is Evidence.SECONDARY
    assert rc.is_reliable(before, after) is reliable and rc.is_reliable(after, before) is reliable
    got = assess_change(_series("phq9", before, after), catalog=TALKING_THERAPIES)
    assert got.trajectory is trajectory and got.threshold == 5.99
    assert got.deteriorated is (trajectory is Trajectory.RELIABLY_WORSE)


def test_talking_therapies_phq9_boundary_holds_for_prorated_totals() -> None:
    """Prorated PHQ-9 totals (7 or 8 answered items) differ by multiples of 1/56: ≥ 6 reliable, below 6 not."""
    rc = TALKING_THERAPIES["phq9"].reliable_change
    assert rc is not None
    assert rc.is_reliable(12.6, 6.6)  # 6 in floating point (5.999999999999999)
    assert rc.is_reliable(6 + 9 / 8, 9 / 8)
    assert not rc.is_reliable(6 - 1 / 56, 0)  # below any achievable change under 6 (a bound)
    assert not rc.is_reliable(9 * 11 / 8, 9 * 5 / 7)  # 12.375 − 6.43 = 5.95, the largest achievable below 6
    assert rc.is_reliable(9 * 16 / 7, 9 * 10 / 8)  # 20.57 − 11.25 = 9.32
    assert not rc.is_reliable(6, 9 * 1 / 8)  # 6 − 1.125 = 4.875


@given(st.integers(0, 27), st.integers(0, 27))
def test_talking_therapies_phq9_is_reliable_exactly_when_the_change_is_6_or_more(before: int, after: int) -> None:
    """Over every pair of PHQ-9 totals: reliable ⇔ |change| ≥ 6, and the index is antisymmetric."""
    rc = TALKING_THERAPIES["phq9"].reliable_change
    assert rc is not None
    assert rc.is_reliable(before, after) is (abs(after - before) >= 6)
    assert rc.index(before, after) == -rc.index(after, before)


@pytest.mark.parametrize(
    ("before", "after", "reliable"), [(15, 12, False), (15, 11, True), (15, 10, True), (8, 11, False), (8, 12, True)]
)
def test_talking_therapies_gad7_reliable_change_is_4_or_more_points(before: int, after: int, reliable: bool) -> None:
    """NHS Talking Therapies: a GAD-7 change of 4 or more points is reliable (3 no, 4 and 5 yes)."""
    got = assess_change(_series("gad7", before, after), catalog=TALKING_THERAPIES)
    assert (got.trajectory is not Trajectory.NO_RELIABLE_CHANGE) is reliable


def test_talking_therapies_is_selectable_not_the_default() -> None:
    """Read only in secondary sources: the defaults stay (PHQ-9 none, GAD-7 Bischoff); the rest is unchanged."""
    assert CHANGE_CRITERIA["phq9"].reliable_change is None
    gad7 = CHANGE_CRITERIA["gad7"].reliable_change
    assert gad7 is not None and gad7.critical_difference == 5.59
    for instrument in ("phq9", "gad7"):
        ours, built_in = TALKING_THERAPIES[instrument], CHANGE_CRITERIA[instrument]
        assert attrs.evolve(ours, reliable_change=built_in.reliable_change) == built_in
        rc = ours.reliable_change
        assert rc is not None and "Talking Therapies" in rc.source.citation and rc.source.urls
    assert pickle.loads(pickle.dumps(TALKING_THERAPIES)) == TALKING_THERAPIES
    got = assess_change(_series("phq9", 20, 4), catalog=TALKING_THERAPIES)
    assert (got.trajectory, got.clinically_significant, got.response, got.remission) == (
        Trajectory.RELIABLY_IMPROVED,
        True,
        True,
        True,
    )
    assert any("NHS England" in r for r in got.reasons)


def test_one_score_is_not_evaluated() -> None:
    """A series of one score has no change: trajectory, response and remission are not evaluated."""
    got = assess_change(_series("gad7", 15))
    assert (got.trajectory, got.response, got.remission, got.change) == (Trajectory.NOT_EVALUATED, None, None, 0.0)


def test_reliable_change_wants_one_form() -> None:
    """Either sd and reliability, or a critical difference; r in [0, 1), sd > 0."""
    with pytest.raises(InvalidDataError):
        ReliableChange(sd=5, source=CALLER)
    with pytest.raises(InvalidDataError):
        ReliableChange(sd=5, reliability=0.5, critical_difference=3, source=CALLER)
    with pytest.raises(InvalidDataError) as e:
        ReliableChange(sd=5, reliability=1.0, source=CALLER)
    assert e.value.errors[0].path == "$.reliability"
    with pytest.raises(InvalidDataError) as e:
        ReliableChange(sd=0, reliability=0.5, source=CALLER)
    assert e.value.errors[0].path == "$.sd"


# ----------------------------------------------------------------------------- clinically significant change


@pytest.mark.parametrize(
    ("latest", "expected"),
    [(9, True), (10, False)],  # below the cut-off of 10 / at it (a change of 7 and 6 points: both reliable)
)
def test_clinically_significant_change_crosses_the_gad7_cut_off(latest: int, expected: bool) -> None:
    """Reliable improvement from the clinical range (≥ 10, Spitzer 2006) to below 10."""
    assert assess_change(_series("gad7", 16, latest)).clinically_significant is expected


def test_a_baseline_below_the_cut_off_is_not_in_the_clinical_range() -> None:
    """A baseline of 9 (just below 10) leaves clinical significance not evaluated; 10 (at) is evaluated."""
    assert assess_change(_series("gad7", 9, 2)).clinically_significant is None
    assert assess_change(_series("gad7", 10, 4)).clinically_significant is True


def test_an_unreliable_crossing_is_not_clinically_significant() -> None:
    """Crossing the cut-off by less than the reliable change is not clinically significant."""
    got = assess_change(_series("gad7", 11, 9))
    assert got.trajectory is Trajectory.NO_RELIABLE_CHANGE and got.clinically_significant is False


# ----------------------------------------------------------------------------- response and remission (PHQ-9)


@pytest.mark.parametrize(("latest", "expected"), [(9, True), (10, True), (11, False)])
def test_phq9_response_is_a_50_percent_reduction(latest: int, expected: bool) -> None:
    """NQF 1885: a reduction of 50 % or more from baseline (20 → 10 at, 11 just below, 9 above)."""
    assert assess_change(_series("phq9", 20, latest)).response is expected


@pytest.mark.parametrize(("latest", "expected"), [(4, True), (5, False), (6, False)])
def test_phq9_remission_is_a_score_below_5(latest: int, expected: bool) -> None:
    """CMS159: remission is a PHQ-9 below 5 (4 yes, 5 at: no, 6 no)."""
    assert assess_change(_series("phq9", 15, latest)).remission is expected


@pytest.mark.parametrize(("baseline", "evaluated"), [(9, False), (10, True), (11, True)])
def test_response_and_remission_count_only_after_an_initial_score_above_9(baseline: int, evaluated: bool) -> None:
    """The measures' population: an initial PHQ-9 greater than nine (9 not evaluated, 10 and 11 evaluated)."""
    got = assess_change(_series("phq9", baseline, 2))
    assert (got.response is not None, got.remission is not None) == (evaluated, evaluated)
    if not evaluated:
        assert any("below 10" in r for r in got.reasons)


def test_the_built_in_sources_are_cited() -> None:
    """Every built-in criterion carries its source."""
    phq9 = CHANGE_CRITERIA["phq9"]
    assert phq9.response is not None and "1885" in phq9.response.source.citation
    assert phq9.remission is not None and "CMS159" in phq9.remission.source.citation
    assert phq9.clinical_cutoff is not None and "Kroenke" in phq9.clinical_cutoff.source.citation


# ----------------------------------------------------------------------------- the boundary


def test_unknown_instruments_and_mismatched_criteria_are_refused() -> None:
    """An instrument without criteria is an unknown code; criteria for another instrument are refused by path."""
    with pytest.raises(UnknownCodeError) as e:
        assess_change(_series("audit", 10, 2))
    assert e.value.errors[0].path == "$.series.instrument"
    with pytest.raises(InvalidArgumentError) as e2:
        assess_change(_series("gad7", 10, 2), criteria=CHANGE_CRITERIA["phq9"])
    assert e2.value.errors[0].path == "$.criteria.instrument"
    got = assess_change(_series("audit", 10, 2), catalog={"audit": ChangeCriteria(instrument="audit")})
    assert got.trajectory is Trajectory.NOT_EVALUATED


def test_a_response_share_must_be_a_share() -> None:
    """A response threshold is a share of the baseline in (0, 1]."""
    with pytest.raises(InvalidDataError) as e:
        ChangeCriteria(instrument="phq9", response=ScoreThreshold(value=50, source=CALLER))
    assert e.value.errors[0].path == "$.response.value"


# ----------------------------------------------------------------------------- properties


@given(reliable_changes(), st.integers(0, 27), st.integers(0, 27))
def test_the_rci_is_antisymmetric_and_reliability_symmetric(rc: ReliableChange, a: int, b: int) -> None:
    """RC(a, b) = −RC(b, a); whether a change is reliable does not depend on its direction."""
    assert rc.index(a, b) == -rc.index(b, a)
    assert rc.is_reliable(a, b) == rc.is_reliable(b, a)


@given(score_series_values(), change_criteria())
def test_reversing_a_series_swaps_improved_and_worse(series: ScoreSeries, criteria: ChangeCriteria) -> None:
    """Swapping baseline and latest turns a reliable improvement into a reliable deterioration."""
    criteria = attrs.evolve(criteria, instrument=series.instrument)
    first, last = series.baseline, series.latest
    assume(first.on != last.on)  # same-day scores sort by total, so swapping their totals changes nothing
    flipped = ScoreSeries(
        patient_id=series.patient_id,
        instrument=series.instrument,
        scores=(attrs.evolve(first, total=last.total), attrs.evolve(last, total=first.total)),
    )
    pair = ScoreSeries(patient_id=series.patient_id, instrument=series.instrument, scores=(first, last))
    there, back = assess_change(pair, criteria=criteria), assess_change(flipped, criteria=criteria)
    swap = {
        Trajectory.RELIABLY_IMPROVED: Trajectory.RELIABLY_WORSE,
        Trajectory.RELIABLY_WORSE: Trajectory.RELIABLY_IMPROVED,
        Trajectory.NO_RELIABLE_CHANGE: Trajectory.NO_RELIABLE_CHANGE,
        Trajectory.NOT_EVALUATED: Trajectory.NOT_EVALUATED,
    }
    if first.total != last.total:
        assert back.trajectory is swap[there.trajectory]
    assert there.index is None or back.index == -there.index


@given(st.integers(0, 27), st.integers(0, 27))
def test_phq9_response_and_remission_agree_with_their_definitions(baseline: int, latest: int) -> None:
    """Response ⇔ baseline > 9 and latest ≤ baseline / 2; remission ⇔ baseline > 9 and latest < 5."""
    got = assess_change(_series("phq9", baseline, latest))
    if baseline <= 9:
        assert got.response is None and got.remission is None
    else:
        assert got.response is (2 * latest <= baseline)
        assert got.remission is (latest < 5)


@given(score_series_values(), st.randoms(use_true_random=False))
def test_assessments_do_not_depend_on_record_order(series: ScoreSeries, rnd: object) -> None:
    """The same scores in any order give the same assessment."""
    shuffled = list(series.scores)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    again = ScoreSeries(patient_id=series.patient_id, instrument=series.instrument, scores=tuple(shuffled))
    assert assess_change(again) == assess_change(series)


@given(change_assessments())
def test_assessments_round_trip_pickle_and_hash(value: ChangeAssessment) -> None:
    """A change assessment (and its criteria) serializes, pickles and hashes."""
    assert from_dict(ChangeAssessment, to_dict(value)) == value
    assert pickle.loads(pickle.dumps(value)) == value
    hash(value)
    for criteria in CHANGE_CRITERIA.values():
        assert from_dict(ChangeCriteria, to_dict(criteria)) == criteria
        assert pickle.loads(pickle.dumps(criteria)) == criteria


def test_a_zero_baseline_has_no_response() -> None:
    """A share of a zero baseline is no reduction: response is not evaluated, with a reason."""
    criteria = attrs.evolve(CHANGE_CRITERIA["phq9"], response=ScoreThreshold(value=0.5, source=CALLER))
    got = assess_change(_series("phq9", 0, 0), criteria=criteria)
    assert got.response is None
    assert any("baseline of 0" in r for r in got.reasons)
