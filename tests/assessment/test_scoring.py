"""Instrument scoring: worked examples from the sources, the known traps, and property tests."""

from __future__ import annotations

import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.assessment import (
    INSTRUMENTS,
    Band,
    BandScheme,
    Instrument,
    InstrumentScore,
    InvalidResponseError,
    Item,
    ResponseKind,
    Sex,
    instrument,
    score,
)
from iopcore.errors import InvalidArgumentError, InvalidDataError, UnknownCodeError
from iopcore.sources import Source

ALL_IDS = (
    "phq9",
    "phq2",
    "gad7",
    "audit",
    "audit_c",
    "dast10",
    "ciwa_ar",
    "cows",
    "cage",
    "cage_aid",
    "pcl5",
    "crafft",
    "dsm5_sud",
)
CONTEXT: dict[str, dict[str, Any]] = {"audit_c": {"sex": "male"}}


def answers_for(item: Item) -> st.SearchStrategy[Any]:
    if item.kind is ResponseKind.POINTS:
        return st.sampled_from(item.values)
    if item.kind is ResponseKind.YES_NO:
        return st.booleans()
    assert item.max_count is not None
    return st.integers(0, item.max_count)


def full_responses(inst: Instrument) -> st.SearchStrategy[list[Any]]:
    return st.tuples(*(answers_for(i) for i in inst.items)).map(list)


# ----------------------------------------------------------------------------- inventory


def test_all_thirteen_instruments_are_built_in() -> None:
    """The catalogue holds exactly the 13 instrument ids of the issue."""
    assert set(INSTRUMENTS) == set(ALL_IDS)


@pytest.mark.parametrize(
    ("iid", "count", "top"),
    [
        ("phq9", 9, 27),
        ("phq2", 2, 6),
        ("gad7", 7, 21),
        ("audit", 10, 40),
        ("audit_c", 3, 12),
        ("dast10", 10, 10),
        ("ciwa_ar", 10, 67),
        ("cows", 11, 48),
        ("cage", 4, 4),
        ("cage_aid", 4, 4),
        ("pcl5", 20, 80),
        ("crafft", 9, 6),
        ("dsm5_sud", 11, 11),
    ],
)
def test_item_counts_and_ranges_match_the_sources(iid: str, count: int, top: int) -> None:
    """Each instrument has its published number of items and maximum total."""
    inst = instrument(iid)
    assert (len(inst.items), inst.min_total, inst.max_total) == (count, 0, top)


def test_verified_loinc_codes_only() -> None:
    """PHQ-9 and GAD-7 carry their verified item LOINC codes; instruments without verified codes carry none."""
    assert [i.loinc for i in instrument("phq9").items][8] == "44260-8"
    assert instrument("phq9").loinc_total == "44261-6"
    assert next(i.loinc for i in instrument("gad7").items) == "69725-0"
    for iid in ("ciwa_ar", "cows", "cage", "cage_aid", "crafft", "pcl5"):
        inst = instrument(iid)
        assert inst.loinc_panel is None and inst.loinc_total is None
        assert all(i.loinc is None for i in inst.items)


def test_item_text_is_omitted_where_the_licence_restricts_it() -> None:
    """AUDIT (WHO, non-commercial) and DAST-10 (CAMH) ship no item text; PHQ-9 does."""
    assert all(i.text == "" for i in instrument("audit").items)
    assert all(i.text == "" for i in instrument("dast10").items)
    assert all(i.text for i in instrument("phq9").items)
    assert "omitted" in instrument("audit").licence


def test_unknown_instrument_is_an_unknown_code_error() -> None:
    """An unknown id raises UnknownCodeError listing the known ids."""
    with pytest.raises(UnknownCodeError) as info:
        score("phq10", [0])
    assert "phq9" in str(info.value)


# ----------------------------------------------------------------------------- PHQ-9


@pytest.mark.parametrize(
    ("responses", "total", "band"),
    [
        ([0] * 9, 0, "minimal"),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),
        ([1, 1, 1, 1, 1, 1, 1, 1, 1], 9, "mild"),
        ([2, 2, 2, 2, 2, 0, 0, 0, 0], 10, "moderate"),
        ([2, 2, 2, 2, 2, 2, 2, 0, 0], 14, "moderate"),
        ([3, 3, 3, 3, 3, 0, 0, 0, 0], 15, "moderately_severe"),
        ([3, 3, 3, 3, 3, 2, 2, 0, 0], 19, "moderately_severe"),
        ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),
        ([3] * 9, 27, "severe"),
    ],
)
def test_phq9_bands_at_every_boundary(responses: list[int], total: int, band: str) -> None:
    """PHQ-9 totals at 4/5, 9/10, 14/15, 19/20 fall in the published bands."""
    result = score("phq9", responses)
    assert (result.total, result.band, result.prorated) == (total, band, False)
    assert type(result.total) is int


def test_phq9_positive_at_ten() -> None:
    """The PHQ-9 screen is positive at 10 and negative at 9."""
    assert score("phq9", [2, 2, 2, 2, 2, 0, 0, 0, 0]).positive is True
    assert score("phq9", [1] * 9).positive is False


def test_phq9_item9_sets_suicidal_ideation_whatever_the_total() -> None:
    """Item 9 > 0 sets `suicidal_ideation` even when the total is minimal."""
    result = score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.band == "minimal"
    assert result.flags == frozenset({"suicidal_ideation"})
    assert score("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0]).flags == frozenset()


def test_phq9_one_missing_item_is_prorated_without_rounding() -> None:
    """One missing item: total = sum x 9/8 as a float, never rounded (10 x 9/8 = 11.25)."""
    result = score("phq9", [2, 2, 2, 2, 2, 0, 0, None, 0])
    assert result.prorated is True
    assert result.total == 11.25
    assert isinstance(result.total, float)
    assert result.band == "moderate"
    assert result.item_scores[7] is None


def test_phq9_two_missing_items_are_prorated() -> None:
    """Two missing items: total = sum x 9/7 (7 x 9/7 = 9.0, still a float)."""
    result = score("phq9", [1, 1, 1, 1, 1, 1, 1, None, None])
    assert result.prorated and result.total == 9.0 and isinstance(result.total, float)
    assert result.band == "mild"


def test_phq9_prorated_total_between_bands_takes_the_lower_band() -> None:
    """A prorated 9.0 < x < 10 stays mild and negative (9 x 9/8 = 10.125 is moderate)."""
    assert score("phq9", [1, 1, 1, 1, 1, 1, 1, 1, None]).total == 9.0
    r = score("phq9", [1, 1, 1, 1, 1, 1, 1, 2, None])
    assert (r.total, r.band, r.positive) == (10.125, "moderate", True)


def test_phq9_more_than_two_missing_is_rejected_naming_the_item() -> None:
    """Three missing items raise InvalidResponseError naming the third missing item."""
    with pytest.raises(InvalidResponseError) as info:
        score("phq9", [None, 1, None, 1, 1, 1, None, 1, 1])
    assert info.value.item == 7
    assert "item 7" in str(info.value)
    assert isinstance(info.value, InvalidDataError)


def test_phq9_missing_item9_is_prorated_and_not_flagged() -> None:
    """A missing item 9 cannot set the suicidality flag."""
    assert score("phq9", [1] * 8 + [None]).flags == frozenset()


# ----------------------------------------------------------------------------- PHQ-2, GAD-7


def test_phq2_cutoff_default_three_and_configurable() -> None:
    """PHQ-2 is positive at >= 3 by default; cutoff=2 (Arroll 2010) makes 2 positive."""
    assert score("phq2", [1, 1]).positive is False
    assert score("phq2", [2, 1]).positive is True
    assert score("phq2", [1, 1], cutoff=2).positive is True
    assert score("phq2", [1, 1], cutoff=2).band == "positive"


@pytest.mark.parametrize(
    ("total", "band"),
    [(4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"), (15, "severe"), (21, "severe")],
)
def test_gad7_bands(total: int, band: str) -> None:
    """GAD-7 bands 0-4, 5-9, 10-14, 15-21; positive at 10."""
    responses = [3] * (total // 3) + ([total % 3] if total % 3 else [])
    responses += [0] * (7 - len(responses))
    result = score("gad7", responses)
    assert (result.total, result.band, result.positive) == (total, band, total >= 10)


# ----------------------------------------------------------------------------- AUDIT, AUDIT-C


@pytest.mark.parametrize(
    ("total", "zone"),
    [
        (7, "low_risk"),
        (8, "hazardous"),
        (15, "hazardous"),
        (16, "harmful"),
        (19, "harmful"),
        (20, "possible_dependence"),
    ],
)
def test_audit_who_zones(total: int, zone: str) -> None:
    """AUDIT totals fall in WHO zones I 0-7, II 8-15, III 16-19, IV 20-40."""
    first = [4, 4, 4] if total >= 12 else [min(4, total), 0, 0]
    rest = total - sum(first)
    responses = first + [1 if i < rest else 0 for i in range(5)] + [0, 0]
    responses[3:8] = [min(1, max(0, rest - i)) for i in range(5)]
    left = total - sum(responses)
    responses[8] = 4 if left >= 4 else (2 if left >= 2 else 0)
    responses[7] += total - sum(responses)
    result = score("audit", responses)
    assert (result.total, result.band, result.positive) == (total, zone, None)


@pytest.mark.parametrize("value", [1, 3, 5])
@pytest.mark.parametrize("item", [9, 10])
def test_audit_items_9_and_10_accept_only_0_2_4(item: int, value: int) -> None:
    """AUDIT items 9 and 10 reject 1 and 3 (and 5), naming the item."""
    responses = [0] * 10
    responses[item - 1] = value
    with pytest.raises(InvalidResponseError) as info:
        score("audit", responses)
    assert info.value.item == item


def test_audit_escalate_is_a_flag_and_the_zone_follows_the_total() -> None:
    """A 4 on item 9, or 2 on item 4, 5 or 6, sets `escalate`; the zone stays the total's."""
    r = score("audit", [1, 0, 0, 0, 0, 0, 0, 0, 4, 0])
    assert (r.total, r.band, r.flags) == (5, "low_risk", frozenset({"escalate"}))
    assert score("audit", [1, 0, 0, 0, 0, 2, 0, 0, 0, 0]).flags == frozenset({"escalate"})
    assert score("audit", [1, 0, 0, 1, 1, 1, 0, 0, 2, 2]).flags == frozenset()


def test_audit_skip_logic_scores_skipped_items_zero() -> None:
    """Q1 = 0 allows items 2-8 to be None; Q2 + Q3 = 0 allows items 4-8 to be None."""
    assert score("audit", [0, None, None, None, None, None, None, None, 2, 0]).total == 2
    assert score("audit", [2, 0, 0, None, None, None, None, None, 0, 0]).total == 2


def test_audit_missing_item_without_a_skip_rule_is_rejected() -> None:
    """A None for item 4 when Q2 + Q3 > 0 is a missing answer."""
    with pytest.raises(InvalidResponseError) as info:
        score("audit", [2, 1, 0, None, 0, 0, 0, 0, 0, 0])
    assert info.value.item == 4


@pytest.mark.parametrize(("sex", "three", "four"), [("male", False, True), ("female", True, True)])
def test_audit_c_thresholds_by_sex(sex: str, three: bool, four: bool) -> None:
    """AUDIT-C is positive at >= 4 for men and >= 3 for women."""
    assert score("audit_c", [1, 1, 1], sex=sex).positive is three
    assert score("audit_c", [2, 1, 1], sex=sex).positive is four


def test_audit_c_without_sex_is_a_clear_error() -> None:
    """Scoring AUDIT-C without sex raises an InvalidDataError at $.sex."""
    with pytest.raises(InvalidDataError) as info:
        score("audit_c", [1, 1, 1])
    assert info.value.paths == ("$.sex",)
    assert "sex" in str(info.value)
    with pytest.raises(InvalidDataError):
        score("audit_c", [1, 1, 1], sex="other")


# ----------------------------------------------------------------------------- DAST-10


def test_dast10_item3_is_reverse_scored() -> None:
    """'No' on item 3 scores 1 and 'yes' scores 0; every other item scores 'yes'."""
    all_no = [False] * 10
    assert score("dast10", all_no).total == 1
    assert score("dast10", all_no).band == "low"
    healthy = [False, False, True, False, False, False, False, False, False, False]
    assert (score("dast10", healthy).total, score("dast10", healthy).band) == (0, "none")
    all_yes = [True] * 10
    assert (score("dast10", all_yes).total, score("dast10", all_yes).band) == (9, "severe")


@pytest.mark.parametrize(
    ("yes", "band"),
    [
        (0, "none"),
        (1, "low"),
        (2, "low"),
        (3, "moderate"),
        (5, "moderate"),
        (6, "substantial"),
        (8, "substantial"),
        (9, "severe"),
    ],
)
def test_dast10_bands(yes: int, band: str) -> None:
    """DAST-10 bands 0 / 1-2 / 3-5 / 6-8 / 9-10 (item 3 answered 'yes', so it scores 0)."""
    others = [True] * yes + [False] * (9 - yes)
    responses = [*others[:2], True, *others[2:]]
    assert score("dast10", responses).band == band


def test_yes_no_items_reject_integers() -> None:
    """A yes/no item given 1 instead of True is rejected (ambiguous for reverse-scored items)."""
    with pytest.raises(InvalidResponseError) as info:
        score("dast10", [1] + [False] * 9)
    assert info.value.item == 1


# ----------------------------------------------------------------------------- CIWA-Ar


def test_ciwa_item10_ranges_0_to_4() -> None:
    """CIWA-Ar item 10 accepts 4 and rejects 5; items 1-9 accept 7."""
    assert score("ciwa_ar", [7] * 9 + [4]).total == 67
    with pytest.raises(InvalidResponseError) as info:
        score("ciwa_ar", [0] * 9 + [5])
    assert info.value.item == 10
    with pytest.raises(InvalidResponseError):
        score("ciwa_ar", [8] + [0] * 9)


@pytest.mark.parametrize(
    ("scheme", "total", "band"),
    [
        (None, 7, "minimal"),
        (None, 8, "moderate"),
        (None, 14, "moderate"),
        (None, 15, "severe"),
        ("camcops", 15, "severe"),
        ("asam_2020", 9, "minimal"),
        ("asam_2020", 10, "moderate"),
        ("asam_2020", 18, "moderate"),
        ("asam_2020", 19, "severe"),
        ("bakhla_2014", 8, "minimal"),
        ("bakhla_2014", 9, "mild"),
        ("bakhla_2014", 16, "moderate"),
        ("bakhla_2014", 21, "severe"),
    ],
)
def test_ciwa_band_schemes(scheme: str | None, total: int, band: str) -> None:
    """CamCOPS is the default scheme; the ASAM 2020 and Bakhla 2014 schemes are selectable."""
    responses = [min(7, max(0, total - 7 * i)) for i in range(9)] + [0]
    result = score("ciwa_ar", responses, scheme=scheme)
    assert (result.total, result.band, result.positive) == (total, band, None)
    assert result.scheme == (scheme or "camcops")


def test_ciwa_unknown_scheme_and_own_scheme() -> None:
    """An unknown scheme id is an error; a program's own BandScheme is used as given."""
    with pytest.raises(InvalidResponseError):
        score("ciwa_ar", [0] * 10, scheme="va_paws")
    mine = BandScheme(
        id="ours",
        name="Ours",
        bands=(Band(label="low", min_total=0, max_total=11), Band(label="high", min_total=12, max_total=67)),
        source=Source(citation="Our protocol"),
    )
    assert score("ciwa_ar", [2, 2, 2, 2, 2, 2, 0, 0, 0, 0], scheme=mine).band == "high"
    short = attrs.evolve(mine, bands=(Band(label="low", min_total=0, max_total=10),))
    with pytest.raises(InvalidResponseError):
        score("ciwa_ar", [0] * 10, scheme=short)
    with pytest.raises(InvalidArgumentError) as info:
        score("phq9", [0] * 9, scheme=3)  # type: ignore[arg-type]
    assert info.value.paths == ("$.scheme",)


# ----------------------------------------------------------------------------- COWS


@pytest.mark.parametrize(
    ("item", "bad"), [(1, 3), (2, 5), (3, 2), (3, 4), (4, 3), (4, 4), (5, 3), (7, 4), (11, 1), (11, 2), (11, 4)]
)
def test_cows_items_accept_only_their_published_values(item: int, bad: int) -> None:
    """COWS items reject values outside their own sets (e.g. restlessness has no 2, gooseflesh only 0/3/5)."""
    responses = [0] * 11
    responses[item - 1] = bad
    with pytest.raises(InvalidResponseError) as info:
        score("cows", responses)
    assert info.value.item == item


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (4, "none"),
        (5, "mild"),
        (12, "mild"),
        (13, "moderate"),
        (24, "moderate"),
        (25, "moderately_severe"),
        (36, "moderately_severe"),
        (37, "severe"),
        (48, "severe"),
    ],
)
def test_cows_bands(total: int, band: str) -> None:
    """COWS bands: 5-12 mild, 13-24 moderate, 25-36 moderately severe, > 36 severe; 0-4 'none'."""
    maxima = [4, 4, 5, 5, 4, 4, 5, 4, 4, 4, 5]
    values = [
        (0, 1, 2, 4),
        (0, 1, 2, 3, 4),
        (0, 1, 3, 5),
        (0, 1, 2, 5),
        (0, 1, 2, 4),
        (0, 1, 2, 4),
        (0, 1, 2, 3, 5),
        (0, 1, 2, 4),
        (0, 1, 2, 4),
        (0, 1, 2, 4),
        (0, 3, 5),
    ]
    # greedy fill, then adjust with single points where possible
    responses = [0] * 11
    left = total
    for i in range(11):
        best = max(v for v in values[i] if v <= min(left, maxima[i]))
        responses[i] = best
        left -= best
    assert left == 0
    assert score("cows", responses).band == band


# ----------------------------------------------------------------------------- CAGE, CAGE-AID


def test_cage_positive_at_two() -> None:
    """CAGE: one 'yes' is negative, two are positive."""
    assert score("cage", [True, False, False, False]).positive is False
    assert score("cage", [True, False, True, False]).positive is True


def test_cage_cutoff_is_not_configurable() -> None:
    """CAGE's cut-off is fixed at 2; asking for another is an error."""
    with pytest.raises(InvalidResponseError):
        score("cage", [False] * 4, cutoff=1)


def test_cage_aid_positive_at_one_and_configurable() -> None:
    """CAGE-AID: one 'yes' is positive by default; cutoff=2 makes it negative."""
    assert score("cage_aid", [False, False, False, True]).positive is True
    assert score("cage_aid", [False, False, False, True], cutoff=2).positive is False
    assert score("cage_aid", [False] * 4).band == "negative"


def test_cutoff_must_be_an_integer_in_range() -> None:
    """A cut-off of 0, above the maximum, or not an int is rejected at $.cutoff."""
    for bad, error in (
        (0, InvalidResponseError),
        (5, InvalidResponseError),
        (1.5, InvalidArgumentError),
        (True, InvalidArgumentError),
    ):
        with pytest.raises(error) as info:
            score("cage_aid", [False] * 4, cutoff=bad)  # type: ignore[arg-type]
        assert info.value.paths == ("$.cutoff",)
    with pytest.raises(InvalidResponseError):
        score("ciwa_ar", [0] * 10, cutoff=3)


# ----------------------------------------------------------------------------- PCL-5


def test_pcl5_cutoff_default_33_and_configurable() -> None:
    """PCL-5 is positive at >= 33 by default; cutoff=31 moves the cut-point."""
    responses = [2] * 16 + [0] * 4  # 32
    assert score("pcl5", responses).positive is False
    assert score("pcl5", responses, cutoff=31).positive is True
    assert score("pcl5", responses).cutoff == 33


def test_pcl5_dsm5_criteria_is_a_separate_flag() -> None:
    """The cluster rule (1 B, 1 C, 2 D, 2 E items >= 2) sets `dsm5_criteria_met` independently of the cut-off."""
    met = [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0]
    r = score("pcl5", met)
    assert r.flags == frozenset({"dsm5_criteria_met"}) and r.total == 12 and r.positive is False
    no_c = [4] * 5 + [1, 1] + [4] * 13
    r2 = score("pcl5", no_c)
    assert r2.positive is True and r2.flags == frozenset()
    assert r2.subscores == {"b_intrusion": 20, "c_avoidance": 2, "d_cognition_mood": 28, "e_arousal": 24}


# ----------------------------------------------------------------------------- CRAFFT


def test_crafft_gating_only_car_asked_when_part_a_is_zero() -> None:
    """All Part A = 0: only CAR is asked; the other Part B items may be None and the screen is negative."""
    r = score("crafft", [0, 0, 0, True, None, None, None, None, None])
    assert (r.total, r.positive, r.band) == (1, False, "negative")


def test_crafft_part_b_required_when_any_part_a_day() -> None:
    """Any Part A day > 0: all six Part B answers are needed."""
    with pytest.raises(InvalidResponseError) as info:
        score("crafft", [3, 0, 0, True, None, False, False, False, False])
    assert info.value.item == 5
    r = score("crafft", [3, 0, 0, True, True, False, False, False, False])
    assert (r.total, r.positive) == (2, True)


def test_crafft_part_a_counts_are_validated_and_not_scored() -> None:
    """Part A counts must be whole numbers 0-366 and add nothing to the total."""
    assert score("crafft", [366, 5, 0] + [False] * 6).total == 0
    with pytest.raises(InvalidResponseError) as info:
        score("crafft", [-1, 0, 0] + [False] * 6)
    assert info.value.item == 1
    with pytest.raises(InvalidResponseError):
        score("crafft", [None, 0, 0] + [False] * 6)
    with pytest.raises(InvalidResponseError):
        score("crafft", [True, 0, 0] + [False] * 6)


# ----------------------------------------------------------------------------- DSM-5 SUD


@pytest.mark.parametrize(
    ("count", "band"),
    [
        (0, "none"),
        (1, "none"),
        (2, "mild"),
        (3, "mild"),
        (4, "moderate"),
        (5, "moderate"),
        (6, "severe"),
        (11, "severe"),
    ],
)
def test_dsm5_sud_severity(count: int, band: str) -> None:
    """DSM-5 SUD: 2-3 mild, 4-5 moderate, >= 6 severe criteria."""
    r = score("dsm5_sud", [True] * count + [False] * (11 - count))
    assert (r.total, r.band, r.positive) == (count, band, None)


def test_dsm5_tolerance_and_withdrawal_not_counted_under_supervision() -> None:
    """Under medical supervision, criteria 10 (tolerance) and 11 (withdrawal) do not count."""
    responses = [False] * 9 + [True, True]
    assert score("dsm5_sud", responses).band == "mild"
    supervised = score("dsm5_sud", responses, medically_supervised=True)
    assert (supervised.total, supervised.band) == (0, "none")
    with pytest.raises(InvalidArgumentError) as info:
        score("dsm5_sud", responses, medically_supervised="yes")  # type: ignore[arg-type]
    assert info.value.paths == ("$.medically_supervised",)


# ----------------------------------------------------------------------------- shape errors


@pytest.mark.parametrize("iid", ALL_IDS)
def test_wrong_length_is_rejected(iid: str) -> None:
    """Too few or too many answers raise InvalidResponseError at $.responses."""
    n = len(instrument(iid).items)
    for length in (n - 1, n + 1):
        with pytest.raises(InvalidResponseError) as info:
            score(iid, [0] * length, **CONTEXT.get(iid, {}))
        assert info.value.item is None and info.value.paths == ("$.responses",)


def test_non_sequence_is_rejected() -> None:
    """A string, dict or None of responses is an argument of the wrong type, named $.responses."""
    for bad in ("000000000", {1: 0}, None):
        with pytest.raises(InvalidArgumentError) as info:
            score("phq9", bad)  # type: ignore[arg-type]
        assert info.value.paths == ("$.responses",)


def test_messages_never_echo_the_answer() -> None:
    """An out-of-range answer's message names the item and the allowed set, not the value given."""
    with pytest.raises(InvalidResponseError) as info:
        score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 987654])
    assert "987654" not in str(info.value)
    assert "item 9" in str(info.value)
    assert info.value.paths == ("$.responses[8]",)


def test_invalid_response_error_pickles() -> None:
    """InvalidResponseError survives pickling with its item and path."""
    with pytest.raises(InvalidResponseError) as info:
        score("phq9", [0] * 8 + [7])
    again = pickle.loads(pickle.dumps(info.value))
    assert (again.item, again.instrument, again.paths, str(again)) == (9, "phq9", ("$.responses[8]",), str(info.value))
    with pytest.raises(InvalidResponseError) as info2:
        score("phq9", [0])
    again2 = pickle.loads(pickle.dumps(info2.value))
    assert str(again2) == str(info2.value)


# ----------------------------------------------------------------------------- properties


@pytest.mark.parametrize("iid", ALL_IDS)
def test_total_is_within_range_and_band_is_documented(iid: str) -> None:
    """For any valid answers, 0 <= total <= max_total, the total is an int, and the band is a documented label."""
    inst = instrument(iid)
    labels = {b.label for s in inst.schemes for b in s.bands} | {"positive", "negative"}

    @given(full_responses(inst))
    def check(responses: list[Any]) -> None:
        r = score(iid, responses, **CONTEXT.get(iid, {}))
        assert type(r.total) is int and 0 <= r.total <= inst.max_total
        assert r.band in labels
        assert r.total == sum(p for p in r.item_scores if p is not None)

    check()


@pytest.mark.parametrize("iid", ALL_IDS)
def test_band_and_positive_are_monotone_in_total(iid: str) -> None:
    """Of two scorings, the higher total never has a lower band or a 'less positive' screen."""
    inst = instrument(iid)
    order = {b.label: k for s in inst.schemes[:1] for k, b in enumerate(s.bands)} or {"negative": 0, "positive": 1}

    @given(full_responses(inst), full_responses(inst))
    def check(a: list[Any], b: list[Any]) -> None:
        ra, rb = score(iid, a, **CONTEXT.get(iid, {})), score(iid, b, **CONTEXT.get(iid, {}))
        lo, hi = sorted((ra, rb), key=lambda r: r.total)
        assert order[lo.band or "negative"] <= order[hi.band or "negative"]
        if lo.positive is not None and lo.positive:
            assert hi.positive

    check()


@given(full_responses(instrument("dast10")))
def test_dast10_reverse_item_is_the_negation(responses: list[bool]) -> None:
    """Flipping item 3 moves the DAST-10 total by exactly one, in the reverse direction to other items."""
    flipped = list(responses)
    flipped[2] = not flipped[2]
    delta = score("dast10", flipped).total - score("dast10", responses).total
    assert delta == (1 if responses[2] else -1)


@pytest.mark.parametrize("iid", list(ALL_IDS))
def test_invalid_values_are_rejected_naming_the_item(iid: str) -> None:
    """Replacing any answer with a value outside its item's set raises InvalidResponseError naming that item."""
    inst = instrument(iid)

    @settings(max_examples=30)
    @given(full_responses(inst), st.integers(0, len(inst.items) - 1), st.data())
    def check(responses: list[Any], index: int, data: st.DataObject) -> None:
        item = inst.items[index]
        if item.kind is ResponseKind.POINTS:
            bad = data.draw(
                st.one_of(
                    st.integers(-100, 100).filter(lambda v: v not in item.values),
                    st.just(1.0),
                    st.booleans(),
                    st.text(max_size=2),
                )
            )
        elif item.kind is ResponseKind.YES_NO:
            bad = data.draw(st.one_of(st.integers(), st.just("yes")))
        else:
            bad = data.draw(
                st.one_of(st.integers(max_value=-1), st.integers(min_value=367), st.just(1.5), st.booleans())
            )
        responses[index] = bad
        with pytest.raises(InvalidResponseError) as info:
            score(iid, responses, **CONTEXT.get(iid, {}))
        assert info.value.item == item.number

    check()


@settings(max_examples=50)
@given(full_responses(instrument("phq9")), st.sets(st.integers(0, 8), min_size=1, max_size=2))
def test_phq9_proration_is_mean_substitution(responses: list[int], gone: set[int]) -> None:
    """With 1-2 missing items the total equals the answered sum plus the answered mean per missing item."""
    answered = [v for i, v in enumerate(responses) if i not in gone]
    for i in gone:
        responses[i] = None  # type: ignore[call-overload]
    r = score("phq9", responses)
    mean = sum(answered) / len(answered)
    assert r.prorated and isinstance(r.total, float)
    assert r.total == pytest.approx(sum(answered) + mean * len(gone))


def test_score_accepts_an_instrument_value() -> None:
    """score() takes an Instrument as well as an id (e.g. a program's own variant)."""
    assert score(instrument("phq2"), (1, 2)).total == 3


def test_instrument_score_rules() -> None:
    """InstrumentScore insists on float totals exactly when prorated, and sane item scores and flags."""
    with pytest.raises(InvalidDataError):
        InstrumentScore(instrument="phq9", total=1.5)
    with pytest.raises(InvalidDataError):
        InstrumentScore(instrument="phq9", total=1, prorated=True)
    with pytest.raises(InvalidDataError):
        InstrumentScore(instrument="phq9", total=1, item_scores=(-1,))
    with pytest.raises(InvalidDataError):
        InstrumentScore(instrument="phq9", total=1, flags=frozenset({"Not Snake"}))
    with pytest.raises(InvalidDataError):
        InstrumentScore(instrument="phq9", total=1, subscores={"a": -1})


@pytest.mark.parametrize("iid", ALL_IDS)
def test_fast_path_equals_the_general_scorer(iid: str) -> None:
    """Scoring by id (precompiled fast path where it applies) equals scoring the Instrument value (general path)."""
    inst = instrument(iid)

    @settings(max_examples=40)
    @given(full_responses(inst), st.booleans())
    def check(responses: list[Any], as_tuple: bool) -> None:
        given_responses = tuple(responses) if as_tuple else responses
        fast = score(iid, given_responses, **CONTEXT.get(iid, {}))
        slow = score(inst, given_responses, **CONTEXT.get(iid, {}))
        assert fast == slow
        assert hash(fast) == hash(slow)
        assert type(fast.total) is type(slow.total)

    check()


# ----------------------------------------------------------------------------- the guarded boundary


@given(st.sampled_from(ALL_IDS), st.data())
def test_the_fast_path_and_the_checked_path_score_alike(iid: str, data: st.DataObject) -> None:
    """A plain call (the guard's fast path) and the fully checked call (numpy answers, the Instrument itself) agree."""
    np = pytest.importorskip("numpy")
    inst = INSTRUMENTS[iid]
    answers = data.draw(full_responses(inst))
    context = {"sex": Sex.FEMALE} if any(c.sex for c in inst.cutoffs) else {}
    plain = score(iid, answers, **context)
    as_numpy = [np.int64(a) if type(a) is int else a for a in answers]
    assert score(iid, as_numpy, **context) == plain
    assert score(inst, tuple(answers), **context) == plain
    assert score.__wrapped__(iid, answers, **context) == plain  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"instrument_id": 9, "responses": [0] * 9}, "$.instrument_id"),
        ({"instrument_id": "phq9", "responses": [0] * 9, "sexx": "male"}, "$.sexx"),
        ({"instrument_id": "phq9"}, "$.responses"),
        ({"instrument_id": "phq9", "responses": [0] * 8 + [True]}, "$.responses[8]"),
        ({"instrument_id": "phq9", "responses": [0] * 9, "cutoff": 10**400}, "$.cutoff"),
        ({"instrument_id": "audit_c", "responses": [1, 1, 1], "sex": Sex}, "$.sex"),
    ],
)
def test_wrong_arguments_are_named_before_any_scoring(kwargs: dict[str, Any], path: str) -> None:
    """Misspelt keywords, missing or mistyped arguments and bools for points name the parameter."""
    with pytest.raises(InvalidDataError) as info:
        score(**kwargs)
    assert info.value.paths == (path,)


@pytest.mark.parametrize("iid", ALL_IDS)
def test_scores_are_what_the_validated_constructor_builds(iid: str) -> None:
    """The scorer builds its scores without the constructor's checks (they cost more than the scoring):
    for any forms, with missing answers and skipped items too, the validated constructor accepts
    each score's fields unchanged and gives an equal score, with the same types and hash."""
    inst = instrument(iid)
    maybe_missing = st.tuples(*(st.none() | answers_for(i) for i in inst.items)).map(list)

    @settings(max_examples=40, deadline=None)
    @given(full_responses(inst) | maybe_missing)
    def check(responses: list[Any]) -> None:
        try:
            r = score(iid, responses, **CONTEXT.get(iid, {}))
        except InvalidResponseError:
            return
        fields = attrs.asdict(r, recurse=False)
        rebuilt = InstrumentScore(**fields)
        assert rebuilt == r and hash(rebuilt) == hash(r)
        assert {k: type(v) for k, v in attrs.asdict(rebuilt, recurse=False).items()} == {
            k: type(v) for k, v in fields.items()
        }

    check()
