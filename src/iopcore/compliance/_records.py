"""Compliance records: what happened to a patient, as values (no I/O).

Every datetime is time-zone aware; a record's *date* is the calendar date of
its datetime in its own UTC offset. Patient ids and record ids are identifiers
(PHI fields, redacted in ``repr`` and never in an error message): record ids are
opaque keys chosen by the application, often derived from the patient's, and
they must be unique across one :class:`ComplianceRecords` bundle because
findings cite them as evidence.

Plan events and admissions are deliberately small here: the treatment-plan and
episode module (issue 5) will provide converters from its plan histories and
episodes of care into :class:`PlanEvent` and :class:`AdmissionRecord` records.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypeVar, final

import attrs

from iopcore import _fields as f
from iopcore.compliance._analytes import SpecimenType, as_codes, code_field, code_set_field, each_identifier
from iopcore.compliance._measurement_records import MeasurementRecord
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError, type_name
from iopcore.times import DateRange, Minutes

__all__ = [
    "AdmissionRecord",
    "AnalyteResult",
    "AttendanceRecord",
    "AttendanceStatus",
    "Certification",
    "CertificationKind",
    "ComplianceRecords",
    "DrugTest",
    "DrugTestStatus",
    "GroupAttendance",
    "MedicationAdministration",
    "PayerAuthorization",
    "PlanEvent",
    "PlanEventKind",
    "Prescription",
    "RosterEntry",
    "SpecimenValidity",
    "TestMethod",
]


class AttendanceStatus(enum.StrEnum):
    """What happened to one patient at one session occurrence."""

    ATTENDED = "attended"
    LATE = "late"
    LEFT_EARLY = "left_early"
    ABSENT = "absent"
    """Absent without an excuse."""
    EXCUSED = "excused"
    """Absent with an excuse the program accepts."""

    @property
    def present(self) -> bool:
        """Whether the patient was there (attended, late or left early)."""
        return self in PRESENT_STATUSES


PRESENT_STATUSES = frozenset({AttendanceStatus.ATTENDED, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY})


class TestMethod(enum.StrEnum):
    """How an analyte was measured."""

    __test__ = False  # not a pytest test class

    SCREEN = "screen"
    """Initial test (e.g. immunoassay)."""
    CONFIRMATION = "confirmation"
    """Confirmatory test (e.g. GC-MS or LC-MS/MS)."""


class DrugTestStatus(enum.StrEnum):
    """Whether a scheduled test was collected."""

    COLLECTED = "collected"
    MISSED = "missed"
    REFUSED = "refused"


class PlanEventKind(enum.StrEnum):
    """A step in a treatment plan's life."""

    CREATED = "created"
    SIGNED = "signed"
    REVIEWED = "reviewed"


class CertificationKind(enum.StrEnum):
    """A physician's certification or recertification of need (e.g. Medicare IOP)."""

    CERTIFICATION = "certification"
    RECERTIFICATION = "recertification"


_MAX_OCCURRENCE_ID = 160
"""The longest occurrence id a record holds: any :attr:`iopcore.schedule.Occurrence.id` (at most 143) fits."""


def _record_id() -> Any:
    return f.phi_field(validator=f.text(max_length=128))


def _patient_id() -> Any:
    return f.phi_field(validator=f.text(max_length=128))


def _minutes_field() -> Any:
    return attrs.field(validator=f.instance(Minutes, "a Minutes"))


def _after(owner: object, start: datetime, end: datetime, path: str) -> None:
    if end <= start:
        raise f.fail(path, "expected an end after the start, got an end at or before the start", "order", owner)


@final
@f.compact_pickle
@attrs.frozen(kw_only=True)
class AdmissionRecord:
    """An episode of care at the program: admitted, and discharged once it ends."""

    id: str = _record_id()
    patient_id: str = _patient_id()
    admitted_at: datetime = attrs.field(validator=f.aware_datetime())
    discharged_at: datetime | None = attrs.field(default=None, validator=f.optional(f.aware_datetime()))

    def __attrs_post_init__(self) -> None:
        if self.discharged_at is not None:
            _after(self, self.admitted_at, self.discharged_at, "$.discharged_at")

    @f.guard
    def days(self, as_of: date) -> DateRange | None:
        """The episode's dates up to discharge or *as_of* (``None`` if admitted after *as_of*)."""
        first = self.admitted_at.date()
        last = as_of if self.discharged_at is None else min(as_of, self.discharged_at.date())
        return DateRange(first=first, last=last) if last >= first else None


@final
@f.compact_pickle
@attrs.frozen(kw_only=True)
class AttendanceRecord:
    """One patient at one session occurrence.

    ``attended_minutes`` counts towards weekly hours; absences (excused or not)
    have zero attended minutes.
    """

    id: str = _record_id()
    patient_id: str = _patient_id()
    occurrence_id: str = f.phi_field(validator=f.text(max_length=_MAX_OCCURRENCE_ID))
    """The session occurrence (one meeting of a group or one individual session): an identifier, as an
    individual session's is one patient's, so ``repr`` redacts it."""
    component_id: str = attrs.field(validator=f.identifier())
    """The program component, e.g. ``"group_therapy"``."""
    start: datetime = attrs.field(validator=f.aware_datetime())
    end: datetime = attrs.field(validator=f.aware_datetime())
    scheduled_minutes: Minutes = _minutes_field()
    attended_minutes: Minutes = _minutes_field()
    status: AttendanceStatus = attrs.field(validator=f.enum_member(AttendanceStatus))

    def __attrs_post_init__(self) -> None:
        _after(self, self.start, self.end, "$.end")
        if self.status not in PRESENT_STATUSES and self.attended_minutes.value != 0:
            raise f.fail(
                "$.attended_minutes",
                "expected 0 attended minutes for an absent or excused status, got a positive Minutes",
                "absent_minutes",
                self,
            )

    @property
    def day(self) -> date:
        """The calendar date of the session (in the start's own offset)."""
        return self.start.date()

    @property
    def present(self) -> bool:
        """Whether the patient was there (attended, late or left early)."""
        return self.status in PRESENT_STATUSES


@final
@attrs.frozen(kw_only=True)
class RosterEntry:
    """One patient on a group session's roster."""

    record_id: str = _record_id()
    """The id the fanned-out :class:`AttendanceRecord` will carry (an identifier: ``repr`` redacts it)."""
    patient_id: str = _patient_id()
    status: AttendanceStatus = attrs.field(validator=f.enum_member(AttendanceStatus))
    attended_minutes: Minutes = _minutes_field()


@final
@attrs.frozen(kw_only=True)
class GroupAttendance:
    """A group session recorded once, with its roster; :meth:`fan_out` gives per-patient records."""

    occurrence_id: str = f.phi_field(validator=f.text(max_length=_MAX_OCCURRENCE_ID))
    """The group meeting (an identifier like the records' own: ``repr`` redacts it)."""
    component_id: str = attrs.field(validator=f.identifier())
    start: datetime = attrs.field(validator=f.aware_datetime())
    end: datetime = attrs.field(validator=f.aware_datetime())
    scheduled_minutes: Minutes = _minutes_field()
    roster: tuple[RosterEntry, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(RosterEntry))

    def __attrs_post_init__(self) -> None:
        _after(self, self.start, self.end, "$.end")
        try:
            f.unique_by(self.roster, lambda e: e.patient_id, path="$.roster", what="patient on the roster")
            f.unique_by(self.roster, lambda e: e.record_id, path="$.roster", what="record id")
        except InvalidDataError as exc:
            raise InvalidDataError(exc.errors, type_name="GroupAttendance") from None
        self._fan_out()  # every entry must make a valid record (e.g. absent with 0 minutes)

    @f.guard
    def fan_out(self) -> tuple[AttendanceRecord, ...]:
        """One :class:`AttendanceRecord` per roster entry, in roster order."""
        return self._fan_out()

    def _fan_out(self) -> tuple[AttendanceRecord, ...]:
        out: list[AttendanceRecord] = []
        for i, entry in enumerate(self.roster):
            try:
                out.append(
                    AttendanceRecord(
                        id=entry.record_id,
                        patient_id=entry.patient_id,
                        occurrence_id=self.occurrence_id,
                        component_id=self.component_id,
                        start=self.start,
                        end=self.end,
                        scheduled_minutes=self.scheduled_minutes,
                        attended_minutes=entry.attended_minutes,
                        status=entry.status,
                    )
                )
            except InvalidDataError as exc:
                raise exc.under(f"$.roster[{i}]") from None
        return tuple(out)


@final
@f.compact_pickle
@attrs.frozen(kw_only=True)
class AnalyteResult:
    """One analyte's measured concentration (ng/mL) by one method; *analyte* is a catalog code (see :class:`Analyte`)."""

    analyte: str = code_field()
    concentration_ng_ml: float = attrs.field(converter=f.to_float, validator=f.number(min_value=0))
    method: TestMethod = attrs.field(validator=f.enum_member(TestMethod))


def _measure(*, max_value: float | None = None) -> Any:
    return attrs.field(
        default=None,
        converter=attrs.converters.optional(f.to_float),
        validator=f.optional(f.number(min_value=0, max_value=max_value)),
    )


@final
@f.compact_pickle
@attrs.frozen(kw_only=True)
class SpecimenValidity:
    """Specimen validity measurements; ``None`` means not measured."""

    creatinine_mg_dl: float | None = _measure()
    specific_gravity: float | None = _measure()
    ph: float | None = _measure(max_value=14)
    nitrite_mcg_ml: float | None = _measure()
    temperature_c: float | None = _measure(max_value=100)
    adulterant_detected: bool = attrs.field(default=False, validator=f.boolean())
    """The lab found an exogenous adulterant (e.g. an oxidant)."""


@final
@f.compact_pickle
@attrs.frozen(kw_only=True)
class DrugTest:
    """A drug test: when collected, on what specimen, whether observed, validity and per-analyte results.

    A ``missed`` or ``refused`` test has no results. Specimen-validity
    measurements are urine measurements; an oral-fluid test leaves them unset.
    """

    id: str = _record_id()
    patient_id: str = _patient_id()
    collected_at: datetime = attrs.field(validator=f.aware_datetime())
    """When the specimen was collected (or the test was due, for a missed or refused test)."""
    status: DrugTestStatus = attrs.field(default=DrugTestStatus.COLLECTED, validator=f.enum_member(DrugTestStatus))
    observed: bool = attrs.field(default=False, validator=f.boolean())
    specimen: SpecimenType = attrs.field(default=SpecimenType.URINE, validator=f.enum_member(SpecimenType))
    validity: SpecimenValidity = attrs.field(
        factory=SpecimenValidity, validator=f.instance(SpecimenValidity, "a SpecimenValidity")
    )
    results: tuple[AnalyteResult, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(AnalyteResult)
    )

    def __attrs_post_init__(self) -> None:
        if self.status is not DrugTestStatus.COLLECTED and self.results:
            raise f.fail(
                "$.results", "expected no results for a missed or refused test, got results", "no_results", self
            )
        try:
            f.unique_by(self.results, lambda r: (r.analyte, r.method), path="$.results", what="analyte and method")
        except InvalidDataError as exc:
            raise InvalidDataError(exc.errors, type_name="DrugTest") from None

    @property
    def day(self) -> date:
        """The calendar date of collection."""
        return self.collected_at.date()


@final
@f.compact_pickle
@attrs.frozen(kw_only=True)
class MedicationAdministration:
    """A dose given or dispensed; ``expected_analytes`` (catalog codes) are what a test should then show."""

    id: str = _record_id()
    patient_id: str = _patient_id()
    medication: str = attrs.field(validator=f.text(max_length=200))
    administered_at: datetime = attrs.field(validator=f.aware_datetime())
    expected_analytes: frozenset[str] = code_set_field()


@final
@f.compact_pickle
@attrs.frozen(kw_only=True)
class Prescription:
    """A medication the patient is prescribed over ``dates`` (e.g. buprenorphine for opioid use disorder).

    A drug test collected on one of ``dates`` is expected to show every code in
    ``expected_analytes`` (the medication and the metabolites the program's lab
    reports, e.g. buprenorphine and norbuprenorphine): an expected analyte found
    negative is reported as "expected medication not detected", and a positive
    for one of them is reported as explained by the prescription, not as use.
    """

    id: str = _record_id()
    patient_id: str = _patient_id()
    medication: str = attrs.field(validator=f.text(max_length=200))
    dates: DateRange = attrs.field(validator=f.instance(DateRange, "a DateRange"))
    expected_analytes: frozenset[str] = attrs.field(converter=as_codes, validator=each_identifier, repr=f.set_repr)

    def __attrs_post_init__(self) -> None:
        if not self.expected_analytes:
            raise f.fail("$.expected_analytes", "expected at least one analyte code, got an empty set", "empty", self)


@final
@f.compact_pickle
@attrs.frozen(kw_only=True)
class PlanEvent:
    """A treatment-plan event: created, signed or reviewed (issue 5's plan histories convert to these)."""

    id: str = _record_id()
    patient_id: str = _patient_id()
    plan_id: str = f.phi_field(validator=f.text(max_length=128))
    """The patient's plan (an identifier: ``repr`` redacts it)."""
    kind: PlanEventKind = attrs.field(validator=f.enum_member(PlanEventKind))
    occurred_at: datetime = attrs.field(validator=f.aware_datetime())


def _cap_field() -> Any:
    return attrs.field(
        default=None, converter=attrs.converters.optional(f.to_int), validator=f.optional(f.integer(min_value=0))
    )


@final
@f.compact_pickle
@attrs.frozen(kw_only=True)
class PayerAuthorization:
    """A payer's authorization of services over a date range, capped as the authorization states.

    An authorization may count units (services), service days (dates with at
    least one attended service) or calendar days (from ``dates.first``, whether
    or not the patient attends); each cap it states applies, and ``None`` is no
    cap of that kind.
    """

    id: str = _record_id()
    patient_id: str = _patient_id()
    payer: str = attrs.field(validator=f.text(max_length=200))
    dates: DateRange = attrs.field(validator=f.instance(DateRange, "a DateRange"))
    authorized_services: int | None = _cap_field()
    """How many services (units: attended sessions) are authorized; ``None`` for no cap."""
    authorized_service_days: int | None = _cap_field()
    """How many days with services are authorized; ``None`` for no cap."""
    authorized_calendar_days: int | None = _cap_field()
    """How many calendar days from ``dates.first`` are authorized (day 1 is ``dates.first``); ``None`` for no cap."""


@final
@f.compact_pickle
@attrs.frozen(kw_only=True)
class Certification:
    """A physician's certification or recertification that the patient needs the service."""

    id: str = _record_id()
    patient_id: str = _patient_id()
    kind: CertificationKind = attrs.field(validator=f.enum_member(CertificationKind))
    signed_on: date = attrs.field(validator=f.calendar_date())


def _records_field(member: type) -> Any:
    return attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(member))


_KINDS = (
    "admissions",
    "attendance",
    "drug_tests",
    "medications",
    "prescriptions",
    "plan_events",
    "authorizations",
    "certifications",
    "measurements",
)


@final
@attrs.frozen(kw_only=True)
class ComplianceRecords:
    """Every record a compliance evaluation looks at, for one or many patients.

    Record ids are unique across the whole bundle (findings cite them).
    ``closures`` are dates the program was closed (holidays, weather); they
    apply to every patient.
    """

    admissions: tuple[AdmissionRecord, ...] = _records_field(AdmissionRecord)
    attendance: tuple[AttendanceRecord, ...] = _records_field(AttendanceRecord)
    drug_tests: tuple[DrugTest, ...] = _records_field(DrugTest)
    medications: tuple[MedicationAdministration, ...] = _records_field(MedicationAdministration)
    prescriptions: tuple[Prescription, ...] = _records_field(Prescription)
    plan_events: tuple[PlanEvent, ...] = _records_field(PlanEvent)
    authorizations: tuple[PayerAuthorization, ...] = _records_field(PayerAuthorization)
    certifications: tuple[Certification, ...] = _records_field(Certification)
    measurements: tuple[MeasurementRecord, ...] = _records_field(MeasurementRecord)
    """Instruments administered (for the measurement-schedule rule)."""
    closures: tuple[DateRange, ...] = _records_field(DateRange)

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        errors: list[ErrorItem] = []
        for kind in _KINDS:
            for i, record in enumerate(getattr(self, kind)):
                if record.id in seen:
                    errors.append(ErrorItem(path=f"$.{kind}[{i}].id", message="duplicate record id", rule="unique"))
                seen.add(record.id)
        if errors:
            raise InvalidDataError(errors, type_name="ComplianceRecords")

    def __reduce__(self) -> tuple[Any, ...]:
        # Column by column (see iopcore._fields._pickle): a fraction of the size and time of a pickle per record.
        kinds = tuple(
            (kind, _KIND_CLASSES[kind], f.columns_of(_KIND_CLASSES[kind], getattr(self, kind))) for kind in _KINDS
        )
        return _records_from_columns, (kinds, self.closures)

    @classmethod
    @f.guard
    def of(cls, records: Iterable[object], *, closures: Iterable[DateRange] = ()) -> ComplianceRecords:
        """Sort a mixed iterable of records (and :class:`GroupAttendance`, fanned out) into a bundle.

        Record ids must be unique across *records* (a group's roster entries included).
        """
        buckets: dict[str, list[object]] = {k: [] for k in _KINDS}
        errors: list[ErrorItem] = []
        seen: set[str] = set()

        def add(rid: str, path: str) -> None:
            if rid in seen:
                errors.append(ErrorItem(path=path, message="duplicate record id", rule="unique"))
            seen.add(rid)

        for i, record in enumerate(records):
            if isinstance(record, GroupAttendance):
                for j, entry in enumerate(record.roster):
                    add(entry.record_id, f"$.records[{i}].roster[{j}].record_id")
                buckets["attendance"].extend(record._fan_out())
                continue
            kind = _KIND_OF.get(type(record))
            if kind is None:
                errors.append(
                    ErrorItem(
                        path=f"$.records[{i}]",
                        message=f"expected a compliance record or a GroupAttendance, got {type_name(record)}",
                        rule="type",
                    )
                )
                continue
            add(record.id, f"$.records[{i}].id")  # type: ignore[attr-defined]
            buckets[kind].append(record)
        if errors:
            raise InvalidArgumentError(errors, callable="ComplianceRecords.of")
        return cls(closures=closures, **{k: tuple(v) for k, v in buckets.items()})  # type: ignore[arg-type]

    @property
    def ids(self) -> frozenset[str]:
        """Every record id in the bundle."""
        return frozenset(r.id for kind in _KINDS for r in getattr(self, kind))

    @property
    def patient_ids(self) -> tuple[str, ...]:
        """Every patient id that appears in a record, sorted."""
        return tuple(sorted({r.patient_id for kind in _KINDS for r in getattr(self, kind)}))

    def _single_patient(self) -> str | None:
        """The one patient id of the bundle, ``""`` if it is empty, ``None`` if there are several."""
        first: str | None = None
        for kind in _KINDS:
            for record in getattr(self, kind):
                if first is None:
                    first = record.patient_id
                elif record.patient_id != first:
                    return None
        return "" if first is None else first

    @f.guard
    def closed_days(self) -> frozenset[date]:
        """Every date in :attr:`closures`."""
        return self._closed_days()

    def _closed_days(self) -> frozenset[date]:
        return _closed_days(self.closures)

    @f.guard
    def by_patient(self) -> dict[str, ComplianceRecords]:
        """Split into one bundle per patient (closures go to every bundle), keyed by patient id."""
        return self._by_patient()

    def _by_patient(self) -> dict[str, ComplianceRecords]:
        last = _LAST_PART[0]
        if last is not None and last[0] is self:
            return {last[1]: self}
        only = self._single_patient()
        if only is not None:
            return {only: self} if only else {}
        pids = self.patient_ids
        groups: dict[str, dict[str, list[Any]]] = {pid: {k: [] for k in _KINDS} for pid in pids}
        for kind in _KINDS:
            for record in getattr(self, kind):
                groups[record.patient_id][kind].append(record)
        return {pid: _unchecked(self.closures, g) for pid, g in groups.items()}

    @f.guard
    def split(self, parts: int) -> tuple[ComplianceRecords, ...]:
        """At most *parts* bundles, each with whole patients (by patient id) and about as many records as the others.

        Closures go to every bundle. For evaluation across processes: evaluate each bundle and merge the
        reports with :func:`~iopcore.compliance.merge_reports`. A bundle without records gives itself.
        """
        if parts < 1:
            raise InvalidArgumentError(
                (ErrorItem(path="$.parts", message=f"expected an int >= 1, got {parts}", rule="range"),),
                callable="ComplianceRecords.split",
            )
        groups = self._by_patient()
        if not groups:
            return (self,)
        sizes = [sum(len(getattr(g, kind)) for kind in _KINDS) for g in groups.values()]
        total, count = sum(sizes), min(parts, len(sizes))
        out: list[ComplianceRecords] = []
        current: dict[str, list[Any]] = {kind: [] for kind in _KINDS}
        held = 0
        for i, (group, size) in enumerate(zip(groups.values(), sizes, strict=True)):
            for kind in _KINDS:
                current[kind].extend(getattr(group, kind))
            held += size
            left_patients, left_parts = len(sizes) - i - 1, count - len(out) - 1
            if left_parts and (left_patients == left_parts or held * count >= total * (len(out) + 1)):
                out.append(_unchecked(self.closures, current))
                current = {kind: [] for kind in _KINDS}
        out.append(_unchecked(self.closures, current))
        return tuple(out)

    def _parts(self) -> Iterator[tuple[str, ComplianceRecords]]:
        """:meth:`by_patient`'s items, each remembered while it is used so that rules need not re-scan it.

        Each patient's bundle is made when its turn comes and dropped after (only the grouped records are held
        ahead), so an evaluation keeps few bundles alive.
        """
        try:
            only = self._single_patient()
            if only is not None:
                if only:
                    _LAST_PART[0] = (self, only)
                    yield only, self
                return
            by: dict[str, list[list[Any]]] = {}
            count = len(_KINDS)
            for k, kind in enumerate(_KINDS):
                for record in getattr(self, kind):
                    lists = by.get(record.patient_id)
                    if lists is None:
                        lists = by[record.patient_id] = [[] for _ in range(count)]
                    lists[k].append(record)
            for pid in sorted(by):
                part = _unchecked(self.closures, dict(zip(_KINDS, by.pop(pid), strict=True)))
                _LAST_PART[0] = (part, pid)
                yield pid, part
        finally:
            _LAST_PART[0] = None


@functools.lru_cache(maxsize=16)
def _closed_days(closures: tuple[DateRange, ...]) -> frozenset[date]:
    """The dates of *closures* (every patient's bundle shares them: cached, speed only)."""
    return frozenset(r.first + timedelta(days=i) for r in closures for i in range((r.last - r.first).days + 1))


# The single-patient bundle being evaluated, and its patient: a one-entry cache
# that spares each rule a scan of the bundle in ``by_patient`` (speed only; it
# holds the bundle itself, so an identity match is always the same bundle).
_LAST_PART: list[tuple[ComplianceRecords, str] | None] = [None]


T = TypeVar("T")


def trusted(cls: type[T], **values: Any) -> T:
    """Build a value of the attrs class *cls* from values iopcore computed itself, skipping validation.

    Only for results derived from already validated inputs (findings, readings,
    summaries), where re-validating every field would dominate evaluation time;
    every field must be given, with its exact type. The tests re-validate such
    results.
    """
    obj = object.__new__(cls)
    setters = _SETTERS.get(cls)
    if setters is None:
        setters = _SETTERS[cls] = {a.name: getattr(cls, a.name).__set__ for a in attrs.fields(cls)}  # type: ignore[arg-type]
    for name, value in values.items():
        setters[name](obj, value)
    return obj


_SETTERS: dict[type, dict[str, Callable[[object, object], None]]] = {}


def _unchecked(closures: tuple[DateRange, ...], groups: Mapping[str, Sequence[Any]]) -> ComplianceRecords:
    """A sub-bundle of an already validated bundle (ids are unique already: skip the checks)."""
    bundle = object.__new__(ComplianceRecords)
    setter: Callable[[object, str, object], None] = object.__setattr__
    for kind, items in groups.items():
        setter(bundle, kind, tuple(items))
    setter(bundle, "closures", closures)
    return bundle


_KIND_OF: dict[type, str] = {
    AdmissionRecord: "admissions",
    AttendanceRecord: "attendance",
    DrugTest: "drug_tests",
    MedicationAdministration: "medications",
    Prescription: "prescriptions",
    PlanEvent: "plan_events",
    PayerAuthorization: "authorizations",
    Certification: "certifications",
    MeasurementRecord: "measurements",
}

_KIND_CLASSES: dict[str, type] = {kind: cls for cls, kind in _KIND_OF.items()}


def _records_from_columns(
    kinds: tuple[tuple[str, type, Any], ...], closures: tuple[DateRange, ...]
) -> ComplianceRecords:
    """A bundle from :meth:`ComplianceRecords.__reduce__`'s columns (it was valid when pickled: no checks)."""
    return _unchecked(closures, {kind: f.rows_of(cls, columns) for kind, cls, columns in kinds})
