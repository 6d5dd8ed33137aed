"""The week search: the *k* best weeks for any additive objective, and whether any week exists."""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Collection, Sequence
from operator import itemgetter, lshift

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
    Limits,
    Solution,
    State,
    candidates,
    limits,
)
from iopcore.schedule._week_solver.day_patterns import DayCache, DayKey, Pattern

__all__ = ["exists", "feasible", "search"]

_day_key = itemgetter(3)  # a day pattern's tie-break key
FEW_WEEKS = 64
"""Searches with at most this many choices of day patterns (the product over days of patterns + 1)
go through all of them (:func:`_every_week`) instead of the best-first search; both are exact."""
_UNKNOWN = (-1, -1)
"""A component part not computed yet (:func:`_best_first`)."""
_Entry = tuple[int, int, int, int, int, int, int, int, int, int, int, bool]
"""A heap entry of :func:`_best_first`."""


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
        loose = _search_days(cands, lim._replace(minutes_max=None), costs, day_cost, k, excluded, day_cache, below)
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
    """The *k* best weeks below *limit*: every week when few, best-first with non-negative costs, else by days."""
    prep = prepare_search(cands, lim, costs, k, excluded, day_cache)
    weeks = 1
    for pats in prep.days:
        weeks *= len(pats) + 1
    if weeks <= FEW_WEEKS:
        return _every_week(prep, day_cost, k, limit)
    if day_cost >= 0 and min(costs, default=0) >= 0:
        return _best_first(prep, cands, costs, day_cost, k, limit)
    return _by_days(prep, day_cost, k, limit)


def _by_days(prep: PreparedSearch, day_cost: int, k: int, limit: int = NEVER) -> list[Solution]:
    """The *k* best weeks below *limit* by a dynamic programme over days, keeping each state's *k* best (any costs)."""
    start: State = (0, 0, (0,) * len(prep.caps))
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
    prep: PreparedSearch, cands: Candidates, costs: Sequence[int], day_cost: int, k: int, limit: int = NEVER
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

    The tie-break key is held as one integer: day *d* is a digit (0 not reached yet,
    1 skipped, 2 + the rank of the day's pattern in key order) of weight ``base ** (6 - d)``,
    so integers compare as the keys do (a prefix first); the week's key and chosen
    candidates are read back from its digits at the end.
    """
    bound = cost_lower_bound(prep, cands, costs, day_cost)
    lim = prep.lim
    comp_min, comp_max, caps = lim.comp_min, lim.comp_max, prep.caps
    minutes_min = lim.minutes_min
    nb = len(comp_min)
    sessions_bound = sessions_lower_bound(prep, cands)
    days_min, days_max = lim.days_min, lim.days_max
    top = lim.minutes_max if lim.minutes_max is not None else 1 << 62
    minute_cap = prep.minute_cap
    days_cap = prep.days_cap
    suf_minutes, suf_days = prep.suf_minutes, prep.suf_days
    minutes_prefix, cheapest_prefix = bound.minutes, bound.cheapest
    # Component counts are interned: a state is (day, days used, minutes, count-vector id),
    # packed into one integer as a dictionary key.
    vector_id: dict[tuple[int, ...], int] = {}
    vectors: list[tuple[int, ...]] = []
    # Per day its patterns in key order (the digits of the key), and grouped by count vector:
    # (vector id, [(minutes, cost with the day's, sessions, digit weight)]).
    ranked, base, weight = _digits(prep)
    days: list[list[tuple[int, list[tuple[int, int, int, int]]]]] = []
    for d, in_order in enumerate(ranked):
        grouped: dict[int, list[tuple[int, int, int, int]]] = {}
        for digit, p in enumerate(in_order, 2):
            w = vector_id.get(p[1])
            if w is None:
                w = vector_id[p[1]] = len(vectors)
                vectors.append(p[1])
            grouped.setdefault(w, []).append((p[0], p[2] + day_cost, len(p[4]), digit * weight[d]))
        days.append(list(grouped.items()))
    many = len(vectors) + 1  # pattern vectors have smaller ids: (v, w) packs as v * many + w
    zero = (0,) * nb
    start_v = vector_id.get(zero)
    if start_v is None:
        start_v = vector_id[zero] = len(vectors)
        vectors.append(zero)
    span = minute_cap + 1
    added: dict[int, int] = {}
    components = bound.components
    parts: dict[int, tuple[int, int] | None] = {}

    def component_part(d: int, v: int) -> tuple[int, int] | None:
        """(days needed, cheapest sessions needed) for the component minimums from day *d*, memoised
        in *parts* under ``v * 8 + d`` (the caller looks there first)."""
        got = parts[v * 8 + d] = components(d, vectors[v])
        return got

    ties: dict[int, tuple[int, int]] = {}

    def tie_bounds(d: int, nd: int, mins: int, v: int) -> tuple[int, int]:
        """(sessions still needed, minutes still needed) by the relaxation."""
        counts = vectors[v]
        short = tuple([comp_min[c] - counts[c] if counts[c] < comp_min[c] else 0 for c in range(nb)])
        rest = minutes_min - mins
        return sessions_bound(d, short, rest if rest > 0 else 0, days_min - nd)

    first = bound.value(0, (0, 0, zero))
    if first >= limit:
        return []
    # Entry: (priority: cost, sessions, minutes, key; day, days used, minutes, vector; cost, sessions,
    # minutes; whether the sessions and minutes parts of the priority are the relaxation's).
    # Children are pushed with plain lower bounds for those parts (days and minutes still
    # required) and get the relaxation's only when taken from the heap: most never are.
    heap: list[_Entry] = [(first, 0, 0, 0, 0, 0, 0, start_v, 0, 0, 0, False)]
    pops: dict[int, int] = {}
    found: list[tuple[int, int, int, int]] = []
    push, pop = heapq.heappush, heapq.heappop
    while heap:
        f_cost, f_n, f_m, key, d, nd, mins, v, cost, n, t, exact = pop(heap)
        where = ((v * span + mins) * 8 + d) * 8 + nd
        seen = pops.get(where, 0)
        if seen >= k:
            continue
        # Refining the sessions and minutes parts can only matter when the next entry ties on
        # cost; otherwise this entry would be taken from the heap again at once.
        if not exact and heap and heap[0][0] == f_cost:
            got = ties.get(where)
            if got is None:
                got = ties[where] = tie_bounds(d, nd, mins, v)
            need_n, need_m = n + got[0], t + got[1]
            if need_n > f_n or (need_n == f_n and need_m > f_m):
                push(heap, (f_cost, need_n, need_m, key, d, nd, mins, v, cost, n, t, True))
                continue
        pops[where] = seen + 1
        if d == 7:
            found.append((cost, n, t, key))
            if len(found) == k:
                break
            continue
        d1 = d + 1
        lowest = minutes_min - suf_minutes[d1]  # the fewest minutes that can still reach the minimum
        prefix_m, cheap = minutes_prefix[d1], cheapest_prefix[d1]
        long_c = len(cheap)  # (and len(prefix_m): both have one entry per day left, and 0)
        # Skip the day.
        if nd + suf_days[d1] >= days_min and mins >= lowest:
            part = parts.get(v * 8 + d1, _UNKNOWN)
            if part is _UNKNOWN:
                part = component_part(d1, v)
            if part is not None:
                need = days_min - nd
                if part[0] > need:
                    need = part[0]
                if mins < minutes_min:
                    j = bisect_left(prefix_m, minutes_min - mins)
                    if j > need:
                        need = j
                if need < 0:
                    need = 0
                if need <= days_max - nd and need < long_c:  # (j == long_m gives need >= long_c)
                    h = cheap[need]
                    other = day_cost * need + part[1]
                    if other > h:
                        h = other
                    if cost + h < limit:
                        push(
                            heap,
                            (
                                cost + h,
                                n + (days_min - nd if days_min > nd else 0),
                                t + (minutes_min - mins if minutes_min > mins else 0),
                                key + weight[d],
                                d1,
                                nd,
                                mins,
                                v,
                                cost,
                                n,
                                t,
                                False,
                            ),
                        )
        if nd + 1 > days_max:
            continue
        # A state that passed the pruning can always reach days_min by using this day.
        nd1 = nd + 1 if days_max < 7 or nd + 1 < days_cap else days_cap
        short_days = days_min - nd1 if days_min > nd1 else 0
        room = days_max - nd1
        for w, group in days[d]:
            pair = v * many + w
            v1 = added.get(pair)
            if v1 is None:
                out = list(vectors[v])
                for c, more in enumerate(vectors[w]):
                    if more:
                        value = out[c] + more
                        most = comp_max[c]
                        if most is not None and value > most:
                            v1 = -1
                            break
                        out[c] = value if value < caps[c] else caps[c]
                else:
                    counts = tuple(out)
                    v1 = vector_id.get(counts)
                    if v1 is None:
                        v1 = vector_id[counts] = len(vectors)
                        vectors.append(counts)
                added[pair] = v1
            if v1 < 0:
                continue
            part = parts.get(v1 * 8 + d1, _UNKNOWN)
            if part is _UNKNOWN:
                part = component_part(d1, v1)
            if part is None:
                continue
            # The cost bound of a child needs at least base_need days; its minutes may ask for more.
            base_need = days_min - nd1
            if part[0] > base_need:
                base_need = part[0]
            if base_need < 0:
                base_need = 0
            if base_need > room or base_need >= long_c:
                continue
            sessions_cost = part[1]
            full = cheap[base_need]  # the bound of the children that reach the minutes
            other = day_cost * base_need + sessions_cost
            if other > full:
                full = other
            # (A child of a state already expanded k times is pushed all the same, and dropped
            # when taken from the heap: cheaper than looking each one up.)
            for p_minutes, p_cost, p_n, p_digit in group:
                m = mins + p_minutes
                if m > top or m < lowest:
                    continue
                if m > minute_cap:
                    m = minute_cap
                if m < minutes_min:
                    j = bisect_left(prefix_m, minutes_min - m)
                    if j > base_need:
                        if j > room or j >= long_c:  # (j == long_m: the minutes cannot be reached)
                            continue
                        h = cheap[j]
                        other = day_cost * j + sessions_cost
                        if other > h:
                            h = other
                    else:
                        h = full
                    short_minutes = minutes_min - m
                else:
                    h = full
                    short_minutes = 0
                c = cost + p_cost
                if c + h >= limit:
                    continue
                push(
                    heap,
                    (
                        c + h,
                        n + p_n + short_days,
                        t + p_minutes + short_minutes,
                        key + p_digit,
                        d1,
                        nd1,
                        m,
                        v1,
                        c,
                        n + p_n,
                        t + p_minutes,
                        False,
                    ),
                )
    return [_solution(ranked, weight, base, sol) for sol in found]


def _every_week(prep: PreparedSearch, day_cost: int, k: int, limit: int = NEVER) -> list[Solution]:
    """The *k* best weeks below *limit* by going through every choice of day patterns (any costs).

    For searches with few choices (at most :data:`FEW_WEEKS`), where the best-first search's
    bounds cost more to set up than the choices do to list. Partial weeks are extended day
    by day and dropped, as in :func:`_day_moves`, once the days after cannot lift them to
    the minimums; the complete ones that meet every rule are ranked by (cost, sessions,
    minutes, key), the key held as :func:`_best_first` holds it. Component counts are
    packed into one integer, a field with a guard bit per component, wide enough that no
    sum overflows, so that adding a pattern is one addition and the bounds are checked on
    all fields at once (a field is at least another's exactly when ``((A | G) - B) & G``
    keeps its guard bit).
    """
    lim = prep.lim
    comp_min, comp_max = lim.comp_min, lim.comp_max
    minutes_min, days_min, days_max = lim.minutes_min, lim.days_min, lim.days_max
    top = lim.minutes_max if lim.minutes_max is not None else 1 << 62
    ranked, base, weight = _digits(prep)
    # Pattern counts are capped (at most caps[c]), so no field exceeds 7 days' counts plus the
    # rest's plus the bounds: below 16 * (largest cap + 1), which the field holds below its guard.
    width = (16 * (max(prep.caps, default=0) + 1)).bit_length() + 1
    fill = (1 << (width - 1)) - 1  # no maximum: every count fits

    shifts = [c * width for c in range(len(comp_min))]

    def pack(values: Sequence[int]) -> int:
        return sum(map(lshift, values, shifts))

    guards = pack([1 << (width - 1)] * len(comp_min))
    lows = pack(comp_min)
    highs = pack([fill if x is None else x for x in comp_max]) | guards
    suf_counts = [pack(counts) for counts in prep.suf_counts]
    suf_minutes, suf_days = prep.suf_minutes, prep.suf_days
    # A partial week: (days used, minutes, packed counts, cost, sessions, key).
    weeks: list[tuple[int, int, int, int, int, int]] = [(0, 0, 0, 0, 0, 0)]
    for d in range(7):
        pats = ranked[d]
        rest_minutes, rest_days, rest_counts = suf_minutes[d + 1], suf_days[d + 1], suf_counts[d + 1]
        skip = weight[d]
        choices = [(p[0], pack(p[1]), p[2] + day_cost, len(p[4]), digit * weight[d]) for digit, p in enumerate(pats, 2)]
        longer = []
        for nd, mins, counts, cost, n, key in weeks:
            if (
                nd + rest_days >= days_min
                and mins + rest_minutes >= minutes_min
                and (((counts + rest_counts) | guards) - lows) & guards == guards
            ):
                longer.append((nd, mins, counts, cost, n, key + skip))
            if nd >= days_max:
                continue
            for p_minutes, p_counts, p_cost, p_n, p_digit in choices:
                m = mins + p_minutes
                if m > top or m + rest_minutes < minutes_min:
                    continue
                more = counts + p_counts
                if (highs - more) & guards != guards or (((more + rest_counts) | guards) - lows) & guards != guards:
                    continue
                longer.append((nd + 1, m, more, cost + p_cost, n + p_n, key + p_digit))
        weeks = longer
    found = sorted(
        [
            (cost, n, mins, key)
            for nd, mins, counts, cost, n, key in weeks
            if nd >= days_min and mins >= minutes_min and ((counts | guards) - lows) & guards == guards and cost < limit
        ]
    )
    return [_solution(ranked, weight, base, sol) for sol in found[:k]]


def _digits(prep: PreparedSearch) -> tuple[list[list[Pattern]], int, list[int]]:
    """Each day's patterns in key order, and the base and per-day weights of the integer tie-break key.

    Day *d* is a digit of weight ``base ** (6 - d)``: 0 not reached yet, 1 skipped, 2 + the
    rank of the day's pattern in key order; integers compare as the keys do (a prefix first).
    """
    ranked = [sorted(pats, key=_day_key) if len(pats) > 1 else pats for pats in prep.days]
    base = 2 + max([len(pats) for pats in ranked])
    return ranked, base, [base ** (6 - d) for d in range(7)]


def _solution(ranked: list[list[Pattern]], weight: list[int], base: int, found: tuple[int, int, int, int]) -> Solution:
    """The week of a complete entry of :func:`_best_first`: its rank, its key and its chosen candidates."""
    cost, n, t, key = found
    day_keys: list[DayKey] = []
    chosen: list[int] = []
    for d in range(7):
        digit = key // weight[d] % base
        if digit >= 2:
            pat = ranked[d][digit - 2]
            day_keys.append(pat[3])
            chosen.extend(pat[4])
        else:
            day_keys.append(())
    return (cost, n, t), tuple(day_keys), tuple(chosen)


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
