"""What a plan asks of a week: per-component session bounds and planned minutes, checked against an hours band.

This is the plan side of the plan-to-schedule link: :func:`week_problem` builds the
schedule module's :class:`~iopcore.schedule.WeekProblem` from a plan, the program,
the facility's offerings and the patient's availability in one call.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Annotated, final

import attrs

from iopcore import _fields as f
from iopcore.errors import InvalidDataError, PlanDoesNotFitError
from iopcore.levels import HoursBand
from iopcore.plans._model import Per, TreatmentPlan
from iopcore.plans._ops import _validate_plan
from iopcore.programs import Program
from iopcore.schedule import ComponentBound, Offering, Preferences, WeekProblem, WeekRules
from iopcore.times import Minutes, WeeklyAvailability

__all__ = [
    "BandFit",
    "ComponentRequirement",
    "PlanDoesNotFitError",
    "WeeklyRequirements",
    "week_problem",
    "weekly_requirements",
]


class BandFit(enum.StrEnum):
    """How a plan's weekly minutes relate to an hours band."""

    FITS = "fits"
    """The range of planned weekly minutes overlaps the band (not ruled out; the schedule decides exactly)."""
    BELOW_MINIMUM = "below_minimum"
    """Even the fullest week the plan allows is below the band's minimum."""
    ABOVE_MAXIMUM = "above_maximum"
    """Even the lightest week the plan allows reaches the band's (exclusive) maximum."""
    UNCHECKED = "unchecked"
    """No band was given."""


@final
@attrs.frozen(kw_only=True)
class ComponentRequirement:
    """How many sessions of one component a week must hold, and how many minutes they take.

    Weekly interventions fix the count; an intervention of *n* sessions a month
    allows 0 to *n* of them in any one week (iopcore does not guess how a month
    spreads over weeks).
    """

    component: str = attrs.field(validator=f.identifier())
    min_sessions: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    max_sessions: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    min_minutes: Minutes = attrs.field(validator=f.instance(Minutes, "a Minutes duration"))
    max_minutes: Minutes = attrs.field(validator=f.instance(Minutes, "a Minutes duration"))
    interventions: tuple[str, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.identifiers())
    """Ids of the plan interventions this requirement comes from."""

    def __attrs_post_init__(self) -> None:
        if self.max_sessions < self.min_sessions:
            raise f.fail(
                "$.max_sessions",
                f"expected max_sessions >= min_sessions = {f.number_text(self.min_sessions)}, "
                f"got {f.number_text(self.max_sessions)}",
                "order",
                self,
            )
        if self.max_minutes < self.min_minutes:
            raise f.fail(
                "$.max_minutes",
                f"expected max_minutes >= min_minutes = {f.number_text(self.min_minutes.value)}, "
                f"got {f.number_text(self.max_minutes.value)}",
                "order",
                self,
            )


@final
@attrs.frozen(kw_only=True)
class WeeklyRequirements:
    """A plan's weekly component bounds and, if known, the hours band they must fit."""

    components: tuple[ComponentRequirement, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(ComponentRequirement)
    )
    hours_per_week: HoursBand | None = attrs.field(
        default=None, validator=f.optional(f.instance(HoursBand, "an HoursBand"))
    )

    def __attrs_post_init__(self) -> None:
        f.unique_by(self.components, lambda c: c.component, path="$.components", what="component")

    @property
    def min_minutes(self) -> Minutes:
        """Planned minutes in the lightest week the plan allows."""
        return sum((c.min_minutes for c in self.components), Minutes(0))

    @property
    def max_minutes(self) -> Minutes:
        """Planned minutes in the fullest week the plan allows."""
        return sum((c.max_minutes for c in self.components), Minutes(0))

    @property
    def fit(self) -> BandFit:
        """How ``[min_minutes, max_minutes]`` relates to the half-open hours band.

        ``BELOW_MINIMUM`` and ``ABOVE_MAXIMUM`` are certain: no week the plan
        allows can meet the band. ``FITS`` means the range overlaps the band;
        whether a week of actual sessions lands inside is for the schedule to decide.
        """
        band = self.hours_per_week
        if band is None:
            return BandFit.UNCHECKED
        if band.max_hours is not None and self.min_minutes.value >= band.max_hours * 60:
            return BandFit.ABOVE_MAXIMUM
        if self.max_minutes.value < band.min_hours * 60:
            return BandFit.BELOW_MINIMUM
        return BandFit.FITS

    @property
    def fits(self) -> bool:
        """``True`` unless the plan is known not to fit (an unchecked plan counts as fitting)."""
        return self.fit in (BandFit.FITS, BandFit.UNCHECKED)

    @f.guard
    def require_fit(self) -> WeeklyRequirements:
        """Return ``self`` if it fits, else raise :class:`PlanDoesNotFitError`."""
        if not self.fits:
            raise _does_not_fit(self)
        return self

    @f.guard
    def requirement(self, component: str) -> ComponentRequirement | None:
        """The requirement for *component*, or ``None`` if the plan does not use it."""
        for c in self.components:
            if c.component == component:
                return c
        return None


def _does_not_fit(needs: WeeklyRequirements) -> PlanDoesNotFitError:
    """The error for requirements known not to fit their band, with the numbers that show why."""
    band = needs.hours_per_week
    assert band is not None  # a plan without a band is UNCHECKED, which fits
    return PlanDoesNotFitError(
        needs.fit,
        min_minutes=needs.min_minutes.value,
        max_minutes=needs.max_minutes.value,
        min_hours=band.min_hours,
        max_hours=band.max_hours,
        components=tuple((c.component, c.min_minutes.value, c.max_minutes.value) for c in needs.components),
    )


@f.guard
def weekly_requirements(plan: TreatmentPlan, program: Program | None = None) -> WeeklyRequirements:
    """The per-component weekly bounds of *plan*, checked against *program*'s hours band if given.

    A plan that cannot fit is *reported* through :attr:`WeeklyRequirements.fit`
    (and :meth:`~WeeklyRequirements.require_fit` raises); nothing is truncated.
    :func:`week_problem` builds the schedule's ``WeekProblem`` from this value.
    """
    return _weekly_requirements(plan, program)


def _weekly_requirements(plan: TreatmentPlan, program: Program | None) -> WeeklyRequirements:
    totals: dict[str, list[int]] = {}
    sources: dict[str, list[str]] = {}
    for iv in plan.interventions:
        n, minutes = iv.frequency.sessions, iv.minutes.value
        lo = n if iv.frequency.per is Per.WEEK else 0
        acc = totals.setdefault(iv.component, [0, 0, 0, 0])
        acc[0] += lo
        acc[1] += n
        acc[2] += lo * minutes
        acc[3] += n * minutes
        sources.setdefault(iv.component, []).append(iv.id)
    components = tuple(
        ComponentRequirement(
            component=c,
            min_sessions=t[0],
            max_sessions=t[1],
            min_minutes=Minutes(t[2]),
            max_minutes=Minutes(t[3]),
            interventions=tuple(sources[c]),
        )
        for c, t in totals.items()
    )
    band = None if program is None else program.intensity.hours_per_week
    return WeeklyRequirements(components=components, hours_per_week=band)


@f.guard
def week_problem(
    plan: TreatmentPlan,
    program: Program,
    offerings: Iterable[Offering],
    availability: WeeklyAvailability,
    *,
    day_cost: int = 0,
    preferences: Preferences | None = None,
    offering_costs: Mapping[str, int] | None = None,
    min_gap_minutes: int = 0,
    unplanned_max: Annotated[int, f.Range(min_value=0)] | None = 0,
) -> WeekProblem:
    """The week to schedule for *plan* in *program*: one call from a plan to :func:`iopcore.schedule.solve`.

    * The rules are :meth:`WeekRules.from_program <iopcore.schedule.WeekRules.from_program>`
      (the program's hours and days bands and per-day bounds) with, for each planned
      component, the session bounds of :func:`weekly_requirements`: exactly *n* for
      *n* sessions a week, 0 to *n* for *n* sessions a month.
    * Components the program offers but the plan does not name get at most
      *unplanned_max* sessions a week: 0 by default (the week holds only planned
      services); ``None`` leaves them unbounded.
    * *offerings*, *availability*, *day_cost*, *preferences* and *offering_costs*
      go to the :class:`~iopcore.schedule.WeekProblem` unchanged.

    An intervention on a component the program does not offer is an
    :class:`~iopcore.errors.InvalidDataError` at ``$.plan.interventions[i].component``; a plan
    whose interventions cannot fit the program's hours band raises
    :class:`PlanDoesNotFitError` (with ``.fit``), never a truncated week. Session
    lengths come from the offerings: the solver counts sessions, and the hours band
    is checked on the offerings chosen.
    """
    try:
        _validate_plan(plan, program=program)
    except InvalidDataError as exc:
        raise exc.under("$.plan") from None
    needs = _weekly_requirements(plan, program)
    if not needs.fits:
        raise _does_not_fit(needs)
    try:
        planned = {r.component: ComponentBound(min=r.min_sessions, max=r.max_sessions) for r in needs.components}
    except InvalidDataError as exc:
        raise exc.under("$.plan.interventions") from None
    bounds: dict[str, ComponentBound] = {}
    if unplanned_max is not None:
        try:
            unplanned = ComponentBound(min=0, max=unplanned_max)
        except InvalidDataError as exc:
            raise InvalidDataError(
                [attrs.evolve(e, path="$.unplanned_max") for e in exc.errors], type_name="week_problem"
            ) from None
        bounds = {c: unplanned for c in program.component_ids if c not in planned}
    bounds.update(planned)
    rules = WeekRules.from_program(program, components=bounds, min_gap_minutes=min_gap_minutes)
    return WeekProblem(
        rules=rules,
        offerings=offerings,
        availability=availability,
        day_cost=day_cost,
        offering_costs={} if offering_costs is None else offering_costs,
        preferences=Preferences() if preferences is None else preferences,
    )
