"""Serialization to and from JSON-compatible dicts, through iopcore's own cattrs converter.

>>> from iopcore.serialization import to_dict, from_dict
>>> from iopcore.times import WeeklyInterval
>>> data = to_dict(WeeklyInterval.of("monday", "18:00", "21:00"))
>>> data
{'weekday': 'monday', 'start': '18:00', 'end': '21:00'}
>>> from_dict(WeeklyInterval, data) == WeeklyInterval.of("monday", "18:00", "21:00")
True

Formats: enums as their value (weekdays as lowercase names), clock times as
``"HH:MM"``, durations (:class:`~iopcore.times.Minutes`) as integers, dates as
``"YYYY-MM-DD"``, aware datetimes as ISO 8601 with a UTC offset (the tzinfo
object itself is not kept: a datetime comes back with a fixed offset and
compares equal), tuples and sets as lists (sets sorted), read-only mappings as
objects. Every attrs class becomes an object keyed by its field names.

Structuring is strict: wrong types, missing fields, unknown keys, unknown enum
values, naive datetimes and values that break a class's rules all raise
:class:`~iopcore.errors.InvalidDataError` listing every problem with its path.
No other exception escapes :func:`from_dict`.

The module-level functions use a converter made by :func:`make_converter`;
never cattrs' global converter. To add hooks of your own, make a converter and
pass it as ``converter=``.
"""

from __future__ import annotations

import enum
import json
import math
import re
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar, Union, get_args, get_origin, overload

import attrs
import cattrs

from iopcore import _fields
from iopcore.errors import ErrorItem, InvalidDataError, child_path, type_name
from iopcore.times import ClockTime, Minutes, Weekday

__all__ = ["configure_converter", "from_dict", "make_converter", "to_dict"]

T = TypeVar("T")
StructureHook = Callable[[Any, Any], Any]

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _err(message: str, rule: str, path: str = "$") -> InvalidDataError:
    return InvalidDataError.single(path, message, rule)


# ----------------------------------------------------------------------------- leaf hooks


def _structure_str(value: Any, _type: Any) -> str:
    if not isinstance(value, str):
        raise _err(f"expected a string, got {type_name(value)}", "type")
    return value


def _structure_int(value: Any, _type: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _err(f"expected an integer, got {type_name(value)}", "type")
    return value


def _structure_float(value: Any, _type: Any) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _err(f"expected a number, got {type_name(value)}", "type")
    if not math.isfinite(value):
        raise _err(f"expected a finite number, got a non-finite {type_name(value)}", "finite")
    return float(value)


def _structure_bool(value: Any, _type: Any) -> bool:
    if not isinstance(value, bool):
        raise _err(f"expected a boolean, got {type_name(value)}", "type")
    return value


def _structure_date(value: Any, _type: Any) -> date:
    if not isinstance(value, str):
        raise _err(f"expected a date as 'YYYY-MM-DD', got {type_name(value)}", "type")
    if _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _err("expected a date as 'YYYY-MM-DD', got a str that is not a valid date", "date")


def _structure_datetime(value: Any, _type: Any) -> datetime:
    if not isinstance(value, str):
        raise _err(f"expected an ISO 8601 datetime with a UTC offset, got {type_name(value)}", "type")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _err("expected an ISO 8601 datetime with a UTC offset, got a str that is not one", "datetime") from None
    if parsed.tzinfo is None:
        raise _err("expected an ISO 8601 datetime with a UTC offset, got a naive datetime", "aware")
    return parsed


def _structure_enum(value: Any, kind: type[enum.Enum]) -> enum.Enum:
    allowed = [m.value for m in kind]
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise _err(f"expected one of {_choices(allowed)}, got {type_name(value)}", "type")
    for member in kind:
        if member.value == value and type(member.value) is type(value):
            return member
    raise _err(f"expected one of {_choices(allowed)}, got a {type_name(value)} that is not one of them", "enum")


def _choices(values: list[Any]) -> str:
    return ", ".join(repr(v) for v in values)


def _structure_weekday(value: Any, _type: Any) -> Weekday:
    names = [d.name.lower() for d in Weekday]
    if not isinstance(value, str):
        raise _err(f"expected a weekday name ({_choices(names)}), got {type_name(value)}", "type")
    if value in names:
        return Weekday[value.upper()]
    raise _err(f"expected a weekday name ({_choices(names)}), got a str that is not one", "enum")


_parse_clock: Callable[[type[ClockTime], str], ClockTime] = ClockTime.parse.__wrapped__  # type: ignore[attr-defined]


def _structure_clock(value: Any, _type: Any) -> ClockTime:
    if not isinstance(value, str):
        raise _err(f"expected a time as 'HH:MM' (24-hour clock), got {type_name(value)}", "type")
    try:
        return _parse_clock(ClockTime, value)  # the value is a str: the unguarded parse, once per field
    except InvalidDataError as exc:  # the argument's path ($.text) is this value's own path here
        raise InvalidDataError(attrs.evolve(e, path="$") for e in exc.errors) from None


def _structure_minutes(value: Any, _type: Any) -> Minutes:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _err(f"expected a whole number of minutes >= 0, got {type_name(value)}", "type")
    if value < 0:
        raise _err("expected a whole number of minutes >= 0, got a negative int", "range")
    return Minutes(value)


def _structure_any(value: Any, _type: Any) -> Any:
    return value


# ----------------------------------------------------------------------------- container hooks


def _is_union(t: Any) -> bool:
    return get_origin(t) in (Union, types.UnionType)


def _origin_is(*origins: Any) -> Callable[[Any], bool]:
    def check(t: Any) -> bool:
        return get_origin(t) in origins

    return check


def _sequence_factory(conv: cattrs.Converter) -> Callable[[Any], StructureHook]:
    def factory(t: Any) -> StructureHook:
        args = get_args(t)
        variadic = len(args) == 2 and args[1] is Ellipsis
        if variadic or not args:
            member = args[0] if args else Any

            def structure_seq(value: Any, _type: Any) -> tuple[Any, ...]:
                if not isinstance(value, list | tuple):
                    raise _err(f"expected a list, got {type_name(value)}", "type")
                hook = conv.get_structure_hook(member)
                out: list[Any] = []
                errors: list[ErrorItem] = []
                for i, element in enumerate(value):
                    try:
                        out.append(hook(element, member))
                    except InvalidDataError as exc:
                        errors.extend(e.under(f"$[{i}]") for e in exc.errors)
                if errors:
                    raise InvalidDataError(errors)
                return tuple(out)

            return structure_seq

        def structure_fixed(value: Any, _type: Any) -> tuple[Any, ...]:
            if not isinstance(value, list | tuple):
                raise _err(f"expected a list of {len(args)} items, got {type_name(value)}", "type")
            if len(value) != len(args):
                raise _err(f"expected a list of {len(args)} items, got {len(value)}", "length")
            out: list[Any] = []
            errors: list[ErrorItem] = []
            for i, (element, member) in enumerate(zip(value, args, strict=True)):
                try:
                    out.append(conv.get_structure_hook(member)(element, member))
                except InvalidDataError as exc:
                    errors.extend(e.under(f"$[{i}]") for e in exc.errors)
            if errors:
                raise InvalidDataError(errors)
            return tuple(out)

        return structure_fixed

    return factory


def _frozenset_factory(conv: cattrs.Converter) -> Callable[[Any], StructureHook]:
    def factory(t: Any) -> StructureHook:
        (member,) = get_args(t) or (Any,)

        def structure_set(value: Any, _type: Any) -> frozenset[Any]:
            if not isinstance(value, list | tuple | set | frozenset):
                raise _err(f"expected a list, got {type_name(value)}", "type")
            hook = conv.get_structure_hook(member)
            out: list[Any] = []
            errors: list[ErrorItem] = []
            for i, element in enumerate(value):
                try:
                    out.append(hook(element, member))
                except InvalidDataError as exc:
                    errors.extend(e.under(f"$[{i}]") for e in exc.errors)
            if errors:
                raise InvalidDataError(errors)
            return frozenset(out)

        return structure_set

    return factory


def _mapping_factory(conv: cattrs.Converter) -> Callable[[Any], StructureHook]:
    def factory(t: Any) -> StructureHook:
        key_type, value_type = get_args(t) or (Any, Any)

        def structure_map(value: Any, _type: Any) -> dict[Any, Any]:
            if not isinstance(value, Mapping):
                raise _err(f"expected an object, got {type_name(value)}", "type")
            key_hook = conv.get_structure_hook(key_type)
            value_hook = conv.get_structure_hook(value_type)
            out: dict[Any, Any] = {}
            errors: list[ErrorItem] = []
            for k, v in value.items():
                here = child_path(k)
                try:
                    sk = key_hook(k, key_type)
                except InvalidDataError as exc:
                    errors.extend(attrs.evolve(e, message="key: " + e.message).under(here) for e in exc.errors)
                    continue
                try:
                    out[sk] = value_hook(v, value_type)
                except InvalidDataError as exc:
                    errors.extend(e.under(here) for e in exc.errors)
            if errors:
                raise InvalidDataError(errors)
            return out

        return structure_map

    return factory


TAG = "kind"
"""The discriminator field of tagged unions: each attrs member class has a ``kind`` field with a default."""


def _union_tags(members: list[Any]) -> dict[str, Any]:
    tags: dict[str, Any] = {}
    for member in members:
        if isinstance(member, type) and attrs.has(member):
            for a in attrs.fields(member):
                if a.name == TAG and isinstance(a.default, str):
                    tags[a.default] = member
    return tags


def _union_factory(conv: cattrs.Converter) -> Callable[[Any], StructureHook]:
    def factory(t: Any) -> StructureHook:
        members = [m for m in get_args(t) if m is not type(None)]
        optional = len(members) < len(get_args(t))
        names = " or ".join(getattr(m, "__name__", str(m)) for m in members)
        tags = _union_tags(members)

        def structure_union(value: Any, _type: Any) -> Any:
            if value is None:
                if optional:
                    return None
                raise _err(f"expected {names}, got None", "type")
            if len(members) == 1:
                return conv.get_structure_hook(members[0])(value, members[0])
            if tags and isinstance(value, Mapping):
                tag = value.get(TAG)
                if tag in tags:
                    return conv.get_structure_hook(tags[tag])(value, tags[tag])
                raise _err(f"expected one of {_choices(sorted(tags))}, got {type_name(tag)}", "tag", f"$.{TAG}")
            first: InvalidDataError | None = None
            for member in members:
                try:
                    return conv.get_structure_hook(member)(value, member)
                except InvalidDataError as exc:
                    first = first or exc
            assert first is not None
            raise first

        return structure_union

    return factory


def _is_literal(t: object) -> bool:
    return get_origin(t) is typing.Literal


def _is_any(t: object) -> bool:
    return t is Any


def _literal_hook(value: Any, t: Any) -> Any:
    allowed = get_args(t)
    for a in allowed:
        if value == a and type(value) is type(a):
            return a
    raise _err(f"expected one of {_choices(list(allowed))}, got {type_name(value)}", "literal")


# ----------------------------------------------------------------------------- attrs classes


def _attrs_structure_factory(conv: cattrs.Converter) -> Callable[[Any], StructureHook]:
    def factory(cls: Any) -> StructureHook:
        hints = typing.get_type_hints(cls)
        fields = [a for a in attrs.fields(cls) if a.init]
        known = frozenset(a.alias for a in fields)
        specs = [(a, hints.get(a.name, Any), a.default is not attrs.NOTHING) for a in fields]
        name = cls.__name__

        def structure(value: Any, _type: Any) -> Any:
            if not isinstance(value, Mapping):
                raise InvalidDataError.single(
                    "$", f"expected an object for {name}, got {type_name(value)}", "type", type_name=name
                )
            errors: list[ErrorItem] = []
            kwargs: dict[str, Any] = {}
            for key in value:
                if key not in known:
                    errors.append(
                        ErrorItem(path=child_path(key), message=f"unknown field for {name}", rule="unknown_field")
                    )
            for field, field_type, has_default in specs:
                if field.alias not in value:
                    if not has_default:
                        errors.append(
                            ErrorItem(path=child_path(field.alias), message="required field is missing", rule="missing")
                        )
                    continue
                raw = value[field.alias]
                try:
                    kwargs[field.alias] = conv.get_structure_hook(field_type)(raw, field_type)
                except InvalidDataError as exc:
                    errors.extend(_leaf_errors(cls, field, raw, exc))
            if errors:
                # Also report the rules broken by the fields that did structure.
                errors.extend(_fields.check_fields(cls, kwargs))
                raise InvalidDataError(errors, type_name=name)
            try:
                return cls(**kwargs)
            except InvalidDataError as exc:
                raise InvalidDataError([*_fields.check_fields(cls, kwargs), *exc.errors], type_name=name) from None
            except (TypeError, ValueError):
                located = _fields.check_fields(cls, kwargs)
                raise InvalidDataError(
                    located or [ErrorItem(path="$", message=f"the values do not make a valid {name}", rule="invalid")],
                    type_name=name,
                ) from None

        return structure

    return factory


def _leaf_errors(cls: Any, field: attrs.Attribute[Any], raw: Any, exc: InvalidDataError) -> list[ErrorItem]:
    """Errors for one field; a leaf type error is reworded by the field's own validator.

    The field validator knows the rule (``expected a number >= 0``) where the
    type hook only knows the type (``expected a number``).
    """
    alias = field.alias or field.name
    here = child_path(alias)
    leaf = len(exc.errors) == 1 and exc.errors[0].path == "$" and exc.errors[0].rule == "type"
    if leaf and field.validator is not None:
        better = _fields.check_fields(cls, {alias: raw})
        if len(better) == 1 and better[0].path == here:
            return better
    return [e.under(here) for e in exc.errors]


def _attrs_unstructure_factory(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any], Any]]:
    def factory(cls: Any) -> Callable[[Any], Any]:
        pairs = [(a.name, a.alias) for a in attrs.fields(cls) if a.init]

        def unstructure(obj: Any) -> dict[str, Any]:
            return {alias: conv.unstructure(getattr(obj, attr)) for attr, alias in pairs}

        return unstructure

    return factory


# ----------------------------------------------------------------------------- unstructure leaves


def _sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _mapping_key(value: Any) -> Any:
    if isinstance(value, Weekday):
        return value.name.lower()
    if isinstance(value, enum.Enum):
        return value.value
    return value


# ----------------------------------------------------------------------------- public API


def configure_converter(conv: cattrs.Converter) -> None:
    """Install iopcore's hooks on *conv* (a ``cattrs.Converter``).

    Registrations happen from general to specific, so a class-specific hook
    added afterwards by the caller takes precedence.
    """
    # Containers, unions and attrs classes: predicate factories (later ones win).
    conv.register_structure_hook_factory(attrs.has, _attrs_structure_factory(conv))
    conv.register_structure_hook_factory(_origin_is(tuple), _sequence_factory(conv))
    conv.register_structure_hook_factory(_origin_is(frozenset, typing.FrozenSet), _frozenset_factory(conv))  # noqa: UP006
    conv.register_structure_hook_factory(
        _origin_is(Mapping, dict, typing.Mapping, dict),
        _mapping_factory(conv),
    )
    conv.register_structure_hook_factory(_is_union, _union_factory(conv))
    conv.register_structure_hook_func(_is_literal, _literal_hook)
    conv.register_structure_hook_func(_is_any, _structure_any)
    # Leaves: class dispatch (most specific class wins, so StrEnum beats str).
    for kind, hook in (
        (str, _structure_str),
        (int, _structure_int),
        (float, _structure_float),
        (bool, _structure_bool),
        (date, _structure_date),
        (datetime, _structure_datetime),
        (enum.Enum, _structure_enum),
        (enum.StrEnum, _structure_enum),
        (enum.IntEnum, _structure_enum),
        (Weekday, _structure_weekday),
        (ClockTime, _structure_clock),
        (Minutes, _structure_minutes),
    ):
        conv.register_structure_hook(kind, hook)

    conv.register_unstructure_hook_factory(attrs.has, _attrs_unstructure_factory(conv))
    conv.register_unstructure_hook(tuple, lambda v: [conv.unstructure(x) for x in v])
    conv.register_unstructure_hook(list, lambda v: [conv.unstructure(x) for x in v])
    conv.register_unstructure_hook(frozenset, lambda v: sorted((conv.unstructure(x) for x in v), key=_sort_key))
    conv.register_unstructure_hook(
        types.MappingProxyType, lambda v: {_mapping_key(k): conv.unstructure(x) for k, x in v.items()}
    )
    conv.register_unstructure_hook(
        _fields.FrozenMap, lambda v: {_mapping_key(k): conv.unstructure(x) for k, x in v.items()}
    )
    conv.register_unstructure_hook(dict, lambda v: {_mapping_key(k): conv.unstructure(x) for k, x in v.items()})
    conv.register_unstructure_hook(enum.Enum, lambda v: v.value)
    conv.register_unstructure_hook(enum.StrEnum, lambda v: v.value)
    conv.register_unstructure_hook(enum.IntEnum, lambda v: v.value)
    conv.register_unstructure_hook(Weekday, lambda v: v.name.lower())
    conv.register_unstructure_hook(date, lambda v: v.isoformat())
    conv.register_unstructure_hook(datetime, lambda v: v.isoformat())
    conv.register_unstructure_hook(ClockTime, str)
    conv.register_unstructure_hook(Minutes, lambda v: v.value)


def make_converter() -> cattrs.Converter:
    """A new cattrs converter configured for every iopcore type."""
    conv = cattrs.Converter(forbid_extra_keys=True)
    configure_converter(conv)
    return conv


_CONVERTER = make_converter()


def to_dict(obj: object, *, converter: cattrs.Converter | None = None) -> Any:
    """Unstructure an iopcore value to JSON-compatible data (a dict for attrs classes)."""
    return (converter or _CONVERTER).unstructure(obj)


@overload
def from_dict(cls: type[T], data: object, *, converter: cattrs.Converter | None = None) -> T: ...
@overload
def from_dict(cls: Any, data: object, *, converter: cattrs.Converter | None = None) -> Any: ...
def from_dict(cls: Any, data: object, *, converter: cattrs.Converter | None = None) -> Any:
    """Structure *data* (as made by :func:`to_dict` or parsed from JSON) into a *cls*.

    Raises :class:`~iopcore.errors.InvalidDataError` listing every problem with its path.
    """
    conv = converter or _CONVERTER
    try:
        hook = conv.get_structure_hook(cls)
    except Exception:  # noqa: BLE001 - cattrs reports unsupported types in several ways
        raise InvalidDataError.single(
            "$", f"iopcore cannot structure the type {getattr(cls, '__name__', cls)!s}", "unsupported_type"
        ) from None
    try:
        return hook(data, cls)
    except InvalidDataError:
        raise
    except Exception:  # noqa: BLE001 - never let a raw KeyError, TypeError or cattrs error escape
        raise InvalidDataError.single(
            "$", f"the data does not describe a valid {getattr(cls, '__name__', 'value')}", "invalid"
        ) from None
