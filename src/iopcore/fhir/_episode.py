"""Episode ↔ R4 EpisodeOfCare.

Standard elements: ``identifier`` (the episode's id), ``status`` (``active`` while open,
``finished`` once discharged), ``patient``, ``managingOrganization`` (the program's organization,
from :class:`~iopcore.fhir.References`), ``period`` (admission to discharge). R4 has no element for
levels of care, IOP phases, payer authorizations or the admission's entry route and discharge's
reason, so they travel in iopcore's extensions (:data:`EPISODE_EXTENSIONS`; definitions in
``docs/reference/fhir-mappings.md``). Import needs them ("where complete"): an EpisodeOfCare
without the level history describes no iopcore episode and is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iopcore import _fields as f
from iopcore.episodes import (
    Admission,
    Authorization,
    AuthorizationUnit,
    Discharge,
    DischargeReason,
    EntryRoute,
    Episode,
    IopPhase,
    LevelPeriod,
    PhasePeriod,
)
from iopcore.errors import ErrorItem, InvalidDataError
from iopcore.fhir import _json as j
from iopcore.fhir._common import (
    ReferenceKind,
    References,
    extension_url,
    identifier,
    identifier_system,
    meta,
    read_identifier,
    read_reference,
    reference_to,
    resource_id,
)
from iopcore.fhir._extensions import (
    MAX_POSITIVE_INT,
    Part,
    ValueType,
    complex_extension,
    read_complex,
    read_period,
    write_period,
)
from iopcore.part2 import RecordClass
from iopcore.times import DateRange

__all__ = ["EPISODE_EXTENSIONS", "build", "episode_from_fhir", "episode_to_fhir"]

ADMISSION_URL = extension_url("episode-admission")
LEVEL_URL = extension_url("episode-level")
PHASE_URL = extension_url("episode-phase")
AUTHORIZATION_URL = extension_url("episode-authorization")
DISCHARGE_URL = extension_url("episode-discharge")

EPISODE_EXTENSIONS: Mapping[str, tuple[Part, ...]] = f.FrozenMap(
    {
        ADMISSION_URL: (
            Part("entryRoute", ValueType.CODE, True, tuple(EntryRoute)),
            Part("referralSource", ValueType.STRING, True),
            Part("fromLevel", ValueType.STRING),
        ),
        LEVEL_URL: (
            Part("level", ValueType.STRING, True),
            Part("period", ValueType.PERIOD, True),
            Part("recommendedLevel", ValueType.STRING),
            Part("authorizedLevel", ValueType.STRING),
            Part("reason", ValueType.STRING),
        ),
        PHASE_URL: (
            Part("phase", ValueType.CODE, True, tuple(IopPhase)),
            Part("period", ValueType.PERIOD, True),
            Part("daysPerWeek", ValueType.POSITIVE_INT),
            Part("hoursPerWeek", ValueType.DECIMAL),
        ),
        AUTHORIZATION_URL: (
            Part("id", ValueType.STRING, True),
            Part("payer", ValueType.STRING, True),
            Part("level", ValueType.STRING, True),
            Part("amount", ValueType.POSITIVE_INT, True),
            Part("unit", ValueType.CODE, True, tuple(AuthorizationUnit)),
            Part("period", ValueType.PERIOD, True),
            Part("nextReview", ValueType.DATE),
        ),
        DISCHARGE_URL: (
            Part("reason", ValueType.CODE, True, tuple(DischargeReason)),
            Part("continuingCare", ValueType.STRING),
            Part("referredLevel", ValueType.STRING),
        ),
    }
)
"""iopcore's EpisodeOfCare extensions (URL → parts). The level, phase and authorization extensions
repeat, one per period or authorization, in the episode's order; admission is required, discharge
present once discharged. Codes are the values of the enums the parts name (``EntryRoute``,
``IopPhase``, ``AuthorizationUnit``, ``DischargeReason``)."""

EPISODE_STATUSES = ("planned", "waitlist", "active", "onhold", "finished", "cancelled", "entered-in-error")
"""R4 ``EpisodeOfCareStatus`` (required binding)."""


@f.guard
def episode_to_fhir(
    episode: Episode, references: References, *, record_class: RecordClass = RecordClass.SUD_TREATMENT_RECORD
) -> dict[str, Any]:
    """The episode as an R4 EpisodeOfCare (a JSON dict); the patient by its reference in *references*.

    ``record_class`` sets the security labels (a Part 2 SUD treatment record by default:
    confidentiality ``R`` and ``42CFRPart2``). An episode whose patient the map does not hold is
    an error at ``$.episode.patient_id``.
    """
    patient = reference_to(references, ReferenceKind.PATIENT, episode.patient_id, "$.episode.patient_id")
    for i, a in enumerate(episode.authorizations):
        if a.amount > MAX_POSITIVE_INT:
            raise InvalidDataError.single(
                f"$.episode.authorizations[{i}].amount",
                f"expected an amount FHIR's positiveInt holds (<= {MAX_POSITIVE_INT}), got a larger one",
                "range",
            )
    out: dict[str, Any] = {
        "resourceType": "EpisodeOfCare",
        "id": resource_id("EpisodeOfCare", patient["reference"], episode.id),
    }
    labels = meta(record_class)
    if labels:
        out["meta"] = labels
    out["extension"] = _extensions(episode)
    out["identifier"] = [identifier(references, "episode", episode.id)]
    out["status"] = "finished" if episode.discharge is not None else "active"
    out["patient"] = patient
    if references.managing_organization is not None:
        out["managingOrganization"] = reference_to(
            references, ReferenceKind.ORGANIZATION, references.managing_organization, "$.references"
        )
    out["period"] = write_period(episode.admission.on, episode.last_day)
    return out


def _extensions(ep: Episode) -> list[dict[str, Any]]:
    parts = EPISODE_EXTENSIONS
    a = ep.admission
    out = [
        complex_extension(
            ADMISSION_URL,
            parts[ADMISSION_URL],
            {"entryRoute": a.entry_route, "referralSource": a.referral_source, "fromLevel": a.from_level_code},
        )
    ]
    out += [
        complex_extension(
            LEVEL_URL,
            parts[LEVEL_URL],
            {
                "level": p.level_code,
                "period": (p.start, p.end),
                "recommendedLevel": p.recommended_code,
                "authorizedLevel": p.authorized_code,
                "reason": p.reason,
            },
        )
        for p in ep.levels
    ]
    out += [
        complex_extension(
            PHASE_URL,
            parts[PHASE_URL],
            {
                "phase": p.phase,
                "period": (p.start, p.end),
                "daysPerWeek": p.days_per_week,
                "hoursPerWeek": p.hours_per_week,
            },
        )
        for p in ep.phases
    ]
    out += [
        complex_extension(
            AUTHORIZATION_URL,
            parts[AUTHORIZATION_URL],
            {
                "id": z.id,
                "payer": z.payer,
                "level": z.level_code,
                "amount": z.amount,
                "unit": z.unit,
                "period": (z.dates.first, z.dates.last),
                "nextReview": z.next_review_on,
            },
        )
        for z in ep.authorizations
    ]
    if ep.discharge is not None:
        d = ep.discharge
        out.append(
            complex_extension(
                DISCHARGE_URL,
                parts[DISCHARGE_URL],
                {"reason": d.reason, "continuingCare": d.continuing_care, "referredLevel": d.referred_level_code},
            )
        )
    return out


ROOT = "$.resource"


@f.guard
def episode_from_fhir(resource: Mapping[str, Any], references: References) -> Episode:
    """The :class:`~iopcore.episodes.Episode` an R4 EpisodeOfCare written by :func:`episode_to_fhir` describes.

    Reads the standard elements and iopcore's extensions; other extensions are ignored. The
    episode's id is the identifier of the map's episode system, or, for an EpisodeOfCare another
    system wrote, its logical ``id``. Refused, with the path of the element: not R4 (anything the
    readers' R4 check refuses, a status outside R4's codes, malformed dates or periods), not an
    iopcore episode (a status other than active, onhold or finished, no admission date), incomplete
    (one error listing each of the admission's entry route and referral source, the level-of-care
    history and, once finished, the discharge's reason that the document lacks: R4 has no element
    for them, so a third-party EpisodeOfCare without iopcore's extensions is refused so), a patient
    the map does not hold, and content that makes no valid episode.
    """
    node = j.resource(resource, "EpisodeOfCare", ROOT)
    status = j.code(node, "status", ROOT, EPISODE_STATUSES, required=True)
    if status not in ("active", "onhold", "finished"):
        raise j.fail(ROOT + ".status", "expected active, onhold or finished for an iopcore episode", "status")
    episode_id = read_identifier(node, identifier_system(references.identifier_base, "episode"), ROOT, or_id=True)
    patient = read_reference(node, "patient", ROOT, references, ReferenceKind.PATIENT, required=True)
    start, end = read_period(node.get("period"), ROOT + ".period") if "period" in node else (None, None)
    if start is None:
        raise j.fail(ROOT + ".period.start", "expected the admission date as period.start, got none", "missing")
    found: dict[str, list[tuple[dict[str, Any], str]]] = {url: [] for url in EPISODE_EXTENSIONS}
    for ext, here in j.extensions(node, ROOT):
        if ext["url"] in found:
            found[ext["url"]].append((read_complex(ext, here, EPISODE_EXTENSIONS[ext["url"]]), here))
    for url in (ADMISSION_URL, DISCHARGE_URL):
        if len(found[url]) > 1:
            raise j.fail(found[url][1][1], f"expected the extension {url} at most once, got it twice", "cardinality")
    _complete(found, status == "finished" or end is not None)
    discharged = found[DISCHARGE_URL]
    if (status == "finished") != bool(discharged) or (end is not None) != bool(discharged):
        raise j.fail(
            ROOT + ".status",
            "expected status finished, a period end and the discharge extension together (or none of them)",
            "discharge",
        )
    levels = [
        build(LevelPeriod, here, level_code=v["level"], start=v["period"][0], end=v["period"][1],
               recommended_code=v["recommendedLevel"], authorized_code=v["authorizedLevel"], reason=v["reason"] or "")
        for v, here in found[LEVEL_URL]
    ]  # fmt: skip
    phases = [
        build(PhasePeriod, here, phase=IopPhase(v["phase"]), start=v["period"][0], end=v["period"][1],
               days_per_week=v["daysPerWeek"], hours_per_week=v["hoursPerWeek"])
        for v, here in found[PHASE_URL]
    ]  # fmt: skip
    authorizations = [
        build(Authorization, here, id=v["id"], payer=v["payer"], level_code=v["level"], amount=v["amount"],
               unit=AuthorizationUnit(v["unit"]), dates=build(DateRange, here, first=v["period"][0],
               last=_end(v["period"][1], here)), next_review_on=v["nextReview"])
        for v, here in found[AUTHORIZATION_URL]
    ]  # fmt: skip
    (adm, adm_path), first = found[ADMISSION_URL][0], levels[0]
    admission = build(Admission, adm_path, on=start, level_code=first.level_code,
                       entry_route=EntryRoute(adm["entryRoute"]), referral_source=adm["referralSource"],
                       from_level_code=adm["fromLevel"])  # fmt: skip
    discharge = None
    if discharged:
        d, here = discharged[0]
        discharge = build(Discharge, here, on=end, reason=DischargeReason(d["reason"]),
                           continuing_care=d["continuingCare"] or "", referred_level_code=d["referredLevel"])  # fmt: skip
    episode: Episode = build(Episode, ROOT, id=episode_id, patient_id=patient, admission=admission, levels=tuple(levels),
                  phases=tuple(phases), authorizations=tuple(authorizations), discharge=discharge)  # fmt: skip
    return episode


_MISSING = {
    ADMISSION_URL: "the admission's entry route and referral source",
    LEVEL_URL: "the level-of-care history (a level and its dates at least)",
    DISCHARGE_URL: "the discharge's reason",
}


def _complete(found: Mapping[str, list[Any]], ended: bool) -> None:
    """Refuse an EpisodeOfCare that lacks what R4 has no element for and an Episode needs, naming each."""
    needed = [ADMISSION_URL, LEVEL_URL] + ([DISCHARGE_URL] if ended else [])
    missing = [
        ErrorItem(
            path=ROOT + ".extension",
            message=f"expected {_MISSING[url]} in iopcore's extension {url} (R4 EpisodeOfCare has no element for "
            "it; another system's EpisodeOfCare describes no complete iopcore episode without it), got none",
            rule="incomplete",
        )
        for url in needed
        if not found[url]
    ]
    if missing:
        raise InvalidDataError(missing, type_name="FHIR R4 resource")


def _end(day: Any, path: str) -> Any:
    if day is None:
        raise j.fail(path, "expected the authorization's last date as its period's end, got none", "missing")
    return day


def build(cls: type[Any], path: str, **values: Any) -> Any:
    """``cls(**values)``, its errors re-stated at *path* (the FHIR element the values came from)."""
    try:
        return cls(**values)
    except InvalidDataError as exc:
        raise InvalidDataError(
            (
                ErrorItem(path=path, message=f"describes no valid {cls.__name__} ({e.path}: {e.message})", rule=e.rule)
                for e in exc.errors
            ),
            type_name="FHIR R4 resource",
        ) from None
