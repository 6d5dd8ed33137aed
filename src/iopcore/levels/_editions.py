"""Documented correspondences between ASAM 3rd- and 4th-edition levels."""

from __future__ import annotations

from typing import final

import attrs

from iopcore import _fields as f
from iopcore.levels._catalogs import _ASAM4, ASAM3, ASAM4
from iopcore.levels._model import LevelOfCare
from iopcore.sources import Evidence, Source

__all__ = ["ASAM_EDITION_MAP", "CodeMapping", "asam3_to_asam4", "asam4_to_asam3"]


@final
@attrs.frozen(kw_only=True)
class CodeMapping:
    """A documented correspondence between a 3rd- and a 4th-edition ASAM level."""

    asam3: str = attrs.field(validator=f.text(max_length=32))
    asam4: str = attrs.field(validator=f.text(max_length=32))
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))
    note: str = attrs.field(default="", validator=f.instance(str, "a string"))


_MAP_SRC = Source(
    citation="ASAM 4th ed. level names and its integration of withdrawal management into 1.7, 2.7, 3.7 and 4",
    urls=_ASAM4.urls,
    evidence=Evidence.SECONDARY,
)

ASAM_EDITION_MAP: tuple[CodeMapping, ...] = (
    CodeMapping(asam3="1", asam4="1.5", source=_MAP_SRC, note="Outpatient Services → Outpatient Therapy"),
    CodeMapping(asam3="2.1", asam4="2.1", source=_MAP_SRC),
    CodeMapping(asam3="2.5", asam4="2.5", source=_MAP_SRC, note="Partial Hospitalization → High-Intensity Outpatient"),
    CodeMapping(asam3="3.1", asam4="3.1", source=_MAP_SRC),
    CodeMapping(asam3="3.5", asam4="3.5", source=_MAP_SRC),
    CodeMapping(
        asam3="3.7",
        asam4="3.7",
        source=_MAP_SRC,
        note="Medically Monitored Intensive Inpatient → Medically Managed Residential",
    ),
    CodeMapping(asam3="4", asam4="4", source=_MAP_SRC),
    CodeMapping(asam3="1-WM", asam4="1.7", source=_MAP_SRC, note="Ambulatory withdrawal management is part of 1.7"),
    CodeMapping(
        asam3="2-WM", asam4="2.7", source=_MAP_SRC, note="Ambulatory WM with extended monitoring is part of 2.7"
    ),
    CodeMapping(asam3="3.7-WM", asam4="3.7", source=_MAP_SRC),
    CodeMapping(asam3="4-WM", asam4="4", source=_MAP_SRC),
)
"""3rd ↔ 4th edition correspondences where one is documented.

No mapping is given for 0.5 (whether it remains in the 4th edition is
unverified), 3.3, 3.2-WM and OTP, nor for the 4th edition's new 1.0.
"""


@f.guard
def asam3_to_asam4(code: str) -> tuple[LevelOfCare, ...]:
    """4th-edition levels that correspond to a 3rd-edition *code* (empty where none is documented)."""
    ASAM3._resolve(code, "$.code")  # raises UnknownCodeError for codes not in the 3rd edition
    return tuple(ASAM4._resolve(m.asam4, "$.code") for m in ASAM_EDITION_MAP if m.asam3 == code)


@f.guard
def asam4_to_asam3(code: str) -> tuple[LevelOfCare, ...]:
    """3rd-edition levels that correspond to a 4th-edition *code* (empty where none is documented)."""
    ASAM4._resolve(code, "$.code")
    return tuple(ASAM3._resolve(m.asam3, "$.code") for m in ASAM_EDITION_MAP if m.asam4 == code)
