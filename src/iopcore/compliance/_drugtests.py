"""Drug-test interpretation: :func:`interpret` reads a test against a cut-off panel and specimen-validity rules.

Each analyte is positive at or above the confirmatory cut-off (confirmation
results) or presumptively positive at or above the screening cut-off (screen
results only); the overall result follows the DOT categories (49 CFR 40.97).
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.compliance._checks import refuse
from iopcore.compliance._panels import CutoffPanel
from iopcore.compliance._records import Analyte, AnalyteResult, DrugTest, DrugTestStatus, TestMethod
from iopcore.compliance._validity import SPECIMEN_VALIDITY, SpecimenCategory, SpecimenValidityRules, opt_float_field

__all__ = ["AnalyteInterpretation", "AnalyteOutcome", "Interpretation", "TestResult", "interpret"]


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


@final
@attrs.frozen(kw_only=True)
class AnalyteInterpretation:
    """One analyte's reading: its outcome, the concentration and the cut-off it was compared with."""

    analyte: Analyte = attrs.field(validator=f.enum_member(Analyte))
    outcome: AnalyteOutcome = attrs.field(validator=f.enum_member(AnalyteOutcome))
    method: TestMethod = attrs.field(validator=f.enum_member(TestMethod))
    concentration_ng_ml: float = attrs.field(converter=f.to_float, validator=f.number(min_value=0))
    cutoff_ng_ml: float | None = opt_float_field()


@final
@attrs.frozen(kw_only=True)
class Interpretation:
    """A drug test read against a panel and specimen-validity rules."""

    test_id: str = f.phi_field(validator=f.text(max_length=128))
    """The drug test's record id (an identifier: ``repr`` redacts it)."""
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


@f.guard
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
    if test.status is not DrugTestStatus.COLLECTED:
        raise refuse("interpret", "$.test.status", "expected a collected test, got a missed or refused one", "status")
    return read(test, panel, validity, frozenset(expected))


_POSITIVE_OUTCOMES = (AnalyteOutcome.POSITIVE, AnalyteOutcome.PRESUMPTIVE_POSITIVE)
_FAILED_SPECIMENS = {
    SpecimenCategory.ADULTERATED: TestResult.ADULTERATED,
    SpecimenCategory.SUBSTITUTED: TestResult.SUBSTITUTED,
    SpecimenCategory.INVALID: TestResult.INVALID,
}


def read(
    test: DrugTest, panel: CutoffPanel, validity: SpecimenValidityRules, expected: frozenset[Analyte]
) -> Interpretation:
    """:func:`interpret` on already checked arguments (the compliance rules call this for every test)."""
    category, met = validity._classify(test.validity)
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
    _I_REASONS(obj, tuple(f"{c._describe()} ({c.source.citation})" for c in met) if met else ())
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
    return {(c.analyte, m): c._for_method(m) for c in panel.cutoffs for m in TestMethod}
