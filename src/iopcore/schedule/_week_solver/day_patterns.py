"""One day's feasible sets of sessions (patterns): the best per signature, dominated ones dropped."""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence

from iopcore.schedule._week_solver.candidates import Candidates, Limits

__all__ = ["DayCache", "DayKey", "Pattern", "day_patterns"]


DayKey = tuple[tuple[int, int, str], ...]

# A day pattern: (minutes, component counts, cost, day key, chosen indices).
Pattern = tuple[int, tuple[int, ...], int, tuple[tuple[int, int, str], ...], tuple[int, ...]]
DayCache = dict[tuple[int, Limits, int, tuple[int, ...], frozenset[int]], list[Pattern]]
"""Day patterns by (day, limits, k, the day's candidate costs, the day's excluded candidates)."""


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
    offerings = cands.offerings
    # Sessions at the same time with the same bounded component (or none) are interchangeable
    # and overlap, so at most one is chosen: only the k best by (cost, id) can be in an answer.
    alike: dict[tuple[int, int, int], list[int]] = {}
    for i in day:
        if i not in excluded:
            alike.setdefault((start[i], end[i], comp[i]), []).append(i)
    if not alike:
        return []
    if len(alike) < len(day):
        kept = set()
        for group in alike.values():
            if len(group) > 1:
                group.sort(key=lambda i: (cost[i], offerings[i].id))
            kept.update(group[:k])
        items = [i for i in day if i in kept]
    else:  # nothing alike, nothing excluded
        items = list(day)
    n = len(items)
    day_max = lim.day_max
    day_min = lim.day_min or 0
    gap = lim.gap
    comp_max = lim.comp_max
    nb = len(caps)
    # Without a weekly maximum, minutes beyond the weekly minimum tell nothing apart.
    minute_cap = lim.minutes_min if lim.minutes_max is None else 1 << 30
    best: dict[tuple[int, tuple[int, ...]], list[Pattern]] = {}

    def emit(chosen: list[int], minutes: int, counts: list[int], total: int) -> None:
        if minutes < day_min:
            return
        capped = tuple(min(counts[c], caps[c]) for c in range(nb))
        sig = (min(minutes, minute_cap), capped)
        key = tuple((start[i], end[i], offerings[i].id) for i in chosen)
        entry: Pattern = (minutes, capped, total, key, tuple(chosen))
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

    if k == 1:
        ranked = _best_subsets(cands, items, lim, cost, caps, minute_cap)
        return ranked if lim.minutes_max is not None else _undominated(ranked, lim.comp_min, comp_max, minute_cap)
    extend(0, 0, [], 0, [0] * nb, 0)
    return [p for sig in sorted(best) for p in best[sig]]


def _best_subsets(
    cands: Candidates,
    items: list[int],
    lim: Limits,
    cost: Sequence[int],
    caps: tuple[int, ...],
    minute_cap: int,
) -> list[Pattern]:
    """The best pattern per signature by a dynamic programme over the day's sessions in start order.

    The patterns come ranked by (cost, sessions, minutes, key).

    A partial pattern's future depends only on (last end, minutes, capped counts), so
    partials sharing those keep only the best by (cost, sessions, minutes, key); a
    common extension preserves that order. A partial holds its sessions' positions in
    *items*, which are sorted by (start, end, id), so comparing positions compares keys.
    """
    start, end, comp, offerings = cands.start, cands.end, cands.component, cands.offerings
    day_max, gap, comp_max = lim.day_max, lim.gap, lim.comp_max
    day_min = lim.day_min or 0
    state_cap = max(minute_cap, day_min) if day_max is None else 1 << 30
    # Items are sorted by (start, end, id), so comparing positions compares keys.
    # Partials sharing (minutes, counts) form a front by last end: later ends only with
    # strictly better values (a partial ending no later with a value no worse beats it).
    GroupKey = tuple[int, tuple[int, ...]]
    Partial = tuple[int, int, int, tuple[int, ...]]
    fronts: dict[GroupKey, list[tuple[int, Partial]]] = {}
    nothing: Partial = (0, 0, 0, ())
    zero = (0,) * len(caps)
    step: dict[tuple[tuple[int, ...], int], tuple[int, ...] | None] = {}

    def bump(counts: tuple[int, ...], c: int) -> tuple[int, ...] | None:
        """*counts* with one more session of component *c* (capped), or None past its maximum."""
        top = comp_max[c]
        if top is not None and counts[c] >= top:
            return None
        listed = list(counts)
        listed[c] = min(counts[c] + 1, caps[c])
        return tuple(listed)

    for pos, i in enumerate(items):
        s_i, e_i, c_i, cost_i = start[i], end[i], comp[i], cost[i]
        free = s_i - gap
        length = e_i - s_i
        room = (1 << 62 if day_max is None else day_max) - length
        additions: list[tuple[GroupKey, Partial]] = []
        for (_, counts), front in [((0, zero), [(free, nothing)]), *fronts.items()]:
            if front[0][0] > free:
                continue
            chosen = front[0][1]
            for last_end, value in front:
                if last_end > free:
                    break
                chosen = value
            pc, pn, pm, where_from = chosen
            if pm > room:
                continue
            if c_i >= 0:
                where = (counts, c_i)
                if where in step:
                    got = step[where]
                else:
                    got = step[where] = bump(counts, c_i)
                if got is None:
                    continue
                counts = got
            m = pm + length
            additions.append(
                ((m if m < state_cap else state_cap, counts), (pc + cost_i, pn + 1, m, (*where_from, pos)))
            )
        for group, value in additions:
            present = fronts.get(group)
            if present is None:
                fronts[group] = [(e_i, value)]
                continue
            if any(last_end <= e_i and old <= value for last_end, old in present):
                continue
            kept = [(last_end, old) for last_end, old in present if not (last_end >= e_i and old >= value)]
            kept.append((e_i, value))
            kept.sort()
            fronts[group] = kept
    winners: dict[tuple[int, tuple[int, ...]], tuple[Partial, tuple[int, ...]]] = {}
    for (_, counts), front in fronts.items():
        value = front[-1][1]  # the best value of the front
        if value[2] < day_min:
            continue
        sig = (min(value[2], minute_cap), counts)
        old_w = winners.get(sig)
        if old_w is None or value < old_w[0]:
            winners[sig] = (value, counts)
    ident = [(start[i], end[i], offerings[i].id) for i in items]
    out: list[Pattern] = []
    for (pc, _, pm, positions), counts in sorted(winners.values()):
        out.append((pm, counts, pc, tuple([ident[q] for q in positions]), tuple([items[q] for q in positions])))
    return out


@functools.lru_cache(maxsize=64)
def _dominance_fields(
    comp_min: tuple[int, ...], comp_max: tuple[int | None, ...], minute_cap: int
) -> tuple[tuple[int, ...], tuple[tuple[int, int, int], ...], int]:
    """How :func:`_undominated` packs a pattern: the exactly-bounded components, then per
    packed component (index, maximum or -1 when counted up, bit shift), and the guard bits."""
    exact = tuple(c for c, top in enumerate(comp_max) if top is not None and comp_min[c] > 0)
    free = [c for c, top in enumerate(comp_max) if top is None]
    at_most = [(c, top) for c, top in enumerate(comp_max) if top is not None and comp_min[c] == 0]
    # Counts of components without a maximum are capped at their minimum.
    width = max([minute_cap, *(comp_min[c] for c in free), *(t for _, t in at_most)]).bit_length() + 1
    fields = [(c, -1) for c in free] + at_most
    shifts = tuple((c, top, (j + 1) * width) for j, (c, top) in enumerate(fields))
    guards = sum(1 << (j * width + width - 1) for j in range(1 + len(fields)))
    return exact, shifts, guards


def _undominated(
    patterns: list[Pattern], comp_min: tuple[int, ...], comp_max: tuple[int | None, ...], minute_cap: int
) -> list[Pattern]:
    """Drop patterns another one beats on every count (k = 1, without a weekly hours maximum).

    *patterns* must be ranked by (cost, sessions, minutes, key).

    Pattern A beats B when A ranks before B by (cost, sessions, minutes, key) while giving
    at least as many (capped) minutes, at least as many (capped) sessions of every
    component without a maximum, at most as many of every component with a maximum and
    no minimum, and exactly as many of every other component with a maximum. Swapping B
    for A in any week keeps it feasible and makes it rank strictly earlier (the days
    before are equal and this day's part of the tie-break key is no larger), so B is in
    no best week.

    The "at least as many" tests run on packed integers: each quantity gets a field with
    a guard bit, and A is at least B in every field exactly when ``((A | G) - B) & G == G``.
    """
    if len(patterns) < 2:
        return patterns
    exact, shifts, guards = _dominance_fields(comp_min, comp_max, minute_cap)
    # Only patterns with equal counts of the exactly-bounded components can beat each other.
    groups: dict[tuple[int, ...], list[int]] = {}
    kept: list[Pattern] = []
    for b in patterns:
        counts = b[1]
        packed = min(b[0], minute_cap)
        for c, top, shift in shifts:
            packed |= (counts[c] if top < 0 else top - counts[c]) << shift
        rivals = groups.setdefault(tuple(counts[c] for c in exact), [])
        for a in rivals:
            if ((a | guards) - packed) & guards == guards:
                break
        else:
            kept.append(b)
            rivals.append(packed)
    return kept
