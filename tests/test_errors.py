"""Errors: structured items, readable messages, builtin bases, pickling."""

from __future__ import annotations

import enum
import pickle
from collections.abc import Callable
from datetime import date

import attrs
import pytest

from iopcore._fields import enum_expectation
from iopcore.compliance import LengthOfStayRule
from iopcore.components import Role
from iopcore.errors import ErrorItem, InvalidDataError, IopcoreError, UnknownCodeError, child_path, type_name
from iopcore.levels import ASAM3, DaysBand, HoursBand, Population
from iopcore.plans import ComponentRequirement, Frequency, Intervention, Per
from iopcore.programs import IntensityRules, Program
from iopcore.schedule import ComponentBound, WeekRules
from iopcore.sources import Source
from iopcore.times import ClockTime, Minutes, StayCounting, Weekday, WeeklyInterval, count_stay_days


def test_error_item_reads_path_colon_message() -> None:
    """str(item) is `path: message`."""
    item = ErrorItem(path="$.rules.hours_min", message="expected a number >= 0, got str", rule="type")
    assert str(item) == "$.rules.hours_min: expected a number >= 0, got str"
    assert item.under("$.problem").path == "$.problem.rules.hours_min"


def test_invalid_data_error_is_value_and_type_error() -> None:
    """InvalidDataError is an IopcoreError, ValueError and TypeError."""
    exc = InvalidDataError.single("$.x", "expected an integer, got str", "type", type_name="Thing")
    assert isinstance(exc, IopcoreError)
    assert isinstance(exc, ValueError)
    assert isinstance(exc, TypeError)
    assert str(exc) == "invalid Thing: $.x: expected an integer, got str"
    assert exc.paths == ("$.x",)


def test_multiple_items_render_one_per_line_and_deduplicate() -> None:
    """Several problems render as a list; exact duplicates collapse."""
    a = ErrorItem(path="$.a", message="m", rule="r")
    b = ErrorItem(path="$.b", message="m", rule="r")
    exc = InvalidDataError([a, b, a])
    assert exc.errors == (a, b)
    assert str(exc) == "invalid data, 2 problems:\n  $.a: m\n  $.b: m"
    assert exc.under("$[3]").paths == ("$[3].a", "$[3].b")


def test_an_error_needs_items() -> None:
    """An InvalidDataError without items is a programming error."""
    with pytest.raises(ValueError, match="at least one"):
        InvalidDataError([])


def test_error_item_validates_its_fields() -> None:
    """ErrorItem fields are strings."""
    with pytest.raises(InvalidDataError) as info:
        ErrorItem(path=1, message="m", rule="r")  # type: ignore[arg-type]
    assert info.value.paths == ("$.path",)


def test_unknown_code_error() -> None:
    """UnknownCodeError is a KeyError and an InvalidDataError with readable text and the known codes."""
    exc = UnknownCodeError(what="level", catalog="ASAM3", known=("1", "2.1"), path="$.code")
    assert isinstance(exc, KeyError)
    assert isinstance(exc, InvalidDataError)
    assert str(exc) == "invalid data: $.code: no level with this code in ASAM3; known codes: 1, 2.1"
    assert exc.known == ("1", "2.1")
    assert "(none)" in str(UnknownCodeError(what="x", catalog="c", known=()))


def test_errors_pickle() -> None:
    """Errors survive pickling (for multiprocessing and task queues)."""
    exc = InvalidDataError.single("$.x", "m", "r", type_name="T")
    back = pickle.loads(pickle.dumps(exc))
    assert back.errors == exc.errors
    assert back.type_name == "T"
    unknown = pickle.loads(pickle.dumps(UnknownCodeError(what="level", catalog="C", known=("a",), path="$.c")))
    assert isinstance(unknown, UnknownCodeError)
    assert unknown.known == ("a",)
    assert unknown.paths == ("$.c",)


@pytest.mark.parametrize(
    ("key", "path"), [(3, "$[3]"), ("hours_min", "$.hours_min"), ("two words", "$['two words']"), ("it's", "$['it\\'s']"), (1.5, "$[<float>]")]
)  # fmt: skip
def test_child_paths(key: object, path: str) -> None:
    """Keys render as `.name`, `[index]` or `['quoted']`."""
    assert child_path(key) == path


def test_type_names() -> None:
    """type_name names the type, and None as None."""
    assert type_name(None) == "None"
    assert type_name(1.5) == "float"


# ----------------------------------------------------------------------------- errors that explain (issue 15 item 8)


def _bound_errors() -> list[tuple[str, Callable[[], object], str, str]]:
    """(case, call, path, the message) for each band or bound check: every one shows the numbers it compared."""
    src = Source(citation="test")
    level = ASAM3.level("2.1")
    return [
        ("hours band", lambda: HoursBand(min_hours=9, max_hours=8.5), "$.max_hours",
         "expected max_hours > min_hours = 9 (the band is [min, max)), got 8.5"),
        ("days band", lambda: DaysBand(min_days=4, max_days=3), "$.max_days", "expected max_days >= min_days = 4, got 3"),
        ("hours per day", lambda: IntensityRules(hours_per_week=HoursBand(min_hours=9), days_per_week=DaysBand(
            min_days=3, max_days=5), min_hours_per_day=3, max_hours_per_day=2.5), "$.max_hours_per_day",
         "expected max_hours_per_day >= min_hours_per_day = 3, got 2.5"),
        ("program band", lambda: Program.from_level(level, Population.ADULT, id="p", name="P",
                                                    hours_per_week=HoursBand(min_hours=6, max_hours=20)),
         "$.hours_per_week", "expected a band inside the level's [9, 20) h/week for this population, got [6, 20) h/week"),
        ("sessions", lambda: ComponentRequirement(component="x", min_sessions=3, max_sessions=2,
                                                  min_minutes=Minutes(0), max_minutes=Minutes(0)),
         "$.max_sessions", "expected max_sessions >= min_sessions = 3, got 2"),
        ("minutes", lambda: ComponentRequirement(component="x", min_sessions=0, max_sessions=0,
                                                 min_minutes=Minutes(90), max_minutes=Minutes(60)),
         "$.max_minutes", "expected max_minutes >= min_minutes = 90, got 60"),
        ("stay", lambda: LengthOfStayRule(id="los", min_days=30, max_days=29, source=src), "$.max_days",
         "expected the maximum >= the minimum (30), got 29"),
        ("component bound", lambda: ComponentBound(min=2, max=1), "$.max", "expected max >= min = 2, got 1"),
        ("week hours", lambda: WeekRules(hours_min=9, hours_max=8), "$.hours_max", "expected hours_max >= hours_min = 9, got 8"),
        ("week days", lambda: WeekRules(days_min=4, days_max=3), "$.days_max", "expected days_max >= days_min = 4, got 3"),
    ]  # fmt: skip


@pytest.mark.parametrize("case", range(len(_bound_errors())), ids=[c[0] for c in _bound_errors()])
def test_every_band_or_bound_error_shows_the_numbers_it_compared(case: int) -> None:
    """A band or a bound refused says both numbers (the bound and what was given), at its path."""
    _, call, path, message = _bound_errors()[case]
    with pytest.raises(InvalidDataError) as info:
        call()
    assert [(e.path, e.message) for e in info.value.errors] == [(path, message)]


def test_a_session_length_out_of_range_says_its_minutes() -> None:
    """An intervention of 0 or 1441 minutes is refused with the minutes given and the range 1 to 1440."""
    for bad in (0, 1441):
        with pytest.raises(InvalidDataError) as info:
            Intervention(id="i", component="group_counseling", frequency=Frequency(sessions=1, per=Per.WEEK),
                         minutes=Minutes(bad), responsible=Role.ADDICTION_COUNSELOR)  # fmt: skip
        assert info.value.errors[0].message == f"expected a session of 1 to 1440 minutes, got {bad} minutes"
    Intervention(id="i", component="group_counseling", frequency=Frequency(sessions=1, per=Per.WEEK),
                 minutes=Minutes(1440), responsible=Role.ADDICTION_COUNSELOR)  # fmt: skip


def test_mapping_messages_use_the_right_article_and_list_enum_members() -> None:
    """A mapping whose values are enum members lists the members (strings are refused in Python); other types
    get their article right ("an HoursBand", not "a HoursBand"); an enum key lists its members too."""
    level = ASAM3.level("2.1")
    with pytest.raises(InvalidDataError) as info:
        attrs.evolve(level, hours_per_week={Population.ADULT: 9})
    assert info.value.errors[0].message == "expected an HoursBand, got int"
    with pytest.raises(InvalidDataError) as info:
        attrs.evolve(level, hours_per_week={"adult": HoursBand(min_hours=9)})
    assert info.value.errors[0].message == (
        "expected a key that is a member of Population (Population.ADULT, Population.ADOLESCENT), got str"
    )


def test_every_enum_refusal_lists_members_never_strings() -> None:
    """Wherever the Python API refuses an enum's string value, the message names the enum's members (guarded
    arguments and validated fields alike), so it never offers strings it then refuses."""

    def message(call: Callable[[], object]) -> str:
        with pytest.raises(InvalidDataError) as info:
            call()
        return info.value.errors[0].message

    day = date(2026, 1, 5)
    cases: list[tuple[type[enum.Enum], Callable[[], object]]] = [
        (Weekday, lambda: WeeklyInterval(weekday="monday", start=ClockTime(9, 0), end=ClockTime(10, 0))),  # type: ignore[arg-type]
        (StayCounting, lambda: count_stay_days(day, day, discharged=True, counting="midnights")),  # type: ignore[arg-type]
        (Population, lambda: ASAM3.classify(10, "adult")),  # type: ignore[arg-type]
    ]
    for kind, call in cases:
        text = message(call)
        assert text == f"expected {enum_expectation(kind)}, got str"
        assert "'" not in text
