"""The built-in level-of-care catalogs, as data with a source on every entry.

Facts and confidence tags come from the project's research notes
(``shared/domain/facts.md``); evidence levels map as [V] → VERIFIED,
[S] → SECONDARY, [U] → UNVERIFIED.
"""

from __future__ import annotations

from collections.abc import Iterable

from iopcore.levels._model import (
    DaysBand,
    Framework,
    HoursBand,
    IntensityOrder,
    LevelCatalog,
    LevelCategory,
    LevelOfCare,
    Management,
    OrderChoice,
    Population,
    Setting,
    Transition,
)
from iopcore.sources import Evidence, Source

__all__ = [
    "ASAM3",
    "ASAM4",
    "DEFAULT_DAYS_PER_WEEK",
    "GENERIC_IOP",
    "MEDICARE",
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


# ----------------------------------------------------------------------------- intensity orders

_TIP47_CONTINUUM_URL = "https://ncbi.nlm.nih.gov/books/NBK64088"
_ORDER_CONVENTION = (
    "No source ranks these levels against each other; replace the catalog's intensity_order with your program's "
    "if it ranks them otherwise."
)


def _choice(codes: tuple[str, ...], citation: str) -> OrderChoice:
    return OrderChoice(
        codes=codes,
        source=Source(citation=citation, evidence=Evidence.ILLUSTRATIVE, note=_ORDER_CONVENTION),
    )


_ASAM3_RANKED = (
    "0.5", "1", "OTP", "1-WM", "2.1", "2.5", "2-WM", "3.1", "3.2-WM", "3.3", "3.5", "3.7", "3.7-WM", "4", "4-WM",
)  # fmt: skip
"""ASAM3 levels from least to most intensive."""

_ASAM3_ORDER = IntensityOrder(
    codes=_ASAM3_RANKED,
    source=Source(
        citation="ASAM Criteria, 3rd ed.: five broad levels 0.5 to 4 whose decimals express intensity within a level "
        "(ASAM's levels FAQ, p. 179), points on one continuum (TIP 47 ch. 3); the withdrawal-management levels carry "
        "the number of the level of care they are delivered at (1-WM ambulatory, 2-WM ambulatory with extended "
        "on-site monitoring, 3.2-WM clinically managed residential, 3.7-WM medically monitored inpatient, 4-WM "
        "medically managed inpatient)",
        urls=(*_ASAM_FAQ, _TIP47_CONTINUUM_URL, *_WM3.urls),
        evidence=S,
        note="The decimals' meaning is verified (ASAM FAQ, TIP 47); the WM track's numbering comes from secondary "
        "sources. Levels are ranked by their numbers; 3.2-WM sits between 3.1 and 3.3 by its decimal. Where levels "
        "share a number (or 2-WM has no decimal) the order is iopcore's choice: see choices.",
    ),
    choices=(
        _choice(
            ("1", "OTP", "1-WM"),
            "Level 1, Level 1 OTP and 1-WM all carry level number 1. iopcore ranks the general outpatient level first "
            "and then the two that add medical services to it: the opioid treatment program (medication with "
            "counseling) and ambulatory withdrawal management (medically supervised withdrawal). The order of OTP "
            "and 1-WM between themselves is arbitrary.",
        ),
        _choice(
            ("2.1", "2.5", "2-WM"),
            "2-WM carries broad level 2 without a decimal, so its number does not rank it against 2.1 and 2.5. "
            "iopcore ranks it after both, as every withdrawal-management level here follows the levels it shares "
            "a number with: it adds extended on-site monitoring of withdrawal (its name says) to ambulatory care.",
        ),
        _choice(
            ("3.7", "3.7-WM"),
            "3.7 and 3.7-WM share a number and a setting (24-hour nursing care, physician available). iopcore ranks "
            "the withdrawal-management level after the level it shares a number with.",
        ),
        _choice(
            ("4", "4-WM"),
            "4 and 4-WM share a number and a setting (medically managed intensive inpatient care). iopcore ranks "
            "the withdrawal-management level after the level it shares a number with.",
        ),
    ),
)

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
    intensity_order=_ASAM3_ORDER,
    source=ASAM3_LEVELS_SOURCE,
)
"""The ASAM Criteria, 3rd edition: levels 0.5–4, the withdrawal-management track and OTP, ranked by intensity."""

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
    intensity_order=IntensityOrder(
        codes=tuple(lv.code for lv in _asam4_levels),
        source=Source(
            citation="ASAM Criteria, 4th ed.: levels ranked by their numbers (x.1 and x.5 clinically managed, x.7 and 4 "
            "medically managed); withdrawal management is part of 1.7, 2.7, 3.7 and 4, which the numbers place",
            urls=_ASAM4.urls,
            evidence=S,
            note="The sources list no separate opioid-treatment level for the 4th edition, so the catalog has none; "
            "every level has its own number, so no order here is iopcore's choice.",
        ),
    ),
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
    intensity_order=IntensityOrder(
        codes=("IOP", "PHP"),
        source=Source(
            citation="Medicare: IOP is furnished 9 to 19 hours a week, PHP 20 or more hours a week",
            urls=_MEDICARE.urls,
            evidence=S,
            note="Medicare has no withdrawal-management or opioid-treatment level: an OTP is a setting that may "
            "furnish IOP for opioid use disorder.",
        ),
    ),
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
    intensity_order=IntensityOrder(codes=("IOP",), source=ARTICLE),
    source=ARTICLE,
)
"""The general IOP definition: 6–30 hours a week (``[6, 31)``) on 3–5 days a week, no fixed length."""
