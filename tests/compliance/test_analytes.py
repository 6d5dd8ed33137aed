"""Analytes: built-in codes, a lab's own analytes added to a catalog, codes checked by shape and catalog."""

from __future__ import annotations

import pickle

import pytest

from iopcore.compliance import ANALYTES, Analyte, AnalyteCatalog, AnalyteInfo, MedicationAdministration, Prescription
from iopcore.errors import InvalidArgumentError, InvalidDataError, UnknownCodeError
from iopcore.sources import Evidence, Source
from iopcore.times import DateRange
from tests.builders import MONDAY, at

LAB = Source(citation="Our lab's menu", evidence=Evidence.ILLUSTRATIVE)


def test_the_built_in_catalog_holds_every_analyte_member() -> None:
    """Every Analyte member is a code of ANALYTES, with a display name."""
    assert ANALYTES.codes == {a.value for a in Analyte}
    assert ANALYTES.info(Analyte.ETHYL_GLUCURONIDE).name == "Ethyl glucuronide (EtG)"
    assert ANALYTES.info("eddp").code == "eddp"


def test_a_labs_own_analytes_are_added_to_a_new_catalog() -> None:
    """Xylazine, a nitazene, gabapentin and tramadol join a catalog under a new id; the built-in one is unchanged."""
    own = [AnalyteInfo(code=c, name=c.title(), source=LAB) for c in ("xylazine", "nitazenes", "gabapentin", "tramadol")]
    catalog = ANALYTES.with_analytes(*own, id="our_lab")
    assert catalog.codes == ANALYTES.codes | {"xylazine", "nitazenes", "gabapentin", "tramadol"}
    assert catalog.info("xylazine").source == LAB
    assert "xylazine" not in ANALYTES.codes
    assert pickle.loads(pickle.dumps(catalog)) == catalog and hash(catalog) == hash(pickle.loads(pickle.dumps(catalog)))


def test_catalog_refuses_repeated_codes_and_unknown_lookups() -> None:
    """A code already in the catalog, a repeated new code or a bad id is refused with its path; an unknown lookup
    lists the known codes."""
    with pytest.raises(InvalidArgumentError) as info:
        ANALYTES.with_analytes(
            AnalyteInfo(code="fentanyl", name="F"),
            AnalyteInfo(code="xylazine", name="X"),
            AnalyteInfo(code="xylazine", name="X"),
            id="Bad Id",
        )
    assert info.value.paths == ("$.id", "$.analytes[0].code", "$.analytes[2].code")
    with pytest.raises(UnknownCodeError) as unknown:
        ANALYTES.info("xylazine")
    assert "fentanyl" in unknown.value.known and unknown.value.paths == ("$.code",)
    with pytest.raises(InvalidDataError) as dup:
        AnalyteCatalog(id="c", analytes=(AnalyteInfo(code="a", name="A"), AnalyteInfo(code="a", name="A")))
    assert dup.value.paths == ("$.analytes[1]",)


def test_analyte_sets_store_plain_codes() -> None:
    """Members and strings give equal records; a string that is not a code is refused at the field."""
    with_members = MedicationAdministration(
        id="m", patient_id="p", medication="x", administered_at=at(MONDAY), expected_analytes={Analyte.METHADONE}
    )
    with_codes = MedicationAdministration(
        id="m", patient_id="p", medication="x", administered_at=at(MONDAY), expected_analytes={"methadone"}
    )
    assert with_members == with_codes and all(type(a) is str for a in with_members.expected_analytes)
    with pytest.raises(InvalidDataError) as info:
        MedicationAdministration(
            id="m", patient_id="p", medication="x", administered_at=at(MONDAY), expected_analytes={"Meth adone"}
        )
    assert info.value.paths == ("$.expected_analytes",)
    with pytest.raises(InvalidDataError) as empty:
        Prescription(id="r", patient_id="p", medication="x", dates=DateRange.of_days(MONDAY, 3), expected_analytes=())
    assert empty.value.paths == ("$.expected_analytes",)
