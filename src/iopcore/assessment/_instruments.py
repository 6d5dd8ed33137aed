"""The built-in instruments, as data, from the project's research notes (``shared/domain/instruments.md``).

Evidence maps [V] → VERIFIED, [S] → SECONDARY, [U] → UNVERIFIED. LOINC codes are
given only where the notes mark them verified (item codes) or state them for a
panel/total with the evidence named in the instrument's ``notes``. Item text is
included only where the licence allows reproduction without restriction; the
``licence`` field says why text is or is not included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from iopcore import _fields as f
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
    Item,
    Proration,
    ResponseKind,
    RuleReading,
    Sex,
    SkipRule,
)
from iopcore.errors import UnknownCodeError
from iopcore.sources import Evidence, Source

__all__ = ["INSTRUMENTS", "instrument"]

V, S, U = Evidence.VERIFIED, Evidence.SECONDARY, Evidence.UNVERIFIED
P, YN, CNT = ResponseKind.POINTS, ResponseKind.YES_NO, ResponseKind.COUNT

_FREQ = (0, 1, 2, 3)
_LIKERT5 = (0, 1, 2, 3, 4)


def _items(
    specs: Sequence[tuple[str, str]], kind: ResponseKind, values: tuple[int, ...] = (), loincs: Sequence[str] = ()
) -> tuple[Item, ...]:
    return tuple(
        Item(
            number=i + 1,
            id=item_id,
            kind=kind,
            values=values if kind is P else (),
            text=text,
            loinc=loincs[i] if loincs else None,
        )
        for i, (item_id, text) in enumerate(specs)
    )


def _bands(*spec: tuple[str, int, int]) -> tuple[Band, ...]:
    return tuple(Band(label=label, min_total=lo, max_total=hi) for label, lo, hi in spec)


# ----------------------------------------------------------------------------- PHQ-9 and PHQ-2

_PHQ_LICENCE = (
    "Copyright Pfizer Inc., which states that no permission is required to reproduce, translate, display or "
    "distribute the PHQ-9 (HL7 SDC Questionnaire copyright element). Item text included."
)
_PHQ9_SRC = Source(
    citation="Kroenke, Spitzer & Williams 2001; CamCOPS phq9.py; NHS Data Dictionary PHQ-9; LForms PHQ-9 Questionnaire (LOINC)",
    urls=(
        "https://github.com/ucam-department-of-psychiatry/camcops",
        "http://www.datadictionary.nhs.uk/data_dictionary/nhs_business_definitions/p/patient_health_questionnaire-9_de.asp",
        "https://github.com/LHNCBC/lforms-fhir-app",
    ),
    evidence=V,
    note="Band label for 0-4 is 'None' in CamCOPS and the NHS, 'Minimal' on many sites; iopcore uses 'minimal'.",
)
_PHQ9_ITEMS = (
    ("interest", "Little interest or pleasure in doing things"),
    ("depressed", "Feeling down, depressed, or hopeless"),
    ("sleep", "Trouble falling or staying asleep, or sleeping too much"),
    ("tired", "Feeling tired or having little energy"),
    ("appetite", "Poor appetite or overeating"),
    (
        "failure",
        "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
    ),
    ("concentrating", "Trouble concentrating on things, such as reading the newspaper or watching television"),
    (
        "moving",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or "
        "restless that you have been moving around a lot more than usual",
    ),
    ("self_harm", "Thoughts that you would be better off dead, or of hurting yourself in some way"),
)
PHQ9_ITEM_LOINC = ("44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8")

PHQ9 = Instrument(
    id="phq9",
    name="PHQ-9",
    full_name="Patient Health Questionnaire-9",
    items=_items(_PHQ9_ITEMS, P, _FREQ, PHQ9_ITEM_LOINC),
    schemes=(
        BandScheme(
            id="kroenke_2001",
            name="PHQ-9 severity (Kroenke 2001)",
            bands=_bands(
                ("minimal", 0, 4),
                ("mild", 5, 9),
                ("moderate", 10, 14),
                ("moderately_severe", 15, 19),
                ("severe", 20, 27),
            ),
            source=_PHQ9_SRC,
        ),
    ),
    cutoffs=(
        Cutoff(
            threshold=10,
            source=Source(citation="Kroenke 2001 (sens 88% / spec 88%); NHS Data Dictionary", evidence=V),
        ),
    ),
    flag_rules=(
        FlagRule(
            flag="suicidal_ideation",
            items=(9,),
            min_value=1,
            source=Source(
                citation="PHQ-9 item 9: any answer other than 'not at all' needs follow-up, whatever the total",
                urls=("https://calcipedia.org",),
                evidence=S,
                note="calcipedia.org; AACN Critical Care Nurse abstract",
            ),
        ),
    ),
    proration=Proration(
        max_missing=2,
        source=Source(
            citation="NHS Data Dictionary PHQ-9: 1-2 missing items are replaced by the mean of the answered items; more than 2, disregard",
            urls=(
                "http://www.datadictionary.nhs.uk/data_dictionary/nhs_business_definitions/p/patient_health_questionnaire-9_de.asp",
            ),
            evidence=V,
            note="Rounding of the prorated total is not specified [U]: iopcore never rounds.",
        ),
    ),
    loinc_panel="44249-1",
    loinc_total="44261-6",
    licence=_PHQ_LICENCE,
    source=_PHQ9_SRC,
    notes="Item 10 (functional difficulty, LOINC 69722-7) is not scored and not part of the responses.",
)

PHQ2 = Instrument(
    id="phq2",
    name="PHQ-2",
    full_name="Patient Health Questionnaire-2",
    items=_items(_PHQ9_ITEMS[:2], P, _FREQ, PHQ9_ITEM_LOINC[:2]),
    cutoffs=(
        Cutoff(
            threshold=3,
            configurable=True,
            source=Source(
                citation="Kroenke, Spitzer & Williams 2003, Med Care 41:1284 (>=3, sens 83% / spec 92%)",
                urls=("https://pubmed.ncbi.nlm.nih.gov/14583691/", "https://pmc.ncbi.nlm.nih.gov/articles/PMC2906530"),
                evidence=V,
                note="Arroll 2010: >=2 is more sensitive (86% / 78%); pass cutoff=2 to use it.",
            ),
        ),
    ),
    loinc_panel="55757-9",
    loinc_total="55758-7",
    licence="PHQ-2 copyright Pfizer Inc.; like the PHQ family, no permission required (secondary). Item text included.",
    source=Source(
        citation="Kroenke, Spitzer & Williams 2003", urls=("https://pubmed.ncbi.nlm.nih.gov/14583691/",), evidence=V
    ),
    notes="Items 1-2 of the PHQ-9. Panel and total LOINC codes are secondary-source (several implementations agree).",
)

# ----------------------------------------------------------------------------- GAD-7

_GAD7_SRC = Source(
    citation="Spitzer et al. 2006; CamCOPS gad7.py; HL7 personal-health-record-format-ig (item LOINC); CMS ACCESS IG (total)",
    urls=(
        "https://github.com/ucam-department-of-psychiatry/camcops",
        "https://github.com/HL7/personal-health-record-format-ig",
    ),
    evidence=V,
    note="The zero anchor is 'Not at all' (not 'Not at all sure'; Zorowitz et al. 2021).",
)
GAD7_ITEM_LOINC = ("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7")
GAD7 = Instrument(
    id="gad7",
    name="GAD-7",
    full_name="Generalized Anxiety Disorder-7",
    items=_items(
        (
            ("nervous", "Feeling nervous, anxious, or on edge"),
            ("control_worrying", "Not being able to stop or control worrying"),
            ("worrying", "Worrying too much about different things"),
            ("relaxing", "Trouble relaxing"),
            ("restless", "Being so restless that it is hard to sit still"),
            ("irritable", "Becoming easily annoyed or irritable"),
            ("afraid", "Feeling afraid, as if something awful might happen"),
        ),
        P,
        _FREQ,
        GAD7_ITEM_LOINC,
    ),
    schemes=(
        BandScheme(
            id="spitzer_2006",
            name="GAD-7 severity",
            bands=_bands(("minimal", 0, 4), ("mild", 5, 9), ("moderate", 10, 14), ("severe", 15, 21)),
            source=_GAD7_SRC,
        ),
    ),
    cutoffs=(Cutoff(threshold=10, source=Source(citation="Spitzer 2006 (>=10: sens 89%, spec 82%)", evidence=V)),),
    loinc_panel="69737-5",
    loinc_total="70274-6",
    licence="PHQ and GAD-7 screeners: no permission is required to reproduce, translate, display or distribute them. Item text included.",
    source=_GAD7_SRC,
)

# ----------------------------------------------------------------------------- AUDIT and AUDIT-C

_AUDIT_SRC = Source(
    citation="Babor et al. 2001, AUDIT (WHO), 2nd ed.; auditscreen.org scoring; Comorbidity Guidelines (AU)",
    urls=(
        "https://auditscreen.org/scoring-audit/",
        "https://comorbidityguidelines.org.au/appendix-u-alcohol-use-disorders-identification-test-audit/audit-scoring-clinician-use-only",
    ),
    evidence=V,
)
_AUDIT_LICENCE = (
    "Copyright WHO 2001: may be freely reviewed, abstracted, reproduced and translated, but not for sale or for use in "
    "conjunction with commercial purposes. Item text omitted because iopcore may be used commercially."
)
_AUDIT_ITEMS = (
    ("frequency",),
    ("typical_quantity",),
    ("six_or_more",),
    ("unable_to_stop",),
    ("failed_expectations",),
    ("morning_drink",),
    ("guilt",),
    ("blackout",),
    ("injury",),
    ("concern",),
)
_AUDIT_ESCALATION = Source(
    citation=(
        "Babor et al. 2001, AUDIT manual (WHO/MSD/MSB/01.6a), note to the table of risk levels: 'Provide the next "
        "highest level of intervention to patients who score 2 or more on Questions 4, 5 and 6, or 4 on Questions 9 "
        "or 10' (as quoted by the Comorbidity Guidelines, AU)"
    ),
    urls=(
        "https://comorbidityguidelines.org.au/appendix-u-alcohol-use-disorders-identification-test-audit/audit-scoring-clinician-use-only",
    ),
    evidence=V,
    note="The sentence is verified; how '2 or more on Questions 4, 5 and 6' is counted is not (see the readings).",
)


def _unverified_reading(*, note: str) -> Source:
    """The AUDIT escalation sentence as the source of one of its readings, which the manual does not settle."""
    return attrs.evolve(_AUDIT_ESCALATION, evidence=U, note=note)


_WHO_ZONES = BandScheme(
    id="who_zones",
    name="WHO risk zones I-IV",
    bands=_bands(("low_risk", 0, 7), ("hazardous", 8, 15), ("harmful", 16, 19), ("possible_dependence", 20, 40)),
    source=Source(
        citation="Babor et al. 2001 WHO manual, zones I-IV",
        urls=(
            "https://comorbidityguidelines.org.au/appendix-u-alcohol-use-disorders-identification-test-audit/audit-scoring-clinician-use-only",
        ),
        evidence=V,
        note="Zones I-III verified; zone IV (20-40) is secondary. auditscreen.org's alternative (8-14 hazardous/harmful, >=15 likely dependence) disagrees at 15-19.",
    ),
)
AUDIT = Instrument(
    id="audit",
    name="AUDIT",
    full_name="Alcohol Use Disorders Identification Test (WHO)",
    items=tuple(
        Item(number=i + 1, id=spec[0], kind=P, values=_LIKERT5 if i < 8 else (0, 2, 4))
        for i, spec in enumerate(_AUDIT_ITEMS)
    ),
    schemes=(_WHO_ZONES,),
    flag_rules=(
        FlagRule(
            flag="escalate",
            items=(9, 10),
            min_value=4,
            source=Source(
                citation="WHO AUDIT manual: next highest level of intervention for 4 on questions 9 or 10", evidence=V
            ),
        ),
    ),
    readings=(
        RuleReading(
            id="any_item",
            name="2 or more on any one of questions 4, 5 and 6",
            flag_rules=(FlagRule(flag="escalate", items=(4, 5, 6), min_value=2, source=_AUDIT_ESCALATION),),
            source=_unverified_reading(
                note=(
                    "iopcore's default, unverified: the manual's sentence does not say whether the 2 points are "
                    "per question or the three questions' sum, and no other passage of it could be read to settle "
                    "it. Any one question at 2 or more escalates; the summed reading escalates in every such case "
                    "and more. A flag only: the zone follows the total."
                ),
            ),
        ),
        RuleReading(
            id="items_summed",
            name="questions 4, 5 and 6 summed to 2 or more",
            flag_rules=(
                FlagRule(
                    flag="escalate",
                    items=(4, 5, 6),
                    min_value=2,
                    mode=FlagMode.ITEMS_SUMMED,
                    source=_AUDIT_ESCALATION,
                ),
            ),
            source=_unverified_reading(
                note=(
                    "The other reading found in the literature: the points of questions 4-6 added up. Unverified "
                    "against the manual, as the default is."
                ),
            ),
        ),
    ),
    skip_rules=(
        SkipRule(
            when_items=(1,),
            skipped=(2, 3, 4, 5, 6, 7, 8),
            source=Source(citation="AUDIT interview version: if question 1 = 0, skip to questions 9-10", evidence=V),
        ),
        SkipRule(
            when_items=(2, 3),
            skipped=(4, 5, 6, 7, 8),
            source=Source(
                citation="AUDIT interview version: if questions 2 + 3 = 0, skip to questions 9-10", evidence=V
            ),
        ),
    ),
    loinc_panel="72110-0",
    loinc_total="75624-7",
    licence=_AUDIT_LICENCE,
    source=_AUDIT_SRC,
    notes="Panel/total LOINC codes are secondary-source. Not the US-adapted USAUDIT. Sex- or age-specific cut-offs are unverified and not built in.",
)

AUDIT_C = Instrument(
    id="audit_c",
    name="AUDIT-C",
    full_name="AUDIT-Consumption (AUDIT items 1-3)",
    items=tuple(Item(number=i + 1, id=_AUDIT_ITEMS[i][0], kind=P, values=_LIKERT5) for i in range(3)),
    cutoffs=(
        Cutoff(
            threshold=4,
            sex=Sex.MALE,
            source=Source(
                citation="Bush 1998; Bradley 2003 (men >= 4)",
                urls=("https://primarycare.ementalhealth.ca/index.php?ID=58&hideFormatting=1&m=printSurveyScoring",),
                evidence=V,
            ),
        ),
        Cutoff(
            threshold=3,
            sex=Sex.FEMALE,
            source=Source(
                citation="Bush 1998; Bradley 2003 (women >= 3)",
                urls=("https://primarycare.ementalhealth.ca/index.php?ID=58&hideFormatting=1&m=printSurveyScoring",),
                evidence=V,
            ),
        ),
    ),
    loinc_panel="72109-2",
    loinc_total="75626-2",
    licence="Available for use in the public domain (SAMHSA, quoted by CamCOPS). Item text omitted: it is the WHO AUDIT's text (see AUDIT).",
    source=Source(citation="Bush et al. 1998; Bradley et al. 2003", evidence=V),
    notes="Not the UK units-based AUDIT-C (cut-off >= 5). Item LOINC codes are single-source and omitted. Secondary risk bands (0-3/4-5/6-7/8-12) are unverified and not built in.",
)

# ----------------------------------------------------------------------------- DAST-10

DAST10 = Instrument(
    id="dast10",
    name="DAST-10",
    full_name="Drug Abuse Screening Test (10-item)",
    items=tuple(
        Item(number=i + 1, id=item_id, kind=YN, reverse=(i == 2))
        for i, item_id in enumerate(
            (
                "other_drugs",
                "more_than_one",
                "able_to_stop",
                "blackouts",
                "guilty",
                "complaints",
                "neglected_family",
                "illegal_activities",
                "withdrawal",
                "medical_problems",
            )
        )
    ),
    schemes=(
        BandScheme(
            id="skinner",
            name="DAST-10 degree of problems",
            bands=_bands(("none", 0, 0), ("low", 1, 2), ("moderate", 3, 5), ("substantial", 6, 8), ("severe", 9, 10)),
            source=Source(
                citation="Comorbidity Guidelines (AU) DAST-10 scoring; nova.edu DAST-10",
                urls=(
                    "https://comorbidityguidelines.org.au/appendix-w-drug-abuse-screening-test-dast10/dast10-scoring-and-interpretation",
                    "http://www.nova.edu/gsc/assess/drug-risk.html",
                ),
                evidence=V,
                note="nova.edu labels the same ranges No Problem / Low / Moderate / High / Very High.",
            ),
        ),
    ),
    loinc_panel="82666-9",
    loinc_total="82667-7",
    licence=(
        "Copyright 1982 Harvey A. Skinner, PhD, and CAMH: reproduction for non-commercial use with credit; other uses "
        "need permission. Item text omitted."
    ),
    source=Source(citation="Skinner 1982; Comorbidity Guidelines (AU)", evidence=V),
    notes="Item 3 ('always able to stop?') is reverse scored: 'no' scores 1. Panel/total LOINC codes are secondary-source.",
)

# ----------------------------------------------------------------------------- CIWA-Ar

_CIWA_NAMES = (
    "nausea_vomiting",
    "tremor",
    "paroxysmal_sweats",
    "anxiety",
    "agitation",
    "tactile_disturbances",
    "auditory_disturbances",
    "visual_disturbances",
    "headache",
    "orientation",
)
_CIWA_SEVEN = tuple(range(8))
CIWA_AR = Instrument(
    id="ciwa_ar",
    name="CIWA-Ar",
    full_name="Clinical Institute Withdrawal Assessment for Alcohol, revised",
    items=tuple(
        Item(number=i + 1, id=name, kind=P, values=_CIWA_SEVEN if i < 9 else tuple(range(5)))
        for i, name in enumerate(_CIWA_NAMES)
    ),
    schemes=(
        BandScheme(
            id="camcops",
            name="CamCOPS (<8 / 8-14 / >=15)",
            bands=_bands(("minimal", 0, 7), ("moderate", 8, 14), ("severe", 15, 67)),
            source=Source(
                citation="CamCOPS ciwa.py",
                urls=("https://github.com/ucam-department-of-psychiatry/camcops",),
                evidence=V,
            ),
        ),
        BandScheme(
            id="asam_2020",
            name="ASAM 2020 alcohol withdrawal guideline (<10 / 10-18 / >=19)",
            bands=_bands(("minimal", 0, 9), ("moderate", 10, 18), ("severe", 19, 67)),
            source=Source(
                citation="ASAM 2020 alcohol withdrawal guideline (guidelinecentral excerpt)",
                evidence=S,
                note="Attribution to ASAM 2020 probable; 'complicated' withdrawal (seizure, delirium) is not a total-score band.",
            ),
        ),
        BandScheme(
            id="bakhla_2014",
            name="Bakhla 2014 (<=8 / 9-15 / 16-20 / >20)",
            bands=_bands(("minimal", 0, 8), ("mild", 9, 15), ("moderate", 16, 20), ("severe", 21, 67)),
            source=Source(citation="Bakhla et al. 2014 (timeofcare summary)", evidence=S),
        ),
    ),
    licence="'This scale is not copyrighted and may be used freely' (Sullivan et al. 1989). Item names only: anchor wording not verified.",
    source=Source(
        citation="Sullivan et al. 1989; CamCOPS ciwa.py",
        urls=("https://github.com/ucam-department-of-psychiatry/camcops",),
        evidence=V,
    ),
    notes=(
        "Items 1-9 score 0-7, item 10 (orientation) 0-4; vitals are recorded but not scored. The VA PAWS scheme "
        "(<8-10 / 8-15 / >=15) is published with overlapping ranges and is not built in. No LOINC codes verified."
    ),
)

# ----------------------------------------------------------------------------- COWS

_COWS = (
    ("resting_pulse", (0, 1, 2, 4)),
    ("sweating", (0, 1, 2, 3, 4)),
    ("restlessness", (0, 1, 3, 5)),
    ("pupil_size", (0, 1, 2, 5)),
    ("bone_joint_aches", (0, 1, 2, 4)),
    ("runny_nose_tearing", (0, 1, 2, 4)),
    ("gi_upset", (0, 1, 2, 3, 5)),
    ("tremor", (0, 1, 2, 4)),
    ("yawning", (0, 1, 2, 4)),
    ("anxiety_irritability", (0, 1, 2, 4)),
    ("gooseflesh", (0, 3, 5)),
)
COWS = Instrument(
    id="cows",
    name="COWS",
    full_name="Clinical Opiate Withdrawal Scale (Wesson & Ling 2003)",
    items=tuple(Item(number=i + 1, id=name, kind=P, values=vals) for i, (name, vals) in enumerate(_COWS)),
    schemes=(
        BandScheme(
            id="wesson_ling_2003",
            name="Wesson & Ling 2003 (5-12 / 13-24 / 25-36 / >36)",
            bands=_bands(
                ("none", 0, 4), ("mild", 5, 12), ("moderate", 13, 24), ("moderately_severe", 25, 36), ("severe", 37, 48)
            ),
            source=Source(
                citation="Wesson & Ling 2003; PCSS form; Valant help page",
                urls=(
                    "https://pubmed.ncbi.nlm.nih.gov/12924748/",
                    "https://help.valant.com/79967-measures/cows-clinical-opiate-withdrawal-scale",
                ),
                evidence=V,
                note="0-4 has no label on the form; iopcore labels it 'none' (below mild), a project choice.",
            ),
        ),
    ),
    licence="The 2003 article appends a template 'that can be copied and used clinically'; no formal licence found. Item text omitted.",
    source=Source(
        citation="Wesson & Ling 2003; PCSS/ASAM form; VA VistA COWS spec (scores, not option indexes)",
        urls=(
            "https://pubmed.ncbi.nlm.nih.gov/12924748/",
            "https://vivian.worldvista.org/vivian-data/601_712/601.712-28.html",
        ),
        evidence=V,
    ),
    notes="Answers are point values from each item's published set, not option indexes. Rate only what is attributable to opioid withdrawal.",
)

# ----------------------------------------------------------------------------- CAGE, CAGE-AID

_CAGE_IDS = (("cut_down",), ("annoyed",), ("guilty",), ("eye_opener",))
_CAGE_TEXT = (
    "Have you ever felt you should cut down on your drinking?",
    "Have people annoyed you by criticizing your drinking?",
    "Have you ever felt bad or guilty about your drinking?",
    "Have you ever had a drink first thing in the morning to steady your nerves or to get rid of a hangover (eye-opener)?",
)
_CAGE_SRC = Source(citation="Ewing 1984; ASAM Addiction Medicine text; CamCOPS docs", evidence=V)
CAGE = Instrument(
    id="cage",
    name="CAGE",
    full_name="CAGE questionnaire",
    items=tuple(Item(number=i + 1, id=_CAGE_IDS[i][0], kind=YN, text=_CAGE_TEXT[i]) for i in range(4)),
    cutoffs=(
        Cutoff(
            threshold=2,
            source=Source(citation="CAGE: two or more affirmative answers are clinically significant", evidence=V),
        ),
    ),
    licence="'Neither of the questionnaires is copyrighted and both are widely available' (ASAM book excerpt); CamCOPS: believed public domain. Item text included.",
    source=_CAGE_SRC,
)
CAGE_AID = Instrument(
    id="cage_aid",
    name="CAGE-AID",
    full_name="CAGE Adapted to Include Drugs",
    items=tuple(Item(number=i + 1, id=_CAGE_IDS[i][0], kind=YN) for i in range(4)),
    cutoffs=(
        Cutoff(
            threshold=1,
            configurable=True,
            source=Source(
                citation="Brown & Rounds 1995: one or more positive responses is a positive screen",
                urls=("https://www.opioidrisk.com/node/1268",),
                evidence=V,
                note=">=1: sens 0.79 / spec 0.77; >=2: sens 0.70 / spec 0.85 (pass cutoff=2). Some clinic pages use >=2.",
            ),
        ),
    ),
    licence="Called not copyrighted (ASAM book excerpt); the form prints 'Permission for use granted by Richard Brown, MD' (secondary). Item text omitted pending confirmation.",
    source=Source(citation="Brown & Rounds 1995", evidence=V),
)

# ----------------------------------------------------------------------------- CRAFFT 2.1

CRAFFT = Instrument(
    id="crafft",
    name="CRAFFT 2.1",
    full_name="CRAFFT 2.1 (Car, Relax, Alone, Forget, Friends/Family, Trouble)",
    items=(
        Item(number=1, id="days_alcohol", kind=CNT, scored=False, max_count=366),
        Item(number=2, id="days_marijuana", kind=CNT, scored=False, max_count=366),
        Item(number=3, id="days_other", kind=CNT, scored=False, max_count=366),
        *(
            Item(number=4 + i, id=name, kind=YN)
            for i, name in enumerate(("car", "relax", "alone", "forget", "friends_family", "trouble"))
        ),
    ),
    cutoffs=(
        Cutoff(
            threshold=2,
            source=Source(
                citation="CRAFFT 2.1: a score of 2 or more is positive / high risk",
                urls=("https://onenorthfulton.org/another-quick-screening-crafft/",),
                evidence=V,
            ),
        ),
    ),
    skip_rules=(
        SkipRule(
            when_items=(1, 2, 3),
            skipped=(5, 6, 7, 8, 9),
            answers_counted=False,
            source=Source(
                citation=(
                    "CRAFFT 2.1 (clinician interview): if the adolescent answers 0 to every Part A question, ask "
                    "the CAR question only, then stop; ask all six Part B questions only when any Part A answer is "
                    "1 or more"
                ),
                urls=("https://onenorthfulton.org/another-quick-screening-crafft/",),
                evidence=V,
                note=(
                    "Part B answers other than CAR given anyway with Part A all zero are not part of the screen: "
                    "they are validated, scored 0 and listed in InstrumentScore.uncounted; "
                    "score(..., count_skipped_answers=True) counts them."
                ),
            ),
        ),
    ),
    licence=(
        "Copyright John R. Knight / Boston Children's Hospital (crafft.org); free clinical use, registration "
        "courtesy-requested (secondary); terms for modification and commercial use unverified. Item text omitted."
    ),
    source=Source(
        citation="CRAFFT 2.1 (crafft.org)",
        urls=("https://onenorthfulton.org/another-quick-screening-crafft/",),
        evidence=V,
    ),
    notes=(
        "Items 1-3 are Part A day counts (0-366, not scored); items 4-9 are Part B yes/no (CAR first). Only CAR "
        "asked (Part A all zero) → the screen cannot be positive; other Part B answers are then not counted."
    ),
)

# ----------------------------------------------------------------------------- PCL-5

PCL5 = Instrument(
    id="pcl5",
    name="PCL-5",
    full_name="PTSD Checklist for DSM-5",
    items=tuple(Item(number=i + 1, id=f"item_{i + 1}", kind=P, values=_LIKERT5) for i in range(20)),
    cutoffs=(
        Cutoff(
            threshold=33,
            configurable=True,
            source=Source(
                citation="VA National Center for PTSD: a cut-point of 31-33 indicates probable PTSD",
                urls=(
                    "https://comorbidityguidelines.org.au/appendix-s-ptsd-checklist-for-dsm5-pcl5/pcl5-scoring-and-interpretation",
                ),
                evidence=U,
                note="The range 31-33 is verified; 33 as the default is a project decision (common, not an official default). Pass cutoff=.",
            ),
        ),
    ),
    cluster_rules=(
        ClusterRule(
            flag="dsm5_criteria_met",
            endorse_at=2,
            clusters=(
                Cluster(id="b_intrusion", items=(1, 2, 3, 4, 5), min_endorsed=1),
                Cluster(id="c_avoidance", items=(6, 7), min_endorsed=1),
                Cluster(id="d_cognition_mood", items=tuple(range(8, 15)), min_endorsed=2),
                Cluster(id="e_arousal", items=tuple(range(15, 21)), min_endorsed=2),
            ),
            source=Source(
                citation="PCL-5 provisional DSM-5 diagnosis: item >= 2 endorsed; 1 B, 1 C, 2 D and 2 E items",
                urls=("https://www.ptsd.va.gov/professional/assessment/adult-sr/ptsd-checklist.asp",),
                evidence=V,
            ),
        ),
    ),
    licence="Public domain, created by US VA staff (secondary, consistent). Item text omitted: not all items were verified verbatim.",
    source=Source(
        citation="Weathers et al. 2013, VA National Center for PTSD",
        urls=("https://www.ptsd.va.gov/professional/assessment/adult-sr/ptsd-checklist.asp",),
        evidence=V,
    ),
    notes="There are no empirically derived severity ranges, so no bands. No LOINC code verified.",
)

# ----------------------------------------------------------------------------- DSM-5 SUD criteria

DSM5_SUD = Instrument(
    id="dsm5_sud",
    name="DSM-5 SUD",
    full_name="DSM-5 substance use disorder criteria count",
    items=tuple(
        Item(number=i + 1, id=name, kind=YN)
        for i, name in enumerate(
            (
                "larger_amounts",
                "unsuccessful_cut_down",
                "time_spent",
                "craving",
                "role_failure",
                "social_problems",
                "activities_given_up",
                "hazardous_use",
                "physical_psychological_problems",
                "tolerance",
                "withdrawal",
            )
        )
    ),
    schemes=(
        BandScheme(
            id="dsm5",
            name="DSM-5 severity (2-3 mild, 4-5 moderate, >=6 severe)",
            bands=_bands(("none", 0, 1), ("mild", 2, 3), ("moderate", 4, 5), ("severe", 6, 11)),
            source=Source(
                citation="DSM-5 (APA 2013) SUD criteria",
                urls=("https://pmc.ncbi.nlm.nih.gov/articles/PMC7993020/table/T14-0005",),
                evidence=V,
            ),
        ),
    ),
    exclusions=(
        Exclusion(
            context="medically_supervised",
            items=(10, 11),
            source=Source(
                citation="DSM-5: tolerance and withdrawal are not counted when the substance is taken solely under appropriate medical supervision",
                urls=("https://bccsu.helpjuice.com/clinical-guidance-appendices/appendix-2-dsm-5-tr-criteria",),
                evidence=V,
                note="Verified for opioids; for sedatives and stimulants [U].",
            ),
        ),
    ),
    licence="Criteria are counted by short names only; the DSM-5 text is copyright APA and not included.",
    source=Source(citation="DSM-5 (APA 2013) substance use disorder, 11 criteria in 12 months", evidence=V),
)

INSTRUMENTS: Mapping[str, Instrument] = f.FrozenMap(
    {i.id: i for i in (PHQ9, PHQ2, GAD7, AUDIT, AUDIT_C, DAST10, CIWA_AR, COWS, CAGE, CAGE_AID, PCL5, CRAFFT, DSM5_SUD)}
)
"""Every built-in instrument by id."""


@f.guard
def instrument(instrument_id: str) -> Instrument:
    """The built-in instrument *instrument_id*; unknown ids raise :class:`~iopcore.errors.UnknownCodeError`."""
    return _builtin(instrument_id)


def _builtin(instrument_id: str) -> Instrument:
    found = INSTRUMENTS.get(instrument_id)
    if found is None:
        raise UnknownCodeError(
            what="instrument", catalog="iopcore instruments", known=list(INSTRUMENTS), path="$.instrument_id"
        )
    return found
