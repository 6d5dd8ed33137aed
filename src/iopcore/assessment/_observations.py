"""Dated scores from FHIR R4 Observations of an instrument's total score (issue 16, item 1).

Many systems store a repeated PHQ-9 or GAD-7 as an ``Observation`` whose ``code`` is the
instrument's LOINC total (PHQ-9 44261-6, GAD-7 70274-6) and whose value is the total.
:func:`dated_score_from_observation` reads one into a :class:`DatedScore`: the instrument
from the LOINC code, the patient from ``subject.reference``, the date as written in
``effectiveDateTime`` (its local date, never converted to another zone), the total from
``valueInteger``, ``valueQuantity.value`` or a ``valueString`` that is a decimal numeral (US Core's
own PHQ-9 example writes ``valueString: '12'``), and the band from the instrument's default scheme.
A whole decimal (``0.0``, as US Core's AUDIT-C example writes) is a whole total. Only results whose
``status`` is ``final``, ``amended`` or ``corrected`` are scores. ``codes`` names other codings
(system, code) that identify an instrument's total, for totals without a verified LOINC code
(``iopcore.fhir`` writes them in its own code system).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from iopcore import _fields as f
from iopcore.assessment._instruments import INSTRUMENTS
from iopcore.assessment._series import DatedScore
from iopcore.errors import ErrorItem, InvalidArgumentError, type_name

__all__ = ["dated_score_from_observation"]

LOINC = "http://loinc.org"
_SCORE_STATUSES = ("final", "amended", "corrected")
_BY_LOINC = {i.loinc_total: i.id for i in INSTRUMENTS.values() if i.loinc_total is not None}


def _fail(path: str, message: str, rule: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        (ErrorItem(path=f"$.observation{path}", message=message, rule=rule),), callable="dated_score_from_observation"
    )


_NUMERAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)\Z")


def _instrument(obs: Mapping[str, Any], codes: Mapping[tuple[str, str], str]) -> str:
    code = obs.get("code")
    codings = code.get("coding") if isinstance(code, Mapping) else None
    if not isinstance(codings, list):
        raise _fail(".code.coding", "expected a list of Codings", "type")
    for c in codings:
        if isinstance(c, Mapping) and c.get("system") == LOINC and c.get("code") in _BY_LOINC:
            return _BY_LOINC[c["code"]]
        if isinstance(c, Mapping) and (c.get("system"), c.get("code")) in codes:
            return codes[(c["system"], c["code"])]
    known = ", ".join(sorted(_BY_LOINC))
    raise _fail(
        ".code.coding", f"expected the LOINC total-score code of a built-in instrument ({known})", "unknown_code"
    )


def _patient(obs: Mapping[str, Any]) -> str:
    subject = obs.get("subject")
    ref = subject.get("reference") if isinstance(subject, Mapping) else None
    if not isinstance(ref, str) or not ref.strip():
        raise _fail(".subject.reference", "expected a non-empty reference to the patient", "missing")
    return ref


def _day(obs: Mapping[str, Any]) -> date:
    when = obs.get("effectiveDateTime")
    if not isinstance(when, str):
        raise _fail(".effectiveDateTime", f"expected a FHIR dateTime string, got {type_name(when)}", "type")
    if len(when) < 10 or (len(when) > 10 and when[10] != "T"):
        raise _fail(".effectiveDateTime", "expected a full date (YYYY-MM-DD, optionally with a time)", "format")
    try:
        return date.fromisoformat(when[:10])
    except ValueError:
        raise _fail(".effectiveDateTime", "expected a valid calendar date", "format") from None


def _total(obs: Mapping[str, Any]) -> int | float:
    if "valueInteger" in obs:
        value, path = obs["valueInteger"], ".valueInteger"
        if not f.is_integer(value):
            raise _fail(path, f"expected an integer, got {type_name(value)}", "type")
        return f.as_int(value)
    quantity = obs.get("valueQuantity")
    if isinstance(quantity, Mapping) and "value" in quantity:
        value = quantity["value"]
        if not f.is_number(value) or f.as_float(value) is None:
            raise _fail(".valueQuantity.value", f"expected a number, got {type_name(value)}", "type")
        return _whole_or_float(value)
    if "valueString" in obs:
        text = obs["valueString"]
        if not isinstance(text, str) or not _NUMERAL.match(text.strip()):
            raise _fail(".valueString", "expected a decimal numeral (the total written as text)", "format")
        return _whole_or_float(float(text.strip()) if "." in text else int(text.strip()))
    raise _fail(".value[x]", "expected valueInteger, valueQuantity.value or valueString with the total", "missing")


def _whole_or_float(value: Any) -> int | float:
    """A whole number (``2``, ``2.0``) as an ``int``; another finite number as a ``float``."""
    if f.is_integer(value):
        return f.as_int(value)
    number = float(value)
    return int(number) if number.is_integer() else number


def _unknown_instrument() -> InvalidArgumentError:
    return InvalidArgumentError(
        (ErrorItem(path="$.codes", message="expected built-in instrument ids as values", rule="unknown_code"),),
        callable="dated_score_from_observation",
    )


@f.guard
def dated_score_from_observation(
    observation: Mapping[str, Any], *, codes: Mapping[tuple[str, str], str] | None = None
) -> DatedScore:
    """The :class:`DatedScore` of a FHIR R4 ``Observation`` holding an instrument's total score.

    ``codes`` maps further ``(system, code)`` codings to built-in instrument ids, read besides
    the LOINC total codes.
    """
    extra = codes or {}
    if any(value not in INSTRUMENTS for value in extra.values()):
        raise _unknown_instrument()
    if observation.get("resourceType") != "Observation":
        raise _fail(".resourceType", "expected 'Observation'", "resource_type")
    status = observation.get("status")
    if status not in _SCORE_STATUSES:
        raise _fail(".status", f"expected a result that is a score ({', '.join(_SCORE_STATUSES)})", "status")
    instrument = _instrument(observation, extra)
    patient, day, total = _patient(observation), _day(observation), _total(observation)
    inst = INSTRUMENTS[instrument]
    if not 0 <= total <= inst.max_total:
        raise _fail(".value[x]", f"expected a total between 0 and {inst.max_total} for {inst.name}", "range")
    if isinstance(total, float) and inst.proration is None:
        raise _fail(".value[x]", f"expected a whole total ({inst.name} is never prorated)", "type")
    scheme = inst.default_scheme
    band = scheme._band_for(total) if scheme is not None else None
    return DatedScore(patient_id=patient, instrument=instrument, on=day, total=total, band=band)
