"""One day's patterns against brute force over the day's subsets; the few-sessions path equals the dynamic programme."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.schedule import WeekProblem
from iopcore.schedule._week_solver.candidates import Candidates, Limits, candidates, limits
from iopcore.schedule._week_solver.day_patterns import FEW, FEW_TO_COMPARE, _best_subsets, _few_subsets, day_patterns
from iopcore.strategies import week_problems

Signature = tuple[int, tuple[int, ...]]
Value = tuple[int, int, int, tuple[tuple[int, int, str], ...]]


def _caps(lim: Limits) -> tuple[int, ...]:
    return tuple(low if high is None else high for low, high in zip(lim.comp_min, lim.comp_max, strict=True))


def _winners(cands: Candidates, day: tuple[int, ...], lim: Limits, cost: list[int]) -> dict[Signature, Value]:
    """The best subset per signature, by brute force over every subset of the day (from the definitions)."""
    caps = _caps(lim)
    minute_cap = lim.minutes_min if lim.minutes_max is None else 1 << 30
    best: dict[Signature, Value] = {}
    for r in range(1, len(day) + 1):
        for subset in itertools.combinations(day, r):
            chosen = sorted(subset, key=lambda i: cands.ident[i])
            if any(cands.start[b] < cands.end[a] + lim.gap for a, b in itertools.pairwise(chosen)):
                continue
            minutes = sum(cands.end[i] - cands.start[i] for i in chosen)
            if (lim.day_max is not None and minutes > lim.day_max) or minutes < (lim.day_min or 0):
                continue
            counts = [sum(1 for i in chosen if cands.component[i] == c) for c in range(len(caps))]
            if any(top is not None and n > top for n, top in zip(counts, lim.comp_max, strict=True)):
                continue
            signature = (min(minutes, minute_cap), tuple(min(n, cap) for n, cap in zip(counts, caps, strict=True)))
            value = (sum(cost[i] for i in chosen), len(chosen), minutes, tuple(cands.ident[i] for i in chosen))
            if signature not in best or value < best[signature]:
                best[signature] = value
    return best


def _beats(a: tuple[Signature, Value], b: tuple[Signature, Value], lim: Limits) -> bool:
    """Whether pattern *a* dominates *b* as the day-patterns docs define it."""
    (a_minutes, a_counts), a_value = a
    (b_minutes, b_counts), b_value = b
    if not a_value < b_value or a_minutes < b_minutes:
        return False
    for c, (low, top) in enumerate(zip(lim.comp_min, lim.comp_max, strict=True)):
        if top is None:
            ok = a_counts[c] >= b_counts[c]
        elif low == 0:
            ok = a_counts[c] <= b_counts[c]
        else:
            ok = a_counts[c] == b_counts[c]
        if not ok:
            return False
    return True


def _problems() -> st.SearchStrategy[WeekProblem]:
    return week_problems(min_offerings=2, max_offerings=9, max_days=2)


@settings(max_examples=120)
@given(_problems(), st.data(), st.booleans())
def test_day_patterns_are_the_best_subset_per_signature(problem: WeekProblem, data: st.DataObject, top: bool) -> None:
    """With a weekly maximum (no dominance), a day's patterns are exactly its best subset per signature;
    without one, they are those best subsets that no other one dominates (any integer costs), and all
    of them on days with at most FEW_TO_COMPARE."""
    cands = candidates(problem, relax_availability=True)
    lim = limits(problem)
    lim = lim._replace(minutes_max=lim.minutes_min + 600 if top else None)
    cost = data.draw(st.lists(st.integers(-5, 9), min_size=len(cands.cost), max_size=len(cands.cost)))
    for day in cands.by_day:
        if not day:
            continue
        got = day_patterns(cands, day, lim, cost, 1, _caps(lim), ())
        minute_cap = lim.minutes_min if lim.minutes_max is None else 1 << 30
        found = {(min(p[0], minute_cap), p[1]): (p[2], len(p[4]), p[0], p[3]) for p in got}
        assert len(found) == len(got)
        assert [p[3] for p in got] == [tuple(cands.ident[i] for i in p[4]) for p in got]
        best = _winners(cands, day, lim, cost)
        if top:
            assert found == best
        else:
            assert found.items() <= best.items()
            for item in best.items():
                if item[0] not in found:
                    assert any(_beats(kept, item, lim) for kept in found.items())
            if len(found) > FEW_TO_COMPARE:  # then dominance ran: exactly the undominated are kept
                for kept in found.items():
                    assert not any(_beats(other, kept, lim) for other in best.items())


@settings(max_examples=120)
@given(_problems(), st.data(), st.booleans())
def test_few_sessions_go_through_subsets_exactly_as_the_dynamic_programme(
    problem: WeekProblem, data: st.DataObject, top: bool
) -> None:
    """A day of at most FEW sessions gets the same patterns, in the same order, from both paths."""
    cands = candidates(problem, relax_availability=True)
    lim = limits(problem)
    lim = lim._replace(minutes_max=lim.minutes_min + 600 if top else None)
    cost = data.draw(st.lists(st.integers(-5, 9), min_size=len(cands.cost), max_size=len(cands.cost)))
    minute_cap = lim.minutes_min if lim.minutes_max is None else 1 << 30
    for day in cands.by_day:
        for size in range(1, min(FEW, len(day)) + 1):
            items = list(day[:size])
            few = _few_subsets(cands, items, lim, cost, _caps(lim), minute_cap)
            assert few == _best_subsets(cands, items, lim, cost, _caps(lim), minute_cap)
