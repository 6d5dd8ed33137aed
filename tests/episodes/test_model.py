"""Episode values: the timeline rules checked on construction, periods, authorizations and queries."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings

from iopcore import strategies as ist
from iopcore.episodes import (
    Authorization,
    Discharge,
    DischargeReason,
    Episode,
    IopPhase,
    LevelPeriod,
    PhasePeriod,
    authorize,
    change_level,
    discharge,
)
from iopcore.errors import InvalidDataError
from iopcore.levels import ASAM3
from iopcore.times import DateRange
from tests.episodes.builders import D0, LATER, P, assert_no_overlap, make_episode, new_episode


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"levels": (P(level_code="2.1", start=LATER),)}, "$.levels[0].start"),
        ({"levels": (P(level_code="1", start=D0),)}, "$.levels[0].level_code"),
        ({"levels": (P(level_code="2.1", start=D0), P(level_code="1", start=LATER))}, "$.levels[0].end"),
        ({"levels": (P(level_code="2.1", start=D0, end=LATER), P(level_code="1", start=LATER))}, "$.levels[1].start"),
        ({"phases": (PhasePeriod(phase=IopPhase.ENGAGEMENT, start=D0 - timedelta(days=1)),)}, "$.phases[0].start"),
        (
            {"levels": (P(level_code="2.1", start=D0),), "discharge": Discharge(on=LATER, reason=DischargeReason.COMPLETED)},
            "$.levels[0].end",
        ),
        (
            {"levels": (P(level_code="2.1", start=D0, end=LATER + timedelta(days=1)),),
             "discharge": Discharge(on=LATER, reason=DischargeReason.COMPLETED)},
            "$.levels[0].end",
        ),
    ],
)  # fmt: skip
def test_episode_timeline_rules_name_the_path(change: dict[str, Any], path: str) -> None:
    """Wrong first period, ongoing middle periods, overlaps, early phases and periods outliving discharge are rejected."""
    with pytest.raises(InvalidDataError) as info:
        make_episode(**change)
    assert path in info.value.paths


def test_period_end_before_start_is_rejected() -> None:
    """Level and phase periods cannot end before they start."""
    with pytest.raises(InvalidDataError) as info:
        LevelPeriod(level_code="1", start=LATER, end=D0)
    assert info.value.paths == ("$.end",)
    with pytest.raises(InvalidDataError) as info:
        PhasePeriod(phase=IopPhase.MAINTENANCE, start=LATER, end=D0)
    assert info.value.paths == ("$.end",)


@settings(max_examples=50)
@given(ist.episodes())
def test_generated_episodes_never_overlap(ep: Episode) -> None:
    """Level periods and phases of any valid episode are pairwise disjoint and start at or after admission."""
    assert_no_overlap(ep.levels)
    assert_no_overlap(ep.phases)
    assert all(p.start >= ep.admission.on for p in (*ep.levels, *ep.phases))


def test_length_of_stay_uses_calendar_arithmetic() -> None:
    """31 January to 15 March is 1 month and 15 days (relativedelta), 44 calendar days counting both ends."""
    ep = discharge(new_episode(), on=date(2026, 3, 15), reason=DischargeReason.AGAINST_ADVICE)
    assert ep.length_of_stay() == relativedelta(months=1, days=15)
    assert ep.days_of_stay() == 44
    assert ep.levels[0].length() == relativedelta(months=1, days=15)
    open_ep = new_episode()
    assert open_ep.length_of_stay(as_of=date(2026, 2, 28)) == relativedelta(months=1)  # month-end clamping
    assert open_ep.current.length(as_of=date(2026, 3, 31)) == relativedelta(months=2)
    with pytest.raises(InvalidDataError) as info:
        open_ep.length_of_stay()
    assert info.value.paths == ("$.as_of",)


def test_mismatches_and_authorizations_on_a_day() -> None:
    """Periods delivered at another level than recommended or authorized are listed; authorizations by date."""
    ep = change_level(new_episode(recommended="3.7"), ASAM3, to="2.1", on=LATER, reason="step-down", authorized="2.1")
    assert ep.level_mismatches == (ep.levels[0],)
    auth = Authorization(id="a1", payer="Acme", level_code="2.1", amount=10, dates=DateRange.of_days(LATER, 14))
    ep = authorize(ep, auth)
    assert ep.authorizations_on(LATER) == (auth,)
    assert ep.authorizations_on(LATER + timedelta(days=14)) == ()
