"""Strategies for the table schema (:mod:`iopcore.tables`): its columns."""

from __future__ import annotations

import functools

from hypothesis import strategies as st

from iopcore.strategies._core import identifiers, texts
from iopcore.tables import TYPES, Column, DType, schema

__all__ = ["table_columns"]


@functools.lru_cache(maxsize=None, typed=True)
def table_columns() -> st.SearchStrategy[Column]:
    """Columns of the built-in tables, and columns of any name, dtype and unit."""
    builtin = st.sampled_from([c for t in TYPES for c in schema(t)])
    made = st.builds(
        Column,
        name=identifiers(max_size=32),
        dtype=st.sampled_from(DType),
        nullable=st.booleans(),
        unit=st.one_of(st.none(), texts(max_size=32)),
        description=st.text(max_size=40),
        derived=st.booleans(),
    )
    return st.one_of(builtin, made)
