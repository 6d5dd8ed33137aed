"""Bundles: a patient's resources in one transaction or collection, references resolved, and read back."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iopcore.episodes import Episode
from iopcore.errors import InvalidDataError
from iopcore.fhir import (
    PatientRecords,
    References,
    bundle,
    bundle_resources,
    care_plan_from_fhir,
    patient_bundle,
    read_patient_bundle,
)
from iopcore.part2 import Consent
from iopcore.plans import TreatmentPlan
from iopcore.strategies import consents, episodes, references, treatment_plans
from tests.fhir.conformance import json_round_trip, validate_r4
from tests.fhir.test_consent import REFS as CONSENT_REFS
from tests.fhir.test_consent import sample as sample_consent
from tests.fhir.test_consent import without_names as consent_without_names
from tests.fhir.test_episode import sample_episode
from tests.fhir.test_plan import without_names
from tests.plans.builders import active, plan, signed

EXAMPLES = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))

REFS = CONSENT_REFS


def the_plan() -> TreatmentPlan:
    return attrs.evolve(signed(active(plan())), patient_id="mrn-0042")


def test_a_transaction_bundle_links_its_entries_by_urn_uuid_and_creates_conditionally() -> None:
    """Entries get urn:uuid full URLs; references among them point there; each POST is conditional on its identifier."""
    made = patient_bundle(REFS, episode=sample_episode(), plan=the_plan(), consents=[sample_consent()])
    validate_r4(made)
    entries = made["entry"]
    assert [e["resource"]["resourceType"] for e in entries] == [
        "EpisodeOfCare",
        "Condition",
        "Goal",
        "CarePlan",
        "Consent",
    ]
    urls = {e["resource"]["resourceType"]: e["fullUrl"] for e in entries}
    assert all(u.startswith("urn:uuid:") and uuid.UUID(u[9:]) for u in urls.values())
    care_plan = entries[3]["resource"]
    assert care_plan["addresses"] == [{"reference": urls["Condition"]}]
    assert care_plan["goal"] == [{"reference": urls["Goal"]}]
    assert entries[2]["resource"]["addresses"] == [{"reference": urls["Condition"]}]
    assert care_plan["subject"] == {"reference": "Patient/p42"}  # outside the bundle: as the map says
    request = entries[3]["request"]
    assert request["method"] == "POST" and request["url"] == "CarePlan"
    assert request["ifNoneExist"] == (
        "identifier=https://iopcore.readthedocs.io/fhir/identifier/treatment-plan-version|plan/1"
    )
    assert entries[4]["request"]["ifNoneExist"].endswith("|consent%207/2026")
    assert [s["code"] for s in made["meta"]["security"]] == ["R", "42CFRPart2"]


def test_bundles_are_deterministic_and_collections_carry_no_requests() -> None:
    """The same values give the same bundle, ids included; a collection has no requests; timestamps are the caller's."""
    one = patient_bundle(REFS, episode=sample_episode(), plan=the_plan(), kind="collection")
    assert one == patient_bundle(REFS, episode=sample_episode(), plan=the_plan(), kind="collection")
    assert all("request" not in e for e in one["entry"]) and "timestamp" not in one
    validate_r4(one)
    stamped = bundle([], kind="collection", timestamp=datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    assert stamped["timestamp"] == "2026-03-02T09:30:00+00:00" and "entry" not in stamped
    validate_r4(stamped)


def test_other_resources_slot_in_and_get_content_derived_ids() -> None:
    """Resources from elsewhere are bundled as given; one without a UUID id gets a full URL from its content."""
    observation = {"resourceType": "Observation", "id": "obs-1", "status": "final", "code": {"text": "PHQ-9 total"},
                   "subject": {"reference": "Patient/p42"}, "focus": [{"reference": "EpisodeOfCare/x"}]}  # fmt: skip
    other = {"resourceType": "Observation", "status": "final", "code": {"text": "x"},
             "hasMember": [{"reference": "https://ehr.example/fhir/Observation/obs-1"}]}  # fmt: skip
    made = bundle([observation, other])
    assert made["entry"][0]["fullUrl"] == bundle([observation, other])["entry"][0]["fullUrl"]
    assert made["entry"][1]["resource"]["hasMember"] == [{"reference": made["entry"][0]["fullUrl"]}]
    assert observation["id"] == "obs-1" and "fullUrl" not in observation  # not changed
    validate_r4(made)
    with pytest.raises(InvalidDataError) as info:
        bundle([observation, observation])
    assert info.value.paths == ("$.resources[1]",)
    with pytest.raises(InvalidDataError) as info:
        bundle([{"id": "x"}])
    assert info.value.paths == ("$.resources[0].resourceType",)


def test_a_patient_bundle_reads_back_as_its_values() -> None:
    """read_patient_bundle gives the episode, plan and consents again (names aside); other entries are listed."""
    extra = {"resourceType": "Observation", "status": "final", "code": {"text": "x"}}
    made = json_round_trip(
        patient_bundle(REFS, episode=sample_episode(), plan=the_plan(), consents=[sample_consent()], resources=[extra])
    )
    records = read_patient_bundle(made, REFS)
    assert records == PatientRecords(
        episodes=(sample_episode(),),
        plans=(without_names(the_plan()),),
        consents=(consent_without_names(sample_consent()),),
        unread=("$.bundle.entry[5].resource",),
    )
    assert care_plan_from_fhir(bundle_resources(made), REFS) == without_names(the_plan())


def test_errors_name_the_entry() -> None:
    """A defect inside an entry is reported at $.bundle.entry[i].resource…"""
    made = copy.deepcopy(patient_bundle(REFS, episode=sample_episode(), plan=the_plan()))
    made["entry"][0]["resource"]["status"] = "done"
    with pytest.raises(InvalidDataError) as info:
        read_patient_bundle(made, REFS)
    assert info.value.paths == ("$.bundle.entry[0].resource.status",)
    made = copy.deepcopy(patient_bundle(REFS, episode=sample_episode(), plan=the_plan()))
    made["entry"][2]["resource"]["target"][0].pop("dueDate")
    with pytest.raises(InvalidDataError) as info:
        read_patient_bundle(made, REFS)
    assert info.value.paths == ("$.bundle.entry[2].resource.target[0].dueDate",)
    made["entry"][1]["fullUrl"] = made["entry"][0]["fullUrl"]
    with pytest.raises(InvalidDataError) as info:
        bundle_resources(made)
    assert info.value.paths == ("$.bundle.entry[1].fullUrl",)
    with pytest.raises(InvalidDataError) as info:
        bundle_resources({"resourceType": "Bundle", "type": "batch-response"})
    assert info.value.paths == ("$.bundle.type",)


@st.composite
def patients(draw: st.DrawFn) -> tuple[Episode, TreatmentPlan, list[Consent], References]:
    episode = draw(episodes())
    value = attrs.evolve(draw(treatment_plans(max_items=2)), patient_id=episode.patient_id)
    consent_list = [
        attrs.evolve(c, patient_id=episode.patient_id, id=f"{c.id}-{i}")
        for i, c in enumerate(draw(st.lists(consents(), max_size=2)))
    ]
    parties = sorted({p for c in consent_list for p in c.disclosers | c.recipients | c.intermediaries})
    refs = draw(references(patients=[episode.patient_id], organizations=parties))
    return episode, value, consent_list, refs


@given(patients(), st.sampled_from(["transaction", "collection"]))
@EXAMPLES
def test_every_generated_patient_bundles_as_valid_r4_and_reads_back(
    values: tuple[Episode, TreatmentPlan, list[Consent], References], kind: Any
) -> None:
    """A bundle of any generated episode, plan and consents validates as R4 and reads back as the same values."""
    episode, value, consent_list, refs = values
    made = patient_bundle(refs, episode=episode, plan=value, consents=consent_list, kind=kind)
    validate_r4(made)
    records = read_patient_bundle(json_round_trip(made), refs)
    assert records.episodes == (episode,)
    assert records.plans == (without_names(value),)
    assert records.consents == tuple(consent_without_names(c) for c in consent_list)
    assert records.unread == ()


def test_one_type_and_id_once_and_export_errors_name_the_argument() -> None:
    """Two different resources with one type and id are refused; a consent's error names its place in consents."""
    first = {"resourceType": "Observation", "id": "a", "status": "final", "code": {"text": "x"}}
    with pytest.raises(InvalidDataError) as info:
        bundle([first, {**first, "status": "amended"}])
    assert info.value.paths == ("$.resources[1].id",)
    stranger = attrs.evolve(sample_consent(), recipients=frozenset({"cousin"}))
    with pytest.raises(InvalidDataError) as info:
        patient_bundle(REFS, consents=[sample_consent(), stranger])
    assert info.value.paths == ("$.consents[1].recipients",)
    with pytest.raises(InvalidDataError) as info:
        patient_bundle(REFS, resources=[{"id": "x"}])
    assert info.value.paths == ("$.resources[0].resourceType",)
