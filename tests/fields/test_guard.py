"""The argument guard: annotations become checks that name the parameter, run once on entry."""

from __future__ import annotations

import enum
import inspect
import pickle
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from fractions import Fraction
from typing import Annotated, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore import _fields as f
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.times import Minutes, Weekday

np = pytest.importorskip("numpy")


class Color(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


@f.guard
def sample(
    day: date,
    *,
    at: datetime | None = None,
    n: Annotated[int, f.Range(min_value=1, max_value=520)] = 1,
    ratio: float = 0.5,
    color: Color = Color.RED,
    mode: Literal["strict", "loose"] = "strict",
    items: Sequence[Minutes] = (),
    seen: Iterable[int] = (),
    costs: Mapping[str, int] | None = None,
    tz: tzinfo = UTC,
    clock: time = time(9),
) -> tuple[object, ...]:
    return (day, at, n, ratio, color, mode, items, seen, costs, tz, clock)


def problems(**kwargs: object) -> list[tuple[str, str]]:
    with pytest.raises(InvalidArgumentError) as info:
        sample(**kwargs)  # type: ignore[arg-type]
    assert info.value.callable == "sample"
    return [(e.path, e.rule) for e in info.value.errors]


D = date(2026, 3, 2)


def test_valid_arguments_pass_through_normalized() -> None:
    """numpy integers and floats arrive as builtin int and float; iterables arrive as tuples."""
    out = sample(D, n=np.int64(4), ratio=np.float32(0.25), seen=iter([1, 2]), costs={"a": np.int16(3)})
    assert out[2] == 4 and type(out[2]) is int
    assert out[3] == 0.25 and type(out[3]) is float
    assert out[7] == (1, 2)
    assert out[8] == {"a": 3} and type(out[8]["a"]) is int  # type: ignore[index]
    assert sample(D, ratio=Fraction(1, 4))[3] == 0.25


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"day": datetime(2026, 3, 2, 9, tzinfo=UTC)}, [("$.day", "type")]),
        ({"day": "2026-03-02"}, [("$.day", "type")]),
        ({"day": D, "at": datetime(2026, 3, 2, 9)}, [("$.at", "aware")]),  # noqa: DTZ001
        ({"day": D, "n": True}, [("$.n", "type")]),
        ({"day": D, "n": Weekday.MONDAY}, [("$.n", "type")]),
        ({"day": D, "n": 10**30}, [("$.n", "range")]),
        ({"day": D, "n": 0}, [("$.n", "range")]),
        ({"day": D, "ratio": float("nan")}, [("$.ratio", "finite")]),
        ({"day": D, "ratio": 10**400}, [("$.ratio", "finite")]),
        ({"day": D, "color": "red"}, [("$.color", "enum")]),
        ({"day": D, "mode": "kansas"}, [("$.mode", "literal")]),
        ({"day": D, "items": [Minutes(5), 5, "x"]}, [("$.items[1]", "type"), ("$.items[2]", "type")]),
        ({"day": D, "items": "abc"}, [("$.items", "type")]),
        ({"day": D, "items": {Minutes(5)}}, [("$.items", "type")]),
        ({"day": D, "seen": None}, [("$.seen", "type")]),
        ({"day": D, "costs": {"a": "x"}}, [("$.costs.a", "type")]),
        ({"day": D, "tz": tzinfo()}, [("$.tz", "tzinfo")]),
        ({"day": D, "clock": time(9, tzinfo=UTC)}, [("$.clock", "naive")]),
        ({"day": D, "colour": Color.RED}, [("$.colour", "unknown_argument")]),
        ({}, [("$.day", "missing")]),
        ({"day": None, "n": None}, [("$.day", "type"), ("$.n", "type")]),
    ],
)
def test_wrong_arguments_are_named_with_their_rule(kwargs: dict[str, object], expected: list[tuple[str, str]]) -> None:
    """Each wrong argument is reported at its path with its rule, all at once."""
    assert problems(**kwargs) == expected


def test_positional_misuse_is_reported() -> None:
    """Too many positional arguments, or one given twice, are iopcore errors too."""
    with pytest.raises(InvalidArgumentError) as info:
        sample(D, D)  # type: ignore[misc]
    assert info.value.errors[0].rule == "arguments"
    with pytest.raises(InvalidArgumentError):
        sample(D, day=D)  # type: ignore[misc]


def test_errors_never_echo_the_value() -> None:
    """The message names the type, never the value (which may be a patient identifier)."""
    with pytest.raises(InvalidArgumentError) as info:
        sample("MRN-12345-SECRET")  # type: ignore[arg-type]
    assert "SECRET" not in str(info.value)
    assert str(info.value) == "invalid arguments to sample(): $.day: expected a date, got str"


def test_argument_errors_are_invalid_data_errors_and_pickle() -> None:
    """InvalidArgumentError is an InvalidDataError (so a ValueError and a TypeError) and pickles."""
    with pytest.raises(InvalidArgumentError) as info:
        sample(None)  # type: ignore[arg-type]
    err = info.value
    assert isinstance(err, InvalidDataError | ValueError | TypeError)
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.errors, copy.callable, str(copy)) == (err.errors, err.callable, str(err))


class Box:
    @f.guard
    def put(self, when: date) -> date:
        return when

    @classmethod
    @f.guard
    def make(cls, size: int) -> int:
        return size


def test_methods_and_classmethods_skip_self() -> None:
    """Methods are checked from their first real parameter and named by qualified name."""
    assert Box().put(D) == D
    assert Box.make(3) == 3
    with pytest.raises(InvalidArgumentError) as info:
        Box().put(datetime(2026, 1, 1, tzinfo=UTC))
    assert info.value.callable == "Box.put" and info.value.paths == ("$.when",)
    with pytest.raises(InvalidArgumentError):
        Box.make("3")  # type: ignore[arg-type]


def test_guard_keeps_the_signature_and_marks_the_function() -> None:
    """Docs and introspection see the wrapped function; the guard is detectable."""
    assert next(iter(inspect.signature(sample).parameters)) == "day"
    assert f.is_guarded(sample) and not f.is_guarded(sample.__wrapped__)  # type: ignore[attr-defined]


@given(st.datetimes(timezones=st.just(timezone(timedelta(hours=-5)))))
def test_aware_datetimes_pass_unchanged(moment: datetime) -> None:
    """Aware datetimes (any fixed offset) pass and arrive equal."""
    assert sample(D, at=moment)[1] == moment


def test_pandas_timestamp_is_a_datetime_not_a_date() -> None:
    """A pandas Timestamp is refused where a date is wanted and arrives as a plain datetime where one is."""
    pd = pytest.importorskip("pandas")
    stamp = pd.Timestamp("2026-03-02 09:00", tz="UTC")
    assert problems(day=stamp) == [("$.day", "type")]
    at = sample(D, at=stamp)[1]
    assert type(at) is datetime and at == datetime(2026, 3, 2, 9, tzinfo=UTC)


def _fast_double(args: tuple[object, ...], kwargs: dict[str, object]) -> object:
    if not kwargs and len(args) == 1 and type(args[0]) is int:
        return ("fast", args[0] * 2)
    return f.NOT_HANDLED


@f.guard(fast=_fast_double)
def double(n: Annotated[int, f.Range(min_value=0)]) -> tuple[str, int]:
    return ("checked", n * 2)


def test_a_fast_path_answers_the_calls_it_proves_valid_and_leaves_the_rest_to_the_check() -> None:
    """``guard(fast=...)``: the fast path's result is returned; NOT_HANDLED falls back to the full check."""
    assert double(3) == ("fast", 6)
    assert double(np.int64(3)) == ("checked", 6)  # not handled by the fast path: checked, normalized
    with pytest.raises(InvalidArgumentError) as info:
        double("3")  # type: ignore[arg-type]
    assert info.value.paths == ("$.n",) and info.value.callable == "double"
    with pytest.raises(InvalidArgumentError) as info:
        double(n=3, m=1)  # type: ignore[call-arg]
    assert info.value.paths == ("$.m",)
    assert f.is_guarded(double) and double.__wrapped__(2) == ("checked", 4)  # type: ignore[attr-defined]
    assert repr(f.NOT_HANDLED) == "NOT_HANDLED"


@f.guard
def answers(responses: Sequence[int | bool | None]) -> tuple[object, ...]:
    return tuple(responses)


def test_messages_name_the_members_of_a_union_item_type() -> None:
    """A list of a union names each member ("a list of int or bool or None"), not the union's class."""
    with pytest.raises(InvalidArgumentError) as info:
        answers("1")  # type: ignore[arg-type]
    assert "a list of int or bool or None" in str(info.value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0, "0"), (521, "521"), (np.int64(600), "600"), (10**30, "1e+30"), (10**400, "a number too large to show")],
)
def test_range_errors_name_the_number(value: object, shown: str) -> None:
    """A number out of range is named in the message (numbers explain; text is never echoed)."""
    with pytest.raises(InvalidArgumentError) as info:
        sample(D, n=value)  # type: ignore[arg-type]
    assert info.value.errors[0].message == f"expected an integer >= 1 and <= 520, got {shown}"


def test_number_text_is_exact() -> None:
    """A value just above a bound never reads as the bound itself."""
    assert f.number_text(30.0000001) == "30.0000001"
    assert f.number_text(30.0) == "30"
    assert f.number_text(Fraction(1, 4)) == "0.25"


class Base:
    pass


class Child(Base):
    pass


@f.guard
def of_class(things: Iterable[Base], listed: Sequence[Base] = ()) -> tuple[object, ...]:
    return (things, listed)


@given(st.lists(st.sampled_from(("base", "child", "wrong", "bool")), max_size=6), st.booleans())
def test_items_of_a_class_are_checked_at_once_or_named_one_by_one(kinds: list[str], one_shot: bool) -> None:
    """A container of a class's instances (subclasses too) passes as a tuple, from any iterable; a wrong
    item (a bool included) is named by its index, each one, as the item-by-item check names them."""
    make = {"base": Base, "child": Child, "wrong": lambda: 3, "bool": lambda: True}
    items = [make[k]() for k in kinds]
    wrong = [f"$.things[{i}]" for i, k in enumerate(kinds) if k in ("wrong", "bool")]
    given_items = iter(items) if one_shot else list(items)
    if wrong:
        with pytest.raises(InvalidArgumentError) as info:
            of_class(given_items)
        assert [e.path for e in info.value.errors] == wrong
    else:
        things, _ = of_class(given_items)
        assert type(things) is tuple and list(things) == items
