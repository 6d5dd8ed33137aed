"""Reading a QuestionnaireResponse as R4 means it (issue 15, item 7): status, R4 shapes, the Questionnaire argument.

Sources: R4 QuestionnaireResponse (status 1..1, QuestionnaireResponseStatus
http://hl7.org/fhir/questionnaire-answers-status: in-progress, completed, amended, entered-in-error,
stopped); the R4 core extension http://hl7.org/fhir/StructureDefinition/ordinalValue (decimal) and
its successor http://hl7.org/fhir/StructureDefinition/itemWeight (FHIR Extensions Pack; on Coding and
Questionnaire.item.answerOption).
"""

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
LOINC = "http://loinc.org"
LOCAL = "urn:example:phq"
CODE_FOR = {v: k for k, v in FREQUENCY_ANSWER_CODES.items()}
PHQ9 = instrument("phq9")
URL = "http://example.org/Questionnaire/phq9"


def response(answers: list[int | None], *, status: str = "completed", **more: Any) -> dict[str, Any]:
    """An LForms-style PHQ-9 response: linkIds '/<LOINC>', LOINC answer codes."""
    items = []
    for item, value in zip(PHQ9.items, answers, strict=True):
        entry: dict[str, Any] = {"linkId": f"/{item.loinc}"}
        if value is not None:
            entry["answer"] = [{"valueCoding": {"system": LOINC, "code": CODE_FOR[value]}}]
        items.append(entry)
    return {"resourceType": "QuestionnaireResponse", "status": status, "item": items, **more}


def questionnaire(*, on_coding: bool = False) -> dict[str, Any]:
    """A PHQ-9 Questionnaire with linkIds PHQ.1 … PHQ.9, LOINC item codes and weighted local answer codes."""

    def option(points: int) -> dict[str, Any]:
        ext = [{"url": ITEM_WEIGHT if points % 2 else ORDINAL, "valueDecimal": points}]
        coding: dict[str, Any] = {"system": LOCAL, "code": f"a{points}"}
        if on_coding:
            return {"valueCoding": {**coding, "extension": ext}}
        return {"valueCoding": coding, "extension": ext}

    items = [
        {
            "linkId": f"PHQ.{item.number}",
            "type": "choice",
            "code": [{"system": LOINC, "code": item.loinc}],
            "answerOption": [option(p) for p in range(4)],
        }
        for item in PHQ9.items
    ]
    items.append({"linkId": "PHQ.total", "type": "integer", "code": [{"system": LOINC, "code": "44261-6"}]})
    return {"resourceType": "Questionnaire", "status": "active", "url": URL, "version": "1", "item": items}


def phq_response(answers: list[int | None], **more: Any) -> dict[str, Any]:
    """A response to :func:`questionnaire`: linkIds PHQ.n, local answer codes without weights of their own."""
    items: list[dict[str, Any]] = []
    for item, value in zip(PHQ9.items, answers, strict=True):
        entry: dict[str, Any] = {"linkId": f"PHQ.{item.number}"}
        if value is not None:
            entry["answer"] = [{"valueCoding": {"system": LOCAL, "code": f"a{value}"}}]
        items.append(entry)
    items.append({"linkId": "PHQ.total", "answer": [{"valueInteger": 27}]})  # stored total: never trusted
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items, **more}


def refused(call: Any) -> InvalidResponseError:
    with pytest.raises(InvalidResponseError) as info:
        call()
    return info.value


# ----------------------------------------------------------------------------- status


@pytest.mark.parametrize(
    ("status", "partial", "read"),
    [
        ("completed", False, True),
        ("amended", False, True),  # completed, then changed: the current content is read
        ("in-progress", False, False),
        ("stopped", False, False),
        ("entered-in-error", False, False),
        ("completed", True, True),
        ("amended", True, True),
        ("in-progress", True, True),
        ("stopped", True, True),
        ("entered-in-error", True, False),  # voided: never read
    ],
)
def test_every_r4_status_is_honoured(status: str, partial: bool, read: bool) -> None:
    """Each of the five R4 statuses with and without partial=True: read, or refused at $.status with its rule."""
    doc = response([1, 1, 2, 1, 0, 1, 1, 0, 1], status=status)
    if read:
        assert score_questionnaire_response("phq9", doc, partial=partial) == score("phq9", [1, 1, 2, 1, 0, 1, 1, 0, 1])
        return
    error = refused(lambda: score_questionnaire_response("phq9", doc, partial=partial))
    assert error.paths == ("$.questionnaire_response.status",)
    assert error.errors[0].rule == ("entered_in_error" if status == "entered-in-error" else "not_final")
    error = refused(lambda: responses_from_questionnaire_response("phq9", doc, partial=partial))
    assert error.paths == ("$.questionnaire_response.status",)


def test_a_partial_response_is_read_as_it_is_and_the_missing_item_rule_decides() -> None:
    """In progress with one item unanswered: prorated as the PHQ-9 allows; with three unanswered: refused."""
    doc = response([2, 2, 2, 2, 2, 0, 0, None, 0], status="in-progress")
    assert responses_from_questionnaire_response("phq9", doc, partial=True)[7] is None
    result = score_questionnaire_response("phq9", doc, partial=True)
    assert (result.total, result.prorated) == (11.25, True)
    error = refused(
        lambda: score_questionnaire_response(
            "phq9", response([None, None, None, 0, 0, 0, 0, 0, 0], status="stopped"), partial=True
        )
    )
    assert error.item == 3


@pytest.mark.parametrize("status", [None, "final", "Completed", 1])
def test_a_missing_or_unknown_status_is_refused(status: Any) -> None:
    """R4 requires a status from its value set; anything else is refused, listing the five codes."""
    doc = response([0] * 9)
    if status is None:
        del doc["status"]
    else:
        doc["status"] = status
    error = refused(lambda: responses_from_questionnaire_response("phq9", doc))
    assert error.paths == ("$.questionnaire_response.status",)
    assert "in-progress, completed, amended, entered-in-error, stopped" in str(error)


# ----------------------------------------------------------------------------- R4 shapes


def with_item(item: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [item], **more}


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        ({"status": "completed", "item": []}, "$.questionnaire_response.resourceType"),
        (
            with_item(
                {"linkId": "q1", "code": [{"system": LOINC, "code": "44250-9"}], "answer": [{"valueInteger": 1}]}
            ),
            "$.questionnaire_response.item[0].code",
        ),
        ({**with_item({"linkId": "/44250-9"}), "answers": []}, "$.questionnaire_response.answers"),
        (
            with_item({"linkId": "/44250-9", "answer": [{"valueInt": 1}]}),
            "$.questionnaire_response.item[0].answer[0].valueInt",
        ),
        (
            with_item(
                {"linkId": "/44250-9", "answer": [{"valueCoding": {"system": LOINC, "code": "LA6569-3", "weight": 1}}]}
            ),
            "$.questionnaire_response.item[0].answer[0].valueCoding.weight",
        ),
        (
            with_item({"linkId": "/44250-9", "answer": [{"valueInteger": 1, "valueDecimal": 1}]}),
            "$.questionnaire_response.item[0].answer[0]",
        ),
        (with_item({"text": "no linkId", "answer": [{"valueInteger": 1}]}), "$.questionnaire_response.item[0].linkId"),
        (
            with_item({"linkId": "/44250-9", "modifierExtension": [{"url": "urn:x", "valueBoolean": True}]}),
            "$.questionnaire_response.item[0].modifierExtension",
        ),
        (
            with_item({"linkId": "other", "answer": [{"valueInteger": 1, "modifierExtension": [{"url": "urn:x"}]}]}),
            "$.questionnaire_response.item[0].answer[0].modifierExtension",
        ),
        (
            with_item(
                {
                    "linkId": "/44250-9",
                    "answer": [{"valueCoding": {"code": "x", "extension": [{"url": ORDINAL, "valueInteger": 2}]}}],
                }
            ),
            "$.questionnaire_response.item[0].answer[0].valueCoding.extension[0]",
        ),
        (
            with_item(
                {
                    "linkId": "/44250-9",
                    "answer": [{"valueCoding": {"code": "x", "extension": [{"url": ORDINAL, "valueDecimal": 1.5}]}}],
                }
            ),
            "$.questionnaire_response.item[0].answer[0].valueCoding.extension[0].valueDecimal",
        ),
        (
            with_item({"linkId": "/44250-9", "answer": [{"valueBoolean": True}]}),
            "$.questionnaire_response.item[0].answer[0]",
        ),
    ],
)
def test_shapes_r4_does_not_have_are_refused_at_their_path(doc: dict[str, Any], path: str) -> None:
    """item.code, unknown elements, two values, no linkId, modifier extensions, integer-typed weights: refused by path."""
    error = refused(lambda: responses_from_questionnaire_response("phq2", doc))
    assert error.paths == (path,)


def test_an_unweighted_coding_is_named_by_its_place() -> None:
    """The fourth item's coding without a weight: $.questionnaire_response.item[3].answer[0].valueCoding."""
    doc = response([0] * 9)
    doc["item"][3]["answer"] = [{"valueCoding": {"system": LOCAL, "code": "a2"}}]
    error = refused(lambda: score_questionnaire_response("phq9", doc))
    assert (error.item, error.paths) == (4, ("$.questionnaire_response.item[3].answer[0].valueCoding",))
    assert error.errors[0].rule == "answer_code"


def test_primitive_extensions_and_every_r4_element_are_accepted() -> None:
    """_status, meta, subject, authored, item.definition, answer.id: R4 elements, read past."""
    doc = response([1] * 9)
    doc.update(
        {
            "_status": {"extension": [{"url": "urn:x", "valueString": "y"}]},
            "id": "r1",
            "meta": {"versionId": "2"},
            "subject": {"reference": "Patient/p"},
            "authored": "2026-01-05T10:00:00Z",
            "identifier": {"value": "x"},
        }
    )
    doc["item"][0].update({"definition": "http://example.org/d", "_linkId": {"id": "l"}, "text": "Little interest"})
    doc["item"][0]["answer"][0]["id"] = "a1"
    assert score_questionnaire_response("phq9", doc).total == 9


def test_an_answer_without_a_value_is_unanswered() -> None:
    """R4 allows an answer with nested items only; for the item it counts as unanswered."""
    doc = response([0] * 9)
    doc["item"][0]["answer"] = [{"item": [{"linkId": "note", "answer": [{"valueString": "x"}]}]}]
    assert responses_from_questionnaire_response("phq9", doc)[0] is None


# ----------------------------------------------------------------------------- the Questionnaire argument


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9), st.booleans())
def test_questionnaire_maps_link_ids_and_weights(answers: list[int], on_coding: bool) -> None:
    """PHQ.1 … PHQ.9 mapped through the Questionnaire's LOINC codes, weights from answerOption: equals the list."""
    read = score_questionnaire_response("phq9", phq_response(answers), questionnaire=questionnaire(on_coding=on_coding))
    assert read == score("phq9", answers)


def test_without_the_questionnaire_the_local_link_ids_map_nothing() -> None:
    """The same response read without its Questionnaire finds no PHQ-9 item: every answer is missing."""
    assert responses_from_questionnaire_response("phq9", phq_response([1] * 9)) == (None,) * 9


def test_a_weight_on_the_coding_must_agree_with_the_questionnaire() -> None:
    """Coding weight 3 against the answerOption's 1 is refused at the coding; agreeing weights are fine."""
    doc = phq_response([1] * 9)
    coding = doc["item"][0]["answer"][0]["valueCoding"]
    coding["extension"] = [{"url": ITEM_WEIGHT, "valueDecimal": 1}]
    assert responses_from_questionnaire_response("phq9", doc, questionnaire=questionnaire())[0] == 1
    coding["extension"] = [{"url": ITEM_WEIGHT, "valueDecimal": 3}]
    error = refused(lambda: responses_from_questionnaire_response("phq9", doc, questionnaire=questionnaire()))
    assert (error.paths, error.errors[0].rule) == (
        ("$.questionnaire_response.item[0].answer[0].valueCoding",),
        "conflict",
    )


def test_link_ids_the_questionnaire_does_not_have_are_refused() -> None:
    """With a Questionnaire, every response item must be one of its items."""
    doc = phq_response([0] * 9)
    doc["item"].append({"linkId": "PHQ.10", "answer": [{"valueInteger": 1}]})
    error = refused(lambda: responses_from_questionnaire_response("phq9", doc, questionnaire=questionnaire()))
    assert error.paths == ("$.questionnaire_response.item[10].linkId",)


@pytest.mark.parametrize(
    ("canonical", "accepted"),
    [(URL, True), (f"{URL}|1", True), (f"{URL}|2", False), ("http://example.org/Questionnaire/gad7", False)],
)
def test_the_response_must_answer_the_given_questionnaire(canonical: str, accepted: bool) -> None:
    """QuestionnaireResponse.questionnaire names the Questionnaire (and version) given, or the reading is refused."""
    doc = phq_response([1] * 9, questionnaire=canonical)
    if accepted:
        assert responses_from_questionnaire_response("phq9", doc, questionnaire=questionnaire()) == (1,) * 9
    else:
        error = refused(lambda: responses_from_questionnaire_response("phq9", doc, questionnaire=questionnaire()))
        assert error.paths == ("$.questionnaire_response.questionnaire",)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda q: q.update(resourceType="QuestionnaireResponse"), "$.questionnaire.resourceType"),
        (lambda q: q.pop("status"), "$.questionnaire.status"),
        (lambda q: q["item"][1].update(linkId="PHQ.1"), "$.questionnaire.item[1].linkId"),
        (lambda q: q["item"][2].pop("linkId"), "$.questionnaire.item[2].linkId"),
        (lambda q: q["item"][0].update(answerOption={}), "$.questionnaire.item[0].answerOption"),
        (
            lambda q: q["item"][0]["answerOption"][1].update(extension=[{"url": ORDINAL, "valueDecimal": 0.5}]),
            "$.questionnaire.item[0].answerOption[1].extension[0].valueDecimal",
        ),
    ],
)
def test_a_malformed_questionnaire_is_refused_at_its_path(change: Any, path: str) -> None:
    """The Questionnaire is checked where the reader relies on it, with paths under $.questionnaire."""
    q = questionnaire()
    change(q)
    error = refused(lambda: responses_from_questionnaire_response("phq9", phq_response([1] * 9), questionnaire=q))
    assert error.paths == (path,)


# ----------------------------------------------------------------------------- link_ids: any instrument


CRAFFT_LINKS = {f"crafft_{k}": k for k in range(1, 10)}


def crafft_response(part_a: list[int], part_b: list[bool | None]) -> dict[str, Any]:
    items: list[dict[str, Any]] = [
        {"linkId": f"crafft_{k}", "answer": [{"valueInteger": v}]} for k, v in enumerate(part_a, 1)
    ]
    for k, v in enumerate(part_b, 4):
        items.append({"linkId": f"crafft_{k}", **({"answer": [{"valueBoolean": v}]} if v is not None else {})})
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items}


@pytest.mark.parametrize(("part_a", "total"), [([0, 0, 0], 1), ([0, 0, 1], 6)])
def test_link_ids_read_an_instrument_without_loinc_codes(part_a: list[int], total: int) -> None:
    """CRAFFT by link_ids: day counts as valueInteger, Part B as valueBoolean, the Part A gate applied."""
    doc = crafft_response(part_a, [True] * 6)
    assert score_questionnaire_response("crafft", doc, link_ids=CRAFFT_LINKS).total == total
    every = score_questionnaire_response("crafft", doc, link_ids=CRAFFT_LINKS, count_skipped_answers=True)
    assert every.total == 6


def test_yes_no_items_take_booleans_only() -> None:
    """A valueInteger for a CRAFFT Part B item is refused at its answer."""
    doc = crafft_response([1, 0, 0], [True] * 6)
    doc["item"][4]["answer"] = [{"valueInteger": 1}]
    error = refused(lambda: responses_from_questionnaire_response("crafft", doc, link_ids=CRAFFT_LINKS))
    assert (error.item, error.paths) == (5, ("$.questionnaire_response.item[4].answer[0]",))


def test_link_ids_are_checked() -> None:
    """Item numbers out of range and two linkIds for one item are refused under $.link_ids."""
    error = refused(
        lambda: responses_from_questionnaire_response(
            "crafft", crafft_response([0] * 3, [None] * 6), link_ids={"x": 10}
        )
    )
    assert error.paths == ("$.link_ids.x",)
    error = refused(
        lambda: responses_from_questionnaire_response(
            "crafft", crafft_response([0] * 3, [None] * 6), link_ids={**CRAFFT_LINKS, "y": 1}
        )
    )
    assert error.paths == ("$.link_ids.y",)
    error = refused(lambda: responses_from_questionnaire_response("crafft", crafft_response([0] * 3, [None] * 6)))
    assert error.paths == ("$.instrument_id",)
    with pytest.raises(InvalidDataError) as info:
        responses_from_questionnaire_response("crafft", {}, link_ids={"x": "1"})
    assert info.value.paths[0].startswith("$.link_ids")


def test_audit_by_link_ids_with_a_chosen_reading() -> None:
    """Score context passes through: the AUDIT read by link_ids under either escalation reading."""
    answers = [2, 1, 0, 1, 1, 0, 0, 0, 0, 0]
    doc = {
        "resourceType": "QuestionnaireResponse",
        "status": "amended",
        "item": [{"linkId": f"audit{k}", "answer": [{"valueInteger": v}]} for k, v in enumerate(answers, 1)],
    }
    links = {f"audit{k}": k for k in range(1, 11)}
    default = score_questionnaire_response("audit", doc, link_ids=links)
    summed = score_questionnaire_response("audit", doc, link_ids=links, reading="items_summed")
    assert (default.flags, summed.flags) == (frozenset(), frozenset({"escalate"}))
    assert summed == score("audit", answers, reading="items_summed")


# ----------------------------------------------------------------------------- properties


def encoded(points: int, how: str) -> dict[str, Any]:
    """One PHQ answer of *points* in one of the R4 encodings the reader accepts."""
    if how == "loinc":
        return {"valueCoding": {"system": LOINC, "code": CODE_FOR[points]}}
    if how == "integer":
        return {"valueInteger": points}
    if how == "decimal":
        return {"valueDecimal": float(points)}
    if how == "own_weight":
        return {
            "valueCoding": {"system": "urn:x", "code": "c", "extension": [{"url": ORDINAL, "valueDecimal": points}]}
        }
    return {"valueCoding": {"system": LOCAL, "code": f"a{points}"}}  # weighted by the Questionnaire


@given(
    st.lists(st.integers(0, 3), min_size=9, max_size=9),
    st.lists(st.sampled_from(("loinc", "integer", "decimal", "own_weight", "option")), min_size=9, max_size=9),
    st.permutations(range(9)),
    st.integers(0, 9),
)
def test_any_mix_of_encodings_order_and_grouping_reads_the_same(
    answers: list[int], encodings: list[str], order: list[int], grouped: int
) -> None:
    """Whatever the encodings, the item order and how many items sit in a group, the reading equals the list."""
    entries = [{"linkId": f"PHQ.{k + 1}", "answer": [encoded(answers[k], encodings[k])]} for k in order]
    items = [{"linkId": "PHQ.group", "item": entries[:grouped]}, *entries[grouped:]]
    q = questionnaire()
    q["item"].append({"linkId": "PHQ.group", "type": "group"})
    doc = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items}
    assert responses_from_questionnaire_response("phq9", doc, questionnaire=q) == tuple(answers)
    assert score_questionnaire_response("phq9", doc, questionnaire=q) == score("phq9", answers)


@given(st.sampled_from(("in-progress", "completed", "amended", "entered-in-error", "stopped")), st.booleans())
def test_status_decides_alone(status: str, partial: bool) -> None:
    """Read exactly when completed or amended, or partly filled out with partial=True; never when voided."""
    doc = response([0] * 9, status=status)
    readable = status in ("completed", "amended") or (partial and status in ("in-progress", "stopped"))
    if readable:
        assert responses_from_questionnaire_response("phq9", doc, partial=partial) == (0,) * 9
    else:
        error = refused(lambda: responses_from_questionnaire_response("phq9", doc, partial=partial))
        assert error.paths == ("$.questionnaire_response.status",)
