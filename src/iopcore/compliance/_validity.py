"""Specimen validity as data: measurement ranges, criteria per category, and the rule sets that classify a specimen.

The default rules follow 49 CFR 40.88/40.89 (substituted, adulterated) and the
older SAMHSA/NRC tables (invalid, adulterated pH and nitrite). Sources disagree
on "dilute": :data:`DILUTE_DEFINITIONS` holds the three published wordings and
:func:`specimen_validity_rules` chooses one.
"""

from __future__ import annotations

import enum
import functools
from typing import Annotated, Any, final

import attrs

from iopcore import _fields as f
from iopcore.compliance._checks import refuse
from iopcore.compliance._records import SpecimenValidity
from iopcore.errors import UnknownCodeError
from iopcore.sources import Evidence, Source

__all__ = [
    "DILUTE_DEFINITIONS",
    "SPECIMEN_VALIDITY",
    "NumericRange",
    "SpecimenCategory",
    "SpecimenValidityRules",
    "ValidityCriterion",
    "specimen_validity_rules",
]


class SpecimenCategory(enum.StrEnum):
    """A specimen-validity category (most severe first in :data:`CATEGORY_ORDER`)."""

    VALID = "valid"
    DILUTE = "dilute"
    INVALID = "invalid"
    SUBSTITUTED = "substituted"
    ADULTERATED = "adulterated"


_CATEGORY_ORDER = (SpecimenCategory.ADULTERATED, SpecimenCategory.SUBSTITUTED, SpecimenCategory.INVALID)


def opt_float_field() -> Any:
    """A non-negative number or ``None`` (the default)."""
    return attrs.field(
        default=None, converter=attrs.converters.optional(f.to_float), validator=f.optional(f.number(min_value=0))
    )


@final
@attrs.frozen(kw_only=True)
class NumericRange:
    """An interval of a measurement; a missing bound is unbounded.

    ``NumericRange(high=2, high_inclusive=False)`` is "< 2".
    """

    low: float | None = opt_float_field()
    low_inclusive: bool = attrs.field(default=True, validator=f.boolean())
    high: float | None = opt_float_field()
    high_inclusive: bool = attrs.field(default=True, validator=f.boolean())

    def __attrs_post_init__(self) -> None:
        if self.low is None and self.high is None:
            raise f.fail("$.high", "expected at least one bound, got None for both", "unbounded", self)
        if self.low is not None and self.high is not None and self.high < self.low:
            raise f.fail("$.high", "expected high >= low, got a smaller number", "order", self)

    @f.guard
    def contains(self, value: float) -> bool:
        """Whether *value* lies in the range."""
        if self.low is not None and (value < self.low or (value == self.low and not self.low_inclusive)):
            return False
        return not (self.high is not None and (value > self.high or (value == self.high and not self.high_inclusive)))

    def __str__(self) -> str:
        parts = []
        if self.low is not None:
            parts.append(f"{'≥' if self.low_inclusive else '>'} {self.low:g}")
        if self.high is not None:
            parts.append(f"{'≤' if self.high_inclusive else '<'} {self.high:g}")
        return " and ".join(parts)


_MEASURES = ("creatinine_mg_dl", "specific_gravity", "ph", "nitrite_mcg_ml")


def _range_field() -> Any:
    return attrs.field(default=None, validator=f.optional(f.instance(NumericRange, "a NumericRange")))


@final
@attrs.frozen(kw_only=True)
class ValidityCriterion:
    """One way a specimen falls into a category: every given range must hold (a missing measurement fails)."""

    category: SpecimenCategory = attrs.field(validator=f.enum_member(SpecimenCategory))
    creatinine_mg_dl: NumericRange | None = _range_field()
    specific_gravity: NumericRange | None = _range_field()
    ph: NumericRange | None = _range_field()
    nitrite_mcg_ml: NumericRange | None = _range_field()
    adulterant_detected: bool = attrs.field(default=False, validator=f.boolean())
    """Met when the lab reports an adulterant (no ranges needed)."""
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))

    def __attrs_post_init__(self) -> None:
        if self.category is SpecimenCategory.VALID:
            raise f.fail("$.category", "expected a non-valid category, got valid", "category", self)
        if not self.adulterant_detected and all(getattr(self, m) is None for m in _MEASURES):
            raise f.fail("$.creatinine_mg_dl", "expected at least one range or adulterant_detected", "empty", self)

    @f.guard
    def matches(self, validity: SpecimenValidity) -> bool:
        """Whether the measurements meet this criterion."""
        checks = tuple(_check(m, r) for m in _MEASURES if (r := getattr(self, m)) is not None)
        return _meets(validity, self.adulterant_detected, checks)

    @f.guard
    def describe(self) -> str:
        """A short text such as ``"creatinine_mg_dl < 2 and specific_gravity ≤ 1.001"``."""
        return self._describe()

    def _describe(self) -> str:
        parts = [f"{m} {getattr(self, m)}" for m in _MEASURES if getattr(self, m) is not None]
        if self.adulterant_detected:
            parts.append("adulterant detected")
        return " and ".join(parts)


@final
@attrs.frozen(kw_only=True, cache_hash=True)
class SpecimenValidityRules:
    """Specimen-validity criteria; adulterated, then substituted, then invalid, then dilute win."""

    id: str = attrs.field(validator=f.identifier())
    criteria: tuple[ValidityCriterion, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(ValidityCriterion))

    @f.guard
    def classify(self, validity: SpecimenValidity) -> tuple[SpecimenCategory, tuple[ValidityCriterion, ...]]:
        """The category and the criteria that put the specimen there."""
        return self._classify(validity)

    def _classify(self, validity: SpecimenValidity) -> tuple[SpecimenCategory, tuple[ValidityCriterion, ...]]:
        for category, entries in _compiled(self):
            met = [criterion for criterion, flag, checks in entries if _meets(validity, flag, checks)]
            if met:
                return category, tuple(met)
        return SpecimenCategory.VALID, ()


# One measurement check: (measure, low, low inclusive, high, high inclusive).
_Check = tuple[str, float | None, bool, float | None, bool]
_Checks = tuple[_Check, ...]


def _meets(validity: SpecimenValidity, flag: bool, checks: _Checks) -> bool:
    """Whether *validity* meets a criterion (inlined :meth:`NumericRange.contains`: the hot path of ``interpret``)."""
    if flag and not validity.adulterant_detected:
        return False
    for measure, low, low_inclusive, high, high_inclusive in checks:
        value: float | None = getattr(validity, measure)
        if value is None:
            return False
        if low is not None and (value < low or (value == low and not low_inclusive)):
            return False
        if high is not None and (value > high or (value == high and not high_inclusive)):
            return False
    return True


def _check(measure: str, wanted: NumericRange) -> _Check:
    return (measure, wanted.low, wanted.low_inclusive, wanted.high, wanted.high_inclusive)


@functools.lru_cache(maxsize=64)
def _compiled(
    rules: SpecimenValidityRules,
) -> tuple[tuple[SpecimenCategory, tuple[tuple[ValidityCriterion, bool, _Checks], ...]], ...]:
    """The criteria grouped by category in checking order, each with its ranges (cached per rules value: speed only)."""
    order = (*_CATEGORY_ORDER, SpecimenCategory.DILUTE)
    return tuple(
        (
            cat,
            tuple(
                (
                    c,
                    c.adulterant_detected,
                    tuple(_check(m, getattr(c, m)) for m in _MEASURES if getattr(c, m) is not None),
                )
                for c in rules.criteria
                if c.category is cat
            ),
        )
        for cat in order
    )


def _below(x: float) -> NumericRange:
    return NumericRange(high=x, high_inclusive=False)


def _at_least(x: float) -> NumericRange:
    return NumericRange(low=x)


_CFR_40_88 = Source(citation="49 CFR 40.88 (substituted specimen)", urls=("https://law.lawstack.com/cfr/49/40.88/",))
_NRC_26_161 = Source(
    citation="10 CFR 26.161 (NRC; older SAMHSA adulteration values)",
    urls=("http://www.law.cornell.edu/cfr/text/10/26.161", "http://www.accuchem.com/doa/svt.htm"),
    note="Current HHS lower pH bound may be 4 instead of 3 (unverified); pass adulterated_ph_below to change it.",
)
_SAMHSA_INVALID = Source(
    citation="SAMHSA definitions for validity of a urine specimen (older table)",
    urls=(
        "http://www.medicalalgorithms.com/substance-abuse-and-mental-health-services-administration-samhsa-definitions-for-validity-of-a-urine-specimen",
    ),
    evidence=Evidence.SECONDARY,
    note="Written as pH 3.0–4.4 and 9.0–10.9 at one decimal; iopcore uses [3.0, 4.5) and [9.0, 11.0) so that no pH "
    "between the invalid and adulterated bands is left unclassified.",
)

DILUTE_DEFINITIONS: f.FrozenMap[str, ValidityCriterion] = f.FrozenMap(
    {
        "exclusive_range": ValidityCriterion(
            category=SpecimenCategory.DILUTE,
            creatinine_mg_dl=NumericRange(low=2, high=20, high_inclusive=False),
            specific_gravity=NumericRange(low=1.0010, low_inclusive=False, high=1.0030, high_inclusive=False),
            source=Source(
                citation="Dilute: creatinine 2–<20 mg/dL and SG >1.0010–<1.0030",
                urls=("https://flashcardmachine.com/urinalysisdrug-testing.html",),
                evidence=Evidence.SECONDARY,
                note="iopcore's default: it meets the substituted criterion (SG ≤ 1.0010) without overlap. "
                "Exact current 49 CFR 40.88(a) wording is unverified.",
            ),
        ),
        "below_thresholds": ValidityCriterion(
            category=SpecimenCategory.DILUTE,
            creatinine_mg_dl=_below(20),
            specific_gravity=_below(1.003),
            source=Source(
                citation="Dilute: creatinine < 20 mg/dL and SG < 1.003, not substituted or invalid",
                urls=("http://www.accuchem.com/doa/svt.htm",),
                evidence=Evidence.SECONDARY,
            ),
        ),
        "inclusive_range": ValidityCriterion(
            category=SpecimenCategory.DILUTE,
            creatinine_mg_dl=NumericRange(low=2, high=20),
            specific_gravity=NumericRange(low=1.0001, high=1.0029),
            source=Source(
                citation="Dilute: creatinine 2–20 mg/dL and SG 1.0001–1.0029",
                urls=("https://bluehive.com/glossary/dilute-specimen/",),
                evidence=Evidence.SECONDARY,
            ),
        ),
    }
)
"""The three published wordings of "dilute" (sources disagree); ``"exclusive_range"`` is the default."""


@f.guard
def specimen_validity_rules(
    *,
    dilute: str = "exclusive_range",
    adulterated_ph_below: Annotated[float, f.Range(min_value=0, max_value=4.5)] = 3.0,
) -> SpecimenValidityRules:
    """Build the specimen-validity rules, choosing the dilute wording and the adulterated low-pH bound.

    *dilute* is a key of :data:`DILUTE_DEFINITIONS`. *adulterated_ph_below*
    (above 0, at most 4.5, where the invalid band ends) defaults to 3 (older
    SAMHSA/NRC value, verified); the current HHS bound may be 4 (unverified).
    Values other than 3 are marked :attr:`Evidence.UNVERIFIED`.
    """
    if dilute not in DILUTE_DEFINITIONS:
        raise UnknownCodeError(
            what="dilute definition", catalog="DILUTE_DEFINITIONS", known=sorted(DILUTE_DEFINITIONS), path="$.dilute"
        )
    if adulterated_ph_below == 0:
        raise refuse(
            "specimen_validity_rules",
            "$.adulterated_ph_below",
            "expected a number > 0 and <= 4.5, got a float out of range",
            "range",
        )
    ph_source = (
        _NRC_26_161
        if adulterated_ph_below == 3.0
        else attrs.evolve(_NRC_26_161, evidence=Evidence.UNVERIFIED, note="Program-chosen lower pH bound.")
    )
    criteria = (
        ValidityCriterion(
            category=SpecimenCategory.SUBSTITUTED,
            creatinine_mg_dl=_below(2),
            specific_gravity=NumericRange(high=1.0010),
            source=_CFR_40_88,
        ),
        ValidityCriterion(
            category=SpecimenCategory.SUBSTITUTED,
            creatinine_mg_dl=_below(2),
            specific_gravity=_at_least(1.0200),
            source=_CFR_40_88,
        ),
        ValidityCriterion(category=SpecimenCategory.ADULTERATED, nitrite_mcg_ml=_at_least(500), source=_NRC_26_161),
        ValidityCriterion(category=SpecimenCategory.ADULTERATED, ph=_below(adulterated_ph_below), source=ph_source),
        ValidityCriterion(category=SpecimenCategory.ADULTERATED, ph=_at_least(11), source=_NRC_26_161),
        ValidityCriterion(
            category=SpecimenCategory.ADULTERATED,
            adulterant_detected=True,
            source=Source(
                citation="49 CFR 40.89 (adulterated specimen)", urls=("https://law.lawstack.com/cfr/49/40.89/",)
            ),
        ),
        ValidityCriterion(
            category=SpecimenCategory.INVALID,
            ph=NumericRange(low=adulterated_ph_below, high=4.5, high_inclusive=False),
            source=_SAMHSA_INVALID,
        ),
        ValidityCriterion(
            category=SpecimenCategory.INVALID,
            ph=NumericRange(low=9.0, high=11, high_inclusive=False),
            source=_SAMHSA_INVALID,
        ),
        ValidityCriterion(
            category=SpecimenCategory.INVALID,
            nitrite_mcg_ml=NumericRange(low=200, high=500, high_inclusive=False),
            source=_SAMHSA_INVALID,
        ),
        ValidityCriterion(
            category=SpecimenCategory.INVALID,
            creatinine_mg_dl=_below(2),
            specific_gravity=NumericRange(low=1.002, high=1.020, high_inclusive=False),
            source=_SAMHSA_INVALID,
        ),
        DILUTE_DEFINITIONS[dilute],
    )
    suffix = "" if adulterated_ph_below == 3.0 else "_ph_" + _code(adulterated_ph_below)
    return SpecimenValidityRules(id=f"specimen_validity_{dilute}{suffix}", criteria=criteria)


def _code(x: float) -> str:
    """*x* as the tail of an identifier: ``4.0`` → ``"4"``, ``3.5`` → ``"3_5"``, ``1e-05`` → ``"1e_05"``."""
    text = str(int(x)) if x.is_integer() else str(x)
    return text.replace(".", "_").replace("-", "_").replace("+", "_")


SPECIMEN_VALIDITY = specimen_validity_rules()
"""The default specimen-validity rules: dilute ``"exclusive_range"``, adulterated pH < 3 or ≥ 11."""
