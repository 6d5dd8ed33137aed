"""Compact pickling for frozen attrs values that cross process boundaries in bulk (records, findings, reports).

attrs pickles a slotted value as a dict of field names to values and restores it name by name in Python.
:func:`compact_pickle` gives a class a ``__reduce__`` that stores the field values alone, as one tuple read
in C (``operator.attrgetter``), and restores them without re-running validators: the values were valid when
pickled, and unpickling is trusted as pickle always is. Round trips are exact (equal values, equal hashes;
a cached hash is computed afresh). Standard-library pickle, copy and deepcopy all go through it.

Bundles of many values (:func:`columns_of`, :func:`rows_of`) are stored column by column, and a column in
the cheapest exact form found for it: datetimes of one time zone as integer microseconds from the first
(pickle writes a datetime through a reduce call each, about ten times slower), dates as ordinals, values of
a compact class as that class's own columns (a finding's period), tuples of them (a drug test's results)
flattened with their lengths, a :func:`pickle_as_scalar` class as its scalars. Every step runs in C
(``map`` over ``operator`` functions): the columns are built and read without a Python loop per value.
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections import deque
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import attrs

__all__ = ["columns_of", "compact_pickle", "pickle_as_scalar", "rows_of", "unchecked_rows"]

C = TypeVar("C", bound=type)

_FIELD_GETTERS: dict[type, tuple[Callable[[object], Any], ...]] = {}
_SETTERS: dict[type, tuple[tuple[Callable[[object, object], None], ...], Callable[[object, object], None] | None]] = {}
_HASH_CACHE = "_attrs_cached_hash"


def compact_pickle(cls: C) -> C:
    """Give the attrs class *cls* a compact ``__reduce__`` (its field values in order) and a fast restore."""
    names = tuple(a.name for a in attrs.fields(cls))
    values: Callable[[object], Any] = operator.attrgetter(*names)
    _FIELD_GETTERS[cls] = tuple(operator.attrgetter(name) for name in names)
    cached = getattr(cls, _HASH_CACHE).__set__ if hasattr(cls, _HASH_CACHE) else None
    _SETTERS[cls] = (tuple(getattr(cls, name).__set__ for name in names), cached)
    if len(names) == 1:

        def __reduce__(self: object) -> tuple[Any, ...]:
            return _restore, (type(self), (values(self),))

    else:

        def __reduce__(self: object) -> tuple[Any, ...]:
            return _restore, (type(self), values(self))

    cls.__reduce__ = __reduce__  # type: ignore[assignment]
    return cls


def _restore(cls: type, values: tuple[Any, ...]) -> Any:
    """A value of *cls* from the field values :func:`compact_pickle`'s ``__reduce__`` stored."""
    setters, cached_hash = _SETTERS[cls]
    obj: Any = object.__new__(cls)
    for setter, value in zip(setters, values, strict=True):
        setter(obj, value)
    if cached_hash is not None:
        cached_hash(obj, None)
    return obj


_SCALARS: dict[type, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {}

# How a column is stored: a tag and its payload.
_PLAIN = 0
"""``(0, values)``: the values as they are."""
_SCALAR = 1
"""``(1, (cls, scalars))``: a :func:`pickle_as_scalar` class as its scalars."""
_DATETIME = 2
"""``(2, (first, microseconds))``: datetimes of one ``tzinfo`` object (fold 0) as microseconds after the first."""
_DATE = 3
"""``(3, ordinals)``: dates as their proleptic ordinals."""
_NESTED = 4
"""``(4, (cls, columns))``: values of a compact class, mostly distinct, as that class's columns."""
_TUPLES = 5
"""``(5, (lengths, cls, columns))``: tuples of compact-class values, flattened, with each tuple's length."""

_Column = tuple[int, Any]

_US = timedelta(microseconds=1)
_TZINFO = operator.attrgetter("tzinfo")
_FOLD = operator.attrgetter("fold")
_CHUNK = 512
"""Rows read or built together (about twice as fast as a pass over all rows per field on the report's findings,
which lie scattered in memory)."""
_SHARED = 4
"""A column of compact values with fewer than one distinct value (by identity) in this many rows is left to
pickle's memo, which writes each shared value once."""


def pickle_as_scalar(cls: type, field: str) -> None:
    """Store a column of *cls* values (a one-field class, e.g. ``Minutes``) as its *field*'s values.

    They come back one shared value per distinct scalar: frozen values may be shared.
    """

    @functools.lru_cache(maxsize=4096)
    def shared(value: Any) -> Any:
        return _restore(cls, (value,))

    _SCALARS[cls] = (operator.attrgetter(field), shared)


def columns_of(cls: type, items: tuple[Any, ...]) -> tuple[_Column, ...]:
    """The values of *items* (all exactly of the compact-pickled class *cls*) field by field, for a pickle.

    Pickling a few long tuples of strings and integers stays in C, where a value per item would cost a
    reduce call each; each column is stored in the cheapest exact form found for it (see the module).
    """
    if not items:
        return ()
    getters = _FIELD_GETTERS[cls]
    values: list[list[Any]] = [[] for _ in getters]
    for start in range(0, len(items), _CHUNK):  # every field of a chunk while its rows are in the CPU's cache
        chunk = items[start : start + _CHUNK]
        for column, get in zip(values, getters, strict=True):
            column.extend(map(get, chunk))
    return tuple(_encode(tuple(column)) for column in values)


def rows_of(cls: type, columns: tuple[_Column, ...]) -> tuple[Any, ...]:
    """The values :func:`columns_of` stored, rebuilt without re-running validators (the values were valid).

    Field by field over all rows, in C: every value is made first, then each field is set on all of them.
    """
    if not columns:
        return ()
    setters, cached_hash = _SETTERS[cls]
    decoded = [_DECODERS[tag](payload) for tag, payload in columns]
    return tuple(_fill(cls, setters, decoded, cached_hash))


def unchecked_rows(cls: type, names: Sequence[str], columns: Sequence[Sequence[Any]]) -> list[Any]:
    """Values of the attrs class *cls* with the fields *names* set from *columns* (one value per row each).

    No converter, validator or ``__attrs_post_init__`` runs: for values checked already (a table's columns,
    each value checked once by its field's rules). Fields not named stay unset: name every field.
    """
    setters = tuple(getattr(cls, name).__set__ for name in names)
    cached = getattr(cls, _HASH_CACHE).__set__ if hasattr(cls, _HASH_CACHE) else None
    return _fill(cls, setters, columns, cached)


def _fill(
    cls: type,
    setters: Sequence[Callable[[object, object], None]],
    columns: Sequence[Sequence[Any]],
    cached_hash: Callable[[object, object], None] | None,
) -> list[Any]:
    n = len(columns[0]) if columns else 0
    out: list[Any] = []
    for start in range(0, n, _CHUNK):  # every field of a chunk of new values while they are in the CPU's cache
        chunk: tuple[Any, ...] = tuple(map(object.__new__, itertools.repeat(cls, min(_CHUNK, n - start))))
        for setter, values in zip(setters, columns, strict=True):
            deque(map(setter, chunk, values[start : start + _CHUNK]), maxlen=0)
        if cached_hash is not None:
            deque(map(cached_hash, chunk, itertools.repeat(None)), maxlen=0)
        out.extend(chunk)
    return out


def _encode(column: tuple[Any, ...]) -> _Column:
    kind = type(column[0])
    if set(map(type, column)) != {kind}:
        return _PLAIN, column
    scalar = _SCALARS.get(kind)
    if scalar is not None:
        return _SCALAR, (kind, tuple(map(scalar[0], column)))
    if kind is datetime:
        first = column[0]
        if len(set(map(id, map(_TZINFO, column)))) == 1 and not any(map(_FOLD, column)):
            gaps = map(operator.sub, column, itertools.repeat(first))  # same tzinfo: wall-clock differences
            return _DATETIME, (first, tuple(map(operator.floordiv, gaps, itertools.repeat(_US))))
        return _PLAIN, column
    if kind is date:
        return _DATE, tuple(map(date.toordinal, column))
    if kind in _FIELD_GETTERS:
        if len(set(map(id, column))) * _SHARED > len(column):
            return _NESTED, (kind, columns_of(kind, column))
        return _PLAIN, column
    if kind is tuple:
        member = type(next(itertools.chain.from_iterable(column), None))
        if member in _FIELD_GETTERS:
            flat = tuple(itertools.chain.from_iterable(column))
            if set(map(type, flat)) == {member}:
                return _TUPLES, (tuple(map(len, column)), member, columns_of(member, flat))
    return _PLAIN, column


def _scalars(payload: tuple[type, tuple[Any, ...]]) -> tuple[Any, ...]:
    kind, values = payload
    return tuple(map(_SCALARS[kind][1], values))


def _datetimes(payload: tuple[datetime, tuple[int, ...]]) -> tuple[datetime, ...]:
    first, gaps = payload
    return tuple(map(operator.add, itertools.repeat(first), map(operator.mul, itertools.repeat(_US), gaps)))


def _dates(ordinals: tuple[int, ...]) -> tuple[date, ...]:
    return tuple(map(date.fromordinal, ordinals))


def _nested(payload: tuple[type, tuple[_Column, ...]]) -> tuple[Any, ...]:
    kind, columns = payload
    return rows_of(kind, columns)


def _tuples(payload: tuple[tuple[int, ...], type, tuple[_Column, ...]]) -> tuple[tuple[Any, ...], ...]:
    lengths, member, columns = payload
    flat = iter(rows_of(member, columns))
    return tuple(tuple(itertools.islice(flat, k)) for k in lengths)


def _plain(values: tuple[Any, ...]) -> tuple[Any, ...]:
    return values


_DECODERS: dict[int, Callable[[Any], tuple[Any, ...]]] = {
    _PLAIN: _plain,
    _SCALAR: _scalars,
    _DATETIME: _datetimes,
    _DATE: _dates,
    _NESTED: _nested,
    _TUPLES: _tuples,
}
