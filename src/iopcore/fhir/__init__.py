"""FHIR R4 (4.0.1) in and out: iopcore values as the resources EHRs exchange, as plain JSON dicts.

No run-time dependency: resources are ``dict``s ready for ``json.dumps`` and imports read
``dict``s from ``json.loads``. Every resource refers to the patient, staff and organizations
only through the :class:`References` the application passes (no name, birth date or record
number is copied in), carries the HL7 DS4P security labels of a 42 CFR Part 2 record
(confidentiality ``R``, policy ``42CFRPart2``) unless told the record is not one, and has an
id derived from what identifies it (the same values give the same ids).

iopcore's own extensions and code systems live under :data:`FHIR_BASE`; each is defined in
the FHIR mappings reference (``docs/reference/fhir-mappings.md``).
"""

from iopcore import _loaded
from iopcore.fhir._bundle import PatientRecords, bundle, bundle_resources, patient_bundle, read_patient_bundle
from iopcore.fhir._common import (
    FHIR_BASE,
    FHIR_VERSION,
    IDENTIFIER_BASE,
    ReferenceKind,
    References,
)
from iopcore.fhir._consent import consent_from_fhir, consent_to_fhir
from iopcore.fhir._drugtests import drug_tests_from_fhir, drug_tests_to_fhir
from iopcore.fhir._episode import episode_from_fhir, episode_to_fhir
from iopcore.fhir._ndjson import drug_tests_to_ndjson, scores_to_ndjson
from iopcore.fhir._obs_shared import VERIFIED_LOINC
from iopcore.fhir._plan import (
    CARE_PLAN_PROFILE,
    CONDITION_PROFILE,
    GOAL_PROFILE,
    care_plan_from_fhir,
    care_plan_to_fhir,
)
from iopcore.fhir._questionnaires import (
    QUESTIONNAIRE_RESPONSE_PROFILE,
    questionnaire_to_fhir,
    responses_from_fhir,
    responses_to_fhir,
)
from iopcore.fhir._scores import SCREENING_ASSESSMENT_PROFILE, score_from_fhir, score_to_fhir, scores_to_fhir
from iopcore.fhir._sessions import (
    ENCOUNTER_PROFILE,
    attendance_from_fhir,
    attendance_to_fhir,
    session_from_fhir,
    sessions_to_fhir,
)

__all__ = [
    "CARE_PLAN_PROFILE",
    "CONDITION_PROFILE",
    "ENCOUNTER_PROFILE",
    "FHIR_BASE",
    "FHIR_VERSION",
    "GOAL_PROFILE",
    "IDENTIFIER_BASE",
    "QUESTIONNAIRE_RESPONSE_PROFILE",
    "SCREENING_ASSESSMENT_PROFILE",
    "VERIFIED_LOINC",
    "PatientRecords",
    "ReferenceKind",
    "References",
    "attendance_from_fhir",
    "attendance_to_fhir",
    "bundle",
    "bundle_resources",
    "care_plan_from_fhir",
    "care_plan_to_fhir",
    "consent_from_fhir",
    "consent_to_fhir",
    "drug_tests_from_fhir",
    "drug_tests_to_fhir",
    "drug_tests_to_ndjson",
    "episode_from_fhir",
    "episode_to_fhir",
    "patient_bundle",
    "questionnaire_to_fhir",
    "read_patient_bundle",
    "responses_from_fhir",
    "responses_to_fhir",
    "score_from_fhir",
    "score_to_fhir",
    "scores_to_fhir",
    "scores_to_ndjson",
    "session_from_fhir",
    "sessions_to_fhir",
]

_loaded.loaded(__name__)  # after every definition: the Hypothesis entry point may register them now
