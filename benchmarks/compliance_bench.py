"""Compliance benchmark: 12-week episodes for N patients under a full rule set.

    .venv/bin/python benchmarks/run.py compliance                  # 10,000 patients (the issue's target size)
    .venv/bin/python benchmarks/run.py compliance --patients 1000  # smaller, for quick runs

Per patient: an admission, 12 ISO weeks of sessions (4 days a week, one to three
sessions a day, about 1 in 10 absent or excused: ~50 attendance records),
about 15 drug tests (some missed, some dilute or positive), medications, plan
events, an authorization and certifications. Records are built first (timed
separately, then a full garbage collection); the measured step is
``evaluate(ruleset, records, as_of)``; wall-clock and CPU time are reported. Peak
memory is measured with ``tracemalloc`` in a second, separate evaluation
(tracemalloc slows Python down, so it is not timed).
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

# ``benchmarks/run.py`` runs this file as a script: put the repository root on the path so that
# the rule set comes from the tests' shared builders (``tests.builders.FULL``), not a copy.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from iopcore.compliance import (
    AdmissionRecord,
    Analyte,
    AnalyteResult,
    AttendanceRecord,
    AttendanceStatus,
    Certification,
    CertificationKind,
    ComplianceRecords,
    DrugTest,
    DrugTestStatus,
    MedicationAdministration,
    PayerAuthorization,
    PlanEvent,
    PlanEventKind,
    SpecimenValidity,
    TestMethod,
    evaluate,
)
from iopcore.times import DateRange, Minutes
from tests.builders import FULL

TZ = timezone(timedelta(hours=-5))
START = date(2026, 1, 5)


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def build(patients: int, seed: int = 6) -> ComplianceRecords:
    """A bundle of 12-week episodes (deterministic for a seed)."""
    rnd = random.Random(seed)
    adm: list[AdmissionRecord] = []
    att: list[AttendanceRecord] = []
    tests: list[DrugTest] = []
    meds: list[MedicationAdministration] = []
    plans: list[PlanEvent] = []
    auths: list[PayerAuthorization] = []
    certs: list[Certification] = []
    normal = SpecimenValidity(creatinine_mg_dl=80, specific_gravity=1.015, ph=6.5)
    dilute = SpecimenValidity(creatinine_mg_dl=10, specific_gravity=1.002, ph=6.5)
    statuses = [AttendanceStatus.ATTENDED] * 17 + [
        AttendanceStatus.ABSENT,
        AttendanceStatus.EXCUSED,
        AttendanceStatus.LATE,
    ]
    for p in range(patients):
        pid = f"patient-{p}"
        first = START + timedelta(days=rnd.randrange(7))
        adm.append(
            AdmissionRecord(
                id=f"{pid}/adm",
                patient_id=pid,
                admitted_at=_at(first, 8),
                discharged_at=_at(first + timedelta(days=83), 17),
            )
        )
        n = 0
        for week in range(12):
            for weekday in rnd.sample(range(7), 4):
                day = first + timedelta(days=7 * week + weekday)
                for slot in range(2 if rnd.random() < 0.05 else 1):
                    status = rnd.choice(statuses)
                    minutes = 180 if slot == 0 else 60
                    present = status in (AttendanceStatus.ATTENDED, AttendanceStatus.LATE)
                    n += 1
                    att.append(
                        AttendanceRecord(
                            id=f"{pid}/att/{n}",
                            patient_id=pid,
                            occurrence_id=f"occ/{day.isoformat()}/{slot}",
                            component_id="group_therapy",
                            start=_at(day, 9 + 3 * slot),
                            end=_at(day, 9 + 3 * slot) + timedelta(minutes=minutes),
                            scheduled_minutes=Minutes(minutes),
                            attended_minutes=Minutes(minutes if present else 0),
                            status=status,
                        )
                    )
        for t in range(15):
            day = first + timedelta(days=rnd.randrange(84))
            status = DrugTestStatus.MISSED if rnd.random() < 0.05 else DrugTestStatus.COLLECTED
            results = ()
            if status is DrugTestStatus.COLLECTED:
                results = (
                    AnalyteResult(
                        analyte=Analyte.THCA,
                        concentration_ng_ml=rnd.choice((0.0, 0.0, 0.0, 30.0)),
                        method=TestMethod.CONFIRMATION,
                    ),
                    AnalyteResult(
                        analyte=Analyte.BUPRENORPHINE,
                        concentration_ng_ml=rnd.choice((0.0, 20.0)),
                        method=TestMethod.SCREEN,
                    ),
                )
            tests.append(
                DrugTest(
                    id=f"{pid}/test/{t}",
                    patient_id=pid,
                    collected_at=_at(day, 10),
                    status=status,
                    validity=dilute if rnd.random() < 0.05 else normal,
                    results=results,
                )
            )
        for m in range(4):
            meds.append(
                MedicationAdministration(
                    id=f"{pid}/med/{m}",
                    patient_id=pid,
                    medication="buprenorphine",
                    administered_at=_at(first + timedelta(days=21 * m), 8),
                    expected_analytes=frozenset({Analyte.BUPRENORPHINE}),
                )
            )
        plans.append(
            PlanEvent(
                id=f"{pid}/plan/0",
                patient_id=pid,
                plan_id="plan",
                kind=PlanEventKind.CREATED,
                occurred_at=_at(first + timedelta(days=rnd.randrange(10)), 12),
            )
        )
        plans.append(
            PlanEvent(
                id=f"{pid}/plan/1",
                patient_id=pid,
                plan_id="plan",
                kind=PlanEventKind.REVIEWED,
                occurred_at=_at(first + timedelta(days=60), 12),
            )
        )
        auths.append(
            PayerAuthorization(
                id=f"{pid}/auth",
                patient_id=pid,
                payer="payer",
                dates=DateRange.of_days(first, 70),
                authorized_services=45,
            )
        )
        certs.append(
            Certification(id=f"{pid}/cert/0", patient_id=pid, kind=CertificationKind.CERTIFICATION, signed_on=first)
        )
        certs.append(
            Certification(
                id=f"{pid}/cert/1",
                patient_id=pid,
                kind=CertificationKind.RECERTIFICATION,
                signed_on=first + timedelta(days=rnd.choice((55, 65))),
            )
        )
    return ComplianceRecords(
        admissions=tuple(adm),
        attendance=tuple(att),
        drug_tests=tuple(tests),
        medications=tuple(meds),
        plan_events=tuple(plans),
        authorizations=tuple(auths),
        certifications=tuple(certs),
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="compliance_bench")
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    parser.add_argument(
        "--freeze",
        action="store_true",
        help="gc.freeze() the built records before evaluating, so the cyclic GC does not rescan them",
    )
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    records = build(args.patients)
    built = time.perf_counter() - t0
    as_of = START + timedelta(days=7 * 13)
    # Collect the build's garbage first so that it is not charged to evaluate.
    gc.collect()
    if args.freeze:
        gc.freeze()
    t0, c0 = time.perf_counter(), time.process_time()
    report = evaluate(FULL, records, as_of)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"patients={args.patients} attendance={len(records.attendance)} drug_tests={len(records.drug_tests)} "
        f"rules={len(FULL.rules)} gc_freeze={args.freeze}"
    )
    print(f"build records: {built:.2f} s")
    print(
        f"evaluate:      {elapsed:.2f} s wall, {cpu:.2f} s CPU  (target <= 10 s for 10,000 patients)  "
        f"findings={len(report.findings)}"
    )
    if not args.no_memory:
        tracemalloc.start()
        evaluate(FULL, records, as_of)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"evaluate peak memory (tracemalloc, beyond the records): {peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main(sys.argv[1:])
