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

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import attrs

from iopcore import _fields as f
from iopcore.assessment import INSTRUMENTS, DatedScore, dated_score_from_observation
from iopcore.errors import ErrorItem, InvalidArgumentError
from iopcore.fhir._common import ReferenceKind, References, code_system, key_of, meta, reference_pattern, reference_to
from iopcore.fhir._obs_shared import LOINC, UCUM, VERIFIED_LOINC, Reader
from iopcore.fhir._obs_shared import practitioner as practitioner_ref
from iopcore.fhir._readonly import frozen
from iopcore.part2 import RecordClass


def _refuse(path: str, message: str, rule: str) -> InvalidArgumentError:
    return InvalidArgumentError((ErrorItem(path=path, message=message, rule=rule),), callable="scores_to_fhir")


__all__ = ["SCREENING_ASSESSMENT_PROFILE", "score_from_fhir", "score_to_fhir", "scores_to_fhir"]

SCREENING_ASSESSMENT_PROFILE = (
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-screening-assessment"
)
TOTAL_SYSTEM = code_system("instrument-total")
_SURVEY = {
    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
    "code": "survey",
    "display": "Survey",
}


def band_system(instrument_id: str) -> str:
    """The code system of an instrument's band labels."""
    return code_system(f"{instrument_id.replace('_', '-')}-band")


def _code(instrument_id: str) -> dict[str, Any]:
    inst = INSTRUMENTS[instrument_id]
    display = f"{inst.name} total score"
    if instrument_id in VERIFIED_LOINC and inst.loinc_total is not None:
        return {"coding": [{"system": LOINC, "code": inst.loinc_total, "display": display}], "text": display}
    return {"coding": [{"system": TOTAL_SYSTEM, "code": instrument_id, "display": display}], "text": display}


def _interpretation(instrument_id: str, band: str) -> Any:
    return frozen([{"coding": [{"system": _BAND_SYSTEMS[instrument_id], "code": band}], "text": band}])


_LOCAL_CODES = {(TOTAL_SYSTEM, i): i for i in INSTRUMENTS}
_BAND_SYSTEMS = {i: band_system(i) for i in INSTRUMENTS}
# The parts that are the same for many Observations, built once and shared read-only (iopcore.fhir._readonly).
_CATEGORY = frozen([{"coding": [_SURVEY]}])
_CODES = {i: frozen(_code(i)) for i in INSTRUMENTS}
_INTERPRETATIONS = {
    (i, band.label): _interpretation(i, band.label)
    for i, inst in INSTRUMENTS.items()
    for s in inst.schemes
    for band in s.bands
}
_QUESTIONNAIRE_RESPONSE = reference_pattern("QuestionnaireResponse")


def _whole(i: int, score: DatedScore) -> bool:
    """Whether *score* (the *i*-th) is written as a whole ``valueInteger``; a built-in instrument and, for a
    never-prorated one, a whole total checked."""
    known = INSTRUMENTS.get(score.instrument)
    if known is None:
        raise _refuse(f"$.scores[{i}].instrument", "expected a built-in instrument", "unknown_code")
    total = score.total
    whole = type(total) is int or (known.proration is None and total == int(total))
    if not whole and known.proration is None:
        raise _refuse(f"$.scores[{i}].total", f"expected a whole total ({known.name} is never prorated)", "prorated")
    return whole


def _check_derived(items: tuple[DatedScore, ...], derived_from: Sequence[str | None]) -> None:
    """``derived_from``: empty, or one QuestionnaireResponse reference (or ``None``) per score."""
    if derived_from and len(derived_from) != len(items):
        raise _refuse(
            "$.derived_from",
            f"expected one reference (or None) per score, {len(items)}, got {len(derived_from)}",
            "length",
        )
    for i, source in enumerate(derived_from):
        if source is not None and _QUESTIONNAIRE_RESPONSE.match(source) is None:
            raise _refuse(
                f"$.derived_from[{i}]",
                "expected a reference to a QuestionnaireResponse (QuestionnaireResponse/<id>, an absolute URL "
                "ending so, or urn:uuid:), got a str that is not one",
                "reference",
            )


def _exported(
    scores: tuple[DatedScore, ...], refs: References, performer: Any, labels: Any, derived: Sequence[str | None]
) -> list[dict[str, Any]]:
    """The Observations of *scores*: what is the same for many (``meta``, ``category``, ``code``, a band's
    ``interpretation``, ``performer``, a patient's ``subject``) shared read-only, the rest (the resource, its
    ``valueQuantity`` and ``derivedFrom``) each its own."""
    subjects: dict[str, Any] = {}
    codes, category, interpretations, ucum = _CODES, _CATEGORY, _INTERPRETATIONS, UCUM
    out: list[dict[str, Any]] = []
    add = out.append
    for i, score in enumerate(scores):
        inst = score.instrument
        total = score.total
        whole = _whole(i, score)
        subject = subjects.get(score.patient_id)
        if subject is None:
            path = f"$.scores[{i}].patient_id"
            subject = subjects[score.patient_id] = frozen(
                reference_to(refs, ReferenceKind.PATIENT, score.patient_id, path)
            )
        band = score.band
        concept = None
        if band is not None:
            concept = interpretations.get((inst, band))
            if concept is None:
                concept = _interpretation(inst, band)
        source = derived[i] if derived else None
        obs: dict[str, Any] = {  # every key at once: the dict is sized once, absent ones deleted
            "resourceType": "Observation",
            "meta": labels,
            "status": "final",
            "category": category,
            "code": codes[inst],
            "subject": subject,
            "effectiveDateTime": score.on.isoformat(),
            "performer": performer,
            "valueInteger": int(total) if whole else None,
            "valueQuantity": None if whole else {"value": total, "unit": "{score}", "system": ucum, "code": "{score}"},
            "interpretation": concept,
            "derivedFrom": None if source is None else [{"reference": source}],
        }
        if performer is None:
            del obs["performer"]
        if whole:
            del obs["valueQuantity"]
        else:
            del obs["valueInteger"]
        if concept is None:
            del obs["interpretation"]
        if source is None:
            del obs["derivedFrom"]
        add(obs)
    return out


@f.guard
def scores_to_fhir(
    scores: Iterable[DatedScore],
    references: References,
    *,
    performer_id: str | None = None,
    record_class: RecordClass = RecordClass.SUD_TREATMENT_RECORD,
    derived_from: Sequence[str | None] = (),
) -> tuple[dict[str, Any], ...]:
    """One Observation (US Core Observation Screening Assessment) per dated score, in order.

    Each subject is the reference *references* holds for the score's patient; ``performer_id``
    is the practitioner key of who scored them. ``record_class`` sets the DS4P labels (a Part 2
    SUD treatment record by default). A non-whole total of a never-prorated instrument is refused.
    ``derived_from`` gives, in the scores' order, the reference of the QuestionnaireResponse each
    score was computed from (``QuestionnaireResponse/<id>``, an absolute URL ending so, or a
    ``urn:uuid:`` of a Bundle entry; ``None`` for a score without one), written as ``derivedFrom``;
    empty (the default) for none.

    Parts that are the same for many Observations (``meta``, ``category``, ``code``, a band's
    ``interpretation``, ``performer``, a patient's ``subject``) are shared read-only (:class:`~iopcore.errors.ReadOnlyElementError`
    on change); the rest of each is its own. ``copy.deepcopy`` gives a resource all of its own.
    """
    items = cast(tuple[DatedScore, ...], scores)  # the guard made it a tuple of DatedScores
    _check_derived(items, derived_from)
    performer = practitioner_ref(references, performer_id, "$.performer_id")
    labels = frozen(meta(record_class, profile=SCREENING_ASSESSMENT_PROFILE))
    return tuple(_exported(items, references, frozen([performer]) if performer else None, labels, derived_from))


@f.guard
def score_to_fhir(
    score: DatedScore,
    references: References,
    *,
    performer_id: str | None = None,
    record_class: RecordClass = RecordClass.SUD_TREATMENT_RECORD,
    derived_from: str | None = None,
) -> dict[str, Any]:
    """The Observation of one dated score (see :func:`scores_to_fhir`); ``derived_from`` the reference of
    the QuestionnaireResponse it was computed from, if any."""
    return scores_to_fhir(
        (score,),
        references=references,
        performer_id=performer_id,
        record_class=record_class,
        derived_from=(derived_from,),
    )[0]


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
