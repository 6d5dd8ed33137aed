"""The R4 element table the readers check against is the one fhir.resources' R4 models give."""

from __future__ import annotations

from iopcore.fhir import _r4
from tests.fhir.r4_table import table


def test_the_table_is_the_derivation_from_the_r4_models() -> None:
    """Every element name, type, array flag and required flag of ``_r4.TYPES`` is fhir.resources 6.4's R4 one."""
    derived = table()
    assert set(_r4.TYPES) == set(derived)
    for name, line in derived.items():
        assert _r4.TYPES[name] == line, name
