"""Dated scores from FHIR R4 Observations of a total score (issue 16, item 1: series from FHIR-like records)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from iopcore.assessment import assess_change, dated_score_from_observation, score_series
from iopcore.errors import InvalidArgumentError


def _obs(**changes: Any) -> dict[str, Any]:
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6", "display": "PHQ-9 total score"}]},
        "subject": {"reference": "Patient/17"},
        "effectiveDateTime": "2026-01-05T23:30:00-05:00",
        "valueInteger": 16,
    }
    obs.update(changes)
    return {k: v for k, v in obs.items() if v is not None}


def test_an_observation_of_a_phq9_total_is_a_dated_score() -> None:
    """Instrument from the LOINC total code, patient from the subject, the local date as written, the band."""
    got = dated_score_from_observation(_obs())
    assert (got.patient_id, got.instrument, got.on, got.total, got.band) == (
        "Patient/17",
        "phq9",
        date(2026, 1, 5),  # 23:30 at -05:00 stays 5 January: never converted to UTC
        16,
        "moderately_severe",
    )


def test_gad7_by_its_loinc_total_and_a_quantity_value() -> None:
    """GAD-7 (70274-6) with valueQuantity; a date without a time."""
    got = dated_score_from_observation(
        _obs(
            code={"coding": [{"system": "http://loinc.org", "code": "70274-6"}]},
            valueInteger=None,
            valueQuantity={"value": 9},
            effectiveDateTime="2026-02-02",
        )
    )
    assert (got.instrument, got.total, got.band, got.on) == ("gad7", 9, "mild", date(2026, 2, 2))


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"resourceType": "QuestionnaireResponse"}, "$.observation.resourceType"),
        ({"status": "preliminary"}, "$.observation.status"),
        ({"status": "entered-in-error"}, "$.observation.status"),
        ({"code": {"coding": [{"system": "http://loinc.org", "code": "1234-5"}]}}, "$.observation.code.coding"),
        ({"subject": {"display": "someone"}}, "$.observation.subject.reference"),
        ({"effectiveDateTime": "2026-01"}, "$.observation.effectiveDateTime"),
        ({"effectiveDateTime": "2026-02-30"}, "$.observation.effectiveDateTime"),
        ({"valueInteger": 28}, "$.observation.value[x]"),
        ({"valueInteger": "16"}, "$.observation.valueInteger"),
        ({"valueInteger": None}, "$.observation.value[x]"),
    ],
)
def test_observations_that_are_not_a_score_are_refused_by_path(changes: dict[str, Any], path: str) -> None:
    """Wrong resources, statuses, codes, subjects, dates and values are refused naming the element."""
    with pytest.raises(InvalidArgumentError) as e:
        dated_score_from_observation(_obs(**changes))
    assert e.value.errors[0].path == path
    assert "Patient/17" not in str(e.value)


def test_a_gad7_total_is_never_fractional() -> None:
    """Only an instrument with a proration rule has a fractional total (PHQ-9 11.25 yes, GAD-7 9.5 no)."""
    assert dated_score_from_observation(_obs(valueInteger=None, valueQuantity={"value": 11.25})).total == 11.25
    with pytest.raises(InvalidArgumentError):
        dated_score_from_observation(
            _obs(
                code={"coding": [{"system": "http://loinc.org", "code": "70274-6"}]},
                valueInteger=None,
                valueQuantity={"value": 9.5},
            )
        )


def test_observations_make_a_series_and_a_change() -> None:
    """Observations over six weeks become one series and a change assessment."""
    obs = [
        _obs(effectiveDateTime=f"2026-0{m}-{d:02d}", valueInteger=t) for m, d, t in [(2, 16, 7), (1, 5, 16), (2, 2, 9)]
    ]
    [series] = score_series(dated_score_from_observation(o) for o in obs)
    assert [s.total for s in series.scores] == [16, 9, 7]
    assert assess_change(series).response is True


def test_a_total_written_as_text_or_as_a_whole_decimal_is_read() -> None:
    """US Core's PHQ-9 example writes valueString '12'; its AUDIT-C example valueQuantity 0.0 (a whole total)."""
    assert dated_score_from_observation(_obs(valueInteger=None, valueString="12")).total == 12
    got = dated_score_from_observation(
        _obs(
            code={"coding": [{"system": "http://loinc.org", "code": "75626-2"}]},
            valueInteger=None,
            valueQuantity={"value": 0.0},
        )
    )
    assert (got.instrument, got.total, type(got.total)) == ("audit_c", 0, int)


@pytest.mark.parametrize("text", ["twelve", "", "1e3", "12 points"])
def test_a_value_string_that_is_no_numeral_is_refused(text: str) -> None:
    """valueString must be a decimal numeral; the error names the element."""
    with pytest.raises(InvalidArgumentError) as info:
        dated_score_from_observation(_obs(valueInteger=None, valueString=text))
    assert info.value.errors[0].path == "$.observation.valueString"


def test_other_codes_name_an_instrument_besides_loinc() -> None:
    """``codes`` maps a local (system, code) to a built-in instrument; an unknown instrument id is refused."""
    local = {"code": {"coding": [{"system": "urn:example:totals", "code": "cows"}]}, "valueInteger": 14}
    got = dated_score_from_observation(_obs(**local), codes={("urn:example:totals", "cows"): "cows"})
    assert (got.instrument, got.total, got.band) == ("cows", 14, "moderate")
    with pytest.raises(InvalidArgumentError) as info:
        dated_score_from_observation(_obs(), codes={("urn:example:totals", "x"): "no_such_instrument"})
    assert info.value.errors[0].path == "$.codes"
