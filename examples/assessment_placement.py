"""Score an intake's instruments, rate the ASAM dimensions and get an (illustrative) placement.

Run: .venv/bin/python examples/assessment_placement.py
"""

from __future__ import annotations

from datetime import date

from iopcore import ASAM3
from iopcore.assessment import (
    AsamEdition,
    DimensionRatings,
    IntakeAssessment,
    OverrideReason,
    recommend_placement,
    score,
)


def main() -> None:
    intake = IntakeAssessment(
        patient_id="example-001",
        assessed_on=date(2026, 3, 2),
        scores=(
            score("phq9", [2, 1, 1, 2, 1, 1, 1, 0, 0]),
            score("ciwa_ar", [1, 2, 1, 2, 1, 0, 0, 0, 1, 0]),
            score("audit", [4, 2, 3, 2, 1, 1, 1, 0, 0, 4]),
        ),
        ratings=DimensionRatings.of(
            AsamEdition.THIRD,
            {
                "d1_intoxication_withdrawal": (1, "CIWA-Ar moderate, no seizure history"),
                "d2_biomedical": (0, "No active medical problems"),
                "d3_emotional_behavioral_cognitive": (1, "Mild depressive symptoms"),
                "d4_readiness_to_change": (1, "Ambivalent"),
                "d5_relapse_continued_use": (2, "Relapsed after weekly outpatient care"),
                "d6_recovery_environment": (1, "Partner drinks at home"),
            },
        ),
    )
    for s in intake.scores:
        print(f"{s.instrument}: total {s.total}, band {s.band}, flags {sorted(s.flags)}")
    rec = recommend_placement(intake, ASAM3)
    print(f"recommended: {rec.level} (driven by {', '.join(rec.driving_dimensions)}; illustrative policy)")
    if rec.withdrawal_management_level is not None:
        print(f"  with concurrent withdrawal management: {rec.withdrawal_management_level}")
    for ruled_out in rec.ruled_out:
        print(f"  ruled out {ruled_out.level}: {ruled_out.reasons[0].explanation}")
    placed = rec.with_override(ASAM3.level("2.5"), OverrideReason.CLINICAL_JUDGMENT, "daily contact needed for now")
    print(f"actual: {placed.actual_level} ({placed.override.reason.value if placed.override else 'none'})")


if __name__ == "__main__":
    main()
