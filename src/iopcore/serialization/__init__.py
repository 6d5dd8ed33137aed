"""Serialization to and from JSON-compatible dicts, through iopcore's own cattrs converter.

>>> from iopcore.serialization import to_dict, from_dict
>>> from iopcore.times import WeeklyInterval
>>> data = to_dict(WeeklyInterval.of("monday", "18:00", "21:00"))
>>> data
{'iopcore_format': 3, 'weekday': 'monday', 'start': '18:00', 'end': '21:00'}
>>> from_dict(WeeklyInterval, data) == WeeklyInterval.of("monday", "18:00", "21:00")
True

Formats: enums as their value (weekdays as lowercase names), clock times as
``"HH:MM"``, durations (:class:`~iopcore.times.Minutes`) as integers, dates as
``"YYYY-MM-DD"``, aware datetimes as ISO 8601 with a UTC offset (the tzinfo
object itself is not kept: a datetime comes back with a fixed offset and
compares equal), tuples and sets as lists (sets sorted), read-only mappings as
objects. Every attrs class becomes an object keyed by its field names.

Format versions: the outermost objects that :func:`to_dict` writes (a document)
carry ``"iopcore_format": 3`` (:data:`FORMAT_VERSION`); values inside them do not
repeat it. :func:`from_dict` reads every version up to this one, migrating older
documents (data with no version key is version 1, the shape written before
versions existed), and refuses newer ones with
:class:`~iopcore.errors.UnsupportedFormatError`. The versions and their changes
are listed in the serialization format reference.

Structuring is strict: wrong types, missing fields, unknown keys, unknown enum
values, naive datetimes and values that break a class's rules all raise
:class:`~iopcore.errors.InvalidDataError` listing every problem with its path and
rule. No other exception escapes :func:`from_dict`.

The module-level functions use a converter made by :func:`make_converter`;
never cattrs' global converter. To add hooks of your own, make a converter and
pass it as ``converter=``.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypeVar, overload

import attrs
import cattrs

from iopcore import _fields as f
from iopcore.errors import ErrorItem, InvalidArgumentError, child_path, type_name
from iopcore.serialization._hooks import configure, is_configured, is_iopcore_hook, mapping_key, sort_key
from iopcore.serialization._versions import FORMAT_KEY as _KEY
from iopcore.serialization._versions import HISTORY, mark

__all__ = ["FORMAT_KEY", "FORMAT_VERSION", "configure_converter", "from_dict", "make_converter", "to_dict"]

FORMAT_KEY: str = _KEY
"""The key of a document's format version: ``"iopcore_format"``."""

FORMAT_VERSION: int = HISTORY.current
"""The format version :func:`to_dict` writes, and the newest :func:`from_dict` reads."""

T = TypeVar("T")


@f.guard
def configure_converter(conv: cattrs.Converter) -> None:
    """Install iopcore's hooks on *conv* (a ``cattrs.Converter``).

    Registrations happen from general to specific, so a class-specific hook
    added afterwards by the caller takes precedence. Hooks you add must raise
    :class:`~iopcore.errors.InvalidDataError` for data they refuse.
    """
    configure(conv, HISTORY)


def make_converter() -> cattrs.Converter:
    """A new cattrs converter configured for every iopcore type."""
    conv = cattrs.Converter(forbid_extra_keys=True)
    configure(conv, HISTORY)
    return conv


_CONVERTER = make_converter()


def _converter(conv: cattrs.Converter | None, where: str) -> cattrs.Converter:
    if conv is None:
        return _CONVERTER
    if not is_configured(conv):
        raise InvalidArgumentError(
            (
                ErrorItem(
                    path="$.converter",
                    message="expected a converter set up by make_converter() or configure_converter(), "
                    "got a Converter that is not",
                    rule="converter",
                ),
            ),
            callable=where,
        )
    return conv


# ----------------------------------------------------------------------------- writing


def _leaf_problem(value: object) -> str | None:
    """Why a value outside any iopcore object cannot be written as JSON (None when it can)."""
    if isinstance(value, datetime):
        return None if f.is_aware(value) else "expected an aware datetime, got a naive one"
    if value is None or isinstance(value, bool | str | enum.Enum | date):
        return None
    if f.is_number(value):
        finite = f.as_float(value) is not None  # type: ignore[arg-type]
        return None if finite else f"expected a finite number, got a {type_name(value)} that is not"
    return f"iopcore cannot write a {type_name(value)} as JSON"


def _document(obj: Any, conv: cattrs.Converter, path: str, errors: list[ErrorItem]) -> Any:
    """*obj* as JSON data, the outermost attrs objects marked with the format version."""
    if attrs.has(type(obj)):
        out = conv.unstructure(obj)
        return {FORMAT_KEY: FORMAT_VERSION, **out} if isinstance(out, dict) else out
    if isinstance(obj, tuple | list):
        return [_document(x, conv, f"{path}[{i}]", errors) for i, x in enumerate(obj)]
    if isinstance(obj, frozenset | set):
        return sorted((_document(x, conv, f"{path}[{i}]", errors) for i, x in enumerate(obj)), key=sort_key)
    if isinstance(obj, Mapping):
        out = {}
        for k, v in obj.items():
            key = mapping_key(k)
            if not isinstance(key, str):
                errors.append(
                    ErrorItem(path=path, message=f"expected string or enum keys, got a {type_name(k)} key", rule="type")
                )
                continue
            out[key] = _document(v, conv, path + child_path(key)[1:], errors)
        return out
    problem = _leaf_problem(obj)
    if problem is not None:
        errors.append(ErrorItem(path=path, message=problem, rule="finite" if "finite" in problem else "type"))
        return None
    return conv.unstructure(obj)


@f.guard
def to_dict(obj: object, *, converter: cattrs.Converter | None = None) -> Any:
    """*obj* as JSON-compatible data: a dict for an attrs value, marked with :data:`FORMAT_VERSION`.

    Tuples, sets and mappings of values become lists and objects whose values are marked in
    turn; plain numbers, strings, dates and enums are written as they are. Anything that JSON
    cannot hold (NaN, a naive datetime, an object iopcore does not know) raises
    :class:`~iopcore.errors.InvalidArgumentError` at its path under ``$.obj``.
    """
    conv = _converter(converter, "to_dict")
    errors: list[ErrorItem] = []
    out = _document(obj, conv, "$.obj", errors)
    if errors:
        raise InvalidArgumentError(errors, callable="to_dict")
    return out


# ----------------------------------------------------------------------------- reading


def _is_type_form(cls: object) -> bool:
    if cls is None or cls is Any or isinstance(cls, type):
        return True
    try:
        hash(cls)
    except TypeError:
        return False
    return typing.get_origin(cls) is not None


@overload
def from_dict(cls: type[T], data: object, *, converter: cattrs.Converter | None = None) -> T: ...
@overload
def from_dict(cls: Any, data: object, *, converter: cattrs.Converter | None = None) -> Any: ...
@f.guard
def from_dict(cls: Any, data: object, *, converter: cattrs.Converter | None = None) -> Any:
    """Structure *data* (as made by :func:`to_dict` or parsed from JSON) into a *cls*.

    Documents of every format version up to :data:`FORMAT_VERSION` are read (older ones migrated;
    data with no ``iopcore_format`` is version 1). Raises :class:`~iopcore.errors.InvalidDataError`
    listing every problem with its path (paths are relative to *data*: ``$`` is the document),
    :class:`~iopcore.errors.UnsupportedFormatError` (one of them) for a newer version, and
    :class:`~iopcore.errors.InvalidArgumentError` for a *cls* iopcore cannot build.
    """
    conv = _converter(converter, "from_dict")
    if not _is_type_form(cls):
        raise InvalidArgumentError(
            (ErrorItem(path="$.cls", message=f"expected a type, got {type_name(cls)}", rule="type"),),
            callable="from_dict",
        )
    hook = conv.get_structure_hook(cls)
    if not is_iopcore_hook(hook):
        name = getattr(cls, "__name__", None) or str(cls)
        raise InvalidArgumentError(
            (ErrorItem(path="$.cls", message=f"iopcore cannot structure the type {name}", rule="unsupported_type"),),
            callable="from_dict",
        )
    return hook(mark(cls, data, 1), cls)
