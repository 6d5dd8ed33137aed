"""Treatment-plan values: objectives, interventions, the plan's own rules, its queries and its repr."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs
import pytest

from iopcore.errors import InvalidDataError, UnknownCodeError
from iopcore.plans import (
    Frequency,
    Goal,
    Objective,
    Per,
    PlanStatus,
    Signature,
    Signer,
)
from iopcore.serialization import from_dict, to_dict
from iopcore.times import Minutes
from tests.plans.builders import D0, intervention, objective, plan, signed

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
