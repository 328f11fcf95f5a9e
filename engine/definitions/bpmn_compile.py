"""Procedure → BPMN 2.0 XML that SpiffWorkflow runs and Camunda Modeler / bpmn.io draw.

Routing comes from :class:`RoutingGraph`, the same graph the checker
measures, so a compiled process can only go where the checker looked. The
execution conventions are those of ``executable.py``; the layout is
``bpmn_layout.py``. Shapes of the process:

- a step is a user task (its id is the step id); with more than one decision
  an exclusive gateway ``<step>.decision`` follows it, one flow per decision
  with the condition ``decision == "<name>"``;
- a ``supplement`` decision goes to the user task ``<step>.supplement`` in the
  applicant's lane, which loops back to the step;
- ``REFUSE`` ends at the end event ``end_refused``, ``END`` at ``EndEvent``;
- a parallel block is an embedded sub-process (id = block id) holding a
  parallel split, one user task per branch and a parallel join. It is a
  sub-process, not a bare split/join, because SpiffWorkflow 3's parallel join
  counts branch completions left over from an earlier pass: after a return
  loop the next step would start before every consultation was in again. A
  sub-process runs each pass in a fresh child workflow, so its join is exact;
- an inter-agency group (liên thông) is drawn inline: its steps are ordinary
  user tasks in the other agency's lanes, framed by a BPMN group. Outcomes may
  leave a group (return to an earlier step, refuse, supplement) and may enter
  it at any step, which flows cannot do across a sub-process border.

Every piece of the procedure is kept in ``motcua:`` extension elements whose
attribute names are the keys of the YAML DSL, so importing the XML gives back
the same Procedure. The output is deterministic: same Procedure, same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from lxml import etree

from .bpmn_layout import Bounds, Diagram, LayoutPlan, Shape, lay_out
from .bpmn_xml import (
    BPMNDI,
    DC,
    DI,
    EXPORTER,
    EXPORTER_VERSION,
    NSMAP,
    XSI,
    bpmn,
    motcua,
)
from .executable import (
    DECISION_VARIABLE,
    REFUSED_END_EVENT,
    ExecutableDefinition,
    TaskKind,
    TaskSpec,
)
from .graph import RoutingGraph
from .model import (
    Decision,
    Duration,
    InterAgency,
    ParallelBlock,
    Procedure,
    Step,
    Target,
)
from .organisation import Organisation

__all__ = [
    "CompileError",
    "compile_procedure",
    "process_id_for",
    "START_EVENT",
    "END_EVENT",
    "APPLICANT_LANE_NAME",
    "TARGET_NAMESPACE",
]

START_EVENT = "StartEvent"
END_EVENT = "EndEvent"
APPLICANT_LANE_NAME = "Tổ chức, cá nhân"
TARGET_NAMESPACE = "https://motcua.example/procedures"
_APPLICANT = "applicant"


class CompileError(ValueError):
    """The procedure cannot be drawn as BPMN (it has not passed the checker)."""


def compile_procedure(
    procedure: Procedure, organisation: Organisation | None = None
) -> ExecutableDefinition:
    """Compile a checked procedure to an executable BPMN definition."""
    compiler = _Compiler(procedure, organisation)
    compiler.build()
    try:
        xml = compiler.serialise()
    except CompileError:
        raise
    except ValueError as error:  # lxml refuses control characters in text
        raise CompileError(
            f"procedure `{procedure.code}`: a name or text holds a control character, "
            "which XML cannot carry; remove it"
        ) from error
    return ExecutableDefinition(
        procedure=procedure,
        bpmn_xml=xml,
        process_id=process_id_for(procedure),
        tasks=MappingProxyType(dict(compiler.tasks)),
        source_format="yaml",
    )


def process_id_for(procedure: Procedure) -> str:
    return "Process_" + procedure.code.replace(".", "_")


@dataclass
class _Element:
    id: str
    tag: str
    name: str | None = None
    parent: str | None = None  # the sub-process it sits in
    lane: str | None = None
    documentation: str | None = None
    extension: etree._Element | None = None


@dataclass(frozen=True)
class _Flow:
    id: str
    source: str
    target: str
    parent: str | None
    name: str | None = None
    condition: str | None = None


class _Compiler:
    def __init__(self, procedure: Procedure, organisation: Organisation | None):
        self.procedure = procedure
        self.organisation = organisation
        self.graph = RoutingGraph.of(procedure)
        self.plan = LayoutPlan()
        self.elements: dict[str, _Element] = {}
        self.flows: list[_Flow] = []
        self.tasks: dict[str, TaskSpec] = {}
        self.end_lanes: dict[str, str] = {}  # end event id → lane of its first source

    # --- building ------------------------------------------------------------------------------

    def build(self) -> None:
        if self.graph.start is None:
            raise CompileError(f"procedure `{self.procedure.code}` has no steps")
        start_column = self.plan.new_column(Shape.EVENT)
        self._add(_Element(START_EVENT, bpmn("startEvent"), "Nhận hồ sơ"))
        for node in self.procedure.steps:
            if isinstance(node, Step):
                self._step(node, None)
            elif isinstance(node, ParallelBlock):
                self._block(node)
            else:
                self._group(node)
        first = self.graph.start
        start_lane = self._lane_of_element(first)
        self.elements[START_EVENT].lane = start_lane
        self.plan.place(START_EVENT, Shape.EVENT, start_column, start_lane)
        self._connect(START_EVENT, first, None)
        self._end_events()
        self.plan.lane_order([_APPLICANT])

    def _add(self, element: _Element) -> None:
        if element.id in self.elements:
            raise CompileError(f"element id `{element.id}` is used twice")
        self.elements[element.id] = element

    def _lane_of_element(self, element_id: str) -> str:
        lane = self.elements[element_id].lane
        assert lane is not None
        return lane

    def _step(self, step: Step, group: InterAgency | None) -> list[str]:
        lane = _unit_lane(step.unit)
        column = self.plan.new_column(Shape.TASK)
        self._add(
            _Element(
                step.id,
                bpmn("userTask"),
                step.name,
                lane=lane,
                documentation=step.description,
                extension=_step_extension(step, group.id if group else None, None),
            )
        )
        self.plan.place(step.id, Shape.TASK, column, lane)
        kind = TaskKind.WAIT if step.wait else TaskKind.STEP
        self.tasks[step.id] = TaskSpec(step.id, kind, step, group=group.id if group else None)
        return [step.id, *self._route(step.id, step, lane, group)]

    def _route(
        self, vertex: str, step: Step | None, lane: str, group: InterAgency | None
    ) -> list[str]:
        """Flows out of a vertex, one per decision; returns the elements it added."""
        outcomes = self.graph.edges[vertex]
        if len(outcomes) == 1:
            ((_decision, target),) = outcomes.items()
            return self._target(vertex, target, step, lane, group, None, None)
        gateway = f"{vertex}.decision"
        column = self.plan.new_column(Shape.GATEWAY)
        self._add(_Element(gateway, bpmn("exclusiveGateway"), lane=lane))
        self.plan.place(gateway, Shape.GATEWAY, column, lane)
        self._connect(vertex, gateway, None)
        added = [gateway]
        for decision, target in outcomes.items():
            added.extend(self._target(gateway, target, step, lane, group, decision, column))
        return added

    def _target(
        self,
        source: str,
        target: str,
        step: Step | None,
        lane: str,
        group: InterAgency | None,
        decision: str | None,
        column: int | None,
    ) -> list[str]:
        resolved = self.graph.resolve(target)
        condition = f"{DECISION_VARIABLE} == {json.dumps(decision)}" if decision else None
        name = _decision_label(decision) if decision else None
        if resolved is None:
            raise CompileError(f"outcome target `{target}` is not a step")
        if resolved == Target.SUPPLEMENT:
            if step is None:
                raise CompileError("only a step can ask for a supplement")
            waiting = self._supplement(step, group, column)
            self._connect(source, waiting, decision, name=name, condition=condition)
            return [waiting]
        ends = {Target.REFUSE.value: REFUSED_END_EVENT, Target.END.value: END_EVENT}
        element = ends.get(resolved, resolved)
        if element in ends.values():
            self.end_lanes.setdefault(element, lane)
        self._connect(source, element, decision, name=name, condition=condition)
        return []

    def _supplement(self, step: Step, group: InterAgency | None, column: int | None) -> str:
        waiting = f"{step.id}.supplement"
        self._add(
            _Element(
                waiting,
                bpmn("userTask"),
                f"Chờ bổ sung hồ sơ ({step.name})",
                lane=_APPLICANT,
                extension=_element(motcua("supplement"), step=step.id),
            )
        )
        where = column if column is not None else self.plan.new_column(Shape.TASK)
        self.plan.place(waiting, Shape.TASK, where, _APPLICANT)
        self.tasks[waiting] = TaskSpec(
            waiting, TaskKind.SUPPLEMENT, step, group=group.id if group else None
        )
        self._connect(waiting, step.id, None, loop_back=True)
        return waiting

    def _block(self, block: ParallelBlock) -> None:
        if not block.branches:
            raise CompileError(f"parallel block `{block.id}` has no branches")
        lane = _unit_lane(block.branches[0].unit)
        self._add(_Element(block.id, bpmn("subProcess"), block.name, lane=lane))
        start = self._inner(block, "start", "startEvent", Shape.EVENT, lane)
        fork = self._inner(block, "fork", "parallelGateway", Shape.GATEWAY, lane)
        self._connect(start, fork, None)
        column = self.plan.new_column(Shape.TASK)
        slots: dict[str, int] = {}
        for branch in block.branches:
            self._branch(block, branch, column, slots)
            self._connect(fork, branch.id, None)
        join = self._inner(block, "join", "parallelGateway", Shape.GATEWAY, lane)
        end = self._inner(block, "end", "endEvent", Shape.EVENT, lane)
        for branch in block.branches:
            self._connect(branch.id, join, None)
        self._connect(join, end, None)
        self.plan.box(block.id, [start, fork, *(b.id for b in block.branches), join, end], start)
        self._route(block.id, None, lane, None)

    def _inner(self, block: ParallelBlock, part: str, tag: str, shape: Shape, lane: str) -> str:
        element_id = f"{block.id}.{part}"
        self._add(_Element(element_id, bpmn(tag), parent=block.id, lane=lane))
        self.plan.place(element_id, shape, self.plan.new_column(shape), lane)
        return element_id

    def _branch(
        self, block: ParallelBlock, branch: Step, column: int, slots: dict[str, int]
    ) -> None:
        lane = _unit_lane(branch.unit)
        self._add(
            _Element(
                branch.id,
                bpmn("userTask"),
                branch.name,
                parent=block.id,
                lane=lane,
                documentation=branch.description,
                extension=_step_extension(branch, None, block.id),
            )
        )
        self.plan.place(branch.id, Shape.TASK, column, lane, slots.get(lane, 0))
        slots[lane] = slots.get(lane, 0) + 1
        self.tasks[branch.id] = TaskSpec(branch.id, TaskKind.CONSULTATION, branch, block=block.id)

    def _group(self, group: InterAgency) -> None:
        members: list[str] = []
        for step in group.steps:
            members.extend(self._step(step, group))
        if members:
            self.plan.group(group.id, members)

    def _end_events(self) -> None:
        names = {END_EVENT: "Hoàn thành", REFUSED_END_EVENT: "Từ chối giải quyết"}
        for end in (END_EVENT, REFUSED_END_EVENT):
            lane = self.end_lanes.get(end)
            if lane is None:
                continue
            self._add(_Element(end, bpmn("endEvent"), names[end], lane=lane))
            self.plan.place(end, Shape.EVENT, self.plan.new_column(Shape.EVENT), lane)

    def _connect(
        self,
        source: str,
        target: str,
        key: str | None,
        *,
        name: str | None = None,
        condition: str | None = None,
        loop_back: bool = False,
    ) -> None:
        flow_id = f"Flow.{source}.{key or target}"
        parent = self.elements[source].parent if source in self.elements else None
        if any(flow.id == flow_id for flow in self.flows):
            raise CompileError(f"sequence flow id `{flow_id}` is used twice")
        self.flows.append(_Flow(flow_id, source, target, parent, name, condition))
        self.plan.connect(flow_id, source, target, loop_back=loop_back)

    # --- writing -------------------------------------------------------------------------------

    def serialise(self) -> str:
        for flow in self.flows:
            if flow.target not in self.elements:
                raise CompileError(f"sequence flow `{flow.id}` goes to nothing")
        root = etree.Element(bpmn("definitions"), nsmap=NSMAP)
        root.attrib.update(
            {
                "id": "Definitions",
                "targetNamespace": TARGET_NAMESPACE,
                "exporter": EXPORTER,
                "exporterVersion": EXPORTER_VERSION,
            }
        )
        process_id = process_id_for(self.procedure)
        collaboration = etree.SubElement(root, bpmn("collaboration"), id="Collaboration")
        etree.SubElement(
            collaboration,
            bpmn("participant"),
            id="Participant",
            name=self.procedure.name,
            processRef=process_id,
        )
        process = etree.SubElement(
            root, bpmn("process"), id=process_id, name=self.procedure.name, isExecutable="true"
        )
        _documentation(process, self.procedure.description)
        _extension(process, _procedure_extension(self.procedure))
        lane_ids = self._lane_set(process)
        self._flow_elements(process, None)
        for group_id in self.plan.groups:
            etree.SubElement(
                process,
                bpmn("group"),
                id=group_id,
                categoryValueRef=f"{group_id}.category_value",
            )
        self._categories(root)
        self._diagram(root, lane_ids, lay_out(self.plan))
        return etree.tostring(
            root, encoding="UTF-8", xml_declaration=True, pretty_print=True
        ).decode("utf-8")

    def _lane_set(self, process: etree._Element) -> dict[str, str]:
        lane_set = etree.SubElement(process, bpmn("laneSet"), id="LaneSet")
        lane_ids: dict[str, str] = {}
        units = iter(range(1, len(self.plan.lanes) + 1))
        for lane in self.plan.lanes:
            lane_id = "Lane_applicant" if lane == _APPLICANT else f"Lane_{next(units)}"
            lane_ids[lane] = lane_id
            element = etree.SubElement(
                lane_set, bpmn("lane"), id=lane_id, name=self._lane_name(lane)
            )
            if lane != _APPLICANT:
                _extension(element, _element(motcua("lane"), unit=lane.removeprefix("unit:")))
            for item in self.elements.values():
                if item.lane == lane and (item.parent is None or item.tag == bpmn("userTask")):
                    etree.SubElement(element, bpmn("flowNodeRef")).text = item.id
        return lane_ids

    def _lane_name(self, lane: str) -> str:
        if lane == _APPLICANT:
            return APPLICANT_LANE_NAME
        unit = lane.removeprefix("unit:")
        if self.organisation is not None and unit in self.organisation.units:
            return self.organisation.units[unit].name
        return unit

    def _flow_elements(self, container: etree._Element, parent: str | None) -> None:
        incoming: dict[str, list[str]] = {}
        outgoing: dict[str, list[str]] = {}
        for flow in self.flows:
            outgoing.setdefault(flow.source, []).append(flow.id)
            incoming.setdefault(flow.target, []).append(flow.id)
        for item in self.elements.values():
            if item.parent != parent:
                continue
            node = etree.SubElement(container, item.tag, id=item.id)
            if item.name is not None:
                node.set("name", item.name)
            _documentation(node, item.documentation)
            if item.extension is not None:
                _extension(node, item.extension)
            for flow_id in incoming.get(item.id, []):
                etree.SubElement(node, bpmn("incoming")).text = flow_id
            for flow_id in outgoing.get(item.id, []):
                etree.SubElement(node, bpmn("outgoing")).text = flow_id
            if item.tag == bpmn("subProcess"):
                self._flow_elements(node, item.id)
        for flow in self.flows:
            if flow.parent != parent:
                continue
            sequence = etree.SubElement(
                container, bpmn("sequenceFlow"), id=flow.id, sourceRef=flow.source
            )
            sequence.set("targetRef", flow.target)
            if flow.name is not None:
                sequence.set("name", flow.name)
            if flow.condition is not None:
                expression = etree.SubElement(sequence, bpmn("conditionExpression"))
                expression.set(f"{{{XSI}}}type", "bpmn:tFormalExpression")
                expression.text = flow.condition

    def _categories(self, root: etree._Element) -> None:
        groups = {node.id: node for node in self.procedure.steps if isinstance(node, InterAgency)}
        for group_id in self.plan.groups:
            category = etree.SubElement(root, bpmn("category"), id=f"{group_id}.category")
            etree.SubElement(
                category,
                bpmn("categoryValue"),
                id=f"{group_id}.category_value",
                value=groups[group_id].name,
            )

    def _diagram(self, root: etree._Element, lane_ids: dict[str, str], diagram: Diagram) -> None:
        figure = etree.SubElement(root, f"{{{BPMNDI}}}BPMNDiagram", id="Diagram")
        plane = etree.SubElement(
            figure, f"{{{BPMNDI}}}BPMNPlane", id="Plane", bpmnElement="Collaboration"
        )
        _shape(plane, "Participant", diagram.participant, isHorizontal="true")
        for lane, bounds in diagram.lanes.items():
            _shape(plane, lane_ids[lane], bounds, isHorizontal="true")
        for item in self.elements.values():
            extra = {}
            if item.tag == bpmn("exclusiveGateway"):
                extra["isMarkerVisible"] = "true"
            if item.tag == bpmn("subProcess"):
                extra["isExpanded"] = "true"
            _shape(plane, item.id, diagram.shapes[item.id], **extra)
        for group_id in self.plan.groups:
            _shape(plane, group_id, diagram.shapes[group_id])
        for flow in self.flows:
            edge = etree.SubElement(
                plane, f"{{{BPMNDI}}}BPMNEdge", id=f"{flow.id}.di", bpmnElement=flow.id
            )
            for x, y in diagram.edges[flow.id]:
                etree.SubElement(edge, f"{{{DI}}}waypoint", x=str(x), y=str(y))


def _unit_lane(unit: str) -> str:
    return f"unit:{unit}"


def _decision_label(decision: str) -> str:
    try:
        return Decision(decision).label
    except ValueError:
        return decision


def _shape(plane: etree._Element, element_id: str, bounds: Bounds, **extra: str) -> None:
    shape = etree.SubElement(
        plane, f"{{{BPMNDI}}}BPMNShape", id=f"{element_id}.di", bpmnElement=element_id
    )
    shape.attrib.update(extra)
    etree.SubElement(
        shape,
        f"{{{DC}}}Bounds",
        x=str(bounds.x),
        y=str(bounds.y),
        width=str(bounds.width),
        height=str(bounds.height),
    )


def _documentation(parent: etree._Element, text: str | None) -> None:
    if text is not None:
        etree.SubElement(parent, bpmn("documentation")).text = text


def _extension(parent: etree._Element, content: etree._Element) -> None:
    etree.SubElement(parent, bpmn("extensionElements")).append(content)


def _element(tag: str, **attributes: str | None) -> etree._Element:
    element = etree.Element(tag)
    for key, value in attributes.items():
        if value is not None:
            element.set(key, value)
    return element


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _number_text(amount: Decimal | int) -> str:
    """A number as the shortest plain decimal text: 0.5, 4, 100 (never 1E+2)."""
    normalised = Decimal(amount).normalize()
    return f"{normalised:f}"


def _duration(tag: str, duration: Duration) -> etree._Element:
    return _element(motcua(tag), **{duration.unit.value: _number_text(duration.amount)})


def _step_extension(step: Step, group: str | None, block: str | None) -> etree._Element:
    element = _element(
        motcua("step"),
        unit=step.unit,
        role=step.role,
        form=step.form,
        wait=_flag(True) if step.wait else None,
        group=group,
        block=block,
    )
    element.append(_duration("duration", step.duration))
    for decision, target in step.outcomes.items():
        element.append(_element(motcua("outcome"), decision=decision, target=target))
    return element


def _procedure_extension(procedure: Procedure) -> etree._Element:
    element = _element(
        motcua("procedure"),
        code=procedure.code,
        level=procedure.level.value,
        field=procedure.field,
        agency=procedure.agency,
        fee=str(procedure.fee),
    )
    element.append(_duration("time_limit", procedure.time_limit))
    element.append(
        _element(
            motcua("clock"),
            on_supplement=procedure.clock.on_supplement.value,
            cutoff=procedure.clock.cutoff,
        )
    )
    for text in procedure.legal_basis:
        etree.SubElement(element, motcua("legal_basis")).text = text
    for component in procedure.components:
        element.append(
            _element(
                motcua("component"),
                code=component.code,
                name=component.name,
                required=_flag(component.required),
                copies=str(component.copies),
                original=_flag(component.original),
                digitize=_flag(component.digitize),
                reusable=_flag(component.reusable),
                paper_type=component.paper_type,
                form=component.form,
            )
        )
    if procedure.result is not None:
        result = procedure.result
        element.append(
            _element(
                motcua("result"),
                name=result.name,
                electronic=_flag(result.electronic),
                paper_type=result.paper_type,
                template=result.template,
            )
        )
    for node in procedure.steps:
        if isinstance(node, InterAgency):
            group = _element(motcua("inter_agency"), id=node.id, name=node.name, agency=node.agency)
            group.append(_duration("time_share", node.time_share))
            element.append(group)
    return element
