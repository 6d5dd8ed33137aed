"""Bundles: any resources in one R4 transaction or collection Bundle, internal references resolved; and back.

:func:`bundle` takes resources from anywhere (iopcore's exports of episodes, plans, consents,
scores, drug tests, attendance, or the application's own) and gives each entry the full URL
``urn:uuid:<id>`` (the resource's id when it is a UUID, as iopcore's are; else a UUID derived from
the resource's content), then rewrites every reference to a resource of the bundle (``Goal/<id>``,
or an absolute URL ending so) to that full URL. A transaction creates each resource with a
conditional create on its first business identifier (``ifNoneExist``), so sending the same bundle
twice creates nothing the second time and never overwrites what the EHR holds. The bundle's id is
derived from its entries' full URLs, and its ``meta.security`` holds every label of its entries (the
"high-water mark" of DS4P). No randomness, no clock: a timestamp is the caller's.

:func:`patient_bundle` exports a patient's episode, plan and consents and bundles them with other
resources in one call; :func:`read_patient_bundle` reads such a bundle back, every error naming the
entry (``$.bundle.entry[3].resource.status``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, final

import attrs

from iopcore import _fields as f
from iopcore.episodes import Episode
from iopcore.errors import ErrorItem, InvalidDataError
from iopcore.fhir import _json as j
from iopcore.fhir._common import References, resource_id
from iopcore.fhir._consent import consent_from_fhir, consent_to_fhir
from iopcore.fhir._episode import episode_from_fhir, episode_to_fhir
from iopcore.fhir._plan import care_plan_from_fhir, care_plan_to_fhir
from iopcore.part2 import Consent, RecordClass
from iopcore.plans import TreatmentPlan

__all__ = ["PatientRecords", "bundle", "bundle_resources", "patient_bundle", "read_patient_bundle"]

BundleKind = Literal["transaction", "collection"]
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
READABLE_TYPES = ("transaction", "batch", "collection", "searchset", "document", "message", "history")


def _full_url(resource: Mapping[str, Any]) -> str:
    rid = resource.get("id")
    if isinstance(rid, str) and _UUID.fullmatch(rid):
        return f"urn:uuid:{rid}"
    content = json.dumps(resource, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return "urn:uuid:" + resource_id("content", hashlib.sha256(content.encode("utf-8")).hexdigest())


def _local_key(reference: str) -> str | None:
    """``Type/id`` of a relative or absolute reference (``None`` for urn: and contained references)."""
    if reference.startswith(("urn:", "#")):
        return None
    parts = reference.split("/")
    if len(parts) >= 2 and parts[-2] and parts[-1]:
        return f"{parts[-2]}/{parts[-1]}"
    return None


def _rewrite(value: Any, targets: Mapping[str, str]) -> Any:
    """A copy of *value* with every ``reference`` to a key of *targets* replaced by its value."""
    if isinstance(value, Mapping):
        out = {k: _rewrite(v, targets) for k, v in value.items()}
        ref = value.get("reference")
        if isinstance(ref, str):
            key = _local_key(ref) or ref
            if key in targets:
                out["reference"] = targets[key]
        return out
    if isinstance(value, list):
        return [_rewrite(v, targets) for v in value]
    return value


_SEARCH_ESCAPE = re.compile(r"([\\,$|])")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/")


def _query_value(text: str) -> str:
    """A token part escaped for a FHIR search (``\\`` before ``, $ | \\``), then percent-encoded (RFC 3986)."""
    escaped = _SEARCH_ESCAPE.sub(r"\\\1", text)
    return "".join(c if c in _UNRESERVED else "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in escaped)


def _request(resource: Mapping[str, Any]) -> dict[str, str]:
    kind = str(resource["resourceType"])
    request = {"method": "POST", "url": kind}
    identifiers = resource.get("identifier")
    first = identifiers[0] if isinstance(identifiers, list) and identifiers else None
    if isinstance(first, Mapping) and isinstance(first.get("system"), str) and isinstance(first.get("value"), str):
        request["ifNoneExist"] = f"identifier={_query_value(first['system'])}|{_query_value(first['value'])}"
    return request


@f.guard
def bundle(
    resources: Sequence[Mapping[str, Any]], *, kind: BundleKind = "transaction", timestamp: datetime | None = None
) -> dict[str, Any]:
    """*resources* in one R4 Bundle of *kind*, references among them resolved to the entries' ``urn:uuid`` full URLs.

    Each resource needs a ``resourceType``; two resources of one type with one id are refused
    (``$.resources[3]``). The resources themselves are copied, never changed.
    """
    full_urls: list[str] = []
    targets: dict[str, str] = {}
    for i, value in enumerate(resources):
        here = f"$.resources[{i}]"
        node = j.obj(value, here, "a resource (a JSON object)")
        kind_name = node.get("resourceType")
        if not isinstance(kind_name, str) or not re.fullmatch(r"[A-Z][A-Za-z]+", kind_name):
            raise j.fail(here + ".resourceType", "expected a resource type name", "resource_type")
        url = _full_url(node)
        if url in full_urls:
            raise j.fail(here, "expected each resource once, got one with the type and id of an earlier one", "unique")
        full_urls.append(url)
        rid = node.get("id")
        if isinstance(rid, str) and rid:
            key = f"{kind_name}/{rid}"
            if key in targets:
                raise j.fail(here + ".id", "expected each resource once, got a type and id used before", "unique")
            targets[key] = url
    entries: list[dict[str, Any]] = []
    labels: dict[tuple[str, str], dict[str, Any]] = {}
    for url, value in zip(full_urls, resources, strict=True):
        resource = _rewrite(value, targets)
        entry: dict[str, Any] = {"fullUrl": url, "resource": resource}
        if kind == "transaction":
            entry["request"] = _request(resource)
        entries.append(entry)
        security = resource.get("meta", {}).get("security", []) if isinstance(resource.get("meta"), Mapping) else []
        for label in security if isinstance(security, list) else []:
            if isinstance(label, Mapping):
                labels.setdefault((str(label.get("system")), str(label.get("code"))), dict(label))
    out: dict[str, Any] = {"resourceType": "Bundle", "id": resource_id("Bundle", kind, *full_urls)}
    if labels:
        out["meta"] = {"security": list(labels.values())}
    out["type"] = kind
    if timestamp is not None:
        out["timestamp"] = timestamp.isoformat(timespec="milliseconds" if timestamp.microsecond else "seconds")
    if entries:
        out["entry"] = entries
    return out


@f.guard
def patient_bundle(
    references: References,
    *,
    episode: Episode | None = None,
    plan: TreatmentPlan | None = None,
    consents: Sequence[Consent] = (),
    resources: Sequence[Mapping[str, Any]] = (),
    kind: BundleKind = "transaction",
    record_class: RecordClass = RecordClass.SUD_TREATMENT_RECORD,
    timestamp: datetime | None = None,
) -> dict[str, Any]:
    """One Bundle of a patient's episode, plan (its Conditions, Goals and CarePlan) and consents, then *resources*.

    *resources* are bundled as given, after iopcore's: other exports (scores, drug tests,
    attendance) or the application's own. Each value is exported with *references* and
    *record_class* as its own export function does; errors name the argument
    (``$.plan.patient_id``, ``$.consents[1].recipients``).
    """
    exported: list[Mapping[str, Any]] = []
    if episode is not None:
        exported.append(episode_to_fhir(episode, references, record_class=record_class))
    if plan is not None:
        exported += care_plan_to_fhir(plan, references, record_class=record_class)
    for i, consent in enumerate(consents):
        try:
            exported.append(consent_to_fhir(consent, references, record_class=record_class))
        except InvalidDataError as exc:
            raise _moved(exc, "$.consent", f"$.consents[{i}]") from None
    exported += resources
    try:
        made: dict[str, Any] = bundle(exported, kind=kind, timestamp=timestamp)
    except InvalidDataError as exc:
        raise _moved(exc, "$.resources", "$.resources") from None
    return made


def _moved(exc: InvalidDataError, old: str, new: str) -> InvalidDataError:
    return InvalidDataError(
        (attrs.evolve(e, path=new + e.path[len(old) :]) if e.path.startswith(old) else e for e in exc.errors),
        type_name=exc.type_name,
    )


@f.guard
def bundle_resources(bundle: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The resources of an R4 Bundle, references to its entries' full URLs turned back into ``Type/id``.

    An entry whose full URL is a ``urn:uuid`` and whose resource has no id gets that UUID as its id.
    Refused at the entry's path: not a Bundle, a type that carries no resources to read
    (``transaction-response``, ``batch-response``), an entry without a resource, two entries
    with one full URL.
    """
    return [resource for resource, _ in _entries(bundle)]


def _entries(value: Mapping[str, Any]) -> list[tuple[dict[str, Any], str]]:
    root = "$.bundle"
    node = j.resource(value, "Bundle", root)
    kind = j.string(node, "type", root, required=True)
    if kind not in READABLE_TYPES:
        raise j.fail(root + ".type", f"expected a bundle of resources ({', '.join(READABLE_TYPES)})", "type")
    found: list[tuple[dict[str, Any], str, str | None]] = []
    targets: dict[str, str] = {}
    for item, here in j.array(node, "entry", root):
        entry = j.obj(item, here, "a Bundle entry")
        resource = dict(j.obj(entry.get("resource"), here + ".resource", "the entry's resource (a JSON object)"))
        kind_name = j.required_string(resource, "resourceType", here + ".resource")
        url = j.string(entry, "fullUrl", here)
        if url is not None and url.startswith("urn:uuid:") and "id" not in resource:
            resource["id"] = url[len("urn:uuid:") :]
        rid = resource.get("id")
        if url is not None:
            if url in targets:
                raise j.fail(here + ".fullUrl", "expected each fullUrl once (R4 bdl-7), got one used before", "unique")
            if isinstance(rid, str):
                targets[url] = f"{kind_name}/{rid}"
        found.append((resource, here + ".resource", url))
    return [(_rewrite(resource, targets), here) for resource, here, _ in found]


@final
@attrs.frozen(kw_only=True)
class PatientRecords:
    """What :func:`read_patient_bundle` read from a bundle: episodes, plans and consents, in the bundle's order.

    ``unread`` holds the paths of the entries of other resource types (observations,
    appointments, the application's own), for the caller to read with their own readers.
    """

    episodes: tuple[Episode, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(Episode))
    plans: tuple[TreatmentPlan, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(TreatmentPlan)
    )
    consents: tuple[Consent, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(Consent))
    unread: tuple[str, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(str))


_PLAN_PARTS = ("Goal", "Condition")


@f.guard
def read_patient_bundle(bundle: Mapping[str, Any], references: References) -> PatientRecords:
    """The episodes, plans and consents of a bundle written by :func:`patient_bundle` (or any with such entries).

    Each CarePlan is read with the bundle's Goals and Conditions. Errors name the entry
    (``$.bundle.entry[3].resource.status``); Goals and Conditions that no CarePlan refers to and
    other resource types are listed in ``unread``.
    """
    entries = _entries(bundle)
    episodes: list[Episode] = []
    plans: list[TreatmentPlan] = []
    consents: list[Consent] = []
    parts = [(r, here) for r, here in entries if r.get("resourceType") in _PLAN_PARTS]
    used: set[str] = set()
    for resource, here in entries:
        kind = resource.get("resourceType")
        try:
            if kind == "EpisodeOfCare":
                episodes.append(episode_from_fhir(resource, references))
            elif kind == "Consent":
                consents.append(consent_from_fhir(resource, references))
            elif kind == "CarePlan":
                group = [resource, *(r for r, _ in parts)]
                plans.append(care_plan_from_fhir(group, references))
                used |= _referred(resource, parts)
        except InvalidDataError as exc:
            paths = [here, *(p for _, p in parts)] if kind == "CarePlan" else [here]
            raise _rerooted(exc, paths) from None
    unread = tuple(
        here
        for resource, here in entries
        if resource.get("resourceType") not in ("EpisodeOfCare", "Consent", "CarePlan") and here not in used
    )
    return PatientRecords(episodes=tuple(episodes), plans=tuple(plans), consents=tuple(consents), unread=unread)


def _referred(care_plan: Mapping[str, Any], parts: Sequence[tuple[Mapping[str, Any], str]]) -> set[str]:
    """The paths of the Goals and Conditions a (successfully read) CarePlan refers to."""
    by_key = {f"{r.get('resourceType')}/{r.get('id')}": (r, here) for r, here in parts}

    def keys(node: Mapping[str, Any], *elements: str) -> list[str]:
        refs = [item.get("reference") for e in elements for item in node.get(e, ()) if isinstance(item, Mapping)]
        return [(_local_key(r) or r) for r in refs if isinstance(r, str)]

    found = [k for k in keys(care_plan, "goal", "addresses") if k in by_key]
    found += [k for g in list(found) for k in keys(by_key[g][0], "addresses") if k in by_key]
    return {by_key[k][1] for k in found}


def _rerooted(exc: InvalidDataError, paths: Sequence[str]) -> InvalidDataError:
    items: list[ErrorItem] = []
    for e in exc.errors:
        path = e.path
        if path.startswith("$.resources["):
            index = int(path[len("$.resources[") : path.index("]")])
            path = paths[index] + path[path.index("]") + 1 :]
        elif path.startswith("$.resource"):
            path = paths[0] + path[len("$.resource") :]
        items.append(attrs.evolve(e, path=path))
    return InvalidDataError(items, type_name=exc.type_name)
