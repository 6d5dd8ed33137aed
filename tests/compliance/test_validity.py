"""Specimen validity: substituted, adulterated, invalid and dilute at each threshold; the selectable wordings and bounds."""

from __future__ import annotations

import math

import attrs
import pytest

from iopcore.compliance import (
    DILUTE_DEFINITIONS,
    DOT_49_CFR_40_85,
    HHS_2025,
    SPECIMEN_VALIDITY,
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


@pytest.mark.parametrize(
    ("creatinine", "gravity", "expected"),
    [
        (1.99, 1.0010, SpecimenCategory.SUBSTITUTED),  # 40.88: creatinine < 2 and SG ≤ 1.0010
        (1.99, 1.0000, SpecimenCategory.SUBSTITUTED),
        (2.0, 1.0010, SpecimenCategory.VALID),  # creatinine not < 2; SG not > 1.0010 for dilute
        (1.99, 1.0200, SpecimenCategory.SUBSTITUTED),  # SG ≥ 1.0200
        (1.99, 1.0199, SpecimenCategory.INVALID),  # creatinine < 2 with SG in [1.002, 1.020)
        (1.99, 1.0020, SpecimenCategory.INVALID),
        (1.99, 1.0019, SpecimenCategory.VALID),
        (2.0, 1.0011, SpecimenCategory.DILUTE),  # default dilute: 2 ≤ creat < 20 and 1.0010 < SG < 1.0030
        (19.99, 1.0029, SpecimenCategory.DILUTE),
        (20.0, 1.0029, SpecimenCategory.VALID),
        (19.99, 1.0030, SpecimenCategory.VALID),
    ],
)
def test_substituted_invalid_and_dilute_boundaries(
    creatinine: float, gravity: float, expected: SpecimenCategory
) -> None:
    """Creatinine and specific gravity at each published threshold fall in the documented category."""
    assert _category(SpecimenValidity(creatinine_mg_dl=creatinine, specific_gravity=gravity, ph=6)) is expected


@pytest.mark.parametrize(
    ("dilute", "creatinine", "gravity", "expected"),
    [
        ("below_thresholds", 19.99, 1.0029, True),
        ("below_thresholds", 20.0, 1.0029, False),
        ("below_thresholds", 19.99, 1.003, False),
        ("below_thresholds", 5.0, 1.0005, True),
        ("inclusive_range", 20.0, 1.0029, True),
        ("inclusive_range", 20.01, 1.0029, False),
        ("inclusive_range", 2.0, 1.0001, True),
        ("inclusive_range", 2.0, 1.0000, False),
        ("inclusive_range", 2.0, 1.0030, False),
        ("exclusive_range", 2.0, 1.0010, False),
    ],
)
def test_each_dilute_wording_at_its_thresholds(dilute: str, creatinine: float, gravity: float, expected: bool) -> None:
    """Each of the three published dilute wordings is selectable and applied at its own bounds."""
    rules = specimen_validity_rules(dilute=dilute)
    category = _category(SpecimenValidity(creatinine_mg_dl=creatinine, specific_gravity=gravity, ph=6), rules)
    assert (category is SpecimenCategory.DILUTE) is expected


def test_default_dilute_wording_is_documented() -> None:
    """The default rules use the "exclusive_range" wording; all three wordings are secondary sources."""
    assert SPECIMEN_VALIDITY.criteria[-1] == DILUTE_DEFINITIONS["exclusive_range"]
    assert {c.source.evidence for c in DILUTE_DEFINITIONS.values()} == {Evidence.SECONDARY}


@pytest.mark.parametrize(
    ("ph", "nitrite", "expected"),
    [
        (2.99, 0, SpecimenCategory.ADULTERATED),  # pH < 3
        (3.0, 0, SpecimenCategory.INVALID),  # 3.0–4.4
        (4.4, 0, SpecimenCategory.INVALID),
        (4.5, 0, SpecimenCategory.VALID),
        (8.99, 0, SpecimenCategory.VALID),
        (9.0, 0, SpecimenCategory.INVALID),  # 9.0–10.9
        (10.99, 0, SpecimenCategory.INVALID),
        (11.0, 0, SpecimenCategory.ADULTERATED),  # pH ≥ 11
        (6.0, 500, SpecimenCategory.ADULTERATED),  # nitrite ≥ 500
        (6.0, 499.9, SpecimenCategory.INVALID),  # nitrite 200–499
        (6.0, 200, SpecimenCategory.INVALID),
        (6.0, 199.9, SpecimenCategory.VALID),
    ],
)
def test_ph_and_nitrite_boundaries(ph: float, nitrite: float, expected: SpecimenCategory) -> None:
    """pH and nitrite at each published threshold fall in the documented category."""
    assert (
        _category(SpecimenValidity(creatinine_mg_dl=80, specific_gravity=1.015, ph=ph, nitrite_mcg_ml=nitrite))
        is expected
    )


def test_adulterant_detected_makes_a_specimen_adulterated() -> None:
    """A lab-reported adulterant makes the specimen adulterated whatever the measurements."""
    assert _category(SpecimenValidity(adulterant_detected=True)) is SpecimenCategory.ADULTERATED
    assert _category(SpecimenValidity()) is SpecimenCategory.VALID


def test_adulterated_ph_bound_is_selectable_and_marked_unverified() -> None:
    """With the lower pH bound at 4 (unverified), pH 3.5 is adulterated and pH 4.2 invalid."""
    rules = specimen_validity_rules(adulterated_ph_below=4)
    assert _category(SpecimenValidity(ph=3.5), rules) is SpecimenCategory.ADULTERATED
    assert _category(SpecimenValidity(ph=4.2), rules) is SpecimenCategory.INVALID
    bound = next(c for c in rules.criteria if c.ph is not None and c.ph.high == 4)
    assert bound.source.evidence is Evidence.UNVERIFIED
    assert rules.id == "specimen_validity_exclusive_range_ph_4"


@pytest.mark.parametrize(
    "call",
    [
        lambda: specimen_validity_rules(dilute="watery"),
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
        ({"ph": 3.0}, "$.ph"),
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
    assert rules.id.startswith("specimen_validity_exclusive_range_ph_")
    assert attrs.evolve(rules) == rules
    assert rules.classify(SpecimenValidity(ph=bound / 2))[0] is SpecimenCategory.ADULTERATED


def test_validity_methods_name_their_arguments() -> None:
    """``contains``, ``matches`` and ``classify`` refuse what is not a number or a SpecimenValidity."""
    for call, path in (
        (lambda: NumericRange(low=1).contains(None), "$.value"),  # type: ignore[arg-type]
        (lambda: NumericRange(low=1).contains(True), "$.value"),  # type: ignore[arg-type]
        (lambda: SPECIMEN_VALIDITY.classify({"ph": 7}), "$.validity"),  # type: ignore[arg-type]
        (lambda: SPECIMEN_VALIDITY.criteria[0].matches(NORMAL, NORMAL), "$"),  # type: ignore[call-arg]
        (lambda: HHS_2025.cutoff("thca"), "$.analyte"),  # type: ignore[arg-type]
        (lambda: HHS_2025.cutoffs[0].for_method("screen"), "$.method"),  # type: ignore[arg-type]
        (lambda: HHS_2025.combined(DOT_49_CFR_40_85, id="Not An Id", name="x"), "$.id"),
        (lambda: HHS_2025.combined(DOT_49_CFR_40_85, id="x", name=""), "$.name"),
    ):
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert info.value.paths == (path,)
