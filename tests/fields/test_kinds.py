"""What counts as an integer, a number, a date and a datetime: one decision for every check."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from fractions import Fraction

import pytest

from iopcore import _fields as f
from iopcore.times import Weekday

np = pytest.importorskip("numpy")


class Level(enum.IntEnum):
    LOW = 1


@pytest.mark.parametrize(
    ("value", "integer", "number"),
    [
        (3, True, True),
        (np.int64(3), True, True),
        (np.uint8(3), True, True),
        (3.0, False, True),
        (np.float32(0.5), False, True),
        (Fraction(1, 2), False, True),
        (True, False, False),
        (np.bool_(True), False, False),
        (Weekday.MONDAY, False, False),
        (Level.LOW, False, False),
        ("3", False, False),
        (None, False, False),
    ],
)
def test_integers_and_numbers(value: object, integer: bool, number: bool) -> None:
    """numpy scalars count; bool, numpy's bool and enum members never do."""
    assert (f.is_integer(value), f.is_number(value)) == (integer, number)


def test_conversions_give_builtins_and_refuse_what_has_no_finite_float() -> None:
    """as_int and as_float give builtin values; a huge int, nan and inf have no finite float."""
    assert type(f.as_int(np.int64(7))) is int
    assert type(f.as_float(np.float32(0.5))) is float
    assert f.as_float(10**400) is None
    assert f.as_float(float("nan")) is None
    assert f.as_float(float("inf")) is None


def test_dates_and_datetimes() -> None:
    """A datetime is not a date; a pandas Timestamp is a datetime; awareness needs a usable offset."""
    assert f.is_date(date(2026, 1, 1)) and not f.is_date(datetime(2026, 1, 1, tzinfo=UTC))
    assert f.is_aware(datetime(2026, 1, 1, tzinfo=UTC))
    assert not f.is_aware(datetime(2026, 1, 1))  # noqa: DTZ001
    assert not f.is_aware(datetime(2026, 1, 1, tzinfo=tzinfo()))
    assert f.is_usable_tzinfo(timezone(timedelta(hours=2))) and not f.is_usable_tzinfo(tzinfo())
    pd = pytest.importorskip("pandas")
    stamp = pd.Timestamp("2026-01-01", tz="UTC")
    assert not f.is_date(stamp)
    assert type(f.as_datetime(stamp)) is datetime and f.as_datetime(stamp) == stamp.to_pydatetime()


class _Offset(tzinfo):
    """A custom tzinfo whose utcoffset() and dst() answer whatever it is given (Python checks neither)."""

    def __init__(self, offset: object, dst: object = timedelta(0)) -> None:
        self.offset, self.dst_value = offset, dst

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return self.offset  # type: ignore[return-value]

    def dst(self, dt: datetime | None) -> timedelta:
        return self.dst_value  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("offset", "dst", "usable"),
    [
        (timedelta(hours=23, minutes=59), timedelta(0), True),
        (-timedelta(hours=23, minutes=59), timedelta(0), True),
        (timedelta(hours=24), timedelta(0), False),  # Python's bound: strictly within ±24 h
        (timedelta(hours=25), timedelta(0), False),
        (-timedelta(hours=24), timedelta(0), False),
        (5, timedelta(0), False),  # not a timedelta
        (None, timedelta(0), False),
        (timedelta(hours=2), timedelta(hours=24), False),  # a dst() out of range breaks every conversion
        (timedelta(hours=2), "1h", False),
        (timedelta(hours=2), None, True),  # no DST information is allowed (checked where a conversion needs it)
    ],
)
def test_a_tzinfo_is_usable_only_with_offsets_python_accepts(offset: object, dst: object, usable: bool) -> None:
    """A custom tzinfo whose offset is 24 h or more (or not a timedelta) is not usable: refused at the boundary,
    not a ValueError from deep inside ``datetime``."""
    tz = _Offset(offset, dst)
    assert f.is_usable_tzinfo(tz) is usable
    assert f.is_aware(datetime(2026, 1, 1, tzinfo=tz)) is (usable or offset == timedelta(hours=2))
