"""Damaged BPMN files are reported as problems; whatever still imports compiles to runnable BPMN.

Mutations of good files (elements dropped or renamed, attributes dropped or
rewritten) stand in for what a designer's half-finished drawing can contain.
"""

from __future__ import annotations

from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from engine.definitions.bpmn_compile import compile_procedure
from engine.definitions.bpmn_import import import_bpmn
from engine.definitions.bpmn_xml import BPMN
from engine.definitions.loading import load_yaml_procedure
from engine.definitions.organisation import Organisation, load_organisation
from engine.definitions.problems import DefinitionError

from .bpmn_helpers import FIXTURES, UNITS, SpiffRun, schema_errors

TAGS = [
    "userTask",
    "task",
    "scriptTask",
    "exclusiveGateway",
    "parallelGateway",
    "endEvent",
    "startEvent",
    "subProcess",
    "intermediateThrowEvent",
]
VALUES = [
    "",
    "x",
    "Flow_1",
    "tham_dinh",
    "${decision == 'return'}",
    'decision == "refuse"',
    "mot_cua:officer",
    "0.5",
    "-1",
    "true",
    "Process_1",
    "StartEvent",
]


@cache
def organisation() -> Organisation:
    return load_organisation(UNITS)


@cache
def sources() -> tuple[str, ...]:
    drawn = [
        p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "bpmn" / "good").glob("*.bpmn"))
    ]
    ours = compile_procedure(
        load_yaml_procedure(FIXTURES / "good" / "full_features.yaml", organisation()).procedure,
        organisation(),
    ).bpmn_xml
    return (*drawn, ours)


@st.composite
def damaged(draw: st.DrawFn) -> str:
    root = etree.fromstring(draw(st.sampled_from(sources())).encode("utf-8"))
    for _ in range(draw(st.integers(1, 3))):
        elements = [e for e in root.iter() if isinstance(e.tag, str) and e is not root]
        if not elements:
            break
        target = draw(st.sampled_from(elements))

        action = draw(st.sampled_from(["drop", "rename", "unset", "rewrite"]))
        if action == "drop" and target.getparent() is not None:
            target.getparent().remove(target)
        elif action == "rename" and target.tag.startswith(f"{{{BPMN}}}"):
            target.tag = f"{{{BPMN}}}{draw(st.sampled_from(TAGS))}"
        elif action in ("unset", "rewrite") and target.attrib:
            key = draw(st.sampled_from(sorted(target.attrib)))
            if action == "unset":
                del target.attrib[key]
            else:
                target.attrib[key] = draw(st.sampled_from(VALUES))
    return etree.tostring(root, encoding="unicode")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_a_damaged_file_is_reported_or_imports_to_runnable_bpmn(text: str) -> None:
    try:
        definition = import_bpmn(text, "damaged.bpmn", organisation())
    except DefinitionError as error:
        assert error.problems
        assert all(p.path == "damaged.bpmn" and p.line >= 1 and p.message for p in error.problems)
        return
    assert schema_errors(definition.bpmn_xml) == []
    assert SpiffRun(definition).ready()
