"""What counts as a number, a date and a datetime: decided once, here, for every check in iopcore.

Data often comes from numpy and pandas, so the rules are:

* An **integer** is any :class:`numbers.Integral` (``int``, ``numpy.int64`` …) that is neither a
  ``bool`` nor an enum member (``IntEnum`` values such as :class:`~iopcore.times.Weekday` are codes,
  not numbers). Accepted values are stored as a builtin ``int``.
* A **number** is any :class:`numbers.Real` (``int``, ``float``, ``numpy.float32``, ``Fraction`` …)
  under the same exclusions, stored as a builtin ``float``; it must be finite (``nan``, ``inf`` and
  integers too large for a float, such as ``10**400``, are refused).
* A **date** is a ``datetime.date`` that is not a ``datetime`` (``pandas.Timestamp`` is a
  datetime, so it is refused where a date is wanted); subclasses are stored as a plain ``date``.
* A **datetime** is a ``datetime.datetime`` (``pandas.Timestamp`` included, stored as a plain
  ``datetime``); an *aware* one has a ``tzinfo`` that gives a UTC offset.
"""

from __future__ import annotations

import enum
import math
import numbers
import operator
from datetime import date, datetime, time, tzinfo
from typing import SupportsFloat, SupportsIndex

__all__ = [
    "as_date",
    "as_datetime",
    "as_float",
    "as_int",
    "is_aware",
    "is_date",
    "is_integer",
    "is_number",
    "is_usable_tzinfo",
    "with_article",
]


def is_integer(value: object) -> bool:
    """Whether *value* counts as an integer (see the module docs)."""
    if type(value) is int:
        return True
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | enum.Enum)


def is_number(value: object) -> bool:
    """Whether *value* counts as a real number, finite or not (see the module docs)."""
    if type(value) is float or type(value) is int:
        return True
    return isinstance(value, numbers.Real) and not isinstance(value, bool | enum.Enum)


def as_int(value: SupportsIndex) -> int:
    """*value* (an integer by :func:`is_integer`) as a builtin ``int``."""
    return operator.index(value)


def as_float(value: SupportsFloat) -> float | None:
    """*value* (a number by :func:`is_number`) as a finite builtin ``float``, or ``None`` if it has none."""
    try:
        result = float(value)
    except OverflowError:
        return None
    return result if math.isfinite(result) else None


def is_date(value: object) -> bool:
    """Whether *value* is a calendar date (a ``date`` that is not a ``datetime``)."""
    return isinstance(value, date) and not isinstance(value, datetime)


def as_date(value: date) -> date:
    """*value* (a date by :func:`is_date`) as a plain ``date``."""
    return value if type(value) is date else date(value.year, value.month, value.day)


def as_datetime(value: datetime) -> datetime:
    """*value* (a ``datetime`` or a subclass such as ``pandas.Timestamp``) as a plain ``datetime``."""
    if type(value) is datetime:
        return value
    return datetime(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        tzinfo=value.tzinfo,
        fold=value.fold,
    )


def is_aware(value: datetime | time) -> bool:
    """Whether a datetime has a ``tzinfo`` that gives a UTC offset (a broken ``tzinfo`` gives none)."""
    if value.tzinfo is None:
        return False
    if isinstance(value, time):
        return False
    try:
        return value.utcoffset() is not None
    except Exception:  # noqa: BLE001 - a tzinfo that cannot answer (e.g. the bare base class) is not usable
        return False


_PROBE = datetime(2000, 1, 1)  # noqa: DTZ001 - a fixed naive instant to ask a tzinfo for its offset


def is_usable_tzinfo(value: object) -> bool:
    """Whether *value* is a ``tzinfo`` that gives a valid UTC offset (``datetime.tzinfo()`` itself gives none).

    The offset is asked for through a ``datetime``, so Python's own rules apply: a ``timedelta`` strictly
    between -24 and +24 hours. A ``dst()`` that answers must answer by the same rules (one that is not
    implemented is allowed: converting into the zone is checked where it is needed).
    """
    if not isinstance(value, tzinfo):
        return False
    probe = _PROBE.replace(tzinfo=value)
    try:
        if probe.utcoffset() is None:
            return False
    except Exception:  # noqa: BLE001 - a tzinfo that cannot answer (or answers out of range) is not usable
        return False
    try:
        probe.dst()
    except NotImplementedError:
        pass
    except Exception:  # noqa: BLE001 - a dst() out of range or of the wrong type breaks every conversion
        return False
    return True


def with_article(name: str) -> str:
    """*name* with its indefinite article: ``a Minutes``, ``an AttendanceStatus``."""
    return f"an {name}" if name[:1] in "AEIOUaeiou" or name.startswith(("Hour", "hour")) else f"a {name}"


def number_text(x: SupportsFloat) -> str:
    """A number for an error message, exact and as short as it reads: ``9``, ``8.5``, ``30.0000001``.

    Any integer or number :func:`is_integer` / :func:`is_number` accept (numpy scalars and
    ``Fraction`` too) is shown by its shortest exact float form (a bound of 30 and a value of
    30.0000001 never both read "30"); an int too large for a float reads "a number too large to
    show" (never an ``OverflowError`` or a 4,300-digit string).
    """
    if is_integer(x):
        i = as_int(x)  # type: ignore[arg-type]
        if abs(i) < 10**15:
            return str(i)
    fx = as_float(x)
    if fx is None:
        return "a number too large to show"
    return str(int(fx)) if fx.is_integer() and abs(fx) < 10**15 else repr(fx)
