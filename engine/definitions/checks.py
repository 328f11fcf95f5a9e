"""Rules that need the whole definition: routing, time, units and roles, forms."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from .dsl import SourceMap
from .executable import REFUSED_END_EVENT
from .graph import RoutingGraph, Vertex
from .model import (
    Decision,
    Duration,
    InterAgency,
    ParallelBlock,
    Procedure,
    Target,
    TimeUnit,
)
from .organisation import Organisation
from .problems import Problem, did_you_mean

__all__ = ["check_procedure", "longest_path"]

_TARGET_RULES: dict[str, tuple[str, ...]] = {
    Decision.SUPPLEMENT.value: (Target.SUPPLEMENT.value,),
    Decision.REFUSE.value: (Target.REFUSE.value,),
}


def check_procedure(
    procedure: Procedure,
    source: SourceMap,
    organisation: Organisation | None = None,
    forms: Iterable[str] | None = None,
) -> list[Problem]:
    """Every rule a loaded procedure breaks, in file order."""
    graph = RoutingGraph.of(procedure)
    structural = [
        *_duplicate_ids(source),
        *_reserved_ids(source),
        *_outcome_targets(procedure, graph, source),
    ]
    problems = [
        *structural,
        *_step_shapes(procedure, source),
        *_components(procedure, source),
    ]
    if not structural:  # with a wrong target or a twice-used id, routing problems are echoes
        problems.extend(_routing(graph, source))
        problems.extend(_time(procedure, graph, source))
    if organisation is not None:
        problems.extend(_organisation(procedure, organisation, source))
    if forms is not None:
        problems.extend(_forms(procedure, set(forms), source))
    return sorted(set(problems))


def _duplicate_ids(source: SourceMap) -> Iterator[Problem]:
    for node_id, paths in source.occurrences.items():
        first_line, _ = source.located.where((*paths[0], "id"))
        for path in paths[1:]:
            yield source.problem(
                (*path, "id"), f"step id `{node_id}` is used twice (first on line {first_line})"
            )


def _reserved_ids(source: SourceMap) -> Iterator[Problem]:
    if REFUSED_END_EVENT in source.nodes:
        yield source.problem(
            (*source.nodes[REFUSED_END_EVENT], "id"),
            f"step id `{REFUSED_END_EVENT}` is reserved for the end event of a refused "
            "dossier; choose another id",
        )


def _outcome_targets(
    procedure: Procedure, graph: RoutingGraph, source: SourceMap
) -> Iterator[Problem]:
    known = [*graph.entries, *Target.__members__.values()]
    for step in procedure.iter_steps():
        for decision, target in step.outcomes.items():
            where = ("outcomes", decision)
            prefix = f"step `{step.id}`: outcome `{decision}` goes to `{target}`"
            required = _TARGET_RULES.get(decision)
            if target in graph.branch_of:
                block = graph.branch_of[target]
                yield source.at_node(
                    step.id,
                    f"{prefix}, a branch inside parallel block `{block}`; go to `{block}` instead",
                    where,
                )
            elif graph.resolve(target) is None:
                yield source.at_node(
                    step.id, f"{prefix}, which is not a step{did_you_mean(target, known)}", where
                )
            elif required and target not in required:
                yield source.at_node(
                    step.id,
                    f"step `{step.id}`: outcome `{decision}` must go "
                    f"to {required[0]}, not `{target}`",
                    where,
                )
            elif not required and target in (Target.SUPPLEMENT, Target.REFUSE):
                yield source.at_node(
                    step.id, f"{prefix}; only outcome `{target.lower()}` may go to {target}", where
                )
            elif decision == Decision.RETURN and target == Target.END:
                yield source.at_node(step.id, f"{prefix}; `return` must go back to a step", where)
            elif target == step.id and decision != Decision.SUPPLEMENT:
                yield source.at_node(
                    step.id, f"{prefix}, itself: the dossier would not move", where
                )


def _step_shapes(procedure: Procedure, source: SourceMap) -> Iterator[Problem]:
    if procedure.time_limit.amount == 0:
        yield source.problem(("time_limit",), "time_limit: must be more than zero")
    for node in procedure.steps:
        if isinstance(node, ParallelBlock):
            for branch in node.branches:
                if branch.outcomes:
                    yield source.at_node(
                        branch.id,
                        f"step `{branch.id}`: a branch of parallel "
                        f"block `{node.id}` cannot have outcomes; every branch "
                        "runs to the end of the block",
                        ("outcomes",),
                    )
                if branch.wait:
                    yield source.at_node(
                        branch.id,
                        f"step `{branch.id}`: a waiting step cannot "
                        "be a branch of a parallel block",
                        ("wait",),
                    )
    for step in procedure.iter_steps():
        if step.wait and step.duration.amount > 0:
            yield source.at_node(
                step.id,
                f"step `{step.id}`: a waiting step pauses the clock, "
                "so it has no duration; remove `duration`",
                ("duration",),
            )


def _routing(graph: RoutingGraph, source: SourceMap) -> Iterator[Problem]:
    if graph.start is None:
        return
    reachable = _closure([graph.start], graph.successors)
    reverse: dict[str, set[str]] = {}
    for vertex in graph.vertices:
        for successor in graph.successors(vertex):
            reverse.setdefault(successor, set()).add(vertex)
    finishing = _closure([Target.END.value], lambda v: iter(reverse.get(v, ())))
    for vertex_id in graph.vertices:
        if vertex_id not in reachable:
            yield source.at_node(
                vertex_id, f"step `{vertex_id}` can never be reached: no step leads to it"
            )
        elif vertex_id not in finishing:
            yield source.at_node(
                vertex_id,
                f"step `{vertex_id}` can never reach the end: every "
                "way on from it loops back (a loop with no exit)",
            )


def _closure(start: Iterable[str], next_of: Callable[[str], Iterator[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(start)
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(next_of(current))
    return seen


def longest_path(
    graph: RoutingGraph, weight: Callable[[Vertex], Decimal] | None = None
) -> tuple[Decimal, list[str]]:
    """Working hours and steps of the longest forward path from start to the end.

    Return loops are back edges and do not count; a waiting step counts zero.
    """
    if graph.start is None:
        return Decimal(0), []
    return longest_paths(graph, weight)[graph.start]


def longest_paths(
    graph: RoutingGraph, weight: Callable[[Vertex], Decimal] | None = None
) -> dict[str, tuple[Decimal, list[str]]]:
    """For every step, the longest forward path from it to the end, return loops (back
    edges seen from the process start) not counted."""
    hours_of = weight or (lambda vertex: vertex.working_hours)
    back_edges = _back_edges(graph) if graph.start is not None else set()
    memo: dict[str, tuple[Decimal, list[str]]] = {}

    def walk(vertex_id: str) -> tuple[Decimal, list[str]]:
        if vertex_id in memo:
            return memo[vertex_id]
        best: tuple[Decimal, list[str]] = (Decimal(0), [])
        for successor in graph.successors(vertex_id):
            if (vertex_id, successor) in back_edges or successor not in graph.vertices:
                continue
            candidate = walk(successor)
            if candidate[0] > best[0] or not best[1]:
                best = candidate
        own = hours_of(graph.vertices[vertex_id])
        memo[vertex_id] = (own + best[0], [vertex_id, *best[1]])
        return memo[vertex_id]

    for vertex_id in graph.vertices:
        walk(vertex_id)
    return memo


def _back_edges(graph: RoutingGraph) -> set[tuple[str, str]]:
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    assert graph.start is not None
    stack: list[tuple[str, Iterator[str]]] = [(graph.start, graph.successors(graph.start))]
    state[graph.start] = 1
    while stack:
        vertex_id, successors = stack[-1]
        successor = next(successors, None)
        if successor is None:
            state[vertex_id] = 2
            stack.pop()
        elif successor not in graph.vertices:
            continue
        elif state.get(successor) == 1:
            back.add((vertex_id, successor))
        elif successor not in state:
            state[successor] = 1
            stack.append((successor, graph.successors(successor)))
    return back


def _time(procedure: Procedure, graph: RoutingGraph, source: SourceMap) -> Iterator[Problem]:
    budgets = _group_budgets(procedure)
    hours, path = longest_path(graph, lambda v: budgets.get(v.id, v.working_hours))
    limit = procedure.time_limit
    if hours > limit.working_hours:
        yield source.problem(
            ("time_limit",),
            f"the steps on the longest path ({' → '.join(_collapse(path, graph))}) take "
            f"{_in_unit(hours, limit.unit)}, more than the time limit of {_format(limit)}",
        )
    for node in procedure.steps:
        if isinstance(node, InterAgency):
            inner = sum((s.duration.working_hours for s in node.steps if not s.wait), Decimal(0))
            if inner > node.time_share.working_hours:
                yield source.at_node(
                    node.id,
                    f"inter-agency group `{node.id}`: its steps take "
                    f"{_in_unit(inner, node.time_share.unit)}, more than its time share of "
                    f"{_format(node.time_share)}",
                    ("time_share",),
                )


def _group_budgets(procedure: Procedure) -> dict[str, Decimal]:
    """Each inter-agency group counts as its time share, spread over its first step."""
    budgets: dict[str, Decimal] = {}
    for node in procedure.steps:
        if isinstance(node, InterAgency) and node.steps:
            budgets[node.steps[0].id] = node.time_share.working_hours
            for step in node.steps[1:]:
                budgets[step.id] = Decimal(0)
    return budgets


def _collapse(path: list[str], graph: RoutingGraph) -> list[str]:
    """Show an inter-agency group once, by its id, on a path of step ids."""
    shown: list[str] = []
    for vertex_id in path:
        group = graph.vertices[vertex_id].group
        label = group.id if group is not None else vertex_id
        if not shown or shown[-1] != label:
            shown.append(label)
    return shown


def _in_unit(hours: Decimal, unit: TimeUnit) -> str:
    if unit is TimeUnit.DAYS:
        return _format(Duration(hours / 8, TimeUnit.DAYS))
    return _format(Duration(hours, TimeUnit.HOURS))


def _format(duration: Duration) -> str:
    amount = duration.amount.normalize()
    text = f"{amount:f}"
    noun = "working day" if duration.unit is TimeUnit.DAYS else "working hour"
    return f"{text} {noun}{'' if amount == 1 else 's'}"


def _components(procedure: Procedure, source: SourceMap) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, component in enumerate(procedure.components):
        if component.code in seen:
            yield source.problem(
                ("components", index, "code"), f"component `{component.code}` is listed twice"
            )
        seen.add(component.code)


def _organisation(
    procedure: Procedure, organisation: Organisation, source: SourceMap
) -> Iterator[Problem]:
    units = list(organisation.units)
    agency = organisation.units.get(procedure.agency)
    if agency is None:
        yield source.problem(
            ("agency",),
            f"agency `{procedure.agency}` is not a unit of the "
            f"organisation file{did_you_mean(procedure.agency, units)}",
        )
    elif not agency.is_agency:
        yield source.problem(
            ("agency",),
            f"agency `{procedure.agency}` has no electronic id, so "
            "it cannot receive dossiers; give it `electronic_id` "
            "in the organisation file",
        )
    elif agency.level is not None and agency.level != procedure.level:
        yield source.problem(
            ("level",),
            f"level `{procedure.level}` does not match agency "
            f"`{agency.id}`, which is at level `{agency.level}`",
        )
    for step in procedure.iter_steps():
        if step.unit not in organisation.units:
            yield source.at_node(
                step.id,
                f"step `{step.id}`: unknown unit `{step.unit}`{did_you_mean(step.unit, units)}",
                ("unit",),
            )
        if step.role not in organisation.roles:
            yield source.at_node(
                step.id,
                f"step `{step.id}`: unknown role `{step.role}`"
                f"{did_you_mean(step.role, organisation.roles)}; "
                f"roles: {', '.join(organisation.roles)}",
                ("role",),
            )
    for node in procedure.steps:
        if isinstance(node, InterAgency):
            yield from _inter_agency_units(node, organisation, source)


def _inter_agency_units(
    group: InterAgency, organisation: Organisation, source: SourceMap
) -> Iterator[Problem]:
    other = organisation.units.get(group.agency)
    if other is None:
        yield source.at_node(
            group.id,
            f"inter-agency group `{group.id}`: unknown agency "
            f"`{group.agency}`"
            f"{did_you_mean(group.agency, organisation.units)}",
            ("agency",),
        )
        return
    for step in group.steps:
        if step.unit in organisation.units and not organisation.belongs_to(step.unit, group.agency):
            yield source.at_node(
                step.id,
                f"step `{step.id}` is in inter-agency group "
                f"`{group.id}` of `{group.agency}`, but its unit "
                f"`{step.unit}` is not part of `{group.agency}`",
                ("unit",),
            )


def _forms(procedure: Procedure, forms: set[str], source: SourceMap) -> Iterator[Problem]:
    for index, component in enumerate(procedure.components):
        if component.form is not None and component.form not in forms:
            yield source.problem(
                ("components", index, "form"),
                f"component `{component.code}`: unknown form schema "
                f"`{component.form}`{did_you_mean(component.form, forms)}",
            )
    for step in procedure.iter_steps():
        if step.form is not None and step.form not in forms:
            yield source.at_node(
                step.id,
                f"step `{step.id}`: unknown form schema `{step.form}`"
                f"{did_you_mean(step.form, forms)}",
                ("form",),
            )
