"""Tables as pandas and polars DataFrames (optional extras) and as Spark schemas.

pandas and polars are imported inside these functions only, so that ``import iopcore`` and
:mod:`iopcore.tables` work without them; each function raises
:class:`~iopcore.errors.ExtraNotInstalledError` naming the extra when its library is missing.
Every frame has the schema's columns in order with the dtypes of :class:`~iopcore.tables.DType`,
also when it has no rows.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from iopcore import _fields as f
from iopcore.compliance import AnalyteResult
from iopcore.errors import ErrorItem, ExtraNotInstalledError, InvalidArgumentError
from iopcore.tables._columns import _spec, columns, fast_rows, from_columns, is_plain_table
from iopcore.tables._schema import Column, DType

__all__ = ["from_pandas", "from_polars", "pandas_frame", "polars_frame", "spark_ddl", "to_pandas", "to_polars"]

T = TypeVar("T")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _pandas() -> Any:
    try:
        import pandas  # the optional pandas extra
    except ImportError:
        raise ExtraNotInstalledError(extra="pandas", package="pandas") from None
    return pandas


def _polars() -> Any:
    try:
        import polars  # the optional polars extra
    except ImportError:
        raise ExtraNotInstalledError(extra="polars", package="polars") from None
    return polars


def _micros(values: Sequence[Any]) -> list[int | None]:
    """Aware datetimes as microseconds since the epoch (exact, whatever their offsets)."""
    return [None if v is None else (v - _EPOCH) // _US for v in values]


def _check_columns(data: Mapping[str, Sequence[Any]], schema: tuple[Column, ...], callable: str) -> None:
    names = [c.name for c in schema]
    if list(data) != names:
        raise InvalidArgumentError(
            (
                ErrorItem(
                    path="$.columns",
                    message="expected the table's columns in order (as columns() writes them), got other names",
                    rule="schema",
                ),
            ),
            callable=callable,
        )


# ----------------------------------------------------------------------------- pandas


def _pandas_series(pd: Any, column: Column, values: Sequence[Any]) -> Any:
    import numpy as np  # pandas' own dependency

    dtype, nullable = column.dtype, column.nullable
    if dtype is DType.STR:
        return pd.Series(list(values), dtype="str")
    if dtype is DType.INT:
        return pd.Series(list(values), dtype="Int64" if nullable else "int64")
    if dtype is DType.NUMBER:
        return pd.Series([np.nan if v is None else v for v in values], dtype="float64")
    if dtype is DType.BOOL:
        return pd.Series(list(values), dtype="boolean" if nullable else "bool")
    if dtype is DType.DATE:
        if None in values:
            days = np.array(list(values), dtype="datetime64[D]")
        else:  # ordinals are read in C and converted by numpy without a Python object per date
            days = (np.array(list(map(date.toordinal, values)), dtype="int64") - _EPOCH_ORDINAL).view("datetime64[D]")
        return pd.Series(days.astype("datetime64[s]"))
    if dtype is DType.DATETIME:
        micros = np.array([np.iinfo(np.int64).min if v is None else v for v in _micros(values)], dtype="int64")
        return pd.Series(micros.view("datetime64[us]")).dt.tz_localize("UTC")
    return pd.Series(list(values), dtype="object")


def _fast_pandas_frame(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if len(args) == 1 and is_plain_table(args[0]) and set(kwargs) == {"of"} and isinstance(kwargs["of"], type):
        return pandas_frame.__wrapped__(args[0], of=kwargs["of"])  # type: ignore[attr-defined]
    return f.NOT_HANDLED


@f.guard(fast=_fast_pandas_frame)
def pandas_frame(columns: Mapping[str, Sequence[Any]], *, of: type[Any]) -> Any:
    """Materialized columns of the *of* table (as :func:`~iopcore.tables.columns` writes them) as a pandas DataFrame.

    Dtypes follow :class:`~iopcore.tables.DType` (needs the ``pandas`` extra).
    """
    schema = _spec(of, "pandas_frame").columns
    _check_columns(columns, schema, "pandas_frame")
    pd = _pandas()
    return pd.DataFrame({c.name: _pandas_series(pd, c, columns[c.name]) for c in schema})


def _to_pandas(values: tuple[object, ...], of: type | None) -> Any:
    return to_pandas.__wrapped__(values, of=of)  # type: ignore[attr-defined]


@f.guard(fast=lambda args, kwargs: fast_rows(_to_pandas)(args, kwargs))
def to_pandas(values: Iterable[object], *, of: type[Any] | None = None) -> Any:
    """*values* as a pandas DataFrame: :func:`~iopcore.tables.columns`, then :func:`pandas_frame`.

    Like :func:`~iopcore.tables.columns`, a table is an explicit export: patient and record ids
    are in it. Datetimes are in UTC (``datetime64[us, UTC]``), dates at midnight
    (``datetime64[s]``). Needs the ``pandas`` extra.
    """
    _pandas()
    rows = tuple(values)
    data = columns(rows, of=of)
    kind = of if of is not None else type(rows[0])
    return pandas_frame(data, of=kind)


def _plain(pd: Any, column: Column, series: Any) -> list[Any]:
    """A pandas column as plain Python values, ``None`` where missing, dates as dates."""
    dtype = column.dtype
    if dtype is DType.DATE:
        if str(series.dtype).startswith("datetime64"):
            return [None if v is pd.NaT else v.date() for v in series.dt.to_pydatetime()]
        return [None if _missing(pd, v) else v for v in series.tolist()]
    if dtype is DType.DATETIME and str(series.dtype).startswith("datetime64"):
        return [None if v is pd.NaT else v for v in series.dt.to_pydatetime()]
    if dtype in (DType.STR_LIST, DType.INT_LIST, DType.INT_MAP):
        return list(series)
    return [None if _missing(pd, v) else v for v in series.tolist()]


def _missing(pd: Any, value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list-like cell: never missing as a whole
        return False


def _frame_columns(pd: Any, frame: Any, of: type, callable: str, path: str) -> dict[str, list[Any]]:
    if not isinstance(frame, pd.DataFrame):
        raise InvalidArgumentError(
            (ErrorItem(path=path, message="expected a pandas DataFrame, got another type", rule="type"),),
            callable=callable,
        )
    schema = {c.name: c for c in _spec(of, callable).columns}
    out: dict[str, list[Any]] = {}
    for name in frame.columns:
        column = schema.get(name)
        series = frame[name]
        out[str(name)] = list(series.tolist()) if column is None else _plain(pd, column, series)
    return out


@f.guard
def from_pandas(of: type[T], frame: object, *, results: object | None = None) -> tuple[T, ...]:
    """The *of* values of a pandas DataFrame with the table's columns (as :func:`to_pandas` writes it).

    Missing values (``NaN``, ``NaT``, ``pd.NA``) read as ``None``; ``datetime64`` dates as dates;
    then :func:`~iopcore.tables.from_columns` checks every value once. Drug tests take their
    analyte results as a second DataFrame, *results*. Needs the ``pandas`` extra.
    """
    pd = _pandas()
    data = _frame_columns(pd, frame, of, "from_pandas", "$.frame")
    extra = None if results is None else _frame_columns(pd, results, AnalyteResult, "from_pandas", "$.results")
    return from_columns(of, data, results=extra)


# ----------------------------------------------------------------------------- polars


def _polars_series(pl: Any, column: Column, values: Sequence[Any]) -> Any:
    dtype = column.dtype
    name = column.name
    if dtype is DType.DATETIME:
        return pl.Series(name, _micros(values), dtype=pl.Int64).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    kinds = {
        DType.STR: pl.String,
        DType.INT: pl.Int64,
        DType.NUMBER: pl.Float64,
        DType.BOOL: pl.Boolean,
        DType.DATE: pl.Date,
        DType.STR_LIST: pl.List(pl.String),
        DType.INT_LIST: pl.List(pl.Int64),
        DType.INT_MAP: pl.List(pl.Struct({"key": pl.String, "value": pl.Int64})),
    }
    if dtype is DType.INT_MAP:
        values = [None if v is None else [{"key": k, "value": x} for k, x in v.items()] for v in values]
    elif dtype in (DType.STR_LIST, DType.INT_LIST):
        return _polars_lists(pl, name, values, pl.String if dtype is DType.STR_LIST else pl.Int64)
    elif dtype is DType.NUMBER:
        values = [None if v is None else float(v) for v in values]
    return pl.Series(name, list(values), dtype=kinds[dtype])


def _fast_polars_frame(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if len(args) == 1 and is_plain_table(args[0]) and set(kwargs) == {"of"} and isinstance(kwargs["of"], type):
        return polars_frame.__wrapped__(args[0], of=kwargs["of"])  # type: ignore[attr-defined]
    return f.NOT_HANDLED


def _polars_lists(pl: Any, name: str, values: Sequence[Any], inner: Any) -> Any:
    """A list column built from its flattened items and row numbers (polars builds lists from Python
    objects slowly: about 30 times slower than this for the findings' evidence)."""
    n = len(values)
    lengths = list(map(len, values))
    flat = pl.Series("v", list(itertools.chain.from_iterable(values)), dtype=inner)
    rows = itertools.chain.from_iterable(map(itertools.repeat, range(n), lengths))
    index = pl.Series("i", list(rows), dtype=pl.UInt32)
    grouped = pl.DataFrame([index, flat]).group_by("i", maintain_order=True).agg(pl.col("v"))
    every = pl.DataFrame([pl.Series("i", range(n), dtype=pl.UInt32)])
    joined = every.join(grouped, on="i", how="left", maintain_order="left")  # rows without items: null, then []
    return joined.get_column("v").fill_null(pl.Series([[]], dtype=pl.List(inner))).rename(name)


@f.guard(fast=_fast_polars_frame)
def polars_frame(columns: Mapping[str, Sequence[Any]], *, of: type[Any]) -> Any:
    """Materialized columns of the *of* table as a polars DataFrame (needs the ``polars`` extra)."""
    schema = _spec(of, "polars_frame").columns
    _check_columns(columns, schema, "polars_frame")
    pl = _polars()
    return pl.DataFrame([_polars_series(pl, c, columns[c.name]) for c in schema])


def _to_polars(values: tuple[object, ...], of: type | None) -> Any:
    return to_polars.__wrapped__(values, of=of)  # type: ignore[attr-defined]


@f.guard(fast=lambda args, kwargs: fast_rows(_to_polars)(args, kwargs))
def to_polars(values: Iterable[object], *, of: type[Any] | None = None) -> Any:
    """*values* as a polars DataFrame (datetimes in UTC, lists as ``List``, maps as key/value structs).

    A table is an explicit export: patient and record ids are in it. Needs the ``polars`` extra.
    """
    _polars()
    rows = tuple(values)
    data = columns(rows, of=of)
    return polars_frame(data, of=of if of is not None else type(rows[0]))


def _polars_columns(pl: Any, frame: Any, callable: str, path: str) -> dict[str, list[Any]]:
    if not isinstance(frame, pl.DataFrame):
        raise InvalidArgumentError(
            (ErrorItem(path=path, message="expected a polars DataFrame, got another type", rule="type"),),
            callable=callable,
        )
    return {str(k): v for k, v in frame.to_dict(as_series=False).items()}


@f.guard
def from_polars(of: type[T], frame: object, *, results: object | None = None) -> tuple[T, ...]:
    """The *of* values of a polars DataFrame with the table's columns (as :func:`to_polars` writes it).

    Needs the ``polars`` extra; drug tests take their analyte results as *results*.
    """
    pl = _polars()
    data = _polars_columns(pl, frame, "from_polars", "$.frame")
    extra = None if results is None else _polars_columns(pl, results, "from_polars", "$.results")
    return from_columns(of, data, results=extra)


# ----------------------------------------------------------------------------- Spark

_SPARK = {
    DType.STR: "string",
    DType.INT: "bigint",
    DType.NUMBER: "double",
    DType.BOOL: "boolean",
    DType.DATE: "date",
    DType.DATETIME: "timestamp",
    DType.STR_LIST: "array<string>",
    DType.INT_LIST: "array<bigint>",
    DType.INT_MAP: "map<string,bigint>",
}


@f.guard
def spark_ddl(of: type[Any]) -> str:
    """The table of *of* as a Spark DDL schema string (``"rule_id string, code string, …"``).

    For ``applyInPandas(func, schema=spark_ddl(Finding))`` (see the how-to); needs no Spark.
    Column names are quoted with backticks.
    """
    return ", ".join(f"`{c.name}` {_SPARK[c.dtype]}" for c in _spec(of, "spark_ddl").columns)
