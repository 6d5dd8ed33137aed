"""The unvalidated constructors and shared values that keep evaluation fast build exactly what validation would."""

from __future__ import annotations

import inspect
import random
from datetime import date, timedelta

import attrs
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from iopcore import strategies as ist
from iopcore.compliance import (
    DOT_49_CFR_40_85,
    HHS_2025,
    SPECIMEN_VALIDITY,
    Analyte,
    AnalyteInterpretation,
    ComplianceRecords,
    CutoffPanel,
    DrugTest,
    DrugTestStatus,
    Finding,
    Interpretation,
    NumericRange,
    SpecimenValidity,
    evaluate,
    finding_sort_key,
    interpret,
    specimen_validity_rules,
)
from iopcore.compliance._findings import found, sorted_findings, span
from iopcore.compliance._records import _LAST_PART
from iopcore.compliance._report import _first_day, _minutes
from iopcore.compliance._validity import _MEASURES, _check, _classify_directly, _meets, _regions
from iopcore.errors import InvalidDataError
from iopcore.sources import Source
from iopcore.times import DateRange, Minutes
from tests.builders import FULL, MONDAY, admission, bundle, confirm, drug_test, episodes, session


@attrs.frozen
class _Rule:
    """What ``found`` takes from a rule."""

    id: str
    source: Source


def test_found_sets_every_field_of_finding() -> None:
    """``found`` takes the rule (for ``rule_id`` and ``citation``) and every other field, so none is left unset."""
    parameters = set(inspect.signature(found).parameters) - {"rule"}
    assert parameters | {"rule_id", "citation"} == {a.name for a in attrs.fields(Finding)}


@given(ist.findings())
def test_found_builds_the_same_finding_as_the_validated_constructor(finding: Finding) -> None:
    """A finding built without validation equals, field by field, one built with it."""
    rule = _Rule(finding.rule_id, finding.citation)
    x = finding
    fast = found(
        rule,
        x.code,
        x.patient_id,
        x.period,
        x.message,
        x.evidence,
        x.severity,
        measured=x.measured,
        threshold=x.threshold,
        unit=x.unit,
    )
    assert fast == finding
    attrs.validate(fast)
    Finding(**{a.name: getattr(fast, a.name) for a in attrs.fields(Finding)})  # its cross-field rule holds too


@given(st.dates(), st.integers(0, 60))
def test_span_is_a_valid_date_range_shared_per_period(first: date, days: int) -> None:
    """``span`` gives a DateRange equal to the validated one, and the same object for the same period."""
    last = date.fromordinal(min(first.toordinal() + days, date.max.toordinal()))
    period = span(first, last)
    assert period == DateRange(first=first, last=last)
    assert span(first, last) is period


@given(st.integers(0, 10_000))
def test_weekly_minutes_are_shared_valid_values(value: int) -> None:
    """Weekly totals are shared Minutes values equal to validated ones."""
    assert _minutes(value) == Minutes(value)
    assert _minutes(value) is _minutes(value)


def test_by_patient_is_correct_while_and_after_a_split_is_iterated() -> None:
    """The remembered part never changes what ``by_patient`` returns, and is forgotten after the loop."""
    records = ComplianceRecords.of(
        [admission("a1", pid="p1"), admission("a2", pid="p2"), session("s1", MONDAY, pid="p1")]
    )
    seen = {}
    for pid, part in records._parts():
        assert part.by_patient() == {pid: part}
        assert records.by_patient().keys() == {"p1", "p2"}
        seen[pid] = part
    assert seen == records.by_patient()
    assert _LAST_PART[0] is None


@given(
    ist.drug_tests(),
    st.one_of(st.sampled_from([HHS_2025, DOT_49_CFR_40_85]), ist.cutoff_panels()),
    st.frozensets(st.sampled_from(Analyte)),
)
def test_interpretations_built_without_validation_are_valid_and_equal_validated_ones(
    test: DrugTest, panel: CutoffPanel, expected: frozenset[Analyte]
) -> None:
    """Every reading ``interpret`` builds passes its validators and equals the value built with them."""
    assume(test.status is DrugTestStatus.COLLECTED)
    reading = interpret(attrs.evolve(test, specimen=panel.specimen), panel, expected=expected)
    attrs.validate(reading)
    rebuilt = Interpretation(
        **{
            a.name: getattr(reading, a.name)
            if a.name != "analytes"
            else tuple(AnalyteInterpretation(**attrs.asdict(x, recurse=False)) for x in reading.analytes)
            for a in attrs.fields(Interpretation)
        }
    )
    assert rebuilt == reading


@given(ist.numeric_ranges(), ist.specimen_validities(), st.sampled_from(_MEASURES))
def test_inlined_validity_check_agrees_with_numeric_range_contains(
    wanted: NumericRange, validity: SpecimenValidity, measure: str
) -> None:
    """The inlined range check of specimen validity gives what ``NumericRange.contains`` gives."""
    value = getattr(validity, measure)
    expected = value is not None and wanted.contains(value)
    assert _meets(validity, False, (_check(measure, wanted),)) is expected
    for bound in (wanted.low, wanted.high):
        if bound is not None:
            try:
                edge = attrs.evolve(validity, **{measure: bound})
            except InvalidDataError:  # a bound outside what the measurement can be
                continue
            assert _meets(edge, False, (_check(measure, wanted),)) is wanted.contains(bound)


@given(st.lists(ist.findings(), max_size=30), st.randoms(use_true_random=False))
def test_two_step_sort_orders_findings_exactly_as_the_sort_key(found: list[Finding], rnd: random.Random) -> None:
    """The report's grouped sort gives the order of ``finding_sort_key``, whatever the input order."""
    rnd.shuffle(found)
    # findings sharing a period, severity, rule and code exercise the second step
    found += [attrs.evolve(x, patient_id=x.patient_id + "b") for x in found[:3]]
    assert list(sorted_findings(found)) == sorted(found, key=finding_sort_key)


_BOUNDS = sorted(
    {
        b
        for c in SPECIMEN_VALIDITY.criteria
        for m in _MEASURES
        if (r := getattr(c, m)) is not None
        for b in (r.low, r.high)
        if b is not None
    }
)
_NEAR_BOUNDS = st.one_of(
    st.none(),
    st.sampled_from(_BOUNDS),
    st.sampled_from(_BOUNDS).map(lambda b: b * (1 + 1e-9)),
    st.sampled_from(_BOUNDS).map(lambda b: b * (1 - 1e-9)),
    st.floats(min_value=0, max_value=600, allow_nan=False),
)


@given(
    st.builds(
        SpecimenValidity,
        creatinine_mg_dl=_NEAR_BOUNDS,
        specific_gravity=_NEAR_BOUNDS,
        ph=_NEAR_BOUNDS.filter(lambda x: x is None or x <= 14),
        nitrite_mcg_ml=_NEAR_BOUNDS,
        adulterant_detected=st.booleans(),
    )
)
def test_classification_by_region_agrees_with_criterion_by_criterion(validity: SpecimenValidity) -> None:
    """The remembered per-region answer is what checking every criterion gives, also exactly on each bound."""
    for rules in (SPECIMEN_VALIDITY, specimen_validity_rules(edition="nrc_samhsa_2004")):
        category, met, reasons = _regions(rules).classify(validity)
        assert (category, met) == _classify_directly(rules, validity)
        assert rules.classify(validity) == (category, met)
        assert reasons == tuple(f"{c.describe()} ({c.source.citation})" for c in met)


@settings(max_examples=60, deadline=None)
@given(episodes(patients=3))
def test_weekly_totals_equal_a_direct_count_from_the_records(data: tuple[ComplianceRecords, date]) -> None:
    """Each week summary's minutes, days and sessions, counted straight from the attendance records."""
    records, as_of = data
    report = evaluate(FULL, records, as_of)
    for w in report.weeks:
        rows = [
            r
            for r in records.attendance
            if r.patient_id == w.patient_id and w.week.first <= r.start.date() <= w.week.last
        ]
        own = records.by_patient()[w.patient_id]
        inside = {d for a in own.admissions if (days := a.days(as_of)) is not None for d in days.dates()}
        rows = [r for r in rows if r.start.date() in inside and report.period.first <= r.start.date() <= as_of]
        assert w.attended_minutes.value == sum(r.attended_minutes.value for r in rows)
        assert w.days_attended == len({r.start.date() for r in rows if r.attended_minutes.value > 0})
        assert w.sessions_attended == sum(1 for r in rows if r.present)
        assert w.sessions_missed == len(rows) - w.sessions_attended


@settings(max_examples=40, deadline=None)
@given(episodes(patients=3))
def test_evaluate_shares_equal_messages_and_changes_no_finding(case: tuple[ComplianceRecords, date]) -> None:
    """Findings with equal messages hold one string; the findings are those each rule's public ``evaluate``
    returns on each patient's bundle over that patient's period (what ``evaluate`` documents)."""
    records, as_of = case
    report = evaluate(FULL, records, as_of)
    first: dict[str, str] = {}
    for x in report.findings:
        assert first.setdefault(x.message, x.message) is x.message
    alone = []
    for part in records.by_patient().values():
        own = DateRange(first=min(_first_day(part), as_of), last=as_of)
        alone += [x for rule in FULL.rules for x in rule.evaluate(part, own, as_of)]
    assert sorted_findings(alone) == tuple(x for x in report.findings if x.rule_id != "records")


_ZERO_CUTOFF = CutoffPanel(
    id="zero",
    name="zero cut-off panel",
    cutoffs=(attrs.evolve(HHS_2025.cutoffs[0], screen_ng_ml=0.0, confirm_ng_ml=0.0),),
    source=HHS_2025.source,
)


@given(st.lists(st.sampled_from([0.0, -0.0, 14.9, 15.0, 30.0, 100.0]), min_size=1, max_size=8), st.booleans())
def test_drug_test_findings_worked_out_once_per_kind_of_test_equal_those_of_each_test(
    concentrations: list[float], zero_panel: bool
) -> None:
    """Tests with equal specimen, validity and results share what their findings say; the findings equal those
    of each test evaluated on its own (a 0 cut-off, where -0.0 prints apart from 0.0, is not shared)."""
    rule = FULL.rule("drug_test_results")
    if zero_panel:
        rule = attrs.evolve(rule, panel=_ZERO_CUTOFF)
    tests = [
        drug_test(f"t{i}", MONDAY + timedelta(days=i), results=(confirm(Analyte.THCA, c),))
        for i, c in enumerate(concentrations)
    ]
    together = rule.evaluate(bundle(admission(), *tests), DateRange.of_days(MONDAY, 30), MONDAY + timedelta(days=29))
    alone = sorted_findings(
        x
        for t in tests
        for x in rule.evaluate(bundle(admission(), t), DateRange.of_days(MONDAY, 30), MONDAY + timedelta(days=29))
    )
    assert together == alone
    assert [x.message for x in together] == [x.message for x in alone]
