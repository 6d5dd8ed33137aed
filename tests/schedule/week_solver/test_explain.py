"""Conflicts: infeasible alone and minimal, each group's reason with its numbers, the error that carries them."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import assume, given, settings

from iopcore.errors import InfeasibleScheduleError, IopcoreError
from iopcore.schedule import GROUPS, Reason, WeekProblem, WeekRules, conflict, solve
from iopcore.schedule._week_solver.candidates import active_groups
from iopcore.strategies import week_problems
from iopcore.times import Weekday, WeeklyAvailability
from tests.schedule.builders import EVENINGS, all_groups, exhaustive, offering, relax


@settings(max_examples=80)
@given(week_problems(max_offerings=9))
def test_conflict_is_infeasible_alone_and_minimal(problem: WeekProblem) -> None:
    """With every other group relaxed the conflict admits nothing; relaxing any one of its groups admits a week."""
    if exhaustive(problem):
        assert conflict(problem) == ()
        return
    with pytest.raises(InfeasibleScheduleError) as info:
        solve(problem)
    found = info.value.conflict
    assert found
    assert set(found) <= set(active_groups(problem))
    others = [g for g in all_groups(problem) if g not in found]
    assert exhaustive(relax(problem, others)) == []
    for g in found:
        assert exhaustive(relax(problem, [*others, g])) != []
    assert [r.group for r in info.value.reasons] == list(found)
    assert info.value.explanation


def test_hours_min_explanation_names_the_numbers() -> None:
    """Too few available hours: the conflict is hours_min with availability, and the text gives both numbers."""
    rules = WeekRules(hours_min=9, days_max=5)
    problem = WeekProblem(
        rules=rules,
        offerings=EVENINGS,
        availability=WeeklyAvailability.daily("18:00", "21:00", days=[Weekday.MONDAY, Weekday.TUESDAY]),
    )
    with pytest.raises(InfeasibleScheduleError) as info:
        solve(problem)
    err = info.value
    assert err.conflict == ("hours_min", "availability")
    assert err.reasons[0] == Reason(group="hours_min", required=9, achievable=6, unit="hours")
    assert "at most 6 hours a week; at least 9 are required" in err.explanation
    assert isinstance(err, IopcoreError) and isinstance(err, ValueError)


def test_component_and_day_reasons_agree_in_number() -> None:
    """Counts read as English: "at most 1 session can be scheduled; at least 2 sessions required", "1 day"."""
    one = (offering("a", Weekday.MONDAY, "09:00", "12:00"),)
    with pytest.raises(InfeasibleScheduleError) as info:
        solve(WeekProblem(rules=WeekRules(components={"group_therapy": (2, None)}), offerings=one))
    assert "Group behavioral therapy: at most 1 session can be scheduled; at least 2 sessions required." in (
        info.value.explanation
    )
    two = (*one, offering("b", Weekday.TUESDAY, "09:00", "12:00"))
    with pytest.raises(InfeasibleScheduleError) as info:
        solve(WeekProblem(rules=WeekRules(days_min=2, components={"group_therapy": (0, 1)}), offerings=two))
    text = info.value.explanation
    assert "fall on at most 1 day; at least 2 are required" in text
    assert "Group behavioral therapy: a week needs at least 2 sessions; at most 1 session allowed." in text


def test_every_group_has_a_reason_sentence() -> None:
    """Each kind of group in a conflict is worded with its number."""
    day = Weekday.MONDAY
    offs = (
        offering("a", day, "09:00", "12:00"),
        offering("b", day, "12:00", "12:15", component="drug_testing"),
        offering("c", Weekday.TUESDAY, "09:00", "10:00", component="life_skills"),
    )
    cases = {
        "hours_max": WeekRules(hours_max=2, components={"group_therapy": (1, None)}),
        "days_min": WeekRules(days_min=3),
        "days_max": WeekRules(days_max=0, components={"group_therapy": (1, None)}),
        "max_hours_per_day": WeekRules(max_hours_per_day=2, components={"group_therapy": (1, None)}),
        "min_hours_per_day": WeekRules(min_hours_per_day=4, days_min=1),
        "min_gap": WeekRules(min_gap_minutes=10, components={"group_therapy": (1, None), "drug_testing": (1, None)}),
        "component:life_skills:max": WeekRules(days_min=2, components={"life_skills": (0, 0)}),
    }
    for group, rules in cases.items():
        with pytest.raises(InfeasibleScheduleError) as info:
            solve(WeekProblem(rules=rules, offerings=offs))
        assert group in info.value.conflict, (group, info.value.conflict)
        assert info.value.explanation.startswith("No week satisfies")


def test_infeasible_error_pickles() -> None:
    """The error survives pickling with its structured attributes."""
    with pytest.raises(InfeasibleScheduleError) as info:
        solve(WeekProblem(rules=WeekRules(days_min=1), offerings=()))
    again = pickle.loads(pickle.dumps(info.value))
    assert (again.conflict, again.reasons, again.explanation) == (
        info.value.conflict,
        info.value.reasons,
        info.value.explanation,
    )


def test_group_vocabulary_is_documented() -> None:
    """The documented vocabulary lists every group kind."""
    assert "availability" in GROUPS and "component:<id>:min" in GROUPS and len(GROUPS) == 10


def _measure(problem: WeekProblem, ids: tuple[str, ...], group: str) -> float:
    chosen = [problem.offering(i) for i in ids]
    if group.startswith("hours"):
        return sum(o.duration.value for o in chosen) / 60
    if group.startswith("days"):
        return float(len({o.weekday for o in chosen}))
    cid = group.split(":")[1]
    return float(sum(1 for o in chosen if o.component == cid))


@settings(max_examples=60)
@given(week_problems(max_offerings=9))
def test_reason_numbers_are_the_exhaustive_extremes(problem: WeekProblem) -> None:
    """Each reason's achievable value is the best value over weeks feasible with that group alone relaxed."""
    if exhaustive(problem):
        return
    with pytest.raises(InfeasibleScheduleError) as info:
        solve(problem)
    found = info.value.conflict
    others = [g for g in all_groups(problem) if g not in found]
    for reason in info.value.reasons:
        if reason.group in ("max_hours_per_day", "min_hours_per_day", "min_gap", "availability"):
            continue
        weeks = exhaustive(relax(problem, [*others, reason.group]))
        values = [_measure(problem, ids, reason.group) for _, _, ids in weeks]
        maximise = reason.group in ("hours_min", "days_min") or reason.group.endswith(":min")
        assert reason.achievable == pytest.approx(max(values) if maximise else min(values))


@settings(max_examples=40)
@given(week_problems(max_offerings=8))
def test_the_error_is_explained_before_it_is_raised(problem: WeekProblem) -> None:
    """solve raises a plain InfeasibleScheduleError whose fields are values; explain=False only detects."""
    assume(not exhaustive(problem))
    with pytest.raises(InfeasibleScheduleError) as info:
        solve(problem)
    got = info.value
    assert type(got) is InfeasibleScheduleError and type(got).__module__ == "iopcore.errors"
    assert got.explained and got.conflict == conflict(problem)
    assert "conflict" in vars(got) and "reasons" in vars(got)  # plain attributes: nothing computed on access
    assert got.args == (got.explanation,) and str(got) == got.explanation
    again = pickle.loads(pickle.dumps(got))
    assert (again.conflict, again.reasons, again.explanation) == (got.conflict, got.reasons, got.explanation)
    with pytest.raises(InfeasibleScheduleError) as quick:
        solve(problem, explain=False)
    fast = quick.value
    assert type(fast) is InfeasibleScheduleError and not fast.explained
    assert (fast.conflict, fast.reasons, fast.explanation) == (None, None, None)
    assert "not explained" in str(fast)
    assert pickle.loads(pickle.dumps(fast)).explained is False


def test_an_error_is_explained_wholly_or_not_at_all() -> None:
    """conflict, reasons and explanation are given together or not at all."""
    with pytest.raises(IopcoreError):
        InfeasibleScheduleError(conflict=("hours_min",), reasons=None, explanation="x")
    assert InfeasibleScheduleError(conflict=(), reasons=(), explanation="x").explained
