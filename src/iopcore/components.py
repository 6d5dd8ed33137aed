"""Program components, group topics and curricula.

Every component the article names has a stable snake_case id used wherever a
component is referred to (offerings, plan interventions, attendance records,
rule sets). :data:`COMPONENTS` is the built-in catalog; programs may add their
own components with new ids.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import Annotated, final

import attrs

from iopcore import _fields as f
from iopcore import _loaded
from iopcore.errors import ErrorItem, InvalidArgumentError, UnknownCodeError
from iopcore.sources import Evidence, Source
from iopcore.times import Minutes

__all__ = [
    "COMPONENTS",
    "CURRICULA",
    "RELAPSE_PREVENTION_BASICS",
    "TOPICS",
    "Component",
    "ComponentCatalog",
    "Curriculum",
    "DeliveryMode",
    "Role",
    "Topic",
]


class DeliveryMode(enum.StrEnum):
    """How a component is delivered."""

    GROUP = "group"
    INDIVIDUAL = "individual"
    FAMILY = "family"


class Role(enum.StrEnum):
    """The staff role that leads a component."""

    ADDICTION_COUNSELOR = "addiction_counselor"
    THERAPIST = "therapist"
    """A licensed mental-health professional (psychologist, clinical social worker, counselor)."""
    PHYSICIAN = "physician"
    PSYCHIATRIST = "psychiatrist"
    PRESCRIBER = "prescriber"
    """A physician, nurse practitioner or physician assistant who prescribes."""
    NURSE = "nurse"
    PEER_SUPPORT_SPECIALIST = "peer_support_specialist"
    CASE_MANAGER = "case_manager"
    DIETITIAN = "dietitian"
    EXERCISE_SPECIALIST = "exercise_specialist"
    FAMILY_THERAPIST = "family_therapist"


@final
@attrs.frozen(kw_only=True)
class Component:
    """A kind of service an IOP delivers (group counseling, drug testing, …)."""

    id: str = attrs.field(validator=f.identifier())
    name: str = attrs.field(validator=f.text())
    delivery: DeliveryMode = attrs.field(validator=f.enum_member(DeliveryMode))
    typical_duration: Minutes | None = attrs.field(
        default=None, validator=f.optional(f.instance(Minutes, "a Minutes duration"))
    )
    """A planning default for one session, not a clinical requirement (``None`` if it varies)."""
    lead_role: Role = attrs.field(validator=f.enum_member(Role))
    description: str = attrs.field(default="", validator=f.instance(str, "a string"))
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))

    def __str__(self) -> str:
        return self.name


@final
@attrs.frozen(kw_only=True)
class ComponentCatalog:
    """A set of components with unique ids."""

    components: tuple[Component, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(Component))

    def __attrs_post_init__(self) -> None:
        f.unique_by(self.components, lambda c: c.id, path="$.components", what="component id")

    @property
    def ids(self) -> tuple[str, ...]:
        """Every component id, in catalog order."""
        return tuple(c.id for c in self.components)

    @f.guard
    def get(self, component_id: str) -> Component:
        """The component with *component_id*; unknown ids raise :class:`~iopcore.errors.UnknownCodeError`."""
        for c in self.components:
            if c.id == component_id:
                return c
        raise UnknownCodeError(what="component", catalog="the component catalog", known=self.ids, path="$.component_id")

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Component):
            return item in self.components
        return isinstance(item, str) and item in self.ids

    def __iter__(self) -> Iterator[Component]:
        return iter(self.components)

    def __len__(self) -> int:
        return len(self.components)

    @f.guard
    def with_components(self, *extra: Component) -> ComponentCatalog:
        """A catalog with *extra* components added (ids must stay unique)."""
        seen = set(self.ids)
        clashes: list[ErrorItem] = []
        for i, c in enumerate(extra):
            if c.id in seen:
                clashes.append(
                    ErrorItem(
                        path=f"$.extra[{i}]", message="duplicate component id (already in the catalog)", rule="unique"
                    )
                )
            seen.add(c.id)
        if clashes:
            raise InvalidArgumentError(clashes, callable="ComponentCatalog.with_components")
        return ComponentCatalog(components=self.components + extra)


@final
@attrs.frozen(kw_only=True)
class Topic:
    """A group-session topic, e.g. "avoiding triggers for relapse"."""

    id: str = attrs.field(validator=f.identifier())
    title: str = attrs.field(validator=f.text())
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))


@final
@attrs.frozen(kw_only=True)
class Curriculum:
    """An ordered series of topics for the sessions of one component."""

    id: str = attrs.field(validator=f.identifier())
    name: str = attrs.field(validator=f.text())
    component: str = attrs.field(validator=f.identifier())
    """The id of the component whose sessions follow this curriculum."""
    topics: tuple[Topic, ...] = attrs.field(converter=f.to_tuple, validator=f.tuple_of(Topic, min_length=1))
    source: Source = attrs.field(validator=f.instance(Source, "a Source"))

    def __attrs_post_init__(self) -> None:
        f.unique_by(self.topics, lambda t: t.id, path="$.topics", what="topic id")

    @f.guard
    def topic_for_session(self, session_number: Annotated[int, f.Range(min_value=1)]) -> Topic:
        """The topic of the *session_number*-th session (1-based), cycling through the curriculum."""
        return self.topics[(session_number - 1) % len(self.topics)]


# ----------------------------------------------------------------------------- data

_ARTICLE = Source(
    citation="Components of an Intensive Outpatient Program (article iopcore grew from)",
    evidence=Evidence.SECONDARY,
    note="Lists group and individual counseling, group and individual behavioral therapy, monitoring of alcohol and "
    "drug use, medical and mental-health treatment, medications, life-skills training, support-group meetings, "
    "nutrition, exercise, anger management and family counseling.",
)
_MEDICARE_SERVICES = Source(
    citation="42 CFR 410.43(a)(4) / 410.44: individual and group therapy, drugs and biologicals, family counseling, "
    "patient education among Medicare IOP/PHP services",
    urls=("https://law.lawstack.com/cfr/42/410.43/",),
    evidence=Evidence.VERIFIED,
)
_TIP47_TESTING = Source(
    citation="SAMHSA TIP 47 (2006), Appendix B: urine testing as the best developed monitoring technique",
    urls=("https://ncbi.nlm.nih.gov/books/n/tip47/A90362",),
    evidence=Evidence.VERIFIED,
)


def _component(
    id: str,
    name: str,
    delivery: DeliveryMode,
    minutes: int | None,
    role: Role,
    description: str,
    source: Source = _ARTICLE,
) -> Component:
    return Component(
        id=id,
        name=name,
        delivery=delivery,
        typical_duration=None if minutes is None else Minutes(minutes),
        lead_role=role,
        description=description,
        source=source,
    )


_G, _I, _F = DeliveryMode.GROUP, DeliveryMode.INDIVIDUAL, DeliveryMode.FAMILY

COMPONENTS = ComponentCatalog(
    components=(
        _component(
            "group_counseling",
            "Group counseling",
            _G,
            90,
            Role.ADDICTION_COUNSELOR,
            "Counselor-led group sessions on recovery topics; groups are the core of most IOT programs.",
        ),
        _component(
            "individual_counseling",
            "Individual counseling",
            _I,
            50,
            Role.ADDICTION_COUNSELOR,
            "One-to-one sessions with the patient's primary counselor.",
        ),
        _component(
            "group_therapy",
            "Group behavioral therapy",
            _G,
            90,
            Role.THERAPIST,
            "Structured behavioral therapy in a group (e.g. skills for managing stress and negative thoughts).",
            _MEDICARE_SERVICES,
        ),
        _component(
            "individual_therapy",
            "Individual behavioral therapy",
            _I,
            50,
            Role.THERAPIST,
            "One-to-one behavioral therapy with a licensed clinician.",
            _MEDICARE_SERVICES,
        ),
        _component(
            "drug_testing",
            "Monitoring of alcohol and drug use",
            _I,
            15,
            Role.NURSE,
            "Specimen collection and testing (urine drug tests, breath alcohol).",
            _TIP47_TESTING,
        ),
        _component(
            "medical_care",
            "Medical care",
            _I,
            None,
            Role.PHYSICIAN,
            "Treatment of medical conditions found at intake or during treatment.",
        ),
        _component(
            "mental_health_care",
            "Mental-health care",
            _I,
            None,
            Role.PSYCHIATRIST,
            "Psychiatric evaluation and treatment of co-occurring mental-health conditions.",
        ),
        _component(
            "medication_management",
            "Medications",
            _I,
            30,
            Role.PRESCRIBER,
            "Prescribing and reviewing medications, including medications for addiction treatment.",
            _MEDICARE_SERVICES,
        ),
        _component(
            "life_skills",
            "Life-skills training",
            _G,
            60,
            Role.ADDICTION_COUNSELOR,
            "Training for daily living in recovery: routines, work, money, relationships.",
        ),
        _component(
            "support_group",
            "Support-group meetings",
            _G,
            60,
            Role.PEER_SUPPORT_SPECIALIST,
            "Mutual-help and peer support meetings.",
        ),
        _component("nutrition", "Nutrition", _G, 60, Role.DIETITIAN, "Nutrition education and counseling."),
        _component("exercise", "Exercise", _G, 60, Role.EXERCISE_SPECIALIST, "Supervised physical activity."),
        _component(
            "anger_management", "Anger management", _G, 60, Role.THERAPIST, "Classes on managing anger and conflict."
        ),
        _component(
            "family_counseling",
            "Family counseling",
            _F,
            50,
            Role.FAMILY_THERAPIST,
            "Sessions with family members; staff work with family and friends on the plan.",
            _MEDICARE_SERVICES,
        ),
    )
)
"""The built-in components.

Each component's ``source`` supports the component itself. Typical durations
are iopcore planning defaults (illustrative, not from a clinical source); a
program sets its own session lengths in its offerings.
"""

TOPICS: tuple[Topic, ...] = (
    Topic(id="avoiding_triggers_for_relapse", title="Avoiding triggers for relapse", source=_ARTICLE),
    Topic(id="managing_conflicts", title="Managing conflicts", source=_ARTICLE),
    Topic(id="managing_stress", title="Skills for managing stress", source=_ARTICLE),
    Topic(id="changing_negative_thoughts", title="Turning negative thoughts into positive ones", source=_ARTICLE),
    Topic(
        id="building_supportive_relationships", title="Building relationships that support recovery", source=_ARTICLE
    ),
)
"""Group topics named in the article."""

RELAPSE_PREVENTION_BASICS = Curriculum(
    id="relapse_prevention_basics",
    name="Relapse-prevention basics",
    component="group_counseling",
    topics=TOPICS,
    source=Source(
        citation="iopcore example curriculum built from the article's group topics",
        evidence=Evidence.ILLUSTRATIVE,
        note="An example ordering; programs define their own curricula.",
    ),
)
"""An example curriculum cycling through :data:`TOPICS` in group counseling."""

CURRICULA: tuple[Curriculum, ...] = (RELAPSE_PREVENTION_BASICS,)
"""Built-in curricula."""

_loaded.loaded(__name__)  # after every definition: the Hypothesis entry point may register them now
