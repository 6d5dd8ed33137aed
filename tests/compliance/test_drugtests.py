"""Drug-test interpretation: cut-offs at each published threshold, specimen validity boundaries, overall results."""

from __future__ import annotations

import math

import attrs
import pytest

from iopcore.compliance import (
    DILUTE_DEFINITIONS,
    DOT_49_CFR_40_85,
    HHS_2025,
    HHS_2025_MORPHINE_2000,
    SPECIMEN_VALIDITY,
    Analyte,
    AnalyteCutoff,
    AnalyteOutcome,
    CutoffPanel,
    DrugTestStatus,
    NumericRange,
    SpecimenCategory,
    SpecimenValidity,
    TestMethod,
    TestResult,
    ValidityCriterion,
    interpret,
    specimen_validity_rules,
)
from iopcore.errors import InvalidArgumentError, InvalidDataError, UnknownCodeError
from iopcore.sources import Evidence, Source
from tests.builders import MONDAY, confirm, drug_test, screen

CLINICAL = (
    Analyte.BUPRENORPHINE,
    Analyte.NORBUPRENORPHINE,
    Analyte.METHADONE,
    Analyte.EDDP,
    Analyte.BENZODIAZEPINES,
    Analyte.ETHYL_GLUCURONIDE,
    Analyte.ETHYL_SULFATE,
)
NORMAL = SpecimenValidity(creatinine_mg_dl=80, specific_gravity=1.015, ph=6.5, nitrite_mcg_ml=0)

DOT_TABLE = {  # 49 CFR 40.85, as in the facts file: (initial, confirmatory) ng/mL
    Analyte.THCA: (50, 15),
    Analyte.BENZOYLECGONINE: (150, 100),
    Analyte.CODEINE: (2000, 2000),
    Analyte.MORPHINE: (2000, 2000),
    Analyte.HYDROCODONE: (300, 100),
    Analyte.HYDROMORPHONE: (300, 100),
    Analyte.OXYCODONE: (100, 100),
    Analyte.OXYMORPHONE: (100, 100),
    Analyte.SIX_ACETYLMORPHINE: (10, 10),
    Analyte.PHENCYCLIDINE: (25, 25),
    Analyte.AMPHETAMINE: (500, 250),
    Analyte.METHAMPHETAMINE: (500, 250),
    Analyte.MDMA: (500, 250),
    Analyte.MDA: (500, 250),
}


def test_dot_panel_matches_the_regulation_table() -> None:
    """The DOT panel holds exactly the 40.85 table."""
    assert {c.analyte: (c.screen_ng_ml, c.confirm_ng_ml) for c in DOT_49_CFR_40_85.cutoffs} == DOT_TABLE
    assert DOT_49_CFR_40_85.source.evidence is Evidence.VERIFIED


def test_hhs_panel_adds_fentanyl_and_flags_the_morphine_disagreement() -> None:
    """HHS 2025 adds fentanyl 1/1 and norfentanyl 1; morphine 4,000 is unverified, the 2,000 alternative exists."""
    assert HHS_2025.cutoff(Analyte.FENTANYL) == AnalyteCutoff(analyte=Analyte.FENTANYL, screen_ng_ml=1, confirm_ng_ml=1)
    norfentanyl = HHS_2025.cutoff(Analyte.NORFENTANYL)
    assert norfentanyl is not None and norfentanyl.confirm_ng_ml == 1
    morphine = HHS_2025.cutoff(Analyte.MORPHINE)
    assert morphine is not None and morphine.confirm_ng_ml == 4000
    assert morphine.source is not None and morphine.source.evidence is Evidence.UNVERIFIED
    alt = HHS_2025_MORPHINE_2000.cutoff(Analyte.MORPHINE)
    assert alt is not None and alt.confirm_ng_ml == 2000
    assert DOT_49_CFR_40_85.cutoff(Analyte.FENTANYL) is None


def test_no_clinical_cutoff_is_shipped() -> None:
    """Buprenorphine, methadone, benzodiazepines and alcohol metabolites have no built-in cut-off."""
    for panel in (DOT_49_CFR_40_85, HHS_2025, HHS_2025_MORPHINE_2000):
        assert not panel.analytes & set(CLINICAL)


@pytest.mark.parametrize("panel", [DOT_49_CFR_40_85, HHS_2025, HHS_2025_MORPHINE_2000], ids=lambda p: p.id)
def test_every_cutoff_is_positive_at_and_negative_just_below(panel: CutoffPanel) -> None:
    """For every analyte and method, a concentration at the cut-off is positive and just below it negative."""
    for cut in panel.cutoffs:
        for method, limit in ((TestMethod.SCREEN, cut.screen_ng_ml), (TestMethod.CONFIRMATION, cut.confirm_ng_ml)):
            if limit is None:
                continue
            expected = (
                AnalyteOutcome.POSITIVE if method is TestMethod.CONFIRMATION else AnalyteOutcome.PRESUMPTIVE_POSITIVE
            )
            maker = confirm if method is TestMethod.CONFIRMATION else screen
            at_limit = interpret(drug_test("t", MONDAY, results=(maker(cut.analyte, limit),), validity=NORMAL), panel)
            below = interpret(
                drug_test("t", MONDAY, results=(maker(cut.analyte, math.nextafter(limit, 0)),), validity=NORMAL), panel
            )
            assert at_limit.analytes[0].outcome is expected, (cut.analyte, method)
            assert at_limit.result is TestResult.POSITIVE
            assert below.analytes[0].outcome is AnalyteOutcome.NEGATIVE, (cut.analyte, method)
            assert below.result is TestResult.NEGATIVE


def test_confirmation_overrides_screen() -> None:
    """A positive screen with a negative confirmation is negative."""
    reading = interpret(
        drug_test("t", MONDAY, results=(screen(Analyte.THCA, 80), confirm(Analyte.THCA, 5)), validity=NORMAL), HHS_2025
    )
    assert reading.analytes[0].outcome is AnalyteOutcome.NEGATIVE
    assert reading.result is TestResult.NEGATIVE


def test_analytes_without_a_cutoff_are_not_evaluated() -> None:
    """An analyte the panel does not cover is reported as not evaluated and does not make the test positive."""
    reading = interpret(
        drug_test("t", MONDAY, results=(confirm(Analyte.FENTANYL, 50),), validity=NORMAL), DOT_49_CFR_40_85
    )
    assert reading.analytes[0].outcome is AnalyteOutcome.NOT_EVALUATED
    assert reading.result is TestResult.NEGATIVE
    only_screen = CutoffPanel(
        id="p", name="p", cutoffs=(AnalyteCutoff(analyte=Analyte.THCA, screen_ng_ml=50),), source=Source(citation="lab")
    )
    mixed = drug_test("t", MONDAY, results=(screen(Analyte.THCA, 60), confirm(Analyte.THCA, 60)), validity=NORMAL)
    assert interpret(mixed, only_screen).analytes[0].outcome is AnalyteOutcome.PRESUMPTIVE_POSITIVE


def _category(validity: SpecimenValidity, rules: object = SPECIMEN_VALIDITY) -> SpecimenCategory:
    return rules.classify(validity)[0]  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize(
    ("creatinine", "gravity", "expected"),
    [
        (1.99, 1.0010, SpecimenCategory.SUBSTITUTED),  # 40.88: creatinine < 2 and SG ≤ 1.0010
        (1.99, 1.0000, SpecimenCategory.SUBSTITUTED),
        (2.0, 1.0010, SpecimenCategory.VALID),  # creatinine not < 2; SG not > 1.0010 for dilute
        (1.99, 1.0200, SpecimenCategory.SUBSTITUTED),  # SG ≥ 1.0200
        (1.99, 1.0199, SpecimenCategory.INVALID),  # creatinine < 2 with SG in [1.002, 1.020)
        (1.99, 1.0020, SpecimenCategory.INVALID),
        (1.99, 1.0019, SpecimenCategory.VALID),
        (2.0, 1.0011, SpecimenCategory.DILUTE),  # default dilute: 2 ≤ creat < 20 and 1.0010 < SG < 1.0030
        (19.99, 1.0029, SpecimenCategory.DILUTE),
        (20.0, 1.0029, SpecimenCategory.VALID),
        (19.99, 1.0030, SpecimenCategory.VALID),
    ],
)
def test_substituted_invalid_and_dilute_boundaries(
    creatinine: float, gravity: float, expected: SpecimenCategory
) -> None:
    """Creatinine and specific gravity at each published threshold fall in the documented category."""
    assert _category(SpecimenValidity(creatinine_mg_dl=creatinine, specific_gravity=gravity, ph=6)) is expected


@pytest.mark.parametrize(
    ("dilute", "creatinine", "gravity", "expected"),
    [
        ("below_thresholds", 19.99, 1.0029, True),
        ("below_thresholds", 20.0, 1.0029, False),
        ("below_thresholds", 19.99, 1.003, False),
        ("below_thresholds", 5.0, 1.0005, True),
        ("inclusive_range", 20.0, 1.0029, True),
        ("inclusive_range", 20.01, 1.0029, False),
        ("inclusive_range", 2.0, 1.0001, True),
        ("inclusive_range", 2.0, 1.0000, False),
        ("inclusive_range", 2.0, 1.0030, False),
        ("exclusive_range", 2.0, 1.0010, False),
    ],
)
def test_each_dilute_wording_at_its_thresholds(dilute: str, creatinine: float, gravity: float, expected: bool) -> None:
    """Each of the three published dilute wordings is selectable and applied at its own bounds."""
    rules = specimen_validity_rules(dilute=dilute)
    category = _category(SpecimenValidity(creatinine_mg_dl=creatinine, specific_gravity=gravity, ph=6), rules)
    assert (category is SpecimenCategory.DILUTE) is expected


def test_default_dilute_wording_is_documented() -> None:
    """The default rules use the "exclusive_range" wording; all three wordings are secondary sources."""
    assert SPECIMEN_VALIDITY.criteria[-1] == DILUTE_DEFINITIONS["exclusive_range"]
    assert {c.source.evidence for c in DILUTE_DEFINITIONS.values()} == {Evidence.SECONDARY}


@pytest.mark.parametrize(
    ("ph", "nitrite", "expected"),
    [
        (2.99, 0, SpecimenCategory.ADULTERATED),  # pH < 3
        (3.0, 0, SpecimenCategory.INVALID),  # 3.0–4.4
        (4.4, 0, SpecimenCategory.INVALID),
        (4.5, 0, SpecimenCategory.VALID),
        (8.99, 0, SpecimenCategory.VALID),
        (9.0, 0, SpecimenCategory.INVALID),  # 9.0–10.9
        (10.99, 0, SpecimenCategory.INVALID),
        (11.0, 0, SpecimenCategory.ADULTERATED),  # pH ≥ 11
        (6.0, 500, SpecimenCategory.ADULTERATED),  # nitrite ≥ 500
        (6.0, 499.9, SpecimenCategory.INVALID),  # nitrite 200–499
        (6.0, 200, SpecimenCategory.INVALID),
        (6.0, 199.9, SpecimenCategory.VALID),
    ],
)
def test_ph_and_nitrite_boundaries(ph: float, nitrite: float, expected: SpecimenCategory) -> None:
    """pH and nitrite at each published threshold fall in the documented category."""
    assert (
        _category(SpecimenValidity(creatinine_mg_dl=80, specific_gravity=1.015, ph=ph, nitrite_mcg_ml=nitrite))
        is expected
    )


def test_adulterant_detected_makes_a_specimen_adulterated() -> None:
    """A lab-reported adulterant makes the specimen adulterated whatever the measurements."""
    assert _category(SpecimenValidity(adulterant_detected=True)) is SpecimenCategory.ADULTERATED
    assert _category(SpecimenValidity()) is SpecimenCategory.VALID


def test_adulterated_ph_bound_is_selectable_and_marked_unverified() -> None:
    """With the lower pH bound at 4 (unverified), pH 3.5 is adulterated and pH 4.2 invalid."""
    rules = specimen_validity_rules(adulterated_ph_below=4)
    assert _category(SpecimenValidity(ph=3.5), rules) is SpecimenCategory.ADULTERATED
    assert _category(SpecimenValidity(ph=4.2), rules) is SpecimenCategory.INVALID
    bound = next(c for c in rules.criteria if c.ph is not None and c.ph.high == 4)
    assert bound.source.evidence is Evidence.UNVERIFIED
    assert rules.id == "specimen_validity_exclusive_range_ph_4"


@pytest.mark.parametrize(
    "call",
    [
        lambda: specimen_validity_rules(dilute="watery"),
        lambda: specimen_validity_rules(adulterated_ph_below=9),
        lambda: specimen_validity_rules(adulterated_ph_below="3"),  # type: ignore[arg-type]
    ],
)
def test_bad_validity_choices_are_rejected(call: object) -> None:
    """An unknown dilute wording or a bad pH bound raises InvalidDataError."""
    with pytest.raises(InvalidDataError):
        call()  # type: ignore[operator]


def test_unknown_dilute_wording_lists_the_known_ones() -> None:
    """The error for an unknown wording lists the three known wordings."""
    with pytest.raises(UnknownCodeError) as info:
        specimen_validity_rules(dilute="watery")
    assert set(info.value.known) == set(DILUTE_DEFINITIONS)


@pytest.mark.parametrize(
    ("validity", "results", "expected"),
    [
        (NORMAL, (), TestResult.NEGATIVE),
        (SpecimenValidity(creatinine_mg_dl=10, specific_gravity=1.002), (), TestResult.NEGATIVE_DILUTE),
        (NORMAL, (confirm(Analyte.THCA, 15),), TestResult.POSITIVE),
        (
            SpecimenValidity(creatinine_mg_dl=10, specific_gravity=1.002),
            (confirm(Analyte.THCA, 15),),
            TestResult.POSITIVE_DILUTE,
        ),
        (SpecimenValidity(ph=2), (confirm(Analyte.THCA, 15),), TestResult.ADULTERATED),
        (SpecimenValidity(creatinine_mg_dl=1, specific_gravity=1.0), (), TestResult.SUBSTITUTED),
        (SpecimenValidity(ph=9.5), (), TestResult.INVALID),
    ],
)
def test_overall_results(validity: SpecimenValidity, results: tuple[object, ...], expected: TestResult) -> None:
    """Specimen failures win over analytes; dilute qualifies negative and positive."""
    reading = interpret(drug_test("t", MONDAY, results=results, validity=validity), HHS_2025)  # type: ignore[arg-type]
    assert reading.result is expected
    assert attrs.evolve(reading, analytes=tuple(attrs.evolve(a) for a in reading.analytes)) == reading
    if expected in (TestResult.ADULTERATED, TestResult.SUBSTITUTED, TestResult.INVALID):
        assert reading.validity_reasons


def test_program_clinical_panel_and_missing_expected_positive() -> None:
    """A program's own buprenorphine cut-off, combined with HHS, reports a missing expected positive."""
    lab = Source(citation="Our lab's buprenorphine cut-off", evidence=Evidence.ILLUSTRATIVE)
    clinical = CutoffPanel(
        id="clinic", name="Clinic", cutoffs=(AnalyteCutoff(analyte=Analyte.BUPRENORPHINE, confirm_ng_ml=5),), source=lab
    )
    panel = HHS_2025.combined(clinical, id="hhs_plus_clinic", name="HHS + clinic")
    bup = panel.cutoff(Analyte.BUPRENORPHINE)
    assert bup is not None and bup.source == lab
    test = drug_test("t", MONDAY, results=(confirm(Analyte.BUPRENORPHINE, 4),), validity=NORMAL)
    reading = interpret(test, panel, expected=[Analyte.BUPRENORPHINE])
    assert reading.missing_expected == frozenset({Analyte.BUPRENORPHINE})
    adherent = drug_test("t", MONDAY, results=(confirm(Analyte.BUPRENORPHINE, 5),), validity=NORMAL)
    assert interpret(adherent, panel, expected=[Analyte.BUPRENORPHINE]).missing_expected == frozenset()
    assert HHS_2025.combined(DOT_49_CFR_40_85, id="x", name="x").cutoffs == HHS_2025.cutoffs


def test_interpret_rejects_bad_arguments() -> None:
    """interpret needs a DrugTest, a CutoffPanel and a collected test."""
    with pytest.raises(InvalidDataError):
        interpret("t", HHS_2025)  # type: ignore[arg-type]
    with pytest.raises(InvalidDataError):
        interpret(drug_test("t", MONDAY), "panel")  # type: ignore[arg-type]
    with pytest.raises(InvalidDataError) as info:
        interpret(drug_test("t", MONDAY, status=DrugTestStatus.MISSED), HHS_2025)
    assert info.value.paths == ("$.test.status",)


def test_value_rules_of_panels_and_criteria() -> None:
    """Empty cut-offs, duplicate analytes, unbounded or inverted ranges and empty criteria are rejected."""
    with pytest.raises(InvalidDataError):
        AnalyteCutoff(analyte=Analyte.THCA)
    with pytest.raises(InvalidDataError) as info:
        CutoffPanel(
            id="p",
            name="p",
            cutoffs=(
                AnalyteCutoff(analyte=Analyte.THCA, screen_ng_ml=1),
                AnalyteCutoff(analyte=Analyte.THCA, screen_ng_ml=2),
            ),
            source=Source(citation="x"),
        )
    assert info.value.paths == ("$.cutoffs[1]",)
    with pytest.raises(InvalidDataError):
        NumericRange()
    with pytest.raises(InvalidDataError):
        NumericRange(low=5, high=1)
    with pytest.raises(InvalidDataError):
        ValidityCriterion(category=SpecimenCategory.VALID, ph=NumericRange(low=1), source=Source(citation="x"))
    with pytest.raises(InvalidDataError):
        ValidityCriterion(category=SpecimenCategory.DILUTE, source=Source(citation="x"))


def test_ranges_and_criteria_describe_themselves() -> None:
    """Ranges print their bounds and criteria list what they check."""
    assert str(NumericRange(low=2, high=20, high_inclusive=False)) == "≥ 2 and < 20"
    assert str(NumericRange(low=1.001, low_inclusive=False)) == "> 1.001"
    criterion = ValidityCriterion(
        category=SpecimenCategory.ADULTERATED,
        ph=NumericRange(high=3),
        adulterant_detected=True,
        source=Source(citation="x"),
    )
    assert criterion.describe() == "ph ≤ 3 and adulterant detected"
    assert criterion.matches(SpecimenValidity(ph=2.5, adulterant_detected=True))
    assert not criterion.matches(SpecimenValidity(ph=2.5))
    assert not criterion.matches(SpecimenValidity(ph=3.5, adulterant_detected=True))
    assert not criterion.matches(SpecimenValidity(adulterant_detected=True))


def test_interpret_names_each_bad_argument() -> None:
    """A string for the validity rules, an unknown analyte code or a datetime for a test: each named."""
    test = drug_test("t", MONDAY, validity=NORMAL)
    with pytest.raises(InvalidArgumentError) as info:
        interpret(test, HHS_2025, validity="strict")  # type: ignore[arg-type]
    assert info.value.paths == ("$.validity",)
    with pytest.raises(InvalidArgumentError) as info:
        interpret(test, HHS_2025, expected=[Analyte.THCA, "heroin"])  # type: ignore[list-item]
    assert info.value.paths == ("$.expected[1]",)
    assert "Analyte.SIX_ACETYLMORPHINE" in str(info.value)  # the message lists the known analytes
    with pytest.raises(InvalidArgumentError) as info:
        interpret(test, HHS_2025, expected="thca")  # type: ignore[arg-type]
    assert info.value.paths == ("$.expected",)
    with pytest.raises(InvalidArgumentError) as info:
        interpret(test, HHS_2025, validty=SPECIMEN_VALIDITY)  # type: ignore[call-arg]
    assert info.value.paths == ("$.validty",)


def test_interpret_takes_any_iterable_of_analytes() -> None:
    """Expected analytes may come as a set, a tuple or a generator."""
    test = drug_test("t", MONDAY, results=(confirm(Analyte.THCA, 100),), validity=NORMAL)
    for expected in ({Analyte.THCA}, (Analyte.THCA,), (a for a in [Analyte.THCA])):
        assert interpret(test, HHS_2025, expected=expected).missing_expected == frozenset()


@pytest.mark.parametrize(
    ("arguments", "path"),
    [
        ({"dilute": ["exclusive_range"]}, "$.dilute"),
        ({"dilute": None}, "$.dilute"),
        ({"adulterated_ph_below": 0}, "$.adulterated_ph_below"),
        ({"adulterated_ph_below": -1.0}, "$.adulterated_ph_below"),
        ({"adulterated_ph_below": 4.6}, "$.adulterated_ph_below"),
        ({"adulterated_ph_below": math.nan}, "$.adulterated_ph_below"),
        ({"adulterated_ph_below": 10**400}, "$.adulterated_ph_below"),
        ({"adulterated_ph_below": True}, "$.adulterated_ph_below"),
        ({"ph": 3.0}, "$.ph"),
    ],
)
def test_specimen_validity_rules_names_a_bad_argument(arguments: dict[str, object], path: str) -> None:
    """Wrong types, values out of (0, 4.5], bools, huge ints and unknown keywords are iopcore errors."""
    with pytest.raises(InvalidDataError) as info:
        specimen_validity_rules(**arguments)  # type: ignore[arg-type]
    assert info.value.paths == (path,)


@pytest.mark.parametrize("bound", [1e-05, 0.5, 3.5, 4, 4.5])
def test_any_allowed_ph_bound_gives_valid_rules(bound: float) -> None:
    """Every bound in (0, 4.5] gives rules with a snake_case id naming it (not only round numbers)."""
    rules = specimen_validity_rules(adulterated_ph_below=bound)
    assert rules.id.startswith("specimen_validity_exclusive_range_ph_")
    assert attrs.evolve(rules) == rules
    assert rules.classify(SpecimenValidity(ph=bound / 2))[0] is SpecimenCategory.ADULTERATED


def test_validity_methods_name_their_arguments() -> None:
    """``contains``, ``matches`` and ``classify`` refuse what is not a number or a SpecimenValidity."""
    for call, path in (
        (lambda: NumericRange(low=1).contains(None), "$.value"),  # type: ignore[arg-type]
        (lambda: NumericRange(low=1).contains(True), "$.value"),  # type: ignore[arg-type]
        (lambda: SPECIMEN_VALIDITY.classify({"ph": 7}), "$.validity"),  # type: ignore[arg-type]
        (lambda: SPECIMEN_VALIDITY.criteria[0].matches(NORMAL, NORMAL), "$"),  # type: ignore[call-arg]
        (lambda: HHS_2025.cutoff("thca"), "$.analyte"),  # type: ignore[arg-type]
        (lambda: HHS_2025.cutoffs[0].for_method("screen"), "$.method"),  # type: ignore[arg-type]
        (lambda: HHS_2025.combined(DOT_49_CFR_40_85, id="Not An Id", name="x"), "$.id"),
        (lambda: HHS_2025.combined(DOT_49_CFR_40_85, id="x", name=""), "$.name"),
    ):
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert info.value.paths == (path,)
