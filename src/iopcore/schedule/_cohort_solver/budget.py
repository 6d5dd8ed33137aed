"""The budget of a run: work units, a deadline by the caller's clock, and a progress callback that may stop it.

A :class:`Budget` counts work units (single-patient searches), reads the caller's clock, keeps
the best cost, bound and number scheduled reported so far, and tells the caller's
``progress`` callback (a :class:`CohortProgress` each time). Any check may raise
:class:`BudgetSpent`: the work limit is passed (only while it is enforced: the first pass and
the reasons are never cut by it), the time is up, or the callback asked to stop. Every phase
catches it where what it holds is valid, so a stop at any moment gives the best plan and bound.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import final

import attrs

from iopcore import _fields as f

__all__ = ["SOLVER_PHASES", "Budget", "BudgetSpent", "CohortProgress", "ProgressCallback"]


SOLVER_PHASES = ("prepare", "first_pass", "exact", "repair", "columns", "improve", "reasons", "done")
"""The phases of :func:`~iopcore.schedule.solve_cohort`, in the order they run (some are skipped):
grouping the patients, the first pass (each patient's week alone, then a week in the seats
left), the exact search on small cohorts, repairs of the first plan, column generation,
improvement rounds, the reasons for the patients left out, and the end."""


def _check_progress(inst: CohortProgress, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in SOLVER_PHASES:
        raise f.fail("$.phase", "expected one of the solver's phases, got another str", "one_of", inst)


@final
@attrs.frozen(kw_only=True)
class CohortProgress:
    """Where a run of :func:`~iopcore.schedule.solve_cohort` stands, as its ``progress`` callback sees it.

    * ``phase``: the phase running (one of :data:`SOLVER_PHASES`);
    * ``work`` / ``work_limit``: work units spent (single-patient searches) and the limit of the
      improvement (the first pass and the reasons may spend more);
    * ``seconds`` / ``time_limit``: seconds since the start by the caller's clock and the budget
      (``None`` without a clock or a time limit);
    * ``cost``, ``lower_bound``, ``scheduled``: the best plan found so far (its cost and how many
      patients it schedules) and the best proven lower bound. Across the calls of one run the cost
      never rises and the bound never falls; ``lower_bound <= cost``.
    * ``patients``: the cohort's size.

    ``fraction`` is the share of the budget spent (of the time limit when there is one, else of
    the work limit), for a progress bar.
    """

    phase: str = attrs.field(validator=[f.text(max_length=20), _check_progress])
    work: int = attrs.field(validator=f.integer(min_value=0))
    work_limit: int = attrs.field(validator=f.integer(min_value=0))
    seconds: float | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_float), validator=f.optional(f.number(min_value=0))
    )
    time_limit: float | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_float), validator=f.optional(f.number(min_value=0))
    )
    cost: int = attrs.field(validator=f.integer(min_value=0))
    lower_bound: int = attrs.field(validator=f.integer(min_value=0))
    scheduled: int = attrs.field(validator=f.integer(min_value=0))
    patients: int = attrs.field(validator=f.integer(min_value=0))

    def __attrs_post_init__(self) -> None:
        if self.lower_bound > self.cost:
            raise f.fail("$.lower_bound", "expected lower_bound <= cost, got a larger int", "order", self)
        if self.scheduled > self.patients:
            raise f.fail("$.scheduled", "expected scheduled <= patients, got a larger int", "order", self)

    @property
    def fraction(self) -> float:
        """The share of the budget spent, from 0 to 1 (time when limited by time, else work)."""
        if self.time_limit is not None and self.seconds is not None:
            return 1.0 if self.time_limit <= 0 else min(1.0, self.seconds / self.time_limit)
        return 1.0 if self.work_limit <= 0 else min(1.0, self.work / self.work_limit)


ProgressCallback = Callable[[CohortProgress], object]
"""A progress callback: called with a :class:`CohortProgress`; a true return value asks the run to stop."""


class BudgetSpent(Exception):
    """The work or time budget ran out, or the progress callback asked to stop (internal)."""


class Budget:
    """The budget of one run (mutable, internal): work, deadlines, the best values reported, progress.

    *time_limit* seconds by *clock* are split: the search phases end at ``(1 - reasons_share)``
    of them, the reasons for patients left out at the whole. In the reasons phase a search is
    not started when the slowest search seen so far would end past the deadline.
    """

    def __init__(
        self,
        *,
        work_limit: int,
        time_limit: float | None = None,
        clock: Callable[[], float] | None = None,
        progress: ProgressCallback | None = None,
        progress_every: int = 64,
        reasons_share: float = 0.05,
        patients: int = 0,
    ) -> None:
        self.work_limit = work_limit
        self.time_limit = time_limit if clock is not None else None
        self.clock = clock if time_limit is not None or progress is not None else None
        self.progress = progress
        self.progress_every = max(1, progress_every)
        self.patients = patients
        self.start = self.clock() if self.clock is not None else 0.0
        self.end: float | None = None if self.time_limit is None else self.start + self.time_limit
        self.search_end: float | None = (
            None if self.time_limit is None else self.start + self.time_limit * (1.0 - reasons_share)
        )
        self.deadline = self.search_end
        self.work = 0
        self.limited = False
        """Whether the work limit is enforced now (the first pass and the reasons always run to the end)."""
        self.stopped: str | None = None
        """Why the run stopped early: ``"work"``, ``"time"`` or ``"progress"`` (``None``: it did not)."""
        self.phase = "prepare"
        self.cost: int | None = None
        self.bound = 0
        self.scheduled = 0
        self.slowest = 0.0
        """The longest search seen so far (seconds), when timed."""
        self.slowest_priced = 0.0
        """The longest search with seat prices seen so far."""
        self.slowest_conflict = 0.0
        """The longest conflict search (a patient's own conflict) seen so far."""
        self._next_report = self.progress_every

    # --- checks -----------------------------------------------------------------------------

    def spend(self, priced: bool = False) -> None:
        """Count one work unit; stop past the work limit (when enforced), the deadline, or a stop request.

        *priced*: the search to come has seat prices; those can take far longer than others, so one
        is not started unless the slowest priced search seen so far would end before the deadline.
        """
        self.work += 1
        if self.limited and self.work > self.work_limit:
            self.stopped = self.stopped or "work"
            raise BudgetSpent
        if self.progress is not None and self.work >= self._next_report:
            self._next_report = self.work + self.progress_every
            self.report()
        self.tick(self.slowest_priced if priced else None)

    def tick(self, ahead: float | None = None) -> None:
        """Stop if the time is up or a stop was asked for (work is only counted by :meth:`spend`).

        *ahead*: seconds the next step may take (in the reasons phase, by default the slowest
        search seen): it is not started unless it can end before the deadline.
        """
        if self.stopped is not None:
            raise BudgetSpent
        if self.deadline is not None and self.clock is not None:
            now = self.clock()
            if ahead is None:
                ahead = self.slowest if self.phase == "reasons" else 0.0
            if now + ahead >= self.deadline:
                self.stopped = "time"
                raise BudgetSpent

    def left(self) -> bool:
        """Whether time remains before the current deadline (without stopping anything)."""
        if self.stopped is not None:
            return False
        if self.deadline is None or self.clock is None:
            return True
        return self.clock() < self.deadline

    def timed(self, seconds: float, priced: bool = False) -> None:
        """Record how long one search took (the reasons phase keeps room for the slowest)."""
        if priced:
            self.slowest_priced = max(self.slowest_priced, seconds)
        elif seconds > self.slowest:
            self.slowest = seconds

    def elapsed(self) -> float | None:
        """Seconds since the start, by the clock (``None`` without one)."""
        return None if self.clock is None else max(0.0, self.clock() - self.start)

    # --- phases and reports -----------------------------------------------------------------

    def enter(self, phase: str) -> None:
        """Start *phase*; the reasons phase runs to the end of the whole budget."""
        self.phase = phase
        if phase == "reasons":
            # The reasons have their own share of the time, and the work limit never cuts them.
            self.deadline, self.limited = self.end, False
            if self.stopped in ("time", "work"):
                self.stopped = None
        self.report()

    def found(self, cost: int, scheduled: int) -> None:
        """A plan of *cost* scheduling *scheduled* patients exists: keep it if it is the cheapest so far."""
        if self.cost is None or cost < self.cost:
            self.cost, self.scheduled = cost, scheduled

    def bounded(self, bound: int) -> None:
        """A proven lower bound: keep the largest."""
        if bound > self.bound:
            self.bound = bound

    def report(self) -> None:
        """Call the progress callback with the best values so far; a true answer stops the run."""
        if self.progress is None or self.cost is None:
            return
        answer = self.progress(
            CohortProgress(
                phase=self.phase,
                work=self.work,
                work_limit=self.work_limit,
                seconds=self.elapsed(),
                time_limit=self.time_limit,
                cost=self.cost,
                lower_bound=min(self.bound, self.cost),
                scheduled=self.scheduled,
                patients=self.patients,
            )
        )
        if answer and self.phase != "done":
            self.stopped = "progress"
