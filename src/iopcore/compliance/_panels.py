"""Cut-off panels as data: one analyte's screening and confirmatory cut-offs, named panels for one specimen type.

Cut-offs are in ng/mL and a concentration *at or above* the cut-off is
positive. The federal panels come from 49 CFR 40.85 (DOT urine), 49 CFR 40.91
(DOT oral fluid) and the HHS Mandatory Guidelines urine panel effective 7 July
2025 (with fentanyl). Clinical testing has no universal standard (ASAM 2017):
each lab sets its own cut-offs, so a program builds a :class:`CutoffPanel`
with its lab's values. :data:`EXAMPLE_CLINICAL_URINE_PANEL` shows typical
clinical cut-offs from public lab catalogs; it is an example, not a standard.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.compliance._analytes import Analyte, SpecimenType, code_field
from iopcore.compliance._checks import check_as_fields, refuse
from iopcore.compliance._records import TestMethod
from iopcore.compliance._validity import opt_float_field
from iopcore.errors import InvalidDataError
from iopcore.sources import Evidence, Source

__all__ = [
    "DOT_49_CFR_40_85",
    "DOT_49_CFR_40_91_ORAL_FLUID",
    "EXAMPLE_CLINICAL_URINE_PANEL",
    "HHS_2025",
    "HHS_2025_MORPHINE_2000",
    "AnalyteCutoff",
    "CutoffPanel",
]


@final
@attrs.frozen(kw_only=True)
class AnalyteCutoff:
    """Screening (immunoassay) and confirmatory cut-offs for one analyte code (ng/mL); ``None`` if the panel has no such test."""

    analyte: str = code_field()
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
    """A named set of cut-offs for one specimen type, with its source; one cut-off per analyte."""

    id: str = attrs.field(validator=f.identifier())
    name: str = attrs.field(validator=f.text())
    cutoffs: tuple[AnalyteCutoff, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(AnalyteCutoff))
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))
    specimen: SpecimenType = attrs.field(default=SpecimenType.URINE, validator=f.enum_member(SpecimenType))

    def __attrs_post_init__(self) -> None:
        try:
            f.unique_by(self.cutoffs, lambda c: c.analyte, path="$.cutoffs", what="analyte")
        except InvalidDataError as exc:
            raise InvalidDataError(exc.errors, type_name="CutoffPanel") from None

    @f.guard
    def cutoff(self, analyte: str) -> AnalyteCutoff | None:
        """The cut-off for the analyte code *analyte*, or ``None``."""
        return _index(self).get(analyte)

    @property
    def analytes(self) -> frozenset[str]:
        """The analytes this panel has cut-offs for."""
        return frozenset(c.analyte for c in self.cutoffs)

    @f.guard
    def combined(self, other: CutoffPanel, *, id: str, name: str) -> CutoffPanel:
        """This panel plus *other*'s analytes (e.g. a federal panel plus a program's clinical panel).

        Analytes in both panels keep this panel's cut-off; *other*'s cut-offs without
        a source of their own cite *other*'s source. Both panels are for the same specimen type.
        """
        check_as_fields("CutoffPanel.combined", CutoffPanel, id=id, name=name)
        if other.specimen is not self.specimen:
            raise refuse(
                "CutoffPanel.combined",
                "$.other.specimen",
                f"expected a {self.specimen.value} panel like this one, got a {other.specimen.value} panel",
                "specimen",
            )
        extra = tuple(c if c.source is not None else attrs.evolve(c, source=other.source) for c in other.cutoffs)
        mine = self.analytes
        return CutoffPanel(
            id=id,
            name=name,
            cutoffs=(*self.cutoffs, *(c for c in extra if c.analyte not in mine)),
            source=self.source,
            specimen=self.specimen,
        )


@functools.lru_cache(maxsize=64)
def _index(panel: CutoffPanel) -> dict[str, AnalyteCutoff]:
    """The panel's cut-offs by analyte (cached per panel value: speed only)."""
    return {c.analyte: c for c in panel.cutoffs}


def _pairs(rows: Iterable[tuple[Analyte, float | None, float | None]]) -> tuple[AnalyteCutoff, ...]:
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
    id="dot_49_cfr_40_85", name="DOT 49 CFR 40.85", cutoffs=_pairs(_DOT_ROWS), source=_DOT_SOURCE
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
        if c.analyte == Analyte.MORPHINE
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

_DOT_ORAL_SOURCE = Source(
    citation="49 CFR 40.91, Table 1 (DOT oral-fluid cut-offs, 88 FR 27643, 2 May 2023)",
    urls=("https://checkoutapi.com/regulations/title49_chapterA_part40_subpartF_section40.91",),
    note="Read in a transcription of the eCFR. The class screens (cocaine/benzoylecgonine, codeine/morphine, ...) "
    "apply to each analyte of the class. Fentanyl in oral fluid (HHS 2025 oral-fluid panel) is not included: not "
    "verified.",
)
_DOT_ORAL_ROWS: tuple[tuple[Analyte, float | None, float | None], ...] = (
    (Analyte.THC, 4, 2),
    (Analyte.COCAINE, 15, 8),
    (Analyte.BENZOYLECGONINE, 15, 8),
    (Analyte.CODEINE, 30, 15),
    (Analyte.MORPHINE, 30, 15),
    (Analyte.HYDROCODONE, 30, 15),
    (Analyte.HYDROMORPHONE, 30, 15),
    (Analyte.OXYCODONE, 30, 15),
    (Analyte.OXYMORPHONE, 30, 15),
    (Analyte.SIX_ACETYLMORPHINE, 4, 2),
    (Analyte.PHENCYCLIDINE, 10, 10),
    (Analyte.AMPHETAMINE, 50, 25),
    (Analyte.METHAMPHETAMINE, 50, 25),
    (Analyte.MDMA, 50, 25),
    (Analyte.MDA, 50, 25),
)
DOT_49_CFR_40_91_ORAL_FLUID = CutoffPanel(
    id="dot_49_cfr_40_91_oral_fluid",
    name="DOT 49 CFR 40.91 oral fluid",
    cutoffs=_pairs(_DOT_ORAL_ROWS),
    source=_DOT_ORAL_SOURCE,
    specimen=SpecimenType.ORAL_FLUID,
)
"""DOT oral-fluid cut-offs (ng/mL, initial / confirmatory), which follow the HHS oral-fluid Mandatory Guidelines."""


def _lab(citation: str, url: str, note: str = "") -> Source:
    return Source(citation=citation, urls=(url,), evidence=Evidence.SECONDARY, note=note)


_NORDX = _lab(
    "MaineHealth/Northern Light laboratory catalog, urine drug screen TXSCR: screening cut-offs",
    "http://testcat.nordx.mmc.org/test.asp?TestID=3640",
    "Amphetamines 500, benzodiazepines 200, cocaine (benzoylecgonine) 300, methadone 300, methadone metabolite 1000, "
    "opiates 300, oxycodone 100, THC carboxylic acid 50 ng/mL. The class screens are applied to each analyte shown; "
    "the confirmatory cut-offs of amphetamine, methamphetamine, benzoylecgonine, oxycodone and THCA are the HHS 2025 "
    "panel's.",
)
_MAYO_BUP = _lab(
    "Mayo Clinic Laboratories, buprenorphine screen (NBLD0397/BUPS): screening cut-off 5 ng/mL",
    "https://sanfordlaboratories.testcatalog.org/show/NBLD0397-1",
)
_QUEST_BUP = _lab(
    "Buprenorphine and norbuprenorphine, LC-MS/MS, urine: reference range < 2 ng/mL",
    "https://www.ultalabtests.com/test/drug-monitoring-buprenorphine-and-naloxone-quantitative-urine",
    "A reference range read as the reporting cut-off of a definitive (confirmation) test.",
)
_SALEM_NORFENTANYL = _lab(
    "Salem Health Laboratory, fentanyl immunoassay targeting norfentanyl: cut-off 5 ng/mL (2022)",
    "https://salemhealth.org/common-ground-home/common-ground-post/from-the-lab-fentanyl-added-to-four-drug-screen-panels",
    "The norfentanyl confirmatory cut-off (1 ng/mL) is the HHS 2025 panel's.",
)
_ETG = _lab(
    "ClinLab Navigator, ethyl glucuronide and ethyl sulfate: EtG screen 500; confirmation EtG 500, EtS 250 ng/mL",
    "http://www.clinlabnavigator.com/ethyl-glucuronide-and-ethyl-sulfate.html",
    "ARUP's EtG immunoassay also uses 500 ng/mL (https://rochestergeneral.testcatalog.org/show/UEGLS-1).",
)


def _cut(analyte: Analyte, screen: float | None, confirm: float | None, source: Source) -> AnalyteCutoff:
    return AnalyteCutoff(analyte=analyte, screen_ng_ml=screen, confirm_ng_ml=confirm, source=source)


_EXAMPLE_SOURCE = Source(
    citation="EXAMPLE clinical urine panel: typical cut-offs from public laboratory catalogs (each cut-off cites its "
    "own); confirmatory cut-offs of the federal analytes from the HHS 2025 panel",
    evidence=Evidence.ILLUSTRATIVE,
    urls=(
        "https://www.drugsandalcohol.ie/19456/",
        "https://docslib.org/doc/8098091/clinical-drug-testing-in-primary-care",
    ),
    note="An example, never a standard: clinical drug testing has no universal cut-offs (ASAM, Appropriate Use of Drug "
    "Testing in Clinical Addiction Medicine, 2017); build your lab's panel. SAMHSA TAP 32, Clinical Drug Testing in "
    "Primary Care (HHS Pub. (SMA) 12-4668, 2012, public domain) was found (the URLs: its title pages and contents, "
    "whose chapter 2 has a section 'Cutoff Concentrations'), but its cut-off values could not be read here (the "
    "stored copies, also readkong's, zbook's and studyres's, hold only its opening pages; searched again in Dec "
    "2026), so no value of this panel comes from it and no TAP 32 exhibit number is cited.",
)
EXAMPLE_CLINICAL_URINE_PANEL = CutoffPanel(
    id="example_clinical_urine",
    name="EXAMPLE clinical urine panel (not a standard)",
    cutoffs=(
        _cut(Analyte.AMPHETAMINE, 500, 250, _NORDX),
        _cut(Analyte.METHAMPHETAMINE, 500, 250, _NORDX),
        _cut(Analyte.BENZODIAZEPINES, 200, None, _NORDX),
        _cut(Analyte.BENZOYLECGONINE, 300, 100, _NORDX),
        _cut(Analyte.MORPHINE, 300, None, _NORDX),
        _cut(Analyte.OXYCODONE, 100, 100, _NORDX),
        _cut(Analyte.THCA, 50, 15, _NORDX),
        _cut(Analyte.METHADONE, 300, None, _NORDX),
        _cut(Analyte.EDDP, 1000, None, _NORDX),
        _cut(Analyte.BUPRENORPHINE, 5, 2, _MAYO_BUP),
        _cut(Analyte.NORBUPRENORPHINE, None, 2, _QUEST_BUP),
        _cut(Analyte.FENTANYL, 1, 1, _HHS_SOURCE),
        _cut(Analyte.NORFENTANYL, 5, 1, _SALEM_NORFENTANYL),
        _cut(Analyte.ETHYL_GLUCURONIDE, 500, 500, _ETG),
        _cut(Analyte.ETHYL_SULFATE, None, 250, _ETG),
    ),
    source=_EXAMPLE_SOURCE,
)
"""An EXAMPLE clinical urine panel (not a standard): typical screening cut-offs of public lab catalogs.

Confirmations of the federal analytes use the HHS 2025 values; methadone, EDDP,
benzodiazepines and morphine have no confirmatory cut-off here (a confirmation
result for them reads as not evaluated). Replace it with your lab's panel.
"""
