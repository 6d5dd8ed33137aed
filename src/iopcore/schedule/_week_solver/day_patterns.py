"""One day's feasible sets of sessions (patterns): the best per signature, dominated ones dropped."""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from operator import itemgetter, mul

from iopcore.schedule._week_solver.candidates import Candidates, Limits

__all__ = ["DayCache", "DayKey", "Pattern", "day_patterns"]


DayKey = tuple[tuple[int, int, str], ...]

# A day pattern: (minutes, component counts, cost, day key, chosen indices).
Pattern = tuple[int, tuple[int, ...], int, tuple[tuple[int, int, str], ...], tuple[int, ...]]
DayCache = dict[tuple[int, Limits, int, tuple[int, ...], frozenset[int]], list[Pattern]]
"""Day patterns by (day, limits, k, the day's candidate costs, the day's excluded candidates)."""

# A partial pattern of the dynamic programme: (cost, sessions, minutes, positions in the day's items).
_Partial = tuple[int, int, int, tuple[int, ...]]
_NOTHING: _Partial = (0, 0, 0, ())
_MINUTES = 1 << 11
"""More than the minutes of one day: a (minutes, count-vector id) pair packs into one integer."""
FEW = 5
"""Days with at most this many sessions go through every subset (:func:`_few_subsets`) instead of the
dynamic programme (:func:`_best_subsets`); both give the same patterns."""
FEW_TO_COMPARE = 3
"""Days with at most this many patterns keep them all: dropping the dominated ones (:func:`_undominated`)
costs more there than the search saves. Only speed depends on it: a dominated pattern is in no best week."""
_EMPTY = _MINUTES - 1
"""The group of the empty partial: the zero count vector with more minutes than a day has, so that
no partial shares it (with the minutes capped at 0, every partial packs into group 0)."""


def day_patterns(
    cands: Candidates,
    day: Sequence[int],
    lim: Limits,
    cost: Sequence[int],
    k: int,
    caps: tuple[int, ...],
    excluded: Collection[int],
) -> list[Pattern]:
    """Non-empty feasible subsets of one day's candidates, k best per signature."""
    start, end, comp = cands.start, cands.end, cands.component
    items = [i for i in day if i not in excluded] if excluded else list(day)
    if not items:
        return []
    # Sessions at the same time with the same bounded component (or none) are interchangeable
    # and overlap, so at most one is chosen: only the k best by (cost, id) can be in an answer.
    if len(items) > 1 and len({(start[i], end[i], comp[i]) for i in items}) < len(items):
        offerings = cands.offerings
        alike: dict[tuple[int, int, int], list[int]] = {}
        for i in items:
            alike.setdefault((start[i], end[i], comp[i]), []).append(i)
        kept = set()
        for group in alike.values():
            if len(group) > 1:
                group.sort(key=lambda i: (cost[i], offerings[i].id))
            kept.update(group[:k])
        items = [i for i in items if i in kept]
    if len(items) == 1:  # the one non-empty subset, if it is feasible
        return _alone(cands, items[0], lim, cost, caps)
    # Without a weekly maximum, minutes beyond the weekly minimum tell nothing apart.
    minute_cap = lim.minutes_min if lim.minutes_max is None else 1 << 30
    if k == 1:
        if len(items) <= FEW:
            return _few_subsets(cands, items, lim, cost, caps, minute_cap)
        return _best_subsets(cands, items, lim, cost, caps, minute_cap)
    return _k_best_subsets(cands, items, lim, cost, k, caps, minute_cap)


def _alone(cands: Candidates, i: int, lim: Limits, cost: Sequence[int], caps: tuple[int, ...]) -> list[Pattern]:
    """The patterns of a day with the one candidate *i*: itself, if the day's and its component's bounds allow."""
    length = cands.end[i] - cands.start[i]
    if (lim.day_max is not None and length > lim.day_max) or length < (lim.day_min or 0):
        return []
    counts = [0] * len(caps)
    c = cands.component[i]
    if c >= 0:
        top = lim.comp_max[c]
        if top is not None and top < 1:
            return []
        counts[c] = 1 if caps[c] > 1 else caps[c]
    return [(length, tuple(counts), cost[i], (cands.ident[i],), (i,))]


def _k_best_subsets(
    cands: Candidates,
    items: list[int],
    lim: Limits,
    cost: Sequence[int],
    k: int,
    caps: tuple[int, ...],
    minute_cap: int,
) -> list[Pattern]:
    """The *k* best patterns per signature, by enumerating the day's feasible subsets."""
    start, end, comp, ident = cands.start, cands.end, cands.component, cands.ident
    n = len(items)
    day_max = lim.day_max
    day_min = lim.day_min or 0
    gap = lim.gap
    comp_max = lim.comp_max
    nb = len(caps)
    best: dict[tuple[int, tuple[int, ...]], list[Pattern]] = {}

    def emit(chosen: list[int], minutes: int, counts: list[int], total: int) -> None:
        if minutes < day_min:
            return
        capped = tuple(min(counts[c], caps[c]) for c in range(nb))
        sig = (min(minutes, minute_cap), capped)
        entry: Pattern = (minutes, capped, total, tuple([ident[i] for i in chosen]), tuple(chosen))
        bucket = best.get(sig)
        if bucket is None:
            best[sig] = [entry]
        else:
            bucket.append(entry)
            bucket.sort(key=lambda p: (p[2], len(p[4]), p[0], p[3]))
            del bucket[k:]

    def extend(pos: int, last_end: int, chosen: list[int], minutes: int, counts: list[int], total: int) -> None:
        for j in range(pos, n):
            i = items[j]
            if chosen and start[i] < last_end + gap:
                continue
            m = minutes + end[i] - start[i]
            if day_max is not None and m > day_max:
                continue
            c = comp[i]
            if c >= 0:
                limit = comp_max[c]
                if limit is not None and counts[c] + 1 > limit:
                    continue
                counts[c] += 1
            chosen.append(i)
            emit(chosen, m, counts, total + cost[i])
            extend(j + 1, end[i], chosen, m, counts, total + cost[i])
            chosen.pop()
            if c >= 0:
                counts[c] -= 1

    extend(0, 0, [], 0, [0] * nb, 0)
    return [p for sig in sorted(best) for p in best[sig]]


def _few_subsets(
    cands: Candidates,
    items: list[int],
    lim: Limits,
    cost: Sequence[int],
    caps: tuple[int, ...],
    minute_cap: int,
) -> list[Pattern]:
    """What :func:`_best_subsets` returns, by going through every subset of a day's few sessions.

    Subsets are bit masks over the positions in *items* (sorted by (start, end, id)); each
    extends the subset without its last session, so a mask costs a few operations where the
    dynamic programme's bookkeeping would cost more.
    """
    start, end, comp = cands.start, cands.end, cands.component
    day_max, gap, comp_max = lim.day_max, lim.gap, lim.comp_max
    day_min = lim.day_min or 0
    top = 1 << 62 if day_max is None else day_max
    vectors: list[tuple[int, ...]] = [(0,) * len(caps)]
    vector_id: dict[tuple[int, ...], int] = {vectors[0]: 0}
    step: dict[int, int] = {}  # (vector id, component) packed -> vector id after one more session, -1 past its maximum
    nb1 = len(caps) + 1
    # Per mask: (last end, minutes, count-vector id, partial), or None when infeasible.
    subsets: list[tuple[int, int, int, _Partial] | None] = [(-(1 << 30), 0, 0, _NOTHING)]
    winners: dict[int, _Partial] = {}
    for mask in range(1, 1 << len(items)):
        last = mask.bit_length() - 1
        before = subsets[mask ^ (1 << last)]
        if before is None:
            subsets.append(None)
            continue
        last_end, pm, v, (pc, pn, _, where_from) = before
        i = items[last]
        s_i = start[i]
        m = pm + end[i] - s_i
        if s_i < last_end + gap or m > top:
            subsets.append(None)
            continue
        c_i = comp[i]
        if c_i >= 0:
            where = v * nb1 + c_i
            got = step.get(where)
            if got is None:
                got = step[where] = _one_more(vectors, vector_id, v, c_i, comp_max, caps)
            if got < 0:
                subsets.append(None)
                continue
            v = got
        value = (pc + cost[i], pn + 1, m, (*where_from, last))
        subsets.append((end[i], m, v, value))
        if m >= day_min:
            sig = v * _MINUTES + (m if m < minute_cap else minute_cap)
            old = winners.get(sig)
            if old is None or value < old:
                winners[sig] = value
    return _ranked(cands, items, lim, winners, vectors, minute_cap)


def _one_more(
    vectors: list[tuple[int, ...]],
    vector_id: dict[tuple[int, ...], int],
    v: int,
    c: int,
    comp_max: tuple[int | None, ...],
    caps: tuple[int, ...],
) -> int:
    """The id of count vector *v* with one more session of component *c* (capped; interned in
    *vectors* and *vector_id*), or -1 when that passes the component's maximum."""
    counts = vectors[v]
    limit = comp_max[c]
    if limit is not None and counts[c] >= limit:
        return -1
    bumped = list(counts)
    bumped[c] = min(counts[c] + 1, caps[c])
    more = tuple(bumped)
    got = vector_id.get(more)
    if got is None:
        got = vector_id[more] = len(vectors)
        vectors.append(more)
    return got


def _ranked(
    cands: Candidates,
    items: list[int],
    lim: Limits,
    winners: dict[int, _Partial],
    vectors: list[tuple[int, ...]],
    minute_cap: int,
) -> list[Pattern]:
    """The patterns of the best partial per signature (packed as for :func:`_best_subsets`), ranked by
    (cost, sessions, minutes, key); without a weekly maximum, the undominated ones only (when more
    than :data:`FEW_TO_COMPARE`)."""
    ranked = sorted([(value, sig // _MINUTES) for sig, value in winners.items()])
    if lim.minutes_max is None and len(ranked) > FEW_TO_COMPARE:
        ranked = _undominated(ranked, vectors, lim.comp_min, lim.comp_max, minute_cap)
    ident = [cands.ident[i] for i in items]
    key_of, index_of = ident.__getitem__, items.__getitem__
    return [
        (pm, vectors[v], pc, tuple(map(key_of, positions)), tuple(map(index_of, positions)))
        for (pc, _, pm, positions), v in ranked
    ]


def _best_subsets(
    cands: Candidates,
    items: list[int],
    lim: Limits,
    cost: Sequence[int],
    caps: tuple[int, ...],
    minute_cap: int,
) -> list[Pattern]:
    """The best pattern per signature by a dynamic programme over the day's sessions in start order
    (without a weekly maximum, the undominated ones only).

    The patterns come ranked by (cost, sessions, minutes, key).

    A partial pattern's future depends only on (last end, minutes, capped counts), so of the
    partials that end by the time a session starts, those sharing (minutes, counts) keep
    only the best by (cost, sessions, minutes, key); a common extension preserves that
    order. The sessions are taken in (start, end, id) order; a partial enters the pool
    ``closed`` (the best per (minutes, counts) of those ended) once the sessions reach its
    end plus the gap, and each session extends every partial of the pool. A partial holds
    its sessions' positions in *items*, which are sorted by (start, end, id), so comparing
    positions compares keys. Count vectors are interned as small integers, and a group
    (minutes, count vector) is packed into one integer.
    """
    start, end, comp = cands.start, cands.end, cands.component
    day_max, gap, comp_max = lim.day_max, lim.gap, lim.comp_max
    day_min = lim.day_min or 0
    state_cap = max(minute_cap, day_min) if day_max is None else 1 << 30
    top = 1 << 62 if day_max is None else day_max
    vectors: list[tuple[int, ...]] = [(0,) * len(caps)]
    vector_id: dict[tuple[int, ...], int] = {vectors[0]: 0}
    step: dict[int, int] = {}  # (vector id, component) packed -> vector id after one more session, -1 past its maximum
    nb1 = len(caps) + 1
    ends = [end[i] for i in items]
    by_end = sorted(range(len(items)), key=ends.__getitem__)
    ended: list[dict[int, _Partial]] = []  # per position, the best partials ending there by group
    closed: dict[int, _Partial] = {_EMPTY: _NOTHING}
    released = 0
    for pos, i in enumerate(items):
        s_i, e_i, c_i, cost_i = start[i], end[i], comp[i], cost[i]
        free = s_i - gap
        while released < pos and end[items[by_end[released]]] <= free:
            for group, value in ended[by_end[released]].items():
                old = closed.get(group)
                if old is None or value < old:
                    closed[group] = value
            released += 1
        length = e_i - s_i
        room = top - length
        mine: dict[int, _Partial] = {}
        for group, (pc, pn, pm, where_from) in closed.items():
            if pm > room:
                continue
            v = group // _MINUTES
            if c_i >= 0:
                where = v * nb1 + c_i
                got = step.get(where)
                if got is None:
                    got = step[where] = _one_more(vectors, vector_id, v, c_i, comp_max, caps)
                if got < 0:
                    continue
                v = got
            m = pm + length
            value = (pc + cost_i, pn + 1, m, (*where_from, pos))
            new_group = v * _MINUTES + (m if m < state_cap else state_cap)
            old = mine.get(new_group)
            if old is None or value < old:
                mine[new_group] = value
        ended.append(mine)
    # The best partial per group over all (the pool with every partial released), then per
    # signature (minutes capped at minute_cap, counts). A group's partials all have the same
    # minutes below state_cap, and state_cap >= day_min without a per-day maximum: the
    # per-day minimum keeps or drops a group as a whole.
    for q in by_end[released:]:
        for group, value in ended[q].items():
            old = closed.get(group)
            if old is None or value < old:
                closed[group] = value
    del closed[_EMPTY]
    winners: dict[int, _Partial] = {}
    for group, value in closed.items():
        m = value[2]
        if m < day_min:
            continue
        sig = group - group % _MINUTES + (m if m < minute_cap else minute_cap)
        old = winners.get(sig)
        if old is None or value < old:
            winners[sig] = value
    return _ranked(cands, items, lim, winners, vectors, minute_cap)


@functools.lru_cache(maxsize=64)
def _dominance_fields(
    comp_min: tuple[int, ...], comp_max: tuple[int | None, ...], minute_cap: int
) -> tuple[tuple[int, ...], tuple[int, ...], int, int]:
    """How :func:`_undominated` packs a pattern's counts: the exactly-bounded components; per
    component its coefficient in the packed integer (``1 << shift`` when counted up, without a
    maximum; ``-(1 << shift)`` when counted down from its maximum, with no minimum; 0 if not
    packed) and the constant part (the maxima, shifted), so that ``constant + sum(count *
    coefficient)`` packs the fields; and the guard bits (one field of *width* bits per packed
    component; the lowest field, of the minutes, is left empty: minutes are compared apart)."""
    exact = tuple(c for c, top in enumerate(comp_max) if top is not None and comp_min[c] > 0)
    free = [c for c, top in enumerate(comp_max) if top is None]
    at_most = [(c, top) for c, top in enumerate(comp_max) if top is not None and comp_min[c] == 0]
    # Counts of components without a maximum are capped at their minimum.
    width = max([minute_cap, *(comp_min[c] for c in free), *(t for _, t in at_most)]).bit_length() + 1
    fields = [(c, -1) for c in free] + at_most
    coefficients = [0] * len(comp_max)
    constant = 0
    for j, (c, top) in enumerate(fields, 1):
        if top < 0:
            coefficients[c] = 1 << (j * width)
        else:
            coefficients[c] = -(1 << (j * width))
            constant += top << (j * width)
    guards = sum(1 << (j * width + width - 1) for j in range(1, 1 + len(fields)))
    return exact, tuple(coefficients), constant, guards


def _undominated(
    ranked: list[tuple[_Partial, int]],
    vectors: list[tuple[int, ...]],
    comp_min: tuple[int, ...],
    comp_max: tuple[int | None, ...],
    minute_cap: int,
) -> list[tuple[_Partial, int]]:
    """Drop patterns another one beats on every count (k = 1, without a weekly hours maximum).

    *ranked* holds (partial, count-vector id) pairs, ranked by (cost, sessions, minutes, key).

    Pattern A beats B when A ranks before B by (cost, sessions, minutes, key) while giving
    at least as many (capped) minutes, at least as many (capped) sessions of every
    component without a maximum, at most as many of every component with a maximum and
    no minimum, and exactly as many of every other component with a maximum. Swapping B
    for A in any week keeps it feasible and makes it rank strictly earlier (the days
    before are equal and this day's part of the tie-break key is no larger), so B is in
    no best week.

    The "at least as many" tests of the counts run on packed integers: each count gets a
    field with a guard bit, and A is at least B in every field exactly when
    ``((A | G) - B) & G == G``; the minutes are compared apart, against the most minutes kept
    per count vector, so each distinct vector kept is tested once rather than each pattern.
    """
    exact, coefficients, constant, guards = _dominance_fields(comp_min, comp_max, minute_cap)
    exact_counts = itemgetter(*exact) if exact else None  # (one count, or a tuple of them: a group's key)
    # Only patterns with equal counts of the exactly-bounded components can beat each other; per
    # such group, each packed count vector kept so far with the most (capped) minutes kept with it.
    # A kept pattern beats B exactly when one of these vectors is at least B's in every field and
    # its minutes at least B's (that vector's pattern with those minutes is itself kept, earlier).
    groups: dict[object, dict[int, int]] = {}
    packs: dict[int, tuple[object, int]] = {}  # per count vector: its exact counts and packed fields
    kept: list[tuple[_Partial, int]] = []
    for b in ranked:
        v = b[1]
        known = packs.get(v)
        if known is None:  # (each field is within its width: the sum is the fields side by side)
            counts = vectors[v]
            fields = constant + sum(map(mul, counts, coefficients))
            known = packs[v] = (exact_counts(counts) if exact_counts is not None else (), fields)
        m = b[0][2]
        if m > minute_cap:
            m = minute_cap
        rivals = groups.get(known[0])
        if rivals is None:
            rivals = groups[known[0]] = {}
        packed = known[1]
        for a, most in rivals.items():
            if most >= m and ((a | guards) - packed) & guards == guards:
                break
        else:
            kept.append(b)
            if rivals.get(packed, -1) < m:
                rivals[packed] = m
    return kept
