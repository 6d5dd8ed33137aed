"""Bounds for the week search: quick proofs that no week exists, and consistent lower bounds per state.

:func:`prepare_search` builds a search's day patterns and the suffix upper bounds that prune
it; :func:`cost_lower_bound` and :func:`sessions_lower_bound` rank the best-first search.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Callable, Collection, Sequence
from typing import final

import attrs

from iopcore.schedule._week_solver.candidates import NEVER, Candidates, Limits, State
from iopcore.schedule._week_solver.day_patterns import DayCache, Pattern, day_patterns

__all__ = ["PreparedSearch", "cost_lower_bound", "prepare_search", "proven_infeasible", "sessions_lower_bound"]


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
class PreparedSearch:
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


def prepare_search(
    cands: Candidates,
    lim: Limits,
    costs: Sequence[int],
    k: int,
    excluded: Collection[int],
    day_cache: DayCache | None = None,
) -> PreparedSearch:
    """The day patterns of one search (from *day_cache* where it has them) and its suffix bounds."""
    nb = len(cands.bounded)
    # Counts above a cap never matter: cap at max (larger is pruned) or at min (no max).
    caps = tuple(_count_cap(lim.comp_min[c], lim.comp_max[c]) for c in range(nb))
    if day_cache is None:
        days = [
            day_patterns(cands, cands.by_day[d], lim, costs, k, caps, excluded) if cands.by_day[d] else []
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
                pats = day_patterns(cands, day, lim, costs, k, caps, excluded) if day else []
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
    return PreparedSearch(
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


def _count_cap(low: int, high: int | None) -> int:
    """Where a component's count stops mattering: its maximum, or its minimum when it has none."""
    return low if high is None else high


def cost_lower_bound(
    prep: PreparedSearch, day_cost: int, session_costs: list[list[list[int]]]
) -> Callable[[int, State], int]:
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
                return NEVER
            if j > need:
                need = j
        sessions = 0
        for c in wanted:
            short = comp_min[c] - counts[c]
            if short > 0:
                prefix = top_counts[d][c]
                j = bisect_left(prefix, short)
                if j == len(prefix):
                    return NEVER
                if j > need:
                    need = j
                prefix = session_costs[d][c]  # long enough: the count bound above returned otherwise
                sessions += prefix[short] if short < len(prefix) else prefix[-1]
        if need < 0:
            need = 0
        if need > days_max - nd or need >= len(cheapest[d]):
            return NEVER
        low = cheapest[d][need]
        other = day_cost * need + sessions
        return low if low > other else other

    return bound


def sessions_lower_bound(
    prep: PreparedSearch, comp_min: tuple[int, ...]
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
