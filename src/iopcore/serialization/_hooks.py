"""The structure and unstructure hooks iopcore installs on a cattrs converter.

Every structure hook checks what it is given and raises :class:`~iopcore.errors.InvalidDataError`
whose items name the path (relative to the value the hook builds: ``$`` is the value itself) and
the rule. No hook lets another exception out and none wraps one: each knows what it refuses. A document of
a newer format version (:class:`~iopcore.errors.UnsupportedFormatError`) stops the whole read: it
passes through the containers around it, re-rooted at its path.
"""

from __future__ import annotations

import enum
import functools
import json
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import UTC, date, datetime
from typing import Any, Literal, get_args, get_origin

import attrs
import cattrs

from iopcore import _fields
from iopcore.errors import ErrorItem, InvalidDataError, UnsupportedFormatError, child_path, type_name
from iopcore.serialization._types import TAG, FieldSpec, field_specs, is_union, origin_is, strip, union_tags
from iopcore.serialization._versions import FORMAT_KEY, FormatHistory, open_document
from iopcore.times import ClockTime, Minutes, Weekday

__all__ = ["StructureHook", "configure", "is_configured", "is_iopcore_hook", "mapping_key", "sort_key"]

StructureHook = Callable[[Any, Any], Any]

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_HHMM = re.compile(r"^([0-9]{2}):([0-9]{2})$")


def _err(message: str, rule: str, path: str = "$") -> InvalidDataError:
    return InvalidDataError.single(path, message, rule)


def _choices(values: Sequence[Any]) -> str:
    return ", ".join(repr(v) for v in values)


# ----------------------------------------------------------------------------- leaf hooks


def _structure_str(value: Any, _type: Any) -> str:
    if not isinstance(value, str):
        raise _err(f"expected a string, got {type_name(value)}", "type")
    return value if type(value) is str else str.__str__(value)


def _structure_int(value: Any, _type: Any) -> int:
    if not _fields.is_integer(value):
        raise _err(f"expected an integer, got {type_name(value)}", "type")
    return _fields.as_int(value)


def _structure_float(value: Any, _type: Any) -> float:
    if not _fields.is_number(value):
        raise _err(f"expected a number, got {type_name(value)}", "type")
    number = _fields.as_float(value)
    if number is None:
        got = "an int too large for a float" if _fields.is_integer(value) else f"a non-finite {type_name(value)}"
        raise _err(f"expected a finite number, got {got}", "finite")
    return number


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
    expected = "expected an ISO 8601 datetime with a UTC offset"
    if not isinstance(value, str):
        raise _err(f"{expected}, got {type_name(value)}", "type")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _err(f"{expected}, got a str that is not one", "datetime") from None
    if parsed.tzinfo is None:
        raise _err(f"{expected}, got a naive datetime", "aware")
    try:
        parsed.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00-05:00 is before year 1 in UTC
        raise _err(f"{expected} whose UTC time falls in years 1 to 9999, got one outside", "range") from None
    return parsed


def _written(member: enum.Enum) -> Any:
    """How a document writes an enum member: its value; a weekday as its lowercase name."""
    return member.name.lower() if isinstance(member, Weekday) else member.value


@functools.cache
def _enum_hook(kind: type[enum.Enum]) -> StructureHook:
    """Members by the value a document writes; the error lists those values (documents use them, not members)."""
    written = {_written(m): m for m in kind}
    allowed = _choices(list(written))
    scalars = tuple({type(v) for v in written})

    def structure_enum(value: Any, _type: Any) -> enum.Enum:
        if not isinstance(value, scalars) or isinstance(value, bool | enum.Enum):
            raise _err(f"expected one of {allowed}, got {type_name(value)}", "type")
        member = written.get(value)
        if member is None or type(_written(member)) is not type(value):
            raise _err(f"expected one of {allowed}, got a {type_name(value)} that is not one of them", "enum")
        return member

    return structure_enum


def _structure_enum(value: Any, kind: type[enum.Enum]) -> enum.Enum:
    return _enum_hook(kind)(value, kind)  # type: ignore[no-any-return]


def _structure_clock(value: Any, _type: Any) -> ClockTime:
    expected = "expected a time as 'HH:MM' from '00:00' to '24:00'"
    if not isinstance(value, str):
        raise _err(f"{expected}, got {type_name(value)}", "type")
    match = _HHMM.match(value)
    if match is None:
        raise _err(f"{expected}, got a str that is not one", "clock_time")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 24 or minute > 59 or (hour == 24 and minute != 0):
        raise _err(f"{expected}, got a str out of range", "clock_time")
    return ClockTime(hour, minute)


def _structure_minutes(value: Any, _type: Any) -> Minutes:
    if not _fields.is_integer(value):
        raise _err(f"expected a whole number of minutes >= 0, got {type_name(value)}", "type")
    if value < 0:
        raise _err("expected a whole number of minutes >= 0, got a negative int", "range")
    return Minutes(_fields.as_int(value))


def _structure_any(value: Any, _type: Any) -> Any:
    return value


def _structure_none(value: Any, _type: Any) -> None:
    if value is not None:
        raise _err(f"expected null, got {type_name(value)}", "type")


def _unsupported_factory(t: Any) -> StructureHook:
    name = getattr(t, "__name__", None) or str(t)

    def unsupported(_value: Any, _type: Any) -> Any:
        raise _err(f"iopcore cannot structure the type {name}", "unsupported_type")

    unsupported.__iopcore_unsupported__ = True  # type: ignore[attr-defined]
    return unsupported


class _Configured:
    """Marks a converter set up by :func:`configure`: its hook for this class is :func:`_configured_hook`."""


def _configured_hook(_value: Any, _type: Any) -> None:
    return None


def is_iopcore_hook(hook: StructureHook) -> bool:
    """Whether *hook* builds a type (not the refusal of :func:`_unsupported_factory`, nor cattrs' own).

    The hooks cattrs registers itself for the classes it knows (bytes, paths) raise builtin or cattrs
    errors on bad data: iopcore refuses those types instead. Hooks the caller registers are theirs.
    """
    if getattr(hook, "__iopcore_unsupported__", False):
        return False
    return not str(getattr(hook, "__module__", "")).startswith("cattrs")


def is_configured(conv: cattrs.Converter) -> bool:
    """Whether *conv* was set up by :func:`configure` (so its hooks raise only ``InvalidDataError``)."""
    try:
        return conv.get_structure_hook(_Configured) is _configured_hook
    except cattrs.errors.StructureHandlerNotFoundError:  # cattrs' default for a class it has no hook for
        return False


# ----------------------------------------------------------------------------- container hooks


def _collect(
    conv: cattrs.Converter, member: Any, values: Sequence[Any] | AbstractSet[Any]
) -> tuple[list[Any], list[ErrorItem]]:
    hook = conv.get_structure_hook(member)
    out: list[Any] = []
    errors: list[ErrorItem] = []
    for i, element in enumerate(values):
        try:
            out.append(hook(element, member))
        except UnsupportedFormatError as exc:
            raise exc.under(f"$[{i}]") from None
        except InvalidDataError as exc:
            errors.extend(e.under(f"$[{i}]") for e in exc.errors)
    return out, errors


def _sequence_factory(conv: cattrs.Converter) -> Callable[[Any], StructureHook]:
    def factory(t: Any) -> StructureHook:
        args = get_args(t)
        into: type = list if get_origin(t) is list else tuple
        if get_origin(t) is not tuple or not args or (len(args) == 2 and args[1] is Ellipsis):
            member = args[0] if args else Any

            def structure_seq(value: Any, _type: Any) -> Any:
                if not isinstance(value, list | tuple):
                    raise _err(f"expected a list, got {type_name(value)}", "type")
                out, errors = _collect(conv, member, value)
                if errors:
                    raise InvalidDataError(errors)
                return out if into is list else tuple(out)

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
                except UnsupportedFormatError as exc:
                    raise exc.under(f"$[{i}]") from None
                except InvalidDataError as exc:
                    errors.extend(e.under(f"$[{i}]") for e in exc.errors)
            if errors:
                raise InvalidDataError(errors)
            return tuple(out)

        return structure_fixed

    return factory


def _unhashable(items: list[Any]) -> list[ErrorItem]:
    errors: list[ErrorItem] = []
    for i, item in enumerate(items):
        try:
            hash(item)
        except TypeError:
            errors.append(
                ErrorItem(path=f"$[{i}]", message=f"expected a hashable item, got {type_name(item)}", rule="type")
            )
    return errors


def _set_factory(conv: cattrs.Converter) -> Callable[[Any], StructureHook]:
    def factory(t: Any) -> StructureHook:
        (member,) = get_args(t) or (Any,)
        into: type = set if get_origin(t) is set else frozenset

        def structure_set(value: Any, _type: Any) -> Any:
            if not isinstance(value, list | tuple | set | frozenset):
                raise _err(f"expected a list, got {type_name(value)}", "type")
            out, errors = _collect(conv, member, list(value) if isinstance(value, set | frozenset) else value)
            errors = errors or _unhashable(out)
            if errors:
                raise InvalidDataError(errors)
            return into(out)

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
                except UnsupportedFormatError as exc:
                    raise exc.under(here) from None
                except InvalidDataError as exc:
                    errors.extend(e.under(here) for e in exc.errors)
            if errors:
                raise InvalidDataError(errors)
            return out

        return structure_map

    return factory


def _union_factory(conv: cattrs.Converter) -> Callable[[Any], StructureHook]:
    def factory(t: Any) -> StructureHook:
        members = [m for m in get_args(t) if m is not type(None)]
        optional = len(members) < len(get_args(t))
        names = " or ".join(getattr(m, "__name__", str(m)) for m in members)
        tags = union_tags(members)
        allowed = _choices(sorted(tags))

        def structure_union(value: Any, _type: Any) -> Any:
            if value is None:
                if optional:
                    return None
                raise _err(f"expected {names}, got None", "type")
            if len(members) == 1:
                return conv.get_structure_hook(members[0])(value, members[0])
            if tags and isinstance(value, Mapping):
                tag = value.get(TAG)
                if isinstance(tag, str) and tag in tags:
                    return conv.get_structure_hook(tags[tag])(value, tags[tag])
                if TAG not in value:
                    raise _err(f"required field is missing (one of {allowed})", "missing", f"$.{TAG}")
                got = "a str that is not one of them" if isinstance(tag, str) else type_name(tag)
                raise _err(f"expected one of {allowed}, got {got}", "tag", f"$.{TAG}")
            first: InvalidDataError | None = None
            for member in members:
                try:
                    return conv.get_structure_hook(member)(value, member)
                except UnsupportedFormatError:
                    raise
                except InvalidDataError as exc:
                    first = first or exc
            raise first or _err(f"expected {names}, got {type_name(value)}", "type")

        return structure_union

    return factory


def _is_literal(t: object) -> bool:
    return get_origin(t) is Literal


def _literal_hook(value: Any, t: Any) -> Any:
    allowed = get_args(t)
    for a in allowed:
        if type(value) is type(a) and value == a:
            return a
    raise _err(f"expected one of {_choices(list(allowed))}, got {type_name(value)}", "literal")


# ----------------------------------------------------------------------------- attrs classes

_SCALARS = (int, float, str, bool)


def _rewordable(field_type: Any) -> bool:
    """Whether a type error of the field may be reworded by its validator (numbers and strings: it adds the bounds).

    Enums, objects and containers keep the document's wording (``expected one of 'adult', 'adolescent'``),
    never the Python API's (``a member of Population``).
    """
    t = strip(field_type)
    members = [m for m in get_args(t) if m is not type(None)] if is_union(t) else [t]
    return all(m in _SCALARS for m in members)


def _attrs_structure_factory(conv: cattrs.Converter, history: FormatHistory) -> Callable[[Any], StructureHook]:
    def factory(cls: Any) -> StructureHook:
        specs = field_specs(cls)
        known = frozenset(s.alias for s in specs) | {FORMAT_KEY}
        rewordable = {s.alias for s in specs if _rewordable(s.type)}
        name = cls.__name__

        def structure(value: Any, _type: Any) -> Any:
            if not isinstance(value, Mapping):
                raise InvalidDataError.single(
                    "$", f"expected an object for {name}, got {type_name(value)}", "type", type_name=name
                )
            if FORMAT_KEY in value:
                value = open_document(cls, value, history)
            errors: list[ErrorItem] = [
                ErrorItem(path=child_path(key), message=f"unknown field for {name}", rule="unknown_field")
                for key in value
                if key not in known
            ]
            kwargs: dict[str, Any] = {}
            for spec in specs:
                if spec.alias not in value:
                    if spec.required:
                        errors.append(
                            ErrorItem(path=child_path(spec.alias), message="required field is missing", rule="missing")
                        )
                    continue
                raw = value[spec.alias]
                try:
                    kwargs[spec.alias] = conv.get_structure_hook(spec.type)(raw, spec.type)
                except UnsupportedFormatError as exc:
                    raise exc.under(child_path(spec.alias)) from None
                except InvalidDataError as exc:
                    errors.extend(_leaf_errors(cls, spec, raw, exc, spec.alias in rewordable))
            if errors:
                # Also report the rules broken by the fields that did structure.
                errors.extend(_fields.check_fields(cls, kwargs))
                raise InvalidDataError(errors, type_name=name)
            try:
                return cls(**kwargs)
            except InvalidDataError as exc:
                raise InvalidDataError([*_fields.check_fields(cls, kwargs), *exc.errors], type_name=name) from None

        return structure

    return factory


def _leaf_errors(cls: Any, spec: FieldSpec, raw: Any, exc: InvalidDataError, rewordable: bool) -> list[ErrorItem]:
    """Errors for one field; a number's or a string's type error is reworded by the field's validator.

    The validator knows the rule (``expected a number >= 0``) where the type hook only knows the
    type (``expected a number``).
    """
    here = child_path(spec.alias)
    if rewordable and len(exc.errors) == 1 and exc.errors[0].path == "$" and exc.errors[0].rule == "type":
        better = _fields.check_fields(cls, {spec.alias: raw})
        if len(better) == 1 and better[0].path == here and better[0].rule != "enum":
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


def sort_key(value: Any) -> str:
    """The order of a set's items in a document (so that output is deterministic)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def mapping_key(value: Any) -> Any:
    """A mapping key as a document writes it (enum keys as their values, weekdays as names)."""
    if isinstance(value, Weekday):
        return value.name.lower()
    if isinstance(value, enum.Enum):
        return value.value
    return value


# ----------------------------------------------------------------------------- installing


def configure(conv: cattrs.Converter, history: FormatHistory) -> None:
    """Install iopcore's hooks on *conv*, reading documents with *history*'s migrations."""
    # Predicate factories: later ones win. The first refuses every type no later hook takes, so that
    # cattrs' own hooks (which raise cattrs errors) are never reached.
    conv.register_structure_hook_factory(lambda _t: True, _unsupported_factory)
    conv.register_structure_hook_factory(attrs.has, _attrs_structure_factory(conv, history))
    conv.register_structure_hook_factory(origin_is(tuple, list, Sequence), _sequence_factory(conv))
    conv.register_structure_hook_factory(
        origin_is(frozenset, typing.FrozenSet, set, AbstractSet),  # noqa: UP006
        _set_factory(conv),
    )
    conv.register_structure_hook_factory(origin_is(Mapping, dict, typing.Mapping), _mapping_factory(conv))
    conv.register_structure_hook_factory(is_union, _union_factory(conv))
    conv.register_structure_hook_func(_is_literal, _literal_hook)
    conv.register_structure_hook_func(lambda t: t is Any, _structure_any)
    conv.register_structure_hook_func(lambda t: t is None or t is type(None), _structure_none)
    # Leaves: class dispatch (most specific class wins).
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
        (ClockTime, _structure_clock),
        (Minutes, _structure_minutes),
        (_Configured, _configured_hook),
    ):
        conv.register_structure_hook(kind, hook)

    conv.register_unstructure_hook_factory(attrs.has, _attrs_unstructure_factory(conv))
    conv.register_unstructure_hook(tuple, lambda v: [conv.unstructure(x) for x in v])
    conv.register_unstructure_hook(list, lambda v: [conv.unstructure(x) for x in v])
    conv.register_unstructure_hook(frozenset, lambda v: sorted((conv.unstructure(x) for x in v), key=sort_key))
    conv.register_unstructure_hook(set, lambda v: sorted((conv.unstructure(x) for x in v), key=sort_key))
    for mapping in (types.MappingProxyType, _fields.FrozenMap, dict):
        conv.register_unstructure_hook(mapping, lambda v: {mapping_key(k): conv.unstructure(x) for k, x in v.items()})
    for kind in (enum.Enum, enum.StrEnum, enum.IntEnum):
        conv.register_unstructure_hook(kind, lambda v: v.value)
    conv.register_unstructure_hook(Weekday, lambda v: v.name.lower())
    conv.register_unstructure_hook(date, lambda v: v.isoformat())
    conv.register_unstructure_hook(datetime, lambda v: v.isoformat())
    conv.register_unstructure_hook(ClockTime, str)
    conv.register_unstructure_hook(Minutes, lambda v: v.value)
