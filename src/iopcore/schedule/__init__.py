"""Weekly schedules: a patient's optimal week within a program's days and hours.

* :class:`WeekProblem` holds :class:`WeekRules`, the facility's :class:`Offering` s,
  the patient's availability and costs (a day cost, :class:`Preferences` and
  explicit per-offering costs).
* :func:`solve` returns a :class:`WeekSchedule` of minimum cost (exact), or raises
  :class:`~iopcore.errors.InfeasibleScheduleError` with an irreducible conflict of
  constraint groups (:data:`GROUPS`), :class:`Reason` s and a plain-language explanation.
* Cohorts: :func:`solve_cohort` places a :class:`CohortProblem`'s patients into shared
  offerings with capacities (a :class:`CohortSchedule` with a proven lower bound),
  :func:`admit_to_cohort` adds one patient without moving anyone, :func:`check_cohort` validates,
  :func:`explain_unscheduled` computes reasons left ``not_computed`` by a time budget;
  a ``progress`` callback sees a :class:`CohortProgress`;
  :func:`suggest_capacity` finds the added seats or sessions that admit the most waiting patients.
* :func:`alternatives` gives the *k* cheapest schedules; :func:`check` validates a
  hand-made one; :func:`expand` turns a week into dated occurrences.
* The loop closes: :func:`match_attendance` turns a patient's expected occurrences and
  :class:`CheckIn` s into :class:`~iopcore.compliance.AttendanceRecord` s (an
  :class:`AttendanceMatch`: one :class:`SessionAttendance` per session, unmatched check-ins apart).

Every public function, method and constructor checks its arguments on entry and raises an
:mod:`iopcore.errors` exception naming them. The exceptions raised here
(:class:`~iopcore.errors.InfeasibleScheduleError`, :class:`~iopcore.errors.ClockRequiredError`,
:class:`~iopcore.errors.OrtoolsNotInstalledError`,
:class:`~iopcore.errors.HighsNotInstalledError`) live in :mod:`iopcore.errors` and are
re-exported here.
"""

from iopcore import _loaded
from iopcore.errors import (
    ClockRequiredError,
    HighsNotInstalledError,
    InfeasibleScheduleError,
    OrtoolsNotInstalledError,
)
from iopcore.schedule._attendance import (
    DEFAULT_CHECK_IN_RULES,
    AttendanceMatch,
    CheckIn,
    CheckInRules,
    SessionAttendance,
    UnmatchedCheckIn,
    UnmatchedReason,
    match_attendance,
)
from iopcore.schedule._calendar import (
    MAX_OCCURRENCE_ID_LENGTH,
    MAX_WEEKS,
    CalendarSchedule,
    Occurrence,
    ShortWeek,
    expand,
)
from iopcore.schedule._capacity import (
    AddSeats,
    AddSession,
    CapacityChange,
    CapacityReport,
    CapacitySuggestion,
    seat_changes,
    session_changes,
)
from iopcore.schedule._check import Violation, check
from iopcore.schedule._cohort import (
    BACKENDS,
    REASONS,
    Assignment,
    CohortPatient,
    CohortProblem,
    CohortSchedule,
    Enrollment,
    Occupancy,
    OfferingOccupancy,
    Unscheduled,
)
from iopcore.schedule._cohort_check import CohortViolation, check_cohort
from iopcore.schedule._cohort_solver.admit import admit_to_cohort
from iopcore.schedule._cohort_solver.budget import SOLVER_PHASES, CohortProgress
from iopcore.schedule._cohort_solver.capacity import DEFAULT_CAPACITY_WORK_LIMIT, suggest_capacity
from iopcore.schedule._cohort_solver.explanations import explain_unscheduled
from iopcore.schedule._cohort_solver.solve import DEFAULT_WORK_LIMIT, solve_cohort
from iopcore.schedule._cohort_solver.tuning import DEFAULT_TUNING, CohortTuning
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
from iopcore.schedule._week_solver.explain import GROUPS, Reason, conflict
from iopcore.schedule._week_solver.solve import alternatives, solve

__all__ = [
    "AVOIDED_DAY_COST",
    "BACKENDS",
    "DEFAULT_CAPACITY_WORK_LIMIT",
    "DEFAULT_CHECK_IN_RULES",
    "DEFAULT_TUNING",
    "DEFAULT_WORK_LIMIT",
    "GROUPS",
    "MAX_OCCURRENCE_ID_LENGTH",
    "MAX_WEEKS",
    "NOT_KEPT_COST",
    "OFF_TRACK_COST",
    "OTHER_DAY_COST",
    "OTHER_TIME_COST",
    "REASONS",
    "SOLVER_PHASES",
    "AddSeats",
    "AddSession",
    "Assignment",
    "AttendanceMatch",
    "CalendarSchedule",
    "CapacityChange",
    "CapacityReport",
    "CapacitySuggestion",
    "CheckIn",
    "CheckInRules",
    "ClockRequiredError",
    "CohortPatient",
    "CohortProblem",
    "CohortProgress",
    "CohortSchedule",
    "CohortTuning",
    "CohortViolation",
    "ComponentBound",
    "Enrollment",
    "HighsNotInstalledError",
    "InfeasibleScheduleError",
    "Occupancy",
    "Occurrence",
    "Offering",
    "OfferingOccupancy",
    "OrtoolsNotInstalledError",
    "Preferences",
    "Reason",
    "SessionAttendance",
    "ShortWeek",
    "TimeOfDay",
    "UnmatchedCheckIn",
    "UnmatchedReason",
    "Unscheduled",
    "Violation",
    "WeekProblem",
    "WeekRules",
    "WeekSchedule",
    "admit_to_cohort",
    "alternatives",
    "check",
    "check_cohort",
    "conflict",
    "expand",
    "explain_unscheduled",
    "match_attendance",
    "seat_changes",
    "session_changes",
    "solve",
    "solve_cohort",
    "suggest_capacity",
]

_loaded.loaded(__name__)  # after every definition: the Hypothesis entry point may register them now
