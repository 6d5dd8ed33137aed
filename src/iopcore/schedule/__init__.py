"""Weekly schedules: a patient's optimal week within a program's days and hours.

* :class:`WeekProblem` holds :class:`WeekRules`, the facility's :class:`Offering` s,
  the patient's availability and costs (a day cost, :class:`Preferences` and
  explicit per-offering costs).
* :func:`solve` returns a :class:`WeekSchedule` of minimum cost (exact), or raises
  :class:`~iopcore.errors.InfeasibleScheduleError` with an irreducible conflict of
  constraint groups (:data:`GROUPS`), :class:`Reason` s and a plain-language explanation.
* :func:`alternatives` gives the *k* cheapest schedules; :func:`check` validates a
  hand-made one; :func:`expand` turns a week into dated occurrences.
"""

from iopcore.errors import InfeasibleScheduleError
from iopcore.schedule._calendar import CalendarSchedule, Occurrence, ShortWeek, expand
from iopcore.schedule._check import Violation, check
from iopcore.schedule._explain import GROUPS, Reason, conflict
from iopcore.schedule._model import (
    AVOIDED_DAY_COST,
    NOT_KEPT_COST,
    OFF_TRACK_COST,
    OTHER_DAY_COST,
    OTHER_TIME_COST,
    ComponentBound,
    Offering,
    Preferences,
    TimeOfDay,
    WeekProblem,
    WeekRules,
    WeekSchedule,
)
from iopcore.schedule._solver import alternatives, solve

__all__ = [
    "AVOIDED_DAY_COST",
    "GROUPS",
    "NOT_KEPT_COST",
    "OFF_TRACK_COST",
    "OTHER_DAY_COST",
    "OTHER_TIME_COST",
    "CalendarSchedule",
    "ComponentBound",
    "InfeasibleScheduleError",
    "Occurrence",
    "Offering",
    "Preferences",
    "Reason",
    "ShortWeek",
    "TimeOfDay",
    "Violation",
    "WeekProblem",
    "WeekRules",
    "WeekSchedule",
    "alternatives",
    "check",
    "conflict",
    "expand",
    "solve",
]
