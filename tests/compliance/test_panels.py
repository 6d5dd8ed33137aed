"""Cut-off panels: the federal tables, every cut-off at and just below, combined panels and their checks."""

from __future__ import annotations

import math

import pytest

from iopcore.compliance import (
    DOT_49_CFR_40_85,
    DOT_49_CFR_40_91_ORAL_FLUID,
    EXAMPLE_CLINICAL_URINE_PANEL,
    HHS_2025,
    HHS_2025_MORPHINE_2000,
    Analyte,
    AnalyteCutoff,
    AnalyteOutcome,
    CutoffPanel,
    Interpretation,
    NumericRange,
    SpecimenCategory,
    SpecimenType,
    SpecimenValidity,
    TestMethod,
    TestResult,
    ValidityCriterion,
    interpret,
)
from iopcore.errors import InvalidArgumentError, InvalidDataError
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


ORAL_TABLE = {  # 49 CFR 40.91 Table 1 (88 FR 27643): (initial, confirmatory) ng/mL
    Analyte.THC: (4, 2),
    Analyte.COCAINE: (15, 8),
    Analyte.BENZOYLECGONINE: (15, 8),
    Analyte.CODEINE: (30, 15),
    Analyte.MORPHINE: (30, 15),
    Analyte.HYDROCODONE: (30, 15),
    Analyte.HYDROMORPHONE: (30, 15),
    Analyte.OXYCODONE: (30, 15),
    Analyte.OXYMORPHONE: (30, 15),
    Analyte.SIX_ACETYLMORPHINE: (4, 2),
    Analyte.PHENCYCLIDINE: (10, 10),
    Analyte.AMPHETAMINE: (50, 25),
    Analyte.METHAMPHETAMINE: (50, 25),
    Analyte.MDMA: (50, 25),
    Analyte.MDA: (50, 25),
}


def test_oral_fluid_panel_matches_the_regulation_table() -> None:
    """The DOT oral-fluid panel holds exactly the 40.91 table and is for oral fluid."""
    panel = DOT_49_CFR_40_91_ORAL_FLUID
    assert {c.analyte: (c.screen_ng_ml, c.confirm_ng_ml) for c in panel.cutoffs} == ORAL_TABLE
    assert panel.specimen is SpecimenType.ORAL_FLUID and "40.91" in panel.source.citation


def test_federal_panels_have_no_clinical_cutoff_and_the_example_is_marked_as_one() -> None:
    """Federal panels hold no clinical analyte; the example clinical panel covers the clinical classes, each cut-off
    with its own public source, and calls itself an example, not a standard."""
    for panel in (DOT_49_CFR_40_85, HHS_2025, HHS_2025_MORPHINE_2000, DOT_49_CFR_40_91_ORAL_FLUID):
        assert not panel.analytes & set(CLINICAL)
    example = EXAMPLE_CLINICAL_URINE_PANEL
    covered = {
        Analyte.ETHYL_GLUCURONIDE, Analyte.ETHYL_SULFATE, Analyte.FENTANYL, Analyte.NORFENTANYL,
        Analyte.BUPRENORPHINE, Analyte.NORBUPRENORPHINE, Analyte.METHADONE, Analyte.EDDP, Analyte.BENZODIAZEPINES,
        Analyte.OXYCODONE, Analyte.AMPHETAMINE, Analyte.METHAMPHETAMINE, Analyte.BENZOYLECGONINE, Analyte.MORPHINE,
        Analyte.THCA,
    }  # fmt: skip
    assert example.analytes == covered
    assert example.source.evidence is Evidence.ILLUSTRATIVE and "not a standard" in example.name
    assert "never a standard" in example.source.note
    assert all(c.source is not None and c.source.urls for c in example.cutoffs)


def test_panels_of_different_specimen_types_do_not_combine() -> None:
    """Combining a urine and an oral-fluid panel is refused at `$.other.specimen`."""
    with pytest.raises(InvalidArgumentError) as info:
        HHS_2025.combined(DOT_49_CFR_40_91_ORAL_FLUID, id="x", name="x")
    assert info.value.paths == ("$.other.specimen",)


@pytest.mark.parametrize(
    "panel",
    [DOT_49_CFR_40_85, HHS_2025, HHS_2025_MORPHINE_2000, DOT_49_CFR_40_91_ORAL_FLUID, EXAMPLE_CLINICAL_URINE_PANEL],
    ids=lambda p: p.id,
)
def test_every_cutoff_is_positive_at_and_above_and_negative_just_below(panel: CutoffPanel) -> None:
    """For every analyte and method, a concentration at or just above the cut-off is positive, just below negative."""
    specimen = panel.specimen
    for cut in panel.cutoffs:
        for method, limit in ((TestMethod.SCREEN, cut.screen_ng_ml), (TestMethod.CONFIRMATION, cut.confirm_ng_ml)):
            if limit is None:
                continue
            expected = (
                AnalyteOutcome.POSITIVE if method is TestMethod.CONFIRMATION else AnalyteOutcome.PRESUMPTIVE_POSITIVE
            )
            maker = confirm if method is TestMethod.CONFIRMATION else screen

            def read(ng: float) -> Interpretation:
                test = drug_test("t", MONDAY, results=(maker(cut.analyte, ng),), validity=NORMAL, specimen=specimen)  # noqa: B023
                return interpret(test, panel)

            at_limit, above, below = read(limit), read(math.nextafter(limit, math.inf)), read(math.nextafter(limit, 0))
            assert at_limit.analytes[0].outcome is expected, (cut.analyte, method)
            assert above.analytes[0].outcome is expected, (cut.analyte, method)
            assert at_limit.result is TestResult.POSITIVE
            assert below.analytes[0].outcome is AnalyteOutcome.NEGATIVE, (cut.analyte, method)
            assert below.result is TestResult.NEGATIVE


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
