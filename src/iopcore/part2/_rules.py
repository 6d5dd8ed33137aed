"""42 CFR Part 2 as data: what each rule version requires and permits, section by section.

A :class:`Part2Rules` value is the rule version a decision applies (an input, never derived from a
date: between 16 Apr 2024 and 16 Feb 2026 a program may follow either version). Two are built in,
:data:`PART2_PRE_2024_RULES` and :data:`PART2_2024_RULES`; a state's stricter rules are composed in
with :meth:`Part2Rules.with_state` and only ever remove allowances.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore.errors import ErrorItem, InvalidDataError
from iopcore.part2._authorities import AuthorityKind, CourtOrderFinding, CourtOrderKind
from iopcore.part2._model import TPO_PURPOSES, PartyKind, Purpose
from iopcore.sources import Evidence, Source

__all__ = [
    "PART2_2024_RULES",
    "PART2_PRE_2024_RULES",
    "PART2_RULES",
    "ConsentElement",
    "Part2Rules",
    "StateRestriction",
]


class ConsentElement(enum.StrEnum):
    """A required element of a written consent (§2.31(a)); the rule set maps each to its paragraph."""

    PATIENT_NAME = "patient_name"
    DISCLOSER = "discloser"
    """Who may make the use or disclosure."""
    INFORMATION = "information"
    """How much and what kind of information."""
    RECIPIENT = "recipient"
    INTERMEDIARY_PARTICIPANTS = "intermediary_participants"
    """For an intermediary: its member participants, named or designated (limited to treating providers)."""
    HIPAA_REDISCLOSURE_STATEMENT = "hipaa_redisclosure_statement"
    """For a covered entity or business associate receiving for TPO: records may be redisclosed under HIPAA,
    except for proceedings against the patient."""
    PURPOSE = "purpose"
    REVOCATION_STATEMENT = "revocation_statement"
    EXPIRY = "expiry"
    SIGNATURE = "signature"
    DATE_SIGNED = "date_signed"
    TPO_STATEMENTS = "tpo_statements"
    """For a single consent for all future TPO uses: the redisclosure-potential and refusal-consequences statements."""


def _sections(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    f.mapping_of(ConsentElement, str, description="ConsentElement → section")(inst, attribute, value)
    if not value:
        raise f.fail(attribute, "expected at least one required element, got an empty mapping", "min_length", inst)


def _authorities(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    f.mapping_of(AuthorityKind, str, description="AuthorityKind → section")(inst, attribute, value)
    for needed in (AuthorityKind.NOT_PART2, AuthorityKind.CONSENT):
        if needed not in value:
            raise f.fail(attribute, f"expected a section for AuthorityKind.{needed.name}, got none", "required", inst)
    if AuthorityKind.STATE_LAW in value:
        raise f.fail(attribute, "expected federal authorities only, got AuthorityKind.STATE_LAW", "state_law", inst)


def _findings(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    f.mapping_of(CourtOrderKind, frozenset, description="CourtOrderKind → findings")(inst, attribute, value)
    for kind, needed in value.items():
        if not all(isinstance(x, CourtOrderFinding) for x in needed):
            raise f.fail(f"$.{attribute.alias}.{kind.value}", "expected CourtOrderFinding members", "type", inst)


def _opt_section() -> Any:
    return attrs.field(default=None, validator=f.optional(f.text(max_length=64)))


@final
@attrs.frozen(kw_only=True)
class StateRestriction:
    """A state's rule stricter than Part 2 (Part 2 lets states be stricter, §2.20).

    It can only take allowances away: authorities the state does not honor, purposes and kinds of
    recipient it forbids for Part 2 records, a shorter life for consents (``consent_max_days`` after
    signing) and consents that must end on a date rather than an event. It applies to Part 2
    records only (a record Part 2 does not cover is outside it).
    """

    name: str = attrs.field(validator=f.text(max_length=200))
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))
    denied_authorities: frozenset[AuthorityKind] = attrs.field(
        repr=f.set_repr,
        default=frozenset(),
        converter=f.to_frozenset,
        validator=f.frozenset_of(AuthorityKind, "AuthorityKind members"),
    )
    denied_purposes: frozenset[Purpose] = attrs.field(
        repr=f.set_repr,
        default=frozenset(),
        converter=f.to_frozenset,
        validator=f.frozenset_of(Purpose, "Purpose members"),
    )
    denied_recipient_kinds: frozenset[PartyKind] = attrs.field(
        repr=f.set_repr,
        default=frozenset(),
        converter=f.to_frozenset,
        validator=f.frozenset_of(PartyKind, "PartyKind members"),
    )
    consent_max_days: int | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(f.to_int),
        validator=f.optional(f.integer(min_value=1, max_value=36_600)),
    )
    consent_requires_expiry_date: bool = attrs.field(default=False, validator=f.boolean())


@final
@attrs.frozen(kw_only=True)
class Part2Rules:
    """One version of 42 CFR Part 2 as data, every provision with its section.

    * ``consent_elements``: the required elements of a written consent and their paragraphs;
    * ``authorities``: the authorities other than consent this version knows, with their sections
      (``PUBLIC_HEALTH`` only from 2024);
    * the consent provisions that changed in 2024 are ``None`` where a version lacks them:
      ``single_tpo_consent`` (§2.31(a)(4)(i), §2.33(a)(2)), ``hipaa_redisclosure`` (§2.33(b)(1)),
      ``consent_redisclosure`` (§2.33(b)(2)), ``counseling_notes_consent`` (§2.31(b)(1)),
      ``counseling_notes_combination`` (§2.31(b)(2)), ``proceedings_consent`` (§2.31(d));
    * ``counseling_notes_orders`` and ``open_expiry_purposes``: the 2024 exceptions to the
      counseling-notes consent iopcore models, and the purposes for which "none" is an expiry;
    * ``court_order_findings``: the findings each kind of subpart E order must state, and
      ``program_order_limit`` (§2.66(d)(2));
    * the notice that accompanies a disclosure with consent (§2.32) and the accounting of disclosures
      (§2.25, with whether it is in force);
    * ``state_restrictions``: a state's stricter rules composed in (:meth:`with_state`).
    """

    name: str = attrs.field(validator=f.text(max_length=200))
    version: str = attrs.field(validator=f.text(max_length=64))
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))
    consent_elements: Mapping[ConsentElement, str] = attrs.field(converter=f.to_mapping, validator=_sections)
    authorities: Mapping[AuthorityKind, str] = attrs.field(converter=f.to_mapping, validator=_authorities)
    general_restriction: str = attrs.field(validator=f.text(max_length=64))
    """Records may be used or disclosed only as this part permits (§2.13(a))."""
    deficient_consent: str = attrs.field(validator=f.text(max_length=64))
    """§2.31(c): no disclosure on a consent that expired, is deficient on its face or is known to be revoked."""
    contractor_redisclosure: str = attrs.field(validator=f.text(max_length=64))
    """A lawful holder that received records for payment or operations may pass them to its contractors."""
    proceedings_restriction: str = attrs.field(validator=f.text(max_length=64))
    """Records may not be used in proceedings against the patient except as this part allows (§2.12(d))."""
    written_revocation: bool = attrs.field(validator=f.boolean())
    """Whether the rule asks for revocations in writing (an oral one is still honored, and flagged)."""
    single_tpo_consent: str | None = _opt_section()
    hipaa_redisclosure: str | None = _opt_section()
    consent_redisclosure: str | None = _opt_section()
    counseling_notes_consent: str | None = _opt_section()
    """2024: SUD counseling notes need a consent of their own (§2.31(b)(1))."""
    counseling_notes_combination: str | None = _opt_section()
    """2024: a counseling-notes consent may be combined only with another one for counseling notes (§2.31(b)(2))."""
    counseling_notes_orders: frozenset[CourtOrderKind] = attrs.field(
        repr=f.set_repr,
        default=frozenset(),
        converter=f.to_frozenset,
        validator=f.frozenset_of(CourtOrderKind, "CourtOrderKind members"),
    )
    """The kinds of court order that may authorize counseling notes without consent (2024: §2.31(b)(1)(ii)
    names §2.64, the noncriminal order; no other authority without consent is excepted)."""
    open_expiry_purposes: frozenset[Purpose] = attrs.field(
        repr=f.set_repr,
        default=frozenset(),
        converter=f.to_frozenset,
        validator=f.frozenset_of(Purpose, "Purpose members"),
    )
    """Purposes for which "none" is a sufficient expiry (2024 §2.31(a)(7): a consent for treatment, payment
    or health care operations); a consent whose purposes all fall in this set may say "none"."""
    proceedings_consent: str | None = _opt_section()
    court_order_findings: Mapping[CourtOrderKind, frozenset[CourtOrderFinding]] = attrs.field(
        converter=f.to_mapping, validator=_findings
    )
    court_order_sections: Mapping[CourtOrderKind, str] = attrs.field(
        converter=f.to_mapping, validator=f.mapping_of(CourtOrderKind, str, description="CourtOrderKind → section")
    )
    program_order_limit: str | None = _opt_section()
    """What a §2.66 order yields may not be used to investigate or prosecute a patient (§2.66(d)(2))."""
    notice_section: str = attrs.field(validator=f.text(max_length=64))
    notice_statement: str = attrs.field(validator=f.text(max_length=2000))
    """The short statement of §2.32(a)(2) (the longer (a)(1) statement may be used instead)."""
    consent_copy_section: str | None = _opt_section()
    """2024: the disclosure also carries a copy of the consent or a clear explanation of its scope."""
    accounting_section: str | None = _opt_section()
    accounting_in_force: bool = attrs.field(default=False, validator=f.boolean())
    """Whether §2.25 is enforced. False in the built-in 2024 rules: secondary sources say compliance is tolled
    until HIPAA's accounting standard is revised; the regulation text states no tolling (unverified; set it)."""
    emergency_documentation: tuple[str, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(str, description="strings")
    )
    """What the program records right after an emergency disclosure (§2.51(c))."""
    state_restrictions: tuple[StateRestriction, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(StateRestriction, description="StateRestriction items")
    )

    def __attrs_post_init__(self) -> None:
        missing = sorted(k.value for k in self.court_order_findings if k not in self.court_order_sections)
        if missing:
            raise InvalidDataError(
                [
                    ErrorItem(
                        path="$.court_order_sections",
                        message=f"expected a section for every kind of order with findings, missing {missing}",
                        rule="together",
                    )
                ],
                type_name="Part2Rules",
            )

    @f.guard
    def with_state(self, state: StateRestriction) -> Part2Rules:
        """These rules with a state's stricter rule composed in (it can only remove allowances)."""
        return attrs.evolve(self, state_restrictions=(*self.state_restrictions, state))

    @f.guard
    def section(self, element: ConsentElement) -> str | None:
        """The paragraph that requires *element* in this version, or ``None`` when it does not."""
        found: str | None = self.consent_elements.get(element)
        return found

    @f.guard
    def court_order_section(self, kind: CourtOrderKind) -> str | None:
        """The section whose criteria an order of *kind* must meet, or ``None`` when this version has none."""
        found: str | None = self.court_order_sections.get(kind)
        return found


_E = ConsentElement
_A = AuthorityKind
_K = CourtOrderKind
_F = CourtOrderFinding

_COURT_FINDINGS = {
    _K.NONCRIMINAL: frozenset({_F.OTHER_WAYS_UNAVAILABLE, _F.PUBLIC_INTEREST_OUTWEIGHS}),
    _K.CRIMINAL_INVESTIGATION_OF_PATIENT: frozenset(
        {
            _F.EXTREMELY_SERIOUS_CRIME,
            _F.SUBSTANTIAL_VALUE,
            _F.OTHER_WAYS_UNAVAILABLE,
            _F.PUBLIC_INTEREST_OUTWEIGHS,
            _F.PROGRAM_HEARD,
        }
    ),
    _K.INVESTIGATION_OF_PROGRAM: frozenset({_F.OTHER_WAYS_UNAVAILABLE, _F.PUBLIC_INTEREST_OUTWEIGHS}),
}
_COURT_SECTIONS = {
    _K.NONCRIMINAL: "§2.64(d)",
    _K.CRIMINAL_INVESTIGATION_OF_PATIENT: "§2.65(d)",
    _K.INVESTIGATION_OF_PROGRAM: "§2.66(c)",
}
_EMERGENCY_DOCUMENTATION = (
    "the name of the medical personnel to whom disclosure was made and their affiliation with any health care facility",
    "the name of the person making the disclosure",
    "the date and time of the disclosure",
    "the nature of the emergency",
)

_UNCHANGED_ELEMENTS = {
    _E.PATIENT_NAME: "§2.31(a)(1)",
    _E.DISCLOSER: "§2.31(a)(2)",
    _E.INFORMATION: "§2.31(a)(3)",
    _E.PURPOSE: "§2.31(a)(5)",
    _E.REVOCATION_STATEMENT: "§2.31(a)(6)",
    _E.EXPIRY: "§2.31(a)(7)",
    _E.SIGNATURE: "§2.31(a)(8)",
    _E.DATE_SIGNED: "§2.31(a)(9)",
}
"""The elements whose paragraphs both versions share (the wording of some changed)."""
_UNCHANGED_AUTHORITIES = {
    _A.NOT_PART2: "§2.12(a)",
    _A.QSO_AGREEMENT: "§2.12(c)(4)",
    _A.MEDICAL_EMERGENCY: "§2.51(a)",
    _A.RESEARCH: "§2.52(a)",
    _A.AUDIT_OR_EVALUATION: "§2.53",
    _A.COURT_ORDER: "§2.61",
}
_SHARED: dict[str, Any] = {
    "general_restriction": "§2.13(a)",
    "deficient_consent": "§2.31(c)",
    "proceedings_restriction": "§2.12(d)(1)",
    "court_order_findings": _COURT_FINDINGS,
    "court_order_sections": _COURT_SECTIONS,
    "notice_section": "§2.32(a)",
    "program_order_limit": "§2.66(d)(2)",
    "emergency_documentation": _EMERGENCY_DOCUMENTATION,
}

_ECFR_2024 = "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2"
_ECFR_2020 = "https://www.ecfr.gov/cgi-bin/retrieveECFR?gp=&mc=true&r=SECTION&n=se42.1.2_132"

PART2_PRE_2024_RULES = Part2Rules(
    name="42 CFR part 2 (pre-2024)",
    version="2020",
    source=Source(
        citation="42 CFR part 2, 82 FR 6115 (18 Jan 2017), as amended at 83 FR 251 (3 Jan 2018) and 85 FR 43037 (15 Jul 2020)",
        urls=(
            _ECFR_2020,
            "https://www.law.cornell.edu/cfr/text/42/2.32",
            "https://dev.compliancecosmos.org/consent-requirements",
        ),
        evidence=Evidence.SECONDARY,
        note=(
            "Verified in the eCFR text as of 29 Sep 2020: §2.32(a) and its short statement. "
            "Read in a third-party copy of the 2020 text: §2.31(a)(1)-(4) (recipients by name in (a)(4)(i), "
            "the participants of an exchange or research institution in (a)(4)(ii); the 2017 text numbered "
            "them (a)(4)(iii)(B)). Read only in summaries or inferred from the 2024 text's amendment history (unverified, "
            "to be confirmed): the paragraphs of §2.31(a)(1)-(9), §2.33(b), §2.51, §2.52 and the subpart E "
            "criteria as they stood before 2024, and that no consent could authorize use in proceedings "
            "against the patient; iopcore's reading, to be confirmed by the program's counsel"
        ),
    ),
    consent_elements={
        **_UNCHANGED_ELEMENTS,
        _E.RECIPIENT: "§2.31(a)(4)(i)",
        _E.INTERMEDIARY_PARTICIPANTS: "§2.31(a)(4)(ii)",
    },
    authorities={**_UNCHANGED_AUTHORITIES, _A.CONSENT: "§2.33(a)"},
    contractor_redisclosure="§2.33(b)",
    written_revocation=False,
    notice_statement="42 CFR part 2 prohibits unauthorized disclosure of these records.",
    **_SHARED,
)
"""The rule as it stood before the 2024 final rule (the 2017 revision as amended in 2018 and 2020)."""

PART2_2024_RULES = Part2Rules(
    name="42 CFR part 2 (2024 final rule)",
    version="2024",
    source=Source(
        citation=(
            "42 CFR part 2 as amended by 89 FR 12472 (16 Feb 2024; effective 16 Apr 2024, compliance by 16 Feb 2026)"
        ),
        urls=(
            _ECFR_2024,
            f"{_ECFR_2024}/subpart-C/section-2.31",
            f"{_ECFR_2024}/subpart-C/section-2.32",
            f"{_ECFR_2024}/subpart-C/section-2.33",
            f"{_ECFR_2024}/subpart-B/section-2.25",
            f"{_ECFR_2024}/subpart-E",
            "https://www.federalregister.gov/d/2024-02544",
        ),
        evidence=Evidence.VERIFIED,
        note=(
            "Every section number and element here was read in the eCFR text of part 2 as amended by "
            "89 FR 12472 (§§2.11-2.15, 2.20, 2.24-2.26, 2.31-2.33, 2.51-2.54, 2.61-2.67), including the "
            "paragraphs of §2.31(a)(5)-(10), (b), (c), (d), the §2.32(a)(2) statement and the subpart E criteria. "
            "Not confirmed in the text (unverified, configurable): that compliance with §2.25 is tolled "
            "(accounting_in_force=False; the regulation text itself states no tolling). iopcore's reading, to be "
            "confirmed by the program's counsel"
        ),
    ),
    consent_elements={
        **_UNCHANGED_ELEMENTS,
        _E.RECIPIENT: "§2.31(a)(4)(i)",
        _E.INTERMEDIARY_PARTICIPANTS: "§2.31(a)(4)(ii)",
        _E.HIPAA_REDISCLOSURE_STATEMENT: "§2.31(a)(4)(iii)",
        _E.TPO_STATEMENTS: "§2.31(a)(10)",
    },
    authorities={**_UNCHANGED_AUTHORITIES, _A.CONSENT: "§2.33(a)(1)", _A.PUBLIC_HEALTH: "§2.54"},
    contractor_redisclosure="§2.33(b)(3)",
    written_revocation=True,
    single_tpo_consent="§2.33(a)(2)",
    hipaa_redisclosure="§2.33(b)(1)",
    consent_redisclosure="§2.33(b)(2)",
    counseling_notes_consent="§2.31(b)(1)",
    counseling_notes_combination="§2.31(b)(2)",
    counseling_notes_orders=frozenset({_K.NONCRIMINAL}),
    open_expiry_purposes=frozenset(TPO_PURPOSES),
    proceedings_consent="§2.31(d)",
    notice_statement="42 CFR part 2 prohibits unauthorized use or disclosure of these records.",
    consent_copy_section="§2.32(b)",
    accounting_section="§2.25",
    accounting_in_force=False,
    **_SHARED,
)
"""The rule as amended by the 2024 final rule (89 FR 12472); the default."""

PART2_RULES: f.FrozenMap[str, Part2Rules] = f.FrozenMap(
    {PART2_PRE_2024_RULES.version: PART2_PRE_2024_RULES, PART2_2024_RULES.version: PART2_2024_RULES}
)
"""The built-in rule versions by ``version`` (``"2020"``, ``"2024"``)."""
