"""Strategies for treatment plans, plan policies, histories, diffs and weekly requirements."""

from __future__ import annotations

import functools
from datetime import date, timedelta

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from iopcore.components import Role
from iopcore.plans import (
    DRAFT_RULES,
    PLAN_POLICIES,
    ChangeKind,
    ComponentRequirement,
    DraftRules,
    FamilyInvolvement,
    FindingKind,
    FindingMatch,
    FindingRule,
    Frequency,
    Goal,
    Intervention,
    InterventionDefault,
    Objective,
    Per,
    PlanChange,
    PlanHistory,
    PlanPolicy,
    PlanSection,
    PlanStatus,
    Problem,
    ProblemSource,
    Signature,
    Signer,
    Span,
    SpanUnit,
    TreatmentPlan,
    WeeklyRequirements,
)
from iopcore.strategies._core import _check_int, hours_bands, identifiers, minutes, sources, texts
from iopcore.times import Minutes

__all__ = [
    "component_requirements",
    "draft_rules",
    "family_involvements",
    "finding_rules",
    "frequencies",
    "goals",
    "intervention_defaults",
    "interventions",
    "objectives",
    "plan_changes",
    "plan_histories",
    "plan_policies",
    "problem_sources",
    "problems",
    "signatures",
    "spans",
    "treatment_plans",
    "weekly_requirements",
]

_MIN_DATE, _MAX_DATE = date(1990, 1, 1), date(2150, 12, 31)
_HORIZON = 400  # days after written_on within which generated dates fall


def _dates(lo: date = _MIN_DATE, hi: date = _MAX_DATE) -> st.SearchStrategy[date]:
    return st.dates(min_value=lo, max_value=hi)


def _after(day: date, max_days: int = _HORIZON) -> st.SearchStrategy[date]:
    return st.integers(0, max_days).map(lambda n: day + timedelta(days=n))


def _numbers() -> st.SearchStrategy[float]:
    return st.one_of(
        st.integers(-1000, 1000).map(float),
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
    )


# ----------------------------------------------------------------------------- parts


@functools.lru_cache(maxsize=None, typed=True)
def problem_sources() -> st.SearchStrategy[ProblemSource]:
    """Links to any kind of finding."""
    return st.builds(ProblemSource, kind=st.sampled_from(FindingKind), ref=texts(max_size=64))


@functools.lru_cache(maxsize=None, typed=True)
def problems(*, ids: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Problem]:
    """Problems with any finding source."""
    return st.builds(
        Problem, id=ids if ids is not None else identifiers(), description=texts(), source=problem_sources()
    )


def _id_refs(min_size: int = 0) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(identifiers(max_size=8), min_size=min_size, max_size=3, unique=True).map(tuple)


@functools.lru_cache(maxsize=None, typed=True)
def goals() -> st.SearchStrategy[Goal]:
    """Goals naming one to three problem ids."""
    return st.builds(Goal, id=identifiers(), statement=texts(), problems=_id_refs(1))


@functools.lru_cache(maxsize=None, typed=True)
def objectives(*, min_due: date = _MIN_DATE, max_due: date = _MAX_DATE) -> st.SearchStrategy[Objective]:
    """Measurable objectives due between *min_due* and *max_due*, with and without a baseline."""
    if not isinstance(min_due, date) or not isinstance(max_due, date) or max_due < min_due:
        raise InvalidArgument("need dates with min_due <= max_due")
    return st.builds(
        Objective,
        id=identifiers(),
        goal=identifiers(),
        description=texts(),
        measure=texts(),
        unit=st.one_of(st.just(""), texts(max_size=12)),
        baseline=st.one_of(st.none(), _numbers()),
        target=_numbers(),
        due=_dates(min_due, max_due),
    )


@functools.lru_cache(maxsize=None, typed=True)
def frequencies(*, max_sessions: int = 100) -> st.SearchStrategy[Frequency]:
    """1 to *max_sessions* sessions per week or per month."""
    _check_int("max_sessions", max_sessions, 1, 100)
    return st.builds(Frequency, sessions=st.integers(1, max_sessions), per=st.sampled_from(Per))


@functools.lru_cache(maxsize=None, typed=True)
def interventions(
    *,
    component_ids: st.SearchStrategy[str] | None = None,
    max_sessions: int = 100,
    max_minutes: int = 1440,
) -> st.SearchStrategy[Intervention]:
    """Interventions on any (or the given) component ids, naming zero to three objective ids."""
    _check_int("max_minutes", max_minutes, 1, 1440)
    return st.builds(
        Intervention,
        id=identifiers(),
        component=component_ids if component_ids is not None else identifiers(),
        frequency=frequencies(max_sessions=max_sessions),
        minutes=minutes(min_value=1, max_value=max_minutes),
        responsible=st.sampled_from(Role),
        objectives=_id_refs(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def signatures(*, min_date: date = _MIN_DATE, max_date: date = _MAX_DATE) -> st.SearchStrategy[Signature]:
    """Dated signatures by any signer, with and without a name and role."""
    if not isinstance(min_date, date) or not isinstance(max_date, date) or max_date < min_date:
        raise InvalidArgument("need dates with min_date <= max_date")
    return st.builds(
        Signature,
        signer=st.sampled_from(Signer),
        signed_on=_dates(min_date, max_date),
        name=st.one_of(st.none(), texts(max_size=40)),
        role=st.one_of(st.none(), st.sampled_from(Role)),
    )


@functools.lru_cache(maxsize=None, typed=True)
def family_involvements() -> st.SearchStrategy[FamilyInvolvement]:
    """Family involvement, taking part or not, with relationships and notes."""
    return st.builds(
        FamilyInvolvement,
        participates=st.booleans(),
        relationships=st.lists(texts(max_size=20), max_size=3).map(tuple),
        notes=st.one_of(st.just(""), texts()),
    )


# ----------------------------------------------------------------------------- plans


def _draw_plan(
    draw: st.DrawFn,
    *,
    plan_id: str,
    patient_id: str,
    written_on: date,
    status: PlanStatus,
    component_ids: st.SearchStrategy[str] | None,
    max_items: int,
    max_sessions: int,
    max_minutes: int,
) -> TreatmentPlan:
    n = st.integers(0, max_items)
    problem_list = draw(st.lists(problems(), max_size=max_items, unique_by=lambda p: p.id))
    goal_list: list[Goal] = []
    if problem_list:
        pids = [p.id for p in problem_list]
        for gid in draw(st.lists(identifiers(), max_size=max_items, unique=True)):
            refs = draw(st.lists(st.sampled_from(pids), min_size=1, max_size=3, unique=True))
            goal_list.append(Goal(id=gid, statement=draw(texts()), problems=tuple(refs)))
    objective_list: list[Objective] = []
    if goal_list:
        gids = [g.id for g in goal_list]
        for oid in draw(st.lists(identifiers(), max_size=max_items, unique=True)):
            o = draw(objectives(min_due=written_on, max_due=written_on + timedelta(days=_HORIZON)))
            objective_list.append(attrs.evolve(o, id=oid, goal=draw(st.sampled_from(gids))))
    oids = [o.id for o in objective_list]
    intervention_list: list[Intervention] = []
    for iid in draw(st.lists(identifiers(), max_size=max_items, unique=True)):
        iv = draw(interventions(component_ids=component_ids, max_sessions=max_sessions, max_minutes=max_minutes))
        refs = draw(st.lists(st.sampled_from(oids), max_size=3, unique=True)) if oids else []
        intervention_list.append(attrs.evolve(iv, id=iid, objectives=tuple(refs)))
    signature_list = [
        attrs.evolve(draw(signatures()), signer=signer, signed_on=draw(_after(written_on)))
        for signer in draw(st.lists(st.sampled_from(Signer), unique=True, max_size=len(Signer)))
    ]
    effective: date | None = None
    ended: date | None = None
    if status is PlanStatus.ACTIVE:
        effective = draw(_after(written_on))
    elif status is not PlanStatus.DRAFT:  # superseded or closed: ended, possibly never effective
        effective = draw(st.one_of(st.none(), _after(written_on)))
        ended = draw(_after(effective or written_on))
    reviewed = draw(st.one_of(st.none(), _after(written_on)))
    strings = st.lists(texts(), max_size=draw(n)).map(tuple)
    return TreatmentPlan(
        id=plan_id,
        patient_id=patient_id,
        version=draw(st.integers(1, 50)),
        status=status,
        written_on=written_on,
        effective_on=effective,
        ended_on=ended,
        last_reviewed_on=reviewed,
        problems=tuple(problem_list),
        goals=tuple(goal_list),
        objectives=tuple(objective_list),
        interventions=tuple(intervention_list),
        strengths=draw(strings),
        needs=draw(strings),
        preferences=draw(strings),
        family_involvement=draw(st.one_of(st.none(), family_involvements())),
        signatures=tuple(signature_list),
    )


def treatment_plans(
    *,
    statuses: tuple[PlanStatus, ...] = tuple(PlanStatus),
    component_ids: st.SearchStrategy[str] | None = None,
    max_items: int = 3,
    max_sessions: int = 100,
    max_minutes: int = 1440,
) -> st.SearchStrategy[TreatmentPlan]:
    """Valid plans: cross-references resolve, dates are ordered, the status matches its dates.

    *statuses* limits the statuses drawn; *component_ids* draws intervention
    components (e.g. ``st.sampled_from(program.component_ids)``); *max_items*
    bounds each section's length.
    """
    # Checked before the cache: ("active",) hashes and compares equal to (PlanStatus.ACTIVE,).
    if not isinstance(statuses, tuple) or not statuses or not all(isinstance(s, PlanStatus) for s in statuses):
        raise InvalidArgument("statuses must be a non-empty tuple of PlanStatus")
    _check_int("max_items", max_items, 0, 20)
    _check_int("max_sessions", max_sessions, 1, 100)
    _check_int("max_minutes", max_minutes, 1, 1440)
    return _treatment_plans(statuses, component_ids, max_items, max_sessions, max_minutes)


@functools.lru_cache(maxsize=None, typed=True)
def _treatment_plans(
    statuses: tuple[PlanStatus, ...],
    component_ids: st.SearchStrategy[str] | None,
    max_items: int,
    max_sessions: int,
    max_minutes: int,
) -> st.SearchStrategy[TreatmentPlan]:

    @st.composite
    def build(draw: st.DrawFn) -> TreatmentPlan:
        return _draw_plan(
            draw,
            plan_id=draw(identifiers()),
            patient_id=draw(texts(max_size=64)),
            written_on=draw(_dates()),
            status=draw(st.sampled_from(statuses)),
            component_ids=component_ids,
            max_items=max_items,
            max_sessions=max_sessions,
            max_minutes=max_minutes,
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def plan_histories(*, max_versions: int = 4, max_items: int = 2) -> st.SearchStrategy[PlanHistory]:
    """Histories of 1 to *max_versions* versions; earlier versions superseded, the latest in any status."""
    _check_int("max_versions", max_versions, 1, 20)
    _check_int("max_items", max_items, 0, 20)

    @st.composite
    def build(draw: st.DrawFn) -> PlanHistory:
        plan_id, patient_id = draw(identifiers()), draw(texts(max_size=64))
        count = draw(st.integers(1, max_versions))
        day = draw(_dates(_MIN_DATE, date(2100, 1, 1)))
        versions: list[TreatmentPlan] = []
        for i in range(count):
            last = i == count - 1
            status = draw(st.sampled_from(PlanStatus)) if last else PlanStatus.SUPERSEDED
            plan = _draw_plan(
                draw,
                plan_id=plan_id,
                patient_id=patient_id,
                written_on=day,
                status=PlanStatus.DRAFT,
                component_ids=None,
                max_items=max_items,
                max_sessions=100,
                max_minutes=1440,
            )
            effective = day if status is not PlanStatus.DRAFT else None
            nxt = draw(_after(day, 60))
            ended = nxt if status in (PlanStatus.SUPERSEDED, PlanStatus.CLOSED) else None
            versions.append(attrs.evolve(plan, version=i + 1, status=status, effective_on=effective, ended_on=ended))
            day = nxt
        return PlanHistory(versions=tuple(versions))

    return build()


# ----------------------------------------------------------------------------- policies


@functools.lru_cache(maxsize=None, typed=True)
def spans(*, max_count: int = 400) -> st.SearchStrategy[Span]:
    """Calendar spans of 0 to *max_count* days, weeks or months."""
    _check_int("max_count", max_count, 0, 10_000)
    return st.builds(Span, count=st.integers(0, max_count), unit=st.sampled_from(SpanUnit))


@functools.lru_cache(maxsize=None, typed=True)
def plan_policies() -> st.SearchStrategy[PlanPolicy]:
    """Plan policies with and without deadlines and required signers (and the built-in ones)."""
    generated = st.builds(
        PlanPolicy,
        id=identifiers(),
        name=texts(),
        initial_plan_within=st.one_of(st.none(), spans()),
        review_every=st.one_of(st.none(), spans()),
        required_signers=st.frozensets(st.sampled_from(Signer)),
        source=sources(),
    )
    return st.one_of(generated, st.sampled_from(PLAN_POLICIES))


# ----------------------------------------------------------------------------- diffs and weekly needs


@functools.lru_cache(maxsize=None, typed=True)
def plan_changes() -> st.SearchStrategy[PlanChange]:
    """Single plan changes of any section and kind."""
    return st.builds(
        PlanChange,
        section=st.sampled_from(PlanSection),
        item=st.one_of(st.none(), texts(max_size=64)),
        change=st.sampled_from(ChangeKind),
        fields=st.lists(identifiers(max_size=16), max_size=3).map(tuple),
    )


@functools.lru_cache(maxsize=None, typed=True)
def component_requirements(
    *, component_ids: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[ComponentRequirement]:
    """Per-component weekly bounds with min <= max."""

    @st.composite
    def build(draw: st.DrawFn) -> ComponentRequirement:
        lo = draw(st.integers(0, 20))
        hi = draw(st.integers(lo, 40))
        lo_min = draw(st.integers(0, 3000))
        return ComponentRequirement(
            component=draw(component_ids if component_ids is not None else identifiers()),
            min_sessions=lo,
            max_sessions=hi,
            min_minutes=Minutes(lo_min),
            max_minutes=Minutes(draw(st.integers(lo_min, 6000))),
            interventions=draw(_id_refs()),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def weekly_requirements(*, max_components: int = 5) -> st.SearchStrategy[WeeklyRequirements]:
    """Weekly requirements for up to *max_components* distinct components, with and without an hours band."""
    _check_int("max_components", max_components, 0, 50)
    return st.builds(
        WeeklyRequirements,
        components=st.lists(component_requirements(), max_size=max_components, unique_by=lambda c: c.component).map(
            tuple
        ),
        hours_per_week=st.one_of(st.none(), hours_bands()),
    )


# ----------------------------------------------------------------------------- drafting


@functools.lru_cache(maxsize=None, typed=True)
def finding_rules(*, instruments: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[FindingRule]:
    """Finding rules of every match kind on any (or the given) instrument ids; positive rules have no values."""

    @st.composite
    def build(draw: st.DrawFn) -> FindingRule:
        match = draw(st.sampled_from(FindingMatch))
        values: tuple[str, ...] = ()
        if match is not FindingMatch.POSITIVE:
            values = tuple(draw(st.lists(identifiers(max_size=16), min_size=1, max_size=3, unique=True)))
        return FindingRule(
            id=draw(identifiers().filter(lambda s: not s.startswith(("asam3_", "asam4_")))),
            instrument=draw(instruments if instruments is not None else identifiers(max_size=12)),
            match=match,
            values=values,
            description=draw(texts()),
            source=draw(sources()),
        )

    return build()


@functools.lru_cache(maxsize=None, typed=True)
def intervention_defaults(
    *, component_ids: st.SearchStrategy[str] | None = None, max_minutes: int = 1440
) -> st.SearchStrategy[InterventionDefault]:
    """Default frequencies for any (or the given) component ids, with and without minutes and a role."""
    _check_int("max_minutes", max_minutes, 1, 1440)
    return st.builds(
        InterventionDefault,
        component=component_ids if component_ids is not None else identifiers(),
        frequency=frequencies(),
        minutes=st.one_of(st.none(), minutes(min_value=1, max_value=max_minutes)),
        responsible=st.one_of(st.none(), st.sampled_from(Role)),
        source=sources(),
    )


@functools.lru_cache(maxsize=None, typed=True)
def draft_rules(*, max_rules: int = 4) -> st.SearchStrategy[DraftRules]:
    """Drafting rules with any threshold (0-4) and up to *max_rules* finding rules and defaults (and the built-in ones)."""
    _check_int("max_rules", max_rules, 0, 50)
    generated = st.builds(
        DraftRules,
        id=identifiers(),
        name=texts(),
        dimension_threshold=st.integers(0, 4),
        findings=st.lists(finding_rules(), max_size=max_rules, unique_by=lambda r: r.id).map(tuple),
        interventions=st.lists(intervention_defaults(), max_size=max_rules, unique_by=lambda d: d.component).map(tuple),
        source=sources(),
    )
    return st.one_of(generated, st.just(DRAFT_RULES))
