"""An Observation per instrument score (US Core Observation Screening Assessment), and reading it back.

The code is the instrument's LOINC total where verified (:data:`VERIFIED_LOINC`: PHQ-9 44261-6,
GAD-7 70274-6, AUDIT-C 75626-2), otherwise iopcore's ``instrument-total`` code system (code = the
instrument id). The total is ``valueInteger`` (``valueQuantity`` in ``{score}`` for a prorated total);
the band is the ``interpretation``, coded in ``<instrument id>-band`` (code = the band label). The
date is ``effectiveDateTime`` as a FHIR date. Reading goes through
:func:`iopcore.assessment.dated_score_from_observation`; the band read back is the one the document
states (none without an iopcore band interpretation), the patient the iopcore id of the subject's
reference in the same reference map.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from iopcore import _fields as f
from iopcore.assessment import INSTRUMENTS, DatedScore, dated_score_from_observation
from iopcore.errors import ErrorItem, InvalidArgumentError
from iopcore.fhir._common import ReferenceKind, References, code_system, key_of, reference_to
from iopcore.fhir._obs_shared import LOINC, UCUM, VERIFIED_LOINC, Reader, meta
from iopcore.part2 import RecordClass


def _refuse(path: str, message: str, rule: str) -> InvalidArgumentError:
    return InvalidArgumentError((ErrorItem(path=path, message=message, rule=rule),), callable="score_observations")


__all__ = ["SCREENING_ASSESSMENT_PROFILE", "dated_score_from_fhir", "score_observation", "score_observations"]

SCREENING_ASSESSMENT_PROFILE = (
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-screening-assessment"
)
TOTAL_SYSTEM = code_system("instrument-total")
_SURVEY = [
    {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "survey",
                "display": "Survey",
            }
        ]
    }
]


def band_system(instrument_id: str) -> str:
    """The code system of an instrument's band labels."""
    return code_system(f"{instrument_id.replace('_', '-')}-band")


def _code(instrument_id: str) -> dict[str, Any]:
    inst = INSTRUMENTS[instrument_id]
    display = f"{inst.name} total score"
    if instrument_id in VERIFIED_LOINC and inst.loinc_total is not None:
        return {"coding": [{"system": LOINC, "code": inst.loinc_total, "display": display}], "text": display}
    return {"coding": [{"system": TOTAL_SYSTEM, "code": instrument_id, "display": display}], "text": display}


_CODES = {i: _code(i) for i in INSTRUMENTS}
_LOCAL_CODES = {(TOTAL_SYSTEM, i): i for i in INSTRUMENTS}
_BAND_SYSTEMS = {i: band_system(i) for i in INSTRUMENTS}


def _observation(
    score: DatedScore, refs: References, performer: dict[str, str] | None, labels: Any, path: str
) -> dict[str, Any]:
    inst = score.instrument
    known = INSTRUMENTS.get(inst)
    if known is None:
        raise _refuse(path + ".instrument", "expected a built-in instrument", "unknown_code")
    if type(score.total) is float and known.proration is None and not score.total.is_integer():
        raise _refuse(path + ".total", f"expected a whole total ({known.name} is never prorated)", "prorated")
    out: dict[str, Any] = {"resourceType": "Observation"}
    if labels is not None:
        out["meta"] = {k: [dict(x) if isinstance(x, dict) else x for x in v] for k, v in labels.items()}
    out["status"] = "final"
    out["category"] = [{"coding": [dict(_SURVEY[0]["coding"][0])]}]
    code = _CODES[inst]
    out["code"] = {"coding": [dict(code["coding"][0])], "text": code["text"]}
    out["subject"] = reference_to(refs, ReferenceKind.PATIENT, score.patient_id, path + ".patient_id")
    out["effectiveDateTime"] = score.on.isoformat()
    if performer is not None:
        out["performer"] = [dict(performer)]
    total = score.total
    if type(total) is int or (known.proration is None and total == int(total)):
        out["valueInteger"] = int(total)
    else:
        out["valueQuantity"] = {"value": total, "unit": "{score}", "system": UCUM, "code": "{score}"}
    if score.band is not None:
        out["interpretation"] = [{"coding": [{"system": _BAND_SYSTEMS[inst], "code": score.band}], "text": score.band}]
    return out


@f.guard
def score_observations(
    scores: Iterable[DatedScore],
    *,
    references: References,
    performer_id: str | None = None,
    record_class: RecordClass = RecordClass.SUD_TREATMENT_RECORD,
) -> tuple[dict[str, Any], ...]:
    """One Observation (US Core Observation Screening Assessment) per dated score, in order.

    Each subject is the reference *references* holds for the score's patient; ``performer_id``
    is the practitioner key of who scored them. ``record_class`` sets the DS4P labels (a Part 2
    SUD treatment record by default). A non-whole total of a never-prorated instrument is refused.
    """
    items = tuple(scores)
    performer = (
        None
        if performer_id is None
        else reference_to(references, ReferenceKind.PRACTITIONER, performer_id, "$.performer_id")
    )
    labels = meta(SCREENING_ASSESSMENT_PROFILE, record_class)
    for i, s in enumerate(items):
        if not isinstance(s, DatedScore):
            raise _refuse(f"$.scores[{i}]", "expected a DatedScore", "type")
    return tuple(_observation(s, references, performer, labels, f"$.scores[{i}]") for i, s in enumerate(items))


@f.guard
def score_observation(
    score: DatedScore,
    *,
    references: References,
    performer_id: str | None = None,
    record_class: RecordClass = RecordClass.SUD_TREATMENT_RECORD,
) -> dict[str, Any]:
    """The Observation of one dated score (see :func:`score_observations`)."""
    return score_observations((score,), references=references, performer_id=performer_id, record_class=record_class)[0]


@f.guard
def dated_score_from_fhir(observation: Mapping[str, Any], *, references: References) -> DatedScore:
    """The :class:`~iopcore.assessment.DatedScore` of a total-score Observation (LOINC or iopcore's codes).

    The patient is the iopcore id whose reference (in *references*) the subject holds; the band is
    the document's iopcore band interpretation, ``None`` without one.
    """
    read = Reader("dated_score_from_fhir", "$.observation")
    score = dated_score_from_observation(observation, codes=_LOCAL_CODES)
    patient = key_of(references, ReferenceKind.PATIENT, score.patient_id, "$.observation.subject.reference")
    band = None
    for i, concept in enumerate(read.items(observation, "interpretation", "", required=False)):
        if not isinstance(concept, Mapping):
            raise read.fail(f".interpretation[{i}]", "expected a CodeableConcept", "type")
        found = read.coding(concept, f".interpretation[{i}]", _BAND_SYSTEMS[score.instrument])
        if found is not None:
            band = found[0]
    labels = {b.label for s in INSTRUMENTS[score.instrument].schemes for b in s.bands}
    if band is not None and band not in labels:
        raise read.fail(".interpretation", f"expected a band of {score.instrument}", "unknown_code")
    return attrs.evolve(score, patient_id=patient, band=band)
