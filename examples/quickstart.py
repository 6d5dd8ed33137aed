"""Quickstart: a level of care, a program, its week in JSON, and a bad input caught.

Run: .venv/bin/python examples/quickstart.py
"""

from __future__ import annotations

import json

from iopcore import (
    ASAM3,
    InvalidDataError,
    Population,
    Program,
    Track,
    WeeklyAvailability,
    from_dict,
    to_dict,
)


def main() -> None:
    # 1. Which level of care is 12 hours a week for an adult?
    level = ASAM3.classify(12, Population.ADULT)
    assert level is not None
    band = level.hours_band(Population.ADULT)
    print(f"12 h/week for an adult is {level} — band {band}")
    print(f"  source: {band.source if band else level.source}")

    # 2. Where can the patient go from here? Any step up or down; the usual routes are suggestions.
    print("  usual next levels:", ", ".join(str(lv) for lv in ASAM3.suggested_next(level)))
    print("  may step up to:   ", ", ".join(lv.code for lv in ASAM3.step_up_options(level)))

    # 3. A program at that level, with a morning and an evening track.
    program = Program.from_level(
        level,
        Population.ADULT,
        id="adult_iop",
        name="Adult IOP",
        tracks=[
            Track(id="morning", name="Morning track", windows=WeeklyAvailability.daily("09:00", "12:00")),
            Track(id="evening", name="Evening track", windows=WeeklyAvailability.daily("18:00", "21:00")),
        ],
    )
    rules = program.intensity
    print(f"\n{program.name}: {rules.hours_per_week}, {rules.days_per_week}")
    print("  components:", ", ".join(program.component_ids))

    # 4. To JSON and back, exactly.
    text = json.dumps(to_dict(program))
    assert from_dict(Program, json.loads(text)) == program
    print(f"\nJSON round trip OK ({len(text)} characters)")

    # 5. Bad input is rejected with paths, rules and types — never values.
    data = json.loads(text)
    data["intensity"]["days_per_week"]["max_days"] = 9
    data["tracks"][0]["windows"]["windows"][0]["start"] = "9am"
    try:
        from_dict(Program, data)
    except InvalidDataError as exc:
        print("\nRejected as expected:")
        for item in exc.errors:
            print(f"  {item}")


if __name__ == "__main__":
    main()
