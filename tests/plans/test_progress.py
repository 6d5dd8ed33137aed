"""Progress states: an episode's change, attendance, drug tests and ratings as of a date (issue 16, item 3)."""

from __future__ import annotations

import doctest
from datetime import timedelta

import pytest

from iopcore.assessment import Trajectory
from iopcore.compliance import (
    EXAMPLE_CLINICAL_URINE_PANEL,
    HHS_2025,
    AnalyteResult,
    DrugTestStatus,
    Prescription,
    SpecimenType,
    TestMethod,
    TestResult,
    interpret,
)
from iopcore.errors import InvalidArgumentError, InvalidDataError, UnknownCodeError
from iopcore.levels import ASAM3, MEDICARE, Population
from iopcore.plans import DrugTestReading, _progress, progress_state
from iopcore.times import DateRange
from tests.builders import MONDAY, bundle, drug_test, session
from tests.plans.progress_builders import CRITERIA, PID, episode, reading, series, state

THC = AnalyteResult(analyte="thca", concentration_ng_ml=20, method=TestMethod.CONFIRMATION)
BUP = AnalyteResult(analyte="buprenorphine", concentration_ng_ml=20, method=TestMethod.CONFIRMATION)


def test_the_builder_cuts_series_at_as_of_and_assesses_them() -> None:
    """A score after as_of is left out; the change runs baseline → latest on or before as_of."""
    s = progress_state(
        episode(),
        as_of=MONDAY + timedelta(days=28),
        series=[series("gad7", (0, 15), (28, 8), (35, 20))],
        criteria=CRITERIA,
    )
    (c,) = s.changes
    assert (c.latest.total, c.trajectory) == (8, Trajectory.RELIABLY_IMPROVED)


def test_the_builder_keeps_the_episode_patient_only() -> None:
    """Series and records of other patients are ignored, as are records after as_of."""
    records = bundle(
        session("a", MONDAY + timedelta(days=1)),
        session("b", MONDAY + timedelta(days=1), pid="p2"),
        session("c", MONDAY + timedelta(days=40)),
        drug_test("t1", MONDAY + timedelta(days=2)),
        drug_test("t2", MONDAY + timedelta(days=2), pid="p2"),
    )
    s = progress_state(
        episode(), as_of=MONDAY + timedelta(days=30), records=records, series=[series("gad7", (0, 9), pid="p2")]
    )
    assert [r.id for r in s.attendance] == ["a"] and [t.test_id for t in s.drug_tests] == ["t1"]
    assert s.changes == ()


def test_drug_tests_are_read_with_the_panel_and_the_prescriptions() -> None:
    """A THC positive is flagged; buprenorphine under an active prescription is an explained positive (example panel)."""
    rx = Prescription(
        id="rx", patient_id=PID, medication="buprenorphine", expected_analytes={"buprenorphine"},
        dates=DateRange(first=MONDAY, last=MONDAY + timedelta(days=60)),
    )  # fmt: skip
    records = bundle(
        rx,
        drug_test("pos", MONDAY + timedelta(days=3), results=(THC,)),
        drug_test("bup", MONDAY + timedelta(days=4), results=(BUP,)),
        drug_test("miss", MONDAY + timedelta(days=5), status=DrugTestStatus.MISSED),
    )
    s = progress_state(
        episode(), as_of=MONDAY + timedelta(days=30), records=records, panels=[EXAMPLE_CLINICAL_URINE_PANEL]
    )
    by_id = {t.test_id: t for t in s.drug_tests}
    assert (by_id["pos"].result, by_id["pos"].positive) == (TestResult.POSITIVE, True)
    assert (by_id["bup"].result, by_id["bup"].explained, by_id["bup"].positive) == (TestResult.POSITIVE, True, False)
    assert (by_id["miss"].status, by_id["miss"].result) == (DrugTestStatus.MISSED, None)


def test_a_test_without_a_panel_for_its_specimen_is_not_evaluated_never_negative() -> None:
    """Oral fluid with only a urine panel: not evaluated."""
    records = bundle(drug_test("oral", MONDAY + timedelta(days=3), specimen=SpecimenType.ORAL_FLUID))
    s = progress_state(episode(), as_of=MONDAY + timedelta(days=30), records=records, panels=[HHS_2025])
    assert s.drug_tests[0].result is TestResult.NOT_EVALUATED


def test_the_hours_band_comes_from_the_current_level_or_is_given() -> None:
    """ASAM3 2.1 for adults is [9, 20); a catalog without the population's band leaves it unknown."""
    ep = episode()
    day = MONDAY + timedelta(days=3)
    assert progress_state(ep, as_of=day, catalog=ASAM3, population=Population.ADULT).hours_band == (
        ASAM3.level("2.1").hours_band(Population.ADULT)
    )
    assert progress_state(ep, as_of=day).hours_band is None
    with pytest.raises(UnknownCodeError) as info:
        progress_state(ep, as_of=day, catalog=MEDICARE, population=Population.ADULT)
    assert info.value.paths == ("$.episode.levels[0].level_code",)


def test_the_builder_refuses_what_it_cannot_read() -> None:
    """Before admission, a second series on one instrument, an instrument without criteria, two panels per specimen."""
    ep = episode()
    day = MONDAY + timedelta(days=3)
    with pytest.raises(InvalidArgumentError) as info:
        progress_state(ep, as_of=MONDAY - timedelta(days=1))
    assert info.value.paths == ("$.as_of",)
    with pytest.raises(InvalidArgumentError) as info:
        progress_state(ep, as_of=day, series=[series("gad7", (0, 9)), series("gad7", (1, 9))])
    assert info.value.paths == ("$.series[1]",)
    with pytest.raises(UnknownCodeError) as unknown:
        progress_state(ep, as_of=day, series=[series("audit", (0, 9))])
    assert unknown.value.paths == ("$.series[0].instrument",)
    with pytest.raises(InvalidArgumentError) as info:
        progress_state(ep, as_of=day, records=bundle(), panels=[HHS_2025, HHS_2025])
    assert info.value.paths == ("$.panels[1].specimen",)


def test_a_state_refuses_records_of_another_patient_or_after_its_date() -> None:
    """Constructed by hand, the state checks what the builder guarantees."""
    with pytest.raises(InvalidDataError) as info:
        state(attendance=(session("x", MONDAY, pid="p2"),))
    assert info.value.paths == ("$.attendance[0].patient_id",)
    with pytest.raises(InvalidDataError) as info:
        state(as_of_day=3, drug_tests=(reading(4),))
    assert info.value.paths == ("$.drug_tests[0].on",)
    with pytest.raises(InvalidDataError) as info:
        state(as_of_day=-1)
    assert info.value.paths == ("$.as_of",)


def test_state_order_is_canonical() -> None:
    """Records given in another order make the same state."""
    a, b = session("a", MONDAY), session("b", MONDAY + timedelta(days=1))
    assert state(attendance=(b, a)) == state(attendance=(a, b))
    assert state(drug_tests=(reading(2), reading(1))) == state(drug_tests=(reading(1), reading(2)))


def test_readings_are_consistent() -> None:
    """A collected test has a result, a missed one none; explained only on positives; .of matches the interpretation."""
    with pytest.raises(InvalidDataError):
        DrugTestReading(test_id="t", on=MONDAY)
    with pytest.raises(InvalidDataError):
        DrugTestReading(test_id="t", on=MONDAY, status=DrugTestStatus.REFUSED, result=TestResult.NEGATIVE)
    with pytest.raises(InvalidDataError):
        DrugTestReading(test_id="t", on=MONDAY, result=TestResult.NEGATIVE, explained=True)
    test = drug_test("t", MONDAY, results=(THC,))
    assert DrugTestReading.of(test, interpret(test, HHS_2025)).result is TestResult.POSITIVE
    with pytest.raises(InvalidArgumentError) as info:
        DrugTestReading.of(test)
    assert info.value.paths == ("$.interpretation",)


@pytest.mark.parametrize(("days", "first"), [(1, 30), (30, 1), (31, 0), (400, 0)])
def test_the_window_never_starts_before_admission(days: int, first: int) -> None:
    """The last *days* days up to as_of, clipped at admission."""
    assert state(as_of_day=30).window(days) == DateRange(
        first=MONDAY + timedelta(days=first), last=MONDAY + timedelta(30)
    )


def test_whole_weeks_in_a_window() -> None:
    """Only Monday-to-Sunday weeks entirely inside count (Tuesday of week 1 to Saturday of week 3: week 2)."""
    weeks = _progress.weeks_in(DateRange(first=MONDAY + timedelta(days=1), last=MONDAY + timedelta(days=19)))
    assert [w.first for w in weeks] == [MONDAY + timedelta(days=7)]


def test_the_examples_in_the_docstrings_run() -> None:
    """The docstring examples of the progress module are correct."""
    assert doctest.testmod(_progress).failed == 0
