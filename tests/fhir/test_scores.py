"""Score Observations: US Core Observation Screening Assessment, LOINC only where verified, read back exactly."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore.assessment import INSTRUMENTS, DatedScore
from iopcore.errors import InvalidDataError
from iopcore.fhir import (
    SCREENING_ASSESSMENT_PROFILE,
    VERIFIED_LOINC,
    References,
    score_from_fhir,
    score_to_fhir,
    scores_to_fhir,
)
from iopcore.part2 import RecordClass
from iopcore.strategies import dated_scores
from tests.fhir.conformance import json_round_trip, validate_r4
from tests.fhir.test_readonly import assert_independent

US_CORE = Path(__file__).parent / "fixtures" / "us-core"
PIDS = ("p1", "p2", "p3")
REFS = References(patients={p: f"Patient/{i}" for i, p in enumerate(PIDS)}, practitioners={"dr": "Practitioner/7"})
ALL = tuple(sorted(INSTRUMENTS))


def _exportable(s: DatedScore) -> bool:
    """A total iopcore could have scored: whole, unless the instrument prorates."""
    return INSTRUMENTS[s.instrument].proration is not None or float(s.total).is_integer()


QR_REFERENCES = st.one_of(
    st.none(),
    st.sampled_from(
        (
            "QuestionnaireResponse/phq-9-example",
            "https://ehr.example/fhir/QuestionnaireResponse/17",
            "urn:uuid:0b6d3c1e-4a8f-5c2d-9e7f-1a2b3c4d5e6f",
        )
    ),
)
UCUM = "http://unitsofmeasure.org"
SURVEY = ("http://terminology.hl7.org/CodeSystem/observation-category", "survey")


def check_us_core_screening_assessment(obs: dict[str, Any], refs: References) -> None:
    """US Core Observation Screening Assessment (StructureDefinition us-core-observation-screening-assessment).

    Mandatory: ``category`` with exactly one ``survey`` (slice survey 1..1), ``subject`` (1..1, a
    Patient). Must-support and written: ``status``, ``code``, ``effective[x]`` (dateTime at least to
    the day, us-core-1), ``value[x]`` (us-core-2: a value or a dataAbsentReason without members;
    us-core-3: a coded quantity in UCUM), ``performer`` and ``derivedFrom`` (a QuestionnaireResponse)
    when known. ``hasMember`` (no item Observations are written) and the screening-assessment
    category slice (its value set holds SDOH, functional, disability and cognitive status, none of
    them a depression or substance-use screen) are must-support elements iopcore has no data for.
    """
    assert obs["meta"]["profile"] == [SCREENING_ASSESSMENT_PROFILE]
    assert obs["status"] in ("registered", "preliminary", "final", "amended")
    surveys = [c for cat in obs["category"] for c in cat["coding"] if (c["system"], c["code"]) == SURVEY]
    assert len(surveys) == 1
    assert obs["code"]["coding"] and obs["code"]["text"]
    assert obs["subject"]["reference"] in set(refs.patients.values())
    assert len(obs["effectiveDateTime"]) >= 10
    values = [k for k in obs if k.startswith("value")]
    assert len(values) == 1 or ("dataAbsentReason" in obs and not values)
    if "valueQuantity" in obs:
        assert obs["valueQuantity"]["system"] == UCUM
    for performer in obs.get("performer", ()):
        assert performer["reference"] in set(refs.practitioners.values())
    for source in obs.get("derivedFrom", ()):
        assert re.fullmatch(
            r"(?:https://[^ ]+/)?QuestionnaireResponse/[^/]+|urn:uuid:[0-9a-f-]{36}", source["reference"]
        )


@given(
    st.lists(
        st.tuples(
            dated_scores(instrument_ids=ALL, patient_ids=st.sampled_from(PIDS)).filter(_exportable), QR_REFERENCES
        ),
        max_size=4,
    ),
    st.booleans(),
)
def test_export_then_import_is_the_identity(drawn: list[tuple[DatedScore, str | None]], performed: bool) -> None:
    """Every dated score the strategies make (every instrument), with or without the QuestionnaireResponse it came
    from, exports as valid R4 following US Core Observation Screening Assessment and reads back equal."""
    scores = [s for s, _ in drawn]
    sources = [r for _, r in drawn]
    out = scores_to_fhir(scores, references=REFS, performer_id="dr" if performed else None, derived_from=sources)
    assert len(out) == len(scores)
    for obs, s, source in zip(out, scores, sources, strict=True):
        validate_r4(obs)
        check_us_core_screening_assessment(obs, REFS)
        assert obs.get("derivedFrom") == (None if source is None else [{"reference": source}])
        assert ("performer" in obs) is performed
        assert score_from_fhir(json_round_trip(obs), references=REFS) == s


def test_derived_from_is_checked() -> None:
    """One reference (or None) per score, each a QuestionnaireResponse reference; errors name the place only."""
    score = DatedScore(patient_id="p1", instrument="phq9", on=date(2026, 1, 1), total=5)
    with pytest.raises(InvalidDataError) as info:
        scores_to_fhir([score, score], references=REFS, derived_from=["QuestionnaireResponse/1"])
    assert info.value.errors[0].path == "$.derived_from"
    with pytest.raises(InvalidDataError) as info:
        scores_to_fhir([score, score], references=REFS, derived_from=[None, "Observation/secret-7"])
    assert info.value.errors[0].path == "$.derived_from[1]"
    assert "secret-7" not in str(info.value)
    one = score_to_fhir(score, references=REFS, derived_from="QuestionnaireResponse/qr-1")
    assert one["derivedFrom"] == [{"reference": "QuestionnaireResponse/qr-1"}]
    assert "derivedFrom" not in score_to_fhir(score, references=REFS)


@pytest.mark.parametrize("iid", ALL)
def test_the_observation_follows_us_core_screening_assessment(iid: str) -> None:
    """Required and must-support: status, category survey, code (LOINC only if verified), subject, effective, value."""
    inst = INSTRUMENTS[iid]
    obs = score_to_fhir(
        DatedScore(patient_id="p2", instrument=iid, on=date(2026, 3, 2), total=inst.max_total), references=REFS
    )
    assert obs["meta"]["profile"] == [SCREENING_ASSESSMENT_PROFILE]
    assert obs["status"] == "final"
    assert {
        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
        "code": "survey",
        "display": "Survey",
    } in obs["category"][0]["coding"]
    coding = obs["code"]["coding"][0]
    if iid in VERIFIED_LOINC:
        assert (coding["system"], coding["code"]) == ("http://loinc.org", inst.loinc_total)
    else:
        assert coding["system"] != "http://loinc.org"
    assert obs["subject"] == {"reference": "Patient/1"}
    assert (obs["effectiveDateTime"], obs["valueInteger"]) == ("2026-03-02", inst.max_total)
    assert {c["code"] for c in obs["meta"]["security"]} == {"R", "42CFRPart2"}


def test_the_issues_codes_are_the_verified_totals() -> None:
    """PHQ-9 44261-6, GAD-7 70274-6, AUDIT-C 75626-2."""
    codes = {
        iid: score_to_fhir(DatedScore(patient_id="p1", instrument=iid, on=date(2026, 1, 1), total=0), references=REFS)[
            "code"
        ]["coding"][0]["code"]
        for iid in ("phq9", "gad7", "audit_c")
    }
    assert codes == {"phq9": "44261-6", "gad7": "70274-6", "audit_c": "75626-2"}


def test_a_record_outside_part2_has_no_labels() -> None:
    """record_class=NOT_PART2 writes no security labels."""
    obs = score_to_fhir(
        DatedScore(patient_id="p1", instrument="phq9", on=date(2026, 1, 1), total=3),
        references=REFS,
        record_class=RecordClass.NOT_PART2,
    )
    assert "security" not in obs["meta"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Observation-PHQ9-item-example-44261-6.json", ("phq9", date(2022, 11, 29), 12)),
        ("Observation-AUDIT-C-item-example-75626-2.json", ("audit_c", date(2023, 8, 14), 0)),
    ],
)
def test_us_core_examples_are_read(name: str, expected: tuple[str, date, int]) -> None:
    """US Core's PHQ-9 (valueString '12') and AUDIT-C (valueQuantity 0.0) totals read as dated scores."""
    obs = json.loads((US_CORE / name).read_text(encoding="utf-8"))
    got = score_from_fhir(obs, references=References(patients={"example": "Patient/example"}))
    assert (got.patient_id, got.instrument, got.on, got.total, got.band) == ("example", *expected, None)


def test_bad_input_is_refused_with_paths() -> None:
    """An unknown patient on export or import, a band of another instrument, a half point of a GAD-7."""
    score = DatedScore(patient_id="p1", instrument="phq9", on=date(2026, 1, 1), total=5, band="mild")
    with pytest.raises(InvalidDataError) as info:
        scores_to_fhir(
            [score, DatedScore(patient_id="zz", instrument="gad7", on=date(2026, 1, 1), total=1)], references=REFS
        )
    assert info.value.errors[0].path == "$.scores[1].patient_id"
    with pytest.raises(InvalidDataError) as info:
        score_to_fhir(DatedScore(patient_id="p1", instrument="gad7", on=date(2026, 1, 1), total=2.5), references=REFS)
    assert info.value.errors[0].path == "$.scores[0].total"
    obs: dict[str, Any] = copy.deepcopy(score_to_fhir(score, references=REFS))  # shared parts are read-only
    with pytest.raises(InvalidDataError) as info:
        score_from_fhir(obs, references=References(patients={"p1": "Patient/other"}))
    assert info.value.errors[0].path == "$.observation.subject.reference"
    obs["interpretation"][0]["coding"][0]["code"] = "possible_dependence"
    with pytest.raises(InvalidDataError) as info:
        score_from_fhir(obs, references=REFS)
    assert info.value.errors[0].path == "$.observation.interpretation"


@given(st.lists(dated_scores(instrument_ids=ALL, patient_ids=st.sampled_from(PIDS)).filter(_exportable), max_size=5))
def test_changing_one_exported_resource_changes_no_other(scores: list[DatedScore]) -> None:
    """Every part of a score Observation is its own or read-only: changing one in place leaves the others."""
    assert_independent(lambda: scores_to_fhir(scores, references=REFS, performer_id="dr"))
