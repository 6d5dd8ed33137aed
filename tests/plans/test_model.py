"""Treatment plans: the value's rules, validation in context, histories, revisions, diffs, review timing, weekly needs."""

from __future__ import annotations

import pickle
from datetime import date, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore import strategies as ist
from iopcore.components import Role
from iopcore.episodes import DischargeReason as DR
from iopcore.episodes import EntryRoute, admit, discharge
from iopcore.errors import InvalidDataError, UnknownCodeError
from iopcore.levels import ASAM3, HoursBand, Population
from iopcore.plans import (
    DC_IOP,
    ILLINOIS_LEVEL_II_2060_423,
    KANSAS_IOP,
    MONTANA_LEVEL_2_5,
    PENNSYLVANIA_709_123,
    PLAN_POLICIES,
    WASHINGTON_IOP,
    BandFit,
    ChangeKind,
    FindingKind,
    Frequency,
    Goal,
    Intervention,
    Objective,
    Per,
    PlanChange,
    PlanDoesNotFitError,
    PlanHistory,
    PlanPolicy,
    PlanSection,
    PlanStatus,
    Problem,
    ProblemSource,
    Signature,
    Signer,
    Span,
    SpanUnit,
    TreatmentPlan,
    close,
    diff,
    initial_plan_due,
    is_overdue,
    next_review_due,
    record_review,
    revise,
    validate_plan,
    weekly_requirements,
)
from iopcore.programs import Program
from iopcore.serialization import from_dict, to_dict
from iopcore.sources import Evidence, Source
from iopcore.times import Minutes

D0 = date(2026, 3, 2)
PROGRAM = Program.from_level(ASAM3.level("2.1"), Population.ADULT, id="adult_iop", name="Adult IOP")
STRICT = PlanPolicy(
    id="strict",
    name="Strict",
    review_every=Span(count=30),
    required_signers={Signer.PATIENT, Signer.CLINICIAN},
    source=Source(citation="test policy", evidence=Evidence.ILLUSTRATIVE),
)


def objective(**kw: Any) -> Objective:
    values: dict[str, Any] = {
        "id": "o1",
        "goal": "g1",
        "description": "Stay sober through the month",
        "measure": "days abstinent in the past 30 days",
        "unit": "days",
        "baseline": 12,
        "target": 30,
        "due": D0 + timedelta(days=30),
    }
    values.update(kw)
    return Objective(**values)


def intervention(id: str = "i1", component: str = "group_counseling", sessions: int = 3, **kw: Any) -> Intervention:
    values: dict[str, Any] = {
        "id": id,
        "component": component,
        "frequency": Frequency(sessions=sessions),
        "minutes": Minutes(180),
        "responsible": Role.ADDICTION_COUNSELOR,
        "objectives": ("o1",),
    }
    values.update(kw)
    return Intervention(**values)


def plan(**kw: Any) -> TreatmentPlan:
    values: dict[str, Any] = {
        "id": "plan",
        "patient_id": "p-1",
        "written_on": D0,
        "problems": (
            Problem(
                id="relapse_risk",
                description="Returns to use under stress",
                source=ProblemSource(kind=FindingKind.ASAM_DIMENSION, ref="asam3.d5"),
            ),
        ),
        "goals": (Goal(id="g1", statement="I want to stay clean for my kids", problems=("relapse_risk",)),),
        "objectives": (objective(),),
        "interventions": (intervention(),),
    }
    values.update(kw)
    return TreatmentPlan(**values)


def signed(p: TreatmentPlan, day: date = D0) -> TreatmentPlan:
    return attrs.evolve(
        p,
        signatures=(
            Signature(signer=Signer.PATIENT, signed_on=day),
            Signature(signer=Signer.CLINICIAN, signed_on=day, role=Role.ADDICTION_COUNSELOR),
        ),
    )


def active(p: TreatmentPlan, on: date = D0) -> TreatmentPlan:
    return attrs.evolve(p, status=PlanStatus.ACTIVE, effective_on=on)


# ----------------------------------------------------------------------------- objectives


@pytest.mark.parametrize(("field", "value"), [("measure", None), ("measure", "  "), ("due", None), ("due", "soon")])
def test_objective_without_measure_or_due_date_is_rejected_with_its_path(field: str, value: object) -> None:
    """An objective with no (or a blank) measure, or no due date, raises InvalidDataError at that field."""
    with pytest.raises(InvalidDataError) as info:
        objective(**{field: value})
    assert info.value.paths == (f"$.{field}",)


@pytest.mark.parametrize("field", ["measure", "due"])
def test_objective_document_missing_measure_or_due_is_rejected(field: str) -> None:
    """A serialized objective lacking measure or due is rejected by from_dict at that path."""
    data = to_dict(objective())
    del data[field]
    with pytest.raises(InvalidDataError) as info:
        from_dict(Objective, data)
    assert info.value.paths == (f"$.{field}",)


def test_intervention_sessions_must_last_at_least_a_minute() -> None:
    """A zero-minute session is rejected at `$.minutes`."""
    with pytest.raises(InvalidDataError) as info:
        intervention(minutes=Minutes(0))
    assert info.value.paths == ("$.minutes",)


# ----------------------------------------------------------------------------- the plan's own rules


def test_a_well_formed_plan_builds_and_answers_queries() -> None:
    """The example plan builds; lookups, signer checks, component ids and the review base work."""
    p = signed(plan())
    assert p.problem("relapse_risk").source.ref == "asam3.d5"
    assert p.objective("o1").target == 30.0
    assert p.intervention("i1").frequency == Frequency(sessions=3, per=Per.WEEK)
    assert p.signed_by(Signer.PATIENT) and not p.signed_by(Signer.GUARDIAN)
    assert p.component_ids == ("group_counseling",)
    assert p.review_base == D0
    assert str(p.intervention("i1").frequency) == "3×/week"
    with pytest.raises(UnknownCodeError) as info:
        p.objective("nope")
    assert info.value.paths == ("$.objectives",)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"goals": (Goal(id="g1", statement="x", problems=("missing",)),)}, "$.goals[0].problems[0]"),
        ({"objectives": (objective(goal="missing"),)}, "$.objectives[0].goal"),
        ({"interventions": (intervention(objectives=("missing",)),)}, "$.interventions[0].objectives[0]"),
        ({"objectives": (objective(), objective())}, "$.objectives[1]"),
        ({"interventions": (intervention(), intervention())}, "$.interventions[1]"),
        ({"objectives": (objective(due=D0 - timedelta(days=1)),)}, "$.objectives[0].due"),
        (
            {"signatures": (Signature(signer=Signer.PATIENT, signed_on=D0 - timedelta(days=1)),)},
            "$.signatures[0].signed_on",
        ),
        (
            {"signatures": (Signature(signer=Signer.PATIENT, signed_on=D0),) * 2},
            "$.signatures[1]",
        ),
        ({"status": PlanStatus.DRAFT, "effective_on": D0}, "$.effective_on"),
        ({"status": PlanStatus.DRAFT, "ended_on": D0}, "$.ended_on"),
        ({"status": PlanStatus.ACTIVE}, "$.effective_on"),
        ({"status": PlanStatus.ACTIVE, "effective_on": D0, "ended_on": D0}, "$.ended_on"),
        ({"status": PlanStatus.SUPERSEDED}, "$.ended_on"),
        ({"status": PlanStatus.CLOSED, "effective_on": D0, "ended_on": D0 - timedelta(days=1)}, "$.ended_on"),
        ({"status": PlanStatus.ACTIVE, "effective_on": D0 - timedelta(days=1)}, "$.effective_on"),
        ({"last_reviewed_on": D0 - timedelta(days=1)}, "$.last_reviewed_on"),
    ],
)
def test_plan_cross_field_rules_name_the_path(change: dict[str, Any], path: str) -> None:
    """Broken references, duplicate ids, early dates and status/date mismatches are rejected at their path."""
    with pytest.raises(InvalidDataError) as info:
        plan(**change)
    assert path in info.value.paths


def test_plan_repr_redacts_patient_and_signer_names() -> None:
    """The patient key and signer names never show in repr."""
    p = attrs.evolve(plan(), signatures=(Signature(signer=Signer.PATIENT, signed_on=D0, name="Zebulon Q"),))
    assert "p-1" not in repr(p)
    assert "Zebulon" not in repr(p)


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
    validate_plan(active(plan()), policy=PENNSYLVANIA_709_123)  # requires no signatures


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
    assert info.value.paths == ("$",)


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
    assert info.value.paths == ("$.signatures",)
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
    assert "$.versions[1].id" in info.value.paths


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


# ----------------------------------------------------------------------------- review timing


def test_span_applies_calendar_arithmetic() -> None:
    """Months clamp at month ends; days and weeks add exactly."""
    assert Span(count=1, unit=SpanUnit.MONTHS).after(date(2026, 1, 31)) == date(2026, 2, 28)
    assert Span(count=1, unit=SpanUnit.MONTHS).after(date(2028, 1, 31)) == date(2028, 2, 29)
    assert Span(count=2, unit=SpanUnit.WEEKS).after(D0) == D0 + timedelta(days=14)
    assert Span(count=7).after(D0) == date(2026, 3, 9)
    assert str(Span(count=7)) == "7 days"
    with pytest.raises(InvalidDataError):
        Span(count=7).after("2026-03-02")  # type: ignore[arg-type]


def test_initial_plan_due_follows_the_policy() -> None:
    """Kansas: plan within 7 days of admission; a policy without a deadline gives None."""
    assert initial_plan_due(D0, KANSAS_IOP) == date(2026, 3, 9)
    assert initial_plan_due(D0, PENNSYLVANIA_709_123) is None


def test_next_review_and_overdue() -> None:
    """An active plan is due for review one interval after its last review (else its effective date)."""
    p = active(signed(plan()))
    assert next_review_due(p, PENNSYLVANIA_709_123) == D0 + timedelta(days=30)
    assert next_review_due(p, MONTANA_LEVEL_2_5) == D0 + timedelta(days=14)
    assert next_review_due(p, WASHINGTON_IOP) == date(2026, 4, 2)
    assert not is_overdue(p, PENNSYLVANIA_709_123, D0 + timedelta(days=30))
    assert is_overdue(p, PENNSYLVANIA_709_123, D0 + timedelta(days=31))
    reviewed = attrs.evolve(p, last_reviewed_on=D0 + timedelta(days=25))
    assert next_review_due(reviewed, PENNSYLVANIA_709_123) == D0 + timedelta(days=55)
    assert next_review_due(p, KANSAS_IOP) is None
    assert next_review_due(plan(), PENNSYLVANIA_709_123) is None  # drafts are not reviewed
    assert not is_overdue(plan(), PENNSYLVANIA_709_123, date(2030, 1, 1))
    with pytest.raises(InvalidDataError) as info:
        is_overdue(p, PENNSYLVANIA_709_123, "today")  # type: ignore[arg-type]
    assert info.value.paths == ("$.today",)


@given(ist.treatment_plans(statuses=(PlanStatus.ACTIVE,)), ist.plan_policies(), st.integers(-400, 400))
def test_overdue_exactly_after_the_due_date(p: TreatmentPlan, policy: PlanPolicy, offset: int) -> None:
    """is_overdue(today) holds iff a review interval exists and today is after review_base + interval."""
    due = next_review_due(p, policy)
    if policy.review_every is None:
        assert due is None
        return
    assert due == policy.review_every.after(p.review_base)
    today = due + timedelta(days=offset)
    assert is_overdue(p, policy, today) is (offset > 0)


def test_built_in_policies_cite_sources_and_flag_unverified_ones() -> None:
    """Every built-in policy has a unique id and a source; DC's and Illinois's are marked unverified."""
    assert len({p.id for p in PLAN_POLICIES}) == len(PLAN_POLICIES)
    assert all(p.source.citation for p in PLAN_POLICIES)
    assert DC_IOP.source.evidence is Evidence.UNVERIFIED
    assert ILLINOIS_LEVEL_II_2060_423.source.evidence is Evidence.UNVERIFIED
    assert KANSAS_IOP.required_signers == frozenset({Signer.PATIENT, Signer.CLINICIAN})
    assert KANSAS_IOP.initial_plan_within == Span(count=7)


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
    from iopcore.plans import WeeklyRequirements

    return WeeklyRequirements(components=weekly_requirements(p).components, hours_per_week=band)


def test_component_requirement_order_rules() -> None:
    """max below min is rejected for sessions and minutes."""
    from iopcore.plans import ComponentRequirement

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


def test_record_review_restarts_the_review_clock_and_close_ends_the_plan() -> None:
    """A review without change moves the next due date; closing makes the plan unrevisable and never overdue."""
    h = PlanHistory.start(active(signed(plan())))
    reviewed = record_review(h, on=D0 + timedelta(days=28))
    assert next_review_due(reviewed.latest, PENNSYLVANIA_709_123) == D0 + timedelta(days=58)
    assert h.latest.last_reviewed_on is None  # the original history is untouched
    closed = close(reviewed, on=D0 + timedelta(days=40))
    assert closed.latest.status is PlanStatus.CLOSED and closed.latest.ended_on == D0 + timedelta(days=40)
    assert not is_overdue(closed.latest, PENNSYLVANIA_709_123, date(2030, 1, 1))
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
