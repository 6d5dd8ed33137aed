"""Change over a score series: reliable change, clinically significant change, response, remission.

Every number here is data with a :class:`~iopcore.sources.Source`, held per instrument in a
:class:`ChangeCriteria` and replaceable by the caller. :data:`CHANGE_CRITERIA` holds only what
a public source states:

* **Reliable change** (Jacobson & Truax 1991): ``S_diff = SD · √(2 · (1 − r))`` and
  ``RC = (x₂ − x₁) / S_diff``; a change is reliable when ``|RC| > z`` (1.96), i.e. when the
  change in points exceeds ``z · S_diff``. Either the instrument's ``sd`` and ``reliability``
  are given, or a published critical difference in points. The GAD-7's 5.59 points are
  Bischoff et al. (2020). **No PHQ-9 standard deviation was verified**, so the built-in PHQ-9
  criteria carry no reliable-change parameters: the caller supplies them (with their source),
  and until then the trajectory is ``not_evaluated`` — never "no reliable change".
  :data:`NHS_TALKING_THERAPIES_CHANGE_CRITERIA` is a named, selectable alternative with the
  NHS Talking Therapies (formerly IAPT) "reliable improvement" rule — a PHQ-9 change of 6 or
  more points, a GAD-7 change of 4 or more — read only in secondary sources quoting the
  programme's manual (``Evidence.SECONDARY``), hence not the default.
* **Clinically significant change**: a reliable improvement from a baseline in the clinical
  range (at or above the instrument's cut-off) to a score below it (Jacobson & Truax's
  criterion with a published cut-off as the boundary).
* **Response** and **remission** of the PHQ-9 as the quality measures define them: response is
  a reduction of 50 % or more from an initial score above 9 (NQF 1885), remission a score
  below 5 after an initial score above 9 (CMS159 / NQF 0710).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore._fields import _html as h
from iopcore.assessment._series import DatedScore, ScoreSeries
from iopcore.errors import ErrorItem, InvalidArgumentError, UnknownCodeError
from iopcore.sources import Evidence, Source

__all__ = [
    "CHANGE_CRITERIA",
    "NHS_TALKING_THERAPIES_CHANGE_CRITERIA",
    "ChangeAssessment",
    "ChangeCriteria",
    "ReliableChange",
    "ScoreThreshold",
    "Trajectory",
    "assess_change",
]

JACOBSON_TRUAX_1991 = Source(
    citation=(
        "Jacobson NS, Truax P (1991). Clinical significance: a statistical approach to defining meaningful "
        "change in psychotherapy research. J Consult Clin Psychol 59(1):12-19"
    ),
    urls=("https://doi.org/10.1037/0022-006X.59.1.12",),
    evidence=Evidence.VERIFIED,
    note="RC = (x2 - x1) / S_diff with S_diff = sqrt(2 * SE^2), SE = s1 * sqrt(1 - r_xx); reliable when |RC| > 1.96.",
)


@final
@attrs.frozen(kw_only=True)
class ReliableChange:
    """The reliable change criterion of Jacobson & Truax (1991) for one instrument.

    Give either ``sd`` (the standard deviation of the reference sample) and ``reliability``
    (its test-retest or internal-consistency coefficient), or ``critical_difference``, a
    published minimum change in points that already is ``z · S_diff``. ``z`` is 1.96 (a
    two-sided 95 % criterion) unless the source says otherwise.
    """

    source: Source = attrs.field(validator=f.instance(Source, "a Source"))
    sd: float | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_float), validator=f.optional(f.number(min_value=0))
    )
    reliability: float | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(f.to_float),
        validator=f.optional(f.number(min_value=0, max_value=1, max_exclusive=True)),
    )
    critical_difference: float | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_float), validator=f.optional(f.number(min_value=0))
    )
    z: float = attrs.field(default=1.96, converter=f.to_float, validator=f.number(min_value=0))

    def __attrs_post_init__(self) -> None:
        pair = (self.sd is not None, self.reliability is not None)
        if self.critical_difference is None and pair != (True, True):
            raise f.fail("$.sd", "expected sd and reliability, or a critical_difference", "form", self)
        if self.critical_difference is not None and pair != (False, False):
            raise f.fail(
                "$.critical_difference", "expected either sd and reliability or a critical_difference", "form", self
            )
        if self.z <= 0:
            raise f.fail("$.z", "expected z > 0", "range", self)
        if self.sd is not None and self.sd <= 0:
            raise f.fail("$.sd", "expected sd > 0", "range", self)
        if self.critical_difference is not None and self.critical_difference <= 0:
            raise f.fail("$.critical_difference", "expected a critical_difference > 0", "range", self)

    @property
    def s_diff(self) -> float:
        """The standard error of the difference, ``SD · √(2 · (1 − r))`` (or the critical difference / z)."""
        if self.critical_difference is not None:
            return self.critical_difference / self.z
        assert self.sd is not None and self.reliability is not None
        return self.sd * math.sqrt(2.0 * (1.0 - self.reliability))

    @property
    def threshold(self) -> float:
        """The smallest change in points that is reliable is any change *greater* than this."""
        if self.critical_difference is not None:
            return self.critical_difference
        return self.z * self.s_diff

    @f.guard
    def index(self, before: float, after: float) -> float:
        """The reliable change index ``(after − before) / S_diff`` (antisymmetric in the two scores)."""
        return _index(self, before, after)

    @f.guard
    def is_reliable(self, before: float, after: float) -> bool:
        """Whether the change from *before* to *after* exceeds the threshold (``|RC| > z``)."""
        return abs(after - before) > self.threshold


@final
@attrs.frozen(kw_only=True)
class ScoreThreshold:
    """A total (or, for a response, a share of the baseline) that a criterion compares with, and its source.

    ``min_baseline`` restricts the criterion to baselines at or above it (the quality
    measures count response and remission only after an initial PHQ-9 above 9).
    """

    value: float = attrs.field(converter=f.to_float, validator=f.number(min_value=0))
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))
    min_baseline: float | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_float), validator=f.optional(f.number(min_value=0))
    )


class Trajectory(enum.StrEnum):
    """How a series moved from its baseline to its latest score."""

    RELIABLY_IMPROVED = "reliably_improved"
    NO_RELIABLE_CHANGE = "no_reliable_change"
    RELIABLY_WORSE = "reliably_worse"
    """Reliable deterioration."""
    NOT_EVALUATED = "not_evaluated"
    """No reliable-change parameters for the instrument, or fewer than two scores: never read as "no change"."""


@final
@attrs.frozen(kw_only=True)
class ChangeCriteria:
    """What counts as change on one instrument: reliable change, the clinical cut-off, response, remission.

    ``lower_is_better`` is true for symptom scales (PHQ-9, GAD-7). ``clinical_cutoff.value``
    is the total at or above which a score is in the clinical range; ``response.value`` the
    share of the baseline by which a score must fall (0.5 = 50 %); ``remission.value`` the
    total a score must be *below*. Any of them may be ``None`` (not assessed).
    """

    instrument: str = attrs.field(validator=f.identifier())
    reliable_change: ReliableChange | None = attrs.field(
        default=None, validator=f.optional(f.instance(ReliableChange, "a ReliableChange"))
    )
    clinical_cutoff: ScoreThreshold | None = attrs.field(
        default=None, validator=f.optional(f.instance(ScoreThreshold, "a ScoreThreshold"))
    )
    response: ScoreThreshold | None = attrs.field(
        default=None, validator=f.optional(f.instance(ScoreThreshold, "a ScoreThreshold"))
    )
    remission: ScoreThreshold | None = attrs.field(
        default=None, validator=f.optional(f.instance(ScoreThreshold, "a ScoreThreshold"))
    )
    lower_is_better: bool = attrs.field(default=True, validator=f.boolean())

    def __attrs_post_init__(self) -> None:
        if self.response is not None and not 0 < self.response.value <= 1:
            raise f.fail("$.response.value", "expected a share of the baseline in (0, 1]", "range", self)


_NQF_1885 = Source(
    citation="MN Community Measurement, Depression Response at Twelve Months - Progress Towards Remission (NQF/CBE 1885)",
    urls=("https://p4qm.org/measures/1885",),
    evidence=Evidence.VERIFIED,
    note="Response: a PHQ-9 score reduced by 50% or greater from an initial PHQ-9 score greater than nine.",
)
_CMS159 = Source(
    citation="CMS159 / NQF 0710e, Depression Remission at Twelve Months (MN Community Measurement)",
    urls=("https://ecqi.healthit.gov/ecqm/ec/2026/cms0159v14",),
    evidence=Evidence.VERIFIED,
    note="Remission: a PHQ-9 score of less than five after an initial PHQ-9 score greater than nine.",
)
_KROENKE_2001 = Source(
    citation="Kroenke K, Spitzer RL, Williams JBW (2001). The PHQ-9. J Gen Intern Med 16(9):606-613",
    evidence=Evidence.VERIFIED,
    note="A PHQ-9 total of 10 or more: major depression (sensitivity and specificity 88%).",
)
_SPITZER_2006 = Source(
    citation="Spitzer RL, Kroenke K, Williams JBW, Löwe B (2006). A brief measure for assessing GAD. Arch Intern Med 166:1092-1097",
    evidence=Evidence.VERIFIED,
    note="A GAD-7 total of 10 or more identifies generalized anxiety disorder.",
)
_BISCHOFF_2020 = Source(
    citation=(
        "Bischoff T, Anderson SR, Heafner J, Tambling R (2020). Establishment of a reliable change index for the "
        "GAD-7. Psychology, Community & Health 8(1):176-187"
    ),
    urls=("https://doi.org/10.5964/pch.v8i1.309", "https://scholarsarchive.byu.edu/facpub/4117/"),
    evidence=Evidence.VERIFIED,
    note=(
        "Jacobson & Truax's method with a 14-28-day test-retest r = .87 gives an RCI of 5.59 points "
        "(rounded to 6 for practical use). The sample SD is not in the abstract; the critical difference is used."
    ),
)

CHANGE_CRITERIA: f.FrozenMap[str, ChangeCriteria] = f.FrozenMap(
    {
        "phq9": ChangeCriteria(
            instrument="phq9",
            reliable_change=None,  # no verified PHQ-9 SD: the caller supplies ReliableChange(sd=..., reliability=...)
            clinical_cutoff=ScoreThreshold(value=10, source=_KROENKE_2001),
            response=ScoreThreshold(value=0.5, min_baseline=10, source=_NQF_1885),
            remission=ScoreThreshold(value=5, min_baseline=10, source=_CMS159),
        ),
        "gad7": ChangeCriteria(
            instrument="gad7",
            reliable_change=ReliableChange(critical_difference=5.59, source=_BISCHOFF_2020),
            clinical_cutoff=ScoreThreshold(value=10, source=_SPITZER_2006),
        ),
    }
)
"""The built-in change criteria, by instrument id: only what a cited source states (see the module)."""

_TALKING_THERAPIES = Source(
    citation=(
        "NHS England, NHS Talking Therapies for anxiety and depression (formerly IAPT) manual: reliable "
        "improvement is a reduction of 6 or more points on the PHQ-9 and of 4 or more on the GAD-7"
    ),
    urls=(
        "https://inclinicaltrials.com/major-depressive-disorder/NCT05134103/details",
        "http://www.cbtwatch.com/tag/no-justification-for-nhs-talking-theapies/",
    ),
    evidence=Evidence.SECONDARY,
    note=(
        "Read only in secondary sources quoting the IAPT / Talking Therapies manual: the ClinicalTrials.gov "
        "record NCT05134103 (outcome 'IAPT definition of reliable improvement': a reduction in PHQ-9 score of "
        "6 or more and in GAD-7 score of 4 or more) and a commentary citing the IAPT Manual. The manual itself "
        "was not read. 'N or more points' is held as a critical difference of N - 0.01, because a change is "
        "reliable when it is greater than the critical difference: 6 is reliable and 5 is not, and no PHQ-9 "
        "change falls strictly between 5.99 and 6 (totals prorated over 7 or 8 answered items are multiples "
        "of 1/56)."
    ),
)

_TT_PHQ9_RELIABLE_CHANGE = ReliableChange(critical_difference=5.99, source=_TALKING_THERAPIES)
_TT_GAD7_RELIABLE_CHANGE = ReliableChange(critical_difference=3.99, source=_TALKING_THERAPIES)

NHS_TALKING_THERAPIES_CHANGE_CRITERIA: f.FrozenMap[str, ChangeCriteria] = f.FrozenMap(
    {
        "phq9": attrs.evolve(CHANGE_CRITERIA["phq9"], reliable_change=_TT_PHQ9_RELIABLE_CHANGE),
        "gad7": attrs.evolve(CHANGE_CRITERIA["gad7"], reliable_change=_TT_GAD7_RELIABLE_CHANGE),
    }
)
""":data:`CHANGE_CRITERIA` with the NHS Talking Therapies reliable-improvement rule (PHQ-9 ≥ 6, GAD-7 ≥ 4 points).

Selectable, not the default: the rule was read only in secondary sources quoting the programme's
manual (``Evidence.SECONDARY``). Pass it as ``assess_change(series, catalog=...)``. The clinical
cut-offs, response and remission are the built-in ones (not the programme's caseness cut-offs).
"""


@final
@attrs.frozen(kw_only=True)
class ChangeAssessment:
    """The change from a series' baseline to its latest score, each criterion with its reasons.

    ``None`` in ``index``, ``clinically_significant``, ``response`` or ``remission`` means
    *not evaluated* (no criterion, too few scores, or a baseline outside the criterion's
    population); ``reasons`` say which.
    """

    instrument: str = attrs.field(validator=f.identifier())
    baseline: DatedScore = attrs.field(validator=f.instance(DatedScore, "a DatedScore"))
    latest: DatedScore = attrs.field(validator=f.instance(DatedScore, "a DatedScore"))
    change: float = attrs.field(converter=f.to_float, validator=f.number())
    """``latest.total − baseline.total`` in points."""
    trajectory: Trajectory = attrs.field(validator=f.enum_member(Trajectory))
    index: float | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_float), validator=f.optional(f.number())
    )
    """The reliable change index (Jacobson & Truax), or ``None`` when not evaluated."""
    threshold: float | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_float), validator=f.optional(f.number(min_value=0))
    )
    """The reliable-change threshold in points that was applied."""
    clinically_significant: bool | None = attrs.field(default=None, validator=f.optional(f.boolean()))
    response: bool | None = attrs.field(default=None, validator=f.optional(f.boolean()))
    remission: bool | None = attrs.field(default=None, validator=f.optional(f.boolean()))
    reasons: tuple[str, ...] = attrs.field(default=(), converter=f.to_tuple, validator=f.tuple_of(str))

    def _repr_html_(self) -> str:
        return h.fields_view(
            self,
            title=f"ChangeAssessment: {self.instrument} {self.trajectory.value.replace('_', ' ')}",
            badges={"trajectory": _trajectory_tone},
        )

    @property
    def deteriorated(self) -> bool | None:
        """Reliable deterioration (``None`` when the trajectory was not evaluated)."""
        if self.trajectory is Trajectory.NOT_EVALUATED:
            return None
        return self.trajectory is Trajectory.RELIABLY_WORSE


def _trajectory_tone(trajectory: Trajectory) -> str:
    return {
        Trajectory.RELIABLY_IMPROVED: "ok",
        Trajectory.RELIABLY_WORSE: "critical",
        Trajectory.NO_RELIABLE_CHANGE: "info",
    }.get(trajectory, "muted")


def _index(rc: ReliableChange, before: float, after: float) -> float:
    return (after - before) / rc.s_diff


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _trajectory(criteria: ChangeCriteria, before: float, after: float, two: bool, reasons: list[str]) -> Any:
    rc = criteria.reliable_change
    if not two:
        reasons.append("only one score: change not evaluated")
        return Trajectory.NOT_EVALUATED, None, None
    if rc is None:
        reasons.append(f"no reliable-change parameters for {criteria.instrument}: trajectory not evaluated")
        return Trajectory.NOT_EVALUATED, None, None
    index = _index(rc, before, after)
    threshold = rc.threshold
    better = (after < before) if criteria.lower_is_better else (after > before)
    if abs(after - before) <= threshold:
        trajectory = Trajectory.NO_RELIABLE_CHANGE
    else:
        trajectory = Trajectory.RELIABLY_IMPROVED if better else Trajectory.RELIABLY_WORSE
    reasons.append(
        f"change {_fmt(after - before)} points (RC {index:.2f}); reliable beyond {_fmt(threshold)} points "
        f"({rc.source.citation.split('(')[0].strip()}): {trajectory.value.replace('_', ' ')}"
    )
    return trajectory, index, threshold


def _clinically_significant(
    criteria: ChangeCriteria, before: float, after: float, trajectory: Trajectory, reasons: list[str]
) -> bool | None:
    cut = criteria.clinical_cutoff
    if cut is None or trajectory is Trajectory.NOT_EVALUATED:
        return None
    in_range_before = before >= cut.value if criteria.lower_is_better else before <= cut.value
    if not in_range_before:
        reasons.append(f"baseline {_fmt(before)} outside the clinical range (cut-off {_fmt(cut.value)})")
        return None
    crossed = after < cut.value if criteria.lower_is_better else after > cut.value
    result = crossed and trajectory is Trajectory.RELIABLY_IMPROVED
    reasons.append(
        f"clinically significant change: {'yes' if result else 'no'} (cut-off {_fmt(cut.value)}, "
        f"latest {'past' if crossed else 'not past'} it)"
    )
    return result


def _eligible(threshold: ScoreThreshold, before: float, what: str, reasons: list[str]) -> bool:
    if threshold.min_baseline is not None and before < threshold.min_baseline:
        reasons.append(f"{what} not evaluated: baseline {_fmt(before)} below {_fmt(threshold.min_baseline)}")
        return False
    return True


def _response(criteria: ChangeCriteria, before: float, after: float, two: bool, reasons: list[str]) -> bool | None:
    rule = criteria.response
    if rule is None or not two or not _eligible(rule, before, "response", reasons):
        return None
    if before <= 0:
        reasons.append("response not evaluated: a baseline of 0 cannot be reduced by a share")
        return None
    share = Fraction(repr(rule.value))
    drop = Fraction(repr(float(before))) - Fraction(repr(float(after)))
    if not criteria.lower_is_better:
        drop = -drop
    result = drop >= share * Fraction(repr(float(before)))
    reasons.append(f"response (a {_fmt(float(share) * 100)} % reduction from baseline): {'yes' if result else 'no'}")
    return result


def _remission(criteria: ChangeCriteria, before: float, after: float, two: bool, reasons: list[str]) -> bool | None:
    rule = criteria.remission
    if rule is None or not two or not _eligible(rule, before, "remission", reasons):
        return None
    result = after < rule.value if criteria.lower_is_better else after > rule.value
    reasons.append(f"remission (latest below {_fmt(rule.value)}): {'yes' if result else 'no'}")
    return result


@f.guard
def assess_change(
    series: ScoreSeries,
    *,
    criteria: ChangeCriteria | None = None,
    catalog: Mapping[str, ChangeCriteria] | None = None,
) -> ChangeAssessment:
    """Compare the latest score of *series* with its baseline under the instrument's change criteria.

    *criteria* defaults to ``(catalog or CHANGE_CRITERIA)[series.instrument]``; an instrument
    without criteria raises :class:`~iopcore.errors.UnknownCodeError`. A criterion that cannot
    be evaluated (no parameters, one score, a baseline outside its population) is ``None`` with
    a reason, never a normal answer.
    """
    if criteria is None:
        table = CHANGE_CRITERIA if catalog is None else catalog
        found = table.get(series.instrument)
        if found is None:
            raise UnknownCodeError(
                what="instrument with change criteria",
                catalog="CHANGE_CRITERIA",
                known=sorted(table),
                path="$.series.instrument",
            )
        criteria = found
    elif criteria.instrument != series.instrument:
        raise InvalidArgumentError(
            (
                ErrorItem(
                    path="$.criteria.instrument",
                    message="expected criteria for the series' instrument, got another instrument's",
                    rule="instrument",
                ),
            ),
            callable="assess_change",
        )
    return _assess(series, criteria)


def _assess(series: ScoreSeries, criteria: ChangeCriteria) -> ChangeAssessment:
    base, last = series.baseline, series.latest
    before, after = float(base.total), float(last.total)
    two = len(series.scores) > 1
    reasons: list[str] = [
        f"baseline {_fmt(before)} on {base.on.isoformat()}, latest {_fmt(after)} on {last.on.isoformat()}"
    ]
    trajectory, index, threshold = _trajectory(criteria, before, after, two, reasons)
    return ChangeAssessment(
        instrument=series.instrument,
        baseline=base,
        latest=last,
        change=after - before,
        trajectory=trajectory,
        index=index,
        threshold=threshold,
        clinically_significant=_clinically_significant(criteria, before, after, trajectory, reasons),
        response=_response(criteria, before, after, two, reasons),
        remission=_remission(criteria, before, after, two, reasons),
        reasons=tuple(reasons),
    )
