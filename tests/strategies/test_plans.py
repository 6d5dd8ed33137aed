"""Strategies for plans and episodes: arguments are checked, and the valid space is covered."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from iopcore import strategies as ist
from iopcore.episodes import Episode, validate_episode
from iopcore.levels import ASAM3
from iopcore.plans import DRAFT_RULES, DraftRules, FindingMatch, PlanHistory, PlanStatus, TreatmentPlan


@pytest.mark.parametrize(
    "make",
    [
        lambda: ist.objectives(min_due=date(2026, 2, 1), max_due=date(2026, 1, 1)),
        lambda: ist.signatures(min_date=date(2026, 2, 1), max_date=date(2026, 1, 1)),
        lambda: ist.frequencies(max_sessions=0),
        lambda: ist.interventions(max_minutes=0),
        lambda: ist.treatment_plans(statuses=()),
        lambda: ist.treatment_plans(statuses=("active",)),  # type: ignore[arg-type]
        lambda: ist.treatment_plans(max_items=-1),
        lambda: ist.treatment_plans(max_sessions=0),
        lambda: ist.treatment_plans(max_minutes=2000),
        lambda: ist.plan_histories(max_versions=0),
        lambda: ist.plan_histories(max_items=-1),
        lambda: ist.spans(max_count=-1),
        lambda: ist.weekly_requirements(max_components=-1),
        lambda: ist.episodes(catalog="ASAM3"),  # type: ignore[arg-type]
        lambda: ist.episodes(max_periods=0),
        lambda: ist.episodes(discharged="yes"),  # type: ignore[arg-type]
        lambda: ist.intervention_defaults(max_minutes=0),
        lambda: ist.draft_rules(max_rules=-1),
    ],
)
def test_impossible_arguments_raise_invalid_argument(make: Any) -> None:
    """Bad strategy arguments raise InvalidArgument at once, never an empty strategy."""
    with pytest.raises(InvalidArgument):
        make().validate()


def test_plans_cover_every_status_and_populated_sections() -> None:
    """Generated plans reach every status and non-empty problems, goals, objectives and interventions."""
    seen: set[Any] = set()

    @settings(max_examples=200)
    @given(ist.treatment_plans())
    def collect(p: TreatmentPlan) -> None:
        seen.add(p.status)
        for section in ("problems", "goals", "objectives", "interventions", "signatures"):
            if getattr(p, section):
                seen.add(section)

    collect()
    assert set(PlanStatus) | {"problems", "goals", "objectives", "interventions", "signatures"} <= seen


@settings(max_examples=30)
@given(ist.plan_histories(max_versions=3))
def test_histories_reach_several_versions(h: PlanHistory) -> None:
    """Histories are valid and their latest version is the only one that may be unsuperseded."""
    assert all(v.status is PlanStatus.SUPERSEDED for v in h.versions[:-1])


@settings(max_examples=30)
@given(ist.episodes(catalog=ASAM3, discharged=True))
def test_discharged_episodes_for_a_catalog(ep: Episode) -> None:
    """discharged=True always yields a discharge, and catalog walks validate."""
    assert ep.discharge is not None
    validate_episode(ep, ASAM3)


@settings(max_examples=20)
@given(ist.episodes(discharged=False))
def test_open_episodes(ep: Episode) -> None:
    """discharged=False never yields a discharge; the last level period is ongoing."""
    assert ep.discharge is None and ep.current.end is None


def test_draft_rules_cover_every_threshold_match_kind_and_the_defaults() -> None:
    """Generated drafting rules reach thresholds 0 and 4, every match kind, defaults with minutes and the built-in rules."""
    seen: set[Any] = set()

    @settings(max_examples=150)
    @given(ist.draft_rules())
    def collect(rules: DraftRules) -> None:
        seen.add(("threshold", rules.dimension_threshold))
        seen.add(rules is DRAFT_RULES)
        seen.update(r.match for r in rules.findings)
        seen.update("minutes" for d in rules.interventions if d.minutes is not None)

    collect()
    assert {("threshold", 0), ("threshold", 4), True, False, "minutes", *FindingMatch} <= seen
