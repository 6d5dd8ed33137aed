"""What the structure hooks and the migrations both need to know about annotations."""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable
from typing import Any, Union, get_args, get_origin

import attrs

TAG = "kind"
"""The discriminator field of tagged unions: each attrs member class has a ``kind`` field with a default."""


def strip(t: Any) -> Any:
    """*t* without ``Annotated[...]``."""
    return get_args(t)[0] if get_origin(t) is typing.Annotated else t


def is_union(t: Any) -> bool:
    return get_origin(t) in (Union, types.UnionType)


def origin_is(*origins: Any) -> Callable[[Any], bool]:
    def check(t: Any) -> bool:
        return get_origin(t) in origins

    return check


def union_tags(members: list[Any]) -> dict[str, Any]:
    """The attrs members of a union by the default of their ``kind`` field (members without one are left out)."""
    tags: dict[str, Any] = {}
    for member in members:
        if isinstance(member, type) and attrs.has(member):
            for a in attrs.fields(member):
                if a.name == TAG and isinstance(a.default, str):
                    tags[a.default] = member
    return tags


@attrs.frozen
class FieldSpec:
    """One init field of an attrs class as documents see it."""

    name: str
    alias: str
    type: Any
    required: bool


@functools.cache
def field_specs(cls: type) -> tuple[FieldSpec, ...]:
    """The init fields of the attrs class *cls* with their resolved annotations (cached: classes do not change)."""
    hints = typing.get_type_hints(cls)
    return tuple(
        FieldSpec(
            name=a.name, alias=a.alias or a.name, type=hints.get(a.name, Any), required=a.default is attrs.NOTHING
        )
        for a in attrs.fields(cls)
        if a.init
    )


def public_name(cls: type) -> str:
    """``iopcore.schedule.Occurrence`` for a class defined in ``iopcore.schedule._calendar`` (private parts dropped)."""
    parts = cls.__module__.split(".")
    while len(parts) > 1 and parts[-1].startswith("_"):
        parts.pop()
    return ".".join([*parts, cls.__qualname__])
