"""Consent validation: every required element of §2.31(a), named with its paragraph, in both rule versions."""

from __future__ import annotations

from typing import Any

import pytest

from iopcore.part2 import (
    PART2_2024_RULES,
    PART2_PRE_2024_RULES,
    ConsentElement,
    ConsentSignature,
    ConsentSigner,
    ConsentStatement,
    ExpiryEvent,
    PartyClass,
    Purpose,
    validate_consent,
)
from tests.builders import part2_consent, tpo_consent

E = ConsentElement
S = ConsentStatement

MISSING_2024: list[tuple[str, dict[str, Any], ConsentElement, str]] = [
    ("patient", {"patient_id": None}, E.PATIENT_NAME, "§2.31(a)(1)"),
    ("discloser", {"disclosers": frozenset()}, E.DISCLOSER, "§2.31(a)(2)"),
    ("information", {"information": "  "}, E.INFORMATION, "§2.31(a)(3)"),
    ("recipient", {"recipients": frozenset()}, E.RECIPIENT, "§2.31(a)(4)(i)"),
    (
        "intermediary participants",
        {"recipients": frozenset(), "intermediaries": {"hie"}},
        E.INTERMEDIARY_PARTICIPANTS,
        "§2.31(a)(4)(ii)",
    ),
    ("purpose", {"purposes": frozenset()}, E.PURPOSE, "§2.31(a)(5)"),
    ("revocation statement", {"statements": set(S) - {S.RIGHT_TO_REVOKE}}, E.REVOCATION_STATEMENT, "§2.31(a)(6)"),
    (
        "TPO statements",
        {"statements": {S.RIGHT_TO_REVOKE, S.HIPAA_REDISCLOSURE}},
        E.TPO_STATEMENTS,
        "§2.31(a)(10)",
    ),
    ("expiry", {"expires_on": None}, E.EXPIRY, "§2.31(a)(7)"),
    ("signature", {"signatures": ()}, E.SIGNATURE, "§2.31(a)(8)"),
    ("date signed", {"signed_on": None}, E.DATE_SIGNED, "§2.31(a)(9)"),
]


@pytest.mark.parametrize(("what", "changes", "element", "section"), MISSING_2024, ids=[m[0] for m in MISSING_2024])
def test_each_missing_element_is_named_with_its_2024_paragraph(
    what: str, changes: dict[str, Any], element: ConsentElement, section: str
) -> None:
    """A consent lacking one element has exactly that problem, with the paragraph of §2.31(a) that requires it."""
    problems = validate_consent(part2_consent(**changes), PART2_2024_RULES)
    assert [(p.element, p.section) for p in problems] == [(element, section)]


@pytest.mark.parametrize(
    ("changes", "section"),
    [
        ({"patient_id": None}, "§2.31(a)(1)"),
        ({"recipients": frozenset()}, "§2.31(a)(4)(i)"),
        ({"signed_on": None}, "§2.31(a)(9)"),
    ],
)
def test_the_pre_2024_rule_names_its_own_paragraphs(changes: dict[str, Any], section: str) -> None:
    """The 2020 text (the last before 2024) names recipients in (a)(4)(i), as 2024 does (2017 numbered them otherwise)."""
    assert [p.section for p in validate_consent(part2_consent(**changes), PART2_PRE_2024_RULES)] == [section]


def test_a_complete_consent_has_no_problem_in_either_version() -> None:
    """The builders' named consent is complete under both versions; the TPO consent under 2024."""
    assert validate_consent(part2_consent(), PART2_2024_RULES) == ()
    assert validate_consent(part2_consent(), PART2_PRE_2024_RULES) == ()
    assert validate_consent(tpo_consent(), PART2_2024_RULES) == ()


def test_a_tpo_consent_needs_its_statements() -> None:
    """§2.31(a)(10) and (a)(4)(iii): the redisclosure-potential, refusal and HIPAA statements of a TPO consent."""
    problems = validate_consent(tpo_consent(statements={S.RIGHT_TO_REVOKE}), PART2_2024_RULES)
    assert {(p.element, p.section) for p in problems} == {
        (E.TPO_STATEMENTS, "§2.31(a)(10)"),
        (E.HIPAA_REDISCLOSURE_STATEMENT, "§2.31(a)(4)(iii)"),
    }


def test_the_pre_2024_rule_has_no_single_tpo_consent() -> None:
    """Before 2024 there is no consent for all future TPO uses: no purpose, a class of recipients, 'none' as expiry."""
    elements = {p.element for p in validate_consent(tpo_consent(), PART2_PRE_2024_RULES)}
    assert elements == {E.PURPOSE, E.RECIPIENT, E.EXPIRY}


def test_expiry_none_suffices_for_a_tpo_consent_only() -> None:
    """§2.31(a)(7) (2024): "none" suffices for a consent for treatment, payment or operations, not for research."""
    for_treatment = part2_consent(expires_on=None, expiry_event=ExpiryEvent.NONE)
    assert validate_consent(for_treatment, PART2_2024_RULES) == ()
    for_research = part2_consent(expires_on=None, expiry_event=ExpiryEvent.NONE, purposes={Purpose.RESEARCH})
    assert [(p.element, p.section) for p in validate_consent(for_research, PART2_2024_RULES)] == [
        (E.EXPIRY, "§2.31(a)(7)")
    ]
    mixed = part2_consent(expires_on=None, expiry_event=ExpiryEvent.NONE, purposes={Purpose.TREATMENT, Purpose.OTHER})
    assert [p.element for p in validate_consent(mixed, PART2_2024_RULES)] == [E.EXPIRY]
    end_of_treatment = part2_consent(expires_on=None, expiry_event=ExpiryEvent.END_OF_TREATMENT)
    assert validate_consent(end_of_treatment, PART2_2024_RULES) == ()


def test_before_2024_none_was_no_expiry() -> None:
    """Pre-2024 §2.31(a)(7) (iopcore's reading, unverified): a consent must name a date, event or condition."""
    for_treatment = part2_consent(expires_on=None, expiry_event=ExpiryEvent.NONE)
    assert [p.element for p in validate_consent(for_treatment, PART2_PRE_2024_RULES)] == [E.EXPIRY]


def test_any_2024_tpo_consent_needs_the_two_statements_and_pre_2024_none() -> None:
    """§2.31(a)(10) (2024): a consent for treatment, payment or operations, not only the single TPO consent, states
    the redisclosure potential and the consequences of refusing; a research consent need not."""
    bare = {S.RIGHT_TO_REVOKE, S.HIPAA_REDISCLOSURE}
    for_payment = part2_consent(statements=bare, purposes={Purpose.PAYMENT})
    assert [(p.element, p.section) for p in validate_consent(for_payment, PART2_2024_RULES)] == [
        (E.TPO_STATEMENTS, "§2.31(a)(10)")
    ]
    assert validate_consent(part2_consent(statements=bare, purposes={Purpose.RESEARCH}), PART2_2024_RULES) == ()
    assert validate_consent(for_payment, PART2_PRE_2024_RULES) == ()


def test_an_authorized_person_signs_with_a_basis() -> None:
    """§2.31(a)(8), §§2.14–2.15: a signature for the patient states why (minor, capacity, death)."""
    consent = part2_consent(signatures=(ConsentSignature(signer=ConsentSigner.AUTHORIZED_PERSON),))
    assert [(p.element, p.section) for p in validate_consent(consent, PART2_2024_RULES)] == [
        (E.SIGNATURE, "§2.31(a)(8)")
    ]


def test_intermediary_participants_by_class_are_limited_to_treating_providers() -> None:
    """§2.31(a)(4)(ii)(B): a general designation of an intermediary's participants is limited to treating providers."""
    ok = part2_consent(
        recipients=frozenset(), intermediaries={"hie"}, recipient_classes={PartyClass.TREATING_PROVIDERS}
    )
    assert validate_consent(ok, PART2_2024_RULES) == ()
    wide = part2_consent(
        recipients=frozenset(), intermediaries={"hie"}, recipient_classes={PartyClass.HEALTH_PLANS_AND_PAYERS}
    )
    assert [p.section for p in validate_consent(wide, PART2_2024_RULES)] == ["§2.31(a)(4)(ii)"]


def test_a_proceedings_consent_stands_alone_in_2024() -> None:
    """§2.31(d): a consent for use in proceedings against the patient is not combined with another purpose."""
    alone = part2_consent(purposes={Purpose.PROCEEDING_AGAINST_PATIENT})
    assert validate_consent(alone, PART2_2024_RULES) == ()
    combined = part2_consent(purposes={Purpose.PROCEEDING_AGAINST_PATIENT, Purpose.TREATMENT})
    assert [p.section for p in validate_consent(combined, PART2_2024_RULES)] == ["§2.31(d)"]


def test_a_counseling_notes_consent_is_not_a_tpo_consent() -> None:
    """§2.31(b)(2): a consent for SUD counseling notes may be combined only with another one for counseling notes."""
    problems = validate_consent(tpo_consent(counseling_notes=True), PART2_2024_RULES)
    assert [p.section for p in problems] == ["§2.31(b)(2)"]
