"""Weekly needs: per-component bounds and the hours-band fit, the one-call WeekProblem builder, plan to schedule."""

from __future__ import annotations

import pickle
from collections import defaultdict
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from iopcore import strategies as ist
from iopcore.assessment import IntakeAssessment
from iopcore.components import COMPONENTS, Role
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.levels import ASAM3, DaysBand, HoursBand, Population
from iopcore.plans import (
    BandFit,
    ComponentRequirement,
    Frequency,
    Intervention,
    Per,
    PlanDoesNotFitError,
    TreatmentPlan,
    WeeklyRequirements,
    draft_plan,
    week_problem,
    weekly_requirements,
)
from iopcore.programs import Program
from iopcore.schedule import ComponentBound, Offering, Preferences, WeekProblem, check, solve
from iopcore.times import ClockTime, Minutes, Weekday, WeeklyAvailability
from tests.plans.builders import PROGRAM, intervention, plan


def iv(iv_id: str, component: str, sessions: int, minutes: int, per: Per = Per.WEEK) -> Intervention:
    return Intervention(
        id=iv_id,
        component=component,
        frequency=Frequency(sessions=sessions, per=per),
        minutes=Minutes(minutes),
        responsible=Role.ADDICTION_COUNSELOR,
    )


PLAN = TreatmentPlan(
    id="plan_17",
    patient_id="p-17",
    written_on=date(2026, 3, 5),
    interventions=(
        iv("groups", "group_counseling", 3, 180),
        iv("one_to_one", "individual_counseling", 1, 50),
        iv("family", "family_counseling", 2, 60, Per.MONTH),
    ),
)


def offering(oid: str, component: str, day: Weekday, start: str, end: str) -> Offering:
    return Offering(id=oid, component=component, weekday=day, start=ClockTime.parse(start), end=ClockTime.parse(end))


EVENING = (
    *(offering(f"g_{d.short}", "group_counseling", d, "17:30", "20:30") for d in (Weekday(1), Weekday(3), Weekday(4))),
    offering("g_extra", "group_counseling", Weekday(2), "17:30", "20:30"),
    offering("ind_tue", "individual_counseling", Weekday(2), "16:30", "17:20"),
    offering("fam_wed", "family_counseling", Weekday(3), "16:00", "17:00"),
    offering("life_mon", "life_skills", Weekday(1), "16:00", "17:00"),
)


def test_the_builder_bounds_planned_components_and_excludes_the_rest() -> None:
    """Weekly interventions fix their count, monthly ones allow 0 to n, unplanned components get 0."""
    problem = week_problem(PLAN, PROGRAM, EVENING, WeeklyAvailability.whole_week())
    bounds = problem.rules.components
    assert bounds["group_counseling"] == ComponentBound(min=3, max=3)
    assert bounds["individual_counseling"] == ComponentBound(min=1, max=1)
    assert bounds["family_counseling"] == ComponentBound(min=0, max=2)
    assert bounds["life_skills"] == ComponentBound(min=0, max=0)
    assert set(bounds) == set(PROGRAM.component_ids)
    assert (problem.rules.hours_min, problem.rules.minutes_max) == (9.0, 1199)


def test_unplanned_components_can_be_allowed_or_left_unbounded() -> None:
    """``unplanned_max=1`` allows one session of each unplanned component; ``None`` leaves them unbounded."""
    some = week_problem(PLAN, PROGRAM, EVENING, WeeklyAvailability.whole_week(), unplanned_max=1)
    assert some.rules.components["life_skills"] == ComponentBound(min=0, max=1)
    free = week_problem(PLAN, PROGRAM, EVENING, WeeklyAvailability.whole_week(), unplanned_max=None)
    assert set(free.rules.components) == {"group_counseling", "individual_counseling", "family_counseling"}


def test_costs_and_preferences_reach_the_problem() -> None:
    """day_cost, preferences, offering_costs and min_gap_minutes are passed through unchanged."""
    prefs = Preferences(avoided_days=frozenset({Weekday(4)}))
    problem = week_problem(
        PLAN,
        PROGRAM,
        EVENING,
        WeeklyAvailability.whole_week(),
        day_cost=7,
        preferences=prefs,
        offering_costs={"g_extra": 3},
        min_gap_minutes=10,
    )
    assert (problem.day_cost, problem.preferences, dict(problem.offering_costs)) == (7, prefs, {"g_extra": 3})
    assert problem.rules.min_gap_minutes == 10


def test_solving_the_built_problem_gives_the_planned_week() -> None:
    """The evening catalog yields three groups, one individual session and, at most, one family session."""
    schedule = solve(week_problem(PLAN, PROGRAM, EVENING, WeeklyAvailability.daily("16:00", "21:00")))
    counts = schedule.component_counts
    assert counts["group_counseling"] == 3 and counts["individual_counseling"] == 1
    assert counts.get("family_counseling", 0) <= 2 and "life_skills" not in counts


def test_a_plan_below_the_band_is_reported_not_padded() -> None:
    """A draft with only the cited defaults (65 min a week at most) cannot reach 9 hours: PlanDoesNotFitError."""
    draft = draft_plan(IntakeAssessment(patient_id="p", assessed_on=date(2026, 3, 2)), PROGRAM)
    with pytest.raises(PlanDoesNotFitError) as info:
        week_problem(draft, PROGRAM, EVENING, WeeklyAvailability.whole_week())
    assert info.value.fit is BandFit.BELOW_MINIMUM and info.value.paths == ("$.interventions",)
    assert isinstance(info.value, InvalidDataError)


def test_a_plan_above_the_band_is_reported_not_truncated() -> None:
    """Seven 3-hour groups a week (21 h) cannot fit below 20 hours: PlanDoesNotFitError, above the maximum."""
    heavy = attrs.evolve(PLAN, interventions=(iv("groups", "group_counseling", 7, 180),))
    with pytest.raises(PlanDoesNotFitError) as info:
        week_problem(heavy, PROGRAM, EVENING, WeeklyAvailability.whole_week())
    assert info.value.fit is BandFit.ABOVE_MAXIMUM


def test_components_the_program_does_not_offer_are_rejected_with_their_path() -> None:
    """An intervention on a component the program lacks is an InvalidDataError at its component path."""
    program = attrs.evolve(PROGRAM, components=tuple(c for c in COMPONENTS if c.id != "family_counseling"))
    with pytest.raises(InvalidDataError) as info:
        week_problem(PLAN, program, EVENING[:5], WeeklyAvailability.whole_week())
    assert info.value.paths == ("$.plan.interventions[2].component",)


def test_a_program_that_is_not_a_program_is_rejected_with_its_path() -> None:
    """Passing something other than a Program is an InvalidDataError at $.program, not an AttributeError."""
    with pytest.raises(InvalidDataError) as info:
        week_problem(PLAN, "adult_iop", EVENING, WeeklyAvailability.whole_week())  # type: ignore[arg-type]
    assert info.value.paths == ("$.program",)


@pytest.mark.parametrize("bad", [-1, True, 1.5, "0"])
def test_unplanned_max_must_be_none_or_a_natural_number(bad: Any) -> None:
    """A negative, boolean, float or string *unplanned_max* is rejected at its name."""
    with pytest.raises(InvalidDataError) as info:
        week_problem(PLAN, PROGRAM, EVENING, WeeklyAvailability.whole_week(), unplanned_max=bad)
    assert info.value.paths == ("$.unplanned_max",)


def _level_for(minutes: int) -> str:
    """The ASAM 3rd-edition level whose adult hours band holds *minutes* a week."""
    return "1" if minutes < 9 * 60 else "2.1" if minutes < 20 * 60 else "2.5"


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[TreatmentPlan, Program, tuple[Offering, ...], WeeklyAvailability]:
    """A valid plan, a program whose band holds its weekly minutes, and a catalog offering enough sessions.

    Every intervention's component is offered ``sessions + extra`` times at its
    planned length, back to back from Monday inside the patient's availability;
    unplanned components are offered too, and planned ones once more on Sunday,
    outside the availability.
    """
    plan = draw(
        ist.treatment_plans(component_ids=st.sampled_from(COMPONENTS.ids), max_items=3, max_sessions=3, max_minutes=180)
    )
    weekly = [i for i in plan.interventions if i.frequency.per is Per.WEEK]
    assume(weekly)
    planned_minutes = sum(i.frequency.sessions * i.minutes.value for i in weekly)
    program = Program.from_level(
        ASAM3.level(_level_for(planned_minutes)),
        Population.ADULT,
        id="prog",
        name="Program",
        days_per_week=DaysBand(min_days=1, max_days=7),
    )
    lengths = [(i.component, i.minutes.value) for i in plan.interventions for _ in range(i.frequency.sessions)]
    lengths += [(i.component, i.minutes.value) for i in plan.interventions if draw(st.booleans())]
    unplanned = [c for c in COMPONENTS.ids if c not in plan.component_ids]
    lengths += [(c, 60) for c in draw(st.lists(st.sampled_from(unplanned), max_size=2))]
    lengths = draw(st.permutations(lengths))
    inside: list[Offering] = []
    day, minute = 1, 0
    for k, (component, length) in enumerate(lengths):
        if minute + length > 24 * 60:
            day, minute = day + 1, 0
        inside.append(
            Offering(
                id=f"o{k}",
                component=component,
                weekday=Weekday(day),
                start=ClockTime.from_minute_of_day(minute),
                end=ClockTime.from_minute_of_day(minute + length),
            )
        )
        minute += length
    assert day < 7  # at most 12 sessions of 3 h and 2 of 1 h: Sunday stays free
    availability = WeeklyAvailability(windows=tuple(o.interval for o in inside))
    outside = tuple(
        Offering(
            id=f"sun{k}",
            component=c,
            weekday=Weekday(7),
            start=ClockTime.from_minute_of_day(60 * k),
            end=ClockTime.from_minute_of_day(60 * k + 30),
        )
        for k, c in enumerate(plan.component_ids)
    )
    return plan, program, (*inside, *outside), availability


@settings(max_examples=30, deadline=None)
@given(scenario=scenarios())
def test_solving_meets_every_interventions_weekly_frequency(
    scenario: tuple[TreatmentPlan, Program, tuple[Offering, ...], WeeklyAvailability],
) -> None:
    """For any valid plan and a catalog offering enough sessions inside the availability, the solved week meets
    every weekly frequency exactly, keeps monthly ones within 0..n, holds nothing unplanned, and passes ``check``."""
    plan, program, offerings, availability = scenario
    problem = week_problem(plan, program, offerings, availability)
    assert isinstance(problem, WeekProblem)
    schedule = solve(problem)
    assert check(problem, schedule.offering_ids) == ()
    weekly: dict[str, int] = defaultdict(int)
    monthly: dict[str, int] = defaultdict(int)
    for i in plan.interventions:
        (weekly if i.frequency.per is Per.WEEK else monthly)[i.component] += i.frequency.sessions
    counts = schedule.component_counts
    for component in plan.component_ids:
        assert weekly[component] <= counts.get(component, 0) <= weekly[component] + monthly[component]
    for i in plan.interventions:
        if i.frequency.per is Per.WEEK:
            assert counts.get(i.component, 0) >= i.frequency.sessions
    assert set(counts) <= set(plan.component_ids)
    assert all(o.weekday is not Weekday(7) for o in schedule.sessions)


# ----------------------------------------------------------------------------- weekly requirements


def test_weekly_requirements_aggregate_per_component() -> None:
    """Weekly interventions fix the count; monthly ones allow 0..n a week; minutes add up."""
    p = plan(
        interventions=(
            intervention("i1", "group_counseling", 3),
            intervention("i2", "group_counseling", 1, minutes=Minutes(60)),
            intervention("i3", "family_counseling", 2, frequency=Frequency(sessions=2, per=Per.MONTH),
                         minutes=Minutes(50)),
        )
    )  # fmt: skip
    req = weekly_requirements(p, PROGRAM)
    group = req.requirement("group_counseling")
    assert group is not None
    assert (group.min_sessions, group.max_sessions) == (4, 4)
    assert group.min_minutes == Minutes(600) and group.interventions == ("i1", "i2")
    family = req.requirement("family_counseling")
    assert family is not None and (family.min_sessions, family.max_sessions) == (0, 2)
    assert req.min_minutes == Minutes(600) and req.max_minutes == Minutes(700)
    assert req.fit is BandFit.FITS and req.require_fit() is req
    assert req.requirement("drug_testing") is None


@pytest.mark.parametrize(
    ("sessions", "fit"),
    [(2, BandFit.BELOW_MINIMUM), (3, BandFit.FITS), (6, BandFit.FITS), (7, BandFit.ABOVE_MAXIMUM)],
)
def test_plans_that_cannot_fit_the_hours_band_are_reported(sessions: int, fit: BandFit) -> None:
    """3-hour sessions: 2 a week is under 9 h, 7 a week reaches 21 h ≥ 20: both reported, none truncated."""
    req = weekly_requirements(plan(interventions=(intervention(sessions=sessions),)), PROGRAM)
    assert req.fit is fit
    assert req.min_minutes == Minutes(180 * sessions)
    if fit is not BandFit.FITS:
        with pytest.raises(PlanDoesNotFitError) as info:
            req.require_fit()
        assert info.value.fit is fit
        assert info.value.paths == ("$.interventions",)
        assert pickle.loads(pickle.dumps(info.value)).fit is fit


def _needs(*rows: tuple[str, int, int], band: HoursBand) -> WeeklyRequirements:
    comps = tuple(
        ComponentRequirement(
            component=c, min_sessions=0, max_sessions=1, min_minutes=Minutes(lo), max_minutes=Minutes(hi)
        )
        for c, lo, hi in rows
    )
    return WeeklyRequirements(components=comps, hours_per_week=band)


NINE_TO_TWENTY = HoursBand(min_hours=9, max_hours=20)


@pytest.mark.parametrize(
    ("fullest", "fit"), [(539, BandFit.BELOW_MINIMUM), (540, BandFit.FITS), (541, BandFit.FITS)]
)  # fmt: skip
def test_the_minimum_at_just_below_and_just_above_540_minutes(fullest: int, fit: BandFit) -> None:
    """9 h/week is 540 minutes: a fullest week of 539 minutes cannot reach it; 540 and 541 can."""
    assert _needs(("group_counseling", 0, fullest), band=NINE_TO_TWENTY).fit is fit


@pytest.mark.parametrize(
    ("lightest", "fit"), [(1199, BandFit.FITS), (1200, BandFit.ABOVE_MAXIMUM), (1201, BandFit.ABOVE_MAXIMUM)]
)  # fmt: skip
def test_the_exclusive_maximum_at_just_below_and_just_above_1200_minutes(lightest: int, fit: BandFit) -> None:
    """The band is [9, 20): a lightest week of 1199 minutes fits, 1200 (20 h) and 1201 do not."""
    assert _needs(("group_counseling", lightest, 1300), band=NINE_TO_TWENTY).fit is fit


def test_a_plan_below_the_band_says_its_planned_minutes_the_band_and_each_component() -> None:
    """The issue's case: 335 planned minutes against a 540-minute minimum; the error carries every number
    (planned range, band, per component), shows them in its message and keeps them through pickling."""
    needs = _needs(("group_counseling", 180, 180), ("individual_counseling", 50, 155), band=NINE_TO_TWENTY)
    with pytest.raises(PlanDoesNotFitError) as info:
        needs.require_fit()
    err = info.value
    assert (err.fit, err.min_minutes, err.max_minutes, err.min_hours, err.max_hours) == (
        BandFit.BELOW_MINIMUM, 230, 335, 9, 20,
    )  # fmt: skip
    assert err.components == (("group_counseling", 180, 180), ("individual_counseling", 50, 155))
    assert str(err) == (
        "invalid TreatmentPlan: $.interventions: expected interventions whose weekly minutes fit the hours band "
        "[9, 20) h/week (540 minutes a week or more, under 1200), got at most 335 planned minutes a week even in "
        "the fullest week, below the minimum (group_counseling 180 min, individual_counseling 50 to 155 min)"
    )
    again = pickle.loads(pickle.dumps(err))
    assert (again.fit, again.max_minutes, again.components, again.errors) == (
        err.fit, err.max_minutes, err.components, err.errors,
    )  # fmt: skip


def test_a_plan_above_an_open_or_closed_band_says_its_lightest_week() -> None:
    """Above the maximum the message gives the lightest week; an unbounded band cannot be exceeded."""
    with pytest.raises(PlanDoesNotFitError) as info:
        _needs(("group_counseling", 1260, 1260), band=NINE_TO_TWENTY).require_fit()
    assert "got at least 1260 planned minutes a week even in the lightest week, above the maximum" in str(info.value)
    assert info.value.fit is BandFit.ABOVE_MAXIMUM
    with pytest.raises(PlanDoesNotFitError) as info2:
        _needs(("group_counseling", 0, 100), band=HoursBand(min_hours=19.5)).require_fit()
    assert "[19.5, ∞) h/week (at least 1170 minutes a week)" in str(info2.value)
    assert info2.value.max_hours is None


@settings(max_examples=50)
@given(ist.treatment_plans(max_sessions=7, max_minutes=240), ist.hours_bands(max_hours=60))
def test_a_plan_that_does_not_fit_carries_numbers_that_prove_it(p: TreatmentPlan, band: HoursBand) -> None:
    """Whenever require_fit raises, the error's numbers are the requirements' and show the verdict by themselves."""
    req = _requirements_with_band(p, band)
    if req.fits:
        assert req.require_fit() is req
        return
    with pytest.raises(PlanDoesNotFitError) as info:
        req.require_fit()
    err = info.value
    assert (err.min_minutes, err.max_minutes) == (req.min_minutes.value, req.max_minutes.value)
    assert (err.min_hours, err.max_hours) == (band.min_hours, band.max_hours)
    assert sum(lo for _, lo, _ in err.components) == err.min_minutes
    assert sum(hi for _, _, hi in err.components) == err.max_minutes
    if err.fit is BandFit.BELOW_MINIMUM:
        assert err.max_minutes < band.min_hours * 60
    else:
        assert band.max_hours is not None and err.min_minutes >= band.max_hours * 60


def test_without_a_program_the_fit_is_unchecked() -> None:
    """No band: UNCHECKED, which counts as fitting."""
    req = weekly_requirements(plan())
    assert req.fit is BandFit.UNCHECKED and req.fits


def test_weekly_requirements_check_argument_types() -> None:
    """A non-plan or non-program argument is a type error."""
    with pytest.raises(InvalidDataError) as info:
        weekly_requirements("plan")  # type: ignore[arg-type]
    assert info.value.paths == ("$.plan",)
    with pytest.raises(InvalidDataError) as info:
        weekly_requirements(plan(), "program")  # type: ignore[arg-type]
    assert info.value.paths == ("$.program",)


@settings(max_examples=50)
@given(ist.treatment_plans(max_sessions=7, max_minutes=240), st.one_of(st.none(), ist.hours_bands(max_hours=60)))
def test_weekly_requirements_match_an_independent_count(p: TreatmentPlan, band: HoursBand | None) -> None:
    """Per-component bounds and the fit verdict agree with a direct recomputation from the interventions."""
    req = _requirements_with_band(p, band)
    weekly = sum(i.frequency.sessions * i.minutes.value for i in p.interventions if i.frequency.per is Per.WEEK)
    total = sum(i.frequency.sessions * i.minutes.value for i in p.interventions)
    assert req.min_minutes.value == weekly and req.max_minutes.value == total
    assert {c.component for c in req.components} == set(p.component_ids)
    if band is None:
        assert req.fit is BandFit.UNCHECKED
    else:
        overlaps = total >= band.min_hours * 60 and (band.max_hours is None or weekly < band.max_hours * 60)
        assert req.fits is overlaps
        assert (req.fit is BandFit.BELOW_MINIMUM) is (total < band.min_hours * 60)


def _requirements_with_band(p: TreatmentPlan, band: HoursBand | None) -> Any:
    return WeeklyRequirements(components=weekly_requirements(p).components, hours_per_week=band)


def test_component_requirement_order_rules() -> None:
    """max below min is rejected for sessions and minutes."""
    base = {
        "component": "x",
        "min_sessions": 2,
        "max_sessions": 2,
        "min_minutes": Minutes(5),
        "max_minutes": Minutes(5),
    }
    with pytest.raises(InvalidDataError) as info:
        ComponentRequirement(**{**base, "max_sessions": 1})
    assert info.value.paths == ("$.max_sessions",)
    with pytest.raises(InvalidDataError) as info:
        ComponentRequirement(**{**base, "max_minutes": Minutes(4)})
    assert info.value.paths == ("$.max_minutes",)


# ----------------------------------------------------------------------------- the guarded boundary


def test_week_problem_refuses_wrong_arguments_by_name() -> None:
    """offerings=None, a negative or too large unplanned_max and costs for unknown offerings name their argument."""
    with pytest.raises(InvalidArgumentError) as info:
        week_problem(PLAN, PROGRAM, None, WeeklyAvailability.whole_week())  # type: ignore[arg-type]
    assert info.value.paths == ("$.offerings",)
    for bad in (-1, True):
        with pytest.raises(InvalidArgumentError) as info:
            week_problem(PLAN, PROGRAM, [], WeeklyAvailability.whole_week(), unplanned_max=bad)
        assert info.value.paths == ("$.unplanned_max",)
    with pytest.raises(InvalidDataError) as info:
        week_problem(PLAN, PROGRAM, [], WeeklyAvailability.whole_week(), unplanned_max=10**6)
    assert info.value.paths == ("$.unplanned_max",)
    with pytest.raises(InvalidDataError) as info:
        week_problem(PLAN, PROGRAM, [], WeeklyAvailability.whole_week(), offering_costs={"nope": 1})
    assert info.value.paths == ("$.offering_costs.nope",)


def test_weekly_requirements_lookup_is_guarded() -> None:
    """requirement() wants a component id string."""
    with pytest.raises(InvalidArgumentError) as info:
        weekly_requirements(PLAN).requirement(None)  # type: ignore[arg-type]
    assert info.value.paths == ("$.component",)


def test_more_sessions_than_a_week_can_bound_are_reported_at_the_interventions() -> None:
    """101 monthly interventions of 100 sessions on one component exceed a ComponentBound: an error under the plan."""
    partial = Program.from_level(ASAM3.level("2.5"), Population.ADULT, id="php", name="Partial hospitalization")
    many = tuple(iv(f"i{n}", "group_counseling", 100, 60, Per.MONTH) for n in range(101))
    with pytest.raises(InvalidDataError) as info:
        week_problem(attrs.evolve(PLAN, interventions=many), partial, [], WeeklyAvailability.whole_week())
    assert all(path.startswith("$.plan.interventions") for path in info.value.paths)
