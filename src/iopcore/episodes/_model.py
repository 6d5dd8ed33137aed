"""Episode values: admission, level periods, phases, payer authorizations, discharge and the episode itself."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date
from typing import Any, final

import attrs
from dateutil.relativedelta import relativedelta

from iopcore import _fields as f
from iopcore._fields import _html as h
from iopcore.errors import ErrorItem, InvalidDataError
from iopcore.sources import Evidence, Source
from iopcore.times import DateRange, StayCounting, count_stay_days

__all__ = [
    "ENTRY_ROUTES_SOURCE",
    "PHASES_SOURCE",
    "Admission",
    "Authorization",
    "AuthorizationUnit",
    "Discharge",
    "DischargeReason",
    "EntryRoute",
    "Episode",
    "IopPhase",
    "LevelPeriod",
    "PhasePeriod",
]

ENTRY_ROUTES_SOURCE = Source(
    citation="SAMHSA 2021 Advisory based on TIP 47: IOP entered as primary treatment, as a step-down from inpatient, "
    "residential or withdrawal management, or as a step-up from outpatient",
    urls=(
        "https://www.zlibrary.cc/dl/samhsa-advisory-2021-clinical-issues-in-intensive-outpatient-treatment-for-substance-use-disorders",
    ),
    evidence=Evidence.SECONDARY,
)
"""Where the entry routes come from."""

PHASES_SOURCE = Source(
    citation="SAMHSA TIP 47 (2006) ch. 3 four sequential phases, named by secondary sources: treatment engagement, "
    "early recovery, maintenance, community support",
    urls=(
        "https://workzoneapparel.com/article/chapter-3-intensive-outpatient-treatment-and-the-continuum-of-care/3338",
        "https://treatment-faq.com/how-many-hours-a-week-is-outpatient-level-of-care-in-treatment",
        "https://aquilarecovery.com/blog/what-are-the-four-stages-of-an-iop-treatment",
    ),
    evidence=Evidence.SECONDARY,
    note="Phase durations and hours are not given by the sources; each phase's intensity is the program's choice.",
)
"""Where the IOP phase names come from (durations are deliberately not modelled)."""


class EntryRoute(enum.StrEnum):
    """How the patient entered the episode (see :data:`ENTRY_ROUTES_SOURCE`)."""

    PRIMARY = "primary"
    STEP_DOWN_FROM_INPATIENT = "step_down_from_inpatient"
    STEP_DOWN_FROM_RESIDENTIAL = "step_down_from_residential"
    STEP_DOWN_FROM_WITHDRAWAL_MANAGEMENT = "step_down_from_withdrawal_management"
    STEP_UP_FROM_OUTPATIENT = "step_up_from_outpatient"


class IopPhase(enum.StrEnum):
    """The four phases of IOP treatment (TIP 47 via secondary sources, :data:`PHASES_SOURCE`)."""

    ENGAGEMENT = "engagement"
    EARLY_RECOVERY = "early_recovery"
    MAINTENANCE = "maintenance"
    COMMUNITY_SUPPORT = "community_support"


class DischargeReason(enum.StrEnum):
    """Why an episode ended."""

    COMPLETED = "completed"
    AGAINST_ADVICE = "against_advice"
    TRANSFERRED = "transferred"
    ADMINISTRATIVE = "administrative"


class AuthorizationUnit(enum.StrEnum):
    """What a payer authorization counts."""

    DAYS = "days"
    """Treatment days: days with at least one service (per-diem days)."""
    UNITS = "units"
    """Billing units or sessions, as the payer defines them."""
    CALENDAR_DAYS = "calendar_days"
    """Calendar days from the authorization's first date, whether or not the patient attends."""


def _code() -> f.Validator:
    return f.text(max_length=32)


@final
@attrs.frozen(kw_only=True)
class Admission:
    """The start of an episode: date, first level delivered, entry route and referral source."""

    on: date = attrs.field(validator=f.calendar_date())
    level_code: str = attrs.field(validator=_code())
    entry_route: EntryRoute = attrs.field(validator=f.enum_member(EntryRoute))
    referral_source: str = attrs.field(validator=f.text(max_length=200))
    """Who referred the patient, e.g. ``"self"``, ``"court"``, ``"residential program"`` (never a person's name)."""
    from_level_code: str | None = attrs.field(default=None, validator=f.optional(_code()))
    """The level the patient came from on a step-down or step-up entry (same catalog), if known."""


@final
@attrs.frozen(kw_only=True)
class LevelPeriod:
    """A stretch of the episode at one delivered level, with the recommended and payer-authorized levels.

    ``end`` is inclusive; ``None`` means ongoing. Real programs record the three
    levels separately because they differ: the assessment recommends 2.5, the
    program delivers 2.1, the payer authorizes 2.1.
    """

    level_code: str = attrs.field(validator=_code())
    """The level delivered."""
    start: date = attrs.field(validator=f.calendar_date())
    end: date | None = attrs.field(default=None, validator=f.optional(f.calendar_date()))
    recommended_code: str | None = attrs.field(default=None, validator=f.optional(_code()))
    authorized_code: str | None = attrs.field(default=None, validator=f.optional(_code()))
    reason: str = attrs.field(default="", validator=f.instance(str, "a string"))
    """Why the patient entered this level (admission, step-down, step-up …)."""

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise f.fail("$.end", "expected an end on or after start, got an earlier date", "order", self)

    @property
    def matches_recommendation(self) -> bool:
        """Whether the delivered level is the recommended one (``True`` when none was recorded)."""
        return self.recommended_code is None or self.recommended_code == self.level_code

    @property
    def matches_authorization(self) -> bool:
        """Whether the delivered level is the authorized one (``True`` when none was recorded)."""
        return self.authorized_code is None or self.authorized_code == self.level_code

    @f.guard
    def length(self, as_of: date | None = None) -> relativedelta:
        """Time from ``start`` to ``end`` (or to *as_of* while ongoing), as a ``relativedelta``."""
        return relativedelta(_until(self.end, as_of, self.start), self.start)


def _until(end: date | None, as_of: date | None, start: date) -> date:
    """*end*, or *as_of* for something ongoing since *start* (which *as_of* may not precede)."""
    if end is not None:
        return end
    if as_of is None:
        raise InvalidDataError.single("$.as_of", "expected a date for an ongoing period, got None", "missing")
    if as_of < start:
        raise InvalidDataError.single("$.as_of", "expected a date on or after the start, got an earlier date", "order")
    return as_of


@final
@attrs.frozen(kw_only=True)
class PhasePeriod:
    """A stretch of IOP treatment in one phase, with its own intensity (days and hours a week)."""

    phase: IopPhase = attrs.field(validator=f.enum_member(IopPhase))
    start: date = attrs.field(validator=f.calendar_date())
    end: date | None = attrs.field(default=None, validator=f.optional(f.calendar_date()))
    days_per_week: int | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(f.to_int),
        validator=f.optional(f.integer(min_value=1, max_value=7)),
    )
    hours_per_week: float | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(f.to_float),
        validator=f.optional(f.number(min_value=0, max_value=168)),
    )

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise f.fail("$.end", "expected an end on or after start, got an earlier date", "order", self)


@final
@attrs.frozen(kw_only=True)
class Authorization:
    """A payer's authorization: how many days or units at which level, over which dates, next review."""

    id: str = attrs.field(validator=f.identifier())
    payer: str = attrs.field(validator=f.text(max_length=200))
    level_code: str = attrs.field(validator=_code())
    amount: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=1))
    unit: AuthorizationUnit = attrs.field(default=AuthorizationUnit.DAYS, validator=f.enum_member(AuthorizationUnit))
    dates: DateRange = attrs.field(validator=f.instance(DateRange, "a DateRange"))
    next_review_on: date | None = attrs.field(default=None, validator=f.optional(f.calendar_date()))
    """The next utilization-review date."""

    def __attrs_post_init__(self) -> None:
        if self.next_review_on is not None and self.next_review_on < self.dates.first:
            raise f.fail(
                "$.next_review_on",
                "expected a review date on or after the authorization starts, got an earlier date",
                "order",
                self,
            )
        if self.unit is not AuthorizationUnit.UNITS and self.amount > self.dates.days:
            raise f.fail(
                "$.amount", "expected no more authorized days than the date range holds, got more", "range", self
            )

    @f.guard
    def review_due(self, today: date) -> bool:
        """Whether the utilization review is due on or before *today*."""
        return self.next_review_on is not None and self.next_review_on <= today


@final
@attrs.frozen(kw_only=True)
class Discharge:
    """The end of an episode: date, reason and the continuing-care plan."""

    on: date = attrs.field(validator=f.calendar_date())
    reason: DischargeReason = attrs.field(validator=f.enum_member(DischargeReason))
    continuing_care: str = attrs.field(default="", validator=f.instance(str, "a string"))
    """The continuing-care (aftercare) plan in words."""
    referred_level_code: str | None = attrs.field(default=None, validator=f.optional(_code()))
    """The level of care the patient is referred to, if any."""


@final
@attrs.frozen(kw_only=True)
class Episode:
    """One episode of care for one patient, from admission to discharge.

    Rules checked on construction: the first level period starts on the
    admission date at the admission level; periods (and phases) are in date
    order, never overlap, and only the last may be ongoing; nothing starts
    before admission; after discharge nothing is ongoing or ends later than
    the discharge date. Authorization ids are unique.
    """

    id: str = attrs.field(validator=f.identifier())
    patient_id: str = f.phi_field(validator=f.text(max_length=128))
    admission: Admission = attrs.field(validator=f.instance(Admission, "an Admission"))
    levels: tuple[LevelPeriod, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(LevelPeriod, min_length=1))
    phases: tuple[PhasePeriod, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(PhasePeriod))
    authorizations: tuple[Authorization, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(Authorization)
    )
    discharge: Discharge | None = attrs.field(default=None, validator=f.optional(f.instance(Discharge, "a Discharge")))

    def _repr_html_(self) -> str:
        state = "discharged" if self.discharge is not None else "open"
        return h.fields_view(self, title=f"Episode {self.id}: {state}, {len(self.levels)} level period(s)")

    def __attrs_post_init__(self) -> None:
        problems: list[ErrorItem] = []
        first = self.levels[0]
        if first.start != self.admission.on:
            problems.append(
                ErrorItem(
                    path="$.levels[0].start",
                    message="expected the admission date, got another date",
                    rule="admission",
                )
            )
        if first.level_code != self.admission.level_code:
            problems.append(
                ErrorItem(
                    path="$.levels[0].level_code",
                    message="expected the admission level, got another code",
                    rule="admission",
                )
            )
        problems += _timeline(self.levels, "$.levels", self.admission.on, self.discharge)
        problems += _timeline(self.phases, "$.phases", self.admission.on, self.discharge)
        try:
            f.unique_by(self.authorizations, lambda a: a.id, path="$.authorizations", what="authorization id")
        except InvalidDataError as exc:
            problems += exc.errors
        if problems:
            raise InvalidDataError(problems, type_name="Episode")

    # ------------------------------------------------------------------ queries

    @property
    def current(self) -> LevelPeriod:
        """The latest level period."""
        return self.levels[-1]

    @property
    def is_discharged(self) -> bool:
        """Whether the episode has ended."""
        return self.discharge is not None

    @property
    def last_day(self) -> date | None:
        """The discharge date, or ``None`` while the episode is open."""
        return None if self.discharge is None else self.discharge.on

    @f.guard
    def covers(self, day: date) -> bool:
        """Whether *day* falls between admission and discharge (inclusive; open episodes have no end)."""
        last = self.last_day
        return self.admission.on <= day and (last is None or day <= last)

    @f.guard
    def level_on(self, day: date) -> LevelPeriod | None:
        """The level period that holds *day*, or ``None`` (before admission, in a gap, or after discharge)."""
        found: LevelPeriod | None = _holding(self.levels, day)
        return found

    @f.guard
    def phase_on(self, day: date) -> PhasePeriod | None:
        """The phase period that holds *day*, or ``None``."""
        found: PhasePeriod | None = _holding(self.phases, day)
        return found

    @f.guard
    def authorizations_on(self, day: date) -> tuple[Authorization, ...]:
        """The authorizations whose date range holds *day*."""
        return tuple(a for a in self.authorizations if day in a.dates)

    @property
    def level_mismatches(self) -> tuple[LevelPeriod, ...]:
        """Periods whose delivered level differs from the recommended or the authorized one."""
        return tuple(p for p in self.levels if not (p.matches_recommendation and p.matches_authorization))

    @f.guard
    def length_of_stay(self, as_of: date | None = None) -> relativedelta:
        """Admission to discharge (or to *as_of*, on or after admission, while open), as a ``relativedelta``."""
        return relativedelta(_until(self.last_day, as_of, self.admission.on), self.admission.on)

    @f.guard
    def days_of_stay(self, as_of: date | None = None, counting: StayCounting = StayCounting.CALENDAR_DAYS) -> int:
        """Days from admission to discharge (or to *as_of*, on or after admission, while open), counted by *counting*.

        By default every calendar date of the stay counts, both ends included
        (:attr:`~iopcore.times.StayCounting.CALENDAR_DAYS`); :attr:`~iopcore.times.StayCounting.MIDNIGHTS`
        counts as Medicare does. :class:`~iopcore.compliance.LengthOfStayRule` counts with the same
        function (:func:`~iopcore.times.count_stay_days`), so one stay has one length.
        """
        last = _until(self.last_day, as_of, self.admission.on)
        return count_stay_days(self.admission.on, last, discharged=self.discharge is not None, counting=counting)


def _holding(periods: Sequence[Any], day: date) -> Any:
    for p in periods:
        if p.start <= day and (p.end is None or day <= p.end):
            return p
    return None


def _timeline(periods: Sequence[Any], base: str, admitted: date, dis: Discharge | None) -> list[ErrorItem]:
    out: list[ErrorItem] = []
    for i, p in enumerate(periods):
        here = f"{base}[{i}]"
        if p.start < admitted:
            out.append(ErrorItem(path=f"{here}.start", message="expected a date on or after admission", rule="order"))
        if i < len(periods) - 1 and p.end is None:
            out.append(ErrorItem(path=f"{here}.end", message="expected an end date for a period that is followed "
                                 "by another, got None", rule="ongoing"))  # fmt: skip
        if i > 0:
            prev_end = periods[i - 1].end
            if prev_end is not None and p.start <= prev_end:
                out.append(
                    ErrorItem(
                        path=f"{here}.start",
                        message="expected a start after the previous period's end, got an overlapping date",
                        rule="overlap",
                    )
                )
        if dis is not None:
            if p.end is None:
                out.append(ErrorItem(path=f"{here}.end", message="expected an end date after discharge, got None",
                                     rule="ongoing"))  # fmt: skip
            elif p.end > dis.on:
                out.append(
                    ErrorItem(
                        path=f"{here}.end",
                        message="expected an end on or before discharge, got a later date",
                        rule="after_discharge",
                    )
                )
    return out
