"""The R4 shapes the QuestionnaireResponse reader accepts: element names, statuses, weights, the Questionnaire index.

Element names are those of FHIR R4 (4.0.1) ``QuestionnaireResponse`` and ``Questionnaire``;
JSON primitive extensions (``_status``) are allowed beside their element. Weights come from the
``ordinalValue`` extension of R4 core and its successor ``itemWeight`` (FHIR Extensions Pack,
"used to be called ordinalValue"; on a ``Coding`` or a ``Questionnaire.item.answerOption``),
both of type decimal (https://hl7.org/fhir/R4/extension-ordinalvalue.json.html,
https://www.hl7.org/fhir/extensions/1.0.0/StructureDefinition-itemWeight.html). A modifier extension changes the meaning of what holds it, so one that the
reader cannot understand is refused, as R4 asks of every application.

Errors are :class:`~iopcore.errors.InvalidResponseError` naming the place under the argument
(``$.questionnaire_response.item[3].answer[0].valueCoding``); they never repeat an answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from iopcore import _fields as f
from iopcore.errors import InvalidResponseError, type_name

__all__ = [
    "ANSWER_KEYS",
    "CODING_KEYS",
    "ITEM_KEYS",
    "QR",
    "QR_KEYS",
    "QR_STATUSES",
    "QUESTIONNAIRE",
    "QUESTIONNAIRE_STATUSES",
    "VALUE_KEYS",
    "WEIGHT_URLS",
    "check_answer",
    "check_keys",
    "coding_key",
    "fail",
    "index_questionnaire",
    "questionnaire_weights",
    "weight",
    "whole",
]

QR = "$.questionnaire_response"
QUESTIONNAIRE = "$.questionnaire"

WEIGHT_URLS = frozenset(
    {
        "http://hl7.org/fhir/StructureDefinition/ordinalValue",  # R4 core (4.0.1)
        "http://hl7.org/fhir/StructureDefinition/itemWeight",  # FHIR Extensions Pack, its successor
    }
)

_RESOURCE = frozenset({"resourceType", "id", "meta", "implicitRules", "language", "text", "contained"})
_RESOURCE |= {"extension", "modifierExtension"}
QR_KEYS = _RESOURCE | {
    "identifier",
    "basedOn",
    "partOf",
    "questionnaire",
    "status",
    "subject",
    "encounter",
    "authored",
    "author",
    "source",
    "item",
}
ITEM_KEYS = frozenset({"id", "extension", "modifierExtension", "linkId", "definition", "text", "answer", "item"})
VALUE_KEYS = frozenset(
    {
        "valueBoolean",
        "valueDecimal",
        "valueInteger",
        "valueDate",
        "valueDateTime",
        "valueTime",
        "valueString",
        "valueUri",
        "valueAttachment",
        "valueCoding",
        "valueQuantity",
        "valueReference",
    }
)
ANSWER_KEYS = frozenset({"id", "extension", "modifierExtension", "item"}) | VALUE_KEYS
CODING_KEYS = frozenset({"id", "extension", "system", "version", "code", "display", "userSelected"})
QR_STATUSES = ("in-progress", "completed", "amended", "entered-in-error", "stopped")
"""R4 ``QuestionnaireResponseStatus`` (http://hl7.org/fhir/questionnaire-answers-status), in its order."""
QUESTIONNAIRE_STATUSES = ("draft", "active", "retired", "unknown")
"""R4 ``PublicationStatus``, required on a Questionnaire."""


_ELEMENT_NAME = re.compile(r"_?[A-Za-z][A-Za-z0-9]*\Z")


def fail(iid: str, item: int | None, path: str, message: str, rule: str) -> InvalidResponseError:
    return InvalidResponseError(iid, item, message, rule, path=path)


def check_keys(iid: str, node: Mapping[Any, Any], allowed: frozenset[str], path: str, item: int | None = None) -> None:
    """Refuse element names R4 does not define here, and any modifier extension."""
    for key in node:
        name = key[1:] if isinstance(key, str) and key.startswith("_") else key
        if not isinstance(key, str) or name not in allowed:
            where = f"{path}.{key}" if isinstance(key, str) and _ELEMENT_NAME.match(key) else path
            raise fail(iid, item, where, "not an element of this R4 resource (R4 has no such element here)", "not_r4")
    if node.get("modifierExtension"):
        raise fail(
            iid, item, path + ".modifierExtension", "a modifier extension the reader cannot understand", "modifier"
        )


def check_answer(iid: str, answer: Any, path: str, item: int | None = None) -> str | None:
    """Check one answer's R4 shape; its value[x] element name, or ``None`` when it has no value."""
    if not isinstance(answer, Mapping):
        raise fail(iid, item, path, f"expected an answer object, got {type_name(answer)}", "type")
    check_keys(iid, answer, ANSWER_KEYS, path, item)
    values = [k for k in answer if k in VALUE_KEYS]
    if len(values) > 1:
        raise fail(iid, item, path, f"expected one value[x], got {len(values)}", "multiple")
    return values[0] if values else None


def whole(value: Any) -> int | None:
    """A JSON number that is a whole number (``2``, ``2.0``), as an ``int``; ``None`` for anything else."""
    if f.is_integer(value):
        return f.as_int(value)
    if f.is_number(value):
        number = f.as_float(value)
        if number is not None and number.is_integer():
            return int(number)
    return None


def weight(iid: str, item: int | None, extensions: Any, path: str) -> int | None:
    """The whole-number weight in an ``ordinalValue``/``itemWeight`` extension of a list, or ``None`` if there is none."""
    if extensions is None:
        return None
    if not isinstance(extensions, list):
        raise fail(iid, item, path, f"expected a list of extensions, got {type_name(extensions)}", "type")
    found: int | None = None
    for j, ext in enumerate(extensions):
        here = f"{path}[{j}]"
        if not isinstance(ext, Mapping):
            raise fail(iid, item, here, f"expected an extension object, got {type_name(ext)}", "type")
        if ext.get("url") not in WEIGHT_URLS:
            continue
        if "valueDecimal" not in ext:
            raise fail(iid, item, here, "expected valueDecimal (the weight extensions are decimals)", "answer_type")
        value = whole(ext["valueDecimal"])
        if value is None:
            raise fail(iid, item, here + ".valueDecimal", "expected a whole number of points", "type")
        if found is not None and found != value:
            raise fail(iid, item, here, "weight extensions that disagree", "conflict")
        found = value
    return found


def coding_key(coding: Mapping[str, Any]) -> tuple[Any, Any]:
    return (coding.get("system"), coding.get("code"))


def index_questionnaire(iid: str, questionnaire: Mapping[str, Any]) -> dict[str, tuple[Mapping[str, Any], str]]:
    """Every item of an R4 Questionnaire by linkId, with its path; checks what the reader relies on."""
    if questionnaire.get("resourceType") != "Questionnaire":
        raise fail(iid, None, QUESTIONNAIRE + ".resourceType", "expected resourceType 'Questionnaire'", "resource_type")
    status = questionnaire.get("status")
    if status not in QUESTIONNAIRE_STATUSES:
        raise fail(
            iid,
            None,
            QUESTIONNAIRE + ".status",
            f"R4 requires a status, one of {', '.join(QUESTIONNAIRE_STATUSES)}",
            "status",
        )
    url = questionnaire.get("url")
    if url is not None and not isinstance(url, str):
        raise fail(iid, None, QUESTIONNAIRE + ".url", f"expected a canonical URL string, got {type_name(url)}", "type")
    found: dict[str, tuple[Mapping[str, Any], str]] = {}

    def walk(items: Any, path: str) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            raise fail(iid, None, path, f"expected a list of items, got {type_name(items)}", "type")
        for i, node in enumerate(items):
            here = f"{path}[{i}]"
            if not isinstance(node, Mapping):
                raise fail(iid, None, here, f"expected an item object, got {type_name(node)}", "type")
            link = node.get("linkId")
            if not isinstance(link, str) or not link:
                raise fail(iid, None, here + ".linkId", "R4 requires a linkId (a non-empty string)", "missing")
            if link in found:
                raise fail(iid, None, here + ".linkId", "a linkId used twice in this Questionnaire", "duplicate")
            if node.get("modifierExtension"):
                raise fail(iid, None, here + ".modifierExtension", "a modifier extension", "modifier")
            found[link] = (node, here)
            walk(node.get("item"), here + ".item")

    walk(questionnaire.get("item"), QUESTIONNAIRE + ".item")
    return found


def questionnaire_weights(iid: str, item: int, node: Mapping[str, Any], path: str) -> dict[tuple[Any, Any], int]:
    """The weights of a Questionnaire item's coded ``answerOption`` entries, by (system, code)."""
    options = node.get("answerOption")
    if options is None:
        return {}
    if not isinstance(options, list):
        raise fail(iid, item, path + ".answerOption", f"expected a list, got {type_name(options)}", "type")
    weights: dict[tuple[Any, Any], int] = {}
    for j, option in enumerate(options):
        here = f"{path}.answerOption[{j}]"
        if not isinstance(option, Mapping):
            raise fail(iid, item, here, f"expected an answerOption object, got {type_name(option)}", "type")
        coding = option.get("valueCoding")
        if not isinstance(coding, Mapping):
            continue  # integer, string, date options carry their own value or none
        on_option = weight(iid, item, option.get("extension"), here + ".extension")
        on_coding = weight(iid, item, coding.get("extension"), here + ".valueCoding.extension")
        if on_option is not None and on_coding is not None and on_option != on_coding:
            raise fail(iid, item, here, "weights on the answerOption and its coding disagree", "conflict")
        value = on_option if on_option is not None else on_coding
        if value is not None:
            weights[coding_key(coding)] = value
    return weights
