"""Specimen validity: substituted, adulterated, invalid and dilute at each threshold; the selectable wordings and bounds."""

from __future__ import annotations

import itertools
import math

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.compliance import (
    DILUTE_DEFINITIONS,
    DOT_49_CFR_40_85,
    HHS_2025,
    SPECIMEN_VALIDITY,
    VALIDITY_EDITIONS,
    NumericRange,
    SpecimenCategory,
    SpecimenValidity,
    ValidityCriterion,
    specimen_validity_rules,
)
from iopcore.errors import InvalidArgumentError, InvalidDataError, UnknownCodeError
from iopcore.sources import Evidence, Source

NORMAL = SpecimenValidity(creatinine_mg_dl=80, specific_gravity=1.015, ph=6.5, nitrite_mcg_ml=0)


def _category(validity: SpecimenValidity, rules: object = SPECIMEN_VALIDITY) -> SpecimenCategory:
    return rules.classify(validity)[0]  # type: ignore[attr-defined, no-any-return]


Category = SpecimenCategory
_SA, _SU, _IN, _DI, _NA, _VA = (
    Category.ADULTERATED,
    Category.SUBSTITUTED,
    Category.INVALID,
    Category.DILUTE,
    Category.NOT_ASSESSED,
    Category.VALID,
)


def _hhs_table(
    c: float | None, sg: float | None, ph: float | None, nit: float | None, adult: bool, low_sg: bool = True
) -> Category:
    """The HHS urine criteria in force with 49 CFR 40.87-40.89, transcribed as written (independent of the rules).

    *low_sg* is the switch of the invalid criterion "creatinine >= 2 with SG <= 1.0010"."""
    if adult or (nit is not None and nit >= 500) or (ph is not None and (ph < 4 or ph >= 11)):
        return _SA
    if c is not None and sg is not None and c < 2 and (sg <= 1.0010 or sg >= 1.0200):
        return _SU
    if ph is not None and (4 <= ph < 4.5 or 9 <= ph < 11):
        return _IN
    if nit is not None and 200 <= nit < 500:
        return _IN
    if c is not None and sg is not None and ((c < 2 and 1.0010 < sg < 1.0200) or (low_sg and c >= 2 and sg <= 1.0010)):
        return _IN
    if c is not None and sg is not None and 2 <= c < 20 and 1.0010 < sg < 1.0030:
        return _DI
    if c is None or ph is None or (c < 20 and sg is None):
        return _NA
    return _VA


def _nrc_table(
    c: float | None, sg: float | None, ph: float | None, nit: float | None, adult: bool, low_sg: bool = False
) -> Category:
    """The older NRC/SAMHSA table (pH < 3), transcribed as written (*low_sg*: the low-gravity switch turned on)."""
    if adult or (nit is not None and nit >= 500) or (ph is not None and (ph < 3 or ph >= 11)):
        return _SA
    if c is not None and sg is not None and c < 2 and (sg <= 1.0010 or sg >= 1.0200):
        return _SU
    if ph is not None and (3 <= ph < 4.5 or 9 <= ph < 11):
        return _IN
    if nit is not None and 200 <= nit < 500:
        return _IN
    if c is not None and sg is not None and ((c < 2 and 1.001 < sg < 1.020) or (low_sg and c >= 2 and sg <= 1.0010)):
        return _IN
    if c is not None and sg is not None and 2 <= c < 20 and 1.0010 < sg < 1.0030:
        return _DI
    if c is None or ph is None or (c < 20 and sg is None):
        return _NA
    return _VA


def _around(*bounds: float, step: float) -> list[float | None]:
    """Each bound, just below and just above it, and "not measured"."""
    return [None, *sorted({b + d for b in bounds for d in (-step, 0.0, step)})]


_CREATININE = _around(2, 20, step=0.01)
_GRAVITY = _around(1.0010, 1.0030, 1.0200, step=0.0001)
_PH = _around(3, 4, 4.5, 9, 11, step=0.01)
_NITRITE = _around(200, 500, step=0.1)


@pytest.mark.parametrize(
    ("rules", "table", "low_sg"),
    [
        (SPECIMEN_VALIDITY, _hhs_table, True),
        (specimen_validity_rules(low_gravity_invalid=False), _hhs_table, False),
        (specimen_validity_rules(edition="nrc_samhsa_2004"), _nrc_table, False),
        (specimen_validity_rules(edition="nrc_samhsa_2004", low_gravity_invalid=True), _nrc_table, True),
    ],
    ids=["hhs_urine_2024", "hhs_urine_2024_no_low_sg", "nrc_samhsa_2004", "nrc_samhsa_2004_low_sg"],
)
def test_classifier_equals_the_transcribed_table_at_every_boundary(rules: object, table: object, low_sg: bool) -> None:
    """At, just below and just above every cut-off (and with each measurement missing) the classifier is the table,
    with the low-gravity invalid criterion switched on and off in both editions."""
    wrong = []
    for c, sg, ph, nit, adult in itertools.product(_CREATININE, _GRAVITY, _PH, _NITRITE, (False, True)):
        validity = SpecimenValidity(
            creatinine_mg_dl=c, specific_gravity=sg, ph=ph, nitrite_mcg_ml=nit, adulterant_detected=adult
        )
        expected = table(c, sg, ph, nit, adult, low_sg)  # type: ignore[operator]
        if _category(validity, rules) is not expected:
            wrong.append((c, sg, ph, nit, adult, expected))
    assert wrong == []


@pytest.mark.parametrize(
    ("validity", "expected"),
    [
        (SpecimenValidity(creatinine_mg_dl=80, ph=3.5), _SA),  # issue 15: pH 3.5 was "invalid"
        (SpecimenValidity(creatinine_mg_dl=80, ph=3.99), _SA),
        (SpecimenValidity(creatinine_mg_dl=1.5, specific_gravity=1.0015, ph=6), _IN),  # was valid (SG gap)
        (SpecimenValidity(creatinine_mg_dl=5, specific_gravity=1.0005, ph=6), _IN),  # was valid (gravity too low)
        (SpecimenValidity(creatinine_mg_dl=1.5, ph=6), _NA),  # creatinine < 2 without a gravity: never valid
        (SpecimenValidity(), _NA),
        (SpecimenValidity(creatinine_mg_dl=80, specific_gravity=1.015, ph=6.5, nitrite_mcg_ml=0), _VA),
    ],
)
def test_the_cases_of_the_issue(validity: SpecimenValidity, expected: SpecimenCategory) -> None:
    """The readings issue 15 measured on the old default now follow the Guidelines in force."""
    assert _category(validity) is expected


@settings(max_examples=150)
@given(
    st.sampled_from(sorted(VALIDITY_EDITIONS)),
    st.sampled_from(sorted(DILUTE_DEFINITIONS)),
    st.one_of(st.none(), st.floats(min_value=0.01, max_value=4.5)),
    st.floats(min_value=0, max_value=1.9999),
    st.one_of(st.none(), st.floats(min_value=0.9, max_value=1.1)),
    st.one_of(st.none(), st.floats(min_value=0, max_value=14)),
    st.one_of(st.none(), st.booleans()),
)
def test_creatinine_below_2_is_never_valid(
    edition: str,
    dilute: str,
    bound: float | None,
    creatinine: float,
    gravity: float | None,
    ph: float | None,
    low_sg: bool | None,
) -> None:
    """Whatever edition, dilute wording, pH bound, low-gravity switch, gravity and pH: creatinine below 2 mg/dL is
    never valid."""
    rules = specimen_validity_rules(
        edition=edition,  # type: ignore[arg-type]
        dilute=dilute,
        adulterated_ph_below=bound,
        low_gravity_invalid=low_sg,
    )
    validity = SpecimenValidity(creatinine_mg_dl=creatinine, specific_gravity=gravity, ph=ph)
    assert _category(validity, rules) is not SpecimenCategory.VALID


def test_every_criterion_cites_its_section() -> None:
    """Each default criterion names the 49 CFR section or the HHS Guidelines it comes from."""
    for criterion in SPECIMEN_VALIDITY.criteria:
        assert "49 CFR 40." in criterion.source.citation, criterion.source.citation
    assert {c.source.evidence for c in SPECIMEN_VALIDITY.criteria} <= {
        Evidence.VERIFIED,
        Evidence.SECONDARY,
        Evidence.UNVERIFIED,
    }


def test_sources_cite_the_current_sections_and_their_evidence() -> None:
    """Invalid results cite 49 CFR 40.90 and adulterant cut-offs 40.89 (the 2023 numbering); pH < 4 is read in 82 FR
    7920; pH >= 11 is secondary; creatinine >= 2 with SG <= 1.0010 stays unverified."""
    invalid = [c for c in SPECIMEN_VALIDITY.criteria if c.category is SpecimenCategory.INVALID]
    assert invalid
    assert all("49 CFR 40.90" in c.source.citation and "40.96" not in c.source.citation for c in invalid)
    adulterated = [c for c in SPECIMEN_VALIDITY.criteria if c.category is SpecimenCategory.ADULTERATED]
    assert all("49 CFR 40.89" in c.source.citation for c in adulterated)
    low = next(c for c in adulterated if c.ph is not None and c.ph.high == 4)
    assert low.source.evidence is Evidence.VERIFIED
    assert "82 FR 7920" in low.source.citation
    high = next(c for c in adulterated if c.ph is not None and c.ph.low == 11)
    assert high.source.evidence is Evidence.SECONDARY
    low_sg = next(c for c in invalid if c.creatinine_mg_dl is not None and c.creatinine_mg_dl.low == 2)
    assert low_sg.source.evidence is Evidence.UNVERIFIED
    dilute = next(c for c in SPECIMEN_VALIDITY.criteria if c.category is SpecimenCategory.DILUTE)
    assert "49 CFR 40.88(a)" in dilute.source.citation
    assert dilute.source.evidence is Evidence.SECONDARY


@pytest.mark.parametrize(
    ("dilute", "creatinine", "gravity", "expected"),
    [
        ("below_thresholds", 19.99, 1.0029, True),
        ("below_thresholds", 20.0, 1.0029, False),
        ("below_thresholds", 19.99, 1.003, False),
        ("below_thresholds", 5.0, 1.0011, True),
        ("inclusive_range", 20.0, 1.0029, True),
        ("inclusive_range", 20.01, 1.0029, False),
        ("inclusive_range", 2.0, 1.0011, True),
        ("inclusive_range", 2.0, 1.0030, False),
        ("exclusive_range", 2.0, 1.0010, False),
        ("exclusive_range", 2.0, 1.0011, True),
    ],
)
def test_each_dilute_wording_at_its_thresholds(dilute: str, creatinine: float, gravity: float, expected: bool) -> None:
    """Each of the three published dilute wordings is selectable and applied at its own bounds."""
    rules = specimen_validity_rules(dilute=dilute)
    category = _category(SpecimenValidity(creatinine_mg_dl=creatinine, specific_gravity=gravity, ph=6), rules)
    assert (category is SpecimenCategory.DILUTE) is expected


def test_default_dilute_wording_is_documented() -> None:
    """The default rules use the "exclusive_range" wording (49 CFR 40.88(a)); all three wordings are secondary."""
    assert DILUTE_DEFINITIONS["exclusive_range"] in SPECIMEN_VALIDITY.criteria
    assert {c.source.evidence for c in DILUTE_DEFINITIONS.values()} == {Evidence.SECONDARY}


def test_adulterant_detected_makes_a_specimen_adulterated() -> None:
    """A lab-reported adulterant makes the specimen adulterated whatever the measurements; nothing measured is not
    assessed."""
    assert _category(SpecimenValidity(adulterant_detected=True)) is SpecimenCategory.ADULTERATED
    assert _category(SpecimenValidity()) is SpecimenCategory.NOT_ASSESSED


def test_adulterated_ph_bound_is_selectable_and_marked_unverified() -> None:
    """The default bound is 4 (in force); a program's bound of 3 makes pH 3.5 invalid and is marked unverified."""
    assert _category(SpecimenValidity(creatinine_mg_dl=80, ph=3.5)) is SpecimenCategory.ADULTERATED
    rules = specimen_validity_rules(adulterated_ph_below=3)
    assert _category(SpecimenValidity(creatinine_mg_dl=80, ph=3.5), rules) is SpecimenCategory.INVALID
    bound = next(c for c in rules.criteria if c.ph is not None and c.ph.high == 3)
    assert bound.source.evidence is Evidence.UNVERIFIED
    assert rules.id == "specimen_validity_hhs_urine_2024_ph_3"
    older = specimen_validity_rules(edition="nrc_samhsa_2004")
    assert older.id == "specimen_validity_nrc_samhsa_2004"
    assert _category(SpecimenValidity(creatinine_mg_dl=80, ph=3.5), older) is SpecimenCategory.INVALID


@pytest.mark.parametrize(
    ("creatinine", "gravity", "on", "off"),
    [
        (1.99, 1.0010, _SU, _SU),  # just below the creatinine cut-off: substituted either way (never valid)
        (2.0, 1.0010, _IN, _VA),  # at both cut-offs: the switch decides (off: exclusive_range starts above 1.0010)
        (2.01, 1.0010, _IN, _VA),  # just above the creatinine cut-off
        (2.0, 1.0009, _IN, _VA),  # just below the gravity cut-off
        (2.0, 1.0011, _DI, _DI),  # just above the gravity cut-off: dilute either way
        (19.99, 1.0005, _IN, _VA),
        (20.0, 1.0010, _IN, _VA),
        (80.0, 1.0011, _VA, _VA),
    ],
)
def test_low_gravity_invalid_switch_at_its_cut_offs(
    creatinine: float, gravity: float, on: SpecimenCategory, off: SpecimenCategory
) -> None:
    """Creatinine >= 2 mg/dL with SG <= 1.0010 is invalid by default and is left to the other criteria when switched
    off; at, just below and just above both cut-offs."""
    validity = SpecimenValidity(creatinine_mg_dl=creatinine, specific_gravity=gravity, ph=6)
    assert _category(validity) is on
    assert _category(validity, specimen_validity_rules(low_gravity_invalid=True)) is on
    assert _category(validity, specimen_validity_rules(low_gravity_invalid=False)) is off


def test_low_gravity_switch_is_named_in_the_id_and_cited() -> None:
    """The switch is each edition's choice by default; a rule set that differs says so in its id; the criterion keeps
    its unverified source, and with the "below_thresholds" wording a switched-off specimen reads dilute."""
    assert specimen_validity_rules(low_gravity_invalid=True) == SPECIMEN_VALIDITY
    off = specimen_validity_rules(low_gravity_invalid=False)
    assert off.id == "specimen_validity_hhs_urine_2024_no_low_sg_invalid"
    assert len(off.criteria) == len(SPECIMEN_VALIDITY.criteria) - 1
    older = specimen_validity_rules(edition="nrc_samhsa_2004", low_gravity_invalid=True)
    assert older.id == "specimen_validity_nrc_samhsa_2004_low_sg_invalid"
    added = set(older.criteria) - set(specimen_validity_rules(edition="nrc_samhsa_2004").criteria)
    assert [c.source.evidence for c in added] == [Evidence.UNVERIFIED]
    assert "low_gravity_invalid=False" in next(iter(added)).source.note
    watery = SpecimenValidity(creatinine_mg_dl=5, specific_gravity=1.0005, ph=6)
    below = specimen_validity_rules(dilute="below_thresholds", low_gravity_invalid=False)
    assert below.id == "specimen_validity_hhs_urine_2024_below_thresholds_no_low_sg_invalid"
    assert _category(watery, below) is SpecimenCategory.DILUTE
    assert _category(watery, specimen_validity_rules(dilute="below_thresholds")) is SpecimenCategory.INVALID


@pytest.mark.parametrize(
    "call",
    [
        lambda: specimen_validity_rules(dilute="watery"),
        lambda: specimen_validity_rules(low_gravity_invalid="no"),  # type: ignore[arg-type]
        lambda: specimen_validity_rules(adulterated_ph_below=9),
        lambda: specimen_validity_rules(adulterated_ph_below="3"),  # type: ignore[arg-type]
    ],
)
def test_bad_validity_choices_are_rejected(call: object) -> None:
    """An unknown dilute wording or a bad pH bound raises InvalidDataError."""
    with pytest.raises(InvalidDataError):
        call()  # type: ignore[operator]


def test_unknown_dilute_wording_lists_the_known_ones() -> None:
    """The error for an unknown wording lists the three known wordings."""
    with pytest.raises(UnknownCodeError) as info:
        specimen_validity_rules(dilute="watery")
    assert set(info.value.known) == set(DILUTE_DEFINITIONS)


def test_ranges_and_criteria_describe_themselves() -> None:
    """Ranges print their bounds and criteria list what they check."""
    assert str(NumericRange(low=2, high=20, high_inclusive=False)) == "≥ 2 and < 20"
    assert str(NumericRange(low=1.001, low_inclusive=False)) == "> 1.001"
    criterion = ValidityCriterion(
        category=SpecimenCategory.ADULTERATED,
        ph=NumericRange(high=3),
        adulterant_detected=True,
        source=Source(citation="x"),
    )
    assert criterion.describe() == "ph ≤ 3 and adulterant detected"
    assert criterion.matches(SpecimenValidity(ph=2.5, adulterant_detected=True))
    assert not criterion.matches(SpecimenValidity(ph=2.5))
    assert not criterion.matches(SpecimenValidity(ph=3.5, adulterant_detected=True))
    assert not criterion.matches(SpecimenValidity(adulterant_detected=True))
    missing = ValidityCriterion(category=SpecimenCategory.NOT_ASSESSED, unmeasured=("ph",), source=Source(citation="x"))
    assert missing.describe() == "ph not measured"
    assert missing.matches(SpecimenValidity()) and not missing.matches(SpecimenValidity(ph=7))
    for bad, path in ((("temperature",), "$.unmeasured"), ((), "$.creatinine_mg_dl")):
        with pytest.raises(InvalidDataError) as info:
            ValidityCriterion(category=SpecimenCategory.NOT_ASSESSED, unmeasured=bad, source=Source(citation="x"))
        assert info.value.paths == (path,)
    with pytest.raises(InvalidDataError) as info:
        ValidityCriterion(
            category=SpecimenCategory.INVALID, ph=NumericRange(low=1), unmeasured=("ph",), source=Source(citation="x")
        )
    assert info.value.paths == ("$.unmeasured",)


@pytest.mark.parametrize(
    ("arguments", "path"),
    [
        ({"dilute": ["exclusive_range"]}, "$.dilute"),
        ({"dilute": None}, "$.dilute"),
        ({"adulterated_ph_below": 0}, "$.adulterated_ph_below"),
        ({"adulterated_ph_below": -1.0}, "$.adulterated_ph_below"),
        ({"adulterated_ph_below": 4.6}, "$.adulterated_ph_below"),
        ({"adulterated_ph_below": math.nan}, "$.adulterated_ph_below"),
        ({"adulterated_ph_below": 10**400}, "$.adulterated_ph_below"),
        ({"adulterated_ph_below": True}, "$.adulterated_ph_below"),
        ({"low_gravity_invalid": 0}, "$.low_gravity_invalid"),
        ({"ph": 3.0}, "$.ph"),
        ({"edition": "hhs_1988"}, "$.edition"),
    ],
)
def test_specimen_validity_rules_names_a_bad_argument(arguments: dict[str, object], path: str) -> None:
    """Wrong types, values out of (0, 4.5], bools, huge ints and unknown keywords are iopcore errors."""
    with pytest.raises(InvalidDataError) as info:
        specimen_validity_rules(**arguments)  # type: ignore[arg-type]
    assert info.value.paths == (path,)


@pytest.mark.parametrize("bound", [1e-05, 0.5, 3.5, 4, 4.5])
def test_any_allowed_ph_bound_gives_valid_rules(bound: float) -> None:
    """Every bound in (0, 4.5] gives rules with a snake_case id naming it (not only round numbers)."""
    rules = specimen_validity_rules(adulterated_ph_below=bound)
    assert rules.id.startswith("specimen_validity_hhs_urine_2024")
    assert (rules.id == SPECIMEN_VALIDITY.id) is (bound == 4)
    assert attrs.evolve(rules) == rules
    assert rules.classify(SpecimenValidity(ph=bound / 2))[0] is SpecimenCategory.ADULTERATED
    if bound < 4.5:
        assert rules.classify(SpecimenValidity(creatinine_mg_dl=80, ph=bound))[0] is SpecimenCategory.INVALID


def test_validity_methods_name_their_arguments() -> None:
    """``contains``, ``matches`` and ``classify`` refuse what is not a number or a SpecimenValidity."""
    for call, path in (
        (lambda: NumericRange(low=1).contains(None), "$.value"),  # type: ignore[arg-type]
        (lambda: NumericRange(low=1).contains(True), "$.value"),  # type: ignore[arg-type]
        (lambda: SPECIMEN_VALIDITY.classify({"ph": 7}), "$.validity"),  # type: ignore[arg-type]
        (lambda: SPECIMEN_VALIDITY.criteria[0].matches(NORMAL, NORMAL), "$"),  # type: ignore[call-arg]
        (lambda: HHS_2025.cutoff(7), "$.analyte"),  # type: ignore[arg-type]
        (lambda: HHS_2025.cutoffs[0].for_method("screen"), "$.method"),  # type: ignore[arg-type]
        (lambda: HHS_2025.combined(DOT_49_CFR_40_85, id="Not An Id", name="x"), "$.id"),
        (lambda: HHS_2025.combined(DOT_49_CFR_40_85, id="x", name=""), "$.name"),
    ):
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert info.value.paths == (path,)
