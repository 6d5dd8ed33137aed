"""Bounds for the week search: quick proofs that no week exists, and consistent lower bounds per state.

:func:`prepare_search` builds a search's day patterns and the suffix upper bounds that prune
it; :class:`CostBound` and :func:`sessions_lower_bound` rank the best-first search.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Sequence
from itertools import accumulate
from operator import add, itemgetter
from typing import NamedTuple

from iopcore.schedule._week_solver.candidates import NEVER, Candidates, Limits, State
from iopcore.schedule._week_solver.day_patterns import DayCache, Pattern, day_patterns

__all__ = [
    "CostBound",
    "PreparedSearch",
    "cost_lower_bound",
    "prepare_search",
    "proven_infeasible",
    "sessions_lower_bound",
]

_minutes_of, _counts_of, _cost_of = itemgetter(0), itemgetter(1), itemgetter(2)  # a day pattern's parts


def proven_infeasible(cands: Candidates, lim: Limits, excluded: Collection[int]) -> bool:
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
    if _single_sessions_reach(cands, lim, excluded):
        return False
    start, end, comp = cands.start, cands.end, cands.component
    gap, day_max, day_min = lim.gap, lim.day_max, lim.day_min or 0
    comp_min, comp_max = lim.comp_min, lim.comp_max
    wanted = {c: i for i, c in enumerate([c for c, low in enumerate(comp_min) if low > 0])}
    day_minutes: list[int] = []
    day_counts: list[list[int]] = [[] for _ in wanted]
    by_end = end.__getitem__
    for listed in cands.by_day:
        if not listed:
            continue
        day: Sequence[int] = listed
        if excluded or day_max is not None:
            day = [i for i in day if i not in excluded and (day_max is None or end[i] - start[i] <= day_max)]
            if not day:
                continue
        if len(day) == 1:  # (as below, without the sort and the table)
            i = day[0]
            most = end[i] - start[i]
            if most < day_min:
                continue
            day_minutes.append(most)
            alone = wanted.get(comp[i])
            for c, column in wanted.items():
                cap = comp_max[c]
                one = 1 if column == alone else 0
                day_counts[column].append(one if cap is None or one < cap else cap)
            continue
        items = sorted(day, key=by_end)
        ends = [end[i] for i in items]
        # Weighted interval scheduling: best[j] = most minutes using items[:j]; the greedy by
        # end gives the most sessions of each component that fit together.
        best = [0]
        counts = [0] * len(wanted)
        last = [-(1 << 30)] * len(wanted)
        for j, i in enumerate(items):
            s_i = start[i]
            take = ends[j] - s_i + best[bisect_right(ends, s_i - gap, 0, j)]
            best.append(take if take > best[j] else best[j])
            w = wanted.get(comp[i])
            if w is not None and s_i >= last[w] + gap:
                counts[w] += 1
                last[w] = ends[j]
        most = best[-1] if day_max is None or best[-1] < day_max else day_max
        if most < day_min:
            continue
        day_minutes.append(most)
        for c, w in wanted.items():
            top = comp_max[c]
            day_counts[w].append(counts[w] if top is None or counts[w] < top else top)
    if len(day_minutes) < lim.days_min:
        return True
    usable = min(lim.days_max, len(day_minutes))
    if sum(sorted(day_minutes, reverse=True)[:usable]) < lim.minutes_min:
        return True
    return any(sum(sorted(day_counts[w], reverse=True)[:usable]) < comp_min[c] for c, w in wanted.items())


def _single_sessions_reach(cands: Candidates, lim: Limits, excluded: Collection[int]) -> bool:
    """Whether each day's longest single session already meets what :func:`proven_infeasible`
    tests, so that it cannot prove anything (most feasible problems: no per-day tables built).

    One session alone is a feasible set of its day when it fits the day's bounds: its length
    is at most the day's most minutes, and a component it is of counts at least one there
    (the greedy by end takes a component's first session). The days this calls usable are
    usable there too, so every sum below is at most the one it stands for.
    """
    start, end, comp = cands.start, cands.end, cands.component
    top = lim.day_max if lim.day_max is not None else 1 << 30
    day_min = lim.day_min or 0
    longest: list[int] = []
    kinds: list[set[int]] = []
    for listed in cands.by_day:
        most = 0
        here = set()
        for i in listed:
            length = end[i] - start[i]
            if length <= top and i not in excluded:
                if length > most:
                    most = length
                here.add(comp[i])
        if most and most >= day_min:
            longest.append(most)
            kinds.append(here)
    if len(longest) < lim.days_min:
        return False
    usable = min(lim.days_max, len(longest))
    if sum(sorted(longest, reverse=True)[:usable]) < lim.minutes_min:
        return False
    comp_max = lim.comp_max
    for c, low in enumerate(lim.comp_min):
        if low > 0 and (comp_max[c] == 0 or min(usable, sum([c in here for here in kinds])) < low):
            return False
    return True


class PreparedSearch(NamedTuple):
    """Day patterns and admissible suffix bounds for one search (internal)."""

    lim: Limits
    days: list[list[Pattern]]
    suf_minutes: list[int]
    suf_days: list[int]
    suf_counts: list[list[int]]
    caps: tuple[int, ...]
    minute_cap: int
    days_cap: int
    usable: Sequence[Sequence[int]]
    """Per day the candidates not excluded."""
    top_minutes: list[int]
    top_counts: list[list[int]]
    cheapest: list[int]


def prepare_search(
    cands: Candidates,
    lim: Limits,
    costs: Sequence[int],
    k: int,
    excluded: Collection[int],
    day_cache: DayCache | None = None,
) -> PreparedSearch:
    """The day patterns of one search (from *day_cache* where it has them) and its suffix bounds."""
    # Counts above a cap never matter: cap at max (larger is pruned) or at min (no max).
    caps = tuple([low if high is None else high for low, high in zip(lim.comp_min, lim.comp_max, strict=True)])
    by_day = cands.by_day
    days: list[list[Pattern]] = []
    for d in range(7):
        day = by_day[d]
        if not day:
            days.append([])
        elif day_cache is None:
            days.append(day_patterns(cands, day, lim, costs, k, caps, excluded))
        else:
            # A day's patterns depend only on its own candidates' costs and exclusions.
            key = (d, lim, k, tuple([costs[i] for i in day]), frozenset([i for i in day if i in excluded]))
            pats = day_cache.get(key)
            if pats is None:
                pats = day_cache[key] = day_patterns(cands, day, lim, costs, k, caps, excluded)
            days.append(pats)
    # Per day the largest minutes and counts of its patterns and its cheapest pattern, and
    # their sums over the days from d on (suffix upper bounds for admissible pruning).
    nothing = [0] * len(caps)
    top_minutes = [0] * 7
    top_counts = [nothing] * 7
    cheapest = [0] * 7
    suf_minutes = [0] * 8
    suf_days = [0] * 8
    suf_counts = [nothing] * 8
    minutes = days_used = 0
    counts = nothing
    for d in range(6, -1, -1):
        pats = days[d]
        if pats:
            if len(pats) == 1:
                p = pats[0]
                top_minutes[d], cheapest[d], top = p[0], p[2], list(p[1])
            else:
                top_minutes[d] = max(map(_minutes_of, pats))
                cheapest[d] = min(map(_cost_of, pats))
                top = list(map(max, *map(_counts_of, pats)))  # (per component, the most over the patterns)
            top_counts[d] = top
            minutes += top_minutes[d]
            days_used += 1
            counts = list(map(add, counts, top))
        suf_minutes[d], suf_days[d], suf_counts[d] = minutes, days_used, counts
    return PreparedSearch(
        lim,
        days,
        suf_minutes,
        suf_days,
        suf_counts,
        caps,
        lim.minutes_max if lim.minutes_max is not None else lim.minutes_min,
        lim.days_max if lim.days_max < 7 else lim.days_min,
        [[i for i in day if i not in excluded] for day in by_day] if excluded else by_day,
        top_minutes,
        top_counts,
        cheapest,
    )


class CostBound(NamedTuple):
    """A consistent lower bound on the cost still to pay from day *d* in a state (internal).

    The days still needed are at least the most of: days still required, the fewest
    remaining days whose largest patterns reach the minutes still required, and the
    same for each component minimum. Each of those days costs at least the day cost
    plus its cheapest pattern, which gives one bound. Another is the day cost of those
    days plus, for each component minimum, the cheapest sessions still needed. Both are
    exact costs of relaxations, hence consistent, and so is their maximum.

    The bound splits into a part of the minutes (:attr:`minutes`, searched with
    ``bisect_left``) and a part of the component counts (:meth:`components`), which the
    best-first search memoises per (day, count vector) and combines per state.
    """

    minutes: list[list[int]]
    """Per day *d*: 0 then the prefix sums of the largest minutes of days *d*.., largest first."""
    cheapest: list[list[int]]
    """Per day *d*: 0 then the prefix sums of day cost plus cheapest pattern of days *d*.., cheapest first."""
    counts: list[dict[int, list[int]]]
    """Per day *d* and component with a minimum: prefix sums as for :attr:`minutes`."""
    session_costs: list[dict[int, list[int]]]
    """Per day *d* and component with a minimum *m*: 0 then the prefix sums of the *m* cheapest
    of its sessions from day *d* on (fewer if fewer exist)."""
    wanted: tuple[tuple[int, int], ...]
    """The components with a minimum, with their minimum."""
    lim: Limits
    day_cost: int

    def components(self, d: int, counts: tuple[int, ...]) -> tuple[int, int] | None:
        """(days needed, cheapest sessions needed) for the component minimums from day *d*, or None: unreachable."""
        need = 0
        sessions = 0
        for c, low in self.wanted:
            short = low - counts[c]
            if short > 0:
                prefix = self.counts[d][c]
                j = bisect_left(prefix, short)
                if j == len(prefix):
                    return None
                if j > need:
                    need = j
                prefix = self.session_costs[d][c]  # long enough: the count bound above returned otherwise
                sessions += prefix[short] if short < len(prefix) else prefix[-1]
        return need, sessions

    def value(self, d: int, state: State) -> int:
        """The bound in *state* before day *d* (:data:`NEVER`: no week can be completed)."""
        nd, mins, counts = state
        part = self.components(d, counts)
        if part is None:
            return NEVER
        lim = self.lim
        need = lim.days_min - nd
        if part[0] > need:
            need = part[0]
        if mins < lim.minutes_min:
            prefix = self.minutes[d]
            j = bisect_left(prefix, lim.minutes_min - mins)
            if j == len(prefix):
                return NEVER
            if j > need:
                need = j
        if need < 0:
            need = 0
        cheapest = self.cheapest[d]
        if need > lim.days_max - nd or need >= len(cheapest):
            return NEVER
        low = cheapest[need]
        other = self.day_cost * need + part[1]
        return low if low > other else other


def cost_lower_bound(prep: PreparedSearch, cands: Candidates, costs: Sequence[int], day_cost: int) -> CostBound:
    """The :class:`CostBound` of a search with candidate *costs* (non-negative) and *day_cost*."""
    lim = prep.lim
    wanted = tuple([(c, low) for c, low in enumerate(lim.comp_min) if low > 0])
    days = prep.days
    minutes: list[list[int]] = [[0]] * 8
    cheapest: list[list[int]] = [[0]] * 8
    tops: list[int] = []
    fees: list[int] = []
    for d in range(6, -1, -1):
        if days[d]:
            tops.append(prep.top_minutes[d])
            fees.append(day_cost + prep.cheapest[d])
            tops.sort(reverse=True)
            fees.sort()
            minutes[d] = [0, *accumulate(tops)]
            cheapest[d] = [0, *accumulate(fees)]
        else:  # the same days are left as from the next day on
            minutes[d], cheapest[d] = minutes[d + 1], cheapest[d + 1]
    counts: list[dict[int, list[int]]] = [{}] * 8
    session_costs: list[dict[int, list[int]]] = [{}] * 8
    if wanted:
        component = cands.component
        lows = dict(wanted)
        columns: dict[int, list[int]] = {c: [] for c in lows}
        pools: dict[int, list[int]] = {c: [] for c in lows}
        count_now = {c: [0] for c in lows}
        cost_now = dict(count_now)
        counts = [count_now] * 8
        session_costs = [cost_now] * 8
        for d in range(6, -1, -1):
            changed: list[int] = []
            for i in prep.usable[d]:
                c = component[i]
                if c in pools:
                    pools[c].append(costs[i])
                    changed.append(c)
            if changed:
                cost_now = dict(cost_now)
                for c in set(changed):
                    pool = pools[c]
                    pool.sort()
                    del pool[lows[c] :]  # only the cheapest `low` can be needed
                    cost_now[c] = [0, *accumulate(pool)]
            if days[d]:
                count_now = dict(count_now)
                top = prep.top_counts[d]
                for c, column in columns.items():
                    column.append(top[c])
                    column.sort(reverse=True)
                    count_now[c] = [0, *accumulate(column)]
            counts[d], session_costs[d] = count_now, cost_now
    return CostBound(minutes, cheapest, counts, session_costs, wanted, lim, day_cost)


def sessions_lower_bound(
    prep: PreparedSearch, cands: Candidates
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

    The lengths offered from each day on are gathered at the first call (many searches
    never need this bound).
    """
    nb = len(prep.caps)
    lengths: list[tuple[int, ...]] = []
    comp_lengths: list[list[tuple[int, ...]]] = []
    longest: list[list[int]] = []
    overall: list[int] = []

    def gather() -> None:
        """Per day *d*, the lengths offered on days *d*.. (of every component and of each)."""
        lengths.extend([()] * 8)
        comp_lengths.extend([[()] * nb] * 8)
        longest.extend([[0] * nb] * 8)
        seen: set[int] = set()
        per_comp: list[set[int]] = [set() for _ in range(nb)]
        start, end, comp = cands.start, cands.end, cands.component
        for d in range(6, -1, -1):
            usable = prep.usable[d]
            if not usable:
                lengths[d], comp_lengths[d], longest[d] = lengths[d + 1], comp_lengths[d + 1], longest[d + 1]
                continue
            for i in usable:
                length = end[i] - start[i]
                seen.add(length)
                if comp[i] >= 0:
                    per_comp[comp[i]].add(length)
            lengths[d] = tuple(seen)
            comp_lengths[d] = [tuple(x) for x in per_comp]
            longest[d] = [max(x, default=0) for x in per_comp]
        overall.extend([max(x, default=0) for x in lengths])

    sums: dict[tuple[int, tuple[int, ...]], list[int]] = {}

    def reachable(d: int, short: tuple[int, ...], extra: int) -> int:
        """The bit set of minute totals of the relaxation's choices with *extra* free sessions."""
        key = (d, short)
        chain = sums.get(key)
        if chain is None:
            got = 1
            if any(short):
                c = next(c for c in range(nb - 1, -1, -1) if short[c])
                less = list(short)
                less[c] -= 1
                prev = reachable(d, tuple(less), 0)
                got = 0
                for x in comp_lengths[d][c]:
                    got |= prev << x
            chain = sums[key] = [got]
        while len(chain) <= extra:
            prev = chain[-1]
            got = 0
            for x in lengths[d]:
                got |= prev << x
            chain.append(got)
        return chain[extra]

    def sessions_bound(d: int, short: tuple[int, ...], rest: int, days_short: int) -> tuple[int, int]:
        mandatory = sum(short)
        if not mandatory and not rest and days_short <= 0:
            return 0, 0
        if not lengths:
            gather()
        top = longest[d]
        reach = sum([short[c] * top[c] for c in range(nb) if short[c]])
        extra = 0
        if rest > reach:
            extra = -(-(rest - reach) // overall[d])
        if mandatory + extra < days_short:
            extra = days_short - mandatory
        bits = reachable(d, short, extra) >> rest
        return mandatory + extra, rest + (bits & -bits).bit_length() - 1

    return sessions_bound
