"""Episode operations: admission, level changes checked against the continuum, phases, authorizations, discharge."""

from __future__ import annotations

import pickle
from datetime import date, datetime, timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore import strategies as ist
from iopcore.episodes import (
    PHASES_SOURCE,
    Admission,
    Authorization,
    AuthorizationUnit,
    Discharge,
    DischargeReason,
    EntryRoute,
    Episode,
    IopPhase,
    LevelPeriod,
    PhasePeriod,
    TransitionNotAllowedError,
    authorize,
    change_level,
    discharge,
    enter_phase,
    validate_episode,
)
from iopcore.errors import InvalidArgumentError, InvalidDataError, UnknownCodeError
from iopcore.levels import (
    ANY_STEP,
    ASAM3,
    ASAM4,
    CATALOGS,
    GENERIC_IOP,
    USUAL_ROUTES_ONLY,
    LevelCatalog,
    MovePolicy,
    TransitionKind,
)
from iopcore.sources import Evidence
from iopcore.times import DateRange
from tests.episodes.builders import D0, LATER, assert_no_overlap, make_episode, new_episode

# ----------------------------------------------------------------------------- admission


def test_admission_opens_one_ongoing_period_at_the_admission_level() -> None:
    """admit records the admission and an ongoing period with the recommended and authorized levels."""
    ep = new_episode(recommended="3.7", authorized="3.5")
    assert ep.admission == Admission(on=D0, level_code="3.5", entry_route=EntryRoute.PRIMARY, referral_source="self")
    assert ep.levels == (
        LevelPeriod(level_code="3.5", start=D0, recommended_code="3.7", authorized_code="3.5", reason="admission"),
    )
    assert not ep.current.matches_recommendation and ep.current.matches_authorization
    assert not ep.is_discharged and ep.last_day is None
    assert "p-1" not in repr(ep)


def test_admission_to_an_unknown_level_is_rejected() -> None:
    """An admission level (or recommended level) the catalog lacks raises UnknownCodeError listing known codes."""
    with pytest.raises(UnknownCodeError):
        new_episode(level="9.9")
    with pytest.raises(UnknownCodeError):
        new_episode(recommended="9.9")
    with pytest.raises(InvalidDataError) as info:
        new_episode(catalog="ASAM3")
    assert info.value.paths == ("$.catalog",)


def test_entry_from_a_previous_level_is_checked_against_the_policy() -> None:
    """Admission from 3.5 to 2.1 (a step down) and from 1 to 3.5 (a step up) are allowed by default;
    a usual-routes-only program refuses the step up at ``$.level``, naming its policy."""
    ep = new_episode(level="2.1", entry_route=EntryRoute.STEP_DOWN_FROM_RESIDENTIAL, from_level="3.5")
    assert ep.admission.from_level_code == "3.5"
    up = new_episode(level="3.5", entry_route=EntryRoute.STEP_UP_FROM_OUTPATIENT, from_level="1")
    assert up.admission.from_level_code == "1" and up.current.reason == "admission"
    with pytest.raises(TransitionNotAllowedError) as info:
        new_episode(
            level="3.5", entry_route=EntryRoute.STEP_UP_FROM_OUTPATIENT, from_level="1", policy=USUAL_ROUTES_ONLY
        )
    assert info.value.paths == ("$.level",)
    assert info.value.policy == "usual routes only"
    with pytest.raises(UnknownCodeError) as unknown:
        new_episode(level="2.1", from_level="9.9")
    assert unknown.value.paths == ("$.from_level",)


# ----------------------------------------------------------------------------- level changes


def test_step_down_from_residential_to_iop_to_outpatient() -> None:
    """3.5 → 2.1 → 1 are usual step-downs: each closes the previous period the day before."""
    ep = new_episode()
    ep = change_level(ep, ASAM3, to="2.1", on=date(2026, 2, 14), reason="step-down", authorized="2.1")
    ep = change_level(ep, ASAM3, to="1", on=date(2026, 4, 1), reason="met IOP goals")
    assert [(p.level_code, p.start, p.end) for p in ep.levels] == [
        ("3.5", D0, date(2026, 2, 13)),
        ("2.1", date(2026, 2, 14), date(2026, 3, 31)),
        ("1", date(2026, 4, 1), None),
    ]
    assert ep.level_on(date(2026, 3, 1)) == ep.levels[1]
    assert ep.level_on(D0 - timedelta(days=1)) is None
    assert validate_episode(ep, ASAM3) is ep


@pytest.mark.parametrize("target", ["3.5", "3.7", "3.7-WM"])
def test_iop_steps_up_to_residential_or_inpatient_care_with_its_reason(target: str) -> None:
    """The issue's case: 2.1 → 3.5, 3.7 or 3.7-WM is a step up, allowed by default, the reason recorded."""
    ep = change_level(new_episode(level="2.1"), ASAM3, to=target, on=D0 + timedelta(days=3), reason="relapse")
    assert [(p.level_code, p.reason) for p in ep.levels] == [("2.1", "admission"), (target, "relapse")]
    assert ASAM3.kind("2.1", target) is TransitionKind.STEP_UP
    assert validate_episode(ep, ASAM3) is ep


def test_a_restricting_policy_refuses_with_the_policy_and_the_allowed_moves() -> None:
    """Under USUAL_ROUTES_ONLY 2.1 → 3.5 raises TransitionNotAllowedError naming the policy, both codes and the
    levels the policy allows; the error pickles with all of them."""
    ep = new_episode(level="2.1")
    with pytest.raises(TransitionNotAllowedError) as info:
        change_level(ep, ASAM3, to="3.5", on=D0 + timedelta(days=3), reason="relapse", policy=USUAL_ROUTES_ONLY)
    err = info.value
    assert (err.from_code, err.to_code, err.allowed, err.catalog, err.policy) == (
        "2.1", "3.5", ("1", "2.5"), "ASAM3", "usual routes only",
    )  # fmt: skip
    assert err.paths == ("$.to",)
    assert "'usual routes only'" in str(err) and "from level 2.1 to level 3.5" in str(err) and "1, 2.5" in str(err)
    again = pickle.loads(pickle.dumps(err))
    assert (again.from_code, again.to_code, again.allowed, again.policy, again.errors) == (
        err.from_code, err.to_code, err.allowed, err.policy, err.errors,
    )  # fmt: skip
    with pytest.raises(UnknownCodeError):
        change_level(ep, ASAM3, to="9.9", on=D0 + timedelta(days=3), reason="x")


def test_a_move_needs_a_reason() -> None:
    """A blank reason is refused at ``$.reason`` (every step up or down records why)."""
    for blank in ("", "   "):
        with pytest.raises(InvalidDataError) as info:
            change_level(new_episode(level="2.1"), ASAM3, to="1", on=D0 + timedelta(days=3), reason=blank)
        assert info.value.paths == ("$.reason",)


@pytest.mark.parametrize(("limit", "allowed"), [(1, False), (2, True), (3, True)])
def test_a_policy_limiting_the_step_at_below_and_above(limit: int, allowed: bool) -> None:
    """2.1 → 2-WM spans two places of the ASAM3 order: refused with max_step 1, allowed with 2 and 3."""
    policy = MovePolicy(name=f"steps of at most {limit}", max_step=limit, source=ASAM3.source)
    ep = new_episode(level="2.1")
    move = {"to": "2-WM", "on": D0 + timedelta(days=3), "reason": "withdrawal", "policy": policy}
    if allowed:
        assert change_level(ep, ASAM3, **move).current.level_code == "2-WM"
    else:
        with pytest.raises(TransitionNotAllowedError) as info:
            change_level(ep, ASAM3, **move)
        assert info.value.allowed == ("1-WM", "2.5")
        assert info.value.policy == policy.name


def test_level_change_dates_and_state_are_checked() -> None:
    """A change on or before the current start, on a discharged episode, or with bad arguments is rejected."""
    ep = new_episode()
    with pytest.raises(InvalidDataError) as info:
        change_level(ep, ASAM3, to="2.1", on=D0, reason="same day")
    assert info.value.paths == ("$.on",)
    with pytest.raises(InvalidDataError) as info:
        change_level(ep, ASAM3, to="2.1", on="2026-02-01", reason="x")  # type: ignore[arg-type]
    assert info.value.paths == ("$.on",)
    done = discharge(ep, on=D0 + timedelta(days=5), reason=DischargeReason.TRANSFERRED)
    with pytest.raises(InvalidDataError) as info:
        change_level(done, ASAM3, to="2.1", on=D0 + timedelta(days=6), reason="x")
    assert info.value.paths == ("$.episode",)
    with pytest.raises(InvalidDataError) as info:
        change_level("ep", ASAM3, to="2.1", on=D0, reason="x")  # type: ignore[arg-type]
    assert info.value.paths == ("$.episode",)
    with pytest.raises(UnknownCodeError):
        change_level(ep, ASAM3, to="2.1", on=D0 + timedelta(days=1), reason="x", recommended="0.0")


def test_staying_at_the_same_level_opens_a_new_period() -> None:
    """A change to the current level (e.g. a new authorization) is not a move and is always allowed."""
    ep = change_level(new_episode(level="2.1"), ASAM3, to="2.1", on=D0 + timedelta(days=30), reason="reauthorized")
    assert [p.level_code for p in ep.levels] == ["2.1", "2.1"]
    validate_episode(ep, ASAM3)


@settings(max_examples=60)
@given(st.sampled_from(CATALOGS), ist.move_policies(), st.data())
def test_random_level_walks_accept_exactly_the_policys_moves(
    catalog: LevelCatalog, policy: MovePolicy, data: st.DataObject
) -> None:
    """Each requested move succeeds iff the policy allows it (or stays put); periods never overlap;
    under the default policy every move succeeds."""
    start = data.draw(st.sampled_from(catalog.codes))
    ep = new_episode(level=start, catalog=catalog)
    free = ep
    day = D0
    for _ in range(data.draw(st.integers(1, 6))):
        target = data.draw(st.sampled_from(catalog.codes))
        day += timedelta(days=data.draw(st.integers(1, 40)))
        free = change_level(free, catalog, to=target, on=day, reason="move")
        assert free.current.level_code == target
        current = ep.current.level_code
        if policy.allows(catalog, current, target):
            ep = change_level(ep, catalog, to=target, on=day, reason="move", policy=policy)
            assert ep.current.level_code == target and ep.current.start == day
        else:
            assert current != target
            with pytest.raises(TransitionNotAllowedError):
                change_level(ep, catalog, to=target, on=day, reason="move", policy=policy)
    assert_no_overlap(ep.levels)
    validate_episode(ep, catalog, policy)
    validate_episode(free, catalog)


# ----------------------------------------------------------------------------- validate_episode


@settings(max_examples=50)
@given(st.sampled_from((ASAM3, ASAM4, GENERIC_IOP)).flatmap(lambda c: st.tuples(st.just(c), ist.episodes(catalog=c))))
def test_episodes_drawn_for_a_catalog_validate_against_it(pair: tuple[LevelCatalog, Episode]) -> None:
    """An episode drawn for a catalog (any steps) passes validate_episode under the default policy."""
    catalog, ep = pair
    assert validate_episode(ep, catalog) is ep


@settings(max_examples=30)
@given(ist.episodes(catalog=ASAM3, policy=USUAL_ROUTES_ONLY))
def test_episodes_drawn_for_a_policy_validate_under_it(ep: Episode) -> None:
    """An episode drawn with a policy passes validate_episode under that policy (and under the default)."""
    assert validate_episode(ep, ASAM3, USUAL_ROUTES_ONLY) is ep
    assert validate_episode(ep, ASAM3, ANY_STEP) is ep


def test_hand_built_episode_with_a_disallowed_move_fails_validation() -> None:
    """validate_episode reports the first move the policy refuses at its level path (the default allows it)."""
    ep = Episode(
        id="ep",
        patient_id="p",
        admission=Admission(on=D0, level_code="2.1", entry_route=EntryRoute.PRIMARY, referral_source="self"),
        levels=(
            LevelPeriod(level_code="2.1", start=D0, end=D0 + timedelta(days=9)),
            LevelPeriod(level_code="3.5", start=D0 + timedelta(days=10)),
        ),
    )
    assert validate_episode(ep, ASAM3) is ep
    with pytest.raises(TransitionNotAllowedError) as info:
        validate_episode(ep, ASAM3, USUAL_ROUTES_ONLY)
    assert info.value.paths == ("$.levels[1].level_code",)
    assert info.value.policy == USUAL_ROUTES_ONLY.name
    unknown = attrs.evolve(ep, levels=(attrs.evolve(ep.levels[0], authorized_code="9.9"), ep.levels[1]))
    with pytest.raises(UnknownCodeError) as info2:
        validate_episode(unknown, ASAM3)
    assert info2.value.paths == ("$.levels[0].authorized_code",)
    with pytest.raises(InvalidDataError):
        validate_episode("ep", ASAM3)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- phases, authorizations, discharge


def test_phases_step_intensity_down_and_close_at_discharge() -> None:
    """Entering a phase ends the previous one the day before; discharge ends the open level and phase."""
    ep = new_episode(level="2.1")
    ep = enter_phase(ep, IopPhase.ENGAGEMENT, on=D0, days_per_week=5, hours_per_week=15)
    ep = enter_phase(ep, IopPhase.EARLY_RECOVERY, on=D0 + timedelta(days=21), days_per_week=3, hours_per_week=9)
    assert ep.phases[0].end == D0 + timedelta(days=20)
    assert ep.phase_on(D0 + timedelta(days=21)) == ep.phases[1]
    assert ep.phase_on(D0 - timedelta(days=1)) is None
    with pytest.raises(InvalidDataError) as info:
        enter_phase(ep, IopPhase.MAINTENANCE, on=D0 + timedelta(days=21))
    assert info.value.paths == ("$.on",)
    out = discharge(ep, on=date(2026, 3, 15), reason=DischargeReason.COMPLETED,
                    continuing_care="Weekly outpatient counseling", referred_level="1", catalog=ASAM3)  # fmt: skip
    assert out.phases[-1].end == out.levels[-1].end == date(2026, 3, 15)
    assert out.discharge is not None and out.discharge.referred_level_code == "1"
    assert out.covers(date(2026, 3, 15)) and not out.covers(date(2026, 3, 16))
    with pytest.raises(InvalidDataError):
        discharge(out, on=date(2026, 3, 20), reason=DischargeReason.ADMINISTRATIVE)
    with pytest.raises(UnknownCodeError):
        discharge(ep, on=date(2026, 3, 15), reason=DischargeReason.COMPLETED, referred_level="9", catalog=ASAM3)
    assert "community support" in PHASES_SOURCE.citation and PHASES_SOURCE.evidence is Evidence.SECONDARY


def test_enter_phase_needs_an_open_episode_and_a_date() -> None:
    """Bad arguments to enter_phase raise with their path."""
    with pytest.raises(InvalidDataError) as info:
        enter_phase(new_episode(), IopPhase.ENGAGEMENT, on=None)  # type: ignore[arg-type]
    assert info.value.paths == ("$.on",)


def test_authorizations_track_units_dates_and_reviews() -> None:
    """Authorizations are added by id; a review is due on its date; days cannot exceed the range."""
    auth = Authorization(id="a1", payer="Acme Health", level_code="2.1", amount=20, unit=AuthorizationUnit.DAYS,
                         dates=DateRange.of_days(D0, 30), next_review_on=D0 + timedelta(days=14))  # fmt: skip
    ep = authorize(new_episode(level="2.1"), auth)
    assert ep.authorizations == (auth,)
    assert auth.review_due(D0 + timedelta(days=14)) and not auth.review_due(D0 + timedelta(days=13))
    with pytest.raises(InvalidDataError) as info:
        authorize(ep, auth)
    assert info.value.paths == ("$.authorization.id",)
    with pytest.raises(InvalidDataError) as info:
        attrs.evolve(auth, amount=31)
    assert info.value.paths == ("$.amount",)
    assert attrs.evolve(auth, amount=31, unit=AuthorizationUnit.UNITS).amount == 31
    with pytest.raises(InvalidDataError) as info:
        attrs.evolve(auth, next_review_on=D0 - timedelta(days=1))
    assert info.value.paths == ("$.next_review_on",)
    with pytest.raises(InvalidDataError):
        authorize("ep", auth)  # type: ignore[arg-type]


def test_discharge_keeps_periods_that_already_ended() -> None:
    """A level period or phase that ended before discharge keeps its own end date."""
    ep = make_episode(
        levels=(LevelPeriod(level_code="2.1", start=D0, end=LATER),),
        phases=(PhasePeriod(phase=IopPhase.ENGAGEMENT, start=D0, end=LATER),),
    )
    out = discharge(ep, on=LATER + timedelta(days=5), reason=DischargeReason.ADMINISTRATIVE)
    assert out.levels[0].end == LATER and out.phases[0].end == LATER
    assert out.level_on(LATER + timedelta(days=1)) is None


# ----------------------------------------------------------------------------- the guarded boundary

AT_NINE = datetime(2026, 4, 1, 9)  # noqa: DTZ001 - a datetime passes isinstance(x, date): refused all the same


def test_operations_refuse_a_datetime_for_a_date() -> None:
    """change_level, enter_phase and discharge name ``$.on`` when given a datetime; admit too."""
    ep = new_episode(level="2.1")
    calls = [
        lambda: change_level(ep, ASAM3, to="1", on=AT_NINE, reason="x"),  # type: ignore[arg-type]
        lambda: enter_phase(ep, IopPhase.ENGAGEMENT, on=AT_NINE),
        lambda: discharge(ep, on=AT_NINE, reason=DischargeReason.COMPLETED),
        lambda: new_episode(on=AT_NINE),
    ]
    for call in calls:
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert info.value.paths == ("$.on",)


def test_wrong_types_and_unknown_keywords_are_all_reported_at_once() -> None:
    """The guard lists every bad argument of one call, by name, and refuses strings for enum members."""
    with pytest.raises(InvalidArgumentError) as info:
        change_level(new_episode(), "ASAM3", to=21, on="2026-04-01", reason="x", urgent=True)  # type: ignore[arg-type, call-arg]
    assert set(info.value.paths) == {"$.catalog", "$.to", "$.on", "$.urgent"}
    with pytest.raises(InvalidArgumentError) as info:
        discharge(new_episode(), on=LATER, reason="completed")  # type: ignore[arg-type]
    assert info.value.paths == ("$.reason",)


def test_unknown_codes_are_reported_at_the_argument_that_holds_them() -> None:
    """Each level code argument of admit and change_level is looked up in the catalog under its own name."""
    for kwargs, path in (
        ({"level": "9.9"}, "$.level"),
        ({"recommended": "9.9"}, "$.recommended"),
        ({"authorized": "9.9"}, "$.authorized"),
        ({"from_level": "9.9"}, "$.from_level"),
    ):
        with pytest.raises(UnknownCodeError) as info:
            new_episode(**kwargs)
        assert info.value.paths == (path,)
    with pytest.raises(UnknownCodeError) as info:
        change_level(new_episode(), ASAM3, to="2.1", on=LATER, reason="x", authorized="0.0")
    assert info.value.paths == ("$.authorized",)
    other = new_episode(level=GENERIC_IOP.codes[0], catalog=GENERIC_IOP)
    with pytest.raises(UnknownCodeError) as info:
        change_level(other, ASAM3, to="1", on=LATER, reason="x")
    assert info.value.paths == ("$.episode.levels[0].level_code",)


def test_a_level_change_after_a_gap_keeps_the_recorded_end() -> None:
    """When the current period already ended, the new one starts after that end, which stays as recorded."""
    ep = make_episode(levels=(LevelPeriod(level_code="2.1", start=D0, end=LATER),))
    moved = change_level(ep, ASAM3, to="1", on=LATER + timedelta(days=5), reason="after a pause")
    assert [(p.start, p.end) for p in moved.levels] == [(D0, LATER), (LATER + timedelta(days=5), None)]
    with pytest.raises(InvalidDataError) as info:
        change_level(ep, ASAM3, to="1", on=LATER, reason="inside the ended period")
    assert info.value.paths == ("$.on",)


def test_phases_start_on_or_after_admission_and_after_an_ended_phase() -> None:
    """enter_phase names ``$.on`` for a date before admission or inside the last, ended phase."""
    ep = new_episode(level="2.1")
    with pytest.raises(InvalidDataError) as info:
        enter_phase(ep, IopPhase.ENGAGEMENT, on=D0 - timedelta(days=1))
    assert info.value.paths == ("$.on",)
    ended = make_episode(phases=(PhasePeriod(phase=IopPhase.ENGAGEMENT, start=D0, end=LATER),))
    with pytest.raises(InvalidDataError) as info:
        enter_phase(ended, IopPhase.EARLY_RECOVERY, on=LATER)
    assert info.value.paths == ("$.on",)
    after = enter_phase(ended, IopPhase.EARLY_RECOVERY, on=LATER + timedelta(days=1))
    assert after.phases[0].end == LATER and after.phases[1].start == LATER + timedelta(days=1)
    with pytest.raises(InvalidDataError) as info:
        enter_phase(ep, IopPhase.ENGAGEMENT, on=D0, days_per_week=8)
    assert info.value.paths == ("$.days_per_week",)


def test_discharge_cannot_precede_the_episodes_own_dates() -> None:
    """A discharge before the current period's start, or before an ended period's end, is refused at ``$.on``."""
    ep = change_level(new_episode(), ASAM3, to="2.1", on=LATER, reason="step-down")
    with pytest.raises(InvalidDataError) as info:
        discharge(ep, on=LATER - timedelta(days=1), reason=DischargeReason.COMPLETED)
    assert info.value.paths == ("$.on",)
    assert discharge(ep, on=LATER, reason=DischargeReason.COMPLETED).last_day == LATER
    ended = make_episode(levels=(LevelPeriod(level_code="2.1", start=D0, end=LATER),))
    with pytest.raises(InvalidDataError) as info:
        discharge(ended, on=LATER - timedelta(days=1), reason=DischargeReason.COMPLETED)
    assert info.value.paths == ("$.on",)
    with pytest.raises(InvalidDataError) as info:
        discharge(ep, on=LATER, reason=DischargeReason.TRANSFERRED, referred_level="x" * 40)
    assert info.value.paths == ("$.referred_level",)


def test_validate_episode_checks_every_level_code_and_the_entry_move() -> None:
    """The admission's previous level, authorizations and the referral are codes of the catalog too."""
    ep = new_episode(level="2.1", entry_route=EntryRoute.STEP_DOWN_FROM_RESIDENTIAL, from_level="3.5")
    auth = Authorization(id="a1", payer="Acme", level_code="2.1", amount=5, dates=DateRange.of_days(D0, 10))
    cases = [
        (attrs.evolve(ep, admission=attrs.evolve(ep.admission, from_level_code="9.9")), "$.admission.from_level_code"),
        (attrs.evolve(ep, authorizations=(attrs.evolve(auth, level_code="9.9"),)), "$.authorizations[0].level_code"),
        (
            attrs.evolve(
                ep,
                levels=(attrs.evolve(ep.levels[0], end=LATER),),
                discharge=Discharge(on=LATER, reason=DischargeReason.TRANSFERRED, referred_level_code="9.9"),
            ),
            "$.discharge.referred_level_code",
        ),
    ]
    for value, path in cases:
        with pytest.raises(UnknownCodeError) as info:
            validate_episode(value, ASAM3)
        assert info.value.paths == (path,)
    entered_up = make_episode(
        admission=attrs.evolve(ep.admission, level_code="3.5", from_level_code="1"),
        levels=(LevelPeriod(level_code="3.5", start=D0),),
    )
    assert validate_episode(entered_up, ASAM3) is entered_up
    with pytest.raises(TransitionNotAllowedError) as info2:
        validate_episode(entered_up, ASAM3, USUAL_ROUTES_ONLY)
    assert info2.value.paths == ("$.levels[0].level_code",)
    assert validate_episode(authorize(ep, auth), ASAM3).authorizations == (auth,)


SENTINEL = "PATIENT-SENTINEL-4711"
AUTH = Authorization(id="a1", payer="Acme", level_code="2.1", amount=5, dates=DateRange.of_days(D0, 10))


def test_errors_never_carry_the_patient_id() -> None:
    """Refusals about an episode say what was wrong, never whose episode it is."""
    ep = new_episode(patient_id=SENTINEL, level="2.1")
    done = discharge(ep, on=LATER, reason=DischargeReason.COMPLETED)
    failures = [
        lambda: change_level(ep, ASAM3, to="3.5", on=LATER, reason="x", policy=USUAL_ROUTES_ONLY),
        lambda: change_level(done, ASAM3, to="1", on=LATER, reason="x"),
        lambda: validate_episode(authorize(ep, attrs.evolve(AUTH, level_code="x")), ASAM3),
        lambda: enter_phase(ep, IopPhase.ENGAGEMENT, on=D0 - timedelta(days=3)),
    ]
    for call in failures:
        with pytest.raises(InvalidDataError) as info:
            call()
        assert SENTINEL not in str(info.value) and SENTINEL not in repr(info.value)
