"""A BPMN document read as a flow graph, with every element the engine cannot run reported.

The engine runs one pool: plain start and end events, user (or manual, or
untyped) tasks, exclusive and parallel gateways, sequence flows, embedded
sub-processes and call activities to processes in the same file. Sub-processes
and call activities are containers: the graph walks through them as if their
content were drawn inline. Documentation-only elements (text annotations,
groups, associations, data objects) are ignored. Anything else is reported
with its id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from lxml import etree

from .bpmn_xml import BPMN, BPMNDI, DC, ParsedXml, bpmn, camunda, zeebe
from .problems import Problem

__all__ = ["Kind", "FlowNode", "Flow", "FlowGraph", "read_graph", "ELEMENT_WORDS"]


class Kind(StrEnum):
    START = "start"
    END = "end"
    TASK = "task"
    EXCLUSIVE = "exclusive"
    PARALLEL = "parallel"
    CONTAINER = "container"


_KINDS = {
    "startEvent": Kind.START,
    "endEvent": Kind.END,
    "userTask": Kind.TASK,
    "manualTask": Kind.TASK,
    "task": Kind.TASK,
    "exclusiveGateway": Kind.EXCLUSIVE,
    "parallelGateway": Kind.PARALLEL,
    "subProcess": Kind.CONTAINER,
    "callActivity": Kind.CONTAINER,
}

ELEMENT_WORDS = {
    "process": "process",
    "participant": "pool",
    "startEvent": "start event",
    "endEvent": "end event",
    "userTask": "user task",
    "manualTask": "manual task",
    "task": "task",
    "exclusiveGateway": "exclusive gateway",
    "parallelGateway": "parallel gateway",
    "subProcess": "sub-process",
    "callActivity": "call activity",
    "sequenceFlow": "sequence flow",
    "scriptTask": "script task",
    "serviceTask": "service task",
    "sendTask": "send task",
    "receiveTask": "receive task",
    "businessRuleTask": "business rule task",
    "inclusiveGateway": "inclusive gateway",
    "eventBasedGateway": "event-based gateway",
    "complexGateway": "complex gateway",
    "intermediateCatchEvent": "intermediate catch event",
    "intermediateThrowEvent": "intermediate throw event",
    "boundaryEvent": "boundary event",
    "transaction": "transaction",
    "adHocSubProcess": "ad-hoc sub-process",
    "messageFlow": "message flow",
    "lane": "lane",
}

_AUTOMATED = "automated tasks are not run by the engine; draw a user task done by a unit"
_UNSUPPORTED = {
    "scriptTask": "the engine runs no scripts; draw a user task done by a unit",
    "serviceTask": _AUTOMATED,
    "sendTask": _AUTOMATED,
    "receiveTask": _AUTOMATED,
    "businessRuleTask": _AUTOMATED,
    "inclusiveGateway": "only exclusive (XOR) and parallel (AND) gateways are supported",
    "eventBasedGateway": "only exclusive (XOR) and parallel (AND) gateways are supported",
    "complexGateway": "only exclusive (XOR) and parallel (AND) gateways are supported",
    "intermediateCatchEvent": "intermediate events are not supported",
    "intermediateThrowEvent": "intermediate events are not supported",
    "boundaryEvent": "boundary events are not supported; deadlines and escalation "
    "belong to the engine",
    "transaction": "transactions are not supported; use an embedded sub-process",
    "adHocSubProcess": "ad-hoc sub-processes are not supported; use an embedded sub-process",
    "callChoreography": "choreographies are not supported",
    "subChoreography": "choreographies are not supported",
    "choreographyTask": "choreographies are not supported",
}
_IGNORED = {
    "documentation",
    "extensionElements",
    "laneSet",
    "textAnnotation",
    "association",
    "group",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "dataInputAssociation",
    "dataOutputAssociation",
    "ioSpecification",
    "property",
    "incoming",
    "outgoing",
}
_TIMER_ADVICE = (
    "deadlines are computed by the engine from step durations on the working-day "
    "calendar; remove the timer and give the step a duration"
)
_EVENT_WORDS = {
    "timerEventDefinition": "timer",
    "messageEventDefinition": "message",
    "signalEventDefinition": "signal",
    "errorEventDefinition": "error",
    "escalationEventDefinition": "escalation",
    "conditionalEventDefinition": "conditional",
    "compensateEventDefinition": "compensation",
    "linkEventDefinition": "link",
    "cancelEventDefinition": "cancel",
    "terminateEventDefinition": "terminate",
}


@dataclass
class FlowNode:
    id: str
    kind: Kind
    element: etree._Element
    container: str | None  # the sub-process or call activity it sits in
    content: etree._Element | None = None  # for containers: the element holding their content
    start: str | None = None  # for containers: their start event

    @property
    def word(self) -> str:
        return describe(self.element)

    @property
    def name(self) -> str | None:
        name = self.element.get("name")
        return name.strip() if name and name.strip() else None


@dataclass(frozen=True)
class Flow:
    id: str
    source: str
    target: str
    element: etree._Element
    condition: str | None


@dataclass
class FlowGraph:
    xml: ParsedXml
    process: etree._Element | None = None
    participant: etree._Element | None = None
    nodes: dict[str, FlowNode] = field(default_factory=dict)
    flows: list[Flow] = field(default_factory=list)
    outgoing: dict[str, list[Flow]] = field(default_factory=dict)
    incoming: dict[str, list[Flow]] = field(default_factory=dict)
    start: str | None = None
    problems: list[Problem] = field(default_factory=list)

    def report(self, element: etree._Element | None, message: str) -> None:
        self.problems.append(self.xml.problem(element, message))

    def ancestors(self, node_id: str) -> Iterator[FlowNode]:
        """The containers around a node, innermost first."""
        container = self.nodes[node_id].container
        while container is not None:
            yield self.nodes[container]
            container = self.nodes[container].container


def describe(element: etree._Element) -> str:
    local = etree.QName(element).localname
    return ELEMENT_WORDS.get(local, local)


def _local(element: etree._Element) -> str | None:
    if not isinstance(element.tag, str):
        return None
    return etree.QName(element).localname


def read_graph(xml: ParsedXml) -> FlowGraph:
    """The main process as a flow graph; problems with the document are in ``problems``."""
    graph = FlowGraph(xml)
    root = xml.root
    if root.tag != bpmn("definitions"):
        graph.report(
            root,
            f"not a BPMN 2.0 document: the root element is <{_local(root) or root.tag}>, "
            f"expected <bpmn:definitions> in the namespace {BPMN}",
        )
        return graph
    process = _main_process(graph)
    if process is None:
        return graph
    graph.process = process
    _Reader(graph).read(process)
    return graph


def _main_process(graph: FlowGraph) -> etree._Element | None:
    root = graph.xml.root
    processes = {p.get("id"): p for p in root.iterfind(bpmn("process"))}
    for flow in root.iter(bpmn("messageFlow")):
        graph.report(
            flow,
            f"message flow `{flow.get('id')}`: messages between pools are not supported; "
            "the engine runs one pool",
        )
    called = {_called_process(c) for c in root.iter(bpmn("callActivity"))}
    referenced = [
        p
        for p in root.iter(bpmn("participant"))
        if p.get("processRef") in processes and p.get("processRef") not in called
    ]
    if referenced:
        if len(referenced) > 1:
            graph.report(
                referenced[1],
                f"the file has {len(referenced)} pools with a process; the engine runs one "
                "pool (draw the applicant and other units as lanes)",
            )
            return None
        graph.participant = referenced[0]
        return processes[referenced[0].get("processRef")]
    main = [p for key, p in processes.items() if key not in called]
    if not processes:
        graph.report(root, "the file has no process; draw a pool with the procedure's steps")
        return None
    if len(main) != 1:
        names = ", ".join(f"`{p.get('id')}`" for p in main) or "none"
        graph.report(
            root,
            f"cannot tell which process is the procedure (candidates: {names}); "
            "put one process in the file, others only as targets of call activities",
        )
        return None
    return main[0]


class _Reader:
    def __init__(self, graph: FlowGraph):
        self.graph = graph
        self.inlining: list[str] = []  # processes being read, innermost last: catches recursion
        self.called: dict[str, str] = {}  # process id → the call activity that inlined it
        self.rejected: set[str] = set()  # ids of elements already reported
        self.rejected_events: set[str] = set()  # "startEvent"/"endEvent" reported as unsupported
        self.processes = {p.get("id"): p for p in graph.xml.root.iterfind(bpmn("process"))}

    def read(self, process: etree._Element) -> None:
        graph = self.graph
        self.inlining.append(process.get("id") or "")
        starts = self._content(process, None)

        word = f"process `{process.get('id')}`"
        if len(starts) == 1:
            graph.start = starts[0]
        elif len(starts) > 1:
            graph.report(
                graph.nodes[starts[1]].element,
                f"{word} has {len(starts)} start events; draw exactly one",
            )
        elif "startEvent" not in self.rejected_events:
            graph.report(process, f"{word} has no start event")

        ends = [n for n in graph.nodes.values() if n.kind is Kind.END and n.container is None]
        if not ends and "endEvent" not in self.rejected_events:
            graph.report(process, f"{word} has no end event")

        self._check_flows()
        if graph.start is not None and not graph.problems:
            self._check_reachable()

    def _content(self, holder: etree._Element, container: str | None) -> list[str]:
        """Read one process or sub-process body; returns its start event ids."""
        starts: list[str] = []
        for child in holder:
            local = _local(child)
            if local is None or child.tag.startswith(f"{{{BPMNDI}}}"):
                continue
            if not child.tag.startswith(f"{{{BPMN}}}"):
                continue
            if local == "sequenceFlow":
                self._flow(child)
            elif local in _KINDS:
                node = self._node(child, local, container)
                if node is not None and node.kind is Kind.START:
                    starts.append(node.id)
            elif local in _UNSUPPORTED:
                self._unsupported(child, _UNSUPPORTED[local])
            elif local not in _IGNORED:
                self._unsupported(child, "this kind of element is not supported")
        return starts

    def _unsupported(self, element: etree._Element, reason: str) -> None:
        ident = element.get("id") or "(no id)"
        self.rejected.add(ident)
        definitions = _event_definitions(element)
        if "timerEventDefinition" in definitions:
            reason = _TIMER_ADVICE
            self.graph.report(element, f"timer event `{ident}`: {reason}")
            return
        self.graph.report(element, f"{describe(element)} `{ident}`: {reason}")

    def _node(self, element: etree._Element, local: str, container: str | None) -> FlowNode | None:
        graph = self.graph
        node_id = element.get("id")
        if not node_id:
            graph.report(element, f"a {describe(element)} has no id")
            return None
        if node_id in graph.nodes:
            graph.report(element, f"element id `{node_id}` is used twice")
            return None
        kind = _KINDS[local]
        if not self._runnable(element, local, node_id):
            self.rejected.add(node_id)
            return None
        node = FlowNode(node_id, kind, element, container)
        graph.nodes[node_id] = node
        if kind is Kind.CONTAINER:
            self._container(node, local)
        return node

    def _runnable(self, element: etree._Element, local: str, node_id: str) -> bool:
        word = f"{describe(element)} `{node_id}`"
        definitions = _event_definitions(element)
        if "timerEventDefinition" in definitions:
            self.graph.report(element, f"timer event `{node_id}`: {_TIMER_ADVICE}")
            return False
        if definitions:
            kind = _EVENT_WORDS.get(definitions[0], definitions[0])
            only = (
                "a plain start event is supported"
                if local == "startEvent"
                else "plain end events are supported"
            )
            self.graph.report(element, f"{kind} {word}: only {only} (no event type)")
            self.rejected_events.add(local)
            return False
        if local == "subProcess" and element.get("triggeredByEvent") == "true":
            self.graph.report(element, f"event {word}: event sub-processes are not supported")
            return False
        loops = [bpmn("standardLoopCharacteristics"), bpmn("multiInstanceLoopCharacteristics")]
        if any(element.find(tag) is not None for tag in loops):
            self.graph.report(
                element,
                f"{word}: repeating (loop or multi-instance) activities are not supported; "
                "draw a return loop with a gateway",
            )
            return False
        extension = bpmn("extensionElements")
        for listener, tag in (
            ("executionListener", camunda("executionListener")),
            ("taskListener", camunda("taskListener")),
            ("executionListener", zeebe("executionListeners")),
            ("taskListener", zeebe("taskListeners")),
        ):
            if element.find(f"{extension}/{tag}") is not None:
                self.graph.report(
                    element,
                    f"{word}: Camunda {listener}s run code, which the engine does not; "
                    "remove the listener",
                )
                return False
        return True

    def _container(self, node: FlowNode, local: str) -> None:
        if local == "subProcess":
            node.content = node.element
        else:
            called = _called_process(node.element)
            if not self._callable(node, called):
                return
            assert called is not None
            self.called[called] = node.id
            node.content = self.processes[called]
        self.inlining.append(node.content.get("id") or "")
        starts = self._content(node.content, node.id)
        self.inlining.pop()
        word = f"{node.word} `{node.id}`"
        if len(starts) != 1:
            self.graph.report(
                node.element,
                f"{word} needs exactly one start event inside (found {len(starts)})",
            )
        else:
            node.start = starts[0]
        if not any(
            n.kind is Kind.END and n.container == node.id for n in self.graph.nodes.values()
        ):
            self.graph.report(node.element, f"{word} has no end event inside")

    def _callable(self, node: FlowNode, called: str | None) -> bool:
        word = f"call activity `{node.id}`"
        if not called:
            self.graph.report(node.element, f"{word} does not name the process it calls")
        elif called not in self.processes:
            self.graph.report(
                node.element,
                f"{word} calls `{called}`, which is not a process in this file; put the "
                "called process in the same file",
            )
        elif called in self.inlining:
            self.graph.report(node.element, f"{word} calls process `{called}`, which contains it")
        elif called in self.called:
            self.graph.report(
                node.element,
                f"{word} calls process `{called}`, which `{self.called[called]}` already "
                "runs; each step must appear once in a procedure",
            )
        else:
            return True
        return False

    def _flow(self, element: etree._Element) -> None:

        expression = element.find(bpmn("conditionExpression"))
        condition = None
        if expression is not None:
            condition = (expression.text or "").strip() or None
        flow = Flow(
            element.get("id") or "(no id)",
            element.get("sourceRef") or "",
            element.get("targetRef") or "",
            element,
            condition,
        )
        self.graph.flows.append(flow)

    def _check_flows(self) -> None:
        graph = self.graph
        for flow in graph.flows:
            source, target = graph.nodes.get(flow.source), graph.nodes.get(flow.target)
            word = f"sequence flow `{flow.id}`"
            if source is None or target is None:
                missing = flow.source if source is None else flow.target
                if missing not in self.rejected:
                    graph.report(
                        flow.element, f"{word} connects `{missing}`, which is not in the process"
                    )
                continue
            if source.container != target.container:
                graph.report(
                    flow.element,
                    f"{word} crosses the border of a sub-process; connect the sub-process itself",
                )
                continue
            graph.outgoing.setdefault(flow.source, []).append(flow)
            graph.incoming.setdefault(flow.target, []).append(flow)

    def _check_reachable(self) -> None:
        graph = self.graph
        assert graph.start is not None
        seen: set[str] = set()
        stack = [graph.start]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            node = graph.nodes[current]
            stack.extend(flow.target for flow in graph.outgoing.get(current, []))
            if node.kind is Kind.CONTAINER and node.start is not None:
                stack.append(node.start)
            if node.kind is Kind.END and node.container is not None:
                stack.extend(flow.target for flow in graph.outgoing.get(node.container, []))
        for node in graph.nodes.values():
            if node.id in seen or any(a.id not in seen for a in graph.ancestors(node.id)):
                continue
            graph.report(
                node.element,
                f"{node.word} `{node.id}` can never be reached: no sequence flow leads to it "
                "from the start event",
            )


def _called_process(call: etree._Element) -> str | None:
    """The process a call activity runs (Camunda 8 keeps it in ``zeebe:calledElement``)."""
    called = call.get("calledElement")
    if called:
        return called
    extension = call.find(f"{bpmn('extensionElements')}/{zeebe('calledElement')}")
    return extension.get("processId") if extension is not None else None


def _event_definitions(element: etree._Element) -> list[str]:
    found = []
    for child in element:
        local = _local(child)
        if local and local.endswith("EventDefinition") and child.tag.startswith(f"{{{BPMN}}}"):
            found.append(local)
    for ref in element.iterfind(bpmn("eventDefinitionRef")):
        found.append(ref.text or "eventDefinition")
    return found


def shape_bounds(root: etree._Element) -> dict[str, tuple[float, float, float, float]]:
    """Diagram bounds (x, y, width, height) of every element drawn."""
    bounds: dict[str, tuple[float, float, float, float]] = {}
    for shape in root.iter(f"{{{BPMNDI}}}BPMNShape"):
        box = shape.find(f"{{{DC}}}Bounds")
        element = shape.get("bpmnElement")
        if box is None or not element:
            continue
        try:
            bounds[element] = tuple(  # type: ignore[assignment]
                float(box.get(key, "0")) for key in ("x", "y", "width", "height")
            )
        except ValueError:
            continue
    return bounds
