"""Notebook views (``_repr_html_``, issue 18 item 3): every main type has one; all are escaped, well formed,
legible in light and dark themes (tints, never fixed light backgrounds), truncated and redacted.

Redaction of identifiers in every view is tested with the other texts in tests/test_identifiers.py
(its sentinel test renders ``_repr_html_`` of every public class that has one); here
:func:`test_every_view_is_covered_by_the_identifier_test` checks that it reaches each of them.
"""

from __future__ import annotations

import enum
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from iopcore import _fields as f
from iopcore._fields import _html as h
from iopcore.compliance import ComplianceReport, Finding, Severity, WeekSummary
from iopcore.errors import IopcoreError
from iopcore.schedule import Occupancy, OfferingOccupancy
from iopcore.serialization._types import public_name
from iopcore.sources import Evidence, Source
from iopcore.times import DateRange, Minutes
from tests import test_identifiers
from tests.builders import unstyled
from tests.public import public_attrs_classes

VIEWS = (
    "iopcore.assessment.ChangeAssessment",
    "iopcore.assessment.DatedScore",
    "iopcore.assessment.InstrumentScore",
    "iopcore.assessment.PlacementRecommendation",
    "iopcore.assessment.ScoreSeries",
    "iopcore.compliance.ComplianceReport",
    "iopcore.compliance.Finding",
    "iopcore.compliance.RuleSet",
    "iopcore.compliance.WeekSummary",
    "iopcore.episodes.Episode",
    "iopcore.levels.LevelCatalog",
    "iopcore.part2.Consent",
    "iopcore.part2.DisclosureDecision",
    "iopcore.plans.TreatmentPlan",
    "iopcore.programs.Program",
    "iopcore.schedule.CohortProblem",
    "iopcore.schedule.CohortSchedule",
    "iopcore.schedule.Occupancy",
    "iopcore.schedule.Unscheduled",
    "iopcore.schedule.WeekProblem",
    "iopcore.schedule.WeekSchedule",
)
"""The main inputs and results, each with a view of its own."""

VIEWED = [c for c in public_attrs_classes() if "_repr_html_" in vars(c)]


def test_every_main_type_has_a_view_of_its_own() -> None:
    """Each main input and result defines ``_repr_html_`` itself (not a wall of text)."""
    assert sorted(public_name(c) for c in VIEWED) == sorted(VIEWS)


def test_every_view_is_covered_by_the_identifier_test() -> None:
    """The identifier sentinel test renders every view (so no view shows a patient identifier)."""
    assert set(VIEWED) <= set(test_identifiers.CLASSES)
    report = big_report(4, 4)
    assert report._repr_html_() in test_identifiers.texts_of(report)


# ----------------------------------------------------------------------------- well formed, themed, escaped

TAGS = {"div", "span", "table", "caption", "thead", "tbody", "tr", "th", "td", "b", "br"}
VOID = {"br"}
COLOUR_PROPERTIES = {"color", "background", "background-color"}


class Checker(HTMLParser):
    """Collects what a view may not contain: unknown tags, unbalanced tags, attributes other than style/class,
    and colours that are not theme-neutral (``inherit``, ``transparent``, ``currentColor``, half-transparent ``rgba``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attributes:
            if name not in ("style", "class"):
                self.problems.append(f"attribute {name}")
            elif name == "style":
                self.problems.extend(style_problems(value or ""))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def style_problems(style: str) -> list[str]:
    out = []
    if re.search(r"#[0-9a-fA-F]{3,8}\b|\bwhite\b|\bblack\b", style):
        out.append(f"fixed colour in {style!r}")
    for declaration in filter(None, (d.strip() for d in style.split(";"))):
        prop, _, value = declaration.partition(":")
        if prop.strip() in COLOUR_PROPERTIES:
            value = value.strip()
            alpha = re.fullmatch(r"rgba\(\d+,\d+,\d+,(0?\.\d+)\)", value)
            if value not in ("inherit", "transparent", "currentColor") and not alpha:
                out.append(f"{prop} {value}")
    return out


def check_markup(markup: str) -> Checker:
    checker = Checker()
    checker.feed(markup)
    checker.close()
    assert checker.problems == [], checker.problems[:5]
    assert checker.stack == [], f"unclosed {checker.stack}"
    return checker


HOSTILE = "<script>alert('x')</script>&\"<b onclick=1>"


def _hostile(value: Any) -> Any:
    """*value* with :data:`HOSTILE` appended to every text the constructors accept (others left alone)."""
    if isinstance(value, str) and not isinstance(value, enum.Enum):
        return value + HOSTILE
    if isinstance(value, tuple):
        return tuple(_hostile(v) for v in value)
    if not attrs.has(type(value)) or not type(value).__module__.startswith("iopcore"):
        return value
    current = value
    for a in attrs.fields(type(value)):
        if not a.init or f.is_phi(a):  # identifiers are redacted (tests/test_identifiers.py)
            continue
        planted = _hostile(getattr(current, a.name))
        try:
            current = attrs.evolve(current, **{a.alias or a.name: planted})
        except (IopcoreError, TypeError, ValueError):
            continue  # a code, an identifier or a cross-field rule refuses the text: keep the field
    return current


PLANTED = {"shown": 0}


@pytest.mark.parametrize("cls", VIEWED, ids=public_name)
def test_views_are_escaped_well_formed_and_theme_neutral(cls: type) -> None:
    """Over drawn values with hostile text in every text field that takes it: the view is well-formed HTML of
    a few tags, shows the text escaped (never as markup) and colours only with tints or the theme's own colour."""

    @settings(
        max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), phases=[Phase.generate], database=None
    )
    @given(st.from_type(cls))
    def run(value: Any) -> None:
        planted = _hostile(value)
        markup = planted._repr_html_()
        assert isinstance(markup, str) and "<script" not in markup and "<b onclick" not in markup
        text = "".join(check_markup(markup).text)
        if "<script>" in text:  # the hostile text shows as text, never as markup
            PLANTED["shown"] += 1

    run()


def test_the_hostile_planting_reached_views() -> None:
    """The escape test is not vacuous: hostile text reached the views (as text) in many examples."""
    if PLANTED["shown"] == 0:
        pytest.skip("run with test_views_are_escaped_well_formed_and_theme_neutral")
    assert PLANTED["shown"] >= 30, PLANTED


def test_the_style_check_catches_fixed_colours() -> None:
    """The theme check refuses a light background or fixed text colour (the old white-on-pink)."""
    assert (
        style_problems("background:#fde") and style_problems("color:white") and style_problems("background:rgb(1,2,3)")
    )
    assert style_problems("background:rgba(1,2,3,.2);color:inherit;border:1px solid currentColor") == []


# ----------------------------------------------------------------------------- the toolkit


def test_esc_escapes_quotes_and_cuts_long_text() -> None:
    """Everything is escaped, quotes included; a text over MAX_TEXT characters ends in "…"; Markup passes as is."""
    assert h.esc("<a href='x'>&\"") == "&lt;a href=&#x27;x&#x27;&gt;&amp;&quot;"
    cut = h.esc("x" * 1000)
    assert len(cut) == h.MAX_TEXT and cut.endswith("…")
    page = h.table(["a"], [h.Markup("<b>ok</b>"), "<b>no</b>"], lambda c: [c])
    assert "<b>ok</b>" in page and "&lt;b&gt;no&lt;/b&gt;" in page


def test_tables_show_max_rows_then_how_many_more_and_build_no_other_row() -> None:
    """A table of n items shows max_rows rows and "… n − max_rows more"; rows past it are never built."""
    built: list[int] = []

    def row(i: int) -> list[object]:
        built.append(i)
        return [i]

    page = unstyled(h.table(["n"], list(range(1000)), row, max_rows=7, what="numbers"))
    assert page.count("<tr>") == 8 and "… 993 more numbers" in page  # the header row and 7 rows
    assert built == list(range(7))
    assert "more" not in h.table(["n"], [1, 2], lambda i: [i], max_rows=2)


def test_fields_view_redacts_identifier_fields() -> None:
    """fields_view prints a phi_field as <redacted>, and nested identifier columns too."""
    week = WeekSummary(
        patient_id="MRN-4",
        week=DateRange.of_days(date(2026, 1, 5), 7),
        assessed_days=7,
        closure_days=0,
        attended_minutes=Minutes(540),
        days_attended=3,
        sessions_attended=3,
        sessions_missed=0,
        tests_collected=1,
    )
    page = week._repr_html_()
    assert "MRN-4" not in page and h.esc("<redacted>") in page and "9 h" in page


# ----------------------------------------------------------------------------- the report: large, coloured

SOURCE = Source(citation="test", evidence=Evidence.ILLUSTRATIVE)
WEEK = DateRange.of_days(date(2026, 1, 5), 7)


def finding(severity: Severity, n: int = 0) -> Finding:
    return Finding(
        rule_id="weekly_hours",
        code=f"code_{severity.value}",
        severity=severity,
        patient_id=f"patient-{n}",
        period=WEEK,
        message="attended 4 h, below the minimum of 9 h " * 3,
        evidence=(f"att-{n}",),
        citation=SOURCE,
    )


def big_report(findings: int, weeks: int) -> ComplianceReport:
    """A report as large as asked, from a few findings and weeks repeated (sizes, not contents, matter here)."""
    some = [finding(s, i) for i, s in enumerate(Severity)]
    summaries = [
        WeekSummary(
            patient_id=f"patient-{i}",
            week=DateRange.of_days(date(2026, 1, 5) + timedelta(days=7 * (i % 12)), 7),
            assessed_days=7 - i % 2,
            closure_days=0,
            attended_minutes=Minutes(60 * (i % 15)),
            days_attended=i % 5,
            sessions_attended=i % 5,
            sessions_missed=i % 2,
            tests_collected=i % 3,
        )
        for i in range(48)
    ]
    return ComplianceReport(
        ruleset_name="FULL",
        ruleset_version="1",
        as_of=date(2026, 4, 6),
        period=DateRange(first=date(2026, 1, 5), last=date(2026, 4, 5)),
        findings=tuple(some[i % 4] for i in range(findings)),
        weeks=tuple(summaries[i % 48] for i in range(weeks)),
    )


def test_a_large_reports_view_stays_small_with_the_summary_first() -> None:
    """At 60,000 findings and 120,000 patient-weeks (the benchmark's size) the view is far under 1 MiB, about as
    large as at 400 findings, starts with the summary and ends each table with "… N more"."""
    large = big_report(60_000, 120_000)._repr_html_()
    small = big_report(400, 480)._repr_html_()
    assert len(large.encode()) <= 2**20
    assert abs(len(large) - len(small)) < 200  # only counts differ
    assert f"… {60_000 - h.MAX_ROWS} more findings" in large
    plain = unstyled(large)
    assert plain.index("Rule set") < plain.index("Findings by rule") < plain.index("Findings, most severe first")
    assert plain.index("Findings, most severe first") < plain.index("Weeks, over patients")
    assert "15000 critical" in plain and "not passed" in plain


def test_findings_are_shown_most_severe_first_in_their_severitys_tint() -> None:
    """The findings table lists critical first, and each row carries its severity's tint; the four tints differ."""
    report = big_report(8, 4)
    page = report._repr_html_()
    rows = re.findall(r"<tr style='background:rgba\((\d+),(\d+),(\d+),\.16\)", page)
    tones = [tuple(int(x) for x in r) for r in rows]
    assert tones == [h.TONES[s.value] for s in reversed(Severity) for _ in range(2)]
    assert len({h.TONES[s.value] for s in Severity}) == 4
    staff = unstyled(report.to_html(show_identifiers=True, max_rows=3))
    assert "patient-3" in staff and "… 5 more findings" in staff and "… 1 more patient-weeks" in staff


def test_full_offerings_are_tinted_not_white_on_pink() -> None:
    """A full offering's row is tinted (half-transparent), so its text keeps the theme's colour."""
    view = Occupancy(rows=(OfferingOccupancy(offering="a", capacity=1, patients=("p",)),))
    page = view._repr_html_()
    check_markup(page)
    r, g, b = h.TONES["violation"]
    assert f"background:rgba({r},{g},{b},.16)" in page and "#fde" not in page
