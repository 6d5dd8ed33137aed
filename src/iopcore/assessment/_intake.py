"""The intake assessment: evaluations, substance-use history, instrument scores and dimension ratings."""

from __future__ import annotations

import enum
from datetime import date
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.assessment._asam import DimensionRatings
from iopcore.assessment._model import InstrumentScore

__all__ = ["Evaluation", "EvaluationDomain", "IntakeAssessment", "Route", "SubstanceUse", "UseFrequency"]


class EvaluationDomain(enum.StrEnum):
    """The part of the intake an evaluation covers."""

    MEDICAL = "medical"
    PHYSICAL = "physical"
    MENTAL_HEALTH = "mental_health"


class Route(enum.StrEnum):
    """Route of administration (a vocabulary in the style of SAMHSA's TEDS; extend with ``OTHER``)."""

    ORAL = "oral"
    SMOKING = "smoking"
    INHALATION = "inhalation"
    INTRANASAL = "intranasal"
    INJECTION = "injection"
    TRANSDERMAL = "transdermal"
    SUBLINGUAL = "sublingual"
    OTHER = "other"


class UseFrequency(enum.StrEnum):
    """Frequency of use in the 30 days before assessment (TEDS-style categories)."""

    NO_USE_PAST_MONTH = "no_use_past_month"
    ONE_TO_THREE_TIMES_PAST_MONTH = "one_to_three_times_past_month"
    ONE_TO_TWO_TIMES_PER_WEEK = "one_to_two_times_per_week"
    THREE_TO_SIX_TIMES_PER_WEEK = "three_to_six_times_per_week"
    DAILY = "daily"


@final
@attrs.frozen(kw_only=True)
class Evaluation:
    """One evaluation of the intake (medical, physical or mental health): findings and diagnoses.

    Findings are free text written about the patient, so they are treated as
    identifiers (redacted in ``repr``).
    """

    domain: EvaluationDomain = attrs.field(validator=f.enum_member(EvaluationDomain))
    findings: str = f.phi_field(validator=f.text())
    diagnoses: tuple[str, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(str, description="diagnosis codes or names")
    )
    """Diagnosis codes or names (e.g. ICD-10-CM codes), as the program records them."""


@final
@attrs.frozen(kw_only=True)
class SubstanceUse:
    """One substance in the use history: route, frequency, last use (a date: an identifier), onset age."""

    substance: str = attrs.field(validator=f.text(max_length=100))
    route: Route = attrs.field(validator=f.enum_member(Route))
    frequency: UseFrequency = attrs.field(validator=f.enum_member(UseFrequency))
    last_use: date | None = f.phi_field(default=None, validator=f.optional(f.calendar_date()))
    age_at_first_use: int | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(f.to_int),
        validator=f.optional(f.integer(min_value=0, max_value=130)),
    )
    primary: bool = attrs.field(default=False, validator=f.boolean())
    """The substance the patient is primarily seeking treatment for."""


@final
@attrs.frozen(kw_only=True)
class IntakeAssessment:
    """The intake evaluation of one patient on one date.

    ``assessed_on`` is a parameter (iopcore never reads the clock); it and the
    patient key are identifiers (redacted in ``repr``). At most one evaluation
    per domain and one primary substance; no last use after the assessment date.
    """

    patient_id: str = f.phi_field(validator=f.text(max_length=128))
    assessed_on: date = f.phi_field(validator=f.calendar_date())
    evaluations: tuple[Evaluation, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(Evaluation)
    )
    substance_use: tuple[SubstanceUse, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(SubstanceUse)
    )
    scores: tuple[InstrumentScore, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(InstrumentScore)
    )
    ratings: DimensionRatings | None = attrs.field(
        default=None, validator=f.optional(f.instance(DimensionRatings, "DimensionRatings"))
    )

    def __attrs_post_init__(self) -> None:
        f.unique_by(self.evaluations, lambda e: e.domain, path="$.evaluations", what="evaluation domain")
        f.unique_by(self.scores, lambda s: s.instrument, path="$.scores", what="instrument")
        if sum(1 for s in self.substance_use if s.primary) > 1:
            raise f.fail("$.substance_use", "expected at most one primary substance", "primary", self)
        for i, use in enumerate(self.substance_use):
            if use.last_use is not None and use.last_use > self.assessed_on:
                raise f.fail(
                    f"$.substance_use[{i}].last_use", "expected a last use on or before assessed_on", "order", self
                )

    @f.guard
    def score(self, instrument_id: str) -> InstrumentScore | None:
        """The recorded score of *instrument_id*, or ``None``."""
        for s in self.scores:
            if s.instrument == instrument_id:
                return s
        return None

    @f.guard
    def evaluation(self, domain: EvaluationDomain) -> Evaluation | None:
        """The evaluation of *domain*, or ``None``."""
        for e in self.evaluations:
            if e.domain is domain:
                return e
        return None

    @property
    def flags(self) -> frozenset[str]:
        """Every flag raised by any recorded instrument score (e.g. ``suicidal_ideation``)."""
        return frozenset(flag for s in self.scores for flag in s.flags)

    @f.guard
    def days_since_last_use(self, substance: str) -> int | None:
        """Days between the last use of *substance* and the assessment date, or ``None`` if unknown."""
        for use in self.substance_use:
            if use.substance == substance and use.last_use is not None:
                return (self.assessed_on - use.last_use).days
        return None
