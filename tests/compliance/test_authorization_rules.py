"""Authorizations: services, service days and calendar days are each capped; services beyond them are findings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.compliance import AuthorizationRule, PayerAuthorization
from iopcore.times import DateRange
from tests.builders import MONDAY, TEST_SOURCE, bundle, nth_day, session

WEEK = DateRange.of_days(MONDAY, 7)
RULE = AuthorizationRule(id="auth", source=TEST_SOURCE)
LONG = DateRange.of_days(MONDAY, 60)


def _auth(**caps: int | None) -> PayerAuthorization:
    return PayerAuthorization(id="z", patient_id="p1", payer="Payer", dates=LONG, **caps)  # type: ignore[arg-type]


def _beyond(auth: PayerAuthorization, days: list[int], *, per_day: int = 1) -> list[str]:
    """The ids of the services on these days (``per_day`` each, named ``s<day>_<n>``) found beyond *auth*."""
    services = [session(f"s{d}_{n}", nth_day(d), 60 + n) for d in days for n in range(per_day)]
    findings = RULE.evaluate(bundle(auth, *services), LONG, nth_day(59))
    assert {f.code for f in findings} <= {"services_beyond_authorization"}
    return [f.evidence[0] for f in findings]


def test_services_beyond_or_without_authorization() -> None:
    """Two authorized services: the third is beyond the authorization; a service outside its dates is uncovered."""
    auth = PayerAuthorization(
        id="z", patient_id="p1", payer="Payer", dates=DateRange.of_days(MONDAY, 5), authorized_services=2
    )
    records = bundle(auth, *(session(f"s{i}", nth_day(i)) for i in range(3)), session("s9", nth_day(6)))
    findings = RULE.evaluate(records, WEEK, nth_day(6))
    assert [(f.code, f.evidence) for f in findings] == [
        ("services_beyond_authorization", ("s2", "z")),
        ("service_without_authorization", ("s9",)),
    ]
    assert "all 2 authorized service(s) used" in findings[0].message


@pytest.mark.parametrize(("cap", "beyond"), [(4, ["s4_0", "s5_0"]), (5, ["s5_0"]), (6, [])])
def test_calendar_days_are_capped(cap: int, beyond: list[str]) -> None:
    """A 5-day authorization: treatment on the 6th day is beyond it (caps 4, 5 and 6 around the 6 days treated)."""
    assert _beyond(_auth(authorized_calendar_days=cap), [0, 1, 2, 3, 4, 5]) == beyond
    (finding,) = RULE.evaluate(
        bundle(_auth(authorized_calendar_days=5), session("late", nth_day(5))), LONG, nth_day(59)
    )
    assert "day 6 of 5 authorized calendar day(s)" in finding.message


def test_calendar_days_count_from_the_authorizations_first_date_whether_or_not_attended() -> None:
    """Calendar days run from ``dates.first``: a first service on day 5 of a 5-day authorization is covered, day 6 not."""
    assert _beyond(_auth(authorized_calendar_days=5), [4, 5]) == ["s5_0"]


@pytest.mark.parametrize(("cap", "beyond"), [(2, ["s3", "s4", "s5"]), (3, ["s5"]), (4, [])])
def test_service_days_are_capped(cap: int, beyond: list[str]) -> None:
    """Service days count dates with services: two services on one day use one service day (4 days treated)."""
    services = [session(f"s{i}", nth_day(d), 60 + i) for i, d in enumerate([0, 0, 3, 7, 7, 9])]
    findings = RULE.evaluate(bundle(_auth(authorized_service_days=cap), *services), LONG, nth_day(59))
    assert [f.evidence[0] for f in findings] == beyond
    if findings:
        assert f"all {cap} authorized service day(s) used" in findings[0].message


@pytest.mark.parametrize(("cap", "beyond"), [(2, ["s2_0", "s3_0"]), (3, ["s3_0"]), (4, [])])
def test_units_are_capped(cap: int, beyond: list[str]) -> None:
    """Units (services) at, just below and just above the number of services."""
    assert _beyond(_auth(authorized_services=cap), [0, 1, 2, 3]) == beyond


def test_every_stated_cap_applies_and_a_later_authorization_takes_over() -> None:
    """Units and calendar days together: whichever is reached first; a second authorization covers what is beyond."""
    both = _auth(authorized_services=10, authorized_calendar_days=2)
    assert _beyond(both, [0, 1, 2]) == ["s2_0"]
    second = PayerAuthorization(id="zz", patient_id="p1", payer="Payer", dates=LONG, authorized_services=1)
    records = bundle(both, second, *(session(f"s{d}", nth_day(d)) for d in (0, 1, 2, 3)))
    findings = RULE.evaluate(records, LONG, nth_day(59))
    assert [(f.evidence[0], f.evidence[1:]) for f in findings] == [("s3", ("z", "zz"))]
    assert "authorized calendar day(s)" in findings[0].message and "service(s) used" in findings[0].message


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 20), max_size=12),
    st.one_of(st.none(), st.integers(0, 8)),
    st.one_of(st.none(), st.integers(0, 6)),
    st.one_of(st.none(), st.integers(0, 21)),
)
def test_what_is_not_flagged_fits_every_cap(
    days: list[int], units: int | None, service_days: int | None, calendar: int | None
) -> None:
    """Independent check: the services not flagged fit every cap, and a flagged one would not have fitted."""
    auth = _auth(authorized_services=units, authorized_service_days=service_days, authorized_calendar_days=calendar)
    services = [session(f"s{i}", nth_day(d), 60 + i) for i, d in enumerate(sorted(days))]
    flagged = {f.evidence[0] for f in RULE.evaluate(bundle(auth, *services), LONG, nth_day(59))}
    kept = [s for s in services if s.id not in flagged]
    kept_days = {s.day for s in kept}
    assert units is None or len(kept) <= units
    assert service_days is None or len(kept_days) <= service_days
    assert calendar is None or all(s.day < MONDAY + timedelta(days=calendar) for s in kept)
    for s in services:
        if s.id in flagged:
            before = [k for k in kept if (k.start, k.id) < (s.start, s.id)]
            fits = (
                (units is None or len(before) < units)
                and (
                    service_days is None
                    or s.day in {k.day for k in before}
                    or len({k.day for k in before}) < service_days
                )
                and (calendar is None or s.day < MONDAY + timedelta(days=calendar))
            )
            assert not fits


def test_no_cap_is_no_limit() -> None:
    """An authorization stating no cap covers every service in its dates."""
    assert _beyond(_auth(), list(range(30))) == []
