"""Drug-test interpretation: confirmation over screen, not-evaluated analytes, overall results, expected positives."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import assume, event, given
from hypothesis import strategies as st

from iopcore import strategies as ist
from iopcore.compliance import (
    ANALYTES,
    DOT_49_CFR_40_85,
    DOT_49_CFR_40_91_ORAL_FLUID,
    EXAMPLE_CLINICAL_URINE_PANEL,
    HHS_2025,
    SPECIMEN_VALIDITY,
    Analyte,
    AnalyteCutoff,
    AnalyteInfo,
    AnalyteOutcome,
    AnalyteResult,
    CutoffPanel,
    DrugTest,
    DrugTestStatus,
    SpecimenCategory,
    SpecimenType,
    SpecimenValidity,
    TestMethod,
    TestResult,
    interpret,
)
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.sources import Evidence, Source
from tests.builders import MONDAY, at, confirm, drug_test, screen

NORMAL = SpecimenValidity(creatinine_mg_dl=80, specific_gravity=1.015, ph=6.5, nitrite_mcg_ml=0)


def test_confirmation_overrides_screen() -> None:
    """A positive screen with a negative confirmation is negative."""
    reading = interpret(
        drug_test("t", MONDAY, results=(screen(Analyte.THCA, 80), confirm(Analyte.THCA, 5)), validity=NORMAL), HHS_2025
    )
    assert reading.analytes[0].outcome is AnalyteOutcome.NEGATIVE
    assert reading.result is TestResult.NEGATIVE


def test_analytes_without_a_cutoff_are_not_evaluated() -> None:
    """An analyte the panel does not cover is not evaluated: the test is neither positive nor negative."""
    reading = interpret(
        drug_test("t", MONDAY, results=(confirm(Analyte.FENTANYL, 50),), validity=NORMAL), DOT_49_CFR_40_85
    )
    assert reading.analytes[0].outcome is AnalyteOutcome.NOT_EVALUATED
    assert reading.result is TestResult.NOT_EVALUATED
    assert reading.not_evaluated == frozenset({"fentanyl"})
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
    assert "no analyte with this code in iopcore_analytes" in str(info.value)
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


_PANELS = st.one_of(
    st.sampled_from([HHS_2025, EXAMPLE_CLINICAL_URINE_PANEL, DOT_49_CFR_40_91_ORAL_FLUID]), ist.cutoff_panels()
)


@st.composite
def _tests_near_the_panel(draw: st.DrawFn) -> tuple[DrugTest, CutoffPanel, frozenset[str]]:
    """A panel and a test mostly of the panel's analytes, each just below or at/above a cut-off (or with none),
    sometimes with another analyte; the expected analytes are mostly the panel's too."""
    panel = draw(_PANELS)
    cutoffs = (
        draw(st.lists(st.sampled_from(panel.cutoffs), unique_by=lambda c: c.analyte, max_size=4))
        if panel.cutoffs
        else []
    )
    results = []
    for cut in cutoffs:
        for method in draw(st.lists(st.sampled_from(TestMethod), unique=True, min_size=1)):
            limit = cut.for_method(method)
            scale = 1.0 if limit is None else limit
            ng = draw(st.sampled_from([0.0, 0.5, 0.999, 1.0, 2.0])) * scale
            results.append(AnalyteResult(analyte=cut.analyte, concentration_ng_ml=ng, method=method))
    if draw(st.booleans()):
        other = draw(ist.analyte_results())
        if all((r.analyte, r.method) != (other.analyte, other.method) for r in results):
            results.append(other)
    expected = draw(st.frozensets(st.sampled_from(sorted({*panel.analytes, Analyte.METHADONE})), max_size=2))
    validity = draw(st.one_of(st.just(NORMAL), ist.specimen_validities()))
    test = DrugTest(
        id="t", patient_id="p", collected_at=at(MONDAY, 9), specimen=panel.specimen, validity=validity, results=results
    )
    return test, panel, expected


@given(
    st.one_of(
        _tests_near_the_panel(),
        st.tuples(ist.drug_tests(), _PANELS, st.frozensets(st.sampled_from(Analyte), max_size=3)),
    )
)
def test_a_negative_result_means_every_measured_and_expected_analyte_was_evaluated_below_its_cutoff(
    case: tuple[DrugTest, CutoffPanel, frozenset[str]],
) -> None:
    """For any panel and test: negative implies each measured and expected analyte was read below a cut-off.

    Checked against the panel directly (not the reading): for every measured analyte the decisive result (the
    confirmation when there is one, which overrides the screen) has a cut-off and is below it, and every expected
    analyte was measured.
    """
    test, panel, expected = case
    assume(test.status is DrugTestStatus.COLLECTED)
    test = attrs.evolve(test, specimen=panel.specimen)
    reading = interpret(test, panel, expected=expected)
    event(reading.result.value)
    if reading.result not in (TestResult.NEGATIVE, TestResult.NEGATIVE_DILUTE):
        return
    measured = {r.analyte for r in test.results}
    assert expected <= measured
    for analyte in measured:
        results = [r for r in test.results if r.analyte == analyte]
        cutoff = panel.cutoff(analyte)
        assert cutoff is not None
        confirmations = [r for r in results if r.method is TestMethod.CONFIRMATION]
        decisive = confirmations[0] if confirmations else results[0]  # a confirmation overrides the screen
        limit = cutoff.for_method(decisive.method)
        assert limit is not None and decisive.concentration_ng_ml < limit
    assert not reading.not_evaluated and not reading.positives


def test_not_evaluated_is_never_negative() -> None:
    """EtG on the default panel, an expected analyte never measured, an unreadable confirmation: not evaluated."""
    drinking = drug_test("t", MONDAY, results=(confirm(Analyte.ETHYL_GLUCURONIDE, 5000),), validity=NORMAL)
    reading = interpret(drinking, HHS_2025)
    assert (reading.result, reading.not_evaluated) == (TestResult.NOT_EVALUATED, frozenset({"ethyl_glucuronide"}))
    assert interpret(drinking, EXAMPLE_CLINICAL_URINE_PANEL).result is TestResult.POSITIVE
    unmeasured = interpret(drug_test("t", MONDAY, validity=NORMAL), HHS_2025, expected=[Analyte.BUPRENORPHINE])
    assert (unmeasured.result, unmeasured.not_evaluated) == (TestResult.NOT_EVALUATED, frozenset({"buprenorphine"}))
    assert unmeasured.missing_expected == frozenset()
    methadone = (screen(Analyte.METHADONE, 100), confirm(Analyte.METHADONE, 900))  # no methadone confirmation cut-off
    reading = interpret(drug_test("t", MONDAY, results=methadone, validity=NORMAL), EXAMPLE_CLINICAL_URINE_PANEL)
    assert reading.result is TestResult.NOT_EVALUATED
    presumptive = (screen(Analyte.METHADONE, 400), confirm(Analyte.METHADONE, 900))
    reading = interpret(drug_test("t", MONDAY, results=presumptive, validity=NORMAL), EXAMPLE_CLINICAL_URINE_PANEL)
    assert reading.result is TestResult.POSITIVE and reading.analytes[0].outcome is AnalyteOutcome.PRESUMPTIVE_POSITIVE


def test_expected_medications_detected_missing_and_explained() -> None:
    """Buprenorphine expected: found negative is missing; found positive is explained, not use."""
    expected = [Analyte.BUPRENORPHINE, Analyte.NORBUPRENORPHINE]
    negative = (confirm(Analyte.BUPRENORPHINE, 1), confirm(Analyte.NORBUPRENORPHINE, 1.99))
    reading = interpret(
        drug_test("t", MONDAY, results=negative, validity=NORMAL), EXAMPLE_CLINICAL_URINE_PANEL, expected=expected
    )
    assert reading.result is TestResult.NEGATIVE
    assert reading.missing_expected == frozenset({"buprenorphine", "norbuprenorphine"})
    taking = (confirm(Analyte.BUPRENORPHINE, 2), confirm(Analyte.NORBUPRENORPHINE, 40), confirm(Analyte.FENTANYL, 3))
    reading = interpret(
        drug_test("t", MONDAY, results=taking, validity=NORMAL), EXAMPLE_CLINICAL_URINE_PANEL, expected=expected
    )
    assert reading.result is TestResult.POSITIVE and reading.missing_expected == frozenset()
    assert reading.explained == frozenset({"buprenorphine", "norbuprenorphine"})
    assert reading.unexplained_positives == frozenset({"fentanyl"})


def test_a_labs_own_analyte_is_recorded_cut_off_and_interpreted() -> None:
    """Xylazine: added to a catalog, given a cut-off by the lab, interpreted; unknown to the default catalog it is refused."""
    catalog = ANALYTES.with_analytes(AnalyteInfo(code="xylazine", name="Xylazine"), id="our_lab")
    lab = Source(citation="Our lab's xylazine confirmation cut-off", evidence=Evidence.ILLUSTRATIVE)
    panel = EXAMPLE_CLINICAL_URINE_PANEL.combined(
        CutoffPanel(id="x", name="x", cutoffs=(AnalyteCutoff(analyte="xylazine", confirm_ng_ml=10),), source=lab),
        id="ours",
        name="Ours",
    )
    test = drug_test("t", MONDAY, results=(confirm("xylazine", 10),), validity=NORMAL)
    assert interpret(test, panel, catalog=catalog).positives == frozenset({"xylazine"})
    assert (
        interpret(attrs.evolve(test, results=(confirm("xylazine", 9.99),)), panel, catalog=catalog).result
        is TestResult.NEGATIVE
    )
    with pytest.raises(InvalidArgumentError) as info:
        interpret(test, panel)
    assert info.value.paths == ("$.test.results[0].analyte", "$.panel.cutoffs[15].analyte")


def test_a_panel_reads_only_tests_of_its_specimen_type() -> None:
    """An oral-fluid test needs an oral-fluid panel; urine validity rules do not apply to it."""
    oral = drug_test("t", MONDAY, results=(confirm(Analyte.THC, 2),), specimen=SpecimenType.ORAL_FLUID)
    reading = interpret(oral, DOT_49_CFR_40_91_ORAL_FLUID)
    assert reading.result is TestResult.POSITIVE and reading.specimen is SpecimenCategory.NOT_ASSESSED
    with pytest.raises(InvalidArgumentError) as info:
        interpret(oral, HHS_2025)
    assert info.value.paths == ("$.panel.specimen",)
