"""Instrument values: items, bands, cut-offs and the rules that trip implementations, all as data."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, final

import attrs

from iopcore import _fields as f
from iopcore._fields import _html as h
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError, UnknownCodeError
from iopcore.sources import Source

__all__ = [
    "Band",
    "BandScheme",
    "Cluster",
    "ClusterRule",
    "Cutoff",
    "Exclusion",
    "FlagMode",
    "FlagRule",
    "Instrument",
    "InstrumentScore",
    "Item",
    "Proration",
    "ResponseKind",
    "RuleReading",
    "Sex",
    "SkipRule",
]


class ResponseKind(enum.StrEnum):
    """How an item is answered."""

    POINTS = "points"
    """An integer point value from the item's published value set."""
    YES_NO = "yes_no"
    """A boolean (``True`` = yes); yes scores 1, or no scores 1 when the item is reverse scored."""
    COUNT = "count"
    """A whole number such as a count of days (CRAFFT Part A); asked but not scored."""


class FlagMode(enum.StrEnum):
    """How a :class:`FlagRule` combines its items' points before comparing them with ``min_value``."""

    ANY_ITEM = "any_item"
    """Any one of the items scores at least ``min_value``."""
    ITEMS_SUMMED = "items_summed"
    """The items' points, added up, reach ``min_value``."""


class Sex(enum.StrEnum):
    """Sex as used by instruments whose cut-offs differ by sex (AUDIT-C)."""

    MALE = "male"
    FEMALE = "female"


def _source() -> f.Validator:
    return f.instance(Source, "a Source")


def _item_numbers() -> Any:
    return attrs.field(
        converter=f.to_int_tuple, validator=f.int_tuple(min_value=1, min_length=1, description="item numbers (from 1)")
    )


_CONTEXTS = ("medically_supervised",)  # the context keywords of score() that an Exclusion may name


@final
@attrs.frozen(kw_only=True)
class Item:
    """One item of an instrument, numbered from 1, with its allowed answers."""

    number: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=1))
    id: str = attrs.field(validator=f.identifier())
    kind: ResponseKind = attrs.field(validator=f.enum_member(ResponseKind))
    values: tuple[int, ...] = attrs.field(
        default=(), converter=f.to_int_tuple, validator=f.int_tuple(min_value=0, description="point values")
    )
    """The allowed point values of a ``POINTS`` item, ascending (e.g. AUDIT items 9–10: ``(0, 2, 4)``)."""
    max_count: int | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_int), validator=f.optional(f.integer(min_value=0))
    )
    """The largest answer of a ``COUNT`` item (e.g. 366 days in 12 months)."""
    reverse: bool = attrs.field(default=False, validator=f.boolean())
    """A reverse-scored yes/no item: "no" scores 1 (DAST-10 item 3)."""
    scored: bool = attrs.field(default=True, validator=f.boolean())
    text: str = attrs.field(default="", validator=f.instance(str, "a string"))
    """The item's wording, only where the instrument's licence allows shipping it (else empty)."""
    loinc: str | None = attrs.field(default=None, validator=f.optional(f.text(max_length=16)))
    """The item's LOINC code, only where verified."""

    def __attrs_post_init__(self) -> None:
        if self.kind is ResponseKind.POINTS:
            if not self.values or any(v < 0 for v in self.values) or list(self.values) != sorted(set(self.values)):
                raise f.fail(
                    "$.values", "expected ascending, distinct point values >= 0, got another tuple", "values", self
                )
        elif self.values:
            raise f.fail("$.values", "expected no point values for a yes/no or count item, got some", "values", self)
        if (self.kind is ResponseKind.COUNT) != (self.max_count is not None):
            raise f.fail("$.max_count", "expected max_count exactly for count items", "max_count", self)
        if self.reverse and self.kind is not ResponseKind.YES_NO:
            raise f.fail("$.reverse", "expected reverse scoring only on yes/no items", "reverse", self)
        if self.kind is ResponseKind.COUNT and self.scored:
            raise f.fail("$.scored", "expected count items to be unscored", "scored", self)

    @property
    def max_points(self) -> int:
        """The most points this item can add to the total (0 when unscored)."""
        if not self.scored:
            return 0
        if self.kind is ResponseKind.POINTS:
            return self.values[-1]
        return 1


@final
@attrs.frozen(kw_only=True)
class Band:
    """A labelled range of totals, closed ``[min_total, max_total]``."""

    label: str = attrs.field(validator=f.identifier())
    min_total: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    max_total: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))

    def __attrs_post_init__(self) -> None:
        if self.max_total < self.min_total:
            raise f.fail("$.max_total", "expected max_total >= min_total, got a smaller int", "order", self)


@final
@attrs.frozen(kw_only=True)
class BandScheme:
    """Contiguous bands covering an instrument's whole range, from one source."""

    id: str = attrs.field(validator=f.identifier())
    name: str = attrs.field(validator=f.text())
    bands: tuple[Band, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(Band, min_length=1))
    source: Source = attrs.field(validator=_source())

    def __attrs_post_init__(self) -> None:
        if self.bands[0].min_total != 0:
            raise f.fail("$.bands[0].min_total", "expected the first band to start at 0", "coverage", self)
        for i in range(1, len(self.bands)):
            if self.bands[i].min_total != self.bands[i - 1].max_total + 1:
                raise f.fail(
                    f"$.bands[{i}].min_total",
                    "expected each band to start right after the previous one",
                    "coverage",
                    self,
                )
        f.unique_by(self.bands, lambda b: b.label, path="$.bands", what="band label")

    @property
    def max_total(self) -> int:
        """The top of the last band."""
        return self.bands[-1].max_total

    @f.guard
    def band_for(self, total: Annotated[float, f.Range(min_value=0)]) -> str:
        """The label of the band holding *total* (a prorated total between two bands belongs to the lower)."""
        if total > self.bands[-1].max_total:
            raise InvalidArgumentError(
                (
                    ErrorItem(
                        path="$.total",
                        message=f"expected a total between 0 and {self.bands[-1].max_total}, got a larger number",
                        rule="range",
                    ),
                ),
                callable="BandScheme.band_for",
            )
        return self._band_for(total)

    def _band_for(self, total: float) -> str:
        label = self.bands[0].label
        for band in self.bands:
            if band.min_total <= total:
                label = band.label
            else:
                break
        return label


@final
@attrs.frozen(kw_only=True)
class Cutoff:
    """A screening cut-off: a total at or above ``threshold`` is positive (for ``sex`` if given)."""

    threshold: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    sex: Sex | None = attrs.field(default=None, validator=f.optional(f.enum_member(Sex)))
    configurable: bool = attrs.field(default=False, validator=f.boolean())
    """Whether ``score(..., cutoff=n)`` may replace the threshold."""
    source: Source = attrs.field(validator=_source())


@final
@attrs.frozen(kw_only=True)
class FlagRule:
    """Set ``flag`` when any of ``items`` scores at least ``min_value``, or (``mode=ITEMS_SUMMED``) when their sum does.

    Flags never move the total or the band.
    """

    flag: str = attrs.field(validator=f.identifier())
    items: tuple[int, ...] = _item_numbers()
    min_value: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    source: Source = attrs.field(validator=_source())
    mode: FlagMode = attrs.field(default=FlagMode.ANY_ITEM, validator=f.enum_member(FlagMode))
    """How the items' points are combined (any one item, or their sum)."""


@final
@attrs.frozen(kw_only=True)
class RuleReading:
    """One reading of a published rule whose wording the sources read in more than one way.

    An instrument lists its readings in :attr:`Instrument.readings`, the default first;
    ``score(..., reading=id)`` picks another. The reading's ``flag_rules`` apply in addition to
    the instrument's own. E.g. the AUDIT's "2 or more on Questions 4, 5 and 6": any one of the
    questions (``any_item``) or the three summed (``items_summed``).
    """

    id: str = attrs.field(validator=f.identifier())
    name: str = attrs.field(validator=f.text())
    flag_rules: tuple[FlagRule, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(FlagRule, min_length=1))
    source: Source = attrs.field(validator=_source())
    """Where the reading comes from, and (in ``evidence``) whether the sources settle it."""


@final
@attrs.frozen(kw_only=True)
class Cluster:
    """A group of items of which at least ``min_endorsed`` must be endorsed; its severity is their sum."""

    id: str = attrs.field(validator=f.identifier())
    items: tuple[int, ...] = _item_numbers()
    min_endorsed: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))


@final
@attrs.frozen(kw_only=True)
class ClusterRule:
    """Set ``flag`` when every cluster has enough items scoring at least ``endorse_at`` (PCL-5's DSM-5 rule)."""

    flag: str = attrs.field(validator=f.identifier())
    endorse_at: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=0))
    clusters: tuple[Cluster, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(Cluster, min_length=1))
    source: Source = attrs.field(validator=_source())

    def __attrs_post_init__(self) -> None:
        f.unique_by(self.clusters, lambda c: c.id, path="$.clusters", what="cluster id")


@final
@attrs.frozen(kw_only=True)
class SkipRule:
    """A published skip rule: when the answers to ``when_items`` sum to 0, ``skipped`` may be left ``None`` (scored 0).

    ``answers_counted`` says what happens to answers given anyway to the skipped items: counted
    (the AUDIT's skips only spare questions), or validated and left out of the total (CRAFFT 2.1:
    with Part A all zero the manual asks only the CAR question, so the other Part B answers are not
    part of the screen). Items left out are reported in :attr:`InstrumentScore.uncounted`;
    ``score(..., count_skipped_answers=True)`` counts them anyway.
    """

    when_items: tuple[int, ...] = _item_numbers()
    skipped: tuple[int, ...] = _item_numbers()
    source: Source = attrs.field(validator=_source())
    answers_counted: bool = attrs.field(default=True, validator=f.boolean())


@final
@attrs.frozen(kw_only=True)
class Exclusion:
    """Items not counted when the context keyword ``context`` is true (DSM-5: tolerance and withdrawal under supervision).

    ``context`` is a context keyword that :func:`~iopcore.assessment.score` understands: ``"medically_supervised"``.
    """

    context: str = attrs.field(validator=f.literal(*_CONTEXTS))
    items: tuple[int, ...] = _item_numbers()
    source: Source = attrs.field(validator=_source())


@final
@attrs.frozen(kw_only=True)
class Proration:
    """Missing-item rule: up to ``max_missing`` missing items are replaced by the mean of the answered ones."""

    max_missing: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=1))
    source: Source = attrs.field(validator=_source())


def _check_numbers(numbers: Iterable[int], count: int, path: str, errors: list[ErrorItem]) -> None:
    for j, n in enumerate(numbers):
        if not 1 <= n <= count:
            errors.append(
                ErrorItem(path=f"{path}[{j}]", message="expected the number of an item of this instrument", rule="item")
            )


@final
@attrs.frozen(kw_only=True)
class Instrument:
    """A standardized instrument as data: items, band schemes, cut-offs, rules, codes, licence and source."""

    id: str = attrs.field(validator=f.identifier())
    name: str = attrs.field(validator=f.text())
    full_name: str = attrs.field(validator=f.text())
    items: tuple[Item, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(Item, min_length=1))
    schemes: tuple[BandScheme, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(BandScheme))
    """Band schemes; the first is the default."""
    cutoffs: tuple[Cutoff, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(Cutoff))
    flag_rules: tuple[FlagRule, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(FlagRule))
    cluster_rules: tuple[ClusterRule, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(ClusterRule)
    )
    skip_rules: tuple[SkipRule, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(SkipRule))
    readings: tuple[RuleReading, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(RuleReading))
    """Alternative readings of a rule the sources read differently; the first is the default."""
    exclusions: tuple[Exclusion, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(Exclusion))
    proration: Proration | None = attrs.field(default=None, validator=f.optional(f.instance(Proration, "a Proration")))
    loinc_panel: str | None = attrs.field(default=None, validator=f.optional(f.text(max_length=16)))
    loinc_total: str | None = attrs.field(default=None, validator=f.optional(f.text(max_length=16)))
    licence: str = attrs.field(validator=f.text())
    """The licence or copyright statement, and why item text is or is not included."""
    source: Source = attrs.field(validator=_source())
    notes: str = attrs.field(default="", validator=f.instance(str, "a string"))

    def __attrs_post_init__(self) -> None:
        errors: list[ErrorItem] = []
        count = len(self.items)
        for i, item in enumerate(self.items):
            if item.number != i + 1:
                errors.append(
                    ErrorItem(
                        path=f"$.items[{i}].number", message="expected items numbered 1, 2, … in order", rule="order"
                    )
                )
        errors.extend(_duplicates((item.id for item in self.items), "$.items", ".id", "item id"))
        cluster_ids = ((i, j, c.id) for i, r in enumerate(self.cluster_rules) for j, c in enumerate(r.clusters))
        seen: set[str] = set()
        for i, j, cid in cluster_ids:
            if cid in seen:
                errors.append(
                    ErrorItem(
                        path=f"$.cluster_rules[{i}].clusters[{j}].id",
                        message="duplicate cluster id (subscores are keyed by it)",
                        rule="unique",
                    )
                )
            seen.add(cid)
        for i, rule in enumerate(self.flag_rules):
            _check_numbers(rule.items, count, f"$.flag_rules[{i}].items", errors)
        for i, reading in enumerate(self.readings):
            for j, rule in enumerate(reading.flag_rules):
                _check_numbers(rule.items, count, f"$.readings[{i}].flag_rules[{j}].items", errors)
        errors.extend(_duplicates((r.id for r in self.readings), "$.readings", ".id", "reading id"))
        for i, skip in enumerate(self.skip_rules):
            _check_numbers(skip.when_items, count, f"$.skip_rules[{i}].when_items", errors)
            _check_numbers(skip.skipped, count, f"$.skip_rules[{i}].skipped", errors)
        for i, excl in enumerate(self.exclusions):
            _check_numbers(excl.items, count, f"$.exclusions[{i}].items", errors)
        for i, crule in enumerate(self.cluster_rules):
            for j, cluster in enumerate(crule.clusters):
                _check_numbers(cluster.items, count, f"$.cluster_rules[{i}].clusters[{j}].items", errors)
        if errors:
            raise InvalidDataError(errors, type_name="Instrument")
        top = self.max_total
        for i, scheme in enumerate(self.schemes):
            if scheme.max_total != top:
                raise f.fail(
                    f"$.schemes[{i}]", "expected the bands to end at the instrument's maximum total", "coverage", self
                )
        f.unique_by(self.schemes, lambda s: s.id, path="$.schemes", what="scheme id")
        f.unique_by(self.cutoffs, lambda c: c.sex, path="$.cutoffs", what="cut-off for the same sex")
        sexed = {c.sex is None for c in self.cutoffs}
        if len(sexed) > 1:
            raise f.fail(
                "$.cutoffs", "expected either one cut-off for everyone or one per sex, got both", "cutoffs", self
            )
        for i, c in enumerate(self.cutoffs):
            if c.threshold > top:
                raise f.fail(f"$.cutoffs[{i}].threshold", "expected a threshold <= the maximum total", "range", self)

    @property
    def min_total(self) -> int:
        """The lowest possible total (always 0)."""
        return 0

    @property
    def max_total(self) -> int:
        """The highest possible total: the sum of the scored items' largest values."""
        return sum(item.max_points for item in self.items)

    @property
    def default_scheme(self) -> BandScheme | None:
        """The first band scheme, or ``None`` for screens that only have a cut-off."""
        return self.schemes[0] if self.schemes else None

    @property
    def default_reading(self) -> RuleReading | None:
        """The first reading, or ``None`` for instruments whose rules the sources read alike."""
        return self.readings[0] if self.readings else None

    @f.guard
    def scheme(self, scheme_id: str) -> BandScheme:
        """The band scheme with *scheme_id*; unknown ids raise :class:`~iopcore.errors.UnknownCodeError`."""
        found = self._scheme(scheme_id)
        if found is None:
            raise UnknownCodeError(
                what="band scheme", catalog=self.name, known=[s.id for s in self.schemes], path="$.scheme_id"
            )
        return found

    def _scheme(self, scheme_id: str) -> BandScheme | None:
        return next((s for s in self.schemes if s.id == scheme_id), None)

    @f.guard
    def item(self, number: int) -> Item:
        """Item *number* (from 1)."""
        if not 1 <= number <= len(self.items):
            raise InvalidArgumentError(
                (
                    ErrorItem(
                        path="$.number",
                        message=f"expected an item number between 1 and {len(self.items)}, got {f.number_text(number)}",
                        rule="range",
                    ),
                ),
                callable="Instrument.item",
            )
        return self.items[number - 1]


def _duplicates(keys: Iterable[str], path: str, suffix: str, what: str) -> list[ErrorItem]:
    seen: set[str] = set()
    out: list[ErrorItem] = []
    for i, key in enumerate(keys):
        if key in seen:
            out.append(ErrorItem(path=f"{path}[{i}]{suffix}", message=f"duplicate {what}", rule="unique"))
        seen.add(key)
    return out


_total_number = f.number(min_value=0)


def _total_validator(inst: InstrumentScore | None, attribute: attrs.Attribute[float], value: object) -> None:
    _total_number(inst, attribute, value)


def _to_total(value: Any) -> Any:
    """An integer total (numpy's too) as an ``int``, another number as a ``float``; anything else left alone."""
    if type(value) is int or type(value) is float:
        return value
    if f.is_integer(value):
        return f.as_int(value)
    return f.to_float(value)


def _to_subscores(value: Any) -> Any:
    mapping = f.to_mapping(value)
    if isinstance(mapping, f.FrozenMap) and any(type(v) is not int and f.is_integer(v) for v in mapping.values()):
        return f.FrozenMap({k: f.to_int(v) for k, v in mapping.items()})
    return mapping


@final
@attrs.frozen(kw_only=True)
class InstrumentScore:
    """The scored result of one administration of an instrument.

    ``total`` is an ``int``, or a ``float`` exactly when ``prorated`` (never rounded).
    ``positive`` is set where a screening cut-off exists, else ``None``.
    """

    instrument: str = attrs.field(validator=f.identifier())
    total: int | float = attrs.field(converter=_to_total, validator=_total_validator)
    band: str | None = attrs.field(default=None, validator=f.optional(f.identifier()))
    positive: bool | None = attrs.field(default=None, validator=f.optional(f.boolean()))
    flags: frozenset[str] = attrs.field(
        repr=f.set_repr, default=frozenset(), converter=f.to_frozenset, validator=f.frozenset_of(str, "flag names")
    )
    prorated: bool = attrs.field(default=False, validator=f.boolean())
    scheme: str | None = attrs.field(default=None, validator=f.optional(f.identifier()))
    """The band scheme used (where an instrument has several, e.g. CIWA-Ar)."""
    cutoff: int | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_int), validator=f.optional(f.integer(min_value=0))
    )
    """The cut-off applied to decide ``positive``."""
    item_scores: tuple[int | None, ...] = attrs.field(
        default=(),
        converter=f.to_int_tuple,
        validator=f.int_tuple(min_value=0, allow_none=True, description="points or None"),
    )
    """Points counted per item (after reverse scoring, skips and exclusions); ``None`` for a prorated missing item."""
    subscores: Mapping[str, int] = attrs.field(
        factory=dict,
        converter=_to_subscores,
        validator=f.mapping_of(str, int, description="subscale id to int"),
    )
    """Subscale sums (e.g. the PCL-5 cluster severities)."""
    reading: str | None = attrs.field(default=None, validator=f.optional(f.identifier()))
    """The reading of the instrument's ambiguous rules that was applied (e.g. the AUDIT's ``any_item``)."""
    uncounted: tuple[int, ...] = attrs.field(
        default=(),
        converter=f.to_int_tuple,
        validator=f.int_tuple(min_value=1, description="item numbers (from 1)"),
    )
    """Items answered although a skip rule skipped them, whose answers the rule leaves out of the total
    (CRAFFT 2.1 Part B when Part A is all zero); their ``item_scores`` are 0."""

    def _repr_html_(self) -> str:
        band = f" ({self.band})" if self.band else ""
        return h.fields_view(
            self,
            title=f"InstrumentScore: {self.instrument} {self.total}{band}",
            badges={"positive": lambda p: None if p is None else ("warning" if p else "ok")},
        )

    def __attrs_post_init__(self) -> None:
        if self.prorated != isinstance(self.total, float):
            raise f.fail("$.total", "expected a float total exactly when prorated, an int otherwise", "prorated", self)
        for flag in self.flags:
            if not f.is_identifier(flag):
                raise f.fail("$.flags", "expected snake_case flag names", "identifier", self)
        for k, v in self.subscores.items():
            if type(v) is not int or v < 0:
                raise f.fail(
                    f"$.subscores.{k}" if f.is_identifier(k) else "$.subscores",
                    "expected an integer >= 0",
                    "range",
                    self,
                )
        if list(self.uncounted) != sorted(set(self.uncounted)):
            raise f.fail("$.uncounted", "expected ascending, distinct item numbers", "order", self)
        if self.item_scores:
            for number in self.uncounted:
                if number > len(self.item_scores) or self.item_scores[number - 1] != 0:
                    raise f.fail("$.uncounted", "expected items whose item_scores are 0", "uncounted", self)


def _trusted_score(
    *,
    instrument: str,
    total: int | float,
    band: str | None,
    positive: bool | None,
    flags: frozenset[str],
    prorated: bool,
    scheme: str | None,
    cutoff: int | None,
    item_scores: tuple[int | None, ...],
    subscores: Mapping[str, int],
    reading: str | None,
    uncounted: tuple[int, ...],
) -> InstrumentScore:
    """An :class:`InstrumentScore` made without running its converters and validators.

    Only for the scorer, whose values are valid by construction (the instrument's own ids, an
    ``int`` total or a ``float`` exactly when prorated, a ``FrozenMap`` of subscores): a score
    is built per form, and its validators cost more than the scoring itself. A test checks
    that the validated constructor accepts every such score and gives an equal one.
    """
    score = object.__new__(InstrumentScore)
    for name, value in (
        ("instrument", instrument),
        ("total", total),
        ("band", band),
        ("positive", positive),
        ("flags", flags),
        ("prorated", prorated),
        ("scheme", scheme),
        ("cutoff", cutoff),
        ("item_scores", item_scores),
        ("subscores", subscores),
        ("reading", reading),
        ("uncounted", uncounted),
    ):
        object.__setattr__(score, name, value)
    return score
