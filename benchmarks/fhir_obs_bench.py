"""FHIR export benchmark: the score and drug-test Observations of a whole program.

    .venv/bin/python benchmarks/run.py fhir_obs                  # 10,000 patients, 12 weeks (the issue's size)
    .venv/bin/python benchmarks/run.py fhir_obs --patients 1000  # smaller, for quick runs

The records are compliance_bench's (``build``: 12-week episodes, about 15 drug tests per patient,
some missed, THCA confirmation and buprenorphine screen results), each test's specimen validity
redrawn here at the precision labs report (creatinine in whole mg/dL, specific gravity to 0.001,
pH to 0.1; 5 % dilute), since ``build`` gives every test one of two validity values and an export
that shares a measurement's component between tests would look faster on such data than on a lab's.
Scores: a PHQ-9 and a GAD-7 every week for each patient (24 per patient), totals and bands drawn
from a seeded generator over each instrument's range. The timed step is one call each of the score
and the drug-test writer (with every collected urine test's interpretation against the example
clinical panel, computed beforehand), read to the end: the dicts (``scores_to_fhir``,
``drug_tests_to_fhir``); the NDJSON lines (``scores_to_ndjson``, ``drug_tests_to_ndjson``, made as
they are read) each dropped once read, as a writer drops them (the export's own cost), then written
to the null device (with the UTF-8 encoding a file adds), then all kept in a tuple. The wall time
of both writers together is reported against the issue's 2 s.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
from collections.abc import Iterator, Sequence, Sized
from datetime import timedelta
from pathlib import Path

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compliance_bench import START, build

from iopcore.assessment import INSTRUMENTS, DatedScore
from iopcore.compliance import EXAMPLE_CLINICAL_URINE_PANEL, DrugTest, DrugTestStatus, SpecimenValidity, interpret
from iopcore.fhir import References, drug_tests_to_fhir, drug_tests_to_ndjson, scores_to_fhir, scores_to_ndjson


def scores(patients: int, seed: int = 19) -> list[DatedScore]:
    rnd = random.Random(seed)
    out: list[DatedScore] = []
    for p in range(patients):
        for week in range(12):
            for iid in ("phq9", "gad7"):
                inst = INSTRUMENTS[iid]
                total = rnd.randint(0, inst.max_total)
                band = inst.default_scheme.band_for(total) if inst.default_scheme is not None else None
                day = START + timedelta(days=7 * week + rnd.randrange(5))
                out.append(DatedScore(patient_id=f"patient-{p}", instrument=iid, on=day, total=total, band=band))
    return out


def varied_validity(tests: Sequence[DrugTest], seed: int = 19) -> list[DrugTest]:
    """*tests* with specimen-validity values as varied as a lab's (collected ones; seeded)."""
    rnd = random.Random(seed)
    out = []
    for t in tests:
        if t.status is DrugTestStatus.COLLECTED:
            if rnd.random() < 0.05:  # dilute: creatinine < 20 mg/dL and specific gravity < 1.003
                validity = SpecimenValidity(
                    creatinine_mg_dl=rnd.randint(5, 19), specific_gravity=rnd.choice((1.001, 1.002)), ph=6.5
                )
            else:
                validity = SpecimenValidity(
                    creatinine_mg_dl=rnd.randint(20, 300),
                    specific_gravity=round(rnd.uniform(1.003, 1.030), 3),
                    ph=round(rnd.uniform(4.5, 8.5), 1),
                )
            t = attrs.evolve(t, validity=validity)
        # collected at the patient's own minute of the clinic day (a lab's times, not a few shared slots)
        out.append(
            attrs.evolve(t, collected_at=t.collected_at.replace(hour=rnd.randint(8, 17), minute=rnd.randrange(60)))
        )
    return out


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="fhir_obs_bench")
    parser.add_argument("--patients", type=int, default=10_000)
    args = parser.parse_args(argv)
    records = build(args.patients)
    tests = varied_validity(records.drug_tests)
    dated = scores(args.patients)
    refs = References(patients={f"patient-{p}": f"Patient/{p}" for p in range(args.patients)})
    readings = [interpret(t, EXAMPLE_CLINICAL_URINE_PANEL) for t in tests if t.status is DrugTestStatus.COLLECTED]
    print(
        f"patients={args.patients} scores={len(dated)} drug_tests={len(tests)} "
        f"distinct collection times={len({t.collected_at for t in tests})}"
    )
    writers = (
        ("dicts (scores_to_fhir, drug_tests_to_fhir)", scores_to_fhir, drug_tests_to_fhir, tuple),
        # NDJSON lines are made as they are read: an application writes them out (file.writelines), each
        # dropped once written. Timed three ways: read and dropped (the export's own cost), written to the
        # null device (with the text's UTF-8 encoding, which a file adds), and all kept in memory.
        ("NDJSON lines, each dropped once read", scores_to_ndjson, drug_tests_to_ndjson, _drain),
        (
            "NDJSON lines written to os.devnull (file.writelines, UTF-8)",
            scores_to_ndjson,
            drug_tests_to_ndjson,
            _write_out,
        ),
        ("NDJSON lines, all kept (tuple(lines))", scores_to_ndjson, drug_tests_to_ndjson, tuple),
    )
    for label, score_writer, test_writer, read in writers:
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        score_obs = read(score_writer(dated, references=refs))
        t1 = time.perf_counter()
        test_obs = read(test_writer(tests, references=refs, interpretations=readings))
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"{label}: {len(score_obs) + len(test_obs)} Observations")
        print(f"  score observations:     {t1 - t0:.2f} s wall")
        print(f"  drug-test observations: {elapsed - (t1 - t0):.2f} s wall")
        print(f"  export:                 {elapsed:.2f} s wall, {cpu:.2f} s CPU  (target <= 2 s for 10,000 patients)")
        del score_obs, test_obs


def _drain(lines: Iterator[str]) -> Sized:
    """Read every line as a writer would, each dropped once read; what was read: a range of its length."""
    return range(sum(1 for _ in lines))


def _write_out(lines: Iterator[str]) -> Sized:
    """Write every line to the null device as UTF-8 (what ``file.writelines`` costs beside the export)."""
    written = 0

    def counted() -> Iterator[str]:
        nonlocal written
        for line in lines:
            written += 1
            yield line

    with open(os.devnull, "w", encoding="utf-8") as sink:
        sink.writelines(counted())
    return range(written)


if __name__ == "__main__":
    main(sys.argv[1:])
