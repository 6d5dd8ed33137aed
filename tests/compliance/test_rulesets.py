"""Rule sets: the built-in sets and their sources, composition and overrides, careless changes refused by argument."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

import iopcore
from iopcore import compliance
from iopcore.compliance import (
    ASAM_2_1_ADOLESCENT_RULES,
    ASAM_2_1_ADULT_RULES,
    MEDICARE_IOP_RULES,
    RULESETS,
    DaysPerWeekRule,
    RuleSet,
    WeeklyHoursRule,
)
from iopcore.errors import InvalidArgumentError, InvalidDataError, UnknownCodeError
from iopcore.sources import Evidence
from iopcore.times import Minutes
from tests.builders import TEST_SOURCE

DAYS = DaysPerWeekRule(id="days_per_week", min_days=3, source=TEST_SOURCE)


def _paths(info: pytest.ExceptionInfo[InvalidDataError]) -> tuple[str, ...]:
    return info.value.paths


def test_override_refuses_a_misspelt_field_and_lists_the_rules_fields() -> None:
    """``override(rule_id, minimum=9)`` names ``$.minimum`` and says which fields the rule has."""
    with pytest.raises(InvalidArgumentError) as info:
        ASAM_2_1_ADULT_RULES.override("weekly_hours", minimum=9)
    assert _paths(info) == ("$.minimum",)
    message = str(info.value)
    assert "RuleSet.override" in message
    assert all(name in message for name in ("min_minutes", "max_minutes", "partial_weeks", "source"))


def test_override_reports_every_unknown_field_at_once() -> None:
    """Two misspelt fields give two paths in one error."""
    with pytest.raises(InvalidArgumentError) as info:
        ASAM_2_1_ADULT_RULES.override("weekly_hours", minimum=9, maximum=19)
    assert _paths(info) == ("$.minimum", "$.maximum")


def test_override_refuses_a_wrong_value_at_the_fields_path() -> None:
    """A field given a value of the wrong type (an int for Minutes, a bool for days) is named."""
    with pytest.raises(InvalidArgumentError) as info:
        ASAM_2_1_ADULT_RULES.override("weekly_hours", min_minutes=540)
    assert _paths(info) == ("$.min_minutes",)
    with pytest.raises(InvalidArgumentError) as info:
        ASAM_2_1_ADULT_RULES.with_rules(DAYS).override("days_per_week", min_days=True)
    assert _paths(info) == ("$.min_days",)


def test_override_refuses_an_unknown_rule() -> None:
    """The rule id must be in the set; the error lists the known ids."""
    with pytest.raises(UnknownCodeError) as info:
        ASAM_2_1_ADULT_RULES.override("weekly_hourz", min_minutes=Minutes(600))
    assert _paths(info) == ("$.rule_id",)
    assert "weekly_hours" in str(info.value)


def test_override_changes_one_rule_in_place() -> None:
    """The changed rule keeps its position; every other rule is the same object."""
    changed = ASAM_2_1_ADULT_RULES.override("weekly_hours", min_minutes=Minutes(600))
    assert changed.rule_ids == ASAM_2_1_ADULT_RULES.rule_ids
    assert changed.rule("weekly_hours").min_minutes == Minutes(600)  # type: ignore[union-attr]
    assert all(a is b for a, b in zip(changed.rules[1:], ASAM_2_1_ADULT_RULES.rules[1:], strict=True))
    assert (changed.name, changed.version) == (ASAM_2_1_ADULT_RULES.name, ASAM_2_1_ADULT_RULES.version)


def test_override_renames_a_rule_in_place_and_refuses_a_taken_id() -> None:
    """A new id renames the rule where it stands; an id another rule has is refused at ``$.id``."""
    renamed = ASAM_2_1_ADULT_RULES.override("weekly_hours", id="hours")
    assert renamed.rule_ids == ("hours", *ASAM_2_1_ADULT_RULES.rule_ids[1:])
    with pytest.raises(InvalidArgumentError) as info:
        ASAM_2_1_ADULT_RULES.override("weekly_hours", id="missed_tests")
    assert _paths(info) == ("$.id",)


def test_with_rules_refuses_what_is_not_a_rule() -> None:
    """``with_rules({...})`` (a mapping, a string, None) names the position in ``$.rules``."""
    for wrong in ({"id": "x"}, "weekly_hours", None):
        with pytest.raises(InvalidArgumentError) as info:
            ASAM_2_1_ADULT_RULES.with_rules(DAYS, wrong)  # type: ignore[arg-type]
        assert _paths(info) == ("$.rules[1]",)


def test_with_rules_refuses_two_rules_with_one_id() -> None:
    """Two new rules sharing an id would silently drop one: refused at the later one."""
    other = attrs.evolve(DAYS, min_days=4)
    with pytest.raises(InvalidArgumentError) as info:
        ASAM_2_1_ADULT_RULES.with_rules(DAYS, other)
    assert _paths(info) == ("$.rules[1]",)


def test_with_rules_replaces_by_id_and_appends_the_rest() -> None:
    """A rule with a known id replaces it in place; a new id is appended."""
    hours = WeeklyHoursRule(id="weekly_hours", min_minutes=Minutes(600), source=TEST_SOURCE)
    both = ASAM_2_1_ADULT_RULES.with_rules(hours, DAYS, version="local-1")
    assert both.rule_ids == (*ASAM_2_1_ADULT_RULES.rule_ids, "days_per_week")
    assert both.rule("weekly_hours") is hours
    assert both.version == "local-1"


@pytest.mark.parametrize(
    ("keyword", "value"), [("version", ""), ("version", "x" * 65), ("name", "  "), ("version", 1), ("name", False)]
)
def test_new_names_and_versions_are_checked_like_the_fields(keyword: str, value: Any) -> None:
    """An empty, blank, too long or non-string name or version is refused at its own path."""
    calls = (
        lambda: ASAM_2_1_ADULT_RULES.with_rules(DAYS, **{keyword: value}),
        lambda: ASAM_2_1_ADULT_RULES.without("missed_tests", **{keyword: value}),
        lambda: ASAM_2_1_ADULT_RULES.override("weekly_hours", **{keyword: value}),
    )
    for call in calls:
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert _paths(info) == (f"$.{keyword}",)


def test_without_names_the_unknown_rule_by_position() -> None:
    """Each id must be in the set; the error points at the id's position among the arguments."""
    with pytest.raises(UnknownCodeError) as info:
        ASAM_2_1_ADULT_RULES.without("missed_tests", "nope")
    assert _paths(info) == ("$.rule_ids[1]",)
    assert ASAM_2_1_ADULT_RULES.without("missed_tests").rule_ids == tuple(
        r for r in ASAM_2_1_ADULT_RULES.rule_ids if r != "missed_tests"
    )


def test_compose_checks_its_sets_and_its_name() -> None:
    """Only rule sets compose; the new name and version are checked like the fields."""
    with pytest.raises(InvalidArgumentError) as info:
        RuleSet.compose(ASAM_2_1_ADULT_RULES, MEDICARE_IOP_RULES.rules[0], name="x", version="1")  # type: ignore[arg-type]
    assert _paths(info) == ("$.sets[1]",)
    with pytest.raises(InvalidArgumentError) as info:
        RuleSet.compose(ASAM_2_1_ADULT_RULES, name="", version="1")
    assert _paths(info) == ("$.name",)
    with pytest.raises(InvalidArgumentError) as info:
        RuleSet.compose(ASAM_2_1_ADULT_RULES, name="x")  # type: ignore[call-arg]
    assert _paths(info) == ("$.version",)


def test_a_rule_set_refuses_duplicate_rule_ids() -> None:
    """Rule ids are unique within a set (findings are traced back by them)."""
    rule = ASAM_2_1_ADULT_RULES.rules[0]
    with pytest.raises(InvalidDataError) as info:
        RuleSet(name="x", version="1", rules=(rule, DAYS, rule))
    assert _paths(info) == ("$.rules[2]",)


def test_built_in_rule_set_names_are_their_constants() -> None:
    """Each built-in set is filed under its name, which is the constant's name."""
    for name, ruleset in RULESETS.items():
        assert ruleset.name == name and name.endswith("_RULES")
        assert getattr(compliance, name) is ruleset


def test_rule_sets_compose_and_override() -> None:
    """with_rules replaces by id, override changes one field, without drops a rule, compose merges in order."""
    changed = ASAM_2_1_ADULT_RULES.override("weekly_hours", min_minutes=Minutes(600), version="local-1")
    assert changed.rule("weekly_hours").min_minutes == Minutes(600)  # type: ignore[union-attr]
    assert changed.version == "local-1" and changed.name == "ASAM_2_1_ADULT_RULES"
    assert ASAM_2_1_ADULT_RULES.rule("weekly_hours").min_minutes == Minutes(540)  # type: ignore[union-attr]
    smaller = ASAM_2_1_ADULT_RULES.without("missed_tests")
    assert "missed_tests" not in smaller.rule_ids
    merged = RuleSet.compose(ASAM_2_1_ADULT_RULES, MEDICARE_IOP_RULES, name="both", version="1")
    assert merged.rule("weekly_hours") == MEDICARE_IOP_RULES.rule("weekly_hours")
    assert set(merged.rule_ids) == set(ASAM_2_1_ADULT_RULES.rule_ids) | set(MEDICARE_IOP_RULES.rule_ids)
    with pytest.raises(UnknownCodeError):
        ASAM_2_1_ADULT_RULES.rule("nope")
    with pytest.raises(InvalidDataError) as info:
        RuleSet(name="x", version="1", rules=(ASAM_2_1_ADULT_RULES.rules[0], ASAM_2_1_ADULT_RULES.rules[0]))
    assert info.value.paths == ("$.rules[1]",)


def test_builtin_rule_sets_cite_every_rule_and_flag_unverified_parts() -> None:
    """Every rule in every built-in set has a source; Medicare's certification rule notes what is unverified."""
    assert set(RULESETS) == {
        "GENERIC_IOP_RULES",
        "ASAM_2_1_ADULT_RULES",
        "ASAM_2_1_ADOLESCENT_RULES",
        "MEDICARE_IOP_RULES",
        "KANSAS_IOP_ADULT_RULES",
        "DISTRICT_OF_COLUMBIA_IOP_RULES",
    }
    for ruleset in RULESETS.values():
        for rule in ruleset.rules:
            assert rule.source.citation
    cert = MEDICARE_IOP_RULES.rule("certification")
    assert cert.source.evidence is Evidence.SECONDARY and "Unverified" in cert.source.note
    assert ASAM_2_1_ADOLESCENT_RULES.rule("weekly_hours").min_minutes == Minutes(360)  # type: ignore[union-attr]
    assert RULESETS["KANSAS_IOP_ADULT_RULES"].rule("plan_review").source.evidence is Evidence.UNVERIFIED
    assert RULESETS["DISTRICT_OF_COLUMBIA_IOP_RULES"].rule("length_of_stay").max_days == 60  # type: ignore[union-attr]


def test_rule_sets_are_not_exported_at_top_level() -> None:
    """iopcore.GENERIC_IOP is the level catalog; the rule set is compliance.GENERIC_IOP_RULES, a different name."""
    assert iopcore.GENERIC_IOP is not compliance.GENERIC_IOP_RULES
    assert not hasattr(compliance, "GENERIC_IOP") and "GENERIC_IOP_RULES" not in iopcore.__all__
    assert "RuleSet" not in iopcore.__all__ or iopcore.RuleSet is RuleSet  # type: ignore[attr-defined]
