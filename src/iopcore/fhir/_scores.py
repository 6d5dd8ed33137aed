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

import copy
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from iopcore import _fields as f
from iopcore.assessment import INSTRUMENTS, DatedScore, dated_score_from_observation
from iopcore.errors import ErrorItem, InvalidArgumentError
from iopcore.fhir._common import ReferenceKind, References, code_system, key_of, meta, reference_to
from iopcore.fhir._obs_shared import LOINC, UCUM, VERIFIED_LOINC, Reader
from iopcore.fhir._obs_shared import practitioner as practitioner_ref
from iopcore.part2 import RecordClass


def _refuse(path: str, message: str, rule: str) -> InvalidArgumentError:
    return InvalidArgumentError((ErrorItem(path=path, message=message, rule=rule),), callable="scores_to_fhir")


__all__ = ["SCREENING_ASSESSMENT_PROFILE", "score_from_fhir", "score_to_fhir", "scores_to_fhir"]

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


def _exported(scores: tuple[DatedScore, ...], refs: References, performer: Any, labels: Any) -> list[dict[str, Any]]:
    """The Observations of *scores*; parts that are the same for many (codes, labels, a patient's subject) are
    built once per call and shared by the resources of this call."""
    category = [{"coding": [dict(_SURVEY[0]["coding"][0])]}]
    codes: dict[str, dict[str, Any]] = {}
    bands: dict[tuple[str, str], list[dict[str, Any]]] = {}
    subjects: dict[str, dict[str, str]] = {}
    performers = None if performer is None else [performer]
    out: list[dict[str, Any]] = []
    for i, score in enumerate(scores):
        inst = score.instrument
        known = INSTRUMENTS.get(inst)
        if known is None:
            raise _refuse(f"$.scores[{i}].instrument", "expected a built-in instrument", "unknown_code")
        total = score.total
        whole = type(total) is int or (known.proration is None and total == int(total))
        if not whole and known.proration is None:
            raise _refuse(
                f"$.scores[{i}].total", f"expected a whole total ({known.name} is never prorated)", "prorated"
            )
        code = codes.get(inst)
        if code is None:
            code = codes[inst] = copy.deepcopy(_CODES[inst])
        subject = subjects.get(score.patient_id)
        if subject is None:
            path = f"$.scores[{i}].patient_id"
            subject = subjects[score.patient_id] = reference_to(refs, ReferenceKind.PATIENT, score.patient_id, path)
        obs: dict[str, Any] = {"resourceType": "Observation"}
        if labels is not None:
            obs["meta"] = labels
        obs["status"] = "final"
        obs["category"] = category
        obs["code"] = code
        obs["subject"] = subject
        obs["effectiveDateTime"] = score.on.isoformat()
        if performers is not None:
            obs["performer"] = performers
        if whole:
            obs["valueInteger"] = int(total)
        else:
            obs["valueQuantity"] = {"value": total, "unit": "{score}", "system": UCUM, "code": "{score}"}
        band = score.band
        if band is not None:
            concept = bands.get((inst, band))
            if concept is None:
                concept = bands[(inst, band)] = [
                    {"coding": [{"system": _BAND_SYSTEMS[inst], "code": band}], "text": band}
                ]
            obs["interpretation"] = concept
        out.append(obs)
    return out


@f.guard
def scores_to_fhir(
    scores: Iterable[DatedScore],
    references: References,
    *,
    performer_id: str | None = None,
    record_class: RecordClass = RecordClass.SUD_TREATMENT_RECORD,
) -> tuple[dict[str, Any], ...]:
    """One Observation (US Core Observation Screening Assessment) per dated score, in order.

    Each subject is the reference *references* holds for the score's patient; ``performer_id``
    is the practitioner key of who scored them. ``record_class`` sets the DS4P labels (a Part 2
    SUD treatment record by default). A non-whole total of a never-prorated instrument is refused.

    The Observations of one call share the parts that are the same for many of them (``meta``,
    ``category``, ``code``, a band's ``interpretation``, a patient's ``subject``): they are ready
    for ``json.dumps``; deep-copy one (``copy.deepcopy``) before changing it in place.
    """
    items = tuple(scores)
    for i, s in enumerate(items):
        if not isinstance(s, DatedScore):
            raise _refuse(f"$.scores[{i}]", "expected a DatedScore", "type")
    performer = practitioner_ref(references, performer_id, "$.performer_id")
    return tuple(_exported(items, references, performer, meta(record_class, profile=SCREENING_ASSESSMENT_PROFILE)))


@f.guard
def score_to_fhir(
    score: DatedScore,
    references: References,
    *,
    performer_id: str | None = None,
    record_class: RecordClass = RecordClass.SUD_TREATMENT_RECORD,
) -> dict[str, Any]:
    """The Observation of one dated score (see :func:`scores_to_fhir`)."""
    return scores_to_fhir((score,), references=references, performer_id=performer_id, record_class=record_class)[0]


@f.guard
def score_from_fhir(observation: Mapping[str, Any], references: References) -> DatedScore:
    """The :class:`~iopcore.assessment.DatedScore` of a total-score Observation (LOINC or iopcore's codes).

    The patient is the iopcore id whose reference (in *references*) the subject holds; the band is
    the document's iopcore band interpretation, ``None`` without one.
    """
    read = Reader("score_from_fhir", "$.observation")
    read.resource(observation, "Observation")
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
