"""Run the benchmarks: every ``benchmarks/*_bench.py``, or only the groups named on the command line.

    .venv/bin/python benchmarks/run.py              # every group
    .venv/bin/python benchmarks/run.py assessment   # benchmarks/assessment_bench.py only

Each ``<group>_bench.py`` defines ``main() -> None`` that prints its figures.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def groups() -> dict[str, Path]:
    return {p.name.removesuffix("_bench.py"): p for p in sorted(HERE.glob("*_bench.py"))}


def main(argv: list[str]) -> int:
    found = groups()
    wanted = argv or list(found)
    unknown = [g for g in wanted if g not in found]
    if unknown:
        print(f"unknown benchmark group(s): {', '.join(unknown)}; known: {', '.join(found)}", file=sys.stderr)
        return 2
    for name in wanted:
        spec = importlib.util.spec_from_file_location(f"{name}_bench", found[name])
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"== {name}")
        module.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
