"""FHIR QuestionnaireResponse (a plain dict, R4 JSON) → an instrument's responses, by LOINC item codes.

Only instruments whose every item has a verified LOINC code can be mapped
(PHQ-9, PHQ-2 and GAD-7). Items are found by the last segment of their
``linkId`` (LForms writes ``"/44250-9"``; a bare ``"44250-9"`` works too) or by
a LOINC ``code`` on the item. Answers may be the LOINC answer codes of the
frequency list LL358-3, a coding carrying an ``ordinalValue``/``itemWeight``
extension, or a ``valueInteger``. Unanswered items come back as ``None``, so
that :func:`~iopcore.assessment.score` applies the instrument's missing-item rule.

Errors name the place in the resource under the argument: ``$.questionnaire_response.item[0].answer[0]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iopcore import _fields as f
from iopcore.assessment._instruments import _builtin
from iopcore.assessment._model import Instrument, InstrumentScore, Sex
from iopcore.assessment._scoring import InvalidResponseError, _score
from iopcore.errors import type_name

__all__ = ["FREQUENCY_ANSWER_CODES", "responses_from_questionnaire_response", "score_questionnaire_response"]

LOINC = "http://loinc.org"
FREQUENCY_ANSWER_CODES: Mapping[str, int] = f.FrozenMap({"LA6568-5": 0, "LA6569-3": 1, "LA6570-1": 2, "LA6571-9": 3})
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


QR = "$.questionnaire_response"


def _whole(value: Any) -> int | None:
    """A JSON number that is a whole number (``2``, ``2.0``), as an ``int``; ``None`` for anything else."""
    if f.is_integer(value):
        return f.as_int(value)
    if f.is_number(value):
        number = f.as_float(value)
        if number is not None and number.is_integer():
            return int(number)
    return None


def _ordinal(extensions: Any) -> int | None:
    if not isinstance(extensions, list):
        return None
    for ext in extensions:
        if isinstance(ext, Mapping) and ext.get("url") in _ORDINAL_URLS:
            for key in ("valueDecimal", "valueInteger"):
                value = _whole(ext.get(key))
                if value is not None:
                    return value
    return None


def _answer_value(inst: Instrument, number: int, answer: Any, path: str) -> int:
    if not isinstance(answer, Mapping):
        raise _fail(inst, number, path, f"expected an answer object, got {type_name(answer)}", "type")
    if "valueInteger" in answer:
        value = answer["valueInteger"]
        if f.is_integer(value):
            return f.as_int(value)
        raise _fail(inst, number, path + ".valueInteger", f"expected an integer, got {type_name(value)}", "type")
    if "valueDecimal" in answer:
        whole = _whole(answer["valueDecimal"])
        if whole is not None:
            return whole
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


@f.guard
def responses_from_questionnaire_response(
    instrument_id: str | Instrument, questionnaire_response: Mapping[str, Any]
) -> tuple[int | None, ...]:
    """The responses (item order, ``None`` where unanswered) of an instrument in a QuestionnaireResponse dict.

    Raises :class:`~iopcore.assessment.InvalidResponseError` with the resource path under the argument
    (``$.questionnaire_response.item[0].answer[0]``) for a malformed resource, an item answered twice or an
    answer that cannot be read as points.
    """
    inst = instrument_id if isinstance(instrument_id, Instrument) else _builtin(instrument_id)
    return _read(inst, questionnaire_response)[0]


def _read(inst: Instrument, qr: Mapping[str, Any]) -> tuple[tuple[int | None, ...], dict[int, str]]:
    """The responses, and where in the resource each found item was answered (or left unanswered)."""
    codes = {item.loinc: item.number for item in inst.items if item.loinc is not None}
    if len(codes) != len(inst.items):
        raise _fail(
            inst, None, "$.instrument_id", f"{inst.name} has no verified LOINC item codes to map by", "no_loinc"
        )
    if qr.get("resourceType", "QuestionnaireResponse") != "QuestionnaireResponse":
        raise _fail(inst, None, QR + ".resourceType", "expected resourceType 'QuestionnaireResponse'", "resource_type")
    found: dict[int, int | None] = {}
    where: dict[int, str] = {}

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
                    found[number], where[number] = None, here
                elif len(answers) > 1:
                    raise _fail(inst, number, here + ".answer", f"expected one answer, got {len(answers)}", "multiple")
                else:
                    found[number] = _answer_value(inst, number, answers[0], here + ".answer[0]")
                    where[number] = here + ".answer[0]"
            walk(item.get("item"), here + ".item")
            for j, answer in enumerate(answers or ()):
                if isinstance(answer, Mapping):
                    walk(answer.get("item"), f"{here}.answer[{j}].item")

    walk(qr.get("item"), QR + ".item")
    return tuple(found.get(item.number) for item in inst.items), where


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


@f.guard
def score_questionnaire_response(
    instrument_id: str | Instrument,
    questionnaire_response: Mapping[str, Any],
    *,
    sex: Sex | str | None = None,
    cutoff: int | None = None,
) -> InstrumentScore:
    """Map a QuestionnaireResponse and score it (a stored total in the resource is ignored, never trusted).

    An answer that cannot be scored is reported where it is in the resource
    (``$.questionnaire_response.item[4].answer[0]``), with the item's number in ``item``.
    """
    inst = instrument_id if isinstance(instrument_id, Instrument) else _builtin(instrument_id)
    responses, where = _read(inst, questionnaire_response)
    try:
        return _score(inst, responses, sex=sex, cutoff=cutoff)
    except InvalidResponseError as exc:  # re-point an answer's error from the list to the resource
        error = exc.errors[0]
        if exc.item is None or not error.path.startswith("$.responses"):
            raise  # a context error ($.sex, $.cutoff) names its own argument already
        message = error.message.split(": ", 1)[1]
        path = where.get(exc.item, QR + ".item")
        raise InvalidResponseError(exc.instrument, exc.item, message, error.rule, path=path) from None
