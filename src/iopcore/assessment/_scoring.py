"""Exact scoring of an instrument's responses: ``score(instrument_id, responses, **context)``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from iopcore import _fields as f
from iopcore.assessment._instruments import INSTRUMENTS, _builtin
from iopcore.assessment._model import (
    BandScheme,
    FlagMode,
    FlagRule,
    Instrument,
    InstrumentScore,
    Item,
    ResponseKind,
    Sex,
    _trusted_score,
)
from iopcore.errors import InvalidResponseError, type_name

__all__ = ["InvalidResponseError", "Response", "score"]

Response = int | bool | None
"""One answer: a point value or count (``int``), ``True``/``False`` for yes/no items, or ``None`` (missing or skipped)."""


_EMPTY: Mapping[str, int] = f.FrozenMap()
_NO_FLAGS: frozenset[str] = frozenset()


class _Plan:
    """A built-in instrument precompiled for the common case: every item a point item, every answer given.

    Instruments whose skip rules leave answers out of the total (CRAFFT) always take the general path.
    """

    __slots__ = ("allowed", "bands", "cut", "inst", "reading", "rules", "scheme")

    def __init__(self, inst: Instrument) -> None:
        self.inst = inst
        sexed = any(c.sex is not None for c in inst.cutoffs)
        self.allowed: tuple[frozenset[int], ...] | None = (
            tuple(frozenset(i.values) for i in inst.items)
            if not sexed
            and all(i.kind is ResponseKind.POINTS and i.scored for i in inst.items)
            and all(rule.answers_counted for rule in inst.skip_rules)
            else None
        )
        scheme = inst.default_scheme
        self.scheme = None if scheme is None else scheme.id
        self.bands = None if scheme is None else tuple(scheme._band_for(t) for t in range(inst.max_total + 1))
        self.cut = inst.cutoffs[0].threshold if inst.cutoffs else None
        reading = inst.default_reading
        self.reading = None if reading is None else reading.id
        self.rules = inst.flag_rules + (() if reading is None else reading.flag_rules)


_new = object.__new__
_set = object.__setattr__


def _trusted(
    *,
    instrument: str,
    total: int,
    band: str | None,
    positive: bool | None,
    flags: frozenset[str],
    scheme: str | None,
    cutoff: int | None,
    item_scores: tuple[int | None, ...],
    subscores: Mapping[str, int],
    reading: str | None,
) -> InstrumentScore:
    """Build a score from values this module has already checked, skipping the validators.

    Only the fast path uses it; its inputs come from a built-in instrument and
    answers validated against each item's value set, so every field rule holds
    (``prorated`` is false and nothing is uncounted there). One line per field, no
    loop: this is the hot path of scoring (tests check it sets every field).
    """
    result = _new(InstrumentScore)
    _set(result, "instrument", instrument)
    _set(result, "total", total)
    _set(result, "band", band)
    _set(result, "positive", positive)
    _set(result, "flags", flags)
    _set(result, "prorated", False)
    _set(result, "scheme", scheme)
    _set(result, "cutoff", cutoff)
    _set(result, "item_scores", item_scores)
    _set(result, "subscores", subscores)
    _set(result, "reading", reading)
    _set(result, "uncounted", ())
    return result


def _fast(plan: _Plan, responses: Sequence[Response]) -> InstrumentScore | None:
    allowed = plan.allowed
    if allowed is None or len(responses) != len(allowed):
        return None
    for value, values in zip(responses, allowed, strict=True):
        if type(value) is not int or value not in values:
            return None
    points: list[int | None] = list(responses)
    total: int = sum(responses)  # type: ignore[arg-type]
    inst = plan.inst
    cut = plan.cut
    positive = None if cut is None else total >= cut
    if plan.bands is not None:
        band: str | None = plan.bands[total]
    else:
        band = None if positive is None else ("positive" if positive else "negative")
    return _trusted(
        instrument=inst.id,
        total=total,
        band=band,
        positive=positive,
        flags=_flags(inst, points, plan.rules),
        scheme=plan.scheme,
        cutoff=cut,
        item_scores=tuple(responses),
        subscores=_subscores(inst, points),
        reading=plan.reading,
    )


_CONTEXT_TYPES: dict[str, tuple[type, ...]] = {
    "sex": (Sex, str, type(None)),
    "cutoff": (int, type(None)),
    "scheme": (str, BandScheme, type(None)),
    "medically_supervised": (bool,),
    "reading": (str, type(None)),
    "count_skipped_answers": (bool, type(None)),
}


def _plain_call(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The guard's fast path for ``score``: the usual call shapes, whose every argument the body checks itself.

    ``score(id, [answers], sex=..., ...)`` with a built-in id or an :class:`Instrument`, a list or tuple of
    answers and context values of their exact types goes straight to the scoring (which checks each answer
    against its item and each context value against the instrument, naming it); any other call is left to
    the guard (wrong types, unknown keywords, numpy numbers to normalize).
    """
    if len(args) != 2:
        return f.NOT_HANDLED
    instrument_id, responses = args
    if type(responses) is not list and type(responses) is not tuple:
        return f.NOT_HANDLED
    if type(instrument_id) is str:
        plan = _PLANS.get(instrument_id)
        if plan is None:
            return f.NOT_HANDLED
        if not kwargs:
            return _fast(plan, responses) or _score(plan.inst, responses)
        inst = plan.inst
    elif type(instrument_id) is Instrument:
        inst = instrument_id
    else:
        return f.NOT_HANDLED
    for key, value in kwargs.items():
        allowed = _CONTEXT_TYPES.get(key)
        if allowed is None or type(value) not in allowed:
            return f.NOT_HANDLED
    return _score(inst, responses, **kwargs)


@f.guard(fast=_plain_call)
def score(
    instrument_id: str | Instrument,
    responses: Sequence[Response],
    *,
    sex: Sex | str | None = None,
    cutoff: int | None = None,
    scheme: str | BandScheme | None = None,
    medically_supervised: bool = False,
    reading: str | None = None,
    count_skipped_answers: bool | None = None,
) -> InstrumentScore:
    """Score *responses* (one per item, in item order) for an instrument, exactly as published.

    Context keywords: ``sex`` (``"male"``/``"female"``; required where cut-offs differ by sex, ignored
    elsewhere), ``cutoff`` (replaces a configurable cut-off: PHQ-2, CAGE-AID, PCL-5), ``scheme`` (a band
    scheme id of the instrument, or your own :class:`BandScheme`), ``medically_supervised`` (DSM-5 SUD:
    tolerance and withdrawal not counted), ``reading`` (a reading id of a rule the sources read in more
    than one way: the AUDIT's ``"any_item"``, the default, or ``"items_summed"``),
    ``count_skipped_answers`` (``True`` counts answers given to items a skip rule skipped even where the
    rule leaves them out, e.g. CRAFFT Part B with Part A all zero; ``False`` leaves them out everywhere;
    ``None`` follows each skip rule). Raises :class:`InvalidResponseError` naming the item.
    """
    inst = instrument_id if isinstance(instrument_id, Instrument) else _builtin(instrument_id)
    return _score(
        inst,
        responses,
        sex=sex,
        cutoff=cutoff,
        scheme=scheme,
        medically_supervised=medically_supervised,
        reading=reading,
        count_skipped_answers=count_skipped_answers,
    )


def _score(
    inst: Instrument,
    responses: Sequence[Response],
    *,
    sex: Sex | str | None = None,
    cutoff: int | None = None,
    scheme: str | BandScheme | None = None,
    medically_supervised: bool = False,
    reading: str | None = None,
    count_skipped_answers: bool | None = None,
) -> InstrumentScore:
    """Score checked arguments: the instrument is known, *responses* a list or tuple, the context of its types."""
    iid = inst.id
    items = inst.items
    n = len(items)
    if len(responses) != n:
        raise InvalidResponseError(iid, None, f"expected {n} answers (items 1-{n}), got {len(responses)}", "length")

    skipped: set[int] = set()
    left_out: set[int] = set()  # skipped items whose answers, if given, the rule does not count
    for rule in inst.skip_rules:
        values = [responses[k - 1] for k in rule.when_items]
        if all(
            (v is None and k in skipped) or v is False or (v is not None and f.is_integer(v) and f.as_int(v) == 0)
            for k, v in zip(rule.when_items, values, strict=True)
        ):
            skipped.update(rule.skipped)
            counted = rule.answers_counted if count_skipped_answers is None else count_skipped_answers
            if not counted:
                left_out.update(rule.skipped)

    excluded: frozenset[int] = frozenset()
    if medically_supervised:  # a bool: the guard (or its fast path) has checked it
        excluded = frozenset(k for e in inst.exclusions if e.context == "medically_supervised" for k in e.items)

    points: list[int | None] = []
    missing: list[int] = []
    uncounted: list[int] = []
    total = 0
    scored_count = 0
    for item, value in zip(items, responses, strict=True):
        number = item.number
        if value is None:
            if number in skipped:
                points.append(0 if item.scored else None)
                if item.scored:
                    scored_count += 1
                continue
            if not item.scored:
                raise InvalidResponseError(
                    iid, number, "missing answer (this item has no skip rule that allows it)", "missing"
                )
            missing.append(number)
            points.append(None)
            scored_count += 1
            continue
        checked = _checked(iid, item, value)
        if item.kind is ResponseKind.COUNT or not item.scored:
            points.append(None)
            continue
        p = int(checked is not item.reverse) if item.kind is ResponseKind.YES_NO else checked
        if number in excluded:
            p = 0
        elif number in left_out:
            p = 0
            uncounted.append(number)
        points.append(p)
        total += p
        scored_count += 1

    prorated = False
    final_total: int | float = total
    if missing:
        allowed_missing = inst.proration.max_missing if inst.proration is not None else 0
        if len(missing) > allowed_missing:
            first = missing[allowed_missing]
            why = (
                f"missing answer ({inst.name} allows at most {allowed_missing} missing items, got {len(missing)})"
                if allowed_missing
                else f"missing answer ({inst.name} does not allow missing items)"
            )
            raise InvalidResponseError(iid, first, why, "missing")
        answered = scored_count - len(missing)
        final_total = total * scored_count / answered
        prorated = True

    band, cut, positive, used_scheme = _interpret(inst, final_total, sex, cutoff, scheme)
    flags = _flags(inst, points, _flag_rules(inst, reading))
    subscores = _subscores(inst, points)
    return _trusted_score(
        instrument=iid,
        total=final_total,
        band=band,
        positive=positive,
        flags=flags,
        prorated=prorated,
        scheme=used_scheme,
        cutoff=cut,
        item_scores=tuple(points),
        subscores=subscores,
        reading=_reading_id(inst, reading),
        uncounted=tuple(uncounted),
    )


def _checked(iid: str, item: Item, value: Any) -> Any:
    """An answer checked against its item: a builtin ``int`` (points, counts) or a ``bool`` (yes/no).

    Raises :class:`InvalidResponseError` naming the item (at ``$.responses[i]``); messages never repeat the answer.
    """
    number = item.number
    kind = item.kind
    if kind is ResponseKind.POINTS:
        if type(value) is not int:
            if not f.is_integer(value):
                raise InvalidResponseError(
                    iid, number, f"expected an integer point value, got {type_name(value)}", "type"
                )
            value = f.as_int(value)
        if value not in item.values:
            allowed = ", ".join(str(v) for v in item.values)
            raise InvalidResponseError(
                iid, number, f"expected one of {allowed}, got an int that is not one of them", "value"
            )
        return value
    if kind is ResponseKind.YES_NO:
        if type(value) is not bool:
            raise InvalidResponseError(
                iid, number, f"expected True (yes) or False (no), got {type_name(value)}", "type"
            )
        return value
    if type(value) is not int:
        if not f.is_integer(value):
            raise InvalidResponseError(iid, number, f"expected a whole number, got {type_name(value)}", "type")
        value = f.as_int(value)
    assert item.max_count is not None
    if not 0 <= value <= item.max_count:
        raise InvalidResponseError(
            iid,
            number,
            f"expected a whole number between 0 and {item.max_count}, got {f.number_text(value)}",
            "range",
        )
    return value


def _flag_rules(inst: Instrument, reading: str | None) -> tuple[FlagRule, ...]:
    """The instrument's flag rules plus those of the chosen reading (the default when *reading* is ``None``)."""
    if not inst.readings:
        if reading is not None:
            raise InvalidResponseError(
                inst.id, None, f"{inst.name} has no readings to choose from", "reading", path="$.reading"
            )
        return inst.flag_rules
    chosen = inst.readings[0] if reading is None else next((r for r in inst.readings if r.id == reading), None)
    if chosen is None:
        known = ", ".join(r.id for r in inst.readings)
        raise InvalidResponseError(
            inst.id, None, f"no reading with this id; known: {known}", "unknown_code", path="$.reading"
        )
    return inst.flag_rules + chosen.flag_rules


def _reading_id(inst: Instrument, reading: str | None) -> str | None:
    if reading is not None:
        return reading
    default = inst.default_reading
    return None if default is None else default.id


def _interpret(
    inst: Instrument, total: float, sex: Any, cutoff: Any, scheme: Any
) -> tuple[str | None, int | None, bool | None, str | None]:
    iid = inst.id
    cut: int | None = None
    if inst.cutoffs:
        chosen = inst.cutoffs[0]
        if chosen.sex is not None:
            if sex is None:
                raise InvalidResponseError(
                    iid,
                    None,
                    f"expected sex='male' or sex='female': {inst.name} cut-offs differ by sex",
                    "missing",
                    path="$.sex",
                )
            try:
                wanted = Sex(sex)
            except ValueError:
                raise InvalidResponseError(
                    iid, None, f"expected sex='male' or sex='female', got {type_name(sex)}", "enum", path="$.sex"
                ) from None
            chosen = next(c for c in inst.cutoffs if c.sex is wanted)
        cut = chosen.threshold
        if cutoff is not None:
            if not chosen.configurable:
                raise InvalidResponseError(
                    iid, None, f"{inst.name} has no configurable cut-off", "cutoff", path="$.cutoff"
                )
            if type(cutoff) is not int or not 0 < cutoff <= inst.max_total:
                raise InvalidResponseError(
                    iid,
                    None,
                    f"expected an integer cut-off between 1 and {inst.max_total}, got {type_name(cutoff)}",
                    "range",
                    path="$.cutoff",
                )
            cut = cutoff
    elif cutoff is not None:
        raise InvalidResponseError(iid, None, f"{inst.name} has no screening cut-off", "cutoff", path="$.cutoff")
    positive = None if cut is None else total >= cut

    used: BandScheme | None
    if scheme is None:
        used = inst.default_scheme
    elif isinstance(scheme, BandScheme):
        if scheme.max_total != inst.max_total:
            raise InvalidResponseError(
                iid, None, f"expected a scheme whose bands end at {inst.max_total}", "coverage", path="$.scheme"
            )
        used = scheme
    elif isinstance(scheme, str) and inst.schemes:
        found = inst._scheme(scheme)
        if found is None:
            known = ", ".join(s.id for s in inst.schemes)
            raise InvalidResponseError(
                iid, None, f"no band scheme with this id; known: {known}", "unknown_code", path="$.scheme"
            )
        used = found
    else:
        raise InvalidResponseError(
            iid, None, f"{inst.name} has no band schemes to choose from", "scheme", path="$.scheme"
        )
    if used is not None:
        return used._band_for(total), cut, positive, used.id
    if positive is not None:
        return ("positive" if positive else "negative"), cut, positive, None
    return None, cut, positive, None


def _flags(inst: Instrument, points: list[int | None], rules: tuple[FlagRule, ...]) -> frozenset[str]:
    if not rules and not inst.cluster_rules:
        return _NO_FLAGS
    flags: set[str] = set()
    for rule in rules:
        if rule.mode is FlagMode.ITEMS_SUMMED:
            if sum(points[k - 1] or 0 for k in rule.items) >= rule.min_value:
                flags.add(rule.flag)
            continue
        for k in rule.items:
            p = points[k - 1]
            if p is not None and p >= rule.min_value:
                flags.add(rule.flag)
                break
    for crule in inst.cluster_rules:
        if all(
            sum(1 for k in c.items if (points[k - 1] or 0) >= crule.endorse_at) >= c.min_endorsed
            for c in crule.clusters
        ):
            flags.add(crule.flag)
    return frozenset(flags)


def _subscores(inst: Instrument, points: list[int | None]) -> Mapping[str, int]:
    if not inst.cluster_rules:
        return _EMPTY
    return f.to_mapping(
        {c.id: sum(points[k - 1] or 0 for k in c.items) for crule in inst.cluster_rules for c in crule.clusters}
    )


_PLANS: dict[str, _Plan] = {iid: _Plan(inst) for iid, inst in INSTRUMENTS.items()}
