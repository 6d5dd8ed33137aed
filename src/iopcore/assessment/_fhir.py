"""FHIR R4 QuestionnaireResponse (a plain dict, R4 JSON) → an instrument's responses, read as R4 means it.

**Status** (R4 requires it; http://hl7.org/fhir/questionnaire-answers-status):
``completed`` and ``amended`` (completed, then changed: the current content is read) are read;
``entered-in-error`` is always refused; ``in-progress`` and ``stopped`` (partly filled out) are
refused unless ``partial=True``, and then read as they are, unanswered items ``None``, so that
:func:`~iopcore.assessment.score` applies the instrument's missing-item rule (which may prorate
or refuse). A missing or unknown status is refused.

**Shape**: ``resourceType`` must be ``QuestionnaireResponse``; elements R4 does not define
(``item.code``, ``answer.valueInt``), a ``linkId`` missing, two values in one answer and modifier
extensions are refused with the path of the element.

**Items** are matched to the instrument's items, in this order: by ``link_ids`` (linkId → item
number, e.g. ``{"PHQ.1": 1, …}``); by the ``questionnaire``'s item with that linkId, through its
LOINC ``code``; by the linkId's last segment read as a LOINC item code (LForms writes
``"/44250-9"``). Unmatched items (a stored total, other questions) are ignored; a stored total is
never trusted. With a Questionnaire, every linkId of the response must be one of its items, and a
response whose ``questionnaire`` canonical names another Questionnaire is refused.

**Answers**: point items take ``valueInteger``, a whole ``valueDecimal`` or a ``valueCoding``
weighted by an ``ordinalValue``/``itemWeight`` extension on the coding, by the extension on the
Questionnaire's matching ``answerOption`` (or its coding), or by the LOINC frequency list LL358-3
(:data:`FREQUENCY_ANSWER_CODES`); weights that disagree are refused. Yes/no items take
``valueBoolean``; day counts ``valueInteger``.

Errors name the place under the argument: ``$.questionnaire_response.item[3].answer[0].valueCoding``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iopcore import _fields as f
from iopcore.assessment._fhir_r4 import (
    CODING_KEYS,
    ITEM_KEYS,
    QR,
    QR_KEYS,
    QR_STATUSES,
    check_answer,
    check_keys,
    coding_key,
    fail,
    index_questionnaire,
    questionnaire_weights,
    weight,
    whole,
)
from iopcore.assessment._instruments import _builtin
from iopcore.assessment._model import BandScheme, Instrument, InstrumentScore, Item, ResponseKind, Sex
from iopcore.assessment._scoring import InvalidResponseError, Response, _score
from iopcore.errors import type_name

__all__ = ["FREQUENCY_ANSWER_CODES", "responses_from_questionnaire_response", "score_questionnaire_response"]

LOINC = "http://loinc.org"
FREQUENCY_ANSWER_CODES: Mapping[str, int] = f.FrozenMap({"LA6568-5": 0, "LA6569-3": 1, "LA6570-1": 2, "LA6571-9": 3})
"""LOINC answer list LL358-3 (Not at all / Several days / More than half the days / Nearly every day) → points.
Verified for the PHQ-9 (LForms PHQ-9 Questionnaire) and the GAD-7 (CMS ACCESS IG)."""

_Found = tuple[Item, str]  # the instrument's item and where its answer is


class _Reader:
    """One reading of one response: the instrument, how linkIds map, and the Questionnaire's items."""

    def __init__(
        self,
        inst: Instrument,
        questionnaire: Mapping[str, Any] | None,
        link_ids: Mapping[str, int] | None,
    ) -> None:
        self.inst = inst
        self.by_loinc = {item.loinc: item for item in inst.items if item.loinc is not None}
        self.link_ids: dict[str, Item] = {}
        for key, number in (link_ids or {}).items():
            here = f"$.link_ids.{key}" if f.is_identifier(key) else "$.link_ids"
            if not 1 <= number <= len(inst.items):
                raise fail(inst.id, None, here, f"expected an item number 1-{len(inst.items)}", "range")
            if any(i.number == number for i in self.link_ids.values()):
                raise fail(inst.id, number, here, "two linkIds mapped to the same item", "duplicate")
            self.link_ids[key] = inst.items[number - 1]
        reachable = set(self.by_loinc.values()) | set(self.link_ids.values())
        if len(reachable) != len(inst.items):
            first = next(i.number for i in inst.items if i not in reachable)
            raise fail(
                inst.id,
                first,
                "$.instrument_id",
                f"{inst.name} has no verified LOINC item code here to map by; pass link_ids",
                "no_loinc",
            )
        self.questionnaire = None if questionnaire is None else index_questionnaire(inst.id, questionnaire)
        self.url = None if questionnaire is None else questionnaire.get("url")
        self.version = None if questionnaire is None else questionnaire.get("version")

    def match(self, link: str, path: str) -> Item | None:
        """The instrument item a response item answers, or ``None`` for another question."""
        explicit = self.link_ids.get(link)
        if explicit is not None:
            return explicit
        if self.questionnaire is not None:
            entry = self.questionnaire.get(link)
            if entry is None:
                raise fail(
                    self.inst.id,
                    None,
                    path + ".linkId",
                    "a linkId that the Questionnaire does not have",
                    "unknown_code",
                )
            codes = entry[0].get("code")
            for coding in codes if isinstance(codes, list) else ():
                if (
                    isinstance(coding, Mapping)
                    and coding.get("system") == LOINC
                    and coding.get("code") in self.by_loinc
                ):
                    return self.by_loinc[coding["code"]]
        return self.by_loinc.get(link.rstrip("/").rsplit("/", 1)[-1])

    def options(self, link: str, item: Item) -> dict[tuple[Any, Any], int]:
        if self.questionnaire is None or link not in self.questionnaire:
            return {}
        node, path = self.questionnaire[link]
        return questionnaire_weights(self.inst.id, item.number, node, path)

    def check_canonical(self, qr: Mapping[str, Any]) -> None:
        canonical = qr.get("questionnaire")
        if canonical is None or self.url is None:
            return
        if not isinstance(canonical, str):
            raise fail(
                self.inst.id,
                None,
                QR + ".questionnaire",
                f"expected a canonical URL, got {type_name(canonical)}",
                "type",
            )
        url, _, version = canonical.partition("|")
        if url != self.url or (version and self.version is not None and version != self.version):
            raise fail(
                self.inst.id,
                None,
                QR + ".questionnaire",
                "answers another Questionnaire than the one given",
                "mismatch",
            )

    def answer(self, item: Item, link: str, answer: Any, path: str) -> Response:
        """One answer's value for *item*: checked for its R4 shape here, for the item's values by scoring."""
        iid, number = self.inst.id, item.number
        key = check_answer(iid, answer, path, number)
        if key is None:
            return None
        value = answer[key]
        here = f"{path}.{key}"
        if item.kind is ResponseKind.YES_NO:
            if key != "valueBoolean":
                raise fail(iid, number, path, f"expected valueBoolean for a yes/no item, got {key}", "answer_type")
            if type(value) is not bool:
                raise fail(iid, number, here, f"expected true or false, got {type_name(value)}", "type")
            return value
        if key == "valueInteger":
            if f.is_integer(value):
                return f.as_int(value)
            raise fail(iid, number, here, f"expected an integer, got {type_name(value)}", "type")
        if key == "valueDecimal":
            points = whole(value)
            if points is None:
                raise fail(iid, number, here, "expected a whole number", "type")
            return points
        if key == "valueCoding" and item.kind is ResponseKind.POINTS:
            return self.coding(item, link, value, here)
        expected = "valueInteger" if item.kind is ResponseKind.COUNT else "valueCoding, valueInteger or valueDecimal"
        raise fail(iid, number, path, f"expected {expected}, got {key}", "answer_type")

    def coding(self, item: Item, link: str, coding: Any, path: str) -> int:
        iid, number = self.inst.id, item.number
        if not isinstance(coding, Mapping):
            raise fail(iid, number, path, f"expected a Coding object, got {type_name(coding)}", "type")
        check_keys(iid, coding, CODING_KEYS, path, number)
        own = weight(iid, number, coding.get("extension"), path + ".extension")
        listed = self.options(link, item).get(coding_key(coding))
        if own is not None and listed is not None and own != listed:
            raise fail(iid, number, path, "its weight disagrees with the Questionnaire's answerOption", "conflict")
        points = own if own is not None else listed
        if points is None and coding.get("system") == LOINC:
            points = FREQUENCY_ANSWER_CODES.get(coding.get("code"))  # type: ignore[arg-type]
        if points is None:
            raise fail(
                iid,
                number,
                path,
                "expected a coding weighted by an ordinalValue/itemWeight extension (on it or on the "
                "Questionnaire's answerOption) or a LOINC answer code of list LL358-3",
                "answer_code",
            )
        return points


def _check_status(iid: str, qr: Mapping[str, Any], partial: bool) -> None:
    status = qr.get("status")
    known = ", ".join(QR_STATUSES)
    if status is None:
        raise fail(iid, None, QR + ".status", f"R4 requires a status ({known})", "missing")
    if status not in QR_STATUSES:
        raise fail(iid, None, QR + ".status", f"expected one of {known}", "unknown_code")
    if status == "entered-in-error":
        raise fail(
            iid, None, QR + ".status", "this QuestionnaireResponse was entered in error and voided", "entered_in_error"
        )
    if status in ("in-progress", "stopped") and not partial:
        raise fail(
            iid,
            None,
            QR + ".status",
            f"a {status} response is only partly filled out; pass partial=True to read it as it is",
            "not_final",
        )


def _read(
    inst: Instrument,
    qr: Mapping[str, Any],
    questionnaire: Mapping[str, Any] | None,
    link_ids: Mapping[str, int] | None,
    partial: bool,
) -> tuple[tuple[Response, ...], dict[int, str]]:
    """The responses, and where in the resource each found item was answered (or left unanswered)."""
    reader = _Reader(inst, questionnaire, link_ids)
    if qr.get("resourceType") != "QuestionnaireResponse":
        raise fail(
            inst.id, None, QR + ".resourceType", "expected resourceType 'QuestionnaireResponse'", "resource_type"
        )
    check_keys(inst.id, qr, QR_KEYS, QR)
    _check_status(inst.id, qr, partial)
    reader.check_canonical(qr)
    found: dict[int, Response] = {}
    where: dict[int, str] = {}

    def walk(items: Any, path: str) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            raise fail(inst.id, None, path, f"expected a list of items, got {type_name(items)}", "type")
        for i, node in enumerate(items):
            here = f"{path}[{i}]"
            if not isinstance(node, Mapping):
                raise fail(inst.id, None, here, f"expected an item object, got {type_name(node)}", "type")
            check_keys(inst.id, node, ITEM_KEYS, here)
            link = node.get("linkId")
            if not isinstance(link, str) or not link:
                raise fail(inst.id, None, here + ".linkId", "R4 requires a linkId (a non-empty string)", "missing")
            item = reader.match(link, here)
            number = None if item is None else item.number
            answers = node.get("answer")
            if answers is not None and not isinstance(answers, list):
                raise fail(
                    inst.id, number, here + ".answer", f"expected a list of answers, got {type_name(answers)}", "type"
                )
            if item is not None:
                if item.number in found or item.number in where:
                    raise fail(
                        inst.id, item.number, here, "answered more than once in this QuestionnaireResponse", "duplicate"
                    )
                if not answers:
                    found[item.number], where[item.number] = None, here
                elif len(answers) > 1:
                    raise fail(
                        inst.id, item.number, here + ".answer", f"expected one answer, got {len(answers)}", "multiple"
                    )
                else:
                    found[item.number] = reader.answer(item, link, answers[0], here + ".answer[0]")
                    where[item.number] = here + ".answer[0]"
            walk(node.get("item"), here + ".item")
            for j, answer in enumerate(answers or ()):
                check_answer(inst.id, answer, f"{here}.answer[{j}]", number)  # other questions' answers too
                walk(answer.get("item"), f"{here}.answer[{j}].item")

    walk(qr.get("item"), QR + ".item")
    return tuple(found.get(item.number) for item in inst.items), where


@f.guard
def responses_from_questionnaire_response(
    instrument_id: str | Instrument,
    questionnaire_response: Mapping[str, Any],
    *,
    questionnaire: Mapping[str, Any] | None = None,
    link_ids: Mapping[str, int] | None = None,
    partial: bool = False,
) -> tuple[Response, ...]:
    """The responses (item order, ``None`` where unanswered) of an instrument in an R4 QuestionnaireResponse dict.

    ``questionnaire`` (the R4 Questionnaire the response answers) maps linkIds through its items'
    LOINC codes and weights coded answers through its ``answerOption`` extensions; ``link_ids``
    maps linkIds to item numbers directly; ``partial=True`` reads an ``in-progress`` or
    ``stopped`` response. Raises :class:`~iopcore.assessment.InvalidResponseError` at the
    resource path (``$.questionnaire_response.item[0].answer[0]``) for anything R4 does not allow
    or the reader cannot read as points, an item answered twice, or a refused status.
    """
    inst = instrument_id if isinstance(instrument_id, Instrument) else _builtin(instrument_id)
    return _read(inst, questionnaire_response, questionnaire, link_ids, partial)[0]


@f.guard
def score_questionnaire_response(
    instrument_id: str | Instrument,
    questionnaire_response: Mapping[str, Any],
    *,
    questionnaire: Mapping[str, Any] | None = None,
    link_ids: Mapping[str, int] | None = None,
    partial: bool = False,
    sex: Sex | str | None = None,
    cutoff: int | None = None,
    scheme: str | BandScheme | None = None,
    reading: str | None = None,
    count_skipped_answers: bool | None = None,
) -> InstrumentScore:
    """Read a QuestionnaireResponse as :func:`responses_from_questionnaire_response` does and score it.

    A stored total in the resource is ignored, never trusted. The context keywords are
    :func:`~iopcore.assessment.score`'s. An answer that cannot be scored is reported where it is in
    the resource (``$.questionnaire_response.item[4].answer[0]``), with the item's number in ``item``.
    """
    inst = instrument_id if isinstance(instrument_id, Instrument) else _builtin(instrument_id)
    responses, where = _read(inst, questionnaire_response, questionnaire, link_ids, partial)
    try:
        return _score(
            inst,
            responses,
            sex=sex,
            cutoff=cutoff,
            scheme=scheme,
            reading=reading,
            count_skipped_answers=count_skipped_answers,
        )
    except InvalidResponseError as exc:  # re-point an answer's error from the list to the resource
        error = exc.errors[0]
        if exc.item is None or not error.path.startswith("$.responses"):
            raise  # a context error ($.sex, $.cutoff) names its own argument already
        message = error.message.split(": ", 1)[1]
        path = where.get(exc.item, QR + ".item")
        raise InvalidResponseError(exc.instrument, exc.item, message, error.rule, path=path) from None
