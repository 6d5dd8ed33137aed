"""Validation of exported resources against the FHIR R4 (4.0.1) models of fhir.resources 6.4 (pydantic 1)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from fhir.resources import FHIRAbstractModel, get_fhir_model_class


def _as_fhir_resources_reads(value: Any) -> Any:
    """*value* with the one deviation of fhir.resources from R4 taken out of the way (the rest validated as is).

    R4's ``string`` regex ``[ \\r\\n\\t\\S]+`` is meant with XML Schema's ``\\s`` (space, tab, CR, LF):
    every Unicode character from U+0020 up is allowed (datatypes.html#string: only code points below 32,
    other than tab, CR and LF, are excluded). fhir.resources matches it with Python's Unicode-aware
    ``\\s``, so a string that *starts* with, say, U+3000 or U+2028 is refused, as other validators did
    before fixing it (FirelyTeam/firely-net-sdk#1563, HeliosSoftware/hfs#425). iopcore's texts may start
    so; that first character is replaced by ``x`` in the copy that is validated.
    """
    if isinstance(value, str):
        return "x" + value[1:] if value[:1].isspace() and value[0] not in " \t\r\n" else value
    if isinstance(value, dict):
        return {k: _as_fhir_resources_reads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_fhir_resources_reads(v) for v in value]
    return value


def validate_r4(resource: dict[str, Any]) -> FHIRAbstractModel:
    """The resource as its fhir.resources R4 model (raising pydantic's ValidationError if not valid R4).

    The codes of required bindings and the narrative's XHTML are checked too (:func:`check_required_bindings`).

    It must also be plain JSON: ``json.dumps`` without NaN and back gives the same dict.
    """
    text = json.dumps(resource, allow_nan=False)
    assert json.loads(text) == resource
    model = get_fhir_model_class(resource["resourceType"])
    parsed = model.parse_obj(_as_fhir_resources_reads(resource))
    check_required_bindings(resource)
    return parsed


def json_round_trip(resource: Any) -> Any:
    """What an application reading the resource from the wire gets."""
    return json.loads(json.dumps(resource, allow_nan=False))


# fhir.resources checks structure, cardinality and primitive formats but not the codes of required
# bindings, nor the XHTML of a narrative: those are checked here, for the elements iopcore writes.
# Codes from the R4 (4.0.1) value sets bound "required" to each element.
REQUIRED_BINDINGS: dict[str, dict[str, frozenset[str]]] = {
    "*": {
        "text.status": frozenset({"generated", "extensions", "additional", "empty"}),
        "meta.security[].system": frozenset(
            {
                "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
                "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            }
        ),
    },
    "EpisodeOfCare": {
        "status": frozenset({"planned", "waitlist", "active", "onhold", "finished", "cancelled", "entered-in-error"})
    },
    "CarePlan": {
        "status": frozenset({"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}),
        "intent": frozenset({"proposal", "plan", "order", "option"}),
        "activity[].detail.status": frozenset(
            {
                "not-started",
                "scheduled",
                "in-progress",
                "on-hold",
                "completed",
                "cancelled",
                "stopped",
                "unknown",
                "entered-in-error",
            }
        ),
        "activity[].detail.scheduledTiming.repeat.periodUnit": frozenset({"s", "min", "h", "d", "wk", "mo", "a"}),
        "activity[].detail.scheduledTiming.repeat.durationUnit": frozenset({"s", "min", "h", "d", "wk", "mo", "a"}),
    },
    "Goal": {
        "lifecycleStatus": frozenset(
            {
                "proposed",
                "planned",
                "accepted",
                "active",
                "on-hold",
                "completed",
                "cancelled",
                "entered-in-error",
                "rejected",
            }
        )
    },
    "Condition": {
        "clinicalStatus.coding[].code": frozenset(
            {"active", "recurrence", "relapse", "inactive", "remission", "resolved"}
        ),
    },
    "Consent": {
        "status": frozenset({"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"}),
        "provision.type": frozenset({"deny", "permit"}),
        "provision.provision[].type": frozenset({"deny", "permit"}),
    },
    "Bundle": {
        "type": frozenset(
            {
                "document",
                "message",
                "transaction",
                "transaction-response",
                "batch",
                "batch-response",
                "history",
                "searchset",
                "collection",
            }
        ),
        "entry[].request.method": frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"}),
    },
}


def _values(node: Any, path: list[str]) -> list[Any]:
    if not path:
        return [node]
    head, rest = path[0], path[1:]
    many = head.endswith("[]")
    key = head[:-2] if many else head
    if not isinstance(node, dict) or key not in node:
        return []
    child = node[key]
    items = child if many else [child]
    return [v for item in items for v in _values(item, rest)]


def check_required_bindings(resource: dict[str, Any]) -> None:
    """Every code iopcore writes where R4 binds a value set as required is one of its codes; narratives are XHTML."""
    for kind in ("*", resource["resourceType"]):
        for path, allowed in REQUIRED_BINDINGS.get(kind, {}).items():
            for value in _values(resource, path.split(".")):
                assert value in allowed, (resource["resourceType"], path, value)
    div = resource.get("text", {}).get("div")
    if div is not None:
        element = ET.fromstring(div)
        assert element.tag == "{http://www.w3.org/1999/xhtml}div"
    if resource["resourceType"] == "Bundle":
        for entry in resource.get("entry", ()):
            check_required_bindings(entry["resource"])
