"""How a procedure routes: which step follows which, for every decision.

Vertices are what an outcome can go to: task steps (top level or inside an
inter-agency group) and parallel blocks as a whole. The checker measures
this graph; the BPMN compiler draws it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from .model import Decision, InterAgency, Node, ParallelBlock, Procedure, Step, Target

__all__ = ["Vertex", "RoutingGraph"]


@dataclass(frozen=True)
class Vertex:
    id: str
    node: Step | ParallelBlock
    group: InterAgency | None = None

    @property
    def working_hours(self) -> Decimal:
        if isinstance(self.node, Step) and self.node.wait:
            return Decimal(0)
        return self.node.duration.working_hours


@dataclass
class RoutingGraph:
    vertices: dict[str, Vertex] = field(default_factory=dict)
    start: str | None = None
    # vertex id → decision → vertex id or a Target value; order of decisions as written
    edges: dict[str, dict[str, str]] = field(default_factory=dict)
    # ids an outcome may name, mapped to the vertex they lead to (groups lead to their first step)
    entries: dict[str, str] = field(default_factory=dict)
    # ids that exist but may not be targeted (branches of a parallel block) → the block id
    branch_of: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, procedure: Procedure) -> RoutingGraph:
        graph = cls()
        graph._add_vertices(procedure.steps)
        graph._add_edges(procedure.steps)
        return graph

    def resolve(self, target: str) -> str | None:
        """The vertex (or Target value) an outcome target leads to, None if it names nothing."""
        if target in Target.__members__.values():
            return target
        return self.entries.get(target)

    def successors(self, vertex_id: str) -> Iterator[str]:
        for target in self.edges.get(vertex_id, {}).values():
            resolved = self.resolve(target)
            if resolved is not None:
                yield resolved

    def _add_vertices(self, nodes: tuple[Node, ...]) -> None:
        for node in nodes:
            if isinstance(node, InterAgency):
                for step in node.steps:
                    self._vertex(Vertex(step.id, step, node))
                if node.steps:
                    self.entries.setdefault(node.id, node.steps[0].id)
            else:
                self._vertex(Vertex(node.id, node))
                if isinstance(node, ParallelBlock):
                    for branch in node.branches:
                        self.branch_of.setdefault(branch.id, node.id)
        first = nodes[0] if nodes else None
        if first is not None:
            self.start = self.entries.get(first.id)

    def _vertex(self, vertex: Vertex) -> None:
        if vertex.id not in self.vertices:
            self.vertices[vertex.id] = vertex
            self.entries.setdefault(vertex.id, vertex.id)

    def _add_edges(self, nodes: tuple[Node, ...]) -> None:
        sequence: list[tuple[Step | ParallelBlock, str]] = []
        for index, node in enumerate(nodes):
            after = nodes[index + 1].id if index + 1 < len(nodes) else Target.END.value
            if isinstance(node, InterAgency):
                inner = [s.id for s in node.steps[1:]] + [after]
                sequence.extend(zip(node.steps, inner, strict=True))
            else:
                sequence.append((node, after))
        for node, default_next in sequence:
            if node.id in self.edges:
                continue
            outcomes = dict(node.outcomes) if isinstance(node, Step) else {}
            self.edges[node.id] = outcomes or {Decision.APPROVE.value: default_next}
