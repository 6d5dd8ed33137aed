"""The HiGHS master: silent, single-threaded and deterministic, within its pivot and time limits."""

from __future__ import annotations

import subprocess
import sys

import pytest

from iopcore.schedule import check_cohort, solve_cohort
from iopcore.schedule._cohort_solver.highs import HighsMaster, highs_available
from tests.schedule.builders import HEURISTIC, crowded

pytest.importorskip("highspy")


def two_members_one_seat() -> tuple[HighsMaster, int, int]:
    """Two members, one week each can take, then a capacity of one seat on it (it cuts the solution)."""
    master = HighsMaster()
    row = master.add_group(2, 50)
    week = master.add_week(10.0, [row])
    assert master.solve(100) and master.objective() == 20.0
    return master, row, week


def test_a_row_cutting_the_solution_is_solved_from_the_last_basis_with_the_pure_masters_signs() -> None:
    """As in the pure master: one member takes the week, one is left out, and the seat is worth 50 - 10."""
    master, row, week = two_members_one_seat()
    seat = master.add_capacity(1.0, [week])
    assert master.solve(100) and master.status == "optimal"
    assert master.objective() == 60.0
    assert master.values()[week] == 1.0
    assert master.duals() == [50.0, -40.0]
    assert (row, seat, master.rows) == (0, 1, 2)


def test_values_and_duals_of_rows_and_columns_added_since_the_last_solve_are_zero() -> None:
    master, row, _ = two_members_one_seat()
    later = master.add_week(5.0, [row])
    master.add_capacity(3.0, [later])
    assert master.values()[later] == 0.0
    assert master.duals()[-1] == 0.0


def test_an_empty_master_is_optimal_at_once() -> None:
    master = HighsMaster()
    assert master.solve(0) and master.rows == 0 and master.objective() == 0.0 and master.values() == []


def test_a_solve_out_of_pivots_says_so_and_the_next_one_continues() -> None:
    master = HighsMaster()
    row = master.add_group(1, 50)
    master.add_week(10.0, [row])
    assert master.solve(0) is False and master.status == "pivot limit"
    assert master.solve(10) is True and master.objective() == 10.0


def test_a_solve_out_of_time_calls_the_budget_check_which_stops_it() -> None:
    """With no time left, HiGHS stops at once; the tick runs before and after, and its exception propagates."""
    master, _, week = two_members_one_seat()
    master.add_capacity(1.0, [week])
    ticks: list[int] = []

    def tick() -> None:
        ticks.append(1)
        if len(ticks) > 1:
            raise TimeoutError

    with pytest.raises(TimeoutError):
        master.solve(100, tick, 0.0)
    assert master.status == "time limit" and len(ticks) == 2
    assert master.solve(100, None, 0.0) is False  # without a tick: it only says so
    assert master.solve(100) and master.objective() == 60.0  # the limit was this solve's only


def test_the_time_limit_counts_from_each_solve() -> None:
    """HiGHS counts time from an instance's first run: each solve gets its run time so far plus the time left."""
    master, row, _ = two_members_one_seat()
    for cost in range(20):
        master.add_week(9.0 - cost / 10, [row])
        assert master.solve(100, None, 10.0)


def test_highs_runs_single_threaded_silent_and_seeded() -> None:
    master = HighsMaster()
    options = {
        name: master._highs.getOptionValue(name)[1] for name in ("threads", "output_flag", "parallel", "random_seed")
    }
    assert options == {"threads": 1, "output_flag": False, "parallel": "off", "random_seed": 0}
    assert highs_available()


SILENT = """
from iopcore.schedule import solve_cohort
from tests.schedule.builders import HEURISTIC, crowded
schedule = solve_cohort(crowded(12, 1), tuning=HEURISTIC, lp_solver="highs")
assert schedule.optimal
"""


def test_solving_with_highs_prints_nothing() -> None:
    """In a fresh process (HiGHS writes its banner once per process, when it does), nothing reaches stdout or stderr."""
    out = subprocess.run([sys.executable, "-c", SILENT], capture_output=True, text=True, check=True)
    assert (out.stdout, out.stderr) == ("", "")


@pytest.mark.parametrize(("n", "shift"), [(10, 1), (12, 1), (12, 5)])
def test_the_same_work_limit_gives_the_same_answer_twice(n: int, shift: int) -> None:
    """Single-threaded HiGHS is deterministic: the same problem and work limit give the same schedule."""
    problem = crowded(n, shift)
    for work in (30, 200):
        first = solve_cohort(problem, work_limit=work, tuning=HEURISTIC, lp_solver="highs")
        assert first == solve_cohort(problem, work_limit=work, tuning=HEURISTIC, lp_solver="highs")
        assert check_cohort(problem, first) == ()


LAZY = """
import sys
import iopcore
import iopcore.schedule
from iopcore.schedule import solve_cohort
from tests.schedule.builders import HEURISTIC, crowded
assert "highspy" not in sys.modules, "import iopcore loaded highspy"
solve_cohort(crowded(12, 1), work_limit=50, tuning=HEURISTIC, lp_solver="python")
assert "highspy" not in sys.modules, "the pure master loaded highspy"
solve_cohort(crowded(12, 1), work_limit=50, tuning=HEURISTIC)
assert "highspy" in sys.modules, "auto did not pick HiGHS"
"""


def test_highspy_is_imported_only_when_highs_or_auto_is_chosen() -> None:
    """Installed or not, highspy is not loaded by ``import iopcore`` nor by a solve with the pure master;
    "auto" loads it (to see whether it is installed)."""
    subprocess.run([sys.executable, "-c", LAZY], capture_output=True, text=True, check=True)
