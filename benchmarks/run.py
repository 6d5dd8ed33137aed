"""Run iopcore's benchmarks: every ``benchmarks/<group>_bench.py``, or the groups named.

Usage:
    .venv/bin/python benchmarks/run.py                # all groups
    .venv/bin/python benchmarks/run.py foundation     # one group
    .venv/bin/python benchmarks/run.py --list         # list the groups
    .venv/bin/python benchmarks/run.py compliance --patients 1000   # options go to the group
    .venv/bin/python benchmarks/run.py views      # HTML size and time of the 10,000-patient report's view
    .venv/bin/python benchmarks/run.py dask           # compliance by patient partitions on a local Dask cluster (the dask extra)

Each group runs in its own interpreter so that import costs and caches do not leak between them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def groups() -> dict[str, Path]:
    return {p.name.removesuffix("_bench.py"): p for p in sorted(HERE.glob("*_bench.py"))}


def main(argv: list[str]) -> int:
    available = groups()
    if "--list" in argv:
        print("\n".join(available))
        return 0
    # Group names come first; everything from the first option on goes to each group
    # (so that option values such as ``--patients 1000`` are not read as groups).
    first_option = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    wanted = argv[:first_option] or list(available)
    unknown = [g for g in wanted if g not in available]
    if unknown:
        print(f"unknown group(s): {', '.join(unknown)}; known: {', '.join(available)}", file=sys.stderr)
        return 2
    extra = argv[first_option:]
    status = 0
    for name in wanted:
        print(f"=== {name} ===", flush=True)
        status |= subprocess.call([sys.executable, str(available[name]), *extra])
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
