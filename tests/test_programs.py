"""Programs: construction from a level, intensity rules and their cross-checks."""

from __future__ import annotations

import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore import strategies as ist
from iopcore.components import COMPONENTS, RELAPSE_PREVENTION_BASICS
from iopcore.errors import InvalidArgumentError, InvalidDataError, UnknownCodeError
from iopcore.levels import ASAM3, ASAM4, DEFAULT_DAYS_PER_WEEK, GENERIC_IOP, MEDICARE, DaysBand, HoursBand, Population
from iopcore.programs import IntensityRules, Program, Track
from iopcore.times import WeeklyAvailability

A, Y = Population.ADULT, Population.ADOLESCENT


def test_from_level_takes_the_level_band_and_default_days() -> None:
    """An ASAM 2.1 adult program is 9–19 h/week ([9, 20)) on 3–5 days, with every component."""
    p = Program.from_level(ASAM3.level("2.1"), A, id="adult_iop", name="Adult IOP")
    assert p.intensity.hours_per_week == ASAM3.level("2.1").hours_band(A)
    assert p.intensity.days_per_week == DEFAULT_DAYS_PER_WEEK
    assert p.component_ids == COMPONENTS.ids
    assert p.offers("family_counseling")


def test_from_level_uses_the_population_band() -> None:
    """An adolescent 2.1 program starts at 6 hours."""
    p = Program.from_level(ASAM3.level("2.1"), Y, id="teen_iop", name="Teen IOP")
    assert p.intensity.hours_per_week.min_hours == 6


def test_from_level_uses_the_levels_own_days_band() -> None:
    """The generic IOP level carries the article's 3–5 days."""
    p = Program.from_level(GENERIC_IOP.level("IOP"), A, id="iop", name="IOP", days_per_week=None)
    assert p.intensity.days_per_week == GENERIC_IOP.level("IOP").days_per_week


def test_level_without_a_band_needs_an_explicit_one() -> None:
    """ASAM4 gives no adolescent bands: from_level says so unless a band is given."""
    with pytest.raises(InvalidDataError) as info:
        Program.from_level(ASAM4.level("2.1"), Y, id="p", name="P")
    assert info.value.paths == ("$.hours_per_week",)
    p = Program.from_level(ASAM4.level("2.1"), Y, id="p", name="P", hours_per_week=HoursBand(min_hours=6, max_hours=20))
    assert p.intensity.hours_per_week.min_hours == 6


def test_program_band_must_lie_inside_the_level_band() -> None:
    """A 2.1 program cannot promise 25 hours; a narrower band is fine."""
    with pytest.raises(InvalidDataError) as info:
        Program.from_level(ASAM3.level("2.1"), A, id="p", name="P", hours_per_week=HoursBand(min_hours=9, max_hours=25))
    assert info.value.paths == ("$.hours_per_week",)  # the argument, checked before any work
    with pytest.raises(InvalidDataError):
        Program.from_level(ASAM3.level("2.1"), A, id="p", name="P", hours_per_week=HoursBand(min_hours=8, max_hours=12))
    with pytest.raises(InvalidDataError):
        Program.from_level(ASAM3.level("2.5"), A, id="p", name="P", hours_per_week=HoursBand(min_hours=19))
    assert Program.from_level(ASAM3.level("2.5"), A, id="p", name="P", hours_per_week=HoursBand(min_hours=20))
    ok = Program.from_level(
        MEDICARE.level("PHP"), A, id="p", name="P", hours_per_week=HoursBand(min_hours=20, max_hours=30)
    )
    assert ok.intensity.hours_per_week.max_hours == 30


def test_per_day_bounds_must_be_reachable() -> None:
    """Per-day maxima that cannot reach the weekly minimum, or minima that overshoot the maximum, are refused."""
    band = HoursBand(min_hours=9, max_hours=20)
    with pytest.raises(InvalidDataError) as info:
        IntensityRules(hours_per_week=band, days_per_week=DaysBand(min_days=3, max_days=3), max_hours_per_day=2.5)
    assert info.value.paths == ("$.max_hours_per_day",)
    with pytest.raises(InvalidDataError) as info:
        IntensityRules(hours_per_week=band, days_per_week=DaysBand(min_days=5, max_days=5), min_hours_per_day=4)
    assert info.value.paths == ("$.min_hours_per_day",)
    with pytest.raises(InvalidDataError) as info:
        IntensityRules(hours_per_week=band, min_hours_per_day=4, max_hours_per_day=3)
    assert info.value.paths == ("$.max_hours_per_day",)
    ok = IntensityRules(hours_per_week=band, min_hours_per_day=2, max_hours_per_day=4)  # TRICARE-style 2 h/day
    assert ok.min_hours_per_day == 2.0


def test_uniqueness_and_curricula_are_checked_together() -> None:
    """Duplicate track ids and curricula for components not offered are all reported."""
    evening = Track(id="evening", name="Evening", windows=WeeklyAvailability.daily("18:00", "21:00"))
    level = ASAM3.level("2.1")
    with pytest.raises(InvalidDataError) as info:
        Program.from_level(
            level, A, id="p", name="P", tracks=[evening, evening],
            components=[COMPONENTS.get("individual_counseling")], curricula=[RELAPSE_PREVENTION_BASICS],
        )  # fmt: skip
    assert set(info.value.paths) == {"$.tracks[1]", "$.curricula[0].component"}


def test_lookups() -> None:
    """component() and track() find by id; unknown ids raise UnknownCodeError."""
    evening = Track(id="evening", name="Evening")
    p = Program.from_level(ASAM3.level("2.1"), A, id="p", name="P", tracks=[evening])
    assert p.track("evening") == evening
    assert p.component("life_skills") == COMPONENTS.get("life_skills")
    with pytest.raises(UnknownCodeError):
        p.track("night")
    with pytest.raises(UnknownCodeError):
        p.component("yoga")
    with pytest.raises(InvalidDataError):
        Program.from_level("2.1", A, id="p", name="P")  # type: ignore[arg-type]


@given(ist.programs())
def test_generated_programs_respect_their_level(p: Program) -> None:
    """Every generated program's band lies inside its level's band for its population."""
    outer = p.level.hours_band(p.population)
    inner = p.intensity.hours_per_week
    assert outer is not None
    assert inner.min_hours >= outer.min_hours
    assert outer.max_hours is None or (inner.max_hours is not None and inner.max_hours <= outer.max_hours)


def test_repr_is_a_readable_summary() -> None:
    """A program's repr summarizes it instead of dumping every nested source."""
    p = Program.from_level(ASAM3.level("2.1"), A, id="adult_iop", name="Adult IOP", tracks=[Track(id="am", name="AM")])
    text = repr(p)
    assert text.startswith("Program(id='adult_iop'")
    assert "'[9, 20) h/week'" in text
    assert "['am']" in text
    assert repr(p.level) == "LevelOfCare(framework='asam3', code='2.1', name='Intensive Outpatient Services')"


P = Program.from_level(ASAM3.level("2.1"), A, id="p", name="P", tracks=[Track(id="evening", name="Evening")])


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda: P.track("night"), "$.track_id"),
        (lambda: P.component("yoga"), "$.component_id"),
        (lambda: P.offers(None), "$.component_id"),
        (lambda: Program.from_level(ASAM3.level("2.1"), "adult", id="p", name="P"), "$.population"),
        (lambda: Program.from_level(ASAM3.level("2.1"), A, id="p", name="P", tracks="evening"), "$.tracks"),
        (
            lambda: Program.from_level(ASAM3.level("2.1"), A, id="p", name="P", min_hours_per_day=10**400),
            "$.min_hours_per_day",
        ),
        (
            lambda: Program.from_level(ASAM3.level("2.1"), A, id="p", name="P", max_hours_per_day=True),
            "$.max_hours_per_day",
        ),
        (lambda: Program.from_level(ASAM3.level("2.1"), A, id="p", name="P", identifier="x"), "$.identifier"),
    ],
)
def test_bad_arguments_name_their_parameter(call: Any, path: str) -> None:
    """Unknown ids, wrong types, huge numbers, bools and misspelt keywords are refused naming the parameter."""
    with pytest.raises(InvalidDataError) as info:
        call()
    assert info.value.paths == (path,)
    assert isinstance(info.value, InvalidArgumentError | UnknownCodeError)


def test_per_day_hours_take_numpy_numbers() -> None:
    """numpy numbers count as hours per day and arrive as floats."""
    np = pytest.importorskip("numpy")
    p = Program.from_level(ASAM3.level("2.1"), A, id="p", name="P", min_hours_per_day=np.int64(2))
    assert p.intensity.min_hours_per_day == 2.0 and type(p.intensity.min_hours_per_day) is float


@pytest.mark.parametrize(
    "strategy",
    [ist.tracks(), ist.intensity_rules(), ist.programs(), st.just(P)],
    ids=["Track", "IntensityRules", "Program", "from_level"],
)
@given(data=st.data())
def test_values_pickle_to_equal_values_and_hash(strategy: st.SearchStrategy[Any], data: st.DataObject) -> None:
    """Every program value survives a pickle round trip equal, with the same hash."""
    value = data.draw(strategy)
    copy = pickle.loads(pickle.dumps(value))
    assert copy == value and hash(copy) == hash(value)


def test_a_program_built_directly_keeps_its_band_inside_the_level_band() -> None:
    """The constructor (not only from_level) refuses a band outside the level's, at $.intensity.hours_per_week."""
    with pytest.raises(InvalidDataError) as info:
        attrs.evolve(P, intensity=IntensityRules(hours_per_week=HoursBand(min_hours=9, max_hours=25)))
    assert info.value.paths == ("$.intensity.hours_per_week",)
