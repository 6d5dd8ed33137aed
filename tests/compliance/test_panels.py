"""Cut-off panels: the federal tables, every cut-off at and just below, combined panels and their checks."""

from __future__ import annotations

import math

import pytest

from iopcore.compliance import (
    DOT_49_CFR_40_85,
    HHS_2025,
    HHS_2025_MORPHINE_2000,
    Analyte,
    AnalyteCutoff,
    AnalyteOutcome,
    CutoffPanel,
    NumericRange,
    SpecimenCategory,
    SpecimenValidity,
    TestMethod,
    TestResult,
    ValidityCriterion,
    interpret,
)
from iopcore.errors import InvalidDataError
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
