"""Every compliance value crosses process boundaries: it pickles, equals itself after the round trip and hashes."""

from __future__ import annotations

import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore import compliance
from iopcore import strategies as ist
from iopcore.compliance import RULESETS, ComplianceRecords, ComplianceReport, RuleSet, evaluate
from tests.builders import FULL, episodes

COMPLIANCE_CLASSES = sorted(
    (obj for name in compliance.__all__ if isinstance(obj := getattr(compliance, name), type) and attrs.has(obj)),
    key=lambda c: c.__name__,
)
CATALOGS = {
    name: obj
    for name in compliance.__all__
    if not callable(obj := getattr(compliance, name)) and not isinstance(obj, type | tuple)
}


def _round_trip(value: Any) -> Any:
    back = pickle.loads(pickle.dumps(value))
    assert back == value
    assert hash(back) == hash(value)
    return back


def test_the_inventory_covers_the_compliance_types_and_catalogs() -> None:
    """The tests below see every attrs class and every catalog value compliance exports."""
    assert len(COMPLIANCE_CLASSES) >= 36
    assert {"RULESETS", "DILUTE_DEFINITIONS", "HHS_2025", "SPECIMEN_VALIDITY", "GENERIC_IOP_RULES"} <= set(CATALOGS)


@pytest.mark.parametrize("cls", COMPLIANCE_CLASSES, ids=lambda c: c.__name__)
def test_every_compliance_value_pickles_and_hashes(cls: type) -> None:
    """Values drawn from each class's registered strategy survive pickling, equal themselves and hash."""

    @settings(max_examples=15, deadline=None)
    @given(st.from_type(cls))
    def check(value: Any) -> None:
        back = _round_trip(value)
        assert type(back) is cls

    check()


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_every_catalog_pickles_and_hashes(name: str) -> None:
    """The built-in rule sets, panels, validity rules and catalogs (read-only maps) pickle and hash."""
    _round_trip(CATALOGS[name])


def test_every_composed_rule_set_pickles_and_hashes() -> None:
    """Composing, overriding and trimming rule sets keeps values that pickle and hash."""
    composed = RuleSet.compose(*RULESETS.values(), name="all", version="1")
    for value in (
        composed,
        FULL,
        composed.without("missed_tests"),
        FULL.override("weekly_hours", severity=FULL.rule("weekly_hours").severity),
    ):
        _round_trip(value)


@settings(max_examples=10, deadline=None)
@given(episodes())
def test_records_and_reports_of_an_evaluation_pickle_and_hash(data: tuple[ComplianceRecords, Any]) -> None:
    """A bundle of records and the report evaluated from it pickle, equal themselves and hash."""
    records, as_of = data
    report = evaluate(FULL, records, as_of)
    assert isinstance(_round_trip(records), ComplianceRecords)
    assert isinstance(_round_trip(report), ComplianceReport)
    for part in records.by_patient().values():
        _round_trip(part)


@given(ist.rule_sets())
def test_generated_rule_sets_pickle_and_hash(ruleset: RuleSet) -> None:
    """Any rule set (generated panels, validity rules and severity maps inside) pickles and hashes."""
    _round_trip(ruleset)
