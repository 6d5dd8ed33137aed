"""The solver against an exhaustive search: optimal, feasible, deterministic; conflicts infeasible and minimal."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from iopcore.errors import InfeasibleScheduleError, IopcoreError
from iopcore.schedule import (
    GROUPS,
    ComponentBound,
    Offering,
    Reason,
    WeekProblem,
    WeekRules,
    WeekSchedule,
    alternatives,
    check,
    conflict,
    solve,
)
from iopcore.schedule._week_solver.candidates import active_groups, candidates, limits
from iopcore.schedule._week_solver.day_patterns import DayCache
from iopcore.schedule._week_solver.explain import infeasible_error
from iopcore.schedule._week_solver.search import feasible, search
from iopcore.strategies import week_problems
from iopcore.times import ClockTime, Weekday, WeeklyAvailability

Key = tuple[int, int, tuple[tuple[tuple[int, int, str], ...], ...]]


def tie_key(problem: WeekProblem, ids: Iterable[str]) -> Key:
    """The documented tie-break key: sessions, minutes, then per weekday from Monday, sorted (start, end, id)."""
    chosen = [problem.offering(i) for i in ids]
    return len(chosen), sum(o.duration.value for o in chosen), tuple(
        tuple(sorted((o.start.minute_of_day, o.end.minute_of_day, o.id) for o in chosen if o.weekday == d))
        for d in Weekday
    )  # fmt: skip


def exhaustive(problem: WeekProblem) -> list[tuple[int, Key, tuple[str, ...]]]:
    """Every feasible subset by brute force over the seated, available offerings, best first."""
    base = [o.id for o in problem.offerings if o.seats > 0 and o.interval in problem.availability]
    found = []
    for r in range(len(base) + 1):
        for subset in itertools.combinations(base, r):
            if not check(problem, subset):
                found.append((problem.schedule_cost(subset), tie_key(problem, subset), tuple(sorted(subset))))
    found.sort()
    return found


def relax(problem: WeekProblem, groups: Iterable[str]) -> WeekProblem:
    """The problem with *groups* relaxed, built directly from the documented vocabulary."""
    r = problem.rules
    changes: dict[str, object] = {}
    bounds = dict(r.components)
    for g in groups:
        if g == "hours_min":
            changes["hours_min"] = 0.0
        elif g == "hours_max":
            changes["hours_max"] = None
        elif g == "days_min":
            changes["days_min"] = 0
        elif g == "days_max":
            changes["days_max"] = 7
        elif g == "max_hours_per_day":
            changes["max_hours_per_day"] = None
        elif g == "min_hours_per_day":
            changes["min_hours_per_day"] = None
        elif g == "min_gap":
            changes["min_gap_minutes"] = 0
        elif g.startswith("component:"):
            _, cid, side = g.split(":")
            b = bounds[cid]
            bounds[cid] = ComponentBound(min=0, max=b.max) if side == "min" else ComponentBound(min=b.min, max=None)
        else:
            assert g == "availability"
    changes["components"] = bounds
    rules = attrs.evolve(r, **changes)  # type: ignore[arg-type]
    availability = WeeklyAvailability.whole_week() if "availability" in groups else problem.availability
    return attrs.evolve(problem, rules=rules, availability=availability)


def all_groups(problem: WeekProblem) -> list[str]:
    """Every group of the vocabulary for this problem's bounded components."""
    fixed = ["hours_min", "hours_max", "days_min", "days_max", "max_hours_per_day", "min_hours_per_day", "min_gap"]
    bounded = [f"component:{c}:{side}" for c in problem.rules.components for side in ("min", "max")]
    return [*fixed, *bounded, "availability"]


@settings(max_examples=150)
@given(week_problems(max_offerings=10))
def test_solve_is_optimal_or_raises_exactly_when_exhaustive_finds_nothing(problem: WeekProblem) -> None:
    """solve's cost and tie-break equal the exhaustive optimum; it raises iff no subset is feasible."""
    best = exhaustive(problem)
    if not best:
        with pytest.raises(InfeasibleScheduleError):
            solve(problem)
        return
    schedule = solve(problem)
    assert check(problem, schedule.offering_ids) == ()
    assert schedule.cost == best[0][0] == problem.schedule_cost(schedule.offering_ids)
    assert tie_key(problem, schedule.offering_ids) == best[0][1]


@settings(max_examples=100)
@given(week_problems(max_offerings=12, feasible=True))
def test_feasible_by_construction_problems_are_solved_and_pass_check(problem: WeekProblem) -> None:
    """A problem built around a feasible set always has a schedule, and it passes the checker."""
    schedule = solve(problem)
    assert check(problem, schedule.offering_ids) == ()
    assert schedule.cost == problem.schedule_cost(schedule.offering_ids)


@settings(max_examples=60)
@given(week_problems(max_offerings=10), st.randoms(use_true_random=False))
def test_output_is_deterministic_and_independent_of_offering_order(problem: WeekProblem, rnd: object) -> None:
    """Solving twice, or with the offerings shuffled, gives the same schedule (or the same conflict)."""
    shuffled_offerings = list(problem.offerings)
    rnd.shuffle(shuffled_offerings)  # type: ignore[attr-defined]
    shuffled = attrs.evolve(problem, offerings=tuple(shuffled_offerings))
    results = []
    for p in (problem, problem, shuffled):
        try:
            results.append(solve(p))
        except InfeasibleScheduleError as exc:
            results.append(exc.conflict)  # type: ignore[arg-type]
    assert results[0] == results[1] == results[2]


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


@settings(max_examples=60)
@given(week_problems(max_offerings=9), st.integers(1, 6))
def test_alternatives_are_the_k_cheapest_distinct_feasible_schedules(problem: WeekProblem, k: int) -> None:
    """alternatives gives min(k, #feasible) distinct feasible schedules in (cost, tie-break) order."""
    expected = exhaustive(problem)[:k]
    got = alternatives(problem, k)
    assert len(got) == len(expected)
    assert len({frozenset(s.offering_ids) for s in got}) == len(got)
    for s in got:
        assert check(problem, s.offering_ids) == ()
    assert [(s.cost, tie_key(problem, s.offering_ids)) for s in got] == [(c, key) for c, key, _ in expected]


# ----------------------------------------------------------------------------- worked examples


def _offer(oid: str, component: str, day: Weekday, start: str, end: str, **kw: object) -> Offering:
    return Offering(
        id=oid, component=component, weekday=day, start=ClockTime.parse(start), end=ClockTime.parse(end), **kw
    )  # type: ignore[arg-type]


EVENINGS = tuple(
    _offer(f"eve_{d.short.lower()}", "group_therapy", d, "18:00", "21:00", track="evening") for d in list(Weekday)[:5]
)


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


def test_every_group_has_a_reason_sentence() -> None:
    """Each kind of group in a conflict is worded with its number."""
    day = Weekday.MONDAY
    offs = (
        _offer("a", "group_therapy", day, "09:00", "12:00"),
        _offer("b", "drug_testing", day, "12:00", "12:15"),
        _offer("c", "life_skills", Weekday.TUESDAY, "09:00", "10:00"),
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
    import pickle

    with pytest.raises(InfeasibleScheduleError) as info:
        solve(WeekProblem(rules=WeekRules(days_min=1), offerings=()))
    again = pickle.loads(pickle.dumps(info.value))
    assert (again.conflict, again.reasons, again.explanation) == (
        info.value.conflict,
        info.value.reasons,
        info.value.explanation,
    )


def test_working_patient_gets_the_evening_track() -> None:
    """A patient working 08:00–16:30 on weekdays gets evening groups only."""
    work = WeeklyAvailability.daily("08:00", "16:30", days=list(Weekday)[:5])
    mornings = tuple(
        _offer(f"am_{d.short.lower()}", "group_therapy", d, "09:00", "12:00", track="morning")
        for d in list(Weekday)[:5]
    )
    problem = WeekProblem(
        rules=WeekRules(hours_min=9, hours_max=19, days_min=3, days_max=5, components={"group_therapy": (3, None)}),
        offerings=mornings + EVENINGS,
        availability=WeeklyAvailability.whole_week().difference(work),
        day_cost=1,
    )
    schedule = solve(problem)
    assert {o.track for o in schedule.sessions} == {"evening"}
    assert schedule.hours == 9 and len(schedule.days) == 3 and schedule.cost == 3


def test_alternatives_rejects_bad_k_and_infeasible_gives_nothing() -> None:
    """k must be a positive integer; an infeasible problem has no alternatives."""
    problem = WeekProblem(rules=WeekRules(days_min=1), offerings=())
    assert alternatives(problem, 3) == ()
    with pytest.raises(IopcoreError):
        alternatives(problem, 0)
    with pytest.raises(IopcoreError):
        alternatives("nope", 1)  # type: ignore[arg-type]
    with pytest.raises(IopcoreError):
        solve("nope")  # type: ignore[arg-type]


def test_group_vocabulary_is_documented() -> None:
    """The documented vocabulary lists every group kind."""
    assert "availability" in GROUPS and "component:<id>:min" in GROUPS and len(GROUPS) == 10


def test_schedule_text_and_html() -> None:
    """str gives a table with totals; _repr_html_ a weekly grid with escaped text."""
    s = WeekSchedule(sessions=EVENINGS[:2], cost=7)
    text = str(s)
    assert "Mon  18:00–21:00" in text and "2 sessions, 6 h on 2 days, cost 7" in text
    page = s._repr_html_()
    assert page.count("<th>") == 7 and "group_therapy" in page and "evening" in page
    assert s.component_counts == {"group_therapy": 2}
    assert s.on(Weekday.MONDAY) == EVENINGS[:1]


@settings(max_examples=40)
@given(week_problems(min_offerings=8, max_offerings=12))
def test_solve_is_optimal_on_larger_instances(problem: WeekProblem) -> None:
    """With 8-12 offerings solve still matches the exhaustive optimum (or raises exactly when it is empty)."""
    best = exhaustive(problem)
    if not best:
        with pytest.raises(InfeasibleScheduleError):
            solve(problem)
        return
    schedule = solve(problem)
    assert check(problem, schedule.offering_ids) == ()
    assert (schedule.cost, tie_key(problem, schedule.offering_ids)) == best[0][:2]


def test_hours_that_round_to_an_empty_minute_range_are_infeasible() -> None:
    """hours_min 1.001 needs 61 minutes, hours_max 1.01 allows 60: no week, and the conflict names both."""
    problem = WeekProblem(
        rules=WeekRules(hours_min=1.001, hours_max=1.01),
        offerings=(
            Offering(id="a", component="life_skills", weekday=Weekday.MONDAY, start=ClockTime(9), end=ClockTime(10, 1)),
        ),
    )
    with pytest.raises(InfeasibleScheduleError) as info:
        solve(problem)
    assert info.value.conflict == ("hours_min", "hours_max")


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
@given(week_problems(max_offerings=9), st.data())
def test_search_with_exclusions_equals_solving_without_those_offerings(
    problem: WeekProblem, data: st.DataObject
) -> None:
    """Excluding candidates in the internal search is the same as removing those offerings (for cohort reuse)."""
    cands = candidates(problem)
    if not cands.offerings:
        return
    dropped = data.draw(st.sets(st.integers(0, len(cands.offerings) - 1)))
    found = search(cands, limits(problem), day_cost=problem.day_cost, excluded=dropped)
    removed = {cands.offerings[i].id for i in dropped}
    assume(not problem.preferences.keep & removed)  # removing a kept session would change other costs
    smaller = attrs.evolve(
        problem,
        offerings=tuple(o for o in problem.offerings if o.id not in removed),
        offering_costs={k: v for k, v in problem.offering_costs.items() if k not in removed},
        preferences=attrs.evolve(problem.preferences, keep=problem.preferences.keep - removed),
    )
    expected = exhaustive(smaller)
    if not expected:
        assert found == []
    else:
        assert found[0][0][0] == expected[0][0]


@settings(max_examples=40)
@given(week_problems(max_offerings=8))
def test_lazy_error_explains_exactly_as_the_eager_one(problem: WeekProblem) -> None:
    """solve's error computes conflict, reasons and explanation on first access, equal to the eager values."""
    assume(not exhaustive(problem))
    with pytest.raises(InfeasibleScheduleError) as info:
        solve(problem)
    eager = infeasible_error(problem, lazy=False)
    assert type(eager) is InfeasibleScheduleError
    got = info.value
    assert (got.conflict, got.reasons, got.explanation) == (eager.conflict, eager.reasons, eager.explanation)
    assert got.args == eager.args == (eager.explanation,)
    assert str(got) == str(eager)
    assert repr(got) == repr(eager)


@settings(max_examples=60)
@given(week_problems(max_offerings=9), st.data())
def test_search_with_any_integer_costs_finds_the_exhaustive_minimum(problem: WeekProblem, data: st.DataObject) -> None:
    """The internal search with arbitrary (also negative) candidate and day costs finds the exact minimum."""
    cands = candidates(problem)
    costs = data.draw(st.lists(st.integers(-9, 9), min_size=len(cands.offerings), max_size=len(cands.offerings)))
    day_cost = data.draw(st.integers(-9, 9))
    found = search(cands, limits(problem), cost=costs, day_cost=day_cost)
    index = {o.id: i for i, o in enumerate(cands.offerings)}

    def objective(ids: tuple[str, ...]) -> int:
        days = {problem.offering(i).weekday for i in ids}
        return day_cost * len(days) + sum(costs[index[i]] for i in ids)

    feasible_sets = [ids for _, _, ids in exhaustive(problem)]
    if not feasible_sets:
        assert found == []
        return
    chosen = tuple(cands.offerings[i].id for i in found[0][2])
    assert check(problem, chosen) == ()
    assert found[0][0][0] == objective(chosen) == min(objective(ids) for ids in feasible_sets)


def _agrees_with_exhaustive(problem: WeekProblem) -> None:
    best = exhaustive(problem)
    if not best:
        with pytest.raises(InfeasibleScheduleError):
            solve(problem)
        return
    schedule = solve(problem)
    assert (schedule.cost, tie_key(problem, schedule.offering_ids)) == best[0][:2]


def test_a_component_maximum_that_shortens_the_only_day_makes_the_week_infeasible() -> None:
    """Two 1-hour groups fit on Monday, but at most one group is allowed: 2 hours cannot be reached."""
    offs = (
        _offer("a", "group_therapy", Weekday.MONDAY, "09:00", "10:00"),
        _offer("b", "group_therapy", Weekday.MONDAY, "10:00", "11:00"),
    )
    problem = WeekProblem(rules=WeekRules(hours_min=2, components={"group_therapy": (0, 1)}), offerings=offs)
    _agrees_with_exhaustive(problem)
    with pytest.raises(InfeasibleScheduleError):
        solve(problem)


def test_a_day_cap_that_fits_one_session_makes_a_component_minimum_of_two_infeasible() -> None:
    """Two 50-minute individual sessions fit on Monday, but the day is capped at one hour."""
    offs = (
        _offer("a", "individual_counseling", Weekday.MONDAY, "09:00", "09:50"),
        _offer("b", "individual_counseling", Weekday.MONDAY, "10:00", "10:50"),
    )
    rules = WeekRules(max_hours_per_day=1, components={"individual_counseling": (2, None)})
    problem = WeekProblem(rules=rules, offerings=offs)
    _agrees_with_exhaustive(problem)
    with pytest.raises(InfeasibleScheduleError):
        solve(problem)


def test_skipping_the_long_day_leaves_too_few_days_allowed() -> None:
    """3 hours on at most 2 days need Monday's 2-hour session: the 1-hour days alone need 3 days."""
    offs = (
        _offer("mon", "group_therapy", Weekday.MONDAY, "09:00", "11:00"),
        _offer("tue", "group_therapy", Weekday.TUESDAY, "09:00", "10:00"),
        _offer("wed", "group_therapy", Weekday.WEDNESDAY, "09:00", "10:00"),
        _offer("thu", "group_therapy", Weekday.THURSDAY, "09:00", "10:00"),
    )
    problem = WeekProblem(rules=WeekRules(hours_min=3, days_max=2), offerings=offs, day_cost=1)
    _agrees_with_exhaustive(problem)
    assert "mon" in solve(problem).offering_ids


@pytest.mark.parametrize(
    "rules",
    [WeekRules(components={"group_therapy": (0, 1)}), WeekRules(hours_max=1.5)],
    ids=["component_max", "hours_max"],
)
def test_search_with_rewards_respects_a_weekly_maximum(rules: WeekRules) -> None:
    """Rewarding every session (negative costs) still keeps a component's weekly maximum and hours_max."""
    offs = (
        _offer("mon", "group_therapy", Weekday.MONDAY, "09:00", "10:00"),
        _offer("tue", "group_therapy", Weekday.TUESDAY, "09:00", "10:00"),
    )
    problem = WeekProblem(rules=rules, offerings=offs)
    cands = candidates(problem)
    found = search(cands, limits(problem), cost=[-5, -5])
    assert found[0][0][0] == -5 and len(found[0][2]) == 1


def test_search_with_rewards_keeps_a_component_minimum_on_the_last_day_offering_it() -> None:
    """With the only group on Monday and a group required, the drug test alone is no option for Monday."""
    offs = (
        _offer("group", "group_therapy", Weekday.MONDAY, "09:00", "12:00"),
        _offer("test", "drug_testing", Weekday.MONDAY, "08:00", "08:15"),
    )
    problem = WeekProblem(rules=WeekRules(components={"group_therapy": (1, None)}), offerings=offs)
    cands = candidates(problem)
    rewards = [-1 if o.id == "test" else 5 for o in cands.offerings]
    found = search(cands, limits(problem), cost=rewards)
    assert {cands.offerings[i].id for i in found[0][2]} == {"group", "test"} and found[0][0][0] == 4


def test_search_with_rewards_still_reaches_the_weekly_hours_minimum() -> None:
    """A rewarded short session alone on Monday cannot reach 2 hours with Tuesday: both groups are taken."""
    offs = (
        _offer("mon", "group_therapy", Weekday.MONDAY, "09:00", "10:00"),
        _offer("test", "drug_testing", Weekday.MONDAY, "08:00", "08:15"),
        _offer("tue", "group_therapy", Weekday.TUESDAY, "09:00", "10:00"),
    )
    problem = WeekProblem(rules=WeekRules(hours_min=2), offerings=offs)
    cands = candidates(problem)
    found = search(cands, limits(problem), cost=[-1 if o.id == "test" else 5 for o in cands.offerings])
    assert {cands.offerings[i].id for i in found[0][2]} == {"mon", "test", "tue"} and found[0][0][0] == 9


@settings(max_examples=60)
@given(week_problems(max_offerings=9), st.data())
def test_feasible_with_groups_relaxed_agrees_with_exhaustive_search(problem: WeekProblem, data: st.DataObject) -> None:
    """The internal feasibility test, with any groups relaxed, says yes exactly when some subset is feasible."""
    groups = data.draw(st.lists(st.sampled_from(all_groups(problem)), unique=True))
    assert feasible(problem, groups) == bool(exhaustive(relax(problem, groups)))


def test_one_group_a_week_cannot_make_two_hours() -> None:
    """Three 1-hour groups exist but at most one is allowed: 2 hours conflict with that maximum."""
    offs = tuple(_offer(d.short, "group_therapy", d, "09:00", "10:00") for d in list(Weekday)[:3])
    problem = WeekProblem(rules=WeekRules(hours_min=2, components={"group_therapy": (0, 1)}), offerings=offs)
    _agrees_with_exhaustive(problem)
    with pytest.raises(InfeasibleScheduleError) as info:
        solve(problem)
    assert info.value.conflict == ("hours_min", "component:group_therapy:max")


def test_a_cheaper_monday_group_is_not_doubled_past_the_maximum() -> None:
    """With at most one group and Tuesday's costing more, the week is Monday's group alone."""
    offs = (
        _offer("mon", "group_therapy", Weekday.MONDAY, "09:00", "10:00"),
        _offer("tue", "group_therapy", Weekday.TUESDAY, "09:00", "10:00"),
    )
    rules = WeekRules(days_min=1, components={"group_therapy": (1, 1)})
    problem = WeekProblem(rules=rules, offerings=offs, offering_costs={"tue": 1})
    _agrees_with_exhaustive(problem)
    assert solve(problem).offering_ids == ("mon",)


@settings(max_examples=40)
@given(week_problems(max_offerings=9), st.data())
def test_a_shared_day_cache_never_changes_a_search(problem: WeekProblem, data: st.DataObject) -> None:
    """Searches sharing a day-pattern cache (other exclusions, costs, k) answer exactly as fresh ones."""
    cands = candidates(problem)
    lim = limits(problem)
    n = len(cands.offerings)
    cache: DayCache = {}
    for _ in range(4):
        dropped = data.draw(st.sets(st.integers(0, max(n - 1, 0)), max_size=n))
        costs = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
        k = data.draw(st.integers(1, 3))
        fresh = search(cands, lim, cost=costs, day_cost=problem.day_cost, k=k, excluded=dropped)
        shared = search(cands, lim, cost=costs, day_cost=problem.day_cost, k=k, excluded=dropped, day_cache=cache)
        assert shared == fresh


@settings(max_examples=60)
@given(week_problems(max_offerings=9), st.data())
def test_a_limit_keeps_exactly_the_choices_below_it(problem: WeekProblem, data: st.DataObject) -> None:
    """``limit`` only drops choices costing that much or more, with negative costs too (the other search)."""
    cands, lim = candidates(problem), limits(problem)
    costs = data.draw(st.lists(st.integers(-2, 4), min_size=len(cands.cost), max_size=len(cands.cost)))
    k, limit = data.draw(st.integers(1, 4)), data.draw(st.integers(-10, 30))
    every = search(cands, lim, cost=costs, day_cost=problem.day_cost, k=k + 8)
    below = search(cands, lim, cost=costs, day_cost=problem.day_cost, k=k, limit=limit)
    assert below == [sol for sol in every if sol[0][0] < limit][:k]
