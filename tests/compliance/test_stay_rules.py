"""Episode rules: services covered by payer authorizations, and the length of stay."""

from __future__ import annotations

from iopcore.compliance import (
    AuthorizationRule,
    LengthOfStayRule,
    PayerAuthorization,
)
from iopcore.times import DateRange
from tests.builders import MONDAY, TEST_SOURCE, admission, bundle, nth_day, session

WEEK = DateRange.of_days(MONDAY, 7)


def test_services_beyond_or_without_authorization() -> None:
    """Two authorized services: the third is beyond the authorization; a service outside its dates is uncovered."""
    rule = AuthorizationRule(id="auth", source=TEST_SOURCE)
    auth = PayerAuthorization(
        id="z", patient_id="p1", payer="Payer", dates=DateRange.of_days(MONDAY, 5), authorized_services=2
    )
    records = bundle(auth, *(session(f"s{i}", nth_day(i)) for i in range(3)), session("s9", nth_day(6)))
    findings = rule.evaluate(records, WEEK, nth_day(6))
    assert [(f.code, f.evidence) for f in findings] == [
        ("services_beyond_authorization", ("s2", "z")),
        ("service_without_authorization", ("s9",)),
    ]


def test_length_of_stay_bounds() -> None:
    """DC-style 30–60 days: an open episode at 61 days is above; a discharge after 29 days is below."""
    rule = LengthOfStayRule(id="los", min_days=30, max_days=60, source=TEST_SOURCE)
    period = DateRange(first=MONDAY, last=nth_day(100))
    (above,) = rule.evaluate(bundle(admission()), period, nth_day(61))
    assert above.code == "stay_above_maximum" and "open for 61 days" in above.message
    assert rule.evaluate(bundle(admission()), period, nth_day(60)) == ()
    (below,) = rule.evaluate(bundle(admission(discharged=nth_day(29))), period, nth_day(61))
    assert below.code == "stay_below_minimum"
    assert rule.evaluate(bundle(admission(discharged=nth_day(30))), period, nth_day(61)) == ()
