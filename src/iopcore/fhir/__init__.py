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

from iopcore.fhir._common import (
    FHIR_BASE,
    FHIR_VERSION,
    IDENTIFIER_BASE,
    ReferenceKind,
    References,
)
from iopcore.fhir._drugtests import drug_test_observations, drug_tests_from_fhir
from iopcore.fhir._obs_shared import VERIFIED_LOINC
from iopcore.fhir._questionnaires import (
    QUESTIONNAIRE_RESPONSE_PROFILE,
    questionnaire,
    questionnaire_response,
    responses_from_fhir,
)
from iopcore.fhir._scores import (
    SCREENING_ASSESSMENT_PROFILE,
    dated_score_from_fhir,
    score_observation,
    score_observations,
)
from iopcore.fhir._sessions import (
    ENCOUNTER_PROFILE,
    attendance_from_fhir,
    attendance_resources,
    occurrence_from_fhir,
    session_appointments,
)

__all__ = [
    "ENCOUNTER_PROFILE",
    "FHIR_BASE",
    "FHIR_VERSION",
    "IDENTIFIER_BASE",
    "QUESTIONNAIRE_RESPONSE_PROFILE",
    "SCREENING_ASSESSMENT_PROFILE",
    "VERIFIED_LOINC",
    "ReferenceKind",
    "References",
    "attendance_from_fhir",
    "attendance_resources",
    "dated_score_from_fhir",
    "drug_test_observations",
    "drug_tests_from_fhir",
    "occurrence_from_fhir",
    "questionnaire",
    "questionnaire_response",
    "responses_from_fhir",
    "score_observation",
    "score_observations",
    "session_appointments",
]
