"""Levels of care: catalog values match the research notes (shared/domain/facts.md); the continuum."""

from __future__ import annotations

import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore import strategies as ist
from iopcore.errors import InvalidArgumentError, InvalidDataError, UnknownCodeError
from iopcore.levels import (
    ASAM3,
    ASAM4,
    ASAM_EDITION_MAP,
    CATALOGS,
    DEFAULT_DAYS_PER_WEEK,
    GENERIC_IOP,
    MEDICARE,
    DaysBand,
    Framework,
    HoursBand,
    LevelCatalog,
    LevelCategory,
    LevelOfCare,
    Management,
    Population,
    Setting,
    Transition,
    TransitionKind,
    asam3_to_asam4,
    asam4_to_asam3,
)
from iopcore.sources import Evidence

A, Y = Population.ADULT, Population.ADOLESCENT


def band(catalog: LevelCatalog, code: str, population: Population) -> tuple[float, float | None] | None:
    b = catalog.level(code).hours_band(population)
    return None if b is None else (b.min_hours, b.max_hours)


class TestCatalogContents:
    def test_asam3_codes(self) -> None:
        """ASAM3 holds 0.5, 1, 2.1, 2.5, 3.1, 3.3, 3.5, 3.7, 4, the WM track and OTP."""
        assert set(ASAM3.codes) == {
            "0.5", "1", "2.1", "2.5", "3.1", "3.3", "3.5", "3.7", "4",
            "1-WM", "2-WM", "3.2-WM", "3.7-WM", "4-WM", "OTP",
        }  # fmt: skip

    def test_asam4_codes(self) -> None:
        """ASAM4 holds 1.0, 1.5, 1.7, 2.1, 2.5, 2.7, 3.1, 3.5, 3.7, 4."""
        assert ASAM4.codes == ("1.0", "1.5", "1.7", "2.1", "2.5", "2.7", "3.1", "3.5", "3.7", "4")

    @pytest.mark.parametrize(
        ("code", "population", "expected"),
        [
            ("1", A, (0, 9)),  # facts §1: adults < 9 h/wk
            ("1", Y, (0, 6)),  # adolescents < 6 h/wk
            ("2.1", A, (9, 20)),  # ≥ 9, and 9–19 (DC) → [9, 20)
            ("2.1", Y, (6, 20)),  # ≥ 6, and 6–19 youth (DC) → [6, 20)
            ("2.5", A, (20, None)),  # ≥ 20
            ("2.5", Y, (20, None)),  # ≥ 20 (adolescent value unverified)
            ("3.1", A, (5, None)),  # ≥ 5 h/wk clinical services in 24-h structure
            ("0.5", A, None),
            ("3.5", A, None),
            ("OTP", A, None),
        ],
    )
    def test_asam3_bands(self, code: str, population: Population, expected: object) -> None:
        """ASAM3 hours bands are the sources' values, half-open."""
        assert band(ASAM3, code, population) == expected

    def test_asam3_unverified_adolescent_php_is_flagged(self) -> None:
        """The adolescent 2.5 band is present but marked unverified (facts: 'assumed ≥ 20')."""
        b = ASAM3.level("2.5").hours_band(Y)
        assert b is not None and b.source is not None
        assert b.source.evidence is Evidence.UNVERIFIED

    def test_asam3_management(self) -> None:
        """3.1/3.3/3.5 clinically managed; 3.7 medically monitored; 4 medically managed."""
        for code in ("3.1", "3.3", "3.5", "3.2-WM"):
            assert ASAM3.level(code).management is Management.CLINICALLY_MANAGED
        assert ASAM3.level("3.7").management is Management.MEDICALLY_MONITORED
        assert ASAM3.level("4").management is Management.MEDICALLY_MANAGED
        assert all(ASAM3.level(c).withdrawal_management for c in ("1-WM", "2-WM", "3.2-WM", "3.7-WM", "4-WM"))
        assert not ASAM3.level("2.1").withdrawal_management

    def test_asam4_entries_are_secondary_or_weaker(self) -> None:
        """Every ASAM4 entry comes from secondary sources (facts §2) and says so."""
        for lv in ASAM4.levels:
            assert lv.source.evidence in (Evidence.SECONDARY, Evidence.UNVERIFIED)

    def test_asam4_bands_and_management(self) -> None:
        """2.1 is 9–19, 2.5 ≥ 20; x.1/x.5 clinically managed; x.7 and 4 medically managed and WM-capable."""
        assert band(ASAM4, "2.1", A) == (9, 20)
        assert band(ASAM4, "2.5", A) == (20, None)
        assert band(ASAM4, "2.1", Y) is None  # no adolescent figures in the sources
        for code in ("1.5", "2.1", "2.5", "3.1", "3.5"):
            assert ASAM4.level(code).management is Management.CLINICALLY_MANAGED
        for code in ("1.7", "2.7", "3.7", "4"):
            lv = ASAM4.level(code)
            assert lv.management is Management.MEDICALLY_MANAGED
            assert lv.withdrawal_management
        assert "Partial Hospitalization" in ASAM4.level("2.5").notes

    def test_asam4_inferred_and_quiz_bands_are_unverified(self) -> None:
        """1.5 (inferred) and 3.1/3.5/3.7 (quiz source) bands are marked unverified."""
        for code in ("1.5", "3.1", "3.5", "3.7"):
            b = ASAM4.level(code).hours_band(A)
            assert b is not None and b.source is not None
            assert b.source.evidence is Evidence.UNVERIFIED

    def test_medicare(self) -> None:
        """Medicare IOP is 9–19 h/week, PHP 20+ (facts §3)."""
        assert band(MEDICARE, "IOP", A) == (9, 20)
        assert band(MEDICARE, "PHP", A) == (20, None)
        assert band(MEDICARE, "IOP", Y) == (9, 20)  # not age-specific
        assert MEDICARE.is_usual_route("IOP", "PHP")
        assert MEDICARE.is_usual_route("PHP", "IOP")

    def test_generic_iop(self) -> None:
        """The article's IOP: 6–30 h/week ([6, 31)) on 3–5 days, no fixed length."""
        iop = GENERIC_IOP.level("IOP")
        assert band(GENERIC_IOP, "IOP", A) == (6, 31)
        assert iop.days_per_week == DEFAULT_DAYS_PER_WEEK
        assert (DEFAULT_DAYS_PER_WEEK.min_days, DEFAULT_DAYS_PER_WEEK.max_days) == (3, 5)
        assert "No fixed length" in iop.notes

    @pytest.mark.parametrize("catalog", CATALOGS, ids=lambda c: c.name)
    def test_every_entry_has_a_source(self, catalog: LevelCatalog) -> None:
        """Every level, band and transition carries a citation."""
        assert catalog.source.citation
        for lv in catalog.levels:
            assert lv.source.citation
        for t in catalog.transitions:
            assert t.source.citation

    def test_edition_map_names_existing_levels(self) -> None:
        """Every mapping names a level of each edition; 3.3, 3.2-WM, OTP and 0.5 have none."""
        for m in ASAM_EDITION_MAP:
            assert m.asam3 in ASAM3
            assert m.asam4 in ASAM4
        for code in ("0.5", "3.3", "3.2-WM", "OTP"):
            assert asam3_to_asam4(code) == ()
        assert asam4_to_asam3("1.0") == ()
        assert [lv.code for lv in asam3_to_asam4("1")] == ["1.5"]
        with pytest.raises(UnknownCodeError):
            asam3_to_asam4("1.5")


class TestClassify:
    @pytest.mark.parametrize(
        ("hours", "population", "code"),
        [(0, A, "1"), (8, A, "1"), (8.99, A, "1"), (9, A, "2.1"), (19.5, A, "2.1"), (20, A, "2.5"), (60, A, "2.5"),
         (5.99, Y, "1"), (6, Y, "2.1"), (19.99, Y, "2.1"), (20, Y, "2.5")],
    )  # fmt: skip
    def test_asam3_examples(self, hours: float, population: Population, code: str) -> None:
        """The issue's examples: 8 → 1, 9 → 2.1, 19.5 → 2.1, 20 → 2.5; adolescent 6 → 2.1."""
        level = ASAM3.classify(hours, population)
        assert level is not None
        assert level.code == code

    def test_none_where_no_band_holds(self) -> None:
        """No level: below Medicare IOP, ASAM4 adolescents, above the generic band."""
        assert MEDICARE.classify(8.5, A) is None
        assert ASAM4.classify(12, Y) is None
        assert GENERIC_IOP.classify(31, A) is None

    def test_medically_managed_and_wm_levels_are_never_classified(self) -> None:
        """classify never returns a medically managed, WM or OTP level, whatever the bands."""
        shadow = attrs.evolve(
            ASAM4.level("2.7"), hours_per_week={A: HoursBand(min_hours=9, max_hours=20)}, intensity=2.0
        )
        catalog = attrs.evolve(ASAM4, levels=tuple(shadow if lv.code == "2.7" else lv for lv in ASAM4.levels))
        assert catalog.classify(10, A).code == "2.1"

    @given(st.floats(min_value=0, max_value=200, allow_nan=False), st.sampled_from(Population))
    def test_result_band_holds_the_hours(self, hours: float, population: Population) -> None:
        """Whatever classify returns has a band for the population that contains the hours."""
        for catalog in CATALOGS:
            level = catalog.classify(hours, population)
            if level is not None:
                b = level.hours_band(population)
                assert b is not None and b.contains(hours)
                assert level.setting is Setting.OUTPATIENT
                assert not level.is_medically_managed

    @given(
        st.floats(min_value=0, max_value=200, allow_nan=False), st.floats(min_value=0, max_value=200, allow_nan=False)
    )
    def test_monotone_in_hours(self, h1: float, h2: float) -> None:
        """More hours never classify to a less intensive ASAM3 level."""
        lo, hi = sorted((h1, h2))
        assert ASAM3.classify(lo, A).intensity <= ASAM3.classify(hi, A).intensity  # type: ignore[union-attr]

    @pytest.mark.parametrize("bad", [-1, float("nan"), "9", None, True])
    def test_bad_hours_are_rejected(self, bad: object) -> None:
        """Negative, NaN and non-numeric hours raise InvalidDataError."""
        with pytest.raises(InvalidDataError):
            ASAM3.classify(bad, A)  # type: ignore[arg-type]

    def test_bad_population_is_rejected(self) -> None:
        """The population must be a Population."""
        with pytest.raises(InvalidDataError):
            ASAM3.classify(10, "adult")  # type: ignore[arg-type]


class TestContinuum:
    def test_lookup_and_unknown_codes(self) -> None:
        """level(code) finds a level; an unknown code raises UnknownCodeError listing the known ones."""
        assert ASAM3.level("2.1").name == "Intensive Outpatient Services"
        with pytest.raises(UnknownCodeError) as info:
            ASAM3.level("9.9")
        assert isinstance(info.value, KeyError)
        assert isinstance(info.value, ValueError)
        assert "2.1" in info.value.known
        assert "9.9" not in str(info.value)
        assert "2.1" in ASAM3
        assert ASAM3.level("2.1") in ASAM3
        assert 2.1 not in ASAM3
        assert len(ASAM3) == len(list(ASAM3)) == 15

    def test_ordering_by_intensity(self) -> None:
        """by_intensity orders the main ASAM3 levels 0.5 < 1 < 2.1 < … < 4."""
        main = [lv.code for lv in ASAM3.by_intensity() if lv.category is not LevelCategory.WITHDRAWAL_MANAGEMENT]
        assert main == ["0.5", "1", "OTP", "2.1", "2.5", "3.1", "3.3", "3.5", "3.7", "4"]

    def test_step_direction(self) -> None:
        """Step-down and step-up follow the intensity order; only the same level is lateral."""
        assert ASAM3.is_step_down("3.5", "2.1")
        assert ASAM3.is_step_up("1", "2.1")
        assert not ASAM3.is_step_up("2.1", "2.1")
        assert ASAM3.kind("2.1", "2.1") is TransitionKind.LATERAL
        assert ASAM3.kind("1", "OTP") is TransitionKind.STEP_UP  # same number: the order's choice
        assert ASAM3.kind(ASAM3.level("4"), ASAM3.level("3.7")) is TransitionKind.STEP_DOWN

    @pytest.mark.parametrize(
        ("a", "b"),
        [("3.7-WM", "3.5"), ("1-WM", "2.1"), ("2-WM", "1"), ("3.2-WM", "2.5"), ("3.5", "2.5"), ("3.1", "2.1"),
         ("2.5", "2.1"), ("2.1", "2.5"), ("2.1", "1"), ("1", "2.1"), ("4", "3.5"), ("4", "2.1")],
    )  # fmt: skip
    def test_usual_transitions_are_listed(self, a: str, b: str) -> None:
        """WM → residential/PHP/IOP/OP; residential → PHP/IOP; PHP ↔ IOP; IOP ↔ OP; inpatient → lower."""
        assert ASAM3.is_usual_route(a, b)

    @pytest.mark.parametrize(("a", "b"), [("1", "3.5"), ("2.1", "4"), ("0.5", "2.1"), ("OTP", "2.1"), ("1", "2.5")])
    def test_unusual_transitions_are_not_listed(self, a: str, b: str) -> None:
        """Moves that are not usual (e.g. outpatient straight to residential) are not in the data."""
        assert not ASAM3.is_usual_route(a, b)
        assert ASAM3.transition(a, b) is None

    def test_options(self) -> None:
        """From IOP every less intensive level is a step-down option and every more intensive one a step up;
        the usual routes suggest 1 and 2.5."""
        assert [lv.code for lv in ASAM3.step_down_options("2.1")] == ["0.5", "1", "OTP", "1-WM"]
        assert [lv.code for lv in ASAM3.step_up_options("2.1")] == [
            "2.5", "2-WM", "3.1", "3.2-WM", "3.3", "3.5", "3.7", "3.7-WM", "4", "4-WM",
        ]  # fmt: skip
        assert [lv.code for lv in ASAM3.suggested_next("2.1")] == ["1", "2.5"]
        assert ASAM3.transition("2.1", "1") is not None

    def test_asam4_wm_capable_levels_step_down(self) -> None:
        """In the 4th edition WM-capable levels step down like the WM track."""
        assert ASAM4.is_usual_route("4", "2.1")
        assert ASAM4.is_usual_route("3.7", "1.5")
        assert ASAM4.is_usual_route("1.7", "2.1")

    def test_resolving_foreign_levels_and_bad_refs(self) -> None:
        """Levels of another catalog and non-codes are rejected."""
        with pytest.raises(UnknownCodeError):
            ASAM3.is_step_down(ASAM4.level("2.7"), "2.1")
        with pytest.raises(UnknownCodeError):
            ASAM3.is_usual_route("2.1", "2.7")
        with pytest.raises(InvalidDataError):
            ASAM3.kind(2.1, "1")  # type: ignore[arg-type]

    @given(ist.level_catalogs(include_builtin=False))
    def test_generated_catalogs_are_consistent(self, catalog: LevelCatalog) -> None:
        """Every transition of a catalog resolves and has a direction."""
        for t in catalog.transitions:
            assert catalog.kind(t.from_code, t.to_code) in TransitionKind
            assert catalog.is_usual_route(t.from_code, t.to_code)
            assert catalog.level(t.to_code) in catalog.suggested_next(t.from_code)


class TestValidation:
    def test_hours_band_bounds(self) -> None:
        """max_hours must exceed min_hours; both non-negative numbers."""
        with pytest.raises(InvalidDataError) as info:
            HoursBand(min_hours=9, max_hours=9)
        assert info.value.paths == ("$.max_hours",)
        with pytest.raises(InvalidDataError):
            HoursBand(min_hours=-1)
        with pytest.raises(InvalidDataError):
            HoursBand(min_hours="9")  # type: ignore[arg-type]
        assert 9 in HoursBand(min_hours=9) and "9" not in HoursBand(min_hours=9)
        assert str(HoursBand(min_hours=9.5, max_hours=20)) == "[9.5, 20) h/week"

    def test_hours_band_minutes(self) -> None:
        """Minute views of a band: the minimum rounded up, the largest whole minute below the max."""
        b = HoursBand(min_hours=9, max_hours=20)
        assert b.min_minutes.value == 540
        assert b.max_minutes is not None and b.max_minutes.value == 1199
        assert HoursBand(min_hours=0.01, max_hours=19.999).min_minutes.value == 1
        assert HoursBand(min_hours=0, max_hours=19.999).max_minutes.value == 1199  # type: ignore[union-attr]
        assert HoursBand(min_hours=0).max_minutes is None

    def test_days_band(self) -> None:
        """Days bands are closed, within 1–7, min <= max."""
        d = DaysBand(min_days=3, max_days=5)
        assert 3 in d and 5 in d and 6 not in d and True not in d
        assert str(d) == "3–5 days/week"
        with pytest.raises(InvalidDataError):
            DaysBand(min_days=5, max_days=3)
        with pytest.raises(InvalidDataError):
            DaysBand(min_days=0, max_days=3)

    def test_catalog_checks_itself(self) -> None:
        """Duplicate codes, foreign frameworks and dangling transitions are all reported with paths."""
        lv = ASAM3.level("2.1")
        foreign = ASAM4.level("2.5")
        dangling = Transition(from_code="2.1", to_code="nowhere", source=lv.source)
        with pytest.raises(InvalidDataError) as info:
            LevelCatalog(
                name="x", framework=Framework.ASAM3, levels=(lv, foreign), transitions=(dangling,), source=lv.source
            )
        assert set(info.value.paths) == {"$.levels[1].framework", "$.transitions[0].to_code"}
        with pytest.raises(InvalidDataError) as info:
            LevelCatalog(name="x", framework=Framework.ASAM3, levels=(lv, lv), source=lv.source)
        assert info.value.paths == ("$.levels[1]",)

    def test_transition_needs_two_levels(self) -> None:
        """A transition from a level to itself is refused."""
        with pytest.raises(InvalidDataError):
            Transition(from_code="2.1", to_code="2.1", source=ASAM3.source)

    def test_level_rejects_bad_mapping(self) -> None:
        """hours_per_week must map Population to HoursBand."""
        with pytest.raises(InvalidDataError) as info:
            attrs.evolve(ASAM3.level("2.1"), hours_per_week={"adult": HoursBand(min_hours=1)})
        assert info.value.paths == ("$.hours_per_week.adult",)
        with pytest.raises(InvalidDataError):
            attrs.evolve(ASAM3.level("2.1"), hours_per_week={A: 9})
        with pytest.raises(InvalidDataError):
            attrs.evolve(ASAM3.level("2.1"), hours_per_week=[(A, 9)])

    def test_level_str_and_hash(self) -> None:
        """Levels print with framework and code and are hashable."""
        assert str(ASAM3.level("2.1")) == "ASAM3 2.1 Intensive Outpatient Services"
        assert len({lv for c in CATALOGS for lv in c.levels}) == sum(len(c) for c in CATALOGS)
        assert isinstance(ASAM3.level("2.1"), LevelOfCare)


def test_catalog_repr_is_compact_and_html_lists_levels() -> None:
    """A catalog's repr names its levels without dumping them; _repr_html_ is a table of levels."""
    text = repr(ASAM3)
    assert text.startswith("LevelCatalog(name='ASAM3'")
    assert "2.1" in text
    assert len(text) < 300
    page = ASAM3._repr_html_()
    assert page.count("<tr>") == len(ASAM3) + 1
    assert "Intensive Outpatient Services" in page


def test_infinite_hours_are_rejected() -> None:
    """Infinity is not a number of hours."""
    with pytest.raises(InvalidDataError):
        ASAM3.classify(float("inf"), A)


class TestBoundary:
    """Careless callers get iopcore errors naming the argument; numbers follow the one rule of _fields."""

    @pytest.mark.parametrize(
        ("call", "path"),
        [
            (lambda: ASAM3.classify(10**400, A), "$.hours_per_week"),
            (lambda: ASAM3.classify(-0.5, A), "$.hours_per_week"),
            (lambda: ASAM3.classify(10, "adult"), "$.population"),
            (lambda: ASAM3.level(2.1), "$.code"),
            (lambda: ASAM3.level("9.9"), "$.code"),
            (lambda: ASAM3.kind("2.1", None), "$.to_level"),
            (lambda: ASAM3.is_usual_route("1", "9.9"), "$.to_level"),
            (lambda: ASAM3.suggested_next(ASAM4.level("2.7")), "$.from_level"),
            (lambda: ASAM3.level("2.1").hours_band("adult"), "$.population"),
            (lambda: HoursBand(min_hours=9).contains(True), "$.hours"),
            (lambda: DaysBand(min_days=3, max_days=5).contains(8), "$.days"),
            (lambda: DaysBand(min_days=3, max_days=5).contains(3.0), "$.days"),
            (lambda: asam3_to_asam4("9.9"), "$.code"),
            (lambda: asam4_to_asam3(None), "$.code"),
        ],
    )
    def test_bad_arguments_name_their_parameter(self, call: Any, path: str) -> None:
        """Wrong types, huge numbers and unknown codes are refused with the parameter's path."""
        with pytest.raises(InvalidDataError) as info:
            call()
        assert info.value.paths == (path,)

    def test_numpy_numbers_count_and_bools_do_not(self) -> None:
        """numpy scalars are numbers for bands and classification; bools and huge ints are not in a band."""
        np = pytest.importorskip("numpy")
        assert ASAM3.classify(np.float64(19.5), A) == ASAM3.level("2.1")
        assert np.int64(9) in HoursBand(min_hours=9) and np.int8(4) in DaysBand(min_days=3, max_days=5)
        assert True not in HoursBand(min_hours=0) and 10**400 not in HoursBand(min_hours=0)
        assert HoursBand(min_hours=np.float32(9), max_hours=np.int64(20)).max_hours == 20.0
        with pytest.raises(InvalidDataError) as info:
            HoursBand(min_hours=10**400)
        assert info.value.paths == ("$.min_hours",)
        with pytest.raises(InvalidDataError):
            HoursBand(min_hours=True)
        with pytest.raises(InvalidArgumentError):
            ASAM3.classify(np.bool_(True), A)

    @pytest.mark.parametrize(
        "strategy",
        [
            ist.hours_bands(),
            ist.days_bands(),
            ist.levels_of_care(),
            ist.transitions(),
            ist.level_catalogs(),
            ist.code_mappings(),
            st.sampled_from(CATALOGS),
        ],
        ids=["HoursBand", "DaysBand", "LevelOfCare", "Transition", "LevelCatalog", "CodeMapping", "built-in catalog"],
    )
    @given(data=st.data())
    def test_values_pickle_to_equal_values_and_hash(
        self, strategy: st.SearchStrategy[Any], data: st.DataObject
    ) -> None:
        """Every level value (the built-in catalogs too) survives a pickle round trip equal, with the same hash."""
        value = data.draw(strategy)
        copy = pickle.loads(pickle.dumps(value))
        assert copy == value and hash(copy) == hash(value)
