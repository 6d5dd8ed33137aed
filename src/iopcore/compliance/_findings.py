"""Findings, severities and week policies, the :class:`Rule` protocol and the one way rules build a finding.

Every built-in rule builds its findings with :func:`found` (the rule's id and
source become the finding's ``rule_id`` and ``citation``) and returns them
sorted with :func:`finish`.
"""

from __future__ import annotations

import enum
import functools
import operator
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, Protocol, final, runtime_checkable

import attrs

from iopcore import _fields as f
from iopcore._fields import _html as h
from iopcore.compliance._records import ComplianceRecords
from iopcore.sources import Source
from iopcore.times import DateRange

__all__ = ["Finding", "Rule", "Severity", "WeekPolicy", "finding_sort_key"]


class Severity(enum.StrEnum):
    """How serious a finding is, from ``info`` to ``critical``."""

    INFO = "info"
    WARNING = "warning"
    VIOLATION = "violation"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for info up to 3 for critical."""
        return _RANKS[self]


_RANKS = {s: i for i, s in enumerate(Severity)}


class WeekPolicy(enum.StrEnum):
    """What a weekly rule does with a partial or closure week."""

    SKIP = "skip"
    """Do not judge the minimum; report an ``info`` finding ``week_not_assessed``."""
    ASSESS = "assess"
    """Judge the minimum as in a full week."""


def _to_measure(value: Any) -> Any:
    """A measured number as stored: ``None`` and builtin numbers as they are, numpy integers as ``int``, other
    numbers as ``float``; anything else is left for the validator to refuse."""
    if value is None or type(value) is int or type(value) is float:
        return value
    if f.is_integer(value):
        return f.as_int(value)
    if f.is_number(value):
        return f.to_float(value)
    return value


@final
@f.compact_pickle
@attrs.frozen(kw_only=True)
class Finding:
    """One thing a rule found: which rule, how serious, when, why (with numbers), evidence and citation.

    The patient id and the evidence (record ids) are identifiers: ``repr`` redacts them.
    """

    rule_id: str = attrs.field(validator=f.identifier())
    code: str = attrs.field(validator=f.identifier())
    """What was found, e.g. ``"hours_below_minimum"``."""
    severity: Severity = attrs.field(validator=f.enum_member(Severity))
    patient_id: str = f.phi_field(validator=f.text(max_length=128))
    period: DateRange = attrs.field(validator=f.instance(DateRange, "a DateRange"))
    message: str = attrs.field(validator=f.text())
    evidence: tuple[str, ...] = f.phi_field(
        converter=f.to_tuple, validator=f.tuple_of(str, description="record id strings", min_length=1)
    )
    """Ids of the records the finding rests on (at least one)."""
    citation: Source = attrs.field(validator=f.instance(Source, "a Source"))
    measured: int | float | None = attrs.field(default=None, converter=_to_measure, validator=f.optional(f.number()))
    """The number the rule measured (e.g. 420 attended minutes in a week), or ``None`` when no number explains
    the finding; ``int`` stays ``int``, another number is a ``float``."""
    threshold: int | float | None = attrs.field(default=None, converter=_to_measure, validator=f.optional(f.number()))
    """The rule's limit the measurement was compared with (e.g. 540 minutes), or ``None``."""
    unit: str | None = attrs.field(default=None, validator=f.optional(f.text(max_length=32)))
    """The unit of ``measured`` and ``threshold`` (``"minutes"``, ``"days"``, ``"ng/mL"`` …; the rules reference
    lists the built-in rules' units); set exactly when one of them is."""

    def __attrs_post_init__(self) -> None:
        if (self.unit is None) != (self.measured is None and self.threshold is None):
            raise f.fail(
                "$.unit",
                "expected a unit exactly when measured or threshold is set, got "
                + ("a unit without a number" if self.unit is not None else "a number without a unit"),
                "unit",
                self,
            )

    def _repr_html_(self) -> str:
        return h.view(
            f"Finding: {self.code}",
            h.pairs(
                [
                    ("Severity", h.badge(self.severity.value, self.severity.value)),
                    ("Rule", self.rule_id),
                    ("Code", self.code),
                    ("Period", str(self.period)),
                    ("Message", self.message),
                    ("Patient", f.REDACTED),
                    ("Evidence", f"{len(self.evidence)} record(s)"),
                    ("Source", h.short(self.citation)),
                ]
            ),
        )


class Cited(Protocol):
    """What a finding takes from the rule that found it."""

    @property
    def id(self) -> str: ...
    @property
    def source(self) -> Source: ...


# Findings and their periods are derived from validated records, so rules build
# them without re-running validators: they are the hottest constructors of an
# evaluation and are spelled out field by field. A test checks that they set
# exactly the classes' fields and build values equal to validated ones.
_new = object.__new__
(
    _F_RULE,
    _F_CODE,
    _F_SEVERITY,
    _F_PATIENT,
    _F_PERIOD,
    _F_MESSAGE,
    _F_EVIDENCE,
    _F_CITATION,
    _F_MEASURED,
    _F_THRESHOLD,
    _F_UNIT,
) = (getattr(Finding, a.name).__set__ for a in attrs.fields(Finding))
_D_FIRST, _D_LAST = (getattr(DateRange, a.name).__set__ for a in attrs.fields(DateRange))


def found(
    rule: Cited,
    code: str,
    patient_id: str,
    period: DateRange,
    message: str,
    evidence: tuple[str, ...],
    severity: Severity,
    *,
    measured: int | float | None = None,
    threshold: int | float | None = None,
    unit: str | None = None,
) -> Finding:
    """The finding *rule* makes: the rule's id is the finding's ``rule_id`` and its source the ``citation``.

    *measured*, *threshold* and *unit* are the numbers that explain the finding (builtin ``int`` or
    ``float``; a unit exactly when a number is given), as the message states them.
    """
    obj: Finding = _new(Finding)
    _F_RULE(obj, rule.id)
    _F_CODE(obj, code)
    _F_SEVERITY(obj, severity)
    _F_PATIENT(obj, patient_id)
    _F_PERIOD(obj, period)
    _F_MESSAGE(obj, message)
    _F_EVIDENCE(obj, evidence)
    _F_CITATION(obj, rule.source)
    _F_MEASURED(obj, measured)
    _F_THRESHOLD(obj, threshold)
    _F_UNIT(obj, unit)
    return obj


def share_messages(findings: list[Finding], start: int, known: dict[str, str]) -> None:
    """Give the findings from *start* on (built by iopcore's rules) the one copy in *known* of an equal message.

    Patients share most messages ("Service on 2026-03-22 is not covered by any payer authorization.", a
    week not assessed): a report of 10,000 patients holds about 25,000 distinct messages among 500,000
    findings, so sharing them keeps a fraction of the memory (values unchanged; speed and memory only).
    """
    set_message = _F_MESSAGE
    for i in range(start, len(findings)):
        x = findings[i]
        message = x.message
        shared = known.setdefault(message, message)
        if shared is not message:
            set_message(x, shared)


@functools.lru_cache(maxsize=4096)
def span(first: date, last: date) -> DateRange:
    """The period *first* to *last*: one shared value per period (findings mostly repeat a few hundred).

    Sharing immutable periods keeps an evaluation's surviving objects few, which
    spares the interpreter's full garbage collections over the caller's records.
    """
    obj: DateRange = _new(DateRange)
    _D_FIRST(obj, first)
    _D_LAST(obj, last)
    return obj


@f.guard
def finding_sort_key(finding: Finding) -> tuple[Any, ...]:
    """Findings sort by time, then most severe first, then rule, code, patient and evidence."""
    return sort_key(finding)


def sort_key(x: Finding) -> tuple[Any, ...]:
    """:func:`finding_sort_key` without the argument check (rules sort their own findings with it)."""
    period = x.period
    return (period.first, -_RANKS[x.severity], period.last, x.rule_id, x.code, x.patient_id, x.evidence, x.message)


_trailing_key = operator.attrgetter("patient_id", "evidence", "message")
"""The rest of the sort key, read in C (the groups of :func:`sorted_findings` hold most findings)."""


def finish(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """A rule's findings in :func:`finding_sort_key` order."""
    out = tuple(findings)
    return out if len(out) < 2 else tuple(sorted(out, key=sort_key))


def sorted_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """*findings* in :func:`finding_sort_key` order, sorted in two steps for speed.

    Findings are grouped by the key's leading fields (period, severity, rule and
    code); groups are few, and within a group only patient, evidence and message
    remain to compare, which usually arrive in order already.
    """
    groups: dict[tuple[date, int, date, str, str], list[Finding]] = {}
    ranks = _RANKS
    for x in findings:
        period = x.period
        key = (period.first, -ranks[x.severity], period.last, x.rule_id, x.code)  # the sort key's leading fields
        group = groups.get(key)
        if group is None:
            groups[key] = [x]
        else:
            group.append(x)
    out: list[Finding] = []
    for key in sorted(groups):
        group = groups[key]
        if len(group) > 1:
            group.sort(key=_trailing_key)
        out.extend(group)
    return tuple(out)


Collector = Callable[[ComplianceRecords, DateRange, date, list[Finding]], None]
"""What a built-in rule's ``_collector()`` gives :func:`~iopcore.compliance.evaluate`: a function that appends
the findings for one bundle, period and ``as_of`` to a list, unsorted (``evaluate`` sorts them all once), with
the rule's lookups made once per evaluation, not once per patient."""


@runtime_checkable
class Rule(Protocol):
    """Anything that turns records into findings.

    ``evaluate`` must be pure and deterministic: the same records (in any
    order), period and ``as_of`` give the same findings.
    """

    @property
    def id(self) -> str:
        """The rule's id, unique within a rule set."""

    def evaluate(self, records: ComplianceRecords, period: DateRange, as_of: date) -> tuple[Finding, ...]:
        """The findings for *records* in *period*, knowing only what happened by *as_of*."""
