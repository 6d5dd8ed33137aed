"""Questionnaires and QuestionnaireResponses: valid R4, LOINC only where verified, read back through the one reader."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore.assessment import INSTRUMENTS, Instrument, InvalidResponseError, ResponseKind, score
from iopcore.errors import InvalidDataError
from iopcore.fhir import (
    QUESTIONNAIRE_RESPONSE_PROFILE,
    VERIFIED_LOINC,
    References,
    questionnaire_to_fhir,
    responses_from_fhir,
    responses_to_fhir,
)
from iopcore.strategies import instruments
from tests.fhir.conformance import json_round_trip, validate_r4

US_CORE = Path(__file__).parent / "fixtures" / "us-core"
REFS = References(patients={"p1": "Patient/1"}, practitioners={"dr": "Practitioner/7"})
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=timezone(timedelta(hours=-5)))


def _fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((US_CORE / name).read_text(encoding="utf-8"))
    return loaded


def _answer(item: Any) -> st.SearchStrategy[Any]:
    if item.kind is ResponseKind.POINTS:
        return st.one_of(st.none(), st.sampled_from(item.values))
    if item.kind is ResponseKind.YES_NO:
        return st.one_of(st.none(), st.booleans())
    return st.one_of(st.none(), st.integers(0, item.max_count))


@st.composite
def _answered(draw: st.DrawFn) -> tuple[Instrument, tuple[Any, ...]]:
    inst = draw(instruments(max_items=6))
    return inst, tuple(draw(_answer(item)) for item in inst.items)


def _loinc_codes(resource: Any) -> set[str]:
    """Every code of a coding whose system is LOINC, anywhere in *resource*."""
    found: set[str] = set()
    if isinstance(resource, dict):
        if resource.get("system") == "http://loinc.org":
            found.add(resource["code"])
        for value in resource.values():
            found |= _loinc_codes(value)
    elif isinstance(resource, list):
        for value in resource:
            found |= _loinc_codes(value)
    return found


@given(_answered(), st.sampled_from(["completed", "in-progress", "amended", "stopped"]))
def test_export_then_import_is_the_identity(case: tuple[Instrument, tuple[Any, ...]], status: str) -> None:
    """For every instrument the strategies make and any answers, the Questionnaire and QR are R4 and read back."""
    inst, responses = case
    q = questionnaire_to_fhir(inst)
    qr = responses_to_fhir(
        inst, responses, patient_id="p1", references=REFS, authored=WHEN, author_id="dr", status=status
    )
    validate_r4(q)
    validate_r4(qr)
    partial = status in ("in-progress", "stopped")
    got = responses_from_fhir(
        json_round_trip(qr), questionnaire=json_round_trip(q), instrument_id=inst, partial=partial
    )
    assert got == (inst.id, responses)
    assert responses_from_fhir(qr, instrument_id=inst, partial=partial) == (inst.id, responses)  # without q too


@pytest.mark.parametrize("iid", sorted(INSTRUMENTS))
def test_loinc_codes_are_written_only_for_verified_instruments(iid: str) -> None:
    """PHQ-9, GAD-7 and AUDIT-C carry their verified codes; the others (PHQ-2, AUDIT, DAST-10 …) none."""
    inst = INSTRUMENTS[iid]
    responses = tuple(
        item.values[0] if item.kind is ResponseKind.POINTS else 0 if item.kind is ResponseKind.COUNT else False
        for item in inst.items
    )
    q = questionnaire_to_fhir(iid)
    qr = responses_to_fhir(iid, responses, patient_id="p1", references=REFS, authored=WHEN)
    codes = _loinc_codes(q) | _loinc_codes(qr)
    if iid in VERIFIED_LOINC:
        expected = {inst.loinc_panel} | {i.loinc for i in inst.items if i.loinc}
        assert expected <= codes
        assert codes - expected <= {"LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"}
    else:
        assert codes == set()
    assert responses_from_fhir(qr, questionnaire=q)[0] == iid  # the instrument from the canonical


def test_the_response_follows_us_core_questionnaire_response() -> None:
    """US Core QR: profile, questionnaire, status, subject (required), authored, author, items with linkId and value."""
    responses = (3, 2, 1, 0, 3, None, 1, 2, 0)
    qr = responses_to_fhir("phq9", responses, patient_id="p1", references=REFS, authored=WHEN, author_id="dr")
    assert qr["meta"]["profile"] == [QUESTIONNAIRE_RESPONSE_PROFILE]
    assert qr["questionnaire"] == questionnaire_to_fhir("phq9")["url"]
    assert (qr["status"], qr["subject"], qr["author"]) == (
        "completed",
        {"reference": "Patient/1"},
        {"reference": "Practitioner/7"},
    )
    assert datetime.fromisoformat(qr["authored"]) == WHEN
    assert [i["linkId"] for i in qr["item"]] == [it.id for n, it in enumerate(INSTRUMENTS["phq9"].items) if n != 5]
    assert all(len(i["answer"]) == 1 and "valueCoding" in i["answer"][0] for i in qr["item"])
    assert {c["code"] for c in qr["meta"]["security"]} == {"R", "42CFRPart2"}
    assert "Patient/1" not in json.dumps({k: v for k, v in qr.items() if k != "subject"})  # only as the subject


def test_the_us_core_lforms_phq9_response_is_read() -> None:
    """US Core's PHQ-9 QuestionnaireResponse (made with LHC-Forms) reads to its answers; total 12 as its Observation."""
    qr = _fixture("QuestionnaireResponse-phq-9-example.json")
    q = _fixture("Questionnaire-phq-9-example.json")
    iid, responses = responses_from_fhir(qr, questionnaire=q)
    assert (iid, responses) == ("phq9", (2, 2, 2, 2, 1, 1, 2, 0, 0))
    assert score("phq9", responses).total == 12
    assert responses_from_fhir(qr, instrument_id="phq9") == (iid, responses)  # by the linkIds' LOINC codes alone


def test_an_unknown_questionnaire_needs_an_instrument_id() -> None:
    """A response to a Questionnaire iopcore cannot identify is refused at its questionnaire element."""
    qr = _fixture("QuestionnaireResponse-phq-9-example.json")
    with pytest.raises(InvalidResponseError) as info:
        responses_from_fhir(qr)
    assert info.value.errors[0].path == "$.questionnaire_response.questionnaire"


def test_bad_input_is_refused_with_paths() -> None:
    """Wrong answers, counts, statuses, naive times and unknown patients name the argument's path."""
    ok = (0,) * 9
    cases: list[tuple[dict[str, Any], str]] = [
        ({"responses": (0,) * 8}, "$.responses"),
        ({"responses": (0, 0, 7, 0, 0, 0, 0, 0, 0)}, "$.responses[2]"),
        ({"status": "entered-in-error"}, "$.status"),
        ({"authored": datetime(2026, 3, 2)}, "$.authored"),  # noqa: DTZ001 - the naive datetime refused
        ({"patient_id": "someone else"}, "$.patient_id"),
        ({"author_id": "nobody"}, "$.author_id"),
    ]
    for change, path in cases:
        kwargs: dict[str, Any] = {"patient_id": "p1", "references": REFS, "authored": WHEN, **change}
        with pytest.raises(InvalidDataError) as info:
            responses_to_fhir("phq9", kwargs.pop("responses", ok), **kwargs)
        assert info.value.errors[0].path == path, change


def test_a_tampered_response_is_refused_by_the_reader() -> None:
    """Import is the assessment reader: an answer outside the item's values is refused at its path."""
    qr = responses_to_fhir("gad7", (0,) * 7, patient_id="p1", references=REFS, authored=WHEN.astimezone(UTC))
    qr["item"][3]["answer"][0] = {"valueInteger": 9}
    with pytest.raises(InvalidResponseError) as info:
        responses_from_fhir(qr)
    assert (info.value.errors[0].path, info.value.item) == ("$.questionnaire_response.item", 4)
