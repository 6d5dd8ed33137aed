"""Instructions per score of each instrument's scorer, counted by valgrind's callgrind (deterministic).

Timings on a shared machine are noisy; instruction counts are not. For each instrument, a child
Python runs under callgrind twice: once scoring 50 forms to warm up, once scoring 1,000 more of the
same random valid forms (``assessment_bench._answers``, seed 4); the difference over 1,000 is
printed. ``--python`` names the interpreter of another checkout to compare (its own ``iopcore``)::

    .venv/bin/python benchmarks/scoring_instructions.py [--python ../base/.venv/bin/python] [ids…]

Needs valgrind. Each instrument takes about 30 s per interpreter.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

IDS = ("phq9", "phq2", "gad7", "audit", "ciwa_ar", "cows", "pcl5", "audit_c", "dast10", "cage", "crafft")
FORMS = 1000

_CHILD = """
import random, sys
sys.path.insert(0, {bench!r})
from assessment_bench import _answers
from iopcore.assessment import score
iid, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(4)
forms = [_answers(rng, iid) for _ in range(50 + {forms})]
ctx = {{"sex": "female"}} if iid == "audit_c" else {{}}
for form in forms[: 50 + n]:
    score(iid, form, **ctx)
"""


def _collected(python: str, iid: str, n: int) -> int:
    code = _CHILD.format(bench=str(Path(__file__).parent), forms=FORMS)
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", python, "-c", code, iid, str(n)],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    match = re.search(r"Collected : (\d+)", out)
    if match is None:
        raise RuntimeError(f"callgrind printed no count for {iid}")
    return int(match.group(1))


def per_score(python: str, iid: str) -> int:
    """Instructions per score of *iid* under *python*."""
    return (_collected(python, iid, FORMS) - _collected(python, iid, 0)) // FORMS


def main(argv: list[str]) -> int:
    other = None
    if argv[:1] == ["--python"]:
        other, argv = argv[1], argv[2:]
    ids = tuple(argv) or IDS
    print("| Instrument | this checkout | other | other ÷ this |" if other else "| Instrument | instructions |")
    print("|---|---|---|---|" if other else "|---|---|")
    for iid in ids:
        mine = per_score(sys.executable, iid)
        if other is None:
            print(f"| {iid} | {mine:,} |")
        else:
            theirs = per_score(other, iid)
            print(f"| {iid} | {mine:,} | {theirs:,} | {theirs / mine:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
