"""Assessment benchmarks: instrument scores per second on one core (target: >= 100,000 PHQ-9 scores/s)."""

from __future__ import annotations

import random
import time

from iopcore.assessment import ILLUSTRATIVE_POLICY, INSTRUMENTS, AsamEdition, DimensionRatings, ResponseKind, score
from iopcore.levels import ASAM3

REPEATS = 5


def _answers(rng: random.Random, instrument_id: str) -> list[object]:
    out: list[object] = []
    for item in INSTRUMENTS[instrument_id].items:
        if item.kind is ResponseKind.POINTS:
            out.append(rng.choice(item.values))
        elif item.kind is ResponseKind.YES_NO:
            out.append(rng.random() < 0.5)
        else:
            out.append(rng.randint(1, 30))
    return out


def rate(instrument_id: str, n: int = 20_000) -> float:
    """Best-of-REPEATS scores per second for *n* random valid forms of one instrument."""
    rng = random.Random(4)
    forms = [_answers(rng, instrument_id) for _ in range(n)]
    context = {"sex": "female"} if instrument_id == "audit_c" else {}
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        for form in forms:
            score(instrument_id, form, **context)
        best = min(best, time.perf_counter() - start)
    return n / best


def placement_rate(n: int = 2_000) -> float:
    rng = random.Random(5)
    dims = [
        "d1_intoxication_withdrawal",
        "d2_biomedical",
        "d3_emotional_behavioral_cognitive",
        "d4_readiness_to_change",
        "d5_relapse_continued_use",
        "d6_recovery_environment",
    ]
    sets = [DimensionRatings.of(AsamEdition.THIRD, {d: (rng.randint(0, 4), "r") for d in dims}) for _ in range(n)]
    start = time.perf_counter()
    for ratings in sets:
        ILLUSTRATIVE_POLICY.recommend(ratings, ASAM3)
    return n / (time.perf_counter() - start)


def main() -> None:
    phq9 = rate("phq9")
    print(
        f"PHQ-9 scores/s (one core, best of {REPEATS}): {phq9:,.0f}  (target >= 100,000: {'met' if phq9 >= 100_000 else 'NOT met'})"
    )
    for instrument_id in INSTRUMENTS:
        if instrument_id != "phq9":
            print(f"{instrument_id:>9} scores/s: {rate(instrument_id, 5_000):,.0f}")
    print(f"placements/s (ASAM3, illustrative policy): {placement_rate():,.0f}")


if __name__ == "__main__":
    main()
