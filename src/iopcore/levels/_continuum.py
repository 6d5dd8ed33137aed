"""Moves along the continuum: which steps up and down a program accepts (:class:`MovePolicy`).

A catalog orders its levels by intensity (:class:`~iopcore.levels.IntensityOrder`); a move to a
more intensive level is a step up, to a less intensive one a step down. TIP 47 describes a
continuum in which clients "step up to more intense treatment or down to less intense
treatment as needed", so the default policy, :data:`ANY_STEP`, allows every step up and every
step down. A program restricts moves with its own policy (directions, how far one move may go
in the intensity order, usual routes only); a restriction only ever removes moves.
"""

from __future__ import annotations

from typing import Annotated, final

import attrs

from iopcore import _fields as f
from iopcore.levels._model import LevelCatalog, LevelOfCare, LevelRef, TransitionKind
from iopcore.sources import Evidence, Source

__all__ = ["ANY_STEP", "MOVE_POLICIES", "USUAL_ROUTES_ONLY", "MovePolicy"]

_STEPS = frozenset({TransitionKind.STEP_UP, TransitionKind.STEP_DOWN})


def _directions(inst: object, attribute: attrs.Attribute[frozenset[TransitionKind]], value: object) -> None:
    f.frozenset_of(TransitionKind, "TransitionKind members")(inst, attribute, value)
    if TransitionKind.LATERAL in value:  # type: ignore[operator]
        raise f.fail(
            "$.directions",
            "expected TransitionKind.STEP_UP or TransitionKind.STEP_DOWN, got TransitionKind.LATERAL "
            "(staying at a level is not a move and is always allowed)",
            "direction",
            inst,
        )


@final
@attrs.frozen(kw_only=True)
class MovePolicy:
    """Which moves between the levels of a catalog a program accepts.

    Each field only removes moves from "every step up and every step down":

    * ``directions``: the directions allowed (both by default; ``{TransitionKind.STEP_DOWN}``
      for a program that only steps patients down);
    * ``max_step``: how many places in the catalog's intensity order one move may span
      (``1``: only to the next level up or down; ``None``: no limit);
    * ``usual_routes_only``: only the catalog's usual routes (:attr:`LevelCatalog.transitions`).

    Staying at the same level (a new period, e.g. a new authorization) is not a move and is
    always allowed. ``name`` appears in :class:`~iopcore.errors.TransitionNotAllowedError`.
    """

    name: str = attrs.field(validator=f.text(max_length=80))
    directions: frozenset[TransitionKind] = attrs.field(
        repr=f.set_repr, default=_STEPS, converter=f.to_frozenset, validator=_directions
    )
    max_step: int | None = attrs.field(
        default=None, converter=attrs.converters.optional(f.to_int), validator=f.optional(f.integer(min_value=1))
    )
    usual_routes_only: bool = attrs.field(default=False, validator=f.boolean())
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))

    @f.guard
    def allows(self, catalog: LevelCatalog, from_level: LevelRef, to_level: LevelRef) -> bool:
        """Whether the policy lets a patient move *from_level* → *to_level* (the same level: always)."""
        a, b = catalog._pair(from_level, to_level)
        return a.code == b.code or (a.code, b.code) in _moves(self, catalog)

    @f.guard
    def targets(self, catalog: LevelCatalog, from_level: LevelRef) -> tuple[LevelOfCare, ...]:
        """The levels the policy lets *from_level* move to, least intensive first (never *from_level* itself)."""
        a = catalog._resolve(from_level, "$.from_level")
        allowed = _moves(self, catalog)
        return tuple(lv for lv in catalog._by_intensity() if (a.code, lv.code) in allowed)

    @f.guard
    def moves(self, catalog: LevelCatalog) -> frozenset[tuple[str, str]]:
        """Every allowed move between two distinct levels of *catalog*, as ``(from_code, to_code)`` pairs."""
        return _moves(self, catalog)

    @f.guard
    def restricted(
        self,
        *,
        name: str,
        source: Source,
        directions: frozenset[TransitionKind] | None = None,
        max_step: Annotated[int, f.Range(min_value=1)] | None = None,
        usual_routes_only: bool = False,
    ) -> MovePolicy:
        """A policy that allows only what this one and the given restrictions both allow.

        The directions are intersected, the smaller ``max_step`` is kept and
        ``usual_routes_only`` holds if either sets it, so the new policy never allows a move
        this one refuses.
        """
        limits = [n for n in (self.max_step, max_step) if n is not None]
        return MovePolicy(
            name=name,
            source=source,
            directions=self.directions if directions is None else self.directions & directions,
            max_step=min(limits) if limits else None,
            usual_routes_only=self.usual_routes_only or usual_routes_only,
        )


def _moves(policy: MovePolicy, catalog: LevelCatalog) -> frozenset[tuple[str, str]]:
    order = catalog._by_intensity()
    usual = frozenset((t.from_code, t.to_code) for t in catalog.transitions)
    out: set[tuple[str, str]] = set()
    for i, a in enumerate(order):
        for j, b in enumerate(order):
            if i == j:
                continue
            direction = TransitionKind.STEP_UP if j > i else TransitionKind.STEP_DOWN
            if direction not in policy.directions:
                continue
            if policy.max_step is not None and abs(j - i) > policy.max_step:
                continue
            if policy.usual_routes_only and (a.code, b.code) not in usual:
                continue
            out.add((a.code, b.code))
    return frozenset(out)


_TIP47_CONTINUUM = Source(
    citation="SAMHSA TIP 47 (2006), ch. 3, Overview of a Continuum of Care: clients enter treatment at a level "
    "appropriate to their needs, then step up to more intense or down to less intense treatment as needed; "
    "ASAM's levels are points in a continuum rather than discrete levels (Mee-Lee and Shulman 2003)",
    urls=("https://ncbi.nlm.nih.gov/books/NBK64088",),
    evidence=Evidence.VERIFIED,
)

ANY_STEP: MovePolicy = MovePolicy(name="any step", source=_TIP47_CONTINUUM)
"""The default: every step up to a more intensive level and every step down to a less intensive one."""

USUAL_ROUTES_ONLY: MovePolicy = MovePolicy(
    name="usual routes only",
    usual_routes_only=True,
    source=Source(
        citation="Only the catalog's usual routes (for the built-in catalogs: SAMHSA 2021 Advisory based on TIP 47, "
        "IOP entered as primary treatment, as a step-down from inpatient, residential or withdrawal management, "
        "or as a step-up from outpatient)",
        urls=(
            "https://www.zlibrary.cc/dl/samhsa-advisory-2021-clinical-issues-in-intensive-outpatient-treatment-for-substance-use-disorders",
        ),
        evidence=Evidence.SECONDARY,
        note="A restriction some programs apply; TIP 47 itself moves clients up or down as needed. "
        "iopcore before issue 15 allowed only these moves.",
    ),
)
"""Only the catalog's usual routes: e.g. from ASAM3 2.1 only to 1 and 2.5 (no step up to residential care)."""

MOVE_POLICIES: tuple[MovePolicy, ...] = (ANY_STEP, USUAL_ROUTES_ONLY)
"""Every built-in move policy."""
