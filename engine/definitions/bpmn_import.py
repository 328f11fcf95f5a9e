"""BPMN files as definitions: what ``motcua bpmn`` wrote, or what a designer drew in a modeller.

A BPMN process is read back into the data of the YAML DSL (steps, outcomes,
parallel blocks, inter-agency groups, metadata), with every value pinned to
the line of the XML element it came from. That data then goes through the
same schema and the same checker as a YAML file, so a BPMN definition obeys
exactly the rules a YAML one does and its problems read the same way. The
executable XML is the compiled form of that Procedure: the runtime only ever
sees one dialect, and the content hash follows what the process does, not
where its shapes were dragged.

How a drawing becomes a procedure:

- a user, manual or plain task is a step; its id (lowercased) is the step id;
- the routing out of a step is read through merging gateways up to one
  exclusive gateway, whose flows carry ``${decision == 'approve'}``-style
  conditions (JUEL, FEEL or Python; a default flow means ``approve``);
- ``supplement`` goes to a waiting task that leads straight back to the step
  (or straight back to the step itself); ``refuse`` goes to an end event;
- a parallel split whose branches are single tasks meeting at one parallel
  join is a parallel block (a sub-process holding only that is the block);
- a sub-process or call activity with an ``agency`` property is an
  inter-agency group; other sub-processes and call activities are read
  through as if drawn inline;
- unit and role come from our ``motcua:step`` element, else
  ``camunda:candidateGroups="unit_id:role"``, else the extension properties
  ``unit`` / ``role``, else (unit only) the lane: a lane stands for the unit
  whose id, name or short name is the lane's name.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from .bpmn_compile import CompileError, compile_procedure
from .bpmn_graph import Flow, FlowGraph, FlowNode, Kind, read_graph, shape_bounds
from .bpmn_properties import (
    GROUP_KEYS,
    PROCEDURE_KEYS,
    STEP_KEYS,
    Sourced,
    camunda_properties,
    check_keys,
    group_extension,
    lane_unit,
    merge,
    nest,
    procedure_extension,
    step_extension,
)
from .bpmn_xml import EXPORTER, ParsedXml, bpmn, camunda, parse_xml, zeebe
from .checks import check_procedure
from .dsl import procedure_from_data
from .executable import ExecutableDefinition
from .model import Decision, Target
from .organisation import Organisation
from .problems import DefinitionError, Problem
from .yaml_source import Located, PathKey, read_text

__all__ = ["import_bpmn", "check_bpmn_file", "condition_decision", "BLOCK_DEFAULT_NAME"]

BLOCK_DEFAULT_NAME = "Lấy ý kiến song song"
_REQUIRED = ("code", "name", "level", "field", "agency", "time_limit")
_JUEL = re.compile(r"^[$#]\{(?P<inner>.*)\}$", re.S)
_EQUALS = re.compile(
    r"""^\(?\s*(?:
        decision\s*(?:==|eq|=)\s*(?P<q1>['"])(?P<d1>[A-Za-z_][A-Za-z0-9_]*)(?P=q1)
      | (?P<q2>['"])(?P<d2>[A-Za-z_][A-Za-z0-9_]*)(?P=q2)\s*(?:==|eq|=)\s*decision
    )\s*\)?$""",
    re.X,
)


def import_bpmn(
    text: str, name: str, organisation: Organisation | None = None
) -> ExecutableDefinition:
    """Read a BPMN definition, check it like a YAML one, and compile it for the runtime.

    Raises DefinitionError with every problem found, each at its line.
    """
    xml = parse_xml(text, name)
    graph = read_graph(xml)
    if graph.problems:
        raise DefinitionError(graph.problems)
    located = _Translation(graph, organisation).located()
    loaded = procedure_from_data(located)
    problems = check_procedure(loaded.procedure, loaded.source, organisation)
    if problems:
        raise DefinitionError(problems)
    try:
        definition = compile_procedure(loaded.procedure, organisation)
    except CompileError as error:
        raise DefinitionError([Problem(name, 1, 1, str(error))]) from error
    return dataclasses.replace(definition, source_format="bpmn")


def check_bpmn_file(path: Path, organisation: Organisation | None) -> list[Problem]:
    """Every problem of one BPMN file, for ``motcua check``; never raises for a bad file."""
    try:
        import_bpmn(read_text(path), str(path), organisation)
    except DefinitionError as error:
        return list(error.problems)
    return []


def condition_decision(condition: str) -> str | None:
    """The decision a flow condition tests, or None if it is not a plain decision test.

    ``${decision == 'approve'}`` and ``#{decision eq "approve"}`` (JUEL),
    ``=decision = "approve"`` (FEEL) and ``decision == "approve"`` (Python).
    """
    text = condition.strip()
    juel = _JUEL.match(text)
    if juel:
        text = juel.group("inner").strip()
    elif text.startswith("="):
        text = text[1:].strip()
    match = _EQUALS.match(text)
    if match is None:
        return None
    return match.group("d1") or match.group("d2")


def normalise_id(raw: str) -> str:
    """A BPMN id as a step id: lowercase, with anything but letters, digits and _ as _."""
    return re.sub(r"[^a-z0-9_]", "_", raw.lower())


# --- routing ------------------------------------------------------------------------------------


class _Unfollowable(Exception):
    """A flow that cannot be followed; the problem has already been reported."""


@dataclass(frozen=True)
class _Route:
    decision: str | None  # None: the only way on, unconditioned
    target: FlowNode  # a task, parallel split or join, exclusive split, or top-level end
    element: etree._Element  # the flow that says so


@dataclass
class _Block:
    fork: FlowNode
    branches: list[FlowNode]
    join: FlowNode
    next: FlowNode | None
    next_element: etree._Element
    id: str = ""
    name: str = ""
    element: etree._Element | None = None


@dataclass
class _Item:
    """One entry of the procedure's step list: a step, a parallel block or an inter-agency group."""

    kind: str  # "step", "block", "group"
    id: str
    element: etree._Element
    members: list[str] = field(default_factory=list)  # group: step ids in order

    def entry(self) -> str:
        return self.members[0] if self.kind == "group" else self.id


class _Translation:
    """One BPMN flow graph turned into DSL data with positions."""

    def __init__(self, graph: FlowGraph, organisation: Organisation | None):
        self.graph = graph
        self.xml: ParsedXml = graph.xml
        self.organisation = organisation
        self.problems: list[Problem] = []
        self.extensions = {
            node.id: step_extension(node.element)
            for node in graph.nodes.values()
            if node.kind is Kind.TASK
        }
        self.lanes = _Lanes(graph, organisation)
        self.routes: dict[str, list[_Route]] = {}
        self.blocks: dict[str, _Block] = {}  # fork id → block
        self.branch_of: dict[str, str] = {}  # branch task id → fork id
        self.waiting: set[str] = set()  # tasks that are supplement waits, not steps
        self.step_ids: dict[str, str] = {}  # task id → step id
        self.task_of: dict[str, str] = {}  # step id → task id
        self.block_by_id: dict[str, _Block] = {}
        self.first: FlowNode | None = None  # where the start event leads
        self.values: dict[PathKey, tuple[int, int]] = {}
        self._index: dict[int, int] = {}

    def report(self, element: etree._Element | None, message: str) -> None:
        self.problems.append(self.xml.problem(element, message))

    def located(self) -> Located:
        self._read_routing()
        self._stop_on_problems()
        groups = self._groups()
        self._stop_on_problems()
        items = self._order(groups)
        self._stop_on_problems()
        data = self._procedure(items, groups)
        self._stop_on_problems()
        return Located(data, self.xml.file, dict(self.values), dict(self.values))

    def _stop_on_problems(self) -> None:
        if self.problems:
            raise DefinitionError(self.problems)

    # --- following flows --------------------------------------------------------------------

    def follow(self, node_id: str, via: etree._Element) -> FlowNode | None:
        """Where a flow really leads: through containers, merges and sub-process ends.

        None when it leads nowhere usable; the problem has been reported.
        """
        seen: set[str] = set()
        current = node_id
        try:
            while current not in seen:
                seen.add(current)
                node = self.graph.nodes[current]
                following = self._pass_through(node)
                if following is None:
                    return node
                current = following
        except _Unfollowable:
            return None
        self.report(via, f"sequence flows from `{node_id}` go round without reaching a task")
        return None

    def _pass_through(self, node: FlowNode) -> str | None:
        """The next node id when ``node`` only passes the dossier on; None if it is a stop."""
        outgoing = self.graph.outgoing.get(node.id, [])
        if node.kind is Kind.CONTAINER:
            assert node.start is not None
            return self._only_way_on(self.graph.nodes[node.start])
        if node.kind is Kind.START:
            return self._only_way_on(node)
        if node.kind is Kind.END and node.container is not None:
            return self._only_way_on(self.graph.nodes[node.container])
        if node.kind is Kind.EXCLUSIVE and len(outgoing) == 1:
            return self._only_way_on(node)
        if node.kind is Kind.PARALLEL and len(outgoing) == 1 and len(self._incoming(node)) == 1:
            return self._only_way_on(node)
        return None

    def _incoming(self, node: FlowNode) -> list[Flow]:
        return self.graph.incoming.get(node.id, [])

    def _only_way_on(self, node: FlowNode) -> str:
        """The target of a node's single, unconditioned outgoing flow; else report and raise."""
        outgoing = self.graph.outgoing.get(node.id, [])
        word = f"{node.word} `{node.id}`"
        if len(outgoing) != 1:
            self.report(
                node.element,
                f"{word} needs exactly one outgoing sequence flow (found {len(outgoing)})",
            )
            raise _Unfollowable
        if outgoing[0].condition is not None:
            self.report(
                outgoing[0].element,
                f"sequence flow `{outgoing[0].id}` out of {word} has a condition, but it is "
                "the only way on; remove the condition",
            )
            raise _Unfollowable
        return outgoing[0].target

    # --- reading the routing ------------------------------------------------------------------

    def _read_routing(self) -> None:
        graph = self.graph
        assert graph.start is not None
        self._start_target(graph.nodes[graph.start])
        for node in graph.nodes.values():
            if node.kind is Kind.TASK:
                routes = self._task_routes(node)
                if routes is not None:
                    self.routes[node.id] = routes
        for node in graph.nodes.values():
            if node.kind is Kind.PARALLEL and len(graph.outgoing.get(node.id, [])) > 1:
                self._block(node)
        if self.problems:
            return
        self._find_waits()
        self._check_targets()

    def _start_target(self, start: FlowNode) -> None:
        try:
            target_id = self._only_way_on(start)
        except _Unfollowable:
            return
        target = self.follow(target_id, start.element)
        if target is not None and not self._is_vertex(target):
            self.report(
                start.element,
                f"the start event must lead to the first step (a task or a parallel split), "
                f"not to {target.word} `{target.id}`",
            )
        self.first = target

    def _is_vertex(self, node: FlowNode) -> bool:
        fork = node.kind is Kind.PARALLEL and len(self.graph.outgoing.get(node.id, [])) > 1
        return node.kind is Kind.TASK or fork

    def _task_routes(self, task: FlowNode) -> list[_Route] | None:
        outgoing = self.graph.outgoing.get(task.id, [])
        word = f"{task.word} `{task.id}`"
        if not outgoing:
            self.report(task.element, f"{word} has no outgoing sequence flow")
            return None
        if len(outgoing) == 1 and outgoing[0].condition is None:
            target = self.follow(outgoing[0].target, outgoing[0].element)
            if target is None:
                return None
            if target.kind is Kind.EXCLUSIVE:
                return self._decision_routes(target)
            return [_Route(None, target, outgoing[0].element)]
        return self._decision_routes(task)

    def _decision_routes(self, owner: FlowNode) -> list[_Route] | None:
        word = f"{owner.word} `{owner.id}`"
        if not self.graph.outgoing.get(owner.id):
            self.report(owner.element, f"{word} has no outgoing sequence flow")
            return None
        routes: list[_Route] = []
        default_flow = owner.element.get("default")
        unconditioned = []
        for flow in self.graph.outgoing.get(owner.id, []):
            if flow.condition is None:
                if flow.id != default_flow:
                    self.report(
                        flow.element,
                        f"sequence flow `{flow.id}` out of {word} has no condition; "
                        "write one such as ${decision == 'approve'}",
                    )
                    continue
                unconditioned.append(flow)
                decision: str | None = Decision.APPROVE.value
            else:
                decision = condition_decision(flow.condition)
                if decision is None:
                    self.report(
                        flow.element,
                        f"sequence flow `{flow.id}`: cannot read the condition "
                        f"`{flow.condition}` as a decision; write "
                        "${decision == 'approve'} (decisions: approve, return, "
                        "supplement, refuse)",
                    )
                    continue
            target = self.follow(flow.target, flow.element)
            if target is None:
                continue
            if target.kind is Kind.EXCLUSIVE:
                self.report(
                    target.element,
                    f"exclusive gateway `{target.id}` follows the decision of {word} "
                    "directly; route each decision straight to a step or an end event",
                )
                continue
            routes.append(_Route(decision, target, flow.element))
        self._check_decisions(owner, routes, unconditioned)
        return routes

    def _check_decisions(self, owner: FlowNode, routes: list[_Route], defaults: list[Flow]) -> None:
        seen: dict[str, _Route] = {}
        for route in routes:
            assert route.decision is not None
            if route.decision in seen:
                message = f"decision `{route.decision}` leaves {owner.word} `{owner.id}` twice"
                if defaults and route.decision == Decision.APPROVE:
                    message += " (the default flow counts as `approve`)"
                self.report(route.element, message)
            seen[route.decision] = route

    def _block(self, fork: FlowNode) -> None:
        word = f"parallel gateway `{fork.id}`"
        shape = (
            f"{word}: each branch must be one task that goes straight to the same "
            "joining parallel gateway"
        )
        if len(self._incoming(fork)) > 1:
            self.report(
                fork.element,
                f"{word} both joins and splits (it waits for all {len(self._incoming(fork))} "
                "incoming flows); merge them with an exclusive gateway before it",
            )
            return
        branches: list[FlowNode] = []
        joins: set[str] = set()
        for flow in self.graph.outgoing.get(fork.id, []):
            if flow.condition is not None:
                self.report(
                    flow.element,
                    f"sequence flow `{flow.id}` out of {word} has a condition; "
                    "parallel branches all run",
                )
                return
            branch = self.follow(flow.target, flow.element)
            if branch is None or branch.kind is not Kind.TASK:
                self.report(fork.element, shape)
                return
            route = self.routes.get(branch.id)
            if not route or len(route) != 1 or route[0].decision is not None:
                self.report(fork.element, shape)
                return
            if route[0].target.kind is not Kind.PARALLEL:
                self.report(fork.element, shape)
                return
            branches.append(branch)
            joins.add(route[0].target.id)
        if len(joins) != 1:
            self.report(fork.element, shape)
            return
        join = self.graph.nodes[joins.pop()]
        if len(self._incoming(join)) != len(branches):
            self.report(
                join.element,
                f"parallel gateway `{join.id}` joins the branches of `{fork.id}` and must "
                "have no other incoming flows",
            )
            return
        try:
            next_id = self._only_way_on(join)
        except _Unfollowable:
            return
        after = self.follow(next_id, join.element)
        out = self.graph.outgoing[join.id][0].element
        block = _Block(fork, branches, join, after, out)
        self._identify_block(block)
        self.blocks[fork.id] = block
        self.block_by_id[block.id] = block
        for branch in branches:
            self.branch_of[branch.id] = fork.id

    def _identify_block(self, block: _Block) -> None:
        """A sub-process holding only the block is the block (it has the name)."""
        holder = block.fork.container
        if holder is not None:
            container = self.graph.nodes[holder]
            inside = {n.id for n in self.graph.nodes.values() if n.container == holder}
            ends = {n for n in inside if self.graph.nodes[n].kind is Kind.END}
            expected = {container.start, block.fork.id, block.join.id, *ends}
            expected.update(b.id for b in block.branches)
            if inside == expected and len(ends) == 1 and not self._group_container(container):
                block.id = normalise_id(container.id)
                block.name = container.name or BLOCK_DEFAULT_NAME
                block.element = container.element
                return
        block.id = normalise_id(block.fork.id)
        block.name = block.fork.name or BLOCK_DEFAULT_NAME
        block.element = block.fork.element

    def _find_waits(self) -> None:
        """Tasks only reached by a step's `supplement` decision and leading back to it."""
        reached_by: dict[str, list[tuple[str, str | None]]] = {}
        for task_id, routes in self.routes.items():
            for route in routes:
                reached_by.setdefault(route.target.id, []).append((task_id, route.decision))
        if self.first is not None:
            reached_by.setdefault(self.first.id, []).append(("", None))
        for block in self.blocks.values():
            for branch in block.branches:
                reached_by.setdefault(branch.id, []).append((block.fork.id, None))
            if block.next is not None:
                reached_by.setdefault(block.next.id, []).append((block.fork.id, None))
        for task_id, routes in self.routes.items():
            sources = reached_by.get(task_id, [])
            if len(sources) != 1 or sources[0][1] != Decision.SUPPLEMENT:
                continue
            asker = sources[0][0]
            if len(routes) == 1 and routes[0].decision is None and routes[0].target.id == asker:
                self.waiting.add(task_id)

    def _check_targets(self) -> None:
        for task_id, routes in self.routes.items():
            if task_id in self.waiting or task_id in self.branch_of:
                continue
            for route in routes:
                self._target_name(task_id, route)
        for block in self.blocks.values():
            after = block.next
            if after is not None and after.kind is not Kind.END and not self._is_vertex(after):
                self.report(
                    block.next_element,
                    f"{after.word} `{after.id}` comes right after the parallel "
                    f"join `{block.join.id}`; a parallel block has no decision to route on, "
                    "so it must lead to a step or an end event",
                )

    def _target_name(self, task_id: str, route: _Route) -> str | None:
        target = route.target
        if target.kind is Kind.END:
            return Target.REFUSE.value if route.decision == Decision.REFUSE else Target.END.value
        if route.decision == Decision.SUPPLEMENT and (
            target.id == task_id or target.id in self.waiting
        ):
            return Target.SUPPLEMENT.value
        if target.kind is Kind.TASK:
            return normalise_id(target.id)
        if target.id in self.blocks:
            return self.blocks[target.id].id
        self.report(
            route.element,
            f"`{task_id}` goes straight to {target.word} `{target.id}`; only the branches "
            "of a parallel split may join there",
        )
        return None

    # --- groups ---------------------------------------------------------------------------------

    def _group_container(self, node: FlowNode) -> bool:
        names = {value.key for value in camunda_properties(node.element)}
        return "agency" in names

    def _groups(self) -> dict[str, _GroupInfo]:
        """Inter-agency groups: ours from ``motcua:inter_agency``, drawn ones from sub-processes."""
        groups: dict[str, _GroupInfo] = {}
        assert self.graph.process is not None
        _values, declared = procedure_extension(self.graph.process)
        for element in declared:
            info = _GroupInfo.declared(element)
            groups[info.id] = info
        for node in self.graph.nodes.values():
            if node.kind is Kind.CONTAINER and self._group_container(node):
                groups[normalise_id(node.id)] = _GroupInfo.drawn(node)
        for task_id in self.routes:
            if task_id in self.waiting:
                continue
            group = self._group_of(task_id)
            if group is None:
                continue
            if group not in groups:
                self.report(
                    self.graph.nodes[task_id].element,
                    f"user task `{task_id}` belongs to inter-agency group `{group}`, which is "
                    "not declared (motcua:inter_agency)",
                )
            elif task_id in self.branch_of:
                self.report(
                    self.graph.nodes[task_id].element,
                    f"user task `{task_id}` is a parallel branch inside inter-agency group "
                    f"`{group}`; groups hold plain steps only",
                )
            else:
                groups[group].members.append(task_id)
        for info in groups.values():
            if not info.members:
                self.report(info.element, f"inter-agency group `{info.id}` has no tasks")
        return groups

    def _group_of(self, task_id: str) -> str | None:
        extension = self.extensions.get(task_id)
        if extension is not None and extension.group is not None:
            return extension.group
        for container in self.graph.ancestors(task_id):
            if self._group_container(container):
                return normalise_id(container.id)
        return None

    # --- order ----------------------------------------------------------------------------------

    def _order(self, groups: dict[str, _GroupInfo]) -> list[_Item]:
        self.step_ids = {
            task_id: normalise_id(task_id)
            for task_id in self.routes
            if task_id not in self.waiting and task_id not in self.branch_of
        }
        self.task_of = {step: task for task, step in self.step_ids.items()}
        group_of = {task: g.id for g in groups.values() for task in g.members}
        items = self._items(groups, group_of)
        if self.graph.xml.root.get("exporter") == EXPORTER:
            for item in items:
                if item.kind == "group":
                    item.members.sort(key=lambda s: self._position(self._task_element(s)))
            ordered = sorted(items, key=self._item_position)
            if not self._order_problems(ordered):
                return ordered
        ordered = self._traversal(items)
        for element, message in self._order_problems(ordered):
            self.report(element, message)
        return ordered

    def _items(self, groups: dict[str, _GroupInfo], group_of: dict[str, str]) -> list[_Item]:
        items: list[_Item] = []
        placed_groups: set[str] = set()
        for task_id in self.step_ids:
            node = self.graph.nodes[task_id]
            if task_id in group_of:
                group = groups[group_of[task_id]]
                if group.id not in placed_groups:
                    placed_groups.add(group.id)
                    members = [self.step_ids[t] for t in group.members]
                    items.append(_Item("group", group.id, group.element, members))
                continue
            items.append(_Item("step", self.step_ids[task_id], node.element))
        for block in self.blocks.values():
            assert block.element is not None
            items.append(_Item("block", block.id, block.element))
        return items

    def _position(self, element: etree._Element) -> int:
        if not self._index:
            self._index = {id(e): i for i, e in enumerate(self.xml.root.iter())}
        return self._index.get(id(element), 0)

    def _item_position(self, item: _Item) -> int:
        if item.kind == "group":
            return self._position(self._task_element(item.members[0]))
        return self._position(item.element)

    def _task_element(self, step_id: str) -> etree._Element:
        return self.graph.nodes[self.task_of[step_id]].element

    def _vertex_of(self, node: FlowNode | None) -> str | None:
        if node is None or node.kind is Kind.END:
            return None
        if node.id in self.blocks:
            return self.blocks[node.id].id
        return self.step_ids.get(node.id)

    def _successors(self, vertex: str) -> list[str]:
        """Where a step or block goes, `approve` (the main line) first."""
        block = self.block_by_id.get(vertex)
        if block is not None:
            after = self._vertex_of(block.next)
            return [after] if after else []
        routes = sorted(
            self.routes[self.task_of[vertex]],
            key=lambda r: r.decision not in (None, Decision.APPROVE),
        )
        found = [self._vertex_of(r.target) for r in routes]
        return [v for v in found if v is not None]

    def _traversal(self, items: list[_Item]) -> list[_Item]:
        """Steps in the order the dossier meets them, the `approve` line first.

        A parallel block that leads straight to the end goes last: a block has no
        outcomes, so only the last one in the procedure can end it.
        """
        by_vertex: dict[str, _Item] = {}
        for item in items:
            for vertex in item.members if item.kind == "group" else [item.id]:
                by_vertex[vertex] = item
        ordered: list[_Item] = []
        ending: list[_Item] = []
        done: set[str] = set()
        start = self._vertex_of(self.first)
        stack = [start] if start else []
        while stack:
            vertex = stack.pop()
            if vertex in done:
                continue
            item = by_vertex[vertex]
            if item.kind == "block" and not self._successors(vertex):
                done.add(vertex)
                ending.append(item)
                continue
            ordered.append(item)
            if item.kind == "group":
                item.members = self._group_order(vertex, item.members)
                done.update(item.members)
                stack.extend(reversed(self._group_exits(item.members)))
            else:
                done.add(vertex)
                stack.extend(reversed(self._successors(vertex)))
        ordered.extend(ending)
        ordered.extend(item for item in items if item not in ordered)
        return ordered

    def _group_order(self, entry: str, members: list[str]) -> list[str]:
        inside = set(members)
        order: list[str] = []
        stack = [entry]
        while stack:
            vertex = stack.pop()
            if vertex in order or vertex not in inside:
                continue
            order.append(vertex)
            stack.extend(reversed(self._successors(vertex)))
        return order + [m for m in members if m not in order]

    def _group_exits(self, members: list[str]) -> list[str]:
        exits = [v for m in members for v in self._successors(m) if v not in members]
        main = [v for v in self._successors(members[-1]) if v not in members][:1]
        return main + [v for v in exits if v not in main]

    def _order_problems(self, items: list[_Item]) -> list[tuple[etree._Element, str]]:
        problems = []
        for index, item in enumerate(items):
            if item.kind != "block":
                continue
            block = self.block_by_id[item.id]
            after = self._vertex_of(block.next)
            following = items[index + 1].entry() if index + 1 < len(items) else None
            if after == following:
                continue
            word = f"the parallel block `{block.id}`"
            if after is None:
                message = (
                    f"{word} leads straight to the end, so it must be the procedure's last "
                    f"step, but `{items[-1].id}` ends it too; put a step after the join"
                )
            else:
                message = (
                    f"{word} leads to `{after}`, which the procedure reaches before the block "
                    "as well; a parallel block must lead to a step of its own (put a step "
                    "after the join, or send the other flow to the block)"
                )
            problems.append((block.join.element, message))
        return problems

    # --- data -----------------------------------------------------------------------------------

    def _procedure(self, items: list[_Item], groups: dict[str, _GroupInfo]) -> dict[str, Any]:
        data = self._metadata()
        defaults = _defaults(items)
        steps: list[dict[str, Any]] = []
        for index, item in enumerate(items):
            path: PathKey = ("steps", index)
            self._at(path, item.element)
            if item.kind == "step":
                steps.append(self._step(item.id, path, defaults))
            elif item.kind == "block":
                steps.append(self._block_data(item.id, path))
            else:
                steps.append(self._group_data(groups[item.id], item.members, path, defaults))
        data["steps"] = steps
        return data

    def _at(self, path: PathKey, element: etree._Element) -> None:
        self.values[path] = self.xml.where(element)

    def _metadata(self) -> dict[str, Any]:
        process = self.graph.process
        assert process is not None
        participant = self.graph.participant
        word = f"process `{process.get('id')}`"
        drawn: list[Sourced] = []
        if participant is not None:
            drawn.extend(camunda_properties(participant))
            if participant.get("name", "").strip():
                drawn.append(Sourced("name", participant.get("name"), participant))
        drawn.extend(camunda_properties(process))
        drawn = _collect_lists(drawn)
        if process.get("name", "").strip():
            drawn.append(Sourced("name", process.get("name"), process))
        documentation = process.find(bpmn("documentation"))
        if documentation is not None:
            drawn.append(Sourced("description", documentation.text or "", documentation))
        ours, _groups = procedure_extension(process)
        for element, message in check_keys([*drawn, *ours], PROCEDURE_KEYS, word):
            self.report(element, message)
        merged = merge(drawn, ours)
        data, where = nest(merged)
        for key in _REQUIRED:
            if key not in data:
                self.report(process, _missing_metadata(word, key))
        for path, item in where.items():
            self._at(path, item.element)
            self._at(path[:1], item.element)
        self._at(("steps",), process)
        self._at((), process)
        return data

    def _step(self, step_id: str, path: PathKey, defaults: dict[str, str]) -> dict[str, Any]:
        node = self.graph.nodes[self.task_of[step_id]]
        data = self._step_fields(node, path)
        outcomes = self._outcomes(node, step_id, path, defaults)
        if outcomes:
            data["outcomes"] = outcomes
        return data

    def _step_fields(self, node: FlowNode, path: PathKey) -> dict[str, Any]:
        word = f"{node.word} `{node.id}`"
        extension = self.extensions.get(node.id)
        lane_value = self.lanes.unit_value(node.id)
        drawn = list(camunda_properties(node.element))
        assigned = list(_assignment(node.element))
        ours = extension.values if extension else []
        for element, message in check_keys([*drawn, *ours], STEP_KEYS, word):
            self.report(element, message)
        merged = merge([lane_value] if lane_value else [], drawn, assigned, ours)
        values, where = nest(merged)
        documentation = node.element.find(bpmn("documentation"))
        if documentation is not None:
            values["description"] = documentation.text or ""
        if node.name is None:
            self.report(node.element, f"{word} has no name; name it as in the approved procedure")
        for key, advice in (
            ("unit", 'put it in a lane named after its unit or set candidateGroups="unit:role"'),
            ("role", 'set candidateGroups="unit:role" or an extension property `role`'),
        ):
            if key not in values:
                self.report(node.element, f"{word} has no {key}; {advice}")
        self._check_lane(node, merged, lane_value)
        self._at(path, node.element)
        for sub, item in where.items():
            self._at((*path, *sub), item.element)
            self._at((*path, sub[0]), item.element)
        return {"id": normalise_id(node.id), "name": node.name or "", **values}

    def _check_lane(
        self, node: FlowNode, merged: dict[str, Sourced], lane_value: Sourced | None
    ) -> None:
        unit = merged.get("unit")
        if lane_value is None or unit is None or unit is lane_value:
            return
        if not self.lanes.trusted(lane_value):
            return
        assigned, drawn_in = str(unit.value), str(lane_value.value)
        organisation = self.organisation
        if assigned == drawn_in or (
            organisation is not None and organisation.belongs_to(assigned, drawn_in)
        ):
            return
        self.report(
            node.element,
            f"{node.word} `{node.id}` is drawn in the lane of unit `{drawn_in}` but is "
            f"assigned to unit `{assigned}`; move it to its lane or correct its unit",
        )

    def _outcomes(
        self, node: FlowNode, step_id: str, path: PathKey, defaults: dict[str, str]
    ) -> dict[str, str]:
        extension = self.extensions.get(node.id)
        written = extension.outcomes if extension else []
        routes = self.routes[node.id]
        single = written[0][0] if len(written) == 1 else Decision.APPROVE.value
        derived: dict[str, tuple[str, etree._Element]] = {}
        for route in routes:
            target = self._target_name(node.id, route)
            if target is not None:
                derived[route.decision or single] = (target, route.element)
        self._at((*path, "outcomes"), node.element)
        for decision, (_target, element) in derived.items():
            self._at((*path, "outcomes", decision), element)
        if written:
            return self._written_outcomes(node, written, derived, defaults)
        plain = {decision: target for decision, (target, _e) in derived.items()}
        if plain == {Decision.APPROVE.value: self._resolve(defaults[step_id], defaults)}:
            return {}
        return plain

    def _written_outcomes(
        self,
        node: FlowNode,
        written: list[tuple[str, str, etree._Element]],
        derived: dict[str, tuple[str, etree._Element]],
        defaults: dict[str, str],
    ) -> dict[str, str]:
        outcomes: dict[str, str] = {}
        word = f"{node.word} `{node.id}`"
        for decision, target, element in written:
            drawn = derived.get(decision)
            if drawn is None:
                self.report(
                    element,
                    f"{word}: motcua:outcome `{decision}` is not drawn; draw its flow or "
                    "remove the motcua:outcome element",
                )
            elif self._resolve(target, defaults) != self._resolve(drawn[0], defaults):
                self.report(
                    element,
                    f"{word}: motcua:outcome says `{decision}` goes to `{target}`, but the "
                    f"diagram sends it to `{drawn[0]}`; make them agree",
                )
            outcomes[decision] = target
        for decision, (target, element) in derived.items():
            if decision not in outcomes:
                self.report(
                    element,
                    f"{word}: the diagram sends `{decision}` to `{target}`, but no "
                    "motcua:outcome says so; add it or remove the motcua:outcome elements",
                )
        return outcomes

    def _resolve(self, target: str, defaults: dict[str, str]) -> str:
        """A written target as the vertex it leads to (a group leads to its first step)."""
        return defaults.get(f"group:{target}", target)

    def _block_data(self, block_id: str, path: PathKey) -> dict[str, Any]:
        block = self.block_by_id[block_id]
        branches = []
        for index, branch in enumerate(block.branches):
            branch_path = (*path, "parallel", index)
            self._at(branch_path, branch.element)
            extension = self.extensions.get(branch.id)
            if extension is not None and extension.block not in (None, block.id):
                self.report(
                    branch.element,
                    f"{branch.word} `{branch.id}`: motcua:step says it belongs to block "
                    f"`{extension.block}`, but it is drawn as a branch of `{block.id}`",
                )
            branches.append(self._step_fields(branch, branch_path))
        assert block.element is not None
        return {"id": block.id, "name": block.name, "parallel": branches}

    def _group_data(
        self, group: _GroupInfo, members: list[str], path: PathKey, defaults: dict[str, str]
    ) -> dict[str, Any]:
        word = f"inter-agency group `{group.id}`"
        for element, message in check_keys(group.values, ("id", "name", *GROUP_KEYS), word):
            self.report(element, message)
        values, where = nest(merge(group.values))
        for sub, item in where.items():
            self._at((*path, *sub), item.element)
            self._at((*path, sub[0]), item.element)
        steps = []
        for index, step_id in enumerate(members):
            steps.append(self._step(step_id, (*path, "steps", index), defaults))
        values.setdefault("id", group.id)
        if group.name is not None:
            values.setdefault("name", group.name)
        for key, advice in (
            ("name", "give it a name"),
            ("agency", "add the extension property `agency`"),
            ("time_share", "add `time_share.working_days` or `time_share.working_hours`"),
        ):
            if key not in values:
                self.report(group.element, f"{word} has no {key}; {advice}")
        return {**values, "steps": steps}


@dataclass
class _GroupInfo:
    id: str
    name: str | None
    element: etree._Element
    values: list[Sourced]
    members: list[str] = field(default_factory=list)  # task ids

    @classmethod
    def declared(cls, element: etree._Element) -> _GroupInfo:
        values = group_extension(element)
        ident = element.get("id") or ""
        return cls(ident, element.get("name"), element, values)

    @classmethod
    def drawn(cls, node: FlowNode) -> _GroupInfo:
        values = [v for v in camunda_properties(node.element)]
        return cls(normalise_id(node.id), node.name, node.element, values)


def _defaults(items: list[_Item]) -> dict[str, str]:
    """Where each step goes without outcomes (the next one in order), as RoutingGraph reads it.

    Keys ``group:<id>`` map a group id to its first step.
    """
    defaults: dict[str, str] = {}
    for index, item in enumerate(items):
        after = items[index + 1].entry() if index + 1 < len(items) else Target.END.value
        if item.kind == "group":
            defaults[f"group:{item.id}"] = item.entry()
            chain = [*item.members[1:], after]
            defaults.update(zip(item.members, chain, strict=True))
        else:
            defaults[item.id] = after
    return defaults


def _collect_lists(values: list[Sourced]) -> list[Sourced]:
    """Repeated ``legal_basis`` properties become one list."""
    legal = [v for v in values if v.key == "legal_basis"]
    others = [v for v in values if v.key != "legal_basis"]
    if not legal:
        return others
    return [*others, Sourced("legal_basis", [str(v.value) for v in legal], legal[0].element)]


def _missing_metadata(word: str, key: str) -> str:
    names = (
        "`time_limit.working_days` or `time_limit.working_hours`"
        if key == "time_limit"
        else f"`{key}`"
    )
    if key == "name":
        return f"{word}: the procedure's `name` is missing; give the process (the pool) a name"
    return (
        f"{word}: the procedure's `{key}` is missing; add the extension property {names} "
        "(Camunda Modeler: select the pool, Extension properties)"
    )


def _assignment(task: etree._Element) -> Iterator[Sourced]:
    """Unit, role and form from Camunda's own task settings.

    Candidate groups are ``unit_id:role`` (or just ``role``, the unit then comes
    from the lane); the first group counts. Camunda 7 writes them as
    ``camunda:candidateGroups``, Camunda 8 in ``zeebe:assignmentDefinition``; the
    form is ``camunda:formKey`` or ``zeebe:formDefinition`` (formKey or formId).
    """
    extension = task.find(bpmn("extensionElements"))
    assignment = _zeebe_child(extension, "assignmentDefinition")
    raw = task.get(camunda("candidateGroups")) or (
        assignment.get("candidateGroups") if assignment is not None else None
    )
    first = (raw or "").split(",")[0].strip()
    if ":" in first:
        unit, role = (part.strip() for part in first.split(":", 1))
        if unit:
            yield Sourced("unit", unit, task)
        if role:
            yield Sourced("role", role, task)
    elif first:
        yield Sourced("role", first, task)
    definition = _zeebe_child(extension, "formDefinition")
    form = task.get(camunda("formKey")) or (
        definition.get("formKey") or definition.get("formId") if definition is not None else None
    )
    if form:
        yield Sourced("form", form, task)


def _zeebe_child(extension: etree._Element | None, local: str) -> etree._Element | None:
    return extension.find(zeebe(local)) if extension is not None else None


class _Lanes:
    """Which lane each element is drawn in, and the unit a lane stands for."""

    def __init__(self, graph: FlowGraph, organisation: Organisation | None):
        self.graph = graph
        self.organisation = organisation
        root = graph.xml.root
        self.lanes = list(root.iter(bpmn("lane")))
        self.by_node: dict[str, tuple[int, etree._Element]] = {}
        for lane in self.lanes:
            depth = sum(1 for a in lane.iterancestors(bpmn("lane")))
            for ref in lane.iterfind(bpmn("flowNodeRef")):
                key = (ref.text or "").strip()
                if key not in self.by_node or self.by_node[key][0] < depth:
                    self.by_node[key] = (depth, lane)
        self.bounds = shape_bounds(root)
        self.trusted_lanes: set[int] = set()  # ids of lane elements whose unit is certain

    def lane_of(self, node_id: str) -> etree._Element | None:
        if node_id in self.by_node:
            return self.by_node[node_id][1]
        drawn = self._drawn_in(node_id)
        if drawn is not None:
            return drawn
        for container in self.graph.ancestors(node_id):
            lane = self.lane_of(container.id)
            if lane is not None:
                return lane
        return None

    def _drawn_in(self, node_id: str) -> etree._Element | None:
        box = self.bounds.get(node_id)
        if box is None:
            return None
        x, y = box[0] + box[2] / 2, box[1] + box[3] / 2
        found = []
        for lane in self.lanes:
            area = self.bounds.get(lane.get("id") or "")
            if area and area[0] <= x <= area[0] + area[2] and area[1] <= y <= area[1] + area[3]:
                found.append((area[2] * area[3], lane))
        return min(found, key=lambda pair: pair[0])[1] if found else None

    def unit_value(self, node_id: str) -> Sourced | None:
        lane = self.lane_of(node_id)
        if lane is None:
            return None
        marked = lane_unit(lane)
        if marked:
            self.trusted_lanes.add(id(lane))
            return Sourced("unit", marked, lane)
        name = " ".join((lane.get("name") or "").split())
        if self.organisation is not None:
            unit = self._match(name, lane.get("id") or "")
            if unit is not None:
                self.trusted_lanes.add(id(lane))
                return Sourced("unit", unit, lane)
        unit_name = name or lane.get("id")
        return Sourced("unit", unit_name, lane) if unit_name else None

    def trusted(self, value: Sourced) -> bool:
        """Whether a lane's unit is known for sure (our mark, or found in the organisation)."""
        return id(value.element) in self.trusted_lanes

    def _match(self, name: str, lane_id: str) -> str | None:
        assert self.organisation is not None
        wanted = _plain(name)
        matches = sorted(
            {
                unit.id
                for unit in self.organisation.units.values()
                if wanted
                and wanted in {_plain(unit.id), _plain(unit.name), _plain(unit.short_name or "")}
            }
        )
        if len(matches) == 1:
            return matches[0]
        if lane_id in self.organisation.units:
            return lane_id
        return None


def _plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
