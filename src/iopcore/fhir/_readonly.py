"""Read-only JSON parts: what many exported resources hold in common is built once and shared, unchangeable.

An export of hundreds of thousands of Observations would otherwise build the same codings, categories
and labels hundreds of thousands of times, and Python's cycle collector would walk every one of those
lists and objects again and again while the export runs (most of its time). Shared parts are instead
:class:`ReadOnlyDict` and :class:`ReadOnlyList`: subclasses of ``dict`` and ``list`` (``json.dumps``,
``==``, ``isinstance`` and every reader treat them as the plain ones) whose changing methods raise
:class:`~iopcore.errors.ReadOnlyElementError`. So changing one resource in place can never change
another: a caller replaces a shared part (``obs["code"] = {...}``) or takes ``copy.deepcopy(obs)``,
which gives plain dicts and lists throughout. Pickling keeps them read-only.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from iopcore.errors import ReadOnlyElementError

__all__ = ["ReadOnlyDict", "ReadOnlyList", "frozen"]


class ReadOnlyDict(dict[str, Any]):
    """A JSON object shared by several exported resources: a ``dict`` that refuses to change."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ReadOnlyElementError("object")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return {key: copy.deepcopy(value, memo) for key, value in self.items()}

    def __reduce__(self) -> tuple[Any, ...]:
        return (ReadOnlyDict, (dict(self),))


class ReadOnlyList(list[Any]):
    """A JSON array shared by several exported resources: a ``list`` that refuses to change."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ReadOnlyElementError("array")

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse

    def __copy__(self) -> list[Any]:
        return list(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        return [copy.deepcopy(value, memo) for value in self]

    def __reduce__(self) -> tuple[Any, ...]:
        return (ReadOnlyList, (list(self),))


def frozen(value: Any) -> Any:
    """*value* (JSON: dicts, lists or tuples, strings, numbers, booleans) as read-only parts all the way down."""
    if isinstance(value, Mapping):
        return ReadOnlyDict({key: frozen(item) for key, item in value.items()})
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ReadOnlyList(frozen(item) for item in value)
    return value
