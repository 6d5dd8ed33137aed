"""The measurement schedule as a compliance rule, and the program-level summary (issue 16, item 2).

TJC CTS.03.01.09 sets no instrument or frequency: every number here is an illustrative program
policy, tested at, just before and just after each due date.
"""

from __future__ import annotations

import pickle
import random
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore import from_dict, to_dict
from iopcore.assessment import CHANGE_CRITERIA, DatedScore, ScoreSeries, Trajectory, assess_change
from iopcore.compliance import (
    ComplianceRecords,
    MeasurementRecord,
    MeasurementScheduleRule,
    MeasurementSummary,
    RuleSet,
    evaluate,
    measurement_summary,
)
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.sources import Evidence, Source
from iopcore.strategies import measurement_schedule_rules, measurement_summaries
from iopcore.times import DateRange
from tests.builders import admission

POLICY = Source(
    citation="the program's measurement policy (TJC CTS.03.01.09 sets none)", evidence=Evidence.ILLUSTRATIVE
)
ADMITTED = date(2026, 1, 5)
PERIOD = DateRange(first=date(2026, 1, 1), last=date(2026, 6, 30))


def _rule(intake: int = 7, every: int = 14) -> MeasurementScheduleRule:
    return MeasurementScheduleRule(
        id="phq9_schedule", instrument="phq9", intake_days=intake, every_days=every, source=POLICY
    )


def _m(day: date, rid: str | None = None, *, pid: str = "p1", instrument: str = "phq9") -> MeasurementRecord:
    return MeasurementRecord(
        id=rid or f"m_{pid}_{instrument}_{day.isoformat()}", patient_id=pid, instrument=instrument, on=day
    )


def _records(*days: date, discharged: date | None = None) -> ComplianceRecords:
    return ComplianceRecords(
        admissions=(admission("adm", ADMITTED, discharged=discharged),), measurements=tuple(_m(d) for d in days)
    )


def _codes(
    records: ComplianceRecords, as_of: date, rule: MeasurementScheduleRule | None = None
) -> list[tuple[str, date]]:
    return [(x.code, x.period.first) for x in (rule or _rule()).evaluate(records, PERIOD, as_of)]


# ----------------------------------------------------------------------------- intake


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        (date(2026, 1, 11), []),  # before the due date (admission + 7 = Jan 12)
        (date(2026, 1, 12), []),  # at it
        (date(2026, 1, 13), [("measurement_missing_at_intake", date(2026, 1, 12))]),  # just after: late
    ],
)
def test_intake_measurement_at_and_around_its_due_date(taken: date, expected: list[tuple[str, date]]) -> None:
    """The first administration is due within intake_days of the admission date."""
    assert _codes(_records(taken), as_of=date(2026, 1, 14)) == expected


def test_a_due_date_is_missed_only_once_it_has_passed() -> None:
    """On the due date itself (as_of) nothing is overdue yet; the day after, it is."""
    assert _codes(_records(), as_of=date(2026, 1, 12)) == []
    assert _codes(_records(), as_of=date(2026, 1, 13)) == [("measurement_missing_at_intake", date(2026, 1, 12))]


def test_intake_on_the_admission_day_with_zero_days() -> None:
    """intake_days=0: due on the admission date itself."""
    rule = _rule(intake=0)
    assert _codes(_records(ADMITTED), as_of=date(2026, 1, 6), rule=rule) == []
    assert _codes(_records(), as_of=date(2026, 1, 6), rule=rule) == [("measurement_missing_at_intake", ADMITTED)]


def test_an_administration_before_admission_or_of_another_instrument_does_not_count() -> None:
    """Only the rule's instrument, taken while in care, counts."""
    records = ComplianceRecords(
        admissions=(admission("adm", ADMITTED),),
        measurements=(_m(date(2026, 1, 2)), _m(date(2026, 1, 6), instrument="gad7")),
    )
    assert _codes(records, as_of=date(2026, 1, 13)) == [("measurement_missing_at_intake", date(2026, 1, 12))]


# ----------------------------------------------------------------------------- every N days


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        (date(2026, 1, 18), []),  # 13 days after the first
        (date(2026, 1, 19), []),  # 14: at the interval
        (date(2026, 1, 20), [("measurement_overdue", date(2026, 1, 19))]),  # 15: just after
    ],
)
def test_repeat_measurement_at_and_around_the_interval(second: date, expected: list[tuple[str, date]]) -> None:
    """After an administration the next is due every_days later."""
    assert _codes(_records(ADMITTED, second), as_of=date(2026, 1, 21)) == expected


def test_each_missed_due_date_is_one_finding_and_the_schedule_restarts_from_a_late_one() -> None:
    """A late administration restarts the clock; a long gap is one finding, not one per day."""
    got = _rule().evaluate(_records(ADMITTED, date(2026, 1, 22)), PERIOD, date(2026, 2, 20))
    assert [(x.code, x.period.first, x.period.last) for x in got] == [
        ("measurement_overdue", date(2026, 1, 19), date(2026, 1, 22)),
        ("measurement_overdue", date(2026, 2, 5), date(2026, 2, 20)),
    ]
    assert got[0].evidence == ("adm", "m_p1_phq9_2026-01-05", "m_p1_phq9_2026-01-22")
    assert "given late on 2026-01-22" in got[0].message
    assert all(x.citation == POLICY and x.rule_id == "phq9_schedule" for x in got)


def test_discharge_ends_the_schedule() -> None:
    """No administration is due after discharge."""
    assert _codes(_records(ADMITTED, discharged=date(2026, 1, 18)), as_of=date(2026, 3, 1)) == []
    assert _codes(_records(ADMITTED, discharged=date(2026, 1, 19)), as_of=date(2026, 3, 1)) == [
        ("measurement_overdue", date(2026, 1, 19))
    ]


def test_findings_outside_the_period_are_left_out() -> None:
    """Only due dates within the period are reported."""
    period = DateRange(first=date(2026, 2, 1), last=date(2026, 2, 28))
    got = _rule().evaluate(_records(ADMITTED, date(2026, 1, 22)), period, date(2026, 2, 20))
    assert [x.period.first for x in got] == [date(2026, 2, 5)]


def test_the_rule_runs_in_a_rule_set_and_round_trips() -> None:
    """The rule is a built-in rule: a RuleSet holds it, serializes it, and evaluate runs it."""
    ruleset = RuleSet(name="Program MBC policy", version="2026-01", rules=(_rule(),))
    assert from_dict(RuleSet, to_dict(ruleset)) == ruleset
    report = evaluate(ruleset, _records(ADMITTED), date(2026, 2, 1), period=PERIOD)
    assert [x.code for x in report.findings if x.rule_id == "phq9_schedule"] == ["measurement_overdue"]


def test_the_rule_refuses_bad_numbers() -> None:
    """every_days ≥ 1 and intake_days ≥ 0, named by path."""
    with pytest.raises(InvalidDataError) as e:
        _rule(every=0)
    assert e.value.errors[0].path == "$.every_days"
    with pytest.raises(InvalidDataError) as e:
        _rule(intake=-1)
    assert e.value.errors[0].path == "$.intake_days"


# ----------------------------------------------------------------------------- properties


def _missed_by_walking_days(
    rule: MeasurementScheduleRule, taken: list[date], as_of: date, end: date | None
) -> list[tuple[str, date]]:
    """An independent checker: walk the calendar one day at a time."""
    last = min(end or date.max, as_of)
    days = {d for d in taken if ADMITTED <= d <= last}
    due, waiting, any_taken, out = ADMITTED + timedelta(days=rule.intake_days), False, False, []
    day = ADMITTED
    while day <= last:
        if day in days:
            due, waiting, any_taken = day + timedelta(days=rule.every_days), False, True
        elif not waiting and day == due and day < as_of:
            out.append(("measurement_overdue" if any_taken else "measurement_missing_at_intake", due))
            waiting = True
        day += timedelta(days=1)
    return out


@given(
    rule=measurement_schedule_rules(),
    offsets=st.lists(st.integers(-5, 120), max_size=8),
    as_of_offset=st.integers(0, 130),
    stay=st.one_of(st.none(), st.integers(0, 130)),
)
def test_findings_match_a_day_by_day_walk(
    rule: MeasurementScheduleRule, offsets: list[int], as_of_offset: int, stay: int | None
) -> None:
    """The rule finds exactly the due dates an independent day-by-day walk misses."""
    rule = attrs.evolve(rule, instrument="phq9")
    taken = [ADMITTED + timedelta(days=o) for o in offsets]
    end = None if stay is None else ADMITTED + timedelta(days=stay)
    as_of = ADMITTED + timedelta(days=as_of_offset)
    records = ComplianceRecords(
        admissions=(admission("adm", ADMITTED, discharged=end),),
        measurements=tuple(_m(d, f"m{i}") for i, d in enumerate(taken)),
    )
    assert _codes(records, as_of, rule) == sorted(_missed_by_walking_days(rule, taken, as_of, end), key=lambda x: x[1])
    shuffled = list(records.measurements)
    random.Random(len(taken)).shuffle(shuffled)
    again = attrs.evolve(records, measurements=tuple(shuffled))
    assert rule.evaluate(again, PERIOD, as_of) == rule.evaluate(records, PERIOD, as_of)


# ----------------------------------------------------------------------------- the program-level summary


def _series(pid: str, *totals: int) -> ScoreSeries:
    scores = tuple(
        DatedScore(patient_id=pid, instrument="gad7", on=ADMITTED + timedelta(days=14 * i), total=t)
        for i, t in enumerate(totals)
    )
    return ScoreSeries(patient_id=pid, instrument="gad7", scores=scores)


def test_the_summary_counts_patients_measured_on_time_and_reliably_improved() -> None:
    """Shares of patients in care: measured on time; of those whose change was evaluated, reliably improved."""
    rule = attrs.evolve(_rule(), instrument="gad7")
    records = ComplianceRecords(
        admissions=(
            admission("a1", ADMITTED, pid="p1"),
            admission("a2", ADMITTED, pid="p2"),
            admission("a3", ADMITTED, pid="p3"),
        ),
        measurements=(
            _m(ADMITTED, pid="p1", instrument="gad7"),
            _m(date(2026, 1, 19), pid="p1", instrument="gad7"),
            _m(ADMITTED, pid="p2", instrument="gad7"),
            _m(date(2026, 1, 19), pid="p2", instrument="gad7"),
        ),
    )
    assessments = [
        assess_change(_series("p1", 16, 8)),
        assess_change(_series("p2", 12, 10)),
        assess_change(_series("p3", 12)),
    ]
    assert [a.trajectory for a in assessments] == [
        Trajectory.RELIABLY_IMPROVED,
        Trajectory.NO_RELIABLE_CHANGE,
        Trajectory.NOT_EVALUATED,
    ]
    got = measurement_summary(records, rule, PERIOD, date(2026, 1, 25), assessments=assessments)
    assert (got.patients, got.measured_on_time, got.assessed, got.reliably_improved, got.not_evaluated) == (
        3,
        2,
        2,
        1,
        1,
    )
    assert got.share_on_time == pytest.approx(2 / 3)
    assert got.share_reliably_improved == 0.5


def test_an_empty_program_has_no_shares() -> None:
    """With no patients (or nobody assessed) a share is None, never 0 %."""
    got = measurement_summary(ComplianceRecords(), _rule(), PERIOD, date(2026, 2, 1))
    assert (got.patients, got.share_on_time, got.share_reliably_improved) == (0, None, None)


def test_the_summary_refuses_two_assessments_of_one_patient() -> None:
    """One assessment per patient and instrument; others' instruments are ignored."""
    rule = attrs.evolve(_rule(), instrument="gad7")
    one = assess_change(_series("p1", 16, 8))
    with pytest.raises(InvalidDataError) as e:
        measurement_summary(_records(), rule, PERIOD, date(2026, 2, 1), assessments=[one, one])
    assert e.value.errors[0].path == "$.assessments[1]"
    phq = assess_change(
        ScoreSeries(
            patient_id="p1",
            instrument="phq9",
            scores=(DatedScore(patient_id="p1", instrument="phq9", on=ADMITTED, total=20),),
        ),
        criteria=CHANGE_CRITERIA["phq9"],
    )
    assert measurement_summary(_records(), rule, PERIOD, date(2026, 2, 1), assessments=[phq]).not_evaluated == 0


def test_the_summary_refuses_a_careless_caller() -> None:
    """Wrong argument types are named."""
    with pytest.raises(InvalidArgumentError) as e:
        measurement_summary(_records(), "phq9", PERIOD, date(2026, 2, 1))  # type: ignore[arg-type]
    assert e.value.errors[0].path == "$.rule"


@given(measurement_summaries())
def test_summaries_round_trip_pickle_and_hash(summary: MeasurementSummary) -> None:
    """Summaries serialize, pickle and hash; their shares lie in [0, 1]."""
    assert from_dict(MeasurementSummary, to_dict(summary)) == summary
    assert pickle.loads(pickle.dumps(summary)) == summary
    hash(summary)
    for share in (summary.share_on_time, summary.share_reliably_improved):
        assert share is None or 0 <= share <= 1


def test_a_measurement_record_from_a_dated_score() -> None:
    """MeasurementRecord.from_score keeps who, when and which instrument; its ids are redacted in repr."""
    score = DatedScore(patient_id="SECRET-P", instrument="phq9", on=ADMITTED, total=12)
    record = MeasurementRecord.from_score(score, id="SECRET-R")
    assert (record.patient_id, record.instrument, record.on) == ("SECRET-P", "phq9", ADMITTED)
    assert "SECRET" not in repr(record)


def test_older_documents_without_measurements_still_read() -> None:
    """ComplianceRecords documents written before the measurements field read with none."""
    document = to_dict(_records(ADMITTED))
    document.pop("measurements")
    assert from_dict(ComplianceRecords, document).measurements == ()
