"""A facility's program: level, tracks, components offered and intensity rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import final

import attrs

from iopcore import _fields as f
from iopcore import _loaded
from iopcore.components import COMPONENTS, Component, Curriculum
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError, UnknownCodeError
from iopcore.levels import DEFAULT_DAYS_PER_WEEK, DaysBand, HoursBand, LevelOfCare, Population
from iopcore.sources import Source
from iopcore.times import WeeklyAvailability

__all__ = ["IntensityRules", "Program", "Track"]


@final
@attrs.frozen(kw_only=True)
class Track:
    """A stream of a program, e.g. a morning or an evening track.

    ``windows`` is when the track's sessions take place (empty if unspecified).
    """

    id: str = attrs.field(validator=f.identifier())
    name: str = attrs.field(validator=f.text())
    windows: WeeklyAvailability = attrs.field(
        factory=WeeklyAvailability, validator=f.instance(WeeklyAvailability, "a WeeklyAvailability")
    )


@final
@attrs.frozen(kw_only=True)
class IntensityRules:
    """How much treatment a week of the program holds.

    ``hours_per_week`` is half-open ``[min, max)`` like a level's band;
    ``days_per_week`` is closed. The per-day bounds apply to each day the
    patient attends (e.g. TRICARE's minimum of 2 hours per treatment day).
    """

    hours_per_week: HoursBand = attrs.field(validator=f.instance(HoursBand, "an HoursBand"))
    days_per_week: DaysBand = attrs.field(default=DEFAULT_DAYS_PER_WEEK, validator=f.instance(DaysBand, "a DaysBand"))
    min_hours_per_day: float | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(f.to_float),
        validator=f.optional(f.number(min_value=0, max_value=24)),
    )
    max_hours_per_day: float | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(f.to_float),
        validator=f.optional(f.number(min_value=0, max_value=24)),
    )
    source: Source | None = attrs.field(default=None, validator=f.optional(f.instance(Source, "a Source")))
    """Where the per-day bounds come from (the bands carry their own sources)."""

    def __attrs_post_init__(self) -> None:
        lo, hi = self.min_hours_per_day, self.max_hours_per_day
        if lo is not None and hi is not None and hi < lo:
            raise f.fail(
                "$.max_hours_per_day",
                f"expected max_hours_per_day >= min_hours_per_day = {f.number_text(lo)}, got {f.number_text(hi)}",
                "order",
                self,
            )
        band, days = self.hours_per_week, self.days_per_week
        if hi is not None and hi * days.max_days < band.min_hours:
            raise f.fail(
                "$.max_hours_per_day",
                "expected max_hours_per_day × max days to reach the weekly minimum hours, got too small a number",
                "unreachable",
                self,
            )
        if lo is not None and band.max_hours is not None and lo * days.min_days >= band.max_hours:
            raise f.fail(
                "$.min_hours_per_day",
                "expected min_hours_per_day × min days to stay below the weekly maximum hours, got too large a number",
                "unreachable",
                self,
            )


@final
@attrs.frozen(kw_only=True)
class Program:
    """A facility's intensive outpatient program.

    Build one from a level with :meth:`from_level`, which takes the hours band
    from the level and the days band from the level's definition or the
    article's 3–5 days a week.
    """

    id: str = attrs.field(validator=f.identifier())
    name: str = attrs.field(validator=f.text())
    level: LevelOfCare = attrs.field(validator=f.instance(LevelOfCare, "a LevelOfCare"))
    population: Population = attrs.field(validator=f.enum_member(Population))
    intensity: IntensityRules = attrs.field(validator=f.instance(IntensityRules, "an IntensityRules"))
    tracks: tuple[Track, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(Track))
    components: tuple[Component, ...] = attrs.field(
        default=COMPONENTS.components, converter=f.to_tuple, validator=f.tuple_of(Component, min_length=1)
    )
    curricula: tuple[Curriculum, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(Curriculum))

    def _repr_html_(self) -> str:
        from iopcore._fields import _html as h  # on first view: the foundation's import stays light

        return h.fields_view(self, title=f"Program: {self.name}")

    def __attrs_post_init__(self) -> None:
        problems: list[ErrorItem] = []
        for items, path, what in (
            (tuple(t.id for t in self.tracks), "$.tracks", "track id"),
            (tuple(c.id for c in self.components), "$.components", "component id"),
            (tuple(c.id for c in self.curricula), "$.curricula", "curriculum id"),
        ):
            try:
                f.unique_by(items, lambda key: key, path=path, what=what)
            except InvalidDataError as exc:
                problems.extend(exc.errors)
        offered = {c.id for c in self.components}
        problems.extend(
            ErrorItem(
                path=f"$.curricula[{i}].component",
                message="expected the id of a component this program offers, got an id it does not offer",
                rule="unknown_code",
            )
            for i, cur in enumerate(self.curricula)
            if cur.component not in offered
        )
        level_band = self.level.hours_per_week.get(self.population)
        band = self.intensity.hours_per_week
        if level_band is not None and not _within(band, level_band):
            problems.append(
                ErrorItem(
                    path="$.intensity.hours_per_week",
                    message=f"expected a band inside the level's {level_band} for this population, got {band}",
                    rule="within_level",
                )
            )
        if problems:
            raise InvalidDataError(problems, type_name="Program")

    @classmethod
    @f.guard
    def from_level(
        cls,
        level: LevelOfCare,
        population: Population,
        *,
        id: str,
        name: str,
        tracks: Iterable[Track] = (),
        components: Iterable[Component] = COMPONENTS.components,
        curricula: Iterable[Curriculum] = (),
        hours_per_week: HoursBand | None = None,
        days_per_week: DaysBand | None = None,
        min_hours_per_day: float | None = None,
        max_hours_per_day: float | None = None,
        source: Source | None = None,
    ) -> Program:
        """A program at *level* for *population*.

        The hours band is the level's band for the population unless a narrower
        *hours_per_week* is given; the days band is *days_per_week*, else the
        level's own, else :data:`~iopcore.levels.DEFAULT_DAYS_PER_WEEK` (3–5).
        """
        level_band = level.hours_per_week.get(population)
        band = hours_per_week or level_band
        if band is None:
            raise InvalidArgumentError(
                (
                    ErrorItem(
                        path="$.hours_per_week",
                        message="expected an hours band: the level has none for this population, and none was given",
                        rule="missing_band",
                    ),
                ),
                callable="Program.from_level",
            )
        if level_band is not None and not _within(band, level_band):
            raise InvalidArgumentError(
                (
                    ErrorItem(
                        path="$.hours_per_week",
                        message=f"expected a band inside the level's {level_band} for this population, got {band}",
                        rule="within_level",
                    ),
                ),
                callable="Program.from_level",
            )
        intensity = IntensityRules(
            hours_per_week=band,
            days_per_week=days_per_week or level.days_per_week or DEFAULT_DAYS_PER_WEEK,
            min_hours_per_day=min_hours_per_day,
            max_hours_per_day=max_hours_per_day,
            source=source,
        )
        return cls(
            id=id,
            name=name,
            level=level,
            population=population,
            intensity=intensity,
            tracks=tuple(tracks),
            components=tuple(components),
            curricula=tuple(curricula),
        )

    def __repr__(self) -> str:
        rules = self.intensity
        return (
            f"Program(id={self.id!r}, name={self.name!r}, level={str(self.level)!r}, "
            f"population={self.population.value!r}, hours={str(rules.hours_per_week)!r}, "
            f"days={str(rules.days_per_week)!r}, tracks={[t.id for t in self.tracks]!r}, "
            f"components={list(self.component_ids)!r})"
        )

    @property
    def component_ids(self) -> tuple[str, ...]:
        """Ids of the components offered, in order."""
        return tuple(c.id for c in self.components)

    @f.guard
    def offers(self, component_id: str) -> bool:
        """Whether the program offers the component *component_id*."""
        return any(c.id == component_id for c in self.components)

    @f.guard
    def component(self, component_id: str) -> Component:
        """The offered component with *component_id* (unknown ids raise)."""
        for c in self.components:
            if c.id == component_id:
                return c
        raise UnknownCodeError(
            what="component", catalog=f"program {self.id}", known=self.component_ids, path="$.component_id"
        )

    @f.guard
    def track(self, track_id: str) -> Track:
        """The track with *track_id* (unknown ids raise)."""
        for t in self.tracks:
            if t.id == track_id:
                return t
        raise UnknownCodeError(
            what="track", catalog=f"program {self.id}", known=tuple(t.id for t in self.tracks), path="$.track_id"
        )


def _within(inner: HoursBand, outer: HoursBand) -> bool:
    if inner.min_hours < outer.min_hours:
        return False
    if outer.max_hours is None:
        return True
    return inner.max_hours is not None and inner.max_hours <= outer.max_hours


_loaded.loaded(__name__)  # after every definition: the Hypothesis entry point may register them now
