"""Treatment-plan values: objectives, interventions, the plan's own rules, its queries and its repr."""

from __future__ import annotations

import enum
import pickle
from datetime import timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import iopcore.plans
from iopcore import strategies as ist
from iopcore.errors import InvalidArgumentError, InvalidDataError, UnknownCodeError
from iopcore.plans import (
    FamilyInvolvement,
    Frequency,
    Goal,
    Objective,
    Per,
    PlanStatus,
    Signature,
    Signer,
    Span,
    TreatmentPlan,
)
from iopcore.serialization import from_dict, to_dict
from iopcore.times import Minutes
from tests.plans.builders import D0, intervention, objective, plan, signed
from tests.public import public_attrs_classes, unguarded_callables

# ----------------------------------------------------------------------------- objectives and interventions


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
    assert info.value.paths == ("$.objective_id",)


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


# ----------------------------------------------------------------------------- values


class Level(enum.IntEnum):
    TWO = 2


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (lambda: Frequency(sessions=True), "$.sessions"),
        (lambda: Frequency(sessions=Level.TWO), "$.sessions"),
        (lambda: objective(target=True), "$.target"),
        (lambda: objective(baseline=Level.TWO), "$.baseline"),
        (lambda: Span(count=False), "$.count"),
        (lambda: plan(version=True), "$.version"),
    ],
)
def test_booleans_and_int_enums_are_not_numbers(build: Any, path: str) -> None:
    """True or an IntEnum member in a number field is a type error (to_dict would write it as a name)."""
    with pytest.raises(InvalidDataError) as info:
        build()
    assert info.value.paths == (path,)


def test_references_name_each_problem_or_objective_once() -> None:
    """A goal naming a problem twice, or an intervention an objective twice, is rejected at the second mention."""
    with pytest.raises(InvalidDataError) as info:
        Goal(id="g1", statement="x", problems=("relapse_risk", "relapse_risk"))
    assert info.value.paths == ("$.problems[1]",)
    with pytest.raises(InvalidDataError) as info:
        intervention(objectives=("o1", "o1"))
    assert info.value.paths == ("$.objectives[1]",)


def test_lookups_name_the_argument_and_refuse_wrong_types() -> None:
    """An unknown id is an UnknownCodeError at the id's argument; a wrong type an InvalidArgumentError."""
    p = plan()
    for call, path in (
        (lambda: p.problem("nope"), "$.problem_id"),
        (lambda: p.intervention("nope"), "$.intervention_id"),
    ):
        with pytest.raises(UnknownCodeError) as unknown:
            call()
        assert unknown.value.paths == (path,)
    for call, path in (
        (lambda: p.signed_by("patient"), "$.signer"),  # type: ignore[arg-type]
        (lambda: p.objective(1), "$.objective_id"),  # type: ignore[arg-type]
    ):
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert info.value.paths == (path,)


def test_every_public_function_and_method_is_guarded() -> None:
    """iopcore.plans checks its arguments on entry everywhere (``@f.guard``)."""
    assert unguarded_callables(iopcore.plans) == []


PLAN_TYPES = [c for c in public_attrs_classes() if c.__module__.startswith("iopcore.plans")]


@pytest.mark.parametrize("cls", PLAN_TYPES, ids=lambda c: c.__name__)
@settings(max_examples=20)
@given(data=st.data())
def test_values_pickle_to_equal_values_and_hash(cls: type, data: st.DataObject) -> None:
    """Every plans value survives pickle (standard library) equal to itself, and hashes alike."""
    value = data.draw(st.from_type(cls))
    again = pickle.loads(pickle.dumps(value))
    assert again == value and hash(again) == hash(value)


SENTINEL = "PATIENT-SENTINEL-4711"


@settings(max_examples=25)
@given(ist.treatment_plans(), ist.signatures(), ist.family_involvements())
def test_identifiers_never_show_in_repr_or_str(p: TreatmentPlan, s: Signature, family: FamilyInvolvement) -> None:
    """The patient key, signer names and notes about the family are redacted from repr and str."""
    marked = attrs.evolve(
        p,
        patient_id=SENTINEL,
        signatures=(attrs.evolve(s, name=SENTINEL, signed_on=p.written_on),),
        family_involvement=attrs.evolve(family, notes=SENTINEL),
    )
    for text in (repr(marked), str(marked), repr(marked.signatures[0]), repr(marked.family_involvement)):
        assert SENTINEL not in text
