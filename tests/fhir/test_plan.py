"""TreatmentPlan ↔ CarePlan, Goals and Conditions: valid R4, the identity both ways, refusals by path."""

from __future__ import annotations

import copy
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iopcore.errors import InvalidDataError
from iopcore.fhir import References, care_plan_from_fhir, care_plan_to_fhir
from iopcore.plans import FamilyInvolvement, PlanStatus, TreatmentPlan
from iopcore.strategies import references, treatment_plans
from tests.fhir.conformance import json_round_trip, validate_r4
from tests.plans.builders import active, plan, signed

EXAMPLES = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REFS = References(patients={"p-1": "Patient/p1"})


def without_names(p: TreatmentPlan) -> TreatmentPlan:
    """The plan as FHIR carries it: signers' names and family notes (which may name people) left out."""
    family = p.family_involvement
    return attrs.evolve(
        p,
        signatures=tuple(attrs.evolve(s, name=None) for s in p.signatures),
        family_involvement=None if family is None else attrs.evolve(family, notes=""),
    )


@st.composite
def plans_with_references(draw: st.DrawFn) -> tuple[TreatmentPlan, References]:
    value = draw(treatment_plans())
    return value, draw(references(patients=[value.patient_id]))


def by_type(resources: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources if r["resourceType"] == kind]


def test_a_plan_exports_as_conditions_goals_and_a_care_plan_referring_to_them() -> None:
    """Problems become Conditions, goals Goals with objective targets, interventions activities with a frequency."""
    value = signed(active(plan()))
    resources = care_plan_to_fhir(value, REFS)
    assert [r["resourceType"] for r in resources] == ["Condition", "Goal", "CarePlan"]
    for r in resources:
        validate_r4(r)
    condition, goal, care_plan = resources
    assert care_plan["addresses"] == [{"reference": f"Condition/{condition['id']}"}]
    assert care_plan["goal"] == [{"reference": f"Goal/{goal['id']}"}]
    assert goal["addresses"] == [{"reference": f"Condition/{condition['id']}"}]
    assert condition["code"] == {"text": "Returns to use under stress"}
    assert goal["description"] == {"text": "I want to stay clean for my kids"}
    target = goal["target"][0]
    assert target["measure"] == {"text": "days abstinent in the past 30 days"}
    assert target["detailQuantity"] == {"value": 30.0, "unit": "days"}
    assert target["dueDate"] == "2026-04-01"
    detail = care_plan["activity"][0]["detail"]
    assert detail["scheduledTiming"] == {
        "repeat": {"duration": 180, "durationUnit": "min", "frequency": 3, "period": 1, "periodUnit": "wk"}
    }
    assert detail["goal"] == [{"reference": f"Goal/{goal['id']}"}]
    assert care_plan["status"] == "active" and care_plan["intent"] == "plan"
    assert care_plan["period"] == {"start": "2026-03-02"} and care_plan["created"] == "2026-03-02"
    assert "p-1" not in str(resources)
    assert care_plan_from_fhir(resources, REFS) == value


@pytest.mark.parametrize(("status", "code"), [(PlanStatus.SUPERSEDED, "revoked"), (PlanStatus.CLOSED, "completed")])
def test_ended_plans_map_to_request_statuses(status: PlanStatus, code: str) -> None:
    """A superseded plan is revoked (replaced), a closed one completed; both come back as they were."""
    value = attrs.evolve(active(plan()), status=status, ended_on=active(plan()).written_on)
    resources = care_plan_to_fhir(value, REFS)
    assert resources[-1]["status"] == code
    assert care_plan_from_fhir(json_round_trip(resources), REFS) == value


def test_names_never_leave() -> None:
    """Signers' names and family notes stay out of every resource; the rest comes back."""
    value = attrs.evolve(
        signed(active(plan())),
        family_involvement=FamilyInvolvement(participates=True, relationships=("sister",), notes="Ann Smith visits"),
    )
    value = attrs.evolve(value, signatures=tuple(attrs.evolve(s, name="Jo Bloggs") for s in value.signatures))
    text = str(care_plan_to_fhir(value, REFS))
    assert "Jo Bloggs" not in text and "Ann Smith" not in text and "sister" in text
    assert care_plan_from_fhir(care_plan_to_fhir(value, REFS), REFS) == without_names(value)


@given(plans_with_references())
@EXAMPLES
def test_every_generated_plan_exports_as_valid_r4_and_imports_back_as_itself(
    pair: tuple[TreatmentPlan, References],
) -> None:
    """fhir.resources' R4 models accept every resource; import (from JSON, in any order) is the plan again."""
    value, refs = pair
    resources = care_plan_to_fhir(value, refs)
    for r in resources:
        validate_r4(r)
    assert care_plan_from_fhir(json_round_trip(resources[::-1]), refs) == without_names(value)


def _broken(change: Any) -> list[dict[str, Any]]:
    family = FamilyInvolvement(participates=True)
    resources = copy.deepcopy(care_plan_to_fhir(attrs.evolve(signed(active(plan())), family_involvement=family), REFS))
    change(*resources)
    return resources


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda c, g, p: p.update(status="on-hold"), "$.resources[2].status"),
        (lambda c, g, p: p.update(status="finished"), "$.resources[2].status"),
        (lambda c, g, p: p.pop("intent"), "$.resources[2].intent"),
        (lambda c, g, p: p.update(identifier=p["identifier"][1:]), "$.resources[2].identifier"),
        (lambda c, g, p: p.update(subject={"reference": "Patient/x"}), "$.resources[2].subject.reference"),
        (lambda c, g, p: p.pop("created"), "$.resources[2].created"),
        (lambda c, g, p: p["goal"][0].update(reference="Goal/missing"), "$.resources[2].goal[0].reference"),
        (
            lambda c, g, p: p["addresses"][0].update(reference=f"Goal/{g['id']}"),
            "$.resources[2].addresses[0].reference",
        ),
        (lambda c, g, p: c.update(code={"coding": [{"code": "x"}]}), "$.resources[0].code.text"),
        (lambda c, g, p: c.pop("extension"), "$.resources[0].extension"),
        (lambda c, g, p: g.update(description={"text": ""}), "$.resources[1].description.text"),
        (lambda c, g, p: g["target"][0].pop("dueDate"), "$.resources[1].target[0].dueDate"),
        (
            lambda c, g, p: g["target"][0]["detailQuantity"].update(value="30"),
            "$.resources[1].target[0].detailQuantity.value",
        ),
        (lambda c, g, p: g["target"][0].update(detailQuant={}), "$.resources[1].target[0].detailQuant"),
        (
            lambda c, g, p: p["activity"][0]["detail"]["scheduledTiming"]["repeat"].update(periodUnit="fortnight"),
            "$.resources[2].activity[0].detail.scheduledTiming.repeat.periodUnit",
        ),
        (
            lambda c, g, p: p["activity"][0]["detail"]["scheduledTiming"]["repeat"].update(duration=90.5),
            "$.resources[2].activity[0].detail.scheduledTiming.repeat.duration",
        ),
        (lambda c, g, p: p["activity"][0]["detail"].pop("extension"), "$.resources[2].activity[0].detail.extension"),
        (
            lambda c, g, p: p["activity"][0]["detail"]["extension"][0]["extension"][1].update(valueCode="wizard"),
            "$.resources[2].activity[0].detail.extension[0].extension[1].valueCode",
        ),
        (
            lambda c, g, p: p.update(modifierExtension=[{"url": "x", "valueBoolean": True}]),
            "$.resources[2].modifierExtension",
        ),
    ],
)
def test_non_conformant_or_incomplete_input_is_refused_at_its_path(change: Any, path: str) -> None:
    """Each defect is an InvalidDataError at the element that holds it."""
    with pytest.raises(InvalidDataError) as info:
        care_plan_from_fhir(_broken(change), REFS)
    assert info.value.paths[0] == path, info.value


def test_one_care_plan_is_needed() -> None:
    """Without a CarePlan (or with two) there is no plan to read."""
    resources = care_plan_to_fhir(plan(), REFS)
    with pytest.raises(InvalidDataError, match="exactly one CarePlan"):
        care_plan_from_fhir(resources[:-1], REFS)
