"""Drug-test interpretation: confirmation over screen, not-evaluated analytes, overall results, expected positives."""

from __future__ import annotations

import attrs
import pytest

from iopcore.compliance import (
    DOT_49_CFR_40_85,
    HHS_2025,
    SPECIMEN_VALIDITY,
    Analyte,
    AnalyteCutoff,
    AnalyteOutcome,
    CutoffPanel,
    DrugTestStatus,
    SpecimenValidity,
    TestResult,
    interpret,
)
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.sources import Evidence, Source
from tests.builders import MONDAY, confirm, drug_test, screen

NORMAL = SpecimenValidity(creatinine_mg_dl=80, specific_gravity=1.015, ph=6.5, nitrite_mcg_ml=0)


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
