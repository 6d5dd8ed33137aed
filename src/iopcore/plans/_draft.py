"""Drafting a plan from an intake assessment: problems from findings, interventions from the program, as data.

:func:`draft_plan` reads two kinds of findings from an
:class:`~iopcore.assessment.IntakeAssessment`:

* **ASAM dimension ratings** at or above :attr:`DraftRules.dimension_threshold`
  (2, "moderate", by default) each raise one problem;
* **instrument results** matched by the :class:`FindingRule` table
  (:data:`FINDING_RULES`): a flag (PHQ-9 item 9 → ``suicidal_ideation``), a band
  (AUDIT harmful or possible-dependence zone) or a positive screen. The rules name
  flags and band labels only; every number behind them (cut-offs, band limits,
  flag rules) stays in the instrument catalog.

Interventions come from the components the program offers, with a frequency from
the caller (``frequencies=``) or from the cited :class:`InterventionDefault` table
(:data:`DEFAULT_INTERVENTIONS`); components with neither are left out. The draft has
no goals or objectives: goals are written with the patient, in the patient's words.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date
from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore.assessment import DIMENSION_SETS, INSTRUMENTS, InstrumentScore, IntakeAssessment
from iopcore.components import Role
from iopcore.errors import ErrorItem, InvalidDataError, child_path
from iopcore.plans._model import (
    FindingKind,
    Frequency,
    Intervention,
    Per,
    PlanStatus,
    Problem,
    ProblemSource,
    TreatmentPlan,
    _is_session_length,
    _session_minutes,
)
from iopcore.programs import Program
from iopcore.sources import Evidence, Source
from iopcore.times import Minutes

__all__ = [
    "DEFAULT_INTERVENTIONS",
    "DRAFT_RULES",
    "FINDING_RULES",
    "DraftRules",
    "FindingMatch",
    "FindingRule",
    "InterventionDefault",
    "draft_plan",
]


class FindingMatch(enum.StrEnum):
    """What part of an instrument result a :class:`FindingRule` looks at."""

    FLAG = "flag"
    """Any of the rule's ``values`` is among the result's flags."""
    BAND = "band"
    """The result's band label is one of the rule's ``values``."""
    POSITIVE = "positive"
    """The result is positive at the instrument's cut-off (``values`` is empty)."""


@final
@attrs.frozen(kw_only=True)
class FindingRule:
    """One row of the instrument-finding table: which result raises which problem.

    ``id`` becomes the problem's id; ``values`` are flag names or band labels of
    the instrument's catalog entry (never numbers).
    """

    id: str = attrs.field(validator=f.identifier())
    instrument: str = attrs.field(validator=f.identifier())
    match: FindingMatch = attrs.field(validator=f.enum_member(FindingMatch))
    values: tuple[str, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.identifiers())
    description: str = attrs.field(validator=f.text())
    """The problem's description."""
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))

    def __attrs_post_init__(self) -> None:
        if self.match is FindingMatch.POSITIVE and self.values:
            raise f.fail("$.values", "expected no values for a positive-screen rule, got some", "values", self)
        if self.match is not FindingMatch.POSITIVE and not self.values:
            raise f.fail("$.values", "expected flag names or band labels, got none", "values", self)

    @f.guard
    def matched(self, score: InstrumentScore) -> str | None:
        """The flag, band or ``"positive"`` by which *score* meets this rule, or ``None``."""
        return _matched(self, score)


def _matched(rule: FindingRule, score: InstrumentScore) -> str | None:
    if score.instrument != rule.instrument:
        return None
    if rule.match is FindingMatch.FLAG:
        return next((v for v in rule.values if v in score.flags), None)
    if rule.match is FindingMatch.BAND:
        return score.band if score.band in rule.values else None
    return "positive" if score.positive is True else None


@final
@attrs.frozen(kw_only=True)
class InterventionDefault:
    """A component's default frequency in a draft, with the source of the number.

    ``minutes`` and ``responsible`` default to the component's typical duration
    and lead role.
    """

    component: str = attrs.field(validator=f.identifier())
    frequency: Frequency = attrs.field(validator=f.instance(Frequency, "a Frequency"))
    minutes: Minutes | None = attrs.field(default=None, validator=f.optional(_session_minutes))
    """A session's length, 1 to 1440 minutes (``None``: the component's typical duration)."""
    responsible: Role | None = attrs.field(default=None, validator=f.optional(f.enum_member(Role)))
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))


_DIMENSION_PROBLEM_IDS = frozenset(f"{e.value}_{d}" for e, dims in DIMENSION_SETS.items() for d in dims.ids)


@final
@attrs.frozen(kw_only=True)
class DraftRules:
    """Everything :func:`draft_plan` decides with: the rating threshold and the two tables.

    Replace any part with ``attrs.evolve(DRAFT_RULES, dimension_threshold=3)`` or
    build your own. Finding-rule ids must be unique and must not clash with the ids
    of dimension problems (``asam3_d5_relapse_continued_use``, …); defaults name a
    component once.
    """

    id: str = attrs.field(validator=f.identifier())
    name: str = attrs.field(validator=f.text())
    dimension_threshold: int = attrs.field(default=2, converter=f.to_int, validator=f.integer(min_value=0, max_value=4))
    """A dimension rated at or above this raises a problem."""
    findings: tuple[FindingRule, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(FindingRule))
    interventions: tuple[InterventionDefault, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(InterventionDefault)
    )
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))
    """Where the threshold and the mapping come from."""

    def __attrs_post_init__(self) -> None:
        problems: list[ErrorItem] = []
        for items, key, path, what in (
            (self.findings, lambda r: r.id, "$.findings", "finding rule id"),
            (self.interventions, lambda d: d.component, "$.interventions", "component"),
        ):
            try:
                f.unique_by(items, key, path=path, what=what)
            except InvalidDataError as exc:
                problems += exc.errors
        problems.extend(
            ErrorItem(
                path=f"$.findings[{i}].id",
                message="expected an id other than a dimension problem's, got one",
                rule="unique",
            )
            for i, r in enumerate(self.findings)
            if r.id in _DIMENSION_PROBLEM_IDS
        )
        if problems:
            raise InvalidDataError(problems, type_name="DraftRules")

    @f.guard
    def default_for(self, component: str) -> InterventionDefault | None:
        """The default for *component*, or ``None``."""
        return next((d for d in self.interventions if d.component == component), None)


# ----------------------------------------------------------------------------- data


def _instrument_source(instrument_id: str, part: str) -> Source:
    """The catalog source behind a flag, band scheme or cut-off of a built-in instrument."""
    inst = INSTRUMENTS[instrument_id]
    if part == "flag":
        return inst.flag_rules[0].source if inst.flag_rules else inst.cluster_rules[0].source
    if part == "band":
        scheme = inst.default_scheme
        assert scheme is not None
        return scheme.source
    return inst.cutoffs[0].source


def _rule(rule_id: str, instrument: str, match: FindingMatch, values: tuple[str, ...], description: str) -> FindingRule:
    return FindingRule(
        id=rule_id,
        instrument=instrument,
        match=match,
        values=values,
        description=description,
        source=_instrument_source(instrument, match.value),
    )


_FLAG, _BAND, _POS = FindingMatch.FLAG, FindingMatch.BAND, FindingMatch.POSITIVE

FINDING_RULES: tuple[FindingRule, ...] = (
    _rule(
        "safety_suicidal_ideation",
        "phq9",
        _FLAG,
        ("suicidal_ideation",),
        "Safety: thoughts of death or self-harm reported on PHQ-9 item 9; follow-up or a suicide-risk "
        "assessment is needed whatever the total",
    ),
    _rule(
        "alcohol_use",
        "audit",
        _BAND,
        ("harmful", "possible_dependence"),
        "Alcohol use in the AUDIT harmful or possible-dependence zone (WHO: brief counselling and monitoring, "
        "or referral for diagnostic evaluation and treatment)",
    ),
    _rule(
        "substance_use_disorder",
        "dsm5_sud",
        _BAND,
        ("mild", "moderate", "severe"),
        "Substance use disorder: DSM-5 criteria met (mild, moderate or severe)",
    ),
    _rule(
        "drug_use",
        "dast10",
        _BAND,
        ("moderate", "substantial", "severe"),
        "Drug use problems at the DAST-10 moderate level or above",
    ),
    _rule(
        "alcohol_withdrawal",
        "ciwa_ar",
        _BAND,
        ("moderate", "severe"),
        "Alcohol withdrawal symptoms in the CIWA-Ar moderate or severe band",
    ),
    _rule(
        "opioid_withdrawal",
        "cows",
        _BAND,
        ("moderate", "moderately_severe", "severe"),
        "Opioid withdrawal symptoms in the COWS moderate band or above",
    ),
    _rule("depression", "phq9", _POS, (), "Depressive symptoms at or above the PHQ-9 screening cut-off"),
    _rule("anxiety", "gad7", _POS, (), "Anxiety symptoms at or above the GAD-7 screening cut-off"),
    _rule("trauma_symptoms", "pcl5", _POS, (), "Post-traumatic stress symptoms at or above the PCL-5 cut-point"),
    _rule("adolescent_substance_risk", "crafft", _POS, (), "Substance-use risk: positive CRAFFT screen"),
    _rule("substance_screen_positive", "cage_aid", _POS, (), "Alcohol or drug use: positive CAGE-AID screen"),
)
"""The built-in instrument-finding table, in problem order.

Each rule's source is the catalog source of the flag, band scheme or cut-off it
reads. Which results raise a plan problem is iopcore's default (see
:data:`DRAFT_RULES`'s source); replace the table for your program.
"""

DEFAULT_INTERVENTIONS: tuple[InterventionDefault, ...] = (
    InterventionDefault(
        component="drug_testing",
        frequency=Frequency(sessions=1, per=Per.WEEK),
        source=Source(
            citation="SAMHSA TIP 47 (2006), Appendix B: specimens collected 'not less than once a week or more "
            "frequently than every 3 days in the first weeks of treatment'",
            urls=("https://ncbi.nlm.nih.gov/books/n/tip47/A90362",),
            evidence=Evidence.VERIFIED,
            note="The lower bound is used; programs testing more often early in treatment pass their own frequency.",
        ),
    ),
    InterventionDefault(
        component="individual_counseling",
        frequency=Frequency(sessions=1, per=Per.MONTH),
        source=Source(
            citation="WAC 388-877B-0350 (2015 version): IOP individual counseling at least monthly",
            urls=(
                "https://global-regulation.com/law/united-states/999286/wac-388-877b-0350%253a-chemical-dependency-"
                "outpatient-treatment-services-requiring-program-specific-certification-level-ii-intensive-outpatient-"
                "services.html",
            ),
            evidence=Evidence.SECONDARY,
            note="A state minimum read in a copy of the 2015 text, not a clinical recommendation.",
        ),
    ),
)
"""Cited default frequencies. Only these two components have a sourced number;
every other component needs a frequency from the caller (``draft_plan(..., frequencies=...)``)."""

DRAFT_RULES = DraftRules(
    id="iopcore_default",
    name="iopcore default drafting rules",
    dimension_threshold=2,
    findings=FINDING_RULES,
    interventions=DEFAULT_INTERVENTIONS,
    source=Source(
        citation="iopcore planning default: an ASAM dimension rated 2 ('moderate' on the 0-4 scale) or higher, and "
        "the instrument results in FINDING_RULES, each raise a problem for the clinician to confirm",
        evidence=Evidence.ILLUSTRATIVE,
        note="A drafting aid, not ASAM's licensed decision logic; the threshold and the tables are configurable.",
    ),
)
"""The default :class:`DraftRules`: threshold 2, :data:`FINDING_RULES`, :data:`DEFAULT_INTERVENTIONS`."""


# ----------------------------------------------------------------------------- drafting


def _mapping_errors(value: Mapping[str, Any], name: str, offered: frozenset[str], program: Program) -> list[ErrorItem]:
    """Keys of *value* that are not components *program* offers."""
    return [
        ErrorItem(
            path=f"$.{name}" + child_path(key)[1:],
            message=f"expected a component program {program.id} offers, got one it does not offer",
            rule="not_offered",
        )
        for key in value
        if key not in offered
    ]


def _session_errors(lengths: Mapping[str, Minutes]) -> list[ErrorItem]:
    """Session lengths an intervention cannot have (1 to 1440 minutes)."""
    return [
        ErrorItem(
            path="$.minutes" + child_path(key)[1:],
            message=f"expected a session of 1 to 1440 minutes, got {f.number_text(length.value)} minutes",
            rule="range",
        )
        for key, length in lengths.items()
        if not _is_session_length(length)
    ]


def _dimension_problems(assessment: IntakeAssessment, threshold: int) -> list[Problem]:
    ratings = assessment.ratings
    if ratings is None:
        return []
    dims = DIMENSION_SETS[ratings.edition]
    labels = {a.rating: a.label for a in dims.anchors if a.rating is not None and a.code == str(a.rating)}
    by_id = {d.id: d for d in dims.dimensions}
    out: list[Problem] = []
    for dim_id, rating in ratings.as_dict().items():
        if rating < threshold:
            continue
        label = labels.get(rating)
        shown = f"{rating} ({label})" if label else str(rating)
        dim = by_id[dim_id]
        out.append(
            Problem(
                id=f"{ratings.edition.value}_{dim_id}",
                description=f"ASAM dimension {dim.number}, {dim.name}: rated {shown} of 4",
                source=ProblemSource(kind=FindingKind.ASAM_DIMENSION, ref=f"{ratings.edition.value}.{dim_id}"),
            )
        )
    return out


def _finding_problems(assessment: IntakeAssessment, rules: DraftRules) -> list[Problem]:
    scores = {s.instrument: s for s in assessment.scores}
    out: list[Problem] = []
    for rule in rules.findings:
        score = scores.get(rule.instrument)
        hit = None if score is None else _matched(rule, score)
        if hit is not None:
            out.append(
                Problem(
                    id=rule.id,
                    description=rule.description,
                    source=ProblemSource(kind=FindingKind.INSTRUMENT_FLAG, ref=f"{rule.instrument}.{hit}"),
                )
            )
    return out


@f.guard
def draft_plan(
    assessment: IntakeAssessment,
    program: Program,
    *,
    id: str = "plan",
    written_on: date | None = None,
    rules: DraftRules = DRAFT_RULES,
    frequencies: Mapping[str, Frequency] | None = None,
    minutes: Mapping[str, Minutes] | None = None,
) -> TreatmentPlan:
    """A draft plan for the patient of *assessment* in *program*.

    * **Problems**, in this order: one per ASAM dimension rated at or above
      ``rules.dimension_threshold`` (id ``"<edition>_<dimension>"``, source
      :attr:`~FindingKind.ASAM_DIMENSION` ``"<edition>.<dimension>"``), in the
      edition's dimension order; then one per matching :class:`FindingRule`, in table
      order (id = the rule's id, source :attr:`~FindingKind.INSTRUMENT_FLAG`
      ``"<instrument>.<flag, band or positive>"``).
    * **Interventions**, in the program's component order: one per offered component
      with a frequency from *frequencies* (your program's schedule) or else from
      ``rules.interventions``; id = the component id; minutes from *minutes*, the
      default's minutes, or the component's typical duration; the default's role or
      the component's lead role.
    * No goals or objectives (written with the patient), status draft, version 1,
      written on *written_on* (default: the assessment date).

    The same arguments always give the same plan. A *frequencies* or *minutes* key
    the program does not offer, or a planned component without any known session
    length, is an :class:`~iopcore.errors.InvalidDataError` naming the key.
    """
    chosen: Mapping[str, Frequency] = {} if frequencies is None else frequencies
    lengths: Mapping[str, Minutes] = {} if minutes is None else minutes
    offered = frozenset(program.component_ids)
    errors = _mapping_errors(chosen, "frequencies", offered, program)
    errors += _mapping_errors(lengths, "minutes", offered, program) + _session_errors(lengths)
    if errors:
        raise InvalidDataError(errors, type_name="draft_plan")
    defaults = {d.component: d for d in rules.interventions}
    interventions: list[Intervention] = []
    for component in program.components:
        default = defaults.get(component.id)
        frequency = chosen.get(component.id, default.frequency if default is not None else None)
        if frequency is None:
            continue
        length = lengths.get(component.id, default.minutes if default is not None else None)
        if length is None:
            length = component.typical_duration
        if length is None or not _is_session_length(length):
            raise InvalidDataError.single(
                "$.minutes" + child_path(component.id)[1:],
                "expected session minutes for a component without a typical duration of 1 to 1440 minutes, got none",
                "missing",
                type_name="draft_plan",
            )
        interventions.append(
            Intervention(
                id=component.id,
                component=component.id,
                frequency=frequency,
                minutes=length,
                responsible=component.lead_role
                if default is None or default.responsible is None
                else default.responsible,
            )
        )
    return TreatmentPlan(
        id=id,
        patient_id=assessment.patient_id,
        status=PlanStatus.DRAFT,
        written_on=assessment.assessed_on if written_on is None else written_on,
        problems=(*_dimension_problems(assessment, rules.dimension_threshold), *_finding_problems(assessment, rules)),
        interventions=tuple(interventions),
    )
