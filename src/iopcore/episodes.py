"""Episodes of care: admission, level history, payer authorizations, IOP phases and discharge.

An :class:`Episode` is a value whose construction checks its dates: level
periods and phases never overlap, start at or after admission and end by
discharge. Moves between levels are checked against a
:class:`~iopcore.levels.LevelCatalog`'s continuum by :func:`change_level` and
:func:`validate_episode`; a move the catalog does not list raises
:class:`TransitionNotAllowedError`. Build episodes with :func:`admit`,
:func:`change_level`, :func:`enter_phase`, :func:`authorize` and
:func:`discharge`; each returns a new episode.

>>> from datetime import date
>>> from iopcore.levels import ASAM3
>>> ep = admit(id="ep1", patient_id="p-1", on=date(2026, 3, 2), level="2.1", catalog=ASAM3,
...            entry_route=EntryRoute.PRIMARY, referral_source="self")
>>> ep = change_level(ep, ASAM3, to="1", on=date(2026, 4, 13), reason="met IOP goals")
>>> [p.level_code for p in ep.levels]
['2.1', '1']
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, final

import attrs
from dateutil.relativedelta import relativedelta

from iopcore import _fields as f
from iopcore.compliance import AdmissionRecord, PayerAuthorization
from iopcore.errors import ErrorItem, InvalidDataError, TransitionNotAllowedError, UnknownCodeError, type_name
from iopcore.levels import LevelCatalog
from iopcore.sources import Evidence, Source
from iopcore.times import DateRange

__all__ = [
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
    "TransitionNotAllowedError",
    "admission_record",
    "admit",
    "authorization_records",
    "authorize",
    "change_level",
    "discharge",
    "enter_phase",
    "validate_episode",
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
    UNITS = "units"
    """Billing units or sessions, as the payer defines them."""


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

    def length(self, as_of: date | None = None) -> relativedelta:
        """Time from ``start`` to ``end`` (or to *as_of* while ongoing), as a ``relativedelta``."""
        return relativedelta(_until(self.end, as_of, "$.as_of"), self.start)


def _until(end: date | None, as_of: date | None, path: str) -> date:
    if end is not None:
        return end
    if not isinstance(as_of, date):
        raise InvalidDataError.single(path, f"expected a date for an ongoing period, got {type_name(as_of)}", "missing")
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
        if self.unit is AuthorizationUnit.DAYS and self.amount > self.dates.days:
            raise f.fail(
                "$.amount", "expected no more authorized days than the date range holds, got more", "range", self
            )

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

    def covers(self, day: date) -> bool:
        """Whether *day* falls between admission and discharge (inclusive; open episodes have no end)."""
        last = self.last_day
        return self.admission.on <= day and (last is None or day <= last)

    def level_on(self, day: date) -> LevelPeriod | None:
        """The level period that holds *day*, or ``None`` (before admission, in a gap, or after discharge)."""
        found: LevelPeriod | None = _holding(self.levels, day)
        return found

    def phase_on(self, day: date) -> PhasePeriod | None:
        """The phase period that holds *day*, or ``None``."""
        found: PhasePeriod | None = _holding(self.phases, day)
        return found

    def authorizations_on(self, day: date) -> tuple[Authorization, ...]:
        """The authorizations whose date range holds *day*."""
        return tuple(a for a in self.authorizations if day in a.dates)

    @property
    def level_mismatches(self) -> tuple[LevelPeriod, ...]:
        """Periods whose delivered level differs from the recommended or the authorized one."""
        return tuple(p for p in self.levels if not (p.matches_recommendation and p.matches_authorization))

    def length_of_stay(self, as_of: date | None = None) -> relativedelta:
        """Admission to discharge (or to *as_of* while open), as a ``relativedelta``."""
        return relativedelta(_until(self.last_day, as_of, "$.as_of"), self.admission.on)

    def days_of_stay(self, as_of: date | None = None) -> int:
        """Calendar days from admission to discharge (or *as_of*), counting both ends."""
        return (_until(self.last_day, as_of, "$.as_of") - self.admission.on).days + 1


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


# ----------------------------------------------------------------------------- operations


def _check_transition(catalog: LevelCatalog, a: str, b: str, path: str) -> None:
    catalog.level(a)
    catalog.level(b)
    if a != b and not catalog.allows(a, b):
        raise TransitionNotAllowedError(
            from_code=a,
            to_code=b,
            allowed=tuple(lv.code for lv in catalog.next_levels(a)),
            catalog=catalog.name,
            path=path,
        )


def _require_catalog(catalog: object) -> LevelCatalog:
    if not isinstance(catalog, LevelCatalog):
        raise InvalidDataError.single("$.catalog", f"expected a LevelCatalog, got {type_name(catalog)}", "type")
    return catalog


def _require_date(value: object, path: str) -> date:
    if not isinstance(value, date):
        raise InvalidDataError.single(path, f"expected a date, got {type_name(value)}", "type")
    return value


def _require_open(episode: object) -> Episode:
    if not isinstance(episode, Episode):
        raise InvalidDataError.single("$.episode", f"expected an Episode, got {type_name(episode)}", "type")
    if episode.discharge is not None:
        raise InvalidDataError.single("$.episode", "expected an open episode, got a discharged one", "discharged")
    return episode


def admit(
    *,
    id: str,
    patient_id: str,
    on: date,
    level: str,
    catalog: LevelCatalog,
    entry_route: EntryRoute,
    referral_source: str,
    recommended: str | None = None,
    authorized: str | None = None,
    from_level: str | None = None,
) -> Episode:
    """A new episode admitting the patient on *on* at *level* (a code of *catalog*).

    With *from_level* (the level of the previous care, e.g. residential 3.5 on a
    step-down), the entry is a move that the catalog must list, else
    :class:`TransitionNotAllowedError` at ``$.level``.
    """
    _require_catalog(catalog)
    for code in (level, recommended, authorized):
        if code is not None:
            catalog.level(code)
    if from_level is not None:
        _check_transition(catalog, from_level, level, "$.level")
    return Episode(
        id=id,
        patient_id=patient_id,
        admission=Admission(
            on=on,
            level_code=level,
            entry_route=entry_route,
            referral_source=referral_source,
            from_level_code=from_level,
        ),
        levels=(
            LevelPeriod(
                level_code=level, start=on, recommended_code=recommended, authorized_code=authorized, reason="admission"
            ),
        ),
    )


def change_level(
    episode: Episode,
    catalog: LevelCatalog,
    *,
    to: str,
    on: date,
    reason: str,
    recommended: str | None = None,
    authorized: str | None = None,
) -> Episode:
    """Move the patient to level *to* from *on*; the current period ends the day before.

    The move must be a transition *catalog* lists (else
    :class:`TransitionNotAllowedError`) and *on* must fall after the current
    period's start. The episode itself is not changed.
    """
    _require_open(episode)
    _require_catalog(catalog)
    _require_date(on, "$.on")
    current = episode.current
    if on <= current.start:
        raise InvalidDataError.single(
            "$.on", "expected a date after the current level period started, got an earlier or equal date", "order"
        )
    _check_transition(catalog, current.level_code, to, "$.to")
    for code in (recommended, authorized):
        if code is not None:
            catalog.level(code)
    closed = attrs.evolve(current, end=on - timedelta(days=1))
    period = LevelPeriod(
        level_code=to, start=on, recommended_code=recommended, authorized_code=authorized, reason=reason
    )
    return attrs.evolve(episode, levels=(*episode.levels[:-1], closed, period))


def enter_phase(
    episode: Episode,
    phase: IopPhase,
    *,
    on: date,
    days_per_week: int | None = None,
    hours_per_week: float | None = None,
) -> Episode:
    """Start *phase* on *on* with its own intensity; the current phase (if any) ends the day before."""
    _require_open(episode)
    _require_date(on, "$.on")
    phases = episode.phases
    if phases and phases[-1].end is None:
        if on <= phases[-1].start:
            raise InvalidDataError.single(
                "$.on", "expected a date after the current phase started, got an earlier or equal date", "order"
            )
        phases = (*phases[:-1], attrs.evolve(phases[-1], end=on - timedelta(days=1)))
    new = PhasePeriod(phase=phase, start=on, days_per_week=days_per_week, hours_per_week=hours_per_week)
    return attrs.evolve(episode, phases=(*phases, new))


def authorize(episode: Episode, authorization: Authorization) -> Episode:
    """The episode with *authorization* added (ids must stay unique)."""
    if not isinstance(episode, Episode):
        raise InvalidDataError.single("$.episode", f"expected an Episode, got {type_name(episode)}", "type")
    return attrs.evolve(episode, authorizations=(*episode.authorizations, authorization))


def discharge(
    episode: Episode,
    *,
    on: date,
    reason: DischargeReason,
    continuing_care: str = "",
    referred_level: str | None = None,
    catalog: LevelCatalog | None = None,
) -> Episode:
    """The episode discharged on *on*; the ongoing level period and phase end that day.

    With a *catalog*, a *referred_level* must be one of its codes.
    """
    _require_open(episode)
    _require_date(on, "$.on")
    if catalog is not None and referred_level is not None:
        _require_catalog(catalog).level(referred_level)
    levels = episode.levels
    if levels[-1].end is None:
        levels = (*levels[:-1], attrs.evolve(levels[-1], end=on))
    phases = episode.phases
    if phases and phases[-1].end is None:
        phases = (*phases[:-1], attrs.evolve(phases[-1], end=on))
    record = Discharge(on=on, reason=reason, continuing_care=continuing_care, referred_level_code=referred_level)
    return attrs.evolve(episode, levels=levels, phases=phases, discharge=record)


def validate_episode(episode: Episode, catalog: LevelCatalog) -> Episode:
    """Check every level code against *catalog* and every move between consecutive periods against its continuum.

    Returns the episode unchanged. An unknown code raises
    :class:`~iopcore.errors.UnknownCodeError`; a move the catalog does not list
    raises :class:`TransitionNotAllowedError` at ``$.levels[i].level_code``.
    Consecutive periods at the same level (e.g. a new authorization) are not moves.
    """
    if not isinstance(episode, Episode):
        raise InvalidDataError.single("$.episode", f"expected an Episode, got {type_name(episode)}", "type")
    _require_catalog(catalog)
    for i, p in enumerate(episode.levels):
        for code in (p.level_code, p.recommended_code, p.authorized_code):
            if code is not None and code not in catalog.codes:
                raise UnknownCodeError(
                    what="level", catalog=catalog.name, known=catalog.codes, path=f"$.levels[{i}].level_code"
                )
        if i > 0:
            _check_transition(catalog, episode.levels[i - 1].level_code, p.level_code, f"$.levels[{i}].level_code")
    return episode


# ----------------------------------------------------------------------------- compliance records


def _require_time(value: object, path: str) -> time:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise InvalidDataError.single(path, f"expected a naive time, got {type_name(value)}", "type")
    return value


def admission_record(
    episode: Episode, *, tz: tzinfo, admitted_at: time = time(0), discharged_at: time = time(23, 59)
) -> AdmissionRecord:
    """The episode as a compliance :class:`~iopcore.compliance.AdmissionRecord`, for :func:`iopcore.compliance.evaluate`.

    The record's id is the episode id; admission and discharge happen at
    *admitted_at* and *discharged_at* in *tz* on their dates (by default the start
    and the end of the day, so that a same-day discharge is still after the admission).
    """
    if not isinstance(episode, Episode):
        raise InvalidDataError.single("$.episode", f"expected an Episode, got {type_name(episode)}", "type")
    if not isinstance(tz, tzinfo):
        raise InvalidDataError.single("$.tz", f"expected a tzinfo, got {type_name(tz)}", "type")
    start = _require_time(admitted_at, "$.admitted_at")
    end = _require_time(discharged_at, "$.discharged_at")
    last = episode.last_day
    return AdmissionRecord(
        id=episode.id,
        patient_id=episode.patient_id,
        admitted_at=datetime.combine(episode.admission.on, start, tzinfo=tz),
        discharged_at=None if last is None else datetime.combine(last, end, tzinfo=tz),
    )


def authorization_records(episode: Episode) -> tuple[PayerAuthorization, ...]:
    """The episode's payer authorizations as compliance :class:`~iopcore.compliance.PayerAuthorization` records.

    Ids are ``"<episode>.<authorization>"``. An authorization counted in
    :attr:`~AuthorizationUnit.UNITS` caps the number of services; one counted in
    :attr:`~AuthorizationUnit.DAYS` becomes an uncapped authorization over its date
    range (the compliance record has no day count).
    """
    if not isinstance(episode, Episode):
        raise InvalidDataError.single("$.episode", f"expected an Episode, got {type_name(episode)}", "type")
    return tuple(
        PayerAuthorization(
            id=f"{episode.id}.{a.id}",
            patient_id=episode.patient_id,
            payer=a.payer,
            dates=a.dates,
            authorized_services=a.amount if a.unit is AuthorizationUnit.UNITS else None,
        )
        for a in episode.authorizations
    )
