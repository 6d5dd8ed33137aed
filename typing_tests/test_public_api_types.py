"""Static checks of the public API's types (run by `mypy --strict typing_tests` in .ci/run, never executed)."""

from __future__ import annotations

from datetime import date
from typing import assert_type

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from iopcore import (
    ASAM3,
    COMPONENTS,
    ClockTime,
    Component,
    DateRange,
    HoursBand,
    LevelOfCare,
    Minutes,
    Population,
    Program,
    TransitionKind,
    WeeklyAvailability,
    WeeklyInterval,
    from_dict,
    plot,
    to_dict,
)
from iopcore.schedule import WeekSchedule


def levels() -> None:
    assert_type(ASAM3.level("2.1"), LevelOfCare)
    assert_type(ASAM3.classify(12, Population.ADULT), LevelOfCare | None)
    assert_type(ASAM3.kind("2.1", "1"), TransitionKind)
    assert_type(ASAM3.level("2.1").hours_band(Population.ADULT), HoursBand | None)
    assert_type(ASAM3.step_down_options("2.1"), tuple[LevelOfCare, ...])


def programs() -> None:
    p = Program.from_level(ASAM3.level("2.1"), Population.ADULT, id="p", name="P")
    assert_type(p, Program)
    assert_type(p.component("drug_testing"), Component)
    assert_type(COMPONENTS.get("drug_testing"), Component)
    assert_type(from_dict(Program, to_dict(p)), Program)


def times() -> None:
    assert_type(ClockTime.parse("08:30").plus(Minutes(30)), ClockTime)
    assert_type(Minutes(30) + Minutes(15), Minutes)
    assert_type(WeeklyInterval.of("mon", "09:00", "12:00").duration, Minutes)
    assert_type(WeeklyAvailability.whole_week().total, Minutes)
    assert_type(DateRange(first=date(2026, 1, 1), last=date(2026, 1, 2)).intersection(
        DateRange(first=date(2026, 1, 1), last=date(2026, 1, 2))), DateRange | None)  # fmt: skip


def plans_to_schedule_and_records() -> None:
    from datetime import UTC

    from iopcore.assessment import IntakeAssessment
    from iopcore.compliance import AdmissionRecord, PayerAuthorization, PlanEvent
    from iopcore.episodes import Episode, admission_record, authorization_records
    from iopcore.plans import PlanHistory, TreatmentPlan, draft_plan, plan_events, week_problem
    from iopcore.schedule import WeekProblem

    intake = IntakeAssessment(patient_id="p", assessed_on=date(2026, 3, 2))
    p = Program.from_level(ASAM3.level("2.1"), Population.ADULT, id="iop", name="IOP")
    plan = draft_plan(intake, p)
    assert_type(plan, TreatmentPlan)
    assert_type(week_problem(plan, p, (), WeeklyAvailability.whole_week()), WeekProblem)
    assert_type(plan_events(PlanHistory.start(plan), tz=UTC), tuple[PlanEvent, ...])

    def records(episode: Episode) -> None:
        assert_type(admission_record(episode, tz=UTC), AdmissionRecord)
        assert_type(authorization_records(episode), tuple[PayerAuthorization, ...])


def plots() -> None:
    fig = Figure()
    ax = fig.add_subplot()
    assert_type(ax, Axes)
    assert_type(plot.week_grid(WeekSchedule(sessions=()), ax=ax), Figure)
    assert_type(plot.week_grid(WeekSchedule(sessions=())), Figure)


def calendar_to_attendance() -> None:
    from datetime import UTC, datetime

    from iopcore.compliance import AttendanceRecord
    from iopcore.schedule import AttendanceMatch, CalendarSchedule, CheckIn, Occurrence, match_attendance

    start = datetime(2026, 3, 2, 18, tzinfo=UTC)
    occ = Occurrence(start=start, end=start.replace(hour=21), offering_id="grp", component_id="group_therapy")
    assert_type(occ.id, str)
    assert_type(occ.minutes, Minutes)
    visit = CheckIn(id="c", patient_id="p", start=start, end=start.replace(hour=21))
    match = match_attendance(CalendarSchedule(occurrences=(occ,)), [visit], patient_id="p", excused={occ.id})
    assert_type(match, AttendanceMatch)
    assert_type(match.records, tuple[AttendanceRecord, ...])
    assert_type(match_attendance([CalendarSchedule()], (), patient_id="p"), AttendanceMatch)


def tables_() -> None:
    from typing import Any

    from iopcore.compliance import AttendanceRecord, Finding
    from iopcore.tables import Column, columns, from_columns, schema

    cols = columns((), of=Finding)
    assert_type(cols, dict[str, list[Any]])
    assert_type(from_columns(Finding, cols), tuple[Finding, ...])
    assert_type(from_columns(AttendanceRecord, {}), tuple[AttendanceRecord, ...])
    assert_type(schema(Finding), tuple[Column, ...])
