"""Scores over time: dated scores per patient and instrument, grouped into series (issue 16, item 1).

A :class:`DatedScore` says who was scored, when, on which instrument, the total and the band.
:func:`score_series` groups any number of them into one :class:`ScoreSeries` per patient and
instrument. Series are canonical: the scores sort by date (then total, then band), and the
series by patient and instrument, so the result does not depend on the order of the input.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore._fields import _html as h
from iopcore.assessment._instruments import INSTRUMENTS
from iopcore.assessment._model import InstrumentScore, _to_total

__all__ = ["DatedScore", "ScoreSeries", "score_series"]


def _sort_key(score: DatedScore) -> tuple[date, float, str]:
    return (score.on, float(score.total), score.band or "")


@final
@attrs.frozen(kw_only=True)
class DatedScore:
    """One administration of an instrument: who, when, which instrument, the total and its band.

    ``total`` is an ``int``, or a ``float`` for a prorated total (as in
    :class:`~iopcore.assessment.InstrumentScore`). For a built-in instrument the total must lie
    within the instrument's range and the band must be one of its schemes' labels.
    """

    patient_id: str = f.phi_field(validator=f.text(max_length=128))
    instrument: str = attrs.field(validator=f.identifier())
    on: date = attrs.field(validator=f.calendar_date())
    total: int | float = attrs.field(converter=_to_total, validator=f.number(min_value=0))
    band: str | None = attrs.field(default=None, validator=f.optional(f.identifier()))

    def _repr_html_(self) -> str:
        return h.fields_view(self, title=f"DatedScore: {self.instrument} {self.total} on {self.on.isoformat()}")

    def __attrs_post_init__(self) -> None:
        known = INSTRUMENTS.get(self.instrument)
        if known is None:
            return
        if self.total > known.max_total:
            raise f.fail("$.total", f"expected a total between 0 and {known.max_total} for {known.name}", "range", self)
        labels = {b.label for s in known.schemes for b in s.bands}
        if self.band is not None and self.band not in labels:
            raise f.fail("$.band", f"expected a band of {known.name} ({', '.join(sorted(labels))})", "band", self)

    @classmethod
    @f.guard
    def from_score(cls, score: InstrumentScore, *, patient_id: str, on: date) -> DatedScore:
        """The dated score of an :class:`~iopcore.assessment.InstrumentScore` for *patient_id* on *on*."""
        return cls(patient_id=patient_id, instrument=score.instrument, on=on, total=score.total, band=score.band)


def _sorted_scores(value: Any) -> Any:
    items = f.to_tuple(value)
    if isinstance(items, tuple) and all(isinstance(s, DatedScore) for s in items):
        return tuple(sorted(items, key=_sort_key))
    return items


@final
@attrs.frozen(kw_only=True)
class ScoreSeries:
    """The scores of one patient on one instrument, oldest first (sorted on construction).

    Scores on the same date are ordered by total, then band, so the order in which they
    arrive never changes the series.
    """

    patient_id: str = f.phi_field(validator=f.text(max_length=128))
    instrument: str = attrs.field(validator=f.identifier())
    scores: tuple[DatedScore, ...] = attrs.field(
        converter=_sorted_scores, validator=f.tuple_of(DatedScore, min_length=1)
    )

    def __attrs_post_init__(self) -> None:
        for i, s in enumerate(self.scores):
            if s.patient_id != self.patient_id:
                raise f.fail(f"$.scores[{i}].patient_id", "expected the series' patient", "patient", self)
            if s.instrument != self.instrument:
                raise f.fail(f"$.scores[{i}].instrument", "expected the series' instrument", "instrument", self)

    def _repr_html_(self) -> str:
        first, last = self.baseline, self.latest
        summary = h.pairs(
            [
                ("Instrument", self.instrument),
                ("Patient", f.REDACTED),
                ("Scores", len(self.scores)),
                ("Baseline", f"{first.total} on {first.on.isoformat()}"),
                ("Latest", f"{last.total} on {last.on.isoformat()}"),
            ]
        )
        scores = h.table(
            ["Date", "Total", "Band", "Change from baseline"],
            self.scores,
            lambda s: [s.on.isoformat(), s.total, s.band or "–", f"{float(s.total) - float(first.total):+g}"],
            what="scores",
        )
        return h.view(f"ScoreSeries: {self.instrument}, {len(self.scores)} score(s)", summary, scores)

    @property
    def baseline(self) -> DatedScore:
        """The first score (the baseline change statistics compare with)."""
        return self.scores[0]

    @property
    def latest(self) -> DatedScore:
        """The most recent score."""
        return self.scores[-1]

    @f.guard
    def until(self, on: date) -> ScoreSeries | None:
        """The series as it stood on *on* (scores on or before it), or ``None`` if none was taken yet."""
        kept = tuple(s for s in self.scores if s.on <= on)
        return attrs.evolve(self, scores=kept) if kept else None


@f.guard
def score_series(scores: Iterable[DatedScore]) -> tuple[ScoreSeries, ...]:
    """Group *scores* into one :class:`ScoreSeries` per patient and instrument.

    The series come sorted by patient id and instrument; each series' scores by date. The
    result is the same for any order of *scores*.
    """
    groups: dict[tuple[str, str], list[DatedScore]] = {}
    for s in scores:
        groups.setdefault((s.patient_id, s.instrument), []).append(s)
    return tuple(
        ScoreSeries(patient_id=pid, instrument=inst, scores=tuple(group))
        for (pid, inst), group in sorted(groups.items(), key=lambda kv: kv[0])
    )
