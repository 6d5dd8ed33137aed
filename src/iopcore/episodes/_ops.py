"""Operations on episodes: admission, level changes checked against the continuum, phases, authorizations, discharge."""

from __future__ import annotations

from datetime import date, timedelta

import attrs

from iopcore.episodes._model import (
    Admission,
    Authorization,
    Discharge,
    DischargeReason,
    EntryRoute,
    Episode,
    IopPhase,
    LevelPeriod,
    PhasePeriod,
)
from iopcore.errors import InvalidDataError, TransitionNotAllowedError, UnknownCodeError, type_name
from iopcore.levels import LevelCatalog

__all__ = ["admit", "authorize", "change_level", "discharge", "enter_phase", "validate_episode"]


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
