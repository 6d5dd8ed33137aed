"""Foundation benchmark: `import iopcore` time and to_dict/from_dict throughput for a realistic program.

Run: .venv/bin/python benchmarks/run.py foundation

Import times are taken with a warm bytecode cache, as an installed package has (pip writes the
``.pyc`` files at install): the children write and read their cache in a temporary
``PYTHONPYCACHEPREFIX``, after one warm-up run, whatever ``PYTHONDONTWRITEBYTECODE`` says. Without
that, whether a checkout's ``__pycache__`` happens to exist decided the figure: with
``PYTHONDONTWRITEBYTECODE=1`` (set on the project's shared machine) every run compiled iopcore's
sources. That cost, the compile of every source the foundation loads, is printed on its own line
(iopcore copied without caches, the standard library and site-packages with theirs).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


FOUNDATION = IMPORTS["import iopcore + the foundation's names"]


def import_times(code: str = "import iopcore", runs: int = 15, *, cache: str | None = None) -> list[float]:
    """Milliseconds for *code* in fresh interpreters (interpreter start-up excluded).

    With *cache* (a directory), bytecode is written to and read from there (one warm-up run first).
    """
    env = dict(os.environ)
    if cache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache
        subprocess.check_call([sys.executable, "-c", code], env=env)
    timed = f"import time; t = time.perf_counter()\n{code}\nprint((time.perf_counter() - t) * 1000)"
    return [float(subprocess.check_output([sys.executable, "-c", timed], text=True, env=env)) for _ in range(runs)]


def compiled_import_times(code: str, runs: int = 15) -> list[float]:
    """Milliseconds for *code* with iopcore's sources compiled on every run (a copy without ``__pycache__``)."""
    import iopcore

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(
            Path(iopcore.__file__).parent, Path(tmp, "iopcore"), ignore=shutil.ignore_patterns("__pycache__")
        )
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=tmp)
        env.pop("PYTHONPYCACHEPREFIX", None)
        timed = f"import time; t = time.perf_counter()\n{code}\nprint((time.perf_counter() - t) * 1000)"
        check = "import iopcore, sys; sys.exit(not iopcore.__file__.startswith(sys.argv[1]))"
        subprocess.check_call([sys.executable, "-c", check, tmp], env=env)
        return [float(subprocess.check_output([sys.executable, "-c", timed], text=True, env=env)) for _ in range(runs)]


def _line(label: str, times: list[float], note: str) -> str:
    times = sorted(times)
    return (
        f"{label}: median {statistics.median(times):.1f} ms, min {times[0]:.1f} ms, max {times[-1]:.1f} ms "
        f"({len(times)} fresh interpreters; {note})"
    )


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
    with tempfile.TemporaryDirectory() as cache:
        for label, code in IMPORTS.items():
            print(_line(label, import_times(code, cache=cache), "bytecode cached; target < 150 ms"), flush=True)
    print(_line("the foundation's names, iopcore's sources compiled", compiled_import_times(FOUNDATION), "no target"))

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
