"""Operations on plans: validation in context, version histories, revisions and diffs."""

from __future__ import annotations

import enum
from datetime import date
from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore.episodes import Episode
from iopcore.errors import ErrorItem, InvalidDataError
from iopcore.plans._model import PlanStatus, TreatmentPlan
from iopcore.plans._policies import PlanPolicy
from iopcore.programs import Program

__all__ = [
    "ChangeKind",
    "PlanChange",
    "PlanHistory",
    "PlanSection",
    "close",
    "diff",
    "record_review",
    "revise",
    "validate_plan",
]


@f.guard
def validate_plan(
    plan: TreatmentPlan,
    *,
    program: Program | None = None,
    policy: PlanPolicy | None = None,
    episode: Episode | None = None,
) -> TreatmentPlan:
    """Check *plan* against a program, a plan policy and an episode; return it unchanged or raise.

    * every intervention names a component the *program* offers (``$.interventions[i].component``);
    * an active plan carries every signature the *policy* requires (``$.signatures``);
    * every objective is due inside the *episode* (``$.objectives[i].due``), and the plan belongs
      to the episode's patient (``$.patient_id``).

    Paths are the plan's own (the plan is what is being checked). All problems are
    reported together in one :class:`~iopcore.errors.InvalidDataError`.
    """
    return _validate_plan(plan, program=program, policy=policy, episode=episode)


def _validate_plan(
    plan: TreatmentPlan,
    *,
    program: Program | None = None,
    policy: PlanPolicy | None = None,
    episode: Episode | None = None,
) -> TreatmentPlan:
    """:func:`validate_plan` on arguments already checked."""
    problems: list[ErrorItem] = []
    if program is not None:
        offered = frozenset(program.component_ids)
        problems.extend(
            ErrorItem(
                path=f"$.interventions[{i}].component",
                message=f"expected a component program {program.id} offers, got an id it does not offer",
                rule="not_offered",
            )
            for i, iv in enumerate(plan.interventions)
            if iv.component not in offered
        )
    if policy is not None and plan.status is PlanStatus.ACTIVE:
        signed = {s.signer for s in plan.signatures}
        missing = sorted(s.value for s in policy.required_signers if s not in signed)
        if missing:
            problems.append(
                ErrorItem(
                    path="$.signatures",
                    message=f"policy {policy.id} requires signatures of {', '.join(missing)} on an active plan, "
                    "got none for them",
                    rule="signature_required",
                )
            )
    if episode is not None:
        if episode.patient_id != plan.patient_id:
            problems.append(
                ErrorItem(path="$.patient_id", message="expected the episode's patient, got another", rule="patient")
            )
        first, last = episode.admission.on, episode.last_day
        problems.extend(
            ErrorItem(
                path=f"$.objectives[{i}].due",
                message="expected a due date inside the episode (admission to discharge), got a date outside it",
                rule="outside_episode",
            )
            for i, o in enumerate(plan.objectives)
            if o.due < first or (last is not None and o.due > last)
        )
    if problems:
        raise InvalidDataError(problems, type_name="TreatmentPlan")
    return plan


# ----------------------------------------------------------------------------- history


def _versions(value: Any) -> tuple[TreatmentPlan, ...]:
    return f.to_tuple(value)


@final
@attrs.frozen(kw_only=True)
class PlanHistory:
    """The ordered versions of one plan, oldest first.

    Versions are numbered 1, 2, 3, …, share the plan id and patient, and every
    version but the last is superseded, each ending on or after its own
    effective date and on or before the next version takes effect. Build one
    with :meth:`start` and extend it with :func:`revise`; both return new values.
    """

    versions: tuple[TreatmentPlan, ...] = attrs.field(
        converter=_versions, validator=f.tuple_of(TreatmentPlan, min_length=1)
    )

    def __attrs_post_init__(self) -> None:
        problems: list[ErrorItem] = []
        first = self.versions[0]
        for i, v in enumerate(self.versions):
            if v.version != i + 1:
                problems.append(
                    _item(f"$.versions[{i}].version", f"expected version {i + 1}, got another int", "order")
                )
            if v.id != first.id:
                problems.append(_item(f"$.versions[{i}].id", "expected the first version's plan id, got another", "id"))
            if v.patient_id != first.patient_id:
                problems.append(
                    _item(f"$.versions[{i}].patient_id", "expected the first version's patient, got another", "patient")
                )
            if i < len(self.versions) - 1 and v.status is not PlanStatus.SUPERSEDED:
                problems.append(
                    _item(
                        f"$.versions[{i}].status", "expected superseded for an earlier version, got another", "status"
                    )
                )
        for i in range(1, len(self.versions)):
            before, after = self.versions[i - 1], self.versions[i]
            if after.written_on < before.written_on:
                problems.append(
                    _item(f"$.versions[{i}].written_on", "expected a date on or after the previous version's", "order")
                )
            start = after.effective_on or after.ended_on
            if before.ended_on is not None and start is not None and start < before.ended_on:
                problems.append(
                    _item(
                        f"$.versions[{i}].effective_on",
                        "expected a date on or after the previous version ended, got an earlier date",
                        "order",
                    )
                )
        if problems:
            raise InvalidDataError(problems, type_name="PlanHistory")

    @classmethod
    @f.guard
    def start(cls, plan: TreatmentPlan) -> PlanHistory:
        """A history holding *plan* as version 1 (its version number is set to 1)."""
        return cls(versions=(attrs.evolve(plan, version=1),))

    @property
    def latest(self) -> TreatmentPlan:
        """The newest version."""
        return self.versions[-1]

    @property
    def active(self) -> TreatmentPlan | None:
        """The active version, if any (only the latest can be active)."""
        return self.latest if self.latest.status is PlanStatus.ACTIVE else None

    @f.guard
    def version(self, number: int) -> TreatmentPlan:
        """Version *number* (1-based)."""
        if not 1 <= number <= len(self.versions):
            raise InvalidDataError.single(
                "$.number", f"expected a version between 1 and {len(self.versions)}, got another value", "range"
            )
        return self.versions[number - 1]

    @f.guard
    def as_of(self, day: date) -> TreatmentPlan | None:
        """The version in effect on *day*: effective on or before it and not ended before it."""
        for v in reversed(self.versions):
            if v.effective_on is not None and v.effective_on <= day and (v.ended_on is None or day < v.ended_on):
                return v
        return None

    def __len__(self) -> int:
        return len(self.versions)


def _item(path: str, message: str, rule: str) -> ErrorItem:
    return ErrorItem(path=path, message=message, rule=rule)


@f.guard
def revise(history: PlanHistory, new_plan: TreatmentPlan, *, on: date, policy: PlanPolicy | None = None) -> PlanHistory:
    """A new history whose latest version is *new_plan*, active from *on*; the previous one is superseded on *on*.

    *new_plan* gets the next version number, status active, ``effective_on=on``
    and no end date; its id and patient must match the history's (``$.new_plan.id``,
    ``$.new_plan.patient_id``). With a *policy*, the new version must carry the
    signatures the policy requires (``$.new_plan.signatures``). Neither argument is
    changed. A closed history cannot be revised.
    """
    latest = history.latest
    if latest.status is PlanStatus.CLOSED:
        raise InvalidDataError.single("$.history", "expected an open plan, got a closed one", "closed")
    if new_plan.id != latest.id:
        raise InvalidDataError.single("$.new_plan.id", "expected the history's plan id, got another", "id")
    if new_plan.patient_id != latest.patient_id:
        raise InvalidDataError.single("$.new_plan.patient_id", "expected the history's patient, got another", "patient")
    if new_plan.written_on < latest.written_on:
        raise InvalidDataError.single(
            "$.new_plan.written_on",
            "expected the new version to be written on or after the current version, got an earlier date",
            "order",
        )
    start = latest.effective_on or latest.written_on
    if on < start or on < new_plan.written_on:
        raise InvalidDataError.single(
            "$.on",
            "expected a date on or after the current version took effect and the new version was written",
            "order",
        )
    successor = attrs.evolve(
        new_plan,
        version=latest.version + 1,
        status=PlanStatus.ACTIVE,
        effective_on=on,
        ended_on=None,
    )
    if policy is not None:
        try:
            _validate_plan(successor, policy=policy)
        except InvalidDataError as exc:
            raise exc.under("$.new_plan") from None
    previous = attrs.evolve(latest, status=PlanStatus.SUPERSEDED, ended_on=on)
    return PlanHistory(versions=(*history.versions[:-1], previous, successor))


def _open_latest(history: PlanHistory, on: date) -> TreatmentPlan:
    latest = history.latest
    if latest.status is not PlanStatus.ACTIVE:
        raise InvalidDataError.single("$.history", "expected an active latest version, got another status", "status")
    assert latest.effective_on is not None  # active plans have one
    if on < latest.effective_on or (latest.last_reviewed_on is not None and on < latest.last_reviewed_on):
        raise InvalidDataError.single(
            "$.on", "expected a date on or after the plan took effect and its last review", "order"
        )
    return latest


@f.guard
def record_review(history: PlanHistory, *, on: date) -> PlanHistory:
    """A new history whose active version was reviewed on *on* without change (the review clock restarts)."""
    latest = _open_latest(history, on)
    return PlanHistory(versions=(*history.versions[:-1], attrs.evolve(latest, last_reviewed_on=on)))


@f.guard
def close(history: PlanHistory, *, on: date) -> PlanHistory:
    """A new history whose active version is closed on *on* (e.g. at discharge); it can no longer be revised."""
    latest = _open_latest(history, on)
    return PlanHistory(versions=(*history.versions[:-1], attrs.evolve(latest, status=PlanStatus.CLOSED, ended_on=on)))


# ----------------------------------------------------------------------------- diff


class PlanSection(enum.StrEnum):
    """A part of a plan that :func:`diff` reports changes in."""

    PLAN = "plan"
    """The plan's own fields (status, dates, strengths, needs, preferences, family involvement)."""
    PROBLEMS = "problems"
    GOALS = "goals"
    OBJECTIVES = "objectives"
    INTERVENTIONS = "interventions"
    SIGNATURES = "signatures"


class ChangeKind(enum.StrEnum):
    """How an item changed between two plan versions."""

    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"


@final
@attrs.frozen(kw_only=True)
class PlanChange:
    """One change between two plans: a section, the item's id (or signer), and the fields that differ."""

    section: PlanSection = attrs.field(validator=f.enum_member(PlanSection))
    item: str | None = attrs.field(default=None, validator=f.optional(f.text(max_length=64)))
    """The id of the problem, goal, objective or intervention, the signer, or ``None`` for the plan itself."""
    change: ChangeKind = attrs.field(validator=f.enum_member(ChangeKind))
    fields: tuple[str, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.identifiers())
    """For a modification, the names of the fields that differ, in declaration order."""

    def __str__(self) -> str:
        where = self.section.value if self.item is None else f"{self.section.value}[{self.item}]"
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{where} {self.change.value}{detail}"


_PLAN_FIELDS = (
    "version",
    "status",
    "written_on",
    "effective_on",
    "ended_on",
    "last_reviewed_on",
    "strengths",
    "needs",
    "preferences",
    "family_involvement",
)


def _changed_fields(old: Any, new: Any) -> tuple[str, ...]:
    return tuple(a.name for a in attrs.fields(type(old)) if getattr(old, a.name) != getattr(new, a.name))


def _diff_section(section: PlanSection, old: dict[str, Any], new: dict[str, Any]) -> list[PlanChange]:
    out = [PlanChange(section=section, item=k, change=ChangeKind.REMOVED) for k in old if k not in new]
    for k, item in new.items():
        if k not in old:
            out.append(PlanChange(section=section, item=k, change=ChangeKind.ADDED))
        elif old[k] != item:
            out.append(
                PlanChange(section=section, item=k, change=ChangeKind.MODIFIED, fields=_changed_fields(old[k], item))
            )
    return out


@f.guard
def diff(old: TreatmentPlan, new: TreatmentPlan) -> tuple[PlanChange, ...]:
    """What changed from *old* to *new*: plan fields first, then each section in order.

    Items are matched by id (signatures by signer). Removed items come before
    added and modified ones within a section. The plan id and patient are not
    compared: plans that differ only there give ``()``, as equal plans do.
    """
    out: list[PlanChange] = []
    plan_fields = tuple(n for n in _PLAN_FIELDS if getattr(old, n) != getattr(new, n))
    if plan_fields:
        out.append(PlanChange(section=PlanSection.PLAN, change=ChangeKind.MODIFIED, fields=plan_fields))
    for section in (PlanSection.PROBLEMS, PlanSection.GOALS, PlanSection.OBJECTIVES, PlanSection.INTERVENTIONS):
        out += _diff_section(
            section,
            {x.id: x for x in getattr(old, section.value)},
            {x.id: x for x in getattr(new, section.value)},
        )
    out += _diff_section(
        PlanSection.SIGNATURES,
        {s.signer.value: s for s in old.signatures},
        {s.signer.value: s for s in new.signatures},
    )
    return tuple(out)
