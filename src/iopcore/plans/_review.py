"""Progress triggers a plan review: a replaceable policy turns a :class:`ProgressState` into "review due", with reasons.

Plan reviews are due by dates (:func:`~iopcore.plans.next_review_due`); this module adds the reviews
that *progress* calls for. The Joint Commission's measurement-based-care standard (CTS.03.01.09)
asks programs to monitor progress with a standardized instrument and to use the results to inform
care; TIP 47 moves clients up or down the continuum as needed. Neither sets a number: how many weeks
without reliable improvement, how many missed sessions, which drug-test results and which window
call for a review are the **program's policy**. :data:`DEFAULT_REVIEW_POLICY` holds illustrative
values (``Evidence.ILLUSTRATIVE``); a program builds its own :class:`RuleBasedReviewPolicy` (or any
:class:`ReviewTriggerPolicy`) and passes it to :func:`review_due`.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol, final, runtime_checkable

import attrs

from iopcore import _fields as f
from iopcore.assessment import Trajectory
from iopcore.compliance import DrugTestStatus, TestResult
from iopcore.errors import InvalidDataError, type_name
from iopcore.plans._progress import (
    ProgressReason,
    ProgressState,
    Signal,
    days_text,
    deterioration_reason,
    flagged_reason,
    flagged_tests,
    missed_sessions,
    num,
    weekly_minutes,
    window_of,
)
from iopcore.sources import Evidence, Source
from iopcore.times import DateRange

__all__ = [
    "DEFAULT_REVIEW_POLICY",
    "ReviewDecision",
    "ReviewTriggerPolicy",
    "RuleBasedReviewPolicy",
    "review_due",
]

_FLAGGED_RESULTS: frozenset[TestResult] = frozenset(
    {
        TestResult.POSITIVE,
        TestResult.POSITIVE_DILUTE,
        TestResult.ADULTERATED,
        TestResult.SUBSTITUTED,
        TestResult.INVALID,
        TestResult.NOT_EVALUATED,
    }
)
"""Drug-test results the built-in policies count: positives (not explained by a medication), failed specimens and
results that could not be evaluated (never read as negative)."""


@final
@attrs.frozen(kw_only=True)
class ReviewDecision:
    """Whether progress calls for a plan review on ``as_of``, and why.

    ``reasons`` are the triggers that fired (``due`` is true exactly when there is one);
    ``not_evaluated`` the triggers that could not be checked (no reliable-change parameters,
    no hours band, no whole week of attendance yet): a review that is not due on what could
    be evaluated is not the same as one that is not due, so they are kept apart.
    """

    as_of: date = attrs.field(validator=f.calendar_date())
    policy: str = attrs.field(validator=f.text())
    reasons: tuple[ProgressReason, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(ProgressReason)
    )
    not_evaluated: tuple[ProgressReason, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(ProgressReason)
    )

    @property
    def due(self) -> bool:
        """Whether a review is due (some trigger fired)."""
        return bool(self.reasons)

    @property
    def signals(self) -> frozenset[Signal]:
        """The signals of the triggers that fired."""
        return frozenset(r.signal for r in self.reasons)

    @property
    def complete(self) -> bool:
        """Whether every trigger could be evaluated."""
        return not self.not_evaluated


@runtime_checkable
class ReviewTriggerPolicy(Protocol):
    """Anything that decides from a :class:`ProgressState` whether a plan review is due.

    Implement this protocol to plug in a program's own triggers wherever iopcore takes a review policy.
    """

    @property
    def name(self) -> str:
        """A human-readable name recorded on each decision."""
        ...

    def evaluate(self, state: ProgressState) -> ReviewDecision:
        """The decision for *state*."""
        ...


def _opt_int(min_value: int, max_value: int | None = None) -> f.Validator:
    return f.optional(f.integer(min_value=min_value, max_value=max_value))


def _uncollected(inst: object, attribute: attrs.Attribute[frozenset[DrugTestStatus]], value: object) -> None:
    f.frozenset_of(DrugTestStatus, "DrugTestStatus members")(inst, attribute, value)
    if DrugTestStatus.COLLECTED in value:  # type: ignore[operator]
        raise f.fail(
            f"$.{attribute.alias}", "expected missed or refused, got collected (results say what a test showed)",
            "status", inst,
        )  # fmt: skip


def flagged_results_field() -> frozenset[TestResult]:
    return attrs.field(
        repr=f.set_repr,
        default=_FLAGGED_RESULTS,
        converter=f.to_frozenset,
        validator=f.frozenset_of(TestResult, "TestResult members"),
    )


def uncollected_field() -> frozenset[DrugTestStatus]:
    return attrs.field(repr=f.set_repr, default=frozenset(), converter=f.to_frozenset, validator=_uncollected)


def opt_int_field(default: int | None, min_value: int, max_value: int | None = None) -> int | None:
    return attrs.field(
        default=default, converter=attrs.converters.optional(f.to_int), validator=_opt_int(min_value, max_value)
    )


@final
@attrs.frozen(kw_only=True)
class RuleBasedReviewPolicy:
    """A transparent review-trigger policy: each trigger is a field, ``None`` turns it off.

    Triggers, each read on the episode's progress as of the state's date:

    * ``no_improvement_weeks``: at least this many weeks since an instrument's baseline and its
      trajectory is not *reliably improved* (no reliable change, or worse when ``deterioration``
      is off). A trajectory that was not evaluated is reported in ``not_evaluated``.
    * ``deterioration``: any instrument reliably worse than its baseline.
    * ``min_flagged_tests``: at least this many drug tests in the window with a result in
      ``flagged_results`` (explained positives never count) or a status in ``flagged_uncollected``.
      By default positives, positive-dilutes, adulterated, substituted and invalid specimens, and
      results that could not be evaluated are flagged (never read as negative); missed and refused
      tests are not (``MissedTestRule.count_as_positive`` is the same choice, off by default).
    * ``min_weeks_below_band``: at least this many whole ISO weeks in the window whose attended
      minutes fall below the level's hours band (weeks without attendance records are not assessed).
    * ``missed_sessions``: at least this many unexcused absences in the window.

    ``instruments`` limits the trajectory triggers to these instrument ids (empty: every one).
    With ``not_evaluated_is_due`` a trigger that could not be evaluated makes the review due.
    """

    name: str = attrs.field(validator=f.text())
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))
    window_days: int = attrs.field(default=28, converter=f.to_int, validator=f.integer(min_value=1, max_value=3660))
    """The days up to the state's date (never before admission) that tests and attendance are read over."""
    no_improvement_weeks: int | None = opt_int_field(4, 1, 520)
    deterioration: bool = attrs.field(default=True, validator=f.boolean())
    instruments: frozenset[str] = attrs.field(
        repr=f.set_repr, default=frozenset(), converter=f.to_frozenset, validator=f.frozenset_of(str, "instrument ids")
    )
    min_flagged_tests: int | None = opt_int_field(1, 1)
    flagged_results: frozenset[TestResult] = flagged_results_field()
    flagged_uncollected: frozenset[DrugTestStatus] = uncollected_field()
    min_weeks_below_band: int | None = opt_int_field(1, 1)
    missed_sessions: int | None = opt_int_field(3, 1)
    not_evaluated_is_due: bool = attrs.field(default=False, validator=f.boolean())

    @f.guard
    def evaluate(self, state: ProgressState) -> ReviewDecision:
        """The review decision for *state* under this policy."""
        return _evaluate(self, state)


def _evaluate(policy: RuleBasedReviewPolicy, state: ProgressState) -> ReviewDecision:
    fired: list[ProgressReason] = []
    unread: list[ProgressReason] = []
    _trajectories(policy, state, fired, unread)
    window = window_of(state, policy.window_days)
    if policy.min_flagged_tests is not None:
        tests = flagged_tests(state, window, policy.flagged_results, policy.flagged_uncollected)
        if len(tests) >= policy.min_flagged_tests:
            fired.append(flagged_reason(tests, window, policy.min_flagged_tests, "a review"))
    if policy.min_weeks_below_band is not None:
        _band(policy.min_weeks_below_band, state, window, fired, unread)
    if policy.missed_sessions is not None:
        missed = missed_sessions(state, window)
        if missed >= policy.missed_sessions:
            fired.append(
                ProgressReason(
                    signal=Signal.MISSED_SESSIONS,
                    explanation=f"{missed} unexcused absence(s) from {days_text(window)}; "
                    f"a review at {policy.missed_sessions} or more",
                    value=missed,
                    threshold=policy.missed_sessions,
                    period=window,
                )
            )
    if policy.not_evaluated_is_due:
        fired += unread
    return ReviewDecision(as_of=state.as_of, policy=policy.name, reasons=tuple(fired), not_evaluated=tuple(unread))


def _trajectories(
    policy: RuleBasedReviewPolicy, state: ProgressState, fired: list[ProgressReason], unread: list[ProgressReason]
) -> None:
    for change in state.changes:
        if policy.instruments and change.instrument not in policy.instruments:
            continue
        trajectory = change.trajectory
        worse = trajectory is Trajectory.RELIABLY_WORSE
        if policy.deterioration and worse:
            fired.append(deterioration_reason(change))
            continue
        weeks = policy.no_improvement_weeks
        if weeks is None:
            continue
        days = (state.as_of - change.baseline.on).days
        if days < 7 * weeks:
            continue
        elapsed = f"{num(days / 7)} weeks since the baseline of {change.baseline.on.isoformat()}"
        if trajectory is Trajectory.NOT_EVALUATED:
            unread.append(
                ProgressReason(
                    signal=Signal.TRAJECTORY_NOT_EVALUATED,
                    instrument=change.instrument,
                    explanation=f"{change.instrument}: {elapsed}, but the trajectory is not evaluated "
                    f"({'; '.join(change.reasons[1:]) or 'no reason given'})",
                    value=days / 7,
                    threshold=weeks,
                )
            )
        elif trajectory is not Trajectory.RELIABLY_IMPROVED:
            fired.append(
                ProgressReason(
                    signal=Signal.NO_RELIABLE_IMPROVEMENT,
                    instrument=change.instrument,
                    explanation=f"{change.instrument}: no reliable improvement {elapsed} "
                    f"(change {num(change.change)} points, {trajectory.value.replace('_', ' ')}); "
                    f"a review after {weeks} weeks",
                    value=days / 7,
                    threshold=weeks,
                )
            )


def _band(
    min_weeks: int, state: ProgressState, window: DateRange, fired: list[ProgressReason], unread: list[ProgressReason]
) -> None:
    band = state.hours_band
    if band is None:
        unread.append(
            ProgressReason(
                signal=Signal.ATTENDANCE_NOT_EVALUATED,
                explanation="attendance against the level's band not evaluated: no hours band for the level and population",
                period=window,
            )
        )
        return
    weeks = weekly_minutes(state, window)
    if not weeks:
        unread.append(
            ProgressReason(
                signal=Signal.ATTENDANCE_NOT_EVALUATED,
                explanation=f"attendance against the band {band} not evaluated: no whole week with attendance "
                f"records from {days_text(window)}",
                period=window,
            )
        )
        return
    minimum = band.min_minutes.value
    below = [(w, m) for w, m in weeks if m < minimum]
    if len(below) >= min_weeks:
        detail = ", ".join(f"week of {w.first.isoformat()}: {m} min" for w, m in below)
        fired.append(
            ProgressReason(
                signal=Signal.ATTENDANCE_BELOW_BAND,
                explanation=f"{len(below)} of {len(weeks)} whole week(s) below the band {band}, {minimum} min a week "
                f"({detail}); a review at {min_weeks} or more",
                value=len(below),
                threshold=min_weeks,
                period=window,
            )
        )


_PROGRAM_POLICY = Source(
    citation="iopcore illustrative review triggers (program policy; no source sets these numbers)",
    evidence=Evidence.ILLUSTRATIVE,
    note=(
        "The Joint Commission CTS.03.01.09 asks programs to monitor progress with a standardized instrument and use "
        "the results to inform care, without an instrument, a frequency or a threshold; SAMHSA TIP 47 (2006) ch. 3 "
        "moves clients up or down the continuum as needed. The weeks, counts and window here are examples: each "
        "program sets its own."
    ),
    urls=("https://ncbi.nlm.nih.gov/books/NBK64088",),
)

DEFAULT_REVIEW_POLICY = RuleBasedReviewPolicy(name="iopcore illustrative review triggers", source=_PROGRAM_POLICY)
"""Review when: 4 weeks without reliable improvement, any reliable deterioration, one flagged drug test, one whole
week below the band, or 3 unexcused absences in the last 28 days. ILLUSTRATIVE program policy, not a clinical rule."""


@f.guard
def review_due(state: ProgressState, *, policy: ReviewTriggerPolicy = DEFAULT_REVIEW_POLICY) -> ReviewDecision:
    """Whether the episode's progress on ``state.as_of`` calls for a plan review, with the reasons.

    >>> from datetime import date
    >>> from iopcore.episodes import EntryRoute, admit
    >>> from iopcore.levels import ASAM3
    >>> from iopcore.plans import progress_state
    >>> episode = admit(id="e1", patient_id="p1", on=date(2026, 1, 5), level="2.1", catalog=ASAM3,
    ...                 entry_route=EntryRoute.PRIMARY, referral_source="self")
    >>> decision = review_due(progress_state(episode, as_of=date(2026, 1, 12)))
    >>> decision.due, [r.signal.value for r in decision.not_evaluated]
    (False, ['attendance_not_evaluated'])
    """
    result = policy.evaluate(state)
    if not isinstance(result, ReviewDecision):
        raise InvalidDataError.single(
            "$.policy", f"expected a policy whose evaluate() returns a ReviewDecision, got {type_name(result)}", "type"
        )
    return result
