"""Results do not depend on PYTHONHASHSEED (issue 13, item 5).

Sets and dicts of strings iterate in an order that changes with the hash seed; a result that
followed that order would differ between two processes given the same input. The test runs the
same computations in two interpreters with different seeds and compares what they print.
"""

from __future__ import annotations

import os
import subprocess
import sys
import types
import typing
from pathlib import Path
from typing import Any

import attrs

from iopcore import _fields as f
from iopcore.levels import TransitionKind
from tests.public import public_attrs_classes

ROOT = Path(__file__).resolve().parents[1]

COMPUTATIONS = r"""
import json, random
from datetime import timedelta
from iopcore.compliance import Analyte, AttendanceStatus, ComplianceRecords, DrugTestStatus, evaluate
from iopcore.schedule import Preferences, solve, solve_cohort
from iopcore.serialization import to_dict
from iopcore.times import Weekday
from tests import builders
from tests.schedule.builders import crowded

import attrs
from iopcore.part2 import PART2_2024_RULES, Purpose
from iopcore.plans import DEFAULT_REVIEW_POLICY

SET_VALUES = [
    attrs.evolve(DEFAULT_REVIEW_POLICY, instruments={f"instrument_{i}" for i in range(20)}),
    attrs.evolve(PART2_2024_RULES, open_expiry_purposes=set(Purpose)),
]
rnd = random.Random(13)
items = []
for p in range(4):
    pid = f"p{p}"
    start = builders.MONDAY + timedelta(days=rnd.randrange(5))
    items.append(builders.admission(f"a{p}", start, pid=pid))
    for i in range(30):
        status = rnd.choice(list(AttendanceStatus))
        items.append(builders.session(f"s{p}_{i}", start + timedelta(days=rnd.randrange(42)), rnd.choice([60, 180, 240]), pid=pid, status=status))
    for i in range(6):
        status = rnd.choice(list(DrugTestStatus))
        analyte = rnd.choice([Analyte.THCA, Analyte.BUPRENORPHINE])
        results = (builders.confirm(analyte, rnd.choice([0.0, 15.0, 99.0])),) if status is DrugTestStatus.COLLECTED else ()
        items.append(builders.drug_test(f"t{p}_{i}", start + timedelta(days=rnd.randrange(42)), pid=pid, results=results, status=status))
records = ComplianceRecords.of(items)
report = evaluate(builders.FULL, records, builders.MONDAY + timedelta(days=45))
out = {
    "compliance": to_dict(report),
    "compliance_text": [str(f) for f in report.findings],
    "cohort": to_dict(solve_cohort(crowded(14, 2), work_limit=3000, seed=1)),
    "week": to_dict(solve(builders.document_week_problem())),
    "sets": to_dict(Preferences(preferred_days=frozenset(Weekday), keep=frozenset(f"offering_{i}" for i in range(40)))),
    "cohort_problem": to_dict(builders.document_cohort_problem()),
    "reprs": [repr(v) for v in SET_VALUES],
}
print(json.dumps(out, sort_keys=False))
"""


def _frozenset_fields() -> list[tuple[type, attrs.Attribute[Any]]]:
    found = []
    for cls in public_attrs_classes():
        hints = typing.get_type_hints(cls)
        for a in attrs.fields(cls):
            t = hints.get(a.name)
            members = typing.get_args(t) if typing.get_origin(t) in (typing.Union, types.UnionType) else (t,)
            if any(typing.get_origin(m) is frozenset or m is frozenset for m in members) and a.repr is not False:
                found.append((cls, a))
    return found


def test_frozenset_fields_repr_their_members_sorted() -> None:
    """A frozenset iterates in an order that follows PYTHONHASHSEED, so every frozenset field of a public class
    shows its members sorted (``f.set_repr``), or is an identifier (redacted)."""
    unsorted = {
        f"{cls.__module__}.{cls.__qualname__}.{a.name}"
        for cls, a in _frozenset_fields()
        if a.repr is not f.set_repr and not f.is_phi(a)
    }
    assert not unsorted
    assert len(_frozenset_fields()) > 20  # the scan sees the fields


def test_set_repr_sorts_members() -> None:
    """Strings and numbers by their order, enum members by their repr; an empty set and a non-set as Python shows them."""
    assert f.set_repr(frozenset({"b", "a", "c"})) == "frozenset({'a', 'b', 'c'})"
    assert f.set_repr(frozenset({3, 1, 2})) == "frozenset({1, 2, 3})"
    kinds = frozenset({TransitionKind.STEP_UP, TransitionKind.LATERAL})
    assert f.set_repr(kinds) == f"frozenset({{{', '.join(sorted(map(repr, kinds)))}}})"
    assert f.set_repr(frozenset()) == "frozenset()"
    assert f.set_repr(None) == "None"
    assert repr(f.FrozenMap({"k": frozenset({"b", "a"})})) == "FrozenMap({'k': frozenset({'a', 'b'})})"
    assert repr(f.FrozenMap({"k": ("b", "a")})) == "FrozenMap({'k': ('b', 'a')})"


def run_with_seed(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", COMPUTATIONS], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_results_are_the_same_under_two_hash_seeds() -> None:
    """A compliance evaluation, a cohort and a week solved, documents holding sets and reprs of values holding
    frozensets print the same under seeds 1 and 4242."""
    first, second = run_with_seed("1"), run_with_seed("4242")
    assert len(first) > 10_000  # the computations did run and print
    assert first == second
