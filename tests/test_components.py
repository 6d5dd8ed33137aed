"""Program components, topics and curricula."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore import strategies as ist
from iopcore.components import (
    COMPONENTS,
    CURRICULA,
    RELAPSE_PREVENTION_BASICS,
    TOPICS,
    Component,
    ComponentCatalog,
    Curriculum,
    DeliveryMode,
    Role,
)
from iopcore.errors import InvalidArgumentError, InvalidDataError, UnknownCodeError
from iopcore.sources import Evidence
from iopcore.times import Minutes

ARTICLE_IDS = [
    "group_counseling", "individual_counseling", "group_therapy", "individual_therapy", "drug_testing",
    "medical_care", "mental_health_care", "medication_management", "life_skills", "support_group",
    "nutrition", "exercise", "anger_management", "family_counseling",
]  # fmt: skip


def test_every_component_the_article_names_has_its_stable_id() -> None:
    """The catalog holds exactly the article's components under the documented ids."""
    assert list(COMPONENTS.ids) == ARTICLE_IDS


@pytest.mark.parametrize(
    ("component_id", "delivery"),
    [("group_counseling", DeliveryMode.GROUP), ("individual_therapy", DeliveryMode.INDIVIDUAL),
     ("family_counseling", DeliveryMode.FAMILY), ("support_group", DeliveryMode.GROUP)],
)  # fmt: skip
def test_delivery_modes(component_id: str, delivery: DeliveryMode) -> None:
    """Group components are group, individual ones individual, family counseling family."""
    assert COMPONENTS.get(component_id).delivery is delivery


def test_every_component_has_a_source_and_a_lead_role() -> None:
    """Each component cites its source and names who leads it."""
    for c in COMPONENTS:
        assert c.source.citation
        assert isinstance(c.lead_role, Role)
        assert c.typical_duration is None or c.typical_duration.value > 0


def test_topics_include_the_articles_examples() -> None:
    """The article's group topics are in the catalog."""
    titles = {t.title for t in TOPICS}
    assert "Avoiding triggers for relapse" in titles
    assert "Managing conflicts" in titles


def test_curriculum_cycles_through_topics() -> None:
    """Session n gets topic n, wrapping around after the last."""
    cur = RELAPSE_PREVENTION_BASICS
    assert cur in CURRICULA
    assert cur.source.evidence is Evidence.ILLUSTRATIVE
    assert cur.topic_for_session(1) == TOPICS[0]
    assert cur.topic_for_session(len(TOPICS) + 1) == TOPICS[0]
    for bad in (0, -1, True, "1"):
        with pytest.raises(InvalidDataError):
            cur.topic_for_session(bad)  # type: ignore[arg-type]


def test_curriculum_topics_are_unique_and_non_empty() -> None:
    """A curriculum needs at least one topic and unique topic ids."""
    with pytest.raises(InvalidDataError) as info:
        Curriculum(
            id="c", name="C", component="group_counseling", topics=(TOPICS[0], TOPICS[0]), source=TOPICS[0].source
        )
    assert info.value.paths == ("$.topics[1]",)
    with pytest.raises(InvalidDataError):
        Curriculum(id="c", name="C", component="group_counseling", topics=(), source=TOPICS[0].source)


def test_catalog_lookup_membership_and_extension() -> None:
    """get() finds components, unknown ids raise, with_components adds and keeps ids unique."""
    assert COMPONENTS.get("drug_testing").name == "Monitoring of alcohol and drug use"
    assert "drug_testing" in COMPONENTS
    assert COMPONENTS.get("drug_testing") in COMPONENTS
    assert 3 not in COMPONENTS
    with pytest.raises(UnknownCodeError):
        COMPONENTS.get("yoga")
    yoga = Component(
        id="yoga", name="Yoga", delivery=DeliveryMode.GROUP, typical_duration=Minutes(60),
        lead_role=Role.EXERCISE_SPECIALIST, source=TOPICS[0].source,
    )  # fmt: skip
    bigger = COMPONENTS.with_components(yoga)
    assert len(bigger) == len(COMPONENTS) + 1
    assert str(yoga) == "Yoga"
    with pytest.raises(InvalidDataError) as info:
        bigger.with_components(yoga)
    assert info.value.paths == ("$.extra[0]",)  # the argument that clashes, not the catalog's inner index


@pytest.mark.parametrize("bad_id", ["Group", "1group", "group-counseling", "", "group counseling"])
def test_component_ids_are_snake_case(bad_id: str) -> None:
    """Ids are stable snake_case identifiers."""
    with pytest.raises(InvalidDataError) as info:
        Component(id=bad_id, name="x", delivery=DeliveryMode.GROUP, lead_role=Role.THERAPIST, source=TOPICS[0].source)
    assert info.value.paths == ("$.id",)


def test_catalog_of_nothing_is_allowed() -> None:
    """An empty catalog is a valid value."""
    assert len(ComponentCatalog(components=())) == 0


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda: COMPONENTS.get("yoga"), "$.component_id"),
        (lambda: COMPONENTS.get(None), "$.component_id"),
        (lambda: COMPONENTS.with_components(COMPONENTS.components[0]), "$.extra[0]"),
        (lambda: COMPONENTS.with_components("yoga"), "$.extra[0]"),
        (lambda: RELAPSE_PREVENTION_BASICS.topic_for_session(0), "$.session_number"),
        (lambda: RELAPSE_PREVENTION_BASICS.topic_for_session(True), "$.session_number"),
    ],
)
def test_bad_arguments_name_their_parameter(call: Any, path: str) -> None:
    """Unknown ids, clashing ids and out-of-range session numbers are refused naming the parameter."""
    with pytest.raises(InvalidDataError) as info:
        call()
    assert info.value.paths == (path,)


def test_session_numbers_take_numpy_integers_and_any_size() -> None:
    """A numpy session number counts; a huge one still cycles."""
    np = pytest.importorskip("numpy")
    assert RELAPSE_PREVENTION_BASICS.topic_for_session(np.int64(6)) == TOPICS[0]
    assert RELAPSE_PREVENTION_BASICS.topic_for_session(10**30) in TOPICS
    with pytest.raises(InvalidArgumentError):
        RELAPSE_PREVENTION_BASICS.topic_for_session(1.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "strategy",
    [ist.components(), ist.component_catalogs(), ist.topics(), ist.curricula(), st.just(COMPONENTS)],
    ids=["Component", "ComponentCatalog", "Topic", "Curriculum", "COMPONENTS"],
)
@given(data=st.data())
def test_values_pickle_to_equal_values_and_hash(strategy: st.SearchStrategy[Any], data: st.DataObject) -> None:
    """Every component value survives a pickle round trip equal, with the same hash."""
    value = data.draw(strategy)
    copy = pickle.loads(pickle.dumps(value))
    assert copy == value and hash(copy) == hash(value)
