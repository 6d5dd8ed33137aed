"""Individualized treatment plans: the plan value, policies for review timing, versions, diffs and weekly needs.

A :class:`TreatmentPlan` holds problems (each linked to the finding that raised
it through a :class:`ProblemSource`), goals in the patient's words, measurable
and time-bound objectives, interventions with their frequency, strengths,
needs, preferences, family involvement and signatures. Plans are immutable: a
:class:`PlanHistory` holds the ordered versions and :func:`revise` returns a
new history. Review timing comes from a :class:`PlanPolicy` (built-in ones cite
their sources; users supply their own). :func:`weekly_requirements` turns a
plan into per-component weekly bounds and :func:`week_problem` into the schedule's
``WeekProblem`` in one call. :func:`draft_plan` drafts a plan from an intake
assessment with :class:`DraftRules` (a rating threshold and two replaceable tables);
:func:`plan_events` turns a history into compliance records. Progress drives the plan:
:func:`progress_state` gathers an episode's scores, attendance and drug tests as of a date;
:func:`review_due` says whether progress calls for a review (a replaceable :class:`ReviewTriggerPolicy`)
and :func:`recommend_continued_stay` whether to continue, step down, step up or discharge
(a replaceable :class:`ContinuedStayPolicy`).
"""

from iopcore.plans._draft import (
    DEFAULT_INTERVENTIONS,
    DRAFT_RULES,
    FINDING_RULES,
    DraftRules,
    FindingMatch,
    FindingRule,
    InterventionDefault,
    draft_plan,
)
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
    DISTRICT_OF_COLUMBIA_IOP_POLICY,
    ILLINOIS_LEVEL_II_2060_423_POLICY,
    KANSAS_IOP_POLICY,
    MONTANA_LEVEL_2_5_POLICY,
    PENNSYLVANIA_709_123_POLICY,
    PLAN_POLICIES,
    WASHINGTON_IOP_POLICY,
    PlanPolicy,
    Span,
    SpanUnit,
    initial_plan_due,
    is_overdue,
    next_review_due,
)
from iopcore.plans._progress import DrugTestReading, ProgressReason, ProgressState, Signal, progress_state
from iopcore.plans._records import plan_events
from iopcore.plans._review import (
    DEFAULT_REVIEW_POLICY,
    ReviewDecision,
    ReviewTriggerPolicy,
    RuleBasedReviewPolicy,
    review_due,
)
from iopcore.plans._stay import (
    ILLUSTRATIVE_STAY_POLICY,
    ContinuedStayOverride,
    ContinuedStayPolicy,
    ContinuedStayRecommendation,
    RuleBasedContinuedStayPolicy,
    StayDecision,
    recommend_continued_stay,
)
from iopcore.plans._weekly import (
    BandFit,
    ComponentRequirement,
    PlanDoesNotFitError,
    WeeklyRequirements,
    week_problem,
    weekly_requirements,
)

__all__ = [
    "DEFAULT_INTERVENTIONS",
    "DEFAULT_REVIEW_POLICY",
    "DISTRICT_OF_COLUMBIA_IOP_POLICY",
    "DRAFT_RULES",
    "FINDING_RULES",
    "ILLINOIS_LEVEL_II_2060_423_POLICY",
    "ILLUSTRATIVE_STAY_POLICY",
    "KANSAS_IOP_POLICY",
    "MONTANA_LEVEL_2_5_POLICY",
    "PENNSYLVANIA_709_123_POLICY",
    "PLAN_POLICIES",
    "WASHINGTON_IOP_POLICY",
    "BandFit",
    "ChangeKind",
    "ComponentRequirement",
    "ContinuedStayOverride",
    "ContinuedStayPolicy",
    "ContinuedStayRecommendation",
    "DraftRules",
    "DrugTestReading",
    "FamilyInvolvement",
    "FindingKind",
    "FindingMatch",
    "FindingRule",
    "Frequency",
    "Goal",
    "Intervention",
    "InterventionDefault",
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
    "ProgressReason",
    "ProgressState",
    "ReviewDecision",
    "ReviewTriggerPolicy",
    "RuleBasedContinuedStayPolicy",
    "RuleBasedReviewPolicy",
    "Signal",
    "Signature",
    "Signer",
    "Span",
    "SpanUnit",
    "StayDecision",
    "TreatmentPlan",
    "WeeklyRequirements",
    "close",
    "diff",
    "draft_plan",
    "initial_plan_due",
    "is_overdue",
    "next_review_due",
    "plan_events",
    "progress_state",
    "recommend_continued_stay",
    "record_review",
    "review_due",
    "revise",
    "validate_plan",
    "week_problem",
    "weekly_requirements",
]
