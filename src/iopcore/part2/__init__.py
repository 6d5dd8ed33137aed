"""42 CFR Part 2: consents, disclosure decisions, notices, accounting entries and labels, as data.

Rules are versioned values (:data:`PART2_PRE_2024_RULES`, :data:`PART2_2024_RULES`), chosen by
the caller and composable with a state's stricter rules. Every function is pure: the day of a
disclosure is a parameter. iopcore is not legal advice; the program's counsel sets its policies.
"""

from iopcore import _loaded
from iopcore.part2._authorities import (
    AuditAuthorization,
    AuthorityKind,
    CourtOrder,
    CourtOrderFinding,
    CourtOrderKind,
    DisclosureRequest,
    MedicalEmergency,
    QsoAgreement,
    ResearchApproval,
    ResearchBasis,
)
from iopcore.part2._consents import ConsentProblem, DecisionReason, validate_consent
from iopcore.part2._decide import AccountingEntry, DisclosureDecision, DisclosureNotice, decide
from iopcore.part2._labels import PART2_POLICY_LABEL, RESTRICTED_LABEL, SecurityLabel, part2_labels
from iopcore.part2._model import (
    TPO_PURPOSES,
    Consent,
    ConsentSignature,
    ConsentSigner,
    ConsentStatement,
    ExpiryEvent,
    Party,
    PartyClass,
    PartyKind,
    Purpose,
    RecordClass,
    RepresentativeBasis,
    Revocation,
)
from iopcore.part2._rules import (
    PART2_2024_RULES,
    PART2_PRE_2024_RULES,
    PART2_RULES,
    ConsentElement,
    Part2Rules,
    StateRestriction,
)

__all__ = [
    "PART2_2024_RULES",
    "PART2_POLICY_LABEL",
    "PART2_PRE_2024_RULES",
    "PART2_RULES",
    "RESTRICTED_LABEL",
    "TPO_PURPOSES",
    "AccountingEntry",
    "AuditAuthorization",
    "AuthorityKind",
    "Consent",
    "ConsentElement",
    "ConsentProblem",
    "ConsentSignature",
    "ConsentSigner",
    "ConsentStatement",
    "CourtOrder",
    "CourtOrderFinding",
    "CourtOrderKind",
    "DecisionReason",
    "DisclosureDecision",
    "DisclosureNotice",
    "DisclosureRequest",
    "ExpiryEvent",
    "MedicalEmergency",
    "Part2Rules",
    "Party",
    "PartyClass",
    "PartyKind",
    "Purpose",
    "QsoAgreement",
    "RecordClass",
    "RepresentativeBasis",
    "ResearchApproval",
    "ResearchBasis",
    "Revocation",
    "SecurityLabel",
    "StateRestriction",
    "decide",
    "part2_labels",
    "validate_consent",
]

_loaded.loaded(__name__)  # after every definition: the Hypothesis entry point may register them now
