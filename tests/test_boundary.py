"""The careless caller: every public callable refuses wrong arguments with an iopcore error naming them.

The test finds every public function, method and constructor itself (from each public module's
``__all__``), calls it with valid arguments drawn from the strategies, then again with each argument
replaced by wrong values (None, a string, an int, a bool, NaN, a huge int, a datetime where a date is
wanted, a naive datetime, a list, another iopcore value, a custom tzinfo 25 hours from UTC …). A replacement that the annotation does not
admit must raise an :class:`~iopcore.errors.IopcoreError` whose path names the replaced argument; any
other exception (a bare ``TypeError``, ``KeyError``, ``AttributeError`` …) fails the test, and so does
a public callable the test cannot call, unless :data:`ALLOWED` lists it with the reason.
"""

from __future__ import annotations

import collections.abc as cabc
import enum
import inspect
import math
import types
import typing
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from iopcore.errors import InvalidDataError, IopcoreError
from iopcore.times import ClockTime, Minutes
from tests.builders import sample_errors
from tests.public import public_modules

# ----------------------------------------------------------------------------- the inventory


@attrs.frozen
class Target:
    """One public callable: a function, a constructor or a method (``owner`` is its class)."""

    name: str
    function: Callable[..., Any]
    owner: type | None = None
    kind: str = "function"  # "function", "constructor", "method", "classmethod", "staticmethod"


def _public_methods(cls: type) -> Iterator[tuple[str, Any, str]]:
    for name, raw in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(raw, classmethod):
            yield name, raw.__func__, "classmethod"
        elif isinstance(raw, staticmethod):
            yield name, raw.__func__, "staticmethod"
        elif inspect.isfunction(raw):
            yield name, raw, "method"


def _skip_class(cls: type) -> bool:
    return issubclass(cls, BaseException | enum.Enum) or getattr(cls, "_is_protocol", False)


def home(obj: Any) -> str:
    """The public module an object belongs to: its defining module without the private parts."""
    parts = obj.__module__.split(".")
    while parts[-1].startswith("_"):
        parts.pop()
    return ".".join(parts)


def inventory() -> list[Target]:
    """Every public callable once (re-exports are the same object), named by its home module, sorted."""
    found: dict[int, Target] = {}
    for module in public_modules():
        for export in getattr(module, "__all__", ()):
            obj = getattr(module, export)
            if inspect.isfunction(obj):
                found.setdefault(id(obj), Target(f"{home(obj)}.{obj.__qualname__}", obj))
            elif isinstance(obj, type) and obj.__module__.startswith("iopcore"):
                qual = f"{home(obj)}.{obj.__qualname__}"
                if not _skip_class(obj):
                    found.setdefault(id(obj), Target(qual, obj, obj, "constructor"))
                for name, fn, kind in _public_methods(obj):
                    found.setdefault(id(fn), Target(f"{qual}.{name}", fn, obj, kind))
    return sorted(found.values(), key=lambda t: t.name)


TARGETS = inventory()

# Callables the test may not call yet, each with the reason. Issue 13 empties this list outside
# ``iopcore.schedule``; the cohort issue (14) empties the schedule part.
ALLOWED: dict[str, str] = {}
ALLOWED_PREFIXES: dict[str, str] = {}


def allowed(target: Target) -> str | None:
    if target.name in ALLOWED:
        return ALLOWED[target.name]
    for prefix, reason in ALLOWED_PREFIXES.items():
        if target.name.startswith(prefix):
            return reason
    return None


# ----------------------------------------------------------------------------- parameters and values


@attrs.frozen
class Param:
    name: str
    annotation: Any
    kind: inspect._ParameterKind
    default: Any


def parameters(target: Target) -> list[Param]:
    """The parameters a caller passes (``self``/``cls`` left out), with resolved annotations."""
    if target.kind == "constructor":
        assert target.owner is not None
        if attrs.has(target.owner):
            hints = typing.get_type_hints(target.owner, include_extras=True)
            return [
                Param(
                    a.alias,
                    hints.get(a.name, Any),
                    inspect.Parameter.KEYWORD_ONLY,
                    inspect.Parameter.empty if a.default is attrs.NOTHING else a.default,
                )
                for a in attrs.fields(target.owner)
                if a.init
            ]
        fn = target.owner.__init__
    else:
        fn = target.function
    hints = typing.get_type_hints(inspect.unwrap(fn), include_extras=True)
    params = list(inspect.signature(fn).parameters.values())
    if target.kind in ("method", "classmethod") or (target.kind == "constructor" and params):
        params = params[1:]
    return [
        Param(p.name, hints.get(p.name, Any), p.kind, p.default)
        for p in params
        if p.kind not in (inspect.Parameter.VAR_KEYWORD,)
    ]


def _strip(t: Any) -> Any:
    return typing.get_args(t)[0] if typing.get_origin(t) is typing.Annotated else t


AWARE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NAIVE = datetime(2026, 3, 2, 9, 0)  # noqa: DTZ001 - deliberately naive


class TwentyFiveHours(tzinfo):
    """A custom tzinfo Python lets anyone write, whose offset no datetime accepts (24 h or more)."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=25)

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)

    def __repr__(self) -> str:
        return "TwentyFiveHours()"


FAR = TwentyFiveHours()


def strategy_for(t: Any) -> st.SearchStrategy[Any]:
    """A strategy of valid values for an annotation (from the registered strategies where they exist)."""
    t = _strip(t)
    origin, args = typing.get_origin(t), typing.get_args(t)
    if t is Any or t is object or isinstance(t, typing.TypeVar):
        return st.none()
    if t is datetime:
        return st.datetimes(timezones=st.just(UTC))
    if t is date:
        return st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
    if t is tzinfo:
        return st.sampled_from([UTC, timezone(timedelta(hours=-5))])
    if t is time:
        return st.times()
    if t is float:
        return st.floats(min_value=0, max_value=1000)
    if t is int:
        return st.integers(min_value=0, max_value=60)
    if origin in (typing.Union, types.UnionType):
        return st.one_of([strategy_for(a) for a in args])
    if origin in (cabc.Sequence, cabc.Iterable, cabc.Collection, tuple, list) and args:
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return st.tuples(*(strategy_for(a) for a in args))
        return st.lists(strategy_for(args[0]), max_size=3).map(tuple)
    if origin in (cabc.Set, frozenset, set) and args:
        return st.frozensets(strategy_for(args[0]), max_size=3)
    if origin in (cabc.Mapping, dict) and args:
        return st.dictionaries(strategy_for(args[0]), strategy_for(args[1]), max_size=3)
    if origin is cabc.Callable or t is cabc.Callable:
        return st.just(lambda *a, **k: None)
    if t is cattrs.Converter:  # configure_converter's argument: Hypothesis cannot infer cattrs' own __init__
        return st.builds(cattrs.Converter)
    return st.from_type(t)


def acceptable(value: Any, t: Any) -> bool:
    """Whether *value* has a type the annotation admits (written apart from the guard, on purpose)."""
    t = _strip(t)
    origin, args = typing.get_origin(t), typing.get_args(t)
    if t is Any or t is object or isinstance(t, typing.TypeVar):
        return True
    if t is None or t is type(None):
        return value is None
    if origin in (typing.Union, types.UnionType):
        return any(acceptable(value, a) for a in args)
    if origin is typing.Literal:
        return any(type(value) is type(a) and value == a for a in args)
    if t is bool:
        return isinstance(value, bool)
    if t is int:
        return type(value) is int
    if t is float:
        return type(value) in (int, float) and _finite(value)
    if t is date:
        return isinstance(value, date) and not isinstance(value, datetime)
    if t is datetime:
        return isinstance(value, datetime) and value.tzinfo is not None
    if t is time:
        return isinstance(value, time) and value.tzinfo is None
    if t is tzinfo:
        return isinstance(value, tzinfo) and value is not FAR
    if origin is type:
        return isinstance(value, type)
    if origin is cabc.Callable or t is cabc.Callable:
        return callable(value)
    if origin in (cabc.Sequence, cabc.Iterable, cabc.Collection, tuple, list, frozenset, cabc.Set):
        if not isinstance(value, list | tuple) or isinstance(value, str):
            return False
        if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
            return len(value) == len(args) and all(acceptable(v, a) for v, a in zip(value, args, strict=True))
        return all(acceptable(v, args[0]) for v in value) if args else True
    if origin in (cabc.Mapping, dict):
        return isinstance(value, cabc.Mapping) and all(
            acceptable(k, args[0]) and acceptable(v, args[1]) for k, v in value.items()
        )
    if origin is not None:
        return isinstance(value, origin)
    if isinstance(t, type):
        if getattr(t, "_is_protocol", False):
            return not isinstance(value, str | int | float | bool | list | date | type(None))
        return isinstance(value, t) and not (isinstance(value, bool) and t is not bool)
    return True


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


WRONG: list[tuple[str, Any]] = [
    ("None", None),
    ("str", "x"),
    ("int", 7),
    ("bool", True),
    ("nan", math.nan),
    ("huge int", 10**400),
    ("aware datetime", AWARE),
    ("naive datetime", NAIVE),
    ("date", date(2026, 3, 2)),
    ("list", [1, "a"]),
    ("iopcore value", Minutes(30)),
    ("other iopcore value", ClockTime(9, 0)),
    ("object", object()),
    ("a tzinfo 25 hours from UTC", FAR),
]


def names_argument(exc: IopcoreError, name: str) -> bool:
    """Whether the error's paths name the parameter *name* (``$.name``, ``$.name[2]``, ``$.name.x``)."""
    if not isinstance(exc, InvalidDataError):
        return False
    base = f"$.{name}"
    return any(p == base or p.startswith((base + "[", base + ".")) for p in exc.paths)


# ----------------------------------------------------------------------------- calling


def _call(target: Target, instance: Any, kwargs: dict[str, Any], params: list[Param]) -> Any:
    positional = [kwargs[p.name] for p in params if p.kind is inspect.Parameter.POSITIONAL_ONLY and p.name in kwargs]
    var = next((p for p in params if p.kind is inspect.Parameter.VAR_POSITIONAL), None)
    rest = {
        k: v
        for k, v in kwargs.items()
        if not any(
            p.name == k and p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.VAR_POSITIONAL)
            for p in params
        )
    }
    extra = list(kwargs.get(var.name, ())) if var is not None else []
    if var is not None:
        positional = [
            rest.pop(p.name) for p in params if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and p.name in rest
        ] + positional
    if target.kind == "constructor":
        assert target.owner is not None
        return target.owner(*positional, *extra, **rest)
    if target.kind == "method":
        return getattr(instance, target.function.__name__)(*positional, *extra, **rest)
    if target.kind in ("classmethod", "staticmethod"):
        assert target.owner is not None
        return getattr(target.owner, target.function.__name__)(*positional, *extra, **rest)
    return target.function(*positional, *extra, **rest)


def instances_of(cls: type | None) -> st.SearchStrategy[Any]:
    """Values to call methods on: the registered strategy, or sample errors for exception classes."""
    assert cls is not None
    if issubclass(cls, BaseException):
        return st.sampled_from([e for e in sample_errors() if type(e) is cls])
    return st.from_type(cls)


COVERED = {"found": 0, "allow-listed": 0, "callables": 0, "slots": 0, "calls": 0}


def _expect(target: Target, outcome: Callable[[], Any], *, wrong: bool, name: str, what: str) -> None:
    try:
        outcome()
    except IopcoreError as exc:
        if wrong and not names_argument(exc, name):
            pytest.fail(f"{target.name}: {what} for {name!r}: the error does not name $.{name}: {exc}")
        return
    except Exception as exc:  # noqa: BLE001 - the point of the test: nothing but iopcore errors
        pytest.fail(f"{target.name}: {what} for {name!r} raised {type(exc).__name__}: {exc}")
    if wrong:
        pytest.fail(f"{target.name}: {what} for {name!r} was accepted")


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_wrong_arguments_raise_iopcore_errors_naming_them(target: Target) -> None:
    """Every argument slot refuses values of the wrong type with an iopcore error naming the slot."""
    reason = allowed(target)
    if reason is not None:
        pytest.skip(reason)
    params = parameters(target)
    needs_instance = target.kind == "method"
    assert target.owner is not None or not needs_instance

    @settings(max_examples=2, suppress_health_check=list(HealthCheck), deadline=None, phases=[Phase.generate])
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        instance = data.draw(instances_of(target.owner), label="self") if needs_instance else None
        kwargs: dict[str, Any] = {}
        if target.kind == "constructor" and attrs.has(target.owner):
            # a valid value's own fields: attrs reports only the first broken field, so the rest must be valid
            value = data.draw(st.from_type(target.owner), label="value")
            kwargs = {a.alias: getattr(value, a.name) for a in attrs.fields(target.owner) if a.init}
        for p in params:
            if p.name in kwargs:
                continue
            if p.kind is inspect.Parameter.VAR_POSITIONAL:
                kwargs[p.name] = data.draw(st.lists(strategy_for(p.annotation), max_size=2), label=p.name)
            elif p.default is inspect.Parameter.empty:
                kwargs[p.name] = data.draw(strategy_for(p.annotation), label=p.name)
            else:
                kwargs[p.name] = p.default
        _expect(target, lambda: _call(target, instance, kwargs, params), wrong=False, name="", what="valid arguments")
        for p in params:
            for what, value in WRONG:
                if p.kind is inspect.Parameter.VAR_POSITIONAL:
                    changed = {**kwargs, p.name: [value]}
                    bad = not acceptable(value, p.annotation)
                else:
                    changed = {**kwargs, p.name: value}
                    bad = not acceptable(value, p.annotation)
                COVERED["calls"] += 1
                _expect(target, lambda c=changed: _call(target, instance, c, params), wrong=bad, name=p.name, what=what)

    run()
    COVERED["callables"] += 1
    COVERED["slots"] += len(params)


def test_inventory_finds_the_public_api() -> None:
    """The inventory finds functions, constructors and methods across the public modules."""
    kinds = {t.kind for t in TARGETS}
    assert {"function", "constructor", "method", "classmethod"} <= kinds
    assert len(TARGETS) > 250
    COVERED["allow-listed"] = sum(1 for t in TARGETS if allowed(t) is not None)
    COVERED["found"] = len(TARGETS)
