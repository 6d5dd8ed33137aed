"""The cohort solver's restricted master problem: a small revised simplex, checked by optimality certificates.

No reference solver is needed: a basic solution is optimal exactly when it is primal
feasible, every column's reduced cost is non-negative, and the primal objective equals the
dual objective (duals times right-hand sides). The tests check all three, independently of
how the simplex got there.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iopcore.schedule._cohort_solver.simplex import BLAND_AFTER, PERTURBATION, PRICE_CHUNK, REPRICE_EVERY, Master

TOL = 1e-6


def certify(master: Master) -> None:
    """Assert that the master's basic solution is optimal (primal and dual feasible, equal objectives)."""
    x = master.values()
    assert all(v >= -TOL for v in x)
    lhs = [0.0] * master.rows
    for j, v in enumerate(x):
        for r, a in master.entries[j]:
            lhs[r] += a * v
    assert all(math.isclose(a, b, abs_tol=TOL) for a, b in zip(lhs, master.rhs, strict=True))
    pi = master.duals()
    for j, entries in enumerate(master.entries):
        reduced = master.cost[j] - sum(pi[r] * a for r, a in entries)
        assert reduced >= -TOL * (1 + abs(master.cost[j]))
    primal = sum(c * v for c, v in zip(master.cost, x, strict=True))
    dual = sum(p * b for p, b in zip(pi, master.rhs, strict=True))
    assert math.isclose(primal, dual, rel_tol=1e-9, abs_tol=TOL)
    assert math.isclose(primal, master.objective(), rel_tol=1e-9, abs_tol=TOL)


# A master is built in steps: a week (group, cost, offerings), a capacity row (offering), or a solve.
Step = tuple[str, int, int, tuple[int, ...]]
steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("week"),
            st.integers(0, 4),
            st.integers(0, 40),
            st.lists(st.integers(0, 5), max_size=3, unique=True).map(tuple),
        ),
        st.tuples(st.just("row"), st.integers(0, 5), st.just(0), st.just(())),
        st.tuples(st.just("solve"), st.just(0), st.just(0), st.just(())),
    ),
    max_size=30,
)


@pytest.mark.parametrize(
    ("bland_after", "reprice_every", "price_chunk"),
    [
        (BLAND_AFTER, REPRICE_EVERY, PRICE_CHUNK),
        (0, REPRICE_EVERY, PRICE_CHUNK),
        (BLAND_AFTER, 1, PRICE_CHUNK),
        (BLAND_AFTER, REPRICE_EVERY, 1),
    ],
    ids=["default", "blands_rule_at_every_pivot", "fresh_duals_at_every_pivot", "partial_pricing_of_one_column"],
)
@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 3), st.integers(1, 60)), min_size=1, max_size=5),
    st.lists(st.integers(0, 4), min_size=6, max_size=6),
    steps,
)
def test_every_solve_of_a_growing_master_is_certified_optimal(
    bland_after: int,
    reprice_every: int,
    price_chunk: int,
    groups: list[tuple[int, int]],
    seats: list[int],
    plan: list[Step],
) -> None:
    """Weeks and capacity rows arrive in any order between solves (rows may cut the current solution), also
    with Bland's rule (against cycling) and duals recomputed from the basis inverse at every pivot."""
    master = Master(big=10_000.0, bland_after=bland_after, reprice_every=reprice_every, price_chunk=price_chunk)
    group_row = [master.add_group(n, u) for n, u in groups]
    offering_row: dict[int, int] = {}
    using: dict[int, list[int]] = {}
    for kind, a, cost, offerings in plan:
        if kind == "week":
            g = a % len(groups)
            j = master.add_week(float(cost), [group_row[g], *(offering_row[o] for o in offerings if o in offering_row)])
            for o in offerings:
                using.setdefault(o, []).append(j)
        elif kind == "row" and a not in offering_row:
            offering_row[a] = master.add_capacity(float(seats[a]), using.get(a, []))
        elif kind == "solve":
            assert master.solve(1_000)
            certify(master)
    for o in range(6):  # every capacity in the end: the optimum respects them all
        if o not in offering_row:
            offering_row[o] = master.add_capacity(float(seats[o]), using.get(o, []))
    assert master.solve(1_000)
    certify(master)
    usage = [0.0] * 6
    x = master.values()
    for o, columns in using.items():
        usage[o] = sum(x[j] for j in columns)
    # Each capacity carries a perturbation of a few millionths of a seat (against degeneracy).
    assert all(u <= s + 10 * PERTURBATION for u, s in zip(usage, seats, strict=True))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_larger_masters_with_split_groups_are_certified_optimal(data: st.DataObject) -> None:
    """Many groups of several members whose weeks compete for a few seats: members split across weeks
    and leave-outs (keys change, working columns of one group come and go); every solve is certified."""
    groups = data.draw(st.lists(st.tuples(st.integers(1, 6), st.integers(20, 90)), min_size=2, max_size=12))
    offerings = data.draw(st.integers(1, 8))
    seats = data.draw(st.lists(st.integers(0, 6), min_size=offerings, max_size=offerings))
    master = Master(big=1e6, price_chunk=data.draw(st.sampled_from([1, 3, PRICE_CHUNK])))
    rows = [master.add_group(n, u) for n, u in groups]
    capacity = {o: master.add_capacity(float(seats[o]), []) for o in range(offerings) if data.draw(st.booleans())}
    using: dict[int, list[int]] = {}
    for _ in range(data.draw(st.integers(1, 40))):
        g = data.draw(st.integers(0, len(groups) - 1))
        week = data.draw(st.lists(st.integers(0, offerings - 1), unique=True, max_size=3))
        j = master.add_week(
            float(data.draw(st.integers(0, 30))), [rows[g], *(capacity[o] for o in week if o in capacity)]
        )
        for o in week:
            using.setdefault(o, []).append(j)
        if data.draw(st.integers(0, 3)) == 0:
            assert master.solve(5_000)
            certify(master)
    for o in range(offerings):
        if o not in capacity:
            capacity[o] = master.add_capacity(float(seats[o]), using.get(o, []))
    assert master.solve(5_000)
    certify(master)


def test_a_row_cutting_the_current_solution_starts_on_its_excess_and_the_solve_removes_it() -> None:
    """Two members both take the one week; a capacity of one seat then cuts that: one member is left out."""
    master = Master(big=1_000.0)
    row = master.add_group(2, 50)
    week = master.add_week(10.0, [row])
    assert master.solve(100)
    assert master.objective() == 20.0
    master.add_capacity(1.0, [week])
    assert master.objective() > 1_000.0  # the artificial excess is basic
    assert master.solve(100)
    certify(master)
    assert math.isclose(master.objective(), 60.0, abs_tol=1e-3)  # one week, one member left out
    pi = master.duals()
    assert pi[1] == -40.0  # the seat is worth what it saves: 50 - 10


def test_a_solve_out_of_pivots_says_so() -> None:
    master = Master(big=1_000.0)
    row = master.add_group(1, 50)
    master.add_week(10.0, [row])
    assert master.solve(0) is False
    assert master.solve(1) is True
    assert master.objective() == 10.0


def test_an_empty_master_is_optimal_at_once() -> None:
    master = Master(big=1.0)
    assert master.solve(0) and master.rows == 0 and master.objective() == 0.0


def test_an_unbounded_master_says_so() -> None:
    """Only a negative cost can make the master unbounded (the solver's costs never are): excess and slack grow together."""
    master = Master(big=-1.0)
    master.add_group(1, 5)
    master.add_capacity(1.0, [])
    assert master.solve(10) is False


def test_a_drifted_basis_inverse_is_caught() -> None:
    master = Master(big=1_000.0)
    row = master.add_group(2, 50)
    master.add_week(10.0, [row])
    assert master.solve(10)
    master.add_capacity(5.0, [0, 1])
    assert master.solve(10)
    master.winv[0][0] = 2.0  # as if rounding had accumulated: the basic solution no longer meets its rows
    master.xw[0] = 7.0
    assert master.solve(10) is False


def test_a_tick_runs_before_each_pivot_and_its_exception_leaves_the_last_whole_pivot() -> None:
    master = Master(big=1_000.0)
    row = master.add_group(2, 50)
    master.add_week(10.0, [row])
    master.add_week(12.0, [row])
    ticks: list[int] = []

    def tick() -> None:
        ticks.append(1)
        if len(ticks) > 1:
            raise RuntimeError

    with pytest.raises(RuntimeError):
        master.solve(10, tick)
    assert len(ticks) == 2
    assert sum(master.values()) == 2.0  # one pivot done: still a basic solution of the rows
    assert master.solve(10)
    certify(master)
    assert master.objective() == 20.0
