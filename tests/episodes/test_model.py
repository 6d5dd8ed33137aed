"""Episode values: the timeline rules checked on construction, periods, authorizations and queries."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import attrs
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

import iopcore.episodes
from iopcore import strategies as ist
from iopcore.episodes import (
    ENTRY_ROUTES_SOURCE,
    PHASES_SOURCE,
    Admission,
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
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.levels import ASAM3
from iopcore.times import DateRange
from tests.episodes.builders import D0, LATER, P, assert_no_overlap, make_episode, new_episode
from tests.public import unguarded_callables


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


# ----------------------------------------------------------------------------- the guarded boundary

AT_NINE = datetime(2026, 4, 1, 9)  # noqa: DTZ001 - a datetime passes isinstance(x, date): refused all the same
QUERIES: list[tuple[str, Callable[[Episode], Any], str]] = [
    ("covers", lambda ep: ep.covers(AT_NINE), "$.day"),
    ("level_on", lambda ep: ep.level_on(AT_NINE), "$.day"),
    ("phase_on", lambda ep: ep.phase_on(AT_NINE), "$.day"),
    ("authorizations_on", lambda ep: ep.authorizations_on(AT_NINE), "$.day"),
    ("days_of_stay", lambda ep: ep.days_of_stay(AT_NINE), "$.as_of"),
    ("length_of_stay", lambda ep: ep.length_of_stay(as_of=AT_NINE), "$.as_of"),
    ("LevelPeriod.length", lambda ep: ep.current.length(AT_NINE), "$.as_of"),
    ("covers(str)", lambda ep: ep.covers("2026-04-01"), "$.day"),
    ("unknown keyword", lambda ep: ep.days_of_stay(today=D0), "$.today"),
]


@pytest.mark.parametrize(("name", "call", "path"), QUERIES, ids=[q[0] for q in QUERIES])
def test_queries_refuse_a_datetime_or_a_string_for_a_date(name: str, call: Callable[[Episode], Any], path: str) -> None:
    """Each query names the bad argument in an InvalidArgumentError instead of comparing a datetime with a date."""
    with pytest.raises(InvalidArgumentError) as info:
        call(new_episode())
    assert info.value.paths == (path,)


def test_authorization_review_due_refuses_a_datetime() -> None:
    """review_due wants a date: a datetime is an error at ``$.today``."""
    auth = Authorization(id="a1", payer="Acme", level_code="2.1", amount=5, dates=DateRange.of_days(D0, 10))
    with pytest.raises(InvalidArgumentError) as info:
        auth.review_due(AT_NINE)
    assert info.value.paths == ("$.today",)


def test_an_ongoing_stay_is_measured_to_a_date_on_or_after_its_start() -> None:
    """as_of before admission (or before a period's start) is an order error, not a negative length."""
    ep = new_episode()
    assert ep.days_of_stay(D0) == 1 and ep.length_of_stay(D0) == relativedelta()
    for call in (ep.days_of_stay, ep.length_of_stay, ep.current.length):
        with pytest.raises(InvalidDataError) as info:
            call(D0 - timedelta(days=1))
        assert info.value.paths == ("$.as_of",)
        assert info.value.errors[0].rule == "order"


def test_every_public_function_and_method_is_guarded() -> None:
    """iopcore.episodes checks its arguments on entry everywhere (``@f.guard``)."""
    assert unguarded_callables(iopcore.episodes) == []


# ----------------------------------------------------------------------------- values across processes

VALUE_TYPES = [Admission, Authorization, Discharge, Episode, LevelPeriod, PhasePeriod]


@pytest.mark.parametrize("cls", VALUE_TYPES, ids=lambda c: c.__name__)
@settings(max_examples=25)
@given(data=st.data())
def test_values_pickle_to_equal_values_and_hash(cls: type, data: st.DataObject) -> None:
    """Every episode value survives pickle (standard library) equal to itself, and hashes alike."""
    value = data.draw(st.from_type(cls))
    again = pickle.loads(pickle.dumps(value))
    assert again == value and hash(again) == hash(value)


def test_sources_pickle_and_hash() -> None:
    """The module's cited sources are plain values too."""
    for source in (PHASES_SOURCE, ENTRY_ROUTES_SOURCE):
        assert pickle.loads(pickle.dumps(source)) == source
        hash(source)


SENTINEL = "PATIENT-SENTINEL-4711"


@settings(max_examples=25)
@given(ist.episodes())
def test_the_patient_id_never_shows_in_repr_or_str(ep: Episode) -> None:
    """repr and str of an episode redact the patient identifier."""
    marked = attrs.evolve(ep, patient_id=SENTINEL)
    assert SENTINEL not in repr(marked) and SENTINEL not in str(marked)


def test_authorization_ids_are_unique_within_an_episode() -> None:
    """The constructor rejects a second authorization with the same id at its index."""
    auth = Authorization(id="a1", payer="Acme", level_code="2.1", amount=5, dates=DateRange.of_days(D0, 10))
    with pytest.raises(InvalidDataError) as info:
        make_episode(authorizations=(auth, auth))
    assert info.value.paths == ("$.authorizations[1]",)
