"""The notebook views' HTML (``_repr_html_``): one place that escapes, styles, truncates and redacts.

Every view of every package is built from these pieces, so the same rules hold everywhere:

* **Escaped.** Every text goes through :func:`esc` (``html.escape`` with quotes); only :class:`Markup`
  (already built here) is inserted as it is.
* **Legible in light and dark themes.** Text keeps the notebook's own colour (``inherit``); lines use
  ``currentColor`` or a half-transparent grey; tones (severities, full offerings, decisions) are
  half-transparent tints with a solid edge (:data:`TONES`), never a light background with fixed text.
* **Truncated.** A collection shows at most ``max_rows`` rows (:data:`MAX_ROWS` by default), then one
  "… N more" line; rows that are not shown are never built.
* **Redacted.** :func:`fields_view` prints fields declared with ``phi_field()`` as :data:`REDACTED`,
  as ``repr`` does; the views of the packages never print identifiers.
"""

from __future__ import annotations

import enum
import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Final, TypeVar

import attrs

from iopcore._fields._validators import REDACTED, is_phi

__all__ = [
    "MAX_ROWS",
    "TONES",
    "Markup",
    "badge",
    "esc",
    "fields_view",
    "more",
    "pairs",
    "short",
    "table",
    "tint",
    "view",
]

T = TypeVar("T")

MAX_ROWS: Final = 50
"""Rows a view shows of one collection before its "… N more" line."""

MAX_TEXT: Final = 300
"""Characters a cell shows of one text before "…"."""

TONES: Final[Mapping[str, tuple[int, int, int]]] = {
    "info": (37, 99, 235),
    "warning": (202, 138, 4),
    "violation": (234, 88, 12),
    "critical": (220, 38, 38),
    "ok": (22, 163, 74),
    "muted": (120, 120, 120),
}
"""Tones as RGB, drawn as tints (alpha 0.18) with a solid edge: legible on white and on black."""


class Markup(str):
    """HTML that was built (and escaped) here: inserted as it is."""

    __slots__ = ()


def esc(value: object) -> Markup:
    """*value*'s text, escaped (quotes too), cut to :data:`MAX_TEXT` characters."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1] + "…"
    return Markup(html.escape(text, quote=True))


_CELL = "padding:.15em .6em;text-align:left;vertical-align:top;border-bottom:1px solid rgba(127,127,127,.35)"
_HEAD = "padding:.15em .6em;text-align:left;vertical-align:bottom;border-bottom:1px solid currentColor"
_TABLE = "border-collapse:collapse;margin:.25em 0 .6em 0;font-size:.92em;color:inherit;background:transparent"
_BOX = "font-family:inherit;color:inherit;line-height:1.35;max-width:100%;overflow-x:auto"


def tint(tone: str | None) -> str:
    """An inline ``style`` value tinting a row or cell in *tone* (empty for ``None``)."""
    if tone is None:
        return ""
    r, g, b = TONES[tone]
    return f"background:rgba({r},{g},{b},.16);box-shadow:inset 3px 0 0 rgba({r},{g},{b},.85)"


def badge(text: object, tone: str) -> Markup:
    """*text* as a small tinted label in *tone* (one of :data:`TONES`)."""
    r, g, b = TONES[tone]
    style = (
        f"display:inline-block;padding:0 .45em;border-radius:.3em;color:inherit;"
        f"background:rgba({r},{g},{b},.18);border:1px solid rgba({r},{g},{b},.75)"
    )
    return Markup(f"<span style='{style}'>{esc(text)}</span>")


def _cell(value: object, tag: str = "td", style: str = _CELL) -> str:
    inner = value if isinstance(value, Markup) else esc(value)
    return f"<{tag} style='{style}'>{inner}</{tag}>"


def more(count: int, what: str) -> Markup:
    """The "… N more" line of a truncated collection."""
    return Markup(f"<div style='opacity:.75'>… {count} more {esc(what)}</div>")


def table(
    heads: Sequence[str],
    items: Sequence[T],
    row: Callable[[T], Sequence[object]],
    *,
    max_rows: int = MAX_ROWS,
    tone: Callable[[T], str | None] | None = None,
    what: str = "rows",
    caption: object = None,
) -> Markup:
    """A table of the first *max_rows* of *items* (``row(item)`` gives the cells), then "… N more *what*".

    Cells that are :class:`Markup` are inserted as they are; everything else is escaped.
    """
    head = "".join(_cell(h, "th", _HEAD) for h in heads)
    body = []
    for item in items[:max_rows]:
        tinted = tint(tone(item)) if tone is not None else ""
        style = f" style='{tinted}'" if tinted else ""
        body.append(f"<tr{style}>" + "".join(_cell(c) for c in row(item)) + "</tr>")
    cap = "" if caption is None else f"<caption style='text-align:left;font-weight:600'>{esc(caption)}</caption>"
    out = f"<table style='{_TABLE}'>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    if len(items) > max_rows:
        out += more(len(items) - max_rows, what)
    return Markup(out)


def pairs(items: Iterable[tuple[str, object]]) -> Markup:
    """A two-column table of names and values (values escaped unless :class:`Markup`)."""
    rows = "".join(f"<tr>{_cell(name, 'th', _CELL + ';font-weight:600')}{_cell(value)}</tr>" for name, value in items)
    return Markup(f"<table style='{_TABLE}'><tbody>{rows}</tbody></table>")


def view(title: object, *parts: str) -> Markup:
    """A view: its title (the type and a one-line summary), then its parts (summary first)."""
    head = f"<div style='font-weight:600;margin-bottom:.2em'>{esc(title)}</div>"
    return Markup(f"<div class='iopcore-view' style='{_BOX}'>{head}{''.join(parts)}</div>")


# --------------------------------------------------------------------------- any attrs value


def _visible(cls: Any) -> list[attrs.Attribute[Any]]:
    return [a for a in attrs.fields(cls) if a.repr is not False and not a.name.startswith("_")]


def _own_str(value: object) -> bool:
    return type(value).__str__ is not object.__str__


_SCALARS = (bool, int, float, str, date, enum.Enum, type(None))


def short(value: object, *, max_items: int = 5) -> str:
    """A short plain text of *value* for one cell (identifiers never shown: see :func:`fields_view`)."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, str | int | float | date):
        return value.isoformat() if isinstance(value, date) else str(value)
    kind: Any = type(value)
    if attrs.has(kind):
        names = {a.name for a in attrs.fields(kind)}
        if {"citation", "evidence"} <= names:  # a Source
            return f"{value.citation} [{short(value.evidence)}]"  # type: ignore[attr-defined]
        if _own_str(value):
            return str(value)
        for key in ("id", "code", "label", "name", "instrument"):
            attribute = getattr(attrs.fields(kind), key, None)
            if attribute is not None and not is_phi(attribute):
                return f"{type(value).__name__} {short(getattr(value, key))}"
        scalars = [a for a in _visible(kind) if not is_phi(a) and isinstance(getattr(value, a.name), _SCALARS)]
        inner = ", ".join(f"{a.name}={short(getattr(value, a.name))}" for a in scalars[:4])
        return f"{type(value).__name__}({inner})" if inner else type(value).__name__
    if isinstance(value, Mapping):
        shown = [f"{short(k)}: {short(v)}" for k, v in list(value.items())[:max_items]]
        rest = len(value) - len(shown)
        return ", ".join(shown) + (f", … {rest} more" if rest > 0 else "") if shown else "–"
    if isinstance(value, tuple | list | frozenset | set):
        items = sorted(value, key=str) if isinstance(value, frozenset | set) else list(value)
        if items and all(attrs.has(type(i)) for i in items) and len(items) > max_items:
            return f"{len(items)} × {type(items[0]).__name__}"
        shown = [short(i) for i in items[:max_items]]
        rest = len(items) - len(shown)
        return ", ".join(shown) + (f", … {rest} more" if rest > 0 else "") if shown else "–"
    return type(value).__name__


def _field_value(attribute: attrs.Attribute[Any], value: object, *, nested: bool, max_rows: int) -> object:
    if is_phi(attribute):
        return REDACTED
    if not nested:
        return short(value)
    kind: Any = type(value)
    if attrs.has(kind) and not _own_str(value) and "citation" not in attrs.fields_dict(kind):
        return pairs(
            (a.name, _field_value(a, getattr(value, a.name), nested=False, max_rows=max_rows)) for a in _visible(kind)
        )
    if isinstance(value, tuple) and value and all(type(v) is type(value[0]) for v in value):
        cls = type(value[0])
        if attrs.has(cls) and not _own_str(value[0]):
            columns = _visible(cls)
            return table(
                [a.name for a in columns],
                value,
                lambda item: [_field_value(a, getattr(item, a.name), nested=False, max_rows=max_rows) for a in columns],
                max_rows=max_rows,
                what=attribute.name,
            )
    return short(value, max_items=max_rows)


def fields_view(
    value: Any,
    *,
    title: str | None = None,
    max_rows: int = MAX_ROWS,
    badges: Mapping[str, Callable[[Any], str | None]] | None = None,
    lead: Sequence[str] = (),
) -> Markup:
    """The view of any attrs value: a table of its fields, nested values one level deep, collections as tables.

    Identifier fields (``phi_field()``) show :data:`REDACTED`. *badges* maps a field name to a
    function giving the tone of its value (or ``None`` for plain text); *lead* is HTML shown
    before the fields (a summary).
    """
    cls = type(value)
    tones = badges or {}
    rows: list[tuple[str, object]] = []
    for a in _visible(cls):
        current = getattr(value, a.name)
        tone = tones[a.name](current) if a.name in tones and not is_phi(a) else None
        if tone is not None:
            rows.append((a.name, badge(short(current), tone)))
        else:
            rows.append((a.name, _field_value(a, current, nested=True, max_rows=max_rows)))
    return view(title or cls.__name__, *lead, pairs(rows))
