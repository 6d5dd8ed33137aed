"""Questionnaires for iopcore's instruments, QuestionnaireResponses for a set of responses, and reading them back.

**Questionnaire** (:func:`questionnaire_to_fhir`): one per built-in (or caller's) instrument, canonical
``https://iopcore.org/fhir/Questionnaire/<instrument id>``. Items carry the instrument's item ids as
linkIds, the LOINC item code where verified (:data:`VERIFIED_LOINC`), the item text only where the
instrument's licence allows it (else "<name> item <n>"). Point items are ``choice`` items whose
``answerOption`` codings carry their points in the R4 ``ordinalValue`` extension: LOINC answers
LA6568-5 … LA6571-9 (list LL358-3) for the PHQ-9 and GAD-7, otherwise iopcore's ``points`` code
system (code = the points). Yes/no items are ``boolean``, day counts ``integer`` with R4's
``minValue``/``maxValue`` extensions.

**QuestionnaireResponse** (:func:`responses_to_fhir`): US Core QuestionnaireResponse profile,
the answered items only, each point answer a coding with its ``ordinalValue`` (so it reads without the
Questionnaire too). **Reading** (:func:`responses_from_fhir`) goes through
:func:`iopcore.assessment.responses_from_questionnaire_response`, the one reader.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from iopcore import _fields as f
from iopcore.assessment import (
    FREQUENCY_ANSWER_CODES,
    Instrument,
    InvalidResponseError,
    Item,
    Response,
    ResponseKind,
    instrument,
    responses_from_questionnaire_response,
)
from iopcore.assessment import INSTRUMENTS as _INSTRUMENTS
from iopcore.fhir import _json as j
from iopcore.fhir._common import FHIR_BASE, ReferenceKind, References, code_system, meta, reference_to
from iopcore.fhir._obs_shared import LOINC, VERIFIED_LOINC
from iopcore.fhir._obs_shared import practitioner as practitioner_ref
from iopcore.part2 import RecordClass

__all__ = ["QUESTIONNAIRE_RESPONSE_PROFILE", "questionnaire_to_fhir", "responses_from_fhir", "responses_to_fhir"]

QUESTIONNAIRE_RESPONSE_PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-questionnaireresponse"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
_MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
_MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
POINTS_SYSTEM = code_system("points")
_FREQUENCY = {points: code for code, points in FREQUENCY_ANSWER_CODES.items()}
_FREQUENCY_DISPLAY = ("Not at all", "Several days", "More than half the days", "Nearly every day")
_FREQUENCY_INSTRUMENTS = frozenset({"phq9", "gad7"})  # LL358-3 verified for these (see FREQUENCY_ANSWER_CODES)


def canonical(inst: Instrument) -> str:
    """The canonical URL of the Questionnaire of *inst*."""
    return f"{FHIR_BASE}/Questionnaire/{inst.id}"


def _verified(inst: Instrument) -> bool:
    return inst.id in VERIFIED_LOINC and _INSTRUMENTS.get(inst.id) == inst


def _answer_coding(inst: Instrument, points: int) -> dict[str, Any]:
    if inst.id in _FREQUENCY_INSTRUMENTS and _verified(inst) and points in _FREQUENCY:
        return {"system": LOINC, "code": _FREQUENCY[points], "display": _FREQUENCY_DISPLAY[points]}
    return {"system": POINTS_SYSTEM, "code": str(points), "display": str(points)}


def _ordinal(points: int) -> list[dict[str, Any]]:
    return [{"url": ORDINAL_VALUE, "valueDecimal": points}]


def _item_text(inst: Instrument, item: Item) -> str:
    return item.text or f"{inst.name} item {item.number}"


def _question(inst: Instrument, item: Item) -> dict[str, Any]:
    node: dict[str, Any] = {"linkId": item.id, "text": _item_text(inst, item)}
    if item.loinc is not None and _verified(inst):
        node["code"] = [{"system": LOINC, "code": item.loinc, "display": _item_text(inst, item)}]
    if item.kind is ResponseKind.POINTS:
        node["type"] = "choice"
        node["answerOption"] = [{"valueCoding": _answer_coding(inst, v), "extension": _ordinal(v)} for v in item.values]
    elif item.kind is ResponseKind.YES_NO:
        node["type"] = "boolean"
    else:
        node["type"] = "integer"
        node["extension"] = [
            {"url": _MIN_VALUE, "valueInteger": 0},
            {"url": _MAX_VALUE, "valueInteger": item.max_count},
        ]
    return node


def _instrument(instrument_id: str | Instrument) -> Instrument:
    return instrument_id if isinstance(instrument_id, Instrument) else instrument(instrument_id)


@f.guard
def questionnaire_to_fhir(instrument_id: str | Instrument) -> dict[str, Any]:
    """The R4 Questionnaire of an instrument (a built-in id or an :class:`~iopcore.assessment.Instrument`)."""
    inst = _instrument(instrument_id)
    out: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": f"iopcore-{inst.id.replace('_', '-')}",
        "url": canonical(inst),
        "name": "".join(part.capitalize() for part in inst.id.split("_")),
        "title": inst.full_name,
        "status": "active",
        "subjectType": ["Patient"],
        "copyright": inst.licence,
    }
    if inst.loinc_panel is not None and _verified(inst):
        out["code"] = [{"system": LOINC, "code": inst.loinc_panel, "display": inst.full_name}]
    out["item"] = [_question(inst, item) for item in inst.items]
    return out


def _check_responses(inst: Instrument, responses: Sequence[Response], where: str = "$.responses") -> None:
    if len(responses) != len(inst.items):
        raise InvalidResponseError(
            inst.id,
            None,
            f"expected {len(inst.items)} responses (one per item, None when unanswered), got {len(responses)}",
            "count",
            path=where,
        )
    for i, (item, value) in enumerate(zip(inst.items, responses, strict=True)):
        if value is None:
            continue
        if item.kind is ResponseKind.YES_NO:
            ok = type(value) is bool
        elif item.kind is ResponseKind.POINTS:
            ok = f.is_integer(value) and f.as_int(value) in item.values
        else:
            ok = f.is_integer(value) and item.max_count is not None and 0 <= f.as_int(value) <= item.max_count
        if not ok:
            raise InvalidResponseError(
                inst.id,
                item.number,
                "expected one of the item's allowed answers",
                "answer",
                path=f"{where}[{i}]" if where == "$.responses" else where,
            )


def _answer(inst: Instrument, item: Item, value: int | bool) -> dict[str, Any]:
    if item.kind is ResponseKind.YES_NO:
        return {"valueBoolean": value}
    points = f.as_int(value)
    if item.kind is ResponseKind.COUNT:
        return {"valueInteger": points}
    return {"valueCoding": {**_answer_coding(inst, points), "extension": _ordinal(points)}}


@f.guard
def responses_to_fhir(
    instrument_id: str | Instrument,
    responses: Sequence[Response],
    references: References,
    *,
    patient_id: str,
    authored: datetime,
    author_id: str | None = None,
    status: str = "completed",
    record_class: RecordClass = RecordClass.SUD_TREATMENT_RECORD,
) -> dict[str, Any]:
    """The R4 (US Core) QuestionnaireResponse of *responses* (item order, ``None`` unanswered) to an instrument.

    The subject and author are the references *references* holds for ``patient_id`` and
    ``author_id`` (a practitioner key); nothing else about the patient is written. ``status`` is an
    R4 QuestionnaireResponse status (``completed``, ``in-progress``, ``amended``, ``stopped``).
    ``record_class`` sets the DS4P labels (a Part 2 SUD treatment record by default).
    """
    inst = _instrument(instrument_id)
    _check_responses(inst, responses)
    if status not in ("completed", "in-progress", "amended", "stopped"):
        raise InvalidResponseError(
            inst.id, None, "expected completed, in-progress, amended or stopped", "unknown_code", path="$.status"
        )
    if authored.tzinfo is None or authored.utcoffset() is None:
        raise InvalidResponseError(inst.id, None, "expected an aware datetime", "aware", path="$.authored")
    out: dict[str, Any] = {"resourceType": "QuestionnaireResponse"}
    out["meta"] = meta(record_class, profile=QUESTIONNAIRE_RESPONSE_PROFILE)
    out["questionnaire"] = canonical(inst)
    out["status"] = status
    out["subject"] = reference_to(references, ReferenceKind.PATIENT, patient_id, "$.patient_id")
    out["authored"] = authored.isoformat()
    author = practitioner_ref(references, author_id, "$.author_id")
    if author is not None:
        out["author"] = author
    items = [
        {"linkId": item.id, "text": _item_text(inst, item), "answer": [_answer(inst, item, value)]}
        for item, value in zip(inst.items, responses, strict=True)
        if value is not None
    ]
    if items:  # R4 arrays are never empty: a response with no answer has no item
        out["item"] = items
    return out


_BY_CANONICAL = {canonical(i): i for i in _INSTRUMENTS.values()}
_BY_PANEL = {i.loinc_panel: i for i in _INSTRUMENTS.values() if i.loinc_panel is not None and i.id in VERIFIED_LOINC}


def _which(
    qr: Mapping[str, Any], questionnaire: Mapping[str, Any] | None, instrument_id: str | Instrument | None
) -> Instrument:
    if instrument_id is not None:
        return _instrument(instrument_id)
    url = qr.get("questionnaire")
    if isinstance(url, str) and url.partition("|")[0] in _BY_CANONICAL:
        return _BY_CANONICAL[url.partition("|")[0]]
    codes = questionnaire.get("code") if questionnaire is not None else None
    for c in codes if isinstance(codes, list) else ():
        if isinstance(c, Mapping) and c.get("system") == LOINC and c.get("code") in _BY_PANEL:
            return _BY_PANEL[c["code"]]
    raise InvalidResponseError(
        "unknown",
        None,
        "expected an iopcore Questionnaire canonical, a Questionnaire with a verified LOINC panel code, or instrument_id",
        "unknown_code",
        path="$.questionnaire_response.questionnaire",
    )


@f.guard
def responses_from_fhir(
    questionnaire_response: Mapping[str, Any],
    *,
    questionnaire: Mapping[str, Any] | None = None,
    instrument_id: str | Instrument | None = None,
    partial: bool = False,
) -> tuple[str, tuple[Response, ...]]:
    """The instrument id and the responses (item order) of an R4 QuestionnaireResponse.

    The instrument is *instrument_id*, else the one whose iopcore Questionnaire the response
    answers (its ``questionnaire`` canonical), else the one whose verified LOINC panel code the
    *questionnaire* carries. Reading is :func:`iopcore.assessment.responses_from_questionnaire_response`
    (statuses, R4 shapes, weights; its errors name ``$.questionnaire_response…`` paths); for a
    response to an iopcore Questionnaire, linkIds are the instrument's item ids. Each answer must
    be one the item allows (the error names the item's number and ``$.questionnaire_response.item``).
    """
    j.resource(questionnaire_response, "QuestionnaireResponse", "$.questionnaire_response")
    if questionnaire is not None:
        j.resource(questionnaire, "Questionnaire", "$.questionnaire")
    inst = _which(questionnaire_response, questionnaire, instrument_id)
    url = questionnaire_response.get("questionnaire")
    own = isinstance(url, str) and url.partition("|")[0] == canonical(inst)
    link_ids = {item.id: item.number for item in inst.items} if own else None
    responses = responses_from_questionnaire_response(
        inst, questionnaire_response, questionnaire=questionnaire, link_ids=link_ids, partial=partial
    )
    _check_responses(inst, responses, "$.questionnaire_response.item")  # the reader leaves values to scoring
    return inst.id, responses
