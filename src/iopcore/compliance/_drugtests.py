"""Drug-test interpretation: :func:`interpret` reads a test against a cut-off panel and specimen-validity rules.

Each analyte is positive at or above the confirmatory cut-off (confirmation
results) or presumptively positive at or above the screening cut-off (screen
results only); the overall result follows the DOT categories (49 CFR 40.97),
plus ``not_evaluated``: a test with a measured or expected analyte that the
panel cannot evaluate is never negative.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.compliance._analytes import ANALYTES, AnalyteCatalog, SpecimenType, code_field, code_set_field
from iopcore.compliance._checks import refuse
from iopcore.compliance._panels import CutoffPanel
from iopcore.compliance._records import AnalyteResult, DrugTest, DrugTestStatus, TestMethod
from iopcore.compliance._validity import SPECIMEN_VALIDITY, SpecimenCategory, SpecimenValidityRules, opt_float_field
from iopcore.errors import InvalidArgumentError

__all__ = ["AnalyteInterpretation", "AnalyteOutcome", "Interpretation", "TestResult", "interpret"]


class AnalyteOutcome(enum.StrEnum):
    """One analyte's reading against its cut-off."""

    NEGATIVE = "negative"
    PRESUMPTIVE_POSITIVE = "presumptive_positive"
    """At or above the screening cut-off, not confirmed."""
    POSITIVE = "positive"
    """At or above the confirmatory cut-off."""
    NOT_EVALUATED = "not_evaluated"
    """The panel has no cut-off for this analyte and method (or a confirmation could not be evaluated and the screen
    was negative)."""


class TestResult(enum.StrEnum):
    """The overall result of a test: the DOT result categories (49 CFR 40.97) and ``not_evaluated``."""

    __test__ = False

    NEGATIVE = "negative"
    NEGATIVE_DILUTE = "negative_dilute"
    POSITIVE = "positive"
    POSITIVE_DILUTE = "positive_dilute"
    ADULTERATED = "adulterated"
    SUBSTITUTED = "substituted"
    INVALID = "invalid"
    NOT_EVALUATED = "not_evaluated"
    """No analyte is positive, but a measured or expected analyte could not be evaluated against the panel (no
    cut-off for it and its method, or an expected analyte not measured): the test is not negative."""


@final
@attrs.frozen(kw_only=True)
class AnalyteInterpretation:
    """One analyte's reading: its outcome, the concentration and the cut-off it was compared with."""

    analyte: str = code_field()
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
    missing_expected: frozenset[str] = code_set_field()
    """Expected analytes (from the patient's medications) measured and found negative: expected medication not
    detected (possible non-adherence or diversion)."""
    not_evaluated: frozenset[str] = code_set_field()
    """Measured analytes the panel could not evaluate, and expected analytes that were not measured."""
    explained: frozenset[str] = code_set_field()
    """Positive analytes that the patient's medications explain (expected ones): reported as prescribed, not as use."""

    @property
    def unexplained_positives(self) -> frozenset[str]:
        """Positive or presumptively positive analytes that no medication explains."""
        return self.positives - self.explained

    @property
    def positives(self) -> frozenset[str]:
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
    expected: Iterable[str] = (),
    catalog: AnalyteCatalog = ANALYTES,
) -> Interpretation:
    """Read *test* against *panel* (for the test's specimen type) and the specimen-validity rules.

    Each analyte is positive at or above the confirmatory cut-off (confirmation
    results) or presumptively positive at or above the screening cut-off
    (screen results only). An adulterated, substituted or invalid specimen
    gives that result whatever the analytes show; otherwise any positive makes
    the test positive, and a dilute specimen adds ``_dilute``. Without a
    positive, a measured analyte the panel cannot evaluate, or an expected one
    that was not measured, makes the test ``not_evaluated``, never negative.
    *expected* are analyte codes the patient's medications should produce:
    those measured negative are ``missing_expected``; positives among them are
    ``explained``. Every code (results, *expected*, the panel's) must be in
    *catalog*. Urine validity rules do not apply to an oral-fluid test (its
    specimen category is ``not_assessed``).
    """
    where = "interpret"
    if test.status is not DrugTestStatus.COLLECTED:
        raise refuse(where, "$.test.status", "expected a collected test, got a missed or refused one", "status")
    if panel.specimen is not test.specimen:
        raise refuse(
            where,
            "$.panel.specimen",
            f"expected a panel for {test.specimen.value}, the test's specimen, got a {panel.specimen.value} panel",
            "specimen",
        )
    wanted = tuple(expected)
    errors = catalog._check(
        [
            *((r.analyte, f"$.test.results[{i}].analyte") for i, r in enumerate(test.results)),
            *((a, f"$.expected[{i}]") for i, a in enumerate(wanted)),
            *((c.analyte, f"$.panel.cutoffs[{i}].analyte") for i, c in enumerate(panel.cutoffs)),
        ]
    )
    if errors:
        raise InvalidArgumentError(errors, callable=where)
    return read(test, panel, validity, frozenset(wanted))


_POSITIVE_OUTCOMES = (AnalyteOutcome.POSITIVE, AnalyteOutcome.PRESUMPTIVE_POSITIVE)
_FAILED_SPECIMENS = {
    SpecimenCategory.ADULTERATED: TestResult.ADULTERATED,
    SpecimenCategory.SUBSTITUTED: TestResult.SUBSTITUTED,
    SpecimenCategory.INVALID: TestResult.INVALID,
}


def read(
    test: DrugTest, panel: CutoffPanel, validity: SpecimenValidityRules, expected: frozenset[str]
) -> Interpretation:
    """:func:`interpret` on already checked arguments (the compliance rules call this for every test)."""
    if test.specimen is SpecimenType.URINE:
        category, _, reasons = validity._classify_described(test.validity)
    else:
        category, reasons = SpecimenCategory.NOT_ASSESSED, ()
    limits = _limits(panel)
    by_analyte: dict[str, AnalyteInterpretation] = {}
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
        # A confirmation result (sorted last) overrides the screen. One that could not be
        # evaluated leaves a presumptive positive standing but never a negative screen.
        screen = by_analyte.get(analyte)
        if outcome is not AnalyteOutcome.NOT_EVALUATED or screen is None or screen.outcome is AnalyteOutcome.NEGATIVE:
            by_analyte[analyte] = _analyte_reading(analyte, outcome, method, concentration, limit)
    readings = tuple(by_analyte.values())  # results were sorted by analyte
    positives = frozenset(r.analyte for r in readings if r.outcome in _POSITIVE_OUTCOMES)
    unread = frozenset(r.analyte for r in readings if r.outcome is AnalyteOutcome.NOT_EVALUATED)
    if expected:
        unread |= expected - by_analyte.keys()
        missing = frozenset(a for a in expected if a in by_analyte and by_analyte[a].outcome is AnalyteOutcome.NEGATIVE)
        explained = expected & positives
    else:
        missing = explained = _NOTHING
    overall = _FAILED_SPECIMENS.get(category)
    if overall is None:
        dilute = category is SpecimenCategory.DILUTE
        if positives:
            overall = TestResult.POSITIVE_DILUTE if dilute else TestResult.POSITIVE
        elif unread:
            overall = TestResult.NOT_EVALUATED
        else:
            overall = TestResult.NEGATIVE_DILUTE if dilute else TestResult.NEGATIVE
    obj: Interpretation = _new(Interpretation)
    _I_TEST(obj, test.id)
    _I_PANEL(obj, panel.id)
    _I_RESULT(obj, overall)
    _I_SPECIMEN(obj, category)
    _I_REASONS(obj, reasons)
    _I_ANALYTES(obj, readings)
    _I_MISSING(obj, missing)
    _I_UNREAD(obj, unread or _NOTHING)
    _I_EXPLAINED(obj, explained)
    return obj


# Readings are derived from validated tests, so they are built without
# re-running validators, field by field; a test checks these constructors set
# exactly the classes' fields and build values equal to validated ones.
_new = object.__new__
_NOTHING: frozenset[str] = frozenset()
_A_ANALYTE, _A_OUTCOME, _A_METHOD, _A_CONCENTRATION, _A_CUTOFF = (
    getattr(AnalyteInterpretation, a.name).__set__ for a in attrs.fields(AnalyteInterpretation)
)
_I_TEST, _I_PANEL, _I_RESULT, _I_SPECIMEN, _I_REASONS, _I_ANALYTES, _I_MISSING, _I_UNREAD, _I_EXPLAINED = (
    getattr(Interpretation, a.name).__set__ for a in attrs.fields(Interpretation)
)


def _analyte_reading(
    analyte: str, outcome: AnalyteOutcome, method: TestMethod, concentration: float, cutoff: float | None
) -> AnalyteInterpretation:
    obj: AnalyteInterpretation = _new(AnalyteInterpretation)
    _A_ANALYTE(obj, analyte)
    _A_OUTCOME(obj, outcome)
    _A_METHOD(obj, method)
    _A_CONCENTRATION(obj, concentration)
    _A_CUTOFF(obj, cutoff)
    return obj


def _result_order(result: AnalyteResult) -> tuple[str, bool]:
    return (result.analyte, result.method is TestMethod.CONFIRMATION)


@functools.lru_cache(maxsize=64)
def _limits(panel: CutoffPanel) -> dict[tuple[str, TestMethod], float | None]:
    """The cut-off for each analyte and method in *panel* (cached per panel value: speed only)."""
    return {(c.analyte, m): c._for_method(m) for c in panel.cutoffs for m in TestMethod}
