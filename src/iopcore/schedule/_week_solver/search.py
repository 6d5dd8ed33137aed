"""The week search: the *k* best weeks for any additive objective, and whether any week exists."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Collection, Sequence

import attrs

from iopcore.schedule._model import WeekProblem
from iopcore.schedule._week_solver.bounds import (
    PreparedSearch,
    cost_lower_bound,
    prepare_search,
    proven_infeasible,
    sessions_lower_bound,
)
from iopcore.schedule._week_solver.candidates import (
    GROUP_AVAILABILITY,
    NEVER,
    Candidates,
    Key,
    Limits,
    Solution,
    State,
    candidates,
    limits,
)
from iopcore.schedule._week_solver.day_patterns import DayCache, DayKey, Pattern

__all__ = ["exists", "feasible", "search"]


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
    below = NEVER if limit is None else min(limit, NEVER)  # never above "unreachable"
    if proven_infeasible(cands, lim, excluded):
        return []
    if top is not None:
        # Solve without the weekly maximum first (far fewer states): if its answers respect
        # the maximum they are the answers, since the feasible sets only shrink with it.
        loose = _search_days(cands, attrs.evolve(lim, minutes_max=None), costs, day_cost, k, excluded, day_cache, below)
        if all(sol[0][2] <= top for sol in loose):
            return loose
    return _search_days(cands, lim, costs, day_cost, k, excluded, day_cache, below)


def _search_days(
    cands: Candidates,
    lim: Limits,
    costs: Sequence[int],
    day_cost: int,
    k: int,
    excluded: Collection[int],
    day_cache: DayCache | None = None,
    limit: int = NEVER,
) -> list[Solution]:
    """The *k* best weeks below *limit*: best-first with non-negative costs, else a dynamic programme over days."""
    prep = prepare_search(cands, lim, costs, k, excluded, day_cache)
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
            for new_state, pat in _day_moves(prep, d, state):
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


def _day_moves(prep: PreparedSearch, d: int, state: State) -> list[tuple[State, Pattern | None]]:
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


def _push(nxt: dict[State, list[Solution]], state: State, sols: list[Solution], k: int) -> None:
    """Merge *sols* into *state*'s *k* best partial weeks."""
    bucket = nxt.get(state)
    if bucket is None:
        nxt[state] = sols[:k] if len(sols) > k else sols
    else:
        merged = sorted(bucket + sols, key=lambda s: (s[0], s[1]))
        del merged[k:]
        nxt[state] = merged


def _best_first(
    prep: PreparedSearch, start: State, day_cost: int, session_costs: list[list[list[int]]], k: int, limit: int = NEVER
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
    bound = cost_lower_bound(prep, day_cost, session_costs)
    lim = prep.lim
    comp_min, comp_max, caps = lim.comp_min, lim.comp_max, prep.caps
    minutes_min = lim.minutes_min
    nb = len(comp_min)
    sessions_bound = sessions_lower_bound(prep, comp_min)
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
                if cost + h < limit:  # (limit ≤ NEVER: also drops unreachable states)
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
                if c + h >= limit:  # (limit ≤ NEVER: also drops unreachable states)
                    continue
                short_minutes = minutes_min - m if minutes_min > m else 0
                longer, both = (*key, p_key), chosen + p_chosen
                entry = (c + h, n1 + short_days, t1 + short_minutes, longer, d1, nd1, m, v1, both, c, n1, t1, False)
                push(heap, entry)
    return found


def exists(cands: Candidates, lim: Limits) -> bool:
    """Whether any choice of *cands* meets *lim* (no optimisation, no tie-break).

    After the quick proof of infeasibility, a depth-first search over the day states
    (the same patterns and pruning as :func:`search`) stops at the first complete week;
    states from which no week can be completed are remembered, so each is explored once.
    """
    if proven_infeasible(cands, lim, ()):
        return False
    prep = prepare_search(cands, lim, [0] * len(cands.offerings), 1, ())
    dead: set[tuple[int, State]] = set()

    def completes(d: int, state: State) -> bool:
        if d == 7:
            return True
        if (d, state) in dead:
            return False
        for new_state, _ in _day_moves(prep, d, state):
            if completes(d + 1, new_state):
                return True
        dead.add((d, state))
        return False

    return completes(0, (0, 0, (0,) * len(cands.bounded)))


def feasible(problem: WeekProblem, relaxed: Collection[str] = ()) -> bool:
    """Whether *problem* has a schedule once the groups in *relaxed* are removed."""
    cands = candidates(problem, relax_availability=GROUP_AVAILABILITY in relaxed)
    return exists(cands, limits(problem, relaxed))
