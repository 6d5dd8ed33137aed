"""Plugin benchmark: what iopcore's Hypothesis entry point adds to ``import hypothesis``.

Every process in an environment where iopcore is installed runs the entry point when it imports
Hypothesis, whether it uses iopcore or not. Two measures, in fresh interpreters (start-up excluded),
the variants alternating so that they see the same load:

1. The entry point itself (the issue-18 target, ≤ 20 ms): after ``import hypothesis`` with
   ``HYPOTHESIS_NO_PLUGINS=1``, the time to do what Hypothesis does with iopcore's entry point, load
   ``iopcore._hypothesis_plugin`` and call its hook.
2. End to end: ``import hypothesis`` with plugins against ``HYPOTHESIS_NO_PLUGINS=1``. The difference
   also holds Hypothesis's own scan of the installed distributions for entry points
   (``importlib.metadata.entry_points``), which every environment pays whatever is installed; it is
   timed on its own too. In iopcore's test environment iopcore's is the only Hypothesis plugin.

    .venv/bin/python benchmarks/run.py plugin                    # 41 runs of each measure
    .venv/bin/python benchmarks/run.py plugin --runs 101
    .venv/bin/python benchmarks/run.py plugin --src ../main/src  # another iopcore tree (an earlier commit)

``--src`` puts another checkout's ``src`` first on ``PYTHONPATH``: the installed entry point then loads
that tree's plugin, which measures the commit before a change back to back with it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

HOOK = """
import sys, time
import hypothesis
before = set(sys.modules)
t = time.perf_counter()
from iopcore._hypothesis_plugin import _hypothesis_setup_hook
_hypothesis_setup_hook()
elapsed = (time.perf_counter() - t) * 1000
print(__import__("json").dumps([elapsed, sorted(set(sys.modules) - before)]))
"""

SCAN = """
import importlib.metadata, time
t = time.perf_counter()
list(importlib.metadata.entry_points(group="hypothesis"))
print(__import__("json").dumps([(time.perf_counter() - t) * 1000, []]))
"""

CODE = """
import sys, time
before = set(sys.modules)
t = time.perf_counter()
import hypothesis
elapsed = (time.perf_counter() - t) * 1000
print(__import__("json").dumps([elapsed, sorted(set(sys.modules) - before)]))
"""


def measure(*, plugins: bool, src: str | None, code: str = CODE) -> tuple[float, list[str]]:
    """Milliseconds of one fresh run of *code* (``import hypothesis`` by default) and the modules it loaded."""
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_NO_PLUGINS"}
    if not plugins:
        env["HYPOTHESIS_NO_PLUGINS"] = "1"
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    elapsed, modules = json.loads(subprocess.check_output([sys.executable, "-c", code], text=True, env=env))
    return float(elapsed), list(modules)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=41, help="fresh interpreters per measure (default 41)")
    parser.add_argument("--src", default=None, help="an iopcore src directory to measure instead of the installed one")
    args = parser.parse_args(argv)

    hook: list[float] = []
    scan: list[float] = []
    hook_modules: set[str] = set()
    for _ in range(args.runs):
        elapsed, modules = measure(plugins=False, src=args.src, code=HOOK)
        hook.append(elapsed)
        hook_modules |= set(modules)
        scan.append(measure(plugins=False, src=args.src, code=SCAN)[0])
    print(
        f"the entry point (load iopcore._hypothesis_plugin, run its hook): median {statistics.median(hook):.2f} ms "
        f"(min {min(hook):.2f} ms, {len(hook_modules)} modules: {', '.join(sorted(hook_modules)[:5])}"
        f"{', …' if len(hook_modules) > 5 else ''}; target ≤ 20 ms)"
    )
    print(f"Hypothesis's scan for entry points (any environment): median {statistics.median(scan):.1f} ms")

    with_plugin: list[float] = []
    without: list[float] = []
    added: set[str] = set()
    for i in range(args.runs):
        # Alternate which variant goes first, so neither always runs on a warmer machine.
        for plugins in (True, False) if i % 2 == 0 else (False, True):
            elapsed, modules = measure(plugins=plugins, src=args.src)
            (with_plugin if plugins else without).append(elapsed)
            if plugins:
                added |= set(modules)
            else:
                added -= set(modules)
    _, plain = measure(plugins=False, src=args.src)
    added -= set(plain)
    a, b = statistics.median(with_plugin), statistics.median(without)
    print(f"import hypothesis with iopcore's entry point:  median {a:.1f} ms (min {min(with_plugin):.1f} ms)")
    print(f"import hypothesis with HYPOTHESIS_NO_PLUGINS=1: median {b:.1f} ms (min {min(without):.1f} ms)")
    print(f"difference: {a - b:+.1f} ms (medians of {args.runs} pairs; the entry point and the scan)")
    iopcore_modules = sorted(m for m in added if m.startswith("iopcore"))
    print(f"modules it adds: {len(added)} ({len(iopcore_modules)} of iopcore: {', '.join(iopcore_modules)})")


if __name__ == "__main__":
    main(sys.argv[1:])
