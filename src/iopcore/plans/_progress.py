"""A patient's progress as of a date: the one input of the review-trigger and continued-stay policies.

:class:`ProgressState` gathers what the weekly loop knows about one episode on one day: the change
on each instrument (:class:`~iopcore.assessment.ChangeAssessment`, baseline to the latest score on
or before the day), the attendance records, the drug tests read against a panel
(:class:`DrugTestReading`), the level's weekly-hours band and the latest re-rated ASAM dimensions.
:func:`progress_state` builds it in one call from an episode, score series and compliance records.

A :class:`ProgressReason` is one thing a policy observed, with the numbers behind it (the observed
value and the policy's threshold), never a patient identifier. The window arithmetic both policies
share (which sessions were missed, which weeks fell below the band, which tests count) lives here
too, so the review and the continued-stay policy read the same facts the same way.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore.assessment import (
    CHANGE_CRITERIA,
    ChangeAssessment,
    ChangeCriteria,
    DimensionRatings,
    ScoreSeries,
    assess_change,
)
from iopcore.compliance import (
    HHS_2025,
    SPECIMEN_VALIDITY,
    AttendanceRecord,
    AttendanceStatus,
    ComplianceRecords,
    CutoffPanel,
    DrugTest,
    DrugTestStatus,
    Interpretation,
    SpecimenValidityRules,
    TestResult,
    interpret,
)
from iopcore.episodes import Episode
from iopcore.errors import ErrorItem, InvalidArgumentError, UnknownCodeError
from iopcore.levels import HoursBand, LevelCatalog, Population
from iopcore.times import DateRange

__all__ = ["DrugTestReading", "ProgressReason", "ProgressState", "Signal", "progress_state"]


class Signal(enum.StrEnum):
    """What a :class:`ProgressReason` is about."""

    NO_RELIABLE_IMPROVEMENT = "no_reliable_improvement"
    RELIABLE_DETERIORATION = "reliable_deterioration"
    RELIABLE_IMPROVEMENT = "reliable_improvement"
    REMISSION = "remission"
    TRAJECTORY_NOT_EVALUATED = "trajectory_not_evaluated"
    """No reliable-change parameters or a single score: never read as improvement nor as its absence."""
    NO_MEASUREMENT = "no_measurement"
    FLAGGED_TESTS = "flagged_tests"
    """Drug tests positive (not explained by a medication), failed, not evaluated, or not collected, as the policy counts."""
    ATTENDANCE_BELOW_BAND = "attendance_below_band"
    ATTENDANCE_RATE = "attendance_rate"
    ATTENDANCE_NOT_EVALUATED = "attendance_not_evaluated"
    MISSED_SESSIONS = "missed_sessions"
    RATINGS = "ratings"
    """The re-rated ASAM dimensions and the level a placement policy finds safe for them."""
    NO_RATINGS = "no_ratings"
    TIME_AT_LEVEL = "time_at_level"
    MOVE_NOT_ALLOWED = "move_not_allowed"
    """The level the evidence points to is not one the program's move policy allows from the current level."""


@final
@attrs.frozen(kw_only=True)
class ProgressReason:
    """One observation of a policy: what (``signal``), the number observed, the policy's threshold, and in words.

    ``value`` and ``threshold`` are the numbers that explain it (``None`` where a signal has
    none); ``period`` the dates it looked at; ``instrument`` the instrument it concerns.
    The explanation carries the same numbers and never a patient identifier.
    """

    signal: Signal = attrs.field(validator=f.enum_member(Signal))
    explanation: str = attrs.field(validator=f.text())
    instrument: str | None = attrs.field(default=None, validator=f.optional(f.identifier()))
    value: float | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_float), validator=f.optional(f.number())
    )
    threshold: float | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_float), validator=f.optional(f.number())
    )
    period: DateRange | None = attrs.field(default=None, validator=f.optional(f.instance(DateRange, "a DateRange")))


_POSITIVE = frozenset({TestResult.POSITIVE, TestResult.POSITIVE_DILUTE})


@final
@attrs.frozen(kw_only=True)
class DrugTestReading:
    """A drug test as the progress policies read it: when, whether collected, the overall result.

    ``result`` is ``None`` exactly when the test was missed or refused. ``explained`` is true for
    a positive result whose every positive analyte the patient's medications explain (reported
    as prescribed, never as use).
    """

    test_id: str = f.phi_field(validator=f.text(max_length=128))
    """The drug test's record id (an identifier: ``repr`` redacts it)."""
    on: date = attrs.field(validator=f.calendar_date())
    status: DrugTestStatus = attrs.field(default=DrugTestStatus.COLLECTED, validator=f.enum_member(DrugTestStatus))
    result: TestResult | None = attrs.field(default=None, validator=f.optional(f.enum_member(TestResult)))
    explained: bool = attrs.field(default=False, validator=f.boolean())

    def __attrs_post_init__(self) -> None:
        collected = self.status is DrugTestStatus.COLLECTED
        if collected and self.result is None:
            raise f.fail("$.result", "expected the result of a collected test, got None", "result", self)
        if not collected and self.result is not None:
            raise f.fail("$.result", "expected no result for a missed or refused test", "result", self)
        if self.explained and self.result not in _POSITIVE:
            raise f.fail("$.explained", "expected explained only on a positive result", "explained", self)

    @classmethod
    @f.guard
    def of(cls, test: DrugTest, interpretation: Interpretation | None = None) -> DrugTestReading:
        """The reading of *test*: its interpretation's result (a collected test needs one), or missed/refused."""
        return _reading(test, interpretation, "DrugTestReading.of")

    @property
    def positive(self) -> bool:
        """A positive result that no medication explains."""
        return self.result in _POSITIVE and not self.explained


def _reading(test: DrugTest, interpretation: Interpretation | None, where: str) -> DrugTestReading:
    collected = test.status is DrugTestStatus.COLLECTED
    if collected != (interpretation is not None) or (interpretation is not None and interpretation.test_id != test.id):
        raise InvalidArgumentError(
            (
                ErrorItem(
                    path="$.interpretation",
                    message="expected the interpretation of this collected test (None for a missed or refused one)",
                    rule="interpretation",
                ),
            ),
            callable=where,
        )
    if interpretation is None:
        return DrugTestReading(test_id=test.id, on=test.day, status=test.status)
    explained = interpretation.result in _POSITIVE and not interpretation.unexplained_positives
    return DrugTestReading(test_id=test.id, on=test.day, result=interpretation.result, explained=explained)


def _attendance_key(r: AttendanceRecord) -> tuple[Any, ...]:
    return (r.start, r.end, r.component_id, r.status.value, r.attended_minutes.value, r.occurrence_id, r.id)


def _sort(value: Any, key: Any) -> Any:
    items = f.to_tuple(value)
    try:
        return tuple(sorted(items, key=key))
    except (AttributeError, TypeError):  # not all the right type: the validator names it
        return items


def _reading_key(r: DrugTestReading) -> tuple[Any, ...]:
    return (r.on, r.status.value, "" if r.result is None else r.result.value, r.explained, r.test_id)


def _change_key(c: ChangeAssessment) -> str:
    return c.instrument


def _sorted_changes(value: Any) -> Any:
    return _sort(value, _change_key)


def _sorted_attendance(value: Any) -> Any:
    return _sort(value, _attendance_key)


def _sorted_readings(value: Any) -> Any:
    return _sort(value, _reading_key)


@final
@attrs.frozen(kw_only=True)
class ProgressState:
    """What is known about one episode on ``as_of``: change per instrument, attendance, drug tests, ratings.

    Canonical: changes sort by instrument, attendance records by start, readings by date, so the
    order in which records arrive never changes the state nor any decision made from it.
    Nothing in it may postdate ``as_of``; the episode must be at a level on ``as_of``. Build it
    with :func:`progress_state`.
    """

    episode: Episode = attrs.field(validator=f.instance(Episode, "an Episode"))
    as_of: date = attrs.field(validator=f.calendar_date())
    changes: tuple[ChangeAssessment, ...] = attrs.field(
        default=(), converter=_sorted_changes, validator=f.tuple_of(ChangeAssessment)
    )
    attendance: tuple[AttendanceRecord, ...] = attrs.field(
        default=(), converter=_sorted_attendance, validator=f.tuple_of(AttendanceRecord)
    )
    drug_tests: tuple[DrugTestReading, ...] = attrs.field(
        default=(), converter=_sorted_readings, validator=f.tuple_of(DrugTestReading)
    )
    hours_band: HoursBand | None = attrs.field(
        default=None, validator=f.optional(f.instance(HoursBand, "an HoursBand"))
    )
    """The current level's weekly-hours band for the patient's population (``None``: not known, not evaluated)."""
    ratings: DimensionRatings | None = attrs.field(
        default=None, validator=f.optional(f.instance(DimensionRatings, "a DimensionRatings"))
    )
    """The latest re-rated ASAM dimensions, if the patient was reassessed."""

    def __attrs_post_init__(self) -> None:
        problems = _state_problems(self)
        if problems:
            raise f.fail(problems[0].path, problems[0].message, problems[0].rule, self)

    @property
    def level_code(self) -> str:
        """The level the patient is at on ``as_of``."""
        period = self.episode.level_on(self.as_of)
        assert period is not None  # checked on construction
        return period.level_code

    @property
    def level_since(self) -> date:
        """The start of the current level period."""
        period = self.episode.level_on(self.as_of)
        assert period is not None
        return period.start

    @f.guard
    def window(self, days: int) -> DateRange:
        """The last *days* days up to ``as_of``, never before admission (``days >= 1``)."""
        if days < 1:
            raise InvalidArgumentError(
                (ErrorItem(path="$.days", message="expected an int >= 1", rule="range"),),
                callable="ProgressState.window",
            )
        return window_of(self, days)


def _state_problems(state: ProgressState) -> list[ErrorItem]:
    ep, day = state.episode, state.as_of
    out: list[ErrorItem] = []
    if ep.level_on(day) is None:
        out.append(
            ErrorItem(path="$.as_of", message="expected a date on which the episode is at a level", rule="covers")
        )
    seen: set[str] = set()
    for i, c in enumerate(state.changes):
        if c.instrument in seen:
            out.append(ErrorItem(path=f"$.changes[{i}].instrument", message="a second change on this instrument",
                                 rule="unique"))  # fmt: skip
        seen.add(c.instrument)
        if c.baseline.patient_id != ep.patient_id:
            out.append(ErrorItem(path=f"$.changes[{i}].baseline.patient_id", message="expected the episode's patient",
                                 rule="patient"))  # fmt: skip
        if c.latest.on > day:
            out.append(ErrorItem(path=f"$.changes[{i}].latest.on", message="expected a date on or before as_of",
                                 rule="as_of"))  # fmt: skip
    for i, r in enumerate(state.attendance):
        if r.patient_id != ep.patient_id:
            out.append(ErrorItem(path=f"$.attendance[{i}].patient_id", message="expected the episode's patient",
                                 rule="patient"))  # fmt: skip
        if r.day > day:
            out.append(ErrorItem(path=f"$.attendance[{i}].start", message="expected a date on or before as_of",
                                 rule="as_of"))  # fmt: skip
    for i, t in enumerate(state.drug_tests):
        if t.on > day:
            out.append(ErrorItem(path=f"$.drug_tests[{i}].on", message="expected a date on or before as_of",
                                 rule="as_of"))  # fmt: skip
    return out


def window_of(state: ProgressState, days: int) -> DateRange:
    last = state.as_of
    reach = (last - date.min).days
    first = date.min if days - 1 > reach else last - timedelta(days=days - 1)
    return DateRange(first=max(first, state.episode.admission.on), last=last)


# ----------------------------------------------------------------------------- facts both policies read


def in_window(day: date, window: DateRange) -> bool:
    return window.first <= day <= window.last


def missed_sessions(state: ProgressState, window: DateRange) -> int:
    """Unexcused absences in *window*."""
    return sum(1 for r in state.attendance if r.status is AttendanceStatus.ABSENT and in_window(r.day, window))


def attendance_rate(state: ProgressState, window: DateRange) -> tuple[int, int]:
    """``(present, counted)``: sessions attended, late or left early, of those not excused, in *window*."""
    rows = [r for r in state.attendance if r.status is not AttendanceStatus.EXCUSED and in_window(r.day, window)]
    return sum(1 for r in rows if r.present), len(rows)


def weeks_in(window: DateRange) -> list[DateRange]:
    """The whole ISO weeks (Monday to Sunday) inside *window*."""
    monday = window.first + timedelta(days=(7 - window.first.weekday()) % 7)
    out: list[DateRange] = []
    while (window.last - monday).days >= 6:
        out.append(DateRange(first=monday, last=monday + timedelta(days=6)))
        monday += timedelta(days=7)
    return out


def weekly_minutes(state: ProgressState, window: DateRange) -> list[tuple[DateRange, int]]:
    """Attended minutes of each whole ISO week in *window* that has attendance records (others are not assessed)."""
    out: list[tuple[DateRange, int]] = []
    for week in weeks_in(window):
        rows = [r for r in state.attendance if in_window(r.day, week)]
        if rows:
            out.append((week, sum(r.attended_minutes.value for r in rows)))
    return out


def flagged_tests(
    state: ProgressState, window: DateRange, results: frozenset[TestResult], uncollected: frozenset[DrugTestStatus]
) -> list[DrugTestReading]:
    """Tests in *window* whose result is one of *results* (explained positives never) or that were *uncollected*."""
    return [
        t
        for t in state.drug_tests
        if in_window(t.on, window)
        and (
            (t.result is None and t.status in uncollected)
            or (t.result is not None and t.result in results and not t.explained)
        )
    ]


def test_counts(tests: Iterable[DrugTestReading]) -> str:
    """``"2 positive, 1 not evaluated"``: how many tests of each result or status."""
    counts: dict[str, int] = {}
    for t in tests:
        label = (t.status.value if t.result is None else t.result.value).replace("_", " ")
        counts[label] = counts.get(label, 0) + 1
    return ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))


def flagged_reason(tests: Sequence[DrugTestReading], window: DateRange, threshold: int, what: str) -> ProgressReason:
    """The reason *tests* (flagged in *window*) give: their count against *threshold*, for *what* (``"a review"``)."""
    return ProgressReason(
        signal=Signal.FLAGGED_TESTS,
        explanation=f"{len(tests)} flagged drug test(s) from {days_text(window)} ({test_counts(tests)}); "
        f"{what} at {threshold} or more",
        value=len(tests),
        threshold=threshold,
        period=window,
    )


def deterioration_reason(change: ChangeAssessment) -> ProgressReason:
    """The reason a reliably worse *change* gives, with the change and the threshold in points."""
    return ProgressReason(
        signal=Signal.RELIABLE_DETERIORATION,
        instrument=change.instrument,
        explanation=f"{change.instrument} reliably worse: {num(change.change)} points from "
        f"{change.baseline.on.isoformat()} to {change.latest.on.isoformat()}, "
        f"beyond the reliable-change threshold of {num(change.threshold or 0)} points",
        value=change.change,
        threshold=change.threshold,
    )


def num(x: float) -> str:
    return f.number_text(x)


def days_text(window: DateRange) -> str:
    return f"{window.first.isoformat()} to {window.last.isoformat()}"


# ----------------------------------------------------------------------------- the builder


def _unknown_level(catalog: LevelCatalog, index: int) -> UnknownCodeError:
    return UnknownCodeError(
        what="level", catalog=catalog.name, known=catalog.codes, path=f"$.episode.levels[{index}].level_code"
    )


@f.guard
def progress_state(
    episode: Episode,
    *,
    as_of: date,
    series: Iterable[ScoreSeries] = (),
    records: ComplianceRecords | None = None,
    ratings: DimensionRatings | None = None,
    hours_band: HoursBand | None = None,
    catalog: LevelCatalog | None = None,
    population: Population | None = None,
    criteria: Mapping[str, ChangeCriteria] = CHANGE_CRITERIA,
    panels: Sequence[CutoffPanel] = (HHS_2025,),
    validity: SpecimenValidityRules = SPECIMEN_VALIDITY,
) -> ProgressState:
    """The episode's :class:`ProgressState` on *as_of*, in one call.

    * *series*: the episode patient's score series (others' are ignored), each cut at *as_of*
      and assessed with ``criteria[instrument]`` (an instrument without criteria is an
      :class:`~iopcore.errors.UnknownCodeError` at ``$.series[i].instrument``).
    * *records*: the patient's attendance and drug tests up to *as_of* (other patients' records are
      ignored); each collected test is read with :func:`~iopcore.compliance.interpret` against the
      panel of *panels* for its specimen, a prescription active that day making its analytes
      expected. A test whose specimen has no panel reads ``not_evaluated``, never negative.
    * *hours_band*, or else the band of the current level of *catalog* for *population*.

    >>> from datetime import date
    >>> from iopcore.episodes import EntryRoute, admit
    >>> from iopcore.levels import ASAM3, Population
    >>> episode = admit(id="e1", patient_id="p1", on=date(2026, 1, 5), level="2.1", catalog=ASAM3,
    ...                 entry_route=EntryRoute.PRIMARY, referral_source="self")
    >>> state = progress_state(episode, as_of=date(2026, 2, 2), catalog=ASAM3, population=Population.ADULT)
    >>> state.level_code, str(state.hours_band)
    ('2.1', '[9, 20) h/week')
    """
    where = "progress_state"
    if episode.level_on(as_of) is None:
        raise InvalidArgumentError(
            (ErrorItem(path="$.as_of", message="expected a date on which the episode is at a level", rule="covers"),),
            callable=where,
        )
    pid = episode.patient_id
    band = hours_band
    if band is None and catalog is not None and population is not None:
        code = episode.level_on(as_of).level_code  # type: ignore[union-attr]
        if code not in catalog.codes:
            raise _unknown_level(catalog, next(i for i, p in enumerate(episode.levels) if p.level_code == code))
        band = catalog.level(code).hours_band(population)
    changes: list[ChangeAssessment] = []
    seen: set[str] = set()
    for i, s in enumerate(series):
        if s.patient_id != pid:
            continue
        found = criteria.get(s.instrument)
        if found is None:
            raise UnknownCodeError(
                what="instrument with change criteria", catalog="criteria", known=sorted(criteria),
                path=f"$.series[{i}].instrument",
            )  # fmt: skip
        if s.instrument in seen:
            raise InvalidArgumentError(
                (ErrorItem(path=f"$.series[{i}]", message="a second series of the patient on this instrument",
                           rule="unique"),),
                callable=where,
            )  # fmt: skip
        seen.add(s.instrument)
        cut = s.until(as_of)
        if cut is not None:
            changes.append(assess_change(cut, criteria=found))
    attendance: list[AttendanceRecord] = []
    readings: list[DrugTestReading] = []
    if records is not None:
        by_specimen = _panels(panels, where)
        attendance = [r for r in records.attendance if r.patient_id == pid and r.day <= as_of]
        prescriptions = [p for p in records.prescriptions if p.patient_id == pid]
        for t in records.drug_tests:
            if t.patient_id != pid or t.day > as_of:
                continue
            reading: Interpretation | None = None
            if t.status is DrugTestStatus.COLLECTED:
                expected = [a for p in prescriptions if t.day in p.dates for a in sorted(p.expected_analytes)]
                panel = by_specimen.get(t.specimen)
                if panel is None:
                    readings.append(DrugTestReading(test_id=t.id, on=t.day, result=TestResult.NOT_EVALUATED))
                    continue
                reading = interpret(t, panel, validity=validity, expected=expected)
            readings.append(_reading(t, reading, where))
    return ProgressState(
        episode=episode,
        as_of=as_of,
        changes=tuple(changes),
        attendance=tuple(attendance),
        drug_tests=tuple(readings),
        hours_band=band,
        ratings=ratings,
    )


def _panels(panels: Sequence[CutoffPanel], where: str) -> dict[Any, CutoffPanel]:
    out: dict[Any, CutoffPanel] = {}
    for i, p in enumerate(panels):
        if p.specimen in out:
            raise InvalidArgumentError(
                (ErrorItem(path=f"$.panels[{i}].specimen", message="a second panel for this specimen", rule="unique"),),
                callable=where,
            )
        out[p.specimen] = p
    return out
