"""TreatmentPlan ↔ R4 CarePlan with a Condition per problem and a Goal per goal.

R4's ``CarePlan.addresses`` takes only Condition references, so each problem becomes a Condition
(US Core Condition Problems and Health Concerns: category ``problem-list-item``, the description as
``code.text``); each goal a Goal (US Core Goal: the patient's words as ``description.text``, the
patient as ``expressedBy``) whose ``target`` s are the goal's objectives (what is measured as
``measure.text``, the target as ``detailQuantity``, the due date as ``dueDate``); each intervention an
activity whose ``detail.scheduledTiming`` holds its frequency (sessions per week or month) and the
minutes of a session, ``detail.code`` the component (local code system ``component``) and
``detail.goal`` the goals its objectives serve. The CarePlan follows US Core CarePlan (generated
narrative, category ``assess-plan``). What R4 has no element for travels in iopcore's extensions
(:data:`PLAN_EXTENSIONS`). Signers' names and the family-involvement notes, which may name people, are
never exported (import gives ``None`` and ``""``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from iopcore import _fields as f
from iopcore.components import Role
from iopcore.errors import InvalidDataError
from iopcore.fhir import _json as j
from iopcore.fhir._common import (
    ReferenceKind,
    References,
    code_system,
    extension_url,
    identifier,
    identifier_system,
    local_index,
    meta,
    read_identifier,
    read_reference,
    reference_to,
    resolve_local,
    resource_id,
)
from iopcore.fhir._episode import build
from iopcore.fhir._extensions import Part, ValueType, complex_extension, read_complex, read_period, write_period
from iopcore.part2 import RecordClass
from iopcore.plans import (
    FamilyInvolvement,
    FindingKind,
    Frequency,
    Goal,
    Intervention,
    Objective,
    Per,
    PlanStatus,
    Problem,
    ProblemSource,
    Signature,
    Signer,
    TreatmentPlan,
)
from iopcore.times import Minutes

__all__ = [
    "CARE_PLAN_PROFILE",
    "CONDITION_PROFILE",
    "GOAL_PROFILE",
    "PLAN_EXTENSIONS",
    "care_plan_from_fhir",
    "care_plan_to_fhir",
]

PLAN_URL = extension_url("treatment-plan")
SIGNATURE_URL = extension_url("plan-signature")
FAMILY_URL = extension_url("plan-family-involvement")
CARE_PLAN_PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-careplan"
"""US Core CarePlan (``meta.profile`` of every exported CarePlan)."""
GOAL_PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-goal"
"""US Core Goal (``meta.profile`` of every exported Goal)."""
CONDITION_PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition-problems-health-concerns"
"""US Core Condition Problems and Health Concerns (``meta.profile`` of every exported problem's Condition)."""
SOURCE_URL = extension_url("problem-source")
OBJECTIVE_URL = extension_url("objective")
INTERVENTION_URL = extension_url("intervention")

PLAN_EXTENSIONS: Mapping[str, tuple[Part, ...]] = f.FrozenMap(
    {
        PLAN_URL: (
            Part("lastReviewed", ValueType.DATE),
            Part("strength", ValueType.STRING, repeats=True),
            Part("need", ValueType.STRING, repeats=True),
            Part("preference", ValueType.STRING, repeats=True),
        ),
        SIGNATURE_URL: (
            Part("signer", ValueType.CODE, True, tuple(Signer)),
            Part("signedOn", ValueType.DATE, True),
            Part("role", ValueType.CODE, codes=tuple(Role)),
        ),
        FAMILY_URL: (
            Part("participates", ValueType.BOOLEAN, True),
            Part("relationship", ValueType.STRING, repeats=True),
        ),
        SOURCE_URL: (Part("kind", ValueType.CODE, True, tuple(FindingKind)), Part("ref", ValueType.STRING, True)),
        OBJECTIVE_URL: (
            Part("id", ValueType.STRING, True),
            Part("position", ValueType.INTEGER, True),
            Part("description", ValueType.STRING, True),
            Part("baseline", ValueType.DECIMAL),
        ),
        INTERVENTION_URL: (
            Part("id", ValueType.STRING, True),
            Part("role", ValueType.CODE, True, tuple(Role)),
            Part("objective", ValueType.STRING, repeats=True),
        ),
    }
)
"""iopcore's extensions on CarePlan (``treatment-plan``, ``plan-signature`` repeating,
``plan-family-involvement``), Condition (``problem-source``), ``Goal.target`` (``objective``) and
``CarePlan.activity.detail`` (``intervention``): URL → parts."""


CARE_PLAN_STATUS = {
    PlanStatus.DRAFT: "draft",
    PlanStatus.ACTIVE: "active",
    PlanStatus.SUPERSEDED: "revoked",
    PlanStatus.CLOSED: "completed",
}
"""Plan status → R4 ``RequestStatus`` (a superseded plan is "revoked": ended, replaced by a newer one)."""
_STATUS_BACK = {v: k for k, v in CARE_PLAN_STATUS.items()}
REQUEST_STATUSES = ("draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown")
GOAL_STATUS = {
    PlanStatus.DRAFT: "proposed",
    PlanStatus.ACTIVE: "active",
    PlanStatus.SUPERSEDED: "active",
    PlanStatus.CLOSED: "completed",
}
"""Plan status → R4 ``GoalLifecycleStatus`` of its goals (a superseded plan's goals carry on in the next version)."""
ACTIVITY_STATUS = {
    PlanStatus.DRAFT: "not-started",
    PlanStatus.ACTIVE: "in-progress",
    PlanStatus.SUPERSEDED: "stopped",
    PlanStatus.CLOSED: "completed",
}
"""Plan status → R4 ``CarePlanActivityStatus`` of its interventions."""
PERIOD_UNIT = {Per.WEEK: "wk", Per.MONTH: "mo"}
"""``Frequency.per`` → R4 ``UnitsOfTime`` (UCUM ``wk``, ``mo``)."""
_PER_BACK = {v: k for k, v in PERIOD_UNIT.items()}

CAREPLAN_CATEGORY = {"system": "http://hl7.org/fhir/us/core/CodeSystem/careplan-category", "code": "assess-plan"}
"""US Core CarePlan's required category (slice AssessPlan)."""
PROBLEM_LIST_ITEM = {
    "system": "http://terminology.hl7.org/CodeSystem/condition-category",
    "code": "problem-list-item",
    "display": "Problem List Item",
}
"""R4 condition-category ``problem-list-item`` (US Core Condition Problems and Health Concerns, slice us-core)."""
CLINICAL_ACTIVE = {"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}
COMPONENT_SYSTEM = code_system("component")
XHTML = "http://www.w3.org/1999/xhtml"


@f.guard
def care_plan_to_fhir(
    plan: TreatmentPlan, references: References, *, record_class: RecordClass = RecordClass.SUD_TREATMENT_RECORD
) -> list[dict[str, Any]]:
    """The plan as R4 resources, those referred to first: a Condition per problem, a Goal per goal, the CarePlan.

    References between them are relative (``Condition/<id>``); :func:`~iopcore.fhir.bundle` turns
    them into the bundle's ``urn:uuid`` full URLs. The patient is named by its reference in
    *references* (an unknown patient is an error at ``$.plan.patient_id``).
    """
    patient = reference_to(references, ReferenceKind.PATIENT, plan.patient_id, "$.plan.patient_id")
    pref = patient["reference"]
    condition_meta = {"meta": meta(record_class, profile=CONDITION_PROFILE)}
    goal_meta = {"meta": meta(record_class, profile=GOAL_PROFILE)}
    condition_ids = {p.id: resource_id("Condition", pref, plan.id, p.id) for p in plan.problems}
    goal_ids = {g.id: resource_id("Goal", pref, plan.id, g.id) for g in plan.goals}
    conditions = [
        {
            "resourceType": "Condition",
            "id": condition_ids[p.id],
            **condition_meta,
            "extension": [complex_extension(SOURCE_URL, PLAN_EXTENSIONS[SOURCE_URL], {"kind": p.source.kind, "ref": p.source.ref})],
            "identifier": [identifier(references, "problem", f"{plan.id}/{p.id}")],
            "clinicalStatus": {"coding": [CLINICAL_ACTIVE]},
            "category": [{"coding": [PROBLEM_LIST_ITEM]}],
            "code": {"text": p.description},
            "subject": patient,
            "recordedDate": j.fhir_date(plan.written_on),
        }
        for p in plan.problems
    ]  # fmt: skip
    goals = [_goal(plan, g, goal_ids[g.id], condition_ids, patient, goal_meta, references) for g in plan.goals]
    objective_goal = {o.id: o.goal for o in plan.objectives}
    care_plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": resource_id("CarePlan", pref, plan.id, str(plan.version)),
        "meta": meta(record_class, profile=CARE_PLAN_PROFILE),
        "text": {"status": "generated", "div": _narrative(plan)},
        **({"extension": ext} if (ext := _plan_extensions(plan)) else {}),
        "identifier": [
            identifier(references, "treatment-plan-version", f"{plan.id}/{plan.version}"),
            identifier(references, "treatment-plan", plan.id),
        ],
        "status": CARE_PLAN_STATUS[plan.status],
        "intent": "plan",
        "category": [{"coding": [CAREPLAN_CATEGORY]}],
        "subject": patient,
    }
    if plan.effective_on is not None or plan.ended_on is not None:
        care_plan["period"] = write_period(plan.effective_on, plan.ended_on)
    care_plan["created"] = j.fhir_date(plan.written_on)
    if plan.problems:
        care_plan["addresses"] = [{"reference": f"Condition/{condition_ids[p.id]}"} for p in plan.problems]
    if plan.goals:
        care_plan["goal"] = [{"reference": f"Goal/{goal_ids[g.id]}"} for g in plan.goals]
    if plan.interventions:
        care_plan["activity"] = [{"detail": _detail(plan, iv, goal_ids, objective_goal)} for iv in plan.interventions]
    return [*conditions, *goals, care_plan]


def _narrative(plan: TreatmentPlan) -> str:
    counts = (
        f"{len(plan.problems)} problems, {len(plan.goals)} goals, {len(plan.objectives)} objectives, "
        f"{len(plan.interventions)} interventions"
    )
    return f'<div xmlns="{XHTML}"><p>Treatment plan version {plan.version} ({plan.status.value}): {counts}.</p></div>'


def _plan_extensions(plan: TreatmentPlan) -> list[dict[str, Any]]:
    head = complex_extension(
        PLAN_URL,
        PLAN_EXTENSIONS[PLAN_URL],
        {
            "lastReviewed": plan.last_reviewed_on,
            "strength": plan.strengths,
            "need": plan.needs,
            "preference": plan.preferences,
        },
    )
    out = [head] if head["extension"] else []
    out += [
        complex_extension(
            SIGNATURE_URL, PLAN_EXTENSIONS[SIGNATURE_URL], {"signer": s.signer, "signedOn": s.signed_on, "role": s.role}
        )
        for s in plan.signatures
    ]
    family = plan.family_involvement
    if family is not None:
        out.append(
            complex_extension(
                FAMILY_URL,
                PLAN_EXTENSIONS[FAMILY_URL],
                {"participates": family.participates, "relationship": family.relationships},
            )
        )
    return out


def _goal(
    plan: TreatmentPlan,
    goal: Goal,
    rid: str,
    condition_ids: Mapping[str, str],
    patient: dict[str, str],
    head: Mapping[str, Any],
    references: References,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "Goal",
        "id": rid,
        **head,
        "identifier": [identifier(references, "goal", f"{plan.id}/{goal.id}")],
        "lifecycleStatus": GOAL_STATUS[plan.status],
        "description": {"text": goal.statement},
        "subject": patient,
        "startDate": j.fhir_date(plan.effective_on or plan.written_on),
    }
    targets = [_target(i, o) for i, o in enumerate(plan.objectives) if o.goal == goal.id]
    if targets:
        out["target"] = targets
    out["expressedBy"] = patient
    out["addresses"] = [{"reference": f"Condition/{condition_ids[p]}"} for p in goal.problems]
    return out


def _target(position: int, o: Objective) -> dict[str, Any]:
    quantity: dict[str, Any] = {"value": o.target}
    if o.unit:
        quantity["unit"] = o.unit
    return {
        "extension": [
            complex_extension(
                OBJECTIVE_URL,
                PLAN_EXTENSIONS[OBJECTIVE_URL],
                {"id": o.id, "position": position, "description": o.description, "baseline": o.baseline},
            )
        ],
        "measure": {"text": o.measure},
        "detailQuantity": quantity,
        "dueDate": j.fhir_date(o.due),
    }


def _detail(
    plan: TreatmentPlan, iv: Intervention, goal_ids: Mapping[str, str], objective_goal: Mapping[str, str]
) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "extension": [
            complex_extension(
                INTERVENTION_URL,
                PLAN_EXTENSIONS[INTERVENTION_URL],
                {"id": iv.id, "role": iv.responsible, "objective": iv.objectives},
            )
        ],
        "code": {"coding": [{"system": COMPONENT_SYSTEM, "code": iv.component}]},
    }
    served = list(dict.fromkeys(objective_goal[o] for o in iv.objectives))
    if served:
        detail["goal"] = [{"reference": f"Goal/{goal_ids[g]}"} for g in served]
    detail["status"] = ACTIVITY_STATUS[plan.status]
    detail["scheduledTiming"] = {
        "repeat": {
            "duration": iv.minutes.value,
            "durationUnit": "min",
            "frequency": iv.frequency.sessions,
            "period": 1,
            "periodUnit": PERIOD_UNIT[iv.frequency.per],
        }
    }
    return detail


# ----------------------------------------------------------------------------- import

ROOT = "$.resources"


@f.guard
def care_plan_from_fhir(resources: Sequence[Mapping[str, Any]], references: References) -> TreatmentPlan:
    """The :class:`~iopcore.plans.TreatmentPlan` that a CarePlan and its Goals and Conditions describe.

    *resources* holds the CarePlan (exactly one) and every Goal and Condition it refers to (as
    :func:`care_plan_to_fhir` returns them, or read from a bundle); references between them may be
    relative, absolute or ``urn:uuid``. Refused with the path of the element
    (``$.resources[3].target[0].dueDate``): not R4, not written the way iopcore maps plans (no
    version identifier, a goal without ``description.text``, an objective without its target or due
    date, an activity without iopcore's intervention extension), references to resources not given,
    and content that makes no valid plan.
    """
    index = local_index(resources, ROOT)
    plans = [(node, path) for node, path in _unique(index.values()) if node.get("resourceType") == "CarePlan"]
    if len(plans) != 1:
        raise j.fail(ROOT, f"expected exactly one CarePlan among the resources, got {len(plans)}", "care_plan")
    node, path = plans[0]
    j.resource(node, "CarePlan", path)
    status = j.code(node, "status", path, REQUEST_STATUSES, required=True)
    if status not in _STATUS_BACK:
        raise j.fail(path + ".status", "expected draft, active, revoked or completed for an iopcore plan", "status")
    j.code(node, "intent", path, ("proposal", "plan", "order", "option"), required=True)
    plan_id, version = _version(node, references, path)
    patient = read_reference(node, "subject", path, references, ReferenceKind.PATIENT, required=True)
    if "created" not in node:
        raise j.fail(
            path + ".created",
            "expected the date the plan was written (optional in R4, needed by a TreatmentPlan), got none",
            "missing",
        )
    written = j.read_date(node["created"], path + ".created")
    effective, ended = (
        read_period(node["period"], path + ".period", start_required=False) if "period" in node else (None, None)
    )
    problems = [_problem(index, item, here, plan_id, references) for item, here in j.array(node, "addresses", path)]
    problem_of = {rid: p.id for rid, p in problems}
    goals_found = [
        _goal_back(index, item, here, plan_id, references, problem_of) for item, here in j.array(node, "goal", path)
    ]
    objectives = sorted((o for _, _, objs in goals_found for o in objs), key=lambda pair: pair[0])
    if [pos for pos, _ in objectives] != list(range(len(objectives))):
        raise j.fail(path + ".goal", "expected the objectives' positions 0, 1, 2 … once each, got others", "position")
    interventions = [_intervention(item, here) for item, here in j.array(node, "activity", path)]
    ext = _plan_parts(node, path)
    plan: TreatmentPlan = build(
        TreatmentPlan, path, id=plan_id, patient_id=patient, version=version, status=_STATUS_BACK[status],
        written_on=written, effective_on=effective, ended_on=ended, last_reviewed_on=ext["lastReviewed"],
        problems=tuple(p for _, p in problems), goals=tuple(g for _, g, _ in goals_found),
        objectives=tuple(o for _, o in objectives), interventions=tuple(interventions), strengths=ext["strength"],
        needs=ext["need"], preferences=ext["preference"], family_involvement=ext["family"], signatures=ext["signatures"],
    )  # fmt: skip
    return plan


def _unique(found: Any) -> list[tuple[Mapping[str, Any], str]]:
    seen: dict[str, tuple[Mapping[str, Any], str]] = {}
    for node, path in found:
        seen.setdefault(path, (node, path))
    return list(seen.values())


def _version(node: Mapping[str, Any], references: References, path: str) -> tuple[str, int]:
    system = identifier_system(references.identifier_base, "treatment-plan-version")
    value = read_identifier(node, system, path, or_id=True)
    if not _has_identifier(node, system):  # another system's CarePlan: its logical id, TreatmentPlan's first version
        return value, 1
    plan_id, _, version = value.rpartition("/")
    if not plan_id or not version.isdigit() or int(version) < 1:
        raise j.fail(path + ".identifier", "expected the version identifier as <plan id>/<version>", "identifier")
    return plan_id, int(version)


def _has_identifier(node: Mapping[str, Any], system: str) -> bool:
    items = node.get("identifier")
    return isinstance(items, list) and any(isinstance(i, Mapping) and i.get("system") == system for i in items)


def _item_id(node: Mapping[str, Any], references: References, kind: str, plan_id: str, path: str) -> str:
    system = identifier_system(references.identifier_base, kind)
    value = read_identifier(node, system, path, or_id=True)
    if not _has_identifier(node, system):  # another system's Goal or Condition: its logical id
        return value
    owner, _, item = value.rpartition("/")
    if owner != plan_id or not item:
        raise j.fail(path + ".identifier", f"expected the {kind} identifier as <plan id>/<{kind} id>", "identifier")
    return item


def _problem(
    index: Mapping[str, tuple[Mapping[str, Any], str]], ref: Any, ref_path: str, plan_id: str, references: References
) -> tuple[str, Problem]:
    node, path = resolve_local(ref, ref_path, index, "Condition")
    j.resource(node, "Condition", path)
    _refuse_codes(node, "clinicalStatus", path, _CONDITION_CLINICAL, ("inactive", "remission", "resolved"))
    _refuse_codes(node, "verificationStatus", path, _CONDITION_VERIFICATION, ("refuted", "entered-in-error"))
    code = j.obj(node.get("code"), path + ".code", "a CodeableConcept with the problem's description as text")
    description = _text_of(code, path + ".code", "the problem's description")
    source = _one(node, SOURCE_URL, path, "the problem's source (the assessment finding it comes from)")
    problem: Problem = build(
        Problem, path, id=_item_id(node, references, "problem", plan_id, path), description=description,
        source=build(ProblemSource, path, kind=FindingKind(source["kind"]), ref=source["ref"]),
    )  # fmt: skip
    return str(node.get("id")), problem


_CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
_CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


def _refuse_codes(node: Mapping[str, Any], key: str, path: str, system: str, refused: tuple[str, ...]) -> None:
    """Refuse a modifier status (R4 isModifier) whose code makes the resource no plan item iopcore can hold."""
    concept = node.get(key)
    for i, coding in enumerate(concept.get("coding", ()) if isinstance(concept, Mapping) else ()):
        if isinstance(coding, Mapping) and coding.get("system") == system and coding.get("code") in refused:
            raise j.fail(
                f"{path}.{key}.coding[{i}].code",
                f"expected none of {', '.join(refused)} (this status changes what the resource means, and an "
                "iopcore plan item has no such state), got one",
                "status",
            )


def _one(node: Mapping[str, Any], url: str, path: str, what: str) -> dict[str, Any]:
    found = j.extension(node, url, path)
    if found is None:
        raise _incomplete(path, url, what)
    return read_complex(found[0], found[1], PLAN_EXTENSIONS[url])


def _incomplete(path: str, url: str, what: str) -> InvalidDataError:
    return j.fail(
        path + ".extension",
        f"expected {what} in iopcore's extension {url} (R4 has no element for it: a resource another system "
        "wrote describes no complete iopcore plan without it), got none",
        "incomplete",
    )


def _text_of(concept: Mapping[str, Any], path: str, what: str) -> str:
    """A CodeableConcept's ``text``, else the ``display`` of its first coding that has one (another system's)."""
    text = j.string(concept, "text", path)
    if text is not None:
        return text
    for item, here in j.array(concept, "coding", path):
        display = j.string(j.obj(item, here, "a Coding"), "display", here)
        if display is not None:
            return display
    raise j.fail(path + ".text", f"expected {what} as text (or a coding's display), got none", "missing")


def _goal_back(
    index: Mapping[str, tuple[Mapping[str, Any], str]],
    ref: Any,
    ref_path: str,
    plan_id: str,
    references: References,
    problem_of: Mapping[str, str],
) -> tuple[str, Goal, list[tuple[int, Objective]]]:
    node, path = resolve_local(ref, ref_path, index, "Goal")
    j.resource(node, "Goal", path)
    if node.get("lifecycleStatus") in ("cancelled", "entered-in-error", "rejected"):
        raise j.fail(path + ".lifecycleStatus", "expected a goal that is not cancelled, rejected or entered in "
                     "error (an iopcore goal has no such state), got one", "status")  # fmt: skip
    description = j.obj(node.get("description"), path + ".description", "a CodeableConcept with the goal's words")
    goal_id = _item_id(node, references, "goal", plan_id, path)
    problems = []
    for item, here in j.array(node, "addresses", path):
        condition, _ = resolve_local(item, here, index, "Condition")
        if condition.get("id") not in problem_of:
            raise j.fail(here + ".reference", "expected a Condition the CarePlan addresses, got another", "unresolved")
        problems.append(problem_of[str(condition.get("id"))])
    goal: Goal = build(
        Goal, path, id=goal_id, statement=_text_of(description, path + ".description", "the goal's words"),
        problems=tuple(problems),
    )  # fmt: skip
    return str(node.get("id")), goal, [_objective(t, here, goal_id) for t, here in j.array(node, "target", path)]


def _objective(value: Any, path: str, goal_id: str) -> tuple[int, Objective]:
    node = j.obj(value, path, "a Goal.target (a JSON object)")
    found = j.extension(node, OBJECTIVE_URL, path)
    if found is None:
        raise _incomplete(path, OBJECTIVE_URL, "the objective's id, position and description")
    ext = read_complex(found[0], found[1], PLAN_EXTENSIONS[OBJECTIVE_URL])
    measure = j.obj(node.get("measure"), path + ".measure", "a CodeableConcept with what is measured as text")
    quantity = j.obj(node.get("detailQuantity"), path + ".detailQuantity", "a Quantity with the target")
    target = j.decimal(quantity, "value", path + ".detailQuantity")
    if target is None:
        raise j.fail(path + ".detailQuantity.value", "expected the target value, got none", "missing")
    if "dueDate" not in node:
        raise j.fail(path + ".dueDate", "expected the objective's due date, got none", "missing")
    if ext["position"] < 0:
        raise j.fail(found[1], "expected a position of 0 or more, got a negative one", "range")
    objective: Objective = build(
        Objective, path, id=ext["id"], goal=goal_id, description=ext["description"],
        measure=j.required_string(measure, "text", path + ".measure"), unit=j.string(quantity, "unit", path + ".detailQuantity") or "",
        baseline=ext["baseline"], target=target, due=j.read_date(node["dueDate"], path + ".dueDate"),
    )  # fmt: skip
    return ext["position"], objective


def _intervention(value: Any, path: str) -> Intervention:
    activity = j.obj(value, path, "a CarePlan.activity (a JSON object)")
    here = path + ".detail"
    detail = j.obj(activity.get("detail"), here, "an activity detail (iopcore writes interventions so)")
    if detail.get("doNotPerform") is True or detail.get("status") in ("cancelled", "entered-in-error"):
        raise j.fail(here, "expected an activity to perform (not doNotPerform, cancelled or entered in error: "
                     "an iopcore intervention has no such state), got another", "status")  # fmt: skip
    found = j.extension(detail, INTERVENTION_URL, here)
    if found is None:
        raise _incomplete(here, INTERVENTION_URL, "the intervention's id, responsible role and objectives")
    ext = read_complex(found[0], found[1], PLAN_EXTENSIONS[INTERVENTION_URL])
    component = _component(detail, here)
    timing = j.obj(detail.get("scheduledTiming"), here + ".scheduledTiming", "a Timing with the frequency")
    at = here + ".scheduledTiming.repeat"
    repeat = j.obj(timing.get("repeat"), at, "a Timing.repeat")
    sessions = j.integer(repeat, "frequency", at, min_value=1)
    unit = j.code(repeat, "periodUnit", at, ("s", "min", "h", "d", "wk", "mo", "a"), required=True)
    if sessions is None or j.decimal(repeat, "period", at) != 1 or unit not in _PER_BACK:
        raise j.fail(at, "expected frequency sessions per period 1 wk or 1 mo", "frequency")
    minutes = j.decimal(repeat, "duration", at)
    if j.code(repeat, "durationUnit", at, ("s", "min", "h", "d", "wk", "mo", "a")) != "min" or minutes is None:
        raise j.fail(at + ".duration", "expected the session's length in whole minutes (durationUnit min)", "duration")
    if not float(minutes).is_integer():
        raise j.fail(at + ".duration", "expected a whole number of minutes, got a fraction", "duration")
    intervention: Intervention = build(
        Intervention, path, id=ext["id"], component=component,
        frequency=build(Frequency, at, sessions=sessions, per=_PER_BACK[unit]),
        minutes=build(Minutes, at + ".duration", value=int(minutes)), responsible=Role(ext["role"]),
        objectives=ext["objective"],
    )  # fmt: skip
    return intervention


def _component(detail: Mapping[str, Any], path: str) -> str:
    code = j.obj(detail.get("code"), path + ".code", "a CodeableConcept with the component")
    for item, here in j.array(code, "coding", path + ".code"):
        coding = j.obj(item, here, "a Coding")
        if coding.get("system") == COMPONENT_SYSTEM:
            return j.required_string(coding, "code", here)
    raise j.fail(
        path + ".code",
        f"expected the program component as a coding of {COMPONENT_SYSTEM} (no standard code system has "
        "iopcore's components), got none",
        "incomplete",
    )


def _plan_parts(node: Mapping[str, Any], path: str) -> dict[str, Any]:
    out: dict[str, Any] = {"lastReviewed": None, "strength": (), "need": (), "preference": (), "family": None}
    signatures: list[Signature] = []
    for ext, here in j.extensions(node, path):
        url = ext["url"]
        if url == PLAN_URL:
            out.update(read_complex(ext, here, PLAN_EXTENSIONS[PLAN_URL]))
        elif url == SIGNATURE_URL:
            v = read_complex(ext, here, PLAN_EXTENSIONS[SIGNATURE_URL])
            signatures.append(build(Signature, here, signer=Signer(v["signer"]), signed_on=v["signedOn"],
                                    role=None if v["role"] is None else Role(v["role"])))  # fmt: skip
        elif url == FAMILY_URL:
            if out["family"] is not None:
                raise j.fail(here, "expected the family-involvement extension once, got it twice", "repeated")
            v = read_complex(ext, here, PLAN_EXTENSIONS[FAMILY_URL])
            out["family"] = build(
                FamilyInvolvement, here, participates=v["participates"], relationships=v["relationship"]
            )
    out["signatures"] = tuple(signatures)
    return out
