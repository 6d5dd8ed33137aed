"""Analytes as codes from an extensible catalog, and the specimen a test is run on.

An analyte is a snake_case code (``"fentanyl"``, ``"ethyl_glucuronide"``). The
codes iopcore knows are the members of :class:`Analyte` and the entries of
:data:`ANALYTES`; a lab's own analytes (xylazine, a nitazene, gabapentin,
tramadol …) are added to a catalog with :meth:`AnalyteCatalog.with_analytes`
and then recorded, given cut-offs and interpreted like the built-in ones.
Records accept any code; :func:`~iopcore.compliance.interpret` and
:class:`~iopcore.compliance.DrugTestResultRule` check the codes against their
catalog.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError, UnknownCodeError
from iopcore.sources import Source

__all__ = ["ANALYTES", "Analyte", "AnalyteCatalog", "AnalyteInfo", "SpecimenType"]


class Analyte(enum.StrEnum):
    """The analyte codes built into :data:`ANALYTES` (a member is its code: ``Analyte.FENTANYL == "fentanyl"``).

    Fields that hold an analyte take any catalog code as a string; these members
    are convenient spellings of the built-in ones.
    """

    THCA = "thca"
    """Marijuana metabolite (delta-9-THC-9-carboxylic acid), the urine analyte."""
    THC = "thc"
    """Delta-9-tetrahydrocannabinol (the parent drug), the oral-fluid analyte."""
    COCAINE = "cocaine"
    """Cocaine (the parent drug), an oral-fluid confirmatory analyte."""
    BENZOYLECGONINE = "benzoylecgonine"
    """Cocaine metabolite."""
    CODEINE = "codeine"
    MORPHINE = "morphine"
    HYDROCODONE = "hydrocodone"
    HYDROMORPHONE = "hydromorphone"
    OXYCODONE = "oxycodone"
    OXYMORPHONE = "oxymorphone"
    SIX_ACETYLMORPHINE = "six_acetylmorphine"
    """6-acetylmorphine (heroin metabolite)."""
    PHENCYCLIDINE = "phencyclidine"
    AMPHETAMINE = "amphetamine"
    METHAMPHETAMINE = "methamphetamine"
    MDMA = "mdma"
    MDA = "mda"
    FENTANYL = "fentanyl"
    NORFENTANYL = "norfentanyl"
    BUPRENORPHINE = "buprenorphine"
    NORBUPRENORPHINE = "norbuprenorphine"
    METHADONE = "methadone"
    EDDP = "eddp"
    """Methadone metabolite."""
    BENZODIAZEPINES = "benzodiazepines"
    """The benzodiazepine class as an immunoassay reads it."""
    ETHYL_GLUCURONIDE = "ethyl_glucuronide"
    ETHYL_SULFATE = "ethyl_sulfate"


class SpecimenType(enum.StrEnum):
    """What a drug test is run on."""

    URINE = "urine"
    ORAL_FLUID = "oral_fluid"


def as_code(value: Any) -> Any:
    """An :class:`Analyte` member as its plain code string; anything else unchanged (for the validator)."""
    if isinstance(value, enum.Enum) and isinstance(value, str):
        return value.value
    return value


def as_codes(value: Any) -> Any:
    """A set of codes with :class:`Analyte` members as plain strings; anything else unchanged (for the validator)."""
    return _codes(value)


def _codes(value: Any) -> Any:
    value = f.to_frozenset(value)
    if isinstance(value, frozenset) and any(type(v) is not str for v in value):
        return frozenset(as_code(v) for v in value)
    return value


def code_field() -> Any:
    """An analyte code (``Analyte`` members are stored as their plain string)."""
    return attrs.field(converter=as_code, validator=f.identifier())


def each_identifier(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    f.frozenset_of(str, "analyte code strings")(inst, attribute, value)
    if not all(f.is_identifier(v) for v in value):
        raise f.fail(attribute, "expected snake_case analyte codes, got a str that is not one", "identifier", inst)


def code_set_field() -> Any:
    """A set of analyte codes (``Analyte`` members are stored as their plain strings)."""
    return attrs.field(factory=frozenset, converter=_codes, validator=each_identifier, repr=f.set_repr)


@final
@attrs.frozen(kw_only=True)
class AnalyteInfo:
    """One analyte of a catalog: its code, a display name and, for a lab's own analyte, where it comes from."""

    code: str = code_field()
    name: str = attrs.field(validator=f.text(max_length=200))
    source: Source | None = attrs.field(default=None, validator=f.optional(f.instance(Source, "a Source")))


@final
@attrs.frozen(kw_only=True, cache_hash=True)
class AnalyteCatalog:
    """The analyte codes a program records; :data:`ANALYTES` holds the built-in ones."""

    id: str = attrs.field(validator=f.identifier())
    analytes: tuple[AnalyteInfo, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(AnalyteInfo))

    def __attrs_post_init__(self) -> None:
        try:
            f.unique_by(self.analytes, lambda a: a.code, path="$.analytes", what="analyte code")
        except InvalidDataError as exc:
            raise InvalidDataError(exc.errors, type_name="AnalyteCatalog") from None

    @property
    def codes(self) -> frozenset[str]:
        """Every code in the catalog."""
        return frozenset(a.code for a in self.analytes)

    @f.guard
    def info(self, code: str) -> AnalyteInfo:
        """The entry for *code* (:class:`~iopcore.errors.UnknownCodeError` if the catalog has none)."""
        for a in self.analytes:
            if a.code == code:
                return a
        raise self._unknown("$.code")

    @f.guard
    def with_analytes(self, *analytes: AnalyteInfo, id: str) -> AnalyteCatalog:
        """This catalog plus *analytes* (a lab's own), under a new *id*; a code may not repeat."""
        errors = f.check_fields(AnalyteCatalog, {"id": id})
        taken = self.codes
        errors += [
            ErrorItem(path=f"$.analytes[{i}].code", message="duplicate analyte code", rule="unique")
            for i, a in enumerate(analytes)
            if a.code in taken or any(b.code == a.code for b in analytes[:i])
        ]
        if errors:
            raise InvalidArgumentError(errors, callable="AnalyteCatalog.with_analytes")
        return AnalyteCatalog(id=id, analytes=(*self.analytes, *analytes))

    def _unknown(self, path: str) -> UnknownCodeError:
        return UnknownCodeError(what="analyte", catalog=self.id, known=sorted(self.codes), path=path)

    def _check(self, codes: Iterable[tuple[str, str]]) -> list[ErrorItem]:
        """An error for each ``(code, path)`` whose code the catalog lacks."""
        known = self.codes
        return [
            ErrorItem(path=path, message=f"no analyte with this code in {self.id}", rule="unknown_code")
            for code, path in codes
            if code not in known
        ]


_NAMES = {
    Analyte.THCA: "Marijuana metabolite (THCA)",
    Analyte.THC: "Delta-9-THC",
    Analyte.COCAINE: "Cocaine",
    Analyte.BENZOYLECGONINE: "Benzoylecgonine (cocaine metabolite)",
    Analyte.CODEINE: "Codeine",
    Analyte.MORPHINE: "Morphine",
    Analyte.HYDROCODONE: "Hydrocodone",
    Analyte.HYDROMORPHONE: "Hydromorphone",
    Analyte.OXYCODONE: "Oxycodone",
    Analyte.OXYMORPHONE: "Oxymorphone",
    Analyte.SIX_ACETYLMORPHINE: "6-Acetylmorphine",
    Analyte.PHENCYCLIDINE: "Phencyclidine",
    Analyte.AMPHETAMINE: "Amphetamine",
    Analyte.METHAMPHETAMINE: "Methamphetamine",
    Analyte.MDMA: "MDMA",
    Analyte.MDA: "MDA",
    Analyte.FENTANYL: "Fentanyl",
    Analyte.NORFENTANYL: "Norfentanyl",
    Analyte.BUPRENORPHINE: "Buprenorphine",
    Analyte.NORBUPRENORPHINE: "Norbuprenorphine",
    Analyte.METHADONE: "Methadone",
    Analyte.EDDP: "EDDP (methadone metabolite)",
    Analyte.BENZODIAZEPINES: "Benzodiazepines (class)",
    Analyte.ETHYL_GLUCURONIDE: "Ethyl glucuronide (EtG)",
    Analyte.ETHYL_SULFATE: "Ethyl sulfate (EtS)",
}
assert set(_NAMES) == set(Analyte)

ANALYTES = AnalyteCatalog(
    id="iopcore_analytes", analytes=tuple(AnalyteInfo(code=a, name=name) for a, name in _NAMES.items())
)
"""The built-in analytes (every :class:`Analyte` member); extend it with :meth:`AnalyteCatalog.with_analytes`."""
