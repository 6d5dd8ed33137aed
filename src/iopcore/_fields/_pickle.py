"""Compact pickling for frozen attrs values that cross process boundaries in bulk (records, findings, reports).

attrs pickles a slotted value as a dict of field names to values and restores it name by name in Python.
:func:`compact_pickle` gives a class a ``__reduce__`` that stores the field values alone, as one tuple read
in C (``operator.attrgetter``), and restores them without re-running validators: the values were valid when
pickled, and unpickling is trusted as pickle always is. Round trips are exact (equal values, equal hashes;
a cached hash is computed afresh). Standard-library pickle, copy and deepcopy all go through it.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

__all__ = ["columns_of", "compact_pickle", "pickle_as_scalar", "rows_of"]

C = TypeVar("C", bound=type)

_FIELD_GETTERS: dict[type, tuple[Callable[[object], Any], ...]] = {}
_SETTERS: dict[type, tuple[tuple[Callable[[object, object], None], ...], bool]] = {}
_HASH_CACHE = "_attrs_cached_hash"


def compact_pickle(cls: C) -> C:
    """Give the attrs class *cls* a compact ``__reduce__`` (its field values in order) and a fast restore."""
    names = tuple(a.name for a in attrs.fields(cls))
    values: Callable[[object], Any] = operator.attrgetter(*names)
    _FIELD_GETTERS[cls] = tuple(operator.attrgetter(name) for name in names)
    _SETTERS[cls] = (tuple(getattr(cls, name).__set__ for name in names), hasattr(cls, _HASH_CACHE))
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
    if cached_hash:
        object.__setattr__(obj, _HASH_CACHE, None)
    return obj


_SCALARS: dict[type, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {}
_Column = tuple[type | None, tuple[Any, ...]]
"""A column as pickled: ``(None, values)``, or ``(cls, scalars)`` for a :func:`pickle_as_scalar` class."""


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

    Pickling a few long tuples of strings and datetimes stays in C, where a value per item would cost a
    reduce call each; a column of a :func:`pickle_as_scalar` class is stored as its scalars.
    """
    if not items:
        return ()
    return tuple(_encode(tuple(map(get, items))) for get in _FIELD_GETTERS[cls])


def rows_of(cls: type, columns: tuple[_Column, ...]) -> tuple[Any, ...]:
    """The values :func:`columns_of` stored, rebuilt without re-running validators (the values were valid)."""
    if not columns:
        return ()
    setters, cached_hash = _SETTERS[cls]
    new = object.__new__
    out = []
    for values in zip(*map(_decode, columns), strict=True):
        obj: Any = new(cls)
        for setter, value in zip(setters, values, strict=True):
            setter(obj, value)
        if cached_hash:
            object.__setattr__(obj, _HASH_CACHE, None)
        out.append(obj)
    return tuple(out)


def _encode(column: tuple[Any, ...]) -> _Column:
    kind = type(column[0])
    scalar = _SCALARS.get(kind)
    if scalar is not None and all(type(x) is kind for x in column):
        return kind, tuple(map(scalar[0], column))
    return None, column


def _decode(column: _Column) -> tuple[Any, ...]:
    kind, values = column
    if kind is None:
        return values
    return tuple(map(_SCALARS[kind][1], values))
