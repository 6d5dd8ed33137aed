"""Level-of-care values and catalogs (the data lives in ``_catalogs``)."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any, final

import attrs

from iopcore import _fields as f
from iopcore.errors import ErrorItem, InvalidDataError, UnknownCodeError
from iopcore.sources import Source
from iopcore.times import Minutes

__all__ = [
    "DaysBand",
    "Framework",
    "HoursBand",
    "IntensityOrder",
    "LevelCatalog",
    "LevelCategory",
    "LevelOfCare",
    "Management",
    "OrderChoice",
    "Population",
    "Setting",
    "Transition",
    "TransitionKind",
]


class Framework(enum.StrEnum):
    """The classification a level belongs to."""

    ASAM3 = "asam3"
    """The ASAM Criteria, 3rd edition (2013)."""
    ASAM4 = "asam4"
    """The ASAM Criteria, 4th edition (2023)."""
    MEDICARE = "medicare"
    """Medicare IOP and PHP benefit categories (from CY 2024)."""
    GENERIC = "generic"
    """A general, framework-free definition (e.g. the article iopcore grew from)."""
    CUSTOM = "custom"
    """A catalog a program defines itself."""


class Population(enum.StrEnum):
    """The population a threshold applies to."""

    ADULT = "adult"
    ADOLESCENT = "adolescent"


class Setting(enum.StrEnum):
    """Where care is delivered."""

    OUTPATIENT = "outpatient"
    RESIDENTIAL = "residential"
    INPATIENT = "inpatient"


class Management(enum.StrEnum):
    """Who directs care: non-physician clinicians, or staff under a physician."""

    CLINICALLY_MANAGED = "clinically_managed"
    MEDICALLY_MONITORED = "medically_monitored"
    MEDICALLY_MANAGED = "medically_managed"


class LevelCategory(enum.StrEnum):
    """The broad kind of a level, used by the continuum's transition rules."""

    EARLY_INTERVENTION = "early_intervention"
    OUTPATIENT = "outpatient"
    INTENSIVE_OUTPATIENT = "intensive_outpatient"
    PARTIAL_HOSPITALIZATION = "partial_hospitalization"
    RESIDENTIAL = "residential"
    INPATIENT = "inpatient"
    WITHDRAWAL_MANAGEMENT = "withdrawal_management"
    OPIOID_TREATMENT = "opioid_treatment"


class TransitionKind(enum.StrEnum):
    """Direction of a move between two levels, by the catalog's intensity order."""

    STEP_DOWN = "step_down"
    """To a less intensive level."""
    STEP_UP = "step_up"
    """To a more intensive level."""
    LATERAL = "lateral"
    """Neither: the same level (a catalog's intensity order is strict, so distinct levels always differ)."""


@final
@attrs.frozen(kw_only=True)
class HoursBand:
    """Hours of service per week, half-open ``[min_hours, max_hours)``.

    ``max_hours=None`` means no upper bound. The sources' "9–19 hours" is
    ``HoursBand(min_hours=9, max_hours=20)``: 19.5 hours is inside, 20 is not.
    """

    min_hours: float = attrs.field(converter=f.to_float, validator=f.number(min_value=0))
    max_hours: float | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_float), validator=f.optional(f.number(min_value=0))
    )
    source: Source | None = attrs.field(default=None, validator=f.optional(f.instance(Source, "a Source")))
    """Where this band comes from, when it differs from the level's own source."""

    def __attrs_post_init__(self) -> None:
        if self.max_hours is not None and self.max_hours <= self.min_hours:
            raise f.fail(
                "$.max_hours",
                f"expected max_hours > min_hours = {f.number_text(self.min_hours)} (the band is [min, max)), got {f.number_text(self.max_hours)}",
                "order",
                self,
            )

    @f.guard
    def contains(self, hours: Annotated[float, f.Range(min_value=0)]) -> bool:
        """Whether *hours* per week lies in ``[min_hours, max_hours)``."""
        return _holds(self, hours)

    def __contains__(self, hours: object) -> bool:
        value = f.as_float(hours) if f.is_number(hours) else None  # type: ignore[arg-type]
        return value is not None and _holds(self, value)

    @property
    def min_minutes(self) -> Minutes:
        """The lower bound as a weekly duration (rounded up to a whole minute)."""
        return Minutes(math.ceil(self.min_hours * 60))

    @property
    def max_minutes(self) -> Minutes | None:
        """The largest whole number of weekly minutes inside the band, or ``None`` if unbounded."""
        if self.max_hours is None:
            return None
        limit = self.max_hours * 60
        whole = int(limit)
        return Minutes(whole - 1 if whole == limit else whole)

    def __str__(self) -> str:
        upper = "∞" if self.max_hours is None else f"{_num(self.max_hours)}"
        return f"[{_num(self.min_hours)}, {upper}) h/week"


def _num(x: float) -> str:
    return str(int(x)) if x.is_integer() else str(x)


def _holds(band: HoursBand, hours: float) -> bool:
    return band.min_hours <= hours and (band.max_hours is None or hours < band.max_hours)


@final
@attrs.frozen(kw_only=True)
class DaysBand:
    """Treatment days per week, closed ``[min_days, max_days]`` (1–7)."""

    min_days: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=1, max_value=7))
    max_days: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=1, max_value=7))
    source: Source | None = attrs.field(default=None, validator=f.optional(f.instance(Source, "a Source")))

    def __attrs_post_init__(self) -> None:
        if self.max_days < self.min_days:
            raise f.fail(
                "$.max_days", f"expected max_days >= min_days = {self.min_days}, got {self.max_days}", "order", self
            )

    @f.guard
    def contains(self, days: Annotated[int, f.Range(min_value=0, max_value=7)]) -> bool:
        """Whether *days* per week (0-7) lies in ``[min_days, max_days]``."""
        return self.min_days <= days <= self.max_days

    def __contains__(self, days: object) -> bool:
        return f.is_integer(days) and self.min_days <= f.as_int(days) <= self.max_days  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.min_days}–{self.max_days} days/week"


def _code_validator() -> f.Validator:
    return f.text(max_length=32)


@final
@attrs.frozen(kw_only=True)
class LevelOfCare:
    """One level of care in a framework, with its intensity and sources.

    ``intensity`` is the level's number (for ASAM the decimal level number, which the
    ASAM Criteria use to express intensity); levels that share a number (1, OTP and
    1-WM) are ordered by their catalog's :class:`IntensityOrder`.
    ``hours_per_week`` holds a band per population where a source gives one;
    a population without a band has no hours threshold in that framework.
    """

    code: str = attrs.field(validator=_code_validator())
    name: str = attrs.field(validator=f.text())
    framework: Framework = attrs.field(validator=f.enum_member(Framework))
    category: LevelCategory = attrs.field(validator=f.enum_member(LevelCategory))
    setting: Setting = attrs.field(validator=f.enum_member(Setting))
    management: Management | None = attrs.field(default=None, validator=f.optional(f.enum_member(Management)))
    """``None`` where the framework does not classify the level as clinically or medically managed."""
    withdrawal_management: bool = attrs.field(default=False, validator=f.boolean())
    """Whether the level can provide withdrawal management."""
    intensity: float = attrs.field(converter=f.to_float, validator=f.number(min_value=0))
    """The level's number on its framework's scale (the ASAM decimal level); the catalog's
    :class:`IntensityOrder` is what orders levels, including levels that share a number."""
    hours_per_week: Mapping[Population, HoursBand] = attrs.field(
        factory=dict,
        converter=f.to_mapping,
        validator=f.mapping_of(Population, HoursBand, description="Population to HoursBand"),
    )
    days_per_week: DaysBand | None = attrs.field(default=None, validator=f.optional(f.instance(DaysBand, "a DaysBand")))
    """A days-per-week band where the definition itself gives one (e.g. the general IOP definition's 3–5)."""
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))
    notes: str = attrs.field(default="", validator=f.instance(str, "a string"))

    @f.guard
    def hours_band(self, population: Population) -> HoursBand | None:
        """The weekly-hours band for *population*, or ``None`` if the sources give none."""
        return self.hours_per_week.get(population)

    @property
    def is_medically_managed(self) -> bool:
        """Medically monitored or medically managed (physician-directed)."""
        return self.management in (Management.MEDICALLY_MONITORED, Management.MEDICALLY_MANAGED)

    def __str__(self) -> str:
        return f"{self.framework.value.upper()} {self.code} {self.name}"

    def __repr__(self) -> str:
        return f"LevelOfCare(framework={self.framework.value!r}, code={self.code!r}, name={self.name!r})"


@final
@attrs.frozen(kw_only=True)
class Transition:
    """An allowed move between two levels of one catalog (``from_code`` → ``to_code``)."""

    from_code: str = attrs.field(validator=_code_validator())
    to_code: str = attrs.field(validator=_code_validator())
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))

    def __attrs_post_init__(self) -> None:
        if self.from_code == self.to_code:
            raise f.fail("$.to_code", "expected a different level from from_code, got the same code", "distinct", self)


def _code_tuple(*, min_length: int) -> f.Validator:
    """A tuple of distinct level codes (each a short non-empty string); element paths read ``$.codes[2]``."""
    one = _code_validator()

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        f.tuple_of(str, description="level codes", min_length=min_length)(inst, attribute, value)
        problems: list[ErrorItem] = []
        for i, code in enumerate(value):
            try:
                one(inst, attribute, code)
            except InvalidDataError as exc:
                problems += (attrs.evolve(e, path=f"$.{attribute.name}[{i}]") for e in exc.errors)
        if problems:
            raise InvalidDataError(problems, type_name=type(inst).__name__)
        f.unique_by(value, lambda c: c, path=f"$.{attribute.name}", what="level code")

    return check


@final
@attrs.frozen(kw_only=True)
class OrderChoice:
    """Levels whose relative intensity no source gives, in the order a catalog takes (least intensive first).

    ``source`` says why that order was taken; where it is iopcore's own reading, its evidence
    is :attr:`~iopcore.sources.Evidence.ILLUSTRATIVE` and a program replaces the order with its own.
    """

    codes: tuple[str, ...] = attrs.field(converter=f.to_tuple, validator=_code_tuple(min_length=2))
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))


@final
@attrs.frozen(kw_only=True)
class IntensityOrder:
    """A catalog's levels from least to most intensive: what a step up and a step down are read against.

    ``codes`` names every level of the catalog once. ``source`` is what the order follows
    (e.g. the ASAM level numbers); ``choices`` lists the places where no source fixes the
    order, each with the order taken and why, so that a program can review and replace
    them (``attrs.evolve(catalog, intensity_order=...)``).
    """

    codes: tuple[str, ...] = attrs.field(converter=f.to_tuple, validator=_code_tuple(min_length=1))
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))
    choices: tuple[OrderChoice, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(OrderChoice))

    def __attrs_post_init__(self) -> None:
        rank = {code: i for i, code in enumerate(self.codes)}
        problems: list[ErrorItem] = []
        for j, choice in enumerate(self.choices):
            unknown = [k for k, code in enumerate(choice.codes) if code not in rank]
            problems += (
                ErrorItem(
                    path=f"$.choices[{j}].codes[{k}]",
                    message="expected a code listed in the order's codes, got another code",
                    rule="unknown_code",
                )
                for k in unknown
            )
            if not unknown and [rank[c] for c in choice.codes] != sorted(rank[c] for c in choice.codes):
                problems.append(
                    ErrorItem(
                        path=f"$.choices[{j}].codes",
                        message="expected the codes in the order they take in codes, got another order",
                        rule="order",
                    )
                )
        if problems:
            raise InvalidDataError(problems, type_name="IntensityOrder")


LevelRef = str | LevelOfCare


@final
@attrs.frozen(kw_only=True)
class LevelCatalog:
    """A framework's levels of care, their order by intensity and the usual routes between them, as data.

    ``intensity_order`` ranks every level from least to most intensive (``None``: by
    :attr:`LevelOfCare.intensity`, levels that share a number in catalog order). A move to a
    later level in that order is a step up, to an earlier one a step down; whether a move is
    allowed is a program's :class:`~iopcore.levels.MovePolicy` (by default every step up and
    down is). ``transitions`` are the usual routes, used for suggestions
    (:meth:`suggested_next`). Build your own catalog with the constructor, or derive one from
    a built-in catalog with ``attrs.evolve(ASAM3, intensity_order=..., transitions=...)``.
    """

    name: str = attrs.field(validator=f.text())
    framework: Framework = attrs.field(validator=f.enum_member(Framework))
    levels: tuple[LevelOfCare, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(LevelOfCare, min_length=1))
    transitions: tuple[Transition, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(Transition)
    )
    """The usual routes between levels (suggestions; a move policy decides what is allowed)."""
    intensity_order: IntensityOrder | None = attrs.field(
        default=None, validator=f.optional(f.instance(IntensityOrder, "an IntensityOrder"))
    )
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))

    def __attrs_post_init__(self) -> None:
        f.unique_by(self.levels, lambda lv: lv.code, path="$.levels", what="level code")
        f.unique_by(self.transitions, lambda t: (t.from_code, t.to_code), path="$.transitions", what="transition")
        problems = [
            f.fail(f"$.levels[{i}].framework", "expected the catalog's framework, got another Framework", "framework")
            for i, lv in enumerate(self.levels)
            if lv.framework != self.framework
        ]
        codes = {lv.code for lv in self.levels}
        for i, t in enumerate(self.transitions):
            for end in ("from_code", "to_code"):
                if getattr(t, end) not in codes:
                    problems.append(
                        f.fail(
                            f"$.transitions[{i}].{end}",
                            "expected a code of a level in this catalog, got an unknown code",
                            "unknown_code",
                        )
                    )
        errors = [e for p in problems for e in p.errors]
        if self.intensity_order is not None:
            errors += _order_problems(self.intensity_order, self.codes)
        if errors:
            raise InvalidDataError(errors, type_name="LevelCatalog")

    def __repr__(self) -> str:
        return (
            f"LevelCatalog(name={self.name!r}, framework={self.framework.value!r}, "
            f"levels=<{len(self.levels)}: {', '.join(self.codes)}>, transitions=<{len(self.transitions)}>)"
        )

    def _repr_html_(self) -> str:
        """A table of the levels for notebooks."""
        from iopcore._fields import _html as h  # on first view: the foundation's import stays light

        def row(lv: LevelOfCare) -> list[object]:
            bands = "; ".join(f"{p.value} {b}" for p, b in lv.hours_per_week.items()) or "–"
            days = str(lv.days_per_week) if lv.days_per_week is not None else "–"
            return [
                lv.code,
                lv.name,
                lv.category.value,
                lv.setting.value,
                lv.management.value if lv.management else "–",
                bands,
                days,
                lv.source.evidence.value,
            ]

        heads = ["Code", "Name", "Category", "Setting", "Management", "Hours/week", "Days/week", "Evidence"]
        return h.view(
            f"LevelCatalog: {self.name} ({len(self.levels)} levels, {len(self.transitions)} transitions)",
            h.table(heads, self.levels, row, what="levels"),
            h.esc(h.short(self.source)),
        )

    # ---------------------------------------------------------------- lookup

    @property
    def codes(self) -> tuple[str, ...]:
        """Every level code, in catalog order."""
        return tuple(lv.code for lv in self.levels)

    @f.guard
    def level(self, code: str) -> LevelOfCare:
        """The level with *code*; an unknown code raises :class:`~iopcore.errors.UnknownCodeError`."""
        return self._resolve(code, "$.code")

    def __iter__(self) -> Iterator[LevelOfCare]:
        return iter(self.levels)

    def __len__(self) -> int:
        return len(self.levels)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, LevelOfCare):
            return item in self.levels
        return isinstance(item, str) and item in self.codes

    def _resolve(self, ref: LevelRef, path: str) -> LevelOfCare:
        """The level *ref* names (a code, or one of this catalog's levels); unknown ones raise naming *path*."""
        if isinstance(ref, LevelOfCare):
            if ref in self.levels:
                return ref
        else:
            for lv in self.levels:
                if lv.code == ref:
                    return lv
        raise UnknownCodeError(what="level", catalog=self.name, known=self.codes, path=path)

    def _pair(self, from_level: LevelRef, to_level: LevelRef) -> tuple[LevelOfCare, LevelOfCare]:
        return self._resolve(from_level, "$.from_level"), self._resolve(to_level, "$.to_level")

    def _by_intensity(self) -> tuple[LevelOfCare, ...]:
        order = self.intensity_order
        if order is None:
            return tuple(sorted(self.levels, key=lambda lv: lv.intensity))
        by_code = {lv.code: lv for lv in self.levels}
        return tuple(by_code[c] for c in order.codes)

    def _ranks(self) -> dict[str, int]:
        return {lv.code: i for i, lv in enumerate(self._by_intensity())}

    def _kind(self, a: str, b: str) -> TransitionKind:
        ranks = self._ranks()
        return _direction(ranks[a], ranks[b])

    def _suggested(self, code: str) -> tuple[LevelOfCare, ...]:
        targets = {t.to_code for t in self.transitions if t.from_code == code}
        return tuple(lv for lv in self._by_intensity() if lv.code in targets)

    def _transition(self, a: str, b: str) -> Transition | None:
        for t in self.transitions:
            if t.from_code == a and t.to_code == b:
                return t
        return None

    # ---------------------------------------------------------------- continuum

    @f.guard
    def by_intensity(self) -> tuple[LevelOfCare, ...]:
        """Levels from least to most intensive, in the catalog's :class:`IntensityOrder`."""
        return self._by_intensity()

    @f.guard
    def rank(self, level: LevelRef) -> int:
        """The place of *level* in the intensity order: 0 for the least intensive level."""
        return self._ranks()[self._resolve(level, "$.level").code]

    @f.guard
    def classify(
        self, hours_per_week: Annotated[float, f.Range(min_value=0)], population: Population
    ) -> LevelOfCare | None:
        """The clinically managed outpatient level whose hours band holds *hours_per_week*.

        Medically managed levels and withdrawal-management or opioid-treatment
        tracks that share a band are told apart by other criteria, never by
        hours, so they are not candidates. Returns ``None`` when no band holds
        the hours (e.g. 5 h/week in the Medicare catalog, or a population the
        catalog gives no bands for).
        """
        for lv in self._by_intensity():
            if (
                lv.setting is Setting.OUTPATIENT
                and not lv.is_medically_managed
                and lv.category not in (LevelCategory.WITHDRAWAL_MANAGEMENT, LevelCategory.OPIOID_TREATMENT)
            ):
                band = lv.hours_per_week.get(population)
                if band is not None and _holds(band, hours_per_week):
                    return lv
        return None

    @f.guard
    def kind(self, from_level: LevelRef, to_level: LevelRef) -> TransitionKind:
        """Whether moving *from_level* → *to_level* steps up or down the intensity order (lateral: the same level)."""
        a, b = self._pair(from_level, to_level)
        return self._kind(a.code, b.code)

    @f.guard
    def is_step_down(self, from_level: LevelRef, to_level: LevelRef) -> bool:
        """Whether *to_level* is less intensive than *from_level*."""
        a, b = self._pair(from_level, to_level)
        return self._kind(a.code, b.code) is TransitionKind.STEP_DOWN

    @f.guard
    def is_step_up(self, from_level: LevelRef, to_level: LevelRef) -> bool:
        """Whether *to_level* is more intensive than *from_level*."""
        a, b = self._pair(from_level, to_level)
        return self._kind(a.code, b.code) is TransitionKind.STEP_UP

    @f.guard
    def step_down_options(self, from_level: LevelRef) -> tuple[LevelOfCare, ...]:
        """Every less intensive level (each a step down), least intensive first."""
        a = self._resolve(from_level, "$.from_level")
        order = self._by_intensity()
        return order[: order.index(a)]

    @f.guard
    def step_up_options(self, from_level: LevelRef) -> tuple[LevelOfCare, ...]:
        """Every more intensive level (each a step up), least intensive first."""
        a = self._resolve(from_level, "$.from_level")
        order = self._by_intensity()
        return order[order.index(a) + 1 :]

    @f.guard
    def transition(self, from_level: LevelRef, to_level: LevelRef) -> Transition | None:
        """The catalog's usual route for this move (with its source), or ``None`` if it is not a usual route."""
        a, b = self._pair(from_level, to_level)
        return self._transition(a.code, b.code)

    @f.guard
    def is_usual_route(self, from_level: LevelRef, to_level: LevelRef) -> bool:
        """Whether the catalog lists the move among its usual routes (a suggestion, not a permission)."""
        a, b = self._pair(from_level, to_level)
        return self._transition(a.code, b.code) is not None

    @f.guard
    def suggested_next(self, from_level: LevelRef) -> tuple[LevelOfCare, ...]:
        """The levels the usual routes lead to from *from_level*, least intensive first."""
        return self._suggested(self._resolve(from_level, "$.from_level").code)

    @f.guard
    def without(self, codes: Iterable[str]) -> LevelCatalog:
        """This catalog less the levels *codes* names, with its usual routes and intensity order kept for the rest.

        Routes to or from a removed level go, the order keeps the other levels in their
        places, and an order choice keeps its remaining codes (dropped when fewer than two
        remain). An unknown code is an :class:`~iopcore.errors.UnknownCodeError` at
        ``$.codes[i]``; removing every level is an :class:`~iopcore.errors.InvalidDataError`
        at ``$.codes`` (a catalog has at least one level).
        """
        gone = tuple(codes)
        for i, code in enumerate(gone):
            if code not in self.codes:
                raise UnknownCodeError(what="level", catalog=self.name, known=self.codes, path=f"$.codes[{i}]")
        dropped = frozenset(gone)
        kept = tuple(lv for lv in self.levels if lv.code not in dropped)
        if not kept:
            raise InvalidDataError.single("$.codes", "expected at least one level to keep, got every code", "empty")
        order = self.intensity_order
        if order is not None:
            choices = tuple(
                attrs.evolve(c, codes=rest)
                for c in order.choices
                if len(rest := tuple(x for x in c.codes if x not in dropped)) >= 2
            )
            order = attrs.evolve(order, codes=tuple(x for x in order.codes if x not in dropped), choices=choices)
        return attrs.evolve(
            self,
            levels=kept,
            transitions=tuple(t for t in self.transitions if not {t.from_code, t.to_code} & dropped),
            intensity_order=order,
        )


def _order_problems(order: IntensityOrder, codes: tuple[str, ...]) -> list[ErrorItem]:
    """How *order* fails to name each of *codes* exactly once (the codes are vocabulary, so shown)."""
    known = set(codes)
    out = [
        ErrorItem(
            path=f"$.intensity_order.codes[{i}]",
            message="expected a code of a level in this catalog, got an unknown code "
            "(to drop levels from a catalog, use LevelCatalog.without)",
            rule="unknown_code",
        )
        for i, code in enumerate(order.codes)
        if code not in known
    ]
    missing = [c for c in codes if c not in set(order.codes)]
    if missing:
        out.append(
            ErrorItem(
                path="$.intensity_order.codes",
                message=f"expected every level of the catalog once, got none for {', '.join(missing)}",
                rule="missing",
            )
        )
    return out


def _direction(a: int, b: int) -> TransitionKind:
    if b < a:
        return TransitionKind.STEP_DOWN
    if b > a:
        return TransitionKind.STEP_UP
    return TransitionKind.LATERAL
