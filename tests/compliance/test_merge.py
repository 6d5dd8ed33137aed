"""Partitions by patient: ``ComplianceRecords.split`` and ``merge_reports`` give the one-process report."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.compliance import ComplianceRecords, ComplianceReport, evaluate, merge_reports
from iopcore.errors import InvalidArgumentError
from iopcore.times import DateRange
from tests.builders import FULL, MONDAY, admission, episodes, session

_KINDS = [a.name for a in attrs.fields(ComplianceRecords) if a.name != "closures"]


def _join(bundles: list[ComplianceRecords], closures: tuple[DateRange, ...] = ()) -> ComplianceRecords:
    return ComplianceRecords(
        closures=closures, **{kind: tuple(r for b in bundles for r in getattr(b, kind)) for kind in _KINDS}
    )


@settings(max_examples=60, deadline=None)
@given(episodes(patients=4), st.data())
def test_merged_reports_of_any_partition_by_patient_equal_one_evaluation(
    data: tuple[ComplianceRecords, date], draw: st.DataObject
) -> None:
    """Patients put into partitions in any way, each evaluated alone: the merge is the report of all at once."""
    records, as_of = data
    groups = list(records.by_patient().values())
    labels = draw.draw(st.lists(st.integers(0, 3), min_size=len(groups), max_size=len(groups)))
    parts = [
        _join([g for g, label in zip(groups, labels, strict=True) if label == k], records.closures)
        for k in sorted(set(labels))
    ]
    order = draw.draw(st.permutations(range(len(parts)))) if parts else []
    reports = [evaluate(FULL, parts[i], as_of) for i in order] or [evaluate(FULL, records, as_of)]
    assert merge_reports(reports) == evaluate(FULL, records, as_of)


@settings(max_examples=40, deadline=None)
@given(episodes(patients=4), st.integers(1, 5), st.integers(-20, 40))
def test_split_then_merge_equals_one_evaluation_with_and_without_a_period(
    data: tuple[ComplianceRecords, date], parts: int, start: int
) -> None:
    """``split`` and ``merge_reports`` round trip an evaluation, with the default and with an explicit period."""
    records, as_of = data
    bundles = records.split(parts)
    assert merge_reports(evaluate(FULL, b, as_of) for b in bundles) == evaluate(FULL, records, as_of)
    period = DateRange(first=min(as_of, MONDAY + timedelta(days=start)), last=as_of)
    merged = merge_reports([evaluate(FULL, b, as_of, period=period) for b in bundles])
    assert merged == evaluate(FULL, records, as_of, period=period)


@settings(max_examples=40, deadline=None)
@given(episodes(patients=4))
def test_a_patients_findings_depend_only_on_that_patients_records(data: tuple[ComplianceRecords, date]) -> None:
    """Evaluated alone or with others (default period), a patient gets the same findings and weeks."""
    records, as_of = data
    together = evaluate(FULL, records, as_of)
    for pid, own in records.by_patient().items():
        alone = evaluate(FULL, own, as_of)
        assert alone.findings == tuple(x for x in together.findings if x.patient_id == pid)
        assert alone.weeks == tuple(w for w in together.weeks if w.patient_id == pid)


@settings(max_examples=40, deadline=None)
@given(episodes(patients=4), st.integers(1, 6))
def test_split_keeps_whole_patients_and_every_record_once(data: tuple[ComplianceRecords, date], parts: int) -> None:
    """At most *parts* bundles; each patient in one; every record in exactly one; closures everywhere."""
    records, _ = data
    closures = (DateRange.of_days(MONDAY, 2),)
    records = attrs.evolve(records, closures=closures)
    bundles = records.split(parts)
    patients = [set(b.patient_ids) for b in bundles]
    assert 1 <= len(bundles) <= max(1, min(parts, len(records.patient_ids)))
    assert sum(len(p) for p in patients) == len(records.patient_ids)
    assert set().union(*patients) == set(records.patient_ids)
    assert all(b.closures == closures for b in bundles)
    for kind in _KINDS:
        assert sorted(r.id for b in bundles for r in getattr(b, kind)) == sorted(r.id for r in getattr(records, kind))
    if len(records.patient_ids) >= parts:
        assert len(bundles) == parts
        assert all(b.patient_ids for b in bundles)


def test_split_balances_records_between_bundles() -> None:
    """Ten patients of equal size in two bundles: five each, in patient-id order."""
    items = [session(f"s{p}-{i}", MONDAY + timedelta(days=i), pid=f"p{p}") for p in range(10) for i in range(3)]
    bundles = ComplianceRecords.of(items).split(2)
    assert [b.patient_ids for b in bundles] == [tuple(f"p{p}" for p in range(5)), tuple(f"p{p}" for p in range(5, 10))]


def test_split_refuses_fewer_than_one_part_and_keeps_an_empty_bundle() -> None:
    """``parts`` is at least 1; an empty bundle splits into itself."""
    with pytest.raises(InvalidArgumentError) as info:
        ComplianceRecords().split(0)
    assert info.value.errors[0].path == "$.parts"
    empty = ComplianceRecords()
    assert empty.split(3) == (empty,)


def _two_reports() -> tuple[ComplianceReport, ComplianceReport]:
    as_of = MONDAY + timedelta(days=20)
    a = ComplianceRecords.of([admission("a1", MONDAY, pid="p1"), session("s1", MONDAY, pid="p1")])
    b = ComplianceRecords.of([admission("a2", MONDAY, pid="p2"), session("s2", MONDAY, pid="p2")])
    return evaluate(FULL, a, as_of), evaluate(FULL, b, as_of)


def test_merge_refuses_reports_of_different_evaluations_with_their_path() -> None:
    """Another as_of, rule set or period end, a patient in two reports, or no report at all: refused, by path."""
    one, two = _two_reports()
    cases = {
        "$.reports[1].as_of": attrs.evolve(two, as_of=two.as_of + timedelta(days=1)),
        "$.reports[1].ruleset_version": attrs.evolve(two, ruleset_version="other"),
        "$.reports[1].period.last": attrs.evolve(two, period=DateRange(first=MONDAY, last=two.as_of - timedelta(1))),
        "$.reports[1]": one,
    }
    for path, other in cases.items():
        with pytest.raises(InvalidArgumentError) as info:
            merge_reports([one, other])
        assert info.value.errors[0].path == path
        assert "p1" not in str(info.value)
    with pytest.raises(InvalidArgumentError) as info:
        merge_reports([])
    assert info.value.errors[0].path == "$.reports"
    with pytest.raises(InvalidArgumentError):
        merge_reports([one, "not a report"])  # type: ignore[list-item]


def test_merge_of_one_report_is_that_report() -> None:
    """A single partition merges into an equal report."""
    one, _ = _two_reports()
    assert merge_reports([one]) == one
