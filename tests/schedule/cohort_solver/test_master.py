"""The master problem's interface: both LP solvers give the same optimum, certified, and match brute force.

Each test builds one linear programme step by step in both masters (the pure-Python simplex
and HiGHS) and keeps its own record of it, so that answers are checked against the
programme itself, not against either solver: a solution is optimal exactly when it is
primal feasible, its duals are dual feasible and both objectives agree. On tiny programmes
an enumeration of every basis in exact fractions gives the optimum, and where the optimal
duals (or primal values) are unique, both masters must report exactly those.
"""

from __future__ import annotations

import itertools
import math
import pickle
import subprocess
import sys
from fractions import Fraction

import attrs
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from iopcore.errors import HighsNotInstalledError
from iopcore.schedule._cohort_solver.highs import highs_available
from iopcore.schedule._cohort_solver.master import (
    LP_SOLVERS,
    PURE_MAX_ROWS,
    MasterProblem,
    max_capacity_rows,
    new_master,
    resolve_lp_solver,
)
from iopcore.schedule._cohort_solver.simplex import PERTURBATION, Master

pytest.importorskip("highspy")

TOL = 1e-6
SOLVERS = ("python", "highs")
APART = 1e-3
"""How far the two masters' optima may lie apart: the pure master adds at most 2 · PERTURBATION seats
to each capacity row (against degeneracy), which moves its optimum by at most that times the row's dual
(at most the dearest unscheduled cost, 60 here) on each of at most 5 rows."""
assert 5 * 60 * 2 * PERTURBATION < APART


@attrs.define
class Programme:
    """A master built in both LP solvers at once, with the test's own record of the programme.

    Rows are groups (``= members``, with a leave-out column of the unscheduled cost) and
    capacities (``≤ seats``); columns are weeks with coefficient 1 in each of their rows.
    """

    masters: dict[str, MasterProblem] = attrs.field(factory=lambda: {s: new_master(s, 10_000.0) for s in SOLVERS})
    rhs: list[int] = attrs.field(factory=list)
    is_group: list[bool] = attrs.field(factory=list)
    unscheduled: dict[int, int] = attrs.field(factory=dict)
    """Per group row, the cost of leaving one member out."""
    weeks: list[tuple[int, int, tuple[int, ...]]] = attrs.field(factory=list)
    """Per week: its cost, its group's row and its capacity rows."""
    column: dict[str, list[int]] = attrs.field(factory=lambda: {s: [] for s in SOLVERS})
    """Per solver, the master's column of each week."""
    capacity_of: dict[int, int] = attrs.field(factory=dict)
    """Per offering with a row, its row."""
    offerings_of: list[tuple[int, ...]] = attrs.field(factory=list)

    def group(self, members: int, unscheduled: int) -> int:
        rows = {m.add_group(members, float(unscheduled)) for m in self.masters.values()}
        assert rows == {len(self.rhs)}
        self.rhs.append(members)
        self.is_group.append(True)
        self.unscheduled[len(self.rhs) - 1] = unscheduled
        return len(self.rhs) - 1

    def week(self, group_row: int, cost: int, offerings: tuple[int, ...]) -> None:
        rows = tuple(sorted({self.capacity_of[o] for o in offerings if o in self.capacity_of}))
        for s, m in self.masters.items():
            self.column[s].append(m.add_week(float(cost), [group_row, *rows]))
        self.weeks.append((cost, group_row, rows))
        self.offerings_of.append(offerings)

    def capacity(self, offering: int, seats: int) -> None:
        if offering in self.capacity_of:
            return
        users = [w for w, offs in enumerate(self.offerings_of) if offering in offs]
        rows = {m.add_capacity(float(seats), [self.column[s][w] for w in users]) for s, m in self.masters.items()}
        assert rows == {len(self.rhs)}
        row = len(self.rhs)
        self.rhs.append(seats)
        self.is_group.append(False)
        self.capacity_of[offering] = row
        self.weeks = [(c, g, (*r, row) if w in users else r) for w, (c, g, r) in enumerate(self.weeks)]

    def solve(self) -> None:
        for s, m in self.masters.items():
            assert m.solve(1_000), s
            assert m.status == "optimal"

    def week_values(self, solver: str) -> list[float]:
        x = self.masters[solver].values()
        return [x[j] for j in self.column[solver]]

    def rhs_of(self, solver: str) -> list[float]:
        """The right-hand sides *solver* works with: the programme's, but the pure master's own capacities
        (each a few millionths of a seat more, against degeneracy)."""
        master = self.masters[solver]
        if isinstance(master, Master):
            assert all(0 <= b - a <= 2 * PERTURBATION for a, b in zip(self.rhs, master.rhs, strict=True))
            return list(master.rhs)
        return [float(b) for b in self.rhs]

    def certify(self, solver: str) -> float:
        """Assert that *solver*'s solution is optimal for the recorded programme (with the right-hand sides
        it works with, see :meth:`rhs_of`); return its objective."""
        master = self.masters[solver]
        rhs = self.rhs_of(solver)
        x = self.week_values(solver)
        pi = master.duals()
        assert len(pi) == len(self.rhs)
        lhs = [0.0] * len(self.rhs)
        for v, (_, g, rows) in zip(x, self.weeks, strict=True):
            assert v >= -TOL
            for r in (g, *rows):
                lhs[r] += v
        # The leave-out values follow from the group rows (equalities): members minus the weeks taken.
        left_out = {r: rhs[r] - lhs[r] for r in self.unscheduled}
        assert all(v >= -TOL for v in left_out.values())
        assert all(lhs[r] <= rhs[r] + TOL for r, group in enumerate(self.is_group) if not group)
        # Dual feasibility: capacity duals never positive, no column with a negative reduced cost.
        assert all(pi[r] <= TOL for r, group in enumerate(self.is_group) if not group)
        assert all(u - pi[r] >= -TOL for r, u in self.unscheduled.items())
        for cost, g, rows in self.weeks:
            assert cost - pi[g] - sum(pi[r] for r in rows) >= -TOL * (1 + cost)
        primal = sum(c * v for (c, _, _), v in zip(self.weeks, x, strict=True))
        primal += sum(self.unscheduled[r] * v for r, v in left_out.items())
        dual = sum(p * b for p, b in zip(pi, rhs, strict=True))
        assert math.isclose(primal, dual, rel_tol=1e-9, abs_tol=TOL)
        assert math.isclose(primal, master.objective(), rel_tol=1e-9, abs_tol=TOL)
        return primal

    def standard_form(self) -> tuple[list[int], list[list[int]], list[int]]:
        """Costs, columns (dense, one list per column) and right-hand sides, with a slack per capacity row."""
        m = len(self.rhs)
        costs: list[int] = []
        columns: list[list[int]] = []
        for cost, g, rows in self.weeks:
            costs.append(cost)
            columns.append([1 if r == g or r in rows else 0 for r in range(m)])
        for r in range(m):
            costs.append(self.unscheduled.get(r, 0))  # the leave-out column of a group, the slack of a capacity
            columns.append([1 if q == r else 0 for q in range(m)])
        return costs, columns, list(self.rhs)


def _solve_exactly(a: list[list[Fraction]], b: list[Fraction]) -> list[Fraction] | None:
    """The solution of the square system a · x = b (rows of *a*), ``None`` if *a* is singular."""
    n = len(b)
    rows = [[*line, rhs] for line, rhs in zip(a, b, strict=True)]
    for c in range(n):
        pivot = next((r for r in range(c, n) if rows[r][c] != 0), None)
        if pivot is None:
            return None
        rows[c], rows[pivot] = rows[pivot], rows[c]
        for r in range(n):
            if r != c and rows[r][c] != 0:
                f = rows[r][c] / rows[c][c]
                rows[r] = [x - f * y for x, y in zip(rows[r], rows[c], strict=True)]
    return [rows[r][n] / rows[r][r] for r in range(n)]


def brute_force(programme: Programme) -> tuple[Fraction, set[tuple[Fraction, ...]], set[tuple[Fraction, ...]]]:
    """By every basis, in exact fractions: the optimum, the week values and the duals of every optimal basis."""
    costs, columns, rhs = programme.standard_form()
    m = len(rhs)
    best: Fraction | None = None
    found: list[tuple[Fraction, tuple[Fraction, ...], tuple[Fraction, ...]]] = []
    for basis in itertools.combinations(range(len(costs)), m):
        matrix = [[Fraction(columns[j][r]) for j in basis] for r in range(m)]  # B, row by row
        xb = _solve_exactly(matrix, [Fraction(v) for v in rhs])
        if xb is None or min(xb) < 0:
            continue
        transposed = [[Fraction(columns[j][r]) for r in range(m)] for j in basis]  # Bᵀ · π = c_B
        pi = _solve_exactly(transposed, [Fraction(costs[j]) for j in basis])
        assert pi is not None
        reduced_ok = all(
            costs[j] - sum(p * a for p, a in zip(pi, columns[j], strict=True)) >= 0 for j in range(len(costs))
        )
        value = sum(Fraction(costs[j]) * v for j, v in zip(basis, xb, strict=True))
        x = [Fraction(0)] * len(costs)
        for j, v in zip(basis, xb, strict=True):
            x[j] = v
        if reduced_ok:
            found.append((value, tuple(x[: len(programme.weeks)]), tuple(pi)))
        best = value if best is None else min(best, value)
    assert best is not None  # leaving everyone out is a basic feasible solution
    assert found and all(v == best for v, _, _ in found)  # a basis optimal by its reduced costs exists
    return best, {x for _, x, _ in found}, {pi for _, _, pi in found}


# A programme: groups (members, unscheduled cost), seats per offering, and steps between solves.
groups_st = st.lists(st.tuples(st.integers(1, 3), st.integers(1, 60)), min_size=1, max_size=4)
step_st = st.one_of(
    st.tuples(
        st.just("week"), st.integers(0, 3), st.integers(0, 40), st.lists(st.integers(0, 4), max_size=3, unique=True)
    ),
    st.tuples(st.just("row"), st.integers(0, 4), st.just(0), st.just([])),
    st.tuples(st.just("solve"), st.just(0), st.just(0), st.just([])),
)


def build(groups: list[tuple[int, int]], seats: list[int], steps: list[tuple[str, int, int, list[int]]]) -> Programme:
    programme = Programme()
    rows = [programme.group(n, u) for n, u in groups]
    for kind, a, cost, offerings in steps:
        if kind == "week":
            programme.week(rows[a % len(rows)], cost, tuple(offerings))
        elif kind == "row":
            programme.capacity(a, seats[a])
        else:
            programme.solve()
            assert math.isclose(programme.certify("python"), programme.certify("highs"), abs_tol=APART)
    return programme


@settings(max_examples=150, deadline=None)
@given(groups_st, st.lists(st.integers(0, 4), min_size=5, max_size=5), st.lists(step_st, max_size=30))
def test_both_masters_reach_the_same_certified_optimum_of_a_growing_master(
    groups: list[tuple[int, int]], seats: list[int], steps: list[tuple[str, int, int, list[int]]]
) -> None:
    """Weeks and capacity rows arrive in any order between solves (a row may cut the current solution):
    after every solve both masters are certified optimal for the programme built so far, with one objective."""
    programme = build(groups, seats, steps)
    for o in range(5):
        programme.capacity(o, seats[o])
    programme.solve()
    assert math.isclose(programme.certify("python"), programme.certify("highs"), abs_tol=APART)


Week = tuple[int, int, list[int]]


def tiny_weeks(groups: int, max_size: int) -> st.SearchStrategy[list[Week]]:
    """Weeks (group index, cost, offerings among three) of a tiny master."""
    week = st.tuples(
        st.integers(0, groups - 1), st.integers(0, 30), st.lists(st.integers(0, 2), max_size=2, unique=True)
    )
    return st.lists(week, max_size=max_size)


def tiny(groups: list[tuple[int, int]], seats: list[int], weeks: list[Week], rows_first: list[int]) -> Programme:
    """A tiny master: capacity rows of *rows_first* before the weeks, the other rows after them
    (cutting the solution of a first solve), solved again."""
    programme = Programme()
    group_rows = [programme.group(n, u) for n, u in groups]
    for o in rows_first:
        programme.capacity(o, seats[o])
    for g, cost, offerings in weeks:
        programme.week(group_rows[g % len(group_rows)], cost, tuple(offerings))
    programme.solve()
    for o in range(3):
        programme.capacity(o, seats[o])
    programme.solve()
    return programme


@settings(max_examples=120, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 2), st.integers(1, 30)), min_size=1, max_size=2),
    st.lists(st.integers(1, 2), min_size=3, max_size=3),
    tiny_weeks(2, 4),
    st.lists(st.integers(0, 2), max_size=3, unique=True),
)
def test_on_tiny_masters_both_agree_with_every_basis_enumerated(
    groups: list[tuple[int, int]], seats: list[int], weeks: list[Week], rows_first: list[int]
) -> None:
    """The optimum is the least objective over every basic feasible solution (exact fractions); where the
    optimal week values or duals are unique (seats of at least 1 keep the duals' optimal face bounded),
    both masters report exactly them."""
    programme = tiny(groups, seats, weeks, rows_first)
    optimum, week_values, duals = brute_force(programme)
    event(f"unique week values: {len(week_values) == 1}, unique duals: {len(duals) == 1}")
    for solver in SOLVERS:
        near = TOL if solver == "highs" else APART  # the pure master's capacities are perturbed
        assert math.isclose(programme.certify(solver), float(optimum), abs_tol=near)
        if len(week_values) == 1:
            (x,) = week_values
            assert programme.week_values(solver) == pytest.approx([float(v) for v in x], abs=near)
        if len(duals) == 1:
            (pi,) = duals
            assert programme.masters[solver].duals() == pytest.approx([float(v) for v in pi], abs=near)


def best_whole(programme: Programme) -> int:
    """The least cost of a whole solution, by enumerating every group's split of its members over its weeks."""
    m = len(programme.rhs)
    per_group = {r: [w for w, (_, g, _) in enumerate(programme.weeks) if g == r] for r in programme.unscheduled}
    best: int | None = None
    splits = []
    for r, options in per_group.items():
        n = programme.rhs[r]
        splits.append([c for c in itertools.product(range(n + 1), repeat=len(options)) if sum(c) <= n])
    for choice in itertools.product(*splits):
        use = [0] * m
        cost = 0
        for (r, options), counts in zip(per_group.items(), choice, strict=True):
            cost += programme.unscheduled[r] * (programme.rhs[r] - sum(counts))
            for w, k in zip(options, counts, strict=True):
                cost += programme.weeks[w][0] * k
                for q in programme.weeks[w][2]:
                    use[q] += k
        if all(use[q] <= programme.rhs[q] for q in range(m) if not programme.is_group[q]):
            best = cost if best is None else min(best, cost)
    assert best is not None
    return best


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 3), st.integers(1, 40)), min_size=1, max_size=3),
    st.lists(st.integers(0, 3), min_size=3, max_size=3),
    tiny_weeks(3, 5),
)
def test_highs_finds_the_best_whole_solution_over_the_masters_weeks(
    groups: list[tuple[int, int]], seats: list[int], weeks: list[Week]
) -> None:
    """HiGHS's branch and bound over the master's weeks finds the least whole cost (by enumeration), only
    below a given cost; the pure master has none and says so."""
    programme = tiny(groups, seats, weeks, [])
    best = best_whole(programme)
    highs = programme.masters["highs"]
    x = highs.solve_integer(10_000)
    assert x is not None and all(abs(v - round(v)) <= TOL for v in x)
    weeks_taken = [x[j] for j in programme.column["highs"]]
    cost = sum(c * v for (c, _, _), v in zip(programme.weeks, weeks_taken, strict=True))
    taken = dict.fromkeys(programme.unscheduled, 0.0)
    for v, (_, g, _) in zip(weeks_taken, programme.weeks, strict=True):
        taken[g] += v
    cost += sum(programme.unscheduled[r] * (programme.rhs[r] - t) for r, t in taken.items())
    assert round(cost) == best
    assert highs.solve_integer(10_000, below=best) is None
    assert highs.solve_integer(10_000, below=best + 0.5) is not None
    assert programme.masters["python"].solve_integer(10_000) is None
    # The branch and bound ran on a copy: the master's own optimum is as it was.
    assert math.isclose(programme.certify("highs"), programme.certify("python"), abs_tol=APART)


def test_auto_is_highs_when_installed_and_each_choice_stands_for_a_solver() -> None:
    """ "auto" picks HiGHS here (the test extra installs it); the explicit choices stand for themselves."""
    assert LP_SOLVERS == ("auto", "highs", "python")
    assert resolve_lp_solver("auto") == "highs"
    assert resolve_lp_solver("highs") == "highs"
    assert resolve_lp_solver("python") == "python"


def test_the_pure_master_keeps_its_row_limit_and_highs_has_none_unless_the_tuning_sets_one() -> None:
    """Unset in the tuning, the pure master stops at 400 capacity rows and HiGHS never; a tuning's limit holds for both."""
    assert max_capacity_rows("python", None) == PURE_MAX_ROWS == 400
    assert max_capacity_rows("highs", None) is None
    assert max_capacity_rows("python", 7) == max_capacity_rows("highs", 7) == 7
    assert max_capacity_rows("python", 0) == max_capacity_rows("highs", 0) == 0


def test_when_highspy_cannot_be_imported_auto_falls_back_and_highs_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "highspy", None)  # importing it now raises ImportError
    assert not highs_available()
    assert resolve_lp_solver("auto") == "python"
    with pytest.raises(HighsNotInstalledError):
        resolve_lp_solver("highs")


def test_an_unbounded_master_says_so() -> None:
    """Only a negative cost outside every group row makes a master unbounded (the solver's costs never are):
    HiGHS reports it as a failed solve; the pure master (generalized upper bounds) takes no such week."""
    highs = new_master("highs", 1_000.0)
    highs.add_group(1, 5)
    highs.add_week(-1.0, [])
    assert highs.solve(10) is False and highs.status == "failed (Unbounded)"
    pure = new_master("python", 1_000.0)
    pure.add_group(1, 5)
    with pytest.raises(AssertionError, match="exactly one group"):
        pure.add_week(-1.0, [])


WITHOUT_HIGHSPY = """
import sys
sys.modules["highspy"] = None  # as if the extra were not installed: importing it raises ImportError
from iopcore.errors import HighsNotInstalledError
from iopcore.schedule import CohortPatient, CohortProblem, ComponentBound, Offering, WeekRules, solve_cohort
from iopcore.schedule._cohort_solver.master import resolve_lp_solver
from iopcore.times import ClockTime, Weekday
print(resolve_lp_solver("auto"), resolve_lp_solver("python"))
offerings = tuple(
    Offering(id=f"g{i}", component="group_therapy", weekday=Weekday.MONDAY, start=ClockTime(9 + i, 0),
             end=ClockTime(10 + i, 0), seats=1)
    for i in range(3)
)
rules = WeekRules(components={"group_therapy": ComponentBound(min=2, max=2)})
problem = CohortProblem(offerings=offerings, patients=tuple(CohortPatient(id=f"p{i}", rules=rules) for i in range(3)))
print(solve_cohort(problem) == solve_cohort(problem, lp_solver="python"))
try:
    solve_cohort(problem, lp_solver="highs")
except HighsNotInstalledError as exc:
    print(type(exc).__name__, isinstance(exc, ImportError))
print("highspy" in sys.modules and sys.modules["highspy"] is not None)
"""


def test_without_highspy_auto_is_the_pure_master_and_highs_is_refused() -> None:
    """In a process where highspy cannot be imported, "auto" means the pure master (the same answers as
    choosing it), and asking for HiGHS raises HighsNotInstalledError (an ImportError)."""
    out = subprocess.run([sys.executable, "-c", WITHOUT_HIGHSPY], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:4] == ["python python", "True", "HighsNotInstalledError True", "False"]


def test_highs_not_installed_error_says_how_to_install_and_pickles() -> None:
    """The error names the extra to install and survives pickling."""
    exc = HighsNotInstalledError()
    assert "pip install highspy" in str(exc) and exc.name == "highspy"
    assert str(pickle.loads(pickle.dumps(exc))) == str(exc)
