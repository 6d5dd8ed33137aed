"""Records to materialized columns and back: one pass per table out, one validation per value in.

Out: :func:`columns` reads every row's values with one compiled getter and transposes them into
lists (enum members become their codes, sets sorted tuples, mappings plain dicts).

In: :func:`from_columns` runs each field's own converter and validator once per value (once per
distinct value for codes, ids and small nested values such as periods and citations), then
builds every record without re-running them, and runs each class's cross-field rules once per
record. The records are the ones the validated constructors would build (a test checks it).
"""

from __future__ import annotations

import enum
import functools
import math
import operator
import typing
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import attrs

from iopcore import _fields as f
from iopcore.assessment import DatedScore, ScoreSeries
from iopcore.compliance import AnalyteResult, DrugTest
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError, type_name
from iopcore.tables._schema import ANALYTE_RESULTS, SCORE_SERIES, SPECS, Column, DType, Spec

__all__ = ["analyte_results", "columns", "from_columns", "schema"]

T = TypeVar("T")

MAX_ERRORS = 50
"""At most this many problems are reported from one call (a bad column would otherwise list every row)."""


def _supported() -> str:
    return ", ".join(sorted(c.__name__ for c in SPECS))


def _spec(of: type, callable: str, path: str = "$.of") -> Spec:
    spec = SPECS.get(of)
    if spec is None:
        raise InvalidArgumentError(
            (
                ErrorItem(
                    path=path, message=f"expected a type with a table ({_supported()}), got {of.__name__}", rule="table"
                ),
            ),
            callable=callable,
        )
    return spec


def _row_type(values: tuple[object, ...], of: type | None, callable: str, *, every_row: bool = True) -> type:
    """The row type: *of*, or the first value's; with *every_row*, every value is checked to be one."""
    if of is None:
        if not values:
            raise InvalidArgumentError(
                (
                    ErrorItem(
                        path="$.of",
                        message="expected the row type (of=...) for an empty input, got None",
                        rule="required",
                    ),
                ),
                callable=callable,
            )
        of = type(values[0])
        if of not in SPECS:
            raise InvalidArgumentError(
                (
                    ErrorItem(
                        path="$.values[0]",
                        message=f"expected a value with a table ({_supported()}), got {type_name(values[0])}",
                        rule="table",
                    ),
                ),
                callable=callable,
            )
    if not every_row or set(map(type, values)) <= {of}:  # one C-level pass; the listing below only on failure
        return of
    _refuse_other_types(values, of, callable)
    return of


def _refuse_other_types(values: tuple[object, ...], of: type, callable: str) -> None:
    wrong = [i for i, v in enumerate(values) if type(v) is not of]
    _refuse_rows(
        wrong,
        lambda i: f"expected a {of.__name__} (one row type per table), got {type_name(values[i])}",
        "type",
        callable,
    )


def _refuse_rows(rows: list[int], message: Callable[[int], str], rule: str, callable: str) -> None:
    """Raise one error naming each of *rows* (``$.values[i]``, at most :data:`MAX_ERRORS`), if there are any."""
    if rows:
        raise InvalidArgumentError(
            (ErrorItem(path=f"$.values[{i}]", message=message(i), rule=rule) for i in rows[:MAX_ERRORS]),
            callable=callable,
        )


@f.guard
def schema(of: type[Any]) -> tuple[Column, ...]:
    """The columns of the table of *of* values, in order (the same for every input, empty ones included)."""
    return _spec(of, "schema").columns


def fast_rows(impl: Callable[[tuple[object, ...], type | None], Any]) -> f.FastPath:
    """A guard fast path for ``fn(values, of=...)`` called with a list or tuple: the items are checked by *impl*.

    The generic check would visit every one of 500,000 rows only to accept it (``object``);
    the row type check in :func:`columns` does that work once.
    """

    def fast(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if len(args) == 1 and type(args[0]) in (tuple, list) and set(kwargs) <= {"of"}:
            of = kwargs.get("of")
            if of is None or isinstance(of, type):
                return impl(tuple(args[0]), of)
        return f.NOT_HANDLED

    return fast


def is_plain_table(value: object) -> bool:
    """Whether *value* is a dict of str to lists or tuples (what :func:`columns` writes), checked per column."""
    return type(value) is dict and all(type(k) is str and type(v) in (list, tuple) for k, v in value.items())


def _columns(values: tuple[object, ...], of: type | None) -> dict[str, list[Any]]:
    return columns.__wrapped__(values, of=of)  # type: ignore[attr-defined, no-any-return]


@f.guard(fast=lambda args, kwargs: fast_rows(_columns)(args, kwargs))
def columns(values: Iterable[object], *, of: type[Any] | None = None) -> dict[str, list[Any]]:
    """*values* as materialized columns: ``{column name: [one value per row]}``, rows in input order.

    Every result and record type with a table (:func:`schema` lists their columns; the
    reference page has them all) exports in this one call: findings, week summaries,
    attendance, drug tests, the other compliance records, instrument scores, dated scores and
    score series (one row per score), change assessments, cohort assignments and the patients
    left out, occupancy and occurrences. *of* names the row type, which an empty input needs;
    otherwise it is the values' own (all of one type).

    **A table is an explicit export of identifiers**: patient ids (``patient_id``), record
    ids and evidence are in the columns as they are, unlike in reprs and errors.

    Drug tests' per-analyte results are a table of their own: :func:`analyte_results`.
    """
    values = tuple(values)
    of = _row_type(values, of, "columns", every_row=False)  # the rows' types are checked as they are read
    if of is AnalyteResult:
        raise InvalidArgumentError(
            (
                ErrorItem(
                    path="$.values",
                    message="expected drug tests: analyte results are exported with their test, by analyte_results()",
                    rule="table",
                ),
            ),
            callable="columns",
        )
    spec = SPECS[of]
    if of is ScoreSeries:
        _row_type(values, of, "columns")
        return _series_columns(values)  # type: ignore[arg-type]
    return _export(spec, values, "columns", rows_of=of)


@f.guard
def analyte_results(drug_tests: Iterable[DrugTest]) -> dict[str, list[Any]]:
    """The analyte results of *drug_tests* as columns, one row per result, keyed by ``drug_test_id``.

    Rows come test by test, each test's results in their order; ``patient_id`` is there to join
    (an identifier: this is an explicit export). :func:`from_columns` takes these columns as
    ``results=`` to rebuild the tests.
    """
    tests = tuple(drug_tests)
    rows = [(t, r) for t in tests for r in t.results]
    out: dict[str, list[Any]] = {
        "drug_test_id": [t.id for t, _ in rows],
        "patient_id": [t.patient_id for t, _ in rows],
    }
    body = _export(ANALYTE_RESULTS, tuple(r for _, r in rows), "analyte_results", skip=2)
    out.update(body)
    return out


CHUNK = 512
"""Rows read together: every column of a chunk is read while its records are still in the CPU's cache
(about three times faster on the 10,000-patient report than one pass over all rows per column)."""


def _export(
    spec: Spec, values: tuple[Any, ...], callable: str, *, skip: int = 0, rows_of: type | None = None
) -> dict[str, list[Any]]:
    # Per chunk of rows, one C-level pass per column (attrgetter) or the table's written-out reader; a
    # nested value (a finding's period or citation) is read once per chunk and each of its columns from it.
    # Reading whole rows as tuples and transposing them is slower: it allocates a tuple per row. With
    # *rows_of*, each chunk's rows are checked to be of that type before they are read (while in the cache).
    cols = spec.cols[skip:]
    plan: list[tuple[str | None, Callable[[Any], Any]]] = []
    for c in cols:
        path = c.paths[0] if c.paths else ()
        if c.derive is not None:
            plan.append((None, c.derive))
        elif len(path) >= 2 and path[1] != "_value_":
            plan.append((path[0], operator.attrgetter(".".join(path[1:]))))
        else:
            plan.append((None, operator.attrgetter(".".join(path))))
    parents = {parent: operator.attrgetter(parent) for parent, _ in plan if parent is not None}
    outs: list[list[Any]] = [[] for _ in cols]
    read = spec.read if not skip else None
    only = {rows_of}
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        if rows_of is not None and not set(map(type, chunk)) <= only:
            _refuse_other_types(values, rows_of, callable)
        if read is not None:
            read(chunk, outs)  # the same paths written out (see Spec.read)
            continue
        nested = {name: list(map(get, chunk)) for name, get in parents.items()}
        for out, (parent, get) in zip(outs, plan, strict=True):
            out.extend(map(get, chunk if parent is None else nested[parent]))
    result: dict[str, list[Any]] = {}
    for c, raw in zip(cols, outs, strict=True):
        for extra in c.paths[1:]:
            _agree(raw, values, extra, c.column.name, callable)
        result[c.column.name] = list(map(c.export, raw)) if c.export is not None else raw
    return result


def _agree(raw: Sequence[Any], values: tuple[Any, ...], path: tuple[str, ...], name: str, callable: str) -> None:
    other = operator.attrgetter(".".join(path))
    bad = [i for i, (v, x) in enumerate(zip(raw, values, strict=True)) if other(x) != v]
    message = f"expected one {name} for the whole row (its table has one column for it), got several"
    _refuse_rows(bad, lambda _: message, "table", callable)


def _series_columns(values: tuple[ScoreSeries, ...]) -> dict[str, list[Any]]:
    scores = tuple(s for series in values for s in series.scores)
    out: dict[str, list[Any]] = {"series": [i for i, series in enumerate(values) for _ in series.scores]}
    out.update(_export(SCORE_SERIES, scores, "columns", skip=1))
    return out


# ----------------------------------------------------------------------------- from columns


class _Problems:
    """The problems found while reading columns (at most :data:`MAX_ERRORS`)."""

    def __init__(self) -> None:
        self.items: list[ErrorItem] = []

    def add(self, path: str, message: str, rule: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append(ErrorItem(path=path, message=message, rule=rule))

    def from_error(self, exc: InvalidDataError, path: str) -> None:
        for e in exc.errors:
            self.add(path, e.message, e.rule)

    def raise_if_any(self, callable: str) -> None:
        if self.items:
            raise InvalidArgumentError(self.items, callable=callable)


_MISSING = object()


def _decode(value: Any, dtype: DType, nullable: bool) -> Any:
    """A column value from numpy, pandas or polars as the plain Python value a field converter expects."""
    if value is None:
        return None
    if nullable and isinstance(value, float) and math.isnan(value):
        return None  # a missing value in a float column (pandas' NaN)
    if dtype is DType.STR:
        return str(value) if type(value) is not str and isinstance(value, str) else value
    if dtype is DType.BOOL:
        if type(value) is not bool and hasattr(value, "item") and type(value.item()) is bool:
            return value.item()  # numpy.bool_
        return value
    if dtype is DType.DATETIME:
        return f.as_datetime(value) if isinstance(value, datetime) else value
    if dtype is DType.DATE:
        return f.as_date(value) if f.is_date(value) else value
    if dtype in (DType.STR_LIST, DType.INT_LIST):
        if isinstance(value, tuple | list):
            return tuple(_decode(x, DType.STR if dtype is DType.STR_LIST else DType.INT, True) for x in value)
        if hasattr(value, "tolist") and not isinstance(value, str):
            return tuple(value.tolist())  # a numpy array (pandas over Arrow)
        return value
    if dtype is DType.INT_MAP:
        if isinstance(value, list | tuple) and all(
            isinstance(x, Mapping) and set(x) == {"key", "value"} for x in value
        ):
            return {x["key"]: x["value"] for x in value}  # Arrow's (and polars') map as a list of key/value structs
        return value
    return value


_PLAIN_TYPES: dict[DType, frozenset[type]] = {
    dtype: frozenset({type(None), *kinds})
    for dtype, kinds in {
        DType.STR: (str,),
        DType.INT: (int, bool, float),
        DType.NUMBER: (int, bool, float),
        DType.BOOL: (bool,),
        DType.DATE: (date,),
        DType.DATETIME: (datetime,),
        DType.STR_LIST: (),
        DType.INT_LIST: (),
        DType.INT_MAP: (),
    }.items()
}
"""The exact types :func:`_decode` gives back unchanged for each dtype (``float`` only where not nullable: NaN)."""
_STR = frozenset({str})
_MEMO_TRIAL = 4096
"""After this many values, a column whose values repeat less than one time in eight stops being memoized."""
_MEMO_DTYPES = frozenset({DType.STR, DType.INT, DType.BOOL, DType.DATE})
_MEMO_TYPES = frozenset({str, int, bool, date, type(None)})
"""Values checked once per distinct value: exact types whose equal values are the same value."""


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """The resolved annotations of an attrs class (its modules use postponed annotations)."""
    return typing.get_type_hints(cls)


def _enum_of(hint: Any) -> type[enum.Enum] | None:
    members = [a for a in typing.get_args(hint) if a is not type(None)] if typing.get_args(hint) else [hint]
    found = [m for m in members if isinstance(m, type) and issubclass(m, enum.Enum)]
    return found[0] if len(found) == 1 else None


def _field_values(
    column: Column, values: Sequence[Any], attribute: attrs.Attribute[Any], owner: type, problems: _Problems
) -> list[Any]:
    """Each value decoded, converted and validated by *attribute*'s own converter and validator.

    A column of codes, ids, counts or dates of one type (and ``None``) is checked once per distinct value
    and mapped in C; if a distinct value fails, the column is read row by row to name every row that holds it.
    """
    kinds = set(map(type, values)) - {type(None)}
    if column.dtype in _MEMO_DTYPES and len(kinds) == 1 and kinds <= _MEMO_TYPES:
        distinct = list(dict.fromkeys(values))
        found = _Problems()
        checked = _each_value(column, distinct, attribute, owner, found)
        if not found.items:
            return list(map(dict(zip(distinct, checked, strict=True)).__getitem__, values))
    return _each_value(column, values, attribute, owner, problems)


def _each_value(
    column: Column, values: Sequence[Any], attribute: attrs.Attribute[Any], owner: type, problems: _Problems
) -> list[Any]:
    """:func:`_field_values` value by value (equal values of the memoized types are checked once)."""
    convert: Callable[[Any], Any] | None = attribute.converter  # type: ignore[assignment]
    validate = attribute.validator
    enum_type = _enum_of(_hints(owner)[attribute.name])
    codes: dict[Any, Any] | None = {m.value: m for m in enum_type} if enum_type is not None else None
    dtype, nullable, name = column.dtype, column.nullable, column.name
    memo: dict[tuple[type, Any], Any] | None = {} if dtype in _MEMO_DTYPES else None
    plain = _PLAIN_TYPES[dtype] if not nullable else _PLAIN_TYPES[dtype] - {float}
    texts = dtype is DType.STR_LIST
    hits = 0
    out: list[Any] = []
    append = out.append
    for i, raw in enumerate(values):
        kind = type(raw)
        if memo is not None and kind in _MEMO_TYPES:
            key = (kind, raw)
            hit = memo.get(key, _MISSING)
            if hit is not _MISSING:
                append(hit)
                hits += 1
                continue
            if i == _MEMO_TRIAL and hits * 8 < i:  # mostly distinct values (messages, ids): stop remembering them
                memo = None
        if kind in plain or (texts and kind is tuple and set(map(type, raw)) <= _STR):
            value = raw  # already the plain Python value _decode would give
        else:
            value = _decode(raw, dtype, nullable)
        if codes is not None and isinstance(value, str) and not isinstance(value, enum.Enum):
            member = codes.get(value)
            if member is None:
                problems.add(f"$.columns.{name}[{i}]", f"expected one of {', '.join(codes)}, got another str", "one_of")
                append(None)
                continue
            value = member
        try:
            if convert is not None:
                value = convert(value)
            if validate is not None:
                validate(None, attribute, value)
        except InvalidDataError as exc:
            problems.from_error(exc, f"$.columns.{name}[{i}]")
            append(None)
            continue
        if memo is not None and kind in _MEMO_TYPES:
            memo[key] = value
        append(value)
    return out


def _field_path(path: tuple[str, ...]) -> tuple[str, ...]:
    """The attribute path of a column's field (an enum column reads its member's ``_value_`` beyond it)."""
    return path[:-1] if path[-1] == "_value_" else path


class _Reader:
    """Builds the values of one attrs class from columns, nested values first."""

    def __init__(self, spec: Spec, data: Mapping[str, Sequence[Any]], n: int, problems: _Problems) -> None:
        self.by_path = {_field_path(p): c for c in spec.cols if not c.column.derived for p in c.paths}
        self.data, self.n, self.problems = data, n, problems

    def build(
        self,
        cls: type,
        prefix: tuple[str, ...],
        overrides: Mapping[str, list[Any]] | None = None,
        *,
        shared: bool = False,
    ) -> list[Any] | None:
        """One *cls* value per row (``None`` where a problem was found), or ``None`` if no column reaches *cls*."""
        fields: dict[str, list[Any]] = {}
        derived: dict[str, Callable[[Any], Any]] = {}
        reached = False
        for a in attrs.fields(cls):
            path = (*prefix, a.name)
            if overrides is not None and a.name in overrides:
                fields[a.name] = overrides[a.name]
                continue
            c = self.by_path.get(path)
            if c is not None and c.column.name in self.data:
                fields[a.name] = _field_values(c.column, self.data[c.column.name], a, cls, self.problems)
                reached = True
                continue
            hint = _hints(cls)[a.name]
            nested = hint if isinstance(hint, type) and attrs.has(hint) else None
            if nested is not None and any(p[: len(path)] == path for p in self.by_path):
                built = self.build(nested, path, shared=True)
                if built is not None:
                    fields[a.name] = built
                    reached = True
                    continue
            if a.default is attrs.NOTHING:
                name = c.column.name if c is not None else "_".join(path)
                self.problems.add(f"$.columns.{name}", f"expected a column {name!r} (required), got none", "required")
                return None
            default: Any = a.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # attrs.Factory is a class at run time
                if default.takes_self:  # derived from the other fields (Occurrence.id): computed on each record
                    derived[a.name] = default.factory
                    continue
                default = default.factory()
            fields[a.name] = [default] * self.n
        if not reached and prefix:
            return None
        if self.problems.items:
            return [None] * self.n
        return _assemble(cls, fields, self.n, self.problems, shared=shared, derived=derived)


def _assemble(
    cls: type,
    fields: dict[str, list[Any]],
    n: int,
    problems: _Problems,
    *,
    shared: bool,
    derived: Mapping[str, Callable[[Any], Any]] | None = None,
) -> list[Any]:
    """*n* values of *cls* from validated field values, built without validators, cross-field rules run once each."""
    names = list(fields)
    post = getattr(cls, "__attrs_post_init__", None)
    computed = tuple((derived or {}).items())
    if not shared and not computed:  # every value built in C, then each cross-field rule once per record
        built = f.unchecked_rows(cls, names, [fields[k] for k in names])
        if post is not None:
            try:
                deque(map(post, built), maxlen=0)
            except InvalidDataError:  # find every record that breaks a rule, to report them all
                for i, record in enumerate(built):
                    try:
                        post(record)
                    except InvalidDataError as exc:
                        for e in exc.errors:
                            problems.add(f"$.columns[{i}]{e.path[1:]}", e.message, e.rule)
        return built
    setters = [getattr(cls, name).__set__ for name in names]
    new = object.__new__
    cache: dict[tuple[Any, ...], Any] = {}
    out: list[Any] = []
    for i, row in enumerate(zip(*(fields[k] for k in names), strict=True)):
        hashable = shared
        if shared:  # small nested values (periods, citations, minutes) repeat: build each once
            try:
                hit = cache.get(row, _MISSING)
            except TypeError:  # a list-valued field: not shared
                hit, hashable = _MISSING, False
            if hit is not _MISSING:
                out.append(hit)
                continue
        obj: Any = new(cls)
        for setter, value in zip(setters, row, strict=True):
            setter(obj, value)
        for name, factory in computed:
            object.__setattr__(obj, name, factory(obj))
        if post is not None:
            try:
                post(obj)
            except InvalidDataError as exc:
                for e in exc.errors:
                    problems.add(f"$.columns[{i}]{e.path[1:]}", e.message, e.rule)
        if hashable:
            cache[row] = obj
        out.append(obj)
    return out


def _lengths(data: Mapping[str, Sequence[Any]], spec: Spec, problems: _Problems, path: str = "$.columns") -> int:
    known = {c.column.name for c in spec.cols}
    for name in data:
        if name not in known:
            problems.add(
                f"{path}.{name}" if f.is_identifier(name) else path,
                f"expected a column of the {spec.name} table, got another name",
                "unknown",
            )
    sizes = {len(v) for v in data.values()}
    if len(sizes) > 1:
        problems.add(
            path, f"expected columns of one length, got lengths {', '.join(map(str, sorted(sizes)))}", "length"
        )
    return sizes.pop() if len(sizes) == 1 else 0


def _fast_from_columns(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if len(args) == 2 and isinstance(args[0], type) and is_plain_table(args[1]) and set(kwargs) <= {"results"}:
        results = kwargs.get("results")
        if results is None or is_plain_table(results):
            return from_columns.__wrapped__(args[0], args[1], results=results)  # type: ignore[attr-defined]
    return f.NOT_HANDLED


@f.guard(fast=_fast_from_columns)
def from_columns(
    of: type[T],
    columns: Mapping[str, Sequence[Any]],
    *,
    results: Mapping[str, Sequence[Any]] | None = None,
) -> tuple[T, ...]:
    """The *of* values of *columns* (a table as :func:`columns` writes it), in row order.

    Values may come from numpy, pandas or polars (numpy scalars, ``pandas.Timestamp`` and, in
    nullable columns, ``NaN`` for a missing value); every value is checked by its field's own
    rules once, and the records are built without checking them again. Columns whose fields
    have a default may be left out; derived columns (``taken``, ``result_count`` …) are
    ignored; unknown columns are refused. Drug tests take their analyte results as
    *results* (the columns of :func:`analyte_results`). Every problem is reported at once
    (up to 50), naming the column and row: ``$.columns.start[12]``.
    """
    spec = _spec(of, "from_columns")
    problems = _Problems()
    if of is AnalyteResult:
        problems.add("$.of", "expected DrugTest: analyte results are read with their tests (results=...)", "table")
        problems.raise_if_any("from_columns")
    if results is not None and of is not DrugTest:
        problems.add("$.results", "expected no results for a table other than drug tests, got columns", "table")
        problems.raise_if_any("from_columns")
    n = _lengths(columns, spec, problems)
    problems.raise_if_any("from_columns")
    overrides: dict[str, list[Any]] | None = None
    if of is DrugTest:
        overrides = {"results": _results(columns, results, n, problems)}
        problems.raise_if_any("from_columns")
    if of is ScoreSeries:
        return _series(columns, n, problems)  # type: ignore[return-value]
    data: Mapping[str, Sequence[Any]] = columns
    if spec.prepare is not None:
        decoded = {
            k: [_decode(v, DType.BOOL, False) for v in col] if k == "prorated" else list(col)
            for k, col in columns.items()
        }
        spec.prepare(decoded)
        data = decoded
    built = _Reader(spec, data, n, problems).build(of, (), overrides)
    problems.raise_if_any("from_columns")
    assert built is not None
    return tuple(built)


def _results(
    tests: Mapping[str, Sequence[Any]], results: Mapping[str, Sequence[Any]] | None, n: int, problems: _Problems
) -> list[Any]:
    """Each test's analyte results, from the analyte-results columns grouped by ``drug_test_id``."""
    counts = tests.get("result_count")
    if results is None:
        if counts is not None and any(c for c in counts):
            problems.add(
                "$.results", "expected the analyte results of tests whose result_count is above 0, got None", "required"
            )
        return [()] * n
    m = _lengths(results, ANALYTE_RESULTS, problems, "$.results")
    if "drug_test_id" not in results:
        problems.add("$.results.drug_test_id", "expected a column 'drug_test_id' (required), got none", "required")
    if problems.items:
        return [()] * n
    reader = _Reader(
        ANALYTE_RESULTS, {k: v for k, v in results.items() if k not in ("drug_test_id", "patient_id")}, m, problems
    )
    built = reader.build(AnalyteResult, ()) or []
    if problems.items:
        return [()] * n
    groups: dict[Any, list[Any]] = {}
    for key, r in zip(results["drug_test_id"], built, strict=True):
        groups.setdefault(_decode(key, DType.STR, False), []).append(r)
    ids = tests.get("id", ())
    out = [tuple(groups.pop(_decode(i, DType.STR, False), ())) for i in ids]
    for key in list(groups)[:MAX_ERRORS]:
        problems.add("$.results.drug_test_id", "expected the id of a test in the table, got another id", "unknown_id")
        del key
    if counts is not None:
        for i, (c, r) in enumerate(zip(counts, out, strict=False)):
            if c is not None and not (isinstance(c, float) and math.isnan(c)) and int(c) != len(r):
                problems.add(
                    f"$.columns.result_count[{i}]", "expected as many analyte results as the count says", "count"
                )
    return out


def _series(columns: Mapping[str, Sequence[Any]], n: int, problems: _Problems) -> tuple[ScoreSeries, ...]:
    """Score series from their scores' rows, grouped by the ``series`` column (in order of first appearance)."""
    if "series" not in columns:
        problems.add("$.columns.series", "expected a column 'series' (required), got none", "required")
        problems.raise_if_any("from_columns")
    rest = {k: v for k, v in columns.items() if k != "series"}
    scores = _Reader(SCORE_SERIES, rest, n, problems).build(DatedScore, ()) or []
    problems.raise_if_any("from_columns")
    groups: dict[int, list[Any]] = {}
    for i, (key, s) in enumerate(zip(columns["series"], scores, strict=True)):
        if not f.is_integer(key):
            problems.add(f"$.columns.series[{i}]", f"expected an integer, got {type_name(key)}", "type")
            continue
        groups.setdefault(f.as_int(key), []).append(s)
    problems.raise_if_any("from_columns")
    out: list[ScoreSeries] = []
    for key, group in groups.items():
        try:
            out.append(ScoreSeries(patient_id=group[0].patient_id, instrument=group[0].instrument, scores=tuple(group)))
        except InvalidDataError as exc:
            problems.from_error(exc, f"$.columns.series[{key}]")
    problems.raise_if_any("from_columns")
    return tuple(out)
