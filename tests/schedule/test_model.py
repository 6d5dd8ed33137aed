"""The week problem's values: construction rules, bad input with paths, preference costs, the checker, pickling."""

from __future__ import annotations

import enum
import math
import pickle
from collections.abc import Callable, Iterator, Mapping

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from iopcore import FrozenMap, schedule
from iopcore.components import COMPONENTS, Component, ComponentCatalog, DeliveryMode, Role
from iopcore.errors import InvalidArgumentError, InvalidDataError, UnknownCodeError
from iopcore.levels import ASAM3, DaysBand, Population
from iopcore.programs import Program
from iopcore.schedule import (
    AVOIDED_DAY_COST,
    NOT_KEPT_COST,
    OFF_TRACK_COST,
    OTHER_DAY_COST,
    OTHER_TIME_COST,
    ComponentBound,
    Offering,
    Preferences,
    TimeOfDay,
    WeekProblem,
    WeekRules,
    WeekSchedule,
    check,
)
from iopcore.schedule._model import _ceil_minutes, _floor_minutes
from iopcore.serialization import from_dict, to_dict
from iopcore.sources import Evidence, Source
from iopcore.strategies import component_bounds, offerings, week_problems, week_rules
from iopcore.times import ClockTime, Weekday, WeeklyAvailability
from tests.builders import unstyled
from tests.schedule.builders import EVENINGS, MON, TUE, offering


def paths(exc: pytest.ExceptionInfo[InvalidDataError]) -> tuple[str, ...]:
    return exc.value.paths


# ----------------------------------------------------------------------------- bad input


def test_end_before_start_is_rejected_at_end() -> None:
    """An offering ending at or before its start raises at `$.end`."""
    with pytest.raises(InvalidDataError) as info:
        offering("a", MON, "12:00", "09:00")
    assert paths(info) == ("$.end",)


def test_unknown_component_in_rules_is_rejected_with_its_path() -> None:
    """A bound on a component the catalog lacks raises at `$.components.<id>`."""
    with pytest.raises(InvalidDataError) as info:
        WeekRules(components={"yoga": (1, None)})
    assert paths(info) == ("$.components.yoga",)


def test_unknown_component_in_an_offering_is_rejected_by_the_problem() -> None:
    """An offering whose component is not in the rules' catalog raises at `$.offerings[i].component`."""
    with pytest.raises(InvalidDataError) as info:
        WeekProblem(
            rules=WeekRules(),
            offerings=(offering("a", MON, "09:00", "12:00"), offering("b", MON, "09:00", "12:00", component="yoga")),
        )
    assert paths(info) == ("$.offerings[1].component",)


def test_a_custom_catalog_admits_its_own_components() -> None:
    """Rules built with a custom catalog accept its ids."""
    yoga = Component(
        id="yoga",
        name="Yoga",
        delivery=DeliveryMode.GROUP,
        lead_role=Role.EXERCISE_SPECIALIST,
        source=Source(citation="house rule", evidence=Evidence.UNVERIFIED),
    )
    catalog = COMPONENTS.with_components(yoga)
    rules = WeekRules(components={"yoga": ComponentBound(min=1)}, catalog=catalog)
    problem = WeekProblem(rules=rules, offerings=(offering("a", MON, "09:00", "12:00", component="yoga"),))
    assert check(problem, ["a"]) == ()


def test_hours_min_above_hours_max_is_rejected() -> None:
    """hours_min > hours_max raises at `$.hours_max`; likewise days and per-day hours."""
    with pytest.raises(InvalidDataError) as info:
        WeekRules(hours_min=10, hours_max=9)
    assert paths(info) == ("$.hours_max",)
    with pytest.raises(InvalidDataError) as info:
        WeekRules(days_min=4, days_max=3, min_hours_per_day=3, max_hours_per_day=2)
    assert paths(info) == ("$.days_max", "$.max_hours_per_day")


def test_negative_seats_are_rejected() -> None:
    """Negative seats raise at `$.seats`."""
    with pytest.raises(InvalidDataError) as info:
        offering("a", MON, "09:00", "12:00", seats=-1)
    assert paths(info) == ("$.seats",)


def test_duplicate_offering_ids_are_rejected() -> None:
    """A second offering with the same id raises at its index."""
    with pytest.raises(InvalidDataError) as info:
        WeekProblem(
            rules=WeekRules(), offerings=(offering("a", MON, "09:00", "12:00"), offering("a", TUE, "09:00", "12:00"))
        )
    assert paths(info) == ("$.offerings[1].id",)


def test_costs_and_kept_sessions_must_name_offerings() -> None:
    """offering_costs keys and kept ids must be offering ids; costs must be non-negative integers."""
    with pytest.raises(InvalidDataError) as info:
        WeekProblem(
            rules=WeekRules(),
            offerings=(offering("a", MON, "09:00", "12:00"),),
            offering_costs={"zzz": 1},
            preferences=Preferences(keep=frozenset({"qqq"})),
        )
    assert paths(info) == ("$.offering_costs.zzz", "$.preferences.keep")
    with pytest.raises(InvalidDataError) as info:
        WeekProblem(rules=WeekRules(), offerings=(offering("a", MON, "09:00", "12:00"),), offering_costs={"a": -1})
    assert paths(info) == ("$.offering_costs.a",)


def test_bound_max_below_min_is_rejected() -> None:
    """A component bound with max < min raises at `$.max`; a malformed pair is reported as a wrong type."""
    with pytest.raises(InvalidDataError) as info:
        ComponentBound(min=2, max=1)
    assert paths(info) == ("$.max",)
    with pytest.raises(InvalidDataError) as info:
        WeekRules(components={"life_skills": (2, 1)})
    assert paths(info) == ("$.components.life_skills",)


def test_bad_dict_input_is_reported_with_paths() -> None:
    """from_dict on a malformed problem lists each problem at its path."""
    data = to_dict(WeekProblem(rules=WeekRules(), offerings=(offering("a", MON, "09:00", "12:00"),)))
    data["offerings"][0]["end"] = "08:00"
    with pytest.raises(InvalidDataError) as info:
        from_dict(WeekProblem, data)
    assert "$.offerings[0].end" in paths(info)


# ----------------------------------------------------------------------------- from_program


def test_from_program_closes_the_half_open_band() -> None:
    """ASAM 2.1 adult [9, 20) h becomes hours_min 9 and hours_max 19 h 59 min; days from the program."""
    program = Program.from_level(
        ASAM3.level("2.1"), Population.ADULT, id="p", name="P", days_per_week=DaysBand(min_days=3, max_days=5)
    )
    rules = WeekRules.from_program(program, components={"drug_testing": (1, None)}, min_gap_minutes=10)
    assert (rules.minutes_min, rules.minutes_max) == (540, 1199)
    assert (rules.days_min, rules.days_max, rules.min_gap_minutes) == (3, 5, 10)
    assert rules.components["drug_testing"] == ComponentBound(min=1)
    assert rules.catalog == ComponentCatalog(components=program.components)
    with pytest.raises(InvalidDataError):
        WeekRules.from_program("not a program")  # type: ignore[arg-type]


def test_minutes_round_inward() -> None:
    """Hours that are not whole minutes round inward: min up, max down, per day too."""
    rules = WeekRules(hours_min=1.001, hours_max=2.009, min_hours_per_day=0.501, max_hours_per_day=1.009)
    assert (rules.minutes_min, rules.minutes_max, rules.day_minutes_min, rules.day_minutes_max) == (61, 120, 31, 60)
    assert WeekRules().minutes_max is None and WeekRules().day_minutes_min is None


# ----------------------------------------------------------------------------- preferences


@given(offerings())
def test_preference_table_rows(o: Offering) -> None:
    """Each row of the documented table adds its cost; kept offerings cost 0."""
    other_day = Weekday((o.weekday.value % 7) + 1)
    other_time = next(t for t in TimeOfDay if t is not o.time_of_day)
    assert Preferences().cost_of(o) == 0
    assert Preferences(avoided_days=frozenset({o.weekday})).cost_of(o) == AVOIDED_DAY_COST
    assert Preferences(preferred_days=frozenset({other_day})).cost_of(o) == OTHER_DAY_COST
    assert Preferences(preferred_days=frozenset({o.weekday})).cost_of(o) == 0
    assert Preferences(time_of_day=other_time).cost_of(o) == OTHER_TIME_COST
    assert Preferences(time_of_day=o.time_of_day).cost_of(o) == 0
    expected_track = 0 if o.track is None else OFF_TRACK_COST
    assert Preferences(track="no_such_track").cost_of(o) == expected_track
    assert Preferences(keep=frozenset({"other"})).cost_of(o) == (0 if o.id == "other" else NOT_KEPT_COST)
    assert Preferences(keep=frozenset({o.id}), avoided_days=frozenset({o.weekday})).cost_of(o) == 0


def test_table_values_are_as_documented() -> None:
    """The table's numbers are fixed: changing them is a breaking change."""
    assert (AVOIDED_DAY_COST, OTHER_DAY_COST, OTHER_TIME_COST, OFF_TRACK_COST, NOT_KEPT_COST) == (20, 10, 5, 5, 10)


def test_time_of_day_boundaries() -> None:
    """Morning before 12:00, afternoon to 16:59, evening from 17:00."""
    assert TimeOfDay.of(ClockTime(11, 59)) is TimeOfDay.MORNING
    assert TimeOfDay.of(ClockTime(12, 0)) is TimeOfDay.AFTERNOON
    assert TimeOfDay.of(ClockTime(17, 0)) is TimeOfDay.EVENING


def test_explicit_costs_add_to_preference_costs() -> None:
    """An offering's cost is its preference cost plus its explicit cost; the day cost counts per day."""
    problem = WeekProblem(
        rules=WeekRules(),
        offerings=(offering("a", MON, "09:00", "12:00"), offering("b", MON, "13:00", "14:00")),
        offering_costs={"a": 3},
        preferences=Preferences(avoided_days=frozenset({MON})),
        day_cost=7,
    )
    assert problem.cost_of(problem.offering("a")) == AVOIDED_DAY_COST + 3
    assert problem.schedule_cost(["a", "b"]) == 7 + 2 * AVOIDED_DAY_COST + 3
    with pytest.raises(KeyError):
        problem.offering("zzz")


# ----------------------------------------------------------------------------- checker


def test_checker_reports_each_fact_and_rule() -> None:
    """Unknown, duplicate, full, unavailable, overlapping and too-close sessions and every bound are reported."""
    rules = WeekRules(
        hours_min=10,
        days_min=3,
        max_hours_per_day=1,
        min_gap_minutes=30,
        components={"group_therapy": (5, None), "life_skills": (0, 0)},
    )
    problem = WeekProblem(
        rules=rules,
        offerings=(
            offering("a", MON, "09:00", "12:00"),
            offering("b", MON, "11:00", "13:00", seats=0),
            offering("c", MON, "13:10", "14:00", component="life_skills"),
        ),
        availability=WeeklyAvailability.daily("08:00", "13:00"),
    )
    groups = [v.group for v in check(problem, ["a", "b", "c", "a", "zzz"])]
    assert groups == [
        "duplicate",
        "unknown_offering",
        "seats",
        "availability",
        "overlap",
        "min_gap",
        "hours_min",
        "days_min",
        "max_hours_per_day",
        "component:group_therapy:min",
        "component:life_skills:max",
    ]
    too_much = WeekProblem(rules=WeekRules(hours_max=1, days_max=0), offerings=(offering("a", MON, "09:00", "12:00"),))
    assert [v.group for v in check(too_much, ["a"])] == ["hours_max", "days_max"]
    short = WeekProblem(rules=WeekRules(min_hours_per_day=5), offerings=(offering("a", MON, "09:00", "12:00"),))
    assert [str(v) for v in check(short, ["a"])] == ["min_hours_per_day: only 3 hours on one day"]
    with pytest.raises(InvalidDataError):
        check("nope", [])  # type: ignore[arg-type]


@settings(max_examples=30)
@given(week_problems(max_offerings=6))
def test_week_problems_round_trip(problem: WeekProblem) -> None:
    """A generated problem survives to_dict/from_dict."""
    assert from_dict(WeekProblem, to_dict(problem)) == problem


def test_offering_helpers() -> None:
    """An offering exposes its interval, duration, part of day and a readable str."""
    o = offering("a", MON, "18:00", "21:00")
    assert o.duration.value == 180 and o.time_of_day is TimeOfDay.EVENING
    assert o.interval.weekday is MON
    assert str(o) == "a (group_therapy, Mon 18:00–21:00)"
    assert str(ComponentBound(min=1)) == "[1, ∞]" and str(ComponentBound(min=1, max=2)) == "[1, 2]"
    assert ComponentBound(min=1, max=2).contains(2) and not ComponentBound(min=1).contains(0)


def test_components_must_be_a_mapping() -> None:
    """A list where a mapping of bounds is expected is rejected at `$.components`."""
    with pytest.raises(InvalidDataError) as info:
        WeekRules(components=["group_therapy"])  # type: ignore[arg-type]
    assert paths(info) == ("$.components",)


def test_strategy_arguments_are_validated() -> None:
    """Impossible strategy arguments raise InvalidArgument."""
    with pytest.raises(InvalidArgument):
        week_rules(max_hours=-1)
    with pytest.raises(InvalidArgument):
        component_bounds(max_value=-1)
    with pytest.raises(InvalidArgument):
        week_problems(min_offerings=5, max_offerings=2)


def test_schedule_sessions_must_be_offerings() -> None:
    """A schedule of non-offerings is rejected at `$.sessions[i]`; offerings are sorted by day and time."""
    with pytest.raises(InvalidDataError) as info:
        WeekSchedule(sessions=("a",))  # type: ignore[arg-type]
    assert paths(info) == ("$.sessions[0]",)
    later, earlier = offering("b", TUE, "09:00", "12:00"), offering("a", MON, "09:00", "12:00")
    assert WeekSchedule(sessions=[later, earlier]).offering_ids == ("a", "b")


def test_schedule_text_and_html() -> None:
    """str gives a table with totals; _repr_html_ a weekly grid with escaped text."""
    s = WeekSchedule(sessions=EVENINGS[:2], cost=7)
    text = str(s)
    assert "Mon  18:00–21:00" in text and "2 sessions, 6 h on 2 days, cost 7" in text
    page = unstyled(s._repr_html_())
    assert page.count("<th>") == 7 and "group_therapy" in page and "evening" in page
    assert s.component_counts == {"group_therapy": 2}
    assert s.on(Weekday.MONDAY) == EVENINGS[:1]


# ----------------------------------------------------------------------------- pickling, hashing, numbers


def _schedule_types() -> list[type]:
    """Every public attrs class of iopcore.schedule (the values a caller holds)."""
    return [t for name in schedule.__all__ if isinstance(t := getattr(schedule, name), type) and attrs.has(t)]


@pytest.mark.parametrize("cls", _schedule_types(), ids=lambda c: c.__name__)
@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_schedule_value_pickles_and_hashes(cls: type, data: st.DataObject) -> None:
    """Each value equals itself after a pickle round trip and hashes, equal values with equal hashes."""
    value = data.draw(st.from_type(cls))
    again = pickle.loads(pickle.dumps(value))
    assert again == value and hash(again) == hash(value)


def test_mapping_fields_are_frozen_maps_and_take_part_in_the_hash() -> None:
    """components and offering_costs are FrozenMaps: they pickle, hash and count in equality and the hash."""
    a = WeekRules(components={"group_therapy": (1, 2)})
    b = WeekRules(components={"group_therapy": (1, 3)})
    assert isinstance(a.components, FrozenMap) and a != b and hash(a) != hash(b)
    p = WeekProblem(rules=a, offerings=EVENINGS, offering_costs={EVENINGS[0].id: 3})
    assert isinstance(p.offering_costs, FrozenMap)
    assert hash(p) != hash(attrs.evolve(p, offering_costs={EVENINGS[0].id: 4}))
    assert isinstance(WeekSchedule(sessions=EVENINGS).component_counts, FrozenMap)


class _Level(enum.IntEnum):
    THREE = 3


@pytest.mark.parametrize("bad", [True, _Level.THREE, 3.0, "3"], ids=["bool", "IntEnum", "float", "str"])
def test_integer_fields_refuse_bools_enums_and_other_types(bad: object) -> None:
    """bool and IntEnum members are never integers: days, gaps, seats, costs and bounds refuse them at their path."""
    cases = [
        (lambda: WeekRules(days_min=bad), "$.days_min"),
        (lambda: WeekRules(min_gap_minutes=bad), "$.min_gap_minutes"),
        (lambda: ComponentBound(min=bad), "$.min"),
        (lambda: attrs.evolve(EVENINGS[0], seats=bad), "$.seats"),
        (lambda: WeekProblem(rules=WeekRules(), offerings=EVENINGS, day_cost=bad), "$.day_cost"),
        (lambda: WeekProblem(rules=WeekRules(), offerings=EVENINGS, offering_costs={EVENINGS[0].id: bad}), None),
        (lambda: WeekSchedule(sessions=(), cost=bad), "$.cost"),
    ]
    for build, path in cases:
        with pytest.raises(InvalidDataError) as info:
            build()
        assert info.value.paths == ((path,) if path else (f"$.offering_costs.{EVENINGS[0].id}",))


def test_numpy_integers_are_integers() -> None:
    """numpy integer scalars are accepted and stored as builtin ints (so to_dict and hashing agree)."""
    rules = WeekRules(days_min=np.int64(2), days_max=np.int32(5), components={"drug_testing": (np.int8(1), None)})
    assert type(rules.days_min) is int and type(rules.components["drug_testing"].min) is int
    p = WeekProblem(rules=rules, offerings=EVENINGS, day_cost=np.int64(4), offering_costs={EVENINGS[0].id: np.int16(2)})
    assert type(p.day_cost) is int and type(p.offering_costs[EVENINGS[0].id]) is int
    assert from_dict(WeekProblem, to_dict(p)) == p


def test_huge_numbers_are_refused_at_their_path() -> None:
    """10**400 hours is refused as too large, not by an OverflowError."""
    with pytest.raises(InvalidDataError) as info:
        WeekRules(hours_min=10**400)
    assert paths(info) == ("$.hours_min",)


def test_a_schedule_holds_each_offering_once() -> None:
    """The same offering id twice in a WeekSchedule is refused at the later one (in schedule order)."""
    with pytest.raises(InvalidDataError) as info:
        WeekSchedule(sessions=(EVENINGS[1], EVENINGS[0], EVENINGS[0]))
    assert [(e.path, e.rule) for e in info.value.errors] == [("$.sessions[1]", "unique")]


# ----------------------------------------------------------------------------- the guarded methods


def test_lookups_by_offering_id_raise_unknown_code_errors() -> None:
    """offering() of an unknown id raises UnknownCodeError (a KeyError) at `$.offering_id`, naming the known ids."""
    p = WeekProblem(rules=WeekRules(), offerings=EVENINGS)
    with pytest.raises(UnknownCodeError) as info:
        p.offering("zz")
    assert isinstance(info.value, KeyError) and info.value.paths == ("$.offering_id",)
    assert info.value.known == tuple(o.id for o in EVENINGS)


def test_schedule_cost_names_each_unknown_id() -> None:
    """schedule_cost refuses ids that name no offering, each at its index; an id named twice counts once."""
    p = WeekProblem(rules=WeekRules(), offerings=EVENINGS, day_cost=5)
    first = EVENINGS[0].id
    assert p.schedule_cost([first, first]) == p.schedule_cost((first,)) == 5
    with pytest.raises(InvalidArgumentError) as info:
        p.schedule_cost([first, "zz", "yy"])
    assert paths(info) == ("$.offering_ids[1]", "$.offering_ids[2]")
    with pytest.raises(InvalidArgumentError) as info:
        p.schedule_cost(None)  # type: ignore[arg-type]
    assert paths(info) == ("$.offering_ids",)


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda: ComponentBound(min=1).contains(None), "$.count"),
        (lambda: ComponentBound(min=1).contains(True), "$.count"),
        (lambda: Preferences().cost_of("o"), "$.offering"),
        (lambda: TimeOfDay.of("09:00"), "$.start"),
        (lambda: WeekSchedule(sessions=EVENINGS).on("monday"), "$.weekday"),
        (lambda: WeekProblem(rules=WeekRules(), offerings=EVENINGS).cost_of(None), "$.offering"),
        (lambda: WeekRules.from_program(None), "$.program"),
        (lambda: WeekRules.from_program(_PROGRAM, components="x"), "$.components"),
        (lambda: WeekRules.from_program(_PROGRAM, min_gap_minutes=10**400), "$.min_gap_minutes"),
        (lambda: WeekRules.from_program(_PROGRAM, colour="red"), "$.colour"),
        (lambda: check(None, []), "$.problem"),
        (lambda: check(WeekProblem(rules=WeekRules(), offerings=EVENINGS), None), "$.offering_ids"),
    ],
)
def test_methods_refuse_wrong_arguments_at_their_path(call: Callable[[], object], path: str) -> None:
    """Each public method checks its arguments on entry and names the bad one."""
    with pytest.raises(InvalidArgumentError) as info:
        call()
    assert paths(info) == (path,)


_PROGRAM = Program.from_level(ASAM3.level("2.1"), Population.ADULT, id="p", name="P")


class _ListKeys(Mapping[object, int]):
    """A mapping whose keys are lists (unhashable): no dict can hold them."""

    def __getitem__(self, key: object) -> int:
        return 1

    def __iter__(self) -> Iterator[object]:
        return iter([["a"]])

    def __len__(self) -> int:
        return 1


def test_a_mapping_with_unhashable_keys_is_refused_at_its_path() -> None:
    """offering_costs from a mapping with unhashable keys is an InvalidDataError at the field, not a TypeError."""
    with pytest.raises(InvalidDataError) as info:
        WeekProblem(rules=WeekRules(), offerings=EVENINGS, offering_costs=_ListKeys())  # type: ignore[arg-type]
    assert all(p.startswith("$.offering_costs") for p in paths(info))


@settings(max_examples=300)
@given(
    st.one_of(
        st.integers(0, 168 * 60).map(lambda m: m / 60),
        st.floats(0, 168, allow_nan=False),
        st.tuples(st.integers(0, 168 * 60), st.floats(-1e-9, 1e-9)).map(lambda t: t[0] / 60 + t[1]),
    )
)
def test_whole_minutes_of_hours_round_as_nine_decimals_then_up_or_down(hours: float) -> None:
    """The rules' minutes: hours × 60 rounded to 9 decimals, then up (minimums) or down (maximums);
    the shortcut for values within 4e-10 of a whole minute gives the same."""
    assert _ceil_minutes(hours) == math.ceil(round(hours * 60, 9))
    assert _floor_minutes(hours) == math.floor(round(hours * 60, 9))
