"""Strategies for episodes of care: admissions, level periods, phases, authorizations, discharges."""

from __future__ import annotations

import functools
from datetime import date, timedelta

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from iopcore.episodes import (
    Admission,
    Authorization,
    AuthorizationUnit,
    Discharge,
    DischargeReason,
    EntryRoute,
    Episode,
    IopPhase,
    LevelPeriod,
    PhasePeriod,
)
from iopcore.levels import ANY_STEP, LevelCatalog, MovePolicy
from iopcore.strategies._core import _check_int, _codes, _hours, date_ranges, identifiers, texts

__all__ = [
    "admissions",
    "authorizations",
    "discharges",
    "episodes",
    "level_periods",
    "phase_periods",
]

_MIN_DATE, _MAX_DATE = date(1990, 1, 1), date(2150, 12, 31)


def _dates() -> st.SearchStrategy[date]:
    return st.dates(min_value=_MIN_DATE, max_value=_MAX_DATE)


def _maybe_code() -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), _codes())


@functools.lru_cache(maxsize=None, typed=True)
def admissions() -> st.SearchStrategy[Admission]:
    """Admissions by any entry route."""
    return st.builds(
        Admission,
        on=_dates(),
        level_code=_codes(),
        entry_route=st.sampled_from(EntryRoute),
        referral_source=texts(max_size=60),
        from_level_code=_maybe_code(),
    )


def _end_after(start: date) -> st.SearchStrategy[date]:
    return st.integers(0, 120).map(lambda n: start + timedelta(days=n))


@functools.lru_cache(maxsize=None, typed=True)
def level_periods() -> st.SearchStrategy[LevelPeriod]:
    """Level periods, ongoing or ended, with and without recommended and authorized levels."""

    @st.composite
    def build(draw: st.DrawFn) -> LevelPeriod:
        start = draw(_dates())
        return LevelPeriod(
            level_code=draw(_codes()),
            start=start,
            end=draw(st.one_of(st.none(), _end_after(start))),
            recommended_code=draw(_maybe_code()),
            authorized_code=draw(_maybe_code()),
            reason=draw(st.one_of(st.just(""), texts())),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def phase_periods() -> st.SearchStrategy[PhasePeriod]:
    """Phase periods of any phase, with and without an intensity."""

    @st.composite
    def build(draw: st.DrawFn) -> PhasePeriod:
        start = draw(_dates())
        return PhasePeriod(
            phase=draw(st.sampled_from(IopPhase)),
            start=start,
            end=draw(st.one_of(st.none(), _end_after(start))),
            days_per_week=draw(st.one_of(st.none(), st.integers(1, 7))),
            hours_per_week=draw(st.one_of(st.none(), _hours(0.0, 168.0))),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def authorizations() -> st.SearchStrategy[Authorization]:
    """Payer authorizations in days or units, with and without a review date."""

    @st.composite
    def build(draw: st.DrawFn) -> Authorization:
        dates = draw(date_ranges(min_value=_MIN_DATE, max_value=_MAX_DATE, max_days=366))
        unit = draw(st.sampled_from(AuthorizationUnit))
        top = 500 if unit is AuthorizationUnit.UNITS else dates.days
        return Authorization(
            id=draw(identifiers()),
            payer=draw(texts(max_size=60)),
            level_code=draw(_codes()),
            amount=draw(st.integers(1, top)),
            unit=unit,
            dates=dates,
            next_review_on=draw(st.one_of(st.none(), _end_after(dates.first))),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def discharges() -> st.SearchStrategy[Discharge]:
    """Discharges for any reason, with and without a continuing-care plan and referral."""
    return st.builds(
        Discharge,
        on=_dates(),
        reason=st.sampled_from(DischargeReason),
        continuing_care=st.one_of(st.just(""), texts()),
        referred_level_code=_maybe_code(),
    )


def _timeline(draw: st.DrawFn, start: date, count: int) -> list[tuple[date, date | None]]:
    """*count* non-overlapping (start, end) pairs from *start*; the last is ongoing."""
    out: list[tuple[date, date | None]] = []
    day = start
    for i in range(count):
        if i == count - 1:
            out.append((day, None))
        else:
            end = draw(_end_after(day))
            out.append((day, end))
            day = end + timedelta(days=draw(st.integers(1, 30)))
    return out


@functools.lru_cache(maxsize=None, typed=True)
def episodes(
    *,
    catalog: LevelCatalog | None = None,
    policy: MovePolicy | None = None,
    max_periods: int = 4,
    discharged: bool | None = None,
) -> st.SearchStrategy[Episode]:
    """Valid episodes: non-overlapping level periods and phases, unique authorizations, optional discharge.

    With *catalog*, every level code is one of the catalog's and the admission's
    previous level and the level periods follow a walk of moves *policy* allows
    (:data:`~iopcore.levels.ANY_STEP` by default: any step up or down), so
    ``validate_episode(episode, catalog, policy)`` accepts the episode. *discharged*
    forces (``True``) or forbids (``False``) a discharge.
    """
    if catalog is not None and not isinstance(catalog, LevelCatalog):
        raise InvalidArgument(f"catalog={catalog!r} must be a LevelCatalog or None")
    if policy is not None and not isinstance(policy, MovePolicy):
        raise InvalidArgument(f"policy={policy!r} must be a MovePolicy or None")
    if policy is not None and catalog is None:
        raise InvalidArgument("policy needs a catalog to walk")
    moves = frozenset() if catalog is None else (policy or ANY_STEP).moves(catalog)
    _check_int("max_periods", max_periods, 1, 20)
    if discharged is not None and not isinstance(discharged, bool):
        raise InvalidArgument(f"discharged={discharged!r} must be a bool or None")

    @st.composite
    def build(draw: st.DrawFn) -> Episode:
        admitted = draw(st.dates(min_value=_MIN_DATE, max_value=date(2140, 1, 1)))
        n = draw(st.integers(1, max_periods))
        if catalog is None:
            codes = [draw(_codes()) for _ in range(n)]
        else:
            codes = [draw(st.sampled_from(catalog.codes))]
            while len(codes) < n:
                options = [lv.code for lv in catalog.by_intensity() if (codes[-1], lv.code) in moves]
                if not options:
                    break
                codes.append(draw(st.sampled_from(options)))
        spans = _timeline(draw, admitted, len(codes))
        levels = [
            LevelPeriod(
                level_code=code,
                start=s,
                end=e,
                recommended_code=draw(st.one_of(st.none(), st.just(code), _pick(catalog))),
                authorized_code=draw(st.one_of(st.none(), st.just(code), _pick(catalog))),
                reason=draw(st.one_of(st.just(""), texts())),
            )
            for code, (s, e) in zip(codes, spans, strict=True)
        ]
        phase_count = draw(st.integers(0, 4))
        phase_start = admitted + timedelta(days=draw(st.integers(0, 14)))
        phases = [
            PhasePeriod(
                phase=draw(st.sampled_from(IopPhase)),
                start=s,
                end=e,
                days_per_week=draw(st.one_of(st.none(), st.integers(1, 7))),
                hours_per_week=draw(st.one_of(st.none(), _hours(0.0, 40.0))),
            )
            for s, e in (_timeline(draw, phase_start, phase_count) if phase_count else [])
        ]
        auths = draw(st.lists(authorizations(), max_size=2, unique_by=lambda a: a.id))
        if catalog is not None:
            auths = [attrs.evolve(a, level_code=draw(st.sampled_from(codes))) for a in auths]
        is_discharged = draw(st.booleans()) if discharged is None else discharged
        record = None
        if is_discharged:
            last = max([*(p.start for p in levels), *(p.start for p in phases)])
            on = last + timedelta(days=draw(st.integers(0, 60)))
            record = Discharge(
                on=on,
                reason=draw(st.sampled_from(DischargeReason)),
                continuing_care=draw(st.one_of(st.just(""), texts())),
                referred_level_code=draw(st.one_of(st.none(), _pick(catalog))),
            )
            levels[-1] = attrs.evolve(levels[-1], end=on)
            if phases:
                phases[-1] = attrs.evolve(phases[-1], end=on)
        return Episode(
            id=draw(identifiers()),
            patient_id=draw(texts(max_size=64)),
            admission=Admission(
                on=admitted,
                level_code=codes[0],
                entry_route=draw(st.sampled_from(EntryRoute)),
                referral_source=draw(texts(max_size=60)),
                from_level_code=draw(st.one_of(st.none(), _entered_from(catalog, moves, codes[0]))),
            ),
            levels=tuple(levels),
            phases=tuple(phases),
            authorizations=tuple(auths),
            discharge=record,
        )

    return build()


def _pick(catalog: LevelCatalog | None) -> st.SearchStrategy[str]:
    return _codes() if catalog is None else st.sampled_from(catalog.codes)


def _entered_from(
    catalog: LevelCatalog | None, moves: frozenset[tuple[str, str]], first: str
) -> st.SearchStrategy[str]:
    """Levels the episode may have been entered from: with a catalog, those with an allowed move into *first*."""
    if catalog is None:
        return _codes()
    sources = sorted({a for (a, b) in moves if b == first})
    return st.sampled_from(sources) if sources else st.nothing()
