"""Capacity planning: changes to a cohort's capacity, and the suggestions that rank them.

A change is one more seat (or a few) on an offering, :class:`AddSeats`, or one more session,
:class:`AddSession`; :func:`seat_changes` and :func:`session_changes` list candidates. The
solver (:func:`~iopcore.schedule.suggest_capacity`, in :mod:`iopcore.schedule._cohort_solver`)
answers with a :class:`CapacityReport` of :class:`CapacitySuggestion` s.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal, final

import attrs

from iopcore import _fields as f
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError
from iopcore.schedule._cohort import CohortProblem, CohortSchedule, _most_expensive_week, schedule_mismatch
from iopcore.schedule._model import Offering
from iopcore.times import ClockTime, Weekday

__all__ = [
    "AddSeats",
    "AddSession",
    "CapacityChange",
    "CapacityReport",
    "CapacitySuggestion",
    "added_cost",
    "apply_change",
    "change_problems",
    "seat_changes",
    "session_changes",
]

_MAX_SEATS = 10_000


@final
@attrs.frozen(kw_only=True)
class AddSeats:
    """More seats on an offering the cohort already has (one by default).

    On an offering with no seat (capacity 0) it opens the session again.
    """

    kind: Literal["seats"] = attrs.field(default="seats", validator=f.literal("seats"))
    offering: str = attrs.field(validator=f.text(max_length=100))
    """The offering's id."""
    seats: int = attrs.field(default=1, converter=f.to_int, validator=f.integer(min_value=1, max_value=_MAX_SEATS))

    @f.guard
    def apply(self, problem: CohortProblem) -> CohortProblem:
        """*problem* with the change made (its offering's capacity raised)."""
        _refuse(change_problems(self, problem, "$.problem"), "AddSeats.apply")
        return _with_seats(problem, self)

    def __str__(self) -> str:
        return f"+{self.seats} seat{'s' if self.seats > 1 else ''} on {self.offering}"


@final
@attrs.frozen(kw_only=True)
class AddSession:
    """One more session: a new offering (its id new to the cohort; its ``seats`` its capacity)."""

    kind: Literal["session"] = attrs.field(default="session", validator=f.literal("session"))
    offering: Offering = attrs.field(validator=f.instance(Offering, "an Offering"))

    @classmethod
    @f.guard
    def like(
        cls,
        template: Offering,
        *,
        weekday: Weekday,
        start: ClockTime,
        id: str | None = None,
        seats: Annotated[int, f.Range(min_value=1, max_value=_MAX_SEATS)] | None = None,
    ) -> AddSession:
        """A session like *template* (its component, length, track and topic; its seats unless *seats*
        is given) on *weekday* at *start*. The facilitator is left open; *id* defaults to
        ``"<template id>@<Day>-<HHMM>"`` (``"g1@Tue-0900"``)."""
        end = start.minute_of_day + template.duration.value
        if end > 24 * 60:
            raise InvalidArgumentError(
                (
                    ErrorItem(
                        path="$.start", message="expected a start that leaves the session inside the day", rule="range"
                    ),
                ),
                callable="AddSession.like",
            )
        return cls(offering=_session(template, weekday, start.minute_of_day, id, seats))

    @f.guard
    def apply(self, problem: CohortProblem) -> CohortProblem:
        """*problem* with the change made (the new offering added after the others)."""
        _refuse(change_problems(self, problem, "$.problem"), "AddSession.apply")
        return _with_session(problem, self)

    def __str__(self) -> str:
        o = self.offering
        return f"new session {o.id} ({o.component}, {o.weekday.short} {o.start}–{o.end}, {o.seats} seats)"


CapacityChange = AddSeats | AddSession
"""A change to a cohort's capacity: :class:`AddSeats` or :class:`AddSession`."""


def _session(template: Offering, weekday: Weekday, start: int, oid: str | None, seats: int | None) -> Offering:
    """A copy of *template* on *weekday* from *start* (minutes), with *oid* or the default id."""
    begin = ClockTime.from_minute_of_day(start)
    end = ClockTime.from_minute_of_day(start + template.duration.value)
    default = f"{template.id}@{weekday.short}-{begin.hour:02d}{begin.minute:02d}"
    return Offering(
        id=default if oid is None else oid,
        component=template.component,
        weekday=weekday,
        start=begin,
        end=end,
        seats=template.seats if seats is None else seats,
        track=template.track,
        topic=template.topic,
    )


def change_problems(change: CapacityChange, problem: CohortProblem, path: str) -> list[ErrorItem]:
    """Why *change* cannot be made to *problem* (empty: it can), each at *path*.

    An :class:`AddSeats` must name an offering of the problem; an :class:`AddSession`'s
    offering must have a new id and a component every patient's rules know.
    """
    ids = {o.id for o in problem.offerings}
    if isinstance(change, AddSeats):
        if change.offering not in ids:
            return [
                ErrorItem(
                    path=path,
                    message="expected a problem with the change's offering, got one without it",
                    rule="unknown_code",
                )
            ]
        return []
    out = []
    if change.offering.id in ids:
        out.append(
            ErrorItem(
                path=path, message="expected a problem without the new session's id, got one that has it", rule="unique"
            )
        )
    catalogs = {id(p.rules.catalog): p.rules.catalog for p in problem.patients}
    if any(change.offering.component not in c.ids for c in catalogs.values()):
        out.append(
            ErrorItem(
                path=path,
                message="expected a problem whose patients' catalogs all know the new session's component, got one that does not",
                rule="unknown_code",
            )
        )
    return out


def _refuse(items: list[ErrorItem], callable_name: str) -> None:
    if items:
        raise InvalidArgumentError(items, callable=callable_name)


def added_cost(problem: CohortProblem, change: CapacityChange | None) -> int:
    """How much *change* raises the problem's default unscheduled cost (a new offering's cost to each patient)."""
    if not isinstance(change, AddSession):
        return 0
    new = (change.offering,)
    return sum(_most_expensive_week(new, p) - 7 * p.day_cost for p in problem.patients)


def _changed(problem: CohortProblem, offerings: tuple[Offering, ...], added: int = 0) -> CohortProblem:
    """*problem* over *offerings*, built without re-validating every patient's week problem.

    For a change :func:`change_problems` accepted: *offerings* are the problem's with one
    offering's seats raised, or with a new one (a new id, a component every patient's catalog
    knows) appended. Neither can break a rule the problem met, so the value equals the one
    ``attrs.evolve`` would validate (a property test compares them); the default unscheduled
    cost grows by *added* (:func:`added_cost`).
    """
    names = ("offerings", "patients", "pinned", "unscheduled_cost", "_default_unscheduled")
    values = (offerings, problem.patients, problem.pinned, problem.unscheduled_cost)
    made: CohortProblem = f.unchecked_rows(
        CohortProblem, names, [[v] for v in (*values, problem._default_unscheduled + added)]
    )[0]
    return made


def _with_seats(problem: CohortProblem, change: AddSeats) -> CohortProblem:
    """*problem* with the seats added (the change checked by :func:`change_problems`; the offering re-validated)."""
    offerings = tuple(
        attrs.evolve(o, seats=o.seats + change.seats) if o.id == change.offering else o for o in problem.offerings
    )
    return _changed(problem, offerings)


def _with_session(problem: CohortProblem, change: AddSession) -> CohortProblem:
    """*problem* with the session added (the change checked by :func:`change_problems`)."""
    return _changed(problem, (*problem.offerings, change.offering), added_cost(problem, change))


def apply_change(problem: CohortProblem, change: CapacityChange | None) -> CohortProblem:
    """*problem* with *change* made (``None``: as it is), without the argument checks."""
    if change is None:
        return problem
    if isinstance(change, AddSeats):
        return _with_seats(problem, change)
    return _with_session(problem, change)


@f.guard
def seat_changes(
    problem: CohortProblem,
    *,
    seats: Annotated[int, f.Range(min_value=1, max_value=_MAX_SEATS)] = 1,
    schedule: CohortSchedule | None = None,
) -> tuple[AddSeats, ...]:
    """*seats* more seats on each offering of *problem*, in its order.

    With *schedule* (a schedule of *problem*), only on the offerings it fills: elsewhere a
    seat is free already.
    """
    if schedule is None:
        return tuple(AddSeats(offering=o.id, seats=seats) for o in problem.offerings)
    _refuse(schedule_mismatch(schedule, problem, "$.schedule"), "seat_changes")
    taken = dict.fromkeys((o.id for o in problem.offerings), 0)
    for a in schedule.assignments:
        for s in a.sessions:
            taken[s] += 1
    placed = {a.patient for a in schedule.assignments}
    for e in problem.pinned:
        if e.patient not in placed:
            for s in e.offerings:
                taken[s] += 1
    return tuple(AddSeats(offering=o.id, seats=seats) for o in problem.offerings if taken[o.id] >= o.seats)


_WEEKDAYS = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)
_OPENS = ClockTime(8)
_CLOSES = ClockTime(20)


@f.guard
def session_changes(
    problem: CohortProblem,
    template: str,
    *,
    days: Iterable[Weekday] = _WEEKDAYS,
    opens: ClockTime = _OPENS,
    closes: ClockTime = _CLOSES,
    step: Annotated[int, f.Range(min_value=5, max_value=1440)] = 60,
    seats: Annotated[int, f.Range(min_value=1, max_value=_MAX_SEATS)] | None = None,
) -> tuple[AddSession, ...]:
    """A session like the offering *template* (see :meth:`AddSession.like`) at each free slot of a week grid.

    The grid: each of *days*, starts from *opens* every *step* minutes while the session ends
    by *closes*. A slot is free when no offering of the same component overlaps it (another
    component may run at the same time, in another room). Ids are ``"<template>@<Day>-<HHMM>"``,
    made unique against the problem's offerings; the order is by day, then start.
    """
    found = [o for o in problem.offerings if o.id == template]
    if not found:
        raise InvalidArgumentError(
            (
                ErrorItem(
                    path="$.template",
                    message="expected the id of an offering of the problem, got another str",
                    rule="unknown_code",
                ),
            ),
            callable="session_changes",
        )
    if closes <= opens:
        raise InvalidArgumentError(
            (
                ErrorItem(
                    path="$.closes", message="expected closes after opens, got an earlier or equal time", rule="order"
                ),
            ),
            callable="session_changes",
        )
    model = found[0]
    length = model.duration.value
    taken = {o.id for o in problem.offerings}
    same = [o for o in problem.offerings if o.component == model.component]
    out: list[AddSession] = []
    for day in sorted(set(days)):
        start = opens.minute_of_day
        while start + length <= closes.minute_of_day:
            end = start + length
            if not any(o.weekday == day and o.start.minute_of_day < end and start < o.end.minute_of_day for o in same):
                session = _session(model, day, start, None, seats)
                oid = session.id
                while oid in taken:
                    oid += "+"
                taken.add(oid)
                out.append(AddSession(offering=attrs.evolve(session, id=oid)))
            start += step
    return tuple(out)


def _admitted_validator(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    f.tuple_of(str, description="patient id strings")(inst, attribute, value)
    if len(set(value)) != len(value):
        raise f.fail("$.admitted", "expected each patient at most once", "unique", inst)


@final
@attrs.frozen(kw_only=True)
class CapacitySuggestion:
    """One change and what it buys: the waiting patients it admits, the new cost, the plan behind it.

    * ``change``: the :class:`AddSeats` or :class:`AddSession` (``None``: no change, the
      schedule only re-planned);
    * ``admitted``: the ids of the patients the schedule left out that the plan schedules, in
      the problem's order (an explicit export for the application: ``repr`` redacts them and
      ``str`` shows only how many);
    * ``cost``: the cohort cost of the plan with the change made;
    * ``schedule``: the plan, a :class:`~iopcore.schedule.CohortSchedule` of the changed
      problem (``change.apply(problem)``) in which every patient scheduled before is
      scheduled still (maybe in another week) and the patients left out have their reasons;
    * ``proven``: the plan is optimal among the plans of the changed problem that keep every
      scheduled patient: least cost, then the most patients scheduled (the exact small-cohort
      search found it).
    """

    change: AddSeats | AddSession | None = attrs.field(
        validator=f.optional(f.instance((AddSeats, AddSession), "an AddSeats or AddSession"))
    )
    admitted: tuple[str, ...] = f.phi_field(converter=f.to_tuple, validator=_admitted_validator)
    cost: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    schedule: CohortSchedule = attrs.field(validator=f.instance(CohortSchedule, "a CohortSchedule"))
    proven: bool = attrs.field(default=False, validator=f.boolean())

    def __attrs_post_init__(self) -> None:
        problems: list[ErrorItem] = []
        if self.cost != self.schedule.cost:
            problems.append(
                ErrorItem(path="$.cost", message="expected the schedule's cost, got another int", rule="order")
            )
        placed = {a.patient for a in self.schedule.assignments}
        if not set(self.admitted) <= placed:
            problems.append(
                ErrorItem(
                    path="$.admitted", message="expected patients the schedule schedules, got others", rule="mismatch"
                )
            )
        if problems:
            raise InvalidDataError(problems, type_name="CapacitySuggestion")

    @property
    def count(self) -> int:
        """How many waiting patients the change admits."""
        return len(self.admitted)

    def __str__(self) -> str:
        what = "re-planning, no change" if self.change is None else str(self.change)
        n = self.count
        proof = ", proven" if self.proven else ""
        return f"{what}: admits {n} waiting patient{'' if n == 1 else 's'}, cost {self.cost}{proof}"


@final
@attrs.frozen(kw_only=True)
class CapacityReport:
    """The answer of :func:`~iopcore.schedule.suggest_capacity`: the best changes, best first.

    * ``suggestions``: at most *k* changes that admit more waiting patients than re-planning
      without a change, by patients admitted (most first), then cost (least first), then the
      order the changes were given in;
    * ``replan``: what re-planning without any change admits, when it admits someone (the
      schedule was not optimal), else ``None``;
    * ``waiting``: patients the schedule leaves out; ``changes``: distinct changes given;
      ``evaluated``: changes re-solved (the others were screened out as unable to admit
      anyone, or the budget ended first);
    * ``exact``: every change was solved exactly (small cohorts), so ``suggestions`` are the
      true best *k*; ``complete``: every change was screened and, if promising, re-solved
      before the budget ended; ``work``: work units spent (single-patient searches).
    """

    suggestions: tuple[CapacitySuggestion, ...] = attrs.field(
        converter=f.to_tuple, validator=f.tuple_of(CapacitySuggestion)
    )
    replan: CapacitySuggestion | None = attrs.field(
        default=None, validator=f.optional(f.instance(CapacitySuggestion, "a CapacitySuggestion"))
    )
    waiting: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    changes: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    evaluated: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    exact: bool = attrs.field(default=False, validator=f.boolean())
    complete: bool = attrs.field(default=True, validator=f.boolean())
    work: int = attrs.field(default=0, converter=f.to_int, validator=f.integer(min_value=0))

    def __attrs_post_init__(self) -> None:
        problems: list[ErrorItem] = []
        if any(s.change is None for s in self.suggestions):
            problems.append(
                ErrorItem(path="$.suggestions", message="expected a change in every suggestion", rule="missing")
            )
        counts = [s.count for s in self.suggestions]
        if counts != sorted(counts, reverse=True):
            problems.append(
                ErrorItem(path="$.suggestions", message="expected the most patients admitted first", rule="order")
            )
        if self.replan is not None and self.replan.change is not None:
            problems.append(ErrorItem(path="$.replan", message="expected no change in the re-plan", rule="order"))
        if self.evaluated > self.changes:
            problems.append(
                ErrorItem(path="$.evaluated", message="expected at most as many as the changes, got more", rule="order")
            )
        if problems:
            raise InvalidDataError(problems, type_name="CapacityReport")

    @property
    def best(self) -> CapacitySuggestion | None:
        """The first suggestion (``None``: no change admits more than re-planning)."""
        return self.suggestions[0] if self.suggestions else None

    def __str__(self) -> str:
        head = (
            f"{self.waiting} waiting; {self.evaluated} of {self.changes} changes re-solved"
            f"{' exactly' if self.exact else ''}{'' if self.complete else ' (budget ended)'}"
        )
        lines = [head]
        if self.replan is not None:
            lines.append(str(self.replan))
        lines.extend(f"{i}. {s}" for i, s in enumerate(self.suggestions, 1))
        if not self.suggestions:
            lines.append("no change admits more waiting patients")
        return "\n".join(lines)
