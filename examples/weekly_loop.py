"""The weekly loop of an IOP, end to end: intake, placement, plan, week, six weeks of attendance, review, step-down.

Each step's output is the next one's input: the intake feeds the placement and the draft plan, the
plan the week's schedule, the calendar and the front desk's check-ins the attendance records, the
records, drug tests and repeated GAD-7 scores the progress state, and the progress the review and
the continued-stay recommendation that the episode applies. The tutorial
docs/tutorial/intake-to-step-down.md tells the same story step by step.

Run: .venv/bin/python examples/weekly_loop.py
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from iopcore import ASAM3, ClockTime, Minutes, Population, Program, Weekday, WeeklyAvailability
from iopcore.assessment import (
    DatedScore,
    DimensionRatings,
    IntakeAssessment,
    OverrideReason,
    recommend_placement,
    score,
    score_series,
)
from iopcore.compliance import (
    AnalyteResult,
    ComplianceRecords,
    DrugTest,
    MissedSessionsRule,
    RuleSet,
    SpecimenValidity,
    TestMethod,
    evaluate,
)
from iopcore.episodes import EntryRoute, admission_record, admit
from iopcore.plans import Frequency, draft_plan, progress_state, recommend_continued_stay, review_due, week_problem
from iopcore.schedule import CheckIn, CheckInRules, Offering, expand, match_attendance, solve
from iopcore.sources import Evidence, Source

PATIENT = "opaque-key-17"  # an opaque key: reprs and errors never show it
ADMITTED = date(2026, 3, 2)
EASTERN = ZoneInfo("America/New_York")  # the application passes the zone; iopcore never looks one up
POLICY = Source(citation="Program attendance policy (example)", evidence=Evidence.ILLUSTRATIVE)
RATINGS = {
    "d1_intoxication_withdrawal": 1,
    "d2_biomedical": 0,
    "d3_emotional_behavioral_cognitive": 1,
    "d4_readiness_to_change": 2,
    "d5_relapse_continued_use": 3,
    "d6_recovery_environment": 2,
}
GAD7 = {0: [2, 2, 2, 2, 2, 2, 3], 2: [2, 2, 2, 2, 2, 2, 2], 4: [2, 2, 2, 2, 2, 2, 1], 6: [1, 1, 1, 1, 1, 1, 0]}


def offering(oid: str, component: str, day: int, start: str, end: str) -> Offering:
    return Offering(
        id=oid, component=component, weekday=Weekday(day), start=ClockTime.parse(start), end=ClockTime.parse(end)
    )


FACILITY = (
    *(offering(f"grp_{d}", "group_counseling", d, "17:30", "20:30") for d in (1, 2, 3, 4)),
    offering("ind_tue", "individual_counseling", 2, "16:30", "17:20"),
    offering("uds_thu", "drug_testing", 4, "17:00", "17:15"),
    offering("life_fri", "life_skills", 5, "17:30", "18:30"),
)


def main() -> None:
    program = Program.from_level(ASAM3.level("2.1"), Population.ADULT, id="adult_iop", name="Adult IOP")
    intake = IntakeAssessment(
        patient_id=PATIENT,
        assessed_on=ADMITTED,
        scores=(score("audit", [3, 3, 3, 1, 1, 1, 1, 1, 2, 2]), score("gad7", GAD7[0])),
        ratings=DimensionRatings.of("asam3", {d: (r, "intake interview") for d, r in RATINGS.items()}),
    )
    placement = recommend_placement(intake, ASAM3)
    placed = placement.with_override(ASAM3.level("2.1"), OverrideReason.PATIENT_PREFERENCE, "works days: evening IOP")
    print(f"intake: AUDIT {intake.score('audit').total} ({intake.score('audit').band}); placement {placement.level}")
    print(f"placed at {placed.actual_level} (override: {placed.override.reason.value if placed.override else '-'})")
    episode = admit(
        id="ep_17",
        patient_id=PATIENT,
        on=ADMITTED,
        level=placed.actual_level.code,
        recommended=placement.level.code,
        catalog=ASAM3,
        entry_route=EntryRoute.STEP_DOWN_FROM_RESIDENTIAL,
        from_level="3.5",
        referral_source="residential program",
    )

    plan = draft_plan(
        intake,
        program,
        id="plan_17",
        written_on=ADMITTED + timedelta(days=3),
        frequencies={"group_counseling": Frequency(sessions=3), "individual_counseling": Frequency(sessions=1)},
        minutes={"group_counseling": Minutes(180)},
    )
    evenings = WeeklyAvailability.daily("16:00", "21:00", days=[Weekday(d) for d in range(1, 6)])
    week = solve(week_problem(plan, program, FACILITY, evenings, day_cost=10))
    print(f"plan: {len(plan.problems)} problems; week: {', '.join(week.offering_ids)} ({week.hours:.2f} h)")

    calendar = expand(week, start=ADMITTED, weeks=6, tz=EASTERN)
    individual = [o for o in calendar.occurrences if o.component_id == "individual_counseling"]
    check_ins = [  # the front desk's record: on time, except one late arrival and one missed session
        CheckIn(
            id=f"ci-{i}",
            patient_id=PATIENT,
            start=o.start + timedelta(minutes=25 if i == 1 else -5),
            end=o.end,
        )
        for i, o in enumerate(calendar.occurrences)
        if o != individual[1]
    ]
    attendance = match_attendance(
        calendar, check_ins, patient_id=PATIENT, rules=CheckInRules(late_after=Minutes(10), source=POLICY)
    )
    counts: dict[str, int] = {}
    for r in attendance.records:
        counts[r.status.value] = counts.get(r.status.value, 0) + 1
    print(f"attendance over 6 weeks: {counts}; unmatched check-ins: {len(attendance.unmatched)}")

    tests = [
        DrugTest(
            id=f"uds-{o.start.date().isoformat()}",
            patient_id=PATIENT,
            collected_at=o.start,
            validity=SpecimenValidity(creatinine_mg_dl=80, specific_gravity=1.015, ph=6.5),
            results=(AnalyteResult(analyte="thca", concentration_ng_ml=0, method=TestMethod.CONFIRMATION),),
        )
        for o in calendar.occurrences
        if o.component_id == "drug_testing"
    ]
    records = ComplianceRecords.of([admission_record(episode, tz=EASTERN), *attendance.records, *tests])
    missed = RuleSet(name="Attendance", version="1", rules=(MissedSessionsRule(id="missed", source=POLICY),))
    for finding in evaluate(missed, records, as_of=ADMITTED + timedelta(weeks=6)).findings:
        print(f"compliance: {finding.code}: {finding.message}")

    [gad7] = score_series(
        DatedScore.from_score(score("gad7", answers), patient_id=PATIENT, on=ADMITTED + timedelta(weeks=week_no))
        for week_no, answers in GAD7.items()
    )
    at_four = progress_state(
        episode, as_of=ADMITTED + timedelta(weeks=4), series=[gad7], records=records, catalog=ASAM3,
        population=Population.ADULT,
    )  # fmt: skip
    review = review_due(at_four)
    print(f"week 4 review due: {review.due} ({'; '.join(r.explanation for r in review.reasons)})")

    step_down = ADMITTED + timedelta(weeks=6)
    rerated = DimensionRatings.of("asam3", {d: (min(r, 1), "week 6 review") for d, r in RATINGS.items()})
    at_six = progress_state(
        episode, as_of=step_down, series=[gad7], records=records, ratings=rerated, catalog=ASAM3,
        population=Population.ADULT,
    )  # fmt: skip
    recommendation = recommend_continued_stay(at_six, ASAM3)
    episode = recommendation.apply(episode, ASAM3, on=step_down)
    print(f"week 6: {recommendation.decision.value} to {recommendation.to}; now at level {episode.current.level_code}")
    assert review.due and recommendation.to == "1" and len(attendance.records) == len(calendar.occurrences)


if __name__ == "__main__":
    main()
