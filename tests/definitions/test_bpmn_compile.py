"""Compiling a procedure to BPMN: executable conventions, lanes, metadata, diagram, determinism."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from lxml import etree

from engine.definitions.bpmn_compile import CompileError, compile_procedure
from engine.definitions.executable import ExecutableDefinition, TaskKind
from engine.definitions.loading import load_yaml_procedure
from engine.definitions.model import Duration, Procedure, Step
from engine.definitions.organisation import Organisation, load_organisation

from .bpmn_helpers import (
    FIXTURES,
    NS,
    UNITS,
    bounds_of,
    diagram_problems,
    schema_errors,
    waypoints_of,
)

REPO = Path(__file__).resolve().parents[2]
REAL = sorted(
    p for p in (REPO / "procedures").glob("*.yaml") if p.stem not in ("units", "paper_types")
)
DEFINITIONS = sorted((FIXTURES / "good").glob("*.yaml")) + REAL


def organisation() -> Organisation:
    return load_organisation(UNITS)


def procedure(name: str) -> Procedure:
    return load_yaml_procedure(FIXTURES / "good" / name, organisation()).procedure


def compiled(name: str, with_units: bool = True) -> ExecutableDefinition:
    return compile_procedure(procedure(name), organisation() if with_units else None)


def tree(definition: ExecutableDefinition) -> etree._Element:
    return etree.fromstring(definition.bpmn_xml.encode("utf-8"))


def definition_for(path: Path) -> ExecutableDefinition:
    """A fixture or a real procedure of `procedures/`, with its own organisation file."""
    units = load_organisation(path.parent / "units.yaml" if path in REAL else UNITS)
    return compile_procedure(load_yaml_procedure(path, units).procedure, units)


@pytest.mark.parametrize("path", DEFINITIONS, ids=[p.stem for p in DEFINITIONS])
def test_compiled_definition_is_valid_bpmn_20(path: Path) -> None:
    assert schema_errors(definition_for(path).bpmn_xml) == []


def test_the_same_procedure_gives_the_same_bytes() -> None:
    first = compiled("full_features.yaml")
    again = compiled("full_features.yaml")
    assert first.bpmn_xml == again.bpmn_xml
    assert first.content_hash == again.content_hash


def test_an_equal_procedure_written_differently_gives_the_same_bytes() -> None:
    original = procedure("khai_sinh.yaml")
    step = original.steps[0]
    assert isinstance(step, Step)
    same_time = dataclasses.replace(step, duration=Duration.hours("1.00"))
    rewritten = dataclasses.replace(original, steps=(same_time, *original.steps[1:]))
    assert rewritten == original
    assert compile_procedure(rewritten).bpmn_xml == compile_procedure(original).bpmn_xml


def test_a_changed_duration_changes_the_content_hash() -> None:
    original = procedure("khai_sinh.yaml")
    step = original.steps[0]
    assert isinstance(step, Step)
    slower = dataclasses.replace(step, duration=Duration.hours(2))
    changed = dataclasses.replace(original, steps=(slower, *original.steps[1:]))
    assert compile_procedure(changed).content_hash != compile_procedure(original).content_hash


def test_every_user_task_is_listed_with_its_kind_group_and_block() -> None:
    tasks = compiled("full_features.yaml").tasks
    summary = {key: (t.kind, t.step.id, t.group, t.block) for key, t in tasks.items()}
    assert summary == {
        "tiep_nhan": (TaskKind.STEP, "tiep_nhan", None, None),
        "tham_dinh": (TaskKind.STEP, "tham_dinh", None, None),
        "tham_dinh.supplement": (TaskKind.SUPPLEMENT, "tham_dinh", None, None),
        "y_kien_tu_phap": (TaskKind.CONSULTATION, "y_kien_tu_phap", None, "lay_y_kien"),
        "y_kien_dia_chinh": (TaskKind.CONSULTATION, "y_kien_dia_chinh", None, "lay_y_kien"),
        "thue_xac_dinh": (TaskKind.STEP, "thue_xac_dinh", "lien_thong_thue", None),
        "thue_thong_bao": (TaskKind.STEP, "thue_thong_bao", "lien_thong_thue", None),
        "nop_thue": (TaskKind.WAIT, "nop_thue", None, None),
        "ky_duyet": (TaskKind.STEP, "ky_duyet", None, None),
        "tra_ket_qua": (TaskKind.STEP, "tra_ket_qua", None, None),
    }


def test_the_user_tasks_of_the_xml_are_exactly_the_task_table() -> None:
    definition = compiled("full_features.yaml")
    user_tasks = tree(definition).xpath("//bpmn:userTask/@id", namespaces=NS)
    assert sorted(user_tasks) == sorted(definition.tasks)


def test_decisions_are_python_conditions_on_the_decision_variable() -> None:
    root = tree(compiled("khai_sinh.yaml"))
    flows = root.xpath("//bpmn:sequenceFlow[@sourceRef='tham_dinh.decision']", namespaces=NS)
    routes = {
        flow.get("targetRef"): flow.findtext("bpmn:conditionExpression", namespaces=NS)
        for flow in flows
    }
    assert routes == {
        "ky_duyet": 'decision == "approve"',
        "tham_dinh.supplement": 'decision == "supplement"',
        "end_refused": 'decision == "refuse"',
    }


def test_the_supplement_wait_leads_back_to_the_step_that_asked() -> None:
    root = tree(compiled("khai_sinh.yaml"))
    (back,) = root.xpath("//bpmn:sequenceFlow[@sourceRef='tham_dinh.supplement']", namespaces=NS)
    assert back.get("targetRef") == "tham_dinh"
    assert back.find("bpmn:conditionExpression", namespaces=NS) is None


def test_a_step_without_outcomes_flows_straight_to_the_next() -> None:
    root = tree(compiled("khai_sinh.yaml"))
    (flow,) = root.xpath("//bpmn:sequenceFlow[@sourceRef='tiep_nhan']", namespaces=NS)
    assert flow.get("targetRef") == "tham_dinh"
    assert not root.xpath("//bpmn:exclusiveGateway[@id='tiep_nhan.decision']", namespaces=NS)


def test_a_parallel_block_is_a_sub_process_with_split_branches_and_join() -> None:
    root = tree(compiled("full_features.yaml"))
    (block,) = root.xpath("//bpmn:subProcess[@id='lay_y_kien']", namespaces=NS)
    assert block.get("name") == "Lấy ý kiến"
    inside = [etree.QName(e).localname + ":" + e.get("id") for e in block if e.get("id")]
    assert inside[:6] == [
        "startEvent:lay_y_kien.start",
        "parallelGateway:lay_y_kien.fork",
        "userTask:y_kien_tu_phap",
        "userTask:y_kien_dia_chinh",
        "parallelGateway:lay_y_kien.join",
        "endEvent:lay_y_kien.end",
    ]


def test_an_inter_agency_group_is_inline_and_framed_by_a_bpmn_group() -> None:
    root = tree(compiled("full_features.yaml"))
    process = root.find("bpmn:process", namespaces=NS)
    assert process.find("bpmn:userTask[@id='thue_xac_dinh']", namespaces=NS) is not None
    (group,) = root.xpath("//bpmn:group", namespaces=NS)
    assert group.get("id") == "lien_thong_thue"
    (value,) = root.xpath(
        f"//bpmn:categoryValue[@id='{group.get('categoryValueRef')}']", namespaces=NS
    )
    assert value.get("value") == "Liên thông thuế"


def test_one_lane_per_unit_named_after_the_unit_plus_the_applicant() -> None:
    root = tree(compiled("full_features.yaml"))
    lanes = {lane.get("name"): lane for lane in root.iterfind(".//bpmn:lane", NS)}
    assert list(lanes) == [
        "Tổ chức, cá nhân",
        "Bộ phận Một cửa",
        "Địa chính - Xây dựng",
        "Tư pháp - Hộ tịch",
        "Đội nghiệp vụ thuế",
        "Lãnh đạo UBND xã",
    ]
    refs = [ref.text for ref in lanes["Đội nghiệp vụ thuế"].iterfind("bpmn:flowNodeRef", NS)]
    assert refs == ["thue_xac_dinh", "thue_thong_bao"]


def test_without_an_organisation_lanes_are_named_by_unit_id() -> None:
    root = tree(compiled("khai_sinh.yaml", with_units=False))
    names = [lane.get("name") for lane in root.iterfind(".//bpmn:lane", NS)]
    assert names == ["Tổ chức, cá nhân", "mot_cua", "tu_phap", "lanh_dao"]


def test_every_user_task_sits_in_the_lane_of_its_unit() -> None:
    definition = compiled("full_features.yaml")
    root = tree(definition)
    lane_of = {
        ref.text: lane
        for lane in root.iterfind(".//bpmn:lane", NS)
        for ref in lane.iterfind("bpmn:flowNodeRef", NS)
    }
    for task in definition.tasks.values():
        if task.kind is TaskKind.SUPPLEMENT:
            assert lane_of[task.id].get("id") == "Lane_applicant"
        else:
            unit = lane_of[task.id].find("bpmn:extensionElements/motcua:lane", NS).get("unit")
            assert unit == task.step.unit


def test_procedure_metadata_is_kept_in_the_motcua_extension() -> None:
    root = tree(compiled("full_features.yaml"))
    (metadata,) = root.xpath(
        "//bpmn:process/bpmn:extensionElements/motcua:procedure", namespaces=NS
    )
    assert dict(metadata.attrib) == {
        "code": "1.000001",
        "level": "xa",
        "field": "Đất đai",
        "agency": "ubnd_xa",
        "fee": "100000",
    }
    assert dict(metadata.find("motcua:clock", NS).attrib) == {
        "on_supplement": "restart",
        "cutoff": "15:00",
    }
    assert metadata.findtext("motcua:legal_basis", namespaces=NS) == "Nghị định 118/2025/NĐ-CP"
    group = metadata.find("motcua:inter_agency", NS)
    assert dict(group.attrib) == {
        "id": "lien_thong_thue",
        "name": "Liên thông thuế",
        "agency": "cuc_thue",
    }
    assert dict(group.find("motcua:time_share", NS).attrib) == {"working_days": "2"}


def test_step_metadata_is_kept_on_each_task() -> None:
    root = tree(compiled("full_features.yaml"))
    (step,) = root.xpath("//bpmn:userTask[@id='ky_duyet']//motcua:step", namespaces=NS)
    assert dict(step.attrib) == {"unit": "lanh_dao", "role": "leader"}
    assert dict(step.find("motcua:duration", NS).attrib) == {"working_days": "1"}
    outcomes = [dict(o.attrib) for o in step.iterfind("motcua:outcome", NS)]
    assert outcomes == [
        {"decision": "approve", "target": "tra_ket_qua"},
        {"decision": "return", "target": "tham_dinh"},
    ]
    (wait,) = root.xpath("//bpmn:userTask[@id='nop_thue']//motcua:step", namespaces=NS)
    assert wait.get("wait") == "true"
    (grouped,) = root.xpath("//bpmn:userTask[@id='thue_xac_dinh']//motcua:step", namespaces=NS)
    assert grouped.get("group") == "lien_thong_thue"
    (branch,) = root.xpath("//bpmn:userTask[@id='y_kien_tu_phap']//motcua:step", namespaces=NS)
    assert branch.get("block") == "lay_y_kien"


# --- the diagram ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", DEFINITIONS, ids=[p.stem for p in DEFINITIONS])
def test_the_diagram_is_clean(path: Path) -> None:
    assert diagram_problems(definition_for(path)) == []


def test_shapes_of_a_block_sit_inside_its_sub_process_box() -> None:
    root = tree(compiled("full_features.yaml"))
    bounds = bounds_of(root)
    box = bounds["lay_y_kien"]
    for inner in ("lay_y_kien.start", "lay_y_kien.fork", "y_kien_tu_phap", "y_kien_dia_chinh"):
        x, y, w, h = bounds[inner]
        assert box[0] < x and x + w < box[0] + box[2] and box[1] < y and y + h < box[1] + box[3]


def test_every_shape_sits_inside_the_lane_that_lists_it() -> None:
    """A block's box may span the lanes of its branches; it is listed with its first branch."""
    root = tree(compiled("full_features.yaml"))
    bounds = bounds_of(root)
    boxes = set(root.xpath("//bpmn:subProcess/@id", namespaces=NS))
    for lane in root.iterfind(".//bpmn:lane", NS):
        area = bounds[lane.get("id")]
        lx, ly, lw, lh = area
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            x, y, w, h = bounds[ref.text]
            if ref.text in boxes:
                ax, ay, aw, ah = bounds[ref.text]
                assert ax < lx + lw and lx < ax + aw and ay < ly + lh and ly < ay + ah, ref.text
            else:
                assert lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh, ref.text


def test_a_return_loop_is_drawn_back_under_the_rows() -> None:
    root = tree(compiled("khai_sinh.yaml"))
    bounds = bounds_of(root)
    points = waypoints_of(root)["Flow.ky_duyet.decision.return"]
    source, target = bounds["ky_duyet.decision"], bounds["tham_dinh"]
    lowest = max(y for _x, y in points)
    assert lowest > source[1] + source[3]  # it dips below the gateway
    assert points[-1][0] == target[0]  # and comes back into the step from its left
    assert points[-1][0] < points[0][0]


def test_text_that_xml_cannot_carry_is_a_clear_compile_error() -> None:
    original = procedure("khai_sinh.yaml")
    broken = dataclasses.replace(original, name="Đăng ký\x01 khai sinh")
    with pytest.raises(CompileError) as caught:
        compile_procedure(broken)
    assert str(caught.value) == (
        "procedure `1.001193`: a name or text holds a control character, which XML cannot "
        "carry; remove it"
    )
