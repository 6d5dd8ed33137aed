"""Field helpers shared by every iopcore value class.

* Validators in the attrs style (``validator(instance, attribute, value)``) that
  raise :class:`~iopcore.errors.InvalidDataError` with the field's path, the
  rule and the value's *type*, never the value.
* Tolerant converters that turn lists into tuples and ints into floats and leave
  anything else alone for the validator to reject (a converter must never crash
  on bad input: the validator reports it with a path).
* :func:`phi_field`, which marks a field as holding a patient identifier: it is
  redacted in ``repr`` and flagged in the field metadata (``PHI``).
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar, cast

import attrs

from iopcore._fields._frozen import FrozenMap
from iopcore._fields._kinds import (
    as_float,
    as_int,
    is_aware,
    is_date,
    is_integer,
    is_number,
    number_text,
    with_article,
)
from iopcore.errors import ErrorItem, InvalidDataError, child_path, type_name

__all__ = [
    "PHI",
    "Validator",
    "aware_datetime",
    "boolean",
    "calendar_date",
    "check_fields",
    "enum_expectation",
    "enum_member",
    "fail",
    "frozenset_of",
    "identifier",
    "identifiers",
    "instance",
    "int_tuple",
    "integer",
    "is_identifier",
    "is_phi",
    "literal",
    "mapping_of",
    "number",
    "optional",
    "phi_field",
    "text",
    "to_float",
    "to_frozenset",
    "to_int",
    "to_int_tuple",
    "to_mapping",
    "to_tuple",
    "tuple_of",
    "unique_by",
]

PHI = "iopcore.phi"
"""Metadata key marking a field that holds a patient identifier."""

REDACTED = "<redacted>"

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]
T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


def is_identifier(value: object) -> bool:
    """Whether *value* is a snake_case identifier string (a-z, 0-9, _; starting with a letter)."""
    return isinstance(value, str) and _IDENTIFIER.match(value) is not None


_PATHS: dict[str, str] = {}
"""Field paths by attribute alias: validators ask for them on every construction, and field names are few."""


def _path(attribute: attrs.Attribute[Any]) -> str:
    alias = attribute.alias or attribute.name
    path = _PATHS.get(alias)
    if path is None:
        path = _PATHS[alias] = child_path(alias)
    return path


def fail(attribute: attrs.Attribute[Any] | str, message: str, rule: str, owner: object = None) -> InvalidDataError:
    """Return (not raise) an error for *attribute* so callers write ``raise fail(...)``.

    *owner* is the instance being built (or its class); its class name heads the message.
    """
    path = attribute if isinstance(attribute, str) else _path(attribute)
    name = None if owner is None else (owner.__name__ if isinstance(owner, type) else type(owner).__name__)
    return InvalidDataError.single(path, message, rule, type_name=name)


def _owner_name(owner: object) -> str | None:
    return None if owner is None else type(owner).__name__


def _redact(_value: object) -> str:
    return REDACTED


def phi_field(**kwargs: Any) -> Any:
    """An ``attrs.field`` that holds a patient identifier: redacted in ``repr``."""
    metadata = dict(kwargs.pop("metadata", {}) or {})
    metadata[PHI] = True
    return attrs.field(repr=_redact, metadata=metadata, **kwargs)


def is_phi(attribute: attrs.Attribute[Any]) -> bool:
    """Whether *attribute* was declared with :func:`phi_field`."""
    return bool(attribute.metadata.get(PHI, False))


# --------------------------------------------------------------------------- converters


def to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Turn a list into a tuple; leave anything else to the validator."""
    if isinstance(value, list):
        return tuple(value)
    return value  # type: ignore[return-value]


def to_frozenset(value: Iterable[Any]) -> frozenset[Any]:
    """Turn a set, list or tuple of hashables into a frozenset; leave anything else."""
    if isinstance(value, set | list | tuple):
        try:
            return frozenset(value)
        except TypeError:  # unhashable member: the validator reports the type
            return value  # type: ignore[return-value]
    return value  # type: ignore[return-value]


def to_mapping(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """Copy a dict or other mapping into a :class:`FrozenMap`; leave anything else to the validator."""
    if type(value) is dict:  # the common case, without the abstract-class check below
        return FrozenMap._of(dict(value))
    if isinstance(value, FrozenMap):
        return value
    if isinstance(value, Mapping):
        try:
            return FrozenMap._of(dict(value))
        except TypeError:  # an unhashable key: the validator reports the type
            return value
    return value


def to_float(value: float) -> float:
    """Turn a number (``int``, numpy scalar …; never a ``bool`` or enum) into a finite ``float``.

    ``None`` and anything that is not a number, or has no finite float (``10**400``), are left alone for
    the validator to report.
    """
    if type(value) is float:
        return value
    if is_number(value):
        result = as_float(value)
        if result is not None:
            return result
    return value


def to_int(value: int) -> int:
    """Turn an integer (numpy's included; never a ``bool`` or enum) into a builtin ``int``; leave anything else."""
    if type(value) is not int and is_integer(value):
        return as_int(value)
    return value


def to_int_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Turn a list or tuple into a tuple whose integers (numpy's included) are builtin ``int``.

    Items that are not integers (``bool``, enum members, strings …) and values that are not a list
    or tuple are left alone for the validator (:func:`int_tuple`) to report.
    """
    if isinstance(value, list | tuple):
        return tuple(as_int(v) if type(v) is not int and is_integer(v) else v for v in value)
    return value  # type: ignore[return-value]


# --------------------------------------------------------------------------- validators


def instance(kind: type | tuple[type, ...], description: str) -> Validator:
    """Value must be an instance of *kind* (``bool`` never passes for ``int``)."""

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _as_tuple(kind)):
            raise fail(attribute, f"expected {description}, got {type_name(value)}", "type", inst)

    return check


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def text(*, min_length: int = 1, max_length: int | None = None) -> Validator:
    """A string of at least *min_length* characters (surrounding blanks don't count)."""

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str):
            raise fail(attribute, f"expected a string, got {type_name(value)}", "type", inst)
        if len(value.strip()) < min_length:
            raise fail(attribute, "expected a non-empty string, got an empty str", "non_empty", inst)
        if max_length is not None and len(value) > max_length:
            raise fail(
                attribute, f"expected a string of at most {max_length} characters, got a longer str", "max_length", inst
            )

    return check


def identifier() -> Validator:
    """A stable snake_case id: lowercase letters, digits and underscores, starting with a letter."""

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str):
            raise fail(attribute, f"expected a snake_case identifier string, got {type_name(value)}", "type", inst)
        if not _IDENTIFIER.match(value):
            raise fail(
                attribute,
                "expected a snake_case identifier (a-z, 0-9, _; starting with a letter), got a str that is not one",
                "identifier",
                inst,
            )

    return check


def boolean() -> Validator:
    """Exactly ``True`` or ``False``."""

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, bool):
            raise fail(attribute, f"expected a boolean, got {type_name(value)}", "type", inst)

    return check


def _bounds_text(kind: str, min_value: float | None, max_value: float | None, max_exclusive: bool) -> str:
    if min_value is not None and max_value is not None:
        if max_exclusive:
            return f"{kind} >= {_fmt(min_value)} and < {_fmt(max_value)}"
        return f"{kind} between {_fmt(min_value)} and {_fmt(max_value)}"
    if min_value is not None:
        return f"{kind} >= {_fmt(min_value)}"
    if max_value is not None:
        return f"{kind} {'<' if max_exclusive else '<='} {_fmt(max_value)}"
    return kind


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def integer(*, min_value: int | None = None, max_value: int | None = None) -> Validator:
    """An ``int`` (not ``bool``) within the inclusive bounds."""
    expected = _bounds_text("an integer", min_value, max_value, False)

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if type(value) is not int:
            raise fail(attribute, f"expected {expected}, got {type_name(value)}", "type", inst)
        if (min_value is not None and value < min_value) or (max_value is not None and value > max_value):
            raise fail(attribute, f"expected {expected}, got {number_text(value)}", "range", inst)

    return check


def number(*, min_value: float | None = None, max_value: float | None = None, max_exclusive: bool = False) -> Validator:
    """A finite ``float`` (ints are converted by :func:`to_float`) within bounds."""
    expected = _bounds_text("a number", min_value, max_value, max_exclusive)

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if type(value) is not float and not is_number(value):
            raise fail(attribute, f"expected {expected}, got {type_name(value)}", "type", inst)
        if type(value) is not float and as_float(value) is None:
            raise fail(
                attribute, f"expected {expected}, got a {type_name(value)} too large for a number", "finite", inst
            )
        if not math.isfinite(value):
            raise fail(attribute, f"expected {expected}, got a non-finite {type_name(value)}", "finite", inst)
        too_low = min_value is not None and value < min_value
        too_high = max_value is not None and (value >= max_value if max_exclusive else value > max_value)
        if too_low or too_high:
            raise fail(attribute, f"expected {expected}, got {number_text(value)}", "range", inst)

    return check


def enum_member(kind: type[E]) -> Validator:
    """A member of the enum *kind* (its string value is not enough in Python; serialized data uses it)."""
    expected = enum_expectation(kind)

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, kind):
            raise fail(attribute, f"expected {expected}, got {type_name(value)}", "enum", inst)

    return check


def enum_expectation(kind: type[enum.Enum]) -> str:
    """How an error message names the members of *kind*: ``a member of Weekday (Weekday.MONDAY, …)``."""
    members = ", ".join(f"{kind.__name__}.{m.name}" for m in kind)
    return f"a member of {kind.__name__} ({members})"


def _enum_text(member: enum.Enum) -> object:
    """How a member is written in data: its string value, else its ``str()`` (``Weekday`` → ``"monday"``)."""
    return member.value if isinstance(member.value, str) else str(member)


def calendar_date() -> Validator:
    """A ``datetime.date`` that is not a ``datetime``."""

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not is_date(value):
            raise fail(attribute, f"expected a date, got {type_name(value)}", "type", inst)

    return check


def aware_datetime() -> Validator:
    """A ``datetime`` with a tzinfo that gives a UTC offset."""

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, datetime):
            raise fail(attribute, f"expected an aware datetime, got {type_name(value)}", "type", inst)
        if not is_aware(value):
            raise fail(attribute, "expected an aware datetime (with tzinfo), got a naive datetime", "aware", inst)

    return check


def optional(inner: Validator) -> Validator:
    """``None`` or a value accepted by *inner*."""

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            inner(inst, attribute, value)

    return check


def tuple_of(member: type, *, description: str | None = None, min_length: int = 0) -> Validator:
    """A tuple whose elements are instances of *member*; element paths read ``$.field[2]``.

    Elements are themselves validated when they are built, so a type check is
    all that is left to do here.
    """
    desc = description or f"{member.__name__} items"

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple):
            raise fail(attribute, f"expected a list of {desc}, got {type_name(value)}", "type", inst)
        if len(value) < min_length:
            raise fail(attribute, f"expected at least {min_length} item(s), got {len(value)}", "min_length", inst)
        if member is not bool and all(isinstance(e, member) and not isinstance(e, bool) for e in value):
            return  # the common case: no error items to build
        base = _path(attribute)
        items = [
            ErrorItem(path=f"{base}[{i}]", message=f"expected {desc}, got {type_name(e)}", rule="type")
            for i, e in enumerate(value)
            if not isinstance(e, member) or (isinstance(e, bool) and member is not bool)
        ]
        if items:
            raise InvalidDataError(items, type_name=_owner_name(inst))

    return check


def int_tuple(
    *,
    min_value: int | None = None,
    max_value: int | None = None,
    min_length: int = 0,
    allow_none: bool = False,
    description: str = "integers",
) -> Validator:
    """A tuple of builtin ``int`` (never ``bool`` or an enum member) within the inclusive bounds.

    Pair it with ``converter=to_int_tuple``; with *allow_none* items may also be ``None``.
    Element paths read ``$.field[2]``; every bad item is reported at once.
    """
    expected = _bounds_text("an integer", min_value, max_value, False) + (" or None" if allow_none else "")

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple):
            raise fail(attribute, f"expected a list of {description}, got {type_name(value)}", "type", inst)
        if len(value) < min_length:
            raise fail(attribute, f"expected at least {min_length} item(s), got {len(value)}", "min_length", inst)
        base = _path(attribute)
        items: list[ErrorItem] = []
        for i, e in enumerate(value):
            if e is None and allow_none:
                continue
            if type(e) is not int:
                items.append(
                    ErrorItem(path=f"{base}[{i}]", message=f"expected {expected}, got {type_name(e)}", rule="type")
                )
            elif (min_value is not None and e < min_value) or (max_value is not None and e > max_value):
                items.append(
                    ErrorItem(path=f"{base}[{i}]", message=f"expected {expected}, got {number_text(e)}", rule="range")
                )
        if items:
            raise InvalidDataError(items, type_name=_owner_name(inst))

    return check


def literal(*allowed: str) -> Validator:
    """One of the strings *allowed* (a tag such as ``kind="rating"``)."""
    shown = ", ".join(repr(a) for a in allowed)

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str):
            raise fail(attribute, f"expected one of {shown}, got {type_name(value)}", "type", inst)
        if value not in allowed:
            raise fail(attribute, f"expected one of {shown}, got a str that is not one of them", "literal", inst)

    return check


def identifiers(*, min_length: int = 0) -> Validator:
    """A tuple of snake_case identifier strings."""
    one = identifier()

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        tuple_of(str, description="identifier strings", min_length=min_length)(inst, attribute, value)
        base = _path(attribute)
        items: list[ErrorItem] = []
        for i, element in enumerate(value):
            try:
                one(inst, attribute, element)
            except InvalidDataError as exc:
                items.extend(attrs.evolve(e, path=f"{base}[{i}]") for e in exc.errors)
        if items:
            raise InvalidDataError(items, type_name=_owner_name(inst))

    return check


def frozenset_of(member: type, description: str) -> Validator:
    """A frozenset whose elements are instances of *member*."""

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, frozenset):
            raise fail(attribute, f"expected a set of {description}, got {type_name(value)}", "type", inst)
        for element in value:
            if not isinstance(element, member) or (isinstance(element, bool) and member is not bool):
                raise fail(
                    attribute,
                    f"expected a set of {description}, got an element of type {type_name(element)}",
                    "type",
                    inst,
                )

    return check


def mapping_of(key: type, value: type, *, description: str) -> Validator:
    """A read-only mapping from *key* instances to *value* instances."""

    def check(inst: Any, attribute: attrs.Attribute[Any], mapping: Any) -> None:
        if not isinstance(mapping, Mapping) or isinstance(mapping, dict):
            raise fail(attribute, f"expected a mapping of {description}, got {type_name(mapping)}", "type", inst)
        base = _path(attribute)
        items: list[ErrorItem] = []
        wanted = enum_expectation(value) if issubclass(value, enum.Enum) else with_article(value.__name__)
        wanted_key = enum_expectation(key) if issubclass(key, enum.Enum) else with_article(key.__name__)
        for k, v in mapping.items():
            here = base + child_path(_enum_text(k) if isinstance(k, enum.Enum) else k)[1:]
            if not isinstance(k, key):
                items.append(
                    ErrorItem(
                        path=here, message=f"expected a key that is {wanted_key}, got {type_name(k)}", rule="type"
                    )
                )
            elif not isinstance(v, value):
                items.append(ErrorItem(path=here, message=f"expected {wanted}, got {type_name(v)}", rule="type"))
        if items:
            raise InvalidDataError(items, type_name=_owner_name(inst))

    return check


def unique_by(items: Iterable[T], key: Callable[[T], Hashable], *, path: str, what: str) -> None:
    """Raise if two of *items* share a *key*; the error names the later one's index, not the key."""
    seen: set[Hashable] = set()
    errors: list[ErrorItem] = []
    for i, item in enumerate(items):
        k = key(item)
        if k in seen:
            errors.append(ErrorItem(path=f"{path}[{i}]", message=f"duplicate {what}", rule="unique"))
        seen.add(k)
    if errors:
        raise InvalidDataError(errors)


def check_fields(cls: type, values: Mapping[str, Any]) -> list[ErrorItem]:
    """Run each field validator of the attrs class *cls* on *values* (keyed by alias).

    Used to report *every* single-field problem at once when construction fails;
    attrs itself stops at the first failing validator.
    """
    errors: list[ErrorItem] = []
    for field in attrs.fields(cls):
        if field.alias not in values or field.validator is None:
            continue
        value = values[field.alias]
        if field.converter is not None:
            fn = cast(Callable[[Any], Any], getattr(field.converter, "converter", field.converter))
            try:
                value = fn(value)
            except Exception:  # noqa: BLE001 - a converter error is reported as a type error below
                errors.append(ErrorItem(path=child_path(field.alias), message=f"got {type_name(value)}", rule="type"))
                continue
        try:
            field.validator(None, field, value)
        except InvalidDataError as exc:
            errors.extend(exc.errors)
        except (TypeError, ValueError):  # a plain attrs validator: its message may echo the value
            errors.append(
                ErrorItem(
                    path=child_path(field.alias), message=f"invalid value, got {type_name(value)}", rule="invalid"
                )
            )
    return errors
