"""Operations on episodes: admission, level changes checked against a move policy, phases, authorizations, discharge.

Each operation checks its arguments once on entry (:func:`~iopcore._fields.guard` for types,
then the domain rules below: known level codes, moves the :class:`~iopcore.levels.MovePolicy`
allows, dates in order) and returns a new :class:`~iopcore.episodes.Episode`; the one it is
given is never changed. By default (:data:`~iopcore.levels.ANY_STEP`) every step up to a more
intensive level and every step down to a less intensive one is allowed.
"""

from __future__ import annotations

from datetime import date, timedelta

import attrs

from iopcore import _fields as f
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
from iopcore.errors import InvalidDataError, TransitionNotAllowedError, UnknownCodeError
from iopcore.levels import ANY_STEP, LevelCatalog, MovePolicy

__all__ = ["admit", "authorize", "change_level", "discharge", "enter_phase", "validate_episode"]


def _unknown(catalog: LevelCatalog, path: str) -> UnknownCodeError:
    return UnknownCodeError(what="level", catalog=catalog.name, known=catalog.codes, path=path)


def _known(catalog: LevelCatalog, **codes: str | None) -> None:
    """Raise :class:`UnknownCodeError` at ``$.<name>`` for the first given code *catalog* lacks."""
    known = catalog.codes
    for name, code in codes.items():
        if code is not None and code not in known:
            raise _unknown(catalog, f"$.{name}")


def _check_move(
    catalog: LevelCatalog, policy: MovePolicy, moves: frozenset[tuple[str, str]], a: str, b: str, path: str
) -> None:
    """Raise :class:`TransitionNotAllowedError` at *path* unless *a* → *b* stays put or *moves* holds it."""
    if a != b and (a, b) not in moves:
        targets = {to for (start, to) in moves if start == a}
        raise TransitionNotAllowedError(
            from_code=a,
            to_code=b,
            allowed=tuple(lv.code for lv in catalog.by_intensity() if lv.code in targets),
            catalog=catalog.name,
            policy=policy.name,
            path=path,
        )


def _require_open(episode: Episode) -> None:
    if episode.discharge is not None:
        raise InvalidDataError.single("$.episode", "expected an open episode, got a discharged one", "discharged")


def _order(path: str, expected: str) -> InvalidDataError:
    return InvalidDataError.single(path, f"expected {expected}, got an earlier or equal date", "order")


@f.guard
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
    policy: MovePolicy = ANY_STEP,
) -> Episode:
    """A new episode admitting the patient on *on* at *level* (a code of *catalog*).

    *recommended*, *authorized* and *from_level* must be codes of *catalog* too
    (:class:`~iopcore.errors.UnknownCodeError` at their names). With *from_level*
    (the level of the previous care, e.g. residential 3.5 on a step-down), the entry is
    a move that *policy* must allow (by default any step up or down is), else
    :class:`TransitionNotAllowedError` at ``$.level``; the entry route records why.
    """
    _known(catalog, level=level, recommended=recommended, authorized=authorized, from_level=from_level)
    if from_level is not None:
        _check_move(catalog, policy, policy.moves(catalog), from_level, level, "$.level")
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


@f.guard
def change_level(
    episode: Episode,
    catalog: LevelCatalog,
    *,
    to: str,
    on: date,
    reason: str,
    recommended: str | None = None,
    authorized: str | None = None,
    policy: MovePolicy = ANY_STEP,
) -> Episode:
    """Move the patient to level *to* from *on*, for *reason*; an ongoing current period ends the day before.

    Any step up to a more intensive level or down to a less intensive one is allowed
    by default; a program's *policy* may allow fewer (else :class:`TransitionNotAllowedError`
    at ``$.to``, naming the policy and the levels it allows). A change to the current level
    (e.g. a new authorization) is not a move and is always allowed. *reason* (why the patient
    moves: the reassessment, a relapse, goals met) is recorded on the new period and may not be
    blank. Every code must be one of *catalog* (:class:`~iopcore.errors.UnknownCodeError`), and
    *on* must fall after the current period's start (and after its end, if it already ended:
    that end is kept). The episode itself is not changed; a discharged one cannot change level.
    """
    _require_open(episode)
    current = episode.current
    if not reason.strip():
        raise InvalidDataError.single(
            "$.reason", "expected the reason for the level change, got a blank str", "non_empty"
        )
    _known(catalog, to=to, recommended=recommended, authorized=authorized)
    if current.level_code not in catalog.codes:
        raise _unknown(catalog, f"$.episode.levels[{len(episode.levels) - 1}].level_code")
    if on <= current.start:
        raise _order("$.on", "a date after the current level period started")
    if current.end is not None and on <= current.end:
        raise _order("$.on", "a date after the current level period ended")
    _check_move(catalog, policy, policy.moves(catalog), current.level_code, to, "$.to")
    closed = current if current.end is not None else attrs.evolve(current, end=on - timedelta(days=1))
    period = LevelPeriod(
        level_code=to, start=on, recommended_code=recommended, authorized_code=authorized, reason=reason
    )
    return attrs.evolve(episode, levels=(*episode.levels[:-1], closed, period))


@f.guard
def enter_phase(
    episode: Episode,
    phase: IopPhase,
    *,
    on: date,
    days_per_week: int | None = None,
    hours_per_week: float | None = None,
) -> Episode:
    """Start *phase* on *on* with its own intensity; an ongoing current phase ends the day before.

    *on* must fall on or after admission and after the current phase's start (and after
    its end, if it already ended). *days_per_week* is 1 to 7, *hours_per_week* 0 to 168.
    """
    _require_open(episode)
    if on < episode.admission.on:
        raise InvalidDataError.single("$.on", "expected a date on or after admission, got an earlier date", "order")
    phases = episode.phases
    if phases:
        last = phases[-1]
        if on <= last.start:
            raise _order("$.on", "a date after the current phase started")
        if last.end is None:
            phases = (*phases[:-1], attrs.evolve(last, end=on - timedelta(days=1)))
        elif on <= last.end:
            raise _order("$.on", "a date after the current phase ended")
    new = PhasePeriod(phase=phase, start=on, days_per_week=days_per_week, hours_per_week=hours_per_week)
    return attrs.evolve(episode, phases=(*phases, new))


@f.guard
def authorize(episode: Episode, authorization: Authorization) -> Episode:
    """The episode with *authorization* added; its id must be new to the episode (``$.authorization.id``)."""
    if any(a.id == authorization.id for a in episode.authorizations):
        raise InvalidDataError.single(
            "$.authorization.id",
            "expected an authorization id the episode does not hold yet, got one it holds",
            "unique",
        )
    return attrs.evolve(episode, authorizations=(*episode.authorizations, authorization))


@f.guard
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

    *on* must not precede any start or end date of the episode's level periods and
    phases (``$.on``). With a *catalog*, a *referred_level* must be one of its codes.
    """
    _require_open(episode)
    if catalog is not None:
        _known(catalog, referred_level=referred_level)
    periods: list[LevelPeriod | PhasePeriod] = [*episode.levels, *episode.phases]
    latest = max(d for p in periods for d in (p.start, p.end) if d is not None)
    if on < latest:
        raise InvalidDataError.single(
            "$.on",
            "expected a date on or after every start and end of the episode's periods, got an earlier date",
            "order",
        )
    try:
        record = Discharge(on=on, reason=reason, continuing_care=continuing_care, referred_level_code=referred_level)
    except InvalidDataError as exc:  # only the code's length can be wrong here
        raise InvalidDataError(
            [attrs.evolve(e, path="$.referred_level") for e in exc.errors], type_name="discharge"
        ) from None
    levels = episode.levels
    if levels[-1].end is None:
        levels = (*levels[:-1], attrs.evolve(levels[-1], end=on))
    phases = episode.phases
    if phases and phases[-1].end is None:
        phases = (*phases[:-1], attrs.evolve(phases[-1], end=on))
    return attrs.evolve(episode, levels=levels, phases=phases, discharge=record)


@f.guard
def validate_episode(episode: Episode, catalog: LevelCatalog, policy: MovePolicy = ANY_STEP) -> Episode:
    """Check every level code against *catalog* and every move against *policy* (by default: any step).

    Returns the episode unchanged. Codes checked: each period's delivered, recommended
    and authorized level, the admission's previous level, each authorization's level and
    the discharge's referred level; an unknown one raises
    :class:`~iopcore.errors.UnknownCodeError` at its path in the episode
    (``$.levels[i].authorized_code``, ``$.authorizations[i].level_code`` …). Moves checked:
    the entry from the admission's previous level and each step between consecutive
    periods; one *policy* does not allow raises :class:`TransitionNotAllowedError` at
    ``$.levels[i].level_code``. Consecutive periods at the same level (e.g. a new
    authorization) are not moves.
    """
    known = frozenset(catalog.codes)
    codes: list[tuple[str | None, str]] = [(episode.admission.from_level_code, "$.admission.from_level_code")]
    for i, p in enumerate(episode.levels):
        codes += [
            (p.level_code, f"$.levels[{i}].level_code"),
            (p.recommended_code, f"$.levels[{i}].recommended_code"),
            (p.authorized_code, f"$.levels[{i}].authorized_code"),
        ]
    codes += [(a.level_code, f"$.authorizations[{i}].level_code") for i, a in enumerate(episode.authorizations)]
    if episode.discharge is not None:
        codes.append((episode.discharge.referred_level_code, "$.discharge.referred_level_code"))
    for code, path in codes:
        if code is not None and code not in known:
            raise _unknown(catalog, path)
    moves = policy.moves(catalog)
    previous = episode.admission.from_level_code
    for i, p in enumerate(episode.levels):
        if previous is not None:
            _check_move(catalog, policy, moves, previous, p.level_code, f"$.levels[{i}].level_code")
        previous = p.level_code
    return episode
