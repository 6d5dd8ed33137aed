"""Hypothesis strategies for every public iopcore type (the ``hypothesis`` extra).

Install ``iopcore[hypothesis]``. Strategies are registered with Hypothesis
through its ``hypothesis`` entry point, so once iopcore is installed
``hypothesis.strategies.from_type(Program)`` works in any test suite after a
plain ``import hypothesis``. ``import iopcore`` never imports Hypothesis.

Every strategy generates valid values only, covering the whole valid space:
every enum member, both populations, empty and non-empty collections and
values at their bounds.
"""

from iopcore.strategies._core import (
    catalog_levels,
    clock_times,
    code_mappings,
    component_catalogs,
    components,
    curricula,
    date_ranges,
    days_bands,
    error_items,
    hours_bands,
    identifiers,
    intensity_rules,
    level_catalogs,
    levels_of_care,
    minutes,
    patients,
    programs,
    sources,
    texts,
    topics,
    tracks,
    transitions,
    weekly_availabilities,
    weekly_intervals,
)
from iopcore.strategies._episodes import (
    admissions,
    authorizations,
    discharges,
    episodes,
    level_periods,
    phase_periods,
)
from iopcore.strategies._plans import (
    component_requirements,
    family_involvements,
    frequencies,
    goals,
    interventions,
    objectives,
    plan_changes,
    plan_histories,
    plan_policies,
    problem_sources,
    problems,
    signatures,
    spans,
    treatment_plans,
    weekly_requirements,
)

__all__ = [
    "admissions",
    "authorizations",
    "catalog_levels",
    "clock_times",
    "code_mappings",
    "component_catalogs",
    "component_requirements",
    "components",
    "curricula",
    "date_ranges",
    "days_bands",
    "discharges",
    "episodes",
    "error_items",
    "family_involvements",
    "frequencies",
    "goals",
    "hours_bands",
    "identifiers",
    "intensity_rules",
    "interventions",
    "level_catalogs",
    "level_periods",
    "levels_of_care",
    "minutes",
    "objectives",
    "patients",
    "phase_periods",
    "plan_changes",
    "plan_histories",
    "plan_policies",
    "problem_sources",
    "problems",
    "programs",
    "register_strategies",
    "signatures",
    "sources",
    "spans",
    "texts",
    "topics",
    "tracks",
    "transitions",
    "treatment_plans",
    "weekly_availabilities",
    "weekly_intervals",
    "weekly_requirements",
]


def register_strategies() -> None:
    """Register a strategy for every public iopcore attrs class with ``st.register_type_strategy``.

    Called automatically through the ``hypothesis`` entry point; calling it
    again is harmless.
    """
    from iopcore._hypothesis_plugin import _hypothesis_setup_hook

    _hypothesis_setup_hook()
