"""Run the benchmarks: every ``benchmarks/*_bench.py`` file, or only the groups named.

.venv/bin/python benchmarks/run.py              # every benchmark
.venv/bin/python benchmarks/run.py schedule     # benchmarks/schedule_bench.py only
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    files = sorted(HERE.glob("*_bench.py"))
    groups = {f.name.removesuffix("_bench.py"): f for f in files}
    wanted = argv or list(groups)
    unknown = [g for g in wanted if g not in groups]
    if unknown:
        print(f"unknown benchmark group(s): {', '.join(unknown)}; known: {', '.join(groups)}", file=sys.stderr)
        return 2
    status = 0
    for name in wanted:
        print(f"## {name}\n", flush=True)
        sys.path.insert(0, str(HERE))
        try:
            runpy.run_path(str(groups[name]), run_name="__main__")
        except SystemExit as exc:
            status = status or int(exc.code or 0)
        print()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
