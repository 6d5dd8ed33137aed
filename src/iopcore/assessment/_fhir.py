"""FHIR QuestionnaireResponse (a plain dict, R4 JSON) → an instrument's responses, by LOINC item codes.

Only instruments whose every item has a verified LOINC code can be mapped
(PHQ-9, PHQ-2 and GAD-7). Items are found by the last segment of their
``linkId`` (LForms writes ``"/44250-9"``; a bare ``"44250-9"`` works too) or by
a LOINC ``code`` on the item. Answers may be the LOINC answer codes of the
frequency list LL358-3, a coding carrying an ``ordinalValue``/``itemWeight``
extension, or a ``valueInteger``. Unanswered items come back as ``None``, so
that :func:`~iopcore.assessment.score` applies the instrument's missing-item rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from iopcore.assessment._instruments import instrument
from iopcore.assessment._model import Instrument, InstrumentScore, Sex
from iopcore.assessment._scoring import InvalidResponseError, score
from iopcore.errors import type_name

__all__ = ["FREQUENCY_ANSWER_CODES", "responses_from_questionnaire_response", "score_questionnaire_response"]

LOINC = "http://loinc.org"
FREQUENCY_ANSWER_CODES: Mapping[str, int] = MappingProxyType(
    {"LA6568-5": 0, "LA6569-3": 1, "LA6570-1": 2, "LA6571-9": 3}
)
"""LOINC answer list LL358-3 (Not at all / Several days / More than half the days / Nearly every day) → points.
Verified for the PHQ-9 (LForms PHQ-9 Questionnaire) and the GAD-7 (CMS ACCESS IG)."""
_ORDINAL_URLS = frozenset(
    {
        "http://hl7.org/fhir/StructureDefinition/ordinalValue",
        "http://hl7.org/fhir/StructureDefinition/itemWeight",
    }
)


def _fail(inst: Instrument, item: int | None, path: str, message: str, rule: str) -> InvalidResponseError:
    return InvalidResponseError(inst.id, item, message, rule, path=path)


def _ordinal(extensions: Any) -> int | None:
    if not isinstance(extensions, list):
        return None
    for ext in extensions:
        if isinstance(ext, Mapping) and ext.get("url") in _ORDINAL_URLS:
            for key in ("valueDecimal", "valueInteger"):
                value = ext.get(key)
                if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
                    return int(value)
    return None


def _answer_value(inst: Instrument, number: int, answer: Any, path: str) -> int:
    if not isinstance(answer, Mapping):
        raise _fail(inst, number, path, f"expected an answer object, got {type_name(answer)}", "type")
    if "valueInteger" in answer:
        value = answer["valueInteger"]
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise _fail(inst, number, path + ".valueInteger", f"expected an integer, got {type_name(value)}", "type")
    if "valueDecimal" in answer:
        value = answer["valueDecimal"]
        if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
            return int(value)
        raise _fail(inst, number, path + ".valueDecimal", "expected a whole number", "type")
    coding = answer.get("valueCoding")
    if isinstance(coding, Mapping):
        code = coding.get("code")
        system = coding.get("system", LOINC)
        if system == LOINC and isinstance(code, str) and code in FREQUENCY_ANSWER_CODES:
            return FREQUENCY_ANSWER_CODES[code]
        ordinal = _ordinal(coding.get("extension"))
        if ordinal is None:
            ordinal = _ordinal(answer.get("extension"))
        if ordinal is not None:
            return ordinal
        raise _fail(
            inst,
            number,
            path + ".valueCoding",
            "expected a LOINC answer code of list LL358-3 or a coding with an ordinalValue extension",
            "answer_code",
        )
    raise _fail(inst, number, path, "expected valueCoding, valueInteger or valueDecimal", "answer_type")


def responses_from_questionnaire_response(
    instrument_id: str | Instrument, questionnaire_response: Mapping[str, Any]
) -> tuple[int | None, ...]:
    """The responses (item order, ``None`` where unanswered) of an instrument in a QuestionnaireResponse dict.

    Raises :class:`~iopcore.assessment.InvalidResponseError` with the resource path (``$.item[0].answer[0]``)
    for a malformed resource, an item answered twice or an answer that cannot be read as points.
    """
    inst = instrument_id if isinstance(instrument_id, Instrument) else instrument(instrument_id)
    codes = {item.loinc: item.number for item in inst.items if item.loinc is not None}
    if len(codes) != len(inst.items):
        raise _fail(
            inst, None, "$.instrument_id", f"{inst.name} has no verified LOINC item codes to map by", "no_loinc"
        )
    qr = questionnaire_response
    if not isinstance(qr, Mapping):
        raise _fail(inst, None, "$", f"expected a QuestionnaireResponse object, got {type_name(qr)}", "type")
    if qr.get("resourceType", "QuestionnaireResponse") != "QuestionnaireResponse":
        raise _fail(inst, None, "$.resourceType", "expected resourceType 'QuestionnaireResponse'", "resource_type")
    found: dict[int, int | None] = {}

    def walk(items: Any, path: str) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            raise _fail(inst, None, path, f"expected a list of items, got {type_name(items)}", "type")
        for i, item in enumerate(items):
            here = f"{path}[{i}]"
            if not isinstance(item, Mapping):
                raise _fail(inst, None, here, f"expected an item object, got {type_name(item)}", "type")
            number = _match(item, codes)
            answers = item.get("answer")
            if answers is not None and not isinstance(answers, list):
                raise _fail(
                    inst, number, here + ".answer", f"expected a list of answers, got {type_name(answers)}", "type"
                )
            if number is not None:
                if number in found:
                    raise _fail(
                        inst, number, here, "answered more than once in this QuestionnaireResponse", "duplicate"
                    )
                if not answers:
                    found[number] = None
                elif len(answers) > 1:
                    raise _fail(inst, number, here + ".answer", f"expected one answer, got {len(answers)}", "multiple")
                else:
                    found[number] = _answer_value(inst, number, answers[0], here + ".answer[0]")
            walk(item.get("item"), here + ".item")
            for j, answer in enumerate(answers or ()):
                if isinstance(answer, Mapping):
                    walk(answer.get("item"), f"{here}.answer[{j}].item")

    walk(qr.get("item"), "$.item")
    return tuple(found.get(item.number) for item in inst.items)


def _match(item: Mapping[str, Any], codes: Mapping[str, int]) -> int | None:
    link = item.get("linkId")
    if isinstance(link, str):
        tail = link.rstrip("/").rsplit("/", 1)[-1]
        if tail in codes:
            return codes[tail]
    for coding in item.get("code") or ():
        if isinstance(coding, Mapping) and coding.get("system", LOINC) == LOINC and coding.get("code") in codes:
            return codes[coding["code"]]
    return None


def score_questionnaire_response(
    instrument_id: str | Instrument,
    questionnaire_response: Mapping[str, Any],
    *,
    sex: Sex | str | None = None,
    cutoff: int | None = None,
) -> InstrumentScore:
    """Map a QuestionnaireResponse and score it (a stored total in the resource is ignored, never trusted)."""
    return score(
        instrument_id,
        responses_from_questionnaire_response(instrument_id, questionnaire_response),
        sex=sex,
        cutoff=cutoff,
    )
