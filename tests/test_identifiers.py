"""No patient identifier appears in any str, repr, _repr_html_ or error text (issue 13, item 8).

**Which fields hold identifiers.** A field holds a patient identifier when

* it is declared with ``phi_field()`` (``iopcore._fields.is_phi``), or
* its name says so: one of :data:`IDENTIFIER_NAMES` (``patient_id``, ``mrn``, ``given_name``, …), or
  ``id``, ``name`` or a ``*_name`` field of a class that describes a person (:data:`PERSON_CLASSES`).

The second rule finds identifier fields that were not declared; :func:`test_identifier_fields_are_declared`
demands that every one of them is. The sentinel tests then plant a marker in the string value of every
identifier field of a generated value (consistently, so references between records still hold, and as a
prefix, so their order does not change) and look for it in every text iopcore makes of that value, of the
errors raised when building a broken variant of it, and of what each public callable returns or raises
when given such values. Explicit exports (``to_dict``, FHIR and record adapters) carry identifiers on
purpose; only their *errors* are checked. Date fields marked PHI are not planted (a date has no marker).
"""

from __future__ import annotations

import enum
import inspect
import types
import typing
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, reject, settings
from hypothesis import strategies as st

from iopcore import _fields as f
from iopcore.errors import ErrorItem, IopcoreError
from iopcore.serialization import from_dict, to_dict
from iopcore.serialization._types import public_name
from tests.public import expected_failures, public_attrs_classes
from tests.test_boundary import TARGETS, Param, Target, _call, instances_of, parameters, strategy_for

MARK = "qzxvk"
"""The sentinel, planted as a prefix of identifier values (lowercase, so identifier validators accept it)."""

IDENTIFIER_NAMES = frozenset(
    {
        "patient_id",
        "patient_ids",
        "patient",
        "patients",
        "mrn",
        "medical_record_number",
        "member_id",
        "subscriber_id",
        "ssn",
        "given_name",
        "family_name",
        "date_of_birth",
        "birth_date",
        "phone",
        "email",
        "address",
    }
)
"""Field names that hold a patient identifier wherever they appear."""

PERSON_CLASSES = frozenset({"iopcore.patients.Patient", "iopcore.schedule.CohortPatient", "iopcore.plans.Signature"})
"""Classes that describe a person: their ``id``, ``name`` and ``*_name`` fields are identifiers."""

# Identifier fields found by name but not declared with phi_field(), with the owner that declares them.
UNDECLARED: dict[str, str] = {}


def test_every_pending_item_names_something_that_exists() -> None:
    """The pending list names classes and callables the tests know (a renamed one must be renamed here too)."""
    known = {public_name(c) for c in CLASSES} | {t.name for t in TARGETS}
    assert set(PENDING) <= known


# Public callables that export identifiers on purpose: only their errors are checked, not what they return.
EXPORTS = frozenset(
    {
        "iopcore.serialization.to_dict",
        "iopcore.serialization.from_dict",
        "iopcore.episodes.admission_record",
        "iopcore.episodes.authorization_records",
        "iopcore.plans.plan_events",
    }
)

# Texts that show identifiers today (what the packages still owe); each test below is expected to fail
# (strictly: it must be taken off this list once it passes).
PENDING: dict[str, str] = {}


CLASSES = public_attrs_classes()
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)
"""The messages say which text shows a marker; shrinking would only cost time."""


def _stringy(t: Any) -> bool:
    """Whether *t* is ``str``, an optional ``str`` or a tuple or set of them (the types an identifier takes)."""
    if t is str:
        return True
    args = [a for a in typing.get_args(t) if a is not type(None) and a is not Ellipsis]
    origins = (typing.Union, types.UnionType, tuple, frozenset)
    return bool(args) and typing.get_origin(t) in origins and all(_stringy(a) for a in args)


def _is_identifier_field(cls: type, field: attrs.Attribute[Any]) -> bool:
    if f.is_phi(field):
        return True
    if not _stringy(typing.get_type_hints(cls).get(field.name)):
        return False
    if field.name in IDENTIFIER_NAMES:
        return True
    return public_name(cls) in PERSON_CLASSES and (field.name in ("id", "name") or field.name.endswith("_name"))


def identifier_fields(cls: type) -> list[attrs.Attribute[Any]]:
    return [a for a in attrs.fields(cls) if _is_identifier_field(cls, a)]


def _reaches(t: Any, seen: set[Any]) -> bool:
    """Whether values of type *t* can hold an identifier string somewhere inside."""
    if isinstance(t, type) and attrs.has(t):
        if t in seen:
            return False
        seen.add(t)
        hints = typing.get_type_hints(t)
        return any(_is_identifier_field(t, a) for a in attrs.fields(t)) or any(
            _reaches(hints.get(a.name), seen) for a in attrs.fields(t)
        )
    return any(_reaches(a, seen) for a in typing.get_args(t))


def holds_identifiers(t: Any) -> bool:
    return _reaches(t, set())


# ----------------------------------------------------------------------------- planting


def _plant_text(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, enum.Enum):
        return MARK + value
    if isinstance(value, tuple):
        return tuple(_plant_text(v) for v in value)
    if isinstance(value, frozenset):
        return frozenset(_plant_text(v) for v in value)
    return value


def plant(value: Any) -> Any:
    """*value* rebuilt with every identifier string under it prefixed with :data:`MARK`."""
    if isinstance(value, tuple):
        return tuple(plant(v) for v in value)
    if isinstance(value, frozenset):
        return frozenset(plant(v) for v in value)
    if isinstance(value, Mapping) and not isinstance(value, enum.Enum):
        return (
            type(value)({k: plant(v) for k, v in value.items()})
            if isinstance(value, f.FrozenMap)
            else {k: plant(v) for k, v in value.items()}
        )
    if not attrs.has(type(value)) or not type(value).__module__.startswith("iopcore"):
        return value
    cls = type(value)
    kwargs: dict[str, Any] = {}
    for a in attrs.fields(cls):
        if not a.init:
            continue
        current = plant(getattr(value, a.name))
        kwargs[a.alias or a.name] = _plant_text(current) if _is_identifier_field(cls, a) else current
    return cls(**kwargs)


def texts_of(value: Any) -> list[str]:
    out = [str(value), repr(value)]
    html = getattr(value, "_repr_html_", None)
    if callable(html):
        out.append(html())
    return out


def error_texts(exc: BaseException) -> list[str]:
    out = [str(exc), repr(exc), *(str(a) for a in exc.args)]
    for item in getattr(exc, "errors", ()):
        if isinstance(item, ErrorItem):
            out += [item.path, item.message, item.rule]
    for name in ("explanation", "reasons", "conflict"):
        out.append(str(getattr(exc, name, "")))
    return out


def assert_unmarked(texts: list[str], where: str) -> None:
    for text in texts:
        assert MARK not in text, f"{where} shows an identifier: {text[:300]}"


def planted(value: Any) -> Any:
    """:func:`plant`, or reject the example when the rebuilt value breaks a rule (its error is checked first)."""
    try:
        return plant(value)
    except IopcoreError as exc:
        assert_unmarked(error_texts(exc), f"building {type(value).__name__}")
        reject()


# ----------------------------------------------------------------------------- declaration


def test_identifier_fields_are_declared() -> None:
    """Every field that the naming rule calls an identifier is declared with phi_field() (redacted in reprs)."""
    missing = [
        f"{public_name(cls)}.{a.name}"
        for cls in CLASSES
        for a in identifier_fields(cls)
        if not f.is_phi(a) and f"{public_name(cls)}.{a.name}" not in UNDECLARED
    ]
    assert missing == []
    assert set(UNDECLARED) <= {f"{public_name(c)}.{a.name}" for c in CLASSES for a in attrs.fields(c)}


def test_the_rule_finds_the_known_identifier_fields() -> None:
    """The rule sees patients' ids and names, records' patient ids and cohort patients (a guard against a vacuous rule)."""
    found = {f"{public_name(c)}.{a.name}" for c in CLASSES for a in identifier_fields(c)}
    assert {
        "iopcore.patients.Patient.given_name",
        "iopcore.patients.Patient.id",
        "iopcore.plans.Signature.name",
        "iopcore.episodes.Episode.patient_id",
        "iopcore.compliance.AttendanceRecord.patient_id",
        "iopcore.schedule.CohortPatient.id",
    } <= found


# ----------------------------------------------------------------------------- values and their errors

HOLDERS = [c for c in CLASSES if holds_identifiers(c)]


def _broken_variants(value: Any) -> list[tuple[str, dict[str, Any]]]:
    """Keyword sets for the value's class that break one field: a wrong type, an odd identifier, a duplicate."""
    cls = type(value)
    base = {a.alias or a.name: getattr(value, a.name) for a in attrs.fields(cls) if a.init}
    variants: list[tuple[str, dict[str, Any]]] = []
    for a in attrs.fields(cls):
        if not a.init:
            continue
        key = a.alias or a.name
        variants.append((f"{key}=object()", {**base, key: object()}))
        if _is_identifier_field(cls, a) and isinstance(base[key], str):
            variants.append((f"{key}=odd identifier", {**base, key: MARK + " Not A Valid Id!" + "x" * 300}))
        items = base[key]
        if isinstance(items, tuple) and items:
            variants.append((f"{key} duplicated", {**base, key: (items[0], *items)}))
    return variants


@pytest.mark.parametrize("cls", expected_failures(HOLDERS, PENDING, public_name))
def test_planted_identifiers_appear_in_no_text_of_values_or_their_errors(cls: type) -> None:
    """str, repr and _repr_html_ of values, and the errors of broken variants and bad documents, never show identifiers."""

    @settings(max_examples=8, suppress_health_check=list(HealthCheck), phases=NO_SHRINK)
    @given(st.from_type(cls))
    def check(value: Any) -> None:
        value = planted(value)
        assert_unmarked(texts_of(value), f"{cls.__name__} str/repr/html")
        for what, kwargs in _broken_variants(value):
            try:
                cls(**kwargs)
            except IopcoreError as exc:
                assert_unmarked(error_texts(exc), f"{cls.__name__}({what}) error")
        document = to_dict(value)
        if isinstance(document, dict):
            for a in identifier_fields(cls):
                if isinstance(document.get(a.alias), str):
                    try:
                        from_dict(cls, {**document, a.alias: MARK + " Not A Valid Id!"})
                    except IopcoreError as exc:
                        assert_unmarked(error_texts(exc), f"from_dict({cls.__name__}) error")
            try:
                from_dict(cls, {**document, "no_such_field": MARK})
            except IopcoreError as exc:
                assert_unmarked(error_texts(exc), f"from_dict({cls.__name__}) error")

    check()


# ----------------------------------------------------------------------------- public callables


def _takes_identifiers(target: Target) -> bool:
    if target.owner is not None and holds_identifiers(target.owner):
        return True
    return any(holds_identifiers(p.annotation) for p in parameters(target))


CALLABLES = [
    t for t in TARGETS if _takes_identifiers(t) and not getattr(t.owner, "_is_protocol", False)
]  # a protocol's methods have no instance to call them on


def _draw_arguments(data: st.DataObject, target: Target, params: list[Param]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if target.kind == "constructor" and attrs.has(target.owner):
        value = data.draw(st.from_type(target.owner), label="value")
        return {a.alias: getattr(value, a.name) for a in attrs.fields(target.owner) if a.init}
    for p in params:
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            kwargs[p.name] = data.draw(st.lists(strategy_for(p.annotation), max_size=2), label=p.name)
        elif p.default is inspect.Parameter.empty:
            kwargs[p.name] = data.draw(strategy_for(p.annotation), label=p.name)
        else:
            kwargs[p.name] = p.default
    return kwargs


@pytest.mark.parametrize("target", expected_failures(CALLABLES, PENDING, lambda t: t.name))
def test_public_callables_show_no_identifier_in_results_or_errors(target: Target) -> None:
    """A public callable given values that hold identifiers shows none in what it returns (as text) or raises."""
    params = parameters(target)

    @settings(max_examples=3, suppress_health_check=list(HealthCheck), deadline=None, phases=NO_SHRINK)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        instance = planted(data.draw(instances_of(target.owner), label="self")) if target.kind == "method" else None
        kwargs = {k: planted(v) for k, v in _draw_arguments(data, target, params).items()}
        try:
            result = _call(target, instance, kwargs, params)
        except Exception as exc:  # noqa: BLE001 - builtin errors of callables not guarded yet must not leak either
            assert_unmarked(error_texts(exc), f"{target.name} error ({type(exc).__name__})")
            return
        if target.name in EXPORTS:
            return
        if isinstance(result, str) or (attrs.has(type(result)) and type(result).__module__.startswith("iopcore")):
            assert_unmarked(texts_of(result), f"{target.name} result")
        elif isinstance(result, tuple | list | frozenset):
            for item in result:
                if attrs.has(type(item)):
                    assert_unmarked(texts_of(item), f"{target.name} result item")

    run()
