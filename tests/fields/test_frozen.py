"""FrozenMap: the read-only mapping of every value's mapping fields, which pickles and hashes."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore import FrozenMap

maps = st.dictionaries(st.text(max_size=3), st.integers() | st.text(max_size=3), max_size=6)


@given(maps)
def test_pickles_equal_and_hashes_like_an_equal_map(data: dict[str, object]) -> None:
    """A map survives pickling, equals its dict and hashes independently of insertion order."""
    m = FrozenMap(data)
    assert pickle.loads(pickle.dumps(m)) == m
    assert m == data and dict(m) == data
    reordered = FrozenMap(dict(reversed(list(data.items()))))
    assert reordered == m and hash(reordered) == hash(m)


def test_is_immutable_and_reads_like_a_mapping() -> None:
    """No attribute can be set; lookups, get, len, iteration and | behave as on a dict."""
    m = FrozenMap({"a": 1, "b": 2})
    with pytest.raises(AttributeError):
        m._data = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        m["c"] = 3  # type: ignore[index]
    assert (m["a"], m.get("z", 0), len(m), list(m), "a" in m) == (1, 0, 2, ["a", "b"], True)
    assert (m | {"b": 3}) == {"a": 1, "b": 3}
    assert repr(m) == "FrozenMap({'a': 1, 'b': 2})"
    assert m != 5 and m != FrozenMap({"a": 1})
