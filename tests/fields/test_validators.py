"""The shared field validators and converters in iopcore._fields."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import attrs
import pytest

from iopcore import _fields as f
from iopcore._fields import FrozenMap
from iopcore._fields._kinds import with_article
from iopcore.errors import InvalidDataError
from iopcore.levels import Population
from iopcore.times import Weekday


@attrs.frozen(kw_only=True)
class Sample:
    tags: frozenset[str] = attrs.field(
        factory=frozenset, converter=f.to_frozenset, validator=f.frozenset_of(str, "strings")
    )
    ids: tuple[str, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.identifiers())
    label: str = attrs.field(default="x", validator=f.text(max_length=5))
    ratio: float = attrs.field(
        default=0.5, converter=f.to_float, validator=f.number(min_value=0, max_value=1, max_exclusive=True)
    )
    limit: float | None = attrs.field(default=None, validator=f.optional(f.number(max_value=10)))
    open_: float = attrs.field(default=1.0, alias="open", validator=f.number())
    when: datetime | None = attrs.field(default=None, validator=f.optional(f.aware_datetime()))
    days: Any = attrs.field(
        default=f.FrozenMap(), converter=f.to_mapping, validator=f.mapping_of(Weekday, int, description="days")
    )
    flag: bool = attrs.field(default=False, validator=f.boolean())
    plain: int = attrs.field(default=0, validator=attrs.validators.instance_of(int))


def paths(**kwargs: Any) -> tuple[str, ...]:
    with pytest.raises(InvalidDataError) as info:
        Sample(**kwargs)
    return info.value.paths


def test_defaults_are_valid() -> None:
    """The sample class builds with its defaults."""
    assert Sample().ratio == 0.5


def test_frozensets() -> None:
    """Sets, lists and tuples become frozensets; other types and members are rejected."""
    assert Sample(tags=["a", "a", "b"]).tags == frozenset({"a", "b"})
    assert paths(tags="ab") == ("$.tags",)
    assert paths(tags=[1]) == ("$.tags",)
    assert paths(tags=[["unhashable"]]) == ("$.tags",)


def test_identifier_tuples() -> None:
    """Each id is checked and the bad index named."""
    assert Sample(ids=["a_1", "b"]).ids == ("a_1", "b")
    assert paths(ids=["ok", "Not OK"]) == ("$.ids[1]",)
    assert paths(ids=[1]) == ("$.ids[0]",)


def test_text_bounds() -> None:
    """Blank and over-long strings are refused."""
    assert paths(label="   ") == ("$.label",)
    assert paths(label="toolong") == ("$.label",)
    assert paths(label=3) == ("$.label",)


def test_number_bounds_and_messages() -> None:
    """Ranges, exclusivity and non-finite numbers; the message states the rule."""
    with pytest.raises(InvalidDataError) as info:
        Sample(ratio=1)
    assert info.value.errors[0].message == "expected a number >= 0 and < 1, got 1"
    with pytest.raises(InvalidDataError) as info:
        Sample(ratio=-0.25)
    assert info.value.errors[0].message == "expected a number >= 0 and < 1, got -0.25"
    assert paths(ratio=float("inf")) == ("$.ratio",)
    assert paths(limit=11) == ("$.limit",)
    with pytest.raises(InvalidDataError) as info:
        Sample(limit="x")
    assert info.value.errors[0].message == "expected a number <= 10, got str"
    assert Sample(open=-5).open_ == -5
    with pytest.raises(InvalidDataError) as info:
        Sample(open="x")
    assert info.value.paths == ("$.open",)
    assert info.value.errors[0].message == "expected a number, got str"


def test_aware_datetimes() -> None:
    """Naive datetimes and dates are refused."""
    assert Sample(when=datetime(2026, 1, 1, tzinfo=UTC)).when is not None
    assert paths(when=datetime(2026, 1, 1)) == ("$.when",)  # noqa: DTZ001
    assert paths(when=date(2026, 1, 1)) == ("$.when",)


def test_mappings() -> None:
    """Dicts become read-only mappings; bad keys and values are named by key."""
    s = Sample(days={Weekday.MONDAY: 1})
    assert isinstance(s.days, FrozenMap)
    assert paths(days={"monday": 1}) == ("$.days.monday",)
    assert paths(days={Weekday.MONDAY: "1"}) == ("$.days.monday",)
    assert paths(days=[1]) == ("$.days",)


def test_booleans() -> None:
    """Only True and False are booleans."""
    assert paths(flag=1) == ("$.flag",)


def test_check_fields_reports_every_field_and_hides_plain_validator_messages() -> None:
    """check_fields runs every validator; plain attrs validators are reported by type only."""
    found = f.check_fields(Sample, {"label": "", "ratio": 2, "plain": "secret-value", "open": 1.0})
    assert [e.path for e in found] == ["$.label", "$.ratio", "$.plain"]
    assert "secret-value" not in str(found)


def test_check_fields_reports_converter_failures() -> None:
    """A converter that raises is reported as a type problem for its field."""

    def explode(value: object) -> object:
        raise ValueError("boom secret")

    @attrs.frozen
    class Exploding:
        x: int = attrs.field(converter=explode, validator=f.integer())

    found = f.check_fields(Exploding, {"x": 1})
    assert [(e.path, e.rule) for e in found] == [("$.x", "type")]


def test_enum_message_lists_members() -> None:
    """Enum errors list the members a Python caller must pass (a string value is not one)."""

    @attrs.frozen
    class E:
        day: Weekday = attrs.field(validator=f.enum_member(Weekday))
        population: Population = attrs.field(default=Population.ADULT, validator=f.enum_member(Population))

    with pytest.raises(InvalidDataError) as info:
        E(day=1)  # type: ignore[arg-type]
    assert "a member of Weekday (Weekday.MONDAY, Weekday.TUESDAY," in info.value.errors[0].message
    with pytest.raises(InvalidDataError) as info:
        E(day=Weekday.MONDAY, population="adult")  # type: ignore[arg-type]
    assert "Population.ADULT, Population.ADOLESCENT" in info.value.errors[0].message


def test_unique_by_names_later_duplicates() -> None:
    """unique_by reports each repeat at its index, not the key."""
    with pytest.raises(InvalidDataError) as info:
        f.unique_by(["a", "b", "a", "a"], lambda s: s, path="$.xs", what="id")
    assert info.value.paths == ("$.xs[2]", "$.xs[3]")


@attrs.frozen(kw_only=True)
class Numbers:
    items: tuple[int, ...] = attrs.field(default=(), converter=f.to_int_tuple, validator=f.int_tuple(min_value=1))
    scores: tuple[int | None, ...] = attrs.field(
        default=(), converter=f.to_int_tuple, validator=f.int_tuple(min_value=0, max_value=9, allow_none=True)
    )
    kind: str = attrs.field(default="rating", validator=f.literal("rating"))


def test_int_tuples_take_numpy_integers_and_refuse_bools_and_enum_members() -> None:
    """Integer tuples: numpy integers become ints; bools, enum members and out-of-range items are named."""
    np = pytest.importorskip("numpy")
    made = Numbers(items=[np.int64(2), 3], scores=(None, np.int8(9)))
    assert made.items == (2, 3) and all(type(v) is int for v in made.items) and made.scores == (None, 9)
    with pytest.raises(InvalidDataError) as info:
        Numbers(items=(True, Weekday.MONDAY, 0, 5))
    assert [(e.path, e.rule) for e in info.value.errors] == [
        ("$.items[0]", "type"),
        ("$.items[1]", "type"),
        ("$.items[2]", "range"),
    ]
    with pytest.raises(InvalidDataError) as info:
        Numbers(scores=(None, 10))
    assert info.value.paths == ("$.scores[1]",)
    with pytest.raises(InvalidDataError) as info:
        Numbers(items="12")  # type: ignore[arg-type]
    assert info.value.paths == ("$.items",)


def test_literal_tags_refuse_other_strings_without_echoing_them() -> None:
    """A literal tag names the allowed strings, never the value given."""
    with pytest.raises(InvalidDataError) as info:
        Numbers(kind="secret-tag")
    assert info.value.paths == ("$.kind",) and "secret-tag" not in str(info.value)
    with pytest.raises(InvalidDataError):
        Numbers(kind=None)  # type: ignore[arg-type]


def test_number_text_shows_numbers_short_and_never_overflows() -> None:
    """Bound errors show numbers with number_text: ints as written, floats by :g, ints beyond a float's range
    as a phrase (no OverflowError, no 400-digit message)."""
    assert [f.number_text(x) for x in (9, 8.5, 19.5, 0, 10**14, 10**30, 1e30)] == [
        "9", "8.5", "19.5", "0", "100000000000000", "1e+30", "1e+30",
    ]  # fmt: skip
    assert f.number_text(10**400) == "a number too large to show"


def test_type_names_take_the_article_they_are_read_with() -> None:
    """ "an Episode", "an HoursBand" (read "hours"), "a LevelCatalog": in validators and in the guard alike."""
    assert [with_article(n) for n in ("Episode", "HoursBand", "LevelCatalog", "IntensityOrder", "Minutes")] == [
        "an Episode", "an HoursBand", "a LevelCatalog", "an IntensityOrder", "a Minutes",
    ]  # fmt: skip
