"""Why a week problem has no schedule: an irreducible conflict of constraint groups, in numbers and words."""

from __future__ import annotations

from typing import final

import attrs

from iopcore import _fields as f
from iopcore.errors import InfeasibleScheduleError
from iopcore.schedule._model import WeekProblem
from iopcore.schedule._week_solver.candidates import GROUP_AVAILABILITY, Candidates, active_groups, candidates, limits
from iopcore.schedule._week_solver.search import exists, search

__all__ = ["GROUPS", "Reason", "conflict", "infeasible_error"]

GROUPS = (
    "hours_min",
    "hours_max",
    "days_min",
    "days_max",
    "max_hours_per_day",
    "min_hours_per_day",
    "min_gap",
    "component:<id>:min",
    "component:<id>:max",
    "availability",
)
"""The vocabulary of constraint groups (``<id>`` is a component id).

Relaxing a group removes it: ``hours_min`` → 0, ``hours_max`` → none, ``days_min`` → 0,
``days_max`` → 7, the per-day bounds → none, ``min_gap`` → 0 (overlap stays banned),
component bounds → none, ``availability`` → the whole week. Seats and non-overlap are
facts and are never relaxed.
"""


@final
@attrs.frozen(kw_only=True)
class Reason:
    """One constraint group of a conflict, with its numbers.

    ``required`` is the rule's bound, ``achievable`` the best value any schedule
    reaches when this group alone is relaxed and the rest of the conflict holds
    (``None`` where no single number says it). ``unit`` is ``"hours"``, ``"days"``,
    ``"sessions"``, ``"minutes"`` or ``"offerings"``.
    """

    group: str = attrs.field(validator=f.text(max_length=200))
    required: float | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_float), validator=f.optional(f.number(min_value=0))
    )
    achievable: float | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_float), validator=f.optional(f.number(min_value=0))
    )
    unit: str = attrs.field(default="hours", validator=f.text(max_length=20))


@f.guard
def conflict(problem: WeekProblem) -> tuple[str, ...]:
    """An irreducible infeasible subset of *problem*'s constraint groups (empty if feasible).

    Deletion filter: start from every active group; drop each group, in vocabulary
    order, whose removal keeps the rest infeasible. Feasibility only grows as groups
    are relaxed, so what is left is minimal.
    """
    return _conflict(problem)


def _conflict(problem: WeekProblem) -> tuple[str, ...]:
    groups = list(active_groups(problem))
    # The candidates depend only on whether availability is relaxed: build each once.
    built: dict[bool, Candidates] = {}

    def admits(relaxed: list[str]) -> bool:
        """Whether a week exists with the groups in *relaxed* removed (as :func:`feasible`)."""
        whole_week = GROUP_AVAILABILITY in relaxed
        if whole_week not in built:
            built[whole_week] = candidates(problem, relax_availability=whole_week)
        cands = built[whole_week]
        return exists(cands, limits(problem, relaxed))

    if admits([]):
        return ()
    keep = list(groups)
    for g in groups:
        trial = [x for x in keep if x != g]
        if not admits([x for x in groups if x not in trial]):
            keep = trial
    return tuple(keep)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}".rstrip("0")


def _count(n: float, noun: str) -> str:
    """A count for a message, the noun agreeing with it: ``1 session``, ``3 sessions``, ``1 day``."""
    return f"{_num(n)} {noun}" if n == 1 else f"{_num(n)} {noun}s"


def _sessions(n: float) -> str:
    return _count(n, "session")


def _extreme(problem: WeekProblem, relaxed: list[str], what: str, sign: int, component: str = "") -> float:
    """Best value of a measure over schedules feasible with *relaxed* groups removed (sign -1: maximise)."""
    cands = candidates(problem, relax_availability=GROUP_AVAILABILITY in relaxed)
    lim = limits(problem, relaxed)
    day_cost = 0
    if what == "minutes":
        cost = [sign * (e - s) for s, e in zip(cands.start, cands.end, strict=True)]
    elif what == "days":
        cost, day_cost = [0] * len(cands.offerings), sign
    else:
        cost = [sign if o.component == component else 0 for o in cands.offerings]
    best = search(cands, lim, cost=cost, day_cost=day_cost)
    return float(sign * best[0][0][0])


def _reason(problem: WeekProblem, group: str, relaxed: list[str]) -> tuple[Reason, str]:
    r = problem.rules
    if group in ("hours_min", "hours_max"):
        sign = -1 if group == "hours_min" else 1
        got = _extreme(problem, relaxed, "minutes", sign) / 60
        if group == "hours_min":
            text = f"the sessions that can be chosen add up to at most {_num(got)} hours a week; at least {_num(r.hours_min)} are required"
            return Reason(group=group, required=r.hours_min, achievable=got), text
        top = r.hours_max or 0.0
        text = f"the shortest possible week has {_num(got)} hours; at most {_num(top)} are allowed"
        return Reason(group=group, required=top, achievable=got), text
    if group in ("days_min", "days_max"):
        sign = -1 if group == "days_min" else 1
        got = _extreme(problem, relaxed, "days", sign)
        if group == "days_min":
            text = f"the sessions that can be chosen fall on at most {_count(got, 'day')}; at least {r.days_min} are required"
            return Reason(group=group, required=r.days_min, achievable=got, unit="days"), text
        text = f"a week needs at least {_count(got, 'day')}; at most {r.days_max} are allowed"
        return Reason(group=group, required=r.days_max, achievable=got, unit="days"), text
    if group.startswith("component:"):
        _, cid, side = group.split(":")
        bound = r.components[cid]
        name = r.catalog.get(cid).name
        if side == "min":
            got = _extreme(problem, relaxed, "count", -1, cid)
            text = f"{name}: at most {_sessions(got)} can be scheduled; at least {_sessions(bound.min)} required"
            return Reason(group=group, required=bound.min, achievable=got, unit="sessions"), text
        got = _extreme(problem, relaxed, "count", 1, cid)
        text = f"{name}: a week needs at least {_sessions(got)}; at most {_sessions(bound.max or 0)} allowed"
        return Reason(group=group, required=bound.max, achievable=got, unit="sessions"), text
    if group == "max_hours_per_day":
        text = f"no day may hold more than {_num(r.max_hours_per_day or 0.0)} hours"
        return Reason(group=group, required=r.max_hours_per_day), text
    if group == "min_hours_per_day":
        text = f"each day attended must hold at least {_num(r.min_hours_per_day or 0.0)} hours"
        return Reason(group=group, required=r.min_hours_per_day), text
    if group == "min_gap":
        text = f"sessions on the same day must be at least {r.min_gap_minutes} minutes apart"
        return Reason(group=group, required=r.min_gap_minutes, unit="minutes"), text
    inside = len(candidates(problem).offerings)
    text = f"only {inside} of the {len(problem.offerings)} offered sessions lie within the patient's availability"
    return Reason(group=group, achievable=inside, unit="offerings"), text


def _explain(problem: WeekProblem) -> tuple[tuple[str, ...], tuple[Reason, ...], str]:
    """The conflict, reasons and explanation of an infeasible *problem*."""
    found = _conflict(problem)
    everything = active_groups(problem)
    reasons: list[Reason] = []
    sentences: list[str] = []
    for g in found:
        relaxed = [x for x in everything if x not in found or x == g]
        reason, text = _reason(problem, g, relaxed)
        reasons.append(reason)
        if GROUP_AVAILABILITY in found and reason.achievable is not None and g != GROUP_AVAILABILITY:
            text = "within the patient's availability, " + text
        sentences.append(text[0].upper() + text[1:] + ".")
    lead = f"No week satisfies these {len(found)} rules together." if len(found) > 1 else "No week satisfies this rule."
    return found, tuple(reasons), " ".join([lead, *sentences])


def infeasible_error(problem: WeekProblem) -> InfeasibleScheduleError:
    """The error for an infeasible *problem*, with its conflict, reasons and explanation computed now."""
    found, reasons, explanation = _explain(problem)
    return InfeasibleScheduleError(conflict=found, reasons=reasons, explanation=explanation)
