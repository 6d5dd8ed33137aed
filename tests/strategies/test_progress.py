"""Strategies for progress, review and continued stay: arguments are checked, and the valid space is covered."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from iopcore import strategies as ist
from iopcore.levels import MEDICARE
from iopcore.plans import ContinuedStayRecommendation, ProgressState, StayDecision


@pytest.mark.parametrize(
    "make",
    [
        lambda: ist.progress_states(catalog="ASAM3"),  # type: ignore[arg-type]
        lambda: ist.progress_states(max_records=-1),
        lambda: ist.progress_states(max_records=True),  # type: ignore[arg-type]
    ],
)
def test_impossible_arguments_raise_invalid_argument(make: Any) -> None:
    """Strategy arguments are validated when the strategy is drawn from."""
    with pytest.raises(InvalidArgument):
        make().example()


@settings(max_examples=30, deadline=None)
@given(ist.progress_states(catalog=MEDICARE))
def test_states_of_another_catalog_are_at_one_of_its_levels(state: ProgressState) -> None:
    """progress_states(catalog=) draws episodes of that catalog, on a day at their current level."""
    assert state.level_code in MEDICARE.codes
    assert state.episode.level_on(state.as_of) is not None


def test_recommendations_cover_every_decision() -> None:
    """Every decision is drawn (overrides included), so tests see continue, steps and discharge."""
    seen: set[StayDecision] = set()

    @settings(max_examples=60, deadline=None)
    @given(ist.continued_stay_recommendations())
    def collect(rec: ContinuedStayRecommendation) -> None:
        seen.add(rec.actual_decision)

    collect()
    assert seen == set(StayDecision)
