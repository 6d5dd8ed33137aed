"""Builders shared by the episode tests."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from iopcore.episodes import (
    Admission,
    EntryRoute,
    Episode,
    LevelPeriod,
    admit,
)
from iopcore.levels import ASAM3, LevelCatalog

D0 = date(2026, 1, 31)


def new_episode(level: str = "3.5", catalog: LevelCatalog = ASAM3, **kw: Any) -> Episode:
    """An episode admitted by :func:`admit` on D0 (3.5 by default); keywords replace admit's arguments."""
    values: dict[str, Any] = {
        "id": "ep1",
        "patient_id": "p-1",
        "on": D0,
        "level": level,
        "catalog": catalog,
        "entry_route": EntryRoute.PRIMARY,
        "referral_source": "self",
    }
    values.update(kw)
    return admit(**values)


def make_episode(**kw: Any) -> Episode:
    """An episode built by its constructor (admitted to 2.1 on D0, one ongoing period); keywords replace fields."""
    values: dict[str, Any] = {
        "id": "ep",
        "patient_id": "p",
        "admission": Admission(
            on=D0, level_code="2.1", entry_route=EntryRoute.STEP_UP_FROM_OUTPATIENT, referral_source="outpatient clinic"
        ),
        "levels": (LevelPeriod(level_code="2.1", start=D0),),
    }
    values.update(kw)
    return Episode(**values)


P = LevelPeriod
LATER = D0 + timedelta(days=10)


def assert_no_overlap(periods: tuple[Any, ...]) -> None:
    """No two periods share a day (an ongoing period runs to date.max)."""
    for a, b in itertools.combinations(periods, 2):
        a_end = a.end or date.max
        b_end = b.end or date.max
        assert a_end < b.start or b_end < a.start


def episode_from(day: date) -> Episode:
    """Episode ``ep_17`` of patient ``p-17``, admitted to ASAM 2.1 on *day*."""
    return new_episode(level="2.1", on=day, id="ep_17", patient_id="p-17")
