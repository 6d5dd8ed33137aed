"""Security labels for records Part 2 protects, for a FHIR export (``meta.security``).

The HL7 Data Segmentation for Privacy guide labels SUD records with the policy code ``42CFRPart2``
(HL7 v3 ActCode, under ``_ActPrivacyLaw``; it moved there from the deprecated ActUSPrivacyLaw code
system) and the confidentiality code ``R`` (restricted).
"""

from __future__ import annotations

from typing import final

import attrs

from iopcore import _fields as f
from iopcore.part2._model import RecordClass

__all__ = ["PART2_POLICY_LABEL", "RESTRICTED_LABEL", "SecurityLabel", "part2_labels"]


@final
@attrs.frozen(kw_only=True)
class SecurityLabel:
    """A coded security label (a FHIR ``Coding``: system, code, display)."""

    system: str = attrs.field(validator=f.text(max_length=200))
    code: str = attrs.field(validator=f.text(max_length=64))
    display: str = attrs.field(validator=f.text(max_length=200))


PART2_POLICY_LABEL = SecurityLabel(
    system="http://terminology.hl7.org/CodeSystem/v3-ActCode", code="42CFRPart2", display="42 CFR Part2"
)
"""The policy label: the record is protected by 42 CFR Part 2 (v3 ActCode ``42CFRPart2``)."""

RESTRICTED_LABEL = SecurityLabel(
    system="http://terminology.hl7.org/CodeSystem/v3-Confidentiality", code="R", display="restricted"
)
"""The confidentiality label DS4P pairs with it (v3 Confidentiality ``R``)."""

_PART2_CLASSES = frozenset({RecordClass.SUD_TREATMENT_RECORD, RecordClass.SUD_COUNSELING_NOTES})


@f.guard
def part2_labels(record_class: RecordClass) -> tuple[SecurityLabel, ...]:
    """The labels a record of *record_class* carries: both for Part 2 records, none for others."""
    if record_class in _PART2_CLASSES:
        return (RESTRICTED_LABEL, PART2_POLICY_LABEL)
    return ()
