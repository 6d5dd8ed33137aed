"""Plan operations: validation in context, histories, revisions, reviews, closing and diffs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore import strategies as ist
from iopcore.episodes import DischargeReason as DR
from iopcore.episodes import EntryRoute, admit, discharge
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.levels import ASAM3
from iopcore.plans import (
    PENNSYLVANIA_709_123_POLICY,
    ChangeKind,
    PlanChange,
    PlanHistory,
    PlanPolicy,
    PlanSection,
    PlanStatus,
    TreatmentPlan,
    close,
    diff,
    is_overdue,
    next_review_due,
    record_review,
    revise,
    validate_plan,
)
from iopcore.programs import Program
from iopcore.serialization import to_dict
from tests.plans.builders import D0, PROGRAM, STRICT, active, intervention, objective, plan, signed

# ----------------------------------------------------------------------------- validation in context


def test_interventions_naming_components_the_program_does_not_offer_are_rejected() -> None:
    """An intervention on a component the program lacks is reported at its component path."""
    narrow = attrs.evolve(PROGRAM, components=(PROGRAM.component("group_counseling"),))
    p = plan(interventions=(intervention(), intervention(id="i2", component="individual_therapy")))
    with pytest.raises(InvalidDataError) as info:
        validate_plan(p, program=narrow)
    assert info.value.paths == ("$.interventions[1].component",)
    assert validate_plan(p, program=PROGRAM) is p


def test_unsigned_active_plan_is_rejected_when_the_policy_requires_signatures() -> None:
    """An active plan without the policy's signatures raises at `$.signatures`; drafts and signed plans pass."""
    with pytest.raises(InvalidDataError) as info:
        validate_plan(active(plan()), policy=STRICT)
    assert info.value.paths == ("$.signatures",)
    assert "clinician, patient" in str(info.value)
    assert validate_plan(plan(), policy=STRICT).status is PlanStatus.DRAFT
    validate_plan(active(signed(plan())), policy=STRICT)
    validate_plan(active(plan()), policy=PENNSYLVANIA_709_123_POLICY)  # requires no signatures


def test_objective_due_outside_the_episode_is_rejected() -> None:
    """An objective due after discharge (or before admission) is reported at its due path."""
    ep = admit(id="ep", patient_id="p-1", on=D0, level="2.1", catalog=ASAM3,
               entry_route=EntryRoute.PRIMARY, referral_source="self")  # fmt: skip
    validate_plan(plan(), episode=ep)
    ended = discharge(ep, on=D0 + timedelta(days=10), reason=DR.COMPLETED)
    with pytest.raises(InvalidDataError) as info:
        validate_plan(plan(), episode=ended)
    assert info.value.paths == ("$.objectives[0].due",)
    later = attrs.evolve(ep, id="ep2", admission=attrs.evolve(ep.admission, on=D0 + timedelta(days=31)),
                         levels=(attrs.evolve(ep.levels[0], start=D0 + timedelta(days=31)),))  # fmt: skip
    with pytest.raises(InvalidDataError) as info:
        validate_plan(plan(), episode=later)
    assert info.value.paths == ("$.objectives[0].due",)


def test_plan_for_another_patient_than_the_episode_is_rejected() -> None:
    """The plan and the episode must be for the same patient."""
    ep = admit(id="ep", patient_id="p-2", on=D0, level="2.1", catalog=ASAM3,
               entry_route=EntryRoute.PRIMARY, referral_source="self")  # fmt: skip
    with pytest.raises(InvalidDataError) as info:
        validate_plan(plan(), episode=ep)
    assert info.value.paths == ("$.patient_id",)


def test_validate_plan_needs_a_plan() -> None:
    """Anything but a plan is a type error at `$`."""
    with pytest.raises(InvalidDataError) as info:
        validate_plan("plan")  # type: ignore[arg-type]
    assert info.value.paths == ("$.plan",)


@settings(max_examples=40)
@given(ist.programs(), st.data())
def test_program_validation_flags_exactly_the_unoffered_components(program: Program, data: st.DataObject) -> None:
    """For any plan and program, the errors are exactly the interventions whose component is not offered."""
    ids = st.one_of(st.sampled_from(program.component_ids), st.sampled_from(["nonexistent_component"]))
    p = data.draw(ist.treatment_plans(component_ids=ids, max_items=3))
    expected = [
        f"$.interventions[{i}].component" for i, iv in enumerate(p.interventions) if not program.offers(iv.component)
    ]
    if expected:
        with pytest.raises(InvalidDataError) as info:
            validate_plan(p, program=program)
        assert list(info.value.paths) == expected
    else:
        assert validate_plan(p, program=program) is p


@settings(max_examples=40)
@given(ist.treatment_plans(), ist.plan_policies())
def test_policy_validation_matches_the_required_signers(p: TreatmentPlan, policy: PlanPolicy) -> None:
    """A plan fails the policy check iff it is active and lacks a required signer."""
    missing = p.status is PlanStatus.ACTIVE and any(not p.signed_by(s) for s in policy.required_signers)
    if missing:
        with pytest.raises(InvalidDataError):
            validate_plan(p, policy=policy)
    else:
        validate_plan(p, policy=policy)


# ----------------------------------------------------------------------------- histories and revisions


def test_start_and_revise_make_the_new_version_active_and_the_old_one_superseded() -> None:
    """revise numbers the new version, activates it on `on` and supersedes the previous one on the same day."""
    h1 = PlanHistory.start(active(signed(plan())))
    on = D0 + timedelta(days=30)
    new = attrs.evolve(plan(written_on=on), interventions=(intervention(sessions=2),))
    h2 = revise(h1, signed(new, on), on=on, policy=STRICT)
    assert [v.version for v in h2.versions] == [1, 2]
    assert [v.status for v in h2.versions] == [PlanStatus.SUPERSEDED, PlanStatus.ACTIVE]
    assert h2.versions[0].ended_on == on == h2.latest.effective_on
    assert h2.active is h2.latest
    assert h2.version(1).interventions[0].frequency.sessions == 3
    assert h2.as_of(on - timedelta(days=1)) == h2.versions[0]
    assert h2.as_of(on) == h2.latest
    assert h2.as_of(D0 - timedelta(days=1)) is None
    assert len(h1) == 1 and h1.latest.status is PlanStatus.ACTIVE  # h1 untouched


@settings(max_examples=30)
@given(ist.plan_histories(), ist.treatment_plans(statuses=(PlanStatus.DRAFT,)), st.integers(0, 90))
def test_revise_never_mutates_and_keeps_versions_ordered(
    history: PlanHistory, new_plan: TreatmentPlan, offset: int
) -> None:
    """revise leaves its arguments equal to before, and the result's versions are numbered 1..n in date order."""
    if history.latest.status is PlanStatus.CLOSED:
        return
    before_h, before_p = to_dict(history), to_dict(new_plan)
    start = history.latest.effective_on or history.latest.written_on
    candidate = attrs.evolve(new_plan, id=history.latest.id, patient_id=history.latest.patient_id)
    on = max(start, candidate.written_on) + timedelta(days=offset)
    if candidate.written_on < history.latest.written_on:
        with pytest.raises(InvalidDataError) as info:
            revise(history, candidate, on=on)
        assert info.value.paths == ("$.new_plan.written_on",)
        return
    result = revise(history, candidate, on=on)
    assert to_dict(history) == before_h and to_dict(new_plan) == before_p
    assert [v.version for v in result.versions] == list(range(1, len(history) + 2))
    assert all(v.status is PlanStatus.SUPERSEDED for v in result.versions[:-1])
    assert result.latest.status is PlanStatus.ACTIVE and result.latest.effective_on == on
    assert result.versions[:-2] == history.versions[:-1]
    written = [v.written_on for v in result.versions]
    assert written == sorted(written)


@given(ist.plan_histories())
def test_history_versions_are_immutable(history: PlanHistory) -> None:
    """Neither a history nor its versions can be changed in place."""
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        history.versions = ()  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        history.latest.status = PlanStatus.CLOSED  # type: ignore[misc]
    assert isinstance(history.versions, tuple)


def test_revise_rejects_closed_histories_early_dates_missing_signatures_and_bad_types() -> None:
    """A closed plan cannot be revised; `on` cannot precede the current version; policies are enforced."""
    h = PlanHistory.start(active(signed(plan())))
    with pytest.raises(InvalidDataError) as info:
        revise(h, plan(), on=D0 - timedelta(days=1))
    assert info.value.paths == ("$.on",)
    with pytest.raises(InvalidDataError) as info:
        revise(h, plan(), on=D0 + timedelta(days=1), policy=STRICT)
    assert info.value.paths == ("$.new_plan.signatures",)
    closed = PlanHistory(versions=(attrs.evolve(h.latest, status=PlanStatus.CLOSED, ended_on=D0),))
    with pytest.raises(InvalidDataError) as info:
        revise(closed, plan(), on=D0 + timedelta(days=1))
    assert info.value.paths == ("$.history",)
    for args, path in (
        (("h", plan()), "$.history"),
        ((h, "p"), "$.new_plan"),
    ):
        with pytest.raises(InvalidDataError) as info:
            revise(*args, on=D0)  # type: ignore[arg-type]
        assert info.value.paths == (path,)
    with pytest.raises(InvalidDataError) as info:
        revise(h, plan(), on="2026-04-01")  # type: ignore[arg-type]
    assert info.value.paths == ("$.on",)


def test_revising_with_another_plan_id_is_rejected() -> None:
    """The new version must keep the plan id."""
    h = PlanHistory.start(active(plan()))
    with pytest.raises(InvalidDataError) as info:
        revise(h, plan(id="other"), on=D0)
    assert info.value.paths == ("$.new_plan.id",)


@pytest.mark.parametrize(
    ("versions", "path"),
    [
        (lambda p: (attrs.evolve(p, version=2),), "$.versions[0].version"),
        (lambda p: (p, attrs.evolve(p, version=2)), "$.versions[0].status"),
        (
            lambda p: (
                attrs.evolve(p, status=PlanStatus.SUPERSEDED, ended_on=D0),
                attrs.evolve(p, version=2, patient_id="x"),
            ),
            "$.versions[1].patient_id",
        ),
        (
            lambda p: (
                attrs.evolve(p, status=PlanStatus.SUPERSEDED, written_on=D0, ended_on=D0 + timedelta(days=5)),
                attrs.evolve(p, version=2, status=PlanStatus.ACTIVE, effective_on=D0 + timedelta(days=1)),
            ),
            "$.versions[1].effective_on",
        ),
        (
            lambda p: (
                attrs.evolve(
                    plan(written_on=D0 - timedelta(days=40), objectives=(objective(),)),
                    status=PlanStatus.SUPERSEDED,
                    written_on=D0 + timedelta(days=1),
                    ended_on=D0 + timedelta(days=1),
                ),
                attrs.evolve(p, version=2),
            ),
            "$.versions[1].written_on",
        ),
    ],
)
def test_history_rules_name_the_path(versions: Any, path: str) -> None:
    """Wrong numbering, non-superseded earlier versions, another patient, or out-of-order dates are rejected."""
    with pytest.raises(InvalidDataError) as info:
        PlanHistory(versions=versions(plan()))
    assert path in info.value.paths


def test_history_version_lookup_checks_its_range() -> None:
    """version(0) and version(n + 1) raise at `$.number`."""
    h = PlanHistory.start(plan())
    for n in (0, 2, True):
        with pytest.raises(InvalidDataError) as info:
            h.version(n)
        assert info.value.paths == ("$.number",)
    assert h.active is None


def test_record_review_restarts_the_review_clock_and_close_ends_the_plan() -> None:
    """A review without change moves the next due date; closing makes the plan unrevisable and never overdue."""
    h = PlanHistory.start(active(signed(plan())))
    reviewed = record_review(h, on=D0 + timedelta(days=28))
    assert next_review_due(reviewed.latest, PENNSYLVANIA_709_123_POLICY) == D0 + timedelta(days=58)
    assert h.latest.last_reviewed_on is None  # the original history is untouched
    closed = close(reviewed, on=D0 + timedelta(days=40))
    assert closed.latest.status is PlanStatus.CLOSED and closed.latest.ended_on == D0 + timedelta(days=40)
    assert not is_overdue(closed.latest, PENNSYLVANIA_709_123_POLICY, date(2030, 1, 1))
    with pytest.raises(InvalidDataError) as info:
        close(closed, on=D0 + timedelta(days=41))
    assert info.value.paths == ("$.history",)
    with pytest.raises(InvalidDataError) as info:
        record_review(reviewed, on=D0 + timedelta(days=27))
    assert info.value.paths == ("$.on",)
    with pytest.raises(InvalidDataError) as info:
        record_review(h, on=D0 - timedelta(days=1))
    assert info.value.paths == ("$.on",)
    with pytest.raises(InvalidDataError) as info:
        record_review("h", on=D0)  # type: ignore[arg-type]
    assert info.value.paths == ("$.history",)
    with pytest.raises(InvalidDataError) as info:
        close(h, on="2026-03-02")  # type: ignore[arg-type]
    assert info.value.paths == ("$.on",)


# ----------------------------------------------------------------------------- diff


def test_diff_lists_added_removed_and_modified_items() -> None:
    """diff reports plan fields, then each section's removed, added and modified items by id."""
    old = plan()
    new = attrs.evolve(
        signed(plan(objectives=(objective(target=25),))),
        strengths=("supportive sister",),
        interventions=(intervention(id="i2", component="individual_counseling", sessions=1),),
    )
    changes = diff(old, new)
    assert changes == (
        PlanChange(section=PlanSection.PLAN, change=ChangeKind.MODIFIED, fields=("strengths",)),
        PlanChange(section=PlanSection.OBJECTIVES, item="o1", change=ChangeKind.MODIFIED, fields=("target",)),
        PlanChange(section=PlanSection.INTERVENTIONS, item="i1", change=ChangeKind.REMOVED),
        PlanChange(section=PlanSection.INTERVENTIONS, item="i2", change=ChangeKind.ADDED),
        PlanChange(section=PlanSection.SIGNATURES, item="patient", change=ChangeKind.ADDED),
        PlanChange(section=PlanSection.SIGNATURES, item="clinician", change=ChangeKind.ADDED),
    )
    assert str(changes[1]) == "objectives[o1] modified (target)"
    assert str(changes[0]) == "plan modified (strengths)"
    assert str(changes[2]) == "interventions[i1] removed"


@settings(max_examples=40)
@given(ist.treatment_plans(), ist.treatment_plans())
def test_diff_is_empty_exactly_when_the_plans_match(a: TreatmentPlan, b: TreatmentPlan) -> None:
    """diff(a, b) is empty iff a and b are equal apart from plan id and patient; diff(a, a) is always empty."""
    assert diff(a, a) == ()
    same = a == attrs.evolve(b, id=a.id, patient_id=a.patient_id)
    assert (diff(a, b) == ()) is same


def test_diff_needs_two_plans() -> None:
    """A non-plan argument is a type error at its name."""
    with pytest.raises(InvalidDataError) as info:
        diff(plan(), None)  # type: ignore[arg-type]
    assert info.value.paths == ("$.new",)


# ----------------------------------------------------------------------------- the guarded boundary

AT_NINE = datetime(2026, 4, 1, 9)  # noqa: DTZ001 - a datetime passes isinstance(x, date): refused all the same


def test_history_operations_refuse_a_datetime_for_a_date() -> None:
    """revise, record_review, close and PlanHistory.as_of name the date argument when given a datetime."""
    h = PlanHistory.start(active(signed(plan())))
    cases = [
        (lambda: revise(h, plan(), on=AT_NINE), "$.on"),
        (lambda: record_review(h, on=AT_NINE), "$.on"),
        (lambda: close(h, on=AT_NINE), "$.on"),
        (lambda: h.as_of(AT_NINE), "$.day"),
        (lambda: PlanHistory.start("plan"), "$.plan"),  # type: ignore[arg-type]
        (lambda: validate_plan(plan(), policy="kansas"), "$.policy"),  # type: ignore[arg-type]
        (lambda: diff(plan(), plan(), strict=True), "$.strict"),  # type: ignore[call-arg]
    ]
    for call, path in cases:
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert info.value.paths == (path,)


SENTINEL = "PATIENT-SENTINEL-4711"


def test_a_revision_for_another_patient_is_refused_without_naming_anyone() -> None:
    """The new version must be the history's patient's; the error says so without either identifier."""
    h = PlanHistory.start(active(plan(patient_id=SENTINEL)))
    with pytest.raises(InvalidDataError) as info:
        revise(h, plan(patient_id="p-2"), on=D0)
    assert info.value.paths == ("$.new_plan.patient_id",)
    assert SENTINEL not in str(info.value) and "p-2" not in str(info.value)
    ep = admit(id="ep", patient_id="p-2", on=D0, level="2.1", catalog=ASAM3,
               entry_route=EntryRoute.PRIMARY, referral_source="self")  # fmt: skip
    with pytest.raises(InvalidDataError) as info:
        validate_plan(plan(patient_id=SENTINEL), episode=ep)
    assert SENTINEL not in str(info.value) and "p-2" not in str(info.value)


def test_a_history_holds_one_plan_id() -> None:
    """Versions of another plan in the same history are rejected at their id."""
    first = attrs.evolve(plan(), status=PlanStatus.SUPERSEDED, ended_on=D0)
    with pytest.raises(InvalidDataError) as info:
        PlanHistory(versions=(first, attrs.evolve(plan(id="other"), version=2)))
    assert "$.versions[1].id" in info.value.paths
