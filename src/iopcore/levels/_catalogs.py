"""The built-in level-of-care catalogs, as data with a source on every entry.

Facts and confidence tags come from the project's research notes
(``shared/domain/facts.md``); evidence levels map as [V] → VERIFIED,
[S] → SECONDARY, [U] → UNVERIFIED.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.levels._model import (
    DaysBand,
    Framework,
    HoursBand,
    LevelCatalog,
    LevelCategory,
    LevelOfCare,
    Management,
    Population,
    Setting,
    Transition,
)
from iopcore.sources import Evidence, Source

__all__ = [
    "ASAM3",
    "ASAM4",
    "ASAM_EDITION_MAP",
    "DEFAULT_DAYS_PER_WEEK",
    "GENERIC_IOP",
    "MEDICARE",
    "CodeMapping",
    "asam3_to_asam4",
    "asam4_to_asam3",
]

V, S, U = Evidence.VERIFIED, Evidence.SECONDARY, Evidence.UNVERIFIED
ADULT, ADOLESCENT = Population.ADULT, Population.ADOLESCENT
CM, MMON, MM = Management.CLINICALLY_MANAGED, Management.MEDICALLY_MONITORED, Management.MEDICALLY_MANAGED
OUT, RES, INP = Setting.OUTPATIENT, Setting.RESIDENTIAL, Setting.INPATIENT
C = LevelCategory

# ----------------------------------------------------------------------------- sources

_ASAM_FAQ = (
    "https://crystalmythtvministry.pages.dev/727413.html",
    "https://midshorebehavioralhealth.org/glossary/asam-criteria/",
)
ASAM3_LEVELS_SOURCE = Source(
    citation="ASAM Criteria, 3rd ed. (2013), levels of care, via ASAM's levels FAQ (copy, cites p. 179) and a provider glossary",
    urls=_ASAM_FAQ,
    evidence=V,
)
_ASAM3_SECONDARY = Source(
    citation="ASAM Criteria, 3rd ed. (2013) level descriptions in training and provider summaries",
    urls=(
        "https://midshorebehavioralhealth.org/glossary/asam-criteria/",
        "https://open-exam-prep.com/study-guides/icrc/screening-assessment/asam-levels-of-care",
        "https://levelupcompliance.com/guides/asam-levels-of-care",
    ),
    evidence=S,
)
_MANAGED = Source(
    citation="Medicaid IAP summary of the ASAM Criteria reviewed by ASAM (clinically managed vs medically monitored)",
    urls=("https://cod.pressbooks.pub/addictionscounseling/?p=5",),
    evidence=V,
)
_WM3 = Source(
    citation="ASAM Criteria, 3rd ed.: five withdrawal-management levels (1-WM, 2-WM, 3.2-WM, 3.7-WM, 4-WM)",
    urls=(
        "https://www.seekhealthz.com/drugs/admission-criteria-of-opioid-withdrawal/",
        "http://www.championsrecoveryprograms.org/new-page-2",
    ),
    evidence=S,
)
_DC = Source(
    citation="District of Columbia, 22-A DCMR §6329 (Level 2.1 IOP: 9–19 h/wk adults, 6–19 h/wk youth under 21)",
    urls=("http://dcrules.elaws.us/dcmr/22-a6329",),
    evidence=V,
)
_ASAM4 = Source(
    citation="ASAM Criteria, 4th ed. (2023) level names from training materials (not read in ASAM's own text)",
    urls=(
        "https://es.educaplay.com/recursos-educativos/20760817-asam_levels_of_care_matching_game.html",
        "https://jeopardylabs.com/print/asam-4-jeopardy",
        "https://behavioralhealth.news/2024/12/07/the-asam-fourth-edition-criteria-a-new-era-in-addiction-treatment",
    ),
    evidence=S,
    note="x.1 and x.5 clinically managed; x.7 and 4 medically managed and withdrawal-management capable",
)
_MEDICARE = Source(
    citation="Medicare IOP benefit (CAA 2023 §4124; CY 2024 OPPS final rule CMS-1786-FC): IOP 9–19 h/wk, PHP 20+ h/wk",
    urls=(
        "https://hancockdaniel.com/2023/11/behavioral-health-newsletter-2",
        "https://med.noridianmedicare.com/web/jea/provider-types/mental-health/intensive-outpatient-program",
        "https://www.chcs.org/resource/new-changes-to-intensive-outpatient-program-coverage/",
    ),
    evidence=S,
)
ARTICLE = Source(
    citation="Components of an Intensive Outpatient Program (article iopcore grew from): 6–30 h/week on 3–5 days/week, no specific length",
    urls=(),
    evidence=S,
    note="A provider article; TIP 47 is cited by a secondary source for the same 6–30 contact hours "
    "(https://www.sosdallas.com/what-s-the-difference).",
)
_TRANSITIONS = Source(
    citation="Usual continuum moves: SAMHSA 2021 Advisory based on TIP 47 (IOP entered as primary treatment, as a "
    "step-down from inpatient, residential or withdrawal management, or as a step-up from outpatient) and the IOP "
    "article (IOP after residential or detox, followed by less structured outpatient care)",
    urls=(
        "https://www.zlibrary.cc/dl/samhsa-advisory-2021-clinical-issues-in-intensive-outpatient-treatment-for-substance-use-disorders",
    ),
    evidence=S,
)
_WITHIN = Source(
    citation="iopcore convention: a change of intensity within the same broad level (e.g. 3.5 → 3.1)",
    evidence=Evidence.ILLUSTRATIVE,
    note="Not from a clinical source; replace the catalog's transitions with your program's if they differ.",
)

DEFAULT_DAYS_PER_WEEK = DaysBand(min_days=3, max_days=5, source=ARTICLE)
"""The article's 3–5 treatment days a week, the default days band of a program."""


def _band(lo: float, hi: float | None, source: Source | None = None) -> HoursBand:
    return HoursBand(min_hours=lo, max_hours=hi, source=source)


def _level(
    framework: Framework, code: str, name: str, category: LevelCategory, setting: Setting, **kw: object
) -> LevelOfCare:
    return LevelOfCare(framework=framework, code=code, name=name, category=category, setting=setting, **kw)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- transitions

_USUAL_MOVES: tuple[tuple[LevelCategory, frozenset[LevelCategory]], ...] = (
    (
        C.WITHDRAWAL_MANAGEMENT,
        frozenset({C.RESIDENTIAL, C.PARTIAL_HOSPITALIZATION, C.INTENSIVE_OUTPATIENT, C.OUTPATIENT}),
    ),
    (C.INPATIENT, frozenset({C.RESIDENTIAL, C.PARTIAL_HOSPITALIZATION, C.INTENSIVE_OUTPATIENT})),
    (C.RESIDENTIAL, frozenset({C.PARTIAL_HOSPITALIZATION, C.INTENSIVE_OUTPATIENT})),
    (C.PARTIAL_HOSPITALIZATION, frozenset({C.INTENSIVE_OUTPATIENT})),
    (C.INTENSIVE_OUTPATIENT, frozenset({C.PARTIAL_HOSPITALIZATION, C.OUTPATIENT})),
    (C.OUTPATIENT, frozenset({C.INTENSIVE_OUTPATIENT})),
)
_WITHIN_CATEGORIES = frozenset({C.RESIDENTIAL, C.INTENSIVE_OUTPATIENT, C.OUTPATIENT, C.WITHDRAWAL_MANAGEMENT})


def _categories(level: LevelOfCare) -> frozenset[LevelCategory]:
    """A level's categories for transition rules: WM-capable levels also count as withdrawal management."""
    if level.withdrawal_management:
        return frozenset({level.category, C.WITHDRAWAL_MANAGEMENT})
    return frozenset({level.category})


def _usual_transitions(levels: Iterable[LevelOfCare]) -> tuple[Transition, ...]:
    levels = tuple(levels)
    out: dict[tuple[str, str], Transition] = {}
    for a in levels:
        for b in levels:
            if a.code == b.code:
                continue
            usual = any(src in _categories(a) and b.category in dst for src, dst in _USUAL_MOVES)
            if usual:
                out.setdefault((a.code, b.code), Transition(from_code=a.code, to_code=b.code, source=_TRANSITIONS))
            elif a.category == b.category and a.category in _WITHIN_CATEGORIES:
                out.setdefault((a.code, b.code), Transition(from_code=a.code, to_code=b.code, source=_WITHIN))
    return tuple(out.values())


# ----------------------------------------------------------------------------- ASAM 3rd edition

_A3 = Framework.ASAM3
_asam3_levels = (
    _level(
        _A3,
        "0.5",
        "Early Intervention",
        C.EARLY_INTERVENTION,
        OUT,
        intensity=0.5,
        source=ASAM3_LEVELS_SOURCE,
        notes="For people at risk who do not yet meet criteria for a substance use disorder.",
    ),
    _level(
        _A3,
        "1",
        "Outpatient Services",
        C.OUTPATIENT,
        OUT,
        intensity=1,
        hours_per_week={ADULT: _band(0, 9), ADOLESCENT: _band(0, 6)},
        source=ASAM3_LEVELS_SOURCE,
        notes="Adults under 9 h/week, adolescents under 6 h/week.",
    ),
    _level(
        _A3,
        "OTP",
        "Opioid Treatment Program (Level 1 OTP)",
        C.OPIOID_TREATMENT,
        OUT,
        intensity=1,
        source=Source(
            citation="ASAM Criteria, 3rd ed.: Level 1 OTP (opioid maintenance)", urls=(_ASAM_FAQ[1],), evidence=S
        ),
    ),
    _level(
        _A3,
        "2.1",
        "Intensive Outpatient Services",
        C.INTENSIVE_OUTPATIENT,
        OUT,
        intensity=2.1,
        hours_per_week={
            ADULT: _band(
                9,
                20,
                Source(
                    citation="ASAM 3rd ed. (≥ 9 h/week adults); upper bound from DC 22-A DCMR §6329 (9–19 h/week)",
                    urls=(*_ASAM_FAQ, _DC.urls[0]),
                    evidence=V,
                    note="The upper bound is implied by Level 2.5 starting at 20 h/week and codified by DC.",
                ),
            ),
            ADOLESCENT: _band(
                6,
                20,
                Source(
                    citation="ASAM 3rd ed. (≥ 6 h/week adolescents); upper bound from DC 22-A DCMR §6329 (6–19 h/week youth)",
                    urls=(*_ASAM_FAQ, _DC.urls[0]),
                    evidence=V,
                ),
            ),
        },
        source=ASAM3_LEVELS_SOURCE,
    ),
    _level(
        _A3,
        "2.5",
        "Partial Hospitalization Services",
        C.PARTIAL_HOSPITALIZATION,
        OUT,
        intensity=2.5,
        hours_per_week={
            ADULT: _band(20, None, _ASAM3_SECONDARY),
            ADOLESCENT: _band(
                20,
                None,
                Source(
                    citation="ASAM 3rd ed. Level 2.5 adolescent hours",
                    urls=_ASAM3_SECONDARY.urls,
                    evidence=U,
                    note="Assumed to equal the adult 20 h/week; not confirmed in a primary source.",
                ),
            ),
        },
        source=_ASAM3_SECONDARY,
    ),
    _level(
        _A3,
        "3.1",
        "Clinically Managed Low-Intensity Residential Services",
        C.RESIDENTIAL,
        RES,
        management=CM,
        intensity=3.1,
        hours_per_week={ADULT: _band(5, None, _ASAM3_SECONDARY)},
        source=_MANAGED,
        notes="24-hour structure with at least 5 hours a week of clinical services (adults).",
    ),
    _level(
        _A3,
        "3.3",
        "Clinically Managed Population-Specific High-Intensity Residential Services",
        C.RESIDENTIAL,
        RES,
        management=CM,
        intensity=3.3,
        source=_MANAGED,
        notes="An adult level; that it has no adolescent counterpart is unverified.",
    ),
    _level(
        _A3,
        "3.5",
        "Clinically Managed High-Intensity Residential Services",
        C.RESIDENTIAL,
        RES,
        management=CM,
        intensity=3.5,
        source=_MANAGED,
    ),
    _level(
        _A3,
        "3.7",
        "Medically Monitored Intensive Inpatient Services",
        C.RESIDENTIAL,
        INP,
        management=MMON,
        intensity=3.7,
        source=_MANAGED,
        notes="24-hour nursing care with a physician available.",
    ),
    _level(
        _A3,
        "4",
        "Medically Managed Intensive Inpatient Services",
        C.INPATIENT,
        INP,
        management=MM,
        intensity=4,
        source=_ASAM3_SECONDARY,
        notes="24-hour care in an acute hospital with daily physician care.",
    ),
    _level(
        _A3,
        "1-WM",
        "Ambulatory Withdrawal Management without Extended On-Site Monitoring",
        C.WITHDRAWAL_MANAGEMENT,
        OUT,
        withdrawal_management=True,
        intensity=1,
        source=_WM3,
    ),
    _level(
        _A3,
        "2-WM",
        "Ambulatory Withdrawal Management with Extended On-Site Monitoring",
        C.WITHDRAWAL_MANAGEMENT,
        OUT,
        withdrawal_management=True,
        intensity=2,
        source=_WM3,
    ),
    _level(
        _A3,
        "3.2-WM",
        "Clinically Managed Residential Withdrawal Management",
        C.WITHDRAWAL_MANAGEMENT,
        RES,
        management=CM,
        withdrawal_management=True,
        intensity=3.2,
        source=_WM3,
        notes='Also called "social detox".',
    ),
    _level(
        _A3,
        "3.7-WM",
        "Medically Monitored Inpatient Withdrawal Management",
        C.WITHDRAWAL_MANAGEMENT,
        INP,
        management=MMON,
        withdrawal_management=True,
        intensity=3.7,
        source=_WM3,
    ),
    _level(
        _A3,
        "4-WM",
        "Medically Managed Intensive Inpatient Withdrawal Management",
        C.WITHDRAWAL_MANAGEMENT,
        INP,
        management=MM,
        withdrawal_management=True,
        intensity=4,
        source=_WM3,
    ),
)

ASAM3 = LevelCatalog(
    name="ASAM3",
    framework=_A3,
    levels=_asam3_levels,
    transitions=_usual_transitions(_asam3_levels),
    source=ASAM3_LEVELS_SOURCE,
)
"""The ASAM Criteria, 3rd edition: levels 0.5–4, the withdrawal-management track and OTP."""

# ----------------------------------------------------------------------------- ASAM 4th edition

_A4 = Framework.ASAM4
_A4_HOURS_U = Source(
    citation="ASAM 4th ed. residential clinical hours as given by a quiz source",
    urls=_ASAM4.urls[1:2],
    evidence=U,
    note="Not confirmed in ASAM's text; replace with your program's values.",
)
_asam4_levels = (
    _level(
        _A4,
        "1.0",
        "Long-Term Remission Monitoring",
        C.OUTPATIENT,
        OUT,
        intensity=1.0,
        source=_ASAM4,
        notes="Low-frequency check-ins (e.g. every 3 months) once stable.",
    ),
    _level(
        _A4,
        "1.5",
        "Outpatient Therapy",
        C.OUTPATIENT,
        OUT,
        management=CM,
        intensity=1.5,
        hours_per_week={
            ADULT: _band(
                0,
                9,
                Source(
                    citation="ASAM 4th ed. Level 1.5 hours",
                    urls=_ASAM4.urls,
                    evidence=U,
                    note="Inferred: below the 9 h/week at which Level 2.1 starts; sources say weekly or twice weekly.",
                ),
            )
        },
        source=_ASAM4,
    ),
    _level(
        _A4,
        "1.7",
        "Medically Managed Outpatient",
        C.OUTPATIENT,
        OUT,
        management=MM,
        withdrawal_management=True,
        intensity=1.7,
        source=_ASAM4,
        notes="Adds withdrawal management and addiction and psychiatric medications.",
    ),
    _level(
        _A4,
        "2.1",
        "Intensive Outpatient",
        C.INTENSIVE_OUTPATIENT,
        OUT,
        management=CM,
        intensity=2.1,
        hours_per_week={ADULT: _band(9, 20, _ASAM4)},
        source=_ASAM4,
    ),
    _level(
        _A4,
        "2.5",
        "High-Intensity Outpatient",
        C.PARTIAL_HOSPITALIZATION,
        OUT,
        management=CM,
        intensity=2.5,
        hours_per_week={ADULT: _band(20, None, _ASAM4)},
        source=_ASAM4,
        notes='Replaces the 3rd edition\'s "Partial Hospitalization" (HIOP).',
    ),
    _level(
        _A4,
        "2.7",
        "Medically Managed Intensive Outpatient",
        C.INTENSIVE_OUTPATIENT,
        OUT,
        management=MM,
        withdrawal_management=True,
        intensity=2.7,
        source=_ASAM4,
    ),
    _level(
        _A4,
        "3.1",
        "Clinically Managed Low-Intensity Residential",
        C.RESIDENTIAL,
        RES,
        management=CM,
        intensity=3.1,
        hours_per_week={ADULT: _band(9, 20, _A4_HOURS_U)},
        source=_ASAM4,
    ),
    _level(
        _A4,
        "3.5",
        "Clinically Managed High-Intensity Residential",
        C.RESIDENTIAL,
        RES,
        management=CM,
        intensity=3.5,
        hours_per_week={ADULT: _band(20, None, _A4_HOURS_U)},
        source=_ASAM4,
    ),
    _level(
        _A4,
        "3.7",
        "Medically Managed Residential",
        C.RESIDENTIAL,
        RES,
        management=MM,
        withdrawal_management=True,
        intensity=3.7,
        hours_per_week={ADULT: _band(20, None, _A4_HOURS_U)},
        source=_ASAM4,
        notes='Was "Medically Monitored Intensive Inpatient"; a biomedically enhanced variant "3.7-BIO" exists.',
    ),
    _level(
        _A4,
        "4",
        "Medically Managed Inpatient",
        C.INPATIENT,
        INP,
        management=MM,
        withdrawal_management=True,
        intensity=4,
        source=_ASAM4,
    ),
)

ASAM4 = LevelCatalog(
    name="ASAM4",
    framework=_A4,
    levels=_asam4_levels,
    transitions=_usual_transitions(_asam4_levels),
    source=_ASAM4,
)
"""The ASAM Criteria, 4th edition (all entries from secondary sources; adolescent bands not given)."""

# ----------------------------------------------------------------------------- Medicare

_MC = Framework.MEDICARE
_medicare_levels = (
    _level(
        _MC,
        "IOP",
        "Intensive Outpatient Program",
        C.INTENSIVE_OUTPATIENT,
        OUT,
        intensity=2.1,
        hours_per_week={ADULT: _band(9, 20, _MEDICARE), ADOLESCENT: _band(9, 20, _MEDICARE)},
        source=_MEDICARE,
        notes="Physician certification that the patient needs at least 9 hours a week; the band is not age-specific.",
    ),
    _level(
        _MC,
        "PHP",
        "Partial Hospitalization Program",
        C.PARTIAL_HOSPITALIZATION,
        OUT,
        intensity=2.5,
        hours_per_week={ADULT: _band(20, None, _MEDICARE), ADOLESCENT: _band(20, None, _MEDICARE)},
        source=_MEDICARE,
    ),
)
MEDICARE = LevelCatalog(
    name="MEDICARE",
    framework=_MC,
    levels=_medicare_levels,
    transitions=_usual_transitions(_medicare_levels),
    source=_MEDICARE,
)
"""Medicare's IOP (9–19 h/week) and PHP (20+ h/week) benefit categories."""

# ----------------------------------------------------------------------------- generic IOP

_GEN = Framework.GENERIC
GENERIC_IOP = LevelCatalog(
    name="GENERIC_IOP",
    framework=_GEN,
    levels=(
        _level(
            _GEN,
            "IOP",
            "Intensive Outpatient Program",
            C.INTENSIVE_OUTPATIENT,
            OUT,
            intensity=2.1,
            hours_per_week={ADULT: _band(6, 31), ADOLESCENT: _band(6, 31)},
            days_per_week=DEFAULT_DAYS_PER_WEEK,
            source=ARTICLE,
            notes="No fixed length: it may last a week, two or more.",
        ),
    ),
    source=ARTICLE,
)
"""The general IOP definition: 6–30 hours a week (``[6, 31)``) on 3–5 days a week, no fixed length."""

# ----------------------------------------------------------------------------- edition mapping


@final
@attrs.frozen(kw_only=True)
class CodeMapping:
    """A documented correspondence between a 3rd- and a 4th-edition ASAM level."""

    asam3: str = attrs.field(validator=f.text(max_length=32))
    asam4: str = attrs.field(validator=f.text(max_length=32))
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))
    note: str = attrs.field(default="", validator=f.instance(str, "a string"))


_MAP_SRC = Source(
    citation="ASAM 4th ed. level names and its integration of withdrawal management into 1.7, 2.7, 3.7 and 4",
    urls=_ASAM4.urls,
    evidence=S,
)

ASAM_EDITION_MAP: tuple[CodeMapping, ...] = (
    CodeMapping(asam3="1", asam4="1.5", source=_MAP_SRC, note="Outpatient Services → Outpatient Therapy"),
    CodeMapping(asam3="2.1", asam4="2.1", source=_MAP_SRC),
    CodeMapping(asam3="2.5", asam4="2.5", source=_MAP_SRC, note="Partial Hospitalization → High-Intensity Outpatient"),
    CodeMapping(asam3="3.1", asam4="3.1", source=_MAP_SRC),
    CodeMapping(asam3="3.5", asam4="3.5", source=_MAP_SRC),
    CodeMapping(
        asam3="3.7",
        asam4="3.7",
        source=_MAP_SRC,
        note="Medically Monitored Intensive Inpatient → Medically Managed Residential",
    ),
    CodeMapping(asam3="4", asam4="4", source=_MAP_SRC),
    CodeMapping(asam3="1-WM", asam4="1.7", source=_MAP_SRC, note="Ambulatory withdrawal management is part of 1.7"),
    CodeMapping(
        asam3="2-WM", asam4="2.7", source=_MAP_SRC, note="Ambulatory WM with extended monitoring is part of 2.7"
    ),
    CodeMapping(asam3="3.7-WM", asam4="3.7", source=_MAP_SRC),
    CodeMapping(asam3="4-WM", asam4="4", source=_MAP_SRC),
)
"""3rd ↔ 4th edition correspondences where one is documented.

No mapping is given for 0.5 (whether it remains in the 4th edition is
unverified), 3.3, 3.2-WM and OTP, nor for the 4th edition's new 1.0.
"""


@f.guard
def asam3_to_asam4(code: str) -> tuple[LevelOfCare, ...]:
    """4th-edition levels that correspond to a 3rd-edition *code* (empty where none is documented)."""
    ASAM3._resolve(code, "$.code")  # raises UnknownCodeError for codes not in the 3rd edition
    return tuple(ASAM4._resolve(m.asam4, "$.code") for m in ASAM_EDITION_MAP if m.asam3 == code)


@f.guard
def asam4_to_asam3(code: str) -> tuple[LevelOfCare, ...]:
    """3rd-edition levels that correspond to a 4th-edition *code* (empty where none is documented)."""
    ASAM4._resolve(code, "$.code")
    return tuple(ASAM3._resolve(m.asam3, "$.code") for m in ASAM_EDITION_MAP if m.asam4 == code)
