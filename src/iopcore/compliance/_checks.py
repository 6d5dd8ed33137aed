"""Argument checks that need more than an annotation (the guard's types come first, in ``@f.guard``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from iopcore import _fields as f
from iopcore.errors import ErrorItem, InvalidArgumentError


def refuse(callable: str, path: str, message: str, rule: str) -> InvalidArgumentError:
    """An error for one bad argument of *callable* (``raise refuse(...)``); *message* never holds the value."""
    return InvalidArgumentError((ErrorItem(path=path, message=message, rule=rule),), callable=callable)


def check_as_fields(callable: str, cls: type, **values: Any) -> None:
    """Check arguments that become fields of the attrs class *cls* with those fields' own validators."""
    errors = f.check_fields(cls, values)
    if errors:
        raise InvalidArgumentError(errors, callable=callable)


def check_unique_ids(callable: str, items: Iterable[Any], path: str, taken: Iterable[str] = ()) -> None:
    """Refuse items whose ``id`` repeats an earlier item's or one of *taken*, each named ``path[i]``."""
    seen = set(taken)
    duplicates: list[ErrorItem] = []
    for i, item in enumerate(items):
        if item.id in seen:
            duplicates.append(ErrorItem(path=f"{path}[{i}]", message="duplicate rule id", rule="unique"))
        seen.add(item.id)
    if duplicates:
        raise InvalidArgumentError(duplicates, callable=callable)
