"""Placement: a replaceable policy maps dimension ratings and instrument flags to the least intensive safe level.

The built-in :data:`ILLUSTRATIVE_POLICY` is **not** the licensed ASAM decision
logic. Its thresholds are illustrative defaults (``Evidence.ILLUSTRATIVE``) for
examples and planning; each program replaces them with its own rules or plugs
in a licensed implementation of :class:`PlacementPolicy`.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Literal, Protocol, final, runtime_checkable

import attrs

from iopcore import _fields as f
from iopcore._fields import _html as h
from iopcore.assessment._asam import ASAM3_DIMENSIONS, ASAM4_DIMENSIONS, DIMENSION_SETS, AsamEdition, DimensionRatings
from iopcore.assessment._intake import IntakeAssessment
from iopcore.assessment._model import InstrumentScore
from iopcore.errors import (
    ErrorItem,
    InvalidArgumentError,
    InvalidDataError,
    NoSafeLevelError,
    UnknownCodeError,
    type_name,
)
from iopcore.levels import LevelCatalog, LevelCategory, LevelOfCare
from iopcore.sources import Evidence, Source

__all__ = [
    "ILLUSTRATIVE_POLICY",
    "NoSafeLevelError",
    "OverrideReason",
    "PlacementOverride",
    "PlacementPolicy",
    "PlacementReason",
    "PlacementRecommendation",
    "RatingRule",
    "RuleBasedPlacementPolicy",
    "RuledOutLevel",
    "ScoreRule",
    "recommend_placement",
]


class OverrideReason(enum.StrEnum):
    """Why the level actually chosen differs from the recommended one."""

    PATIENT_PREFERENCE = "patient_preference"
    LEVEL_NOT_AVAILABLE = "level_not_available"
    PAYER = "payer"
    CLINICAL_JUDGMENT = "clinical_judgment"
    LEGAL_OR_COURT = "legal_or_court"
    ACCESS_OR_TRANSPORTATION = "access_or_transportation"
    WAITLIST = "waitlist"
    OTHER = "other"


_RATED = {ed: DIMENSION_SETS[ed].rated_ids for ed in AsamEdition}
_ANY_RATED = tuple(dict.fromkeys(d for ids in _RATED.values() for d in ids))


def _check_dimension(rule: RatingRule | ScoreRule) -> None:
    """A rule reads a risk-rated dimension of its edition (of any edition when it names none)."""
    known = _ANY_RATED if rule.edition is None else _RATED[rule.edition]
    if rule.dimension not in known:
        where = "any edition" if rule.edition is None else rule.edition.value
        raise f.fail(
            "$.dimension",
            f"expected a risk-rated dimension of {where} ({', '.join(known)}), got an id that is not one",
            "unknown_code",
            rule,
        )


@final
@attrs.frozen(kw_only=True)
class RatingRule:
    """When ``dimension`` is rated at least ``min_rating``, a safe level needs the stated intensity and services."""

    kind: Literal["rating"] = attrs.field(default="rating", validator=f.literal("rating"))
    id: str = attrs.field(validator=f.identifier())
    dimension: str = attrs.field(validator=f.identifier())
    edition: AsamEdition | None = attrs.field(default=None, validator=f.optional(f.enum_member(AsamEdition)))
    """The edition whose ratings this rule reads (``None``: any edition with this dimension id)."""
    min_rating: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0, max_value=4))
    min_intensity: float = attrs.field(converter=f.to_float, validator=f.number(min_value=0))
    """A safe level's ``LevelOfCare.intensity`` is at least this (the ASAM level number in built-in catalogs)."""
    withdrawal_management: bool = attrs.field(default=False, validator=f.boolean())
    medically_managed: bool = attrs.field(default=False, validator=f.boolean())
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))

    def __attrs_post_init__(self) -> None:
        _check_dimension(self)


@final
@attrs.frozen(kw_only=True)
class ScoreRule:
    """When an instrument score has one of ``bands`` or the ``flag``, a safe level needs the stated intensity and services.

    ``dimension`` names the dimension this finding drives (e.g. CIWA-Ar → withdrawal).
    """

    kind: Literal["score"] = attrs.field(default="score", validator=f.literal("score"))
    id: str = attrs.field(validator=f.identifier())
    dimension: str = attrs.field(validator=f.identifier())
    edition: AsamEdition | None = attrs.field(default=None, validator=f.optional(f.enum_member(AsamEdition)))
    instrument: str = attrs.field(validator=f.identifier())
    bands: frozenset[str] = attrs.field(
        repr=f.set_repr, default=frozenset(), converter=f.to_frozenset, validator=f.frozenset_of(str, "band labels")
    )
    flag: str | None = attrs.field(default=None, validator=f.optional(f.identifier()))
    min_intensity: float = attrs.field(converter=f.to_float, validator=f.number(min_value=0))
    withdrawal_management: bool = attrs.field(default=False, validator=f.boolean())
    medically_managed: bool = attrs.field(default=False, validator=f.boolean())
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))

    def __attrs_post_init__(self) -> None:
        if not self.bands and self.flag is None:
            raise f.fail("$.bands", "expected at least one band label or a flag to trigger on", "trigger", self)
        _check_dimension(self)

    @f.guard
    def applies(self, score: InstrumentScore) -> bool:
        """Whether *score* triggers this rule."""
        return self._applies(score)

    def _applies(self, score: InstrumentScore) -> bool:
        return score.instrument == self.instrument and (
            (score.band is not None and score.band in self.bands)
            or (self.flag is not None and self.flag in score.flags)
        )


PlacementRule = RatingRule | ScoreRule


@final
@attrs.frozen(kw_only=True)
class PlacementReason:
    """Why a level was ruled out: the rule, the dimension behind it and a readable explanation."""

    rule: str = attrs.field(validator=f.identifier())
    dimension: str = attrs.field(validator=f.identifier())
    explanation: str = attrs.field(validator=f.text())


@final
@attrs.frozen(kw_only=True)
class RuledOutLevel:
    """A less intensive level than the recommendation, with every reason it is not safe."""

    level: str = attrs.field(validator=f.text(max_length=32))
    """The level's code in the catalog."""
    reasons: tuple[PlacementReason, ...] = attrs.field(
        converter=f.to_tuple, validator=f.tuple_of(PlacementReason, min_length=1)
    )


@final
@attrs.frozen(kw_only=True)
class PlacementOverride:
    """The level actually chosen by a clinician when it differs from the recommendation, and why."""

    level: LevelOfCare = attrs.field(validator=f.instance(LevelOfCare, "a LevelOfCare"))
    reason: OverrideReason = attrs.field(validator=f.enum_member(OverrideReason))
    note: str = f.phi_field(default="", validator=f.instance(str, "a string"))
    """Free text about the patient's situation, so treated as an identifier (redacted in ``repr``)."""


@final
@attrs.frozen(kw_only=True)
class PlacementRecommendation:
    """A recommended level, the dimensions that drove it, why each less intensive level was ruled out,
    and an optional clinician override so that recommended and actual levels are both recorded."""

    level: LevelOfCare = attrs.field(validator=f.instance(LevelOfCare, "a LevelOfCare"))
    driving_dimensions: tuple[str, ...] = attrs.field(converter=f.to_tuple, validator=f.identifiers(min_length=1))
    ruled_out: tuple[RuledOutLevel, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(RuledOutLevel)
    )
    triggered_rules: tuple[str, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.identifiers())
    policy: str = attrs.field(validator=f.text())
    """The name of the policy that made the recommendation."""
    override: PlacementOverride | None = attrs.field(
        default=None, validator=f.optional(f.instance(PlacementOverride, "a PlacementOverride"))
    )
    withdrawal_management_level: LevelOfCare | None = attrs.field(
        default=None, validator=f.optional(f.instance(LevelOfCare, "a LevelOfCare"))
    )
    """A concurrent withdrawal-management level, for catalogs where withdrawal management is a separate
    track (the ASAM 3rd edition's 1-WM … 4-WM); ``None`` when none is needed or the level itself provides it."""

    def _repr_html_(self) -> str:
        return h.fields_view(self, title=f"PlacementRecommendation: {self.level.code} {self.level.name}")

    def __attrs_post_init__(self) -> None:
        if self.override is not None and self.override.level == self.level:
            raise f.fail("$.override.level", "expected a level different from the recommended one", "distinct", self)

    @property
    def actual_level(self) -> LevelOfCare:
        """The level the patient is placed at: the override's if any, else the recommendation."""
        return self.level if self.override is None else self.override.level

    @property
    def is_overridden(self) -> bool:
        """Whether a clinician chose another level."""
        return self.override is not None

    @f.guard
    def with_override(
        self, level: LevelOfCare, reason: OverrideReason | str, note: str = ""
    ) -> PlacementRecommendation:
        """Record a clinician's choice of *level* for *reason*; the recommendation itself is kept."""
        chosen = _REASONS.get(reason) if isinstance(reason, str) else reason
        if chosen is None:
            raise UnknownCodeError(
                what="override reason", catalog="OverrideReason", known=list(_REASONS), path="$.reason"
            )
        if level == self.level:
            raise InvalidArgumentError(
                (
                    ErrorItem(
                        path="$.level", message="expected a level different from the recommended one", rule="distinct"
                    ),
                ),
                callable="PlacementRecommendation.with_override",
            )
        return attrs.evolve(self, override=PlacementOverride(level=level, reason=chosen, note=note))


_REASONS = {r.value: r for r in OverrideReason}


@runtime_checkable
class PlacementPolicy(Protocol):
    """Anything that recommends a level from dimension ratings and instrument scores.

    Implement this protocol to plug in a licensed ASAM decision engine (or your
    program's own rules) wherever iopcore takes a policy.
    """

    @property
    def name(self) -> str:
        """A human-readable name recorded on each recommendation."""
        ...

    def recommend(
        self, ratings: DimensionRatings, catalog: LevelCatalog, *, scores: Sequence[InstrumentScore] = ()
    ) -> PlacementRecommendation:
        """The least intensive safe level of *catalog* for these ratings and scores."""
        ...


def _needs(rule: PlacementRule) -> str:
    parts = [f"intensity >= {rule.min_intensity:g}"]
    if rule.withdrawal_management:
        parts.append("withdrawal management")
    if rule.medically_managed:
        parts.append("medical management")
    return ", ".join(parts)


def _fails(level: LevelOfCare, rule: PlacementRule, concurrent_wm: bool = False) -> bool:
    return (
        level.intensity < rule.min_intensity
        or (rule.withdrawal_management and not concurrent_wm and not level.withdrawal_management)
        or (rule.medically_managed and not level.is_medically_managed)
    )


@final
@attrs.frozen(kw_only=True)
class RuleBasedPlacementPolicy:
    """A transparent policy: rules are data; a level is safe when it meets every triggered rule.

    The recommendation is the least intensive safe level of the catalog (ties:
    fewer services, then catalog order). Levels in ``excluded_categories``
    (opioid treatment programs by default: a service added to a level, not a
    step on the ladder) are never recommended.

    Where the catalog keeps withdrawal management as a separate track (levels of
    category ``WITHDRAWAL_MANAGEMENT``, as in the ASAM 3rd edition) and
    ``concurrent_withdrawal_management`` is true, the level is chosen from the
    other levels by every requirement except withdrawal management, and the least
    intensive track level meeting the withdrawal rules in full is recommended
    alongside it (``withdrawal_management_level``).
    """

    name: str = attrs.field(validator=f.text())
    rules: tuple[RatingRule | ScoreRule, ...] = attrs.field(
        converter=f.to_tuple,
        validator=f.tuple_of((RatingRule, ScoreRule), description="RatingRule or ScoreRule items"),  # type: ignore[arg-type]
    )
    excluded_categories: frozenset[LevelCategory] = attrs.field(
        repr=f.set_repr,
        default=frozenset({LevelCategory.OPIOID_TREATMENT}),
        converter=f.to_frozenset,
        validator=f.frozenset_of(LevelCategory, "LevelCategory values"),
    )
    concurrent_withdrawal_management: bool = attrs.field(default=True, validator=f.boolean())
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))

    def __attrs_post_init__(self) -> None:
        f.unique_by(self.rules, lambda r: r.id, path="$.rules", what="rule id")

    @f.guard
    def triggered(
        self, ratings: DimensionRatings, scores: Sequence[InstrumentScore] = ()
    ) -> tuple[RatingRule | ScoreRule, ...]:
        """The rules that these ratings and scores trigger (rules for other editions' dimensions never do)."""
        return self._triggered(ratings, ratings._as_dict(), scores)

    def _triggered(
        self, ratings: DimensionRatings, values: dict[str, int], scores: Sequence[InstrumentScore]
    ) -> tuple[RatingRule | ScoreRule, ...]:
        out: list[RatingRule | ScoreRule] = []
        for rule in self.rules:
            if rule.dimension not in values or (rule.edition is not None and rule.edition is not ratings.edition):
                continue
            if isinstance(rule, RatingRule):
                if values[rule.dimension] >= rule.min_rating:
                    out.append(rule)
            elif any(rule._applies(s) for s in scores):
                out.append(rule)
        return tuple(out)

    @f.guard
    def recommend(
        self, ratings: DimensionRatings, catalog: LevelCatalog, *, scores: Sequence[InstrumentScore] = ()
    ) -> PlacementRecommendation:
        """The least intensive level of *catalog* that meets every triggered rule, with the reasons."""
        values = ratings._as_dict()
        rules = self._triggered(ratings, values, scores)
        order = {lv.code: i for i, lv in enumerate(catalog.levels)}
        allowed = [lv for lv in catalog.levels if lv.category not in self.excluded_categories]
        track = [lv for lv in allowed if lv.category is LevelCategory.WITHDRAWAL_MANAGEMENT]
        split = self.concurrent_withdrawal_management and bool(track)
        candidates = [lv for lv in allowed if lv not in track] if split else allowed
        safe = [lv for lv in candidates if not any(_fails(lv, r, split) for r in rules)]
        if not safe:
            unmet = [r.id for r in rules if all(_fails(lv, r, split) for lv in candidates)] or [r.id for r in rules]
            raise NoSafeLevelError(catalog.name, unmet)
        best = min(
            safe, key=lambda lv: (lv.intensity, lv.withdrawal_management, lv.is_medically_managed, order[lv.code])
        )
        wm_level = None
        wm_rules = [r for r in rules if r.withdrawal_management]
        if split and wm_rules:
            wm_safe = [lv for lv in track if not any(_fails(lv, r) for r in wm_rules)]
            if not wm_safe:
                raise NoSafeLevelError(catalog.name, [r.id for r in wm_rules if all(_fails(lv, r) for lv in track)])
            wm_level = min(wm_safe, key=lambda lv: (lv.intensity, lv.is_medically_managed, order[lv.code]))
        ruled_out: list[RuledOutLevel] = []
        drivers: set[str] = set()
        for lv in sorted(candidates, key=lambda lv: (lv.intensity, order[lv.code])):
            if lv.intensity >= best.intensity:
                continue
            reasons = tuple(_reason(lv, r, values) for r in rules if _fails(lv, r, split))
            drivers.update(r.dimension for r in reasons)
            ruled_out.append(RuledOutLevel(level=lv.code, reasons=reasons))
        if wm_level is not None:
            drivers.update(r.dimension for r in wm_rules)
        dimension_order = list(DIMENSION_SETS[ratings.edition].ids)
        driving = tuple(d for d in dimension_order if d in drivers) or ratings._highest()
        return PlacementRecommendation(
            level=best,
            driving_dimensions=driving,
            ruled_out=tuple(ruled_out),
            triggered_rules=tuple(r.id for r in rules),
            policy=self.name,
            withdrawal_management_level=wm_level,
        )


def _reason(level: LevelOfCare, rule: PlacementRule, values: dict[str, int]) -> PlacementReason:
    if isinstance(rule, RatingRule):
        why = f"{rule.dimension} rated {values[rule.dimension]} (>= {rule.min_rating})"
    else:
        why = f"{rule.instrument} result ({', '.join(sorted(rule.bands)) or rule.flag})"
    return PlacementReason(
        rule=rule.id,
        dimension=rule.dimension,
        explanation=f"{why} needs {_needs(rule)}; level {level.code} does not provide it",
    )


# ----------------------------------------------------------------------------- the illustrative default

_ILLUSTRATIVE = Source(
    citation="iopcore illustrative placement defaults (not the ASAM Criteria decision logic)",
    evidence=Evidence.ILLUSTRATIVE,
    note=(
        "Invented for examples and planning, loosely shaped after the principle that placement follows the highest-risk "
        "dimensions to the least intensive safe level. Replace with your program's rules or a licensed ASAM engine."
    ),
)

# (dimension, [(min_rating, min_intensity, withdrawal_management, medically_managed), ...])
_ASAM3_TABLE: tuple[tuple[str, tuple[tuple[int, float, bool, bool], ...]], ...] = (
    (
        "d1_intoxication_withdrawal",
        ((1, 1.0, False, False), (2, 2.0, True, False), (3, 3.7, True, True), (4, 4.0, True, True)),
    ),
    ("d2_biomedical", ((1, 1.0, False, False), (2, 2.1, False, False), (3, 3.7, False, True), (4, 4.0, False, True))),
    (
        "d3_emotional_behavioral_cognitive",
        ((1, 1.0, False, False), (2, 2.1, False, False), (3, 2.5, False, False), (4, 4.0, False, True)),
    ),
    ("d4_readiness_to_change", ((2, 1.0, False, False), (3, 2.1, False, False), (4, 2.5, False, False))),
    (
        "d5_relapse_continued_use",
        ((1, 1.0, False, False), (2, 2.1, False, False), (3, 2.5, False, False), (4, 3.5, False, False)),
    ),
    (
        "d6_recovery_environment",
        ((1, 1.0, False, False), (2, 2.1, False, False), (3, 3.1, False, False), (4, 3.5, False, False)),
    ),
)
_ASAM4_TABLE: tuple[tuple[str, tuple[tuple[int, float, bool, bool], ...]], ...] = (
    (
        "d1_intoxication_withdrawal_medications",
        ((1, 1.0, False, False), (2, 1.7, True, True), (3, 3.7, True, True), (4, 4.0, True, True)),
    ),
    ("d2_biomedical", ((1, 1.0, False, False), (2, 1.7, False, True), (3, 3.7, False, True), (4, 4.0, False, True))),
    (
        "d3_psychiatric_cognitive",
        ((1, 1.5, False, False), (2, 2.1, False, False), (3, 2.5, False, False), (4, 4.0, False, True)),
    ),
    (
        "d4_substance_use_risks",
        ((1, 1.5, False, False), (2, 2.1, False, False), (3, 2.5, False, False), (4, 3.5, False, False)),
    ),
    (
        "d5_recovery_environment",
        ((1, 1.5, False, False), (2, 2.1, False, False), (3, 3.1, False, False), (4, 3.5, False, False)),
    ),
)


def _rating_rules(
    edition: AsamEdition, table: tuple[tuple[str, tuple[tuple[int, float, bool, bool], ...]], ...]
) -> list[RatingRule]:
    return [
        RatingRule(
            id=f"{edition.value}_{dim.split('_')[0]}_rated_{r}",
            edition=edition,
            dimension=dim,
            min_rating=r,
            min_intensity=x,
            withdrawal_management=wm,
            medically_managed=mm,
            source=_ILLUSTRATIVE,
        )
        for dim, rows in table
        for r, x, wm, mm in rows
    ]


def _score_rules(edition: AsamEdition, withdrawal: str, psychiatric: str) -> list[ScoreRule]:
    prefix = edition.value
    return [
        ScoreRule(
            id=f"{prefix}_ciwa_moderate",
            edition=edition,
            dimension=withdrawal,
            instrument="ciwa_ar",
            bands=frozenset({"moderate"}),
            min_intensity=1.0,
            withdrawal_management=True,
            source=_ILLUSTRATIVE,
        ),
        ScoreRule(
            id=f"{prefix}_ciwa_severe",
            edition=edition,
            dimension=withdrawal,
            instrument="ciwa_ar",
            bands=frozenset({"severe"}),
            min_intensity=3.7,
            withdrawal_management=True,
            medically_managed=True,
            source=_ILLUSTRATIVE,
        ),
        ScoreRule(
            id=f"{prefix}_cows_moderate",
            edition=edition,
            dimension=withdrawal,
            instrument="cows",
            bands=frozenset({"moderate"}),
            min_intensity=1.0,
            withdrawal_management=True,
            source=_ILLUSTRATIVE,
        ),
        ScoreRule(
            id=f"{prefix}_cows_severe",
            edition=edition,
            dimension=withdrawal,
            instrument="cows",
            bands=frozenset({"moderately_severe", "severe"}),
            min_intensity=3.2,
            withdrawal_management=True,
            source=_ILLUSTRATIVE,
        ),
        ScoreRule(
            id=f"{prefix}_suicidal_ideation",
            edition=edition,
            dimension=psychiatric,
            instrument="phq9",
            flag="suicidal_ideation",
            min_intensity=2.5,
            source=_ILLUSTRATIVE,
        ),
    ]


ILLUSTRATIVE_POLICY = RuleBasedPlacementPolicy(
    name="iopcore illustrative placement policy (not ASAM decision logic)",
    rules=(
        *_rating_rules(AsamEdition.THIRD, _ASAM3_TABLE),
        *_score_rules(AsamEdition.THIRD, ASAM3_DIMENSIONS.ids[0], ASAM3_DIMENSIONS.ids[2]),
        *_rating_rules(AsamEdition.FOURTH, _ASAM4_TABLE),
        *_score_rules(AsamEdition.FOURTH, ASAM4_DIMENSIONS.ids[0], ASAM4_DIMENSIONS.ids[2]),
    ),
    source=_ILLUSTRATIVE,
)
"""The built-in, replaceable placement policy. Its thresholds are ILLUSTRATIVE, not ASAM's licensed logic."""


@f.guard
def recommend_placement(
    assessment: IntakeAssessment | DimensionRatings,
    catalog: LevelCatalog,
    *,
    scores: Sequence[InstrumentScore] = (),
    policy: PlacementPolicy = ILLUSTRATIVE_POLICY,
) -> PlacementRecommendation:
    """Recommend a level of *catalog* for an intake (its ratings and scores) or for ratings plus *scores*."""
    if isinstance(assessment, IntakeAssessment):
        if assessment.ratings is None:
            raise InvalidArgumentError(
                (
                    ErrorItem(
                        path="$.assessment.ratings",
                        message="expected dimension ratings on the intake, got None",
                        rule="missing",
                    ),
                ),
                callable="recommend_placement",
            )
        result = policy.recommend(assessment.ratings, catalog, scores=(*assessment.scores, *scores))
    else:
        result = policy.recommend(assessment, catalog, scores=scores)
    if not isinstance(result, PlacementRecommendation):
        raise InvalidDataError.single(
            "$.policy",
            f"expected a policy whose recommend() returns a PlacementRecommendation, got {type_name(result)}",
            "type",
        )
    return result
