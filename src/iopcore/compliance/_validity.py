"""Specimen validity as data: measurement ranges, criteria per category, and the rule sets that classify a specimen.

The default rules follow the HHS Mandatory Guidelines for urine in force
(82 FR 7920, 2017, which moved the lower adulteration pH from 3 to 4, as
revised by 88 FR 70768, effective 1 February 2024) and 49 CFR 40.87–40.90
(what a laboratory measures; dilute and substituted; adulterant cut-offs and
invalid results, both by reference to the HHS Guidelines); each criterion cites
its section and how well it was checked (:class:`~iopcore.sources.Evidence`). A specimen is ``valid`` only when the measurements that
49 CFR 40.87 requires are present and no criterion of another category is met:
a missing measurement gives ``not_assessed``, never ``valid``. The older
NRC/SAMHSA table stays selectable (``edition="nrc_samhsa_2004"``). Sources
disagree on "dilute": :data:`DILUTE_DEFINITIONS` holds the three published
wordings and :func:`specimen_validity_rules` chooses one; it also switches the
unverified invalid criterion "creatinine >= 2 mg/dL with specific gravity <=
1.0010" (``low_gravity_invalid``).
"""

from __future__ import annotations

import bisect
import enum
import functools
from typing import Annotated, Any, Literal, final

import attrs

from iopcore import _fields as f
from iopcore.compliance._checks import refuse
from iopcore.compliance._records import SpecimenValidity
from iopcore.errors import UnknownCodeError
from iopcore.sources import Evidence, Source

__all__ = [
    "DILUTE_DEFINITIONS",
    "SPECIMEN_VALIDITY",
    "VALIDITY_EDITIONS",
    "NumericRange",
    "SpecimenCategory",
    "SpecimenValidityRules",
    "ValidityCriterion",
    "specimen_validity_rules",
]


class SpecimenCategory(enum.StrEnum):
    """A specimen-validity category; criteria are checked adulterated, substituted, invalid, dilute, not assessed."""

    VALID = "valid"
    DILUTE = "dilute"
    INVALID = "invalid"
    SUBSTITUTED = "substituted"
    ADULTERATED = "adulterated"
    NOT_ASSESSED = "not_assessed"
    """A measurement needed to call the specimen valid is missing (or the rules do not apply, e.g. oral fluid)."""


_CATEGORY_ORDER = (
    SpecimenCategory.ADULTERATED,
    SpecimenCategory.SUBSTITUTED,
    SpecimenCategory.INVALID,
    SpecimenCategory.DILUTE,
    SpecimenCategory.NOT_ASSESSED,
)


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


def _unmeasured_check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    f.tuple_of(str, description="measurement names")(inst, attribute, value)
    if any(m not in _MEASURES for m in value):
        raise f.fail(attribute, f"expected measurement names ({', '.join(_MEASURES)}), got another str", "code", inst)


def _range_field() -> Any:
    return attrs.field(default=None, validator=f.optional(f.instance(NumericRange, "a NumericRange")))


@final
@attrs.frozen(kw_only=True)
class ValidityCriterion:
    """One way a specimen falls into a category: every given range must hold (a missing measurement fails).

    ``unmeasured`` names measurements that must be *missing* for the criterion
    to hold (``not_assessed`` criteria: "creatinine not measured").
    """

    category: SpecimenCategory = attrs.field(validator=f.enum_member(SpecimenCategory))
    creatinine_mg_dl: NumericRange | None = _range_field()
    specific_gravity: NumericRange | None = _range_field()
    ph: NumericRange | None = _range_field()
    nitrite_mcg_ml: NumericRange | None = _range_field()
    adulterant_detected: bool = attrs.field(default=False, validator=f.boolean())
    """Met when the lab reports an adulterant (no ranges needed)."""
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))
    unmeasured: tuple[str, ...] = attrs.field(default=(), converter=f.to_tuple, validator=_unmeasured_check)

    def __attrs_post_init__(self) -> None:
        if self.category is SpecimenCategory.VALID:
            raise f.fail("$.category", "expected a non-valid category, got valid", "category", self)
        ranged = [m for m in _MEASURES if getattr(self, m) is not None]
        if not self.adulterant_detected and not ranged and not self.unmeasured:
            raise f.fail(
                "$.creatinine_mg_dl", "expected at least one range, unmeasured or adulterant_detected", "empty", self
            )
        if set(ranged) & set(self.unmeasured):
            raise f.fail("$.unmeasured", "expected no measurement both ranged and unmeasured, got one", "both", self)

    @f.guard
    def matches(self, validity: SpecimenValidity) -> bool:
        """Whether the measurements meet this criterion."""
        return _meets(validity, self.adulterant_detected, _checks_of(self), self.unmeasured)

    @f.guard
    def describe(self) -> str:
        """A short text such as ``"creatinine_mg_dl < 2 and specific_gravity ≤ 1.001"``."""
        return self._describe()

    def _describe(self) -> str:
        parts = [f"{m} {getattr(self, m)}" for m in _MEASURES if getattr(self, m) is not None]
        parts += [f"{m} not measured" for m in self.unmeasured]
        if self.adulterant_detected:
            parts.append("adulterant detected")
        return " and ".join(parts)


@final
@attrs.frozen(kw_only=True, cache_hash=True)
class SpecimenValidityRules:
    """Specimen-validity criteria for urine; adulterated, then substituted, invalid, dilute and not assessed win.

    A specimen that meets no criterion is ``valid``: rules that should never call
    a specimen with a missing measurement valid include ``not_assessed``
    criteria for it (the built-in rules do, after 49 CFR 40.87).
    """

    id: str = attrs.field(validator=f.identifier())
    criteria: tuple[ValidityCriterion, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(ValidityCriterion))

    @f.guard
    def classify(self, validity: SpecimenValidity) -> tuple[SpecimenCategory, tuple[ValidityCriterion, ...]]:
        """The category and the criteria that put the specimen there."""
        return self._classify(validity)

    def _classify(self, validity: SpecimenValidity) -> tuple[SpecimenCategory, tuple[ValidityCriterion, ...]]:
        category, met, _ = _regions(self).classify(validity)
        return category, met

    def _classify_described(self, validity: SpecimenValidity) -> _Described:
        """:meth:`classify` with each criterion met described and cited (the reasons of an interpretation)."""
        return _regions(self).classify(validity)


def _classify_directly(
    rules: SpecimenValidityRules, validity: SpecimenValidity
) -> tuple[SpecimenCategory, tuple[ValidityCriterion, ...]]:
    """The category and criteria met, criterion by criterion (what :class:`_RegionTable` remembers per region)."""
    for category, entries in _compiled(rules):
        met = [criterion for criterion, flag, checks, missing in entries if _meets(validity, flag, checks, missing)]
        if met:
            return category, tuple(met)
    return SpecimenCategory.VALID, ()


# One measurement check: (measure, low, low inclusive, high, high inclusive).
_Check = tuple[str, float | None, bool, float | None, bool]
_Checks = tuple[_Check, ...]


def _meets(validity: SpecimenValidity, flag: bool, checks: _Checks, unmeasured: tuple[str, ...] = ()) -> bool:
    """Whether *validity* meets a criterion (inlined :meth:`NumericRange.contains`: the hot path of ``interpret``)."""
    if flag and not validity.adulterant_detected:
        return False
    for measure in unmeasured:
        if getattr(validity, measure) is not None:
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


def _checks_of(criterion: ValidityCriterion) -> _Checks:
    return tuple(_check(m, r) for m in _MEASURES if (r := getattr(criterion, m)) is not None)


@functools.lru_cache(maxsize=64)
def _compiled(
    rules: SpecimenValidityRules,
) -> tuple[tuple[SpecimenCategory, tuple[tuple[ValidityCriterion, bool, _Checks, tuple[str, ...]], ...]], ...]:
    """The criteria grouped by category in checking order, each with its ranges (cached per rules value: speed only)."""
    return tuple(
        (
            cat,
            tuple((c, c.adulterant_detected, _checks_of(c), c.unmeasured) for c in rules.criteria if c.category is cat),
        )
        for cat in _CATEGORY_ORDER
    )


_Described = tuple[SpecimenCategory, tuple[ValidityCriterion, ...], tuple[str, ...]]


class _RegionTable:
    """Specimen classification by *region*: where each measurement lies among the rules' bounds.

    Every criterion compares each measurement with bounds only, so two specimens whose measurements lie in the
    same regions (the same side of, or exactly on, every bound of that measurement; or both missing) and agree
    on ``adulterant_detected`` meet the same criteria. A specimen's regions are found by bisection and the
    answer for a region tuple is computed once (by :func:`_classify_directly`, with that specimen's values) and
    remembered: real measurements fall into a few dozen regions, whatever their decimals. Speed only.
    """

    __slots__ = ("_bounds", "_known", "_rules")

    def __init__(self, rules: SpecimenValidityRules) -> None:
        self._rules = rules
        bounds: list[set[float]] = [set() for _ in _MEASURES]
        for c in rules.criteria:
            for i, m in enumerate(_MEASURES):
                r: NumericRange | None = getattr(c, m)
                if r is not None:
                    bounds[i].update(b for b in (r.low, r.high) if b is not None)
        self._bounds = tuple(tuple(sorted(b)) for b in bounds)
        self._known: dict[tuple[int | bool, ...], _Described] = {}

    def classify(self, validity: SpecimenValidity) -> _Described:
        key = (
            _region(validity.creatinine_mg_dl, self._bounds[0]),
            _region(validity.specific_gravity, self._bounds[1]),
            _region(validity.ph, self._bounds[2]),
            _region(validity.nitrite_mcg_ml, self._bounds[3]),
            validity.adulterant_detected,
        )
        known = self._known.get(key)
        if known is None:
            category, met = _classify_directly(self._rules, validity)
            reasons = tuple(f"{c._describe()} ({c.source.citation})" for c in met)
            known = self._known[key] = (category, met, reasons)
        return known


def _region(value: float | None, bounds: tuple[float, ...]) -> int:
    """-1 when missing; 2i below ``bounds[i]`` (and above the one before); 2i + 1 exactly on ``bounds[i]``."""
    if value is None:
        return -1
    i = bisect.bisect_left(bounds, value)
    return 2 * i + 1 if i < len(bounds) and bounds[i] == value else 2 * i


@functools.lru_cache(maxsize=64)
def _regions(rules: SpecimenValidityRules) -> _RegionTable:
    """The region table of *rules* (one per rules value: speed only)."""
    return _RegionTable(rules)


def _below(x: float) -> NumericRange:
    return NumericRange(high=x, high_inclusive=False)


def _at_least(x: float) -> NumericRange:
    return NumericRange(low=x)


def _between(low: float, high: float) -> NumericRange:
    """``low <= x < high``."""
    return NumericRange(low=low, high=high, high_inclusive=False)


_LAWSTACK = "https://law.lawstack.com/cfr/49/"
_ECFR_TOC = (
    "https://govregs.com/regulations/title49_chapterA_part40_subpartF",
    "https://reglogic.com/DocViewer.aspx?id=1684606",
)
"""Tables of contents of the current 49 CFR 40 subpart F (eCFR text): the section numbers since 88 FR 27643 (2023)."""
_DOT_40_86_TO_40_90 = "https://www.transportation.gov/taxonomy/term/13461?page=59"
_SAMHSA_TABLE = (
    "http://www.medicalalgorithms.com/substance-abuse-and-mental-health-services-administration-samhsa-definitions-"
    "for-validity-of-a-urine-specimen"
)
_FR_2023 = "https://regulations.justia.com/regulations/fedreg/2023/10/12/2023-21734.html"
_FR_2017_URLS = (
    "https://regulations.justia.com/regulations/fedreg/2017/01/23/2017-00979.html",
    "https://casetext.com/federal-register/mandatory-guidelines-for-federal-workplace-drug-testing-programs-3",
)
_NOT_IN_GUIDELINES = (
    "The HHS Guidelines section that states this number, and its wording in 82 FR 7920 and 88 FR 70768, were not "
    "read, so no Guidelines section number is cited: only the opening pages of the Federal Register documents were "
    "readable, and no copy of the Guidelines' own specimen-validity text was found (searched again by title, section "
    "heading and wording in Dec 2026)."
)
_CFR_40_87 = Source(
    citation="49 CFR 40.87(a)-(b) (40.91 before the 2023 renumbering): creatinine and pH on each primary specimen; "
    "specific gravity when creatinine < 20 mg/dL",
    urls=(_LAWSTACK + "40.87/", *_ECFR_TOC),
    note="Without these measurements the specimen is not assessed (never valid). The current text (validity testing "
    "'under § 40.86') is read at lawstack (checked against eCFR.gov).",
)
_CFR_40_88_B = Source(
    citation="49 CFR 40.88(b) (40.93(b) before the 2023 renumbering): substituted when creatinine < 2 mg/dL and "
    "specific gravity <= 1.0010 or >= 1.0200",
    urls=(
        _LAWSTACK + "40.88/",
        *_ECFR_TOC,
        "https://regulations.justia.com/regulations/fedreg/agencies/department-of-health-and-human-services/"
        "substance-abuse-and-mental-health-services-administration/2005/01/25",
    ),
    note="88 FR 70768 (executive summary, read) also revised the HHS definition of substituted to include a "
    "biomarker concentration inconsistent with human urine, with a biomarker panel HHS publishes; iopcore records "
    "no biomarker measurement, so that criterion is not modelled. The HHS notice of 25 Jan 2005 (summary read) kept "
    "the 2 mg/dL creatinine criterion of a substituted specimen set in 69 FR 19644 (13 Apr 2004).",
)
_CFR_40_89 = Source(
    citation="49 CFR 40.89(a)-(b) (40.95 before the 2023 renumbering): adulterant cut-offs as required by the HHS "
    "Mandatory Guidelines; results at or above them (pH at or above or below) reported as adulterated",
    urls=(
        _LAWSTACK + "40.89/",
        "https://casetext.com/regulation/code-of-federal-regulations/title-49-transportation/subtitle-a-office-of-"
        "the-secretary-of-transportation/part-40-procedures-for-transportation-workplace-drug-and-alcohol-testing-"
        "programs/subpart-f-drug-testing-laboratories/4089-what-is-validity-testing-and-are-laboratories-required-to-"
        "conduct-it",
        "http://edocket.access.gpo.gov/cfr_2003/octqtr/49cfr40.95.htm",
    ),
    note="The current 40.89 is read in full (lawstack, checked against eCFR.gov; casetext gives its history: 65 FR "
    "79526, 66 FR 41951, 73 FR 35970 (2008), 88 FR 27643). 'An adulterant identified' is the 2003 CFR text of "
    "40.95(a)(1) (GPO), later replaced by the reference to the HHS cut-offs.",
)
_HHS_PH = Source(
    citation="HHS Mandatory Guidelines (urine), 82 FR 7920 (23 Jan 2017), applied through 49 CFR 40.89: adulterated "
    "when pH < 4 (the lower cut-off raised from 3 to 4); not among the changes 88 FR 70768 (in force 1 Feb 2024) "
    "lists",
    urls=(*_FR_2017_URLS, _FR_2023),
    note="Read in the Federal Register text: 82 FR 7920's summary ('raise the lower pH cutoff from 3 to 4'); "
    "88 FR 70768's executive summary lists its changes (annual drug panel, substituted with biomarkers, a biomarker "
    "panel, oral-fluid collection, the morphine confirmatory cut-off, MRO codeine/morphine review and reports), none "
    "of them the pH cut-off. " + _NOT_IN_GUIDELINES,
)
_HHS_PH_HIGH = Source(
    citation="HHS Mandatory Guidelines (urine) via 49 CFR 40.89: adulterated when pH >= 11",
    urls=("http://www.law.cornell.edu/cfr/text/10/26.161", "http://www.accuchem.com/doa/svt.htm", _FR_2023),
    evidence=Evidence.SECONDARY,
    note="Read in 10 CFR 26.161(c)(1) (NRC: 'less than 3, or equal to or greater than 11') and secondary tables; "
    "82 FR 7920 names only the change of the lower bound. " + _NOT_IN_GUIDELINES,
)
_HHS_NITRITE = Source(
    citation="HHS Mandatory Guidelines (urine) via 49 CFR 40.89: adulterated when nitrite >= 500 mcg/mL",
    urls=("http://www.accuchem.com/doa/svt.htm", _FR_2023),
    evidence=Evidence.SECONDARY,
    note=_NOT_IN_GUIDELINES,
)
_CFR_40_90 = (
    "49 CFR 40.90 (40.96 before the 2023 renumbering) requires the invalid-result criteria of the HHS Mandatory "
    "Guidelines (its paragraph (a), read on DOT's page); "
)
_HHS_INVALID_PH = Source(
    citation="HHS Mandatory Guidelines (urine) via 49 CFR 40.90 (invalid urine result, by the HHS criteria): pH >= 4 "
    "and < 4.5, or >= 9 and < 11",
    urls=("https://www.ncbi.nlm.nih.gov/pubmed/17988463", _DOT_40_86_TO_40_90, _FR_2023),
    evidence=Evidence.SECONDARY,
    note=_CFR_40_90 + "J Anal Toxicol 2007 gives the 2004 invalid bands >= 3 and < 4.5, >= 9 and < 11; the lower band "
    "starts where adulteration now ends (4). " + _NOT_IN_GUIDELINES,
)
_HHS_INVALID_NITRITE = Source(
    citation="HHS Mandatory Guidelines (urine) via 49 CFR 40.90 (invalid urine result, by the HHS criteria): nitrite "
    ">= 200 and < 500 mcg/mL",
    urls=(_SAMHSA_TABLE, _DOT_40_86_TO_40_90, _FR_2023),
    evidence=Evidence.SECONDARY,
    note=_CFR_40_90 + _NOT_IN_GUIDELINES,
)
_HHS_INVALID_CREATININE = Source(
    citation="HHS Mandatory Guidelines (urine) via 49 CFR 40.90 (invalid urine result, by the HHS criteria): "
    "creatinine < 2 mg/dL with specific gravity > 1.0010 and < 1.0200",
    urls=("https://profoundtips.com/popular/what-makes-a-urine-sample-invalid/", _DOT_40_86_TO_40_90, _FR_2023),
    evidence=Evidence.SECONDARY,
    note=_CFR_40_90
    + "Closes the gap between the substituted (<= 1.0010) and the older invalid (from 1.002) bounds. "
    + _NOT_IN_GUIDELINES,
)
_HHS_INVALID_LOW_SG = Source(
    citation="HHS Mandatory Guidelines (urine) via 49 CFR 40.90 (invalid urine result, by the HHS criteria): "
    "creatinine >= 2 mg/dL with specific gravity <= 1.0010",
    urls=(_DOT_40_86_TO_40_90, _FR_2023, _SAMHSA_TABLE),
    evidence=Evidence.UNVERIFIED,
    note=_CFR_40_90 + "Creatinine normal with a gravity below human urine is inconsistent; no text stating this "
    "criterion with its bound was read: a secondary table of the SAMHSA definitions (medicalalgorithms) reads "
    "creatinine >= 2 mg/dL with specific gravity 1.000 as inconsistent, at three-decimal precision, not the bound "
    "<= 1.0010. It is a switch: specimen_validity_rules(low_gravity_invalid=False) leaves it out. "
    + _NOT_IN_GUIDELINES,
)
_CFR_40_88_A = Source(
    citation="49 CFR 40.88(a) (40.93(a) before the 2023 renumbering): dilute when creatinine >= 2 and < 20 mg/dL and "
    "specific gravity > 1.0010 and < 1.0030",
    urls=(
        _LAWSTACK + "40.88/",
        "https://jjkellercompliancenetwork.com/regsense/dilute-urine-specimen",
        "https://transit-safety.fta.dot.gov/DrugAndAlcohol/Regulations/Interpretations/49CFR40/"
        "FR_20041109_IFR_summary.aspx",
        _DOT_40_86_TO_40_90,
    ),
    evidence=Evidence.SECONDARY,
    note="The full wording of 40.88(a) (>= 2 and < 20 mg/dL, > 1.0010 and < 1.0030, on a single aliquot) is read in a "
    "compliance summary citing it; DOT's page shows only its opening ('creatinine concentration is greater than "
    "or...'), lawstack's copy of the current section only '(a) ... dilute when:' without its items, and DOT's (FTA) "
    "summary of the 2004 interim final rule gives the same bounds in its own words.",
)
_NRC_26_161 = Source(
    citation="10 CFR 26.161 (NRC; older SAMHSA adulteration values): pH < 3 or >= 11, nitrite >= 500 mcg/mL",
    urls=("http://www.law.cornell.edu/cfr/text/10/26.161", "http://www.accuchem.com/doa/svt.htm"),
)
_SAMHSA_INVALID = Source(
    citation="SAMHSA definitions for validity of a urine specimen (older table)",
    urls=(_SAMHSA_TABLE,),
    evidence=Evidence.SECONDARY,
    note="Written as pH 3.0-4.4 and 9.0-10.9 and specific gravity 1.002-1.019 at the precision of the day; iopcore "
    "uses [3.0, 4.5), [9.0, 11.0) and (1.001, 1.020) so that no value between the bands is left unclassified.",
)

DILUTE_DEFINITIONS: f.FrozenMap[str, ValidityCriterion] = f.FrozenMap(
    {
        "exclusive_range": ValidityCriterion(
            category=SpecimenCategory.DILUTE,
            creatinine_mg_dl=_between(2, 20),
            specific_gravity=NumericRange(low=1.0010, low_inclusive=False, high=1.0030, high_inclusive=False),
            source=_CFR_40_88_A,
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
                citation="Dilute: creatinine 2-20 mg/dL and SG 1.0001-1.0029",
                urls=("https://bluehive.com/glossary/dilute-specimen/",),
                evidence=Evidence.SECONDARY,
            ),
        ),
    }
)
"""The three published wordings of "dilute" (sources disagree); ``"exclusive_range"`` (49 CFR 40.88(a)) is the default."""

VALIDITY_EDITIONS: f.FrozenMap[str, str] = f.FrozenMap(
    {
        "hhs_urine_2024": "HHS Mandatory Guidelines for urine in force (82 FR 7920, 2017; revised by 88 FR 70768, "
        "effective 1 Feb 2024) with 49 CFR 40.87-40.90: adulterated pH < 4 or >= 11",
        "nrc_samhsa_2004": "The older NRC/SAMHSA table (10 CFR 26.161; SAMHSA 2004 invalid bands): adulterated pH < 3",
    }
)
"""The editions :func:`specimen_validity_rules` can build; ``"hhs_urine_2024"`` (the rules in force) is the default."""

_Edition = Literal["hhs_urine_2024", "nrc_samhsa_2004"]
_LOW_PH = {"hhs_urine_2024": 4.0, "nrc_samhsa_2004": 3.0}


def _required() -> tuple[ValidityCriterion, ...]:
    """The not-assessed criteria: what 49 CFR 40.87 requires a laboratory to measure."""
    na = SpecimenCategory.NOT_ASSESSED
    return (
        ValidityCriterion(category=na, unmeasured=("creatinine_mg_dl",), source=_CFR_40_87),
        ValidityCriterion(
            category=na, creatinine_mg_dl=_below(20), unmeasured=("specific_gravity",), source=_CFR_40_87
        ),
        ValidityCriterion(category=na, unmeasured=("ph",), source=_CFR_40_87),
    )


@attrs.frozen
class _EditionData:
    """What differs between the editions: sources, and the invalid creatinine/gravity criteria."""

    nitrite: Source
    ph_high: Source
    invalid_ph: Source
    invalid_nitrite: Source
    inconsistent: tuple[tuple[NumericRange, NumericRange, Source], ...]
    """(creatinine, specific gravity, source) of each invalid creatinine/gravity combination."""
    low_gravity_invalid: bool
    """Whether the edition reads creatinine >= 2 mg/dL with specific gravity <= 1.0010 as invalid by default."""


_EDITIONS = {
    "hhs_urine_2024": _EditionData(
        nitrite=_HHS_NITRITE,
        ph_high=_HHS_PH_HIGH,
        invalid_ph=_HHS_INVALID_PH,
        invalid_nitrite=_HHS_INVALID_NITRITE,
        inconsistent=(
            (
                _below(2),
                NumericRange(low=1.0010, low_inclusive=False, high=1.0200, high_inclusive=False),
                _HHS_INVALID_CREATININE,
            ),
        ),
        low_gravity_invalid=True,
    ),
    "nrc_samhsa_2004": _EditionData(
        nitrite=_NRC_26_161,
        ph_high=_NRC_26_161,
        invalid_ph=_SAMHSA_INVALID,
        invalid_nitrite=_SAMHSA_INVALID,
        inconsistent=(
            (
                _below(2),
                NumericRange(low=1.001, low_inclusive=False, high=1.020, high_inclusive=False),
                _SAMHSA_INVALID,
            ),
        ),
        low_gravity_invalid=False,
    ),
}

_LOW_GRAVITY = ValidityCriterion(
    category=SpecimenCategory.INVALID,
    creatinine_mg_dl=_at_least(2),
    specific_gravity=NumericRange(high=1.0010),
    source=_HHS_INVALID_LOW_SG,
)
"""Invalid: creatinine >= 2 mg/dL with specific gravity <= 1.0010 (the low-gravity switch of :func:`specimen_validity_rules`)."""


def _edition_criteria(edition: _EditionData, low_ph: float, ph_source: Source) -> tuple[ValidityCriterion, ...]:
    adulterated, invalid = SpecimenCategory.ADULTERATED, SpecimenCategory.INVALID
    return (
        ValidityCriterion(category=adulterated, nitrite_mcg_ml=_at_least(500), source=edition.nitrite),
        ValidityCriterion(category=adulterated, ph=_below(low_ph), source=ph_source),
        ValidityCriterion(category=adulterated, ph=_at_least(11), source=edition.ph_high),
        ValidityCriterion(category=invalid, ph=_between(low_ph, 4.5), source=edition.invalid_ph),
        ValidityCriterion(category=invalid, ph=_between(9, 11), source=edition.invalid_ph),
        ValidityCriterion(category=invalid, nitrite_mcg_ml=_between(200, 500), source=edition.invalid_nitrite),
        *(
            ValidityCriterion(category=invalid, creatinine_mg_dl=c, specific_gravity=sg, source=source)
            for c, sg, source in edition.inconsistent
        ),
    )


@f.guard
def specimen_validity_rules(
    *,
    edition: _Edition = "hhs_urine_2024",
    dilute: str = "exclusive_range",
    adulterated_ph_below: Annotated[float, f.Range(min_value=0, max_value=4.5)] | None = None,
    low_gravity_invalid: bool | None = None,
) -> SpecimenValidityRules:
    """Build the urine specimen-validity rules of an *edition*, choosing the dilute wording and the low-pH bound.

    *edition* is a key of :data:`VALIDITY_EDITIONS`: ``"hhs_urine_2024"`` (the
    default, in force: adulterated pH < 4) or ``"nrc_samhsa_2004"`` (the older
    table: pH < 3). *dilute* is a key of :data:`DILUTE_DEFINITIONS`.
    *adulterated_ph_below* (above 0, at most 4.5, where the invalid band ends)
    replaces the edition's low-pH bound; such a program-chosen bound is marked
    :attr:`Evidence.UNVERIFIED`. Every edition includes the ``not_assessed``
    criteria of 49 CFR 40.87 and the substituted criteria of 49 CFR 40.88(b).

    *low_gravity_invalid* switches the invalid criterion "creatinine >= 2 mg/dL
    with specific gravity <= 1.0010" (no primary text for it was read: its
    source is :attr:`Evidence.UNVERIFIED`); ``None`` (the default) takes the
    edition's choice: on for ``"hhs_urine_2024"``, off for ``"nrc_samhsa_2004"``,
    whose table has no such criterion. Left out, such a specimen is classified by
    the other criteria: ``dilute`` under the ``"below_thresholds"`` wording when
    creatinine < 20 mg/dL, but ``valid`` under the default ``"exclusive_range"``
    wording (which starts above 1.0010), so switch it off only for a laboratory
    that reports those specimens another way. A rule set that differs from its
    edition's choice says so in its id (``_low_sg_invalid`` or ``_no_low_sg_invalid``).
    """
    if dilute not in DILUTE_DEFINITIONS:
        raise UnknownCodeError(
            what="dilute definition", catalog="DILUTE_DEFINITIONS", known=sorted(DILUTE_DEFINITIONS), path="$.dilute"
        )
    if adulterated_ph_below == 0:
        raise refuse(
            "specimen_validity_rules",
            "$.adulterated_ph_below",
            "expected a number > 0 and <= 4.5, got 0",
            "range",
        )
    data = _EDITIONS[edition]
    low_gravity = data.low_gravity_invalid if low_gravity_invalid is None else low_gravity_invalid
    default_ph = _LOW_PH[edition]
    low_ph = default_ph if adulterated_ph_below is None else adulterated_ph_below
    base_source = _HHS_PH if edition == "hhs_urine_2024" else _NRC_26_161
    ph_source = (
        base_source
        if low_ph == default_ph
        else attrs.evolve(base_source, evidence=Evidence.UNVERIFIED, note="Program-chosen lower pH bound.")
    )
    substituted = SpecimenCategory.SUBSTITUTED
    criteria = (
        ValidityCriterion(
            category=substituted,
            creatinine_mg_dl=_below(2),
            specific_gravity=NumericRange(high=1.0010),
            source=_CFR_40_88_B,
        ),
        ValidityCriterion(
            category=substituted, creatinine_mg_dl=_below(2), specific_gravity=_at_least(1.0200), source=_CFR_40_88_B
        ),
        ValidityCriterion(category=SpecimenCategory.ADULTERATED, adulterant_detected=True, source=_CFR_40_89),
        *_edition_criteria(data, low_ph, ph_source),
        *((_LOW_GRAVITY,) if low_gravity else ()),
        *_required(),
        DILUTE_DEFINITIONS[dilute],
    )
    parts = [edition] + ([] if dilute == "exclusive_range" else [dilute])
    if low_ph != default_ph:
        parts.append("ph_" + _code(low_ph))
    if low_gravity != data.low_gravity_invalid:
        parts.append("low_sg_invalid" if low_gravity else "no_low_sg_invalid")
    return SpecimenValidityRules(id="specimen_validity_" + "_".join(parts), criteria=criteria)


def _code(x: float) -> str:
    """*x* as the tail of an identifier: ``4.0`` → ``"4"``, ``3.5`` → ``"3_5"``, ``1e-05`` → ``"1e_05"``."""
    text = str(int(x)) if x.is_integer() else str(x)
    return text.replace(".", "_").replace("-", "_").replace("+", "_")


SPECIMEN_VALIDITY = specimen_validity_rules()
"""The default urine specimen-validity rules: the HHS Guidelines in force, adulterated pH < 4 or >= 11."""
