"""The continuum in both directions: intensity orders as data, steps up and down, move policies (issue 15, item 4)."""

from __future__ import annotations

import itertools
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore import strategies as ist
from iopcore.errors import InvalidDataError, UnknownCodeError
from iopcore.levels import (
    ANY_STEP,
    ASAM3,
    ASAM4,
    CATALOGS,
    GENERIC_IOP,
    MEDICARE,
    MOVE_POLICIES,
    USUAL_ROUTES_ONLY,
    IntensityOrder,
    LevelCatalog,
    MovePolicy,
    OrderChoice,
    TransitionKind,
)
from iopcore.serialization import from_dict, to_dict
from iopcore.sources import Evidence, Source

UP, DOWN, SAME = TransitionKind.STEP_UP, TransitionKind.STEP_DOWN, TransitionKind.LATERAL
HERE = Source(citation="test program's own policy", evidence=Evidence.ILLUSTRATIVE)


def codes(levels: Any) -> list[str]:
    return [lv.code for lv in levels]


# ----------------------------------------------------------------------------- the orders as data


def test_asam3_orders_every_level_with_wm_and_otp_placed_explicitly() -> None:
    """ASAM3 ranks its 15 levels by number; OTP, 1-WM and 2-WM, 3.7-WM, 4-WM sit where the order says."""
    assert codes(ASAM3.by_intensity()) == [
        "0.5", "1", "OTP", "1-WM", "2.1", "2.5", "2-WM", "3.1", "3.2-WM", "3.3", "3.5", "3.7", "3.7-WM", "4", "4-WM",
    ]  # fmt: skip
    assert ASAM3.rank("0.5") == 0 and ASAM3.rank("4-WM") == 14
    assert ASAM3.rank(ASAM3.level("2.1")) == 4


def test_other_catalogs_order_by_their_numbers_and_hours() -> None:
    """ASAM4 by its level numbers (WM-capable 1.7, 2.7, 3.7, 4 placed by them), Medicare IOP < PHP, one generic level."""
    assert codes(ASAM4.by_intensity()) == ["1.0", "1.5", "1.7", "2.1", "2.5", "2.7", "3.1", "3.5", "3.7", "4"]
    assert codes(MEDICARE.by_intensity()) == ["IOP", "PHP"]
    assert codes(GENERIC_IOP.by_intensity()) == ["IOP"]


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda c: c.name)
def test_every_builtin_order_is_explicit_and_cited(catalog: LevelCatalog) -> None:
    """Each built-in catalog carries an intensity order naming each level once, with a source."""
    order = catalog.intensity_order
    assert order is not None
    assert sorted(order.codes) == sorted(catalog.codes)
    assert order.source.citation


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda c: c.name)
def test_orders_follow_the_level_numbers_except_where_a_choice_says_so(catalog: LevelCatalog) -> None:
    """Of two levels with different numbers, the lower number ranks lower, unless one OrderChoice holds both."""
    order = catalog.intensity_order
    assert order is not None
    chosen = [set(c.codes) for c in order.choices]
    for a, b in itertools.permutations(catalog.levels, 2):
        if a.intensity < b.intensity and not any({a.code, b.code} <= group for group in chosen):
            assert catalog.rank(a) < catalog.rank(b), (a.code, b.code)


def test_the_orders_iopcore_chose_are_listed_as_illustrative() -> None:
    """Where no source ranks levels (shared numbers; 2-WM without a decimal), the order is a flagged choice."""
    order = ASAM3.intensity_order
    assert order is not None
    assert [c.codes for c in order.choices] == [
        ("1", "OTP", "1-WM"),
        ("2.1", "2.5", "2-WM"),
        ("3.7", "3.7-WM"),
        ("4", "4-WM"),
    ]
    for choice in order.choices:
        assert choice.source.evidence is Evidence.ILLUSTRATIVE
        assert "replace" in choice.source.note
    for catalog in (ASAM4, MEDICARE, GENERIC_IOP):
        assert catalog.intensity_order is not None and catalog.intensity_order.choices == ()


def test_a_program_reorders_a_choice() -> None:
    """A program that ranks 3.7-WM below 3.7 replaces the order; steps follow its order."""
    order = ASAM3.intensity_order
    assert order is not None
    swapped = tuple("3.7" if c == "3.7-WM" else "3.7-WM" if c == "3.7" else c for c in order.codes)
    mine = attrs.evolve(
        ASAM3,
        intensity_order=IntensityOrder(
            codes=swapped, source=HERE, choices=(OrderChoice(codes=("3.7-WM", "3.7"), source=HERE),)
        ),
    )
    assert mine.kind("3.7-WM", "3.7") is UP and ASAM3.kind("3.7-WM", "3.7") is DOWN


def test_a_catalog_without_an_order_ranks_by_number_then_catalog_order() -> None:
    """intensity_order=None ranks by LevelOfCare.intensity; levels sharing a number keep catalog order."""
    plain = attrs.evolve(ASAM3, intensity_order=None)
    ranked = codes(plain.by_intensity())
    assert ranked[:4] == ["0.5", "1", "OTP", "1-WM"]  # all number 1 after 0.5, in catalog order
    assert ranked.index("2-WM") < ranked.index("2.1")  # 2 < 2.1 by number
    assert plain.kind("3.7", "3.7-WM") is UP  # 3.7 is listed before 3.7-WM


# ----------------------------------------------------------------------------- steps up and down


@pytest.mark.parametrize("target", ["3.5", "3.7", "3.7-WM"])
def test_iop_steps_up_to_residential_and_inpatient_wm(target: str) -> None:
    """The issue's case: 2.1 → 3.5, 3.7 or 3.7-WM is a step up the default policy allows."""
    assert ASAM3.kind("2.1", target) is UP
    assert ANY_STEP.allows(ASAM3, "2.1", target)
    assert not USUAL_ROUTES_ONLY.allows(ASAM3, "2.1", target)  # the old behaviour, still selectable
    assert codes(ASAM3.suggested_next("2.1")) == ["1", "2.5"]  # the usual routes stay as suggestions


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("2.1", "2.1", SAME),  # same level
        ("2.1", "2.5", UP),  # adjacent numbers
        ("2.5", "2.1", DOWN),
        ("1", "4", UP),  # skipping levels
        ("4-WM", "0.5", DOWN),
        ("2.1", "3.7-WM", UP),  # non-WM → WM
        ("3.7-WM", "2.1", DOWN),  # WM → non-WM
        ("3.7", "3.7-WM", UP),  # the same number: the order's choice
        ("3.7-WM", "3.7", DOWN),
        ("1-WM", "2.1", UP),
        ("3.2-WM", "3.1", DOWN),  # placed by its decimal
        ("3.2-WM", "3.3", UP),
        ("2-WM", "2.5", DOWN),
        ("1", "OTP", UP),
    ],
)
def test_step_directions_at_the_boundaries(a: str, b: str, kind: TransitionKind) -> None:
    """Directions for the same level, neighbours, skipped levels and WM ↔ non-WM moves."""
    assert ASAM3.kind(a, b) is kind
    assert ASAM3.is_step_up(a, b) is (kind is UP)
    assert ASAM3.is_step_down(a, b) is (kind is DOWN)
    assert ANY_STEP.allows(ASAM3, a, b)


def test_staying_put_is_not_a_move_and_always_allowed() -> None:
    """The same level is lateral, allowed by every policy, and never among the targets."""
    frozen = MovePolicy(name="no moves", directions=frozenset(), source=HERE)
    for policy in (*MOVE_POLICIES, frozen):
        assert policy.allows(ASAM3, "2.1", "2.1")
        assert ASAM3.level("2.1") not in policy.targets(ASAM3, "2.1")
    assert frozen.moves(ASAM3) == frozenset()


def test_options_split_the_catalog_around_a_level() -> None:
    """step_down_options are the levels ranked below, step_up_options those above; the ends have none."""
    assert codes(ASAM3.step_down_options("0.5")) == []
    assert codes(ASAM3.step_up_options("4-WM")) == []
    assert codes(ASAM3.step_up_options("3.7")) == ["3.7-WM", "4", "4-WM"]
    assert codes(ASAM3.step_down_options("OTP")) == ["0.5", "1"]


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda: ASAM3.kind("2.1", "9.9"), "$.to_level"),
        (lambda: ASAM3.rank("2.7"), "$.level"),
        (lambda: ASAM3.rank(ASAM4.level("2.7")), "$.level"),
        (lambda: ASAM3.step_up_options("9.9"), "$.from_level"),
        (lambda: ANY_STEP.allows(ASAM3, "9.9", "2.1"), "$.from_level"),
        (lambda: ANY_STEP.allows(ASAM3, "2.1", ASAM4.level("2.1")), "$.to_level"),
        (lambda: ANY_STEP.targets(MEDICARE, "2.1"), "$.from_level"),
    ],
)
def test_unknown_codes_are_refused_naming_the_argument(call: Any, path: str) -> None:
    """Codes (or levels) the catalog lacks raise UnknownCodeError at the argument's path."""
    with pytest.raises(UnknownCodeError) as info:
        call()
    assert info.value.paths == (path,)


# ----------------------------------------------------------------------------- move policies


def test_usual_routes_only_keeps_the_old_moves() -> None:
    """USUAL_ROUTES_ONLY allows exactly the catalog's transitions (2.1 → 1 or 2.5 in ASAM3)."""
    assert codes(USUAL_ROUTES_ONLY.targets(ASAM3, "2.1")) == ["1", "2.5"]
    assert USUAL_ROUTES_ONLY.moves(ASAM3) == frozenset((t.from_code, t.to_code) for t in ASAM3.transitions)


def test_a_step_down_only_policy_refuses_every_step_up() -> None:
    """directions={STEP_DOWN}: 2.1 → 1 allowed, 2.1 → 2.5 refused."""
    down = MovePolicy(name="step-down program", directions=frozenset({DOWN}), source=HERE)
    assert down.allows(ASAM3, "2.1", "1") and not down.allows(ASAM3, "2.1", "2.5")
    assert codes(down.targets(ASAM3, "2.1")) == codes(ASAM3.step_down_options("2.1"))


@pytest.mark.parametrize(("limit", "allowed"), [(8, False), (9, True), (10, True)])
def test_max_step_at_below_and_above_the_span_of_a_move(limit: int, allowed: bool) -> None:
    """2.1 → 4 skips levels, 9 places in the order: refused with max_step 8, allowed with 9 and 10, both ways."""
    assert ASAM3.rank("4") - ASAM3.rank("2.1") == 9
    policy = MovePolicy(name=f"at most {limit}", max_step=limit, source=HERE)
    assert policy.allows(ASAM3, "2.1", "4") is allowed
    assert policy.allows(ASAM3, "4", "2.1") is allowed


def test_adjacent_steps_only() -> None:
    """max_step=1 allows only the next level up or down in the order: 2.1 → 2.5 or 1-WM, not 2.1 → 2-WM."""
    adjacent = MovePolicy(name="adjacent steps only", max_step=1, source=HERE)
    assert codes(adjacent.targets(ASAM3, "2.1")) == ["1-WM", "2.5"]
    assert not adjacent.allows(ASAM3, "2.1", "2-WM")
    assert codes(adjacent.targets(ASAM3, "0.5")) == ["1"]


def test_restricted_intersects_the_restrictions() -> None:
    """restricted() keeps what both allow: directions intersected, the smaller max_step, usual routes if either."""
    down = ANY_STEP.restricted(name="down", source=HERE, directions=frozenset({DOWN}), max_step=3)
    tighter = down.restricted(name="tighter", source=HERE, directions=frozenset({UP, DOWN}), max_step=5)
    assert (tighter.directions, tighter.max_step, tighter.usual_routes_only) == (frozenset({DOWN}), 3, False)
    assert USUAL_ROUTES_ONLY.restricted(name="x", source=HERE).usual_routes_only
    assert ANY_STEP.restricted(name="same", source=HERE).moves(ASAM3) == ANY_STEP.moves(ASAM3)


def test_policy_values_are_checked() -> None:
    """A lateral direction, a step of 0, a blank name and a non-set are refused with their paths."""
    cases = [
        ({"directions": frozenset({SAME})}, "$.directions"),
        ({"directions": frozenset({"step_up"})}, "$.directions"),
        ({"max_step": 0}, "$.max_step"),
        ({"name": " "}, "$.name"),
        ({"usual_routes_only": 1}, "$.usual_routes_only"),
    ]
    for change, path in cases:
        values: dict[str, Any] = {"name": "p", "source": HERE, **change}
        with pytest.raises(InvalidDataError) as info:
            MovePolicy(**values)
        assert info.value.paths == (path,)


# ----------------------------------------------------------------------------- order values


def test_orders_and_choices_are_checked() -> None:
    """Duplicate codes, choices naming codes the order lacks or in another order, and catalogs whose order
    misses or adds a level are refused at their paths."""
    with pytest.raises(InvalidDataError) as info:
        IntensityOrder(codes=("1", "1"), source=HERE)
    assert info.value.paths == ("$.codes[1]",)
    with pytest.raises(InvalidDataError) as info:
        OrderChoice(codes=("1",), source=HERE)
    assert info.value.paths == ("$.codes",)
    with pytest.raises(InvalidDataError) as info:
        IntensityOrder(codes=("1", "2"), source=HERE, choices=(OrderChoice(codes=("1", "9"), source=HERE),))
    assert info.value.paths == ("$.choices[0].codes[1]",)
    with pytest.raises(InvalidDataError) as info:
        IntensityOrder(codes=("1", "2"), source=HERE, choices=(OrderChoice(codes=("2", "1"), source=HERE),))
    assert info.value.paths == ("$.choices[0].codes",)
    with pytest.raises(InvalidDataError) as info:
        attrs.evolve(MEDICARE, intensity_order=IntensityOrder(codes=("IOP", "2.1"), source=HERE))
    assert set(info.value.paths) == {"$.intensity_order.codes[1]", "$.intensity_order.codes"}
    assert "PHP" in str(info.value)  # the missing level is named (codes are vocabulary)


def test_an_older_catalog_document_without_an_order_still_reads() -> None:
    """A LevelCatalog document written before intensity_order existed reads with the order by number."""
    data = to_dict(MEDICARE)
    del data["intensity_order"]
    old = from_dict(LevelCatalog, data)
    assert old.intensity_order is None
    assert codes(old.by_intensity()) == ["IOP", "PHP"]
    assert from_dict(LevelCatalog, to_dict(ASAM3)) == ASAM3


# ----------------------------------------------------------------------------- properties

catalogs = ist.level_catalogs()


@given(catalogs, st.data())
def test_every_pair_of_distinct_levels_is_a_step_up_or_a_step_down(catalog: LevelCatalog, data: st.DataObject) -> None:
    """Under the default policy every move between two distinct levels is allowed, and exactly one of up or down."""
    i = data.draw(st.integers(0, len(catalog) - 1))
    j = data.draw(st.integers(0, len(catalog) - 1))
    a, b = catalog.levels[i], catalog.levels[j]
    if i == j:
        assert catalog.kind(a, b) is SAME and ANY_STEP.allows(catalog, a, b)
        return
    assert catalog.kind(a, b) in (UP, DOWN)
    assert catalog.is_step_up(a, b) != catalog.is_step_down(a, b)
    assert catalog.is_step_up(a, b) == catalog.is_step_down(b, a)
    assert ANY_STEP.allows(catalog, a, b)


@given(catalogs)
def test_the_order_is_a_strict_ranking_of_all_levels(catalog: LevelCatalog) -> None:
    """by_intensity is a permutation of the levels; ranks are 0..n-1; options split the rest around a level."""
    order = catalog.by_intensity()
    assert sorted(codes(order)) == sorted(catalog.codes)
    assert [catalog.rank(lv) for lv in order] == list(range(len(catalog)))
    for lv in catalog.levels:
        below, above = catalog.step_down_options(lv), catalog.step_up_options(lv)
        assert (*below, lv, *above) == order
    assert len(ANY_STEP.moves(catalog)) == len(catalog) * (len(catalog) - 1)


@given(catalogs, ist.move_policies(), st.data())
def test_a_policy_only_removes_moves(catalog: LevelCatalog, policy: MovePolicy, data: st.DataObject) -> None:
    """A policy's moves are exactly the default moves that respect its directions, its largest step and the usual
    routes; a further restriction allows a subset again."""
    moves = policy.moves(catalog)
    assert moves <= ANY_STEP.moves(catalog)
    usual = {(t.from_code, t.to_code) for t in catalog.transitions}
    expected = {
        (a, b)
        for a in catalog.codes
        for b in catalog.codes
        if a != b
        and catalog.kind(a, b) in policy.directions
        and (policy.max_step is None or abs(catalog.rank(a) - catalog.rank(b)) <= policy.max_step)
        and (not policy.usual_routes_only or (a, b) in usual)
    }
    assert moves == expected  # an independent reading of the three restrictions, move by move
    for lv in catalog.levels:
        assert {(lv.code, t.code) for t in policy.targets(catalog, lv)} == {m for m in moves if m[0] == lv.code}
    tighter = policy.restricted(
        name="tighter",
        source=HERE,
        directions=data.draw(st.one_of(st.none(), st.sets(st.sampled_from((UP, DOWN))).map(frozenset))),
        max_step=data.draw(st.one_of(st.none(), st.integers(1, 5))),
        usual_routes_only=data.draw(st.booleans()),
    )
    assert tighter.moves(catalog) <= moves


# ----------------------------------------------------------------------------- dropping levels


def test_without_drops_levels_with_their_routes_and_places_in_the_order() -> None:
    """ASAM3 without the inpatient WM levels keeps the others in order; routes touching them go; a choice keeps
    what remains (4 / 4-WM falls below two codes and goes)."""
    smaller = ASAM3.without(("3.7-WM", "4-WM"))
    assert codes(smaller.by_intensity()) == [c for c in ASAM3.intensity_order.codes if c not in ("3.7-WM", "4-WM")]
    assert all({t.from_code, t.to_code}.isdisjoint({"3.7-WM", "4-WM"}) for t in smaller.transitions)
    assert len(smaller.transitions) == sum(
        1 for t in ASAM3.transitions if {t.from_code, t.to_code}.isdisjoint({"3.7-WM", "4-WM"})
    )
    assert [c.codes for c in smaller.intensity_order.choices] == [("1", "OTP", "1-WM"), ("2.1", "2.5", "2-WM")]
    assert ASAM3.without(()) == ASAM3
    assert attrs.evolve(ASAM3, intensity_order=None).without(("4",)).intensity_order is None


def test_without_refuses_unknown_codes_and_an_empty_catalog() -> None:
    """An unknown code is named by its index; removing every level is refused at ``$.codes``; a hand-made
    catalog whose order still names a removed level is told about without()."""
    with pytest.raises(UnknownCodeError) as info:
        ASAM3.without(("1", "9.9"))
    assert info.value.paths == ("$.codes[1]",)
    with pytest.raises(InvalidDataError) as info2:
        MEDICARE.without(("IOP", "PHP"))
    assert info2.value.paths == ("$.codes",)
    with pytest.raises(InvalidDataError) as info3:
        attrs.evolve(MEDICARE, levels=(MEDICARE.level("IOP"),), transitions=())
    assert "LevelCatalog.without" in str(info3.value)


@given(catalogs, st.data())
def test_without_keeps_the_relative_order_and_moves_of_the_rest(catalog: LevelCatalog, data: st.DataObject) -> None:
    """For any catalog and any proper subset removed: the remaining levels keep their relative order, their
    usual routes, and every policy's moves among them."""
    drop = data.draw(st.lists(st.sampled_from(catalog.codes), unique=True, max_size=len(catalog) - 1))
    smaller = catalog.without(drop)
    rest = [c for c in codes(catalog.by_intensity()) if c not in drop]
    assert codes(smaller.by_intensity()) == rest
    assert {(t.from_code, t.to_code) for t in smaller.transitions} == {
        (t.from_code, t.to_code) for t in catalog.transitions if t.from_code in rest and t.to_code in rest
    }
    policy = data.draw(ist.move_policies())
    if policy.max_step is None:  # a largest step counts places, which removing levels changes
        assert policy.moves(smaller) == {m for m in policy.moves(catalog) if m[0] in rest and m[1] in rest}
