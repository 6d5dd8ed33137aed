"""The cohort solver's tuning: every number that sets how it spends its effort, as one frozen value."""

from __future__ import annotations

from typing import final

import attrs

from iopcore import _fields as f

__all__ = ["DEFAULT_TUNING", "CohortTuning"]


@final
@attrs.frozen(kw_only=True)
class CohortTuning:
    """How :func:`~iopcore.schedule.solve_cohort`'s pure-Python solver spends its effort.

    Every field has a default (the values the documentation's figures were measured with);
    any valid value gives a valid schedule with a proven bound, only speed and the answer found
    within a work limit change. Pass one to ``solve_cohort(..., tuning=...)``; make a variant
    with :func:`attrs.evolve`. See ``docs/explanation/cohort-scheduling.md`` for the phases.
    """

    price_scale: int = attrs.field(default=8, validator=f.integer(min_value=1))
    """Seat prices of the subgradient steps are in units of 1/``price_scale`` of a cost unit
    (so that multipliers need not be whole numbers)."""
    exact_max_offerings: int = attrs.field(default=12, validator=f.integer(min_value=-1, max_value=20))
    """The exact small-cohort search runs when every patient with a week alone has at most this
    many usable offerings (it enumerates all 2**n weeks of each); -1 turns it off."""
    exact_max_nodes: int = attrs.field(default=50_000, validator=f.integer(min_value=0))
    """Nodes the exact small-cohort branch and bound may visit before it gives way to the heuristic."""
    step_factor: float = attrs.field(default=1.0, converter=f.to_float, validator=f.number(min_value=0))
    """The subgradient steps' initial Polyak factor θ; the rounds run while θ is at least 0.001."""
    step_patience: int = attrs.field(default=5, validator=f.integer(min_value=1))
    """Subgradient rounds without a better bound before θ halves."""
    step_deflection: float = attrs.field(
        default=0.7, converter=f.to_float, validator=f.number(min_value=0, max_value=1, max_exclusive=True)
    )
    """Share of the previous direction kept in each subgradient step (deflection damps zig-zags)."""
    pooled_weeks: bool = attrs.field(default=True, validator=f.boolean())
    """Whether the priced greedy passes first try the best week found so far (by price) before a new search."""
    swap_options: int = attrs.field(default=8, validator=f.integer(min_value=0))
    """Replacements tried per session on a full offering when a week is repaired by swaps."""
    swap_from_patients: int = attrs.field(default=200, validator=f.integer(min_value=0))
    """Cohorts with at least this many patients repair a week that hits a full offering by swaps
    before a new search, in the first pass (faster, a little dearer)."""
    ejection_needs: int = attrs.field(default=2, validator=f.integer(min_value=0))
    """Ejection repair tries a patient left out whose cheapest week needs at most this many full
    offerings (one holder of each is moved elsewhere)."""
    calm_pass: bool = attrs.field(default=True, validator=f.boolean())
    """Whether the repair of the first plan includes the pass that breaks ties among each patient's
    cheapest weeks towards the least crowded offerings (searches with tie prices: slower)."""
    avoid_slack: float = attrs.field(default=1.0, converter=f.to_float, validator=f.number(min_value=0))
    """In the passes that steer patients off over-demanded offerings, a patient takes their cheapest week
    avoiding them if it costs at most ``1 + avoid_slack`` times their own optimum."""
    squeaky_passes: int = attrs.field(default=4, validator=f.integer(min_value=0))
    """Squeaky-wheel first passes per improvement round (each places the patients left out most
    often first; cheap, since weeks are remembered per set of full offerings)."""
    lagrangian_every: int = attrs.field(default=4, validator=f.integer(min_value=1))
    """On cohorts of more than ``columns_first_groups`` groups, a subgradient step (which prices every
    group) is taken every this many improvement rounds (every round on smaller ones)."""
    idle_rounds: int = attrs.field(default=8, validator=f.integer(min_value=1))
    """Once the subgradient steps are spent, improvement rounds go on until this many in a row gain nothing."""
    lns_moves: int = attrs.field(default=4, validator=f.integer(min_value=0))
    """Large neighbourhood moves (refilling a full offering in a random order) per improvement round."""
    subset_size: int = attrs.field(default=3, validator=f.integer(min_value=1))
    """Patients re-placed together, exactly, by one subset move (at first, and after a round that gains)."""
    subset_size_max: int = attrs.field(default=6, validator=f.integer(min_value=1))
    """The largest subset move: sets grow by one patient per round without a cheaper plan, up to this."""
    subset_wish_every: int = attrs.field(default=2, validator=f.integer(min_value=1))
    """Of every this many subset moves, all but one start from a patient's wish list (the offerings
    their cheapest week needs), the other from a full offering; 1: none start from a wish list."""
    subset_moves: int = attrs.field(default=64, validator=f.integer(min_value=0))
    """Subset moves per improvement round (at most: they also stop at their share of the work)."""
    subset_moves_first: int = attrs.field(default=64, validator=f.integer(min_value=0))
    """Subset moves before the first improvement round."""
    subset_share_min: float = attrs.field(
        default=0.125, converter=f.to_float, validator=f.number(min_value=0, max_value=1)
    )
    """The least share of a round's other work that its subset moves get (the share starts at 1,
    doubles when the moves gain more per unit of work than the rest of the round, halves when less)."""
    subset_work_min: int = attrs.field(default=50, validator=f.integer(min_value=0))
    """The least work units a round's subset moves may spend, whatever their share."""
    subset_nodes: int = attrs.field(default=100, validator=f.integer(min_value=0))
    """Nodes one subset move's branch and bound may create, per patient of the set."""
    crowding_max: int = attrs.field(default=20, validator=f.integer(min_value=0))
    """The largest crowding of an offering in the second first pass (reached at twice its seats):
    the tie-break that steers patients among their cheapest weeks to the least crowded offerings."""
    cheapest_weeks: int = attrs.field(default=32, validator=f.integer(min_value=0))
    """Weeks at a group's own optimum kept besides the first: one avoiding the closed offerings is
    a best week there without a search."""
    day_cache_size: int = attrs.field(default=2048, validator=f.integer(min_value=0))
    """Day patterns a group keeps between searches (the cache is emptied when it holds more:
    this bounds memory on long runs)."""
    columns_price_scale: int = attrs.field(default=1 << 16, validator=f.integer(min_value=1))
    """Seat prices from the master problem's duals are in units of 1/``columns_price_scale`` of a cost unit."""
    columns_first_groups: int = attrs.field(default=48, validator=f.integer(min_value=0))
    """Cohorts with at most this many groups (patients with identical profiles, with a week alone)
    start the improvement with column generation, skipping the second first pass and the repair."""
    columns_max_groups: int | None = attrs.field(default=None, validator=f.optional(f.integer(min_value=0)))
    """Cohorts with more groups never run column generation (``None``: no limit; the master's cost
    grows with its capacity rows, not with its groups); above ``columns_first_groups`` it runs
    after the first subset moves."""
    columns_max_rows: int | None = attrs.field(default=None, validator=f.optional(f.integer(min_value=0)))
    """Column generation stops when the master problem outgrows this many capacity rows. ``None``:
    the LP solver's own limit, 400 for the pure-Python master (the dense inverse of its working
    basis grows with the square of them) and none for HiGHS."""
    columns_batch: int = attrs.field(default=20, validator=f.integer(min_value=1))
    """Column generation solves the master again after every (groups / ``columns_batch``) new weeks
    (after each one on cohorts of fewer groups)."""
    columns_smoothing: float = attrs.field(
        default=0.5, converter=f.to_float, validator=f.number(min_value=0, max_value=1, max_exclusive=True)
    )
    """Column generation prices the groups this share of the way from the master's prices to those of
    the best bound so far (dual smoothing; 0: at the master's prices)."""
    columns_share: float = attrs.field(default=0.5, converter=f.to_float, validator=f.number(min_value=0, max_value=1))
    """With a time limit, column generation takes at most this share of the search time left when it
    starts (its pure-Python master grows slow on large cohorts); the improvement rounds get the rest."""
    columns_cheap_searches: int = attrs.field(default=6, validator=f.integer(min_value=0))
    """Searches at true costs (avoiding the dearest offerings) column generation may try for a group
    before its exact search at the prices, which is far slower (see ``cohort-scheduling.md``)."""
    columns_pivots: int = attrs.field(default=4000, validator=f.integer(min_value=0))
    """Pivots one solve of the pure-Python master may take before column generation gives up on it."""
    columns_highs_iterations: int = attrs.field(default=1_000_000, validator=f.integer(min_value=0))
    """Simplex iterations one HiGHS solve of the master may take before column generation gives up on it
    (HiGHS also stops at the time left). Its first solve, from every week the first moves pooled, needs
    far more than the pure master's ``columns_pivots``: 4,000 stopped it on 300 distinct patients."""
    columns_integer_nodes: int = attrs.field(default=1000, validator=f.integer(min_value=0))
    """With HiGHS as the LP solver: nodes of its branch and bound over the master's weeks once column
    generation has converged below the best plan's cost (at most half the time left); 0 turns it off."""

    first_pass_share: float = attrs.field(
        default=0.5, converter=f.to_float, validator=f.number(min_value=0, max_value=1)
    )
    """With a time limit, the share of the search time after which a first pass that is not done gives
    the patients it has not reached weeks borrowed from the solved ones (no search, see
    ``borrow_checks``) before it goes on; 1: never."""
    borrow_checks: int = attrs.field(default=4, validator=f.integer(min_value=0))
    """The cheapest weeks borrowed from other patients a patient's week is checked against (by the
    single-patient checker) before they wait for their own search; 0 turns borrowing off."""

    reasons_share: float = attrs.field(
        default=0.05, converter=f.to_float, validator=f.number(min_value=0, max_value=1, max_exclusive=True)
    )
    """Share of a time limit kept for the reasons of the patients left out: the search stops at
    ``1 - reasons_share`` of it, the reasons at the whole (those not reached are ``not_computed``)."""
    progress_every: int = attrs.field(default=64, validator=f.integer(min_value=1))
    """Work units between two calls of the progress callback (it is also called at each phase)."""
    capacity_phase_share: float = attrs.field(
        default=0.25, converter=f.to_float, validator=f.number(min_value=0, max_value=1)
    )
    """:func:`~iopcore.schedule.suggest_capacity`: the share of the work and time left that re-planning
    without a change may take, and then the search for the waiting patients' needs (the changes get the
    rest)."""

    def __attrs_post_init__(self) -> None:
        if self.subset_size_max < self.subset_size:
            raise f.fail(
                "$.subset_size_max", "expected subset_size_max >= subset_size, got a smaller int", "order", self
            )


DEFAULT_TUNING = CohortTuning()
"""The tuning :func:`solve_cohort` uses unless told otherwise."""
