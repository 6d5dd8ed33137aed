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
    exclusions,
    flag_rules,
    instrument_items,
    instrument_scores,
    instruments,
    prorations,
    skip_rules,
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

__all__ = [
    "band_schemes",
    "bands",
    "catalog_levels",
    "clock_times",
    "cluster_rules",
    "clusters",
    "code_mappings",
    "component_catalogs",
    "components",
    "curricula",
    "cutoffs",
    "date_ranges",
    "days_bands",
    "error_items",
    "exclusions",
    "flag_rules",
    "hours_bands",
    "identifiers",
    "instrument_items",
    "instrument_scores",
    "instruments",
    "intensity_rules",
    "level_catalogs",
    "levels_of_care",
    "minutes",
    "patients",
    "programs",
    "prorations",
    "register_strategies",
    "skip_rules",
    "sources",
    "texts",
    "topics",
    "tracks",
    "transitions",
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
