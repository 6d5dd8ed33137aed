"""Exceptions raised by iopcore.

Every exception derives from :class:`IopcoreError`; each concrete error also
subclasses the builtin a caller would naturally catch (``ValueError``,
``TypeError``, ``LookupError``), so code that does not know iopcore still
handles it sensibly.

Messages say *where* (a JSON-path-like field path starting at ``$``), *which
rule* was broken and *what type* was given. They never contain the offending
value itself: a value may be a patient identifier, and identifiers must not
leak into logs through exception text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, final

import attrs

from iopcore import _loaded

__all__ = [
    "ClockRequiredError",
    "ErrorItem",
    "ExtraNotInstalledError",
    "HighsNotInstalledError",
    "InfeasibleScheduleError",
    "InvalidArgumentError",
    "InvalidDataError",
    "InvalidResponseError",
    "IopcoreError",
    "MatplotlibNotInstalledError",
    "NoSafeLevelError",
    "OrtoolsNotInstalledError",
    "PlanDoesNotFitError",
    "ReadOnlyElementError",
    "TransitionNotAllowedError",
    "UnknownCodeError",
    "UnknownIdError",
    "UnsupportedFormatError",
    "type_name",
]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class IopcoreError(Exception):
    """Base class of every exception raised by iopcore."""


def _string(_inst: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        raise InvalidDataError(
            (
                ErrorItem(
                    path=child_path(attribute.alias), message=f"expected a string, got {type_name(value)}", rule="type"
                ),
            ),
            type_name="ErrorItem",
        )


@final
@attrs.frozen(kw_only=True)
class ErrorItem:
    """One problem found in input data.

    ``str(item)`` reads like ``"$.rules.hours_min: expected a number >= 0, got str"``.
    """

    path: str = attrs.field(validator=_string)
    """Where the problem is: ``$`` is the object being built, ``$.a.b[2]`` a nested field."""
    message: str = attrs.field(validator=_string)
    """What was expected and what type was given (never the value itself)."""
    rule: str = attrs.field(validator=_string)
    """A short machine-readable rule id, e.g. ``"type"``, ``"range"``, ``"missing"``."""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def under(self, prefix: str) -> ErrorItem:
        """Return this item with its path re-rooted under *prefix* (itself a path)."""
        _check_prefix(prefix, "ErrorItem.under")
        return attrs.evolve(self, path=prefix + self.path[1:])


def type_name(value: object) -> str:
    """Name of *value*'s type for an error message (``None`` for ``None``)."""
    if value is None:
        return "None"
    return type(value).__name__


def _type(value: object) -> str:
    return type_name(value)


def _check_prefix(prefix: object, where: str) -> None:
    if not isinstance(prefix, str) or not prefix.startswith("$"):
        got = "a str that does not start with '$'" if isinstance(prefix, str) else type_name(prefix)
        raise InvalidArgumentError(
            (ErrorItem(path="$.prefix", message=f"expected a path starting with '$', got {got}", rule="type"),),
            callable=where,
        )


def child_path(key: object) -> str:
    """The path of a mapping key or sequence index relative to ``$``."""
    if isinstance(key, int) and not isinstance(key, bool):
        return f"$[{key}]"
    if isinstance(key, str) and _IDENTIFIER.match(key):
        return f"$.{key}"
    if isinstance(key, str):
        escaped = key.replace("\\", "\\\\").replace("'", "\\'")
        return f"$['{escaped}']"
    return f"$[<{type_name(key)}>]"


class InvalidDataError(IopcoreError, ValueError, TypeError):
    """Input that does not describe a valid iopcore value.

    ``errors`` lists every problem found, each with its path. The exception is
    both a ``ValueError`` and a ``TypeError`` because attrs-style construction
    reports wrong types as ``TypeError`` and wrong values as ``ValueError``;
    callers may catch either, or this class.
    """

    errors: tuple[ErrorItem, ...]
    type_name: str | None

    def __init__(self, errors: Iterable[ErrorItem], *, type_name: str | None = None) -> None:
        items = tuple(dict.fromkeys(errors))  # keep order, drop exact repeats
        if not items:
            raise ValueError("InvalidDataError needs at least one ErrorItem")
        self.errors = items
        self.type_name = type_name
        super().__init__(self._render())

    @classmethod
    def single(cls, path: str, message: str, rule: str, *, type_name: str | None = None) -> InvalidDataError:
        """Build an error with exactly one item."""
        if type_name is not None and not isinstance(type_name, str):
            raise InvalidArgumentError(
                (
                    ErrorItem(
                        path="$.type_name", message=f"expected a string or None, got {_type(type_name)}", rule="type"
                    ),
                ),
                callable="InvalidDataError.single",
            )
        return cls((ErrorItem(path=path, message=message, rule=rule),), type_name=type_name)

    def under(self, prefix: str) -> InvalidDataError:
        """Return a copy whose items are re-rooted under *prefix*."""
        _check_prefix(prefix, f"{type(self).__name__}.under")
        return InvalidDataError((e.under(prefix) for e in self.errors), type_name=self.type_name)

    @property
    def paths(self) -> tuple[str, ...]:
        """The paths of all items, in order."""
        return tuple(e.path for e in self.errors)

    def _render(self) -> str:
        what = f"invalid {self.type_name}" if self.type_name else "invalid data"
        if len(self.errors) == 1:
            return f"{what}: {self.errors[0]}"
        lines = "\n".join(f"  {e}" for e in self.errors)
        return f"{what}, {len(self.errors)} problems:\n{lines}"

    def __str__(self) -> str:
        return self._render()

    def __reduce__(self) -> tuple[object, ...]:
        # The class travels too, so that a subclass without state of its own (``ClockRequiredError``)
        # comes back as itself; subclasses with more state define their own ``__reduce__``.
        return (_rebuild_invalid, (self.errors, self.type_name, type(self)))


def _rebuild_invalid(
    errors: tuple[ErrorItem, ...], name: str | None, cls: type[InvalidDataError] | None = None
) -> InvalidDataError:
    if cls is None or cls is InvalidDataError:
        return InvalidDataError(errors, type_name=name)
    rebuilt = cls.__new__(cls)
    InvalidDataError.__init__(rebuilt, errors, type_name=name)
    return rebuilt


class InvalidArgumentError(InvalidDataError):
    """A public function, method or constructor called with arguments it does not accept.

    Raised on entry, before any work is done. Each item's path names a parameter
    (``$.on``, ``$.closures[2]``, ``$.rules.hours_min``); ``callable`` is the
    qualified name of what was called (``"change_level"``, ``"Episode.covers"``).
    """

    callable: str

    def __init__(self, errors: Iterable[ErrorItem], *, callable: str) -> None:
        self.callable = callable
        super().__init__(errors, type_name=callable)

    def _render(self) -> str:
        what = f"invalid arguments to {self.callable}()"
        if len(self.errors) == 1:
            return f"{what}: {self.errors[0]}"
        lines = "\n".join(f"  {e}" for e in self.errors)
        return f"{what}, {len(self.errors)} problems:\n{lines}"

    def under(self, prefix: str) -> InvalidArgumentError:
        """Return a copy whose items are re-rooted under *prefix*."""
        _check_prefix(prefix, "InvalidArgumentError.under")
        return InvalidArgumentError((e.under(prefix) for e in self.errors), callable=self.callable)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_argument, (self.errors, self.callable))


def _rebuild_argument(errors: tuple[ErrorItem, ...], name: str) -> InvalidArgumentError:
    return InvalidArgumentError(errors, callable=name)


class UnknownCodeError(InvalidDataError, KeyError):
    """A code or id that a catalog does not contain.

    ``known`` lists the codes that the catalog does contain (catalog codes are
    vocabulary, not patient data, so they may be shown).
    """

    catalog: str
    known: tuple[str, ...]
    what: str

    def __init__(self, *, what: str, catalog: str, known: Iterable[str], path: str = "$") -> None:
        self.what = what
        self.catalog = catalog
        self.known = tuple(known)
        shown = ", ".join(self.known) if self.known else "(none)"
        super().__init__(
            (
                ErrorItem(
                    path=path,
                    message=f"no {what} with this code in {catalog}; known codes: {shown}",
                    rule="unknown_code",
                ),
            )
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_unknown, (self.what, self.catalog, self.known, self.errors[0].path))

    def __str__(self) -> str:  # KeyError would quote the message
        return self._render()


def _rebuild_unknown(what: str, catalog: str, known: tuple[str, ...], path: str) -> UnknownCodeError:
    return UnknownCodeError(what=what, catalog=catalog, known=known, path=path)


class InfeasibleScheduleError(IopcoreError, ValueError):
    """No schedule satisfies a week problem's rules (raised by :func:`iopcore.schedule.solve`).

    * ``conflict``: an irreducible infeasible subset of constraint groups (see
      :data:`iopcore.schedule.GROUPS` for the vocabulary): with every other group relaxed
      these admit no schedule, and relaxing any one of them makes the rest feasible.
    * ``reasons``: one :class:`iopcore.schedule.Reason` per group of the conflict,
      with the required and achievable numbers, for apps to word themselves.
    * ``explanation``: the same in plain English.

    All three are plain values computed before the error is raised. ``solve(problem,
    explain=False)`` only detects infeasibility: its error has ``explained`` false and
    ``conflict``, ``reasons`` and ``explanation`` ``None`` (not computed, never an empty
    answer); ``solve(problem)`` or :func:`iopcore.schedule.conflict` explain it later.
    """

    conflict: tuple[str, ...] | None
    reasons: tuple[Any, ...] | None
    explanation: str | None

    def __init__(
        self,
        *,
        conflict: Iterable[str] | None = None,
        reasons: Iterable[Any] | None = None,
        explanation: str | None = None,
    ) -> None:
        if (conflict is None) != (reasons is None) or (conflict is None) != (explanation is None):
            raise InvalidArgumentError(
                (
                    ErrorItem(
                        path="$.conflict",
                        message="expected conflict, reasons and explanation all given or all None",
                        rule="together",
                    ),
                ),
                callable="InfeasibleScheduleError",
            )
        self.conflict = None if conflict is None else tuple(conflict)
        self.reasons = None if reasons is None else tuple(reasons)
        self.explanation = explanation
        super().__init__(explanation if explanation is not None else _NOT_EXPLAINED)

    @property
    def explained(self) -> bool:
        """Whether ``conflict``, ``reasons`` and ``explanation`` were computed."""
        return self.conflict is not None

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_infeasible, (self.conflict, self.reasons, self.explanation))


_NOT_EXPLAINED = (
    "no week satisfies the problem's rules (not explained: solve(problem) or conflict(problem) explains why)"
)


def _rebuild_infeasible(
    conflict: tuple[str, ...] | None, reasons: tuple[Any, ...] | None, explanation: str | None
) -> InfeasibleScheduleError:
    return InfeasibleScheduleError(conflict=conflict, reasons=reasons, explanation=explanation)


class ClockRequiredError(InvalidArgumentError):
    """``time_limit`` was given without a ``clock`` (raised by :func:`iopcore.schedule.solve_cohort`).

    The core never reads the system clock: a caller that wants a wall-clock limit passes
    one, e.g. ``clock=time.perf_counter``. The error's path is ``$.clock``.
    """

    def __init__(self, *, callable: str = "solve_cohort") -> None:
        super().__init__(
            (
                ErrorItem(
                    path="$.clock",
                    message="expected a clock (e.g. time.perf_counter) with time_limit: "
                    "the core never reads the system clock",
                    rule="missing",
                ),
            ),
            callable=callable,
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_clock, (self.callable,))


def _rebuild_clock(name: str) -> ClockRequiredError:
    return ClockRequiredError(callable=name)


class ExtraNotInstalledError(IopcoreError, ImportError):
    """A function of an optional extra was called but the extra's library is not installed.

    ``extra`` names the extra (``iopcore[pandas]``), ``package`` the missing library (also
    ``name``, as for any :class:`ImportError`). Until iopcore is published, install the library
    itself (``pip install pandas``) or the extra from a clone (``pip install -e '.[pandas]'``).
    """

    extra: str
    package: str

    def __init__(self, *, extra: str, package: str, message: str | None = None) -> None:
        self.extra = extra
        self.package = package
        super().__init__(
            message
            or f"this needs {package} (the iopcore[{extra}] extra): pip install {package}, "
            f"or pip install -e '.[{extra}]' in a clone of iopcore",
            name=package,
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_extra, (self.extra, self.package))


def _rebuild_extra(extra: str, package: str) -> ExtraNotInstalledError:
    return ExtraNotInstalledError(extra=extra, package=package)


class OrtoolsNotInstalledError(ExtraNotInstalledError):
    """``backend="ortools"`` was asked for but Google OR-Tools is not installed.

    Install it: ``pip install ortools`` (what iopcore's ``ortools`` extra adds; see the docs' install page).
    """

    def __init__(self) -> None:
        super().__init__(
            extra="ortools",
            package="ortools",
            message="the ortools backend needs Google OR-Tools (iopcore's ortools extra): install it with pip install "
            "ortools",
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (OrtoolsNotInstalledError, ())


class HighsNotInstalledError(ExtraNotInstalledError):
    """``lp_solver="highs"`` was asked for but HiGHS (``highspy``) is not installed.

    Install it: ``pip install highspy`` (what iopcore's ``highs`` extra adds); ``lp_solver="auto"`` falls back to the
    pure-Python master instead.
    """

    def __init__(self) -> None:
        super().__init__(
            extra="highs",
            package="highspy",
            message="lp_solver='highs' needs HiGHS (iopcore's highs extra): install it with pip install highspy",
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (HighsNotInstalledError, ())


class MatplotlibNotInstalledError(ExtraNotInstalledError):
    """A plot of :mod:`iopcore.plot` was asked for but matplotlib (the ``plot`` extra) is not installed.

    Everything else in iopcore works without it.
    """

    def __init__(self) -> None:
        super().__init__(extra="plot", package="matplotlib")

    def __reduce__(self) -> tuple[object, ...]:
        return (MatplotlibNotInstalledError, ())


class ReadOnlyElementError(IopcoreError, TypeError):
    """A part several exported FHIR resources share (a coding, the labels) was changed in place (``kind``: ``object``
    or ``array``). Replace the element in the resource (``obs["code"] = {...}``) or change a ``copy.deepcopy`` of it."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(
            f"this JSON {kind} is shared by the exported resources and read-only: replace it in the resource, "
            "or change a copy.deepcopy of the resource"
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (ReadOnlyElementError, (self.kind,))


class UnknownIdError(InvalidArgumentError, KeyError):
    """An id that a collection does not hold, where the ids may identify patients.

    Unlike :class:`UnknownCodeError`, neither the id asked for nor the known ids are shown
    (a patient's id is an identifier). ``what`` names the kind of id (``"patient"``).
    """

    what: str

    def __init__(self, *, what: str, where: str, path: str, callable: str) -> None:
        self.what = what
        self.where = where
        super().__init__(
            (
                ErrorItem(
                    path=path,
                    message=f"expected the id of a {what} of {where}, got a str that is not one",
                    rule="unknown_code",
                ),
            ),
            callable=callable,
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_unknown_id, (self.what, self.where, self.errors[0].path, self.callable))

    def __str__(self) -> str:  # KeyError would quote the message
        return self._render()


def _rebuild_unknown_id(what: str, where: str, path: str, name: str) -> UnknownIdError:
    return UnknownIdError(what=what, where=where, path=path, callable=name)


class TransitionNotAllowedError(InvalidDataError):
    """A level change a program's move policy does not allow (raised by :mod:`iopcore.episodes`).

    ``from_code``, ``to_code`` and ``allowed`` (the codes the policy lets ``from_code`` move to,
    least intensive first) are catalog vocabulary, not patient data, so the message shows them;
    ``catalog`` is the catalog's name and ``policy`` the name of the
    :class:`iopcore.levels.MovePolicy` that refused the move.
    """

    from_code: str
    to_code: str
    allowed: tuple[str, ...]
    catalog: str
    policy: str

    def __init__(
        self, *, from_code: str, to_code: str, allowed: Sequence[str], catalog: str, policy: str, path: str = "$.to"
    ) -> None:
        self.from_code, self.to_code, self.allowed, self.catalog = from_code, to_code, tuple(allowed), catalog
        self.policy = policy
        shown = ", ".join(self.allowed) if self.allowed else "(none)"
        super().__init__(
            (
                ErrorItem(
                    path=path,
                    message=f"the move policy {policy!r} does not allow a move from level {from_code} to level "
                    f"{to_code} of {catalog}; allowed next levels: {shown}",
                    rule="transition_not_allowed",
                ),
            ),
            type_name="Episode",
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_transition,
            (self.from_code, self.to_code, self.allowed, self.catalog, self.policy, self.errors[0].path),
        )


def _rebuild_transition(
    a: str, b: str, allowed: tuple[str, ...], catalog: str, policy: str, path: str
) -> TransitionNotAllowedError:
    return TransitionNotAllowedError(from_code=a, to_code=b, allowed=allowed, catalog=catalog, policy=policy, path=path)


class PlanDoesNotFitError(InvalidDataError):
    """A plan whose interventions cannot fit the program's weekly hours band (raised by :mod:`iopcore.plans`).

    The error carries the numbers that explain it (program vocabulary, not patient data, so the
    message shows them too):

    * ``fit``: which way (an :class:`iopcore.plans.BandFit`, ``BELOW_MINIMUM`` or ``ABOVE_MAXIMUM``);
    * ``min_minutes`` and ``max_minutes``: the planned minutes of the lightest and the fullest
      week the plan allows;
    * ``min_hours`` and ``max_hours``: the band, ``[min_hours, max_hours)`` hours a week
      (``max_hours`` ``None``: no upper bound);
    * ``components``: per component, ``(component id, min minutes, max minutes)`` planned a week.
    """

    fit: Any
    min_minutes: int
    max_minutes: int
    min_hours: float
    max_hours: float | None
    components: tuple[tuple[str, int, int], ...]

    def __init__(
        self,
        fit: Any,
        *,
        min_minutes: int,
        max_minutes: int,
        min_hours: float,
        max_hours: float | None,
        components: Sequence[tuple[str, int, int]] = (),
    ) -> None:
        self.fit, self.min_minutes, self.max_minutes = fit, min_minutes, max_minutes
        self.min_hours, self.max_hours = min_hours, max_hours
        self.components = tuple((str(c), int(lo), int(hi)) for c, lo, hi in components)
        super().__init__(
            (ErrorItem(path="$.interventions", message=self._message(), rule=fit.value),),
            type_name="TreatmentPlan",
        )

    def _message(self) -> str:
        lo_band = round(self.min_hours * 60)
        if self.max_hours is None:
            band = f"[{_hours(self.min_hours)}, ∞) h/week (at least {lo_band} minutes a week)"
        else:
            band = (
                f"[{_hours(self.min_hours)}, {_hours(self.max_hours)}) h/week "
                f"({lo_band} minutes a week or more, under {round(self.max_hours * 60)})"
            )
        if self.fit.value == "above_maximum":
            got = f"at least {self.min_minutes} planned minutes a week even in the lightest week, above the maximum"
        else:
            got = f"at most {self.max_minutes} planned minutes a week even in the fullest week, below the minimum"
        parts = ", ".join(f"{c} {lo} min" if lo == hi else f"{c} {lo} to {hi} min" for c, lo, hi in self.components)
        return f"expected interventions whose weekly minutes fit the hours band {band}, got {got}" + (
            f" ({parts})" if parts else ""
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_plan_fit,
            (self.fit, self.min_minutes, self.max_minutes, self.min_hours, self.max_hours, self.components),
        )


def _hours(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _rebuild_plan_fit(
    fit: Any,
    min_minutes: int,
    max_minutes: int,
    min_hours: float,
    max_hours: float | None,
    components: tuple[tuple[str, int, int], ...],
) -> PlanDoesNotFitError:
    return PlanDoesNotFitError(
        fit,
        min_minutes=min_minutes,
        max_minutes=max_minutes,
        min_hours=min_hours,
        max_hours=max_hours,
        components=components,
    )


class InvalidResponseError(InvalidDataError):
    """Responses that cannot be scored (raised by :func:`iopcore.assessment.score`).

    Wrong length, type or value, too many missing items, bad context. ``item`` is the number
    (from 1) of the offending item, or ``None`` when the problem is not one item's (length,
    context). Messages never contain the answer.
    """

    instrument: str
    item: int | None

    def __init__(self, instrument: str, item: int | None, message: str, rule: str, *, path: str | None = None) -> None:
        self.instrument = instrument
        self.item = item
        where = path or ("$.responses" if item is None else f"$.responses[{item - 1}]")
        text = message if item is None else f"item {item}: {message}"
        super().__init__((ErrorItem(path=where, message=text, rule=rule),), type_name=f"{instrument} responses")

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_response, (self.instrument, self.item, self.errors[0]))


def _rebuild_response(instrument: str, item: int | None, error: ErrorItem) -> InvalidResponseError:
    message = error.message.split(": ", 1)[1] if item is not None else error.message
    return InvalidResponseError(instrument, item, message, error.rule, path=error.path)


class NoSafeLevelError(IopcoreError, LookupError):
    """No level of the catalog meets every triggered placement rule (raised by :mod:`iopcore.assessment`).

    E.g. withdrawal management needed, none offered. ``unmet`` lists the ids of the rules that no
    candidate level satisfies together; ``catalog`` is the catalog's name.
    """

    catalog: str
    unmet: tuple[str, ...]

    def __init__(self, catalog: str, unmet: Sequence[str]) -> None:
        self.catalog = catalog
        self.unmet = tuple(unmet)
        super().__init__(f"no level of {catalog} meets every triggered placement rule: {', '.join(self.unmet)}")

    def __reduce__(self) -> tuple[object, ...]:
        return (NoSafeLevelError, (self.catalog, self.unmet))


class UnsupportedFormatError(InvalidDataError):
    """A serialized document written by a newer format version than this iopcore reads (raised by ``from_dict``).

    ``version`` is the document's format version and ``supported`` the newest one this iopcore
    reads; a newer iopcore reads the document. Versions are not patient data, so the message shows them.
    """

    version: int
    supported: int

    def __init__(self, *, version: int, supported: int, path: str = "$") -> None:
        self.version = version
        self.supported = supported
        shown = str(version) if version < 10**9 else "a larger one"
        super().__init__(
            (
                ErrorItem(
                    path=path,
                    message=f"expected a document of format version {supported} or earlier, got version {shown} "
                    "(written by a newer iopcore; a newer iopcore reads it)",
                    rule="format_version",
                ),
            )
        )

    def under(self, prefix: str) -> UnsupportedFormatError:
        """Return a copy whose path is re-rooted under *prefix* (a document inside another value)."""
        _check_prefix(prefix, "UnsupportedFormatError.under")
        return UnsupportedFormatError(
            version=self.version, supported=self.supported, path=prefix + self.errors[0].path[1:]
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_unsupported, (self.version, self.supported, self.errors[0].path))


def _rebuild_unsupported(version: int, supported: int, path: str) -> UnsupportedFormatError:
    return UnsupportedFormatError(version=version, supported=supported, path=path)


_loaded.loaded(__name__)  # after every definition: the Hypothesis entry point may register them now
