"""Demo entry point: ``python -m iopcore`` prints the built-in catalogs (the only module that prints)."""

from __future__ import annotations

from iopcore import COMPONENTS, __version__
from iopcore.levels import CATALOGS


def main() -> None:
    print(f"iopcore {__version__}: Intensive Outpatient Programs as typed data\n")
    for catalog in CATALOGS:
        print(f"{catalog.name} — {len(catalog)} levels, {len(catalog.transitions)} transitions")
        for level in catalog.by_intensity():
            bands = ", ".join(f"{p.value} {b}" for p, b in level.hours_per_week.items())
            print(f"  {level.code:>7}  {level.name}{'  (' + bands + ')' if bands else ''}")
        print()
    print(f"Components ({len(COMPONENTS)}): " + ", ".join(COMPONENTS.ids))


if __name__ == "__main__":
    main()
