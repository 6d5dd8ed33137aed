"""An independent checker: every way a hand-made set of offerings breaks the feasibility definition.

Written straight from the definition, without sharing code with the solver, so that
it can serve as the oracle for the solver's tests.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.schedule._model import Offering, WeekProblem

__all__ = ["Violation", "check"]


@final
@attrs.frozen(kw_only=True)
class Violation:
    """One broken rule of a chosen set of offerings.

    ``group`` is a constraint group (``hours_min``, ``component:group_therapy:min``, …)
    or one of the facts ``unknown_offering``, ``duplicate``, ``seats``, ``overlap``.
    ``offering_ids`` names the offerings involved (empty for week-wide rules).
    """

    group: str = attrs.field(validator=f.text(max_length=200))
    message: str = attrs.field(validator=f.text())
    offering_ids: tuple[str, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(str, description="offering id strings")
    )

    def __str__(self) -> str:
        return f"{self.group}: {self.message}"


def _h(minutes: int) -> str:
    hours = minutes / 60
    return str(int(hours)) if hours.is_integer() else f"{hours:.2f}".rstrip("0")


@f.guard
def check(problem: WeekProblem, offering_ids: Iterable[str]) -> tuple[Violation, ...]:
    """Every violation of *problem*'s rules by choosing *offering_ids*; empty means feasible.

    Ids that name no offering and ids given twice are violations (``unknown_offering``,
    ``duplicate``), not errors: a hand-made schedule is what is being checked.
    """
    return violations(problem, offering_ids)


def violations(problem: WeekProblem, offering_ids: Iterable[str]) -> tuple[Violation, ...]:
    """:func:`check` without the argument check (for callers that check many weeks)."""
    ids = list(offering_ids)
    by_id = {o.id: o for o in problem.offerings}
    out: list[Violation] = []
    chosen: list[Offering] = []
    seen: set[str] = set()
    for i in ids:
        if i not in by_id:
            out.append(Violation(group="unknown_offering", message="no offering has this id", offering_ids=(i,)))
            continue
        if i in seen:
            out.append(Violation(group="duplicate", message="the offering is chosen twice", offering_ids=(i,)))
            continue
        seen.add(i)
        chosen.append(by_id[i])
    rules = problem.rules
    for o in chosen:
        if o.seats <= 0:
            out.append(Violation(group="seats", message="the session has no seat left", offering_ids=(o.id,)))
        if not any(
            w.weekday == o.weekday and w.start <= o.start and o.end <= w.end for w in problem.availability.windows
        ):
            out.append(
                Violation(
                    group="availability",
                    message="the session is not inside one of the patient's windows",
                    offering_ids=(o.id,),
                )
            )
    for a_index, a in enumerate(chosen):
        for b in chosen[a_index + 1 :]:
            if a.weekday != b.weekday:
                continue
            a0, a1 = a.start.minute_of_day, a.end.minute_of_day
            b0, b1 = b.start.minute_of_day, b.end.minute_of_day
            if a0 < b1 and b0 < a1:
                out.append(Violation(group="overlap", message="the sessions overlap", offering_ids=(a.id, b.id)))
            elif max(a0, b0) - min(a1, b1) < rules.min_gap_minutes:
                out.append(
                    Violation(
                        group="min_gap",
                        message=f"less than {rules.min_gap_minutes} minutes between the sessions",
                        offering_ids=(a.id, b.id),
                    )
                )
    total = sum(o.end.minute_of_day - o.start.minute_of_day for o in chosen)
    low = math.ceil(round(rules.hours_min * 60, 9))
    if total < low:
        out.append(Violation(group="hours_min", message=f"{_h(total)} hours a week; at least {_h(low)} required"))
    if rules.hours_max is not None:
        high = math.floor(round(rules.hours_max * 60, 9))
        if total > high:
            out.append(Violation(group="hours_max", message=f"{_h(total)} hours a week; at most {_h(high)} allowed"))
    per_day: dict[int, int] = {}
    for o in chosen:
        per_day[o.weekday.value] = per_day.get(o.weekday.value, 0) + o.end.minute_of_day - o.start.minute_of_day
    if len(per_day) < rules.days_min:
        out.append(Violation(group="days_min", message=f"{len(per_day)} days; at least {rules.days_min} required"))
    if len(per_day) > rules.days_max:
        out.append(Violation(group="days_max", message=f"{len(per_day)} days; at most {rules.days_max} allowed"))
    for day, minutes in sorted(per_day.items()):
        on_day = tuple(o.id for o in chosen if o.weekday.value == day)
        if rules.max_hours_per_day is not None and minutes > math.floor(round(rules.max_hours_per_day * 60, 9)):
            out.append(
                Violation(group="max_hours_per_day", message=f"{_h(minutes)} hours on one day", offering_ids=on_day)
            )
        if rules.min_hours_per_day is not None and minutes < math.ceil(round(rules.min_hours_per_day * 60, 9)):
            out.append(
                Violation(
                    group="min_hours_per_day", message=f"only {_h(minutes)} hours on one day", offering_ids=on_day
                )
            )
    for cid, bound in sorted(rules.components.items()):
        count = sum(1 for o in chosen if o.component == cid)
        if count < bound.min:
            out.append(
                Violation(group=f"component:{cid}:min", message=f"{count} sessions; at least {bound.min} required")
            )
        if bound.max is not None and count > bound.max:
            out.append(
                Violation(group=f"component:{cid}:max", message=f"{count} sessions; at most {bound.max} allowed")
            )
    return tuple(out)
