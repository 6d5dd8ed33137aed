"""Treatment-plan values: problems, goals, objectives, interventions, signatures, the plan."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date
from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore._fields import _html as h
from iopcore.components import Role
from iopcore.errors import ErrorItem, InvalidDataError, UnknownCodeError
from iopcore.times import Minutes

__all__ = [
    "FamilyInvolvement",
    "FindingKind",
    "Frequency",
    "Goal",
    "Intervention",
    "Objective",
    "Per",
    "PlanStatus",
    "Problem",
    "ProblemSource",
    "Signature",
    "Signer",
    "TreatmentPlan",
]


class FindingKind(enum.StrEnum):
    """What kind of assessment finding raised a problem."""

    ASAM_DIMENSION = "asam_dimension"
    """An ASAM dimension rated at elevated risk.

    ``ref`` is ``"<edition>.<dimension id>"``, e.g. ``"asam3.d5_relapse_continued_use"``.
    """
    INSTRUMENT_FLAG = "instrument_flag"
    """A result of a screening instrument: a flag, a band or a positive screen.

    ``ref`` is ``"<instrument>.<flag, band or positive>"``, e.g. ``"phq9.suicidal_ideation"``
    or ``"audit.harmful"``.
    """
    CLINICAL_JUDGEMENT = "clinical_judgement"
    """Raised by the clinician or the patient outside any rated finding; ``ref`` is a short label."""


@final
@attrs.frozen(kw_only=True)
class ProblemSource:
    """The finding a problem comes from: a kind and a reference into the assessment.

    ``ref`` is a plain string so that plans do not depend on the assessment
    module; the assessment module's dimension and flag identifiers fit here.
    """

    kind: FindingKind = attrs.field(validator=f.enum_member(FindingKind))
    ref: str = attrs.field(validator=f.text(max_length=64))


@final
@attrs.frozen(kw_only=True)
class Problem:
    """A presenting problem the plan addresses, linked to the finding that raised it."""

    id: str = attrs.field(validator=f.identifier())
    description: str = attrs.field(validator=f.text())
    source: ProblemSource = attrs.field(validator=f.instance(ProblemSource, "a ProblemSource"))


@final
@attrs.frozen(kw_only=True)
class Goal:
    """A goal in the patient's own words, serving one or more problems."""

    id: str = attrs.field(validator=f.identifier())
    statement: str = attrs.field(validator=f.text())
    """The goal as the patient says it (accreditors look for the person's own words)."""
    problems: tuple[str, ...] = attrs.field(converter=f.to_tuple, validator=f.identifiers(min_length=1))
    """Ids of the problems this goal addresses, each once."""

    def __attrs_post_init__(self) -> None:
        f.unique_by(self.problems, lambda ref: ref, path="$.problems", what="problem id")


@final
@attrs.frozen(kw_only=True)
class Objective:
    """A measurable, time-bound step toward a goal: what is measured, baseline, target, due date.

    A missing (``None``) or blank measure, or a missing due date, is an
    :class:`~iopcore.errors.InvalidDataError` at ``$.measure`` / ``$.due``.
    """

    id: str = attrs.field(validator=f.identifier())
    goal: str = attrs.field(validator=f.identifier())
    """Id of the goal this objective serves."""
    description: str = attrs.field(validator=f.text())
    measure: str = attrs.field(validator=f.text())
    """What is measured, e.g. ``"days abstinent in the past 30 days"``."""
    unit: str = attrs.field(default="", validator=f.instance(str, "a string"))
    baseline: float | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_float), validator=f.optional(f.number())
    )
    """The measure when the objective was set (``None`` if not yet measured)."""
    target: float = attrs.field(converter=f.to_float, validator=f.number())
    due: date = attrs.field(validator=f.calendar_date())
    """The date by which the target should be met."""


class Per(enum.StrEnum):
    """The period an intervention's number of sessions is counted over."""

    WEEK = "week"
    MONTH = "month"


@final
@attrs.frozen(kw_only=True)
class Frequency:
    """``sessions`` sessions per week or per calendar month."""

    sessions: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=1, max_value=100))
    per: Per = attrs.field(default=Per.WEEK, validator=f.enum_member(Per))

    def __str__(self) -> str:
        return f"{self.sessions}×/{self.per.value}"


def _is_session_length(minutes: Minutes) -> bool:
    """Whether one session can last *minutes*: at least a minute, at most a day."""
    return 1 <= minutes.value <= 1440


def _session_minutes(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    f.instance(Minutes, "a Minutes duration")(inst, attribute, value)
    if not _is_session_length(value):
        raise f.fail(
            attribute,
            f"expected a session of 1 to 1440 minutes, got {f.number_text(value.value)} minutes",
            "range",
            inst,
        )


@final
@attrs.frozen(kw_only=True)
class Intervention:
    """A service the plan prescribes: a program component, how often, how long, who, and why."""

    id: str = attrs.field(validator=f.identifier())
    component: str = attrs.field(validator=f.identifier())
    """The id of a program component (see :mod:`iopcore.components`)."""
    frequency: Frequency = attrs.field(validator=f.instance(Frequency, "a Frequency"))
    minutes: Minutes = attrs.field(validator=_session_minutes)
    """Length of each session."""
    responsible: Role = attrs.field(validator=f.enum_member(Role))
    objectives: tuple[str, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.identifiers())
    """Ids of the objectives this intervention serves, each once."""

    def __attrs_post_init__(self) -> None:
        f.unique_by(self.objectives, lambda ref: ref, path="$.objectives", what="objective id")


class Signer(enum.StrEnum):
    """Who signs a plan."""

    PATIENT = "patient"
    CLINICIAN = "clinician"
    """The staff member responsible for the plan (counselor, therapist)."""
    SUPERVISOR = "supervisor"
    """A countersigning qualified professional (e.g. Florida's countersignature by a QP)."""
    GUARDIAN = "guardian"
    """A parent or guardian, e.g. for an adolescent."""


@final
@attrs.frozen(kw_only=True)
class Signature:
    """A dated signature on a plan. The signer's name is an identifier: redacted in ``repr``."""

    signer: Signer = attrs.field(validator=f.enum_member(Signer))
    signed_on: date = attrs.field(validator=f.calendar_date())
    name: str | None = f.phi_field(default=None, validator=f.optional(f.text(max_length=200)))
    role: Role | None = attrs.field(default=None, validator=f.optional(f.enum_member(Role)))
    """The staff role of a clinician or supervisor signer."""


@final
@attrs.frozen(kw_only=True)
class FamilyInvolvement:
    """How family and friends take part in the plan (relationships only, never names)."""

    participates: bool = attrs.field(validator=f.boolean())
    relationships: tuple[str, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(str, description="relationship strings")
    )
    """E.g. ``("spouse", "sister")``."""
    notes: str = f.phi_field(default="", validator=f.instance(str, "a string"))
    """Free text about the family's part, which may name people: redacted in ``repr`` like an identifier."""


class PlanStatus(enum.StrEnum):
    """Where a plan version is in its life."""

    DRAFT = "draft"
    ACTIVE = "active"
    SUPERSEDED = "superseded"
    """Replaced by a later version (see :func:`~iopcore.plans.revise`)."""
    CLOSED = "closed"
    """Ended without a successor, e.g. at discharge."""


def _texts() -> f.Validator:
    return f.tuple_of(str, description="strings")


@final
@attrs.frozen(kw_only=True)
class TreatmentPlan:
    """One version of an individualized treatment plan.

    Cross-references are by id: goals name problems, objectives name goals,
    interventions name objectives. Ids are unique within their section.
    Dates: ``written_on`` ≤ ``effective_on`` ≤ ``ended_on``; objectives are due
    and signatures dated on or after ``written_on``. A draft has neither an
    effective nor an end date; an active plan has an effective date and no end
    date; a superseded or closed plan has an end date.
    """

    id: str = attrs.field(validator=f.identifier())
    """The plan's id, shared by all its versions."""
    patient_id: str = f.phi_field(validator=f.text(max_length=128))
    version: int = attrs.field(default=1, converter=f.to_int, validator=f.integer(min_value=1))
    status: PlanStatus = attrs.field(default=PlanStatus.DRAFT, validator=f.enum_member(PlanStatus))
    written_on: date = attrs.field(validator=f.calendar_date())
    effective_on: date | None = attrs.field(default=None, validator=f.optional(f.calendar_date()))
    ended_on: date | None = attrs.field(default=None, validator=f.optional(f.calendar_date()))
    last_reviewed_on: date | None = attrs.field(default=None, validator=f.optional(f.calendar_date()))
    problems: tuple[Problem, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(Problem))
    goals: tuple[Goal, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(Goal))
    objectives: tuple[Objective, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(Objective))
    interventions: tuple[Intervention, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(Intervention)
    )
    strengths: tuple[str, ...] = attrs.field(default=(), converter=f.to_tuple, validator=_texts())
    needs: tuple[str, ...] = attrs.field(default=(), converter=f.to_tuple, validator=_texts())
    preferences: tuple[str, ...] = attrs.field(default=(), converter=f.to_tuple, validator=_texts())
    family_involvement: FamilyInvolvement | None = attrs.field(
        default=None, validator=f.optional(f.instance(FamilyInvolvement, "a FamilyInvolvement"))
    )
    signatures: tuple[Signature, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(Signature))

    def _repr_html_(self) -> str:
        return h.fields_view(
            self,
            title=f"TreatmentPlan {self.id} v{self.version}: {len(self.problems)} problem(s), {len(self.goals)} goal(s)",
            badges={"status": lambda s: "ok" if s.value == "active" else None},
        )

    def __attrs_post_init__(self) -> None:
        problems = _plan_problems(self)
        if problems:
            raise InvalidDataError(problems, type_name="TreatmentPlan")

    # ------------------------------------------------------------------ queries

    @f.guard
    def signed_by(self, signer: Signer) -> bool:
        """Whether the plan carries a signature of *signer*."""
        return any(s.signer is signer for s in self.signatures)

    @f.guard
    def problem(self, problem_id: str) -> Problem:
        """The problem with *problem_id* (an unknown id raises :class:`~iopcore.errors.UnknownCodeError`)."""
        found: Problem = _by_id(self.problems, problem_id, "problem", "$.problem_id")
        return found

    @f.guard
    def objective(self, objective_id: str) -> Objective:
        """The objective with *objective_id* (an unknown id raises :class:`~iopcore.errors.UnknownCodeError`)."""
        found: Objective = _by_id(self.objectives, objective_id, "objective", "$.objective_id")
        return found

    @f.guard
    def intervention(self, intervention_id: str) -> Intervention:
        """The intervention with *intervention_id* (an unknown id raises :class:`~iopcore.errors.UnknownCodeError`)."""
        found: Intervention = _by_id(self.interventions, intervention_id, "intervention", "$.intervention_id")
        return found

    @property
    def component_ids(self) -> tuple[str, ...]:
        """The components the interventions name, in first-use order, once each."""
        return tuple(dict.fromkeys(i.component for i in self.interventions))

    @property
    def review_base(self) -> date:
        """The date the review clock runs from: the last review, else the effective date, else the writing date."""
        return self.last_reviewed_on or self.effective_on or self.written_on


def _by_id(items: Iterable[Any], item_id: str, what: str, path: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    raise UnknownCodeError(what=what, catalog="the plan", known=tuple(i.id for i in items), path=path)


def _unique(items: tuple[Any, ...], path: str, what: str) -> list[ErrorItem]:
    try:
        f.unique_by(items, lambda x: x.id, path=path, what=what)
    except InvalidDataError as exc:
        return list(exc.errors)
    return []


def _plan_problems(plan: TreatmentPlan) -> list[ErrorItem]:
    out: list[ErrorItem] = []
    out += _unique(plan.problems, "$.problems", "problem id")
    out += _unique(plan.goals, "$.goals", "goal id")
    out += _unique(plan.objectives, "$.objectives", "objective id")
    out += _unique(plan.interventions, "$.interventions", "intervention id")
    try:
        f.unique_by(plan.signatures, lambda s: s.signer, path="$.signatures", what="signer")
    except InvalidDataError as exc:
        out += exc.errors
    problem_ids = {p.id for p in plan.problems}
    goal_ids = {g.id for g in plan.goals}
    objective_ids = {o.id for o in plan.objectives}
    for i, g in enumerate(plan.goals):
        for j, ref in enumerate(g.problems):
            if ref not in problem_ids:
                out.append(_unknown(f"$.goals[{i}].problems[{j}]", "problem"))
    for i, o in enumerate(plan.objectives):
        if o.goal not in goal_ids:
            out.append(_unknown(f"$.objectives[{i}].goal", "goal"))
        if o.due < plan.written_on:
            out.append(
                ErrorItem(
                    path=f"$.objectives[{i}].due",
                    message="expected a due date on or after the plan's written_on, got an earlier date",
                    rule="order",
                )
            )
    for i, iv in enumerate(plan.interventions):
        for j, ref in enumerate(iv.objectives):
            if ref not in objective_ids:
                out.append(_unknown(f"$.interventions[{i}].objectives[{j}]", "objective"))
    for i, s in enumerate(plan.signatures):
        if s.signed_on < plan.written_on:
            out.append(
                ErrorItem(
                    path=f"$.signatures[{i}].signed_on",
                    message="expected a signature dated on or after the plan's written_on, got an earlier date",
                    rule="order",
                )
            )
    out += _status_problems(plan)
    return out


def _unknown(path: str, what: str) -> ErrorItem:
    return ErrorItem(
        path=path, message=f"expected the id of a {what} in this plan, got an unknown id", rule="unknown_id"
    )


def _status_problems(plan: TreatmentPlan) -> list[ErrorItem]:
    out: list[ErrorItem] = []
    st, eff, end = plan.status, plan.effective_on, plan.ended_on
    if st is PlanStatus.DRAFT and (eff is not None or end is not None):
        path = "$.effective_on" if eff is not None else "$.ended_on"
        out.append(ErrorItem(path=path, message="expected None for a draft plan, got a date", rule="status"))
    if st is PlanStatus.ACTIVE:
        if eff is None:
            out.append(
                ErrorItem(path="$.effective_on", message="expected a date for an active plan, got None", rule="status")
            )
        if end is not None:
            out.append(
                ErrorItem(path="$.ended_on", message="expected None for an active plan, got a date", rule="status")
            )
    if st in (PlanStatus.SUPERSEDED, PlanStatus.CLOSED) and end is None:
        out.append(
            ErrorItem(
                path="$.ended_on", message="expected a date for a superseded or closed plan, got None", rule="status"
            )
        )
    if eff is not None and eff < plan.written_on:
        out.append(
            ErrorItem(
                path="$.effective_on",
                message="expected a date on or after written_on, got an earlier date",
                rule="order",
            )
        )
    if end is not None and end < (eff or plan.written_on):
        out.append(
            ErrorItem(
                path="$.ended_on",
                message="expected a date on or after effective_on (or written_on), got an earlier date",
                rule="order",
            )
        )
    if plan.last_reviewed_on is not None and plan.last_reviewed_on < plan.written_on:
        out.append(
            ErrorItem(
                path="$.last_reviewed_on",
                message="expected a date on or after written_on, got an earlier date",
                rule="order",
            )
        )
    return out
