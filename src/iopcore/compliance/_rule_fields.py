"""The fields every built-in rule shares (``kind`` tag, ``id``, ``severity``, ``source`` …) and their checks."""

from __future__ import annotations

from typing import Any

import attrs

from iopcore import _fields as f
from iopcore.compliance._findings import Severity, WeekPolicy
from iopcore.errors import type_name
from iopcore.sources import Source
from iopcore.times import Minutes


def kind_field(value: str) -> Any:
    """The rule's serialization tag: always *value*."""

    def check(inst: Any, attribute: attrs.Attribute[Any], got: Any) -> None:
        if type(got) is not str or got != value:
            raise f.fail(attribute, f"expected the string {value!r}, got {type_name(got)}", "kind", inst)

    return attrs.field(default=value, validator=check)


def id_field() -> Any:
    return attrs.field(validator=f.identifier())


def severity_field(default: Severity) -> Any:
    return attrs.field(default=default, validator=f.enum_member(Severity))


def source_field() -> Any:
    return attrs.field(validator=f.instance(Source, "a Source"))


def policy_field() -> Any:
    return attrs.field(default=WeekPolicy.SKIP, validator=f.enum_member(WeekPolicy))


def int_field(lo: int, hi: int | None = None, *, default: int | None = None) -> Any:
    """A required integer in ``[lo, hi]`` (or one with a *default*)."""
    if default is None:
        return attrs.field(converter=f.to_int, validator=f.integer(min_value=lo, max_value=hi))
    return attrs.field(default=default, converter=f.to_int, validator=f.integer(min_value=lo, max_value=hi))


def opt_int_field(lo: int, hi: int | None = None) -> Any:
    """An integer in ``[lo, hi]`` or ``None`` (the default)."""
    return attrs.field(
        default=None,
        converter=attrs.converters.optional(f.to_int),
        validator=f.optional(f.integer(min_value=lo, max_value=hi)),
    )


def opt_minutes_field() -> Any:
    return attrs.field(default=None, validator=f.optional(f.instance(Minutes, "a Minutes")))


def check_order(owner: object, lo: float | None, hi: float | None, hi_name: str) -> None:
    """A minimum or a maximum (or both), the maximum not below the minimum."""
    if lo is None and hi is None:
        raise f.fail(f"$.{hi_name}", "expected a minimum or a maximum, got neither", "empty", owner)
    if lo is not None and hi is not None and hi < lo:
        raise f.fail(
            f"$.{hi_name}",
            f"expected the maximum >= the minimum ({f.number_text(lo)}), got {f.number_text(hi)}",
            "order",
            owner,
        )
