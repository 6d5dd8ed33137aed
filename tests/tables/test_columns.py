"""Tables: every result and record type to materialized columns and back, with a stable schema."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore import tables
from iopcore.assessment import ChangeAssessment, ScoreSeries
from iopcore.compliance import (
    AnalyteResult,
    AttendanceRecord,
    AttendanceStatus,
    DrugTest,
    Finding,
    Severity,
    SpecimenValidity,
)
from iopcore.errors import InvalidArgumentError
from iopcore.sources import Evidence, Source
from iopcore.tables import TYPES, DType, analyte_results, columns, from_columns, schema
from iopcore.tables._columns import CHUNK, _export
from iopcore.tables._schema import SPECS
from iopcore.times import DateRange
from tests.builders import MONDAY, confirm, drug_test, session

ROW_TYPES = [t for t in TYPES if t is not AnalyteResult]  # analyte results travel with their drug tests


def rebuilt(value: Any) -> Any:
    """*value* built again by the validated constructors, nested values first (an independent check)."""
    if isinstance(value, tuple):
        return tuple(rebuilt(v) for v in value)
    if not attrs.has(type(value)):
        return value
    kwargs = {a.alias: rebuilt(getattr(value, a.name)) for a in attrs.fields(type(value)) if a.init}
    return type(value)(**kwargs)


def read_back(of: type, values: tuple[Any, ...]) -> tuple[Any, ...]:
    results = analyte_results(values) if of is DrugTest else None
    return from_columns(of, columns(values, of=of), results=results)


@pytest.mark.parametrize("of", ROW_TYPES, ids=lambda t: t.__name__)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_columns_round_trip_to_the_same_records_in_order(of: type, data: st.DataObject) -> None:
    """Any list of values → columns of equal length, named as the schema says → the same values, in order.

    The values read back are accepted by the validated constructors, which build equal ones.
    """
    values = tuple(data.draw(st.lists(st.from_type(of), max_size=4), label="values"))
    cols = columns(values, of=of)
    assert list(cols) == [c.name for c in schema(of)]
    rows = sum(len(s.scores) for s in values) if of is ScoreSeries else len(values)
    assert {len(v) for v in cols.values()} == {rows}
    back = read_back(of, values)
    assert back == values
    assert rebuilt(back) == back


@pytest.mark.parametrize("of", TYPES, ids=lambda t: t.__name__)
def test_the_schema_is_the_same_for_an_empty_input(of: type) -> None:
    """An empty input gives every column of the schema, empty, in the schema's order."""
    if of is AnalyteResult:
        assert list(analyte_results(())) == [c.name for c in schema(of)]
        return
    assert columns((), of=of) == {c.name: [] for c in schema(of)}
    assert from_columns(of, {c.name: [] for c in schema(of)}) == ()


def test_every_field_of_every_row_type_has_a_column() -> None:
    """A field added to a record shows up here: every field is read by a column (or is a nested table's)."""
    nested = {(DrugTest, "results"), (ScoreSeries, "scores")}
    for of in TYPES:
        spec = tables._schema.SPECS[of].cols
        paths = {c_path[0] for c in spec for c_path in c.paths}
        # a field derived from the others (a takes_self default, such as Occurrence.id) is a derived column
        derived = {
            c.column.name
            for c in spec
            if c.column.derived
            and isinstance(getattr(attrs.fields_dict(of).get(c.column.name), "default", None), attrs.Factory)  # type: ignore[arg-type]
        }
        missing = {a.name for a in attrs.fields(of)} - paths - derived - {name for t, name in nested if t is of}
        assert missing == set(), (of.__name__, missing)


def test_names_are_snake_case_and_patients_are_in_patient_id() -> None:
    """Column names are identifiers; every table that names a patient calls the column patient_id."""
    for of in TYPES:
        names = [c.name for c in schema(of)]
        assert len(names) == len(set(names))
        phi_fields = {a.name for a in attrs.fields(of) if a.metadata.get("iopcore.phi")}
        if {"patient_id", "patient"} & ({a.name for a in attrs.fields(of)} | phi_fields):
            assert "patient_id" in names, of.__name__


def test_minutes_are_ints_enums_are_codes_and_datetimes_stay_aware() -> None:
    """Attendance exports minutes as ints (unit minutes), the status as its code and aware datetimes."""
    record = session("a1", MONDAY, 90, status=AttendanceStatus.LATE)
    cols = columns([record])
    assert cols["attended_minutes"] == [90] and type(cols["attended_minutes"][0]) is int
    assert cols["status"] == ["late"] and type(cols["status"][0]) is str
    assert cols["start"][0].utcoffset() is not None
    units = {c.name: c.unit for c in schema(AttendanceRecord)}
    assert units["attended_minutes"] == units["scheduled_minutes"] == "minutes"
    assert {c.name: c.dtype for c in schema(AttendanceRecord)}["start"] is DType.DATETIME


def test_drug_tests_take_their_analyte_results_back_by_test_id() -> None:
    """Analyte results are one row per result keyed by drug_test_id; without them a test with results is refused."""
    tests = (drug_test("t1", MONDAY, results=(confirm("thca", 20),)), drug_test("t2", MONDAY + timedelta(days=1)))
    results = analyte_results(tests)
    assert results["drug_test_id"] == ["t1"] and results["concentration_ng_ml"] == [20.0]
    assert columns(tests)["result_count"] == [1, 0]
    assert from_columns(DrugTest, columns(tests), results=results) == tests
    with pytest.raises(InvalidArgumentError) as info:
        from_columns(DrugTest, columns(tests))
    assert info.value.paths == ("$.results",)


# ----------------------------------------------------------------------------- values from numpy and pandas


def test_numpy_scalars_and_timestamps_are_read_as_plain_values() -> None:
    """numpy integers and bools and pandas Timestamps read as int, bool and datetime (Safe to embed's kinds)."""
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    record = session("a1", MONDAY, 90)
    cols: dict[str, list[Any]] = columns([record])
    cols["scheduled_minutes"] = [np.int64(90)]
    cols["attended_minutes"] = [np.int32(90)]
    cols["start"] = [pd.Timestamp(record.start)]
    cols["end"] = [pd.Timestamp(record.end)]
    (back,) = from_columns(AttendanceRecord, cols)
    assert back == record
    assert type(back.start) is datetime and type(back.attended_minutes.value) is int


# ----------------------------------------------------------------------------- the guarded boundary


def test_a_bad_value_is_reported_by_column_and_row() -> None:
    """A naive datetime in row 1 of start, an unknown status code in row 0: both reported, with paths."""
    cols: dict[str, list[Any]] = columns([session("a", MONDAY, 60), session("b", MONDAY, 60)])
    cols["start"][1] = cols["start"][1].replace(tzinfo=None)
    cols["status"][0] = "asleep"
    with pytest.raises(InvalidArgumentError) as info:
        from_columns(AttendanceRecord, cols)
    assert set(info.value.paths) == {"$.columns.start[1]", "$.columns.status[0]"}
    assert "asleep" not in str(info.value)


def test_cross_field_rules_run_once_per_row() -> None:
    """An end before the start is refused at the row's end: the class's own rule, once."""
    cols: dict[str, list[Any]] = columns([session("a", MONDAY, 60)])
    cols["end"] = [cols["start"][0] - timedelta(minutes=1)]
    with pytest.raises(InvalidArgumentError) as info:
        from_columns(AttendanceRecord, cols)
    assert info.value.paths == ("$.columns[0].end",)


def test_unknown_missing_and_ragged_columns_are_refused() -> None:
    """Unknown column names, a missing required column and columns of different lengths are refused."""
    cols: dict[str, list[Any]] = columns([session("a", MONDAY, 60)])
    with pytest.raises(InvalidArgumentError) as info:
        from_columns(AttendanceRecord, {**cols, "room": ["7"]})
    assert info.value.paths == ("$.columns.room",)
    del cols["status"]
    with pytest.raises(InvalidArgumentError) as info:
        from_columns(AttendanceRecord, cols)
    assert info.value.paths == ("$.columns.status",)
    with pytest.raises(InvalidArgumentError) as info:
        from_columns(AttendanceRecord, {**cols, "status": []})
    assert info.value.paths == ("$.columns",)


def test_optional_columns_may_be_left_out() -> None:
    """Columns whose fields have a default may be missing (a drug test without validity columns)."""
    test = drug_test("t1", MONDAY)
    cols = {k: v for k, v in columns([test]).items() if not k.startswith("validity_") and k != "observed"}
    assert from_columns(DrugTest, cols) == (attrs.evolve(test, observed=False, validity=SpecimenValidity()),)


def test_an_empty_input_needs_its_row_type_and_rows_are_one_type() -> None:
    """columns(()) asks for of=; mixed row types are refused at the first stranger; unknown types too."""
    with pytest.raises(InvalidArgumentError) as info:
        columns(())
    assert info.value.paths == ("$.of",)
    with pytest.raises(InvalidArgumentError) as info:
        columns([session("a", MONDAY, 60), "x"])
    assert info.value.paths == ("$.values[1]",)
    with pytest.raises(InvalidArgumentError) as info:
        columns([date(2026, 1, 1)])
    assert info.value.paths == ("$.values[0]",)
    rows: list[object] = [session("a", MONDAY, 60)] * (CHUNK + 40)
    rows[CHUNK + 7] = rows[CHUNK + 30] = "x"  # strangers in the second chunk, each named
    for of in (None, AttendanceRecord):
        with pytest.raises(InvalidArgumentError) as info:
            columns(rows, of=of)
        assert info.value.paths == (f"$.values[{CHUNK + 7}]", f"$.values[{CHUNK + 30}]")
    with pytest.raises(InvalidArgumentError) as info:
        schema(int)
    assert info.value.paths == ("$.of",)


def test_findings_export_their_numbers_and_citation() -> None:
    """A finding's measured, threshold and unit are columns; its citation is spelled out."""
    source = Source(citation="rule", urls=("https://example.org",), evidence=Evidence.SECONDARY)
    x = Finding(
        rule_id="weekly_hours",
        code="hours_below_minimum",
        severity=Severity.VIOLATION,
        patient_id="p1",
        period=DateRange(first=MONDAY, last=MONDAY + timedelta(days=6)),
        message="6 h attended",
        evidence=("a1",),
        citation=source,
        measured=360,
        threshold=540,
        unit="minutes",
    )
    row = {k: v[0] for k, v in columns([x]).items()}
    assert row["measured"] == 360 and row["threshold"] == 540 and row["unit"] == "minutes"
    assert (row["severity"], row["citation_evidence"], row["citation_urls"]) == (
        "violation",
        "secondary",
        ("https://example.org",),
    )
    assert row["period_first"] == MONDAY


def test_aware_datetimes_keep_their_offsets_in_columns() -> None:
    """Materialized datetimes are the records' own (offset included), not converted to UTC."""
    est = timezone(timedelta(hours=-5))
    record = session("a", MONDAY, 60)
    assert columns([record])["start"][0].utcoffset() == est.utcoffset(None)
    assert columns([record])["start"][0] == record.start.astimezone(UTC)


@given(st.from_type(ChangeAssessment))
def test_a_change_assessment_across_two_patients_is_refused(assessment: ChangeAssessment) -> None:
    """Its table has one patient_id: a baseline and a latest score of different patients cannot be one row."""
    other = attrs.evolve(assessment.latest, patient_id=assessment.latest.patient_id + "x")
    odd = attrs.evolve(assessment, latest=other)
    with pytest.raises(InvalidArgumentError) as info:
        columns([assessment, odd])
    assert info.value.paths == ("$.values[1]",)


def test_analyte_results_are_exported_with_their_tests() -> None:
    """columns() refuses bare analyte results (they need their test's id) and points to analyte_results()."""
    with pytest.raises(InvalidArgumentError) as info:
        columns([confirm("thca", 20)])
    assert info.value.paths == ("$.values",)
    with pytest.raises(InvalidArgumentError) as info:
        from_columns(AnalyteResult, {})
    assert info.value.paths == ("$.of",)
    with pytest.raises(InvalidArgumentError) as info:
        from_columns(AttendanceRecord, columns([session("a", MONDAY, 60)]), results={})
    assert info.value.paths == ("$.results",)


def test_analyte_results_must_name_known_tests_and_match_the_counts() -> None:
    """Results without drug_test_id, for an unknown test, or fewer than result_count says are refused."""
    tests = (drug_test("t1", MONDAY, results=(confirm("thca", 20),)),)
    cols, results = columns(tests), analyte_results(tests)
    no_id = {k: v for k, v in results.items() if k != "drug_test_id"}
    with pytest.raises(InvalidArgumentError) as info:
        from_columns(DrugTest, cols, results=no_id)
    assert info.value.paths == ("$.results.drug_test_id",)
    with pytest.raises(InvalidArgumentError) as info:
        from_columns(DrugTest, cols, results={**results, "drug_test_id": ["t9"]})
    assert set(info.value.paths) == {"$.results.drug_test_id", "$.columns.result_count[0]"}


def test_score_series_need_their_series_column_and_one_patient_each() -> None:
    """Rows without series are refused; a series index must be an integer; a series is one patient's."""
    from iopcore.assessment import DatedScore

    scores = (DatedScore(patient_id="p1", instrument="phq9", on=MONDAY, total=12),)
    cols = columns([ScoreSeries(patient_id="p1", instrument="phq9", scores=scores)])
    with pytest.raises(InvalidArgumentError) as info:
        from_columns(ScoreSeries, {k: v for k, v in cols.items() if k != "series"})
    assert info.value.paths == ("$.columns.series",)
    with pytest.raises(InvalidArgumentError) as info:
        from_columns(ScoreSeries, {**cols, "series": ["0"]})
    assert info.value.paths == ("$.columns.series[0]",)
    two = {k: v * 2 for k, v in cols.items()}
    two["patient_id"] = ["p1", "p2"]
    with pytest.raises(InvalidArgumentError) as info:
        from_columns(ScoreSeries, two)
    assert info.value.paths == ("$.columns.series[0]",)


def test_missing_values_and_numpy_containers_from_frames_are_read() -> None:
    """NaN in a nullable number column is None; numpy bools are bools; numpy arrays are list cells."""
    np = pytest.importorskip("numpy")
    test = drug_test("t1", MONDAY)
    cols: dict[str, list[Any]] = columns([test])
    cols["validity_ph"] = [float("nan")]
    cols["observed"] = [np.bool_(True)]
    (back,) = from_columns(DrugTest, cols)
    assert back.validity.ph is None and back.observed is True
    finding_cols = columns([_finding()])
    finding_cols["evidence"] = [np.array(["a1", "a2"])]
    (x,) = from_columns(Finding, finding_cols)
    assert x.evidence == ("a1", "a2") and type(x.evidence[0]) is str


def _finding() -> Finding:
    return Finding(
        rule_id="r",
        code="c",
        severity=Severity.INFO,
        patient_id="p1",
        period=DateRange(first=MONDAY, last=MONDAY),
        message="m",
        evidence=("a1",),
        citation=Source(citation="s"),
    )


@pytest.mark.parametrize("of", [s.of for s in SPECS.values() if s.read is not None], ids=lambda t: t.__name__)
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_a_written_out_reader_reads_what_its_paths_say(of: type, data: st.DataObject) -> None:
    """The hand-written readers of the large tables give, column by column, what the schema's paths give.

    Over more rows than one chunk, so the chunks are joined in order too.
    """
    spec = SPECS[of]
    few = data.draw(st.lists(st.from_type(of), min_size=1, max_size=5), label="values")
    values = tuple(data.draw(st.sampled_from(few)) for _ in range(CHUNK + 3))
    by_paths = _export(attrs.evolve(spec, read=None), values, "columns")
    assert _export(spec, values, "columns") == by_paths
    assert columns(values) == by_paths
