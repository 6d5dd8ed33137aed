"""Hypothesis strategies for every public iopcore type (the ``hypothesis`` extra).

Install ``iopcore[hypothesis]``. Strategies are registered with Hypothesis
through its ``hypothesis`` entry point, so once iopcore is installed
``hypothesis.strategies.from_type(Program)`` works in any test suite after a
plain ``import hypothesis``. ``import iopcore`` never imports Hypothesis.

Every strategy generates valid values only, covering the whole valid space:
every enum member, both populations, empty and non-empty collections and
values at their bounds.
"""

from iopcore.strategies._assessment import (
    band_schemes,
    bands,
    cluster_rules,
    clusters,
    cutoffs,
    dimension_rating_sets,
    dimension_ratings,
    dimension_sets,
    dimensions,
    evaluations,
    exclusions,
    flag_rules,
    instrument_items,
    instrument_scores,
    instruments,
    intake_assessments,
    placement_overrides,
    placement_policies,
    placement_reasons,
    placement_recommendations,
    prorations,
    rating_anchors,
    rating_rules,
    ruled_out_levels,
    score_rules,
    skip_rules,
    subdimensions,
    substance_uses,
)
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
from iopcore.strategies._schedule import (
    calendar_schedules,
    component_bounds,
    occurrences,
    offerings,
    preferences,
    reasons,
    short_weeks,
    violations,
    week_problems,
    week_rules,
    week_schedules,
)

__all__ = [
    "band_schemes",
    "bands",
    "calendar_schedules",
    "catalog_levels",
    "clock_times",
    "cluster_rules",
    "clusters",
    "code_mappings",
    "component_bounds",
    "component_catalogs",
    "components",
    "curricula",
    "cutoffs",
    "date_ranges",
    "days_bands",
    "dimension_rating_sets",
    "dimension_ratings",
    "dimension_sets",
    "dimensions",
    "error_items",
    "evaluations",
    "exclusions",
    "flag_rules",
    "hours_bands",
    "identifiers",
    "instrument_items",
    "instrument_scores",
    "instruments",
    "intake_assessments",
    "intensity_rules",
    "level_catalogs",
    "levels_of_care",
    "minutes",
    "occurrences",
    "offerings",
    "patients",
    "placement_overrides",
    "placement_policies",
    "placement_reasons",
    "placement_recommendations",
    "preferences",
    "programs",
    "prorations",
    "rating_anchors",
    "rating_rules",
    "reasons",
    "register_strategies",
    "ruled_out_levels",
    "score_rules",
    "short_weeks",
    "skip_rules",
    "sources",
    "subdimensions",
    "substance_uses",
    "texts",
    "topics",
    "tracks",
    "transitions",
    "violations",
    "week_problems",
    "week_rules",
    "week_schedules",
    "weekly_availabilities",
    "weekly_intervals",
]


def register_strategies() -> None:
    """Register a strategy for every public iopcore attrs class with ``st.register_type_strategy``.

    Called automatically through the ``hypothesis`` entry point; calling it
    again is harmless.
    """
    from iopcore._hypothesis_plugin import _hypothesis_setup_hook

    _hypothesis_setup_hook()
