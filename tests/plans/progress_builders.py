"""Builders shared by the progress, review and continued-stay tests (issue 16, item 3)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from iopcore.assessment import (
    CHANGE_CRITERIA,
    DIMENSION_SETS,
    AsamEdition,
    ChangeCriteria,
    DatedScore,
    DimensionRating,
    DimensionRatings,
    ReliableChange,
    ScoreSeries,
)
from iopcore.compliance import AttendanceStatus, DrugTestStatus, TestResult
from iopcore.episodes import EntryRoute, Episode, admit
from iopcore.levels import ASAM3, Population
from iopcore.plans import DrugTestReading, ProgressState
from tests.builders import MONDAY, TEST_SOURCE, session

PID = "p1"

# A PHQ-9 criterion with reliable-change parameters for the tests only (the built-in criteria carry none:
# no PHQ-9 SD was verified). The numbers are the test's, not a clinical claim.
PHQ9_WITH_RC = ChangeCriteria(
    instrument="phq9",
    reliable_change=ReliableChange(critical_difference=5.0, source=TEST_SOURCE),
    clinical_cutoff=CHANGE_CRITERIA["phq9"].clinical_cutoff,
    response=CHANGE_CRITERIA["phq9"].response,
    remission=CHANGE_CRITERIA["phq9"].remission,
)
CRITERIA = {**CHANGE_CRITERIA, "phq9": PHQ9_WITH_RC}


def episode(level: str = "2.1", on: date = MONDAY, **kw: Any) -> Episode:
    """An ASAM 3rd edition episode of patient p1 admitted on *on* at *level*."""
    values: dict[str, Any] = {
        "id": "e1",
        "patient_id": PID,
        "on": on,
        "level": level,
        "catalog": ASAM3,
        "entry_route": EntryRoute.PRIMARY,
        "referral_source": "self",
    }
    values.update(kw)
    return admit(**values)


def series(instrument: str, *points: tuple[int, int], pid: str = PID) -> ScoreSeries:
    """A series of (day offset from MONDAY, total) points."""
    return ScoreSeries(
        patient_id=pid,
        instrument=instrument,
        scores=tuple(
            DatedScore(patient_id=pid, instrument=instrument, on=MONDAY + timedelta(days=d), total=t) for d, t in points
        ),
    )


def week_of_sessions(
    monday: date, minutes: int = 180, days: int = 3, status: AttendanceStatus = AttendanceStatus.ATTENDED, tag: str = ""
) -> list[Any]:
    """*days* sessions of *minutes* from *monday* (Monday, Tuesday, …)."""
    return [
        session(f"s{tag}{monday.isoformat()}_{i}", monday + timedelta(days=i), minutes, status=status)
        for i in range(days)
    ]


def reading(
    day: int, result: TestResult | None = TestResult.NEGATIVE, *, tid: str | None = None, **kw: Any
) -> DrugTestReading:
    """A reading *day* days after MONDAY (``result=None``: missed)."""
    if result is None:
        return DrugTestReading(
            test_id=tid or f"t{day}", on=MONDAY + timedelta(days=day), status=kw.pop("status", DrugTestStatus.MISSED)
        )
    return DrugTestReading(test_id=tid or f"t{day}", on=MONDAY + timedelta(days=day), result=result, **kw)


def ratings(value: int = 1, **by_dimension: int) -> DimensionRatings:
    """ASAM 3rd edition ratings: every dimension at *value*, some overridden by keyword (``d5=3``)."""
    out = []
    for dim in DIMENSION_SETS[AsamEdition.THIRD].rated_ids:
        short = dim.split("_")[0]
        out.append(DimensionRating(dimension=dim, rating=by_dimension.get(short, value), rationale="test"))
    return DimensionRatings(edition=AsamEdition.THIRD, ratings=tuple(out))


def state(ep: Episode | None = None, as_of_day: int = 35, **kw: Any) -> ProgressState:
    """A state of *ep* (2.1 from MONDAY by default) *as_of_day* days after MONDAY, the adult 2.1 band."""
    ep = ep or episode()
    values: dict[str, Any] = {"episode": ep, "as_of": MONDAY + timedelta(days=as_of_day)}
    if "hours_band" not in kw:
        values["hours_band"] = ASAM3.level(ep.current.level_code).hours_per_week.get(Population.ADULT)
    values.update(kw)
    return ProgressState(**values)
