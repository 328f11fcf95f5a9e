"""The process diagram drawn from the compiled BPMN's BPMNDI, and how tasks colour it."""

from __future__ import annotations

from datetime import datetime, timedelta

from lxml import etree

from api.web.diagram import Progress, read_drawing, render_svg, task_progress, wrap
from engine.definitions.bpmn_compile import compile_procedure
from engine.definitions.loading import load_yaml_procedure
from engine.definitions.organisation import load_organisation
from engine.runtime.views import TaskView

from ..runtime.conftest import FIXTURES, VN

ORGANISATION = load_organisation(FIXTURES / "units.yaml")
T0 = datetime(2026, 12, 7, 8, 0, tzinfo=VN)


def khai_sinh_xml() -> str:
    loaded = load_yaml_procedure(FIXTURES / "good" / "khai_sinh.yaml", ORGANISATION)
    return compile_procedure(loaded.procedure, ORGANISATION).bpmn_xml


def test_every_shape_lane_and_flow_of_the_process_is_drawn() -> None:
    drawing = read_drawing(khai_sinh_xml())
    kinds = {element_id: kind for element_id, kind, _name, _box in drawing.nodes}
    assert kinds["tiep_nhan"] == "task"
    assert kinds["tham_dinh.decision"] == "gateway"
    assert kinds["StartEvent"] == "event start"
    assert kinds["end_refused"] == "event end"
    assert [name for name, _ in drawing.lanes] == [
        "Tổ chức, cá nhân",
        "Bộ phận Một cửa",
        "Tư pháp - Hộ tịch",
        "Lãnh đạo UBND xã",
    ]
    # start→tiep_nhan→tham_dinh→gateway, 3 decisions, supplement loop, ky_duyet→gateway,
    # 2 decisions, tra_ket_qua→end
    assert len(drawing.edges) == 11
    assert "Yêu cầu bổ sung hồ sơ" in [name for name, _points in drawing.edges]


def test_the_svg_uses_the_bpmndi_coordinates_and_classes_only() -> None:
    xml = khai_sinh_xml()
    svg = etree.fromstring(str(render_svg(read_drawing(xml), Progress(done=frozenset({"x"})))))
    ns = {"s": "http://www.w3.org/2000/svg"}
    task = svg.find(".//s:g[@data-id='tiep_nhan']/s:rect", ns)
    bpmn = etree.fromstring(xml.encode())
    bounds = bpmn.find(".//{*}BPMNShape[@bpmnElement='tiep_nhan']/{*}Bounds")
    assert task is not None and bounds is not None
    assert (task.get("x"), task.get("y")) == (bounds.get("x"), bounds.get("y"))
    assert svg.find(".//*[@style]", ns) is None  # CSP: no inline styles
    assert svg.find(".//s:script", ns) is None


def test_names_wrap_within_the_box_and_are_cut_with_an_ellipsis() -> None:
    assert wrap("Kiểm tra, ghi Sổ đăng ký khai sinh, trình ký", 92, 4) == [
        "Kiểm tra, ghi",
        "Sổ đăng ký",
        "khai sinh,",
        "trình ký",
    ]
    lines = wrap("Chờ bổ sung hồ sơ (Kiểm tra, ghi Sổ đăng ký khai sinh, trình ký)", 92, 4)
    assert len(lines) == 4 and lines[-1].endswith("…")


def task(step: str, status: str, created: int, completed: int | None, due: int) -> TaskView:
    at = lambda minutes: T0 + timedelta(minutes=minutes)  # noqa: E731
    return TaskView(
        id=1,
        key=f"{step}@1",
        dossier_code="X",
        procedure_code="1.001193",
        applicant_name="A",
        step_id=step,
        name=step,
        kind="step",
        unit_id="u",
        role="officer",
        status=status,
        assignee_id=None,
        created_at=at(created),
        due_at=at(due),
        completed_at=at(completed) if completed is not None else None,
        completed_by=None,
        decision="approve" if status == "completed" else None,
        late=False,
    )


def test_tasks_colour_the_steps_done_current_and_late() -> None:
    tasks = [
        task("tiep_nhan", "completed", 0, 90, 60),  # finished 30 minutes late
        task("tham_dinh", "open", 90, None, 330),
    ]
    now = T0 + timedelta(minutes=120)
    progress = task_progress(tasks, now)
    assert progress.state_of("tiep_nhan") == "late"
    assert progress.state_of("tham_dinh") == "current"
    assert progress.state_of("StartEvent") == "done"
    assert progress.state_of("ky_duyet") == "todo"
    assert task_progress(tasks, T0 + timedelta(minutes=400)).state_of("tham_dinh") == "late"


def test_progress_at_an_earlier_moment_ignores_what_came_after() -> None:
    tasks = [task("tiep_nhan", "completed", 0, 50, 60), task("tham_dinh", "open", 50, None, 290)]
    before = task_progress(tasks, T0 + timedelta(days=1), at=T0 + timedelta(minutes=30))
    assert before.state_of("tiep_nhan") == "current"
    assert before.state_of("tham_dinh") == "todo"
