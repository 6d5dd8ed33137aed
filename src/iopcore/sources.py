"""Citations: where a catalog entry, threshold or rule comes from.

Every clinical number in iopcore lives in a catalog entry or rule set that
carries a :class:`Source`, so that users can see, check and replace it.
"""

from __future__ import annotations

import enum
from typing import final

import attrs

from iopcore import _fields as f
from iopcore import _loaded

__all__ = ["Evidence", "Source"]


class Evidence(enum.StrEnum):
    """How well a fact is supported by its source."""

    VERIFIED = "verified"
    """Read in a primary or official text (regulation, Federal Register, NCBI/SAMHSA, the instrument's own form)."""
    SECONDARY = "secondary"
    """Seen only in secondary sources (payer or vendor pages, training material, law-firm summaries)."""
    UNVERIFIED = "unverified"
    """Not confirmed; kept configurable and flagged so that a program replaces it with its own value."""
    ILLUSTRATIVE = "illustrative"
    """An iopcore default with no clinical source, for examples and planning; replace it with your program's value."""


@final
@attrs.frozen(kw_only=True)
class Source:
    """A citation: a short human-readable reference, public URLs and how well it supports the fact."""

    citation: str = attrs.field(validator=f.text())
    """E.g. ``"DC 22-A DCMR §6329"`` or ``"SAMHSA TIP 47 (2006), Appendix B"``."""
    urls: tuple[str, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(str, description="URL strings")
    )
    evidence: Evidence = attrs.field(default=Evidence.VERIFIED, validator=f.enum_member(Evidence))
    note: str = attrs.field(default="", validator=f.instance(str, "a string"))
    """Caveats: where sources disagree, what is inferred, what to check."""

    def __str__(self) -> str:
        text = f"{self.citation} [{self.evidence.value}]"
        return f"{text} — {self.note}" if self.note else text


_loaded.loaded(__name__)  # after every definition: the Hypothesis entry point may register them now
