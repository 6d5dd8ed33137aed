"""The reference page of the table schemas lists every table's columns, in order, with their dtypes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iopcore.tables import TYPES, schema
from iopcore.tables._schema import SPECS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "tables.md"


@pytest.mark.parametrize("of", TYPES, ids=lambda t: t.__name__)
def test_the_reference_page_lists_every_column_in_order(of: type) -> None:
    """Each table has a section whose rows are its columns, in order, with dtype, nullability and unit."""
    text = PAGE.read_text(encoding="utf-8")
    name = SPECS[of].name
    match = re.search(rf"^## `{name}`: [\w.]+\.{of.__name__}\n\n(?P<rows>(?:\|.*\n)+)", text, flags=re.M)
    assert match is not None, name
    rows = match.group("rows").splitlines()[2:]
    cells = [[c.strip() for c in r.strip("|").split(" | ")] for r in rows]
    expected = [[f"`{c.name}`", f"`{c.dtype.value}`", "yes" if c.nullable else "", c.unit or ""] for c in schema(of)]
    assert [c[:4] for c in cells] == expected
