"""The guarded boundary: every public function and method checks its arguments once, on entry.

:func:`guard` wraps a function so that each call first checks every argument against the
function's own annotations, then calls it with the checked (normalized) values:

* ``int`` and ``float``: the number rules of :mod:`iopcore._fields._kinds` (numpy scalars count,
  ``bool`` and enum members never do; floats are finite); values arrive as builtin ``int``/``float``;
* ``date`` refuses a ``datetime``; ``datetime`` must be aware; ``time`` must be naive; ``tzinfo``
  must give a UTC offset;
* enums want a member; ``Literal[...]`` one of its values; ``X | None`` ``None`` or an ``X``;
* ``Sequence[X]`` a list, tuple or other sequence (not a string, a set or a mapping) and
  ``Iterable[X]`` any iterable but a string or a mapping, each item an ``X``; both arrive as a
  ``tuple``; ``Mapping[K, V]`` a mapping with ``K`` keys and ``V`` values, arriving as a dict;
* classes (attrs values, catalogs, protocols marked ``runtime_checkable``) by ``isinstance``;
* ``Annotated[T, Range(...)]`` adds bounds.

Keyword names are checked too (an unknown one is an error, not a ``TypeError``), and so are
missing required arguments. Every problem found is reported at once in one
:class:`~iopcore.errors.InvalidArgumentError` whose paths name the parameters (``$.on``,
``$.closures[2]``), with the expected and the given *type*, never the value.

The checks are compiled from the annotations on the first call (annotations may name classes
defined later in the module). Inner code calls the undecorated function (``fn.__wrapped__``)
or private helpers, so that checks happen once at the boundary and not in inner loops.
"""

from __future__ import annotations

import collections.abc as cabc
import enum
import functools
import inspect
import math
import types
import typing
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, TypeVar, cast, final

import attrs

from iopcore._fields._kinds import (
    as_date,
    as_datetime,
    as_float,
    as_int,
    is_aware,
    is_date,
    is_integer,
    is_number,
    is_usable_tzinfo,
    number_text,
    with_article,
)
from iopcore.errors import ErrorItem, InvalidArgumentError, child_path, type_name

__all__ = ["NOT_HANDLED", "FastPath", "Range", "compile_check", "guard", "is_guarded"]

F = TypeVar("F", bound=Callable[..., Any])


@final
@attrs.frozen
class Range:
    """Bounds for an ``int`` or ``float`` parameter: ``Annotated[int, Range(min_value=1, max_value=520)]``."""

    min_value: float | None = None
    max_value: float | None = None
    max_exclusive: bool = False

    def describe(self, kind: str) -> str:
        if self.min_value is not None and self.max_value is not None:
            top = f"< {_fmt(self.max_value)}" if self.max_exclusive else f"<= {_fmt(self.max_value)}"
            return f"{kind} >= {_fmt(self.min_value)} and {top}"
        if self.min_value is not None:
            return f"{kind} >= {_fmt(self.min_value)}"
        if self.max_value is not None:
            return f"{kind} {'<' if self.max_exclusive else '<='} {_fmt(self.max_value)}"
        return kind

    def holds(self, value: float) -> bool:
        if self.min_value is not None and value < self.min_value:
            return False
        if self.max_value is None:
            return True
        return value < self.max_value if self.max_exclusive else value <= self.max_value


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


class _Bad(Exception):
    """Internal: a check failed; carries the items (never escapes :func:`guard`)."""

    def __init__(self, items: list[ErrorItem]) -> None:
        self.items = items


def _bad(path: str, message: str, rule: str = "type") -> _Bad:
    return _Bad([ErrorItem(path=path, message=message, rule=rule)])


Check = Callable[[Any, str], Any]
"""A compiled check: returns the (normalized) value or raises :class:`_Bad` with items under *path*."""


# ----------------------------------------------------------------------------- leaf checks


def _check_any(value: Any, _path: str) -> Any:
    return value


def _check_none(value: Any, path: str) -> Any:
    if value is not None:
        raise _bad(path, f"expected None, got {type_name(value)}")
    return None


def _check_bool(value: Any, path: str) -> Any:
    if not isinstance(value, bool):
        raise _bad(path, f"expected a boolean, got {type_name(value)}")
    return value


def _check_str(value: Any, path: str) -> Any:
    if not isinstance(value, str):
        raise _bad(path, f"expected a string, got {type_name(value)}")
    return value


def _int_check(bounds: Range | None) -> Check:
    expected = bounds.describe("an integer") if bounds else "an integer"

    def check(value: Any, path: str) -> Any:
        if type(value) is not int:
            if not is_integer(value):
                raise _bad(path, f"expected {expected}, got {type_name(value)}")
            value = as_int(value)
        if bounds is not None and not bounds.holds(value):
            raise _bad(path, f"expected {expected}, got {number_text(value)}", "range")
        return value

    return check


def _float_check(bounds: Range | None) -> Check:
    expected = bounds.describe("a number") if bounds else "a number"

    def check(value: Any, path: str) -> Any:
        if type(value) is not float:
            if not is_number(value):
                raise _bad(path, f"expected {expected}, got {type_name(value)}")
            converted = as_float(value)
            if converted is None:
                raise _bad(path, f"expected {expected}, got a {type_name(value)} with no finite value", "finite")
            value = converted
        elif not math.isfinite(value):
            raise _bad(path, f"expected {expected}, got a non-finite float", "finite")
        if bounds is not None and not bounds.holds(value):
            raise _bad(path, f"expected {expected}, got {number_text(value)}", "range")
        return value

    return check


def _check_date(value: Any, path: str) -> Any:
    if not is_date(value):
        raise _bad(path, f"expected a date, got {type_name(value)}")
    return as_date(value)


def _check_datetime(value: Any, path: str) -> Any:
    if not isinstance(value, datetime):
        raise _bad(path, f"expected an aware datetime, got {type_name(value)}")
    if not is_aware(value):
        raise _bad(path, "expected an aware datetime (with a tzinfo that gives a UTC offset), got a naive one", "aware")
    return as_datetime(value)


def _check_time(value: Any, path: str) -> Any:
    if not isinstance(value, time):
        raise _bad(path, f"expected a time of day, got {type_name(value)}")
    if value.tzinfo is not None:
        raise _bad(
            path, "expected a naive time of day (the time zone is a separate argument), got an aware one", "naive"
        )
    return value


def _check_tzinfo(value: Any, path: str) -> Any:
    if not isinstance(value, tzinfo):
        raise _bad(path, f"expected a tzinfo, got {type_name(value)}")
    if not is_usable_tzinfo(value):
        raise _bad(
            path,
            f"expected a tzinfo that gives a UTC offset within ±24 h, got a {type_name(value)} that does not",
            "tzinfo",
        )
    return value


def _class_check(kind: type) -> Check:
    expected = with_article(kind.__name__)

    def check(value: Any, path: str) -> Any:
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise _bad(path, f"expected {expected}, got {type_name(value)}")
        return value

    if type(kind) is type:  # a plain class (no metaclass hooks): isinstance(x, kind) is issubclass(type(x), kind)
        check.kind = kind  # type: ignore[attr-defined]  # lets a container check test its items' types at once
    return check


def _enum_check(kind: type[enum.Enum]) -> Check:
    members = ", ".join(f"{kind.__name__}.{m.name}" for m in kind)
    expected = f"a member of {kind.__name__} ({members})"

    def check(value: Any, path: str) -> Any:
        if not isinstance(value, kind):
            raise _bad(path, f"expected {expected}, got {type_name(value)}", "enum")
        return value

    return check


def _literal_check(allowed: tuple[Any, ...]) -> Check:
    shown = ", ".join(repr(a) for a in allowed)

    def check(value: Any, path: str) -> Any:
        for a in allowed:
            if type(value) is type(a) and value == a:
                return a
        if any(isinstance(value, type(a)) for a in allowed):
            raise _bad(path, f"expected one of {shown}, got a {type_name(value)} that is not one of them", "literal")
        raise _bad(path, f"expected one of {shown}, got {type_name(value)}", "literal")

    return check


def _type_check(bound: Any) -> Check:
    target = bound if isinstance(bound, type) and bound is not Any else object  # type[Any]: any class

    def check(value: Any, path: str) -> Any:
        if not isinstance(value, type) or not issubclass(value, target):
            raise _bad(path, f"expected a subclass of {target.__name__}, got {type_name(value)}")
        return value

    return check


def _check_callable(value: Any, path: str) -> Any:
    if not callable(value):
        raise _bad(path, f"expected a callable, got {type_name(value)}")
    return value


def _protocol_check(proto: type) -> Check:
    names = sorted(
        n
        for klass in proto.__mro__
        if klass not in (object, typing.Generic) and getattr(klass, "_is_protocol", False)
        for n in (*vars(klass), *getattr(klass, "__annotations__", {}))
        if not n.startswith("_")
    )

    def check(value: Any, path: str) -> Any:
        if any(not hasattr(value, n) for n in names):
            raise _bad(path, f"expected an object with the {proto.__name__} protocol, got {type_name(value)}")
        return value

    return check


# ----------------------------------------------------------------------------- containers


_NOT_SEQUENCES = (str, bytes, bytearray, cabc.Mapping, cabc.Set)
_NOT_ITERABLES = (str, bytes, bytearray, cabc.Mapping)


def _items_check(member: Check, *, sequence: bool, what: str, into: type = tuple) -> Check:
    refused = _NOT_SEQUENCES if sequence else _NOT_ITERABLES
    wanted = cabc.Sequence if sequence else cabc.Iterable

    kind: type | None = getattr(member, "kind", None)  # the items' class, when that is the whole check

    def check(value: Any, path: str) -> Any:
        if not isinstance(value, wanted) or isinstance(value, refused):
            raise _bad(path, f"expected {what}, got {type_name(value)}")
        if kind is not None:  # the common case, without a path per item: the distinct types, checked once each
            elements = value if type(value) is tuple else tuple(value)
            types = set(map(type, elements))
            if all(issubclass(t, kind) for t in types) and (
                kind is bool or not any(issubclass(t, bool) for t in types)
            ):
                return list(elements) if into is list else elements
            value = elements  # one item is wrong: the full check below names it
        out: list[Any] = []
        items: list[ErrorItem] = []
        for i, element in enumerate(value):
            try:
                out.append(member(element, f"{path}[{i}]"))
            except _Bad as bad:
                items.extend(bad.items)
        if items:
            raise _Bad(items)
        return out if into is list else tuple(out)

    return check


def _set_check(member: Check) -> Check:
    def check(value: Any, path: str) -> Any:
        if not isinstance(value, cabc.Iterable) or isinstance(value, _NOT_ITERABLES):
            raise _bad(path, f"expected a set or list, got {type_name(value)}")
        items: list[ErrorItem] = []
        out: list[Any] = []
        for i, element in enumerate(value):
            try:
                out.append(member(element, f"{path}[{i}]"))
            except _Bad as bad:
                items.extend(bad.items)
        if items:
            raise _Bad(items)
        try:
            return frozenset(out)
        except TypeError:
            raise _bad(path, "expected a set of hashable items, got an unhashable item") from None

    return check


def _fixed_tuple_check(members: tuple[Check, ...]) -> Check:
    def check(value: Any, path: str) -> Any:
        if not isinstance(value, tuple | list):
            raise _bad(path, f"expected a tuple of {len(members)} items, got {type_name(value)}")
        if len(value) != len(members):
            raise _bad(path, f"expected a tuple of {len(members)} items, got {len(value)}", "length")
        items: list[ErrorItem] = []
        out: list[Any] = []
        for i, (element, member) in enumerate(zip(value, members, strict=True)):
            try:
                out.append(member(element, f"{path}[{i}]"))
            except _Bad as bad:
                items.extend(bad.items)
        if items:
            raise _Bad(items)
        return tuple(out)

    return check


def _mapping_check(key: Check, member: Check) -> Check:
    def check(value: Any, path: str) -> Any:
        if not isinstance(value, cabc.Mapping):
            raise _bad(path, f"expected a mapping, got {type_name(value)}")
        out: dict[Any, Any] = {}
        items: list[ErrorItem] = []
        for k, v in value.items():
            here = path + child_path(k.value if isinstance(k, enum.Enum) else k)[1:]
            try:
                k = key(k, here)
            except _Bad as bad:
                items.extend(attrs.evolve(e, message="key: " + e.message) for e in bad.items)
                continue
            try:
                out[k] = member(v, here)
            except _Bad as bad:
                items.extend(bad.items)
            except TypeError:
                items.append(
                    ErrorItem(path=here, message="expected a hashable key, got an unhashable one", rule="type")
                )
        if items:
            raise _Bad(items)
        return out

    return check


def _union_check(members: list[Check], optional: bool, names: str) -> Check:
    def check(value: Any, path: str) -> Any:
        if value is None:
            if optional:
                return None
            raise _bad(path, f"expected {names}, got None")
        first: _Bad | None = None
        for member in members:
            try:
                return member(value, path)
            except _Bad as bad:
                first = first or bad
        if len(members) == 1 and first is not None:
            raise first
        raise _bad(path, f"expected {names}, got {type_name(value)}")

    return check


# ----------------------------------------------------------------------------- compiling annotations


_SEQUENCES = {tuple, list, cabc.Sequence, cabc.MutableSequence}
_ITERABLES = {cabc.Iterable, cabc.Collection, cabc.Iterator, cabc.Generator, cabc.Reversible}
_SETS = {frozenset, set, cabc.Set, cabc.MutableSet}
_MAPPINGS = {dict, cabc.Mapping, cabc.MutableMapping}


def _name(t: Any) -> str:
    if t is type(None) or t is None:
        return "None"
    if isinstance(t, type):
        return t.__name__
    origin = typing.get_origin(t)
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(t))
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_name(a) for a in typing.get_args(t))
    if origin is typing.Annotated:
        return _name(typing.get_args(t)[0])
    if origin is not None:
        return getattr(origin, "__name__", str(origin))
    return str(t)


def compile_check(t: Any) -> Check:
    """The check for one annotation (already resolved: no strings)."""
    if t is Any or t is object or (isinstance(t, TypeVar) and t.__bound__ is None):
        return _check_any
    if isinstance(t, TypeVar):
        return compile_check(t.__bound__)
    if t is None or t is type(None):
        return _check_none
    origin = typing.get_origin(t)
    args = typing.get_args(t)
    if origin is typing.Annotated:
        base, *meta = args
        bounds = next((m for m in meta if isinstance(m, Range)), None)
        if bounds is not None and base is int:
            return _int_check(bounds)
        if bounds is not None and base is float:
            return _float_check(bounds)
        return compile_check(base)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        names = " or ".join(_name(a) for a in members)
        return _union_check([compile_check(a) for a in members], len(members) < len(args), names)
    if origin is typing.Literal:
        return _literal_check(args)
    if origin is type:
        return _type_check(args[0] if args else object)
    if origin is cabc.Callable or t is cabc.Callable:
        return _check_callable
    if origin in _SEQUENCES or t in _SEQUENCES:
        if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
            return _fixed_tuple_check(tuple(compile_check(a) for a in args))
        member = compile_check(args[0]) if args else _check_any
        what = f"a list of {_name(args[0]) if args else 'items'}"
        return _items_check(member, sequence=True, what=what, into=list if origin is list or t is list else tuple)
    if origin in _ITERABLES or t in _ITERABLES:
        member = compile_check(args[0]) if args else _check_any
        return _items_check(member, sequence=False, what=f"an iterable of {_name(args[0]) if args else 'items'}")
    if origin in _SETS or t in _SETS:
        return _set_check(compile_check(args[0]) if args else _check_any)
    if origin in _MAPPINGS or t in _MAPPINGS:
        key, value = args if args else (Any, Any)
        return _mapping_check(compile_check(key), compile_check(value))
    if origin is not None:  # another generic alias: check its class only
        return _class_check(origin) if isinstance(origin, type) else _check_any
    return _leaf_check(t)


def _leaf_check(t: Any) -> Check:
    leaves: dict[Any, Check] = {
        bool: _check_bool,
        int: _int_check(None),
        float: _float_check(None),
        str: _check_str,
        date: _check_date,
        datetime: _check_datetime,
        time: _check_time,
        tzinfo: _check_tzinfo,
        timedelta: _class_check(timedelta),
    }
    if t in leaves:
        return leaves[t]
    if isinstance(t, type) and issubclass(t, enum.Enum):
        return _enum_check(t)
    if isinstance(t, type) and getattr(t, "_is_protocol", False) and not getattr(t, "_is_runtime_protocol", False):
        return _protocol_check(t)
    if isinstance(t, type):
        return _class_check(t)
    raise TypeError(f"iopcore.guard cannot check the annotation {t!r}")  # a bug in iopcore, found by its tests


# ----------------------------------------------------------------------------- binding


@final
class _Signature:
    """A function's parameters with their compiled checks, and a fast binder."""

    __slots__ = ("by_name", "name", "positional", "required", "skip", "var_keyword", "var_positional")

    def __init__(self, fn: Callable[..., Any], name: str) -> None:
        hints = typing.get_type_hints(fn, include_extras=True)
        params = list(inspect.signature(fn).parameters.values())
        self.name = name
        self.skip = 1 if params and params[0].name in ("self", "cls") else 0
        self.positional: list[tuple[str, str, Check]] = []
        self.by_name: dict[str, tuple[int, str, Check]] = {}
        self.required: list[str] = []
        self.var_positional: tuple[str, Check] | None = None
        self.var_keyword: Check | None = None
        for index, p in enumerate(params[self.skip :], start=self.skip):
            check = compile_check(hints[p.name]) if p.name in hints else _check_any
            path = child_path(p.name)
            if p.kind is inspect.Parameter.VAR_POSITIONAL:
                self.var_positional = (path, check)
                continue
            if p.kind is inspect.Parameter.VAR_KEYWORD:
                self.var_keyword = check
                continue
            if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
                self.positional.append((p.name, path, check))
            if p.kind is not inspect.Parameter.POSITIONAL_ONLY:
                position = index if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD else -1
                self.by_name[p.name] = (position, path, check)
            if p.default is inspect.Parameter.empty:
                self.required.append(p.name)

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        items: list[ErrorItem] = []
        out = list(args)
        given: set[str] = set()
        limit = self.skip + len(self.positional)
        for i in range(self.skip, len(args)):
            if i < limit:
                name, path, check = self.positional[i - self.skip]
                given.add(name)
            elif self.var_positional is not None:
                base, check = self.var_positional
                path = f"{base}[{i - limit}]"
            else:
                items.append(
                    ErrorItem(
                        path="$",
                        message=f"expected at most {len(self.positional)} positional argument(s), "
                        f"got {len(args) - self.skip}",
                        rule="arguments",
                    )
                )
                break
            try:
                out[i] = check(args[i], path)
            except _Bad as bad:
                items.extend(bad.items)
        checked: dict[str, Any] = {}
        for key, value in kwargs.items():
            spec = self.by_name.get(key)
            if spec is None:
                if self.var_keyword is None:
                    items.append(
                        ErrorItem(path=child_path(key), message="unknown keyword argument", rule="unknown_argument")
                    )
                    continue
                path, check = child_path(key), self.var_keyword
            else:
                position, path, check = spec
                if 0 <= position < len(args):
                    items.append(
                        ErrorItem(
                            path=path, message="argument given twice (by position and by keyword)", rule="arguments"
                        )
                    )
                    continue
                given.add(key)
            try:
                checked[key] = check(value, path)
            except _Bad as bad:
                items.extend(bad.items)
        for name in self.required:
            if name not in given:
                items.append(ErrorItem(path=child_path(name), message="required argument is missing", rule="missing"))
        if items:
            raise InvalidArgumentError(items, callable=self.name)
        return tuple(out), checked


@final
class _NotHandled:
    """The type of :data:`NOT_HANDLED`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_HANDLED"


NOT_HANDLED: Any = _NotHandled()
"""What a guard's fast path returns when it leaves a call to the full check."""

FastPath = Callable[[tuple[Any, ...], dict[str, Any]], Any]
"""``fast(args, kwargs)``: the call's result, or :data:`NOT_HANDLED` (see :func:`guard`)."""


@typing.overload
def guard(fn: F, /) -> F: ...


@typing.overload
def guard(*, fast: FastPath) -> Callable[[F], F]: ...


def guard(fn: F | None = None, /, *, fast: FastPath | None = None) -> F | Callable[[F], F]:
    """Check *fn*'s arguments against its annotations on every call (see the module docs).

    Works on functions, methods and (under ``@classmethod`` / ``@staticmethod``) class and static
    methods. The undecorated function stays reachable as ``__wrapped__``.

    ``@guard(fast=f)`` is for the few public functions called per record (``score``), where the
    generic check would cost more than the work: each call is first given to ``f(args, kwargs)``,
    which returns the result when it has itself proved *every* argument valid (exact builtin types,
    known codes; typically the common call shape, handled by the body's own checks), or
    :data:`NOT_HANDLED` to leave the call to the full check and then to *fn*.
    """
    if fn is not None:
        return _wrap(fn, fast)

    def decorate(inner: F) -> F:
        return _wrap(inner, fast)

    return decorate


def _wrap(fn: F, fast: FastPath | None) -> F:
    signature: _Signature | None = None
    name = fn.__qualname__.replace(".<locals>", "")

    if fast is None:

        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            nonlocal signature
            if signature is None:
                signature = _Signature(fn, name)
            checked_args, checked_kwargs = signature.bind(args, kwargs)
            return fn(*checked_args, **checked_kwargs)

    else:
        shortcut = fast

        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            result = shortcut(args, kwargs)
            if result is not NOT_HANDLED:
                return result
            nonlocal signature
            if signature is None:
                signature = _Signature(fn, name)
            checked_args, checked_kwargs = signature.bind(args, kwargs)
            return fn(*checked_args, **checked_kwargs)

    guarded.__iopcore_guarded__ = True  # type: ignore[attr-defined]
    return cast(F, guarded)


def is_guarded(fn: object) -> bool:
    """Whether *fn* (a function, or a class/static method's function) was wrapped by :func:`guard`."""
    return bool(getattr(fn, "__iopcore_guarded__", False))
