"""Seeded cohort instances for the benchmarks and their tests (public names of ``iopcore.schedule`` only).

Two families:

* **distinct** (:func:`distinct_cohort`, the default of ``cohort_bench.py``): nearly every
  patient has their own availability, rules and costs — per-patient noise around five
  archetypes, as the issue asks (item 7 of issue 14). Described in full in
  :func:`distinct_cohort`.
* **archetype** (:func:`archetype_cohort`): the earlier benchmark's cohorts, whose patients
  come from four availability profiles and so collapse into few groups of identical
  patients. Kept so that old figures can be compared.

Everything is drawn from ``random.Random`` objects seeded with strings that name the instance,
so the same arguments always give the same instance (Python's string seeding is stable across
runs and versions). The demand that sizes the distinct family's capacities comes from each
patient's own optimal week, which :func:`iopcore.schedule.solve` defines uniquely (its documented
tie-break), so the instances do not change with the solver's implementation as long as it keeps
its contract; :func:`fingerprint` prints a digest to compare runs.
"""

from __future__ import annotations

import functools
import hashlib
import math
import random
from collections.abc import Iterable, Mapping, Sequence

import attrs

from iopcore.errors import InfeasibleScheduleError
from iopcore.levels import ASAM3, GENERIC_IOP, DaysBand, HoursBand, Population
from iopcore.programs import Program
from iopcore.schedule import (
    CohortPatient,
    CohortProblem,
    Enrollment,
    Offering,
    Preferences,
    TimeOfDay,
    WeekRules,
    check,
    solve,
)
from iopcore.times import ClockTime, Weekday, WeeklyAvailability, WeeklyInterval

DAYS = tuple(Weekday)[:6]  # Monday to Saturday
WEEKDAYS = tuple(Weekday)[:5]
GROUPS = ("group_therapy", "group_counseling")


def _hm(minutes: int) -> ClockTime:
    return ClockTime.from_minute_of_day(minutes)


def _offering(
    oid: str, component: str, day: Weekday, start: int, length: int, seats: int, track: str | None
) -> Offering:
    return Offering(
        id=oid, component=component, weekday=day, start=_hm(start), end=_hm(start + length), seats=seats, track=track
    )


# --- The distinct family -------------------------------------------------------------------------

DISTINCT_SIZES: Mapping[int, int] = {20: 30, 100: 60, 300: 90, 1000: 120}
"""Patients: offerings, as issue 14 lists them."""
RATIOS: Mapping[str, float] = {"0.6": 0.6, "1.0": 1.0, "1.3": 1.3}
"""Capacity levels by label: demand ÷ capacity (see :func:`distinct_cohort` for "demand")."""

# The program's group tracks: share of the group blocks, base start (minutes of the day).
_TRACKS: tuple[tuple[str, float, int], ...] = (
    ("morning", 0.35, 9 * 60),
    ("midday", 0.25, 13 * 60),
    ("evening", 0.40, 18 * 60),
)
# The other sessions: share of the offerings that are not group blocks.
_OTHERS: tuple[tuple[str, float], ...] = (
    ("individual", 0.38),
    ("drug_test", 0.25),
    ("life_skills", 0.22),
    ("family", 0.15),
)
GROUP_SHARE = 0.45
"""Share of a catalog's offerings that are group blocks."""


def _days_cycle(rnd: random.Random) -> list[Weekday]:
    """Weekdays in a random order, then Saturday: a track's blocks go round them."""
    days = list(WEEKDAYS)
    rnd.shuffle(days)
    return [*days, Weekday.SATURDAY]


def catalog(n: int, rnd: random.Random) -> list[Offering]:
    """*n* offerings Monday to Saturday (each with 1 seat; capacities are set afterwards).

    45 % are group blocks in three tracks — morning (35 % of the blocks, about 09:00), midday
    (25 %, about 13:00) and evening (40 %, about 18:00) — each track going round the weekdays
    in a random order and then Saturday, so that it meets on as many days as it has blocks;
    the two group components take turns within a track; a block starts up to 30 minutes off its track's hour and
    lasts 3 hours or, one in four, 2 hours. The rest: 50-minute individual counseling (38 %),
    six in ten next to a random block (ending 10 minutes before it or starting 10 minutes after
    it), else on a random day at 08:00, on the hour or half hour 12:00–16:30, at 17:00 or at
    21:00; 15-minute drug tests (25 %), eight in ten right before (or, three in ten of those,
    right after) a random block, else on a random day at a quarter hour 10:00–19:45; 1-hour life skills (22 %) on the half hour 10:00–19:00;
    90-minute family sessions (15 %) on the half hour 16:00–19:30. A random day is Saturday
    half as often as a weekday.
    """
    blocks = max(3, round(GROUP_SHARE * n))
    tracks = rnd.choices([t for t, _, _ in _TRACKS], [w for _, w, _ in _TRACKS], k=blocks)
    tracks[:3] = [t for t, _, _ in _TRACKS]  # every track at least once
    others = rnd.choices([k for k, _ in _OTHERS], [w for _, w in _OTHERS], k=max(0, n - blocks))
    others[:3] = ["individual", "drug_test", "individual"][: len(others[:3])]
    cycles = {t: _days_cycle(rnd) for t, _, _ in _TRACKS}
    seen = {t: 0 for t, _, _ in _TRACKS}
    first = {t: rnd.randrange(2) for t, _, _ in _TRACKS}
    out: list[Offering] = []

    def add(component: str, day: Weekday, start: int, length: int, track: str | None) -> None:
        out.append(_offering(f"o{len(out):03d}", component, day, start, length, 1, track))

    for track in tracks:
        base = next(b for t, _, b in _TRACKS if t == track)
        cycle = cycles[track]
        day = cycle[seen[track] % len(cycle)]
        seen[track] += 1
        start = base + rnd.choice((-30, 0, 0, 0, 30))
        # The two group components take turns within a track (from a random first one).
        component = GROUPS[(seen[track] + first[track]) % 2]
        add(component, day, start, rnd.choice((180, 180, 180, 120)), track)
    groups = list(out)
    for kind in others:
        day = rnd.choices(DAYS, (1.0, 1.0, 1.0, 1.0, 1.0, 0.5))[0]
        # Individual sessions and drug tests are mostly put next to a group block, as programs do.
        block = rnd.choice(groups)
        b0, b1 = block.start.minute_of_day, block.end.minute_of_day
        if kind == "individual":
            if rnd.random() < 0.6:
                day, start = block.weekday, (b0 - 60 if rnd.random() < 0.5 or b1 + 60 > 22 * 60 else b1 + 10)
            else:
                start = rnd.choice((8 * 60, rnd.randrange(12 * 60, 16 * 60 + 31, 30), 17 * 60, 21 * 60))
            add("individual_counseling", day, start, 50, None)
        elif kind == "drug_test":
            if rnd.random() < 0.8:
                day, start = block.weekday, (b0 - 15 if rnd.random() < 0.7 else b1)
            else:
                start = rnd.randrange(10 * 60, 19 * 60 + 46, 15)
            add("drug_testing", day, start, 15, None)
        elif kind == "life_skills":
            add("life_skills", day, rnd.randrange(10 * 60, 19 * 60 + 1, 30), 60, None)
        else:
            add("family_counseling", day, rnd.randrange(16 * 60, 19 * 60 + 31, 30), 90, None)
    return out


ARCHETYPES: tuple[tuple[str, float], ...] = (
    ("day_worker", 0.35),
    ("night_shift", 0.15),
    ("unemployed", 0.20),
    ("parent", 0.15),
    ("student", 0.15),
)
"""The availability archetypes and their shares."""

# Base windows per archetype: (days, start, end) in minutes of the day.
_BASE: Mapping[str, tuple[tuple[tuple[Weekday, ...], int, int], ...]] = {
    # Works about 08:00–16:30 on weekdays: evenings and Saturday.
    "day_worker": ((WEEKDAYS, 17 * 60, 22 * 60), ((Weekday.SATURDAY,), 9 * 60, 17 * 60)),
    # Works nights, sleeps until the early afternoon.
    "night_shift": ((WEEKDAYS, 13 * 60 + 30, 20 * 60 + 30), ((Weekday.SATURDAY,), 12 * 60, 18 * 60)),
    # Free most of the day.
    "unemployed": ((DAYS, 8 * 60 + 30, 20 * 60 + 30),),
    # School hours, and one or two late evenings.
    "parent": ((WEEKDAYS, 8 * 60 + 30, 15 * 60), ((Weekday.TUESDAY, Weekday.THURSDAY), 19 * 60, 21 * 60 + 30)),
    # Classes in the morning.
    "student": ((WEEKDAYS, 12 * 60 + 30, 21 * 60 + 30), ((Weekday.SATURDAY,), 10 * 60, 18 * 60)),
}
_EARLIEST, _LATEST = 7 * 60, 22 * 60


def availability(archetype: str, rnd: random.Random) -> WeeklyAvailability:
    """One patient's availability: the archetype's windows with the patient's own noise.

    The whole pattern moves by −30 to +30 minutes (quarter hours: the patient's own hours);
    then each day's window independently: its start moves by −45 to +30 minutes and its end by
    −30 to +45 minutes, the day is dropped with probability 0.15 (never below 3 days), it is cut in two by a 1–3-hour errand
    with probability 0.1; with probability 0.2 the patient has one extra 2–4-hour window on a
    day of their choice. Windows stay within 07:00–22:00 and are at least an hour long.
    """
    shift = 15 * rnd.randint(-2, 2)
    windows: list[tuple[Weekday, int, int]] = []
    for days, start, end in _BASE[archetype]:
        for day in days:
            s = start + shift + 15 * rnd.randint(-3, 2)
            e = end + shift + 15 * rnd.randint(-2, 3)
            windows.append((day, max(_EARLIEST, s), min(_LATEST, e)))
    windows = [w for w in windows if w[2] - w[1] >= 60]
    # Drop some days, keeping at least three.
    days_with = sorted({d for d, _, _ in windows})
    for day in list(days_with):
        if len(days_with) > 3 and rnd.random() < 0.15:
            days_with.remove(day)
    kept = [w for w in windows if w[0] in days_with]
    pieces: list[tuple[Weekday, int, int]] = []
    for day, s, e in kept:
        if e - s >= 4 * 60 and rnd.random() < 0.1:
            errand = 60 * rnd.randint(1, 3)
            cut = s + 15 * rnd.randint(4, max(4, (e - s - errand) // 15 - 4))
            pieces.extend([(day, s, cut), (day, cut + errand, e)])
        else:
            pieces.append((day, s, e))
    if rnd.random() < 0.2:
        day = rnd.choice(DAYS)
        start = 15 * rnd.randint(_EARLIEST // 15, (_LATEST - 4 * 60) // 15)
        pieces.append((day, start, start + 60 * rnd.randint(2, 4)))
    return WeeklyAvailability(
        windows=tuple(
            WeeklyInterval(weekday=d, start=_hm(s), end=_hm(e)) for d, s, e in pieces if e - s >= 60 and s < e
        )
    )


RULE_KINDS: tuple[tuple[str, float], ...] = (("asam_2_1", 0.75), ("generic", 0.15), ("php_like", 0.10))
"""The rule sets and their shares."""


def _programs() -> Mapping[str, Program]:
    adult = Population.ADULT
    return {
        # ASAM 3rd edition level 2.1, adults: [9, 20) h a week on 3–5 days (the levels catalog).
        "asam_2_1": Program.from_level(ASAM3.level("2.1"), adult, id="asam_2_1", name="ASAM 2.1 adult"),
        # The generic IOP definition: [6, 31) h, i.e. 6–30 h, on 3–5 days (the levels catalog).
        "generic": Program.from_level(GENERIC_IOP.level("IOP"), adult, id="generic", name="Generic IOP"),
        # PHP-like, as issue 14 defines it for the benchmark: 20–30 h ([20, 31)) on 5 days.
        "php_like": Program.from_level(
            ASAM3.level("2.5"),
            adult,
            id="php_like",
            name="PHP-like",
            hours_per_week=HoursBand(min_hours=20, max_hours=31),
            days_per_week=DaysBand(min_days=5, max_days=5),
        ),
    }


_PROGRAMS = _programs()


def rules(kind: str, rnd: random.Random) -> WeekRules:
    """A patient's week rules of *kind* (:data:`RULE_KINDS`), with their own group component and limits.

    * ``asam_2_1``: 9 h to 19 h 59 min on 3–5 days; at least 2 sessions of the patient's group
      component, 1–2 individual counseling sessions, at least 1 drug test, at most 1 family
      session; one in four at most 4.5 h a day, one in five a 10-minute gap between sessions.
    * ``generic``: 6 h to 30 h 59 min on 3–5 days; at least 1 group session, at least 1
      individual session; one in five a 10-minute gap.
    * ``php_like``: 20 h to 30 h 59 min on 5 days; at least 3 group sessions, at least 1
      individual session and 1 drug test.
    """
    group = rnd.choice(GROUPS)
    gap = 10 if rnd.random() < 0.2 else 0
    if kind == "asam_2_1":
        components: dict[str, tuple[int, int | None]] = {
            group: (2, None),
            "individual_counseling": (1, 2),
            "drug_testing": (1, None),
            "family_counseling": (0, 1),
        }
        out = WeekRules.from_program(_PROGRAMS[kind], components=components, min_gap_minutes=gap)
        return attrs.evolve(out, max_hours_per_day=4.5) if rnd.random() < 0.25 else out
    if kind == "generic":
        components = {group: (1, None), "individual_counseling": (1, None)}
        return WeekRules.from_program(_PROGRAMS[kind], components=components, min_gap_minutes=gap)
    components = {group: (3, None), "individual_counseling": (1, None), "drug_testing": (1, None)}
    return WeekRules.from_program(_PROGRAMS[kind], components=components, min_gap_minutes=0)


_TIME_OF_DAY = {
    "day_worker": TimeOfDay.EVENING,
    "night_shift": TimeOfDay.AFTERNOON,
    "unemployed": TimeOfDay.MORNING,
    "parent": TimeOfDay.MORNING,
    "student": TimeOfDay.AFTERNOON,
}


def distinct_patient(index: int, offerings: Sequence[Offering], rnd: random.Random) -> CohortPatient:
    """One patient: archetype, noisy availability, rules, day cost 10–50, session penalties 0–20."""
    kind = rnd.choices([k for k, _ in RULE_KINDS], [w for _, w in RULE_KINDS])[0]
    # A partial-hospitalization-like program runs most of the day: day workers and parents are not sent to one.
    archetypes = [(a, w) for a, w in ARCHETYPES if kind != "php_like" or a not in {"day_worker", "parent"}]
    archetype = rnd.choices([a for a, _ in archetypes], [w for _, w in archetypes])[0]
    when = availability(archetype, rnd)
    week_rules = rules(kind, rnd)
    # A penalty 0–20 on every offering inside the patient's availability (0 is left out of the mapping).
    penalties = {o.id: rnd.randint(0, 20) for o in offerings if when.contains(o.interval)}
    preferences = Preferences(
        time_of_day=_TIME_OF_DAY[archetype] if rnd.random() < 0.3 else None,
        avoided_days=frozenset(rnd.sample(DAYS, k=1)) if rnd.random() < 0.25 else frozenset(),
    )
    return CohortPatient(
        id=f"p{index:04d}",
        rules=week_rules,
        availability=when,
        day_cost=rnd.randint(10, 50),
        offering_costs={k: v for k, v in penalties.items() if v},
        preferences=preferences,
    )


def sessions_needed(patient: CohortPatient, offerings: Sequence[Offering]) -> dict[str, float]:
    """How many seats *patient* asks of each offering, spread evenly over the ones they can attend.

    A patient needs each bounded component's minimum number of sessions, and enough further
    group sessions (of either group component) to reach their weekly minimum hours at the
    catalog's mean group length (individual, drug-test and family minimums counted at their
    mean lengths). Each need is shared equally among the offerings of that component (for the
    further group sessions: of both group components) inside the patient's availability; a
    need with no such offering asks for nothing.
    """
    usable = [o for o in offerings if patient.availability.contains(o.interval)]
    by_component: dict[str, list[Offering]] = {}
    for o in usable:
        by_component.setdefault(o.component, []).append(o)
    mean = {
        c: sum(o.duration.value for o in os) / len(os)
        for c, os in ((c, [o for o in offerings if o.component == c]) for c in {o.component for o in offerings})
    }
    group_offerings = [o for o in offerings if o.component in GROUPS]
    group_length = sum(o.duration.value for o in group_offerings) / max(1, len(group_offerings))
    out: dict[str, float] = {}

    def spread(count: float, among: list[Offering]) -> None:
        for o in among:
            out[o.id] = out.get(o.id, 0.0) + count / len(among)

    minutes = 0.0
    for component, bound in patient.rules.components.items():
        if bound.min and component in by_component:
            spread(bound.min, by_component[component])
        minutes += bound.min * mean.get(component, 0.0)
    extra = max(0, math.ceil((patient.rules.minutes_min - minutes) / group_length))
    groups = [o for o in usable if o.component in GROUPS]
    if extra and groups:
        spread(extra, groups)
    return out


def own_optima(problem: CohortProblem) -> tuple[dict[str, int], int]:
    """Seats each offering would hold if every patient had their own optimal week, and how many have none.

    A patient's own optimal week is :func:`iopcore.schedule.solve`'s answer with every seat free:
    the cheapest feasible week, ties broken as ``solve`` documents (fewer sessions, fewer minutes,
    then the days in order), so it is one well-defined week whatever the solver's implementation.
    """
    free = tuple(attrs.evolve(o, seats=max(1, o.seats)) for o in problem.offerings)
    usage: dict[str, int] = {}
    infeasible = 0
    for p in problem.patients:
        try:
            week = solve(p.week_problem(free))
        except InfeasibleScheduleError:
            infeasible += 1
            continue
        for oid in week.offering_ids:
            usage[oid] = usage.get(oid, 0) + 1
    return usage, infeasible


def _capacities(
    offerings: Sequence[Offering],
    patients: Sequence[CohortPatient],
    demand: Mapping[str, int],
    ratio: float,
    rnd: random.Random,
) -> tuple[Offering, ...]:
    need: dict[str, float] = {}
    for p in patients:
        for oid, seats in sessions_needed(p, offerings).items():
            need[oid] = need.get(oid, 0.0) + seats
    out: list[Offering] = []
    for component in sorted({o.component for o in offerings}):
        same = [o for o in offerings if o.component == component]
        seats = sum(demand.get(o.id, 0) for o in same) / ratio
        weights = [need.get(o.id, 0.0) for o in same]
        if sum(weights) == 0:
            weights = [1.0] * len(same)
        total = sum(weights)
        for o, w in zip(same, weights, strict=True):
            share = seats * w / total * rnd.uniform(0.8, 1.2)
            out.append(attrs.evolve(o, seats=max(1, round(share))))
    order = {o.id: i for i, o in enumerate(offerings)}
    return tuple(sorted(out, key=lambda o: order[o.id]))


def distinct_cohort(size: int, ratio: str, seed: int = 0, *, offerings: int | None = None) -> CohortProblem:
    """A cohort of *size* distinct patients over :data:`DISTINCT_SIZES` [*size*] offerings at capacity *ratio*.

    * **Offerings** (:func:`catalog`): group blocks, individual counseling, drug tests, life
      skills and family sessions, Monday to Saturday.
    * **Patients** (:func:`distinct_patient`): an archetype (day worker 35 %, night shift 15 %,
      unemployed 20 %, parent 15 %, student 15 %) with per-patient noise on every window
      (:func:`availability`); rules ASAM 2.1 adult 75 %, generic 15 %, PHP-like 10 %
      (:func:`rules`); a day cost drawn from 10–50; a penalty drawn from 0–20 on every offering
      inside the availability; for 30 % a preferred time of day (5 per session outside it) and
      for 25 % one avoided day (20 per session on it), as :class:`~iopcore.schedule.Preferences`
      prices them. Nobody is pinned; leaving a patient out costs the problem's default
      (:attr:`~iopcore.schedule.CohortProblem.default_unscheduled_cost`).
    * **Capacity**: the *demand* for a component is the number of its sessions in the patients'
      own optimal weeks (:func:`own_optima`: each patient's cheapest week with every seat free;
      patients with no feasible week ask for nothing). The component's offerings get
      demand ÷ *ratio* seats in all, shared among them in proportion to how many patients could
      attend each (:func:`sessions_needed`, which reads only rules and availability), each share
      with ±20 % noise and at least 1 seat. So demand ÷ capacity ≈ 0.6 (``"0.6"``), 1.0 or 1.3
      per component; but seats follow who *could* come, not who would choose the offering, so
      even at 0.6 some offerings are wanted by more patients than they hold — as when a
      program sizes its rooms from its headcount.

    The same *size* and *seed* give the same offerings and patients at every *ratio*: only the
    capacities differ.
    """
    n = DISTINCT_SIZES[size] if offerings is None else offerings
    offs, patients, demand = _distinct_base(size, n, seed)
    cap = _capacities(
        offs, patients, demand, RATIOS[ratio], random.Random(f"distinct-{size}-{n}-{seed}-capacity-{ratio}")
    )
    return CohortProblem(offerings=cap, patients=patients)


@functools.lru_cache(maxsize=4)
def _distinct_base(
    size: int, n: int, seed: int
) -> tuple[tuple[Offering, ...], tuple[CohortPatient, ...], dict[str, int]]:
    """The offerings, the patients and the own-optimum demand of a distinct cohort (shared by its ratios)."""
    rnd = random.Random(f"distinct-{size}-{n}-{seed}")
    offs = tuple(catalog(n, rnd))
    patients = tuple(distinct_patient(i, offs, rnd) for i in range(size))
    demand, _ = own_optima(CohortProblem(offerings=offs, patients=patients))
    return offs, patients, demand


# --- Describing an instance ------------------------------------------------------------------------


def distinct_profiles(problem: CohortProblem) -> int:
    """How many different patient profiles (:meth:`~iopcore.schedule.CohortPatient.profile`) the cohort holds."""
    return len({p.profile() for p in problem.patients})


def distinct_availabilities(problem: CohortProblem) -> int:
    """How many different availabilities the cohort's patients have."""
    return len({p.availability for p in problem.patients})


def need_ratio(problem: CohortProblem) -> float:
    """Σ :func:`sessions_needed` ÷ Σ capacity over the offerings somebody can attend (a second view of demand)."""
    need: dict[str, float] = {}
    for p in problem.patients:
        for oid, seats in sessions_needed(p, problem.offerings).items():
            need[oid] = need.get(oid, 0.0) + seats
    seats = sum(o.seats for o in problem.offerings if o.id in need)
    return sum(need.values()) / max(1, seats)


def fingerprint(problem: CohortProblem) -> str:
    """A short digest of the instance (offerings with capacities, patients' profiles), to compare runs."""
    text = repr(
        (
            [(o.id, o.component, o.weekday, o.start, o.end, o.seats) for o in problem.offerings],
            [(p.id, str(p.availability), sorted(p.offering_costs.items()), p.day_cost) for p in problem.patients],
            [(p.rules.minutes_min, p.rules.minutes_max, sorted(p.rules.components.items())) for p in problem.patients],
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()[:10]


# --- The archetype family (the earlier benchmark's cohorts) ------------------------------------------

ARCHETYPE_SIZES: Mapping[int, int] = {20: 60, 100: 80, 300: 100, 1000: 120}
ARCHETYPE_RATIOS: Mapping[str, float] = {"loose": 1.5, "tight": 0.9}
"""Seats ÷ what the cohort needs (note: the inverse of the distinct family's ratio)."""

# What one patient needs a week, roughly: group blocks, individual sessions, drug tests, family sessions.
_ARCH_DEMAND = {"group": 3.0, "individual": 1.0, "drug_test": 1.0, "life_skills": 0.5, "family": 0.3}
_ARCH_ROOM = {"group": (8, 12), "individual": (1, 1), "drug_test": (4, 6), "life_skills": (10, 15), "family": (1, 1)}


def _archetype_offerings(n: int, patients: int, ratio: float, rnd: random.Random) -> tuple[Offering, ...]:
    """*n* offerings with capacities about *ratio* × what *patients* patients need."""
    kinds = [
        ("group_am", 0.22),
        ("group_pm", 0.24),
        ("individual", 0.22),
        ("drug_test", 0.14),
        ("life_skills", 0.1),
        ("family", 0.08),
    ]
    drawn = rnd.choices([k for k, _ in kinds], [w for _, w in kinds], k=n)
    # Every kind at least twice, so that each patient type has a chance.
    for i, kind in enumerate(("group_am", "group_am", "group_pm", "group_pm", "individual", "drug_test")):
        drawn[i] = kind
    family_of = {k: ("group" if k.startswith("group") else k) for k, _ in kinds}
    count: dict[str, int] = {}
    for k in drawn:
        count[family_of[k]] = count.get(family_of[k], 0) + 1
    out: list[Offering] = []
    for i, kind in enumerate(drawn):
        day = rnd.choice(DAYS)
        if kind == "group_am":
            comp, start, length, track = rnd.choice(GROUPS), 9 * 60, 180, "morning"
        elif kind == "group_pm":
            comp, start, length, track = rnd.choice(GROUPS), 18 * 60, 180, "evening"
            day = rnd.choice((*WEEKDAYS, Weekday.MONDAY, Weekday.TUESDAY))
        elif kind == "individual":
            comp, start, length, track = "individual_counseling", rnd.choice((8, 12, 13, 16, 17, 21)) * 60, 50, None
        elif kind == "drug_test":
            comp, start, length, track = "drug_testing", rnd.choice((8 * 60 + 45, 12 * 60, 17 * 60 + 30)), 15, None
        elif kind == "life_skills":
            comp, start, length, track = "life_skills", rnd.choice((13, 14, 16, 17)) * 60, 60, None
        else:
            comp, start, length, track = "family_counseling", rnd.choice((16, 17)) * 60 + 30, 90, None
        fam = family_of[kind]
        lo, hi = _ARCH_ROOM[fam]
        need = _ARCH_DEMAND[fam] * patients * ratio / count[fam]  # seats this offering should hold
        rooms = max(1, math.ceil(need / ((lo + hi) / 2)))
        seats = sum(rnd.randint(lo, hi) for _ in range(rooms))
        out.append(_offering(f"o{i:03d}", comp, day, start, length, seats, track))
    return tuple(out)


_ARCH_AVAILABILITY = {
    "day": WeeklyAvailability.daily("08:00", "22:00", days=DAYS),
    "working": WeeklyAvailability.daily("08:00", "22:00", days=DAYS).difference(
        WeeklyAvailability.daily("08:00", "17:00", days=WEEKDAYS)
    ),
    "evening": WeeklyAvailability.daily("17:00", "22:00", days=WEEKDAYS),
    "morning": WeeklyAvailability.daily("08:00", "13:00", days=DAYS),
}
_ARCH_TYPES = (("day", 0.25), ("working", 0.35), ("evening", 0.2), ("morning", 0.2))


def archetype_patient(i: int, offering_ids: list[str], rnd: random.Random) -> CohortPatient:
    """One patient with level 2.1-like rules, one of four availabilities and preferences."""
    kind = rnd.choices([k for k, _ in _ARCH_TYPES], [w for _, w in _ARCH_TYPES])[0]
    group = rnd.choice(GROUPS)
    week_rules = WeekRules(
        hours_min=9,
        hours_max=19 + 59 / 60,
        days_min=3,
        days_max=5,
        max_hours_per_day=rnd.choice((None, None, 4.5)),
        min_gap_minutes=rnd.choice((0, 0, 0, 10)),
        components={
            group: (2, None),
            "individual_counseling": (1, 2),
            "drug_testing": (1, None),
            "family_counseling": (0, 1),
        },
    )
    time_of_day = {"evening": TimeOfDay.EVENING, "morning": TimeOfDay.MORNING}.get(
        kind, rnd.choice((None, TimeOfDay.MORNING, TimeOfDay.EVENING))
    )
    costs = (
        {o: rnd.randint(1, 5) for o in rnd.sample(offering_ids, k=len(offering_ids) // 10)}
        if rnd.random() < 0.3
        else {}
    )
    return CohortPatient(
        id=f"p{i:04d}",
        rules=week_rules,
        availability=_ARCH_AVAILABILITY[kind],
        day_cost=10,
        offering_costs=costs,
        preferences=Preferences(time_of_day=time_of_day, avoided_days=frozenset(rnd.sample(DAYS, k=rnd.randint(0, 1)))),
    )


def archetype_cohort(size: int, capacity: str, seed: int = 0, *, pinned_share: float = 0.1) -> CohortProblem:
    """The earlier benchmark's cohort: *size* patients of four availability types, ``loose`` or ``tight``.

    20, 100, 300 and 1,000 patients over 60, 80, 100 and 120 offerings; seats about 1.5×
    (loose) or 0.9× (tight) a rough per-patient need; level 2.1-like rules, a day cost of 10, a
    preferred time of day, an avoided day and, for 30 %, costs on some offerings. The first 10 %
    of patients are pinned to the week a first-come-first-served plan gives them.
    """
    rnd = random.Random(f"{size}-{capacity}-{seed}")
    offs = _archetype_offerings(ARCHETYPE_SIZES[size], size, ARCHETYPE_RATIOS[capacity], rnd)
    ids = [o.id for o in offs]
    patients = tuple(archetype_patient(i, ids, rnd) for i in range(size))
    first = patients[: int(size * pinned_share)]
    kept = greedy_assignment(CohortProblem(offerings=offs, patients=first))
    pinned = tuple(Enrollment(patient=p, offerings=frozenset(s)) for p, s in kept.items())
    return CohortProblem(offerings=offs, patients=patients, pinned=pinned)


def greedy_assignment(problem: CohortProblem) -> dict[str, tuple[str, ...]]:
    """First come, first served: patients in order, each given their cheapest week in the seats left."""
    left = {o.id: o.seats for o in problem.offerings}
    for e in problem.pinned:
        for o in e.offerings:
            left[o] -= 1
    out: dict[str, tuple[str, ...]] = {}
    for p in problem.patients:
        own = problem.pinned_for(p.id)
        if own:
            # A pinned patient keeps their sessions (seats already held) if they make a whole feasible week.
            if check(p.week_problem(problem.offerings), own) == ():
                out[p.id] = tuple(sorted(own))
            continue
        seats_left = tuple(attrs.evolve(o, seats=left[o.id]) for o in problem.offerings)
        try:
            week = solve(p.week_problem(seats_left))
        except InfeasibleScheduleError:
            continue
        out[p.id] = week.offering_ids
        for o in week.offering_ids:
            left[o] -= 1
    return out


def cohort(family: str, size: int, ratio: str, seed: int = 0) -> CohortProblem:
    """The instance of *family* (``distinct`` or ``archetype``) with *size* patients at capacity level *ratio*."""
    if family == "distinct":
        return distinct_cohort(size, ratio, seed)
    if family == "archetype":
        return archetype_cohort(size, ratio, seed)
    raise ValueError(f"unknown family {family!r}: expected distinct or archetype")


def ratios(family: str) -> Iterable[str]:
    """The capacity levels of *family*."""
    return RATIOS if family == "distinct" else ARCHETYPE_RATIOS


def sizes(family: str) -> Mapping[int, int]:
    """Patients: offerings of *family*."""
    return DISTINCT_SIZES if family == "distinct" else ARCHETYPE_SIZES
