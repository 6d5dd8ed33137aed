"""The schema of every table: its columns, their dtypes and units, and where each value lives in a record.

A table has one row per value (a finding, a week summary, an attendance record …), except the
score-series table (one row per score, with the series' position) and the analyte-results table
(one row per analyte result of a drug test, keyed by the test's id). Column names are snake_case;
a nested value is spelled out with its field's name as a prefix (``period_first``,
``validity_ph``); patient ids are always in ``patient_id``.
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore.assessment import ChangeAssessment, DatedScore, InstrumentScore, ScoreSeries, Trajectory
from iopcore.compliance import (
    AdmissionRecord,
    AnalyteResult,
    AttendanceRecord,
    AttendanceStatus,
    Certification,
    CertificationKind,
    DrugTest,
    DrugTestStatus,
    Finding,
    MeasurementRecord,
    MedicationAdministration,
    PayerAuthorization,
    PlanEvent,
    PlanEventKind,
    Prescription,
    Severity,
    SpecimenType,
    TestMethod,
    WeekSummary,
)
from iopcore.schedule import Assignment, Occurrence, OfferingOccupancy, Unscheduled
from iopcore.sources import Evidence

__all__ = ["Column", "DType"]


class DType(enum.StrEnum):
    """The logical type of a column, the same in :func:`~iopcore.tables.columns`, pandas, polars and Spark.

    * ``str``: ``str`` values; pandas' default string dtype, polars ``String``, Spark ``string``.
    * ``int``: ``int``; pandas ``int64`` (``Int64`` when nullable), polars ``Int64``, Spark ``bigint``.
    * ``number``: ``int`` or ``float``; pandas ``float64``, polars ``Float64``, Spark ``double``.
    * ``bool``: ``bool``; pandas ``bool`` (``boolean`` when nullable), polars ``Boolean``, Spark ``boolean``.
    * ``date``: ``datetime.date``; pandas ``datetime64[s]`` (midnight), polars ``Date``, Spark ``date``.
    * ``datetime``: aware ``datetime``; pandas ``datetime64[us, UTC]``, polars ``Datetime("us", "UTC")``,
      Spark ``timestamp``.
    * ``list[str]`` and ``list[int]``: tuples; pandas ``object`` (tuples), polars ``List``, Spark ``array``.
    * ``map[str,int]``: ``dict``; pandas ``object`` (dicts), polars ``List(Struct(key, value))``, Spark ``map``.

    Enum fields are ``str`` columns holding the enum's codes (``"attended"``, ``"violation"``);
    minutes are ``int`` columns (unit ``minutes``). Materialized datetimes keep their own UTC
    offset; pandas, polars and Spark hold the same instants in UTC.
    """

    STR = "str"
    INT = "int"
    NUMBER = "number"
    """An ``int`` or a ``float`` (a prorated total, a measured value)."""
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    STR_LIST = "list[str]"
    INT_LIST = "list[int]"
    INT_MAP = "map[str,int]"


@final
@attrs.frozen(kw_only=True)
class Column:
    """One column of a table: its name, dtype, whether it may hold ``None``, its unit and what it holds."""

    name: str = attrs.field(validator=f.identifier())
    dtype: DType = attrs.field(validator=f.enum_member(DType))
    nullable: bool = attrs.field(default=False, validator=f.boolean())
    unit: str | None = attrs.field(default=None, validator=f.optional(f.text(max_length=32)))
    description: str = attrs.field(default="", validator=f.instance(str, "a string"))
    derived: bool = attrs.field(default=False, validator=f.boolean())
    """Computed from the other columns (e.g. an offering's ``taken`` seats); ignored when records are built."""


# ----------------------------------------------------------------------------- how a column reads a record

Export = Callable[[Any], Any]
Reader = Callable[[Sequence[Any], list[list[Any]]], None]
"""Appends the raw values (before ``export``) of a chunk of rows to the columns' lists, in column order."""


@attrs.frozen
class Col:
    """A column and where its value lives: attribute paths into the record (several must agree) or a function."""

    column: Column
    paths: tuple[tuple[str, ...], ...]
    export: Export | None = None
    """Applied to each value read at the first path (enum codes, sorted sets, plain dicts)."""
    derive: Export | None = None
    """For derived columns: the value from the whole record."""


def _codes(kind: type[enum.Enum]) -> Export:
    """The code of a member of *kind*, or ``None`` (for an optional enum field)."""
    codes: dict[Any, Any] = {m: m.value for m in kind}
    codes[None] = None
    return codes.__getitem__


def _sorted_tuple(value: Any) -> Any:
    return tuple(sorted(value))


def _plain_dict(value: Any) -> Any:
    return dict(value)


def col(
    name: str,
    dtype: DType,
    *paths: str,
    nullable: bool = False,
    unit: str | None = None,
    doc: str = "",
    export: Export | None = None,
    enum_of: type[enum.Enum] | None = None,
) -> Col:
    """A column read from the record at *paths* (dotted; the name itself by default)."""
    spelled = tuple(tuple(p.split(".")) for p in (paths or (name,)))
    if enum_of is not None:
        if nullable:
            export = _codes(enum_of)
        else:  # the member's code read in the same pass as the member (``_value_``: enum's own attribute)
            spelled = tuple((*p, "_value_") for p in spelled)
        doc = doc or f"{enum_of.__name__} code: " + ", ".join(str(m.value) for m in enum_of)
    column = Column(name=name, dtype=dtype, nullable=nullable, unit=unit, description=doc)
    return Col(column, spelled, export)


def derived(name: str, dtype: DType, fn: Export, *, unit: str | None = None, doc: str = "") -> Col:
    """A column computed from the record (not read back when records are built)."""
    return Col(Column(name=name, dtype=dtype, unit=unit, description=doc, derived=True), (), None, fn)


@attrs.frozen
class Spec:
    """A table: the type of its rows and its columns, in order."""

    of: type
    name: str
    cols: tuple[Col, ...]
    prepare: Callable[[dict[str, list[Any]]], None] | None = None
    """Adjusts decoded columns before fields are checked (e.g. whole-number totals read back as floats)."""
    read: Reader | None = None
    """For the large tables, the paths written out: appends each column's raw values for a chunk of rows.

    CPython specializes an attribute spelled in the code (``[x.rule_id for x in rows]``) to a
    direct slot read, about twice as fast as an ``operator.attrgetter`` call per value (the
    generic lookup), and a project rule keeps ``exec`` out of the library, so the readers of
    the tables that reach 500,000 rows are written by hand. A test checks that each gives
    what its paths give."""

    @property
    def columns(self) -> tuple[Column, ...]:
        return tuple(c.column for c in self.cols)


S, INT, N, B = DType.STR, DType.INT, DType.NUMBER, DType.BOOL
D, T, SL, IL, M = DType.DATE, DType.DATETIME, DType.STR_LIST, DType.INT_LIST, DType.INT_MAP


def _id(doc: str = "the record's id") -> Col:
    return col("id", S, doc=doc)


def _pid() -> Col:
    return col("patient_id", S, doc="the patient's id (an identifier: tables are explicit exports)")


def _dates(prefix: str, what: str) -> tuple[Col, Col]:
    return (
        col(f"{prefix}_first", D, f"{prefix}.first", doc=f"first day of {what}"),
        col(f"{prefix}_last", D, f"{prefix}.last", doc=f"last day of {what} (inclusive)"),
    )


def _score(prefix: str) -> tuple[Col, ...]:
    return (
        col(f"{prefix}_on", D, f"{prefix}.on", doc=f"date of the {prefix} score"),
        col(f"{prefix}_total", N, f"{prefix}.total", unit="points", doc=f"the {prefix} total"),
        col(f"{prefix}_band", S, f"{prefix}.band", nullable=True, doc=f"the {prefix} score's band"),
    )


def _read_findings(rows: Sequence[Finding], out: list[list[Any]]) -> None:
    (rule_id, code, severity, pid, first, last, message, evidence, measured, threshold, unit) = out[:11]
    citation, urls, evidence_kind, note = out[11:]
    rule_id += [x.rule_id for x in rows]
    code += [x.code for x in rows]
    severity += [x.severity._value_ for x in rows]
    pid += [x.patient_id for x in rows]
    periods = [x.period for x in rows]
    first += [p.first for p in periods]
    last += [p.last for p in periods]
    message += [x.message for x in rows]
    evidence += [x.evidence for x in rows]
    measured += [x.measured for x in rows]
    threshold += [x.threshold for x in rows]
    unit += [x.unit for x in rows]
    sources = [x.citation for x in rows]
    citation += [s.citation for s in sources]
    urls += [s.urls for s in sources]
    evidence_kind += [s.evidence._value_ for s in sources]
    note += [s.note for s in sources]


def _read_weeks(rows: Sequence[WeekSummary], out: list[list[Any]]) -> None:
    pid, first, last, assessed, closures, minutes, days, attended, missed, tests = out
    pid += [x.patient_id for x in rows]
    weeks = [x.week for x in rows]
    first += [w.first for w in weeks]
    last += [w.last for w in weeks]
    assessed += [x.assessed_days for x in rows]
    closures += [x.closure_days for x in rows]
    minutes += [x.attended_minutes.value for x in rows]
    days += [x.days_attended for x in rows]
    attended += [x.sessions_attended for x in rows]
    missed += [x.sessions_missed for x in rows]
    tests += [x.tests_collected for x in rows]


FINDINGS = Spec(
    Finding,
    "findings",
    (
        col("rule_id", S, doc="the rule that found it"),
        col("code", S, doc="what was found, e.g. hours_below_minimum"),
        col("severity", S, enum_of=Severity),
        _pid(),
        *_dates("period", "the period the finding covers"),
        col("message", S, doc="the finding in words, with its numbers"),
        col("evidence", SL, doc="ids of the records it rests on"),
        col("measured", N, nullable=True, doc="the number measured; its unit in unit"),
        col("threshold", N, nullable=True, doc="the rule's limit it was compared with; its unit in unit"),
        col("unit", S, nullable=True, doc="unit of measured and threshold (minutes, days, ng/mL …)"),
        col("citation", S, "citation.citation", doc="the rule's source"),
        col("citation_urls", SL, "citation.urls", doc="the source's public URLs"),
        col("citation_evidence", S, "citation.evidence", enum_of=Evidence),
        col("citation_note", S, "citation.note", doc="caveats of the source"),
    ),
    read=_read_findings,
)

WEEKS = Spec(
    WeekSummary,
    "week_summaries",
    (
        _pid(),
        *_dates("week", "the ISO week (Monday to Sunday)"),
        col("assessed_days", INT, unit="days", doc="days inside the episode and the report's period"),
        col("closure_days", INT, unit="days"),
        col("attended_minutes", INT, "attended_minutes.value", unit="minutes"),
        col("days_attended", INT, unit="days"),
        col("sessions_attended", INT, unit="sessions"),
        col("sessions_missed", INT, unit="sessions", doc="absent or excused"),
        col("tests_collected", INT, unit="tests"),
    ),
    read=_read_weeks,
)

ATTENDANCE = Spec(
    AttendanceRecord,
    "attendance",
    (
        _id(),
        _pid(),
        col("occurrence_id", S, doc="the session occurrence (an identifier)"),
        col("component_id", S, doc="the program component, e.g. group_therapy"),
        col("start", T),
        col("end", T),
        col("scheduled_minutes", INT, "scheduled_minutes.value", unit="minutes"),
        col("attended_minutes", INT, "attended_minutes.value", unit="minutes"),
        col("status", S, enum_of=AttendanceStatus),
    ),
)

ADMISSIONS = Spec(
    AdmissionRecord,
    "admissions",
    (_id(), _pid(), col("admitted_at", T), col("discharged_at", T, nullable=True, doc="None while in care")),
)

DRUG_TESTS = Spec(
    DrugTest,
    "drug_tests",
    (
        _id(),
        _pid(),
        col("collected_at", T, doc="collected (or due, for a missed or refused test)"),
        col("status", S, enum_of=DrugTestStatus),
        col("observed", B),
        col("specimen", S, enum_of=SpecimenType),
        col("validity_creatinine_mg_dl", N, "validity.creatinine_mg_dl", nullable=True, unit="mg/dL"),
        col("validity_specific_gravity", N, "validity.specific_gravity", nullable=True),
        col("validity_ph", N, "validity.ph", nullable=True, unit="pH"),
        col("validity_nitrite_mcg_ml", N, "validity.nitrite_mcg_ml", nullable=True, unit="mcg/mL"),
        col("validity_temperature_c", N, "validity.temperature_c", nullable=True, unit="degC"),
        col("validity_adulterant_detected", B, "validity.adulterant_detected"),
        derived("result_count", INT, lambda t: len(t.results), doc="rows of this test in the analyte-results table"),
    ),
)

ANALYTE_RESULTS = Spec(
    AnalyteResult,
    "analyte_results",
    (
        col("drug_test_id", S, doc="the drug test's id (the analyte results of a test, in its order)"),
        col("patient_id", S, doc="the patient's id (an identifier); context, not read back"),
        col("analyte", S, doc="analyte code from the ANALYTES catalog"),
        col("concentration_ng_ml", N, unit="ng/mL"),
        col("method", S, enum_of=TestMethod),
    ),
)

MEDICATIONS = Spec(
    MedicationAdministration,
    "medications",
    (
        _id(),
        _pid(),
        col("medication", S),
        col("administered_at", T),
        col("expected_analytes", SL, export=_sorted_tuple, doc="analyte codes, sorted"),
    ),
)

PRESCRIPTIONS = Spec(
    Prescription,
    "prescriptions",
    (
        _id(),
        _pid(),
        col("medication", S),
        *_dates("dates", "the prescription"),
        col("expected_analytes", SL, export=_sorted_tuple, doc="analyte codes, sorted"),
    ),
)

PLAN_EVENTS = Spec(
    PlanEvent,
    "plan_events",
    (_id(), _pid(), col("plan_id", S), col("kind", S, enum_of=PlanEventKind), col("occurred_at", T)),
)

AUTHORIZATIONS = Spec(
    PayerAuthorization,
    "authorizations",
    (
        _id(),
        _pid(),
        col("payer", S),
        *_dates("dates", "the authorization"),
        col("authorized_services", INT, nullable=True, unit="services", doc="None: no cap"),
        col("authorized_service_days", INT, nullable=True, unit="days", doc="None: no cap"),
        col("authorized_calendar_days", INT, nullable=True, unit="days", doc="None: no cap"),
    ),
)

CERTIFICATIONS = Spec(
    Certification,
    "certifications",
    (_id(), _pid(), col("kind", S, enum_of=CertificationKind), col("signed_on", D)),
)

MEASUREMENTS = Spec(
    MeasurementRecord,
    "measurements",
    (_id(), _pid(), col("instrument", S), col("on", D)),
)


def _whole_totals(data: dict[str, list[Any]]) -> None:
    """A total that is not prorated is an ``int``: frames hold totals as floats (``12.0`` reads as ``12``)."""
    totals, prorated = data.get("total"), data.get("prorated")
    if totals is None or prorated is None:
        return
    data["total"] = [
        int(t) if p is False and isinstance(t, float) and t.is_integer() else t
        for t, p in zip(totals, prorated, strict=False)
    ]


INSTRUMENT_SCORES = Spec(
    InstrumentScore,
    "instrument_scores",
    (
        col("instrument", S),
        col("total", N, unit="points", doc="an int, or a float exactly when prorated"),
        col("band", S, nullable=True),
        col("positive", B, nullable=True, doc="None where the instrument has no cut-off"),
        col("flags", SL, export=_sorted_tuple, doc="flag names, sorted"),
        col("prorated", B),
        col("scheme", S, nullable=True),
        col("cutoff", INT, nullable=True, unit="points"),
        col("item_scores", IL, unit="points", doc="points per item; None for a prorated missing item"),
        col("subscores", M, export=_plain_dict, unit="points"),
        col("reading", S, nullable=True),
        col("uncounted", IL, doc="item numbers answered but left out by a skip rule"),
    ),
    _whole_totals,
)

DATED_SCORES = Spec(
    DatedScore,
    "dated_scores",
    (
        _pid(),
        col("instrument", S),
        col("on", D),
        col("total", N, unit="points"),
        col("band", S, nullable=True),
    ),
)

SCORE_SERIES = Spec(
    ScoreSeries,
    "score_series",
    (col("series", INT, doc="position of the series in the input (its scores share it)"), *DATED_SCORES.cols),
)

CHANGE_ASSESSMENTS = Spec(
    ChangeAssessment,
    "change_assessments",
    (
        col(
            "patient_id",
            S,
            "baseline.patient_id",
            "latest.patient_id",
            doc="the patient's id (an identifier: tables are explicit exports)",
        ),
        col("instrument", S, "instrument", "baseline.instrument", "latest.instrument"),
        *_score("baseline"),
        *_score("latest"),
        col("change", N, unit="points", doc="latest total minus baseline total"),
        col("trajectory", S, enum_of=Trajectory),
        col("index", N, nullable=True, doc="reliable change index; None when not evaluated"),
        col("threshold", N, nullable=True, unit="points", doc="reliable-change threshold applied"),
        col("clinically_significant", B, nullable=True),
        col("response", B, nullable=True),
        col("remission", B, nullable=True),
        col("reasons", SL),
    ),
)

ASSIGNMENTS = Spec(
    Assignment,
    "assignments",
    (
        col("patient_id", S, "patient", doc="the patient's id (an identifier: tables are explicit exports)"),
        col("sessions", SL, doc="offering ids of the week, sorted"),
        col("cost", INT),
    ),
)

UNSCHEDULED = Spec(
    Unscheduled,
    "unscheduled",
    (
        col("patient_id", S, "patient", doc="the patient's id (an identifier: tables are explicit exports)"),
        col("reason", S, doc="conflict, capacity, cost, fits or not_computed"),
        col("conflict", SL, doc="constraint groups of the patient's own conflict"),
        col("blocking", SL, doc="full offerings that block the patient"),
        col("needed", M, export=_plain_dict, unit="seats", doc="extra seats per blocking offering"),
        col("cost", INT, doc="the patient's unscheduled cost"),
    ),
)

OCCUPANCY = Spec(
    OfferingOccupancy,
    "occupancy",
    (
        col("offering_id", S, "offering"),
        col("capacity", INT, unit="seats"),
        derived("taken", INT, lambda r: len(r.patients), unit="seats", doc="seats held"),
        derived("waiting_count", INT, lambda r: len(r.waiting), doc="patients waiting"),
        derived("full", B, lambda r: len(r.patients) >= r.capacity, doc="no seat left"),
        col("patients", SL, doc="patient ids holding a seat (identifiers)"),
        col("waiting", SL, doc="patient ids waiting (identifiers)"),
    ),
)


OCCURRENCES = Spec(
    Occurrence,
    "occurrences",
    (
        derived(
            "id",
            S,
            operator.attrgetter("id"),
            doc="the occurrence's id (offering and local start), as attendance records name it",
        ),
        col("start", T),
        col("end", T),
        derived(
            "minutes", INT, operator.attrgetter("minutes.value"), unit="minutes", doc="whole minutes from start to end"
        ),
        col("offering_id", S),
        col("component_id", S),
    ),
)

SPECS: Mapping[type, Spec] = f.FrozenMap(
    {
        s.of: s
        for s in (
            FINDINGS,
            WEEKS,
            ADMISSIONS,
            ATTENDANCE,
            DRUG_TESTS,
            ANALYTE_RESULTS,
            MEDICATIONS,
            PRESCRIPTIONS,
            PLAN_EVENTS,
            AUTHORIZATIONS,
            CERTIFICATIONS,
            MEASUREMENTS,
            INSTRUMENT_SCORES,
            DATED_SCORES,
            SCORE_SERIES,
            CHANGE_ASSESSMENTS,
            ASSIGNMENTS,
            UNSCHEDULED,
            OCCUPANCY,
            OCCURRENCES,
        )
    }
)
"""Every table, by the type of its rows."""
