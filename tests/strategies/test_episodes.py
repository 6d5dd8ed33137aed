"""The episode strategies: arguments checked at once, walks that follow the move policy."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from iopcore import strategies as ist
from iopcore.episodes import Episode, validate_episode
from iopcore.levels import ASAM3, MovePolicy, TransitionKind
from iopcore.sources import Source

DOWN_ONLY = MovePolicy(name="down only", directions=frozenset({TransitionKind.STEP_DOWN}), source=Source(citation="t"))


def test_bad_policy_arguments_raise_invalid_argument_at_once() -> None:
    """A policy that is not a MovePolicy, or a policy without a catalog to walk, is refused when the strategy is made."""
    with pytest.raises(InvalidArgument):
        ist.episodes(catalog=ASAM3, policy="any step")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        ist.episodes(policy=DOWN_ONLY)


@settings(max_examples=30)
@given(ist.episodes(catalog=ASAM3, policy=DOWN_ONLY))
def test_episodes_drawn_for_a_step_down_policy_only_step_down(ep: Episode) -> None:
    """Every move of an episode drawn under a step-down-only policy is a step down, and the policy accepts it."""
    codes = [p.level_code for p in ep.levels]
    assert all(ASAM3.is_step_down(a, b) for a, b in itertools.pairwise(codes) if a != b)
    assert validate_episode(ep, ASAM3, DOWN_ONLY) is ep
