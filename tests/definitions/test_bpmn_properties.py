"""Invariants over random valid procedures: compile, validate, lay out, round-trip, run.

The generator builds procedures the checker accepts by construction: `approve`
always moves forward (to the next step, or the end), `return` only goes back,
and the time limit covers the longest path. Each property also runs the
procedure through the importer, which applies the full checker, so a
generator slip would fail loudly rather than test nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.definitions.bpmn_compile import END_EVENT, compile_procedure
from engine.definitions.bpmn_import import import_bpmn
from engine.definitions.model import (
    ClockPolicy,
    Component,
    Duration,
    InterAgency,
    Level,
    Node,
    ParallelBlock,
    Procedure,
    Result,
    Step,
    SupplementPolicy,
    TimeUnit,
)

from .bpmn_helpers import ReferenceRun, SpiffRun, diagram_problems, schema_errors

LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệốồổỗộớờởỡợứừửữựĐÂÊÔ"
identifiers = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True).filter(
    lambda ident: ident != "end_refused"
)
names = st.text(LETTERS + " ", min_size=1, max_size=24).map(str.strip).filter(bool)
free_text = st.text(LETTERS + " \n\t<>&\"'.,;:()-", max_size=40)
units = st.sampled_from(["mot_cua", "tu_phap", "dia_chinh", "lanh_dao", "thue_nghiep_vu"])
roles = st.sampled_from(["officer", "head", "leader"])
quarters = st.integers(0, 12).map(lambda n: Decimal(n) / 4)
durations = st.builds(Duration, quarters, st.sampled_from(list(TimeUnit)))
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass
class _Slot:
    """A step of the sequence, with the names outcomes may use to reach it or later ones."""

    step_id: str
    next_name: str  # what `approve` goes to: the next node's id, or END
    earlier: list[str]  # ids a `return` may go back to


@st.composite
def steps(draw: st.DrawFn, ident: str, *, branch: bool = False) -> Step:
    wait = False if branch else draw(st.booleans().map(lambda b: b and draw(st.booleans())))
    return Step(
        id=ident,
        name=draw(names),
        unit=draw(units),
        role=draw(roles),
        duration=Duration.zero() if wait else draw(durations),
        form=draw(st.none() | identifiers),
        wait=wait,
        description=draw(st.none() | free_text),
    )


@st.composite
def outcomes(draw: st.DrawFn, slot: _Slot) -> MappingProxyType[str, str]:
    extras: dict[str, str] = {}
    if slot.earlier and draw(st.booleans()):
        extras["return"] = draw(st.sampled_from(slot.earlier))
    if draw(st.booleans()):
        extras["supplement"] = "SUPPLEMENT"
    if draw(st.booleans()):
        extras["refuse"] = "REFUSE"
    if not extras and draw(st.booleans()):
        return MappingProxyType({})
    chosen = [("approve", slot.next_name), *extras.items()]
    return MappingProxyType(dict(draw(st.permutations(chosen))))


@st.composite
def procedures(draw: st.DrawFn) -> Procedure:
    kinds = draw(
        st.lists(st.sampled_from(["step", "step", "block", "group"]), min_size=1, max_size=6)
    )
    sizes = [
        1 if k == "step" else 1 + draw(st.integers(2 if k == "block" else 1, 3)) for k in kinds
    ]
    ids = draw(st.lists(identifiers, min_size=sum(sizes), max_size=sum(sizes), unique=True))
    chunks, at = [], 0
    for size in sizes:
        chunks.append(ids[at : at + size])
        at += size
    nodes: list[Node] = []
    earlier: list[str] = []
    for index, (kind, chunk) in enumerate(zip(kinds, chunks, strict=True)):
        after = chunks[index + 1][0] if index + 1 < len(chunks) else "END"
        if kind == "block":
            branches = tuple(draw(steps(i, branch=True)) for i in chunk[1:])
            nodes.append(ParallelBlock(chunk[0], draw(names), branches))
        elif kind == "step":
            step = draw(steps(chunk[0]))
            slot = _Slot(step.id, after, list(earlier))
            nodes.append(_with_outcomes(step, draw(outcomes(slot))))
        else:
            nodes.append(draw(_group(chunk, after, earlier)))
        earlier.extend(chunk if kind == "group" else chunk[:1])
    return Procedure(
        code=draw(st.from_regex(r"[0-9]{1,2}\.[0-9]{6}", fullmatch=True)),
        name=draw(names),
        level=draw(st.sampled_from(list(Level))),
        field=draw(names),
        agency=draw(identifiers),
        time_limit=Duration.hours(_longest(nodes) + draw(st.integers(1, 16))),
        steps=tuple(nodes),
        fee=draw(st.integers(0, 5_000_000)),
        components=draw(_components()),
        result=draw(st.none() | st.builds(Result, names, st.booleans(), st.none() | identifiers)),
        clock=ClockPolicy(
            draw(st.sampled_from(list(SupplementPolicy))),
            draw(st.none() | st.from_regex(r"(0[7-9]|1[0-6]):[0-5][0-9]", fullmatch=True)),
        ),
        legal_basis=tuple(draw(st.lists(names, max_size=3))),
        description=draw(st.none() | free_text),
    )


@st.composite
def _group(draw: st.DrawFn, chunk: list[str], after: str, earlier: list[str]) -> InterAgency:
    members: list[Step] = []
    for position, ident in enumerate(chunk[1:]):
        following = chunk[position + 2] if position + 2 < len(chunk) else after
        step = draw(steps(ident))
        slot = _Slot(ident, following, [*earlier, *chunk[1 : position + 1]])
        members.append(_with_outcomes(step, draw(outcomes(slot))))
    inner = sum((s.duration.working_hours for s in members if not s.wait), Decimal(0))
    share = Duration.hours(inner + draw(st.integers(0, 8)))
    return InterAgency(chunk[0], draw(names), draw(identifiers), share, tuple(members))


@st.composite
def _components(draw: st.DrawFn) -> tuple[Component, ...]:
    codes = draw(
        st.lists(st.from_regex(r"[A-Z][A-Z0-9_]{0,5}", fullmatch=True), max_size=3, unique=True)
    )
    return tuple(
        Component(
            code,
            draw(names),
            required=draw(st.booleans()),
            copies=draw(st.integers(1, 3)),
            original=draw(st.booleans()),
            digitize=draw(st.booleans()),
            reusable=draw(st.booleans()),
            paper_type=draw(st.none() | identifiers),
            form=draw(st.none() | identifiers),
        )
        for code in codes
    )


def _with_outcomes(step: Step, chosen: MappingProxyType[str, str]) -> Step:
    return Step(
        step.id,
        step.name,
        step.unit,
        step.role,
        step.duration,
        chosen,
        step.form,
        step.wait,
        step.description,
    )


def _longest(nodes: list[Node]) -> Decimal:
    """Every node lies on the forward path, so the longest path is their sum."""
    total = Decimal(0)
    for node in nodes:
        if isinstance(node, Step):
            total += Decimal(0) if node.wait else node.duration.working_hours
        elif isinstance(node, ParallelBlock):
            total += node.duration.working_hours
        else:
            total += node.time_share.working_hours
    return total


@SETTINGS
@given(procedures())
def test_a_random_procedure_compiles_to_valid_bpmn_with_a_clean_diagram(
    procedure: Procedure,
) -> None:
    compiled = compile_procedure(procedure)
    assert schema_errors(compiled.bpmn_xml) == []
    assert diagram_problems(compiled) == []
    assert compile_procedure(procedure).bpmn_xml == compiled.bpmn_xml


@SETTINGS
@given(procedures())
def test_a_random_procedure_survives_export_and_import(procedure: Procedure) -> None:
    compiled = compile_procedure(procedure)
    imported = import_bpmn(compiled.bpmn_xml, "generated.bpmn")
    assert imported.procedure == procedure
    assert imported.bpmn_xml == compiled.bpmn_xml


@SETTINGS
@given(procedures())
def test_a_random_procedure_runs_to_the_end_when_everyone_approves(procedure: Procedure) -> None:
    run, reference = SpiffRun(compile_procedure(procedure)), ReferenceRun(procedure)
    while reference.ready():
        assert run.ready() == reference.ready()
        task = reference.ready()[0]
        run.complete(task)
        reference.complete(task)
    assert run.ready() == []
    assert run.finished
    assert run.end_event() == reference.end == END_EVENT


@SETTINGS
@given(procedures(), st.data())
def test_any_decisions_go_where_the_checked_routing_says(
    procedure: Procedure, data: st.DataObject
) -> None:
    run, reference = SpiffRun(compile_procedure(procedure)), ReferenceRun(procedure)
    for _ in range(30):
        if not reference.ready():
            break
        assert run.ready() == reference.ready()
        task = data.draw(st.sampled_from(reference.ready()))
        decision = data.draw(st.sampled_from(reference.decisions(task)))
        run.complete(task, decision)
        reference.complete(task, decision)
    while reference.ready():
        assert run.ready() == reference.ready()
        task = reference.ready()[0]
        run.complete(task)
        reference.complete(task)
    assert run.finished
    assert run.end_event() == reference.end
