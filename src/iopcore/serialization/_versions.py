"""Format versions of serialized documents, and the migrations that read older ones.

A *document* is the dict :func:`~iopcore.serialization.to_dict` writes for an attrs value; its
``iopcore_format`` key says which format version wrote it. Values inside a document have its
version (they carry no key of their own); a mapping that carries one is a document of that
version, wherever it sits. Data without any key is version 1: the shape written before versions
existed.

Reading an older document runs, for every class in it, the migrations of each version after the
document's, oldest first, each on that class's dict in the shape of the version before (its
children are migrated afterwards, in the shape the migration left them). A migration is a small
pure function from a dict to a dict, registered by the public name of the class
(``"iopcore.schedule.Occurrence"``) in the :class:`Step` of the version that made the change::

    Step(
        version=3,
        changes="`Occurrence.component` is renamed `component_id`.",
        migrations={"iopcore.schedule.Occurrence": rename_field("component", "component_id")},
    )

The walk follows today's annotations from the class asked for (tuples, sets, mappings, optional
values and unions tagged by ``kind``); it never raises: what it cannot follow it leaves as it is,
for the structure hooks to report with a path.
"""

from __future__ import annotations

import collections.abc as cabc
from collections.abc import Callable, Mapping
from typing import Any, final, get_args, get_origin

import attrs

from iopcore import _fields as f
from iopcore.errors import InvalidDataError, UnsupportedFormatError, type_name
from iopcore.serialization._types import TAG, field_specs, is_union, public_name, strip, union_tags

__all__ = ["FORMAT_KEY", "HISTORY", "FormatHistory", "Migration", "Step", "mark", "migrate", "open_document"]

FORMAT_KEY = "iopcore_format"
"""The key of a document's format version."""

Migration = Callable[[dict[str, Any]], dict[str, Any]]
"""A class's dict in the shape of one version to its dict in the shape of the next (pure; never raises)."""


def rename_field(old: str, new: str) -> Migration:
    """A migration that renames the key *old* to *new* (keeping the order; no-op if *old* is absent or *new* is set)."""

    def rename(data: dict[str, Any]) -> dict[str, Any]:
        if old not in data or new in data:
            return data
        return {new if key == old else key: value for key, value in data.items()}

    return rename


_UNMEASURED: dict[str, Any] = {"measured": None, "threshold": None, "unit": None}
"""What a finding written before format 3 measured: nothing it states as a field."""


def _stay_counted_as_before(data: dict[str, Any]) -> dict[str, Any]:
    """A ``LengthOfStayRule`` written without ``counting`` counted discharge minus admission: read it as midnights.

    ``StayCounting.MIDNIGHTS`` gives that count for every discharged stay of one night or more (documented in
    docs/reference/serialization-format.md, version 3, with where it differs). Every iopcore that wrote format 3
    wrote ``counting``; a version 3 document without it takes today's default.
    """
    return data if "counting" in data else {**data, "counting": "midnights"}


@final
@attrs.frozen(kw_only=True)
class Step:
    """The change from format version ``version - 1`` to ``version``."""

    version: int
    changes: str
    """What changed, in one sentence (the reference page lists it)."""
    migrations: Mapping[str, Migration] = attrs.field(factory=dict, converter=f.to_mapping)
    """Public class name → migration of that class's dict."""


@final
@attrs.frozen
class FormatHistory:
    """Every format version after the first, oldest first; the last one is the version written."""

    steps: tuple[Step, ...]

    def __attrs_post_init__(self) -> None:
        if [s.version for s in self.steps] != list(range(2, len(self.steps) + 2)):
            raise ValueError("format history steps must be versions 2, 3, … in order")  # a bug in iopcore

    @property
    def current(self) -> int:
        """The version this iopcore writes (and the newest it reads)."""
        return len(self.steps) + 1

    def migrates_from(self, version: int) -> bool:
        """Whether any migration stands between *version* and the current version."""
        return any(step.migrations for step in self.steps[version - 1 :])


HISTORY = FormatHistory(
    (
        Step(
            version=2,
            changes="Documents say which format version wrote them (`iopcore_format`, on the outermost objects only); "
            "no field changed.",
        ),
        Step(
            version=3,
            changes="`Occurrence.component` is renamed `component_id` (as in `AttendanceRecord`); occurrences gain "
            "`id` and `minutes`, derived from the other fields (documents without them read). `Finding` gains "
            "`measured`, `threshold` and `unit`, the numbers that explain it; older findings read with all three `null`. "
            "A `LengthOfStayRule` of an older document without `counting` (written before the field existed) reads "
            "with `counting` `midnights`, its old count; written by format 3, an absent `counting` is `calendar_days`.",
            migrations={
                "iopcore.schedule.Occurrence": rename_field("component", "component_id"),
                "iopcore.compliance.Finding": lambda data: {**_UNMEASURED, **data},
                "iopcore.compliance.LengthOfStayRule": _stay_counted_as_before,
            },
        ),
    )
)
"""iopcore's format history (documented in docs/reference/serialization-format.md)."""


# ----------------------------------------------------------------------------- reading the version


def read_version(value: object, history: FormatHistory) -> int:
    """The version named by a document's key, or an error at ``$.iopcore_format``."""
    path = f"$.{FORMAT_KEY}"
    if not f.is_integer(value) or f.as_int(value) < 1:  # type: ignore[arg-type]
        got = "an int below 1" if f.is_integer(value) else type_name(value)
        raise InvalidDataError.single(
            path, f"expected a format version (a whole number from 1 to {history.current}), got {got}", "format_version"
        )
    version = f.as_int(value)  # type: ignore[arg-type]
    if version > history.current:
        raise UnsupportedFormatError(version=version, supported=history.current, path=path)
    return version


def open_document(cls: type, data: Mapping[str, Any], history: FormatHistory) -> Mapping[str, Any]:
    """*data* (a mapping for *cls* that carries a version) in the current shape, its key still in place if current."""
    version = read_version(data[FORMAT_KEY], history)
    if version == history.current or not history.migrates_from(version):
        return data
    migrated: Mapping[str, Any] = _migrate_object(cls, data, version, history)
    return migrated


# ----------------------------------------------------------------------------- the walk


def _attrs_class(t: Any) -> bool:
    return isinstance(t, type) and attrs.has(t)


def _union_member(members: list[Any], data: Mapping[str, Any]) -> Any:
    tags = union_tags(members)
    if tags:
        tag = data.get(TAG)
        return tags.get(tag) if isinstance(tag, str) else None
    classes = [m for m in members if _attrs_class(m)]
    return classes[0] if len(classes) == 1 else None


def _members(t: Any) -> list[Any]:
    return [m for m in get_args(t) if m is not type(None)]


_SEQUENCES = (tuple, list, cabc.Sequence, frozenset, set, cabc.Set)
_MAPPINGS = (dict, cabc.Mapping)


def migrate(t: Any, data: Any, version: int, history: FormatHistory) -> Any:
    """*data*, read as type *t* written by format *version*, in the current shape (new containers, never raises)."""
    t = strip(t)
    if _attrs_class(t):
        return _migrate_object(t, data, version, history)
    if is_union(t):
        members = _members(t)
        if isinstance(data, Mapping):
            member = _union_member(members, data)
        else:
            member = members[0] if len(members) == 1 else None
        return data if member is None else migrate(member, data, version, history)
    origin, args = get_origin(t), get_args(t)
    if origin in _SEQUENCES and isinstance(data, list | tuple):
        if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
            fixed = [migrate(a, x, version, history) for a, x in zip(args, data, strict=False)]
            return fixed + list(data[len(fixed) :])
        member = args[0] if args else Any
        return [migrate(member, x, version, history) for x in data]
    if origin in _MAPPINGS and isinstance(data, Mapping) and len(args) == 2:
        return {k: migrate(args[1], v, version, history) for k, v in data.items()}
    return data


def _migrate_object(cls: type, data: Any, version: int, history: FormatHistory) -> Any:
    if not isinstance(data, Mapping):
        return data
    if FORMAT_KEY in data:
        try:
            version = read_version(data[FORMAT_KEY], history)
        except InvalidDataError:
            return data  # the structure hook reports it, with its path
        if version == history.current:
            return data
    out = {k: v for k, v in data.items() if k != FORMAT_KEY}
    name = public_name(cls)
    for step in history.steps[version - 1 :]:
        change = step.migrations.get(name)
        if change is not None:
            out = change(out)
    for spec in field_specs(cls):
        if spec.alias in out:
            out[spec.alias] = migrate(spec.type, out[spec.alias], version, history)
    return out


def mark(t: Any, data: Any, version: int) -> Any:
    """*data* with *version* set on the outermost mappings for attrs classes that carry none (top-level data)."""
    t = strip(t)
    if _attrs_class(t) or (is_union(t) and isinstance(data, Mapping) and any(_attrs_class(m) for m in _members(t))):
        if isinstance(data, Mapping) and FORMAT_KEY not in data:
            return {FORMAT_KEY: version, **data}
        return data
    if is_union(t):
        members = _members(t)
        return mark(members[0], data, version) if len(members) == 1 else data
    origin, args = get_origin(t), get_args(t)
    if origin in _SEQUENCES and isinstance(data, list | tuple):
        if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
            fixed = [mark(a, x, version) for a, x in zip(args, data, strict=False)]
            return fixed + list(data[len(fixed) :])
        return [mark(args[0] if args else Any, x, version) for x in data]
    if origin in _MAPPINGS and isinstance(data, Mapping) and len(args) == 2:
        return {k: mark(args[1], v, version) for k, v in data.items()}
    return data
