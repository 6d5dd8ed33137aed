"""Validation of exported resources against the FHIR R4 (4.0.1) models of fhir.resources 6.4 (pydantic 1)."""

from __future__ import annotations

import json
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

    It must also be plain JSON: ``json.dumps`` without NaN and back gives the same dict.
    """
    text = json.dumps(resource, allow_nan=False)
    assert json.loads(text) == resource
    model = get_fhir_model_class(resource["resourceType"])
    return model.parse_obj(_as_fhir_resources_reads(resource))


def json_round_trip(resource: Any) -> Any:
    """What an application reading the resource from the wire gets."""
    return json.loads(json.dumps(resource, allow_nan=False))
