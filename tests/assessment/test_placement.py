"""ASAM dimension ratings, the intake assessment and the placement policy."""

from __future__ import annotations

import pickle
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore import strategies as ist
from iopcore.assessment import (
    ASAM3_DIMENSIONS,
    ASAM4_DIMENSIONS,
    DIMENSION_SETS,
    ILLUSTRATIVE_POLICY,
    AsamEdition,
    DimensionRating,
    DimensionRatings,
    Evaluation,
    EvaluationDomain,
    IntakeAssessment,
    NoSafeLevelError,
    OverrideReason,
    PlacementOverride,
    PlacementPolicy,
    PlacementRecommendation,
    RatingRule,
    Route,
    RuleBasedPlacementPolicy,
    ScoreRule,
    SubstanceUse,
    UseFrequency,
    dimension_set,
    recommend_placement,
    score,
)
from iopcore.errors import InvalidArgumentError, InvalidDataError, UnknownCodeError
from iopcore.levels import ASAM3, ASAM4, GENERIC_IOP, LevelCatalog
from iopcore.sources import Evidence, Source

CATALOG = {AsamEdition.THIRD: ASAM3, AsamEdition.FOURTH: ASAM4}


def ratings_of(edition: AsamEdition, **values: int) -> DimensionRatings:
    dims = dimension_set(edition)
    return DimensionRatings.of(edition, {d: (values.get(d.split("_")[0], 0), "rationale") for d in dims.rated_ids})


# ----------------------------------------------------------------------------- dimensions


def test_third_edition_has_six_rated_dimensions() -> None:
    """The 3rd edition rates six dimensions 0-4, from D1 withdrawal to D6 recovery environment."""
    assert len(ASAM3_DIMENSIONS.rated_ids) == 6
    assert ASAM3_DIMENSIONS.dimension("d4_readiness_to_change").name == "Readiness to Change"
    assert [a.rating for a in ASAM3_DIMENSIONS.anchors] == [0, 1, 2, 3, 4]


def test_fourth_edition_is_data_marked_secondary_or_unverified() -> None:
    """4th-edition dimensions carry subdimensions, no Readiness to Change, and non-verified sources."""
    names = [d.name for d in ASAM4_DIMENSIONS]
    assert "Person-Centered Considerations" in names and "Readiness to Change" not in names
    assert ASAM4_DIMENSIONS.dimension("d1_intoxication_withdrawal_medications").subdimensions[1].id == "withdrawal"
    assert all(d.source.evidence is not Evidence.VERIFIED for d in ASAM4_DIMENSIONS)
    assert ASAM4_DIMENSIONS.source.evidence is Evidence.UNVERIFIED
    assert not ASAM4_DIMENSIONS.dimension("d6_person_centered").risk_rated
    with pytest.raises(UnknownCodeError):
        ASAM4_DIMENSIONS.dimension("d4_readiness_to_change")
    with pytest.raises(UnknownCodeError):
        dimension_set("asam5")


def test_ratings_must_cover_every_dimension_once() -> None:
    """Missing, duplicate and unknown dimensions are each rejected with a path."""
    with pytest.raises(InvalidDataError) as info:
        DimensionRatings(edition=AsamEdition.THIRD, ratings=())
    assert info.value.paths == ("$.ratings",)
    full = ratings_of(AsamEdition.THIRD)
    with pytest.raises(InvalidDataError) as info:
        DimensionRatings(edition=AsamEdition.THIRD, ratings=(*full.ratings, full.ratings[0]))
    assert "$.ratings[6].dimension" in info.value.paths
    with pytest.raises(InvalidDataError) as info:
        DimensionRatings(edition=AsamEdition.FOURTH, ratings=full.ratings)
    assert "$.ratings[0].dimension" in info.value.paths


@pytest.mark.parametrize("bad", [-1, 5, 2.5, True, "3"])
def test_ratings_are_integers_0_to_4(bad: object) -> None:
    """A rating outside 0-4, or not an int, is rejected at $.rating."""
    with pytest.raises(InvalidDataError) as info:
        DimensionRating(dimension="d1_intoxication_withdrawal", rating=bad, rationale="x")  # type: ignore[arg-type]
    assert info.value.paths == ("$.rating",)


def test_every_rating_needs_a_rationale() -> None:
    """An empty rationale is rejected."""
    with pytest.raises(InvalidDataError):
        DimensionRating(dimension="d2_biomedical", rating=1, rationale=" ")


def test_anchor_codes_must_match_the_rating() -> None:
    """A 4th-edition anchor '3B' fits a rating of 3; it does not fit 2, and unknown codes are rejected."""
    base = ratings_of(AsamEdition.FOURTH)
    first = base.ratings[0]
    ok = attrs.evolve(first, rating=3, anchor="3B")
    assert DimensionRatings(edition=AsamEdition.FOURTH, ratings=(ok, *base.ratings[1:])).rating(first.dimension) == 3
    for bad in (attrs.evolve(first, rating=2, anchor="3B"), attrs.evolve(first, anchor="9Z")):
        with pytest.raises(InvalidDataError) as info:
            DimensionRatings(edition=AsamEdition.FOURTH, ratings=(bad, *base.ratings[1:]))
        assert info.value.paths == ("$.ratings[0].anchor",)


def test_ratings_are_never_summed_or_averaged() -> None:
    """DimensionRatings offers no total or mean; highest() names the top dimensions."""
    r = ratings_of(AsamEdition.THIRD, d2=3, d5=3, d1=1)
    assert not any(hasattr(r, name) for name in ("total", "sum", "mean", "average"))
    assert r.highest() == ("d2_biomedical", "d5_relapse_continued_use")
    assert r.as_dict()["d1_intoxication_withdrawal"] == 1
    with pytest.raises(UnknownCodeError):
        r.rating("d9_unknown")


# ----------------------------------------------------------------------------- intake


def test_intake_records_evaluations_history_scores_and_ratings() -> None:
    """An intake holds each part and answers questions about them."""
    intake = IntakeAssessment(
        patient_id="p-123",
        assessed_on=date(2026, 3, 2),
        evaluations=(
            Evaluation(domain=EvaluationDomain.MEDICAL, findings="Hypertension, controlled", diagnoses=("I10",)),
            Evaluation(domain=EvaluationDomain.MENTAL_HEALTH, findings="Low mood for 3 months"),
        ),
        substance_use=(
            SubstanceUse(
                substance="alcohol",
                route=Route.ORAL,
                frequency=UseFrequency.DAILY,
                last_use=date(2026, 3, 1),
                primary=True,
            ),
            SubstanceUse(substance="cannabis", route=Route.SMOKING, frequency=UseFrequency.ONE_TO_TWO_TIMES_PER_WEEK),
        ),
        scores=(score("phq9", [1, 1, 2, 1, 0, 1, 1, 0, 1]), score("audit_c", [4, 2, 3], sex="male")),
        ratings=ratings_of(AsamEdition.THIRD, d1=1, d3=2),
    )
    assert intake.score("phq9") is not None and intake.score("gad7") is None
    assert intake.flags == frozenset({"suicidal_ideation"})
    assert intake.days_since_last_use("alcohol") == 1
    assert intake.days_since_last_use("cannabis") is None
    evaluation = intake.evaluation(EvaluationDomain.MEDICAL)
    assert evaluation is not None and evaluation.diagnoses == ("I10",)
    assert intake.evaluation(EvaluationDomain.PHYSICAL) is None
    text = repr(intake)
    assert "p-123" not in text and "2026" not in text and "Hypertension" not in text


def test_intake_rules() -> None:
    """Last use after the assessment, two primary substances, or duplicate domains/instruments are rejected."""
    day = date(2026, 3, 2)
    use = SubstanceUse(substance="alcohol", route=Route.ORAL, frequency=UseFrequency.DAILY, primary=True)
    with pytest.raises(InvalidDataError) as info:
        IntakeAssessment(patient_id="p", assessed_on=day, substance_use=(attrs.evolve(use, last_use=date(2026, 3, 3)),))
    assert info.value.paths == ("$.substance_use[0].last_use",)
    with pytest.raises(InvalidDataError):
        IntakeAssessment(patient_id="p", assessed_on=day, substance_use=(use, use))
    ev = Evaluation(domain=EvaluationDomain.PHYSICAL, findings="ok")
    with pytest.raises(InvalidDataError):
        IntakeAssessment(patient_id="p", assessed_on=day, evaluations=(ev, ev))
    s = score("gad7", [0] * 7)
    with pytest.raises(InvalidDataError):
        IntakeAssessment(patient_id="p", assessed_on=day, scores=(s, s))


# ----------------------------------------------------------------------------- placement examples


def test_all_zero_ratings_recommend_the_least_intensive_level() -> None:
    """No risk anywhere: ASAM3 level 0.5, driven by the (equal) highest dimensions, nothing ruled out."""
    rec = ILLUSTRATIVE_POLICY.recommend(ratings_of(AsamEdition.THIRD), ASAM3)
    assert rec.level.code == "0.5" and rec.ruled_out == () and len(rec.driving_dimensions) == 6


def test_withdrawal_rating_adds_concurrent_withdrawal_management_in_asam3() -> None:
    """ASAM3 D1 rated 2: level 2.1 with concurrent 2-WM (a separate track); each lower level is explained."""
    rec = ILLUSTRATIVE_POLICY.recommend(ratings_of(AsamEdition.THIRD, d1=2), ASAM3)
    assert rec.level.code == "2.1"
    assert rec.withdrawal_management_level is not None and rec.withdrawal_management_level.code == "2-WM"
    assert rec.driving_dimensions == ("d1_intoxication_withdrawal",)
    assert [r.level for r in rec.ruled_out] == ["0.5", "1"]
    assert all(reason.dimension == "d1_intoxication_withdrawal" for r in rec.ruled_out for reason in r.reasons)


def test_without_a_separate_track_the_level_itself_provides_withdrawal_management() -> None:
    """ASAM4 integrates withdrawal management: D1 rated 2 recommends 1.7; turning concurrency off in ASAM3 picks 2-WM."""
    rec = ILLUSTRATIVE_POLICY.recommend(ratings_of(AsamEdition.FOURTH, d1=2), ASAM4)
    assert rec.level.code == "1.7" and rec.withdrawal_management_level is None
    single = attrs.evolve(ILLUSTRATIVE_POLICY, concurrent_withdrawal_management=False)
    rec3 = single.recommend(ratings_of(AsamEdition.THIRD, d1=2), ASAM3)
    assert rec3.level.code == "2-WM" and rec3.withdrawal_management_level is None
    assert [r.level for r in rec3.ruled_out] == ["0.5", "1", "1-WM"]
    assert "withdrawal management" in rec3.ruled_out[2].reasons[-1].explanation


def test_severe_ciwa_and_suicidal_ideation_drive_placement() -> None:
    """A severe CIWA-Ar needs medically monitored care with 3.7-WM; a PHQ-9 item-9 flag drives D3 to at least 2.5."""
    zero = ratings_of(AsamEdition.THIRD)
    severe = score("ciwa_ar", [3, 3, 3, 3, 3, 0, 0, 0, 0, 0])
    rec = ILLUSTRATIVE_POLICY.recommend(zero, ASAM3, scores=[severe])
    assert rec.level.code == "3.7" and rec.driving_dimensions == ("d1_intoxication_withdrawal",)
    assert rec.withdrawal_management_level is not None and rec.withdrawal_management_level.code == "3.7-WM"
    flagged = score("phq9", [0] * 8 + [1])
    rec2 = ILLUSTRATIVE_POLICY.recommend(zero, ASAM3, scores=[flagged])
    assert rec2.level.code == "2.5" and rec2.driving_dimensions == ("d3_emotional_behavioral_cognitive",)
    assert rec2.triggered_rules == ("asam3_suicidal_ideation",)


def test_no_withdrawal_track_level_meets_the_rules() -> None:
    """A withdrawal rule that no track level can meet raises NoSafeLevelError naming it."""
    src = Source(citation="x")
    policy = RuleBasedPlacementPolicy(
        name="p",
        rules=(
            RatingRule(
                id="wm_mm",
                dimension="d1_intoxication_withdrawal",
                min_rating=1,
                min_intensity=1,
                withdrawal_management=True,
                medically_managed=True,
                source=src,
            ),
        ),
        source=src,
    )
    low_track = attrs.evolve(ASAM3.without(("3.7-WM", "4-WM")), transitions=())
    with pytest.raises(NoSafeLevelError) as info:
        policy.recommend(ratings_of(AsamEdition.THIRD, d1=1), low_track)
    assert info.value.unmet == ("wm_mm",)


def test_override_records_recommended_and_actual_levels() -> None:
    """A clinician override keeps the recommendation and records the actual level and the reason."""
    rec = ILLUSTRATIVE_POLICY.recommend(ratings_of(AsamEdition.THIRD, d5=2), ASAM3)
    assert rec.level.code == "2.1" and not rec.is_overridden and rec.actual_level == rec.level
    chosen = rec.with_override(ASAM3.level("1"), "patient_preference", "works days; will step up if needed")
    assert chosen.level.code == "2.1" and chosen.actual_level.code == "1"
    assert chosen.override is not None and chosen.override.reason is OverrideReason.PATIENT_PREFERENCE
    with pytest.raises(InvalidDataError):
        rec.with_override(ASAM3.level("2.1"), OverrideReason.PAYER)
    with pytest.raises(InvalidDataError) as info:
        rec.with_override(ASAM3.level("1"), "whim")
    assert info.value.paths == ("$.reason",)


def test_no_safe_level_is_an_error_naming_the_rules() -> None:
    """A catalog with no withdrawal management cannot place D1 = 2: NoSafeLevelError lists the unmet rule."""
    with pytest.raises(NoSafeLevelError) as info:
        ILLUSTRATIVE_POLICY.recommend(ratings_of(AsamEdition.THIRD, d1=2), GENERIC_IOP)
    assert "asam3_d1_rated_2" in info.value.unmet
    again = pickle.loads(pickle.dumps(info.value))
    assert again.unmet == info.value.unmet and str(again) == str(info.value)


def test_recommend_placement_takes_an_intake() -> None:
    """recommend_placement reads the intake's ratings and scores; an intake without ratings is an error."""
    intake = IntakeAssessment(
        patient_id="p",
        assessed_on=date(2026, 1, 5),
        scores=(score("cows", [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3]),),
        ratings=ratings_of(AsamEdition.FOURTH),
    )
    assert recommend_placement(intake, ASAM4).level.code == "1.7"
    assert recommend_placement(intake.ratings, ASAM4).level.code == "1.0"  # type: ignore[arg-type]
    with pytest.raises(InvalidDataError):
        recommend_placement(attrs.evolve(intake, ratings=None), ASAM4)


def test_bad_inputs_to_recommend_are_invalid_data() -> None:
    """Wrong types for ratings, catalog or scores raise InvalidDataError at their paths."""
    r = ratings_of(AsamEdition.THIRD)
    for args, kwargs, path in (
        (({}, ASAM3), {}, "$.ratings"),
        ((r, "ASAM3"), {}, "$.catalog"),
        ((r, ASAM3), {"scores": [1]}, "$.scores[0]"),
    ):
        with pytest.raises(InvalidDataError) as info:
            ILLUSTRATIVE_POLICY.recommend(*args, **kwargs)  # type: ignore[arg-type]
        assert info.value.paths == (path,)


def test_policy_is_illustrative_and_replaceable() -> None:
    """Every built-in rule is marked ILLUSTRATIVE; a program's own policy and any PlacementPolicy plug in."""
    assert all(rule.source.evidence is Evidence.ILLUSTRATIVE for rule in ILLUSTRATIVE_POLICY.rules)
    assert isinstance(ILLUSTRATIVE_POLICY, PlacementPolicy)
    ours = RuleBasedPlacementPolicy(
        name="Our program",
        rules=(
            RatingRule(
                id="any_risk",
                dimension="d5_relapse_continued_use",
                min_rating=1,
                min_intensity=2.1,
                source=Source(citation="Our protocol"),
            ),
        ),
        source=Source(citation="Our protocol", evidence=Evidence.ILLUSTRATIVE),
    )
    assert recommend_placement(ratings_of(AsamEdition.THIRD, d5=1), ASAM3, policy=ours).level.code == "2.1"

    class Licensed:
        name = "licensed engine"

        def recommend(
            self, ratings: DimensionRatings, catalog: LevelCatalog, *, scores: object = ()
        ) -> PlacementRecommendation:
            return PlacementRecommendation(
                level=catalog.level("3.1"), driving_dimensions=("d6_recovery_environment",), policy=self.name
            )

    assert isinstance(Licensed(), PlacementPolicy)
    assert recommend_placement(ratings_of(AsamEdition.THIRD), ASAM3, policy=Licensed()).level.code == "3.1"  # type: ignore[arg-type]


def test_rule_values_validate() -> None:
    """Score rules need a band or a flag; rule ids are unique within a policy."""
    src = Source(citation="x")
    with pytest.raises(InvalidDataError):
        ScoreRule(id="r", dimension="d2_biomedical", instrument="cows", min_intensity=1, source=src)
    rule = RatingRule(id="r", dimension="d2_biomedical", min_rating=1, min_intensity=1, source=src)
    with pytest.raises(InvalidDataError):
        RuleBasedPlacementPolicy(name="p", rules=(rule, rule), source=src)


@pytest.mark.parametrize(
    ("edition", "dimension"),
    [(None, "d1"), (AsamEdition.THIRD, "d3_psychiatric_cognitive"), (AsamEdition.FOURTH, "d6_person_centered")],
)
def test_rules_on_dimensions_no_rating_carries_are_refused(edition: AsamEdition | None, dimension: str) -> None:
    """A rule on an unknown dimension, another edition's or an unrated one (4th-edition D6) could never fire."""
    src = Source(citation="x")
    for build in (
        lambda: RatingRule(id="r", edition=edition, dimension=dimension, min_rating=1, min_intensity=1, source=src),
        lambda: ScoreRule(
            id="r", edition=edition, dimension=dimension, instrument="phq9", flag="f", min_intensity=1, source=src
        ),
    ):
        with pytest.raises(InvalidDataError) as info:
            build()
        assert info.value.paths == ("$.dimension",)
    with pytest.raises(InvalidDataError) as info:
        RatingRule(kind="score", id="r", dimension="d2_biomedical", min_rating=1, min_intensity=1, source=src)  # type: ignore[arg-type]
    assert info.value.paths == ("$.kind",) and "Attribute" not in str(info.value)


# ----------------------------------------------------------------------------- placement properties


@settings(max_examples=60)
@given(st.sampled_from(AsamEdition), st.data())
def test_raising_one_rating_never_lowers_intensity(edition: AsamEdition, data: st.DataObject) -> None:
    """Raising any single dimension rating never lowers the recommended intensity."""
    ratings = data.draw(ist.dimension_rating_sets(edition=edition))
    scores = data.draw(st.lists(ist.instrument_scores(instrument_ids=("ciwa_ar", "cows", "phq9")), max_size=2))
    index = data.draw(st.integers(0, len(ratings.ratings) - 1))
    old = ratings.ratings[index]
    new_value = data.draw(st.integers(old.rating, 4))
    raised = attrs.evolve(
        ratings,
        ratings=tuple(
            attrs.evolve(r, rating=new_value, anchor=None) if i == index else r for i, r in enumerate(ratings.ratings)
        ),
    )
    catalog = CATALOG[edition]
    before = ILLUSTRATIVE_POLICY.recommend(ratings, catalog, scores=scores)
    after = ILLUSTRATIVE_POLICY.recommend(raised, catalog, scores=scores)
    assert after.level.intensity >= before.level.intensity


@settings(max_examples=60)
@given(st.sampled_from(AsamEdition), st.data())
def test_every_recommendation_names_driving_dimensions_and_justifies_itself(
    edition: AsamEdition, data: st.DataObject
) -> None:
    """Each recommendation names >= 1 rated driving dimension, and every less intensive level is ruled out with reasons."""
    ratings = data.draw(ist.dimension_rating_sets(edition=edition))
    scores = data.draw(st.lists(ist.instrument_scores(instrument_ids=("ciwa_ar", "cows", "phq9")), max_size=2))
    catalog = CATALOG[edition]
    rec = ILLUSTRATIVE_POLICY.recommend(ratings, catalog, scores=scores)
    assert rec.driving_dimensions and set(rec.driving_dimensions) <= set(dimension_set(edition).rated_ids)
    track = any(lv.category.value == "withdrawal_management" for lv in catalog)
    lower = {
        lv.code
        for lv in catalog
        if lv.intensity < rec.level.intensity
        and lv.category.value != "opioid_treatment"
        and not (track and lv.category.value == "withdrawal_management")
    }
    assert {r.level for r in rec.ruled_out} == lower
    assert all(r.reasons for r in rec.ruled_out)
    # independent check: the level (with its concurrent withdrawal-management level) meets every triggered rule
    wm = rec.withdrawal_management_level
    for rule in ILLUSTRATIVE_POLICY.triggered(ratings, scores):
        assert rec.level.intensity >= rule.min_intensity
        assert rec.level.is_medically_managed or not rule.medically_managed
        if rule.withdrawal_management:
            provider = wm if track else rec.level
            assert provider is not None and provider.withdrawal_management
            assert provider.intensity >= rule.min_intensity
            assert provider.is_medically_managed or not rule.medically_managed


@pytest.mark.parametrize("edition", list(AsamEdition))
def test_a_rating_of_4_or_severe_withdrawal_is_more_intensive_than_all_zero(edition: AsamEdition) -> None:
    """Any dimension at 4, a severe CIWA-Ar or a severe COWS recommends more than all-zero ratings do."""
    catalog = CATALOG[edition]
    zero = ratings_of(edition)
    base = ILLUSTRATIVE_POLICY.recommend(zero, catalog).level.intensity
    for dim in dimension_set(edition).rated_ids:
        four = DimensionRatings.of(edition, {d: (4 if d == dim else 0, "r") for d in dimension_set(edition).rated_ids})
        assert ILLUSTRATIVE_POLICY.recommend(four, catalog).level.intensity > base, dim
    for severe in (score("ciwa_ar", [7] * 9 + [4]), score("cows", [4, 4, 5, 5, 4, 4, 5, 4, 4, 4, 5])):
        assert ILLUSTRATIVE_POLICY.recommend(zero, catalog, scores=[severe]).level.intensity > base


# ----------------------------------------------------------------------------- the guarded boundary


def test_ratings_of_an_unknown_edition_name_it_without_echoing_it() -> None:
    """DimensionRatings.of("x", {}) is an iopcore error on $.edition that lists the editions, never echoes "x"."""
    with pytest.raises(UnknownCodeError) as info:
        DimensionRatings.of("secret-edition", {})
    assert info.value.paths == ("$.edition",) and info.value.known == ("asam3", "asam4")
    assert "secret-edition" not in str(info.value) + repr(info.value)


def test_ratings_of_report_every_problem_by_dimension() -> None:
    """Out-of-range ratings, empty rationales, unknown and missing dimensions are all named at once."""
    given_ = dict.fromkeys(ASAM3_DIMENSIONS.rated_ids[2:], (0, "why"))
    given_["d3_emotional_behavioral_cognitive"] = (5, " ")
    given_["Jane Doe"] = (1, "why")
    with pytest.raises(InvalidArgumentError) as info:
        DimensionRatings.of(AsamEdition.THIRD, given_)
    assert set(info.value.paths) == {
        "$.ratings.d3_emotional_behavioral_cognitive[0]",
        "$.ratings.d3_emotional_behavioral_cognitive[1]",
        "$.ratings",
    }
    assert "Jane Doe" not in str(info.value)
    assert "missing d1_intoxication_withdrawal, d2_biomedical" in str(info.value)
    with pytest.raises(InvalidArgumentError) as info:
        DimensionRatings.of("asam3", {"d1_intoxication_withdrawal": (True, "why")})
    assert "$.ratings.d1_intoxication_withdrawal[0]" in info.value.paths


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda: dimension_set(3), "$.edition"),
        (lambda: ASAM3_DIMENSIONS.dimension("d9"), "$.dimension_id"),
        (lambda: ratings_of(AsamEdition.THIRD).rating("d9"), "$.dimension"),
        (lambda: ratings_of(AsamEdition.THIRD).as_dict(1), "$"),
        (lambda: ILLUSTRATIVE_POLICY.triggered(None), "$.ratings"),
        (lambda: ILLUSTRATIVE_POLICY.rules[-1].applies(None), "$.score"),  # type: ignore[union-attr]
        (lambda: ILLUSTRATIVE_POLICY.recommend(ratings_of(AsamEdition.THIRD), ASAM3, score=()), "$.score"),
        (lambda: recommend_placement(None, ASAM3), "$.assessment"),
        (lambda: recommend_placement(ratings_of(AsamEdition.THIRD), ASAM3, policy="illustrative"), "$.policy"),
        (lambda: recommend_placement(_intake(), ASAM3), "$.assessment.ratings"),
        (lambda: _intake().score(None), "$.instrument_id"),
        (lambda: _intake().evaluation("medical"), "$.domain"),
        (lambda: _intake().days_since_last_use(1), "$.substance"),
    ],
)
def test_bad_arguments_name_their_parameter(call: Any, path: str) -> None:
    """Wrong types, unknown codes and misspelt keywords are refused naming the parameter."""
    with pytest.raises(InvalidDataError) as info:
        call()
    assert info.value.paths == (path,)


def _intake() -> IntakeAssessment:
    return IntakeAssessment(patient_id="MRN-123", assessed_on=date(2026, 3, 2))


def test_overrides_are_checked_before_they_are_recorded() -> None:
    """An unknown reason names $.reason; the recommended level itself names $.level; a member or its value works."""
    rec = ILLUSTRATIVE_POLICY.recommend(ratings_of(AsamEdition.THIRD, d5=2), ASAM3)
    with pytest.raises(UnknownCodeError) as info:
        rec.with_override(ASAM3.level("1"), "because-i-said")
    assert info.value.paths == ("$.reason",) and "because-i-said" not in str(info.value)
    with pytest.raises(InvalidArgumentError) as info:
        rec.with_override(rec.level, OverrideReason.PAYER)
    assert info.value.paths == ("$.level",)
    chosen = rec.with_override(ASAM3.level("1"), "payer", "note")
    assert chosen.override is not None and chosen.override.reason is OverrideReason.PAYER


def test_a_policy_that_returns_something_else_is_refused() -> None:
    """recommend_placement never hands back what a plugged-in policy returned unless it is a recommendation."""

    class Broken:
        name = "broken"

        def recommend(self, ratings: Any, catalog: Any, *, scores: Any = ()) -> Any:
            return "2.1"

    with pytest.raises(InvalidDataError) as info:
        recommend_placement(ratings_of(AsamEdition.THIRD), ASAM3, policy=Broken())
    assert info.value.paths == ("$.policy",)


def test_free_text_about_the_patient_is_redacted() -> None:
    """Rationales and override notes are free text about the patient: never in a repr."""
    secret = "lives with Jane at 12 Elm St"
    ratings = DimensionRatings.of(AsamEdition.THIRD, dict.fromkeys(ASAM3_DIMENSIONS.rated_ids, (0, secret)))
    rec = ILLUSTRATIVE_POLICY.recommend(ratings, ASAM3).with_override(ASAM3.level("1"), OverrideReason.OTHER, secret)
    for text in (repr(ratings), str(ratings), repr(rec), str(rec)):
        assert secret not in text


@pytest.mark.parametrize(
    "strategy",
    [
        ist.subdimensions(),
        ist.rating_anchors(),
        ist.dimensions(),
        ist.dimension_sets(),
        ist.dimension_ratings(),
        ist.dimension_rating_sets(),
        ist.evaluations(),
        ist.substance_uses(),
        ist.intake_assessments(),
        ist.rating_rules(),
        ist.score_rules(),
        ist.placement_policies(),
        ist.placement_reasons(),
        ist.ruled_out_levels(),
        ist.placement_overrides(),
        ist.placement_recommendations(),
    ],
    ids=[
        "Subdimension",
        "RatingAnchor",
        "Dimension",
        "DimensionSet",
        "DimensionRating",
        "DimensionRatings",
        "Evaluation",
        "SubstanceUse",
        "IntakeAssessment",
        "RatingRule",
        "ScoreRule",
        "RuleBasedPlacementPolicy",
        "PlacementReason",
        "RuledOutLevel",
        "PlacementOverride",
        "PlacementRecommendation",
    ],
)
@given(data=st.data())
def test_values_pickle_to_equal_values_and_hash(strategy: st.SearchStrategy[Any], data: st.DataObject) -> None:
    """Every ratings, intake and placement value pickles to an equal value with the same hash."""
    value = data.draw(strategy)
    copy = pickle.loads(pickle.dumps(value))
    assert copy == value and hash(copy) == hash(value)


def test_the_dimension_catalog_pickles_and_hashes() -> None:
    """DIMENSION_SETS is a read-only mapping that pickles and hashes."""
    assert pickle.loads(pickle.dumps(DIMENSION_SETS)) == DIMENSION_SETS
    assert hash(pickle.loads(pickle.dumps(DIMENSION_SETS))) == hash(DIMENSION_SETS)


def test_a_recommendation_built_directly_refuses_an_override_to_its_own_level() -> None:
    """The constructor (not only with_override) refuses an override naming the recommended level."""
    rec = ILLUSTRATIVE_POLICY.recommend(ratings_of(AsamEdition.THIRD, d5=2), ASAM3)
    with pytest.raises(InvalidDataError) as info:
        attrs.evolve(rec, override=PlacementOverride(level=rec.level, reason=OverrideReason.PAYER))
    assert info.value.paths == ("$.override.level",)
