"""Every public type round-trips through JSON-compatible dicts; bad input is rejected with paths."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore import serialization
from iopcore.errors import InvalidDataError
from iopcore.levels import ASAM3, HoursBand, LevelCatalog, Population
from iopcore.programs import Program
from iopcore.serialization import from_dict, make_converter, to_dict
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
def test_unknown_key_is_rejected_with_its_path(cls: type) -> None:
    """An extra key at the top level is reported as unknown, at its path."""

    @given(st.from_type(cls))
    def check(value: Any) -> None:
        data = to_dict(value)
        if not isinstance(data, dict):
            return  # leaf types serialize to scalars
        data["no_such_field"] = 1
        with pytest.raises(InvalidDataError) as info:
            from_dict(cls, data)
        assert "$.no_such_field" in info.value.paths

    check()


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_missing_required_field_is_rejected_with_its_path(cls: type) -> None:
    """Removing a field without a default is reported as missing, at its path."""
    required = [a.alias for a in attrs.fields(cls) if a.init and a.default is attrs.NOTHING]

    @given(st.from_type(cls), st.sampled_from(required) if required else st.none())
    def check(value: Any, key: str | None) -> None:
        data = to_dict(value)
        if key is None or not isinstance(data, dict):
            return
        del data[key]
        with pytest.raises(InvalidDataError) as info:
            from_dict(cls, data)
        assert f"$.{key}" in info.value.paths

    check()


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_wrong_type_for_a_field_is_rejected_with_its_path(cls: type) -> None:
    """Replacing a field's value by an object of an impossible type is reported at that field."""
    fields = [a.alias for a in attrs.fields(cls) if a.init]

    @given(st.from_type(cls), st.sampled_from(fields))
    def check(value: Any, key: str) -> None:
        data = to_dict(value)
        if not isinstance(data, dict):
            return
        data[key] = {"not": ["a", "valid", "value"]}
        with pytest.raises(InvalidDataError) as info:
            from_dict(cls, data)
        assert any(p == f"$.{key}" or p.startswith(f"$.{key}.") for p in info.value.paths)

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
    from typing import Literal

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


def test_unsupported_types_raise_invalid_data() -> None:
    """Asking for a type iopcore cannot build raises InvalidDataError, not a cattrs error."""

    class Opaque:
        def __init__(self, x: int) -> None:
            self.x = x

    with pytest.raises(InvalidDataError):
        from_dict(Opaque, {"x": 1})


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
    """The serialization module exports exactly its four functions."""
    assert sorted(serialization.__all__) == ["configure_converter", "from_dict", "make_converter", "to_dict"]


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
