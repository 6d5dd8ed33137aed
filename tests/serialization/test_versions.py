"""Format versions: documents say which version wrote them, older ones still read, newer ones are refused."""

from __future__ import annotations

import copy
import json
import re
import types
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.compliance import (
    DISTRICT_OF_COLUMBIA_IOP_RULES,
    ComplianceRecords,
    ComplianceReport,
    LengthOfStayRule,
    RuleSet,
    evaluate,
)
from iopcore.episodes import Episode
from iopcore.errors import InvalidDataError, UnsupportedFormatError
from iopcore.plans import TreatmentPlan
from iopcore.programs import Program
from iopcore.schedule import CalendarSchedule, CohortProblem, Occurrence, WeekProblem
from iopcore.serialization import FORMAT_KEY, FORMAT_VERSION, from_dict, to_dict
from iopcore.serialization._hooks import configure
from iopcore.serialization._types import public_name
from iopcore.serialization._versions import HISTORY, FormatHistory, Step, migrate, rename_field
from iopcore.times import DateRange, Minutes, StayCounting
from tests import builders
from tests.public import public_attrs_classes

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "reference" / "serialization-format.md"

V1: dict[str, tuple[type, Callable[[], Any]]] = {
    "program": (Program, builders.document_program),
    "episode": (Episode, builders.document_episode),
    "treatment_plan": (TreatmentPlan, builders.document_plan),
    "compliance_records": (ComplianceRecords, builders.document_records),
    "week_problem": (WeekProblem, builders.document_week_problem),
    "cohort_problem": (CohortProblem, builders.document_cohort_problem),
}


def fixture(version: int, name: str) -> Any:
    return json.loads((FIXTURES / f"v{version}" / f"{name}.json").read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- reading what was written


@pytest.mark.parametrize("name", sorted(V1))
def test_documents_written_before_format_versions_still_read(name: str) -> None:
    """The unversioned documents written by main before this format existed read as the values that wrote them."""
    cls, build = V1[name]
    data = fixture(1, name)
    assert FORMAT_KEY not in data
    assert from_dict(cls, data) == build()
    assert from_dict(cls, {FORMAT_KEY: 1, **data}) == build()


def test_findings_written_by_format_2_read_without_numbers() -> None:
    """A report written by format 2 (main at 75b81fd) reads with today's evaluation, its findings unmeasured.

    Format 3 gave findings ``measured``, ``threshold`` and ``unit``: the older document has none, so
    each finding reads with all three ``None`` and equals today's finding with its numbers taken off.
    """
    data = fixture(2, "compliance_report")
    assert data[FORMAT_KEY] == 2
    assert all("measured" not in x for x in data["findings"])
    old = from_dict(ComplianceReport, data)
    today = evaluate(builders.FULL, builders.document_records(), builders.MONDAY + timedelta(days=20))
    assert all((x.measured, x.threshold, x.unit) == (None, None, None) for x in old.findings)
    assert any(x.unit is not None for x in today.findings)
    unmeasured = [attrs.evolve(x, measured=None, threshold=None, unit=None) for x in today.findings]
    assert list(old.findings) == unmeasured
    assert attrs.evolve(old, findings=()) == attrs.evolve(today, findings=())


def test_a_rule_set_written_before_counting_keeps_its_old_count() -> None:
    """A rule set written by main before ``LengthOfStayRule.counting`` existed (format 2, 867adc6) keeps its count.

    The old rule counted ``(discharge - admission).days``; the document reads with ``StayCounting.MIDNIGHTS``,
    which gives that count for every discharged stay of one night or more: at, just below and just above
    22-A DCMR §6329's 30 and 60 days, the findings are the ones the old count (computed here) gives. Where the
    two differ (documented): a same-day discharge is 1 day, not 0; an open stay counts the day it is counted on.
    """
    data = fixture(2, "rule_set_before_counting")
    assert data[FORMAT_KEY] == 2
    (written,) = [r for r in data["rules"] if r["kind"] == "length_of_stay"]
    assert "counting" not in written
    old = from_dict(RuleSet, data)
    (stay,) = [r for r in old.rules if isinstance(r, LengthOfStayRule)]
    assert stay.counting is StayCounting.MIDNIGHTS
    (today,) = [r for r in DISTRICT_OF_COLUMBIA_IOP_RULES.rules if isinstance(r, LengthOfStayRule)]
    assert today.counting is StayCounting.CALENDAR_DAYS  # new rule sets: the convention Episode.days_of_stay uses
    assert attrs.evolve(stay, counting=today.counting, source=today.source) == today
    unversioned = {k: v for k, v in data.items() if k != FORMAT_KEY}  # version 1: the same reading
    assert from_dict(RuleSet, unversioned) == old
    period = DateRange(first=builders.MONDAY, last=builders.MONDAY + timedelta(days=200))
    as_of = builders.MONDAY + timedelta(days=150)
    for nights in (1, 2, 28, 29, 30, 31, 59, 60, 61, 62):
        discharged = builders.MONDAY + timedelta(days=nights)
        old_count = (discharged - builders.MONDAY).days  # the old rule's count, independently
        expected = ["stay_below_minimum"] if old_count < 30 else ["stay_above_maximum"] if old_count > 60 else []
        found = stay.evaluate(builders.bundle(builders.admission(discharged=discharged)), period, as_of)
        assert [x.code for x in found] == expected, nights
        calendar = today.evaluate(builders.bundle(builders.admission(discharged=discharged)), period, as_of)
        assert [x.measured for x in calendar] == ([old_count + 1] if calendar else [])
    same_day = stay.evaluate(builders.bundle(builders.admission(discharged=builders.MONDAY)), period, as_of)
    assert [(x.code, x.measured) for x in same_day] == [("stay_below_minimum", 1)]  # the old count said 0
    open_on_day_60 = stay.evaluate(builders.bundle(builders.admission()), period, builders.MONDAY + timedelta(days=60))
    assert [(x.code, x.measured) for x in open_on_day_60] == [("stay_above_maximum", 61)]  # the old count said 60


def test_a_stay_rule_without_counting_reads_by_the_version_that_wrote_it() -> None:
    """Without ``counting``, a version 1 or 2 rule reads as midnights (written before the field); a version 3 rule
    reads as today's default, calendar days (every iopcore writing version 3 wrote the field)."""
    rule = LengthOfStayRule(id="los", min_days=30, max_days=60, source=builders.TEST_SOURCE)
    current = to_dict(rule)
    assert current["counting"] == "calendar_days"
    del current["counting"]
    assert from_dict(LengthOfStayRule, current) == rule
    for version in (1, 2):
        assert from_dict(LengthOfStayRule, {**current, FORMAT_KEY: version}).counting is StayCounting.MIDNIGHTS
    written = {**current, FORMAT_KEY: 2, "counting": "calendar_days"}
    assert from_dict(LengthOfStayRule, written) == rule  # a written convention is kept


@settings(max_examples=60)
@given(
    nights=st.integers(1, 150),
    version=st.sampled_from([1, 2]),
    bounds=st.tuples(st.none() | st.integers(0, 150), st.none() | st.integers(0, 150))
    .filter(lambda b: b != (None, None))
    .map(lambda b: b if None in b or b[0] <= b[1] else (b[1], b[0])),  # type: ignore[operator]
)
def test_an_old_stay_rule_finds_what_the_old_count_found(
    nights: int, version: int, bounds: tuple[int | None, int | None]
) -> None:
    """For any bounds and any discharged stay of one night or more, an old rule document without ``counting`` gives
    the findings of the old count, ``(discharge - admission).days`` (computed here, not by iopcore)."""
    lo, hi = bounds
    rule = LengthOfStayRule(id="los", min_days=lo, max_days=hi, source=builders.TEST_SOURCE)
    document = {k: v for k, v in to_dict(rule).items() if k != "counting"}
    old = from_dict(LengthOfStayRule, {**document, FORMAT_KEY: version})
    discharged = builders.MONDAY + timedelta(days=nights)
    old_count = (discharged - builders.MONDAY).days
    expected = []
    if hi is not None and old_count > hi:
        expected = [("stay_above_maximum", old_count)]
    elif lo is not None and old_count < lo:
        expected = [("stay_below_minimum", old_count)]
    period = DateRange(first=builders.MONDAY, last=discharged + timedelta(days=1))
    found = old.evaluate(builders.bundle(builders.admission(discharged=discharged)), period, discharged)
    assert [(x.code, x.measured) for x in found] == expected


def test_every_v1_fixture_is_checked() -> None:
    """No fixture file is left out of the test above."""
    assert sorted(p.stem for p in (FIXTURES / "v1").glob("*.json")) == sorted(V1)


def test_a_calendar_written_by_version_2_reads_with_component_id_ids_and_minutes() -> None:
    """A version 2 calendar (``component``, no ``id`` or ``minutes``) reads as today's, the derived fields filled in."""
    data = fixture(2, "calendar_schedule")
    assert data[FORMAT_KEY] == 2 and "component" in data["occurrences"][0] and "id" not in data["occurrences"][0]
    calendar = from_dict(CalendarSchedule, data)
    assert calendar == builders.document_calendar()
    first = calendar.occurrences[0]
    assert (first.component_id, first.id, first.minutes) == (
        "group_therapy",
        "evening_mon@2026-03-02T18:00-05:00",
        Minutes(180),
    )
    assert [o.id for o in calendar.occurrences] == [o.id for o in builders.document_calendar().occurrences]
    unversioned = {k: v for k, v in data.items() if k != FORMAT_KEY}  # the same shape as version 1 wrote it
    assert from_dict(CalendarSchedule, unversioned) == calendar


def test_a_calendar_written_by_version_3_reads() -> None:
    """The version 3 calendar (``component_id``, ``id``, ``minutes``) reads as the value that wrote it."""
    data = fixture(3, "calendar_schedule")
    assert data == to_dict(builders.document_calendar())
    assert from_dict(CalendarSchedule, data) == builders.document_calendar()


def test_a_calendar_document_with_a_wrong_derived_field_is_refused() -> None:
    """An ``id`` or ``minutes`` that does not follow from the occurrence's other fields is refused at its path."""
    for key, value, rule in (("id", "other@2026-03-02T18:00-05:00", "derived"), ("minutes", 179, "derived")):
        data = to_dict(builders.document_calendar())
        data["occurrences"][1][key] = value
        with pytest.raises(InvalidDataError) as info:
            from_dict(CalendarSchedule, data)
        assert (f"$.occurrences[1].{key}", rule) in [(e.path, e.rule) for e in info.value.errors]


@pytest.mark.parametrize("name", sorted(V1))
def test_documents_say_their_version_on_the_outermost_object_only(name: str) -> None:
    """`to_dict` writes `iopcore_format` once, first, on the top object; nested objects do not repeat it."""
    data = to_dict(V1[name][1]())
    assert next(iter(data)) == FORMAT_KEY
    assert data[FORMAT_KEY] == FORMAT_VERSION == HISTORY.current
    assert not any(FORMAT_KEY in node for node in _objects(data) if node is not data)


def _objects(data: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(data, dict):
        found.append(data)
        for value in data.values():
            found.extend(_objects(value))
    elif isinstance(data, list):
        for value in data:
            found.extend(_objects(value))
    return found


def test_containers_of_values_mark_each_value_and_read_back() -> None:
    """A list or a mapping of values is written as a list or object of documents, and read back."""
    plans = (builders.document_plan(), attrs.evolve(builders.document_plan(), id="plan2"))
    data = to_dict(plans)
    assert [d[FORMAT_KEY] for d in data] == [FORMAT_VERSION, FORMAT_VERSION]
    assert from_dict(tuple[TreatmentPlan, ...], data) == plans
    assert from_dict(dict[str, TreatmentPlan], {"a": data[0]}) == {"a": plans[0]}
    unversioned = [{k: v for k, v in d.items() if k != FORMAT_KEY} for d in data]
    assert from_dict(tuple[TreatmentPlan, ...], unversioned) == plans


def test_a_document_of_a_newer_version_is_refused_with_the_versions() -> None:
    """A version after FORMAT_VERSION raises UnsupportedFormatError (an InvalidDataError) naming both versions."""
    data = {**to_dict(builders.document_program()), FORMAT_KEY: FORMAT_VERSION + 1}
    with pytest.raises(UnsupportedFormatError) as info:
        from_dict(Program, data)
    assert isinstance(info.value, InvalidDataError)
    assert (info.value.version, info.value.supported) == (FORMAT_VERSION + 1, FORMAT_VERSION)
    assert info.value.paths == (f"$.{FORMAT_KEY}",)
    assert f"version {FORMAT_VERSION} or earlier, got version {FORMAT_VERSION + 1}" in str(info.value)


def test_a_newer_document_inside_a_list_is_refused_at_its_place() -> None:
    """Each document in a list is checked on its own; the error's path says which one."""
    data = to_dict((builders.document_plan(), builders.document_plan()))
    data[1][FORMAT_KEY] = 99
    with pytest.raises(UnsupportedFormatError) as info:
        from_dict(tuple[TreatmentPlan, ...], data)
    assert info.value.paths == (f"$[1].{FORMAT_KEY}",)


@pytest.mark.parametrize("version", [0, -1, "2", 2.0, True, None, [2], {"v": 2}], ids=repr)
def test_a_version_that_is_not_a_version_number_is_refused(version: Any) -> None:
    """`iopcore_format` must be a whole number from 1: anything else is refused at that key with the rule."""
    data = {**to_dict(builders.document_episode()), FORMAT_KEY: version}
    with pytest.raises(InvalidDataError) as info:
        from_dict(Episode, data)
    assert [(e.path, e.rule) for e in info.value.errors] == [(f"$.{FORMAT_KEY}", "format_version")]


def test_every_version_is_documented() -> None:
    """The reference page has a section for every format version, saying what it changed."""
    text = DOCS.read_text(encoding="utf-8")
    headings = re.findall(r"^### Version (\d+)", text, flags=re.MULTILINE)
    assert headings == [str(v) for v in range(1, FORMAT_VERSION + 1)]
    for step in HISTORY.steps:
        assert step.changes in text


def test_migrations_name_public_classes() -> None:
    """Every migration is registered under the public name of a class that exists (so renames of classes show)."""
    names = {public_name(c) for c in public_attrs_classes()}
    for step in HISTORY.steps:
        assert set(step.migrations) <= names, step.version


def test_no_public_class_has_a_field_named_like_the_version_key() -> None:
    """The version key can never clash with a field."""
    for cls in public_attrs_classes():
        assert FORMAT_KEY not in {a.alias for a in attrs.fields(cls)}, cls


def test_unions_of_classes_are_tagged_so_that_migrations_reach_inside() -> None:
    """Every union of two or more attrs classes in a public field is tagged by `kind` (the walk follows the tag)."""

    def unions(t: Any) -> list[Any]:
        found = [t] if typing.get_origin(t) in (typing.Union, types.UnionType) else []
        return found + [u for a in typing.get_args(t) for u in unions(a)]

    for cls in public_attrs_classes():
        for hint in typing.get_type_hints(cls).values():
            for union in unions(hint):
                classes = [m for m in typing.get_args(union) if isinstance(m, type) and attrs.has(m)]
                if len(classes) > 1:
                    tags = [a.default for m in classes for a in attrs.fields(m) if a.name == "kind"]
                    assert len(set(tags)) == len(classes), (cls, union)


# ----------------------------------------------------------------------------- the migration mechanism

# A history one version longer than today's, with one more rename of Occurrence's component field.
# Here the next version renames a field that today's version calls ``component_id`` to ... ``component_id``:
# to keep today's classes, the test pretends that versions up to today's spelt it ``component_name``.
PRETEND = FormatHistory(
    (
        *HISTORY.steps,
        Step(
            version=HISTORY.current + 1,
            changes="Occurrence.component_name is renamed component_id.",
            migrations={"iopcore.schedule.Occurrence": rename_field("component_name", "component_id")},
        ),
    )
)


def pretend_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True)
    configure(conv, PRETEND)
    return conv


def calendar() -> CalendarSchedule:
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    return CalendarSchedule(
        occurrences=(
            Occurrence(start=start, end=start.replace(hour=12), offering_id="am_mon", component_id="group_therapy"),
            Occurrence(
                start=start.replace(day=3), end=start.replace(day=3, hour=12), offering_id="am_tue", component_id="x"
            ),
        )
    )


def old_document() -> dict[str, Any]:
    """The calendar as versions before the pretend one wrote it."""
    data = to_dict(calendar())
    for occurrence in data["occurrences"]:
        occurrence["component_name"] = occurrence.pop("component_id")
    return data


def test_a_rename_is_one_migration_and_reads_every_older_version() -> None:
    """With one rename registered, documents of version 2, version 1 (no key) and the new version all read."""
    conv = pretend_converter()
    old = old_document()
    assert from_dict(CalendarSchedule, old, converter=conv) == calendar()
    unversioned = {k: v for k, v in old.items() if k != FORMAT_KEY}
    assert from_dict(CalendarSchedule, unversioned, converter=conv) == calendar()
    current = {**to_dict(calendar()), FORMAT_KEY: PRETEND.current}
    assert from_dict(CalendarSchedule, current, converter=conv) == calendar()


def test_without_the_migration_an_old_document_names_the_old_field() -> None:
    """The same old document under today's history is refused at the field that was renamed."""
    with pytest.raises(InvalidDataError) as info:
        from_dict(CalendarSchedule, old_document())
    assert "$.occurrences[0].component_name" in info.value.paths
    assert "$.occurrences[0].component_id" in info.value.paths


def test_documents_of_different_versions_side_by_side() -> None:
    """In a list, each document is read by its own version; values without a key take the list's (1)."""
    conv = pretend_converter()
    new = {**to_dict(calendar()), FORMAT_KEY: PRETEND.current}
    unversioned = {k: v for k, v in old_document().items() if k != FORMAT_KEY}
    data = [old_document(), new, unversioned]
    assert from_dict(tuple[CalendarSchedule, ...], data, converter=conv) == (calendar(),) * 3


def test_the_walk_follows_optionals_mappings_and_tagged_unions() -> None:
    """Migrations reach classes inside `X | None`, mapping values and `kind`-tagged unions; the input is not changed."""
    seen: list[str] = []

    def note(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        def migration(data: dict[str, Any]) -> dict[str, Any]:
            seen.append(name)
            return data

        return migration

    history = FormatHistory(
        (
            Step(
                version=2,
                changes="test",
                migrations={
                    "iopcore.sources.Source": note("source"),  # inside Optional fields and rule unions
                    "iopcore.schedule.ComponentBound": note("bound"),  # mapping values
                    "iopcore.compliance.WeeklyHoursRule": note("weekly_hours"),  # a tagged union member
                },
            ),
        )
    )
    rules = {k: v for k, v in to_dict(builders.FULL).items() if k != FORMAT_KEY}
    frozen = copy.deepcopy(rules)
    migrate(RuleSet, rules, 1, history)
    assert rules == frozen
    assert "weekly_hours" in seen and "source" in seen
    seen.clear()
    migrate(WeekProblem, fixture(1, "week_problem"), 1, history)
    assert seen.count("bound") == 2


def test_the_walk_leaves_what_it_cannot_follow_for_the_hooks_to_report() -> None:
    """Data of the wrong shape passes through the walk unchanged; the structure hooks then report it with paths."""
    conv = pretend_converter()
    cases = {
        "a list": ([1, 2], "$"),
        "a string for a tuple": ({"occurrences": "x"}, "$.occurrences"),
        "a list for an object": ({"occurrences": [[1]], FORMAT_KEY: 2}, "$.occurrences[0]"),
        "a bad version": ({FORMAT_KEY: "two"}, f"$.{FORMAT_KEY}"),
    }
    for bad, path in cases.values():
        before = copy.deepcopy(bad)
        migrate(CalendarSchedule, bad, 1, PRETEND)
        assert bad == before
        with pytest.raises(InvalidDataError) as info:
            from_dict(CalendarSchedule, bad, converter=conv)
        assert info.value.paths == (path,)


def test_a_history_must_list_versions_in_order() -> None:
    """A history whose steps skip a version is a bug, caught when iopcore is imported."""
    with pytest.raises(ValueError, match="in order"):
        FormatHistory((Step(version=3, changes="x"),))
    assert FormatHistory(()).current == 1


def test_date_ranges_are_plain_objects_inside_documents() -> None:
    """A nested value keeps no key of its own: only the outermost object says the version."""
    data = to_dict(DateRange(first=date(2026, 1, 1), last=date(2026, 1, 2)))
    assert data == {FORMAT_KEY: FORMAT_VERSION, "first": "2026-01-01", "last": "2026-01-02"}


def test_rename_field_leaves_documents_without_the_old_name_alone() -> None:
    """A rename is a no-op when the old key is absent or the new one is already set; it keeps the key order."""
    rename = rename_field("a", "b")
    assert rename({"x": 1, "a": 2, "y": 3}) == {"x": 1, "b": 2, "y": 3}
    assert list(rename({"x": 1, "a": 2, "y": 3})) == ["x", "b", "y"]
    assert rename({"x": 1}) == {"x": 1}
    assert rename({"a": 1, "b": 2}) == {"a": 1, "b": 2}


def test_the_walk_follows_fixed_tuples_and_stops_at_current_documents() -> None:
    """Positions of a fixed tuple are walked by their own types; a nested document of the current version is kept."""
    old = old_document()["occurrences"][0]
    walked = migrate(tuple[Occurrence, int], [old, 7, "extra"], 1, PRETEND)
    assert walked[0]["component_id"] == "group_therapy"
    assert walked[1:] == [7, "extra"]
    current = {**to_dict(calendar()), FORMAT_KEY: PRETEND.current}
    assert migrate(tuple[CalendarSchedule, ...], [current], 1, PRETEND) == [current]


def test_a_newer_document_in_an_untagged_union_is_refused() -> None:
    """Trying the members of a union stops at a document too new to read."""
    data = {**to_dict(builders.document_plan()), FORMAT_KEY: 99}
    with pytest.raises(UnsupportedFormatError):
        from_dict(TreatmentPlan | Program, data)
