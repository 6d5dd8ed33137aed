"""What every FHIR R4 mapping of iopcore shares: the URL base, the reference map, ids, security labels.

* :data:`FHIR_BASE` is the root of iopcore's canonical URLs: its extensions are
  ``{FHIR_BASE}/StructureDefinition/<name>``, its local code systems ``{FHIR_BASE}/CodeSystem/<name>``
  and the systems of the business identifiers it writes ``{FHIR_BASE}/identifier/<kind>``. Each is
  defined in ``docs/reference/fhir-mappings.md``.
* :class:`References` is the map the application passes from its own keys (patients, practitioners,
  organizations) to FHIR references. A resource refers to a person only through it: no name, birth
  date or record number is ever copied into a resource. Import reads it backwards, so its references
  are unique.
* :func:`resource_id` derives a resource's logical id from what identifies it (name-based UUID,
  version 5, of the iopcore ids and the patient's reference): the same values give the same ids,
  with no randomness, and no patient key is hashed into them.
* :func:`security` writes the HL7 DS4P labels of :func:`iopcore.part2.part2_labels` as ``meta.security``.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore.errors import ErrorItem, InvalidDataError, type_name
from iopcore.fhir import _json as j
from iopcore.part2 import RecordClass, SecurityLabel, part2_labels

__all__ = [
    "FHIR_BASE",
    "FHIR_VERSION",
    "IDENTIFIER_BASE",
    "ReferenceKind",
    "References",
    "code_system",
    "extension_url",
    "identifier_system",
    "resource_id",
    "security",
]

FHIR_VERSION = "4.0.1"
"""The FHIR release every resource iopcore writes and reads conforms to (R4)."""

FHIR_BASE = "https://iopcore.readthedocs.io/fhir"
"""The root of iopcore's canonical URLs (extensions, local code systems, identifier systems)."""

IDENTIFIER_BASE = FHIR_BASE + "/identifier"
"""The default root of the systems of the business identifiers iopcore writes (``.../identifier/episode``)."""


def extension_url(name: str) -> str:
    """The canonical URL of the iopcore extension *name* (its StructureDefinition)."""
    return f"{FHIR_BASE}/StructureDefinition/{name}"


def code_system(name: str) -> str:
    """The canonical URL of the local iopcore code system *name*."""
    return f"{FHIR_BASE}/CodeSystem/{name}"


def identifier_system(base: str, kind: str) -> str:
    """The system of the business identifiers of *kind* (``episode``, ``treatment-plan`` …) under *base*."""
    return f"{base}/{kind}"


class ReferenceKind(enum.StrEnum):
    """What a key of :class:`References` stands for, and the resource type its reference points to."""

    PATIENT = "Patient"
    PRACTITIONER = "Practitioner"
    ORGANIZATION = "Organization"
    LOCATION = "Location"


_FHIR_ID = r"[A-Za-z0-9\-.]{1,64}"
_UUID = r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_OID = r"urn:oid:[0-2](\.(0|[1-9][0-9]*))+"


def _reference_pattern(types: str) -> re.Pattern[str]:
    return re.compile(rf"(?:(?:https?://[^\s/?#]+(?:/[^\s/?#]+)*/)?(?:{types})/{_FHIR_ID}|{_UUID}|{_OID})\Z")


_PATTERNS = {
    ReferenceKind.PATIENT: _reference_pattern("Patient"),
    ReferenceKind.PRACTITIONER: _reference_pattern("Practitioner|PractitionerRole"),
    ReferenceKind.ORGANIZATION: _reference_pattern("Organization"),
    ReferenceKind.LOCATION: _reference_pattern("Location"),
}


def is_reference(kind: ReferenceKind, value: object) -> bool:
    """Whether *value* is a FHIR reference to a resource of *kind*: relative, absolute, ``urn:uuid`` or ``urn:oid``."""
    return isinstance(value, str) and _PATTERNS[kind].match(value) is not None


def _reference_map(kind: ReferenceKind) -> f.Validator:
    """A read-only map of non-blank keys to unique references of *kind*; errors never name a key or a reference."""
    expected = f"references of the form {kind.value}/<id>, an absolute URL ending so, urn:uuid: or urn:oid:"

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        path = f"$.{attribute.alias}"
        if not isinstance(value, Mapping) or isinstance(value, dict):
            raise f.fail(attribute, f"expected a mapping of keys to references, got {type_name(value)}", "type", inst)
        items: list[ErrorItem] = []
        for key, ref in value.items():
            if not isinstance(key, str) or not key.strip() or len(key) > 128:
                items.append(ErrorItem(path=path, message="expected non-blank string keys of at most 128 "
                                       f"characters, got a {type_name(key)} key that is not one", rule="key"))  # fmt: skip
            if not is_reference(kind, ref):
                items.append(ErrorItem(path=path, message=f"expected {expected}, got a {type_name(ref)} that is not "
                                       "one", rule="reference"))  # fmt: skip
        if len(set(value.values())) != len(value):
            items.append(ErrorItem(path=path, message="expected each reference once (import reads the map "
                                   "backwards), got one used for two keys", rule="unique"))  # fmt: skip
        if items:
            raise InvalidDataError(items[:1] + items[-1:] if len(items) > 1 else items, type_name="References")

    return check


def _map_field(kind: ReferenceKind) -> Any:
    return f.phi_field(factory=f.FrozenMap, converter=f.to_mapping, validator=_reference_map(kind))


@final
@attrs.frozen(kw_only=True)
class References:
    """The application's keys → FHIR references, used both ways (export writes them, import reads them back).

    * ``patients``: patient keys (``Episode.patient_id``, ``TreatmentPlan.patient_id`` …) → ``Patient/…``;
    * ``practitioners``: keys of staff → ``Practitioner/…`` or ``PractitionerRole/…``;
    * ``organizations``: keys of parties (``Consent.disclosers`` …) and of the program → ``Organization/…``;
    * ``locations``: keys of the program's sites → ``Location/…`` (an attended session's
      ``Encounter.location``, see :func:`~iopcore.fhir.attendance_to_fhir`);
    * ``managing_organization``: the key (in ``organizations``) of the organization that runs the
      program, written as ``EpisodeOfCare.managingOrganization``, ``Consent.organization`` and an
      attended session's ``Encounter.serviceProvider``; ``None`` leaves them out;
    * ``identifier_base``: the root of the systems of the business identifiers written (iopcore's
      ids of episodes, plans, consents), :data:`IDENTIFIER_BASE` unless the application has its own.

    A reference may be relative (``Patient/123``), absolute (``https://ehr.example/fhir/Patient/123``),
    a ``urn:uuid:`` or a ``urn:oid:``. Each reference is held once, by one map. The maps are redacted in
    ``repr``, and errors name neither keys nor references.
    """

    patients: Mapping[str, str] = _map_field(ReferenceKind.PATIENT)
    practitioners: Mapping[str, str] = _map_field(ReferenceKind.PRACTITIONER)
    organizations: Mapping[str, str] = _map_field(ReferenceKind.ORGANIZATION)
    locations: Mapping[str, str] = _map_field(ReferenceKind.LOCATION)
    managing_organization: str | None = f.phi_field(default=None, validator=f.optional(f.text(max_length=128)))
    identifier_base: str = attrs.field(default=IDENTIFIER_BASE, validator=f.text(max_length=200))

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        for name in ("patients", "practitioners", "organizations", "locations"):
            refs = set(getattr(self, name).values())
            if refs & seen:  # only untyped references (urn:uuid:, urn:oid:) can be in two maps
                raise f.fail(
                    f"$.{name}",
                    "expected each reference in one map only (import reads the maps backwards, and a urn: "
                    "reference names no resource type), got one another map holds too",
                    "unique",
                    self,
                )
            seen |= refs
        if self.managing_organization is not None and self.managing_organization not in self.organizations:
            raise f.fail(
                "$.managing_organization",
                "expected a key of organizations, got a str that is not one",
                "unknown_code",
                self,
            )
        if not re.fullmatch(r"(?:https?://[^\s/?#]+(?:/[^\s/?#|]+)*|urn:oid:[0-2](?:\.\d+)+)", self.identifier_base):
            raise f.fail(
                "$.identifier_base",
                "expected an absolute http(s) URL without query or fragment (or a urn:oid:), got a str that is not one",
                "uri",
                self,
            )


def reference_to(refs: References, kind: ReferenceKind, key: str, path: str) -> dict[str, str]:
    """The FHIR ``Reference`` to the party *key* of *kind*; an unknown key is an error at *path* (naming no key)."""
    table = _table(refs, kind)
    ref = table.get(key)
    if ref is None:
        raise InvalidDataError.single(
            path,
            f"expected a key of References.{_FIELD[kind]}, got one the map does not hold",
            "unknown_reference",
        )
    return {"reference": ref}


_FIELD = {
    ReferenceKind.PATIENT: "patients",
    ReferenceKind.PRACTITIONER: "practitioners",
    ReferenceKind.ORGANIZATION: "organizations",
    ReferenceKind.LOCATION: "locations",
}


def _table(refs: References, kind: ReferenceKind) -> Mapping[str, str]:
    table: Mapping[str, str] = getattr(refs, _FIELD[kind])
    return table


def key_of(refs: References, kind: ReferenceKind, reference: str, path: str) -> str:
    """The application key whose reference is *reference* (import); unknown references are errors at *path*."""
    for key, ref in _table(refs, kind).items():
        if ref == reference:
            return key
    raise InvalidDataError.single(
        path,
        f"expected a {kind.value} reference of References.{_FIELD[kind]}, got one the map does not hold",
        "unknown_reference",
    )


# ----------------------------------------------------------------------------- ids


_URL_NAMESPACE = bytes.fromhex("6ba7b8119dad11d180b400c04fd430c8")
"""RFC 4122's namespace of URLs (``uuid.NAMESPACE_URL``)."""


def _uuid5(namespace: bytes, name: str) -> bytes:
    """RFC 4122 name-based UUID (version 5, SHA-1) as ``uuid.uuid5`` computes it, without the ``uuid`` module."""
    raw = bytearray(hashlib.sha1(namespace + name.encode("utf-8")).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50
    raw[8] = (raw[8] & 0x3F) | 0x80
    return bytes(raw)


_NS = _uuid5(_URL_NAMESPACE, FHIR_BASE)
"""The namespace of iopcore's resource ids: the name-based UUID of :data:`FHIR_BASE` among URLs."""


def resource_id(resource_type: str, *parts: str) -> str:
    """A resource's logical id: the name-based UUID of its type and the *parts* that identify it.

    The parts are iopcore ids and the patient's *reference* (never the patient's key), so the same
    values always give the same id, two patients' resources never share one, and the id reveals
    nothing the resource does not already hold.
    """
    h = _uuid5(_NS, "|".join((resource_type, *parts))).hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# ----------------------------------------------------------------------------- labels


def security(record_class: RecordClass) -> list[dict[str, str]]:
    """``meta.security`` for a resource derived from a record of *record_class* (HL7 DS4P, via Part 2's labels)."""
    return [_coding(label) for label in part2_labels(record_class)]


def _coding(label: SecurityLabel) -> dict[str, str]:
    return {"system": label.system, "code": label.code, "display": label.display}


def meta(record_class: RecordClass, *, profile: str | None = None) -> dict[str, Any]:
    """The ``meta`` element of an exported resource: its *profile*, if any, and the DS4P labels of
    *record_class* (none for a record Part 2 does not cover); empty when it has neither."""
    out: dict[str, Any] = {} if profile is None else {"profile": [profile]}
    labels = security(record_class)
    if labels:
        out["security"] = labels
    return out


def identifier(refs: References, kind: str, value: str) -> dict[str, str]:
    """A business identifier of *kind* holding an iopcore id (never a patient key)."""
    return {"system": identifier_system(refs.identifier_base, kind), "value": value}


# ----------------------------------------------------------------------------- reading


def read_identifier(node: Mapping[str, Any], system: str, path: str, *, or_id: bool = False) -> str:
    """The value of the one identifier of *node* in *system* (iopcore's id of what the resource describes).

    With *or_id*, a resource with no identifier in *system* (one another system wrote) gives its
    logical ``id`` instead, when that is an iopcore id (snake_case: ``example``, ``colonoscopy``);
    two identifiers in *system* are an error either way.
    """
    values: list[str] = []
    for item, here in j.array(node, "identifier", path):
        ident = j.obj(item, here, "an Identifier (a JSON object)")
        if ident.get("system") == system:
            values.append(j.required_string(ident, "value", here))
    if not values and or_id and f.is_identifier(node.get("id")):
        return str(node["id"])
    if len(values) != 1:
        got = "none" if not values else f"{len(values)}"
        also = " (or, written by another system, a logical id that is an iopcore id: snake_case)" if or_id else ""
        raise j.fail(
            path + ".identifier", f"expected one identifier of the map's system for it{also}, got {got}", "identifier"
        )
    return values[0]


def read_reference(
    node: Mapping[str, Any],
    key: str,
    path: str,
    references: References,
    kind: ReferenceKind,
    *,
    required: bool = False,
) -> str | None:
    """The application key of the party the ``Reference`` element *key* points to (through the map, backwards)."""
    value = node.get(key)
    here = f"{path}.{key}"
    if value is None:
        if required:
            raise j.fail(here, f"expected a reference to a {kind.value}, got none", "missing")
        return None
    ref = j.obj(value, here, "a Reference (a JSON object)")
    return key_of(references, kind, j.required_string(ref, "reference", here), here + ".reference")


def local_index(resources: Sequence[Any], path: str) -> dict[str, tuple[Mapping[str, Any], str]]:
    """Resources by every way a reference may name them: ``Type/id`` and, when the id is a UUID, ``urn:uuid:id``."""
    index: dict[str, tuple[Mapping[str, Any], str]] = {}
    for i, value in enumerate(resources):
        here = f"{path}[{i}]"
        node = j.obj(value, here, "a resource (a JSON object)")
        kind, rid = node.get("resourceType"), node.get("id")
        if not isinstance(kind, str) or not kind:
            raise j.fail(here + ".resourceType", "expected a resourceType string", "missing")
        if isinstance(rid, str) and rid:
            index[f"{kind}/{rid}"] = (node, here)
            if _UUID_ONLY.fullmatch(rid):
                index[f"urn:uuid:{rid}"] = (node, here)
    return index


_UUID_ONLY = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def resolve_local(
    node: Mapping[str, Any], path: str, index: Mapping[str, tuple[Mapping[str, Any], str]], resource_type: str
) -> tuple[Mapping[str, Any], str]:
    """The resource among those given that the ``Reference`` *node* (at *path*) points to, of *resource_type*."""
    ref = j.obj(node, path, "a Reference (a JSON object)")
    target = j.required_string(ref, "reference", path)
    if "/" in target and not target.startswith("urn:"):
        tail = target.rstrip("/").split("/")
        target = "/".join(tail[-2:])
    found = index.get(target)
    if found is None or found[0].get("resourceType") != resource_type:
        raise j.fail(
            path + ".reference",
            f"expected a reference to a {resource_type} among the resources given, got one to none of them",
            "unresolved",
        )
    return found
