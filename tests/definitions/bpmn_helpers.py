"""Helpers for the BPMN tests: the BPMN 2.0 XSD, a SpiffWorkflow driver, a reference router.

The XSD files are the OMG BPMN 2.0 schema (BPMN20.xsd, Semantic.xsd, BPMNDI.xsd,
DC.xsd, DI.xsd, version 20100524) as shipped inside the SpiffWorkflow wheel
(``SpiffWorkflow/bpmn/parser/schema/``), which is already a dependency: nothing
is vendored, and the machine needs no internet to validate.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import SpiffWorkflow.bpmn.parser as spiff_parser
import xmlschema
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.definitions.bpmn_compile import END_EVENT
from engine.definitions.bpmn_xml import BPMN, BPMNDI, DC, DI, MOTCUA
from engine.definitions.executable import REFUSED_END_EVENT, ExecutableDefinition
from engine.definitions.graph import RoutingGraph
from engine.definitions.model import Decision, ParallelBlock, Procedure, Target

BPMN_XSD = Path(spiff_parser.__file__).parent / "schema" / "BPMN20.xsd"
FIXTURES = Path(__file__).parent / "fixtures"
UNITS = FIXTURES / "units.yaml"
NS = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "motcua": MOTCUA}


@cache
def bpmn_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(BPMN_XSD))


def schema_errors(xml: str) -> list[str]:
    return [str(error.reason) for error in bpmn_schema().iter_errors(xml)]


class SpiffRun:
    """One dossier of a compiled definition, run in SpiffWorkflow the way the runtime will."""

    def __init__(self, definition: ExecutableDefinition):
        parser = BpmnParser()
        parser.add_bpmn_str(definition.bpmn_xml.encode("utf-8"))
        process = definition.process_id
        self.workflow = BpmnWorkflow(parser.get_spec(process), parser.get_subprocess_specs(process))
        self.workflow.do_engine_steps()

    def ready(self) -> list[str]:
        tasks = self.workflow.get_tasks(state=TaskState.READY, manual=True)
        return sorted(task.task_spec.name for task in tasks)

    def complete(self, task_id: str, decision: str = Decision.APPROVE.value) -> None:
        tasks = self.workflow.get_tasks(state=TaskState.READY, manual=True)
        (task,) = [t for t in tasks if t.task_spec.name == task_id]
        task.data["decision"] = decision
        task.run()
        self.workflow.do_engine_steps()

    @property
    def finished(self) -> bool:
        return bool(self.workflow.is_completed())

    def end_event(self) -> str | None:
        """The end event of the top process the dossier finished at."""
        ends = {END_EVENT, REFUSED_END_EVENT}
        done = self.workflow.get_tasks(state=TaskState.COMPLETED)
        reached = [t.task_spec.name for t in done if t.task_spec.name in ends]
        return reached[-1] if reached else None

    def approve_all(self, limit: int = 500) -> list[str]:
        """Complete every ready task with `approve` (supplement waits just finish)."""
        done: list[str] = []
        while self.ready() and len(done) < limit:
            task = self.ready()[0]
            self.complete(task)
            done.append(task)
        return done


@dataclass
class ReferenceRun:
    """Where a dossier must be, worked out from RoutingGraph alone (what the checker checks)."""

    procedure: Procedure
    graph: RoutingGraph = field(init=False)
    expected: set[str] = field(default_factory=set)
    waiting_branches: dict[str, set[str]] = field(default_factory=dict)
    end: str | None = None

    def __post_init__(self) -> None:
        self.graph = RoutingGraph.of(self.procedure)
        assert self.graph.start is not None
        self._enter(self.graph.start)

    def ready(self) -> list[str]:
        return sorted(self.expected)

    def complete(self, task_id: str, decision: str = Decision.APPROVE.value) -> None:
        self.expected.remove(task_id)
        if task_id.endswith(".supplement"):
            self._enter(task_id.removesuffix(".supplement"))
            return
        block = self.graph.branch_of.get(task_id)
        if block is not None:
            self.waiting_branches[block].remove(task_id)
            if not self.waiting_branches[block]:
                self._go(block, Decision.APPROVE.value)
            return
        self._go(task_id, decision)

    def decisions(self, task_id: str) -> list[str]:
        if task_id.endswith(".supplement") or task_id in self.graph.branch_of:
            return [Decision.APPROVE.value]
        return list(self.graph.edges[task_id])

    def _go(self, vertex: str, decision: str) -> None:
        target = self.graph.resolve(self.graph.edges[vertex][decision])
        if target == Target.SUPPLEMENT:
            self.expected.add(f"{vertex}.supplement")
        elif target == Target.REFUSE:
            self.end = REFUSED_END_EVENT
        elif target == Target.END:
            self.end = END_EVENT
        else:
            assert target is not None
            self._enter(target)

    def _enter(self, vertex: str) -> None:
        node = self.graph.vertices[vertex].node
        if isinstance(node, ParallelBlock):
            self.waiting_branches[vertex] = {b.id for b in node.branches}
            self.expected.update(b.id for b in node.branches)
        else:
            self.expected.add(vertex)


# --- reading the diagram back ------------------------------------------------------------------

Box = tuple[float, float, float, float]


def bounds_of(root: etree._Element) -> dict[str, Box]:
    found = {}
    for shape in root.iter(f"{{{BPMNDI}}}BPMNShape"):
        box = shape.find(f"{{{DC}}}Bounds")
        found[shape.get("bpmnElement")] = tuple(
            float(box.get(k)) for k in ("x", "y", "width", "height")
        )
    return found


def waypoints_of(root: etree._Element) -> dict[str, list[tuple[float, float]]]:
    return {
        edge.get("bpmnElement"): [
            (float(p.get("x")), float(p.get("y"))) for p in edge.iter(f"{{{DI}}}waypoint")
        ]
        for edge in root.iter(f"{{{BPMNDI}}}BPMNEdge")
    }


def flow_nodes(root: etree._Element, *kinds: str) -> list[etree._Element]:
    wanted = kinds or ("userTask", "exclusiveGateway", "parallelGateway", "startEvent", "endEvent")
    return [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname in wanted]


def diagram_problems(definition: ExecutableDefinition) -> list[str]:
    """Everything that would make the diagram hard to read; empty when it is clean."""
    root = etree.fromstring(definition.bpmn_xml.encode("utf-8"))
    bounds = bounds_of(root)
    paths = waypoints_of(root)
    problems = []
    drawn = [e.get("id") for e in flow_nodes(root, *_ALL_NODES)]
    problems += [f"no shape for {i}" for i in drawn if i not in bounds]
    flows = root.xpath("//bpmn:sequenceFlow", namespaces=NS)
    problems += [f"no edge for {f.get('id')}" for f in flows if f.get("id") not in paths]
    small = [e.get("id") for e in flow_nodes(root)]
    for index, first in enumerate(small):
        for second in small[index + 1 :]:
            if _overlap(bounds[first], bounds[second]):
                problems.append(f"{first} overlaps {second}")
    for flow in flows:
        problems += _edge_problems(flow, paths[flow.get("id")], bounds, small)
    return problems


_ALL_NODES = (
    "userTask",
    "exclusiveGateway",
    "parallelGateway",
    "startEvent",
    "endEvent",
    "subProcess",
)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _on_border(point: tuple[float, float], box: Box) -> bool:
    x, y = point
    inside_x = box[0] <= x <= box[0] + box[2]
    inside_y = box[1] <= y <= box[1] + box[3]
    on_x = x in (box[0], box[0] + box[2])
    on_y = y in (box[1], box[1] + box[3])
    return (on_x and inside_y) or (on_y and inside_x)


def _edge_problems(
    flow: etree._Element,
    points: list[tuple[float, float]],
    bounds: dict[str, Box],
    nodes: list[str],
) -> list[str]:
    name = flow.get("id")
    source, target = flow.get("sourceRef"), flow.get("targetRef")
    problems = []
    if len(points) < 2:
        return [f"{name} has fewer than two waypoints"]
    if not _on_border(points[0], bounds[source]):
        problems.append(f"{name} does not start on {source}")
    if not _on_border(points[-1], bounds[target]):
        problems.append(f"{name} does not end on {target}")
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        if x1 != x2 and y1 != y2:
            problems.append(f"{name} has a slanted segment")
        for node in nodes:
            if node in (source, target):
                continue
            box = bounds[node]
            segment = (min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1))
            inner = (box[0] + 1, box[1] + 1, box[2] - 2, box[3] - 2)
            if _touches(segment, inner):
                problems.append(f"{name} crosses {node}")
    return problems


def _touches(segment: Box, box: Box) -> bool:
    x, y, w, h = segment
    return x <= box[0] + box[2] and box[0] <= x + w and y <= box[1] + box[3] and box[1] <= y + h
