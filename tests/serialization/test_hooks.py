"""Every public type round-trips through JSON-compatible dicts; bad input is rejected with paths."""

from __future__ import annotations

import json
import math
import pathlib
import typing
from datetime import date, datetime, timedelta, timezone
from typing import Any, Literal

import attrs
import cattrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore import serialization
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.levels import ASAM3, HoursBand, LevelCatalog, Population
from iopcore.programs import Program
from iopcore.serialization import configure_converter, from_dict, make_converter, to_dict
from iopcore.times import ClockTime, Minutes, Weekday, WeeklyInterval
from tests.public import public_attrs_classes

CLASSES = public_attrs_classes()


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_round_trip_is_exact_and_json_compatible(cls: type) -> None:
    """from_dict(C, to_dict(x)) == x for generated x, and to_dict output survives json.dumps/loads."""

    @given(st.from_type(cls))
    def check(value: Any) -> None:
        data = to_dict(value)
        assert json.loads(json.dumps(data)) == data
        assert from_dict(cls, json.loads(json.dumps(data))) == value

    check()


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_unknown_missing_and_wrong_fields_are_rejected_with_their_paths(cls: type) -> None:
    """An extra key, a missing required field and an impossible value are each reported at their path."""
    fields = [a.alias for a in attrs.fields(cls) if a.init]
    required = [a.alias for a in attrs.fields(cls) if a.init and a.default is attrs.NOTHING]

    @settings(max_examples=20)
    @given(st.from_type(cls), st.sampled_from(fields), st.sampled_from(required) if required else st.none())
    def check(value: Any, key: str, missing: str | None) -> None:
        data = to_dict(value)
        if not isinstance(data, dict):
            return  # leaf types serialize to scalars
        extra = {**data, "no_such_field": 1}
        with pytest.raises(InvalidDataError) as info:
            from_dict(cls, extra)
        assert "$.no_such_field" in info.value.paths
        wrong = {**data, key: {"not": ["a", "valid", "value"]}}
        with pytest.raises(InvalidDataError) as info:
            from_dict(cls, wrong)
        assert any(p == f"$.{key}" or p.startswith(f"$.{key}.") for p in info.value.paths)
        if missing is not None:
            short = {k: v for k, v in data.items() if k != missing}
            with pytest.raises(InvalidDataError) as info:
                from_dict(cls, short)
            assert f"$.{missing}" in info.value.paths

    check()


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_non_object_input_is_rejected(cls: type) -> None:
    """A list where an object is expected raises InvalidDataError at `$`, never a raw exception."""
    with pytest.raises(InvalidDataError) as info:
        from_dict(cls, [1, 2, 3])
    assert info.value.paths == ("$",)


def test_every_problem_is_listed_with_its_path() -> None:
    """Several problems in one nested document are all reported, each with its own path."""
    data = to_dict(Program.from_level(ASAM3.level("2.1"), Population.ADULT, id="p", name="P"))
    data["intensity"]["hours_per_week"]["min_hours"] = "nine"
    data["intensity"]["days_per_week"]["max_days"] = 9
    data["components"][1]["delivery"] = "telepathy"
    data["surprise"] = True
    del data["name"]
    with pytest.raises(InvalidDataError) as info:
        from_dict(Program, data)
    assert set(info.value.paths) == {
        "$.intensity.hours_per_week.min_hours",
        "$.intensity.days_per_week.max_days",
        "$.components[1].delivery",
        "$.surprise",
        "$.name",
    }


def test_error_reads_with_path_rule_and_type() -> None:
    """Messages read like `$.min_hours: expected a number >= 0, got str`."""
    with pytest.raises(InvalidDataError) as info:
        from_dict(HoursBand, {"min_hours": "nine"})
    assert str(info.value.errors[0]) == "$.min_hours: expected a number >= 0, got str"
    assert info.value.errors[0].rule == "range" or info.value.errors[0].rule == "type"


def test_field_rules_are_reported_for_fields_that_did_structure() -> None:
    """A rule broken by one field is listed together with another field's type error."""
    with pytest.raises(InvalidDataError) as info:
        from_dict(HoursBand, {"min_hours": -1, "max_hours": "x"})
    assert set(info.value.paths) == {"$.min_hours", "$.max_hours"}


def test_cross_field_rule_is_reported_at_the_field() -> None:
    """A band whose max is below its min is rejected at `$.max_hours`."""
    with pytest.raises(InvalidDataError) as info:
        from_dict(HoursBand, {"min_hours": 9, "max_hours": 5})
    assert info.value.paths == ("$.max_hours",)


@pytest.mark.parametrize(
    ("cls", "value", "path"),
    [
        (ClockTime, "8:30", "$"),
        (ClockTime, 830, "$"),
        (Minutes, -5, "$"),
        (Minutes, 1.5, "$"),
        (Weekday, "mon", "$"),
        (Weekday, 1, "$"),
        (Population, "child", "$"),
        (date, "2026-02-30", "$"),
        (date, "20260101", "$"),
        (datetime, "2026-01-01T09:00:00", "$"),
        (datetime, 12, "$"),
        (int, True, "$"),
        (float, float("nan"), "$"),
        (str, None, "$"),
        (tuple[int, ...], "abc", "$"),
        (tuple[int, str], [1], "$"),
        (tuple[int, str], [1, 2], "$[1]"),
        (frozenset[int], ["a"], "$[0]"),
        (dict[str, int], {"a": "b"}, "$.a"),
        (dict[str, int], [], "$"),
        (int | None, "x", "$"),
        (bool, 1, "$"),
        (type(None), 1, "$"),
        (int | str, None, "$"),
    ],
)
def test_leaf_and_container_errors(cls: Any, value: Any, path: str) -> None:
    """Each malformed leaf or container value raises InvalidDataError at the right path."""
    with pytest.raises(InvalidDataError) as info:
        from_dict(cls, value)
    assert path in info.value.paths


def test_aware_datetimes_round_trip_with_their_offset() -> None:
    """Aware datetimes serialize as ISO 8601 with offset and compare equal after the trip."""
    moment = datetime(2026, 3, 8, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert to_dict(moment) == "2026-03-08T09:30:00-05:00"
    assert from_dict(datetime, to_dict(moment)) == moment


def test_containers_and_optionals_structure() -> None:
    """Tuples, fixed tuples, frozensets, mappings, literals, optionals and Any all structure."""
    assert from_dict(tuple[int, str], [1, "a"]) == (1, "a")
    assert from_dict(frozenset[Weekday], ["monday", "friday"]) == frozenset({Weekday.MONDAY, Weekday.FRIDAY})
    assert from_dict(dict[Population, int], {"adult": 1}) == {Population.ADULT: 1}
    assert from_dict(Literal["a", "b"], "b") == "b"
    with pytest.raises(InvalidDataError):
        from_dict(Literal["a", "b"], "c")
    assert from_dict(int | None, None) is None
    assert from_dict(int | str, "x") == "x"
    assert from_dict(Any, {"x": [1]}) == {"x": [1]}
    with pytest.raises(InvalidDataError):
        from_dict(int | str, 1.5)
    with pytest.raises(InvalidDataError):
        from_dict(int, None)


def test_frozensets_serialize_sorted() -> None:
    """Sets become sorted lists so that output is deterministic."""
    assert to_dict(frozenset({Weekday.FRIDAY, Weekday.MONDAY})) == ["friday", "monday"]


class _Opaque:
    def __init__(self, x: int) -> None:
        self.x = x


@pytest.mark.parametrize("cls", [_Opaque, bytes, pathlib.Path, complex, list, typing.Callable[[int], int]], ids=str)
def test_unsupported_types_are_refused_at_the_cls_argument(cls: Any) -> None:
    """Asking for a type iopcore cannot build raises InvalidArgumentError at `$.cls`, not a cattrs error."""
    with pytest.raises(InvalidArgumentError) as info:
        from_dict(cls, {"x": 1})
    assert info.value.paths == ("$.cls",)
    assert info.value.errors[0].rule == "unsupported_type"


@pytest.mark.parametrize("cls", [7, "Program", Minutes(3), None.__class__.__mro__, [int]], ids=repr)
def test_what_is_not_a_type_is_refused_at_the_cls_argument(cls: Any) -> None:
    """`from_dict(7, …)` says `$.cls: expected a type`."""
    with pytest.raises(InvalidArgumentError) as info:
        from_dict(cls, {})
    assert info.value.paths == ("$.cls",)


def test_a_converter_not_set_up_by_iopcore_is_refused() -> None:
    """A plain cattrs converter would raise cattrs' own errors, so it is refused at `$.converter`."""
    for call in (
        lambda: from_dict(int, 1, converter=cattrs.Converter()),
        lambda: to_dict(1, converter=cattrs.Converter()),
    ):
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert info.value.paths == ("$.converter",)
    conv = cattrs.Converter()
    configure_converter(conv)
    assert from_dict(Minutes, 5, converter=conv) == Minutes(5)


def test_a_number_too_large_for_a_float_is_a_finite_error_at_its_field() -> None:
    """`10**400` where a float goes is refused at that field with rule `finite` (it used to escape as OverflowError)."""
    for huge in (10**400, -(10**400)):
        with pytest.raises(InvalidDataError) as info:
            from_dict(HoursBand, {"min_hours": huge})
        assert [(e.path, e.rule) for e in info.value.errors] == [("$.min_hours", "finite")]
        assert "too large" in str(info.value)
    data = to_dict(ASAM3)
    data["levels"][0]["intensity"] = 10**400
    with pytest.raises(InvalidDataError) as info:
        from_dict(LevelCatalog, data)
    assert info.value.paths == ("$.levels[0].intensity",)


@pytest.mark.parametrize("tag", [[], ["rating"], {"a": 1}, 7, None, "cow"], ids=repr)
def test_an_odd_union_tag_is_refused_at_the_tag(tag: Any) -> None:
    """A list, a mapping or an unknown string as `kind` is refused at `$.kind` (lists used to escape as unhashable)."""
    with pytest.raises(InvalidDataError) as info:
        from_dict(_Cat | _Dog, {"kind": tag})
    assert info.value.paths == ("$.kind",)
    assert info.value.errors[0].rule == "tag"
    assert "'cat', 'dog'" in info.value.errors[0].message


def test_a_missing_union_tag_is_reported_missing() -> None:
    """An object without `kind` where a tagged union goes is refused at `$.kind` as missing."""
    with pytest.raises(InvalidDataError) as info:
        from_dict(_Cat | _Dog, {"lives": 3})
    assert [(e.path, e.rule) for e in info.value.errors] == [("$.kind", "missing")]


def test_unhashable_set_members_are_refused_at_their_index() -> None:
    """A list inside a set of anything is refused at its index, not as a TypeError."""
    with pytest.raises(InvalidDataError) as info:
        from_dict(frozenset[Any], [1, [2], {"a": 3}])
    assert info.value.paths == ("$[1]", "$[2]")
    assert from_dict(set[int], [1, 2]) == {1, 2}
    assert from_dict(list[int], (1, 2)) == [1, 2]


def test_enum_errors_in_documents_list_the_strings_a_document_uses() -> None:
    """A wrong enum value lists `'adult', 'adolescent'`, never the Python members (`Population.ADULT`)."""
    data = to_dict(Program.from_level(ASAM3.level("2.1"), Population.ADULT, id="p", name="P"))
    for wrong in (7, "child", True, None, ["adult"]):
        with pytest.raises(InvalidDataError) as info:
            from_dict(Program, {**data, "population": wrong})
        (item,) = info.value.errors
        assert item.path == "$.population"
        assert "'adult', 'adolescent'" in item.message
        assert "Population." not in item.message
    with pytest.raises(InvalidDataError) as info:
        from_dict(WeeklyInterval, {"weekday": 1, "start": "09:00", "end": "10:00"})
    assert "'monday', 'tuesday'" in info.value.errors[0].message


@pytest.mark.parametrize("text", ["24:30", "25:00", "09:60", "9:00", "0900", ""])
def test_clock_times_out_of_range_are_refused_where_they_are(text: str) -> None:
    """A clock time that is not `HH:MM` within 00:00–24:00 is refused at its own path."""
    with pytest.raises(InvalidDataError) as info:
        from_dict(WeeklyInterval, {"weekday": "monday", "start": text, "end": "10:00"})
    assert [(e.path, e.rule) for e in info.value.errors] == [("$.start", "clock_time")]


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+12:00", "9999-12-31T23:59:00-12:00"])
def test_datetimes_outside_the_utc_calendar_are_refused(text: str) -> None:
    """An aware datetime whose UTC time falls before year 1 or after 9999 is refused with rule `range`."""
    with pytest.raises(InvalidDataError) as info:
        from_dict(datetime, text)
    assert info.value.errors[0].rule == "range"


def test_booleans_and_enum_members_are_not_integers_in_documents() -> None:
    """`true` or an IntEnum member where an integer goes is a type error; a numpy integer is an integer."""
    for wrong in (True, Weekday.MONDAY, 1.0):
        with pytest.raises(InvalidDataError):
            from_dict(int, wrong)
    numpy = pytest.importorskip("numpy")
    assert from_dict(int, numpy.int64(3)) == 3
    assert type(from_dict(float, numpy.float32(0.5))) is float
    assert type(from_dict(str, Population.ADULT)) is str


@pytest.mark.parametrize(
    ("value", "path", "rule"),
    [
        (math.nan, "$.obj", "finite"),
        (math.inf, "$.obj", "finite"),
        (datetime(2026, 1, 1, 9), "$.obj", "type"),  # noqa: DTZ001 - deliberately naive
        (object(), "$.obj", "type"),
        ([1, object()], "$.obj[1]", "type"),
        ({"a": {"b": math.nan}}, "$.obj.a.b", "finite"),
        ({1: 2}, "$.obj", "type"),
    ],
    # fixed ids, not repr: an object's repr holds its address, which differs between pytest-xdist workers
    ids=["nan", "inf", "naive-datetime", "object", "object-in-list", "nested-nan", "integer-key"],
)
def test_to_dict_refuses_what_json_cannot_hold(value: Any, path: str, rule: str) -> None:
    """NaN, a naive datetime, an unknown object or a non-string key raise InvalidArgumentError at their path."""
    with pytest.raises(InvalidArgumentError) as info:
        to_dict(value)
    assert [(e.path, e.rule) for e in info.value.errors] == [(path, rule)]


def test_to_dict_writes_plain_values_and_containers_of_values() -> None:
    """Scalars are written as they are; lists, sets and mappings of values have each value marked as a document."""
    interval = WeeklyInterval.of("monday", "09:00", "10:00")
    assert to_dict(3) == 3
    assert to_dict(None) is None
    assert to_dict(Population.ADULT) == "adult"
    assert to_dict(ClockTime(9, 30)) == "09:30"
    assert to_dict(Minutes(5)) == 5
    assert to_dict([interval]) == [to_dict(interval)]
    assert to_dict({Population.ADULT: interval}) == {"adult": to_dict(interval)}
    assert to_dict(frozenset({interval})) == [to_dict(interval)]


def test_make_converter_returns_an_independent_configured_converter() -> None:
    """A new converter works on its own and is not cattrs' global converter."""
    conv = make_converter()
    assert conv is not cattrs.global_converter
    interval = WeeklyInterval.of("friday", "09:00", "12:00")
    assert conv.structure(conv.unstructure(interval), WeeklyInterval) == interval
    assert from_dict(WeeklyInterval, to_dict(interval, converter=conv), converter=conv) == interval


def test_catalogs_round_trip() -> None:
    """The built-in ASAM3 catalog survives a JSON round trip."""
    assert from_dict(LevelCatalog, json.loads(json.dumps(to_dict(ASAM3)))) == ASAM3


def test_module_exports() -> None:
    """The serialization module exports its four functions and the format version's key and number."""
    assert serialization.__all__ == [
        "FORMAT_KEY",
        "FORMAT_VERSION",
        "configure_converter",
        "from_dict",
        "make_converter",
        "to_dict",
    ]


@attrs.frozen(kw_only=True)
class _Cat:
    kind: str = attrs.field(default="cat")
    lives: int = 9


@attrs.frozen(kw_only=True)
class _Dog:
    kind: str = attrs.field(default="dog")
    lives: int = 1


def test_tagged_unions_dispatch_on_kind() -> None:
    """Unions of attrs classes with a `kind` field pick the member named by `kind`, with paths on errors."""
    assert from_dict(_Cat | _Dog, {"kind": "dog", "lives": 1}) == _Dog()
    assert from_dict(_Cat | _Dog | None, None) is None
    with pytest.raises(InvalidDataError) as info:
        from_dict(_Cat | _Dog, {"kind": "cow"})
    assert info.value.paths == ("$.kind",)
    with pytest.raises(InvalidDataError) as info:
        from_dict(_Cat | _Dog, {"kind": "dog", "lives": "x"})
    assert info.value.paths == ("$.lives",)
