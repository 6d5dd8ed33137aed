"""Entry point for Hypothesis: registers iopcore's strategies when Hypothesis is imported.

Hypothesis runs this hook while it is itself still being imported, so the hook
must not import :mod:`iopcore.strategies` (which imports Hypothesis). It
registers *deferred* strategies instead; each looks up its strategy function
in :mod:`iopcore.strategies` the first time it is drawn from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iopcore.components import Component, ComponentCatalog, Curriculum, Topic
from iopcore.episodes import Admission, Authorization, Discharge, Episode, LevelPeriod, PhasePeriod
from iopcore.errors import ErrorItem
from iopcore.levels import CodeMapping, DaysBand, HoursBand, LevelCatalog, LevelOfCare, Transition
from iopcore.patients import Patient
from iopcore.plans import (
    ComponentRequirement,
    FamilyInvolvement,
    Frequency,
    Goal,
    Intervention,
    Objective,
    PlanChange,
    PlanHistory,
    PlanPolicy,
    Problem,
    ProblemSource,
    Signature,
    Span,
    TreatmentPlan,
    WeeklyRequirements,
)
from iopcore.programs import IntensityRules, Program, Track
from iopcore.sources import Source
from iopcore.times import ClockTime, DateRange, Minutes, WeeklyAvailability, WeeklyInterval

STRATEGY_NAMES: dict[type, str] = {
    ClockTime: "clock_times",
    CodeMapping: "code_mappings",
    Component: "components",
    ComponentCatalog: "component_catalogs",
    Curriculum: "curricula",
    DateRange: "date_ranges",
    DaysBand: "days_bands",
    ErrorItem: "error_items",
    HoursBand: "hours_bands",
    IntensityRules: "intensity_rules",
    LevelCatalog: "level_catalogs",
    LevelOfCare: "levels_of_care",
    Minutes: "minutes",
    Patient: "patients",
    Program: "programs",
    Source: "sources",
    Topic: "topics",
    Track: "tracks",
    Transition: "transitions",
    WeeklyAvailability: "weekly_availabilities",
    WeeklyInterval: "weekly_intervals",
    # plans (issue 5)
    ComponentRequirement: "component_requirements",
    FamilyInvolvement: "family_involvements",
    Frequency: "frequencies",
    Goal: "goals",
    Intervention: "interventions",
    Objective: "objectives",
    PlanChange: "plan_changes",
    PlanHistory: "plan_histories",
    PlanPolicy: "plan_policies",
    Problem: "problems",
    ProblemSource: "problem_sources",
    Signature: "signatures",
    Span: "spans",
    TreatmentPlan: "treatment_plans",
    WeeklyRequirements: "weekly_requirements",
    # episodes (issue 5)
    Admission: "admissions",
    Authorization: "authorizations",
    Discharge: "discharges",
    Episode: "episodes",
    LevelPeriod: "level_periods",
    PhasePeriod: "phase_periods",
}
"""Every public attrs class → the name of its strategy function in :mod:`iopcore.strategies`."""


def _lazy(function_name: str) -> Callable[[], Any]:
    def definition() -> Any:
        from iopcore import strategies

        return getattr(strategies, function_name)()

    return definition


def _hypothesis_setup_hook() -> None:
    from hypothesis import strategies as st

    for cls, function_name in STRATEGY_NAMES.items():
        st.register_type_strategy(cls, st.deferred(_lazy(function_name)))
