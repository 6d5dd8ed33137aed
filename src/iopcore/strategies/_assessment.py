"""Strategies for :mod:`iopcore.assessment` (instruments, scores, ratings, intake, placement)."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from iopcore.assessment import (
    DIMENSION_SETS,
    ILLUSTRATIVE_POLICY,
    INSTRUMENTS,
    AsamEdition,
    Band,
    BandScheme,
    Cluster,
    ClusterRule,
    Cutoff,
    Dimension,
    DimensionRating,
    DimensionRatings,
    DimensionSet,
    Evaluation,
    EvaluationDomain,
    Exclusion,
    FlagMode,
    FlagRule,
    Instrument,
    InstrumentScore,
    IntakeAssessment,
    Item,
    OverrideReason,
    PlacementOverride,
    PlacementReason,
    PlacementRecommendation,
    Proration,
    RatingAnchor,
    RatingRule,
    ResponseKind,
    Route,
    RuleBasedPlacementPolicy,
    RuledOutLevel,
    RuleReading,
    ScoreRule,
    Sex,
    SkipRule,
    Subdimension,
    SubstanceUse,
    UseFrequency,
    score,
)
from iopcore.levels import ASAM3, ASAM4, LevelCategory
from iopcore.strategies._core import identifiers, levels_of_care, sources, texts

__all__ = [
    "band_schemes",
    "bands",
    "cluster_rules",
    "clusters",
    "cutoffs",
    "dimension_rating_sets",
    "dimension_ratings",
    "dimension_sets",
    "dimensions",
    "evaluations",
    "exclusions",
    "flag_rules",
    "instrument_items",
    "instrument_scores",
    "instruments",
    "intake_assessments",
    "placement_overrides",
    "placement_policies",
    "placement_reasons",
    "placement_recommendations",
    "prorations",
    "rating_anchors",
    "rating_rules",
    "rule_readings",
    "ruled_out_levels",
    "score_rules",
    "skip_rules",
    "subdimensions",
    "substance_uses",
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
        mode=st.sampled_from(FlagMode),
    )


@functools.lru_cache(maxsize=None, typed=True)
def rule_readings(*, item_count: int = 20) -> st.SearchStrategy[RuleReading]:
    """Readings of an ambiguous rule: 1-2 flag rules over items 1-*item_count*."""
    _check_int("item_count", item_count, 1, 10_000)
    return st.builds(
        RuleReading,
        id=identifiers(max_size=16),
        name=texts(max_size=30),
        flag_rules=st.lists(flag_rules(item_count=item_count), min_size=1, max_size=2).map(tuple),
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
    return st.builds(
        SkipRule,
        when_items=_numbers(item_count),
        skipped=_numbers(item_count),
        source=sources(),
        answers_counted=st.booleans(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def exclusions(*, item_count: int = 20) -> st.SearchStrategy[Exclusion]:
    """Context exclusions over items 1-*item_count*."""
    _check_int("item_count", item_count, 1, 10_000)
    return st.builds(Exclusion, context=st.just("medically_supervised"), items=_numbers(item_count), source=sources())


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
        items: tuple[Item, ...] = ()
        for k in range(1, count + 1):
            item = draw(instrument_items(number=k))
            if any(i.id == item.id for i in items):  # item ids are unique within an instrument
                item = attrs.evolve(item, id=f"{item.id}_{k}")
            items += (item,)
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
            readings=tuple(draw(st.lists(rule_readings(item_count=count), max_size=2, unique_by=lambda r: r.id))),
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
        if len(inst.readings) > 0 and draw(st.booleans()):
            context["reading"] = draw(st.sampled_from([r.id for r in inst.readings]))
        if any(not r.answers_counted for r in inst.skip_rules):
            context["count_skipped_answers"] = draw(st.sampled_from((None, True, False)))
        return score(inst, responses, **context)

    return build()


# ----------------------------------------------------------------------------- ASAM dimensions


@functools.lru_cache(maxsize=None, typed=True)
def subdimensions() -> st.SearchStrategy[Subdimension]:
    """Named subdimensions."""
    return st.builds(Subdimension, id=identifiers(max_size=20), name=texts())


@functools.lru_cache(maxsize=None, typed=True)
def rating_anchors() -> st.SearchStrategy[RatingAnchor]:
    """Rating anchors with and without a 0-4 rating."""
    return st.builds(
        RatingAnchor,
        code=texts(max_size=8),
        label=texts(),
        rating=st.one_of(st.none(), st.integers(0, 4)),
    )


@functools.lru_cache(maxsize=None, typed=True)
def dimensions() -> st.SearchStrategy[Dimension]:
    """Dimensions, rated or not, with 0-3 subdimensions of unique ids."""
    return st.builds(
        Dimension,
        number=st.integers(1, 12),
        id=identifiers(max_size=30),
        name=texts(),
        subdimensions=st.lists(subdimensions(), max_size=3, unique_by=lambda s: s.id).map(tuple),
        risk_rated=st.booleans(),
        source=sources(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def dimension_sets(*, include_builtin: bool = True) -> st.SearchStrategy[DimensionSet]:
    """The built-in dimension sets and generated ones."""
    generated = st.builds(
        DimensionSet,
        edition=st.sampled_from(AsamEdition),
        dimensions=st.lists(dimensions(), min_size=1, max_size=6, unique_by=lambda d: d.id).map(tuple),
        anchors=st.lists(rating_anchors(), max_size=5, unique_by=lambda a: a.code).map(tuple),
        source=sources(),
    )
    return st.one_of(st.sampled_from(list(DIMENSION_SETS.values())), generated) if include_builtin else generated


@functools.lru_cache(maxsize=None, typed=True)
def dimension_ratings(*, dimension_ids: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[DimensionRating]:
    """Single ratings 0-4 with a rationale (any dimension id unless *dimension_ids* is given)."""
    return st.builds(
        DimensionRating,
        dimension=dimension_ids if dimension_ids is not None else identifiers(max_size=30),
        rating=st.integers(0, 4),
        rationale=texts(),
        anchor=st.one_of(st.none(), texts(max_size=8)),
    )


@functools.lru_cache(maxsize=None, typed=True)
def dimension_rating_sets(*, edition: AsamEdition | None = None) -> st.SearchStrategy[DimensionRatings]:
    """Complete ratings of an edition (both by default), in any order, with and without anchor codes."""
    if edition is not None and not isinstance(edition, AsamEdition):
        raise InvalidArgument(f"edition={edition!r} must be an AsamEdition or None")

    @st.composite
    def build(draw: st.DrawFn) -> DimensionRatings:
        ed = edition if edition is not None else draw(st.sampled_from(AsamEdition))
        dims = DIMENSION_SETS[ed]
        ratings = []
        for dim_id in draw(st.permutations(dims.rated_ids)):
            value = draw(st.integers(0, 4))
            fitting = [a.code for a in dims.anchors if a.rating is None or a.rating == value]
            anchor = draw(st.one_of(st.none(), st.sampled_from(fitting))) if fitting else None
            ratings.append(DimensionRating(dimension=dim_id, rating=value, rationale=draw(texts()), anchor=anchor))
        return DimensionRatings(edition=ed, ratings=tuple(ratings))

    return build()


# ----------------------------------------------------------------------------- intake


@functools.lru_cache(maxsize=None, typed=True)
def evaluations() -> st.SearchStrategy[Evaluation]:
    """Evaluations of every domain, with 0-3 diagnoses."""
    return st.builds(
        Evaluation,
        domain=st.sampled_from(EvaluationDomain),
        findings=texts(max_size=200),
        diagnoses=st.lists(texts(max_size=10), max_size=3).map(tuple),
    )


_DAY_MIN, _DAY_MAX = date(1950, 1, 1), date(2100, 12, 31)


@functools.lru_cache(maxsize=None, typed=True)
def substance_uses(*, max_last_use: date = _DAY_MAX) -> st.SearchStrategy[SubstanceUse]:
    """Substance-use history entries with every route and frequency; last use on or before *max_last_use*."""
    if not isinstance(max_last_use, date) or max_last_use < _DAY_MIN:
        raise InvalidArgument(f"max_last_use must be a date on or after {_DAY_MIN}")
    return st.builds(
        SubstanceUse,
        substance=texts(max_size=30),
        route=st.sampled_from(Route),
        frequency=st.sampled_from(UseFrequency),
        last_use=st.one_of(st.none(), st.dates(min_value=_DAY_MIN, max_value=max_last_use)),
        age_at_first_use=st.one_of(st.none(), st.integers(0, 130)),
        primary=st.booleans(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def intake_assessments(*, max_scores: int = 3) -> st.SearchStrategy[IntakeAssessment]:
    """Intakes with 0-3 evaluations, 0-3 substances (at most one primary), up to *max_scores* scores, ratings or none."""
    _check_int("max_scores", max_scores, 0, len(INSTRUMENTS))

    @st.composite
    def build(draw: st.DrawFn) -> IntakeAssessment:
        day = draw(st.dates(min_value=_DAY_MIN, max_value=_DAY_MAX))
        uses = draw(st.lists(substance_uses(max_last_use=day), max_size=3))
        if sum(u.primary for u in uses) > 1:
            first = next(i for i, u in enumerate(uses) if u.primary)
            uses = [u if i == first or not u.primary else attrs.evolve(u, primary=False) for i, u in enumerate(uses)]
        return IntakeAssessment(
            patient_id=draw(texts(max_size=64)),
            assessed_on=day,
            evaluations=tuple(draw(st.lists(evaluations(), max_size=3, unique_by=lambda e: e.domain))),
            substance_use=tuple(uses),
            scores=tuple(draw(st.lists(instrument_scores(), max_size=max_scores, unique_by=lambda s: s.instrument))),
            ratings=draw(st.one_of(st.none(), dimension_rating_sets())),
        )

    return build()


# ----------------------------------------------------------------------------- placement


def _edition_and_dimension(draw: st.DrawFn) -> tuple[AsamEdition | None, str]:
    """An edition (or none) and a risk-rated dimension of it (of either edition when none)."""
    edition = draw(st.one_of(st.none(), st.sampled_from(AsamEdition)))
    editions = list(AsamEdition) if edition is None else [edition]
    dimension = draw(st.sampled_from(sorted({d for e in editions for d in DIMENSION_SETS[e].rated_ids})))
    return edition, dimension


@functools.lru_cache(maxsize=None, typed=True)
def rating_rules() -> st.SearchStrategy[RatingRule]:
    """Rating rules for every risk-rated dimension, edition, threshold and service requirement."""

    @st.composite
    def build(draw: st.DrawFn) -> RatingRule:
        edition, dimension = _edition_and_dimension(draw)
        return RatingRule(
            id=draw(identifiers(max_size=30)),
            edition=edition,
            dimension=dimension,
            min_rating=draw(st.integers(0, 4)),
            min_intensity=draw(st.floats(0, 10, allow_nan=False)),
            withdrawal_management=draw(st.booleans()),
            medically_managed=draw(st.booleans()),
            source=draw(sources()),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def score_rules() -> st.SearchStrategy[ScoreRule]:
    """Score rules triggered by bands, a flag or both."""

    @st.composite
    def build(draw: st.DrawFn) -> ScoreRule:
        labels = draw(st.frozensets(identifiers(max_size=16), max_size=3))
        flag = draw(st.one_of(st.none(), identifiers(max_size=16)) if labels else identifiers(max_size=16))
        edition, dimension = _edition_and_dimension(draw)
        return ScoreRule(
            id=draw(identifiers(max_size=30)),
            edition=edition,
            dimension=dimension,
            instrument=draw(st.sampled_from(list(INSTRUMENTS))),
            bands=labels,
            flag=flag,
            min_intensity=draw(st.floats(0, 10, allow_nan=False)),
            withdrawal_management=draw(st.booleans()),
            medically_managed=draw(st.booleans()),
            source=draw(sources()),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def placement_policies(*, include_builtin: bool = True) -> st.SearchStrategy[RuleBasedPlacementPolicy]:
    """The illustrative policy and generated rule-based policies."""
    generated = st.builds(
        RuleBasedPlacementPolicy,
        name=texts(),
        rules=st.lists(st.one_of(rating_rules(), score_rules()), max_size=6, unique_by=lambda r: r.id).map(tuple),
        excluded_categories=st.frozensets(st.sampled_from(LevelCategory)),
        concurrent_withdrawal_management=st.booleans(),
        source=sources(),
    )
    return st.one_of(st.just(ILLUSTRATIVE_POLICY), generated) if include_builtin else generated


@functools.lru_cache(maxsize=None, typed=True)
def placement_reasons() -> st.SearchStrategy[PlacementReason]:
    """Reasons a level was ruled out."""
    return st.builds(
        PlacementReason, rule=identifiers(max_size=30), dimension=identifiers(max_size=30), explanation=texts()
    )


@functools.lru_cache(maxsize=None, typed=True)
def ruled_out_levels() -> st.SearchStrategy[RuledOutLevel]:
    """Ruled-out levels with 1-3 reasons."""
    return st.builds(
        RuledOutLevel,
        level=texts(max_size=32),
        reasons=st.lists(placement_reasons(), min_size=1, max_size=3).map(tuple),
    )


@functools.lru_cache(maxsize=None, typed=True)
def placement_overrides() -> st.SearchStrategy[PlacementOverride]:
    """Clinician overrides with every reason."""
    return st.builds(
        PlacementOverride,
        level=st.one_of(st.sampled_from([*ASAM3.levels, *ASAM4.levels]), levels_of_care()),
        reason=st.sampled_from(OverrideReason),
        note=st.one_of(st.just(""), texts()),
    )


@functools.lru_cache(maxsize=None, typed=True)
def placement_recommendations() -> st.SearchStrategy[PlacementRecommendation]:
    """Recommendations made by the illustrative policy (with and without overrides) and arbitrary valid ones."""

    @st.composite
    def from_policy(draw: st.DrawFn) -> PlacementRecommendation:
        edition = draw(st.sampled_from(AsamEdition))
        catalog = ASAM3 if edition is AsamEdition.THIRD else ASAM4
        ratings = draw(dimension_rating_sets(edition=edition))
        scores = draw(st.lists(instrument_scores(instrument_ids=("ciwa_ar", "cows", "phq9")), max_size=2))
        rec = ILLUSTRATIVE_POLICY.recommend(ratings, catalog, scores=scores)
        if draw(st.booleans()):
            other = draw(st.sampled_from([lv for lv in catalog.levels if lv != rec.level]))
            rec = rec.with_override(other, draw(st.sampled_from(OverrideReason)), draw(st.one_of(st.just(""), texts())))
        return rec

    @st.composite
    def arbitrary(draw: st.DrawFn) -> PlacementRecommendation:
        level = draw(levels_of_care())
        override = draw(st.one_of(st.none(), placement_overrides().filter(lambda o: o.level != level)))
        return PlacementRecommendation(
            level=level,
            driving_dimensions=tuple(draw(st.lists(identifiers(max_size=30), min_size=1, max_size=3))),
            ruled_out=tuple(draw(st.lists(ruled_out_levels(), max_size=3))),
            triggered_rules=tuple(draw(st.lists(identifiers(max_size=30), max_size=3))),
            policy=draw(texts()),
            override=override,
            withdrawal_management_level=draw(st.one_of(st.none(), levels_of_care())),
        )

    return st.one_of(from_policy(), arbitrary())
