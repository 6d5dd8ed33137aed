"""The patient as the rest of iopcore sees them: an opaque key, a population and
optional identifiers.

Identifier fields (the key, record number, names, date of birth) are declared
with :func:`~iopcore._fields.phi_field`: they are redacted from ``repr`` and
never appear in error messages. Other iopcore values refer to a patient by
``Patient.id`` alone; choose an opaque key, not a record number.
"""

from __future__ import annotations

from datetime import date
from typing import final

import attrs

from iopcore import _fields as f
from iopcore import _loaded
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError
from iopcore.levels import Population

__all__ = ["Patient"]


@final
@attrs.frozen(kw_only=True)
class Patient:
    """A patient: an opaque key, the population their thresholds follow, and optional identifiers."""

    id: str = f.phi_field(validator=f.text(max_length=128))
    """An opaque key chosen by the application (treated as an identifier: redacted in reprs)."""
    population: Population = attrs.field(validator=f.enum_member(Population))
    medical_record_number: str | None = f.phi_field(default=None, validator=f.optional(f.text(max_length=128)))
    given_name: str | None = f.phi_field(default=None, validator=f.optional(f.text(max_length=200)))
    family_name: str | None = f.phi_field(default=None, validator=f.optional(f.text(max_length=200)))
    date_of_birth: date | None = f.phi_field(default=None, validator=f.optional(f.calendar_date()))

    @f.guard
    def age_on(self, day: date) -> int:
        """Age in whole years on *day* (needs ``date_of_birth``; a ``datetime`` is refused).

        Whole years as ``dateutil.relativedelta`` counts them: someone born on 29 February
        turns a year older on 28 February in common years.
        """
        if self.date_of_birth is None:
            raise InvalidDataError.single(
                "$.date_of_birth",
                "expected a date of birth to compute an age, got None",
                "missing",
                type_name="Patient",
            )
        if day < self.date_of_birth:
            raise InvalidArgumentError(
                (
                    ErrorItem(
                        path="$.day",
                        message="expected a day on or after the date of birth, got an earlier date",
                        rule="order",
                    ),
                ),
                callable="Patient.age_on",
            )
        born = self.date_of_birth
        # The birthday in *day*'s year: 29 February falls back to the 28th in a common year.
        leap = day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0)
        birthday = (2, 28) if (born.month, born.day) == (2, 29) and not leap else (born.month, born.day)
        return day.year - born.year - ((day.month, day.day) < birthday)


_loaded.loaded(__name__)  # after every definition: the Hypothesis entry point may register them now
