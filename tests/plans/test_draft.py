"""Drafting a plan from an intake assessment: problems from ratings and instrument findings, default interventions."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore import strategies as ist
from iopcore.assessment import (
    DIMENSION_SETS,
    AsamEdition,
    DimensionRatings,
    InstrumentScore,
    IntakeAssessment,
    score,
)
from iopcore.components import COMPONENTS, Role
from iopcore.errors import InvalidArgumentError, InvalidDataError
from iopcore.levels import ASAM3, Population
from iopcore.plans import (
    DEFAULT_INTERVENTIONS,
    DRAFT_RULES,
    FINDING_RULES,
    DraftRules,
    FindingKind,
    FindingMatch,
    FindingRule,
    Frequency,
    InterventionDefault,
    Per,
    PlanStatus,
    draft_plan,
    validate_plan,
)
from iopcore.programs import Program
from iopcore.sources import Evidence, Source
from iopcore.times import Minutes

PROGRAM = Program.from_level(ASAM3.level("2.1"), Population.ADULT, id="adult_iop", name="Adult IOP")
DAY = date(2026, 3, 2)
ASAM3_IDS = DIMENSION_SETS[AsamEdition.THIRD].rated_ids
SRC = Source(citation="test", evidence=Evidence.ILLUSTRATIVE)


def ratings(*values: int) -> DimensionRatings:
    return DimensionRatings.of("asam3", {d: (v, "why") for d, v in zip(ASAM3_IDS, values, strict=True)})


def intake(*scores: InstrumentScore, rated: DimensionRatings | None = None) -> IntakeAssessment:
    return IntakeAssessment(patient_id="p-1", assessed_on=DAY, scores=scores, ratings=rated)


PHQ9_ITEM9 = score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
AUDIT_HARMFUL = score("audit", [4, 4, 4, 1, 1, 1, 0, 0, 2, 0])  # 17: zone III


# ----------------------------------------------------------------------------- problems from ratings


def test_dimensions_at_or_above_the_default_threshold_raise_problems_in_dimension_order() -> None:
    """With the default threshold 2, dimensions rated 2, 3 or 4 raise problems; 0 and 1 do not."""
    plan = draft_plan(intake(rated=ratings(4, 0, 2, 1, 3, 1)), PROGRAM)
    assert [p.id for p in plan.problems] == [
        "asam3_d1_intoxication_withdrawal",
        "asam3_d3_emotional_behavioral_cognitive",
        "asam3_d5_relapse_continued_use",
    ]
    first = plan.problems[0]
    assert first.source.kind is FindingKind.ASAM_DIMENSION
    assert first.source.ref == "asam3.d1_intoxication_withdrawal"
    assert "rated 4 (severe) of 4" in first.description


def test_the_threshold_is_configurable() -> None:
    """Raising the threshold to 4 keeps only the dimensions rated 4."""
    rules = attrs.evolve(DRAFT_RULES, dimension_threshold=4)
    plan = draft_plan(intake(rated=ratings(4, 0, 2, 1, 3, 1)), PROGRAM, rules=rules)
    assert [p.id for p in plan.problems] == ["asam3_d1_intoxication_withdrawal"]


def test_fourth_edition_ratings_name_the_fourth_edition_dimension() -> None:
    """4th-edition ratings give ``asam4`` ids and refs; ratings without a plain anchor show the number only."""
    ids = DIMENSION_SETS[AsamEdition.FOURTH].rated_ids
    rated = DimensionRatings.of("asam4", {d: (3 if i == 0 else 0, "why") for i, d in enumerate(ids)})
    (problem,) = draft_plan(intake(rated=rated), PROGRAM).problems
    assert problem.source.ref == "asam4.d1_intoxication_withdrawal_medications"
    assert "rated 3 of 4" in problem.description


@settings(max_examples=40)
@given(rated=ist.dimension_rating_sets(), threshold=st.integers(0, 4))
def test_exactly_the_dimensions_at_or_above_the_threshold_raise_problems(
    rated: DimensionRatings, threshold: int
) -> None:
    """For any ratings and threshold, the dimension problems are the dimensions rated at or above it, in order."""
    rules = attrs.evolve(DRAFT_RULES, dimension_threshold=threshold)
    plan = draft_plan(intake(rated=rated), PROGRAM, rules=rules)
    expected = [f"{rated.edition.value}.{d}" for d, v in rated.as_dict().items() if v >= threshold]
    assert [p.source.ref for p in plan.problems] == expected


# ----------------------------------------------------------------------------- problems from instruments


def test_phq9_item_9_raises_a_safety_problem_whatever_the_total() -> None:
    """A PHQ-9 with only item 9 endorsed (total 1, band minimal) still raises the safety problem."""
    assert PHQ9_ITEM9.band == "minimal"
    (problem,) = draft_plan(intake(PHQ9_ITEM9), PROGRAM).problems
    assert problem.id == "safety_suicidal_ideation"
    assert problem.source.kind is FindingKind.INSTRUMENT_FLAG
    assert problem.source.ref == "phq9.suicidal_ideation"


def test_audit_harmful_zone_raises_an_alcohol_use_problem() -> None:
    """An AUDIT total in zone III gives the alcohol-use problem linked to the band it was in."""
    assert AUDIT_HARMFUL.band == "harmful"
    (problem,) = draft_plan(intake(AUDIT_HARMFUL), PROGRAM).problems
    assert (problem.id, problem.source.ref) == ("alcohol_use", "audit.harmful")


def test_low_risk_results_raise_nothing() -> None:
    """A low-risk AUDIT and a PHQ-9 of zeros raise no problem."""
    quiet = (score("audit", [0] * 10), score("phq9", [0] * 9))
    assert draft_plan(intake(*quiet), PROGRAM).problems == ()


def test_positive_screens_raise_their_problems_after_the_flag_and_band_rules() -> None:
    """A positive GAD-7 and a PHQ-9 over the cut-off with item 9 give three problems in table order."""
    phq9 = score("phq9", [2, 2, 2, 2, 2, 0, 0, 0, 1])  # 13 >= 10, item 9 endorsed
    gad7 = score("gad7", [2, 2, 2, 2, 2, 0, 0])  # 10 >= 10
    plan = draft_plan(intake(gad7, phq9, rated=ratings(0, 0, 0, 0, 2, 0)), PROGRAM)
    assert [(p.id, p.source.ref) for p in plan.problems] == [
        ("asam3_d5_relapse_continued_use", "asam3.d5_relapse_continued_use"),
        ("safety_suicidal_ideation", "phq9.suicidal_ideation"),
        ("depression", "phq9.positive"),
        ("anxiety", "gad7.positive"),
    ]


def test_the_finding_table_is_replaceable() -> None:
    """Rules built by the user replace the table: here only the AUDIT hazardous zone counts."""
    rule = FindingRule(
        id="hazardous_drinking",
        instrument="audit",
        match=FindingMatch.BAND,
        values=("hazardous",),
        description="Hazardous drinking",
        source=SRC,
    )
    rules = attrs.evolve(DRAFT_RULES, findings=(rule,))
    hazardous = score("audit", [2, 2, 2, 1, 1, 1, 0, 0, 0, 0])  # 9: zone II
    assert [p.id for p in draft_plan(intake(hazardous, PHQ9_ITEM9), PROGRAM, rules=rules).problems] == [
        "hazardous_drinking"
    ]


def test_finding_rules_read_labels_from_the_instrument_catalog() -> None:
    """Every built-in rule names a known instrument, and its flags or bands exist in that instrument's data."""
    from iopcore.assessment import INSTRUMENTS

    for rule in FINDING_RULES:
        inst = INSTRUMENTS[rule.instrument]
        if rule.match is FindingMatch.FLAG:
            known = {r.flag for r in inst.flag_rules} | {r.flag for r in inst.cluster_rules}
        elif rule.match is FindingMatch.BAND:
            known = {b.label for s in inst.schemes for b in s.bands}
        else:
            assert inst.cutoffs, rule.id
            known = set()
        assert set(rule.values) <= known, rule.id


def test_a_rule_does_not_match_another_instrument() -> None:
    """``FindingRule.matched`` ignores scores of other instruments."""
    assert FINDING_RULES[0].matched(AUDIT_HARMFUL) is None


@settings(max_examples=40)
@given(assessment=ist.intake_assessments(max_scores=4), rules=ist.draft_rules())
def test_drafting_is_deterministic_and_every_problem_traces_to_a_finding(
    assessment: IntakeAssessment, rules: DraftRules
) -> None:
    """Same input, same plan; every problem's source names a rating at the threshold or a matching result."""
    plan = draft_plan(assessment, PROGRAM, rules=rules)
    assert plan == draft_plan(assessment, PROGRAM, rules=rules)
    assert validate_plan(plan, program=PROGRAM) is plan
    assert plan.status is PlanStatus.DRAFT and plan.patient_id == assessment.patient_id
    for problem in plan.problems:
        where, _, what = problem.source.ref.partition(".")
        if problem.source.kind is FindingKind.ASAM_DIMENSION:
            assert assessment.ratings is not None and assessment.ratings.edition.value == where
            assert assessment.ratings.rating(what) >= rules.dimension_threshold
        else:
            found = assessment.score(where)
            rule = next(r for r in rules.findings if r.id == problem.id)
            assert found is not None and rule.matched(found) == what


# ----------------------------------------------------------------------------- interventions


def test_default_interventions_come_from_the_cited_table_in_program_order() -> None:
    """Without frequencies, only the cited defaults are drafted: individual counseling monthly, drug testing weekly."""
    plan = draft_plan(intake(), PROGRAM)
    assert [(i.id, i.frequency, i.minutes, i.responsible) for i in plan.interventions] == [
        ("individual_counseling", Frequency(sessions=1, per=Per.MONTH), Minutes(50), Role.ADDICTION_COUNSELOR),
        ("drug_testing", Frequency(sessions=1, per=Per.WEEK), Minutes(15), Role.NURSE),
    ]
    assert all(d.source.evidence in (Evidence.VERIFIED, Evidence.SECONDARY) for d in DEFAULT_INTERVENTIONS)


def test_frequencies_and_minutes_from_the_caller_add_and_override_components() -> None:
    """Caller frequencies add group counseling and override drug testing; caller minutes set a session length."""
    plan = draft_plan(
        intake(),
        PROGRAM,
        frequencies={"group_counseling": Frequency(sessions=3), "drug_testing": Frequency(sessions=2)},
        minutes={"group_counseling": Minutes(180)},
    )
    assert [(i.component, i.frequency.sessions, i.minutes.value) for i in plan.interventions] == [
        ("group_counseling", 3, 180),
        ("individual_counseling", 1, 50),
        ("drug_testing", 2, 15),
    ]
    assert validate_plan(plan, program=PROGRAM) is plan


def test_a_default_with_its_own_minutes_and_role_wins_over_the_component() -> None:
    """An InterventionDefault's minutes and responsible role replace the component's typical values."""
    default = InterventionDefault(
        component="drug_testing",
        frequency=Frequency(sessions=2),
        minutes=Minutes(10),
        responsible=Role.CASE_MANAGER,
        source=SRC,
    )
    (iv,) = draft_plan(intake(), PROGRAM, rules=attrs.evolve(DRAFT_RULES, interventions=(default,))).interventions
    assert (iv.minutes, iv.responsible) == (Minutes(10), Role.CASE_MANAGER)


def test_components_the_program_does_not_offer_get_no_default() -> None:
    """A program without drug testing drafts no drug-testing intervention."""
    program = attrs.evolve(PROGRAM, components=tuple(c for c in COMPONENTS if c.id != "drug_testing"))
    assert [i.component for i in draft_plan(intake(), program).interventions] == ["individual_counseling"]


def test_written_on_defaults_to_the_assessment_date_and_can_be_given() -> None:
    """The draft is written on the assessment date unless *written_on* says otherwise; its id is *id*."""
    assert draft_plan(intake(), PROGRAM).written_on == DAY
    plan = draft_plan(intake(), PROGRAM, id="plan_17", written_on=date(2026, 3, 4))
    assert (plan.id, plan.written_on, plan.goals, plan.objectives) == ("plan_17", date(2026, 3, 4), (), ())


@pytest.mark.parametrize(
    ("kwargs", "path", "rule"),
    [
        ({"frequencies": {"yoga": Frequency(sessions=1)}}, "$.frequencies.yoga", "not_offered"),
        ({"frequencies": {"group_counseling": 3}}, "$.frequencies.group_counseling", "type"),
        ({"minutes": {"group_counseling": 90}}, "$.minutes.group_counseling", "type"),
        ({"minutes": [("a", 1)]}, "$.minutes", "type"),
        ({"frequencies": {"medical_care": Frequency(sessions=1)}}, "$.minutes.medical_care", "missing"),
        ({"minutes": {"group_counseling": Minutes(0)}}, "$.minutes.group_counseling", "range"),
        ({"minutes": {"group_counseling": Minutes(1441)}}, "$.minutes.group_counseling", "range"),
    ],
)
def test_bad_frequencies_or_minutes_are_reported_at_their_key(kwargs: dict[str, Any], path: str, rule: str) -> None:
    """Unknown components, wrong value types and components without any session length name the key."""
    with pytest.raises(InvalidDataError) as info:
        draft_plan(intake(), PROGRAM, **kwargs)
    assert info.value.errors[0].path == path and info.value.errors[0].rule == rule


@pytest.mark.parametrize(
    ("args", "path"),
    [
        (("nope", PROGRAM, DRAFT_RULES), "$.assessment"),
        ((intake(), "nope", DRAFT_RULES), "$.program"),
        ((intake(), PROGRAM, "nope"), "$.rules"),
    ],
)
def test_wrong_argument_types_are_rejected(args: tuple[Any, ...], path: str) -> None:
    """Arguments of the wrong type raise InvalidDataError at their name."""
    with pytest.raises(InvalidDataError) as info:
        draft_plan(args[0], args[1], rules=args[2])
    assert info.value.paths == (path,)


# ----------------------------------------------------------------------------- the rule values


def test_positive_rules_take_no_values_and_flag_rules_need_some() -> None:
    """A positive-screen rule with values, or a flag rule without, is rejected at ``$.values``."""
    base: dict[str, Any] = {"id": "x", "instrument": "phq9", "description": "d", "source": SRC}
    for match, values in ((FindingMatch.POSITIVE, ("a",)), (FindingMatch.FLAG, ())):
        with pytest.raises(InvalidDataError) as info:
            FindingRule(match=match, values=values, **base)
        assert info.value.paths == ("$.values",)


def test_draft_rules_reject_duplicates_and_ids_of_dimension_problems() -> None:
    """Duplicate rule ids, duplicate default components and rule ids that clash with dimension problems are reported."""
    clash = attrs.evolve(FINDING_RULES[0], id="asam3_d2_biomedical")
    with pytest.raises(InvalidDataError) as info:
        DraftRules(
            id="mine",
            name="Mine",
            findings=(FINDING_RULES[0], FINDING_RULES[0], clash),
            interventions=(DEFAULT_INTERVENTIONS[0], DEFAULT_INTERVENTIONS[0]),
            source=SRC,
        )
    assert info.value.paths == ("$.findings[1]", "$.interventions[1]", "$.findings[2].id")


def test_the_default_rules_cite_an_illustrative_source_and_threshold_two() -> None:
    """The default threshold is 2 and the mapping is marked illustrative (a drafting aid, not ASAM's logic)."""
    assert DRAFT_RULES.dimension_threshold == 2
    assert DRAFT_RULES.source.evidence is Evidence.ILLUSTRATIVE
    assert DRAFT_RULES.default_for("drug_testing") is DEFAULT_INTERVENTIONS[0]
    assert DRAFT_RULES.default_for("exercise") is None


def test_rule_queries_are_guarded() -> None:
    """FindingRule.matched wants an InstrumentScore and DraftRules.default_for a component id."""
    with pytest.raises(InvalidArgumentError) as info:
        FINDING_RULES[0].matched("phq9")  # type: ignore[arg-type]
    assert info.value.paths == ("$.score",)
    with pytest.raises(InvalidArgumentError) as info:
        DRAFT_RULES.default_for(3)  # type: ignore[arg-type]
    assert info.value.paths == ("$.component",)


def test_a_default_session_length_is_one_to_1440_minutes() -> None:
    """An intervention default of 0 minutes is rejected when the table is built, not when a plan is drafted."""
    with pytest.raises(InvalidDataError) as info:
        attrs.evolve(DEFAULT_INTERVENTIONS[0], minutes=Minutes(0))
    assert info.value.paths == ("$.minutes",)
