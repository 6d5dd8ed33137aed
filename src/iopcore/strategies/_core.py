"""Strategies for the foundation types (times, sources, levels, components, programs, patients)."""

from __future__ import annotations

import functools
import math
import string
from datetime import date, timedelta

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from iopcore._fields import FrozenMap
from iopcore.components import Component, ComponentCatalog, Curriculum, DeliveryMode, Role, Topic
from iopcore.errors import ErrorItem
from iopcore.levels import (
    CATALOGS,
    MOVE_POLICIES,
    CodeMapping,
    DaysBand,
    Framework,
    HoursBand,
    IntensityOrder,
    LevelCatalog,
    LevelCategory,
    LevelOfCare,
    Management,
    MovePolicy,
    OrderChoice,
    Population,
    Setting,
    Transition,
    TransitionKind,
)
from iopcore.patients import Patient
from iopcore.programs import IntensityRules, Program, Track
from iopcore.sources import Evidence, Source
from iopcore.times import (
    END_OF_DAY,
    MIDNIGHT,
    ClockTime,
    DateRange,
    Minutes,
    Weekday,
    WeeklyAvailability,
    WeeklyInterval,
)

__all__ = [
    "catalog_levels",
    "clock_times",
    "code_mappings",
    "component_catalogs",
    "components",
    "curricula",
    "date_ranges",
    "days_bands",
    "error_items",
    "frozen_maps",
    "hours_bands",
    "identifiers",
    "intensity_orders",
    "intensity_rules",
    "level_catalogs",
    "levels_of_care",
    "minutes",
    "move_policies",
    "order_choices",
    "patients",
    "programs",
    "sources",
    "texts",
    "topics",
    "tracks",
    "transitions",
    "weekly_availabilities",
    "weekly_intervals",
]

_MINUTES_PER_DAY = 1440
_MAX_HOURS = 168.0  # hours in a week: a generous, clinically neutral upper bound for generated bands


def _check_int(name: str, value: object, lo: int, hi: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise InvalidArgument(f"{name}={value!r} must be an integer between {lo} and {hi}")
    return value


# ----------------------------------------------------------------------------- text


@functools.lru_cache(maxsize=None, typed=True)
def identifiers(*, max_size: int = 24) -> st.SearchStrategy[str]:
    """snake_case ids: a lowercase letter, then lowercase letters, digits or underscores."""
    _check_int("max_size", max_size, 1, 256)
    rest = st.text(alphabet=string.ascii_lowercase + string.digits + "_", max_size=max_size - 1)
    return st.builds(lambda head, tail: head + tail, st.sampled_from(string.ascii_lowercase), rest)


@functools.lru_cache(maxsize=None, typed=True)
def texts(*, max_size: int = 40) -> st.SearchStrategy[str]:
    """Non-blank text (any Unicode letters, digits, punctuation and spaces)."""
    _check_int("max_size", max_size, 1, 10_000)
    alphabet = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
    return st.text(alphabet=alphabet, min_size=1, max_size=max_size).filter(lambda s: s.strip() != "")


@functools.lru_cache(maxsize=None, typed=True)
def _codes() -> st.SearchStrategy[str]:
    return texts(max_size=32)


def frozen_maps(
    *,
    keys: st.SearchStrategy[object] | None = None,
    values: st.SearchStrategy[object] | None = None,
    min_size: int = 0,
    max_size: int = 5,
) -> st.SearchStrategy[FrozenMap[object, object]]:
    """Read-only maps (identifier keys and integer values unless *keys* / *values* are given)."""
    _check_int("min_size", min_size, 0, 1_000)
    _check_int("max_size", max_size, min_size, 1_000)
    return st.dictionaries(
        identifiers() if keys is None else keys,
        st.integers() if values is None else values,
        min_size=min_size,
        max_size=max_size,
    ).map(FrozenMap)


# ----------------------------------------------------------------------------- times


@functools.lru_cache(maxsize=None, typed=True)
def clock_times(*, min_value: ClockTime = MIDNIGHT, max_value: ClockTime = END_OF_DAY) -> st.SearchStrategy[ClockTime]:
    """Clock times between *min_value* and *max_value* inclusive (00:00–24:00 by default)."""
    if not isinstance(min_value, ClockTime) or not isinstance(max_value, ClockTime) or max_value < min_value:
        raise InvalidArgument(f"need ClockTime bounds with min_value <= max_value, got {min_value!r}, {max_value!r}")
    ends = st.sampled_from(sorted({min_value, max_value}))
    inside = st.integers(min_value.minute_of_day, max_value.minute_of_day).map(ClockTime.from_minute_of_day)
    return st.one_of(ends, inside)


@functools.lru_cache(maxsize=None, typed=True)
def minutes(*, min_value: int = 0, max_value: int = 7 * _MINUTES_PER_DAY) -> st.SearchStrategy[Minutes]:
    """Durations from *min_value* to *max_value* minutes (a week at most by default)."""
    _check_int("min_value", min_value, 0, 10**9)
    _check_int("max_value", max_value, min_value, 10**9)
    return st.integers(min_value, max_value).map(Minutes)


@functools.lru_cache(maxsize=None, typed=True)
def weekly_intervals(
    *,
    weekdays: st.SearchStrategy[Weekday] | None = None,
    min_duration: int = 1,
    max_duration: int = _MINUTES_PER_DAY,
) -> st.SearchStrategy[WeeklyInterval]:
    """Intervals on one weekday lasting *min_duration*–*max_duration* minutes."""
    _check_int("min_duration", min_duration, 1, _MINUTES_PER_DAY)
    _check_int("max_duration", max_duration, min_duration, _MINUTES_PER_DAY)
    days = weekdays if weekdays is not None else st.sampled_from(Weekday)

    @st.composite
    def build(draw: st.DrawFn) -> WeeklyInterval:
        length = draw(st.integers(min_duration, max_duration))
        start = draw(st.integers(0, _MINUTES_PER_DAY - length))
        return WeeklyInterval(
            weekday=draw(days),
            start=ClockTime.from_minute_of_day(start),
            end=ClockTime.from_minute_of_day(start + length),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def weekly_availabilities(*, max_windows: int = 10) -> st.SearchStrategy[WeeklyAvailability]:
    """Availability from 0 to *max_windows* raw windows (merged on construction), sometimes the whole week."""
    _check_int("max_windows", max_windows, 0, 100)
    windows = st.lists(weekly_intervals(), max_size=max_windows).map(lambda ws: WeeklyAvailability(windows=tuple(ws)))
    return st.one_of(windows, st.just(WeeklyAvailability.whole_week()))


@functools.lru_cache(maxsize=None, typed=True)
def date_ranges(
    *, min_value: date = date(1900, 1, 1), max_value: date = date(2200, 12, 31), max_days: int = 3660
) -> st.SearchStrategy[DateRange]:
    """Inclusive date ranges inside ``[min_value, max_value]`` of at most *max_days* days."""
    if not isinstance(min_value, date) or not isinstance(max_value, date) or max_value < min_value:
        raise InvalidArgument("need dates with min_value <= max_value")
    _check_int("max_days", max_days, 1, 10**6)

    @st.composite
    def build(draw: st.DrawFn) -> DateRange:
        first = draw(st.dates(min_value=min_value, max_value=max_value))
        span = draw(st.integers(0, min(max_days - 1, (max_value - first).days)))
        return DateRange(first=first, last=first + timedelta(days=span))

    return build()


# ----------------------------------------------------------------------------- sources and errors


@functools.lru_cache(maxsize=None, typed=True)
def sources() -> st.SearchStrategy[Source]:
    """Citations with any evidence level, with and without URLs and notes."""
    urls = st.lists(st.builds(lambda s: "https://example.org/" + s, identifiers()), max_size=3).map(tuple)
    return st.builds(
        Source, citation=texts(), urls=urls, evidence=st.sampled_from(Evidence), note=st.one_of(st.just(""), texts())
    )


@functools.lru_cache(maxsize=None, typed=True)
def error_items() -> st.SearchStrategy[ErrorItem]:
    """Structured error items."""
    paths = st.lists(identifiers(max_size=8), max_size=3).map(lambda parts: "$" + "".join("." + p for p in parts))
    return st.builds(ErrorItem, path=paths, message=texts(), rule=identifiers(max_size=12))


# ----------------------------------------------------------------------------- levels


@functools.lru_cache(maxsize=None, typed=True)
def _hours(lo: float = 0.0, hi: float = _MAX_HOURS) -> st.SearchStrategy[float]:
    """Numbers of hours in ``[lo, hi]``: whole and half hours (as programs use) and any float."""
    floats = st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)
    first, last = math.ceil(lo * 2), math.floor(hi * 2)
    if first > last:
        return floats
    return st.one_of(st.integers(first, last).map(lambda n: n / 2), floats)


@functools.lru_cache(maxsize=None, typed=True)
def hours_bands(*, max_hours: float = _MAX_HOURS, with_source: bool | None = None) -> st.SearchStrategy[HoursBand]:
    """Half-open hours bands ``[lo, hi)`` with ``0 <= lo < hi <= max_hours`` or no upper bound."""
    if not isinstance(max_hours, int | float) or isinstance(max_hours, bool) or not 1 <= max_hours <= 10_000:
        raise InvalidArgument(f"max_hours={max_hours!r} must be a number between 1 and 10000")
    source = _maybe_source(with_source)

    @st.composite
    def build(draw: st.DrawFn) -> HoursBand:
        lo = draw(_hours(0.0, float(max_hours) - 1))
        hi = draw(st.one_of(st.none(), _hours(lo, float(max_hours)).filter(lambda x: x > lo)))
        return HoursBand(min_hours=lo, max_hours=hi, source=draw(source))

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def _maybe_source(with_source: bool | None) -> st.SearchStrategy[Source | None]:
    if with_source is None:
        return st.one_of(st.none(), sources())
    return sources() if with_source else st.none()


@functools.lru_cache(maxsize=None, typed=True)
def days_bands(*, with_source: bool | None = None) -> st.SearchStrategy[DaysBand]:
    """Closed days-per-week bands inside 1–7."""
    source = _maybe_source(with_source)

    @st.composite
    def build(draw: st.DrawFn) -> DaysBand:
        lo = draw(st.integers(1, 7))
        hi = draw(st.integers(lo, 7))
        return DaysBand(min_days=lo, max_days=hi, source=draw(source))

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def levels_of_care(
    *,
    frameworks: st.SearchStrategy[Framework] | None = None,
    codes: st.SearchStrategy[str] | None = None,
    require_band_for: Population | None = None,
) -> st.SearchStrategy[LevelOfCare]:
    """Any valid level; with *require_band_for*, the level has an hours band for that population."""
    if require_band_for is not None and not isinstance(require_band_for, Population):
        raise InvalidArgument(f"require_band_for={require_band_for!r} must be a Population or None")
    fw = frameworks if frameworks is not None else st.sampled_from(Framework)

    @st.composite
    def build(draw: st.DrawFn) -> LevelOfCare:
        populations = draw(st.sets(st.sampled_from(Population)))
        if require_band_for is not None:
            populations = populations | {require_band_for}
        bands = {p: draw(hours_bands()) for p in sorted(populations)}
        return LevelOfCare(
            code=draw(codes if codes is not None else _codes()),
            name=draw(texts()),
            framework=draw(fw),
            category=draw(st.sampled_from(LevelCategory)),
            setting=draw(st.sampled_from(Setting)),
            management=draw(st.one_of(st.none(), st.sampled_from(Management))),
            withdrawal_management=draw(st.booleans()),
            intensity=draw(_hours(0.0, 10.0)),
            hours_per_week=bands,
            days_per_week=draw(st.one_of(st.none(), days_bands())),
            source=draw(sources()),
            notes=draw(st.one_of(st.just(""), texts())),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def catalog_levels(*, catalogs: tuple[LevelCatalog, ...] = CATALOGS) -> st.SearchStrategy[LevelOfCare]:
    """Levels taken from built-in (or given) catalogs."""
    if not catalogs or not all(isinstance(c, LevelCatalog) for c in catalogs):
        raise InvalidArgument("catalogs must be a non-empty tuple of LevelCatalog")
    return st.sampled_from([lv for c in catalogs for lv in c.levels])


@functools.lru_cache(maxsize=None, typed=True)
def transitions(*, codes: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Transition]:
    """Transitions between two distinct codes."""
    c = codes if codes is not None else _codes()

    @st.composite
    def build(draw: st.DrawFn) -> Transition:
        a = draw(c)
        b = draw(c.filter(lambda x: x != a))
        return Transition(from_code=a, to_code=b, source=draw(sources()))

    return build()


def _choices_in(draw: st.DrawFn, codes: list[str]) -> tuple[OrderChoice, ...]:
    """Order choices over runs of *codes*, each in the order *codes* gives them."""
    if len(codes) < 2:
        return ()
    out = []
    for _ in range(draw(st.integers(0, 2))):
        picked = draw(st.lists(st.integers(0, len(codes) - 1), min_size=2, max_size=len(codes), unique=True))
        out.append(OrderChoice(codes=tuple(codes[i] for i in sorted(picked)), source=draw(sources())))
    return tuple(out)


@functools.lru_cache(maxsize=None, typed=True)
def order_choices() -> st.SearchStrategy[OrderChoice]:
    """Two or more distinct codes whose order is a choice, with its reasoning."""
    return st.builds(OrderChoice, codes=st.lists(_codes(), min_size=2, max_size=5, unique=True), source=sources())


@functools.lru_cache(maxsize=None, typed=True)
def intensity_orders(*, max_levels: int = 8) -> st.SearchStrategy[IntensityOrder]:
    """Orders of 1–*max_levels* distinct codes, with and without order choices among them."""
    _check_int("max_levels", max_levels, 1, 50)

    @st.composite
    def build(draw: st.DrawFn) -> IntensityOrder:
        codes = draw(st.lists(_codes(), min_size=1, max_size=max_levels, unique=True))
        return IntensityOrder(codes=tuple(codes), source=draw(sources()), choices=_choices_in(draw, codes))

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def level_catalogs(*, max_levels: int = 6, include_builtin: bool = True) -> st.SearchStrategy[LevelCatalog]:
    """Catalogs of 1–*max_levels* levels of one framework with transitions among them (and the built-ins).

    Half the generated catalogs rank their levels with an explicit :class:`~iopcore.levels.IntensityOrder`
    (any permutation of the codes); the others by the levels' numbers.
    """
    _check_int("max_levels", max_levels, 1, 50)

    @st.composite
    def build(draw: st.DrawFn) -> LevelCatalog:
        framework = draw(st.sampled_from(Framework))
        codes = draw(st.lists(_codes(), min_size=1, max_size=max_levels, unique=True))
        levels = [attrs.evolve(draw(levels_of_care()), code=c, framework=framework) for c in codes]
        pairs = [(a, b) for a in codes for b in codes if a != b]
        chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs))) if pairs else []
        moves = [Transition(from_code=a, to_code=b, source=draw(sources())) for a, b in chosen]
        order = None
        if draw(st.booleans()):
            ranked = draw(st.permutations(codes))
            order = IntensityOrder(codes=tuple(ranked), source=draw(sources()), choices=_choices_in(draw, ranked))
        return LevelCatalog(
            name=draw(texts()),
            framework=framework,
            levels=tuple(levels),
            transitions=tuple(moves),
            intensity_order=order,
            source=draw(sources()),
        )

    generated = build()
    return st.one_of(generated, st.sampled_from(CATALOGS)) if include_builtin else generated


@functools.lru_cache(maxsize=None, typed=True)
def move_policies(*, include_builtin: bool = True) -> st.SearchStrategy[MovePolicy]:
    """Move policies with any restriction (directions, a largest step, usual routes only), and the built-ins."""

    @st.composite
    def build(draw: st.DrawFn) -> MovePolicy:
        directions = draw(st.sets(st.sampled_from((TransitionKind.STEP_UP, TransitionKind.STEP_DOWN))))
        return MovePolicy(
            name=draw(texts(max_size=40)),
            directions=frozenset(directions),
            max_step=draw(st.one_of(st.none(), st.integers(1, 20))),
            usual_routes_only=draw(st.booleans()),
            source=draw(sources()),
        )

    generated = build()
    return st.one_of(generated, st.sampled_from(MOVE_POLICIES)) if include_builtin else generated


@functools.lru_cache(maxsize=None, typed=True)
def code_mappings() -> st.SearchStrategy[CodeMapping]:
    """3rd ↔ 4th edition code mappings."""
    return st.builds(
        CodeMapping, asam3=_codes(), asam4=_codes(), source=sources(), note=st.one_of(st.just(""), texts())
    )


# ----------------------------------------------------------------------------- components


@functools.lru_cache(maxsize=None, typed=True)
def components(*, ids: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Component]:
    """Components with any delivery mode and lead role, with and without a typical duration."""
    return st.builds(
        Component,
        id=ids if ids is not None else identifiers(),
        name=texts(),
        delivery=st.sampled_from(DeliveryMode),
        typical_duration=st.one_of(st.none(), minutes(min_value=0, max_value=_MINUTES_PER_DAY)),
        lead_role=st.sampled_from(Role),
        description=st.one_of(st.just(""), texts()),
        source=sources(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def _unique_components(min_size: int = 0, max_size: int = 6) -> st.SearchStrategy[tuple[Component, ...]]:
    return st.lists(components(), min_size=min_size, max_size=max_size, unique_by=lambda c: c.id).map(tuple)


@functools.lru_cache(maxsize=None, typed=True)
def component_catalogs(*, max_size: int = 6) -> st.SearchStrategy[ComponentCatalog]:
    """Catalogs of up to *max_size* components with unique ids (possibly empty)."""
    _check_int("max_size", max_size, 0, 100)
    return _unique_components(0, max_size).map(lambda cs: ComponentCatalog(components=cs))


@functools.lru_cache(maxsize=None, typed=True)
def topics() -> st.SearchStrategy[Topic]:
    """Group topics."""
    return st.builds(Topic, id=identifiers(), title=texts(), source=sources())


@functools.lru_cache(maxsize=None, typed=True)
def curricula(*, component_ids: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Curriculum]:
    """Curricula of 1–5 topics with unique ids."""
    topic_lists = st.lists(topics(), min_size=1, max_size=5, unique_by=lambda t: t.id).map(tuple)
    return st.builds(
        Curriculum,
        id=identifiers(),
        name=texts(),
        component=component_ids if component_ids is not None else identifiers(),
        topics=topic_lists,
        source=sources(),
    )


# ----------------------------------------------------------------------------- programs


@functools.lru_cache(maxsize=None, typed=True)
def tracks() -> st.SearchStrategy[Track]:
    """Program tracks, with or without session windows."""
    return st.builds(Track, id=identifiers(), name=texts(), windows=weekly_availabilities(max_windows=4))


@functools.lru_cache(maxsize=None, typed=True)
def intensity_rules(*, hours_per_week: st.SearchStrategy[HoursBand] | None = None) -> st.SearchStrategy[IntensityRules]:
    """Intensity rules whose per-day bounds can be met inside the weekly bands."""
    bands = hours_per_week if hours_per_week is not None else hours_bands()

    @st.composite
    def build(draw: st.DrawFn) -> IntensityRules:
        band = draw(bands)
        days = draw(days_bands())
        need = band.min_hours / days.max_days  # max per day must reach this
        hi_choices: list[st.SearchStrategy[float | None]] = [st.none()]
        if need <= 24:
            hi_choices.append(_hours(need, 24.0).filter(lambda x: x * days.max_days >= band.min_hours))
        hi = draw(st.one_of(*hi_choices))
        cap = 24.0 if hi is None else hi
        if band.max_hours is not None:
            cap = min(cap, band.max_hours / days.min_days)
        lo_choices: list[st.SearchStrategy[float | None]] = [st.none()]
        lo_strategy = _hours(0.0, cap).filter(lambda x: band.max_hours is None or x * days.min_days < band.max_hours)
        lo_choices.append(lo_strategy)
        lo = draw(st.one_of(*lo_choices))
        return IntensityRules(
            hours_per_week=band,
            days_per_week=days,
            min_hours_per_day=lo,
            max_hours_per_day=hi,
            source=draw(st.one_of(st.none(), sources())),
        )

    return build()


def _inner_band(outer: HoursBand) -> st.SearchStrategy[HoursBand]:
    """The band itself, or a narrower band inside it."""
    top = outer.max_hours if outer.max_hours is not None else outer.min_hours + 100

    @st.composite
    def narrower(draw: st.DrawFn) -> HoursBand:
        lo = draw(_hours(outer.min_hours, top).filter(lambda x: x < top))
        hi = draw(_hours(lo, top).filter(lambda x: x > lo))
        return HoursBand(min_hours=lo, max_hours=hi, source=outer.source)

    return st.one_of(st.just(outer), narrower())


@functools.lru_cache(maxsize=None, typed=True)
def programs() -> st.SearchStrategy[Program]:
    """Programs at any level with a band for their population, with unique tracks, components and curricula."""

    @st.composite
    def build(draw: st.DrawFn) -> Program:
        population = draw(st.sampled_from(Population))
        level = draw(st.one_of(levels_of_care(require_band_for=population), _builtin_with_band(population)))
        band = level.hours_band(population)
        assert band is not None
        intensity = draw(intensity_rules(hours_per_week=_inner_band(band)))
        comps = draw(_unique_components(1, 6))
        ids = [c.id for c in comps]
        cur = draw(st.lists(curricula(component_ids=st.sampled_from(ids)), max_size=2, unique_by=lambda c: c.id))
        track_list = draw(st.lists(tracks(), max_size=3, unique_by=lambda t: t.id))
        return Program(
            id=draw(identifiers()),
            name=draw(texts()),
            level=level,
            population=population,
            intensity=intensity,
            tracks=tuple(track_list),
            components=comps,
            curricula=tuple(cur),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def _builtin_with_band(population: Population) -> st.SearchStrategy[LevelOfCare]:
    return st.sampled_from([lv for c in CATALOGS for lv in c.levels if lv.hours_band(population) is not None])


# ----------------------------------------------------------------------------- patients


@functools.lru_cache(maxsize=None, typed=True)
def patients() -> st.SearchStrategy[Patient]:
    """Patients with and without each optional identifier."""
    return st.builds(
        Patient,
        id=texts(max_size=64),
        population=st.sampled_from(Population),
        medical_record_number=st.one_of(st.none(), texts(max_size=20)),
        given_name=st.one_of(st.none(), texts(max_size=30)),
        family_name=st.one_of(st.none(), texts(max_size=30)),
        date_of_birth=st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))),
    )
