"""Assessments: standardized instruments scored exactly, the intake evaluation, ASAM dimensions, placement.

* Instruments are data (:class:`Instrument`, :data:`INSTRUMENTS`) scored by :func:`score`
  exactly as published, including the rules that trip implementations.
* :class:`DatedScore` and :class:`ScoreSeries` hold scores over time; :func:`assess_change`
  compares a series' latest score with its baseline under cited :data:`CHANGE_CRITERIA`
  (reliable change, clinically significant change, response, remission) → :class:`Trajectory`;
  :data:`NHS_TALKING_THERAPIES_CHANGE_CRITERIA` is a selectable alternative (secondary sources).
* :class:`IntakeAssessment` holds the medical, physical and mental-health evaluation,
  the substance-use history, instrument scores and :class:`DimensionRatings`.
* :class:`PlacementPolicy` is a protocol; :data:`ILLUSTRATIVE_POLICY` is a transparent,
  replaceable default whose thresholds are **illustrative** — not the licensed ASAM logic.

>>> from iopcore.assessment import score
>>> result = score("phq9", [1, 1, 2, 1, 0, 1, 1, 0, 1])
>>> result.total, result.band, result.positive, sorted(result.flags)
(8, 'mild', False, ['suicidal_ideation'])
"""

from iopcore import _loaded
from iopcore.assessment._asam import (
    ASAM3_DIMENSIONS,
    ASAM4_DIMENSIONS,
    DIMENSION_SETS,
    AsamEdition,
    Dimension,
    DimensionRating,
    DimensionRatings,
    DimensionSet,
    RatingAnchor,
    Subdimension,
    dimension_set,
)
from iopcore.assessment._change import (
    CHANGE_CRITERIA,
    NHS_TALKING_THERAPIES_CHANGE_CRITERIA,
    ChangeAssessment,
    ChangeCriteria,
    ReliableChange,
    ScoreThreshold,
    Trajectory,
    assess_change,
)
from iopcore.assessment._fhir import (
    FREQUENCY_ANSWER_CODES,
    responses_from_questionnaire_response,
    score_questionnaire_response,
)
from iopcore.assessment._instruments import INSTRUMENTS, instrument
from iopcore.assessment._intake import (
    Evaluation,
    EvaluationDomain,
    IntakeAssessment,
    Route,
    SubstanceUse,
    UseFrequency,
)
from iopcore.assessment._model import (
    Band,
    BandScheme,
    Cluster,
    ClusterRule,
    Cutoff,
    Exclusion,
    FlagMode,
    FlagRule,
    Instrument,
    InstrumentScore,
    Item,
    Proration,
    ResponseKind,
    RuleReading,
    Sex,
    SkipRule,
)
from iopcore.assessment._observations import dated_score_from_observation
from iopcore.assessment._placement import (
    ILLUSTRATIVE_POLICY,
    NoSafeLevelError,
    OverrideReason,
    PlacementOverride,
    PlacementPolicy,
    PlacementReason,
    PlacementRecommendation,
    RatingRule,
    RuleBasedPlacementPolicy,
    RuledOutLevel,
    ScoreRule,
    recommend_placement,
)
from iopcore.assessment._scoring import InvalidResponseError, Response, score
from iopcore.assessment._series import DatedScore, ScoreSeries, score_series

__all__ = [
    "ASAM3_DIMENSIONS",
    "ASAM4_DIMENSIONS",
    "CHANGE_CRITERIA",
    "DIMENSION_SETS",
    "FREQUENCY_ANSWER_CODES",
    "ILLUSTRATIVE_POLICY",
    "INSTRUMENTS",
    "NHS_TALKING_THERAPIES_CHANGE_CRITERIA",
    "AsamEdition",
    "Band",
    "BandScheme",
    "ChangeAssessment",
    "ChangeCriteria",
    "Cluster",
    "ClusterRule",
    "Cutoff",
    "DatedScore",
    "Dimension",
    "DimensionRating",
    "DimensionRatings",
    "DimensionSet",
    "Evaluation",
    "EvaluationDomain",
    "Exclusion",
    "FlagMode",
    "FlagRule",
    "Instrument",
    "InstrumentScore",
    "IntakeAssessment",
    "InvalidResponseError",
    "Item",
    "NoSafeLevelError",
    "OverrideReason",
    "PlacementOverride",
    "PlacementPolicy",
    "PlacementReason",
    "PlacementRecommendation",
    "Proration",
    "RatingAnchor",
    "RatingRule",
    "ReliableChange",
    "Response",
    "ResponseKind",
    "Route",
    "RuleBasedPlacementPolicy",
    "RuleReading",
    "RuledOutLevel",
    "ScoreRule",
    "ScoreSeries",
    "ScoreThreshold",
    "Sex",
    "SkipRule",
    "Subdimension",
    "SubstanceUse",
    "Trajectory",
    "UseFrequency",
    "assess_change",
    "dated_score_from_observation",
    "dimension_set",
    "instrument",
    "recommend_placement",
    "responses_from_questionnaire_response",
    "score",
    "score_questionnaire_response",
    "score_series",
]

_loaded.loaded(__name__)  # after every definition: the Hypothesis entry point may register them now
