"""Episode rules: the length of stay."""

from __future__ import annotations

from iopcore.compliance import LengthOfStayRule
from iopcore.times import DateRange
from tests.builders import MONDAY, TEST_SOURCE, admission, bundle, nth_day

WEEK = DateRange.of_days(MONDAY, 7)


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
