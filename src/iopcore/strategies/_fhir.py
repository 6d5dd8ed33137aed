"""Strategies for the FHIR mapping's own values (the reference map)."""

from __future__ import annotations

import string
from collections.abc import Iterable

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from iopcore.fhir import IDENTIFIER_BASE, PatientRecords, References
from iopcore.strategies._core import _check_int, texts
from iopcore.strategies._episodes import episodes
from iopcore.strategies._part2 import consents
from iopcore.strategies._plans import treatment_plans

__all__ = ["fhir_references", "patient_records", "references"]

_ID_ALPHABET = string.ascii_letters + string.digits + "-."


def _fhir_ids() -> st.SearchStrategy[str]:
    return st.text(alphabet=_ID_ALPHABET, min_size=1, max_size=64)


def fhir_references(resource_type: str = "Patient") -> st.SearchStrategy[str]:
    """References to a resource of *resource_type*: relative, absolute, ``urn:uuid:`` or ``urn:oid:``."""
    if not isinstance(resource_type, str) or not resource_type.isalpha():
        raise InvalidArgument(f"resource_type={resource_type!r} must be a FHIR resource type name")
    relative = _fhir_ids().map(lambda i: f"{resource_type}/{i}")
    absolute = st.tuples(st.sampled_from(["https://ehr.example/fhir", "http://fhir.example.org/r4"]), relative).map(
        "/".join
    )
    uuids = st.uuids().map(lambda u: f"urn:uuid:{u}")
    oids = st.lists(st.integers(0, 99999), min_size=1, max_size=6).map(
        lambda parts: "urn:oid:2." + ".".join(map(str, parts))
    )
    return st.one_of(relative, absolute, uuids, oids)


def _table(
    keys: Iterable[str], extra: int, resource_type: str, taken: frozenset[str] = frozenset()
) -> st.SearchStrategy[dict[str, str]]:
    """A map of keys to unique references of *resource_type*, none of them *taken* (by another map)."""
    wanted = list(dict.fromkeys(keys))

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, str]:
        more = draw(st.lists(texts(max_size=24), max_size=extra))
        all_keys = list(dict.fromkeys([*wanted, *more]))
        refs = draw(
            st.lists(
                fhir_references(resource_type).filter(lambda r: r not in taken),
                min_size=len(all_keys),
                max_size=len(all_keys),
                unique=True,
            )
        )
        return dict(zip(all_keys, refs, strict=True))

    return build()


def references(
    *,
    patients: Iterable[str] = (),
    practitioners: Iterable[str] = (),
    organizations: Iterable[str] = (),
    locations: Iterable[str] = (),
    max_extra: int = 2,
) -> st.SearchStrategy[References]:
    """Reference maps holding at least the given keys (and up to *max_extra* more of each kind)."""
    _check_int("max_extra", max_extra, 0, 20)
    kinds = (("patients", patients), ("practitioners", practitioners), ("organizations", organizations))
    for name, keys in (*kinds, ("locations", locations)):
        if isinstance(keys, str) or not all(isinstance(k, str) and k.strip() and len(k) <= 128 for k in keys):
            raise InvalidArgument(f"{name} must be an iterable of non-blank key strings of at most 128 characters")
    patient_keys, practitioner_keys, organization_keys = tuple(patients), tuple(practitioners), tuple(organizations)
    location_keys = tuple(locations)

    @st.composite
    def build(draw: st.DrawFn) -> References:
        patient_map = draw(_table(patient_keys, max_extra, "Patient"))
        practitioner_map = draw(_table(practitioner_keys, max_extra, "Practitioner", frozenset(patient_map.values())))
        taken = frozenset(patient_map.values()) | frozenset(practitioner_map.values())
        orgs = draw(_table(organization_keys, max_extra, "Organization", taken))
        managing = draw(st.one_of(st.none(), st.sampled_from(sorted(orgs)))) if orgs else None
        return References(
            patients=patient_map,
            practitioners=practitioner_map,
            organizations=orgs,
            locations=draw(_table(location_keys, max_extra, "Location", taken | frozenset(orgs.values()))),
            managing_organization=managing,
            identifier_base=draw(st.sampled_from([IDENTIFIER_BASE, "https://ehr.example/ids", "urn:oid:2.16.840.1"])),
        )

    return build()


def patient_records(*, max_size: int = 2) -> st.SearchStrategy[PatientRecords]:
    """What a patient bundle reads back as: a few episodes, plans and consents, and paths of unread entries."""
    _check_int("max_size", max_size, 0, 10)
    return st.builds(
        PatientRecords,
        episodes=st.lists(episodes(), max_size=max_size).map(tuple),
        plans=st.lists(treatment_plans(max_items=2), max_size=max_size).map(tuple),
        consents=st.lists(consents(), max_size=max_size).map(tuple),
        unread=st.lists(st.integers(0, 50).map(lambda i: f"$.bundle.entry[{i}].resource"), max_size=max_size).map(
            tuple
        ),
    )
