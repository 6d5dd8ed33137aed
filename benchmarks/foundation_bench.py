"""Foundation benchmark: `import iopcore` time and to_dict/from_dict throughput for a realistic program.

Run: .venv/bin/python benchmarks/run.py foundation
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

IMPORTS = {
    "import iopcore": "import iopcore",
    # What `import iopcore` loaded eagerly before issue 18 (the foundation: levels, components, programs,
    # patients, times, sources, errors, _fields); since then each loads on first use of one of its names.
    "import iopcore + the foundation's names": (
        "import iopcore\n"
        "iopcore.FrozenMap, iopcore.COMPONENTS, iopcore.ErrorItem, iopcore.ASAM3, iopcore.Patient, iopcore.Program,"
        " iopcore.Source, iopcore.ClockTime"
    ),
    "from iopcore import * (every name)": "from iopcore import *",
}


def import_times(code: str = "import iopcore", runs: int = 15) -> list[float]:
    """Milliseconds for *code* in fresh interpreters (interpreter start-up excluded)."""
    timed = f"import time; t = time.perf_counter()\n{code}\nprint((time.perf_counter() - t) * 1000)"
    return [float(subprocess.check_output([sys.executable, "-c", timed], text=True)) for _ in range(runs)]


def realistic_program():  # type: ignore[no-untyped-def]
    from iopcore import ASAM3, Population, Program, Track, WeeklyAvailability
    from iopcore.components import RELAPSE_PREVENTION_BASICS

    return Program.from_level(
        ASAM3.level("2.1"),
        Population.ADULT,
        id="adult_iop",
        name="Adult IOP",
        tracks=[
            Track(id="morning", name="Morning", windows=WeeklyAvailability.daily("09:00", "12:00")),
            Track(id="evening", name="Evening", windows=WeeklyAvailability.daily("18:00", "21:00")),
        ],
        curricula=[RELAPSE_PREVENTION_BASICS],
        min_hours_per_day=2,
    )


def throughput(fn, seconds: float = 1.0) -> float:  # type: ignore[no-untyped-def]
    """Calls per second of *fn*, best of 5 batches of about *seconds*/5 each."""
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed > 0.05:
            break
        n *= 2
    rates = []
    batch = max(1, int(n * (seconds / 5) / elapsed))
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(batch):
            fn()
        rates.append(batch / (time.perf_counter() - start))
    return max(rates)


def main() -> None:
    for label, code in IMPORTS.items():
        times = sorted(import_times(code))
        print(
            f"{label}: median {statistics.median(times):.1f} ms, min {times[0]:.1f} ms, max {times[-1]:.1f} ms "
            f"({len(times)} fresh interpreters; target < 150 ms)"
        )

    from iopcore import Program, from_dict, to_dict

    program = realistic_program()
    data = to_dict(program)
    size = len(json.dumps(data))
    assert from_dict(Program, data) == program
    out_rate = throughput(lambda: to_dict(program))
    in_rate = throughput(lambda: from_dict(Program, data))
    print(f"realistic program: {len(program.components)} components, 2 tracks, 1 curriculum, {size:,} bytes of JSON")
    print(f"to_dict:   {out_rate:,.0f} programs/s ({1e6 / out_rate:,.0f} µs each)")
    print(f"from_dict: {in_rate:,.0f} programs/s ({1e6 / in_rate:,.0f} µs each)")


if __name__ == "__main__":
    main()
