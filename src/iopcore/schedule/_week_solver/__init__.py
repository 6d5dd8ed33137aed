"""The exact single-patient solver behind :func:`~iopcore.schedule.solve`, one module per concern.

Imports run one way, from the facade down (a module imports only those listed before it):

* :mod:`.candidates` — a problem's usable offerings as integer arrays and its rules as
  integer limits (optionally with constraint groups relaxed);
* :mod:`.day_patterns` — each day's feasible sets of sessions, the best per signature,
  with dominance;
* :mod:`.bounds` — quick proofs of infeasibility and consistent lower bounds on what the
  days still to come cost and need;
* :mod:`.search` — :func:`~.search.search`, the *k* best weeks for any additive objective
  (best-first across days), and the feasibility tests;
* :mod:`.explain` — irreducible conflicts, their reasons and the infeasibility error;
* :mod:`.solve` — the public :func:`solve` and :func:`alternatives`.

Internals are shaped for reuse by the cohort solver: :func:`~.candidates.candidates`
precomputes a problem's usable offerings once, :func:`~.candidates.limits` turns rules into
integer limits, and :func:`~.search.search` takes per-candidate and per-day costs
(negative values allowed), excluded candidates, a day-pattern cache and a cost limit.
"""
