"""Plan policies: when the first plan is due, how often it is reviewed, who must sign — as data with sources.

Values come from the project's research notes (``shared/domain/facts.md`` §5);
evidence levels map [V] → VERIFIED, [S] → SECONDARY, [U] → UNVERIFIED.
Users build their own :class:`PlanPolicy` for their state, payer or accreditor.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import final

import attrs
from dateutil.relativedelta import relativedelta

from iopcore import _fields as f
from iopcore.errors import InvalidDataError
from iopcore.plans._model import PlanStatus, Signer, TreatmentPlan
from iopcore.sources import Evidence, Source

__all__ = [
    "DISTRICT_OF_COLUMBIA_IOP_POLICY",
    "ILLINOIS_LEVEL_II_2060_423_POLICY",
    "KANSAS_IOP_POLICY",
    "MONTANA_LEVEL_2_5_POLICY",
    "PENNSYLVANIA_709_123_POLICY",
    "PLAN_POLICIES",
    "WASHINGTON_IOP_POLICY",
    "PlanPolicy",
    "Span",
    "SpanUnit",
    "initial_plan_due",
    "is_overdue",
    "next_review_due",
]


class SpanUnit(enum.StrEnum):
    """Calendar units of a :class:`Span`."""

    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"


@final
@attrs.frozen(kw_only=True)
class Span:
    """A calendar span such as 7 days or 1 month, applied with ``dateutil.relativedelta``.

    Month spans keep the day of the month and clamp at month ends
    (31 January + 1 month = 28 or 29 February).
    """

    count: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0, max_value=10_000))
    unit: SpanUnit = attrs.field(default=SpanUnit.DAYS, validator=f.enum_member(SpanUnit))

    @property
    def delta(self) -> relativedelta:
        """The span as a ``relativedelta``."""
        if self.unit is SpanUnit.MONTHS:
            return relativedelta(months=self.count)
        if self.unit is SpanUnit.WEEKS:
            return relativedelta(weeks=self.count)
        return relativedelta(days=self.count)

    @f.guard
    def after(self, day: date) -> date:
        """The date one span after *day* (an error at ``$.day`` if that is past the calendar's last day)."""
        return _after(self, day, "$.day")

    def __str__(self) -> str:
        return f"{self.count} {self.unit.value}"


@final
@attrs.frozen(kw_only=True)
class PlanPolicy:
    """When a plan is due, how often it is reviewed and who must sign it before it is active.

    ``None`` for a span means the policy sets no such deadline.
    """

    id: str = attrs.field(validator=f.identifier())
    name: str = attrs.field(validator=f.text())
    initial_plan_within: Span | None = attrs.field(default=None, validator=f.optional(f.instance(Span, "a Span")))
    """The first plan is due this long after admission."""
    review_every: Span | None = attrs.field(default=None, validator=f.optional(f.instance(Span, "a Span")))
    """An active plan is reviewed at least this often (from its last review, else its effective date)."""
    required_signers: frozenset[Signer] = attrs.field(
        repr=f.set_repr,
        default=frozenset(),
        converter=f.to_frozenset,
        validator=f.frozenset_of(Signer, "Signer members"),
    )
    """Signers an active plan must carry."""
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))


def _shifted(span: Span, day: date) -> date | None:
    """*day* plus *span*, or ``None`` when that falls past ``date.max``."""
    try:
        result: date = day + span.delta
    except (OverflowError, ValueError):  # date + days overflows; + months builds year 10000
        return None
    return result


def _after(span: Span, day: date, path: str) -> date:
    result = _shifted(span, day)
    if result is None:
        raise InvalidDataError.single(
            path, f"expected a date at least {span} before the calendar's last day, got a later date", "range"
        )
    return result


@f.guard
def initial_plan_due(admitted_on: date, policy: PlanPolicy) -> date | None:
    """The date the first plan is due for a patient admitted on *admitted_on* (``None`` if no deadline)."""
    if policy.initial_plan_within is None:
        return None
    return _after(policy.initial_plan_within, admitted_on, "$.admitted_on")


@f.guard
def next_review_due(plan: TreatmentPlan, policy: PlanPolicy) -> date | None:
    """When an active plan must next be reviewed; ``None`` if not active or the policy sets no interval.

    A review base so late that the due date would fall past the calendar's last day is an
    error at ``$.plan.review_base``.
    """
    if plan.status is not PlanStatus.ACTIVE or policy.review_every is None:
        return None
    return _after(policy.review_every, plan.review_base, "$.plan.review_base")


@f.guard
def is_overdue(plan: TreatmentPlan, policy: PlanPolicy, today: date) -> bool:
    """Whether the review of an active plan is past due on *today* (due on the day itself is not overdue).

    A review due past the calendar's last day is never overdue.
    """
    if plan.status is not PlanStatus.ACTIVE or policy.review_every is None:
        return False
    due = _shifted(policy.review_every, plan.review_base)
    return due is not None and today > due


# ----------------------------------------------------------------------------- named policies

_V, _U = Evidence.VERIFIED, Evidence.UNVERIFIED
_BOTH = frozenset({Signer.PATIENT, Signer.CLINICIAN})

KANSAS_IOP_POLICY = PlanPolicy(
    id="kansas_iop",
    name="Kansas IOP (K.A.R. R03-606, R03-704)",
    initial_plan_within=Span(count=7),
    review_every=None,
    required_signers=_BOTH,
    source=Source(
        citation="Kansas standards R03-606 and R03-704: plan within 7 days of admission for residential and IOP; "
        "dated staff signature(s) and client signature and date",
        urls=(
            "http://www.aging.ks.gov/WebCourses/StandardsTrainingTool/section_6/R03606.html",
            "http://www.aging.ks.gov/WebCourses/StandardsTrainingTool/section_7/R03704.html",
        ),
        evidence=_V,
        note="The plan records a date of review; the research found an update interval (90 days) only for "
        "outpatient plans, so no IOP review interval is set here.",
    ),
)
"""Kansas: IOP plan within 7 days of admission, signed by client and staff [V]."""

DISTRICT_OF_COLUMBIA_IOP_POLICY = PlanPolicy(
    id="district_of_columbia_iop",
    name="District of Columbia Level 2.1 (22-A DCMR §6329)",
    initial_plan_within=Span(count=7),
    review_every=None,
    required_signers=frozenset(),
    source=Source(
        citation="District of Columbia 22-A DCMR §6329: ongoing assessment within 7 calendar days of admission if no "
        "comprehensive assessment at intake; assessment and plan update before planned discharge",
        urls=("http://dcrules.elaws.us/dcmr/22-a6329",),
        evidence=_U,
        note="The 7 days are stated for the ongoing assessment, not verified as a plan deadline; check before use.",
    ),
)
"""District of Columbia: 7 calendar days (stated for the ongoing assessment; as a plan deadline [U])."""

PENNSYLVANIA_709_123_POLICY = PlanPolicy(
    id="pennsylvania_709_123",
    name="Pennsylvania 28 Pa. Code 709.123 (inpatient activity)",
    review_every=Span(count=30),
    source=Source(
        citation="28 Pa. Code 709.123: plan reviewed and updated every 30 days (15 days if the regimen is under 30 days)",
        urls=(
            "https://print.casetext.com/regulation/pennsylvania-code-rules-and-regulations/title-28-health-and-safety/"
            "part-v-department-of-drug-and-alcohol-programs/chapter-709-standards-for-licensure-of-freestanding-"
            "treatment-facilities/subchapter-k-standards-for-inpatient-hospital-drug-and-alcohol-activities-offered-"
            "in-freestanding-psychiatric-hospitals/section-709123-treatment-and-rehabilitation",
        ),
        evidence=_V,
        note="A standard for inpatient activities; the 15-day variant for regimens under 30 days is not modelled.",
    ),
)
"""Pennsylvania 709.123: review every 30 days [V] (an inpatient standard)."""

ILLINOIS_LEVEL_II_2060_423_POLICY = PlanPolicy(
    id="illinois_level_ii_2060_423",
    name="Illinois Level II continued-stay review (77 Ill. Adm. Code 2060.423, older rule)",
    review_every=Span(count=30),
    required_signers=_BOTH,
    source=Source(
        citation="77 Ill. Adm. Code 2060.423: continued-stay review every 30 days or every 27 hours of treatment for "
        "Level II; 2060.440: plan signed and dated by patient and staff",
        urls=(
            "https://www.ilga.gov/commission/jcar/admincode/077/077020600D04230R.html",
            "https://ilga.gov/ftp/JCAR/AdminCode/077/077020600D04400R.html",
        ),
        evidence=_U,
        note="2060.423 may be superseded; the 27-hour alternative is not modelled.",
    ),
)
"""Illinois (older 2060.423): Level II review every 30 days; possibly superseded [U]."""

MONTANA_LEVEL_2_5_POLICY = PlanPolicy(
    id="montana_level_2_5",
    name="Montana Level 2.5 (ARM 37.106.1440)",
    review_every=Span(count=14),
    required_signers=_BOTH,
    source=Source(
        citation="ARM 37.106.1440: plan reviews every 14 days for Level 2.5; plan elements include signatures",
        urls=("https://rules.mt.gov/gateWay/Print_RV.Asp?RV=54341",),
        evidence=_V,
        note="The outpatient initial-plan rule (5 contacts or 21 days from first contact, whichever is later) "
        "counts contacts and is not modelled; which signatures are required is read from the plan-element list.",
    ),
)
"""Montana Level 2.5: review every 14 days [V]."""

WASHINGTON_IOP_POLICY = PlanPolicy(
    id="washington_iop",
    name="Washington Level II IOP (WAC 388-877B-0350, 2015)",
    review_every=Span(count=1, unit=SpanUnit.MONTHS),
    source=Source(
        citation="WAC 388-877B-0350 (2015 version): IOP plan review at least monthly",
        urls=(
            "https://global-regulation.com/law/united-states/999286/wac-388-877b-0350%253a-chemical-dependency-"
            "outpatient-treatment-services-requiring-program-specific-certification-level-ii-intensive-outpatient-"
            "services.html",
        ),
        evidence=Evidence.SECONDARY,
        note="Read in a copy of the 2015 text; the initial plan is due before treatment participation (not modelled).",
    ),
)
"""Washington IOP: review at least monthly [S]."""

PLAN_POLICIES: tuple[PlanPolicy, ...] = (
    KANSAS_IOP_POLICY,
    DISTRICT_OF_COLUMBIA_IOP_POLICY,
    PENNSYLVANIA_709_123_POLICY,
    ILLINOIS_LEVEL_II_2060_423_POLICY,
    MONTANA_LEVEL_2_5_POLICY,
    WASHINGTON_IOP_POLICY,
)
"""Every built-in plan policy."""
