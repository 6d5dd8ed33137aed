"""Strategies for :mod:`iopcore.assessment` (instruments, scores, ratings, intake, placement)."""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from iopcore.assessment import (
    INSTRUMENTS,
    Band,
    BandScheme,
    Cluster,
    ClusterRule,
    Cutoff,
    Exclusion,
    FlagRule,
    Instrument,
    InstrumentScore,
    Item,
    Proration,
    ResponseKind,
    Sex,
    SkipRule,
    score,
)
from iopcore.strategies._core import identifiers, sources, texts

__all__ = [
    "band_schemes",
    "bands",
    "cluster_rules",
    "clusters",
    "cutoffs",
    "exclusions",
    "flag_rules",
    "instrument_items",
    "instrument_scores",
    "instruments",
    "prorations",
    "skip_rules",
]


def _check_int(name: str, value: object, lo: int, hi: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise InvalidArgument(f"{name}={value!r} must be an integer between {lo} and {hi}")
    return value


_LOINC = st.builds(lambda a, b: f"{a}-{b}", st.integers(1, 99999), st.integers(0, 9))


@functools.lru_cache(maxsize=None, typed=True)
def instrument_items(*, number: int | None = None) -> st.SearchStrategy[Item]:
    """Items of every kind: point items with any ascending value set, yes/no items (some reversed), count items."""
    if number is not None:
        _check_int("number", number, 1, 10_000)
    numbers = st.just(number) if number is not None else st.integers(1, 50)

    @st.composite
    def build(draw: st.DrawFn) -> Item:
        kind = draw(st.sampled_from(ResponseKind))
        common: dict[str, Any] = {
            "number": draw(numbers),
            "id": draw(identifiers(max_size=12)),
            "kind": kind,
            "text": draw(st.one_of(st.just(""), texts())),
            "loinc": draw(st.one_of(st.none(), _LOINC)),
        }
        if kind is ResponseKind.POINTS:
            values = sorted(draw(st.sets(st.integers(0, 10), min_size=1, max_size=6)))
            return Item(values=tuple(values), scored=draw(st.booleans()), **common)
        if kind is ResponseKind.YES_NO:
            return Item(reverse=draw(st.booleans()), scored=draw(st.booleans()), **common)
        return Item(max_count=draw(st.integers(0, 400)), scored=False, **common)

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def bands() -> st.SearchStrategy[Band]:
    """Closed bands ``[min_total, max_total]``."""

    @st.composite
    def build(draw: st.DrawFn) -> Band:
        lo = draw(st.integers(0, 100))
        return Band(label=draw(identifiers(max_size=16)), min_total=lo, max_total=draw(st.integers(lo, lo + 100)))

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def band_schemes(*, max_total: int | None = None) -> st.SearchStrategy[BandScheme]:
    """Schemes of 1-5 contiguous bands from 0 to *max_total* (any top by default)."""
    if max_total is not None:
        _check_int("max_total", max_total, 0, 100_000)

    @st.composite
    def build(draw: st.DrawFn) -> BandScheme:
        top = max_total if max_total is not None else draw(st.integers(0, 100))
        count = draw(st.integers(1, min(5, top + 1)))
        cuts = sorted(draw(st.sets(st.integers(1, top), min_size=count - 1, max_size=count - 1))) if count > 1 else []
        starts = [0, *cuts]
        ends = [s - 1 for s in cuts] + [top]
        labels = draw(st.lists(identifiers(max_size=12), min_size=count, max_size=count, unique=True))
        return BandScheme(
            id=draw(identifiers(max_size=16)),
            name=draw(texts()),
            bands=tuple(
                Band(label=lab, min_total=a, max_total=b) for lab, a, b in zip(labels, starts, ends, strict=True)
            ),
            source=draw(sources()),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def cutoffs(*, max_threshold: int = 100) -> st.SearchStrategy[Cutoff]:
    """Cut-offs up to *max_threshold*, for everyone or one sex, fixed or configurable."""
    _check_int("max_threshold", max_threshold, 0, 100_000)
    return st.builds(
        Cutoff,
        threshold=st.integers(0, max_threshold),
        sex=st.one_of(st.none(), st.sampled_from(Sex)),
        configurable=st.booleans(),
        source=sources(),
    )


def _numbers(count: int) -> st.SearchStrategy[tuple[int, ...]]:
    return st.lists(st.integers(1, count), min_size=1, max_size=min(count, 6), unique=True).map(tuple)


@functools.lru_cache(maxsize=None, typed=True)
def flag_rules(*, item_count: int = 20) -> st.SearchStrategy[FlagRule]:
    """Flag rules over items 1-*item_count*."""
    _check_int("item_count", item_count, 1, 10_000)
    return st.builds(
        FlagRule,
        flag=identifiers(max_size=16),
        items=_numbers(item_count),
        min_value=st.integers(0, 10),
        source=sources(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def clusters(*, item_count: int = 20) -> st.SearchStrategy[Cluster]:
    """Item clusters over items 1-*item_count*."""
    _check_int("item_count", item_count, 1, 10_000)
    return st.builds(Cluster, id=identifiers(max_size=12), items=_numbers(item_count), min_endorsed=st.integers(0, 6))


@functools.lru_cache(maxsize=None, typed=True)
def cluster_rules(*, item_count: int = 20) -> st.SearchStrategy[ClusterRule]:
    """Cluster rules with 1-4 clusters of unique ids."""
    _check_int("item_count", item_count, 1, 10_000)
    return st.builds(
        ClusterRule,
        flag=identifiers(max_size=16),
        endorse_at=st.integers(0, 10),
        clusters=st.lists(clusters(item_count=item_count), min_size=1, max_size=4, unique_by=lambda c: c.id).map(tuple),
        source=sources(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def skip_rules(*, item_count: int = 20) -> st.SearchStrategy[SkipRule]:
    """Skip rules over items 1-*item_count*."""
    _check_int("item_count", item_count, 1, 10_000)
    return st.builds(SkipRule, when_items=_numbers(item_count), skipped=_numbers(item_count), source=sources())


@functools.lru_cache(maxsize=None, typed=True)
def exclusions(*, item_count: int = 20) -> st.SearchStrategy[Exclusion]:
    """Context exclusions over items 1-*item_count*."""
    _check_int("item_count", item_count, 1, 10_000)
    return st.builds(Exclusion, context=identifiers(max_size=20), items=_numbers(item_count), source=sources())


@functools.lru_cache(maxsize=None, typed=True)
def prorations() -> st.SearchStrategy[Proration]:
    """Proration rules allowing 1-5 missing items."""
    return st.builds(Proration, max_missing=st.integers(1, 5), source=sources())


@functools.lru_cache(maxsize=None, typed=True)
def instruments(*, include_builtin: bool = True, max_items: int = 8) -> st.SearchStrategy[Instrument]:
    """The built-in instruments and generated ones with 1-*max_items* items and consistent rules."""
    _check_int("max_items", max_items, 1, 200)

    @st.composite
    def build(draw: st.DrawFn) -> Instrument:
        count = draw(st.integers(1, max_items))
        items = tuple(draw(instrument_items(number=k)) for k in range(1, count + 1))
        top = sum(i.max_points for i in items)
        schemes = draw(st.lists(band_schemes(max_total=top), max_size=2, unique_by=lambda s: s.id).map(tuple))
        by_sex = draw(st.booleans())
        if by_sex:
            cuts = tuple(
                Cutoff(
                    threshold=draw(st.integers(0, top)), sex=s, configurable=draw(st.booleans()), source=draw(sources())
                )
                for s in Sex
            )
        else:
            cuts = tuple(
                draw(
                    st.lists(
                        cutoffs(max_threshold=top).map(
                            lambda c: Cutoff(threshold=c.threshold, configurable=c.configurable, source=c.source)
                        ),
                        max_size=1,
                    )
                )
            )
        return Instrument(
            id=draw(identifiers(max_size=16)),
            name=draw(texts(max_size=20)),
            full_name=draw(texts()),
            items=items,
            schemes=schemes,
            cutoffs=cuts,
            flag_rules=tuple(draw(st.lists(flag_rules(item_count=count), max_size=2))),
            cluster_rules=tuple(draw(st.lists(cluster_rules(item_count=count), max_size=1))),
            skip_rules=tuple(draw(st.lists(skip_rules(item_count=count), max_size=2))),
            exclusions=tuple(draw(st.lists(exclusions(item_count=count), max_size=1))),
            proration=draw(st.one_of(st.none(), prorations())),
            loinc_panel=draw(st.one_of(st.none(), _LOINC)),
            loinc_total=draw(st.one_of(st.none(), _LOINC)),
            licence=draw(texts()),
            source=draw(sources()),
            notes=draw(st.one_of(st.just(""), texts())),
        )

    generated = build()
    return st.one_of(st.sampled_from(list(INSTRUMENTS.values())), generated) if include_builtin else generated


def _answer(item: Item) -> st.SearchStrategy[Any]:
    if item.kind is ResponseKind.POINTS:
        return st.sampled_from(item.values)
    if item.kind is ResponseKind.YES_NO:
        return st.booleans()
    assert item.max_count is not None
    return st.integers(0, item.max_count)


@functools.lru_cache(maxsize=None, typed=True)
def instrument_scores(*, instrument_ids: tuple[str, ...] | None = None) -> st.SearchStrategy[InstrumentScore]:
    """Scores of built-in instruments for valid answers, in every context (sex, cut-offs, schemes, proration)."""
    ids = tuple(INSTRUMENTS) if instrument_ids is None else instrument_ids
    if not ids or any(i not in INSTRUMENTS for i in ids):
        raise InvalidArgument(f"instrument_ids must be a non-empty tuple of built-in ids ({', '.join(INSTRUMENTS)})")

    @st.composite
    def build(draw: st.DrawFn) -> InstrumentScore:
        inst = INSTRUMENTS[draw(st.sampled_from(ids))]
        responses: list[Any] = [draw(_answer(i)) for i in inst.items]
        if inst.proration is not None:
            gone = draw(st.sets(st.integers(0, len(inst.items) - 1), max_size=inst.proration.max_missing))
            for k in gone:
                responses[k] = None
        context: dict[str, Any] = {}
        if any(c.sex is not None for c in inst.cutoffs):
            context["sex"] = draw(st.sampled_from(Sex))
        if any(c.configurable for c in inst.cutoffs) and draw(st.booleans()):
            context["cutoff"] = draw(st.integers(1, inst.max_total))
        if len(inst.schemes) > 1:
            context["scheme"] = draw(st.sampled_from([s.id for s in inst.schemes]))
        if inst.exclusions:
            context["medically_supervised"] = draw(st.booleans())
        return score(inst, responses, **context)

    return build()
