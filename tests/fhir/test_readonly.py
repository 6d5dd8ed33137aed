"""Read-only shared JSON parts: they refuse every change, read as plain JSON, and deep-copy into plain parts."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from typing import Any

import pytest

from iopcore.errors import IopcoreError, ReadOnlyElementError
from iopcore.fhir._readonly import ReadOnlyDict, ReadOnlyList, frozen

DICT_CHANGES: list[Callable[[dict[str, Any]], object]] = [
    lambda d: d.__setitem__("code", "x"),
    lambda d: d.__delitem__("code"),
    lambda d: d.update(code="x"),
    lambda d: d.setdefault("new", 1),
    lambda d: d.pop("code"),
    lambda d: d.popitem(),
    lambda d: d.clear(),
    lambda d: d.__ior__({"code": "x"}),
]
LIST_CHANGES: list[Callable[[list[Any]], object]] = [
    lambda v: v.__setitem__(0, 1),
    lambda v: v.__delitem__(0),
    lambda v: v.append(1),
    lambda v: v.extend([1]),
    lambda v: v.insert(0, 1),
    lambda v: v.pop(),
    lambda v: v.remove(v[0]),
    lambda v: v.clear(),
    lambda v: v.sort(key=id),
    lambda v: v.reverse(),
    lambda v: v.__iadd__([1]),
    lambda v: v.__imul__(2),
]
PLAIN = {"coding": [{"system": "http://loinc.org", "code": "44261-6"}], "text": "PHQ-9"}


@pytest.mark.parametrize("change", DICT_CHANGES)
def test_a_read_only_object_refuses_every_change(change: Callable[[dict[str, Any]], object]) -> None:
    """Each changing method of dict raises ReadOnlyElementError (an IopcoreError and a TypeError); nothing changes."""
    value = frozen(PLAIN)
    with pytest.raises(ReadOnlyElementError) as info:
        change(value)
    assert isinstance(info.value, IopcoreError) and isinstance(info.value, TypeError)
    assert value == PLAIN


@pytest.mark.parametrize("change", LIST_CHANGES)
def test_a_read_only_array_refuses_every_change(change: Callable[[list[Any]], object]) -> None:
    """Each changing method of list raises ReadOnlyElementError; nothing changes."""
    value = frozen(PLAIN)["coding"]
    with pytest.raises(ReadOnlyElementError):
        change(value)
    assert value == PLAIN["coding"]


def test_read_only_parts_read_as_plain_json() -> None:
    """frozen() goes all the way down; ==, isinstance and json.dumps see the plain dict and list."""
    value = frozen(PLAIN)
    assert type(value) is ReadOnlyDict and type(value["coding"]) is ReadOnlyList
    assert type(value["coding"][0]) is ReadOnlyDict
    assert isinstance(value, dict) and isinstance(value["coding"], list)
    assert value == PLAIN and json.loads(json.dumps(value)) == PLAIN
    assert value | {"text": "x"} == {**PLAIN, "text": "x"}  # a new plain dict; the shared one is unchanged


def test_copies_are_plain_and_changeable() -> None:
    """copy.copy gives a plain dict or list of the same items; copy.deepcopy plain parts all the way down."""
    value = frozen(PLAIN)
    shallow = copy.copy(value)
    assert type(shallow) is dict and shallow == PLAIN
    deep = copy.deepcopy({"code": value})
    assert type(deep["code"]) is dict and type(deep["code"]["coding"]) is list
    assert type(deep["code"]["coding"][0]) is dict
    deep["code"]["coding"][0]["code"] = "x"
    deep["code"]["coding"].append({})
    assert value == PLAIN
    assert type(copy.copy(value["coding"])) is list


def test_pickling_keeps_parts_read_only() -> None:
    """A pickled export unpickles equal, its shared parts still read-only."""
    back = pickle.loads(pickle.dumps({"code": frozen(PLAIN)}))
    assert back == {"code": PLAIN}
    assert type(back["code"]) is ReadOnlyDict and type(back["code"]["coding"]) is ReadOnlyList
    with pytest.raises(ReadOnlyElementError):
        back["code"]["coding"].append(1)


def changeable_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The paths (keys and indexes) of every dict and list inside *node* (itself included) that accepts changes."""
    found: list[tuple[Any, ...]] = []
    if type(node) in (dict, list):
        found.append(path)
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(changeable_paths(value, (*path, key)))
    elif isinstance(node, list):
        for k, value in enumerate(node):
            found.extend(changeable_paths(value, (*path, k)))
    return found


def _mark(node: Any, paths: list[tuple[Any, ...]], n: int) -> None:
    parts = []
    for path in paths:  # found first, changed after: marks do not move what the paths point to
        part = node
        for step in path:
            part = part[step]
        parts.append(part)
    for part in parts:
        if isinstance(part, dict):
            part[f"x-changed-{n}"] = n
        else:
            part.append(n)


def assert_independent(export: Callable[[], tuple[dict[str, Any], ...]]) -> None:
    """Changing every changeable part of each exported resource in place changes that resource only.

    Each dict gets a key and each list an item, in place; each resource must then equal its own
    snapshot changed the same way: a part shared by two resources (or twice in one) would carry two
    marks. The parts shared between resources are read-only, and a second export is unchanged.
    """
    resources = export()
    before = copy.deepcopy(resources)
    paths = [changeable_paths(r) for r in resources]
    expected = copy.deepcopy(before)
    for n, resource in enumerate(resources):
        _mark(resource, paths[n], n)
        _mark(expected[n], paths[n], n)
    assert list(resources) == list(expected)
    assert export() == before
