"""A read-only mapping that pickles and hashes (``types.MappingProxyType`` does neither)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar, final

from iopcore._fields._guard import guard
from iopcore.errors import ErrorItem, InvalidArgumentError

__all__ = ["FrozenMap", "set_repr"]

K = TypeVar("K")
V = TypeVar("V")


@final
class FrozenMap(Mapping[K, V]):
    """An immutable mapping: the type of every mapping field of an iopcore value.

    It keeps the insertion order of the dict it was built from, compares equal to
    any mapping with the same items (as ``dict`` does), hashes by its items (so its
    values must be hashable), and pickles with the standard library.

    >>> m = FrozenMap({"a": 1})
    >>> m["a"], m == {"a": 1}, hash(m) == hash(FrozenMap({"a": 1}))
    (1, True, True)
    """

    __slots__ = ("_data", "_hash")

    _data: dict[K, V]
    _hash: int | None

    @guard
    def __init__(self, data: Mapping[Any, Any] | Iterable[tuple[Any, Any]] = (), /) -> None:
        try:
            items = dict(data)
        except TypeError:
            raise InvalidArgumentError(
                (ErrorItem(path="$.data", message="expected hashable keys, got an unhashable one", rule="type"),),
                callable="FrozenMap",
            ) from None
        object.__setattr__(self, "_data", items)
        object.__setattr__(self, "_hash", None)

    @classmethod
    def _of(cls, data: dict[Any, Any]) -> FrozenMap[Any, Any]:
        """Wrap a fresh dict without checks or copies (iopcore's converters own it from here)."""
        made: FrozenMap[Any, Any] = object.__new__(cls)
        object.__setattr__(made, "_data", data)
        object.__setattr__(made, "_hash", None)
        return made

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: K, default: Any = None) -> Any:
        """The value for *key*, or *default* (an unhashable key is an error, as for a dict)."""
        try:
            return self._data.get(key, default)
        except TypeError:
            raise InvalidArgumentError(
                (ErrorItem(path="$.key", message="expected a hashable key, got an unhashable one", rule="type"),),
                callable="FrozenMap.get",
            ) from None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, dict):
            return self._data == other
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            object.__setattr__(self, "_hash", hash(frozenset(self._data.items())))
        return self._hash  # type: ignore[return-value]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("FrozenMap is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("FrozenMap is immutable")

    def __repr__(self) -> str:
        if any(type(v) is frozenset for v in self._data.values()):  # sorted, as every frozenset field shows
            return f"FrozenMap({{{', '.join(f'{k!r}: {set_repr(v)}' for k, v in self._data.items())}}})"
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._data,))

    def __or__(self, other: Mapping[K, V]) -> FrozenMap[K, V]:
        """A new map with *other*'s items added (later keys win), as ``dict | dict`` does."""
        if not isinstance(other, Mapping):
            return NotImplemented
        return FrozenMap({**self._data, **other})


def _rebuild(data: dict[Any, Any]) -> FrozenMap[Any, Any]:
    return FrozenMap._of(data)


FrozenMap.__module__ = "iopcore"


def set_repr(value: Any) -> str:
    """The ``repr`` of a frozenset field with its members sorted, so that it does not vary with ``PYTHONHASHSEED``.

    Members sort by their own order where they have one (strings, numbers, dates), else by their ``repr``
    (enum members); anything but a frozenset shows as its plain ``repr``.
    """
    if type(value) is not frozenset:
        return repr(value)
    if not value:
        return "frozenset()"
    try:
        members = sorted(value)
    except TypeError:
        members = sorted(value, key=repr)
    return f"frozenset({{{', '.join(map(repr, members))}}})"
