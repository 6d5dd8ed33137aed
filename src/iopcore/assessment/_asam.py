"""ASAM dimension ratings, versioned by edition.

Only the generic 0-4 risk-rating scale and the dimension names are stored:
ASAM's text and decision logic are licensed and are not part of iopcore.
Ratings are never summed or averaged (there is no total on purpose).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from typing import final

import attrs

from iopcore import _fields as f
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError, UnknownCodeError, child_path
from iopcore.sources import Evidence, Source

__all__ = [
    "ASAM3_DIMENSIONS",
    "ASAM4_DIMENSIONS",
    "DIMENSION_SETS",
    "AsamEdition",
    "Dimension",
    "DimensionRating",
    "DimensionRatings",
    "DimensionSet",
    "RatingAnchor",
    "Subdimension",
    "dimension_set",
]

MIN_RATING = 0
MAX_RATING = 4


class AsamEdition(enum.StrEnum):
    """The edition of The ASAM Criteria whose dimensions are rated."""

    THIRD = "asam3"
    """3rd edition (2013): six dimensions, each rated 0-4."""
    FOURTH = "asam4"
    """4th edition (2023): restructured dimensions with subdimensions (from secondary sources)."""


@final
@attrs.frozen(kw_only=True)
class Subdimension:
    """A named part of a dimension (4th edition)."""

    id: str = attrs.field(validator=f.identifier())
    name: str = attrs.field(validator=f.text())


@final
@attrs.frozen(kw_only=True)
class RatingAnchor:
    """A label for a rating (or a symbolic anchor code such as ``"3A"`` in the 4th edition)."""

    code: str = attrs.field(validator=f.text(max_length=8))
    label: str = attrs.field(validator=f.text())
    rating: int | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(f.to_int),
        validator=f.optional(f.integer(min_value=MIN_RATING, max_value=MAX_RATING)),
    )
    """The 0-4 integer this anchor corresponds to, where one is known."""


@final
@attrs.frozen(kw_only=True)
class Dimension:
    """One ASAM dimension of an edition."""

    number: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=1, max_value=12))
    id: str = attrs.field(validator=f.identifier())
    name: str = attrs.field(validator=f.text())
    subdimensions: tuple[Subdimension, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(Subdimension)
    )
    risk_rated: bool = attrs.field(default=True, validator=f.boolean())
    """Whether the dimension receives a 0-4 risk rating (4th edition D6 does not, per secondary sources)."""
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))


@final
@attrs.frozen(kw_only=True)
class DimensionSet:
    """An edition's dimensions and rating anchors, as data."""

    edition: AsamEdition = attrs.field(validator=f.enum_member(AsamEdition))
    dimensions: tuple[Dimension, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(Dimension, min_length=1))
    anchors: tuple[RatingAnchor, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(RatingAnchor)
    )
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))

    def __attrs_post_init__(self) -> None:
        f.unique_by(self.dimensions, lambda d: d.id, path="$.dimensions", what="dimension id")
        f.unique_by(self.anchors, lambda a: a.code, path="$.anchors", what="anchor code")

    @property
    def ids(self) -> tuple[str, ...]:
        """Every dimension id, in order."""
        return tuple(d.id for d in self.dimensions)

    @property
    def rated_ids(self) -> tuple[str, ...]:
        """The ids of the dimensions that receive a risk rating."""
        return tuple(d.id for d in self.dimensions if d.risk_rated)

    @f.guard
    def dimension(self, dimension_id: str) -> Dimension:
        """The dimension *dimension_id*; unknown ids raise :class:`~iopcore.errors.UnknownCodeError`."""
        for d in self.dimensions:
            if d.id == dimension_id:
                return d
        raise UnknownCodeError(what="dimension", catalog=self.edition.value, known=self.ids, path="$.dimension_id")

    def __iter__(self) -> Iterator[Dimension]:
        return iter(self.dimensions)


_RATING_SCALE = Source(
    citation="The ASAM Criteria, 3rd ed., pp. 54-58: severity rated 0-4 in each dimension (asamcontinuum.org knowledge base)",
    urls=(
        "http://asamcontinuum.org/knowledgebase/is-there-a-standard-way-to-rank-dimensional-severity-across-the-six-dimensions-of-asams-criteria/",
    ),
    evidence=Evidence.VERIFIED,
)
_ASAM3_NAMES = Source(
    citation="ASAM Criteria 3rd ed. six dimensions (training and provider summaries)",
    urls=(
        "https://open-exam-prep.com/study-guides/icrc/screening-assessment/asam-six-dimensions",
        "http://www.mdcoalition.org/blog/substance-use-disorder",
    ),
    evidence=Evidence.SECONDARY,
)
_LABELS_NOTE = (
    "Labels vary between training sources (3: significant or severe; 4: severe, extreme or utmost); display your own."
)
_ANCHORS_3 = (
    RatingAnchor(code="0", label="none", rating=0),
    RatingAnchor(code="1", label="mild", rating=1),
    RatingAnchor(code="2", label="moderate", rating=2),
    RatingAnchor(code="3", label="significant", rating=3),
    RatingAnchor(code="4", label="severe", rating=4),
)

ASAM3_DIMENSIONS = DimensionSet(
    edition=AsamEdition.THIRD,
    dimensions=tuple(
        Dimension(number=i + 1, id=dim_id, name=name, source=_ASAM3_NAMES)
        for i, (dim_id, name) in enumerate(
            (
                ("d1_intoxication_withdrawal", "Acute Intoxication and/or Withdrawal Potential"),
                ("d2_biomedical", "Biomedical Conditions and Complications"),
                (
                    "d3_emotional_behavioral_cognitive",
                    "Emotional, Behavioral, or Cognitive Conditions and Complications",
                ),
                ("d4_readiness_to_change", "Readiness to Change"),
                ("d5_relapse_continued_use", "Relapse, Continued Use, or Continued Problem Potential"),
                ("d6_recovery_environment", "Recovery/Living Environment"),
            )
        )
    ),
    anchors=_ANCHORS_3,
    source=Source(
        citation=_RATING_SCALE.citation,
        urls=_RATING_SCALE.urls,
        evidence=Evidence.VERIFIED,
        note=_LABELS_NOTE + " Anchor labels are secondary.",
    ),
)
"""The 3rd edition's six dimensions, each rated 0-4."""

_ASAM4_NAMES = Source(
    citation="ASAM Criteria 4th ed. (2023) dimensions, from secondary sources",
    urls=(
        "https://open-exam-prep.com/study-guides/icrc/screening-assessment/asam-six-dimensions",
        "https://behavioralhealth.news/2024/12/07/the-asam-fourth-edition-criteria-a-new-era-in-addiction-treatment",
    ),
    evidence=Evidence.SECONDARY,
    note="Not read in ASAM's own text.",
)
_ASAM4_SUBS = Source(
    citation="ASAM Criteria 4th ed. subdimensions, from open-source implementations citing the book",
    evidence=Evidence.UNVERIFIED,
    note="Not checked against the book.",
)


def _dim4(number: int, dim_id: str, name: str, subs: tuple[tuple[str, str], ...], rated: bool = True) -> Dimension:
    return Dimension(
        number=number,
        id=dim_id,
        name=name,
        subdimensions=tuple(Subdimension(id=s, name=n) for s, n in subs),
        risk_rated=rated,
        source=_ASAM4_NAMES
        if not subs
        else attrs.evolve(_ASAM4_NAMES, note=_ASAM4_NAMES.note + " Subdimensions: " + _ASAM4_SUBS.note),
    )


ASAM4_DIMENSIONS = DimensionSet(
    edition=AsamEdition.FOURTH,
    dimensions=(
        _dim4(
            1,
            "d1_intoxication_withdrawal_medications",
            "Intoxication, Withdrawal, and Addiction Medications",
            (
                ("intoxication", "Intoxication and associated risks"),
                ("withdrawal", "Withdrawal and associated risks"),
                ("addiction_medications", "Addiction medication needs"),
            ),
        ),
        _dim4(
            2,
            "d2_biomedical",
            "Biomedical Conditions",
            (("physical_health", "Physical health concerns"), ("pregnancy", "Pregnancy-related concerns")),
        ),
        _dim4(
            3,
            "d3_psychiatric_cognitive",
            "Psychiatric and Cognitive Conditions",
            (("active_symptoms", "Active psychiatric symptoms"), ("persistent_disability", "Persistent disability")),
        ),
        _dim4(
            4,
            "d4_substance_use_risks",
            "Substance Use-Related Risks",
            (
                ("risky_substance_use", "Likelihood of risky substance use"),
                ("risky_behaviors", "Likelihood of risky SUD-related behaviors"),
            ),
        ),
        _dim4(
            5,
            "d5_recovery_environment",
            "Recovery Environment Interactions",
            (
                ("ability_to_function", "Ability to function effectively in current environment"),
                ("support", "Support in current environment"),
                ("safety", "Safety in current environment"),
            ),
        ),
        _dim4(6, "d6_person_centered", "Person-Centered Considerations", (), rated=False),
    ),
    anchors=(
        RatingAnchor(code="0", label="no risk", rating=0),
        RatingAnchor(code="ANY", label="any (symbolic anchor)"),
        RatingAnchor(code="EVAL", label="needs evaluation (symbolic anchor)"),
        RatingAnchor(code="2", label="moderate", rating=2),
        RatingAnchor(code="3A", label="3A (symbolic anchor)", rating=3),
        RatingAnchor(code="3B", label="3B (symbolic anchor)", rating=3),
        RatingAnchor(code="4", label="severe", rating=4),
    ),
    source=Source(
        citation="ASAM Criteria 4th ed. (2023), rating anchors reported by secondary and code sources",
        evidence=Evidence.UNVERIFIED,
        note="Anchors are reported as symbolic (0, ANY, EVAL, 2, 3A, 3B, 4), not pure 0-4 integers; D6 has no risk rating. Replace with your licensed copy.",
    ),
)
"""The 4th edition's dimensions, subdimensions and anchors, as reported by secondary sources (unverified)."""

DIMENSION_SETS: Mapping[AsamEdition, DimensionSet] = f.FrozenMap(
    {AsamEdition.THIRD: ASAM3_DIMENSIONS, AsamEdition.FOURTH: ASAM4_DIMENSIONS}
)
"""The built-in dimension set of each edition."""

_EDITIONS = {e.value: e for e in AsamEdition}


def _edition(edition: AsamEdition | str) -> AsamEdition:
    """An edition member, or the member whose value *edition* is; others raise naming ``$.edition``."""
    if isinstance(edition, AsamEdition):
        return edition
    found = _EDITIONS.get(edition)
    if found is None:
        raise UnknownCodeError(what="edition", catalog="ASAM editions", known=list(_EDITIONS), path="$.edition")
    return found


@f.guard
def dimension_set(edition: AsamEdition | str) -> DimensionSet:
    """The built-in dimension set of *edition* (``"asam3"`` or ``"asam4"``)."""
    return DIMENSION_SETS[_edition(edition)]


@final
@attrs.frozen(kw_only=True)
class DimensionRating:
    """One dimension's risk rating (an integer 0-4) with the clinician's rationale."""

    dimension: str = attrs.field(validator=f.identifier())
    rating: int = attrs.field(converter=f.to_int, validator=f.integer(min_value=MIN_RATING, max_value=MAX_RATING))
    rationale: str = f.phi_field(validator=f.text())
    """Why this rating: the history and here-and-now findings it rests on (required; free text about the
    patient, so treated as an identifier: redacted in ``repr``)."""
    anchor: str | None = attrs.field(default=None, validator=f.optional(f.text(max_length=8)))
    """An edition's symbolic anchor code (e.g. ``"3B"``), where used."""


@final
@attrs.frozen(kw_only=True)
class DimensionRatings:
    """A complete set of ratings for one edition: every risk-rated dimension exactly once.

    Deliberately without a total or mean: placement follows the highest-risk
    dimensions, never an average.
    """

    edition: AsamEdition = attrs.field(validator=f.enum_member(AsamEdition))
    ratings: tuple[DimensionRating, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(DimensionRating))

    def __attrs_post_init__(self) -> None:
        dims = DIMENSION_SETS[self.edition]
        known = set(dims.rated_ids)
        errors: list[ErrorItem] = []
        seen: set[str] = set()
        anchors = {a.code: a for a in dims.anchors}
        for i, r in enumerate(self.ratings):
            if r.dimension not in known:
                errors.append(
                    ErrorItem(
                        path=f"$.ratings[{i}].dimension",
                        message=f"expected a risk-rated dimension of {self.edition.value}",
                        rule="unknown_code",
                    )
                )
            elif r.dimension in seen:
                errors.append(ErrorItem(path=f"$.ratings[{i}].dimension", message="duplicate dimension", rule="unique"))
            seen.add(r.dimension)
            if r.anchor is not None:
                anchor = anchors.get(r.anchor)
                if anchor is None or (anchor.rating is not None and anchor.rating != r.rating):
                    errors.append(
                        ErrorItem(
                            path=f"$.ratings[{i}].anchor",
                            message=f"expected an anchor code of {self.edition.value} matching the rating",
                            rule="anchor",
                        )
                    )
        missing = [d for d in dims.rated_ids if d not in seen]
        if missing:
            errors.append(
                ErrorItem(
                    path="$.ratings",
                    message=f"expected a rating for every dimension; missing {', '.join(missing)}",
                    rule="missing",
                )
            )
        if errors:
            raise InvalidDataError(errors, type_name="DimensionRatings")

    @classmethod
    @f.guard
    def of(cls, edition: AsamEdition | str, ratings: Mapping[str, tuple[int, str]]) -> DimensionRatings:
        """Build from ``{dimension_id: (rating, rationale)}``: every risk-rated dimension of *edition* once."""
        ed = _edition(edition)
        rated = DIMENSION_SETS[ed].rated_ids
        errors: list[ErrorItem] = []
        for dim, (value, why) in ratings.items():
            if dim not in rated:
                errors.append(
                    ErrorItem(
                        path="$.ratings",
                        message=f"expected keys that are risk-rated dimensions of {ed.value} ({', '.join(rated)}), "
                        "got a str key that is not one",
                        rule="unknown_code",
                    )
                )
                continue
            here = "$.ratings" + child_path(dim)[1:]
            if not MIN_RATING <= value <= MAX_RATING:
                errors.append(
                    ErrorItem(
                        path=f"{here}[0]",
                        message=f"expected a rating between {MIN_RATING} and {MAX_RATING}, got {f.number_text(value)}",
                        rule="range",
                    )
                )
            if not why.strip():
                errors.append(
                    ErrorItem(path=f"{here}[1]", message="expected a rationale, got an empty str", rule="non_empty")
                )
        missing = [d for d in rated if d not in ratings]
        if missing:
            errors.append(
                ErrorItem(
                    path="$.ratings",
                    message=f"expected a rating for every risk-rated dimension; missing {', '.join(missing)}",
                    rule="missing",
                )
            )
        if errors:
            raise InvalidArgumentError(errors, callable="DimensionRatings.of")
        return cls(
            edition=ed,
            ratings=tuple(DimensionRating(dimension=d, rating=r, rationale=why) for d, (r, why) in ratings.items()),
        )

    @f.guard
    def rating(self, dimension: str) -> int:
        """The rating of *dimension*."""
        for r in self.ratings:
            if r.dimension == dimension:
                return r.rating
        raise UnknownCodeError(
            what="dimension", catalog=self.edition.value, known=[r.dimension for r in self.ratings], path="$.dimension"
        )

    @f.guard
    def as_dict(self) -> dict[str, int]:
        """``{dimension_id: rating}`` in the edition's dimension order."""
        return self._as_dict()

    @f.guard
    def highest(self) -> tuple[str, ...]:
        """The dimension(s) with the highest rating, in dimension order."""
        return self._highest()

    def _as_dict(self) -> dict[str, int]:
        by_id = {r.dimension: r.rating for r in self.ratings}
        return {d: by_id[d] for d in DIMENSION_SETS[self.edition].rated_ids}

    def _highest(self) -> tuple[str, ...]:
        values = self._as_dict()
        top = max(values.values())
        return tuple(d for d, v in values.items() if v == top)
