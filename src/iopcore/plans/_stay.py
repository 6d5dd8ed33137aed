"""Continued stay: a transparent, replaceable policy recommends continue, step down, step up or discharge.

Shaped like placement (:class:`~iopcore.assessment.PlacementPolicy`): a protocol,
:class:`ContinuedStayPolicy`; a rule-based policy whose numbers are data,
:class:`RuleBasedContinuedStayPolicy`; a :class:`ContinuedStayRecommendation` with the reasons
that drove it, the moves the program's :class:`~iopcore.levels.MovePolicy` refused, and a
clinician's override with its reason. Levels are read against the catalog's intensity order:
a step up goes to a more intensive level, a step down to a less intensive one, and only to
levels the move policy allows from the current one.

The built-in :data:`ILLUSTRATIVE_STAY_POLICY` is **illustrative program policy**, not a clinical
rule: TIP 47 describes stepping clients up or down "as needed" and continuing care after IOP,
without thresholds. Its re-rated dimensions are read through the illustrative placement policy
(not ASAM's licensed logic). Replace both with your program's own.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date
from typing import Protocol, final, runtime_checkable

import attrs

from iopcore import _fields as f
from iopcore.assessment import (
    ILLUSTRATIVE_POLICY,
    OverrideReason,
    PlacementRecommendation,
    RuleBasedPlacementPolicy,
    Trajectory,
)
from iopcore.compliance import DrugTestStatus, TestResult
from iopcore.episodes import DischargeReason, Episode, change_level, discharge
from iopcore.errors import InvalidArgumentError, InvalidDataError, UnknownCodeError, type_name
from iopcore.levels import ANY_STEP, LevelCatalog, LevelCategory, LevelOfCare, MovePolicy
from iopcore.plans._progress import (
    ProgressReason,
    ProgressState,
    Signal,
    attendance_rate,
    days_text,
    deterioration_reason,
    flagged_reason,
    flagged_tests,
    in_window,
    num,
    test_counts,
    window_of,
)
from iopcore.plans._review import flagged_results_field, opt_int_field, uncollected_field
from iopcore.sources import Evidence, Source
from iopcore.times import DateRange

__all__ = [
    "ILLUSTRATIVE_STAY_POLICY",
    "ContinuedStayOverride",
    "ContinuedStayPolicy",
    "ContinuedStayRecommendation",
    "RuleBasedContinuedStayPolicy",
    "StayDecision",
    "recommend_continued_stay",
]


class StayDecision(enum.StrEnum):
    """What a continued-stay review decides."""

    CONTINUE = "continue"
    STEP_DOWN = "step_down"
    STEP_UP = "step_up"
    DISCHARGE = "discharge"


@final
@attrs.frozen(kw_only=True)
class ContinuedStayOverride:
    """What a clinician decided instead of the recommendation, and why.

    ``level`` is the level the patient continues at or moves to; for a discharge, the level the
    patient is referred to (``None``: no referral).
    """

    decision: StayDecision = attrs.field(validator=f.enum_member(StayDecision))
    level: LevelOfCare | None = attrs.field(
        default=None, validator=f.optional(f.instance(LevelOfCare, "a LevelOfCare"))
    )
    reason: OverrideReason = attrs.field(validator=f.enum_member(OverrideReason))
    note: str = f.phi_field(default="", validator=f.instance(str, "a string"))
    """Free text about the patient's situation, so treated as an identifier (redacted in ``repr``)."""

    def __attrs_post_init__(self) -> None:
        if self.level is None and self.decision is not StayDecision.DISCHARGE:
            raise f.fail("$.level", "expected the level to continue at or move to, got None", "level", self)


def _check_levels(
    owner: object, decision: StayDecision, current: LevelOfCare, level: LevelOfCare | None, at: str
) -> None:
    if decision is StayDecision.CONTINUE and level != current:
        raise f.fail(f"{at}.level", "expected the current level for a decision to continue", "level", owner)
    if decision in (StayDecision.STEP_UP, StayDecision.STEP_DOWN) and (level is None or level == current):
        raise f.fail(f"{at}.level", "expected a level other than the current one for a step", "level", owner)


@final
@attrs.frozen(kw_only=True)
class ContinuedStayRecommendation:
    """A continued-stay recommendation: the decision, the level, the reasons, refused moves and an override.

    ``level`` is the current level for *continue*, the target for a step, and the level a discharge
    refers to (``None``: none). ``reasons`` drove the decision (for *continue*, the conditions for a
    step down that did not hold); ``blocked`` lists moves the evidence pointed to that the move
    policy does not allow. ``placement`` is the placement policy's answer for the re-rated dimensions.
    Pass it to :meth:`apply` (or read :attr:`to` and :attr:`reason` for
    :func:`~iopcore.episodes.change_level`).
    """

    decision: StayDecision = attrs.field(validator=f.enum_member(StayDecision))
    current: LevelOfCare = attrs.field(validator=f.instance(LevelOfCare, "a LevelOfCare"))
    level: LevelOfCare | None = attrs.field(
        default=None, validator=f.optional(f.instance(LevelOfCare, "a LevelOfCare"))
    )
    as_of: date = attrs.field(validator=f.calendar_date())
    reasons: tuple[ProgressReason, ...] = attrs.field(
        converter=f.to_tuple, validator=f.tuple_of(ProgressReason, min_length=1)
    )
    blocked: tuple[ProgressReason, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(ProgressReason)
    )
    placement: PlacementRecommendation | None = attrs.field(
        default=None, validator=f.optional(f.instance(PlacementRecommendation, "a PlacementRecommendation"))
    )
    policy: str = attrs.field(validator=f.text())
    move_policy: str = attrs.field(validator=f.text())
    override: ContinuedStayOverride | None = attrs.field(
        default=None, validator=f.optional(f.instance(ContinuedStayOverride, "a ContinuedStayOverride"))
    )

    def __attrs_post_init__(self) -> None:
        _check_levels(self, self.decision, self.current, self.level, "$")
        o = self.override
        if o is not None:
            _check_levels(self, o.decision, self.current, o.level, "$.override")
            if (o.decision, o.level) == (self.decision, self.level):
                raise f.fail(
                    "$.override", "expected a decision or level other than the recommended one", "distinct", self
                )

    @property
    def actual_decision(self) -> StayDecision:
        """The override's decision if any, else the recommendation's."""
        return self.decision if self.override is None else self.override.decision

    @property
    def actual_level(self) -> LevelOfCare | None:
        """The override's level if any, else the recommended one."""
        return self.level if self.override is None else self.override.level

    @property
    def is_overridden(self) -> bool:
        """Whether a clinician decided otherwise."""
        return self.override is not None

    @property
    def to(self) -> str | None:
        """The code of the level the patient continues at, moves to or is referred to (``change_level``'s ``to``)."""
        level = self.actual_level
        return None if level is None else level.code

    @property
    def recommended(self) -> str | None:
        """The code of the recommended level (``change_level``'s ``recommended``)."""
        return None if self.level is None else self.level.code

    @property
    def reason(self) -> str:
        """The reasons in one line (``change_level``'s ``reason``): the decision, its drivers and any override."""
        head = f"continued-stay review {self.as_of.isoformat()}: {self.decision.value.replace('_', ' ')}"
        text = f"{head} ({'; '.join(r.explanation for r in self.reasons)})"
        if self.override is not None:
            o = self.override
            text += f"; overridden to {o.decision.value.replace('_', ' ')} ({o.reason.value.replace('_', ' ')})"
        return text

    @f.guard
    def with_override(
        self, decision: StayDecision, level: LevelOfCare | None, reason: OverrideReason, note: str = ""
    ) -> ContinuedStayRecommendation:
        """Record a clinician's *decision* at *level* for *reason*; the recommendation itself is kept."""
        if decision is StayDecision.CONTINUE and level is None:
            level = self.current
        try:
            override = ContinuedStayOverride(decision=decision, level=level, reason=reason, note=note)
            return attrs.evolve(self, override=override)
        except InvalidDataError as exc:
            items = [attrs.evolve(e, path=e.path.replace("$.override", "$", 1)) for e in exc.errors]
            raise InvalidArgumentError(items, callable="ContinuedStayRecommendation.with_override") from None

    @f.guard
    def apply(
        self,
        episode: Episode,
        catalog: LevelCatalog,
        *,
        on: date,
        policy: MovePolicy = ANY_STEP,
        authorized: str | None = None,
        discharge_reason: DischargeReason = DischargeReason.COMPLETED,
    ) -> Episode:
        """The episode after the actual decision from *on*: unchanged (continue), a level change, or a discharge.

        A step calls :func:`~iopcore.episodes.change_level` with :attr:`to`, :attr:`reason` and
        :attr:`recommended` (the recommended level is recorded even when overridden); a discharge calls
        :func:`~iopcore.episodes.discharge` referring to :attr:`to`. The *policy* is checked again there.
        """
        decision = self.actual_decision
        if decision is StayDecision.CONTINUE:
            return episode
        if decision is StayDecision.DISCHARGE:
            return discharge(
                episode, on=on, reason=discharge_reason, continuing_care=self.reason, referred_level=self.to,
                catalog=catalog,
            )  # fmt: skip
        assert self.to is not None
        return change_level(
            episode, catalog, to=self.to, on=on, reason=self.reason, recommended=self.recommended,
            authorized=authorized, policy=policy,
        )  # fmt: skip


@runtime_checkable
class ContinuedStayPolicy(Protocol):
    """Anything that recommends continue, step down, step up or discharge from a :class:`ProgressState`."""

    @property
    def name(self) -> str:
        """A human-readable name recorded on each recommendation."""
        ...

    def recommend(
        self,
        state: ProgressState,
        catalog: LevelCatalog,
        *,
        moves: MovePolicy = ANY_STEP,
        delivered: frozenset[str] | None = None,
    ) -> ContinuedStayRecommendation:
        """The recommendation for *state* among the levels of *catalog* that *moves* allows."""
        ...


_STEP_CATEGORIES = frozenset(
    {
        LevelCategory.OUTPATIENT,
        LevelCategory.INTENSIVE_OUTPATIENT,
        LevelCategory.PARTIAL_HOSPITALIZATION,
        LevelCategory.RESIDENTIAL,
        LevelCategory.INPATIENT,
    }
)


@final
@attrs.frozen(kw_only=True)
class RuleBasedContinuedStayPolicy:
    """A transparent continued-stay policy, its numbers as fields. The decision, in this order:

    1. **Step up to the re-rated level** when the placement policy finds the current level less
       intensive than the re-rated dimensions need: to the least intensive allowed level at
       least as intensive as the placement's.
    2. **Step up one step** (the least intensive allowed level above) on reliable deterioration
       of any instrument (``step_up_on_deterioration``) or at least ``step_up_flagged_tests``
       flagged drug tests in the window.
    3. **Step down** when every condition holds: every instrument reliably improved or in
       remission (one not evaluated never counts as improved); at most
       ``step_down_max_flagged_tests`` flagged tests and at least one collected test in the
       window; an attendance rate of at least ``step_down_min_attendance``; re-rated dimensions
       whose placement is less intensive than the current level (required when
       ``step_down_needs_ratings``); at least ``min_days_at_level`` days at the current level.
       The target is the placement's level when ratings are given, else the next allowed level
       down. When no allowed level is less intensive, or the target is not among the
       ``delivered`` levels, the recommendation is to **discharge**, referring to the target.
    4. Otherwise **continue**, with the conditions that did not hold as reasons.

    Steps and referrals go only to levels of ``step_categories`` (the ladder, not the
    withdrawal-management or opioid-treatment tracks).
    """

    name: str = attrs.field(validator=f.text())
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))
    placement: RuleBasedPlacementPolicy = attrs.field(
        default=ILLUSTRATIVE_POLICY, validator=f.instance(RuleBasedPlacementPolicy, "a RuleBasedPlacementPolicy")
    )
    window_days: int = attrs.field(default=28, converter=f.to_int, validator=f.integer(min_value=1, max_value=3660))
    flagged_results: frozenset[TestResult] = flagged_results_field()
    flagged_uncollected: frozenset[DrugTestStatus] = uncollected_field()
    step_up_on_deterioration: bool = attrs.field(default=True, validator=f.boolean())
    step_up_flagged_tests: int | None = opt_int_field(2, 1)
    step_down_max_flagged_tests: int = attrs.field(default=0, converter=f.to_int, validator=f.integer(min_value=0))
    step_down_min_attendance: float = attrs.field(
        default=0.8, converter=f.to_float, validator=f.number(min_value=0, max_value=1)
    )
    step_down_needs_ratings: bool = attrs.field(default=True, validator=f.boolean())
    min_days_at_level: int = attrs.field(default=0, converter=f.to_int, validator=f.integer(min_value=0))
    step_categories: frozenset[LevelCategory] = attrs.field(
        repr=f.set_repr,
        default=_STEP_CATEGORIES,
        converter=f.to_frozenset,
        validator=f.frozenset_of(LevelCategory, "LevelCategory members"),
    )
    """The kinds of level a step or a referral may go to: by default the levels of care on the ladder, not the
    withdrawal-management or opioid-treatment tracks (services alongside a level) nor early intervention."""

    @f.guard
    def recommend(
        self,
        state: ProgressState,
        catalog: LevelCatalog,
        *,
        moves: MovePolicy = ANY_STEP,
        delivered: frozenset[str] | None = None,
    ) -> ContinuedStayRecommendation:
        """The recommendation for *state* among the levels of *catalog* that *moves* allows (see the class)."""
        return _recommend(self, state, catalog, moves, delivered)


def _recommend(
    policy: RuleBasedContinuedStayPolicy,
    state: ProgressState,
    catalog: LevelCatalog,
    moves: MovePolicy,
    delivered: frozenset[str] | None,
) -> ContinuedStayRecommendation:
    code = state.level_code
    if code not in catalog.codes:
        index = next(i for i, p in enumerate(state.episode.levels) if p.level_code == code)
        raise UnknownCodeError(
            what="level", catalog=catalog.name, known=catalog.codes, path=f"$.state.episode.levels[{index}].level_code"
        )
    for i, c in enumerate(sorted(delivered or ())):
        if c not in catalog.codes:
            raise UnknownCodeError(what="level", catalog=catalog.name, known=catalog.codes, path=f"$.delivered[{i}]")
    current = catalog.level(code)
    rank = {lv.code: i for i, lv in enumerate(catalog.by_intensity())}
    order = tuple(lv for lv in catalog.by_intensity() if lv.category in policy.step_categories)
    allowed = tuple(lv for lv in moves.targets(catalog, current) if lv.category in policy.step_categories)
    window = window_of(state, policy.window_days)
    placement = None if state.ratings is None else policy.placement.recommend(state.ratings, catalog)

    def made(decision: StayDecision, level: LevelOfCare | None, reasons: list[ProgressReason], blocked: list[ProgressReason]) -> ContinuedStayRecommendation:  # fmt: skip
        return ContinuedStayRecommendation(
            decision=decision, current=current, level=level, as_of=state.as_of, reasons=tuple(reasons),
            blocked=tuple(blocked), placement=placement, policy=policy.name, move_policy=moves.name,
        )  # fmt: skip

    blocked: list[ProgressReason] = []
    # 1. the re-rated dimensions need a more intensive level
    if placement is not None and rank[placement.level.code] > rank[code]:
        need = rank[placement.level.code]
        why = _ratings(placement, current, "needs more than")
        ups = [lv for lv in allowed if rank[lv.code] >= need]
        if ups:
            return made(StayDecision.STEP_UP, ups[0], [why], [])
        blocked.append(_not_allowed(placement.level, current, moves, "step up"))
        return made(StayDecision.CONTINUE, current, [why], blocked)
    # 2. progress calls for more
    up = _up_signals(policy, state, window)
    if up:
        ups = [lv for lv in allowed if rank[lv.code] > rank[code]]
        if ups:
            return made(StayDecision.STEP_UP, ups[0], up, [])
        above = [lv for lv in order if rank[lv.code] > rank[code]]
        if above:
            blocked.append(_not_allowed(above[0], current, moves, "step up"))
        return made(StayDecision.CONTINUE, current, up, blocked)
    # 3. a step down when every condition holds
    met, unmet = _down_conditions(policy, state, window, placement, current, rank)
    if unmet:
        return made(StayDecision.CONTINUE, current, unmet, [])
    floor = rank[placement.level.code] if placement is not None else -1
    downs = [lv for lv in allowed if floor <= rank[lv.code] < rank[code]]
    target = (downs[0] if placement is not None else downs[-1]) if downs else None
    if target is not None and (delivered is None or target.code in delivered):
        return made(StayDecision.STEP_DOWN, target, met, [])
    referral = target or _referral(order, rank, code, floor)
    return made(StayDecision.DISCHARGE, referral, met, [])


def _referral(order: tuple[LevelOfCare, ...], rank: dict[str, int], code: str, floor: int) -> LevelOfCare | None:
    below = [lv for lv in order if floor <= rank[lv.code] < rank[code]]
    return below[0] if floor >= 0 and below else (below[-1] if below else None)


def _ratings(placement: PlacementRecommendation, current: LevelOfCare, verb: str) -> ProgressReason:
    dims = ", ".join(placement.driving_dimensions)
    return ProgressReason(
        signal=Signal.RATINGS,
        explanation=f"re-rated dimensions ({dims}) {verb} level {current.code}: least intensive safe level "
        f"{placement.level.code} ({placement.policy})",
        value=placement.level.intensity,
        threshold=current.intensity,
    )


def _not_allowed(target: LevelOfCare, current: LevelOfCare, moves: MovePolicy, what: str) -> ProgressReason:
    return ProgressReason(
        signal=Signal.MOVE_NOT_ALLOWED,
        explanation=f"a {what} from {current.code} toward {target.code} is not allowed by the move policy '{moves.name}'",
        value=target.intensity,
        threshold=current.intensity,
    )


def _up_signals(policy: RuleBasedContinuedStayPolicy, state: ProgressState, window: DateRange) -> list[ProgressReason]:
    out: list[ProgressReason] = []
    if policy.step_up_on_deterioration:
        for c in state.changes:
            if c.trajectory is Trajectory.RELIABLY_WORSE:
                out.append(deterioration_reason(c))
    if policy.step_up_flagged_tests is not None:
        tests = flagged_tests(state, window, policy.flagged_results, policy.flagged_uncollected)
        if len(tests) >= policy.step_up_flagged_tests:
            out.append(flagged_reason(tests, window, policy.step_up_flagged_tests, "a step up"))
    return out


def _down_conditions(
    policy: RuleBasedContinuedStayPolicy,
    state: ProgressState,
    window: DateRange,
    placement: PlacementRecommendation | None,
    current: LevelOfCare,
    rank: dict[str, int],
) -> tuple[list[ProgressReason], list[ProgressReason]]:
    met: list[ProgressReason] = []
    unmet: list[ProgressReason] = []
    _progress_conditions(state, met, unmet)
    tests = flagged_tests(state, window, policy.flagged_results, policy.flagged_uncollected)
    collected = [t for t in state.drug_tests if t.result is not None and in_window(t.on, window)]
    limit = policy.step_down_max_flagged_tests
    if not collected:
        unmet.append(
            ProgressReason(
                signal=Signal.FLAGGED_TESTS, explanation=f"no drug test collected from {days_text(window)}",
                value=0, threshold=limit, period=window,
            )
        )  # fmt: skip
    else:
        text = f"{len(tests)} flagged of {len(collected)} collected drug test(s) from {days_text(window)}"
        detail = f" ({test_counts(tests)})" if tests else ""
        (met if len(tests) <= limit else unmet).append(
            ProgressReason(
                signal=Signal.FLAGGED_TESTS, explanation=f"{text}{detail}; a step down at {limit} or fewer",
                value=len(tests), threshold=limit, period=window,
            )
        )  # fmt: skip
    present, counted = attendance_rate(state, window)
    minimum = policy.step_down_min_attendance
    if counted == 0:
        unmet.append(
            ProgressReason(
                signal=Signal.ATTENDANCE_NOT_EVALUATED,
                explanation=f"no scheduled session recorded from {days_text(window)}", period=window,
            )
        )  # fmt: skip
    else:
        ok = present >= minimum * counted
        (met if ok else unmet).append(
            ProgressReason(
                signal=Signal.ATTENDANCE_RATE,
                explanation=f"attended {present} of {counted} sessions ({num(round(100 * present / counted, 1))} %) "
                f"from {days_text(window)}; a step down at {num(100 * minimum)} % or more",
                value=present / counted, threshold=minimum, period=window,
            )
        )  # fmt: skip
    if placement is not None:
        ok = rank[placement.level.code] < rank[current.code]
        (met if ok else unmet).append(_ratings(placement, current, "allow less than" if ok else "still need"))
    elif policy.step_down_needs_ratings:
        unmet.append(ProgressReason(signal=Signal.NO_RATINGS, explanation="no re-rated ASAM dimensions"))
    days = (state.as_of - state.level_since).days
    if policy.min_days_at_level:
        (met if days >= policy.min_days_at_level else unmet).append(
            ProgressReason(
                signal=Signal.TIME_AT_LEVEL,
                explanation=f"{days} days at level {current.code}; a step down after {policy.min_days_at_level}",
                value=days, threshold=policy.min_days_at_level,
            )
        )  # fmt: skip
    return met, unmet


def _progress_conditions(state: ProgressState, met: list[ProgressReason], unmet: list[ProgressReason]) -> None:
    if not state.changes:
        unmet.append(ProgressReason(signal=Signal.NO_MEASUREMENT, explanation="no instrument scores"))
    for c in state.changes:
        span = f"{num(c.change)} points from {c.baseline.on.isoformat()} to {c.latest.on.isoformat()}"
        if c.remission:
            met.append(
                ProgressReason(
                    signal=Signal.REMISSION, instrument=c.instrument, value=c.latest.total,
                    explanation=f"{c.instrument} in remission (latest {num(c.latest.total)}; {span})",
                )
            )  # fmt: skip
        elif c.trajectory is Trajectory.RELIABLY_IMPROVED:
            met.append(
                ProgressReason(
                    signal=Signal.RELIABLE_IMPROVEMENT, instrument=c.instrument, value=c.change, threshold=c.threshold,
                    explanation=f"{c.instrument} reliably improved: {span} (threshold {num(c.threshold or 0)})",
                )
            )  # fmt: skip
        elif c.trajectory is Trajectory.NOT_EVALUATED:
            unmet.append(
                ProgressReason(
                    signal=Signal.TRAJECTORY_NOT_EVALUATED, instrument=c.instrument,
                    explanation=f"{c.instrument} trajectory not evaluated ({'; '.join(c.reasons[1:]) or span})",
                )
            )  # fmt: skip
        else:
            unmet.append(
                ProgressReason(
                    signal=Signal.NO_RELIABLE_IMPROVEMENT, instrument=c.instrument, value=c.change,
                    threshold=c.threshold,
                    explanation=f"{c.instrument} not reliably improved: {span} ({c.trajectory.value.replace('_', ' ')})",
                )
            )  # fmt: skip


_PROGRAM_POLICY = Source(
    citation="iopcore illustrative continued-stay policy (program policy; no source sets these numbers)",
    evidence=Evidence.ILLUSTRATIVE,
    note=(
        "SAMHSA TIP 47 (2006) ch. 3: clients step up to more intense or down to less intense treatment as needed, "
        "and IOP is followed by continuing care. The window, counts and attendance share here are examples; the "
        "re-rated dimensions are read through the illustrative placement policy, not ASAM's licensed logic."
    ),
    urls=("https://ncbi.nlm.nih.gov/books/NBK64088",),
)

ILLUSTRATIVE_STAY_POLICY = RuleBasedContinuedStayPolicy(
    name="iopcore illustrative continued-stay policy", source=_PROGRAM_POLICY
)
"""Step up on deterioration or 2 flagged tests in 28 days; step down when every instrument reliably improved (or
in remission), no flagged test and at least one collected, 80 % attendance and re-rated dimensions that allow a less
intensive level. ILLUSTRATIVE program policy, not a clinical rule."""


@f.guard
def recommend_continued_stay(
    state: ProgressState,
    catalog: LevelCatalog,
    *,
    policy: ContinuedStayPolicy = ILLUSTRATIVE_STAY_POLICY,
    moves: MovePolicy = ANY_STEP,
    delivered: Iterable[str] | None = None,
) -> ContinuedStayRecommendation:
    """Continue, step down, step up or discharge on ``state.as_of``, among the levels *moves* allows.

    *delivered* names the levels the program delivers (``None``: every level of *catalog*); a
    step down to another level becomes a discharge referring there.

    >>> from datetime import date
    >>> from iopcore.episodes import EntryRoute, admit
    >>> from iopcore.levels import ASAM3
    >>> from iopcore.plans import progress_state
    >>> episode = admit(id="e1", patient_id="p1", on=date(2026, 1, 5), level="2.1", catalog=ASAM3,
    ...                 entry_route=EntryRoute.PRIMARY, referral_source="self")
    >>> rec = recommend_continued_stay(progress_state(episode, as_of=date(2026, 2, 2)), ASAM3)
    >>> rec.decision.value, rec.to, [r.signal.value for r in rec.reasons]
    ('continue', '2.1', ['no_measurement', 'flagged_tests', 'attendance_not_evaluated', 'no_ratings'])
    """
    result = policy.recommend(
        state, catalog, moves=moves, delivered=None if delivered is None else frozenset(delivered)
    )
    if not isinstance(result, ContinuedStayRecommendation):
        raise InvalidDataError.single(
            "$.policy",
            f"expected a policy whose recommend() returns a ContinuedStayRecommendation, got {type_name(result)}",
            "type",
        )
    return result
