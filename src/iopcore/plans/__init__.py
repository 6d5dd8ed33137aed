"""Individualized treatment plans: the plan value, policies for review timing, versions, diffs and weekly needs.

A :class:`TreatmentPlan` holds problems (each linked to the finding that raised
it through a :class:`ProblemSource`), goals in the patient's words, measurable
and time-bound objectives, interventions with their frequency, strengths,
needs, preferences, family involvement and signatures. Plans are immutable: a
:class:`PlanHistory` holds the ordered versions and :func:`revise` returns a
new history. Review timing comes from a :class:`PlanPolicy` (built-in ones cite
their sources; users supply their own). :func:`weekly_requirements` turns a
plan into per-component weekly bounds for the schedule.

Not yet: ``draft_plan(assessment, program, ...)`` (needs the assessment
module) and the one-call ``WeekProblem`` builder (needs the schedule module).
"""

from iopcore.plans._model import (
    FamilyInvolvement,
    FindingKind,
    Frequency,
    Goal,
    Intervention,
    Objective,
    Per,
    PlanStatus,
    Problem,
    ProblemSource,
    Signature,
    Signer,
    TreatmentPlan,
)
from iopcore.plans._ops import (
    ChangeKind,
    PlanChange,
    PlanHistory,
    PlanSection,
    close,
    diff,
    record_review,
    revise,
    validate_plan,
)
from iopcore.plans._policies import (
    DC_IOP,
    ILLINOIS_LEVEL_II_2060_423,
    KANSAS_IOP,
    MONTANA_LEVEL_2_5,
    PENNSYLVANIA_709_123,
    PLAN_POLICIES,
    WASHINGTON_IOP,
    PlanPolicy,
    Span,
    SpanUnit,
    initial_plan_due,
    is_overdue,
    next_review_due,
)
from iopcore.plans._weekly import (
    BandFit,
    ComponentRequirement,
    PlanDoesNotFitError,
    WeeklyRequirements,
    weekly_requirements,
)

__all__ = [
    "DC_IOP",
    "ILLINOIS_LEVEL_II_2060_423",
    "KANSAS_IOP",
    "MONTANA_LEVEL_2_5",
    "PENNSYLVANIA_709_123",
    "PLAN_POLICIES",
    "WASHINGTON_IOP",
    "BandFit",
    "ChangeKind",
    "ComponentRequirement",
    "FamilyInvolvement",
    "FindingKind",
    "Frequency",
    "Goal",
    "Intervention",
    "Objective",
    "Per",
    "PlanChange",
    "PlanDoesNotFitError",
    "PlanHistory",
    "PlanPolicy",
    "PlanSection",
    "PlanStatus",
    "Problem",
    "ProblemSource",
    "Signature",
    "Signer",
    "Span",
    "SpanUnit",
    "TreatmentPlan",
    "WeeklyRequirements",
    "close",
    "diff",
    "initial_plan_due",
    "is_overdue",
    "next_review_due",
    "record_review",
    "revise",
    "validate_plan",
    "weekly_requirements",
]
