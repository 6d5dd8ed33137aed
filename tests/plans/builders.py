"""Builders shared by the plan tests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import attrs

from iopcore.components import Role
from iopcore.levels import ASAM3, Population
from iopcore.plans import (
    FindingKind,
    Frequency,
    Goal,
    Intervention,
    Objective,
    PlanPolicy,
    PlanStatus,
    Problem,
    ProblemSource,
    Signature,
    Signer,
    Span,
    TreatmentPlan,
)
from iopcore.programs import Program
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
