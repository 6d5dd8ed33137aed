"""EpisodeOfCare and CarePlan documents another system wrote (no iopcore extension, no iopcore identifier).

Fixtures in ``fixtures/third-party`` (see its SOURCES.md) are modelled on the FHIR R4 EpisodeOfCare
example and on US Core's CarePlan, Goal and Condition examples. Each is valid R4 (fhir.resources) and
passes the readers' R4 check; iopcore reads its standard elements into iopcore values where they make
a complete one (the logical id as the id, a CarePlan's first version) and otherwise refuses it with
path-named errors naming what is missing and that R4 has no element for it.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources import get_fhir_model_class

from iopcore.episodes import Episode, IopPhase
from iopcore.errors import InvalidDataError
from iopcore.fhir import References, care_plan_from_fhir, care_plan_to_fhir, episode_from_fhir
from iopcore.fhir import _json as j
from iopcore.plans import PlanStatus, TreatmentPlan
from tests.plans.builders import plan

HERE = Path(__file__).parent / "fixtures" / "third-party"
REFS = References(patients={"pat": "Patient/example"})
BASE = "https://iopcore.readthedocs.io/fhir/StructureDefinition/"
VER = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


def _fixture(name: str) -> Any:
    return json.loads((HERE / name).read_text())


@pytest.mark.parametrize(
    "name", ["EpisodeOfCare-home-care.json", "CarePlan-colonoscopy.json", "CarePlan-weight-management.json"]
)
def test_the_fixtures_are_r4_and_pass_the_readers_check(name: str) -> None:
    """fhir.resources' R4 models read each resource, and so does the readers' own R4 check."""
    doc = _fixture(name)
    for resource in doc if isinstance(doc, list) else [doc]:
        get_fhir_model_class(resource["resourceType"]).parse_obj(resource)
        j.resource(resource, resource["resourceType"], "$.resource")


def test_an_episode_of_care_without_the_level_history_is_refused_naming_everything_missing() -> None:
    """One error, an item for each fact R4 has no element for: the admission's route and source, the level history."""
    with pytest.raises(InvalidDataError) as info:
        episode_from_fhir(_fixture("EpisodeOfCare-home-care.json"), REFS)
    items = info.value.errors
    assert [(e.path, e.rule) for e in items] == [("$.resource.extension", "incomplete")] * 2
    assert BASE + "episode-admission" in items[0].message and "entry route and referral source" in items[0].message
    assert BASE + "episode-level" in items[1].message and "level-of-care history" in items[1].message
    assert "Patient/example" not in str(info.value)


def test_an_episode_of_care_with_the_history_reads_its_standard_elements() -> None:
    """The other system's EpisodeOfCare plus iopcore's two extensions: id, patient, period and status read as R4 says."""
    doc = _fixture("EpisodeOfCare-home-care.json")
    doc["extension"] = [
        {"url": BASE + "episode-admission", "extension": [
            {"url": "entryRoute", "valueCode": "primary"}, {"url": "referralSource", "valueString": "self"}]},
        {"url": BASE + "episode-level", "extension": [
            {"url": "level", "valueString": "2.1"}, {"url": "period", "valuePeriod": {"start": "2014-09-01"}}]},
        {"url": BASE + "episode-phase", "extension": [
            {"url": "phase", "valueCode": "engagement"}, {"url": "period", "valuePeriod": {"start": "2014-09-01"}}]},
    ]  # fmt: skip
    episode = episode_from_fhir(doc, REFS)
    assert isinstance(episode, Episode)
    assert (episode.id, episode.patient_id, episode.admission.on) == ("example", "pat", date(2014, 9, 1))
    assert episode.discharge is None and episode.levels[0].level_code == "2.1"
    assert episode.phases[0].phase is IopPhase.ENGAGEMENT
    finished = copy.deepcopy(doc) | {"status": "finished", "period": {"start": "2014-09-01", "end": "2014-10-31"}}
    with pytest.raises(InvalidDataError) as info:
        episode_from_fhir(finished, REFS)
    assert [e.path for e in info.value.errors] == ["$.resource.extension"]
    assert "discharge's reason" in info.value.errors[0].message


def test_a_logical_id_that_is_no_iopcore_id_is_refused_at_the_identifier() -> None:
    doc = _fixture("EpisodeOfCare-home-care.json") | {"id": "episode-123"}
    with pytest.raises(InvalidDataError) as info:
        episode_from_fhir(doc, REFS)
    assert info.value.errors[0].path == "$.resource.identifier"


def test_the_us_core_care_plan_is_refused_for_its_missing_created_date_and_read_with_it() -> None:
    """US Core's mandatory elements only: no written date (R4 optional, a TreatmentPlan needs it); with it, a plan."""
    doc = _fixture("CarePlan-colonoscopy.json")
    with pytest.raises(InvalidDataError) as info:
        care_plan_from_fhir([doc], REFS)
    assert info.value.errors[0].path == "$.resources[0].created"
    with pytest.raises(InvalidDataError) as info:
        care_plan_from_fhir([doc | {"created": "2016-02-01"}], REFS)
    assert "effective_on" in info.value.errors[0].message  # an active plan has its effective date: period.start
    plan = care_plan_from_fhir([doc | {"created": "2016-02-01", "period": {"start": "2016-02-01"}}], REFS)
    assert plan == TreatmentPlan(id="colonoscopy", patient_id="pat", version=1, status=PlanStatus.ACTIVE,
                                 written_on=date(2016, 2, 1), effective_on=date(2016, 2, 1))  # fmt: skip


def test_a_third_party_plan_reads_its_standard_elements_and_names_each_missing_iopcore_fact() -> None:
    """Condition → problem needs its source; Goal.target → objective its id and description; activity its intervention."""
    docs = _fixture("CarePlan-weight-management.json")
    with pytest.raises(InvalidDataError) as info:
        care_plan_from_fhir(docs, REFS)
    (error,) = info.value.errors
    assert (error.path, error.rule) == ("$.resources[1].extension", "incomplete")
    assert BASE + "problem-source" in error.message and "R4 has no element for it" in error.message
    docs[1]["extension"] = [{"url": BASE + "problem-source", "extension": [
        {"url": "kind", "valueCode": "asam_dimension"}, {"url": "ref", "valueString": "asam3.d2_biomedical"}]}]  # fmt: skip
    with pytest.raises(InvalidDataError) as info:
        care_plan_from_fhir(docs, REFS)
    assert info.value.errors[0].path == "$.resources[2].target[0].extension"
    assert BASE + "objective" in info.value.errors[0].message
    docs[2]["target"][0]["extension"] = [{"url": BASE + "objective", "extension": [
        {"url": "id", "valueString": "weight"}, {"url": "position", "valueInteger": 0},
        {"url": "description", "valueString": "Reach the target weight"}]}]  # fmt: skip
    docs[2]["target"][0]["measure"]["text"] = "body weight"
    with pytest.raises(InvalidDataError) as info:
        care_plan_from_fhir(docs, REFS)
    assert info.value.errors[0].path == "$.resources[0].activity[0].detail.extension"
    assert BASE + "intervention" in info.value.errors[0].message
    del docs[0]["activity"]
    plan = care_plan_from_fhir(docs, REFS)
    assert (plan.id, plan.version, plan.written_on, plan.effective_on) == (
        "weightplan",
        1,
        date(2016, 1, 28),
        date(2016, 2, 1),
    )
    assert [(p.id, p.description) for p in plan.problems] == [("obesity", "Obesity (disorder)")]  # coding display
    assert [(g.id, g.statement, g.problems) for g in plan.goals] == [
        ("targetweight", "Reach a weight of 195 lbs", ("obesity",))
    ]
    (objective,) = plan.objectives
    assert (objective.goal, objective.target, objective.unit, objective.due) == (
        "targetweight",
        195,
        "lbs",
        date(2016, 4, 5),
    )


def _exported_plan() -> list[dict[str, Any]]:
    refs = References(patients={"p-1": "Patient/p1"})
    return json.loads(json.dumps(care_plan_to_fhir(plan(), refs)))


@pytest.mark.parametrize(
    ("kind", "change", "where"),
    [
        ("Condition", lambda r: r.update(verificationStatus={"coding": [{"system": VER, "code": "refuted"}]}),
         ".verificationStatus.coding[0].code"),
        ("Condition", lambda r: r.update(verificationStatus={"coding": [{"system": VER, "code": "entered-in-error"}]}),
         ".verificationStatus.coding[0].code"),
        ("Condition", lambda r: r["clinicalStatus"]["coding"][0].update(code="resolved"), ".clinicalStatus.coding[0].code"),
        ("Goal", lambda r: r.update(lifecycleStatus="entered-in-error"), ".lifecycleStatus"),
        ("Goal", lambda r: r.update(lifecycleStatus="cancelled"), ".lifecycleStatus"),
        ("CarePlan", lambda r: r["activity"][0]["detail"].update(doNotPerform=True), ".activity[0].detail"),
        ("CarePlan", lambda r: r["activity"][0]["detail"].update(status="entered-in-error"), ".activity[0].detail"),
    ],
)  # fmt: skip
def test_a_modifier_status_iopcore_cannot_hold_is_refused(kind: str, change: Any, where: str) -> None:
    """R4 modifier elements change what a resource means: a refuted problem, a cancelled goal, an activity not to do."""
    docs = _exported_plan()
    i = next(k for k, r in enumerate(docs) if r["resourceType"] == kind)
    change(docs[i])
    with pytest.raises(InvalidDataError) as info:
        care_plan_from_fhir(docs, References(patients={"p-1": "Patient/p1"}))
    assert info.value.errors[0].path == f"$.resources[{i}]{where}"
    docs[i] = _exported_plan()[i]
    care_plan_from_fhir(docs, References(patients={"p-1": "Patient/p1"}))  # the export itself reads
