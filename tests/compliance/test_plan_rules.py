"""Plan and certification rules: plan written in time, reviewed regularly, the episode certified and recertified."""

from __future__ import annotations

from iopcore.compliance import (
    Certification,
    CertificationKind,
    CertificationRule,
    PlanEvent,
    PlanEventKind,
    PlanReviewRule,
    PlanWrittenRule,
)
from iopcore.times import DateRange
from tests.builders import MONDAY, TEST_SOURCE, admission, at, bundle, codes, nth_day


def test_plan_written_within_deadline() -> None:
    """Kansas-style 7 days: on day 7 passes, day 8 is late, none by day 8 is missing, day 5 with none is pending."""
    rule = PlanWrittenRule(id="plan", within_days=7, source=TEST_SOURCE)

    def plan(day: int, kind: PlanEventKind = PlanEventKind.CREATED) -> PlanEvent:
        return PlanEvent(id=f"e{day}", patient_id="p1", plan_id="x", kind=kind, occurred_at=at(nth_day(day), 12))

    period = DateRange(first=MONDAY, last=nth_day(30))
    assert rule.evaluate(bundle(admission(), plan(7)), period, nth_day(30)) == ()
    (late,) = rule.evaluate(bundle(admission(), plan(8)), period, nth_day(30))
    assert (late.code, late.evidence) == ("plan_late", ("adm", "e8"))
    assert "8 days after admission" in late.message
    (missing,) = rule.evaluate(bundle(admission(), plan(3, PlanEventKind.SIGNED)), period, nth_day(8))
    assert (missing.code, missing.evidence) == ("plan_missing", ("adm",))
    assert rule.evaluate(bundle(admission()), period, nth_day(5)) == ()


def test_plan_review_overdue() -> None:
    """With a 30-day interval, a review 31 days after the plan and a stretch to as_of are both flagged."""
    rule = PlanReviewRule(id="review", interval_days=30, source=TEST_SOURCE)
    events = [
        PlanEvent(id="c", patient_id="p1", plan_id="x", kind=PlanEventKind.CREATED, occurred_at=at(nth_day(1))),
        PlanEvent(id="r1", patient_id="p1", plan_id="x", kind=PlanEventKind.REVIEWED, occurred_at=at(nth_day(31))),
        PlanEvent(id="r2", patient_id="p1", plan_id="x", kind=PlanEventKind.REVIEWED, occurred_at=at(nth_day(62))),
    ]
    period = DateRange(first=MONDAY, last=nth_day(120))
    findings = rule.evaluate(bundle(admission(), *events), period, nth_day(100))
    assert [(f.evidence, f.period.first) for f in findings] == [(("r1",), nth_day(62)), (("r2",), nth_day(93))]
    assert "31 days without a plan review" in findings[0].message
    assert rule.evaluate(bundle(admission(), *events), DateRange.of_days(MONDAY, 10), nth_day(100)) == ()


def test_certification_and_recertification() -> None:
    """No certification is flagged; a 61-day gap with a 60-day interval is an overdue recertification."""
    rule = CertificationRule(id="cert", recertify_every_days=60, source=TEST_SOURCE)
    period = DateRange(first=MONDAY, last=nth_day(200))
    (missing,) = rule.evaluate(bundle(admission()), period, nth_day(10))
    assert (missing.code, missing.evidence) == ("certification_missing", ("adm",))
    certs = (
        Certification(id="c0", patient_id="p1", kind=CertificationKind.CERTIFICATION, signed_on=MONDAY),
        Certification(id="c1", patient_id="p1", kind=CertificationKind.RECERTIFICATION, signed_on=nth_day(60)),
        Certification(id="c2", patient_id="p1", kind=CertificationKind.RECERTIFICATION, signed_on=nth_day(121)),
    )
    findings = rule.evaluate(bundle(admission(), *certs), period, nth_day(130))
    assert [(f.code, f.evidence) for f in findings] == [("recertification_overdue", ("c1",))]
    timed = CertificationRule(id="cert", recertify_every_days=60, certify_within_days=5, source=TEST_SOURCE)
    assert timed.evaluate(bundle(admission()), period, nth_day(5)) == ()
    assert codes(timed.evaluate(bundle(admission()), period, nth_day(6))) == ["certification_missing"]
    assert rule.evaluate(bundle(admission(), *certs), DateRange.of_days(MONDAY, 5), nth_day(130)) == ()
