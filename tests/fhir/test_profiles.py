"""US Core 7.0.0 profiles the plan's resources follow: their mandatory and must-support elements.

Read from the published profiles (element, cardinality, must-support flag, required codes):

* US Core CarePlan, https://hl7.org/fhir/us/core/STU7/StructureDefinition-us-core-careplan.html:
  mandatory ``text`` (``text.status`` from US Core Narrative Status: generated | additional;
  ``text.div``), ``status``, ``intent``, ``category`` with the slice AssessPlan
  (``http://hl7.org/fhir/us/core/CodeSystem/careplan-category`` ``assess-plan``) and ``subject``
  (a Patient). All must-support.
* US Core Goal, https://hl7.org/fhir/us/core/STU7/StructureDefinition-us-core-goal.html: mandatory
  ``lifecycleStatus``, ``description`` and ``subject`` (a Patient); must-support ``startDate`` (date),
  ``target``, ``target.dueDate``; a Goal SHALL support either ``startDate`` or ``target.dueDate``.
  ``expressedBy`` is must-support from US Core 8.0.0 on, not in 7.0.0 (the profile comparison pages
  https://hl7.org/fhir/us/core/comparison-v5.0.1/sd-us-core-goal-us-core-goal.html and
  https://build.fhir.org/ig/HL7/US-Core/branches/__default/comparison-v7.0.0/sd-615-us-core-goal-us-core-goal.html).
* US Core Condition Problems and Health Concerns,
  https://hl7.org/fhir/us/core/STU7/StructureDefinition-us-core-condition-problems-health-concerns.html:
  mandatory ``category`` (slice us-core: ``problem-list-item`` | ``health-concern``), ``code`` and
  ``subject`` (a Patient); must-support ``clinicalStatus``, ``verificationStatus``,
  ``recordedDate``, ``onset[x]``, ``abatement[x]`` and the assertedDate extension; R4's con-3 asks
  for ``clinicalStatus`` on a problem-list item.

Each resource names its profile in ``meta.profile`` (as the QuestionnaireResponse, score Observations
and Encounters do). iopcore writes every mandatory element. Of the must-support ones it writes what it knows:
``recordedDate`` (the plan's writing date), ``clinicalStatus`` active, ``startDate``,
``target.dueDate`` and ``expressedBy`` (the patient: goals are in the patient's words); it does not
know a problem's verification status, onset, abatement or asserted date, and leaves them out, as
must-support allows for data the sender does not have.
"""

from __future__ import annotations

from typing import Any

from iopcore.fhir import CARE_PLAN_PROFILE, CONDITION_PROFILE, GOAL_PROFILE, References, care_plan_to_fhir
from tests.plans.builders import plan

US_CORE_CAREPLAN_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/careplan-category"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
US_CORE_CONDITION_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/condition-category"


def _is_patient(ref: Any, refs: References) -> bool:
    return isinstance(ref, dict) and ref.get("reference") in set(refs.patients.values())


def check_us_core_careplan(r: dict[str, Any], refs: References) -> None:
    assert r["meta"]["profile"] == [CARE_PLAN_PROFILE]
    assert r["text"]["status"] in ("generated", "additional") and r["text"]["div"].startswith("<div")
    assert r["status"] and r["intent"]
    codings = [c for cat in r["category"] for c in cat["coding"]]
    assert {"system": US_CORE_CAREPLAN_CATEGORY, "code": "assess-plan"} in codings
    assert _is_patient(r["subject"], refs)


def check_us_core_goal(r: dict[str, Any], refs: References) -> None:
    assert r["meta"]["profile"] == [GOAL_PROFILE]
    assert r["lifecycleStatus"]
    assert r["description"]["text"]
    assert _is_patient(r["subject"], refs) and _is_patient(r["expressedBy"], refs)
    assert "startDate" in r or any("dueDate" in t for t in r.get("target", ()))
    assert all("dueDate" in t for t in r.get("target", ()))


def check_us_core_condition_problem(r: dict[str, Any], refs: References) -> None:
    assert r["meta"]["profile"] == [CONDITION_PROFILE]
    us_core = [
        c
        for cat in r["category"]
        for c in cat["coding"]
        if (c["system"], c["code"])
        in {(CONDITION_CATEGORY, "problem-list-item"), (US_CORE_CONDITION_CATEGORY, "health-concern")}
    ]
    assert us_core
    assert r["code"]["text"] or r["code"]["coding"]
    assert _is_patient(r["subject"], refs)
    assert r["recordedDate"]
    if any(c["code"] == "problem-list-item" for c in us_core):  # con-3
        assert r["clinicalStatus"]["coding"]


CHECKS = {
    "CarePlan": check_us_core_careplan,
    "Goal": check_us_core_goal,
    "Condition": check_us_core_condition_problem,
}


def check_us_core(r: dict[str, Any], refs: References) -> None:
    """The US Core checks of the resource's type (every type of a plan's export has one)."""
    CHECKS[r["resourceType"]](r, refs)


def test_the_checks_see_every_profiled_type_of_a_full_plan() -> None:
    """A plan with problems and goals exports all three profiled types, and each passes its profile's checks.

    Every generated plan's resources are checked too, in the plan's property test
    (tests/fhir/test_plan.py), so that each plan is drawn once.
    """
    refs = References(patients={"p-1": "Patient/1"})
    resources = care_plan_to_fhir(plan(), refs)
    assert {r["resourceType"] for r in resources} == set(CHECKS)
    for r in resources:
        CHECKS[r["resourceType"]](r, refs)
