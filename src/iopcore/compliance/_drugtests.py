"""Drug-test interpretation as data: cut-off panels, specimen-validity rules and :func:`interpret`.

Cut-offs are in ng/mL and a concentration *at or above* the cut-off is
positive. The federal panels come from 49 CFR 40.85 (DOT) and the HHS
Mandatory Guidelines urine panel effective 7 July 2025 (with fentanyl).
Clinical panels (buprenorphine, methadone, benzodiazepines, alcohol
metabolites) ship **without** cut-offs: a program builds a
:class:`CutoffPanel` with its own lab's values.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore.compliance._records import (
    Analyte,
    AnalyteResult,
    DrugTest,
    DrugTestStatus,
    SpecimenValidity,
    TestMethod,
)
from iopcore.errors import InvalidDataError, UnknownCodeError, type_name
from iopcore.sources import Evidence, Source

__all__ = [
    "DILUTE_DEFINITIONS",
    "DOT_49_CFR_40_85",
    "HHS_2025",
    "HHS_2025_MORPHINE_2000",
    "SPECIMEN_VALIDITY",
    "AnalyteCutoff",
    "AnalyteInterpretation",
    "AnalyteOutcome",
    "CutoffPanel",
    "Interpretation",
    "NumericRange",
    "SpecimenCategory",
    "SpecimenValidityRules",
    "TestResult",
    "ValidityCriterion",
    "interpret",
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


class AnalyteOutcome(enum.StrEnum):
    """One analyte's reading against its cut-off."""

    NEGATIVE = "negative"
    PRESUMPTIVE_POSITIVE = "presumptive_positive"
    """At or above the screening cut-off, not confirmed."""
    POSITIVE = "positive"
    """At or above the confirmatory cut-off."""
    NOT_EVALUATED = "not_evaluated"
    """The panel has no cut-off for this analyte and method."""


class TestResult(enum.StrEnum):
    """The overall result of a test (the DOT result categories, 49 CFR 40.97)."""

    __test__ = False

    NEGATIVE = "negative"
    NEGATIVE_DILUTE = "negative_dilute"
    POSITIVE = "positive"
    POSITIVE_DILUTE = "positive_dilute"
    ADULTERATED = "adulterated"
    SUBSTITUTED = "substituted"
    INVALID = "invalid"


def _opt_float() -> Any:
    return attrs.field(
        default=None, converter=attrs.converters.optional(f.to_float), validator=f.optional(f.number(min_value=0))
    )


@final
@attrs.frozen(kw_only=True)
class NumericRange:
    """An interval of a measurement; a missing bound is unbounded.

    ``NumericRange(high=2, high_inclusive=False)`` is "< 2".
    """

    low: float | None = _opt_float()
    low_inclusive: bool = attrs.field(default=True, validator=f.boolean())
    high: float | None = _opt_float()
    high_inclusive: bool = attrs.field(default=True, validator=f.boolean())

    def __attrs_post_init__(self) -> None:
        if self.low is None and self.high is None:
            raise f.fail("$.high", "expected at least one bound, got None for both", "unbounded", self)
        if self.low is not None and self.high is not None and self.high < self.low:
            raise f.fail("$.high", "expected high >= low, got a smaller number", "order", self)

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

    def matches(self, validity: SpecimenValidity) -> bool:
        """Whether the measurements meet this criterion."""
        checks = tuple(_check(m, r) for m in _MEASURES if (r := getattr(self, m)) is not None)
        return _meets(validity, self.adulterant_detected, checks)

    def describe(self) -> str:
        """A short text such as ``"creatinine_mg_dl < 2 and specific_gravity ≤ 1.001"``."""
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

    def classify(self, validity: SpecimenValidity) -> tuple[SpecimenCategory, tuple[ValidityCriterion, ...]]:
        """The category and the criteria that put the specimen there."""
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

DILUTE_DEFINITIONS: Mapping[str, ValidityCriterion] = MappingProxyType(
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


def specimen_validity_rules(
    *, dilute: str = "exclusive_range", adulterated_ph_below: float = 3.0
) -> SpecimenValidityRules:
    """Build the specimen-validity rules, choosing the dilute wording and the adulterated low-pH bound.

    *adulterated_ph_below* defaults to 3 (older SAMHSA/NRC value, verified);
    the current HHS bound may be 4 (unverified). Values other than 3 are
    marked :attr:`Evidence.UNVERIFIED`.
    """
    if dilute not in DILUTE_DEFINITIONS:
        raise UnknownCodeError(
            what="dilute definition", catalog="DILUTE_DEFINITIONS", known=sorted(DILUTE_DEFINITIONS), path="$.dilute"
        )
    if isinstance(adulterated_ph_below, bool) or not isinstance(adulterated_ph_below, int | float):
        raise InvalidDataError.single("$.adulterated_ph_below", "expected a number between 0 and 14", "type")
    if not 0 < adulterated_ph_below <= 4.5:
        raise InvalidDataError.single(
            "$.adulterated_ph_below", "expected a number > 0 and <= 4.5, got a number out of range", "range"
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
    suffix = "" if adulterated_ph_below == 3.0 else f"_ph_{str(adulterated_ph_below).replace('.', '_')}"
    return SpecimenValidityRules(id=f"specimen_validity_{dilute}{suffix}", criteria=criteria)


SPECIMEN_VALIDITY = specimen_validity_rules()
"""The default specimen-validity rules: dilute ``"exclusive_range"``, adulterated pH < 3 or ≥ 11."""


@final
@attrs.frozen(kw_only=True)
class AnalyteCutoff:
    """Screening and confirmatory cut-offs for one analyte (ng/mL); ``None`` if the panel has no such test."""

    analyte: Analyte = attrs.field(validator=f.enum_member(Analyte))
    screen_ng_ml: float | None = _opt_float()
    confirm_ng_ml: float | None = _opt_float()
    source: Source | None = attrs.field(default=None, validator=f.optional(f.instance(Source, "a Source")))
    """Where this cut-off comes from, when it differs from the panel's source."""

    def __attrs_post_init__(self) -> None:
        if self.screen_ng_ml is None and self.confirm_ng_ml is None:
            raise f.fail(
                "$.confirm_ng_ml", "expected a screening or a confirmatory cut-off, got neither", "empty", self
            )

    def for_method(self, method: TestMethod) -> float | None:
        """The cut-off that applies to a result by *method*."""
        return self.screen_ng_ml if method is TestMethod.SCREEN else self.confirm_ng_ml


@final
@attrs.frozen(kw_only=True, cache_hash=True)
class CutoffPanel:
    """A named set of cut-offs with its source; one cut-off per analyte."""

    id: str = attrs.field(validator=f.identifier())
    name: str = attrs.field(validator=f.text())
    cutoffs: tuple[AnalyteCutoff, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(AnalyteCutoff))
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))

    def __attrs_post_init__(self) -> None:
        try:
            f.unique_by(self.cutoffs, lambda c: c.analyte, path="$.cutoffs", what="analyte")
        except InvalidDataError as exc:
            raise InvalidDataError(exc.errors, type_name="CutoffPanel") from None

    def cutoff(self, analyte: Analyte) -> AnalyteCutoff | None:
        """The cut-off for *analyte*, or ``None``."""
        return _index(self).get(analyte)

    @property
    def analytes(self) -> frozenset[Analyte]:
        """The analytes this panel has cut-offs for."""
        return frozenset(c.analyte for c in self.cutoffs)

    def combined(self, other: CutoffPanel, *, id: str, name: str) -> CutoffPanel:
        """This panel plus *other*'s analytes (e.g. a federal panel plus a program's clinical panel).

        Analytes in both panels keep this panel's cut-off.
        """
        extra = tuple(c if c.source is not None else attrs.evolve(c, source=other.source) for c in other.cutoffs)
        mine = self.analytes
        return CutoffPanel(
            id=id, name=name, cutoffs=(*self.cutoffs, *(c for c in extra if c.analyte not in mine)), source=self.source
        )


@functools.lru_cache(maxsize=64)
def _index(panel: CutoffPanel) -> dict[Analyte, AnalyteCutoff]:
    """The panel's cut-offs by analyte (cached per panel value: speed only)."""
    return {c.analyte: c for c in panel.cutoffs}


def _pairs(source: Source, rows: Iterable[tuple[Analyte, float | None, float | None]]) -> tuple[AnalyteCutoff, ...]:
    return tuple(AnalyteCutoff(analyte=a, screen_ng_ml=s, confirm_ng_ml=c) for a, s, c in rows)


_DOT_ROWS: tuple[tuple[Analyte, float | None, float | None], ...] = (
    (Analyte.THCA, 50, 15),
    (Analyte.BENZOYLECGONINE, 150, 100),
    (Analyte.CODEINE, 2000, 2000),
    (Analyte.MORPHINE, 2000, 2000),
    (Analyte.HYDROCODONE, 300, 100),
    (Analyte.HYDROMORPHONE, 300, 100),
    (Analyte.OXYCODONE, 100, 100),
    (Analyte.OXYMORPHONE, 100, 100),
    (Analyte.SIX_ACETYLMORPHINE, 10, 10),
    (Analyte.PHENCYCLIDINE, 25, 25),
    (Analyte.AMPHETAMINE, 500, 250),
    (Analyte.METHAMPHETAMINE, 500, 250),
    (Analyte.MDMA, 500, 250),
    (Analyte.MDA, 500, 250),
)

_DOT_SOURCE = Source(
    citation="49 CFR 40.85 (DOT drug-testing cut-offs)",
    urls=("http://federal.elaws.us/cfr/49-cfr-40.85(d)", "https://law.lawstack.com/cfr/49/40.85/"),
)
DOT_49_CFR_40_85 = CutoffPanel(
    id="dot_49_cfr_40_85", name="DOT 49 CFR 40.85", cutoffs=_pairs(_DOT_SOURCE, _DOT_ROWS), source=_DOT_SOURCE
)
"""DOT cut-offs (ng/mL, initial / confirmatory); screen cut-offs are the initial test's class cut-off."""

_HHS_SOURCE = Source(
    citation="HHS Mandatory Guidelines, urine panel effective 7 Jul 2025 (90 FR 4662; reaffirmed 91 FR 12308)",
    urls=(
        "http://federal.elaws.us/fr/1/16/2025/2025-00425",
        "https://www.govinfo.gov/content/pkg/FR-2026-03-13/html/2026-04981.htm",
    ),
    note="Read in a transcription of the Federal Register.",
)
_MORPHINE_4000 = Source(
    citation="HHS 2025 panel, morphine confirmatory 4,000 ng/mL (as transcribed)",
    urls=_HHS_SOURCE.urls,
    evidence=Evidence.UNVERIFIED,
    note="The transcription shows 4,000; DOT 40.85 has 2,000. Verify against the FR PDF; HHS_2025_MORPHINE_2000 is the alternative.",
)
_FENTANYL: tuple[AnalyteCutoff, ...] = (
    AnalyteCutoff(analyte=Analyte.FENTANYL, screen_ng_ml=1, confirm_ng_ml=1),
    AnalyteCutoff(analyte=Analyte.NORFENTANYL, confirm_ng_ml=1),
)


def _hhs(morphine_confirm: float, morphine_source: Source | None, id: str) -> CutoffPanel:
    rows = tuple(
        AnalyteCutoff(
            analyte=c.analyte, screen_ng_ml=c.screen_ng_ml, confirm_ng_ml=morphine_confirm, source=morphine_source
        )
        if c.analyte is Analyte.MORPHINE
        else c
        for c in DOT_49_CFR_40_85.cutoffs
    )
    return CutoffPanel(id=id, name="HHS urine panel 2025", cutoffs=(*rows, *_FENTANYL), source=_HHS_SOURCE)


HHS_2025 = _hhs(4000, _MORPHINE_4000, "hhs_2025")
"""HHS 2025 urine panel with fentanyl; morphine confirmatory 4,000 ng/mL as transcribed (unverified)."""
HHS_2025_MORPHINE_2000 = _hhs(
    2000,
    Source(
        citation="HHS 2025 panel with morphine confirmatory 2,000 ng/mL (as in DOT 40.85)",
        urls=_DOT_SOURCE.urls,
        evidence=Evidence.UNVERIFIED,
        note="Alternative reading where the HHS transcription and DOT disagree.",
    ),
    "hhs_2025_morphine_2000",
)
"""The HHS 2025 panel with morphine confirmatory 2,000 ng/mL (the DOT value)."""


@final
@attrs.frozen(kw_only=True)
class AnalyteInterpretation:
    """One analyte's reading: its outcome, the concentration and the cut-off it was compared with."""

    analyte: Analyte = attrs.field(validator=f.enum_member(Analyte))
    outcome: AnalyteOutcome = attrs.field(validator=f.enum_member(AnalyteOutcome))
    method: TestMethod = attrs.field(validator=f.enum_member(TestMethod))
    concentration_ng_ml: float = attrs.field(converter=f.to_float, validator=f.number(min_value=0))
    cutoff_ng_ml: float | None = _opt_float()


@final
@attrs.frozen(kw_only=True)
class Interpretation:
    """A drug test read against a panel and specimen-validity rules."""

    test_id: str = attrs.field(validator=f.text(max_length=128))
    panel_id: str = attrs.field(validator=f.identifier())
    result: TestResult = attrs.field(validator=f.enum_member(TestResult))
    specimen: SpecimenCategory = attrs.field(validator=f.enum_member(SpecimenCategory))
    validity_reasons: tuple[str, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(str, description="strings")
    )
    """Which criteria put the specimen in its category, with their citations."""
    analytes: tuple[AnalyteInterpretation, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(AnalyteInterpretation)
    )
    missing_expected: frozenset[Analyte] = attrs.field(
        factory=frozenset, converter=f.to_frozenset, validator=f.frozenset_of(Analyte, "Analyte members")
    )
    """Analytes the patient's medications should show that were not positive (possible non-adherence)."""

    @property
    def positives(self) -> frozenset[Analyte]:
        """Analytes positive or presumptively positive."""
        return frozenset(
            a.analyte
            for a in self.analytes
            if a.outcome in (AnalyteOutcome.POSITIVE, AnalyteOutcome.PRESUMPTIVE_POSITIVE)
        )


def interpret(
    test: DrugTest,
    panel: CutoffPanel,
    *,
    validity: SpecimenValidityRules = SPECIMEN_VALIDITY,
    expected: Iterable[Analyte] = (),
) -> Interpretation:
    """Read *test* against *panel* and the specimen-validity rules.

    Each analyte is positive at or above the confirmatory cut-off (confirmation
    results) or presumptively positive at or above the screening cut-off
    (screen results only). An adulterated, substituted or invalid specimen
    gives that result whatever the analytes show; otherwise any positive makes
    the test positive, and a dilute specimen adds ``_dilute``. *expected* are
    analytes the patient's prescriptions should produce; those not positive
    are listed in ``missing_expected``.
    """
    if not isinstance(test, DrugTest):
        raise InvalidDataError.single("$.test", f"expected a DrugTest, got {type_name(test)}", "type")
    if not isinstance(panel, CutoffPanel):
        raise InvalidDataError.single("$.panel", f"expected a CutoffPanel, got {type_name(panel)}", "type")
    if test.status is not DrugTestStatus.COLLECTED:
        raise InvalidDataError.single(
            "$.test.status", "expected a collected test, got a missed or refused one", "status"
        )
    return _read(test, panel, validity, frozenset(expected))


_POSITIVE_OUTCOMES = (AnalyteOutcome.POSITIVE, AnalyteOutcome.PRESUMPTIVE_POSITIVE)
_FAILED_SPECIMENS = {
    SpecimenCategory.ADULTERATED: TestResult.ADULTERATED,
    SpecimenCategory.SUBSTITUTED: TestResult.SUBSTITUTED,
    SpecimenCategory.INVALID: TestResult.INVALID,
}


def _read(
    test: DrugTest, panel: CutoffPanel, validity: SpecimenValidityRules, expected: frozenset[Analyte]
) -> Interpretation:
    """:func:`interpret` on already checked arguments (the compliance rules call this for every test)."""
    category, met = validity.classify(test.validity)
    limits = _limits(panel)
    by_analyte: dict[Analyte, AnalyteInterpretation] = {}
    results = test.results
    if len(results) > 1:
        results = tuple(sorted(results, key=_result_order))
    for result in results:
        analyte, method = result.analyte, result.method
        limit = limits.get((analyte, method))
        concentration = result.concentration_ng_ml
        if limit is None:
            outcome = AnalyteOutcome.NOT_EVALUATED
        elif concentration < limit:
            outcome = AnalyteOutcome.NEGATIVE
        elif method is TestMethod.CONFIRMATION:
            outcome = AnalyteOutcome.POSITIVE
        else:
            outcome = AnalyteOutcome.PRESUMPTIVE_POSITIVE
        # a confirmation result (sorted last) overrides the screen unless it could not be evaluated
        if outcome is not AnalyteOutcome.NOT_EVALUATED or analyte not in by_analyte:
            by_analyte[analyte] = _analyte_reading(analyte, outcome, method, concentration, limit)
    readings = tuple(by_analyte.values())  # results were sorted by analyte
    positives = frozenset(r.analyte for r in readings if r.outcome in _POSITIVE_OUTCOMES)
    overall = _FAILED_SPECIMENS.get(category)
    if overall is None:
        dilute = category is SpecimenCategory.DILUTE
        if positives:
            overall = TestResult.POSITIVE_DILUTE if dilute else TestResult.POSITIVE
        else:
            overall = TestResult.NEGATIVE_DILUTE if dilute else TestResult.NEGATIVE
    obj: Interpretation = _new(Interpretation)
    _I_TEST(obj, test.id)
    _I_PANEL(obj, panel.id)
    _I_RESULT(obj, overall)
    _I_SPECIMEN(obj, category)
    _I_REASONS(obj, tuple(f"{c.describe()} ({c.source.citation})" for c in met) if met else ())
    _I_ANALYTES(obj, readings)
    _I_MISSING(obj, expected - positives if expected else _NOTHING)
    return obj


# Readings are derived from validated tests, so they are built without
# re-running validators, field by field; a test checks these constructors set
# exactly the classes' fields and build values equal to validated ones.
_new = object.__new__
_NOTHING: frozenset[Analyte] = frozenset()
_A_ANALYTE, _A_OUTCOME, _A_METHOD, _A_CONCENTRATION, _A_CUTOFF = (
    getattr(AnalyteInterpretation, a.name).__set__ for a in attrs.fields(AnalyteInterpretation)
)
_I_TEST, _I_PANEL, _I_RESULT, _I_SPECIMEN, _I_REASONS, _I_ANALYTES, _I_MISSING = (
    getattr(Interpretation, a.name).__set__ for a in attrs.fields(Interpretation)
)


def _analyte_reading(
    analyte: Analyte, outcome: AnalyteOutcome, method: TestMethod, concentration: float, cutoff: float | None
) -> AnalyteInterpretation:
    obj: AnalyteInterpretation = _new(AnalyteInterpretation)
    _A_ANALYTE(obj, analyte)
    _A_OUTCOME(obj, outcome)
    _A_METHOD(obj, method)
    _A_CONCENTRATION(obj, concentration)
    _A_CUTOFF(obj, cutoff)
    return obj


def _result_order(result: AnalyteResult) -> tuple[str, bool]:
    return (result.analyte.value, result.method is TestMethod.CONFIRMATION)


@functools.lru_cache(maxsize=64)
def _limits(panel: CutoffPanel) -> dict[tuple[Analyte, TestMethod], float | None]:
    """The cut-off for each analyte and method in *panel* (cached per panel value: speed only)."""
    return {(c.analyte, m): c.for_method(m) for c in panel.cutoffs for m in TestMethod}
