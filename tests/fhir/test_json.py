"""The R4 JSON readers and iopcore's complex extensions: each defect reported at its path."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from iopcore.errors import InvalidDataError
from iopcore.fhir import _json as j
from iopcore.fhir._extensions import MAX_POSITIVE_INT, Part, ValueType, complex_extension, read_complex

P = "$.x"


def refused(call: Any) -> str:
    with pytest.raises(InvalidDataError) as info:
        call()
    (path,) = info.value.paths
    return path


def test_objects_elements_and_nulls() -> None:
    """Objects need string keys; unknown elements, nulls and modifier extensions are refused at their paths."""
    assert refused(lambda: j.obj([1], P)) == P
    assert refused(lambda: j.obj({1: 2}, P)) == P
    assert refused(lambda: j.check({"bogus": 1}, "Coding", P)) == "$.x.bogus"
    assert refused(lambda: j.check({"not a name": 1}, "Coding", P)) == P
    assert refused(lambda: j.check({"code": None}, "Coding", P)) == "$.x.code"
    j.check({"code": "a", "_code": {"extension": [{"url": "u", "valueString": "s"}]}}, "Coding", P)  # companions
    assert refused(lambda: j.check({"_userSelected": [{}]}, "Coding", P)) == "$.x._userSelected"
    assert refused(lambda: j.check({"coding": [{"_system": {"id": "a"}}], "_coding": {}}, "CodeableConcept", P)) == (
        "$.x._coding"
    )  # no companion of a complex element
    assert refused(lambda: j.resource({"resourceType": "Goal"}, "CarePlan", P)) == "$.x.resourceType"


def test_arrays_strings_codes_numbers_and_booleans() -> None:
    """R4 arrays and strings are never empty; codes come from their value set; numbers are JSON numbers."""
    assert refused(lambda: j.array({"a": []}, "a", P)) == "$.x.a"
    assert refused(lambda: j.array({"a": {}}, "a", P)) == "$.x.a"
    assert refused(lambda: j.array({}, "a", P, required=True)) == "$.x.a"
    assert j.array({}, "a", P) == []
    assert refused(lambda: j.string({"s": ""}, "s", P)) == "$.x.s"
    assert refused(lambda: j.string({"s": 3}, "s", P)) == "$.x.s"
    assert refused(lambda: j.required_string({}, "s", P)) == "$.x.s"
    assert refused(lambda: j.code({"c": "z"}, "c", P, ("a", "b"))) == "$.x.c"
    assert refused(lambda: j.boolean({"b": "true"}, "b", P)) == "$.x.b"
    assert j.boolean({}, "b", P) is None
    assert refused(lambda: j.integer({"i": 1.5}, "i", P)) == "$.x.i"
    assert refused(lambda: j.integer({"i": True}, "i", P)) == "$.x.i"
    assert refused(lambda: j.integer({"i": 0}, "i", P, min_value=1)) == "$.x.i"
    assert refused(lambda: j.decimal({"d": "1"}, "d", P)) == "$.x.d"
    assert j.decimal({"d": 2}, "d", P) == 2.0 and j.decimal({}, "d", P) is None


@pytest.mark.parametrize(
    ("text", "day"),
    [("2026-03-02", date(2026, 3, 2)), ("2026-03-02T09:00:00Z", date(2026, 3, 2)), ("0001-01-01", date(1, 1, 1)),
     ("2026-03-02T23:30:00.5-05:00", date(2026, 3, 2))],
)  # fmt: skip
def test_dates_and_datetimes_read_as_written(text: str, day: date) -> None:
    """A date, or a dateTime's date as written (no time-zone arithmetic)."""
    assert j.read_date(text, P) == day
    assert j.fhir_date(day) == text[:10]


@pytest.mark.parametrize("text", ["2026", "2026-03", "2026-02-30", "26-03-02", "2026-03-02T09:00", 20260302])
def test_partial_or_malformed_dates_are_refused(text: Any) -> None:
    """Partial dates (R4 allows them) cannot make a calendar date; malformed ones are not dates."""
    assert refused(lambda: j.read_date(text, P)) == P


PARTS = (
    Part("name", ValueType.STRING, True),
    Part("count", ValueType.POSITIVE_INT),
    Part("offset", ValueType.INTEGER),
    Part("share", ValueType.DECIMAL),
    Part("flag", ValueType.BOOLEAN),
    Part("on", ValueType.DATE),
    Part("tag", ValueType.CODE, codes=("a", "b"), repeats=True),
)


def test_complex_extensions_round_trip_and_leave_out_empty_values() -> None:
    """Parts with None or "" are left out; repeating parts are written in order and read back as tuples."""
    values = {
        "name": "n",
        "count": 3,
        "offset": -2,
        "share": 0.5,
        "flag": False,
        "on": date(2026, 1, 2),
        "tag": ["b", "a"],
    }
    ext = complex_extension("u", PARTS, values)
    assert [s["url"] for s in ext["extension"]] == ["name", "count", "offset", "share", "flag", "on", "tag", "tag"]
    assert read_complex(ext, P, PARTS) == {**values, "tag": ("b", "a")}
    assert complex_extension("u", PARTS, {"name": "", "count": None})["extension"] == []


@pytest.mark.parametrize(
    ("sub", "path"),
    [
        ({"url": "name", "valueInteger": 1}, "$.x.extension[0]"),
        ({"url": "colour", "valueString": "x"}, "$.x.extension[0].url"),
        ({"url": "count", "valuePositiveInt": MAX_POSITIVE_INT + 1}, "$.x.extension[0].valuePositiveInt"),
        ({"url": "offset", "valueInteger": -MAX_POSITIVE_INT - 2}, "$.x.extension[0].valueInteger"),
        ({"url": "tag", "valueCode": "c"}, "$.x.extension[0].valueCode"),
        ({"url": "on", "valueDate": "2026-02"}, "$.x.extension[0].valueDate"),
        ({"url": "name", "valueString": "a", "valueCode": "b"}, "$.x.extension[0].valueString"),
        ({"url": "name"}, "$.x.extension[0]"),
        ({"valueString": "a"}, "$.x.extension[0].url"),
    ],
)
def test_complex_extension_parts_are_checked(sub: dict[str, Any], path: str) -> None:
    """Each part has its declared type, a known name, one value (R4 ext-1) and a value within R4's limits."""
    assert (
        refused(lambda: read_complex({"url": "u", "extension": [sub, {"url": "name", "valueString": "n"}]}, P, PARTS))
        == path
    )


def test_complex_extensions_need_their_required_parts_once() -> None:
    """A missing required part, a repeated single part or a value in place of parts is refused."""
    assert refused(
        lambda: read_complex({"url": "u", "extension": [{"url": "flag", "valueBoolean": True}]}, P, PARTS)
    ) == ("$.x.extension")
    two = {"url": "u", "extension": [{"url": "name", "valueString": "a"}, {"url": "name", "valueString": "b"}]}
    assert refused(lambda: read_complex(two, P, PARTS)) == "$.x.extension[1]"
    assert refused(lambda: read_complex({"url": "u", "valueString": "x"}, P, PARTS)) == P
    node = {"extension": [{"url": "u", "valueString": "a"}, {"url": "u", "valueString": "b"}]}
    assert refused(lambda: j.extension(node, "u", P)) == "$.x.extension[1]"
