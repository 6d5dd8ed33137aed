"""NDJSON export: each line is exactly the compact JSON text of the dict the matching ``*_to_fhir`` gives."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore.assessment import DatedScore
from iopcore.compliance import (
    EXAMPLE_CLINICAL_URINE_PANEL,
    AnalyteResult,
    DrugTest,
    DrugTestStatus,
    SpecimenType,
    TestMethod,
    interpret,
)
from iopcore.errors import IopcoreError
from iopcore.fhir import (
    References,
    drug_tests_to_fhir,
    drug_tests_to_ndjson,
    scores_to_fhir,
    scores_to_ndjson,
)
from iopcore.part2 import RecordClass
from iopcore.strategies import dated_scores, drug_tests
from tests.fhir.test_scores import ALL, QR_REFERENCES, _exportable

PIDS = ("p1", "p2", 'p\u00e9"3\\')  # keys never reach the text; their references do (quotes, non-ASCII)
REFS = References(
    patients={"p1": "Patient/1", "p2": "Patient/2", 'p\u00e9"3\\': "Patient/3"}, practitioners={"dr": "Practitioner/7"}
)


def _lines(resources: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in resources)


@given(
    st.lists(
        st.tuples(
            dated_scores(instrument_ids=ALL, patient_ids=st.sampled_from(PIDS)).filter(_exportable), QR_REFERENCES
        ),
        max_size=5,
    ),
    st.booleans(),
    st.booleans(),
    st.sampled_from(RecordClass),
)
def test_score_lines_are_the_dicts_text(
    drawn: list[tuple[DatedScore, str | None]], performed: bool, sourced: bool, record_class: RecordClass
) -> None:
    scores = [s for s, _ in drawn]
    sources = [r for _, r in drawn] if sourced else []
    kwargs: dict[str, Any] = {
        "performer_id": "dr" if performed else None,
        "derived_from": sources,
        "record_class": record_class,
    }
    text = tuple(scores_to_ndjson(scores, REFS, **kwargs))
    assert text == _lines(scores_to_fhir(scores, REFS, **kwargs))
    assert [json.loads(line) for line in text] == list(scores_to_fhir(scores, REFS, **kwargs))


@given(
    st.lists(drug_tests(patient_ids=st.sampled_from(PIDS)), max_size=4, unique_by=lambda t: t.id),
    st.booleans(),
    st.sampled_from(RecordClass),
)
def test_drug_test_lines_are_the_dicts_text(
    tests: list[DrugTest], interpreted: bool, record_class: RecordClass
) -> None:
    readings = (
        [
            interpret(t, EXAMPLE_CLINICAL_URINE_PANEL)
            for t in tests
            if t.status is DrugTestStatus.COLLECTED and t.specimen is SpecimenType.URINE
        ]
        if interpreted
        else []
    )
    text = tuple(drug_tests_to_ndjson(tests, REFS, interpretations=readings, record_class=record_class))
    assert text == _lines(drug_tests_to_fhir(tests, REFS, interpretations=readings, record_class=record_class))


def test_a_lab_analyte_a_cut_off_and_odd_ids_are_the_dicts_text() -> None:
    """An analyte outside the catalog, a positive with its cut-off, an id needing JSON escapes, two offsets."""
    at = datetime(2026, 2, 3, 10, tzinfo=timezone(timedelta(hours=-5)))
    tests = [
        DrugTest(
            id='lab "7"\\\u00e9',
            patient_id="p1",
            collected_at=at,
            results=(AnalyteResult(analyte="fentanyl", concentration_ng_ml=12.5, method=TestMethod.SCREEN),),
        ),
        DrugTest(id="t2", patient_id="p2", collected_at=at.astimezone(UTC), status=DrugTestStatus.REFUSED),
        DrugTest(
            id="t3",
            patient_id="p2",
            collected_at=at,
            results=(AnalyteResult(analyte="xylazine", concentration_ng_ml=3.25, method=TestMethod.CONFIRMATION),),
        ),
    ]
    readings = [interpret(tests[0], EXAMPLE_CLINICAL_URINE_PANEL)]
    text = tuple(drug_tests_to_ndjson(tests, REFS, interpretations=readings))
    assert text == _lines(drug_tests_to_fhir(tests, REFS, interpretations=readings))
    assert len(text) == 5 and "referenceRange" in text[1] and "xylazine" in text[4]


def _refusal(call: Any, *args: Any, **kwargs: Any) -> tuple[type[Exception], tuple[str, ...]]:
    with pytest.raises(IopcoreError) as info:
        call(*args, **kwargs)
    return type(info.value), tuple(e.path for e in info.value.errors)  # type: ignore[attr-defined]


def test_the_checks_are_the_dict_writers() -> None:
    """Bad arguments are refused by both paths alike: same exception, same paths, and by the call itself
    (the lines are made as they are read, but nothing is read here)."""
    at = datetime(2026, 2, 3, 10, tzinfo=UTC)
    test = DrugTest(id="t", patient_id="p1", collected_at=at)
    other = interpret(DrugTest(id="u", patient_id="p1", collected_at=at), EXAMPLE_CLINICAL_URINE_PANEL)
    score = DatedScore(patient_id="p1", instrument="phq9", on=at.date(), total=4)
    cases: list[tuple[Any, Any, tuple[Any, ...], dict[str, Any], str]] = [
        (drug_tests_to_ndjson, drug_tests_to_fhir, ([test], REFS), {"interpretations": [other]}, "$.interpretations"),
        (
            drug_tests_to_ndjson,
            drug_tests_to_fhir,
            ([DrugTest(id="t", patient_id="nobody", collected_at=at)], REFS),
            {},
            "$.tests[0].patient_id",
        ),
        (drug_tests_to_ndjson, drug_tests_to_fhir, ([at], REFS), {}, "$.tests[0]"),
        (scores_to_ndjson, scores_to_fhir, ([score], REFS), {"derived_from": ["Observation/1"]}, "$.derived_from[0]"),
        (
            scores_to_ndjson,
            scores_to_fhir,
            ([DatedScore(patient_id="p1", instrument="gad7", on=at.date(), total=4.5)], REFS),
            {},
            "$.scores[0].total",
        ),
        (scores_to_ndjson, scores_to_fhir, ([score], REFS), {"performer_id": "nobody"}, "$.performer_id"),
    ]
    for text_writer, dict_writer, args, kwargs, path in cases:
        refused = _refusal(text_writer, *args, **kwargs)
        assert refused == _refusal(dict_writer, *args, **kwargs)
        assert refused[1][0].startswith(path)
    assert tuple(scores_to_ndjson([], REFS)) == () == tuple(drug_tests_to_ndjson([], REFS))


def test_the_lines_are_made_as_they_are_read() -> None:
    """The writers return an iterator (one pass): its first line is there before the rest are made."""
    at = datetime(2026, 2, 3, 10, tzinfo=UTC)
    tests = [DrugTest(id=f"t{i}", patient_id="p1", collected_at=at) for i in range(3)]
    lines = drug_tests_to_ndjson(tests, REFS)
    assert iter(lines) is lines
    expected = _lines(drug_tests_to_fhir(tests, REFS))
    assert next(lines) == expected[0]
    assert (expected[0], *lines) == expected
    assert tuple(lines) == ()  # read once
    scores = scores_to_ndjson([DatedScore(patient_id="p1", instrument="phq9", on=at.date(), total=4)], REFS)
    assert iter(scores) is scores
