"""Drug tests as Observations: valid R4, never a normal code for what was not evaluated, read back exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore.compliance import (
    EXAMPLE_CLINICAL_URINE_PANEL,
    AnalyteResult,
    DrugTest,
    DrugTestStatus,
    SpecimenType,
    SpecimenValidity,
    TestMethod,
    TestResult,
    interpret,
)
from iopcore.errors import InvalidDataError
from iopcore.fhir import References, drug_tests_from_fhir, drug_tests_to_fhir
from iopcore.part2 import RecordClass
from iopcore.strategies import drug_tests
from tests.fhir.conformance import json_round_trip, validate_r4
from tests.fhir.test_readonly import assert_independent

PIDS = ("p1", "p2", "p3")
REFS = References(patients={p: f"Patient/{i}" for i, p in enumerate(PIDS)})
V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
AT = datetime(2026, 2, 3, 10, tzinfo=timezone(timedelta(hours=-5)))


def _readings(tests: list[DrugTest]) -> list[object]:
    return [
        interpret(t, EXAMPLE_CLINICAL_URINE_PANEL)
        for t in tests
        if t.status is DrugTestStatus.COLLECTED and t.specimen is SpecimenType.URINE
    ]


@given(st.lists(drug_tests(patient_ids=st.sampled_from(PIDS)), max_size=3, unique_by=lambda t: t.id), st.randoms())
def test_export_then_import_is_the_identity(tests: list[DrugTest], rnd: object) -> None:
    """Every drug test the strategies make, with its interpretation, is valid R4 and reads back equal, in any order."""
    out = drug_tests_to_fhir(tests, references=REFS, interpretations=_readings(tests))
    for obs in out:
        validate_r4(obs)
        assert {c["code"] for c in obs["meta"]["security"]} == {"R", "42CFRPart2"}
        assert "profile" not in obs["meta"]  # US Core Laboratory Result asks for LOINC codes: see the mappings page
    shuffled = list(json_round_trip(list(out)))
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert sorted(drug_tests_from_fhir(shuffled, references=REFS), key=lambda t: t.id) == sorted(
        tests, key=lambda t: t.id
    )


def test_not_evaluated_is_never_a_normal_result() -> None:
    """An analyte the panel has no cut-off for is not_evaluated: no v3 NEG/N on it or on the test."""
    test = DrugTest(
        id="t1",
        patient_id="p1",
        collected_at=AT,
        validity=SpecimenValidity(creatinine_mg_dl=80, specific_gravity=1.015, ph=6.5),
        results=(AnalyteResult(analyte="ethyl_sulfate", concentration_ng_ml=0.0, method=TestMethod.SCREEN),),
    )
    reading = interpret(test, EXAMPLE_CLINICAL_URINE_PANEL)
    assert reading.result is TestResult.NOT_EVALUATED
    panel, member = drug_tests_to_fhir([test], references=REFS, interpretations=[reading])
    for obs in (panel, member):
        codes = {c["code"] for c in obs["interpretation"][0]["coding"] if c["system"] == V3}
        assert codes == set()
        assert "not_evaluated" in {c["code"] for c in obs["interpretation"][0]["coding"]}


def test_the_cut_off_and_outcome_of_a_positive_analyte() -> None:
    """A confirmed positive carries POS, its concentration in ng/mL and the cut-off as referenceRange.high."""
    test = DrugTest(
        id="t2",
        patient_id="p2",
        collected_at=AT,
        results=(AnalyteResult(analyte="fentanyl", concentration_ng_ml=12.5, method=TestMethod.CONFIRMATION),),
    )
    reading = interpret(test, EXAMPLE_CLINICAL_URINE_PANEL)
    panel, member = drug_tests_to_fhir([test], references=REFS, interpretations=[reading])
    assert member["valueQuantity"]["value"] == 12.5 and member["valueQuantity"]["code"] == "ng/mL"
    assert {"system": V3, "code": "POS"} in member["interpretation"][0]["coding"]
    assert member["referenceRange"][0]["high"]["value"] == reading.analytes[0].cutoff_ng_ml
    assert panel["hasMember"] == [{"reference": f"Observation/{member['id']}"}]


def test_missed_and_refused_tests_are_cancelled_with_a_reason() -> None:
    """Missed → not-performed, refused → asked-declined, both status cancelled and no value."""
    for status, reason in ((DrugTestStatus.MISSED, "not-performed"), (DrugTestStatus.REFUSED, "asked-declined")):
        (obs,) = drug_tests_to_fhir(
            [DrugTest(id="t", patient_id="p1", collected_at=AT, status=status)], references=REFS
        )
        assert (obs["status"], obs["dataAbsentReason"]["coding"][0]["code"]) == ("cancelled", reason)


def test_bad_input_is_refused_with_paths() -> None:
    """Unknown patient, an unlisted Observation, a wrong unit, a missing member."""
    test = DrugTest(
        id="t3",
        patient_id="p1",
        collected_at=AT,
        results=(AnalyteResult(analyte="thca", concentration_ng_ml=5, method=TestMethod.SCREEN),),
    )
    with pytest.raises(InvalidDataError) as info:
        drug_tests_to_fhir([test], references=References(patients={"x": "Patient/9"}))
    assert info.value.errors[0].path == "$.tests[0].patient_id"
    panel, member = json_round_trip(list(drug_tests_to_fhir([test], references=REFS)))
    for observations, path in (
        ([panel], "$.observations[0].hasMember[0].reference"),
        ([member], "$.observations[0]"),
        ([panel, {**member, "valueQuantity": {"value": 5, "code": "mg/L"}}], "$.observations[1].valueQuantity.code"),
    ):
        with pytest.raises(InvalidDataError) as info:
            drug_tests_from_fhir(observations, references=REFS)
        assert info.value.errors[0].path == path


@given(st.lists(drug_tests(patient_ids=st.sampled_from(PIDS)), max_size=4, unique_by=lambda t: t.id))
def test_changing_one_exported_resource_changes_no_other(tests: list[DrugTest]) -> None:
    """Every part of an Observation is its own or read-only: changing one in place leaves the others as they were."""
    assert_independent(lambda: drug_tests_to_fhir(tests, references=REFS, interpretations=_readings(tests)))


def test_a_record_outside_part2_has_no_meta() -> None:
    """record_class=NOT_PART2 writes no labels, and with no profile claimed no meta at all."""
    test = DrugTest(
        id="t4",
        patient_id="p1",
        collected_at=AT,
        results=(AnalyteResult(analyte="thca", concentration_ng_ml=5, method=TestMethod.SCREEN),),
    )
    for obs in drug_tests_to_fhir([test], references=REFS, record_class=RecordClass.NOT_PART2):
        validate_r4(obs)
        assert "meta" not in obs


_OFFSETS = st.timedeltas(min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59))


@given(
    st.lists(
        st.datetimes(
            timezones=st.one_of(st.just(UTC), st.builds(timezone, _OFFSETS), st.timezones()), allow_imaginary=False
        ),
        max_size=30,
    )
)
def test_collection_texts_are_isoformat_to_the_character(times: list[datetime]) -> None:
    """The composed dateTime text (day, time of day, offset, each kept for reuse) is ``isoformat()``'s,
    for every order, zone, fold, sub-minute offset and microsecond; a repeated instant gives the same text."""
    from iopcore.fhir._drugtests import collection_texts

    text = collection_texts()
    assert [text(at) for at in times + times[::-1]] == [at.isoformat() for at in times + times[::-1]]


def test_each_collection_keeps_its_own_offset_and_fold() -> None:
    """Collections at one instant in two offsets, and the two 1:30s of a DST end, each print their own dateTime."""
    from datetime import tzinfo

    class Eastern(tzinfo):  # 1 Nov 2026 01:00-02:00 occurs twice: -04:00 (fold 0), then -05:00 (fold 1)
        def utcoffset(self, dt: datetime | None) -> timedelta:
            assert dt is not None
            return timedelta(hours=-5 if dt.fold else -4)

        def dst(self, dt: datetime | None) -> timedelta:
            return timedelta(0)

    zone = Eastern()
    times = (
        AT,
        AT.astimezone(UTC),  # equal to AT, another offset
        datetime(2026, 11, 1, 1, 30, tzinfo=zone),
        datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=zone),  # equal wall time, same tzinfo, an hour later
        AT,
    )
    tests = [DrugTest(id=f"t{i}", patient_id="p1", collected_at=at) for i, at in enumerate(times)]
    out = drug_tests_to_fhir(tests, references=REFS)
    assert [obs["effectiveDateTime"] for obs in out] == [at.isoformat() for at in times]
    assert out[2]["effectiveDateTime"] != out[3]["effectiveDateTime"]
