"""The pure-Python cohort solver behind :func:`~iopcore.schedule.solve_cohort`, one module per phase.

Imports run one way, from the facade down (a module imports only those listed before it):

* :mod:`.tuning` — :class:`CohortTuning`, the solver's tuning as one frozen value;
* :mod:`.state` — the problem as groups of identical patients, the context a run carries
  (budget, tuning), plans and their costs and seats;
* :mod:`.pricing` — priced single-patient searches that keep a group's pins, the pool of
  weeks found and shortcuts that skip a search;
* :mod:`.bounds` — the capacity-free optimum and bound, the counting bound, the Lagrangian
  bound and its subgradient steps;
* :mod:`.simplex` — the restricted master problem's small revised simplex (pure Python);
* :mod:`.highs` — the same master on HiGHS (the optional ``iopcore[highs]`` extra; ``highspy``
  is imported only here, inside its functions);
* :mod:`.master` — the interface both masters implement, and the choice between them;
* :mod:`.columns` — column generation over the restricted master;
* :mod:`.exact` — exhaustive branch and bound on small cohorts;
* :mod:`.greedy` — first passes (with swap repairs and the crowding tie-break);
* :mod:`.moves` — ejection repair, best responses, large neighbourhood and exact subset moves;
* :mod:`.explanations` — why each patient is left out;
* :mod:`.solve` — :func:`solve_cohort`, which runs the phases in order;
* :mod:`.admit` — rolling admission of one patient.

See ``docs/explanation/cohort-scheduling.md`` for the algorithm and why its bound is valid.
"""
