"""Instrument values reject inconsistent data with a path; a program's own instruments score like built-ins."""

from __future__ import annotations

import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from iopcore import strategies as ist
from iopcore.assessment import (
    FREQUENCY_ANSWER_CODES,
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
    ResponseKind,
    Sex,
    SkipRule,
    instrument,
    score,
)
from iopcore.errors import InvalidDataError, UnknownCodeError
from iopcore.sources import Source

SRC = Source(citation="test")
P, YN, CNT = ResponseKind.POINTS, ResponseKind.YES_NO, ResponseKind.COUNT


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"kind": P, "values": ()}, "$.values"),
        ({"kind": P, "values": (2, 1)}, "$.values"),
        ({"kind": P, "values": (-1, 0)}, "$.values[0]"),
        ({"kind": P, "values": (0, 0)}, "$.values"),
        ({"kind": YN, "values": (0, 1)}, "$.values"),
        ({"kind": YN, "max_count": 3}, "$.max_count"),
        ({"kind": CNT, "scored": False}, "$.max_count"),
        ({"kind": P, "values": (0, 1), "reverse": True}, "$.reverse"),
        ({"kind": CNT, "max_count": 5}, "$.scored"),
    ],
)
def test_item_rules(kwargs: dict[str, Any], path: str) -> None:
    """Items reject value sets, counts and reverse flags that do not fit their kind."""
    with pytest.raises(InvalidDataError) as info:
        Item(number=1, id="x", **kwargs)
    assert info.value.paths == (path,)


def test_band_and_scheme_rules() -> None:
    """Bands need max >= min; schemes start at 0, are contiguous and have unique labels."""
    with pytest.raises(InvalidDataError):
        Band(label="a", min_total=3, max_total=2)
    a, b = Band(label="a", min_total=0, max_total=2), Band(label="b", min_total=3, max_total=5)
    assert BandScheme(id="s", name="S", bands=(a, b), source=SRC).band_for(2.5) == "a"
    with pytest.raises(InvalidDataError) as info:
        BandScheme(id="s", name="S", bands=(b,), source=SRC)
    assert info.value.paths == ("$.bands[0].min_total",)
    with pytest.raises(InvalidDataError) as info:
        BandScheme(id="s", name="S", bands=(a, attrs.evolve(b, min_total=4)), source=SRC)
    assert info.value.paths == ("$.bands[1].min_total",)
    with pytest.raises(InvalidDataError):
        BandScheme(id="s", name="S", bands=(a, attrs.evolve(b, label="a")), source=SRC)


def _instrument(**kw: Any) -> Instrument:
    base: dict[str, Any] = {
        "id": "mine",
        "name": "Mine",
        "full_name": "My instrument",
        "items": (Item(number=1, id="a", kind=P, values=(0, 1, 2)), Item(number=2, id="b", kind=YN)),
        "licence": "ours",
        "source": SRC,
    }
    base.update(kw)
    return Instrument(**base)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"items": (Item(number=2, id="a", kind=YN),)}, "$.items[0].number"),
        ({"flag_rules": (FlagRule(flag="f", items=(3,), min_value=1, source=SRC),)}, "$.flag_rules[0].items[0]"),
        ({"skip_rules": (SkipRule(when_items=(1,), skipped=(5,), source=SRC),)}, "$.skip_rules[0].skipped[0]"),
        (
            {
                "cluster_rules": (
                    ClusterRule(
                        flag="f", endorse_at=1, clusters=(Cluster(id="c", items=(9,), min_endorsed=1),), source=SRC
                    ),
                )
            },
            "$.cluster_rules[0].clusters[0].items[0]",
        ),
        (
            {
                "schemes": (
                    BandScheme(id="s", name="S", bands=(Band(label="a", min_total=0, max_total=9),), source=SRC),
                )
            },
            "$.schemes[0]",
        ),
        ({"cutoffs": (Cutoff(threshold=1, source=SRC), Cutoff(threshold=2, sex=Sex.MALE, source=SRC))}, "$.cutoffs"),
        ({"cutoffs": (Cutoff(threshold=4, source=SRC),)}, "$.cutoffs[0].threshold"),
    ],
)
def test_instrument_rules(kwargs: dict[str, Any], path: str) -> None:
    """Instruments reject misnumbered items, rules about missing items, short schemes and odd cut-offs."""
    with pytest.raises(InvalidDataError) as info:
        _instrument(**kwargs)
    assert path in info.value.paths


def test_cluster_ids_are_unique() -> None:
    """Two clusters of one rule cannot share an id."""
    c = Cluster(id="c", items=(1,), min_endorsed=1)
    with pytest.raises(InvalidDataError):
        ClusterRule(flag="f", endorse_at=1, clusters=(c, c), source=SRC)


def test_a_programs_own_instrument_scores() -> None:
    """An unscored item adds nothing; an instrument with neither bands nor cut-off has no band and no 'positive'."""
    mine = _instrument(
        items=(Item(number=1, id="a", kind=P, values=(0, 1, 2)), Item(number=2, id="b", kind=YN, scored=False))
    )
    r = score(mine, [2, True])
    assert (r.total, r.band, r.positive, r.item_scores) == (2, None, None, (2, None))
    assert mine.item(2).max_points == 0 and mine.max_total == 2
    with pytest.raises(InvalidDataError):
        score(mine, [2, True], scheme="none")


def test_scheme_lookup_by_id() -> None:
    """Instrument.scheme finds a scheme by id and raises UnknownCodeError otherwise."""
    ciwa = instrument("ciwa_ar")
    assert ciwa.scheme("asam_2020").id == "asam_2020"
    with pytest.raises(UnknownCodeError):
        ciwa.scheme("va_paws")


@pytest.mark.parametrize(
    "make",
    [
        lambda: ist.instrument_items(number=0),
        lambda: ist.band_schemes(max_total=-1),
        lambda: ist.cutoffs(max_threshold=-1),
        lambda: ist.flag_rules(item_count=0),
        lambda: ist.clusters(item_count=0),
        lambda: ist.cluster_rules(item_count=0),
        lambda: ist.skip_rules(item_count=0),
        lambda: ist.exclusions(item_count=0),
        lambda: ist.instruments(max_items=0),
        lambda: ist.instrument_scores(instrument_ids=()),
        lambda: ist.instrument_scores(instrument_ids=("phq10",)),
        lambda: ist.dimension_rating_sets(edition="asam3"),  # type: ignore[arg-type]
        lambda: ist.intake_assessments(max_scores=-1),
        lambda: ist.substance_uses(max_last_use="2020-01-01"),  # type: ignore[arg-type]
    ],
)
def test_assessment_strategies_reject_impossible_arguments(make: Any) -> None:
    """Bad strategy arguments raise InvalidArgument at once."""
    with pytest.raises(InvalidArgument):
        make().validate()


def test_skipped_unscored_item_counts_nothing() -> None:
    """A skip rule may skip an unscored item: it is recorded as None and adds nothing."""
    mine = _instrument(
        items=(Item(number=1, id="a", kind=P, values=(0, 1)), Item(number=2, id="b", kind=YN, scored=False)),
        skip_rules=(SkipRule(when_items=(1,), skipped=(2,), source=SRC),),
    )
    assert score(mine, [0, None]).item_scores == (0, None)


# ----------------------------------------------------------------------------- the guarded boundary


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda: instrument("phq9").item(10**30), "$.number"),
        (lambda: instrument("phq9").item(0), "$.number"),
        (lambda: instrument("phq9").item(-1), "$.number"),
        (lambda: instrument("phq9").item(True), "$.number"),
        (lambda: instrument("ciwa_ar").scheme("va_paws"), "$.scheme_id"),
        (lambda: instrument(["phq9"]), "$.instrument_id"),
        (lambda: instrument("phq10"), "$.instrument_id"),
        (lambda: instrument("phq9").default_scheme.band_for(28), "$.total"),  # type: ignore[union-attr]
        (lambda: instrument("phq9").default_scheme.band_for(-1), "$.total"),  # type: ignore[union-attr]
        (lambda: instrument("phq9").default_scheme.band_for(None), "$.total"),  # type: ignore[union-attr]
    ],
)
def test_bad_arguments_name_their_parameter(call: Any, path: str) -> None:
    """instrument("phq9").item(10**30) and its kin are iopcore errors naming the parameter, never IndexError."""
    with pytest.raises(InvalidDataError) as info:
        call()
    assert info.value.paths == (path,)


def test_integer_fields_take_numpy_integers_and_refuse_bools_and_enum_members() -> None:
    """Point values, item numbers and score fields are integers by the one rule: numpy counts, bool and IntEnum do not."""
    np = pytest.importorskip("numpy")
    item = Item(number=np.int64(1), id="a", kind=P, values=[np.int8(0), np.int16(2)])
    assert item.values == (0, 2) and all(type(v) is int for v in item.values)
    rule = FlagRule(flag="f", items=[np.int64(1)], min_value=np.int64(1), source=SRC)
    assert rule.items == (1,) and type(rule.items[0]) is int
    made = InstrumentScore(
        instrument="x", total=np.int64(3), item_scores=[np.int64(3), None], subscores={"c": np.int8(3)}
    )
    assert (type(made.total), type(made.item_scores[0]), type(made.subscores["c"])) == (int, int, int)
    prorated = InstrumentScore(instrument="x", total=np.float64(3.5), prorated=True)
    assert type(prorated.total) is float
    with pytest.raises(InvalidDataError) as info:
        Item(number=1, id="a", kind=P, values=(0, True))
    assert info.value.paths == ("$.values[1]",)
    with pytest.raises(InvalidDataError) as info:
        FlagRule(flag="f", items=(Sex.MALE, 2), min_value=1, source=SRC)
    assert info.value.paths == ("$.items[0]",)
    for bad in ({"item_scores": (True,)}, {"subscores": {"c": True}}, {"total": 10**400}):
        with pytest.raises(InvalidDataError):
            InstrumentScore(instrument="x", **({"total": 1} | bad))


def test_duplicate_item_and_cluster_ids_are_refused() -> None:
    """Item ids are unique within an instrument; cluster ids across its rules (subscores are keyed by them)."""
    with pytest.raises(InvalidDataError) as info:
        _instrument(items=(Item(number=1, id="a", kind=YN), Item(number=2, id="a", kind=YN)))
    assert info.value.paths == ("$.items[1].id",)
    rule = ClusterRule(flag="f", endorse_at=1, clusters=(Cluster(id="c", items=(1,), min_endorsed=1),), source=SRC)
    with pytest.raises(InvalidDataError) as info:
        _instrument(cluster_rules=(rule, attrs.evolve(rule, flag="g")))
    assert info.value.paths == ("$.cluster_rules[1].clusters[0].id",)


def test_exclusions_name_a_context_that_scoring_knows() -> None:
    """An exclusion for a context score() has no keyword for would never apply: it is refused, not echoed."""
    with pytest.raises(InvalidDataError) as info:
        Exclusion(context="pregnant_secretly", items=(1,), source=SRC)
    assert info.value.paths == ("$.context",) and "pregnant_secretly" not in str(info.value)


@pytest.mark.parametrize(
    "strategy",
    [
        ist.instrument_items(),
        ist.bands(),
        ist.band_schemes(),
        ist.cutoffs(),
        ist.flag_rules(),
        ist.clusters(),
        ist.cluster_rules(),
        ist.skip_rules(),
        ist.exclusions(),
        ist.prorations(),
        ist.instruments(),
        ist.instrument_scores(),
    ],
    ids=[
        "Item",
        "Band",
        "BandScheme",
        "Cutoff",
        "FlagRule",
        "Cluster",
        "ClusterRule",
        "SkipRule",
        "Exclusion",
        "Proration",
        "Instrument",
        "InstrumentScore",
    ],
)
@given(data=st.data())
def test_values_pickle_to_equal_values_and_hash(strategy: st.SearchStrategy[Any], data: st.DataObject) -> None:
    """Every instrument value and every score (PCL-5 subscores included) pickles to an equal value with the same hash."""
    value = data.draw(strategy)
    copy = pickle.loads(pickle.dumps(value))
    assert copy == value and hash(copy) == hash(value)


def test_the_instrument_catalog_pickles_and_hashes() -> None:
    """INSTRUMENTS is a read-only mapping that pickles (multiprocessing, caches) and hashes."""
    for catalog in (INSTRUMENTS, FREQUENCY_ANSWER_CODES):
        assert pickle.loads(pickle.dumps(catalog)) == catalog
        assert hash(catalog) == hash(pickle.loads(pickle.dumps(catalog)))
        with pytest.raises(TypeError):
            catalog["x"] = 1  # type: ignore[index]
    pcl5 = score("pcl5", [2] * 20)
    assert pcl5.subscores and pickle.loads(pickle.dumps(pcl5)) == pcl5
