"""Every FHIR reader refuses non-R4 input with a path-named iopcore error, and nothing else escapes it.

Documents are iopcore's own exports of generated values (so each starts valid R4 and reads back);
then, for every reader (episode, plan, consent, bundle, score, drug tests, questionnaire response,
session, attendance):

* an element name R4 does not define, put into *any* object of the document, is refused with the
  path of that element (``$.encounter.period.bogusElement``), by the one structure check all readers
  share;
* a modifier extension or ``implicitRules`` anywhere is refused (R4: an application refuses what it
  cannot understand there);
* any mutation (a key deleted, a value replaced by another JSON type, null, an empty array, string
  or object, a key added) gives a value or an :class:`~iopcore.errors.IopcoreError`, never a builtin
  exception (``KeyError``, ``TypeError``, ``AttributeError``, ``RecursionError`` …).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iopcore.assessment import INSTRUMENTS
from iopcore.compliance import (
    AnalyteResult,
    AttendanceRecord,
    AttendanceStatus,
    DrugTest,
    SpecimenValidity,
    TestMethod,
)
from iopcore.errors import InvalidDataError, IopcoreError
from iopcore.fhir import (
    References,
    attendance_from_fhir,
    attendance_to_fhir,
    care_plan_from_fhir,
    care_plan_to_fhir,
    consent_from_fhir,
    consent_to_fhir,
    drug_tests_from_fhir,
    drug_tests_to_fhir,
    episode_from_fhir,
    episode_to_fhir,
    patient_bundle,
    questionnaire_to_fhir,
    read_patient_bundle,
    responses_from_fhir,
    responses_to_fhir,
    score_from_fhir,
    scores_to_fhir,
    session_from_fhir,
    sessions_to_fhir,
)
from iopcore.strategies import (
    attendance_records,
    consents,
    dated_scores,
    drug_tests,
    episodes,
    occurrences,
    references,
    treatment_plans,
)
from iopcore.times import Minutes
from tests.fhir.conformance import json_round_trip
from tests.fhir.test_questionnaires import _answered

EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=timezone(timedelta(hours=-5)))


@attrs.frozen
class Case:
    """Documents a reader reads, the reader, and the root path of each document in its errors."""

    name: str
    docs: list[Any]
    roots: list[str]
    read: Callable[[list[Any]], Any]


def _case(name: str, docs: Any, roots: list[str], read: Callable[[list[Any]], Any]) -> Case:
    return Case(name, json_round_trip(list(docs)), roots, read)


@st.composite
def _episode(draw: st.DrawFn) -> Case:
    ep = draw(episodes())
    refs = draw(references(patients=[ep.patient_id], organizations=["program"]))
    return _case("episode", [episode_to_fhir(ep, refs)], ["$.resource"], lambda d: episode_from_fhir(d[0], refs))


@st.composite
def _plan(draw: st.DrawFn) -> Case:
    plan = draw(treatment_plans(max_items=2))
    refs = draw(references(patients=[plan.patient_id]))
    docs = care_plan_to_fhir(plan, refs)
    return _case("plan", docs, [f"$.resources[{i}]" for i in range(len(docs))], lambda d: care_plan_from_fhir(d, refs))


@st.composite
def _consent(draw: st.DrawFn) -> Case:
    consent = draw(consents())
    parties = sorted(consent.disclosers | consent.recipients | consent.intermediaries)
    refs = draw(references(patients=[consent.patient_id or "p"], organizations=parties))
    consent = attrs.evolve(consent, patient_id=consent.patient_id or "p")
    return _case("consent", [consent_to_fhir(consent, refs)], ["$.resource"], lambda d: consent_from_fhir(d[0], refs))


@st.composite
def _bundle(draw: st.DrawFn) -> Case:
    ep = draw(episodes())
    plan = attrs.evolve(draw(treatment_plans(max_items=1)), patient_id=ep.patient_id)
    refs = draw(references(patients=[ep.patient_id]))
    made = patient_bundle(refs, episode=ep, plan=plan, kind=draw(st.sampled_from(["transaction", "collection"])))
    return _case("bundle", [made], ["$.bundle"], lambda d: read_patient_bundle(d[0], refs))


REFS = References(patients={"p1": "Patient/1", "p2": "Patient/2"}, practitioners={"dr": "Practitioner/7"})


def _exportable(s: Any) -> bool:
    return INSTRUMENTS[s.instrument].proration is not None or float(s.total).is_integer()


@st.composite
def _score(draw: st.DrawFn) -> Case:
    score = draw(dated_scores(instrument_ids=tuple(sorted(INSTRUMENTS)), patient_ids=st.just("p1")).filter(_exportable))
    obs = scores_to_fhir([score], references=REFS, performer_id="dr")
    return _case("score", obs, ["$.observation"], lambda d: score_from_fhir(d[0], REFS))


@st.composite
def _drug_tests(draw: st.DrawFn) -> Case:
    tests = draw(st.lists(drug_tests(patient_ids=st.just("p1")), min_size=1, max_size=2, unique_by=lambda t: t.id))
    docs = drug_tests_to_fhir(tests, references=REFS)
    roots = [f"$.observations[{i}]" for i in range(len(docs))]
    return _case("drug tests", docs, roots, lambda d: drug_tests_from_fhir(d, REFS))


@st.composite
def _responses(draw: st.DrawFn) -> Case:
    inst, answers = draw(_answered())
    qr = responses_to_fhir(inst, answers, REFS, patient_id="p1", authored=WHEN, author_id="dr", status="in-progress")
    docs = [qr, questionnaire_to_fhir(inst)]
    roots = ["$.questionnaire_response", "$.questionnaire"]
    return _case(
        "responses",
        docs,
        roots,
        lambda d: responses_from_fhir(d[0], questionnaire=d[1], instrument_id=inst, partial=True),
    )


@st.composite
def _session(draw: st.DrawFn) -> Case:
    occ = draw(occurrences())
    docs = sessions_to_fhir([occ], REFS, patient_id="p1", practitioner_id="dr")
    return _case("session", docs, ["$.appointment"], lambda d: session_from_fhir(d[0], REFS))


@st.composite
def _attendance(draw: st.DrawFn) -> Case:
    record = draw(attendance_records(patient_ids=st.just("p1")))
    docs = attendance_to_fhir([record], REFS, practitioner_id="dr")
    roots = ["$.appointment", "$.encounter"][: len(docs)]
    return _case(
        "attendance", docs, roots, lambda d: attendance_from_fhir(d[0], REFS, encounter=d[1] if len(d) > 1 else None)
    )


CASES = st.one_of(
    _episode(), _plan(), _consent(), _bundle(), _score(), _drug_tests(), _responses(), _session(), _attendance()
)


def _objects(value: Any, path: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Every JSON object in *value*, with its path."""
    if isinstance(value, dict):
        yield value, path
        for key, item in value.items():
            yield from _objects(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _objects(item, f"{path}[{i}]")


def _places(case: Case) -> list[tuple[int, dict[str, Any], str]]:
    return [(i, node, path) for i, doc in enumerate(case.docs) for node, path in _objects(doc, case.roots[i])]


def _refused(case: Case, docs: list[Any]) -> InvalidDataError:
    with pytest.raises(InvalidDataError) as info:
        case.read(docs)
    return info.value


@given(CASES, st.data())
@EXAMPLES
def test_the_documents_read_and_an_unknown_element_anywhere_is_refused_at_its_path(case: Case, data: Any) -> None:
    """Each export reads; with an element R4 does not define put into any of its objects it is refused there."""
    case.read(case.docs)
    docs = copy.deepcopy(case.docs)
    _, node, path = data.draw(st.sampled_from(_places(Case(case.name, docs, case.roots, case.read))))
    node["bogusElement"] = "x"
    assert _refused(case, docs).errors[0].path == path + ".bogusElement"


@given(CASES, st.data(), st.sampled_from(["modifierExtension", "implicitRules"]))
@EXAMPLES
def test_a_modifier_extension_or_implicit_rules_is_refused(case: Case, data: Any, key: str) -> None:
    """R4: what changes the meaning of what holds it, and is not understood, makes the document unreadable."""
    docs = copy.deepcopy(case.docs)
    places = [
        p for p in _places(Case(case.name, docs, case.roots, case.read)) if p[2] in case.roots or key != "implicitRules"
    ]
    _, node, path = data.draw(st.sampled_from(places))
    if key == "implicitRules":
        node[key] = "https://example.org/rules"
    else:
        node[key] = [{"url": "https://example.org/StructureDefinition/x", "valueBoolean": True}]
    error = _refused(case, docs).errors[0]
    assert error.path.startswith(path) and error.path.endswith(key), (error.path, path)


_REPLACEMENTS = st.one_of(
    st.sampled_from([None, "", [], {}, 0, -1, 1.5, True, "x", "2026-13-45", [None], {"bogus": 1}, 2**40, [{}]]),
    st.just({1: 2}),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
)


@given(CASES, st.data())
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_mutated_documents_give_a_value_or_an_iopcore_error_never_a_builtin_exception(case: Case, data: Any) -> None:
    """Keys deleted, values of other JSON types, nulls, empties, extra keys, values wrapped in arrays."""
    docs = copy.deepcopy(case.docs)
    for _ in range(data.draw(st.integers(1, 3))):
        places = _places(Case(case.name, docs, case.roots, case.read))
        _, node, _path = data.draw(st.sampled_from(places))
        keys = sorted(node)
        how = data.draw(st.sampled_from(["delete", "replace", "wrap", "add"] if keys else ["add"]))
        key = data.draw(st.sampled_from(keys)) if keys and how != "add" else None
        if how == "delete":
            del node[key]
        elif how == "replace":
            node[key] = data.draw(_REPLACEMENTS)
        elif how == "wrap":
            node[key] = [node[key]]
        else:
            node[data.draw(st.sampled_from(["id", "_status", "extension", "bogus", "resourceType", "value"]))] = (
                data.draw(_REPLACEMENTS)
            )
    try:
        case.read(docs)
    except IopcoreError as exc:
        paths = [e.path for e in getattr(exc, "errors", ())]
    else:
        paths = []
    assert all(p.startswith("$") for p in paths), paths


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda e: e.__setitem__("status", 5), "$.encounter.status"),
        (lambda e: e.__setitem__("status", "Finished!"), "$.encounter.status"),
        (lambda e: e["period"].__setitem__("start", "2026-02-03 09:00"), "$.encounter.period.start"),
        (lambda e: e["length"].__setitem__("value", "150"), "$.encounter.length.value"),
        (lambda e: e.__setitem__("type", {"text": "group"}), "$.encounter.type"),
        (lambda e: e.__setitem__("subject", [e["subject"]]), "$.encounter.subject"),
        (lambda e: e.pop("class"), "$.encounter.class"),
        (lambda e: e.__setitem__("reasonCode", []), "$.encounter.reasonCode"),
        (lambda e: e["class"].__setitem__("system", "not a uri"), "$.encounter.class.system"),
        (lambda e: e.__setitem__("extension", [{"url": "u"}]), "$.encounter.extension[0]"),
        (lambda e: e.__setitem__("text", {"status": "generated"}), "$.encounter.text.div"),
    ],
)
def test_wrong_json_types_and_formats_are_refused_at_their_paths(change: Any, path: str) -> None:
    """A code that is a number or not a code, a dateTime without its T, a string for a decimal, …"""
    record = AttendanceRecord(
        id="a1", patient_id="p1", occurrence_id="grp@2026-02-03T09:00-05:00", component_id="group_therapy",
        start=WHEN, end=WHEN + timedelta(hours=3), scheduled_minutes=Minutes(180), attended_minutes=Minutes(150),
        status=AttendanceStatus.ATTENDED,
    )  # fmt: skip
    appointment, encounter = json_round_trip(list(attendance_to_fhir([record], REFS)))
    change(encounter)
    with pytest.raises(InvalidDataError) as info:
        attendance_from_fhir(appointment, REFS, encounter=encounter)
    assert info.value.errors[0].path == path


def test_a_drug_test_component_value_of_the_wrong_type_is_refused_at_its_path() -> None:
    """Deep inside an Observation: ``$.observations[i].component[k].valueQuantity.value``."""
    test = DrugTest(id="t1", patient_id="p1", collected_at=WHEN, validity=SpecimenValidity(creatinine_mg_dl=40, ph=6.5),
                    results=(AnalyteResult(analyte="thca", concentration_ng_ml=55, method=TestMethod.SCREEN),))  # fmt: skip
    docs = json_round_trip(list(drug_tests_to_fhir([test], references=REFS)))
    hits = [(i, k) for i, d in enumerate(docs) for k, c in enumerate(d.get("component", ())) if "valueQuantity" in c]
    assert hits, "a drug-test Observation with a quantity component"
    i, k = hits[-1]
    docs[i]["component"][k]["valueQuantity"]["value"] = "55"
    with pytest.raises(InvalidDataError) as info:
        drug_tests_from_fhir(docs, REFS)
    assert info.value.errors[0].path == f"$.observations[{i}].component[{k}].valueQuantity.value"
