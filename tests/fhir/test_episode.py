"""Episode ↔ EpisodeOfCare: valid R4 for every generated episode, the identity both ways, refusals by path."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iopcore.episodes import (
    Authorization,
    AuthorizationUnit,
    DischargeReason,
    EntryRoute,
    Episode,
    IopPhase,
    admit,
    authorize,
    change_level,
    discharge,
    enter_phase,
)
from iopcore.errors import InvalidDataError
from iopcore.fhir import References, episode_from_fhir, episode_to_fhir
from iopcore.levels import ASAM3
from iopcore.part2 import RecordClass
from iopcore.strategies import episodes, references
from iopcore.times import DateRange
from tests.fhir.conformance import json_round_trip, validate_r4

EXAMPLES = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def episodes_with_references(draw: st.DrawFn) -> tuple[Episode, References]:
    episode = draw(episodes())
    return episode, draw(references(patients=[episode.patient_id], organizations=["program"]))


def sample_episode() -> Episode:
    ep = admit(id="ep1", patient_id="mrn-0042", on=date(2026, 3, 2), level="2.1", catalog=ASAM3,
               entry_route=EntryRoute.STEP_DOWN_FROM_RESIDENTIAL, referral_source="residential program",
               from_level="3.5")  # fmt: skip
    ep = enter_phase(ep, IopPhase.ENGAGEMENT, on=date(2026, 3, 2), days_per_week=5, hours_per_week=15)
    ep = authorize(ep, Authorization(id="auth1", payer="Acme Health", level_code="2.1", amount=20, dates=DateRange(
        first=date(2026, 3, 2), last=date(2026, 4, 12)), next_review_on=date(2026, 3, 30)))  # fmt: skip
    ep = change_level(ep, ASAM3, to="1", on=date(2026, 4, 13), reason="met IOP goals")
    return discharge(ep, on=date(2026, 5, 29), reason=DischargeReason.COMPLETED, continuing_care="weekly aftercare")


REFS = References(patients={"mrn-0042": "Patient/p42"}, organizations={"prog": "Organization/o1"},
                  managing_organization="prog")  # fmt: skip


def test_an_episode_exports_as_the_standard_elements_and_iopcore_extensions() -> None:
    """Status, patient, period, organization and the identifier are R4's; levels and phases iopcore's extensions."""
    resource = episode_to_fhir(sample_episode(), REFS)
    validate_r4(resource)
    assert resource["status"] == "finished"
    assert resource["patient"] == {"reference": "Patient/p42"}
    assert resource["managingOrganization"] == {"reference": "Organization/o1"}
    assert resource["period"] == {"start": "2026-03-02", "end": "2026-05-29"}
    assert resource["identifier"] == [
        {"system": "https://iopcore.readthedocs.io/fhir/identifier/episode", "value": "ep1"}
    ]
    assert [s["code"] for s in resource["meta"]["security"]] == ["R", "42CFRPart2"]
    urls = [e["url"].rsplit("/", 1)[1] for e in resource["extension"]]
    assert urls == ["episode-admission", "episode-level", "episode-level", "episode-phase",
                    "episode-authorization", "episode-discharge"]  # fmt: skip
    level = resource["extension"][1]["extension"]
    assert {"url": "level", "valueString": "2.1"} in level
    assert {"url": "period", "valuePeriod": {"start": "2026-03-02", "end": "2026-04-12"}} in level
    assert "mrn-0042" not in str(resource)


def test_an_open_episode_is_active_without_an_end() -> None:
    """Before discharge: status active, no period end, no discharge extension; no labels for a non-Part 2 record."""
    ep = admit(id="ep2", patient_id="mrn-0042", on=date(2026, 3, 2), level="2.1", catalog=ASAM3,
               entry_route=EntryRoute.PRIMARY, referral_source="self")  # fmt: skip
    resource = episode_to_fhir(ep, References(patients={"mrn-0042": "Patient/p42"}), record_class=RecordClass.NOT_PART2)
    validate_r4(resource)
    assert resource["status"] == "active" and resource["period"] == {"start": "2026-03-02"}
    assert "meta" not in resource and "managingOrganization" not in resource
    assert episode_from_fhir(resource, References(patients={"mrn-0042": "Patient/p42"})) == ep


def test_the_same_episode_gets_the_same_id() -> None:
    """Ids derive from the patient's reference and the episode id: deterministic, and differ between patients."""
    a = episode_to_fhir(sample_episode(), REFS)
    assert a["id"] == episode_to_fhir(sample_episode(), REFS)["id"]
    other = References(patients={"mrn-0042": "Patient/p43"})
    assert a["id"] != episode_to_fhir(sample_episode(), other)["id"]


@given(episodes_with_references())
@EXAMPLES
def test_every_generated_episode_exports_as_valid_r4_and_imports_back_as_itself(
    pair: tuple[Episode, References],
) -> None:
    """fhir.resources' R4 EpisodeOfCare accepts every export; import of it (from JSON) is the episode again."""
    episode, refs = pair
    resource = episode_to_fhir(episode, refs)
    validate_r4(resource)
    assert episode_from_fhir(json_round_trip(resource), refs) == episode


def test_an_unknown_patient_is_refused_without_naming_it() -> None:
    """Export needs the patient in the map; the error names the field, not the key."""
    with pytest.raises(InvalidDataError) as info:
        episode_to_fhir(sample_episode(), References())
    assert info.value.paths == ("$.episode.patient_id",)
    assert "mrn-0042" not in str(info.value)


def _broken(change: Any) -> dict[str, Any]:
    resource = copy.deepcopy(episode_to_fhir(sample_episode(), REFS))
    change(resource)
    return resource


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda r: r.update(resourceType="Encounter"), "$.resource.resourceType"),
        (lambda r: r.update(status="done"), "$.resource.status"),
        (lambda r: r.update(status="planned"), "$.resource.status"),
        (lambda r: r.update(state="active"), "$.resource.state"),
        (lambda r: r.update(modifierExtension=[{"url": "x", "valueBoolean": True}]), "$.resource.modifierExtension"),
        (lambda r: r.pop("identifier"), "$.resource.identifier"),
        (lambda r: r.update(identifier=[]), "$.resource.identifier"),
        (lambda r: r.update(patient={"reference": "Patient/other"}), "$.resource.patient.reference"),
        (lambda r: r.pop("patient"), "$.resource.patient"),
        (lambda r: r["period"].update(start="2026-03"), "$.resource.period.start"),
        (lambda r: r["period"].update(end="2026-01-01"), "$.resource.period.end"),
        (lambda r: r.pop("period"), "$.resource.period.start"),
        (
            lambda r: r["extension"][1]["extension"].append({"url": "colour", "valueString": "x"}),
            "$.resource.extension[1].extension[3].url",
        ),
        (
            lambda r: r["extension"][1]["extension"][0].update(valueString=""),
            "$.resource.extension[1].extension[0].valueString",
        ),
        (lambda r: r["extension"][1]["extension"].pop(0), "$.resource.extension[1].extension"),
        (
            lambda r: r["extension"][3]["extension"][0].update(valueCode="relapse"),
            "$.resource.extension[3].extension[0].valueCode",
        ),
        (
            lambda r: r["extension"][3]["extension"][2].update(valuePositiveInt=0),
            "$.resource.extension[3].extension[2].valuePositiveInt",
        ),
        (
            lambda r: r["extension"][4]["extension"][3].update(valuePositiveInt=True),
            "$.resource.extension[4].extension[3].valuePositiveInt",
        ),
        (lambda r: r["extension"].pop(1), "$.resource"),
        (lambda r: r["extension"].pop(5), "$.resource.extension"),  # finished, no discharge reason
        (lambda r: r.update(extension=[e for e in r["extension"] if "level" not in e["url"]]), "$.resource.extension"),
        (lambda r: r["extension"].append(r["extension"][0]), "$.resource.extension[6]"),
        (lambda r: r["extension"][4]["extension"][5]["valuePeriod"].pop("end"), "$.resource.extension[4]"),
    ],
)
def test_non_conformant_or_incomplete_input_is_refused_at_its_path(change: Any, path: str) -> None:
    """Each defect is an InvalidDataError at the element that holds it."""
    with pytest.raises(InvalidDataError) as info:
        episode_from_fhir(_broken(change), REFS)
    assert info.value.paths[0] == path, info.value


def test_other_extensions_are_ignored() -> None:
    """An extension iopcore does not define is not a reason to refuse (R4 lets readers ignore extensions)."""
    resource = _broken(lambda r: r["extension"].append({"url": "https://other.example/ext", "valueString": "x"}))
    assert episode_from_fhir(resource, REFS) == sample_episode()


def test_an_amount_fhir_cannot_hold_is_refused_on_export() -> None:
    """positiveInt stops at 2,147,483,647: a larger authorized amount is an error at its path, not a bad resource."""
    ep = sample_episode()
    big = attrs.evolve(ep.authorizations[0], amount=2**31, unit=AuthorizationUnit.UNITS)
    with pytest.raises(InvalidDataError) as info:
        episode_to_fhir(attrs.evolve(ep, authorizations=(big,)), REFS)
    assert info.value.paths == ("$.episode.authorizations[0].amount",)
