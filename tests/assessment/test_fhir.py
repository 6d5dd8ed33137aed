"""FHIR R4 QuestionnaireResponse → instrument responses: LOINC item codes, the shape R4 allows, errors with paths."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore.assessment import (
    FREQUENCY_ANSWER_CODES,
    InvalidResponseError,
    instrument,
    responses_from_questionnaire_response,
    score,
    score_questionnaire_response,
)
from iopcore.errors import InvalidDataError

ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
CODE_FOR = {v: k for k, v in FREQUENCY_ANSWER_CODES.items()}


def r4(items: list[Any], **more: Any) -> dict[str, Any]:
    """A completed R4 QuestionnaireResponse holding *items*."""
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items, **more}


def qr(
    instrument_id: str, answers: list[int | None], *, nested: bool = False, stored_total: int | None = None
) -> dict[str, Any]:
    """A QuestionnaireResponse in the LForms style: linkIds '/<LOINC>', LOINC answer codes."""
    items: list[dict[str, Any]] = []
    for item, value in zip(instrument(instrument_id).items, answers, strict=True):
        entry: dict[str, Any] = {"linkId": f"/{item.loinc}", "text": item.text}
        if value is not None:
            entry["answer"] = [{"valueCoding": {"system": "http://loinc.org", "code": CODE_FOR[value], "display": "x"}}]
        items.append(entry)
    if stored_total is not None:
        items.append({"linkId": "/44261-6", "answer": [{"valueInteger": stored_total}]})
    if nested:
        items = [{"linkId": "/44249-1", "item": items}]
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items}


def test_phq9_from_lforms_style_response() -> None:
    """A PHQ-9 with LOINC answer codes maps to its points, and a stored total is ignored (recomputed)."""
    answers = [1, 1, 2, 1, 0, 1, 1, 0, 1]
    doc = qr("phq9", answers, stored_total=13)
    assert responses_from_questionnaire_response("phq9", doc) == tuple(answers)
    result = score_questionnaire_response("phq9", doc)
    assert (result.total, result.band, result.flags) == (8, "mild", frozenset({"suicidal_ideation"}))


def test_nested_groups_and_bare_link_ids() -> None:
    """Items inside groups, or with bare LOINC linkIds, are found."""
    doc = qr("gad7", [3, 3, 2, 2, 1, 1, 1], nested=True)
    assert score_questionnaire_response("gad7", doc).total == 13
    bare = r4([{"linkId": i.loinc, "answer": [{"valueInteger": 1}]} for i in instrument("phq2").items])
    assert responses_from_questionnaire_response("phq2", bare) == (1, 1)


def test_ordinal_extensions_on_the_coding_and_whole_decimals() -> None:
    """Coded answers weighted by an ordinalValue or itemWeight extension on the coding; whole valueDecimals."""
    doc = r4(
        [
            {
                "linkId": "/44250-9",
                "answer": [
                    {
                        "valueCoding": {
                            "system": "urn:local",
                            "code": "a2",
                            "extension": [{"url": ORDINAL, "valueDecimal": 2}],
                        }
                    }
                ],
            },
            {
                "linkId": "/44255-8",
                "answer": [{"valueCoding": {"code": "b", "extension": [{"url": ITEM_WEIGHT, "valueDecimal": 3.0}]}}],
            },
        ]
    )
    assert responses_from_questionnaire_response("phq2", doc) == (2, 3)
    decimal = r4(
        [
            {"linkId": "/44250-9", "answer": [{"valueDecimal": 1.0}]},
            {"linkId": "/44255-8", "answer": [{"valueDecimal": 0}]},
        ]
    )
    assert responses_from_questionnaire_response("phq2", decimal) == (1, 0)


def test_missing_items_are_none_and_prorated_by_scoring() -> None:
    """Unanswered items map to None; the PHQ-9 missing-item rule then applies."""
    doc = qr("phq9", [2, 2, 2, 2, 2, 0, 0, None, 0])
    assert score_questionnaire_response("phq9", doc).total == 11.25
    with pytest.raises(InvalidResponseError) as info:
        score_questionnaire_response("phq9", qr("phq9", [None, None, None, 0, 0, 0, 0, 0, 0]))
    assert info.value.item == 3


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_mapping_then_scoring_equals_direct_scoring(answers: list[int]) -> None:
    """For any PHQ-9 answers, scoring the FHIR form equals scoring the list."""
    assert score_questionnaire_response("phq9", qr("phq9", list(answers))) == score("phq9", answers)


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        ({"resourceType": "Questionnaire"}, "$.questionnaire_response.resourceType"),
        ({"item": {}}, "$.questionnaire_response.item"),
        ({"item": [1]}, "$.questionnaire_response.item[0]"),
        ({"item": [{"linkId": "/44250-9", "answer": {}}]}, "$.questionnaire_response.item[0].answer"),
        ({"item": [{"linkId": "/44250-9", "answer": [1]}]}, "$.questionnaire_response.item[0].answer[0]"),
        (
            {"item": [{"linkId": "/44250-9", "answer": [{"valueInteger": 1}, {"valueInteger": 2}]}]},
            "$.questionnaire_response.item[0].answer",
        ),
        (
            {"item": [{"linkId": "/44250-9", "answer": [{"valueInteger": True}]}]},
            "$.questionnaire_response.item[0].answer[0].valueInteger",
        ),
        (
            {"item": [{"linkId": "/44250-9", "answer": [{"valueDecimal": 1.5}]}]},
            "$.questionnaire_response.item[0].answer[0].valueDecimal",
        ),
        (
            {"item": [{"linkId": "/44250-9", "answer": [{"valueString": "1"}]}]},
            "$.questionnaire_response.item[0].answer[0]",
        ),
        (
            {
                "item": [
                    {
                        "linkId": "/44250-9",
                        "answer": [
                            {"valueCoding": {"system": "http://loinc.org", "code": "LA6571-8", "extension": []}}
                        ],
                    }
                ]
            },
            "$.questionnaire_response.item[0].answer[0].valueCoding",
        ),
        ({"item": [{"linkId": "/44250-9"}, {"linkId": "44250-9"}]}, "$.questionnaire_response.item[1]"),
    ],
)
def test_malformed_responses_are_rejected_with_their_path(doc: Any, path: str) -> None:
    """Each malformed part of a QuestionnaireResponse raises InvalidResponseError at its path under the argument."""
    with pytest.raises(InvalidResponseError) as info:
        responses_from_questionnaire_response("phq9", {**r4([]), **doc})
    assert info.value.paths == (path,)


def test_answers_nested_under_answers_are_walked() -> None:
    """Items nested under an answer (FHIR allows it) are found."""
    doc = r4(
        [
            {
                "linkId": "/44250-9",
                "answer": [{"valueInteger": 2, "item": [{"linkId": "/44255-8", "answer": [{"valueInteger": 1}]}]}],
            }
        ]
    )
    assert responses_from_questionnaire_response("phq2", doc) == (2, 1)


def test_instruments_without_verified_item_codes_cannot_be_mapped() -> None:
    """AUDIT has no verified item LOINC codes, so mapping it is a clear error."""
    with pytest.raises(InvalidDataError) as info:
        responses_from_questionnaire_response("audit", r4([]))
    assert "LOINC" in str(info.value)


def test_out_of_range_answer_is_reported_by_item() -> None:
    """A valueInteger of 7 on a PHQ-9 item is rejected by scoring, naming the item and its place in the resource."""
    doc = qr("phq9", [0] * 9)
    doc["item"][4]["answer"] = [{"valueInteger": 7}]
    with pytest.raises(InvalidResponseError) as info:
        score_questionnaire_response("phq9", doc)
    assert info.value.item == 5
    assert info.value.paths == ("$.questionnaire_response.item[4].answer[0]",)
    assert info.value.errors[0].message.startswith("item 5: expected one of 0, 1, 2, 3")


def test_too_many_missing_answers_point_at_the_resource() -> None:
    """Unanswered items beyond the PHQ-9's two are reported at the first one too many, in the resource."""
    doc = qr("phq9", [0] * 9)
    for k in (1, 2):
        doc["item"][k].pop("answer")
    del doc["item"][6]
    with pytest.raises(InvalidResponseError) as info:
        score_questionnaire_response("phq9", doc)
    assert (info.value.item, info.value.paths) == (7, ("$.questionnaire_response.item",))
    doc["item"][3].pop("answer")
    with pytest.raises(InvalidResponseError) as info:
        score_questionnaire_response("phq9", doc)
    assert (info.value.item, info.value.paths) == (4, ("$.questionnaire_response.item[3]",))


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda: responses_from_questionnaire_response("phq9", []), "$.questionnaire_response"),
        (lambda: responses_from_questionnaire_response("phq9", {1: "item"}), "$.questionnaire_response"),
        (lambda: responses_from_questionnaire_response("nope", {}), "$.instrument_id"),
        (lambda: score_questionnaire_response(None, {}), "$.instrument_id"),
        (lambda: score_questionnaire_response("phq9", {}, cutoff=True), "$.cutoff"),
        (lambda: score_questionnaire_response("phq9", {}, sex=1), "$.sex"),
        (lambda: score_questionnaire_response("phq9", {}, gender="male"), "$.gender"),
    ],
)
def test_bad_arguments_name_their_parameter(call: Any, path: str) -> None:
    """Arguments of the wrong type, unknown instrument ids and misspelt keywords are refused by name."""
    with pytest.raises(InvalidDataError) as info:
        call()
    assert info.value.paths[0].startswith(path)


def test_huge_and_infinite_decimals_are_refused_without_overflowing() -> None:
    """A valueDecimal of 10**400 is a whole number that scoring refuses; infinity is no whole number at all."""
    doc = r4([{"linkId": "/44250-9", "answer": [{"valueDecimal": 10**400}]}])
    assert responses_from_questionnaire_response("phq2", doc) == (10**400, None)
    with pytest.raises(InvalidResponseError) as info:
        score_questionnaire_response("phq9", doc)
    assert info.value.paths == ("$.questionnaire_response.item[0].answer[0]",)
    doc = r4([{"linkId": "/44250-9", "answer": [{"valueDecimal": float("inf")}]}])
    with pytest.raises(InvalidResponseError) as info:
        responses_from_questionnaire_response("phq9", doc)
    assert info.value.paths == ("$.questionnaire_response.item[0].answer[0].valueDecimal",)


def test_context_errors_keep_their_own_argument() -> None:
    """A cut-off the PHQ-9 does not let one change is reported on $.cutoff, not in the resource."""
    with pytest.raises(InvalidResponseError) as info:
        score_questionnaire_response("phq9", qr("phq9", [0] * 9), cutoff=5)
    assert info.value.paths == ("$.cutoff",)
