"""Patients, and the rule that identifiers never appear in reprs or error messages."""

from __future__ import annotations

import calendar
import pickle
from datetime import UTC, date, datetime, timedelta
from typing import Any

import attrs
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from iopcore._fields import PHI, REDACTED, is_phi
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.levels import Population
from iopcore.patients import Patient
from iopcore.serialization import from_dict, to_dict
from tests.public import public_attrs_classes

SECRET_NAME = "Zebulon-Quixotic"
SECRET_MRN = "MRN-99887766"


def test_identifier_fields_are_marked() -> None:
    """The key, record number, names and date of birth are marked PHI; population is not."""
    marked = {a.name for a in attrs.fields(Patient) if is_phi(a)}
    assert marked == {"id", "medical_record_number", "given_name", "family_name", "date_of_birth"}
    assert attrs.fields(Patient).population.metadata.get(PHI) is None


def test_repr_redacts_identifiers() -> None:
    """repr shows <redacted> instead of identifiers."""
    p = Patient(
        id=SECRET_MRN, population=Population.ADULT, medical_record_number=SECRET_MRN,
        given_name=SECRET_NAME, family_name=SECRET_NAME, date_of_birth=date(1987, 6, 5),
    )  # fmt: skip
    text = repr(p)
    assert SECRET_NAME not in text
    assert SECRET_MRN not in text
    assert "1987" not in text
    assert REDACTED in text


@given(st.from_type(Patient))
def test_generated_patient_reprs_never_show_identifiers(p: Patient) -> None:
    """For any patient, no identifier value appears in its repr."""
    text = repr(p)
    for a in attrs.fields(Patient):
        value = getattr(p, a.name)
        if is_phi(a) and value is not None:
            assert f"{a.name}={value!r}" not in text
            assert f"{a.name}={REDACTED}" in text


@pytest.mark.parametrize("cls", public_attrs_classes(), ids=lambda c: c.__qualname__)
def test_every_phi_field_of_every_public_class_is_redacted(cls: type) -> None:
    """Any public class with PHI fields redacts them (checked on generated instances)."""
    phi = [a for a in attrs.fields(cls) if is_phi(a)]
    if not phi:
        return

    @given(st.from_type(cls))
    def check(value: Any) -> None:
        text = repr(value)
        for a in phi:
            assert f"{a.name}={REDACTED}" in text

    check()


def test_error_messages_never_echo_identifiers() -> None:
    """Bad identifiers are reported by path and type only."""
    with pytest.raises(InvalidDataError) as info:
        Patient(id=SECRET_MRN, population="adult", given_name=SECRET_NAME)  # type: ignore[arg-type]
    assert SECRET_MRN not in str(info.value)
    assert SECRET_NAME not in str(info.value)
    data = {"id": SECRET_MRN, "population": SECRET_NAME, "given_name": 5, "date_of_birth": "1987-13-45",
            "medical_record_number": SECRET_MRN * 20}  # fmt: skip
    with pytest.raises(InvalidDataError) as info:
        from_dict(Patient, data)
    text = str(info.value) + repr(info.value) + repr(info.value.errors)
    for secret in (SECRET_MRN, SECRET_NAME, "1987-13-45"):
        assert secret not in text
    assert set(info.value.paths) == {"$.population", "$.given_name", "$.date_of_birth", "$.medical_record_number"}


def test_round_trip_keeps_identifiers() -> None:
    """Serialization keeps identifiers (redaction is for reprs and messages only)."""
    p = Patient(id="k1", population=Population.ADOLESCENT, given_name=SECRET_NAME, date_of_birth=date(2010, 2, 28))
    data = to_dict(p)
    assert data["given_name"] == SECRET_NAME
    assert from_dict(Patient, data) == p


def test_age_on() -> None:
    """Age in whole years (a 29 February birthday counts on 28 February); needs a date of birth."""
    p = Patient(id="k", population=Population.ADULT, date_of_birth=date(2008, 2, 29))
    assert p.age_on(date(2026, 2, 27)) == 17
    assert p.age_on(date(2026, 2, 28)) == 18
    with pytest.raises(InvalidDataError):
        p.age_on(date(2000, 1, 1))
    with pytest.raises(InvalidDataError):
        p.age_on("2026-01-01")  # type: ignore[arg-type]
    with pytest.raises(InvalidDataError):
        Patient(id="k", population=Population.ADULT).age_on(date(2026, 1, 1))


@given(st.dates(max_value=date(9998, 12, 31)), st.integers(0, 200 * 366))
def test_age_on_counts_whole_years_as_relativedelta_does(born: date, days: int) -> None:
    """age_on agrees with dateutil's relativedelta (which it no longer imports) for every pair of dates."""
    day = date.fromordinal(min(born.toordinal() + days, date.max.toordinal()))
    p = Patient(id="k", population=Population.ADULT, date_of_birth=born)
    assert p.age_on(day) == relativedelta(day, born).years


def test_age_on_around_leap_days_as_relativedelta() -> None:
    """Births from 20 Feb to 5 Mar of 1999–2001 and 2099–2101, on the days around 28 Feb of the next 130 years."""
    births = [date(y, 2, 20) + timedelta(n) for y in (1999, 2000, 2001, 2099, 2100, 2101) for n in range(14)]
    for born in births:
        p = Patient(id="k", population=Population.ADULT, date_of_birth=born)
        for year in range(born.year + 1, born.year + 130):
            for day in (date(year, 2, 27), date(year, 2, 28), date(year, 3, 1), date(year, 3, 2)):
                assert p.age_on(day) == relativedelta(day, born).years, (born, day)
            if calendar.isleap(year):
                assert p.age_on(date(year, 2, 29)) == relativedelta(date(year, 2, 29), born).years


def test_age_on_refuses_datetimes_by_name_without_echoing_the_birth_date() -> None:
    """Patient.age_on(datetime) is refused on $.day; an earlier day is refused without showing either date."""
    p = Patient(id=SECRET_MRN, population=Population.ADULT, date_of_birth=date(1987, 6, 5))
    with pytest.raises(InvalidArgumentError) as info:
        p.age_on(datetime(2026, 1, 1, tzinfo=UTC))
    assert info.value.paths == ("$.day",) and info.value.callable == "Patient.age_on"
    with pytest.raises(InvalidArgumentError) as info:
        p.age_on(date(1980, 1, 1))
    assert info.value.paths == ("$.day",)
    text = str(info.value) + repr(info.value)
    for secret in ("1987", "1980", SECRET_MRN):
        assert secret not in text
    pd = pytest.importorskip("pandas")
    with pytest.raises(InvalidArgumentError):
        p.age_on(pd.Timestamp("2026-01-01"))


@given(st.from_type(Patient))
def test_patients_pickle_to_equal_values_and_hash(p: Patient) -> None:
    """A patient survives a pickle round trip equal, with the same hash."""
    copy = pickle.loads(pickle.dumps(p))
    assert copy == p and hash(copy) == hash(p)
