"""Cohort scheduling: a whole program's patients placed into shared sessions with capacities.

The model (:class:`CohortPatient`, :class:`Enrollment`, :class:`CohortProblem`) and the
answer (:class:`Assignment`, :class:`Unscheduled`, :class:`CohortSchedule`, the
occupancy view). The solver lives in :mod:`iopcore.schedule._cohort_solver`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, final

import attrs

from iopcore import _fields as f
from iopcore._fields import _html as h
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError, UnknownIdError
from iopcore.schedule._model import (
    Offering,
    Preferences,
    WeekProblem,
    WeekRules,
    _costs_validator,
    _find_offering,
    _int_values_validator,
    _preference_cost,
    _to_int_values,
)
from iopcore.times import WeeklyAvailability

__all__ = [
    "BACKENDS",
    "REASONS",
    "Assignment",
    "CohortPatient",
    "CohortProblem",
    "CohortSchedule",
    "Enrollment",
    "Occupancy",
    "OfferingOccupancy",
    "Unscheduled",
]

BACKENDS = ("iopcore", "ortools")
"""The solver backends: the pure-Python default and the optional OR-Tools CP-SAT one."""

REASONS = ("conflict", "capacity", "cost", "fits", "not_computed")
"""Why a patient is left out: ``conflict`` (no week exists for the patient even with every
seat free: their own rules conflict), ``capacity`` (weeks exist, but none fits the seats the
others leave), ``cost`` (a week fits, but leaving the patient out is cheaper by their
``unscheduled_cost``), ``fits`` (a week fits the seats left and costs less than leaving the
patient out: the plan could take them; :func:`~iopcore.schedule.solve_cohort` never leaves
such a patient out once it has computed their reason, a schedule stopped early by another
solver or edited by hand may), or ``not_computed``: the solver's time budget ended before
it placed or explained the patient (:func:`~iopcore.schedule.explain_unscheduled` finds the
reason later). Nothing is claimed about a ``not_computed`` patient, not even that a week
exists for them alone."""


def _patient_id() -> Any:
    return f.phi_field(validator=f.text(max_length=128))


@final
@attrs.frozen(kw_only=True)
class CohortPatient:
    """One patient of a cohort: a :class:`~iopcore.schedule.WeekProblem` without the offerings.

    ``id`` is the patient's identifier (redacted in ``repr``, never in error messages).
    ``unscheduled_cost`` overrides the problem's cost of leaving this patient out.
    """

    id: str = _patient_id()
    rules: WeekRules = attrs.field(validator=f.instance(WeekRules, "a WeekRules"))
    availability: WeeklyAvailability = attrs.field(
        factory=WeeklyAvailability.whole_week, validator=f.instance(WeeklyAvailability, "a WeeklyAvailability")
    )
    day_cost: int = attrs.field(default=0, converter=f.to_int, validator=f.integer(min_value=0))
    offering_costs: Mapping[str, int] = attrs.field(factory=dict, converter=_to_int_values, validator=_costs_validator)
    preferences: Preferences = attrs.field(factory=Preferences, validator=f.instance(Preferences, "a Preferences"))
    unscheduled_cost: int | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_int), validator=f.optional(f.integer(min_value=0))
    )

    @f.guard
    def week_problem(self, offerings: Sequence[Offering]) -> WeekProblem:
        """The patient's single-patient problem over *offerings* (their ``seats`` as given)."""
        return _week_problem(self, offerings)

    def profile(self) -> tuple[object, ...]:
        """What the patient's week depends on, without the id: equal profiles solve alike."""
        return (
            self.rules,
            tuple(sorted(self.rules.components.items())),
            self.availability,
            self.day_cost,
            tuple(sorted(self.offering_costs.items())),
            self.preferences,
        )


@final
@attrs.frozen(kw_only=True)
class Enrollment:
    """Sessions a patient already attends and keeps (pinned).

    Pinned seats stay the patient's whatever the solver does: they count against the
    offerings' capacity, and the patient's week, when scheduled, contains them.
    """

    patient: str = _patient_id()
    offerings: frozenset[str] = attrs.field(
        converter=f.to_frozenset, validator=f.frozenset_of(str, "offering ids"), repr=f.set_repr
    )


def _week_problem(patient: CohortPatient, offerings: Sequence[Offering]) -> WeekProblem:
    """:meth:`CohortPatient.week_problem` without the argument check (for inner loops)."""
    return WeekProblem(
        rules=patient.rules,
        offerings=offerings,
        availability=patient.availability,
        day_cost=patient.day_cost,
        offering_costs=patient.offering_costs,
        preferences=patient.preferences,
    )


def _trusted_week_problem(patient: CohortPatient, offerings: tuple[Offering, ...]) -> WeekProblem:
    """The patient's single-patient problem over *offerings*, built without its validators.

    Only for a patient of a :class:`CohortProblem`, whose construction validated the patient's
    problem over all its offerings (re-validating every offering per patient cost about a third
    of preparing a patient for the solver), with *offerings* that problem's or some of them in
    its order. Over some of them, ``offering_costs`` and ``preferences.keep`` may name offerings
    left out, which every inner use ignores (costs are looked up per offering). Inner use only:
    never returned to a caller.
    """
    made = object.__new__(WeekProblem)
    setter = object.__setattr__
    setter(made, "rules", patient.rules)
    setter(made, "offerings", offerings)
    setter(made, "availability", patient.availability)
    setter(made, "day_cost", patient.day_cost)
    setter(made, "offering_costs", patient.offering_costs)
    setter(made, "preferences", patient.preferences)
    return made


def _most_expensive_week(offerings: Sequence[Offering], patient: CohortPatient) -> int:
    """:meth:`CohortProblem.most_expensive_week` without the argument check."""
    prefs, extra = patient.preferences, patient.offering_costs
    return 7 * patient.day_cost + sum(_preference_cost(prefs, o) + extra.get(o.id, 0) for o in offerings)


def _check_offering_ids(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    f.tuple_of(Offering)(inst, attribute, value)
    f.unique_by(value, lambda o: o.id, path="$.offerings", what="offering id")


def _check_patients(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    f.tuple_of(CohortPatient)(inst, attribute, value)
    f.unique_by(value, lambda p: p.id, path="$.patients", what="patient id")


@final
@attrs.frozen(kw_only=True)
class CohortProblem:
    """A program's week to plan for a whole cohort.

    * ``offerings``: the shared sessions; each one's ``seats`` is its **capacity** (the
      most patients it holds; 0: closed).
    * ``patients``: the :class:`CohortPatient` s, ids unique.
    * ``pinned``: :class:`Enrollment` s, at most one per patient; pinned seats are
      reserved first, so they may not exceed an offering's capacity.
    * ``unscheduled_cost``: the cost of leaving a patient out (a patient's own
      ``unscheduled_cost`` wins). ``None`` (default): 1 + the sum over patients of
      :meth:`most_expensive_week`, which is strictly larger than the cost of every
      patient's week put together: a schedule never leaves a patient out to make the
      others' weeks cheaper, and more patients scheduled always costs less.

    Feasible: every scheduled patient's week is feasible for their own rules and keeps
    their pinned sessions; no offering holds more patients than its capacity. Cost = Σ
    unscheduled costs + Σ each scheduled patient's single-patient cost.
    """

    offerings: tuple[Offering, ...] = attrs.field(converter=f.to_tuple, validator=_check_offering_ids)
    patients: tuple[CohortPatient, ...] = attrs.field(converter=f.to_tuple, validator=_check_patients)
    pinned: tuple[Enrollment, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(Enrollment))
    unscheduled_cost: int | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_int), validator=f.optional(f.integer(min_value=0))
    )
    _default_unscheduled: int = attrs.field(init=False, default=1, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        self._validate()
        default = 1 + sum(_most_expensive_week(self.offerings, p) for p in self.patients)
        object.__setattr__(self, "_default_unscheduled", default)

    def _repr_html_(self) -> str:
        summary = h.pairs(
            [
                ("Offerings", f"{len(self.offerings)} ({sum(o.seats for o in self.offerings)} seats)"),
                ("Patients", len(self.patients)),
                ("Pinned", len(self.pinned)),
                ("Unscheduled cost", self._unscheduled_text()),
            ]
        )
        offerings = h.table(
            ["Offering", "Component", "Day", "Time", "Seats", "Track"],
            self.offerings,
            lambda o: [o.id, o.component, o.weekday.short, f"{o.start}–{o.end}", o.seats, o.track or "–"],
            what="offerings",
            caption="Offerings",
        )
        patients = h.table(
            ["#", "Patient", "Hours", "Days", "Day cost", "Preferences"],
            list(enumerate(self.patients, start=1)),
            lambda item: [
                item[0],
                f.REDACTED,
                f"{item[1].rules.hours_min:g}–{'' if item[1].rules.hours_max is None else f'{item[1].rules.hours_max:g}'}",
                f"{item[1].rules.days_min}–{item[1].rules.days_max}",
                item[1].day_cost,
                h.short(item[1].preferences),
            ],
            what="patients",
            caption="Patients",
        )
        return h.view(
            f"CohortProblem: {len(self.patients)} patients, {len(self.offerings)} offerings",
            summary,
            offerings,
            patients,
        )

    def _unscheduled_text(self) -> str:
        if self.unscheduled_cost is None:
            return f"default ({self._default_unscheduled})"
        return str(self.unscheduled_cost)

    def _validate(self) -> None:
        problems: list[ErrorItem] = []
        known_offerings = {o.id for o in self.offerings}
        for i, p in enumerate(self.patients):
            try:
                _week_problem(p, self.offerings)
            except InvalidDataError as exc:
                for item in exc.errors:
                    # An offering the patient's catalog lacks is reported at the offering.
                    problems.append(item if item.path.startswith("$.offerings") else item.under(f"$.patients[{i}]"))
        index = {p.id: i for i, p in enumerate(self.patients)}
        seen: set[str] = set()
        taken: dict[str, int] = {}
        for j, e in enumerate(self.pinned):
            if e.patient not in index:
                problems.append(
                    ErrorItem(
                        path=f"$.pinned[{j}].patient",
                        message="expected the id of a patient of the cohort, got an unknown str",
                        rule="unknown_code",
                    )
                )
            elif e.patient in seen:
                problems.append(
                    ErrorItem(path=f"$.pinned[{j}].patient", message="duplicate enrollment of a patient", rule="unique")
                )
            seen.add(e.patient)
            if any(o not in known_offerings for o in e.offerings):
                problems.append(
                    ErrorItem(
                        path=f"$.pinned[{j}].offerings",
                        message="expected ids of offerings, got a str that is not one",
                        rule="unknown_code",
                    )
                )
            for o in e.offerings:
                taken[o] = taken.get(o, 0) + 1
        problems.extend(
            ErrorItem(
                path=f"$.offerings[{i}].seats",
                message="expected a capacity at least the pinned enrollments, got a smaller int",
                rule="capacity",
            )
            for i, o in enumerate(self.offerings)
            if taken.get(o.id, 0) > o.seats
        )
        if problems:
            raise InvalidDataError(problems, type_name="CohortProblem")

    @f.guard
    def patient(self, patient_id: str) -> CohortPatient:
        """The patient with *patient_id* (:class:`~iopcore.errors.UnknownIdError`, a ``KeyError``, if absent)."""
        return self._patient(patient_id, "CohortProblem.patient")

    def _patient(self, patient_id: str, where: str) -> CohortPatient:
        for p in self.patients:
            if p.id == patient_id:
                return p
        raise UnknownIdError(what="patient", where="the cohort", path="$.patient_id", callable=where)

    @f.guard
    def pinned_for(self, patient_id: str) -> frozenset[str]:
        """The offering ids *patient_id* keeps (empty if none; :class:`~iopcore.errors.UnknownIdError` if no such patient)."""
        for e in self.pinned:
            if e.patient == patient_id:
                return e.offerings
        self._patient(patient_id, "CohortProblem.pinned_for")
        return frozenset()

    @f.guard
    def offering(self, offering_id: str) -> Offering:
        """The offering with *offering_id* (:class:`~iopcore.errors.UnknownCodeError`, a ``KeyError``, if absent)."""
        return _find_offering(self.offerings, offering_id, "the cohort's offerings")

    @f.guard
    def unscheduled_cost_for(self, patient_id: str) -> int:
        """The cost of leaving *patient_id* out (see the class docstring)."""
        return self._unscheduled_cost(self._patient(patient_id, "CohortProblem.unscheduled_cost_for"))

    @f.guard
    def unscheduled_cost_of(self, patient: CohortPatient) -> int:
        """The cost of leaving *patient* out (the patient need not belong to the problem)."""
        return self._unscheduled_cost(patient)

    def _unscheduled_cost(self, patient: CohortPatient) -> int:
        if patient.unscheduled_cost is not None:
            return patient.unscheduled_cost
        if self.unscheduled_cost is not None:
            return self.unscheduled_cost
        return self._default_unscheduled

    @property
    def default_unscheduled_cost(self) -> int:
        """1 + Σ over patients of :meth:`most_expensive_week`: more than all weeks together."""
        return self._default_unscheduled

    @f.guard
    def most_expensive_week(self, patient: CohortPatient) -> int:
        """An upper bound on the cost of any week of *patient*: 7 × day cost + every offering's cost."""
        return _most_expensive_week(self.offerings, patient)


def _sorted_ids(value: Any) -> Any:
    items = f.to_tuple(value)
    if isinstance(items, tuple) and all(isinstance(x, str) for x in items):
        return tuple(sorted(items))
    return items


@final
@attrs.frozen(kw_only=True)
class Assignment:
    """A scheduled patient's week: offering ids (sorted) and its single-patient cost."""

    patient: str = _patient_id()
    sessions: tuple[str, ...] = attrs.field(
        converter=_sorted_ids, validator=f.tuple_of(str, description="offering id strings")
    )
    cost: int = attrs.field(default=0, converter=f.to_int, validator=f.integer(min_value=0))


_needed_validator = _int_values_validator(1, "offering id to extra seats")


@final
@attrs.frozen(kw_only=True)
class Unscheduled:
    """A patient left out, with why (one of :data:`REASONS`).

    * ``conflict``: ``conflict`` holds the patient's own minimal conflict of constraint
      groups (:data:`~iopcore.schedule.GROUPS`): no week exists even with every seat free.
    * ``capacity``: ``blocking`` lists full offerings that block the patient and
      ``needed`` how many extra seats on each would admit them (from
      :func:`~iopcore.schedule.solve_cohort`: the full offerings of the patient's week known
      to the solver that needs the fewest, one seat each; not always the fewest of any week).
    * ``cost``: a week fits, but leaving the patient out costs less.
    * ``fits``: a week fits and costs less than leaving the patient out (the plan could take them).
    * ``not_computed``: the time budget ended before the solver placed or explained the
      patient; nothing is claimed (``conflict``, ``blocking`` and ``needed`` are empty). Ask
      :func:`~iopcore.schedule.explain_unscheduled` for the reason.

    ``cost`` is the patient's unscheduled cost.
    """

    patient: str = _patient_id()
    reason: str = attrs.field(validator=f.text(max_length=20))
    conflict: tuple[str, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(str, description="constraint group strings")
    )
    blocking: tuple[str, ...] = attrs.field(
        default=(), converter=_sorted_ids, validator=f.tuple_of(str, description="offering id strings")
    )
    needed: Mapping[str, int] = attrs.field(factory=dict, converter=_to_int_values, validator=_needed_validator)
    cost: int = attrs.field(default=0, converter=f.to_int, validator=f.integer(min_value=0))

    def __attrs_post_init__(self) -> None:
        if self.reason not in REASONS:
            raise f.fail("$.reason", "expected one of " + ", ".join(REASONS) + ", got another str", "one_of", self)
        if self.reason != "conflict" and self.conflict:
            raise f.fail("$.conflict", "expected no conflict groups unless the reason is conflict", "empty", self)
        if self.reason != "capacity" and self.blocking:
            raise f.fail("$.blocking", "expected no blocking offerings unless the reason is capacity", "empty", self)
        if set(self.needed) - set(self.blocking):
            raise f.fail(
                "$.needed", "expected keys among the blocking offerings, got another str", "unknown_code", self
            )

    def __str__(self) -> str:
        if self.reason == "conflict":
            return "cannot be scheduled: own rules conflict (" + ", ".join(self.conflict) + ")"
        if self.reason == "capacity":
            extra = ", ".join(f"{k} +{v}" for k, v in sorted(self.needed.items()))
            return f"waits for seats: {extra}" if extra else "waits for seats"
        if self.reason == "cost":
            return "left out: cheaper than any week that fits"
        if self.reason == "fits":
            return "left out, though a week fits the seats left"
        return "left out: the reason was not computed within the time budget"

    @property
    def computed(self) -> bool:
        """Whether the reason is known (not ``not_computed``)."""
        return self.reason != "not_computed"

    def _repr_html_(self) -> str:
        tone = "muted" if self.reason == "not_computed" else "warning"
        return h.fields_view(self, title=f"Unscheduled: {self}", badges={"reason": lambda _: tone})


@final
@attrs.frozen(kw_only=True)
class OfferingOccupancy:
    """One offering's seats in a cohort schedule: capacity, patients holding a seat, patients waiting."""

    offering: str = attrs.field(validator=f.text(max_length=100))
    capacity: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    patients: tuple[str, ...] = f.phi_field(
        converter=f.to_tuple, validator=f.tuple_of(str, description="patient id strings")
    )
    waiting: tuple[str, ...] = f.phi_field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(str, description="patient id strings")
    )

    @property
    def taken(self) -> int:
        """Seats held."""
        return len(self.patients)

    @property
    def full(self) -> bool:
        """Whether no seat is left."""
        return self.taken >= self.capacity


@final
@attrs.frozen(kw_only=True)
class Occupancy:
    """Per-offering occupancy and waitlist of a cohort schedule, as a text table or HTML.

    ``str()`` and the notebook view (``_repr_html_``) show counts only, never patient ids;
    :meth:`to_text` and :meth:`to_html` list who waits on each offering when asked to
    (``show_patients=True``), for staff who need the names.
    """

    rows: tuple[OfferingOccupancy, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(OfferingOccupancy))

    @f.guard
    def to_text(self, *, show_patients: bool = False) -> str:
        """A text table: offering, seats taken, capacity, how many wait (and, with *show_patients*, who)."""
        head = f"{'Offering':<20} {'Taken':>5} {'Cap':>4} {'Wait':>4}" + ("  Waiting" if show_patients else "")
        lines = [head, "-" * len(head)]
        for r in self.rows:
            line = f"{r.offering:<20} {r.taken:>5} {r.capacity:>4} {len(r.waiting):>4}"
            lines.append(f"{line}  {', '.join(r.waiting)}".rstrip() if show_patients else line)
        lines.append(self._summary())
        return "\n".join(lines)

    @f.guard
    def to_html(
        self, *, show_patients: bool = False, max_rows: Annotated[int, f.Range(min_value=1)] = h.MAX_ROWS
    ) -> str:
        """An HTML table like :meth:`to_text` (full offerings tinted), *max_rows* rows, then "… N more"."""
        return self._html(show_patients, max_rows)

    def _html(self, show_patients: bool, max_rows: int) -> str:
        def row(r: OfferingOccupancy) -> list[object]:
            return [r.offering, r.taken, r.capacity, len(r.waiting), *([", ".join(r.waiting)] if show_patients else [])]

        heads = ["Offering", "Taken", "Capacity", "Waiting", *(["Who waits"] if show_patients else [])]
        body = h.table(
            heads, self.rows, row, max_rows=max_rows, tone=lambda r: "violation" if r.full else None, what="offerings"
        )
        return h.view(f"Occupancy: {self._summary()}", body)

    def _summary(self) -> str:
        full = sum(1 for r in self.rows if r.full)
        return f"{len(self.rows)} offerings, {full} full"

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        return self._html(False, h.MAX_ROWS)


@final
@attrs.frozen(kw_only=True)
class CohortSchedule:
    """A cohort's plan: assignments, patients left out with reasons, cost and a proven lower bound.

    ``capacity_free_bound`` ≤ ``lower_bound`` ≤ ``cost``; ``optimal`` means the cost is
    proven minimal (``lower_bound == cost``). ``capacity_free_bound`` is Σ min(unscheduled
    cost, cheapest week alone) over the patients, those left out ``not_computed`` and those in
    ``alone_not_computed`` (scheduled, their week alone not computed: a run stopped in its first pass,
    or a capacity suggestion past its time limit; redacted in ``repr``) excepted: nothing is claimed
    about them. ``backend`` names the solver (:data:`BACKENDS`); ``work`` the work units spent.
    """

    assignments: tuple[Assignment, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(Assignment))
    unscheduled: tuple[Unscheduled, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(Unscheduled)
    )
    cost: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    lower_bound: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    capacity_free_bound: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    optimal: bool = attrs.field(default=False, validator=f.boolean())
    backend: str = attrs.field(default="iopcore", validator=f.text(max_length=20))
    work: int = attrs.field(default=0, converter=f.to_int, validator=f.integer(min_value=0))
    alone_not_computed: tuple[str, ...] = f.phi_field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(str, description="patient ids")
    )

    def __attrs_post_init__(self) -> None:
        problems: list[ErrorItem] = []
        unknown = self.alone_not_computed
        if unknown and not {a.patient for a in self.assignments}.issuperset(unknown):
            problems.append(ErrorItem(path="$.alone_not_computed", message="expected scheduled ones", rule="unknown"))
        if len(set(unknown)) != len(unknown):
            problems.append(ErrorItem(path="$.alone_not_computed", message="expected each once", rule="unique"))
        if self.capacity_free_bound > self.lower_bound:
            problems.append(
                ErrorItem(
                    path="$.lower_bound",
                    message="expected lower_bound >= capacity_free_bound, got a smaller int",
                    rule="order",
                )
            )
        if self.lower_bound > self.cost:
            problems.append(
                ErrorItem(path="$.cost", message="expected cost >= lower_bound, got a smaller int", rule="order")
            )
        if self.optimal and self.lower_bound != self.cost:
            problems.append(
                ErrorItem(path="$.optimal", message="expected lower_bound == cost when optimal", rule="order")
            )
        if self.backend not in BACKENDS:
            problems.append(
                ErrorItem(path="$.backend", message="expected iopcore or ortools, got another str", rule="one_of")
            )
        ids = [a.patient for a in self.assignments] + [u.patient for u in self.unscheduled]
        if len(set(ids)) != len(ids):
            problems.append(
                ErrorItem(path="$.unscheduled", message="expected each patient at most once", rule="unique")
            )
        if problems:
            raise InvalidDataError(problems, type_name="CohortSchedule")

    @property
    def gap(self) -> float:
        """Relative optimality gap ``(cost - lower_bound) / max(cost, 1)``."""
        return (self.cost - self.lower_bound) / max(self.cost, 1)

    @property
    def scheduled(self) -> int:
        """How many patients are scheduled."""
        return len(self.assignments)

    @f.guard
    def assignment(self, patient_id: str) -> Assignment | None:
        """The assignment of *patient_id* (``None`` if not scheduled)."""
        for a in self.assignments:
            if a.patient == patient_id:
                return a
        return None

    @f.guard
    def occupancy(self, problem: CohortProblem) -> Occupancy:
        """Per-offering seats held and who waits on it (patients blocked by capacity).

        Seats held include pinned sessions of patients left out (pinned seats stay theirs).
        *problem* must be the problem the schedule is for: the same patients, and every
        offering the schedule names.
        """
        mismatch = schedule_mismatch(self, problem, "$.problem")
        if mismatch:
            raise InvalidArgumentError(mismatch, callable="CohortSchedule.occupancy")
        holders: dict[str, list[str]] = {o.id: [] for o in problem.offerings}
        scheduled = set()
        for a in self.assignments:
            scheduled.add(a.patient)
            for s in a.sessions:
                holders.setdefault(s, []).append(a.patient)
        for e in problem.pinned:
            if e.patient not in scheduled:
                for s in sorted(e.offerings):
                    holders.setdefault(s, []).append(e.patient)
        waiting: dict[str, list[str]] = {}
        for u in self.unscheduled:
            for s in u.blocking:
                waiting.setdefault(s, []).append(u.patient)
        return Occupancy(
            rows=tuple(
                OfferingOccupancy(
                    offering=o.id,
                    capacity=o.seats,
                    patients=tuple(holders.get(o.id, ())),
                    waiting=tuple(waiting.get(o.id, ())),
                )
                for o in problem.offerings
            )
        )

    def _repr_html_(self) -> str:
        status = h.badge("optimal", "ok") if self.optimal else h.badge(f"gap {self.gap:.2%}", "warning")
        reasons = Counter(u.reason for u in self.unscheduled)
        summary = h.pairs(
            [
                ("Scheduled", self.scheduled),
                ("Unscheduled", ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())) or "0"),
                ("Cost", self.cost),
                ("Lower bound", f"{self.lower_bound} (capacity-free {self.capacity_free_bound})"),
                ("Status", status),
                ("Backend", f"{self.backend}, {self.work} work units"),
            ]
        )
        assigned = h.table(
            ["#", "Patient", "Sessions", "Cost"],
            list(enumerate(self.assignments, start=1)),
            lambda item: [item[0], f.REDACTED, h.short(item[1].sessions, max_items=8), item[1].cost],
            what="assignments",
            caption="Assignments",
        )
        left = h.table(
            ["#", "Patient", "Reason", "Why", "Cost"],
            list(enumerate(self.unscheduled, start=1)),
            lambda item: [item[0], f.REDACTED, item[1].reason, str(item[1]), item[1].cost],
            tone=lambda item: "muted" if item[1].reason == "not_computed" else "warning",
            what="patients left out",
            caption="Left out",
        )
        return h.view(f"CohortSchedule: {self}", summary, assigned, left if self.unscheduled else "")

    def __str__(self) -> str:
        status = "optimal" if self.optimal else f"gap {self.gap:.2%}"
        return (
            f"{len(self.assignments)} scheduled, {len(self.unscheduled)} unscheduled; "
            f"cost {self.cost}, lower bound {self.lower_bound} ({status}, {self.backend})"
        )


def schedule_mismatch(schedule: CohortSchedule, problem: CohortProblem, path: str) -> list[ErrorItem]:
    """Why *schedule* is not a schedule of *problem* (empty: it is), each problem once at *path*.

    A schedule of a problem lists each of the problem's patients once (scheduled or not) and
    names only the problem's offerings. Patient ids are never shown.
    """
    patients = {p.id for p in problem.patients}
    offerings = {o.id for o in problem.offerings}
    listed = [a.patient for a in schedule.assignments] + [u.patient for u in schedule.unscheduled]
    named = {s for a in schedule.assignments for s in a.sessions} | {
        b for u in schedule.unscheduled for b in u.blocking
    }
    items: list[ErrorItem] = []
    if any(p not in patients for p in listed):
        items.append(
            ErrorItem(
                path=path,
                message="expected the schedule's problem, got one without some of its patients",
                rule="mismatch",
            )
        )
    if len(patients) > len(set(listed) & patients):
        items.append(
            ErrorItem(
                path=path,
                message="expected the schedule's problem, got one with patients the schedule does not list",
                rule="mismatch",
            )
        )
    if not named <= offerings:
        items.append(
            ErrorItem(
                path=path,
                message="expected the schedule's problem, got one without some of its offerings",
                rule="mismatch",
            )
        )
    return items
