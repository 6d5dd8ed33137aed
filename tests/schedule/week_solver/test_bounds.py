"""The quick proof of infeasibility: sound (never claims infeasible when a week exists), with any groups relaxed."""

from __future__ import annotations

from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.schedule import WeekProblem, WeekRules
from iopcore.schedule._week_solver import bounds
from iopcore.schedule._week_solver.bounds import proven_infeasible
from iopcore.schedule._week_solver.candidates import GROUP_AVAILABILITY, candidates, limits
from iopcore.strategies import week_problems
from iopcore.times import Weekday
from tests.schedule.builders import all_groups, exhaustive, offering, relax


@settings(max_examples=80)
@given(week_problems(max_offerings=9), st.data())
def test_the_quick_proof_never_rejects_a_problem_with_a_week(problem: WeekProblem, data: st.DataObject) -> None:
    """When the quick proof says no week exists, exhaustive search finds none (also with groups relaxed)."""
    groups = data.draw(st.lists(st.sampled_from(all_groups(problem)), unique=True))
    cands = candidates(problem, relax_availability=GROUP_AVAILABILITY in groups)
    if proven_infeasible(cands, limits(problem, groups), ()):
        assert exhaustive(relax(problem, groups)) == []


@settings(max_examples=150)
@given(week_problems(max_offerings=14), st.data())
def test_the_single_session_shortcut_only_skips_proofs_that_would_fail(
    problem: WeekProblem, data: st.DataObject
) -> None:
    """When each day's longest single session already meets the proof's tests, the per-day tables
    would prove nothing either: the proof without the shortcut says the same (any groups relaxed,
    any candidates excluded)."""
    groups = data.draw(st.lists(st.sampled_from(all_groups(problem)), unique=True))
    cands = candidates(problem, relax_availability=GROUP_AVAILABILITY in groups)
    lim = limits(problem, groups)
    excluded = data.draw(st.frozensets(st.integers(0, max(len(cands.offerings) - 1, 0))))
    if bounds._single_sessions_reach(cands, lim, excluded):
        with mock.patch.object(bounds, "_single_sessions_reach", return_value=False):
            assert not proven_infeasible(cands, lim, excluded)


def test_the_quick_proof_rejects_more_hours_than_the_days_hold() -> None:
    """Forty hours from a catalog whose days hold far less are rejected before any search."""
    offs = tuple(offering(f"o{d}", day, "09:00", "12:00") for d, day in enumerate(Weekday))
    problem = WeekProblem(rules=WeekRules(hours_min=40, days_min=3, days_max=5), offerings=offs)
    assert proven_infeasible(candidates(problem), limits(problem), ())
