"""iopcore.plot: each plot's content (lines, points, spans, labels, limits), headless, on realistic and drawn inputs."""

from __future__ import annotations

import pickle
import statistics
import subprocess
import sys
from datetime import date, timedelta

import matplotlib.figure
import numpy as np
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.text import Text

from iopcore import plot
from iopcore.assessment import CHANGE_CRITERIA, INSTRUMENTS, ChangeCriteria, DatedScore, ReliableChange, ScoreSeries
from iopcore.compliance import ASAM_2_1_ADULT_RULES, ComplianceRecords, ComplianceReport, evaluate
from iopcore.errors import InvalidArgumentError, MatplotlibNotInstalledError, UnknownIdError
from iopcore.levels import ASAM3, HoursBand, Population
from iopcore.schedule import (
    CohortPatient,
    CohortProblem,
    CohortSchedule,
    ComponentBound,
    WeekRules,
    WeekSchedule,
    solve_cohort,
)
from iopcore.sources import Evidence, Source
from iopcore.times import DateRange, Weekday
from tests.builders import MONDAY, admission, bundle, episodes, session
from tests.schedule.builders import EVENINGS, contended, offering
from tests.test_identifiers import MARK, plant

BAND = ASAM3.level("2.1").hours_per_week[Population.ADULT]  # 9 to 20 hours, half-open
SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))


def only_axes(fig: matplotlib.figure.Figure) -> object:
    """The plot's axes (a colour bar, where there is one, is the second)."""
    return fig.axes[0]


def legend_labels(ax: object) -> list[str]:
    legend = ax.get_legend()  # type: ignore[attr-defined]
    return [t.get_text() for t in legend.get_texts()]


def horizontal_levels(ax: object) -> set[float]:
    """The y of every horizontal line (axhline) on *ax*."""
    out = set()
    for line in ax.get_lines():  # type: ignore[attr-defined]
        ys = list(line.get_ydata())
        if len(ys) == 2 and ys[0] == ys[1] and list(line.get_xdata()) == [0, 1]:
            out.add(float(ys[0]))
    return out


def report_of(draw: st.DrawFn) -> ComplianceReport:
    records, as_of = draw(episodes(patients=3))
    return evaluate(ASAM_2_1_ADULT_RULES, records, as_of)


@st.composite
def reports_with_weeks(draw: st.DrawFn) -> ComplianceReport:
    report = report_of(draw)
    if not report.weeks:
        reject()
    return report


# ----------------------------------------------------------------------------- hours per week


@SETTINGS
@given(reports_with_weeks(), st.data())
def test_a_patients_hours_are_drawn_week_by_week_against_the_band(
    report: ComplianceReport, data: st.DataObject
) -> None:
    """One patient: the line holds the patient's weekly hours in week order; weeks outside the band are red."""
    pid = data.draw(st.sampled_from(sorted({w.patient_id for w in report.weeks})))
    fig = plot.hours_per_week(report, BAND, patient_id=pid)
    ax = only_axes(fig)
    weeks = sorted((w for w in report.weeks if w.patient_id == pid), key=lambda w: w.week.first)
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == "hours attended"]
    assert [float(y) for y in line.get_ydata()] == [w.attended_minutes.hours for w in weeks]
    assert {BAND.min_hours, BAND.max_hours} <= horizontal_levels(ax)
    assert any(p.get_label() == f"band {BAND}" for p in ax.patches)
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in points) == len(weeks)
    red = to_rgba(plot.BELOW_COLOUR)
    drawn_red = sum(1 for c in points for e in c.get_edgecolors() if tuple(e) == red)
    assert drawn_red == sum(1 for w in weeks if not BAND.contains(w.attended_minutes.hours))
    assert ax.get_title() == "Hours per week (one patient)" and pid not in ax.get_title()
    assert ax.get_ylim()[0] == 0 and ax.get_ylabel() == "hours attended"


@SETTINGS
@given(reports_with_weeks())
def test_a_cohorts_hours_show_the_weekly_median_and_how_many_are_below(report: ComplianceReport) -> None:
    """Over a cohort: the median line holds each week's median; "N below" counts patients under the band."""
    ax = only_axes(plot.hours_per_week(report, BAND))
    by_week: dict[date, list[float]] = {}
    for w in report.weeks:
        by_week.setdefault(w.week.first, []).append(w.attended_minutes.hours)
    (median,) = [ln for ln in ax.get_lines() if ln.get_label() == "median"]
    assert [float(y) for y in median.get_ydata()] == pytest.approx(
        [statistics.median(by_week[d]) for d in sorted(by_week)]
    )
    below = sorted(sum(1 for h in v if h < BAND.min_hours) for v in by_week.values())
    assert sorted(int(t.get_text().split()[0]) for t in ax.texts) == [n for n in below if n]
    assert {"median", "middle half", "range", f"band {BAND}"} <= set(legend_labels(ax))
    assert ax.get_title() == f"Hours per week ({len({w.patient_id for w in report.weeks})} patients)"


def test_hours_per_week_refuses_an_unknown_patient_without_naming_it() -> None:
    """A patient without weeks in the report is an UnknownIdError at $.patient_id; the id is not shown."""
    report = ComplianceReport(
        ruleset_name="r",
        ruleset_version="1",
        as_of=date(2026, 3, 1),
        period=DateRange(first=date(2026, 1, 5), last=date(2026, 3, 1)),
    )
    with pytest.raises(UnknownIdError) as info:
        plot.hours_per_week(report, BAND, patient_id="MRN-123")
    assert info.value.paths == ("$.patient_id",) and "MRN-123" not in str(info.value)
    ax = only_axes(plot.hours_per_week(report, BAND))
    assert [t.get_text() for t in ax.texts] == ["no weeks"]


def test_a_band_without_maximum_draws_only_its_minimum() -> None:
    """An open band (no maximum) draws its minimum line only."""
    report = evaluate(ASAM_2_1_ADULT_RULES, _records(), date(2026, 1, 18))
    ax = only_axes(plot.hours_per_week(report, HoursBand(min_hours=6)))
    assert horizontal_levels(ax) == {6.0}


def _records() -> ComplianceRecords:
    return bundle(admission(), *(session(f"s{i}", MONDAY + timedelta(days=i), 180) for i in range(0, 12, 2)))


# ----------------------------------------------------------------------------- axes, figure, purity


def test_plots_draw_into_a_given_axes_and_return_its_figure() -> None:
    """With ``ax`` the plot draws there and returns that axes' figure; anything else is refused at $.ax."""
    fig = matplotlib.figure.Figure()
    left, right = fig.subplots(1, 2)
    assert plot.week_grid(WeekSchedule(sessions=EVENINGS[:2]), ax=right) is fig
    assert len(right.patches) == 2 and not left.patches
    sub = fig.subfigures(1, 1)
    assert plot.week_grid(WeekSchedule(sessions=EVENINGS[:1]), ax=sub.add_subplot()) is fig
    with pytest.raises(InvalidArgumentError) as info:
        plot.week_grid(WeekSchedule(sessions=()), ax=fig)  # type: ignore[arg-type]
    assert info.value.paths == ("$.ax",)


ON_FIRST_USE = """
import sys
import iopcore.plot
from iopcore.errors import MatplotlibNotInstalledError
from iopcore.schedule import WeekSchedule
print("matplotlib" in sys.modules)
iopcore.plot.week_grid(WeekSchedule(sessions=()))
print("matplotlib" in sys.modules, "matplotlib.pyplot" in sys.modules)
sys.modules["matplotlib"] = None  # from here on, as if the extra were not installed
try:
    iopcore.plot.week_grid(WeekSchedule(sessions=()))
except MatplotlibNotInstalledError as exc:
    print(type(exc).__name__, isinstance(exc, ImportError), exc.name)
"""


def test_matplotlib_is_imported_on_first_use_never_pyplot_and_its_absence_is_an_iopcore_error() -> None:
    """``import iopcore.plot`` imports no matplotlib; the first plot does (never pyplot, which keeps global figures);
    without matplotlib a plot raises MatplotlibNotInstalledError, an ImportError naming the extra."""
    out = subprocess.run([sys.executable, "-c", ON_FIRST_USE], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "False", "MatplotlibNotInstalledError", "True", "matplotlib"]
    exc = pickle.loads(pickle.dumps(MatplotlibNotInstalledError()))
    assert "iopcore[plot]" in str(exc) and "pip install matplotlib" in str(exc)


# ----------------------------------------------------------------------------- planned hours


def _solved(n: int) -> tuple[CohortSchedule, object]:
    problem = contended(n)
    return solve_cohort(problem), problem


def test_planned_hours_histogram_counts_every_scheduled_patient() -> None:
    """The histogram's bars add up to the scheduled patients, at their planned hours; the band is a vertical span."""
    schedule, problem = _solved(8)
    fig = plot.planned_hours(schedule, problem, HoursBand(min_hours=1, max_hours=3))  # type: ignore[arg-type]
    ax = only_axes(fig)
    (bars,) = ax.containers  # the histogram's bars
    assert any(p.get_label() == "band " + str(HoursBand(min_hours=1, max_hours=3)) for p in ax.patches)
    assert sum(b.get_height() for b in bars) == schedule.scheduled
    assert all(b.get_x() == 2.0 for b in bars if b.get_height() > 0)  # two one-hour groups each: 2 h
    assert ax.get_title().startswith(
        f"Planned hours per week: {schedule.scheduled} scheduled, {len(schedule.unscheduled)} left out"
    )
    with pytest.raises(InvalidArgumentError) as info:
        plot.planned_hours(schedule, contended(3), BAND)
    assert info.value.paths == ("$.problem",)


def test_planned_hours_of_a_cohort_with_nobody_scheduled_is_an_empty_histogram() -> None:
    """With every seat closed nobody is scheduled: no bars, and the title says who was left out."""
    rules = WeekRules(components={"group_therapy": ComponentBound(min=1, max=1)})
    problem = CohortProblem(
        offerings=(offering("a", Weekday.MONDAY, "09:00", "10:00", seats=0),),
        patients=(CohortPatient(id="p", rules=rules),),
    )
    ax = only_axes(plot.planned_hours(solve_cohort(problem), problem, BAND))
    assert not ax.containers and ax.get_title().startswith("Planned hours per week: 0 scheduled, 1 left out")


# ----------------------------------------------------------------------------- score trajectories

SOURCE = Source(citation="test", evidence=Evidence.ILLUSTRATIVE)


def gad7(*totals: int) -> ScoreSeries:
    first = date(2026, 1, 5)
    return ScoreSeries(
        patient_id="p",
        instrument="gad7",
        scores=tuple(
            DatedScore(patient_id="p", instrument="gad7", on=first + timedelta(days=14 * i), total=t)
            for i, t in enumerate(totals)
        ),
    )


def test_score_trajectory_marks_reliable_changes_and_draws_the_bands() -> None:
    """GAD-7 (reliable change beyond 5.59 points): limits at baseline ± 5.59, ▼ on reliable improvement, ▲ on worsening."""
    series = gad7(15, 12, 8, 21, 9)
    ax = only_axes(plot.score_trajectory(series))
    threshold = CHANGE_CRITERIA["gad7"].reliable_change.threshold  # type: ignore[union-attr]
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == "gad7"]
    assert list(line.get_ydata()) == [15, 12, 8, 21, 9]
    assert {15 + threshold, 15 - threshold, 10.0} <= horizontal_levels(ax)  # limits and the clinical cut-off
    marks = {c.get_label(): [float(y) for _, y in c.get_offsets()] for c in ax.collections}
    assert marks == {"reliably improved": [8.0, 9.0], "reliably worse": [21.0]}
    bands = INSTRUMENTS["gad7"].schemes[0].bands
    assert len(ax.patches) == len(bands) and len(ax.texts) == len(bands)
    assert ax.get_ylim() == (-0.5, INSTRUMENTS["gad7"].max_total + 0.5)
    assert ax.get_title() == "GAD-7 over time: reliably improved"


def test_score_trajectory_without_reliable_change_parameters_says_so() -> None:
    """PHQ-9 has no cited reliable-change parameters: no limits, no marks, and the title says change was not evaluated."""
    first = date(2026, 1, 5)
    series = ScoreSeries(
        patient_id="p",
        instrument="phq9",
        scores=(
            DatedScore(patient_id="p", instrument="phq9", on=first, total=20),
            DatedScore(patient_id="p", instrument="phq9", on=first + timedelta(days=28), total=4),
        ),
    )
    ax = only_axes(plot.score_trajectory(series))
    assert not ax.collections and horizontal_levels(ax) == {10.0, 5.0}  # clinical cut-off and remission only
    assert ax.get_title() == "PHQ-9 over time: not evaluated"
    criteria = ChangeCriteria(instrument="phq9", reliable_change=ReliableChange(critical_difference=6, source=SOURCE))
    ax = only_axes(plot.score_trajectory(series, criteria=criteria))
    assert [c.get_label() for c in ax.collections] == ["reliably improved"]
    with pytest.raises(InvalidArgumentError) as info:
        plot.score_trajectory(series, criteria=CHANGE_CRITERIA["gad7"])
    assert info.value.paths == ("$.criteria.instrument",)


def test_an_instrument_without_criteria_is_drawn_without_change() -> None:
    """A series of an instrument without change criteria is drawn, with "change not evaluated" in the title."""
    series = ScoreSeries(
        patient_id="p",
        instrument="audit",
        scores=(DatedScore(patient_id="p", instrument="audit", on=date(2026, 1, 5), total=12),),
    )
    ax = only_axes(plot.score_trajectory(series))
    assert ax.get_title().endswith("(change not evaluated: no criteria)")


@SETTINGS
@given(st.from_type(ScoreSeries))
def test_any_series_is_drawn_score_by_score(series: ScoreSeries) -> None:
    """Any series: one point per score, in date order, and marks only on scores beyond the threshold."""
    ax = only_axes(plot.score_trajectory(series))
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == series.instrument]
    assert [float(y) for y in line.get_ydata()] == [float(s.total) for s in series.scores]
    criteria = CHANGE_CRITERIA.get(series.instrument)
    rc = criteria.reliable_change if criteria is not None else None
    expected = (
        0 if rc is None else sum(1 for s in series.scores[1:] if abs(s.total - series.baseline.total) > rc.threshold)
    )
    assert sum(len(c.get_offsets()) for c in ax.collections) == expected


# ----------------------------------------------------------------------------- occupancy heatmap


def test_occupancy_heatmap_cells_are_the_share_of_seats_taken() -> None:
    """Each cell is seats taken ÷ capacity of the offerings in that slot (blank without one); rows are weekdays."""
    schedule, problem = _solved(10)
    fig = plot.occupancy_heatmap(schedule, problem, slot_minutes=60)  # type: ignore[arg-type]
    ax = only_axes(fig)
    (image,) = ax.images
    grid = np.asarray(image.get_array(), dtype=float)
    occupancy = {r.offering: r for r in schedule.occupancy(problem).rows}  # type: ignore[arg-type]
    assert grid.shape == (7, 5)  # Monday..Sunday × 09:00..14:00
    for o in problem.offerings:  # type: ignore[attr-defined]
        row = occupancy[o.id]
        assert grid[o.weekday.value - 1, o.start.hour - 9] == pytest.approx(row.taken / row.capacity)
    assert np.isnan(grid[3:, :]).all() and np.isnan(grid[:, [1, 3]]).all()  # Thursday on, 10:00 and 12:00: none
    assert [t.get_text() for t in ax.get_yticklabels()] == [d.short for d in Weekday]
    assert len(fig.axes) == 2 and fig.axes[1].get_ylabel() == "share of seats taken"
    full = sum(1 for r in occupancy.values() if r.full)
    assert ax.get_title() == f"Occupancy: {len(occupancy)} offerings, {full} full"


def test_occupancy_heatmap_of_a_slot_shared_by_two_offerings_sums_them() -> None:
    """Two offerings in one slot add their seats taken and their capacities."""
    offs = (
        offering("a", Weekday.MONDAY, "09:00", "10:00", seats=2),
        offering("b", Weekday.MONDAY, "09:30", "10:30", seats=2),
    )
    rules = WeekRules(components={"group_therapy": ComponentBound(min=1, max=1)})
    problem = CohortProblem(offerings=offs, patients=tuple(CohortPatient(id=f"p{i}", rules=rules) for i in range(3)))
    schedule = solve_cohort(problem)
    grid = np.asarray(only_axes(plot.occupancy_heatmap(schedule, problem)).images[0].get_array(), dtype=float)
    a, b = (r.taken for r in schedule.occupancy(problem).rows)
    assert a + b == 3
    assert list(grid[0, :3]) == pytest.approx([a / 2, (a + b) / 4, b / 2])  # 09:00, 09:30 (both), 10:00


# ----------------------------------------------------------------------------- week grid


@SETTINGS
@given(st.from_type(WeekSchedule))
def test_the_week_grid_has_one_box_per_session_from_its_start_to_its_end(schedule: WeekSchedule) -> None:
    """A box per session in its weekday's column, spanning its start to its end, labelled with its component."""
    ax = only_axes(plot.week_grid(schedule))
    boxes = sorted((round(p.get_x() + p.get_width() / 2), p.get_y(), p.get_height()) for p in ax.patches)
    expected = sorted(
        (o.weekday.value - 1, o.start.minute_of_day / 60, o.duration.value / 60) for o in schedule.sessions
    )
    assert [(x, pytest.approx(y), pytest.approx(hgt)) for x, y, hgt in expected] == boxes
    assert sorted(t.get_text() for t in ax.texts) == sorted(o.component.replace("_", " ") for o in schedule.sessions)
    top, bottom = ax.get_ylim()
    assert top >= bottom  # time runs downwards
    assert [t.get_text() for t in ax.get_xticklabels()] == [d.short for d in Weekday]


@SETTINGS
@given(reports_with_weeks(), st.from_type(ScoreSeries), st.data())
def test_no_text_of_a_figure_names_a_patient(
    report: ComplianceReport, series: ScoreSeries, data: st.DataObject
) -> None:
    """Titles, labels, legends, annotations and tick labels never show a patient id (planted as a marker)."""
    report, series = plant(report), plant(series)
    pid = data.draw(st.sampled_from(sorted({w.patient_id for w in report.weeks})))
    for fig in (
        plot.hours_per_week(report, BAND),
        plot.hours_per_week(report, BAND, patient_id=pid),
        plot.score_trajectory(series),
    ):
        texts = [t.get_text() for t in fig.findobj(Text)]
        assert texts and not [t for t in texts if MARK in t]
