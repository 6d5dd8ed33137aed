"""The exact weekly solver: per-day patterns, dominance, then a dynamic programme across days.

Internals are shaped for reuse (e.g. cohort scheduling): :func:`candidates` precomputes
a problem's usable offerings once, :func:`limits` turns rules (optionally with groups
relaxed) into integer limits, and :func:`search` finds the *k* best schedules for any
additive objective (per-candidate costs and a per-day cost, negative values allowed),
optionally excluding candidates.
"""

from __future__ import annotations

import functools
import heapq
import itertools
from bisect import bisect_left
from collections.abc import Callable, Collection, Sequence
from typing import final

import attrs

from iopcore.schedule._model import Offering, WeekProblem, WeekSchedule

__all__ = [
    "GROUP_AVAILABILITY",
    "Candidates",
    "Limits",
    "active_groups",
    "alternatives",
    "candidates",
    "limits",
    "search",
    "solve",
]

GROUP_AVAILABILITY = "availability"
_NEVER = 1 << 62  # a bound meaning "this state cannot reach a feasible week"

# A solution inside the search: ((cost, sessions, minutes), tie-break key, chosen candidate indices).
Key = tuple[tuple[tuple[int, int, str], ...], ...]
Rank = tuple[int, int, int]
Solution = tuple[Rank, Key, tuple[int, ...]]
State = tuple[int, int, tuple[int, ...]]


@final
@attrs.frozen
class Candidates:
    """The offerings a problem may use, precomputed as integer arrays (internal)."""

    offerings: tuple[Offering, ...]
    """Usable offerings (a seat left; inside availability unless relaxed), in input order."""
    start: tuple[int, ...]
    end: tuple[int, ...]
    by_day: tuple[tuple[int, ...], ...]
    """Per weekday (index 0 = Monday) the candidate indices sorted by (start, end, id)."""
    component: tuple[int, ...]
    """Index of each candidate's component in ``bounded`` or -1."""
    bounded: tuple[str, ...]
    """Component ids with bounds, sorted."""
    cost: tuple[int, ...]
    """Each candidate's cost in the problem."""


def candidates(problem: WeekProblem, *, relax_availability: bool = False) -> Candidates:
    """Precompute the usable offerings of *problem*."""
    windows: dict[int, list[tuple[int, int]]] = {}
    for w in problem.availability.windows:
        windows.setdefault(w.weekday.value, []).append((w.start.minute_of_day, w.end.minute_of_day))

    rows = []
    for o in problem.offerings:
        if o.seats <= 0:
            continue
        s, e, day = o.start.minute_of_day, o.end.minute_of_day, o.weekday.value
        if relax_availability or any(a <= s and e <= b for a, b in windows.get(day, ())):
            rows.append((day, s, e, o.id, o))
    usable = tuple(row[4] for row in rows)
    bounded = tuple(sorted(problem.rules.components))
    position = {c: i for i, c in enumerate(bounded)}
    by_day: list[list[int]] = [[] for _ in range(7)]
    for i in sorted(range(len(rows)), key=rows.__getitem__):  # ids are unique: offerings are never compared
        by_day[rows[i][0] - 1].append(i)
    return Candidates(
        offerings=usable,
        start=tuple(row[1] for row in rows),
        end=tuple(row[2] for row in rows),
        by_day=tuple(tuple(d) for d in by_day),
        component=tuple(position.get(o.component, -1) for o in usable),
        bounded=bounded,
        cost=tuple(problem.cost_of(o) for o in usable),
    )


@final
@attrs.frozen
class Limits:
    """The rules as integer limits in minutes (internal); ``None`` means unbounded."""

    minutes_min: int
    minutes_max: int | None
    days_min: int
    days_max: int
    day_min: int | None
    day_max: int | None
    gap: int
    comp_min: tuple[int, ...]
    comp_max: tuple[int | None, ...]


def limits(problem: WeekProblem, relaxed: Collection[str] = ()) -> Limits:
    """The problem's rules with the constraint groups in *relaxed* removed."""
    r = problem.rules
    bounded = sorted(r.components)
    return Limits(
        minutes_min=0 if "hours_min" in relaxed else r.minutes_min,
        minutes_max=None if "hours_max" in relaxed else r.minutes_max,
        days_min=0 if "days_min" in relaxed else r.days_min,
        days_max=7 if "days_max" in relaxed else r.days_max,
        day_min=None if "min_hours_per_day" in relaxed else r.day_minutes_min,
        day_max=None if "max_hours_per_day" in relaxed else r.day_minutes_max,
        gap=0 if "min_gap" in relaxed else r.min_gap_minutes,
        comp_min=tuple(0 if f"component:{c}:min" in relaxed else r.components[c].min for c in bounded),
        comp_max=tuple(None if f"component:{c}:max" in relaxed else r.components[c].max for c in bounded),
    )


def active_groups(problem: WeekProblem) -> tuple[str, ...]:
    """The constraint groups that actually restrict *problem*, in vocabulary order."""
    r = problem.rules
    groups: list[str] = []
    if r.minutes_min > 0:
        groups.append("hours_min")
    if r.minutes_max is not None:
        groups.append("hours_max")
    if r.days_min > 0:
        groups.append("days_min")
    if r.days_max < 7:
        groups.append("days_max")
    if r.day_minutes_max is not None:
        groups.append("max_hours_per_day")
    if r.day_minutes_min:
        groups.append("min_hours_per_day")
    if r.min_gap_minutes > 0:
        groups.append("min_gap")
    for c in sorted(r.components):
        if r.components[c].min > 0:
            groups.append(f"component:{c}:min")
        if r.components[c].max is not None:
            groups.append(f"component:{c}:max")
    if any(o.seats > 0 and not problem.availability.contains(o.interval) for o in problem.offerings):
        groups.append(GROUP_AVAILABILITY)
    return tuple(groups)


DayKey = tuple[tuple[int, int, str], ...]

# A day pattern: (minutes, component counts, cost, day key, chosen indices).
Pattern = tuple[int, tuple[int, ...], int, tuple[tuple[int, int, str], ...], tuple[int, ...]]
DayCache = dict[tuple[int, "Limits", int, tuple[int, ...], frozenset[int]], list[Pattern]]
"""Day patterns by (day, limits, k, the day's candidate costs, the day's excluded candidates)."""


def _day_patterns(
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


def search(
    cands: Candidates,
    lim: Limits,
    *,
    cost: Sequence[int] | None = None,
    day_cost: int = 0,
    k: int = 1,
    excluded: Collection[int] = (),
    day_cache: DayCache | None = None,
    limit: int | None = None,
) -> list[Solution]:
    """The *k* best feasible choices by (cost, sessions, minutes, tie-break key), best first.

    *cost* gives each candidate's cost (default: the problem's costs); *excluded*
    candidates are never chosen. The tie-break key compares the days Monday first,
    each day as its sorted list of (start, end, id) of chosen sessions.

    *day_cache*, a dict the caller keeps for one *cands*, reuses each day's patterns
    across searches that differ only on other days (their exclusions or costs).

    *limit*: only choices costing less are wanted (a caller that already holds a choice
    at *limit* learns whether a cheaper one exists); the search stops as soon as none can.
    """
    costs = cands.cost if cost is None else cost
    top = lim.minutes_max
    below = _NEVER if limit is None else min(limit, _NEVER)  # never above "unreachable"
    if _hopeless(cands, lim, excluded):
        return []
    if top is not None:
        # Solve without the weekly maximum first (far fewer states): if its answers respect
        # the maximum they are the answers, since the feasible sets only shrink with it.
        loose = _search(cands, attrs.evolve(lim, minutes_max=None), costs, day_cost, k, excluded, day_cache, below)
        if all(sol[0][2] <= top for sol in loose):
            return loose
    return _search(cands, lim, costs, day_cost, k, excluded, day_cache, below)


def _hopeless(cands: Candidates, lim: Limits, excluded: Collection[int]) -> bool:
    """Whether simple upper bounds already prove that no week exists (before any search).

    Per day: the most minutes of sessions that fit together (no overlap, the gap kept,
    each no longer than the day's maximum; capped at that maximum) and the most sessions
    of each bounded component that fit together (capped at its maximum). A day whose most
    minutes fall short of the per-day minimum cannot be used. No week exists when fewer
    days can be used than required, or when the largest days that may be used
    (``days_max`` of them) cannot reach the weekly minimum of minutes or of a component.
    Every quantity is an upper bound, so ``True`` is a proof; ``False`` proves nothing.
    """
    if lim.minutes_max is not None and lim.minutes_max < lim.minutes_min:
        return True
    start, end, comp = cands.start, cands.end, cands.component
    gap, day_max, day_min = lim.gap, lim.day_max, lim.day_min or 0
    nb = len(lim.comp_min)
    wanted = [c for c in range(nb) if lim.comp_min[c] > 0]
    day_minutes: list[int] = []
    day_counts: list[list[int]] = [[] for _ in range(nb)]
    for d in range(7):
        items = [i for i in cands.by_day[d] if i not in excluded and (day_max is None or end[i] - start[i] <= day_max)]
        if not items:
            continue
        items.sort(key=lambda i: end[i])
        # Weighted interval scheduling: best[j] = most minutes using items[:j].
        best = [0] * (len(items) + 1)
        for j, i in enumerate(items):
            take = end[i] - start[i]
            for q in range(j - 1, -1, -1):
                if end[items[q]] + gap <= start[i]:
                    take += best[q + 1]
                    break
            best[j + 1] = max(best[j], take)
        most = best[-1] if day_max is None else min(best[-1], day_max)
        if most < day_min:
            continue
        day_minutes.append(most)
        for c in wanted:
            count, last = 0, -(1 << 30)
            for i in items:
                if comp[i] == c and start[i] >= last + gap:
                    count, last = count + 1, end[i]
            top = lim.comp_max[c]
            day_counts[c].append(count if top is None else min(count, top))
    if len(day_minutes) < lim.days_min:
        return True
    usable = min(lim.days_max, len(day_minutes))
    if sum(sorted(day_minutes, reverse=True)[:usable]) < lim.minutes_min:
        return True
    return any(sum(sorted(day_counts[c], reverse=True)[:usable]) < lim.comp_min[c] for c in wanted)


@final
@attrs.frozen
class _Prepared:
    """Day patterns and admissible suffix bounds for one search (internal)."""

    lim: Limits
    days: list[list[Pattern]]
    suf_minutes: list[int]
    suf_days: list[int]
    suf_counts: list[list[int]]
    caps: tuple[int, ...]
    minute_cap: int
    days_cap: int
    length: tuple[int, ...]
    comp: tuple[int, ...]
    usable: list[list[int]]
    """Per day the candidates not excluded."""
    top_minutes: list[int]
    top_counts: list[list[int]]
    cheapest: list[int]


def _prepare(
    cands: Candidates,
    lim: Limits,
    costs: Sequence[int],
    k: int,
    excluded: Collection[int],
    day_cache: DayCache | None = None,
) -> _Prepared:
    nb = len(cands.bounded)
    # Counts above a cap never matter: cap at max (larger is pruned) or at min (no max).
    caps = tuple(_cap(lim.comp_min[c], lim.comp_max[c]) for c in range(nb))
    if day_cache is None:
        days = [
            _day_patterns(cands, cands.by_day[d], lim, costs, k, caps, excluded) if cands.by_day[d] else []
            for d in range(7)
        ]
    else:
        days = []
        for d in range(7):
            day = cands.by_day[d]
            # A day's patterns depend only on its own candidates' costs and exclusions.
            key = (d, lim, k, tuple(costs[i] for i in day), frozenset(i for i in day if i in excluded))
            pats = day_cache.get(key)
            if pats is None:
                pats = _day_patterns(cands, day, lim, costs, k, caps, excluded) if day else []
                day_cache[key] = pats
            days.append(pats)
    # Per day the largest minutes and counts of its patterns, and its cheapest pattern.
    top_minutes = [max((p[0] for p in pats), default=0) for pats in days]
    top_counts = [
        [max(column) for column in zip(*[p[1] for p in pats], strict=True)] if pats else [0] * nb for pats in days
    ]
    cheapest = [min((p[2] for p in pats), default=0) for pats in days]
    # Suffix upper bounds for admissible pruning.
    suf_minutes = [0] * 8
    suf_days = [0] * 8
    suf_counts = [[0] * nb for _ in range(8)]
    for d in range(6, -1, -1):
        suf_minutes[d] = suf_minutes[d + 1] + top_minutes[d]
        suf_days[d] = suf_days[d + 1] + (1 if days[d] else 0)
        for c in range(nb):
            suf_counts[d][c] = suf_counts[d + 1][c] + top_counts[d][c]
    return _Prepared(
        lim=lim,
        days=days,
        suf_minutes=suf_minutes,
        suf_days=suf_days,
        suf_counts=suf_counts,
        caps=caps,
        minute_cap=lim.minutes_max if lim.minutes_max is not None else lim.minutes_min,
        days_cap=lim.days_max if lim.days_max < 7 else lim.days_min,
        length=tuple(e - b for b, e in zip(cands.start, cands.end, strict=True)),
        comp=cands.component,
        usable=[[i for i in cands.by_day[d] if i not in excluded] for d in range(7)],
        top_minutes=top_minutes,
        top_counts=top_counts,
        cheapest=cheapest,
    )


def _moves(prep: _Prepared, d: int, state: State) -> list[tuple[State, Pattern | None]]:
    """The states reachable from *state* on day *d* (skipping it or using one pattern) that can still succeed."""
    lim = prep.lim
    nd, mins, counts = state
    nb = len(counts)
    rest_minutes = prep.suf_minutes[d + 1]
    rest_days = prep.suf_days[d + 1]
    rest_counts = prep.suf_counts[d + 1]
    comp_min, comp_max, caps = lim.comp_min, lim.comp_max, prep.caps
    minutes_min, minutes_max, days_min = lim.minutes_min, lim.minutes_max, lim.days_min
    out: list[tuple[State, Pattern | None]] = []
    if (
        nd + rest_days >= days_min
        and mins + rest_minutes >= minutes_min
        and all(counts[c] + rest_counts[c] >= comp_min[c] for c in range(nb))
    ):
        out.append((state, None))
    if nd + 1 > lim.days_max:
        return out
    # A state that passed the pruning can always reach days_min by using this day.
    new_nd = min(nd + 1, prep.days_cap) if lim.days_max == 7 else nd + 1
    minute_cap = prep.minute_cap
    for pat in prep.days[d]:
        m = mins + pat[0]
        if minutes_max is not None and m > minutes_max:
            continue
        if m + rest_minutes < minutes_min:
            continue
        m = min(m, minute_cap)
        ok = True
        new_counts = list(counts)
        p_counts = pat[1]
        for c in range(nb):
            v = counts[c] + p_counts[c]
            top = comp_max[c]
            if top is not None and v > top:
                ok = False
                break
            if v + rest_counts[c] < comp_min[c]:
                ok = False
                break
            new_counts[c] = v if v < caps[c] else caps[c]
        if ok:
            out.append(((new_nd, m, tuple(new_counts)), pat))
    return out


def _search(
    cands: Candidates,
    lim: Limits,
    costs: Sequence[int],
    day_cost: int,
    k: int,
    excluded: Collection[int],
    day_cache: DayCache | None = None,
    limit: int = _NEVER,
) -> list[Solution]:
    prep = _prepare(cands, lim, costs, k, excluded, day_cache)
    start: State = (0, 0, (0,) * len(cands.bounded))
    if day_cost >= 0 and all(c >= 0 for c in costs):
        nb = len(cands.bounded)
        # Prefix sums of each component's session costs from day d on, cheapest first.
        session_costs: list[list[list[int]]] = [[[0] for _ in range(nb)] for _ in range(8)]
        pool: list[list[int]] = [[] for _ in range(nb)]
        for d in range(6, -1, -1):
            for i in prep.usable[d]:
                c = cands.component[i]
                if c >= 0:
                    pool[c].append(costs[i])
            for c in range(nb):
                if pool[c]:
                    session_costs[d][c] = [0, *itertools.accumulate(sorted(pool[c]))]
        return _best_first(prep, start, day_cost, session_costs, k, limit)
    states: dict[State, list[Solution]] = {start: [((0, 0, 0), (), ())]}
    for d in range(7):
        nxt: dict[State, list[Solution]] = {}
        for state, sols in states.items():
            for new_state, pat in _moves(prep, d, state):
                if pat is None:
                    _push(nxt, new_state, [(r, (*key, ()), ch) for r, key, ch in sols], k)
                else:
                    add_cost, add_n, add_m = pat[2] + day_cost, len(pat[4]), pat[0]
                    _push(
                        nxt,
                        new_state,
                        [
                            ((c + add_cost, n + add_n, t + add_m), (*key, pat[3]), ch + pat[4])
                            for (c, n, t), key, ch in sols
                        ],
                        k,
                    )
        states = nxt
    # After the last day the pruning above has left only states meeting every minimum.
    finals = [sol for sols in states.values() for sol in sols if sol[0][0] < limit]
    finals.sort(key=lambda s: (s[0], s[1]))
    return finals[:k]


def _bounds(prep: _Prepared, day_cost: int, session_costs: list[list[list[int]]]) -> Callable[[int, State], int]:
    """A consistent lower bound on the cost still to pay from day *d* in a state.

    The days still needed are at least the most of: days still required, the fewest
    remaining days whose largest patterns reach the minutes still required, and the
    same for each component minimum. Each of those days costs at least the day cost
    plus its cheapest pattern, which gives one bound. Another is the day cost of those
    days plus, for each component minimum, the cheapest sessions still needed
    (``session_costs[d][c]``: prefix sums of component *c*'s session costs from day *d*).
    Both are exact costs of relaxations, hence consistent, and so is their maximum.
    """
    lim = prep.lim
    nb = len(prep.caps)
    wanted = [c for c in range(nb) if lim.comp_min[c] > 0]
    accumulate = itertools.accumulate
    top_minutes: list[list[int]] = [[0]] * 8
    top_counts: list[list[list[int]]] = [[[0]] * nb] * 8
    cheapest: list[list[int]] = [[0]] * 8
    for d in range(6, -1, -1):
        if not prep.days[d]:  # the same days are left as from the next day on
            top_minutes[d], top_counts[d], cheapest[d] = top_minutes[d + 1], top_counts[d + 1], cheapest[d + 1]
            continue
        used = [e for e in range(d, 7) if prep.days[e]]
        top_minutes[d] = [0, *accumulate(sorted([prep.top_minutes[e] for e in used], reverse=True))]
        per_comp: list[list[int]] = [[0]] * nb  # only components with a minimum are looked at
        for c in wanted:
            per_comp[c] = [0, *accumulate(sorted([prep.top_counts[e][c] for e in used], reverse=True))]
        top_counts[d] = per_comp
        cheapest[d] = [0, *accumulate(sorted([day_cost + prep.cheapest[e] for e in used]))]

    days_min, days_max, minutes_min, comp_min = lim.days_min, lim.days_max, lim.minutes_min, lim.comp_min

    def bound(d: int, state: State) -> int:
        nd, mins, counts = state
        need = days_min - nd
        if mins < minutes_min:
            prefix = top_minutes[d]
            j = bisect_left(prefix, minutes_min - mins)
            if j == len(prefix):
                return _NEVER
            if j > need:
                need = j
        sessions = 0
        for c in wanted:
            short = comp_min[c] - counts[c]
            if short > 0:
                prefix = top_counts[d][c]
                j = bisect_left(prefix, short)
                if j == len(prefix):
                    return _NEVER
                if j > need:
                    need = j
                prefix = session_costs[d][c]  # long enough: the count bound above returned otherwise
                sessions += prefix[short] if short < len(prefix) else prefix[-1]
        if need < 0:
            need = 0
        if need > days_max - nd or need >= len(cheapest[d]):
            return _NEVER
        low = cheapest[d][need]
        other = day_cost * need + sessions
        return low if low > other else other

    return bound


def _sessions_bound(
    prep: _Prepared, comp_min: tuple[int, ...]
) -> Callable[[int, tuple[int, ...], int, int], tuple[int, int]]:
    """Lower bounds on the sessions, then the minutes, that days *d*.. must still add.

    The relaxation: any number of sessions of the lengths offered on days *d*.. (of
    component *c* for the component minimum still short), ignoring days, overlaps and
    per-day rules. Its fewest sessions ``s`` (at least one per day still required) and,
    among its choices of exactly ``s`` sessions, the fewest minutes reaching the minutes
    still required, are computed exactly (the sums reachable are a bit set). Both are
    exact optima of a relaxation that only shrinks along a path, so the pair ranked
    lexicographically after the cost bound keeps the search's order consistent: a week
    with the bound's cost and sessions has at least these minutes.
    """
    nb = len(comp_min)
    lengths: list[tuple[int, ...]] = [()] * 8
    comp_lengths: list[list[tuple[int, ...]]] = [[()] * nb for _ in range(8)]
    longest: list[list[int]] = [[0] * nb for _ in range(8)]
    seen: set[int] = set()
    per_comp: list[set[int]] = [set() for _ in range(nb)]
    length, comp = prep.length, prep.comp
    for d in range(6, -1, -1):
        for i in prep.usable[d]:
            seen.add(length[i])
            if comp[i] >= 0:
                per_comp[comp[i]].add(length[i])
        lengths[d] = tuple(seen)
        comp_lengths[d] = [tuple(x) for x in per_comp]
        longest[d] = [max(x, default=0) for x in per_comp]
    overall = [max(x, default=0) for x in lengths]
    sums: dict[tuple[int, tuple[int, ...], int], int] = {}

    def reachable(d: int, short: tuple[int, ...], extra: int) -> int:
        """The bit set of minute totals of the relaxation's choices with *extra* free sessions."""
        key = (d, short, extra)
        got = sums.get(key)
        if got is None:
            if extra:
                prev = reachable(d, short, extra - 1)
                got = 0
                for x in lengths[d]:
                    got |= prev << x
            elif any(short):
                c = next(c for c in range(nb - 1, -1, -1) if short[c])
                less = list(short)
                less[c] -= 1
                prev = reachable(d, tuple(less), 0)
                got = 0
                for x in comp_lengths[d][c]:
                    got |= prev << x
            else:
                got = 1
            sums[key] = got
        return got

    def sessions_bound(d: int, short: tuple[int, ...], rest: int, days_short: int) -> tuple[int, int]:
        mandatory = sum(short)
        top = longest[d]
        reach = sum(short[c] * top[c] for c in range(nb) if short[c])
        extra = 0
        if rest > reach:
            extra = -(-(rest - reach) // overall[d])
        if mandatory + extra < days_short:
            extra = days_short - mandatory
        bits = reachable(d, short, extra) >> rest
        return mandatory + extra, rest + (bits & -bits).bit_length() - 1

    return sessions_bound


def _best_first(
    prep: _Prepared, start: State, day_cost: int, session_costs: list[list[list[int]]], k: int, limit: int = _NEVER
) -> list[Solution]:
    """Label-setting search; the first *k* complete weeks taken from the heap are the *k* best
    (of those costing less than *limit*: an entry whose priority's cost part reaches *limit* is
    never pushed, since priorities never fall along a path).

    Each state is expanded at most *k* times (its *k* best partial weeks).

    Valid when costs are non-negative. The priority is (cost + cost bound, sessions +
    sessions bound, minutes + minutes still required, key): each part is a consistent
    lower bound of the final value, so priorities never decrease along a path, and they
    equal the final (cost, sessions, minutes, key) at a complete week. Two paths to one
    state have the same minutes below the weekly minimum (the state holds them exactly
    there), so they compare exactly as their completed weeks would.
    """
    bound = _bounds(prep, day_cost, session_costs)
    lim = prep.lim
    comp_min, comp_max, caps = lim.comp_min, lim.comp_max, prep.caps
    minutes_min = lim.minutes_min
    nb = len(comp_min)
    sessions_bound = _sessions_bound(prep, comp_min)
    days_min, days_max = lim.days_min, lim.days_max
    top = lim.minutes_max if lim.minutes_max is not None else 1 << 62
    minute_cap = prep.minute_cap
    # Component counts are interned: a state is (days used, minutes, count-vector id).
    vector_id: dict[tuple[int, ...], int] = {}
    vectors: list[tuple[int, ...]] = []

    def intern(counts: tuple[int, ...]) -> int:
        got = vector_id.get(counts)
        if got is None:
            got = vector_id[counts] = len(vectors)
            vectors.append(counts)
        return got

    # Per day its patterns grouped by count vector: (vector id, [(minutes, cost with the day's,
    # sessions, key, chosen)]), so that a vector's checks are made once per group.
    days: list[list[tuple[int, list[tuple[int, int, int, DayKey, tuple[int, ...]]]]]] = []
    for pats in prep.days:
        grouped: dict[int, list[tuple[int, int, int, DayKey, tuple[int, ...]]]] = {}
        for p in pats:
            grouped.setdefault(intern(p[1]), []).append((p[0], p[2] + day_cost, len(p[4]), p[3], p[4]))
        days.append(list(grouped.items()))
    added: dict[tuple[int, int], int] = {}

    def add(v: int, w: int) -> int:
        """The id of count vector *v* plus pattern counts *w* (capped), or -1 past a maximum."""
        x, y = vectors[v], vectors[w]
        out = []
        for c in range(nb):
            value = x[c] + y[c]
            limit = comp_max[c]
            if limit is not None and value > limit:
                return -1
            out.append(value if value < caps[c] else caps[c])
        return intern(tuple(out))

    reachable: dict[tuple[int, int], bool] = {}

    def can_reach(d: int, v: int) -> bool:
        """Whether the days after *d* can still lift count vector *v* to every component minimum."""
        counts, rest = vectors[v], prep.suf_counts[d + 1]
        return all(counts[c] + rest[c] >= comp_min[c] for c in range(nb))

    costs: dict[tuple[int, int, int, int], int] = {}

    def cost_bound(d: int, nd: int, mins: int, v: int) -> int:
        """The cost bound alone, memoised."""
        where = (d, nd, mins, v)
        got = costs.get(where)
        if got is None:
            got = costs[where] = bound(d, (nd, mins, vectors[v]))
        return got

    ties: dict[tuple[int, int, int, int], tuple[int, int]] = {}

    def tie_bounds(d: int, nd: int, mins: int, v: int) -> tuple[int, int]:
        """(sessions still needed, minutes still needed) by the relaxation, memoised."""
        where = (d, nd, mins, v)
        got = ties.get(where)
        if got is None:
            counts = vectors[v]
            short = tuple(comp_min[c] - counts[c] if counts[c] < comp_min[c] else 0 for c in range(nb))
            rest = minutes_min - mins
            got = ties[where] = sessions_bound(d, short, rest if rest > 0 else 0, days_min - nd)
        return got

    start_v = intern(start[2])
    first = cost_bound(0, start[0], start[1], start_v)
    if first >= limit:
        return []
    # Entry: (priority: cost, sessions, minutes, key; day, days used, minutes, vector; chosen, cost, sessions,
    # minutes; whether the sessions and minutes parts of the priority are the relaxation's).
    # Children are pushed with plain lower bounds for those parts (days and minutes still
    # required) and get the relaxation's only when taken from the heap: most never are.
    Entry = tuple[int, int, int, Key, int, int, int, int, tuple[int, ...], int, int, int, bool]
    heap: list[Entry] = [(first, 0, 0, (), 0, start[0], start[1], start_v, (), 0, 0, 0, False)]
    pops: dict[tuple[int, int, int, int], int] = {}
    found: list[Solution] = []
    push, pop = heapq.heappush, heapq.heappop
    while heap:
        entry = pop(heap)
        f_cost, f_n, f_m, key, d, nd, mins, v, chosen, cost, n, t, exact = entry
        where = (d, nd, mins, v)
        seen = pops.get(where, 0)
        if seen >= k:
            continue
        if not exact:
            need, rest = tie_bounds(d, nd, mins, v)
            if (n + need, t + rest) > (f_n, f_m):
                push(heap, (f_cost, n + need, t + rest, key, d, nd, mins, v, chosen, cost, n, t, True))
                continue
        pops[where] = seen + 1
        if d == 7:
            found.append(((cost, n, t), key, chosen))
            if len(found) == k:
                break
            continue
        d1 = d + 1
        rest_minutes = prep.suf_minutes[d1]
        lowest = minutes_min - rest_minutes  # the fewest minutes that can still reach the minimum
        # Skip the day.
        if nd + prep.suf_days[d1] >= days_min and mins >= lowest:
            ok = reachable.get((d, v))
            if ok is None:
                ok = reachable[(d, v)] = can_reach(d, v)
            if ok and pops.get((d1, nd, mins, v), 0) < k:
                h = cost_bound(d1, nd, mins, v)
                if cost + h < limit:  # (limit ≤ _NEVER: also drops unreachable states)
                    short_days = days_min - nd if days_min > nd else 0
                    short_minutes = minutes_min - mins if minutes_min > mins else 0
                    skipped = (*key, ())
                    entry = (
                        cost + h,
                        n + short_days,
                        t + short_minutes,
                        skipped,
                        d1,
                        nd,
                        mins,
                        v,
                        chosen,
                        cost,
                        n,
                        t,
                        False,
                    )
                    push(heap, entry)
        if nd + 1 > days_max:
            continue
        # A state that passed the pruning can always reach days_min by using this day.
        nd1 = nd + 1 if days_max < 7 or nd + 1 < prep.days_cap else prep.days_cap
        short_days = days_min - nd1 if days_min > nd1 else 0
        for w, group in days[d]:
            pair = (v, w)
            v1 = added.get(pair)
            if v1 is None:
                v1 = added[pair] = add(v, w)
            if v1 < 0:
                continue
            ok = reachable.get((d, v1))
            if ok is None:
                ok = reachable[(d, v1)] = can_reach(d, v1)
            if not ok:
                continue
            for p_minutes, p_cost, p_n, p_key, p_chosen in group:
                m = mins + p_minutes
                if m > top or m < lowest:
                    continue
                if m > minute_cap:
                    m = minute_cap
                if pops.get((d1, nd1, m, v1), 0) >= k:
                    continue
                h = cost_bound(d1, nd1, m, v1)
                c, n1, t1 = cost + p_cost, n + p_n, t + p_minutes
                if c + h >= limit:  # (limit ≤ _NEVER: also drops unreachable states)
                    continue
                short_minutes = minutes_min - m if minutes_min > m else 0
                longer, both = (*key, p_key), chosen + p_chosen
                entry = (c + h, n1 + short_days, t1 + short_minutes, longer, d1, nd1, m, v1, both, c, n1, t1, False)
                push(heap, entry)
    return found


def _cap(low: int, high: int | None) -> int:
    return low if high is None else high


def _push(nxt: dict[State, list[Solution]], state: State, sols: list[Solution], k: int) -> None:
    bucket = nxt.get(state)
    if bucket is None:
        nxt[state] = sols[:k] if len(sols) > k else sols
    else:
        merged = sorted(bucket + sols, key=lambda s: (s[0], s[1]))
        del merged[k:]
        nxt[state] = merged


def exists(cands: Candidates, lim: Limits) -> bool:
    """Whether any choice of *cands* meets *lim* (no optimisation, no tie-break).

    After the quick proof of infeasibility, a depth-first search over the day states
    (the same patterns and pruning as :func:`search`) stops at the first complete week;
    states from which no week can be completed are remembered, so each is explored once.
    """
    if _hopeless(cands, lim, ()):
        return False
    prep = _prepare(cands, lim, [0] * len(cands.offerings), 1, ())
    dead: set[tuple[int, State]] = set()

    def completes(d: int, state: State) -> bool:
        if d == 7:
            return True
        if (d, state) in dead:
            return False
        for new_state, _ in _moves(prep, d, state):
            if completes(d + 1, new_state):
                return True
        dead.add((d, state))
        return False

    return completes(0, (0, 0, (0,) * len(cands.bounded)))


def feasible(problem: WeekProblem, relaxed: Collection[str] = ()) -> bool:
    """Whether *problem* has a schedule once the groups in *relaxed* are removed."""
    cands = candidates(problem, relax_availability=GROUP_AVAILABILITY in relaxed)
    return exists(cands, limits(problem, relaxed))


def _schedule(cands: Candidates, sol: Solution) -> WeekSchedule:
    return WeekSchedule(sessions=tuple(cands.offerings[i] for i in sol[2]), cost=sol[0][0])


def solve(problem: WeekProblem) -> WeekSchedule:
    """A feasible schedule of minimum cost, proven optimal.

    Ties between schedules of equal cost are broken deterministically, in order:
    fewer sessions; fewer minutes in total; then compare the days Monday first,
    each day as the list of its chosen sessions' ``(start, end, id)`` sorted
    ascending (a day without sessions comes first, and a list that is a prefix of
    another comes first). The smallest wins. The answer does not depend on the
    order of the offerings.

    Raises :class:`~iopcore.errors.InfeasibleScheduleError` when no feasible set exists.
    Its ``conflict``, ``reasons`` and ``explanation`` are computed on first access (and
    cached), so detecting infeasibility stays fast.
    """
    if not isinstance(problem, WeekProblem):
        from iopcore import _fields as f

        raise f.fail("$.problem", "expected a WeekProblem", "type")
    cands = candidates(problem)
    found = search(cands, limits(problem), day_cost=problem.day_cost)
    if not found:
        from iopcore.schedule._explain import infeasible_error

        raise infeasible_error(problem)
    return _schedule(cands, found[0])


def alternatives(problem: WeekProblem, k: int) -> tuple[WeekSchedule, ...]:
    """The *k* cheapest distinct feasible schedules, cheapest first (fewer when fewer exist).

    Order is (cost, the tie-break key of :func:`solve`); the first one is
    :func:`solve`'s answer. An infeasible problem gives an empty tuple.
    """
    from iopcore import _fields as f

    if not isinstance(problem, WeekProblem):
        raise f.fail("$.problem", "expected a WeekProblem", "type")
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise f.fail("$.k", "expected an integer >= 1", "range")
    cands = candidates(problem)
    return tuple(_schedule(cands, s) for s in search(cands, limits(problem), day_cost=problem.day_cost, k=k))
