"""Cut-off panels as data: one analyte's screening and confirmatory cut-offs, named panels, the federal panels.

Cut-offs are in ng/mL and a concentration *at or above* the cut-off is
positive. The federal panels come from 49 CFR 40.85 (DOT) and the HHS
Mandatory Guidelines urine panel effective 7 July 2025 (with fentanyl).
Clinical panels (buprenorphine, methadone, benzodiazepines, alcohol
metabolites) ship **without** cut-offs: a program builds a
:class:`CutoffPanel` with its own lab's values.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.compliance._checks import check_as_fields
from iopcore.compliance._records import Analyte, TestMethod
from iopcore.compliance._validity import opt_float_field
from iopcore.errors import InvalidDataError
from iopcore.sources import Evidence, Source

__all__ = ["DOT_49_CFR_40_85", "HHS_2025", "HHS_2025_MORPHINE_2000", "AnalyteCutoff", "CutoffPanel"]


@final
@attrs.frozen(kw_only=True)
class AnalyteCutoff:
    """Screening and confirmatory cut-offs for one analyte (ng/mL); ``None`` if the panel has no such test."""

    analyte: Analyte = attrs.field(validator=f.enum_member(Analyte))
    screen_ng_ml: float | None = opt_float_field()
    confirm_ng_ml: float | None = opt_float_field()
    source: Source | None = attrs.field(default=None, validator=f.optional(f.instance(Source, "a Source")))
    """Where this cut-off comes from, when it differs from the panel's source."""

    def __attrs_post_init__(self) -> None:
        if self.screen_ng_ml is None and self.confirm_ng_ml is None:
            raise f.fail(
                "$.confirm_ng_ml", "expected a screening or a confirmatory cut-off, got neither", "empty", self
            )

    @f.guard
    def for_method(self, method: TestMethod) -> float | None:
        """The cut-off that applies to a result by *method*."""
        return self._for_method(method)

    def _for_method(self, method: TestMethod) -> float | None:
        return self.screen_ng_ml if method is TestMethod.SCREEN else self.confirm_ng_ml


@final
@attrs.frozen(kw_only=True, cache_hash=True)
class CutoffPanel:
    """A named set of cut-offs with its source; one cut-off per analyte."""

    id: str = attrs.field(validator=f.identifier())
    name: str = attrs.field(validator=f.text())
    cutoffs: tuple[AnalyteCutoff, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(AnalyteCutoff))
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))

    def __attrs_post_init__(self) -> None:
        try:
            f.unique_by(self.cutoffs, lambda c: c.analyte, path="$.cutoffs", what="analyte")
        except InvalidDataError as exc:
            raise InvalidDataError(exc.errors, type_name="CutoffPanel") from None

    @f.guard
    def cutoff(self, analyte: Analyte) -> AnalyteCutoff | None:
        """The cut-off for *analyte*, or ``None``."""
        return _index(self).get(analyte)

    @property
    def analytes(self) -> frozenset[Analyte]:
        """The analytes this panel has cut-offs for."""
        return frozenset(c.analyte for c in self.cutoffs)

    @f.guard
    def combined(self, other: CutoffPanel, *, id: str, name: str) -> CutoffPanel:
        """This panel plus *other*'s analytes (e.g. a federal panel plus a program's clinical panel).

        Analytes in both panels keep this panel's cut-off; *other*'s cut-offs without
        a source of their own cite *other*'s source.
        """
        check_as_fields("CutoffPanel.combined", CutoffPanel, id=id, name=name)
        extra = tuple(c if c.source is not None else attrs.evolve(c, source=other.source) for c in other.cutoffs)
        mine = self.analytes
        return CutoffPanel(
            id=id, name=name, cutoffs=(*self.cutoffs, *(c for c in extra if c.analyte not in mine)), source=self.source
        )


@functools.lru_cache(maxsize=64)
def _index(panel: CutoffPanel) -> dict[Analyte, AnalyteCutoff]:
    """The panel's cut-offs by analyte (cached per panel value: speed only)."""
    return {c.analyte: c for c in panel.cutoffs}


def _pairs(source: Source, rows: Iterable[tuple[Analyte, float | None, float | None]]) -> tuple[AnalyteCutoff, ...]:
    return tuple(AnalyteCutoff(analyte=a, screen_ng_ml=s, confirm_ng_ml=c) for a, s, c in rows)


_DOT_ROWS: tuple[tuple[Analyte, float | None, float | None], ...] = (
    (Analyte.THCA, 50, 15),
    (Analyte.BENZOYLECGONINE, 150, 100),
    (Analyte.CODEINE, 2000, 2000),
    (Analyte.MORPHINE, 2000, 2000),
    (Analyte.HYDROCODONE, 300, 100),
    (Analyte.HYDROMORPHONE, 300, 100),
    (Analyte.OXYCODONE, 100, 100),
    (Analyte.OXYMORPHONE, 100, 100),
    (Analyte.SIX_ACETYLMORPHINE, 10, 10),
    (Analyte.PHENCYCLIDINE, 25, 25),
    (Analyte.AMPHETAMINE, 500, 250),
    (Analyte.METHAMPHETAMINE, 500, 250),
    (Analyte.MDMA, 500, 250),
    (Analyte.MDA, 500, 250),
)

_DOT_SOURCE = Source(
    citation="49 CFR 40.85 (DOT drug-testing cut-offs)",
    urls=("http://federal.elaws.us/cfr/49-cfr-40.85(d)", "https://law.lawstack.com/cfr/49/40.85/"),
)
DOT_49_CFR_40_85 = CutoffPanel(
    id="dot_49_cfr_40_85", name="DOT 49 CFR 40.85", cutoffs=_pairs(_DOT_SOURCE, _DOT_ROWS), source=_DOT_SOURCE
)
"""DOT cut-offs (ng/mL, initial / confirmatory); screen cut-offs are the initial test's class cut-off."""

_HHS_SOURCE = Source(
    citation="HHS Mandatory Guidelines, urine panel effective 7 Jul 2025 (90 FR 4662; reaffirmed 91 FR 12308)",
    urls=(
        "http://federal.elaws.us/fr/1/16/2025/2025-00425",
        "https://www.govinfo.gov/content/pkg/FR-2026-03-13/html/2026-04981.htm",
    ),
    note="Read in a transcription of the Federal Register.",
)
_MORPHINE_4000 = Source(
    citation="HHS 2025 panel, morphine confirmatory 4,000 ng/mL (as transcribed)",
    urls=_HHS_SOURCE.urls,
    evidence=Evidence.UNVERIFIED,
    note="The transcription shows 4,000; DOT 40.85 has 2,000. Verify against the FR PDF; HHS_2025_MORPHINE_2000 is the alternative.",
)
_FENTANYL: tuple[AnalyteCutoff, ...] = (
    AnalyteCutoff(analyte=Analyte.FENTANYL, screen_ng_ml=1, confirm_ng_ml=1),
    AnalyteCutoff(analyte=Analyte.NORFENTANYL, confirm_ng_ml=1),
)


def _hhs(morphine_confirm: float, morphine_source: Source | None, id: str) -> CutoffPanel:
    rows = tuple(
        AnalyteCutoff(
            analyte=c.analyte, screen_ng_ml=c.screen_ng_ml, confirm_ng_ml=morphine_confirm, source=morphine_source
        )
        if c.analyte is Analyte.MORPHINE
        else c
        for c in DOT_49_CFR_40_85.cutoffs
    )
    return CutoffPanel(id=id, name="HHS urine panel 2025", cutoffs=(*rows, *_FENTANYL), source=_HHS_SOURCE)


HHS_2025 = _hhs(4000, _MORPHINE_4000, "hhs_2025")
"""HHS 2025 urine panel with fentanyl; morphine confirmatory 4,000 ng/mL as transcribed (unverified)."""
HHS_2025_MORPHINE_2000 = _hhs(
    2000,
    Source(
        citation="HHS 2025 panel with morphine confirmatory 2,000 ng/mL (as in DOT 40.85)",
        urls=_DOT_SOURCE.urls,
        evidence=Evidence.UNVERIFIED,
        note="Alternative reading where the HHS transcription and DOT disagree.",
    ),
    "hhs_2025_morphine_2000",
)
"""The HHS 2025 panel with morphine confirmatory 2,000 ng/mL (the DOT value)."""
