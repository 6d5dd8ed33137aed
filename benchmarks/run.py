"""Run the benchmarks: every ``benchmarks/*_bench.py``, or the groups named on the command line.

    .venv/bin/python benchmarks/run.py              # every group
    .venv/bin/python benchmarks/run.py compliance   # one group (file compliance_bench.py)
    .venv/bin/python benchmarks/run.py compliance --patients 1000   # extra arguments go to the group

Each ``<group>_bench.py`` defines ``main(argv: list[str]) -> None``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def groups() -> dict[str, Path]:
    """Benchmark groups by name."""
    return {p.name.removesuffix("_bench.py"): p for p in sorted(HERE.glob("*_bench.py"))}


def run(name: str, path: Path, argv: list[str]) -> None:
    """Import one benchmark file and call its ``main``."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    print(f"== {name} ==")
    module.main(argv)


def main(argv: list[str]) -> int:
    found = groups()
    names = [a for a in argv if not a.startswith("-") and a in found]
    extra = [a for a in argv if a not in names]
    unknown = [a for a in argv if not a.startswith("-") and a not in found and not a.isdigit()]
    if unknown and not names:
        print(f"unknown group(s) {unknown}; known: {sorted(found)}", file=sys.stderr)
        return 2
    for name in names or sorted(found):
        run(name, found[name], extra if names else [])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
