"""Importing BPMN: our own export comes back unchanged, modeller drawings become procedures."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest
from lxml import etree

from engine.definitions.bpmn_compile import compile_procedure
from engine.definitions.bpmn_import import condition_decision, import_bpmn, normalise_id
from engine.definitions.bpmn_xml import BPMN, MOTCUA
from engine.definitions.loading import check_paths, load_yaml_procedure
from engine.definitions.model import (
    Component,
    Duration,
    InterAgency,
    Level,
    ParallelBlock,
    Procedure,
    Result,
    Step,
)
from engine.definitions.organisation import Organisation, load_organisation
from engine.definitions.problems import DefinitionError

from .bpmn_helpers import FIXTURES, UNITS, schema_errors

YAML = sorted((FIXTURES / "good").glob("*.yaml"))
DRAWN = FIXTURES / "bpmn" / "good"
NS = {"bpmn": BPMN, "motcua": MOTCUA}


def organisation() -> Organisation:
    return load_organisation(UNITS)


def procedure(name: str) -> Procedure:
    return load_yaml_procedure(FIXTURES / "good" / name, organisation()).procedure


def problems_of(xml: str, units: Organisation | None = None) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        import_bpmn(xml, "edited.bpmn", units)
    return [str(p) for p in caught.value.problems]


def position(xml: str, start_tag: str) -> str:
    """``line:column`` where a start tag (written out as in the file) begins."""
    (line_number,) = [i for i, line in enumerate(xml.splitlines(), 1) if start_tag in line]
    column = xml.splitlines()[line_number - 1].index(start_tag) + 1
    return f"{line_number}:{column}"


def edited(xml: str, change) -> str:  # type: ignore[no-untyped-def]
    root = etree.fromstring(xml.encode("utf-8"))
    change(root)
    return etree.tostring(root, encoding="unicode")


@pytest.mark.parametrize("with_units", [True, False], ids=["organisation", "no organisation"])
@pytest.mark.parametrize("fixture", YAML, ids=[p.stem for p in YAML])
def test_our_export_imports_back_to_the_same_procedure(fixture: Path, with_units: bool) -> None:
    units = organisation() if with_units else None
    original = load_yaml_procedure(fixture, organisation()).procedure
    exported = compile_procedure(original, units)
    imported = import_bpmn(exported.bpmn_xml, "exported.bpmn", units)
    assert imported.procedure == original
    assert imported.bpmn_xml == exported.bpmn_xml
    assert imported.tasks == exported.tasks
    assert imported.source_format == "bpmn"


def test_an_export_saved_again_by_a_modeller_imports_to_the_same_procedure() -> None:
    original = procedure("full_features.yaml")
    xml = compile_procedure(original).bpmn_xml
    saved = edited(xml, lambda root: root.set("exporter", "Camunda Modeler"))
    assert import_bpmn(saved, "saved.bpmn").procedure == original


def test_without_our_step_unit_the_lane_gives_it() -> None:
    original = procedure("khai_sinh.yaml")

    def drop_unit(root: etree._Element) -> None:
        (step,) = root.xpath("//bpmn:userTask[@id='tham_dinh']//motcua:step", namespaces=NS)
        del step.attrib["unit"]

    xml = edited(compile_procedure(original, organisation()).bpmn_xml, drop_unit)
    assert import_bpmn(xml, "edited.bpmn", organisation()).procedure == original


def test_a_task_moved_to_another_lane_is_reported() -> None:
    xml = compile_procedure(procedure("khai_sinh.yaml"), organisation()).bpmn_xml

    def move(root: etree._Element) -> None:
        (ref,) = root.xpath("//bpmn:flowNodeRef[text()='ky_duyet']", namespaces=NS)
        (lane,) = root.xpath("//bpmn:lane[@name='Bộ phận Một cửa']", namespaces=NS)
        lane.append(ref)

    changed = edited(xml, move)
    where = position(changed, '<bpmn:userTask id="ky_duyet"')
    assert problems_of(changed, organisation()) == [
        f"edited.bpmn:{where}: user task `ky_duyet` is drawn in the lane of unit `mot_cua` but "
        "is assigned to unit `lanh_dao`; move it to its lane or correct its unit"
    ]


def test_a_flow_redrawn_against_the_written_outcome_is_reported() -> None:
    xml = compile_procedure(procedure("khai_sinh.yaml")).bpmn_xml

    def redirect(root: etree._Element) -> None:
        (flow,) = root.xpath(
            "//bpmn:sequenceFlow[@id='Flow.ky_duyet.decision.return']", namespaces=NS
        )
        flow.set("targetRef", "tiep_nhan")

    changed = edited(xml, redirect)
    where = position(changed, '<motcua:outcome decision="return"')
    assert problems_of(changed) == [
        f"edited.bpmn:{where}: user task `ky_duyet`: motcua:outcome says `return` goes to "
        "`tham_dinh`, but the diagram sends it to `tiep_nhan`; make them agree"
    ]


def camunda_procedure() -> Procedure:
    """What tests/definitions/fixtures/bpmn/good/camunda_modeler.bpmn says, read by hand."""
    officer = "officer"

    def step(ident: str, name: str, unit: str, role: str, duration: Duration, **extra) -> Step:  # type: ignore[no-untyped-def]
        return Step(ident, name, unit, role, duration, **extra)

    return Procedure(
        code="1.000002",
        name="Xác nhận biến động đất đai (mẫu vẽ bằng Camunda Modeler)",
        level=Level.XA,
        field="Đất đai",
        agency="ubnd_xa",
        time_limit=Duration.days(10),
        fee=50000,
        components=(
            Component("DON", "Đơn đề nghị", digitize=True),
            Component("GCN", "Giấy chứng nhận đã cấp", original=True),
        ),
        result=Result("Giấy xác nhận biến động", electronic=True),
        legal_basis=("Luật Đất đai 2024", "Nghị định 118/2025/NĐ-CP"),
        description=(
            "Thủ tục mẫu vẽ trong Camunda Modeler 5: làn theo đơn vị, nhóm ứng viên, "
            "cổng song song, liên thông thuế."
        ),
        steps=(
            step("activity_tiepnhan", "Tiếp nhận hồ sơ", "mot_cua", officer, Duration.hours(4)),
            step(
                "activity_thamdinh",
                "Thẩm định hồ sơ",
                "dia_chinh",
                officer,
                Duration.days(2),
                form="phieu_tham_dinh",
                description="Kiểm tra tính hợp lệ của hồ sơ, kiểm tra thực địa nếu cần.",
                outcomes=MappingProxyType(
                    {"approve": "gateway_layykien", "supplement": "SUPPLEMENT", "refuse": "REFUSE"}
                ),
            ),
            ParallelBlock(
                "gateway_layykien",
                "Lấy ý kiến",
                (
                    step(
                        "activity_ykientuphap",
                        "Ý kiến tư pháp",
                        "tu_phap",
                        officer,
                        Duration.days(1),
                    ),
                    step(
                        "activity_ykiendiachinh",
                        "Ý kiến địa chính",
                        "dia_chinh",
                        "head",
                        Duration.days(1),
                    ),
                ),
            ),
            InterAgency(
                "subprocess_lienthongthue",
                "Liên thông thuế",
                "cuc_thue",
                Duration.days(2),
                (
                    step(
                        "activity_xacdinhthue",
                        "Xác định nghĩa vụ tài chính",
                        "thue_nghiep_vu",
                        officer,
                        Duration.days("1.5"),
                    ),
                    step(
                        "activity_thongbaothue",
                        "Thông báo thuế",
                        "thue_nghiep_vu",
                        "head",
                        Duration.days("0.5"),
                    ),
                ),
            ),
            step(
                "activity_kyduyet",
                "Ký duyệt",
                "lanh_dao",
                "leader",
                Duration.days(1),
                outcomes=MappingProxyType(
                    {"approve": "activity_traketqua", "return": "activity_thamdinh"}
                ),
            ),
            step("activity_traketqua", "Trả kết quả", "mot_cua", officer, Duration.zero()),
        ),
    )


def test_a_camunda_modeler_drawing_imports_as_the_procedure_it_shows() -> None:
    path = DRAWN / "camunda_modeler.bpmn"
    imported = import_bpmn(path.read_text(encoding="utf-8"), str(path), organisation())
    assert imported.procedure == camunda_procedure()
    assert imported.source_format == "bpmn"
    assert schema_errors(imported.bpmn_xml) == []


def test_a_drawing_reimported_from_its_compiled_form_is_stable() -> None:
    path = DRAWN / "camunda_modeler.bpmn"
    first = import_bpmn(path.read_text(encoding="utf-8"), str(path), organisation())
    again = import_bpmn(first.bpmn_xml, "again.bpmn", organisation())
    assert again.procedure == first.procedure
    assert again.bpmn_xml == first.bpmn_xml


def test_a_call_activity_and_a_block_sub_process_are_read_through() -> None:
    path = DRAWN / "call_activity.bpmn"
    imported = import_bpmn(path.read_text(encoding="utf-8"), str(path))
    steps = imported.procedure.steps
    assert [node.id for node in steps] == [
        "tiep_nhan",
        "tham_dinh",
        "subprocess_ykien",
        "ky_duyet",
        "tra_ket_qua",
    ]
    block = steps[2]
    assert isinstance(block, ParallelBlock)
    assert block.name == "Lấy ý kiến"
    assert [(b.id, b.unit, b.role) for b in block.branches] == [
        ("y_kien_tu_phap", "tu_phap", "head"),
        ("y_kien_cong_chuc", "tu_phap", "officer"),
    ]
    kept = steps[3]
    assert isinstance(kept, Step)
    assert dict(kept.outcomes) == {"approve": "tra_ket_qua", "return": "tham_dinh"}
    assert imported.procedure.time_limit == Duration.hours(8)


def test_a_lane_named_by_unit_id_gives_the_unit_without_an_organisation() -> None:
    path = DRAWN / "call_activity.bpmn"
    imported = import_bpmn(path.read_text(encoding="utf-8"), str(path))
    first = imported.procedure.steps[0]
    assert isinstance(first, Step)
    assert (first.unit, first.role) == ("mot_cua", "officer")


@pytest.mark.parametrize("path", sorted(DRAWN.glob("*.bpmn")), ids=lambda p: p.stem)
def test_motcua_check_accepts_the_good_drawings(path: Path) -> None:
    report = check_paths([path], UNITS)
    assert [str(p) for p in report.problems] == []


@pytest.mark.parametrize(
    ("condition", "decision"),
    [
        ("${decision == 'approve'}", "approve"),
        ('${decision == "return"}', "return"),
        ("${ decision eq 'refuse' }", "refuse"),
        ("#{decision == 'supplement'}", "supplement"),
        ("${'return' == decision}", "return"),
        ('=decision = "approve"', "approve"),
        ('decision == "approve"', "approve"),
        ("(decision == 'approve')", "approve"),
    ],
)
def test_simple_decision_tests_are_understood(condition: str, decision: str) -> None:
    assert condition_decision(condition) == decision


@pytest.mark.parametrize(
    "condition",
    [
        "${amount > 1000}",
        "${decision != 'refuse'}",
        "${approved}",
        "${decision == 'approve' && urgent}",
        "decision in ('approve', 'return')",
    ],
)
def test_other_conditions_are_not_guessed(condition: str) -> None:
    assert condition_decision(condition) is None


def test_modeller_ids_become_step_ids() -> None:
    assert normalise_id("Activity_0x1ABcd") == "activity_0x1abcd"
    assert normalise_id("tham-dinh.2") == "tham_dinh_2"


def test_a_camunda_8_drawing_with_zeebe_settings_and_feel_imports() -> None:
    path = DRAWN / "camunda8_zeebe.bpmn"
    imported = import_bpmn(path.read_text(encoding="utf-8"), str(path), organisation())
    summary = [
        (s.id, s.unit, s.role, s.duration, dict(s.outcomes), s.form)
        for s in imported.procedure.iter_steps()
    ]
    assert summary == [
        ("tiepnhan", "mot_cua", "officer", Duration.hours(1), {}, None),
        ("kiemtra", "tu_phap", "officer", Duration.hours(3), {}, None),
        (
            "kyduyet",
            "lanh_dao",
            "leader",
            Duration.hours(2),
            {"approve": "traketqua", "refuse": "REFUSE"},
            "phieu_ky_duyet",
        ),
        ("traketqua", "mot_cua", "officer", Duration.zero(), {}, None),
    ]


def test_a_parallel_block_that_ends_the_process_is_placed_last() -> None:
    path = DRAWN / "block_at_the_end.bpmn"
    imported = import_bpmn(path.read_text(encoding="utf-8"), str(path), organisation())
    steps = imported.procedure.steps
    assert [node.id for node in steps] == ["tiep_nhan", "tham_dinh", "xac_minh", "ky_va_tra"]
    checked, extra = steps[1], steps[2]
    assert isinstance(checked, Step) and isinstance(extra, Step)
    assert dict(checked.outcomes) == {"approve": "ky_va_tra", "return": "xac_minh"}
    assert dict(extra.outcomes) == {"approve": "tham_dinh"}
