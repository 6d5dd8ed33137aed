"""Episode rules: the length of stay."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.compliance import LengthOfStayRule
from iopcore.episodes import DischargeReason, EntryRoute, admit, discharge
from iopcore.errors import InvalidArgumentError
from iopcore.levels import ASAM3
from iopcore.serialization import from_dict, to_dict
from iopcore.times import DateRange, StayCounting, count_stay_days
from tests.builders import MONDAY, TEST_SOURCE, admission, bundle, nth_day

# ----------------------------------------------------------------------------- length of stay
# 22-A DCMR §6329: IOP duration 30–60 days. Day n is MONDAY + n, so a stay from MONDAY to day n
# is n + 1 calendar days (both ends) and n days by Medicare's midnight count once discharged.

DC = LengthOfStayRule(id="los", min_days=30, max_days=60, source=TEST_SOURCE)
MIDNIGHT_DC = attrs.evolve(DC, counting=StayCounting.MIDNIGHTS)
LONG = DateRange(first=MONDAY, last=nth_day(200))


@pytest.mark.parametrize(
    ("last_day", "code"),
    [(58, None), (59, None), (60, "stay_above_maximum"), (61, "stay_above_maximum")],
)  # fmt: skip
def test_an_open_stay_at_below_and_above_the_maximum_in_calendar_days(last_day: int, code: str | None) -> None:
    """Counted on day 59 an open stay is 60 calendar days (at the maximum: no finding); on day 60 it is 61 (above)."""
    findings = DC.evaluate(bundle(admission()), LONG, nth_day(last_day))
    assert [f.code for f in findings] == ([] if code is None else [code])
    if code is not None:
        assert f"open for {last_day + 1} days" in findings[0].message


@pytest.mark.parametrize(
    ("discharged", "code"),
    [(27, "stay_below_minimum"), (28, "stay_below_minimum"), (29, None), (30, None),
     (58, None), (59, None), (60, "stay_above_maximum")],
)  # fmt: skip
def test_a_discharged_stay_at_below_and_above_both_bounds_in_calendar_days(discharged: int, code: str | None) -> None:
    """Discharged on day 29 the stay is 30 calendar days (at the minimum); day 28 is 29 (below); day 59 is 60
    (at the maximum); day 60 is 61 (above)."""
    findings = DC.evaluate(bundle(admission(discharged=nth_day(discharged))), LONG, nth_day(150))
    assert [f.code for f in findings] == ([] if code is None else [code])
    if code is not None:
        assert f"discharged after {discharged + 1} days" in findings[0].message


@pytest.mark.parametrize(
    ("discharged", "code"),
    [(29, "stay_below_minimum"), (30, None), (31, None), (60, None), (61, "stay_above_maximum")],
)  # fmt: skip
def test_a_discharged_stay_at_below_and_above_both_bounds_by_midnights(discharged: int, code: str | None) -> None:
    """By Medicare's midnight count the discharge day does not count: day 30 is 30 days (at the minimum),
    day 29 is below, day 60 at the maximum, day 61 above."""
    findings = MIDNIGHT_DC.evaluate(bundle(admission(discharged=nth_day(discharged))), LONG, nth_day(150))
    assert [f.code for f in findings] == ([] if code is None else [code])


def test_a_same_day_stay_is_one_day_in_either_convention() -> None:
    """Admitted and discharged on one date: 1 day (Medicare counts it as a day of admission)."""
    for counting in StayCounting:
        assert count_stay_days(MONDAY, MONDAY, discharged=True, counting=counting) == 1
        assert count_stay_days(MONDAY, MONDAY, discharged=False, counting=counting) == 1
    rule = attrs.evolve(DC, min_days=2, max_days=None, counting=StayCounting.MIDNIGHTS)
    (below,) = rule.evaluate(bundle(admission(discharged=MONDAY)), LONG, nth_day(5))
    assert "discharged after 1 days" in below.message


@settings(max_examples=60)
@given(
    stay=st.integers(0, 120),
    open_=st.booleans(),
    counting=st.sampled_from(StayCounting),
    bounds=st.tuples(st.none() | st.integers(0, 120), st.none() | st.integers(0, 120))
    .filter(lambda b: b != (None, None))
    .map(lambda b: b if None in b or b[0] <= b[1] else (b[1], b[0])),  # type: ignore[operator]
)
def test_the_rule_and_the_episode_count_one_stay_alike(
    stay: int, open_: bool, counting: StayCounting, bounds: tuple[int | None, int | None]
) -> None:
    """For any stay, convention and bounds: the rule's finding follows Episode.days_of_stay of the same stay
    (above the maximum: always a finding; below the minimum: a finding once discharged)."""
    lo, hi = bounds
    rule = LengthOfStayRule(id="los", min_days=lo, max_days=hi, counting=counting, source=TEST_SOURCE)
    last = nth_day(stay)
    record = admission() if open_ else admission(discharged=last)
    ep = admit(
        id="e",
        patient_id="p1",
        on=MONDAY,
        level="2.1",
        catalog=ASAM3,
        entry_route=EntryRoute.PRIMARY,
        referral_source="x",
    )
    if not open_:
        ep = discharge(ep, on=last, reason=DischargeReason.COMPLETED)
    days = ep.days_of_stay(last, counting)
    assert days == count_stay_days(MONDAY, last, discharged=not open_, counting=counting)
    expected = []
    if hi is not None and days > hi:
        expected = ["stay_above_maximum"]
    elif lo is not None and not open_ and days < lo:
        expected = ["stay_below_minimum"]
    assert [f.code for f in rule.evaluate(bundle(record), LONG, last)] == expected


def test_count_stay_days_refuses_a_last_day_before_admission() -> None:
    """A last day before the admission is refused at ``$.last``; the convention must be a member."""
    with pytest.raises(InvalidArgumentError) as info:
        count_stay_days(MONDAY, nth_day(-1), discharged=True)
    assert info.value.paths == ("$.last",)
    with pytest.raises(InvalidArgumentError) as info2:
        count_stay_days(MONDAY, MONDAY, discharged=True, counting="calendar_days")  # type: ignore[arg-type]
    assert info2.value.paths == ("$.counting",)


def test_a_rule_document_without_counting_reads_as_calendar_days_and_round_trips() -> None:
    """A current document without ``counting`` reads as CALENDAR_DAYS (the default); MIDNIGHTS round-trips.
    Documents written before the field existed read as MIDNIGHTS: tests/serialization/test_versions.py."""
    doc = to_dict(DC)
    assert doc["counting"] == "calendar_days"
    del doc["counting"]
    assert from_dict(LengthOfStayRule, doc) == DC
    assert from_dict(LengthOfStayRule, to_dict(MIDNIGHT_DC)) == MIDNIGHT_DC
