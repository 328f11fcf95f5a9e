"""Compiled definitions run in SpiffWorkflow exactly as RoutingGraph (the checked routing) says."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.definitions.bpmn_compile import END_EVENT, compile_procedure
from engine.definitions.bpmn_import import import_bpmn
from engine.definitions.executable import REFUSED_END_EVENT, ExecutableDefinition, TaskKind
from engine.definitions.loading import load_yaml_procedure
from engine.definitions.organisation import load_organisation

from .bpmn_helpers import FIXTURES, UNITS, ReferenceRun, SpiffRun

REPO = Path(__file__).resolve().parents[2]
REAL = sorted(
    p for p in (REPO / "procedures").glob("*.yaml") if p.stem not in ("units", "paper_types")
)
YAML = sorted((FIXTURES / "good").glob("*.yaml")) + REAL
BPMN = sorted((FIXTURES / "bpmn" / "good").glob("*.bpmn"))


def definition(path: Path) -> ExecutableDefinition:
    units = load_organisation(path.parent / "units.yaml" if path in REAL else UNITS)
    if path.suffix == ".bpmn":
        return import_bpmn(path.read_text(encoding="utf-8"), str(path), units)
    return compile_procedure(load_yaml_procedure(path, units).procedure, units)


def fixture(name: str) -> ExecutableDefinition:
    return definition(FIXTURES / "good" / name)


def drive(run: SpiffRun, script: list[tuple[str, str]]) -> list[list[str]]:
    """Complete tasks in order; return what was ready before each one."""
    seen = []
    for task, decision in script:
        seen.append(run.ready())
        run.complete(task, decision)
    return seen


@pytest.mark.parametrize("path", YAML + BPMN, ids=[p.name for p in YAML + BPMN])
def test_every_definition_runs_to_the_end_when_everyone_approves(path: Path) -> None:
    compiled = definition(path)
    run, reference = SpiffRun(compiled), ReferenceRun(compiled.procedure)
    while reference.ready():
        assert run.ready() == reference.ready()
        task = reference.ready()[0]
        run.complete(task)
        reference.complete(task)
    assert run.ready() == []
    assert run.finished
    assert run.end_event() == reference.end == END_EVENT


def test_a_return_sends_the_dossier_back_and_it_runs_again() -> None:
    run = SpiffRun(fixture("khai_sinh.yaml"))
    seen = drive(
        run,
        [
            ("tiep_nhan", "approve"),
            ("tham_dinh", "approve"),
            ("ky_duyet", "return"),
            ("tham_dinh", "approve"),
            ("ky_duyet", "approve"),
            ("tra_ket_qua", "approve"),
        ],
    )
    assert seen[3] == ["tham_dinh"]
    assert run.finished and run.end_event() == END_EVENT


def test_a_supplement_waits_for_the_applicant_then_resumes_the_same_step() -> None:
    compiled = fixture("khai_sinh.yaml")
    run = SpiffRun(compiled)
    drive(run, [("tiep_nhan", "approve"), ("tham_dinh", "supplement")])
    assert run.ready() == ["tham_dinh.supplement"]
    assert compiled.tasks["tham_dinh.supplement"].pauses_clock
    run.complete("tham_dinh.supplement")
    assert run.ready() == ["tham_dinh"]
    assert not run.finished


def test_a_refusal_ends_at_the_refused_end_event() -> None:
    run = SpiffRun(fixture("khai_sinh.yaml"))
    drive(run, [("tiep_nhan", "approve"), ("tham_dinh", "refuse")])
    assert run.ready() == []
    assert run.finished
    assert run.end_event() == REFUSED_END_EVENT


def test_a_parallel_block_waits_for_every_branch() -> None:
    run = SpiffRun(fixture("full_features.yaml"))
    drive(run, [("tiep_nhan", "approve"), ("tham_dinh", "approve")])
    assert run.ready() == ["y_kien_dia_chinh", "y_kien_tu_phap"]
    run.complete("y_kien_tu_phap")
    assert run.ready() == ["y_kien_dia_chinh"]
    run.complete("y_kien_dia_chinh")
    assert run.ready() == ["thue_xac_dinh"]


def test_a_parallel_block_waits_for_every_branch_again_after_a_return_loop() -> None:
    run = SpiffRun(fixture("full_features.yaml"))
    first_pass = [
        ("tiep_nhan", "approve"),
        ("tham_dinh", "approve"),
        ("y_kien_tu_phap", "approve"),
        ("y_kien_dia_chinh", "approve"),
        ("thue_xac_dinh", "approve"),
        ("thue_thong_bao", "approve"),
        ("nop_thue", "approve"),
        ("ky_duyet", "return"),
        ("tham_dinh", "approve"),
    ]
    drive(run, first_pass)
    run.complete("y_kien_dia_chinh")  # the other branch finishes first this time
    assert run.ready() == ["y_kien_tu_phap"]
    run.complete("y_kien_tu_phap")
    assert run.ready() == ["thue_xac_dinh"]


def test_a_waiting_step_is_a_user_task_that_pauses_the_clock() -> None:
    compiled = fixture("full_features.yaml")
    assert compiled.tasks["nop_thue"].kind is TaskKind.WAIT
    assert compiled.tasks["nop_thue"].pauses_clock
    run = SpiffRun(compiled)
    drive(
        run,
        [
            ("tiep_nhan", "approve"),
            ("tham_dinh", "approve"),
            ("y_kien_tu_phap", "approve"),
            ("y_kien_dia_chinh", "approve"),
            ("thue_xac_dinh", "approve"),
            ("thue_thong_bao", "approve"),
        ],
    )
    assert run.ready() == ["nop_thue"]
    run.complete("nop_thue")
    assert run.ready() == ["ky_duyet"]


def test_the_camunda_drawing_runs_its_loops_and_its_refusal() -> None:
    path = FIXTURES / "bpmn" / "good" / "camunda_modeler.bpmn"
    run = SpiffRun(definition(path))
    drive(
        run,
        [
            ("activity_tiepnhan", "approve"),
            ("activity_thamdinh", "supplement"),
            ("activity_thamdinh.supplement", "approve"),
            ("activity_thamdinh", "approve"),
            ("activity_ykientuphap", "approve"),
            ("activity_ykiendiachinh", "approve"),
            ("activity_xacdinhthue", "approve"),
            ("activity_thongbaothue", "approve"),
            ("activity_kyduyet", "return"),
        ],
    )
    assert run.ready() == ["activity_thamdinh"]
    run.complete("activity_thamdinh", "refuse")
    assert run.finished and run.end_event() == REFUSED_END_EVENT
