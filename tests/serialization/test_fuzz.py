"""Mutated documents of every public class are read, or refused with path-named errors, never anything else."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.errors import InvalidDataError
from iopcore.serialization import FORMAT_KEY, from_dict, to_dict
from tests.public import public_attrs_classes

CLASSES = public_attrs_classes()

Path = tuple[str | int, ...]

REPLACEMENTS: list[Any] = [
    None,
    "x",
    "",
    7,
    -1,
    0,
    True,
    1.5,
    math.nan,
    math.inf,
    10**400,
    -(10**400),
    10**30,
    [],
    [1, "a"],
    [[1]],
    {},
    {"a": 1},
    {"kind": []},
    {"kind": "no_such_kind"},
    ["x", ["y"]],
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "0001-01-01T00:00:00+12:00",
    "9999-12-31T23:59:00-12:00",
    "2026-03-08T09:30:00",
    "24:00",
    "25:00",
]
"""What a careless or hostile producer puts where a value was: wrong types, NaN, huge numbers, odd dates."""


def nodes(data: Any, path: Path = ()) -> Iterator[Path]:
    """Every node of a JSON-like tree, as the keys and indexes leading to it (the root is ``()``)."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from nodes(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from nodes(value, (*path, i))


def at(data: Any, path: Path) -> Any:
    for key in path:
        data = data[key]
    return data


@st.composite
def mutations(draw: st.DrawFn, document: Any) -> tuple[Any, Path]:
    """*document* with one node replaced, one key dropped or one key added; and the node's path."""
    data = copy.deepcopy(document)
    path = draw(st.sampled_from(list(nodes(data))))
    target = at(data, path)
    ops = ["replace"]
    if isinstance(target, dict):
        ops += ["drop", "add", "version"]
    op = draw(st.sampled_from(ops))
    if op == "replace":
        value = copy.deepcopy(draw(st.sampled_from(REPLACEMENTS)))
        if not path:
            return value, path
        at(data, path[:-1])[path[-1]] = value
    elif op == "drop" and target:
        del target[draw(st.sampled_from(sorted(target)))]
    elif op == "version":
        target[FORMAT_KEY] = draw(st.sampled_from([*REPLACEMENTS, 1, 2, 3]))
    else:
        target[draw(st.sampled_from(["no_such_field", "kind", FORMAT_KEY]))] = draw(st.sampled_from(REPLACEMENTS))
    return data, path


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_mutated_documents_are_read_or_refused_with_paths(cls: type) -> None:
    """from_dict of a mutated document returns a value or raises InvalidDataError naming where and which rule.

    An error at the bare path ``$`` is allowed only when the mutation replaced the whole document;
    any other exception (OverflowError, an unhashable TypeError, a cattrs error …) fails.
    """

    @settings(max_examples=12)
    @given(value=st.from_type(cls), data=st.data())
    def check(value: Any, data: st.DataObject) -> None:
        document = to_dict(value)
        for _ in range(4):
            mutated, path = data.draw(mutations(document), label="mutation")
            try:
                from_dict(cls, mutated)
            except InvalidDataError as exc:
                for item in exc.errors:
                    assert item.rule and item.message, item
                    assert item.path != "$" or not path, f"{item} (mutated at {list(path)})"

    check()
