"""Tables as pandas and polars DataFrames (optional extras), and Spark schemas; skipped without the libraries."""

from __future__ import annotations

import sys
from datetime import UTC
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.assessment import ScoreSeries
from iopcore.compliance import AnalyteResult, AttendanceRecord, DrugTest, Finding
from iopcore.errors import ExtraNotInstalledError, InvalidArgumentError
from iopcore.schedule import Occurrence
from iopcore.tables import (
    TYPES,
    analyte_results,
    columns,
    from_pandas,
    from_polars,
    pandas_frame,
    polars_frame,
    schema,
    spark_ddl,
    to_pandas,
    to_polars,
)
from tests.builders import MONDAY, confirm, drug_test, session
from tests.tables.test_columns import ROW_TYPES

PANDAS = {
    "str": ("str", "object"),
    "int": ("int64",),
    "number": ("float64",),
    "bool": ("bool",),
    "date": ("datetime64[s]",),
    "datetime": ("datetime64[us, UTC]",),
    "list[str]": ("object",),
    "list[int]": ("object",),
    "map[str,int]": ("object",),
}


def in_utc(of: type, values: tuple[Any, ...]) -> tuple[Any, ...]:
    """*values* as frames hold them: the same instants, in UTC (only occurrences compare UTC offsets too)."""
    if of is not Occurrence:
        return values
    return tuple(  # id and minutes derived again: an occurrence's id names its local start
        Occurrence(
            start=o.start.astimezone(UTC),
            end=o.end.astimezone(UTC),
            offering_id=o.offering_id,
            component_id=o.component_id,
        )
        for o in values
    )


def _frames(of: type, values: tuple[Any, ...], make: Any, frame: Any) -> tuple[Any, Any]:
    main = make(values, of=of)
    results = frame(analyte_results(values), of=AnalyteResult) if of is DrugTest else None
    return main, results


@pytest.mark.parametrize("of", ROW_TYPES, ids=lambda t: t.__name__)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_pandas_frames_read_back_to_the_same_records(of: type, data: st.DataObject) -> None:
    """to_pandas then from_pandas gives the same values in order (missing values, dates and UTC datetimes included)."""
    pytest.importorskip("pandas")
    values = tuple(data.draw(st.lists(st.from_type(of), max_size=3), label="values"))
    frame, results = _frames(of, values, to_pandas, pandas_frame)
    assert list(frame.columns) == [c.name for c in schema(of)]
    assert from_pandas(of, frame, results=results) == in_utc(of, values)


@pytest.mark.parametrize("of", ROW_TYPES, ids=lambda t: t.__name__)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_polars_frames_read_back_to_the_same_records(of: type, data: st.DataObject) -> None:
    """to_polars then from_polars gives the same values in order."""
    pytest.importorskip("polars")
    values = tuple(data.draw(st.lists(st.from_type(of), max_size=3), label="values"))
    frame, results = _frames(of, values, to_polars, polars_frame)
    assert frame.columns == [c.name for c in schema(of)]
    assert from_polars(of, frame, results=results) == in_utc(of, values)


@pytest.mark.parametrize("of", TYPES, ids=lambda t: t.__name__)
def test_pandas_dtypes_follow_the_schema_also_when_empty(of: type) -> None:
    """Each column's pandas dtype is the one its DType documents, with no rows as with rows."""
    pytest.importorskip("pandas")
    empty = pandas_frame({c.name: [] for c in schema(of)}, of=of)
    for c in schema(of):
        nullable = {"int": "Int64", "bool": "boolean"}.get(c.dtype.value) if c.nullable else None
        expected = (nullable,) if nullable else PANDAS[c.dtype.value]
        assert str(empty[c.name].dtype) in expected, (c.name, str(empty[c.name].dtype))


def test_a_filled_frame_has_the_empty_frames_dtypes() -> None:
    """Findings and attendance with rows have exactly the dtypes of the same tables without rows."""
    pytest.importorskip("pandas")
    from iopcore.compliance import Severity
    from iopcore.sources import Source
    from iopcore.times import DateRange

    finding = Finding(
        rule_id="r",
        code="c",
        severity=Severity.INFO,
        patient_id="p1",
        period=DateRange(first=MONDAY, last=MONDAY),
        message="m",
        evidence=("a",),
        citation=Source(citation="s"),
    )
    for of, values in ((Finding, (finding,)), (AttendanceRecord, (session("a", MONDAY, 60),))):
        filled = to_pandas(values)
        empty = to_pandas((), of=of)
        assert dict(filled.dtypes) == dict(empty.dtypes)


def test_polars_schema_is_the_same_when_empty() -> None:
    """The polars schema of a table does not depend on its rows."""
    pytest.importorskip("polars")
    values = (drug_test("t1", MONDAY, results=(confirm("thca", 20),)),)
    assert to_polars(values).schema == to_polars((), of=DrugTest).schema
    results = polars_frame(analyte_results(values), of=AnalyteResult)
    assert results.schema == polars_frame({c.name: [] for c in schema(AnalyteResult)}, of=AnalyteResult).schema


def test_pandas_datetimes_are_the_same_instants_in_utc() -> None:
    """An attendance start at 09:00-05:00 is 14:00 UTC in pandas and reads back equal."""
    pd = pytest.importorskip("pandas")
    record = session("a", MONDAY, 60)
    frame = to_pandas([record])
    assert frame["start"][0] == pd.Timestamp(record.start)
    assert frame["start"][0].hour == 14
    assert from_pandas(AttendanceRecord, frame) == (record,)


def test_raw_pandas_values_are_accepted_by_from_columns() -> None:
    """A frame's own values (numpy scalars, Timestamps) are accepted by from_columns for datetime and int columns."""
    pytest.importorskip("pandas")
    from iopcore.tables import from_columns

    record = session("a", MONDAY, 60)
    raw = {k: list(v) for k, v in to_pandas([record]).to_dict("list").items()}
    assert from_columns(AttendanceRecord, raw) == (record,)


def test_frame_columns_must_be_the_tables() -> None:
    """pandas_frame and polars_frame refuse columns that are not the table's, in order."""
    cols = columns([session("a", MONDAY, 60)])
    reordered = dict(reversed(list(cols.items())))
    for make in (pandas_frame, polars_frame):
        with pytest.raises(InvalidArgumentError) as info:
            make(reordered, of=AttendanceRecord)
        assert info.value.paths == ("$.columns",)


def test_from_pandas_wants_a_data_frame() -> None:
    """from_pandas refuses anything but a DataFrame, naming the frame."""
    pytest.importorskip("pandas")
    with pytest.raises(InvalidArgumentError) as info:
        from_pandas(AttendanceRecord, {"id": []})
    assert info.value.paths == ("$.frame",)


def test_a_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pandas or polars, the frame functions raise ExtraNotInstalledError naming the extra."""
    for name, make in (("pandas", to_pandas), ("polars", to_polars)):
        monkeypatch.setitem(sys.modules, name, None)
        with pytest.raises(ExtraNotInstalledError) as info:
            make([session("a", MONDAY, 60)])
        assert (info.value.extra, info.value.package) == (name, name)
        assert isinstance(info.value, ImportError)


def test_spark_ddl_names_every_column_with_its_spark_type() -> None:
    """The Spark schema lists the table's columns in order with Spark SQL types."""
    ddl = spark_ddl(AttendanceRecord)
    assert ddl.startswith("`id` string, `patient_id` string, `occurrence_id` string")
    assert "`start` timestamp" in ddl and "`attended_minutes` bigint" in ddl
    assert spark_ddl(Finding).count("`") == 2 * len(schema(Finding))
    assert "`evidence` array<string>" in spark_ddl(Finding)
    assert "`series` bigint" in spark_ddl(ScoreSeries)


def test_import_iopcore_tables_needs_neither_pandas_nor_polars() -> None:
    """Importing the tables module and making columns loads neither library (they are optional extras)."""
    import subprocess

    code = (
        "import sys; import iopcore.tables as t; from iopcore.compliance import AttendanceRecord; "
        "t.columns((), of=AttendanceRecord); assert 'pandas' not in sys.modules and 'polars' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
