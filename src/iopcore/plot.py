"""Plots of iopcore's results with matplotlib (the optional ``plot`` extra; see the install page).

Each function draws one picture and returns its :class:`matplotlib.figure.Figure`:

* :func:`hours_per_week`: weekly attended hours against a level's hours band, for one patient
  or over a cohort (median, interquartile range and range), from a compliance report's weekly summary;
* :func:`planned_hours`: the weekly hours a cohort schedule plans per patient, against the band;
* :func:`score_trajectory`: a score series over time with the instrument's severity bands, the
  reliable-change limits around the baseline and markers on reliable changes;
* :func:`occupancy_heatmap`: the share of seats taken by weekday and time of day;
* :func:`week_grid`: a patient's week as a calendar grid.

They are pure: given ``ax``, they draw into it (and return its figure); without it they build a new
``Figure`` (not through ``pyplot``, so nothing is registered, shown or saved; a notebook shows the
returned figure, ``fig.savefig(...)`` writes it). Titles and labels never name a patient: a report's
patient is chosen by ``patient_id``, which is not drawn.

``import iopcore.plot`` works without matplotlib; the functions raise
:class:`~iopcore.errors.MatplotlibNotInstalledError` (an ``ImportError``) when it is missing. At run
time the annotations ``Axes`` and ``Figure`` stand for ``object``, so the argument checks need no
matplotlib; ``ax`` is checked to be an ``Axes`` by each function.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

from iopcore import _fields as f
from iopcore.assessment import CHANGE_CRITERIA, INSTRUMENTS, ChangeCriteria, ScoreSeries, assess_change
from iopcore.compliance import ComplianceReport, WeekSummary
from iopcore.errors import ErrorItem, InvalidArgumentError, MatplotlibNotInstalledError, UnknownIdError, type_name
from iopcore.levels import HoursBand
from iopcore.schedule import CohortProblem, CohortSchedule, WeekSchedule
from iopcore.times import Weekday

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
else:  # the guard reads annotations at run time, where matplotlib may be absent
    Axes = Figure = object

__all__ = ["hours_per_week", "occupancy_heatmap", "planned_hours", "score_trajectory", "week_grid"]

BAND_COLOUR = "tab:green"
BELOW_COLOUR = "tab:red"
IMPROVED_COLOUR = "tab:green"
WORSE_COLOUR = "tab:red"


def _matplotlib() -> Any:
    try:
        from matplotlib import axes, figure
    except ImportError:
        raise MatplotlibNotInstalledError from None
    return axes, figure


def _canvas(ax: object, name: str, size: tuple[float, float]) -> tuple[Figure, Axes]:
    """The figure and axes to draw on: *ax* and its figure, or a new figure of *size* inches."""
    axes, figure = _matplotlib()
    if ax is None:
        fig = figure.Figure(figsize=size, layout="constrained")
        return fig, fig.add_subplot()
    if not isinstance(ax, axes.Axes):
        raise InvalidArgumentError(
            (ErrorItem(path="$.ax", message=f"expected a matplotlib Axes or None, got {type_name(ax)}", rule="type"),),
            callable=name,
        )
    root = ax.figure
    while not isinstance(root, figure.Figure):  # an Axes of a SubFigure: its root figure
        root = root.figure
    return root, ax


def _band(ax: Axes, band: HoursBand, *, vertical: bool = False) -> None:
    """*band* drawn as a tinted span with solid limits ([min, max): the maximum itself is outside)."""
    top = band.max_hours
    span, line = (ax.axvspan, ax.axvline) if vertical else (ax.axhspan, ax.axhline)
    if top is not None:
        span(band.min_hours, top, color=BAND_COLOUR, alpha=0.12, label=f"band {band}")
        line(top, color=BAND_COLOUR, linestyle=":", linewidth=1.2)
    else:
        span(band.min_hours, band.min_hours, color=BAND_COLOUR, alpha=0.12, label=f"band {band}")
    line(band.min_hours, color=BAND_COLOUR, linestyle="--", linewidth=1.2)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _date_ticks(ax: Axes, days: Sequence[date]) -> None:
    """Ticks on *days* (some; at most 12, evenly thinned), labelled "2 Mar" (no locale: the same text everywhere)."""
    step = -(-len(days) // 12)
    shown: Any = list(days[::step])
    ax.set_xticks(shown, [f"{d.day} {_MONTHS[d.month - 1]}" for d in shown])


def _outside(band: HoursBand, hours: float) -> bool:
    return hours < band.min_hours or (band.max_hours is not None and hours >= band.max_hours)


def _partial(w: WeekSummary) -> bool:
    return w.assessed_days < 7 or w.closure_days > 0


@f.guard
def hours_per_week(
    report: ComplianceReport, band: HoursBand, *, patient_id: str | None = None, ax: Axes | None = None
) -> Figure:
    """Weekly attended hours against *band* (a level's :class:`~iopcore.levels.HoursBand`).

    With *patient_id*: that patient's weeks as a line; weeks outside the band in red, partial
    weeks (fewer than 7 assessed days, or closures) hollow, since a rule does not judge them as
    full weeks. Without it: over every patient of the report, the median per week with the
    interquartile range and the range shaded, and the number of patients below the band written
    above each week. An unknown *patient_id* raises :class:`~iopcore.errors.UnknownIdError`
    (the id is not shown).
    """
    fig, axes = _canvas(ax, "hours_per_week", (7.0, 3.6))
    if patient_id is not None:
        weeks = sorted((w for w in report.weeks if w.patient_id == patient_id), key=lambda w: w.week.first)
        if not weeks:
            raise UnknownIdError(what="patient", where="the report", path="$.patient_id", callable="hours_per_week")
        _band(axes, band)
        _patient_weeks(axes, band, weeks)
        axes.set_title("Hours per week (one patient)")
    else:
        _band(axes, band)
        _cohort_weeks(axes, band, report.weeks)
        patients = len({w.patient_id for w in report.weeks})
        axes.set_title(f"Hours per week ({patients} patients)")
    axes.set_xlabel("week of")
    axes.set_ylabel("hours attended")
    axes.set_ylim(bottom=0)
    axes.legend(loc="best", fontsize="small")
    return fig


def _patient_weeks(ax: Axes, band: HoursBand, weeks: Sequence[WeekSummary]) -> None:
    days: Any = [w.week.first for w in weeks]  # matplotlib's stubs do not list dates, which it plots
    hours = [w.attended_minutes.hours for w in weeks]
    ax.plot(days, hours, color="tab:blue", linewidth=1.2, label="hours attended")
    _date_ticks(ax, days)
    for full in (True, False):
        chosen: Any = [
            (d, h, _outside(band, h)) for d, h, w in zip(days, hours, weeks, strict=True) if _partial(w) != full
        ]
        if not chosen:
            continue
        colours = [BELOW_COLOUR if out else "tab:blue" for _, _, out in chosen]
        ax.scatter(
            [d for d, _, _ in chosen],
            [h for _, h, _ in chosen],
            s=36,
            zorder=3,
            facecolors=colours if full else "none",
            edgecolors=colours,
            label="full week" if full else "partial week",
        )


def _cohort_weeks(ax: Axes, band: HoursBand, weeks: Sequence[WeekSummary]) -> None:
    by_week: dict[date, list[float]] = {}
    for w in weeks:
        by_week.setdefault(w.week.first, []).append(w.attended_minutes.hours)
    if not by_week:
        ax.text(0.5, 0.5, "no weeks", transform=ax.transAxes, ha="center", va="center")
        return
    days: Any = sorted(by_week)
    values = [sorted(by_week[d]) for d in days]
    quartiles = [statistics.quantiles(v, n=4, method="inclusive") if len(v) > 1 else [v[0]] * 3 for v in values]
    ax.fill_between(days, [v[0] for v in values], [v[-1] for v in values], color="tab:blue", alpha=0.12, label="range")
    ax.fill_between(
        days, [q[0] for q in quartiles], [q[2] for q in quartiles], color="tab:blue", alpha=0.3, label="middle half"
    )
    ax.plot(days, [q[1] for q in quartiles], color="tab:blue", marker="o", markersize=4, label="median")
    _date_ticks(ax, days)
    top = max(v[-1] for v in values)
    for d, v in zip(days, values, strict=True):
        below = sum(1 for h in v if h < band.min_hours)
        if below:
            ax.annotate(
                f"{below} below",
                (d, top),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                fontsize="x-small",
                color=BELOW_COLOUR,
            )


@f.guard
def planned_hours(
    schedule: CohortSchedule, problem: CohortProblem, band: HoursBand, *, ax: Axes | None = None
) -> Figure:
    """A histogram of the weekly hours *schedule* plans for each scheduled patient of *problem*, against *band*.

    The title counts the patients left out. *problem* must be the schedule's problem (its
    patients and every offering the schedule names), else
    :class:`~iopcore.errors.InvalidArgumentError` at ``$.problem``.
    """
    schedule.occupancy(problem)  # checks that *problem* is the schedule's (InvalidArgumentError at $.problem)
    durations = {o.id: o.duration.value for o in problem.offerings}
    fig, axes = _canvas(ax, "planned_hours", (6.0, 3.4))
    hours = [sum(durations[s] for s in a.sessions) / 60 for a in schedule.assignments]
    _band(axes, band, vertical=True)
    if hours:
        low, high = math.floor(min(hours)), math.ceil(max(hours))
        bins = [low + i * 0.5 for i in range(max(1, int((high - low) * 2)) + 1)]
        axes.hist(hours, bins=bins, color="tab:blue", alpha=0.8, label="patients")
    outside = sum(1 for h in hours if _outside(band, h))
    axes.set_title(
        f"Planned hours per week: {len(hours)} scheduled, {len(schedule.unscheduled)} left out, {outside} outside the band"
    )
    axes.set_xlabel("hours per week")
    axes.set_ylabel("patients")
    axes.legend(loc="upper right", fontsize="small")
    return fig


@f.guard
def score_trajectory(series: ScoreSeries, *, criteria: ChangeCriteria | None = None, ax: Axes | None = None) -> Figure:
    """A score series over time with its instrument's bands, reliable-change limits and markers.

    Bands are the instrument's first band scheme (for a built-in instrument). *criteria*
    defaults to :data:`~iopcore.assessment.CHANGE_CRITERIA` for the instrument (none: the
    trajectory is drawn without change limits, and the title says change was not evaluated).
    With reliable-change parameters, dotted lines mark baseline ± the threshold, and later
    scores beyond it are marked as reliably improved (▼ for a lower-is-better scale) or worse; the
    clinical cut-off and the remission limit are drawn when the criteria have them.
    """
    if criteria is not None and criteria.instrument != series.instrument:
        raise InvalidArgumentError(
            (
                ErrorItem(
                    path="$.criteria.instrument",
                    message="expected criteria for the series' instrument, got another instrument's",
                    rule="instrument",
                ),
            ),
            callable="score_trajectory",
        )
    chosen = criteria if criteria is not None else CHANGE_CRITERIA.get(series.instrument)
    fig, axes = _canvas(ax, "score_trajectory", (7.0, 3.6))
    known = INSTRUMENTS.get(series.instrument)
    if known is not None and known.schemes:
        for i, b in enumerate(known.schemes[0].bands):
            axes.axhspan(b.min_total - 0.5, b.max_total + 0.5, color="grey", alpha=0.06 + 0.06 * (i % 2), linewidth=0)
            axes.annotate(
                b.label.replace("_", " "),
                (1.0, (b.min_total + b.max_total) / 2),
                xycoords=("axes fraction", "data"),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize="x-small",
            )
        axes.set_ylim(-0.5, known.max_total + 0.5)
    days: Any = [s.on for s in series.scores]
    totals = [float(s.total) for s in series.scores]
    axes.plot(days, totals, color="tab:blue", marker="o", zorder=3, label=series.instrument)
    _date_ticks(axes, days)
    title = f"{known.name if known is not None else series.instrument} over time"
    if chosen is None:
        axes.set_title(f"{title} (change not evaluated: no criteria)")
    else:
        _change_marks(axes, series, chosen)
        trajectory = assess_change(series, criteria=chosen).trajectory
        axes.set_title(f"{title}: {trajectory.value.replace('_', ' ')}")
    axes.set_xlabel("date")
    axes.set_ylabel("total")
    axes.legend(loc="best", fontsize="small")
    return fig


def _change_marks(ax: Axes, series: ScoreSeries, criteria: ChangeCriteria) -> None:
    base = float(series.baseline.total)
    rc = criteria.reliable_change
    if rc is not None:
        threshold = rc.threshold
        ax.axhline(base + threshold, color="grey", linestyle=":", label=f"reliable change (±{threshold:.3g})")
        ax.axhline(base - threshold, color="grey", linestyle=":")
        better: list[Any] = []
        worse: list[Any] = []
        for s in series.scores[1:]:
            change = float(s.total) - base
            if abs(change) > threshold:
                improved = change < 0 if criteria.lower_is_better else change > 0
                (better if improved else worse).append((s.on, float(s.total)))
        down, up = ("v", "^") if criteria.lower_is_better else ("^", "v")
        for points, marker, colour, label in (
            (better, down, IMPROVED_COLOUR, "reliably improved"),
            (worse, up, WORSE_COLOUR, "reliably worse"),
        ):
            if points:
                xs, ys = [d for d, _ in points], [t for _, t in points]
                ax.scatter(xs, ys, marker=marker, s=90, color=colour, zorder=4, label=label)
    if criteria.clinical_cutoff is not None:
        ax.axhline(criteria.clinical_cutoff.value, color="tab:orange", linestyle="-.", label="clinical cut-off")
    if criteria.remission is not None:
        ax.axhline(criteria.remission.value, color=IMPROVED_COLOUR, linestyle="--", label="remission below")


@f.guard
def occupancy_heatmap(
    schedule: CohortSchedule,
    problem: CohortProblem,
    *,
    slot_minutes: Annotated[int, f.Range(min_value=5, max_value=240)] = 30,
    ax: Axes | None = None,
) -> Figure:
    """The share of seats taken, by weekday (rows) and time of day (columns of *slot_minutes*).

    A cell sums the seats taken and the capacity of the offerings running in that slot; cells
    with no offering are blank, full cells reach 1. Seats taken are those of
    :meth:`~iopcore.schedule.CohortSchedule.occupancy` (pinned seats of patients left out count).
    """
    rows = {r.offering: r for r in schedule.occupancy(problem).rows}  # checks that *problem* is the schedule's
    fig, axes = _canvas(ax, "occupancy_heatmap", (8.0, 3.2))
    offerings = [o for o in problem.offerings if o.end.minute_of_day > o.start.minute_of_day]
    first = min((o.start.minute_of_day for o in offerings), default=8 * 60) // slot_minutes * slot_minutes
    last = max((o.end.minute_of_day for o in offerings), default=18 * 60)
    slots = max(1, math.ceil((last - first) / slot_minutes))
    taken = [[0] * slots for _ in Weekday]
    seats = [[0] * slots for _ in Weekday]
    for o in offerings:
        row = rows[o.id]
        day = o.weekday.value - 1
        for k in range(slots):
            start = first + k * slot_minutes
            if o.start.minute_of_day < start + slot_minutes and o.end.minute_of_day > start:
                taken[day][k] += row.taken
                seats[day][k] += row.capacity
    share = [
        [min(1.0, t / c) if c else (1.0 if t else math.nan) for t, c in zip(trow, crow, strict=True)]
        for trow, crow in zip(taken, seats, strict=True)
    ]
    image = axes.imshow(
        share,
        aspect="auto",
        cmap="viridis",
        vmin=0.0,
        vmax=1.0,
        interpolation="nearest",
        extent=(first / 60, (first + slots * slot_minutes) / 60, 7 - 0.5, -0.5),
    )
    fig.colorbar(image, ax=axes, label="share of seats taken")
    axes.set_yticks(range(7), [d.short for d in Weekday])
    hours = range(math.ceil(first / 60), math.floor((first + slots * slot_minutes) / 60) + 1)
    axes.set_xticks(list(hours), [f"{h:02d}:00" for h in hours])
    axes.set_xlabel("time of day")
    full = sum(1 for r in rows.values() if r.full)
    axes.set_title(f"Occupancy: {len(rows)} offerings, {full} full")
    return fig


@f.guard
def week_grid(schedule: WeekSchedule, *, ax: Axes | None = None) -> Figure:
    """A week as a calendar: one column per weekday, each session a box from its start to its end.

    Boxes are coloured by component (the same colour for the same component) and labelled
    with it; time runs downwards.
    """
    fig, axes = _canvas(ax, "week_grid", (8.0, 4.5))
    components = sorted({o.component for o in schedule.sessions})
    colour = {c: f"C{i % 10}" for i, c in enumerate(components)}
    for o in schedule.sessions:
        start, end = o.start.minute_of_day / 60, o.end.minute_of_day / 60
        x = o.weekday.value - 1
        axes.bar(x, end - start, bottom=start, width=0.86, color=colour[o.component], alpha=0.75, edgecolor="black")
        axes.text(
            x, (start + end) / 2, o.component.replace("_", " "), ha="center", va="center", fontsize="x-small", wrap=True
        )
    low = min((o.start.minute_of_day for o in schedule.sessions), default=9 * 60) // 60
    high = -(-max((o.end.minute_of_day for o in schedule.sessions), default=17 * 60) // 60)
    axes.set_ylim(high, low)
    axes.set_xlim(-0.5, 6.5)
    axes.set_xticks(range(7), [d.short for d in Weekday])
    axes.set_yticks(range(low, high + 1), [f"{h:02d}:00" for h in range(low, high + 1)])
    axes.grid(axis="y", alpha=0.3)
    axes.set_title(f"{len(schedule.sessions)} sessions, {schedule.hours:g} h on {len(schedule.days)} days")
    return fig
