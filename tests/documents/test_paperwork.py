"""Official forms filled from a dossier the engine ran: every field from the record."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import zxingcpp
from click.testing import CliRunner
from PIL import Image

from api.cli import cli
from engine.definitions.model import Duration
from engine.definitions.organisation import load_organisation
from engine.runtime.commands import RecordApology
from engine.runtime.engine import Engine
from engine.runtime.paperwork import (
    FormNotApplicable,
    lookup_url,
    place_name,
    render_dossier_document,
    render_tracking_book,
    time_limit_text,
)
from scheduler.sweep import sweep_once

from ..reports import conftest as reports
from ..reports.conftest import BIRTH, CITIZEN, Desk, Officers, vn
from ..runtime.conftest import FIXTURES
from .conftest import Opened, open_docx

pytestmark = pytest.mark.postgres

clock, engine, officers, desk = reports.clock, reports.engine, reports.officers, reports.desk
BASE = "https://dichvucong.example.vn"
FIRST = "000.31.36.H10-261207-0001"


def form(engine: Engine, code: str, number: str, **options: object) -> Opened:
    content, _ = render_dossier_document(
        engine,
        code,
        number,
        public_base_url=BASE,
        **options,  # type: ignore[arg-type]
    )
    return open_docx(content)


@pytest.fixture
def returned(engine: Engine, officers: Officers, desk: Desk) -> str:
    """Received Mon 07/12 08:00, a supplement asked 09:00 and brought Tue 08:00, returned 11:00."""
    code = desk.receive(vn(12, 7))
    desk.step(code, "tiep_nhan", vn(12, 7, 8, 30))
    desk.step(
        code,
        "tham_dinh",
        vn(12, 7, 9),
        "supplement",
        {"missing": ["Giấy chứng sinh", "Văn bản ủy quyền"], "reason": "Bản chụp, không rõ"},
    )
    desk.clock.set(vn(12, 8))
    engine.runtime.resume(code, officers.receiver)
    desk.step(code, "tham_dinh", vn(12, 8, 9))
    desk.step(code, "ky_duyet", vn(12, 8, 10))
    desk.return_result(code, vn(12, 8, 11))
    return code


def test_the_receipt_has_the_dossier_its_papers_and_the_first_appointment(
    engine: Engine, returned: str
) -> None:
    receipt = form(engine, returned, "01")
    lines = receipt.lines
    for expected in (
        "UBND XÃ A",
        "Số: 0001/TN",
        f"Mã hồ sơ: {FIRST}",
        "A, ngày 07 tháng 12 năm 2026",
        "UBND xã A tiếp nhận hồ sơ của: Nguyễn Thị Hồng Nhung",
        "Số định danh cá nhân/Mã số doanh nghiệp: 079190001234",
        "Địa chỉ: Thôn 3, xã Phước Lộc",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh (mã thủ tục 1.001193)",
        "Cách thức nộp hồ sơ: Trực tiếp",
        "3. Thời gian giải quyết hồ sơ theo quy định là: 01 ngày làm việc.",
        "4. Thời gian nhận hồ sơ: 08 giờ 00 phút, ngày 07/12/2026.",
        # the appointment given at reception, not the one the supplement moved
        "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 08/12/2026.",
        "6. Phí, lệ phí: Không thu phí, lệ phí.",
        "7. Đăng ký nhận kết quả tại: Bộ phận Một cửa.",
        "Trần Thị Thu",
    ):
        assert expected in lines
    assert receipt.table_rows("STT") == [
        ["1", "Tờ khai đăng ký khai sinh", "Bản sao", "01", "Đã số hóa"],
        ["2", "Giấy chứng sinh", "Bản sao", "01", "Đã số hóa"],
    ]


def test_the_receipts_qr_code_opens_the_public_lookup(engine: Engine, returned: str) -> None:
    document = form(engine, returned, "01").document
    (image,) = [p for p in document.part.package.iter_parts() if p.content_type == "image/png"]
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.blob)).convert("L"))
    assert [code.text for code in decoded] == [f"{BASE}/lookup?code={FIRST}"]


def test_the_supplement_request_lists_what_is_missing_and_who_asked(
    engine: Engine, returned: str
) -> None:
    request = form(engine, returned, "02")
    assert "Số: 0001/YCBS" in request.lines
    assert "A, ngày 07 tháng 12 năm 2026" in request.lines
    assert request.table_rows("STT") == [
        ["1", "Giấy chứng sinh", "Bản chụp, không rõ"],
        ["2", "Văn bản ủy quyền", "Bản chụp, không rõ"],
    ]
    assert "Lê Văn Bình" in request.lines
    with pytest.raises(FormNotApplicable, match="không có yêu cầu số 2"):
        form(engine, returned, "02", index=2)


def test_the_control_sheet_has_one_row_per_hand_over_to_the_applicant(
    engine: Engine, returned: str
) -> None:
    rows = form(engine, returned, "06").table_rows("TÊN CƠ QUAN")
    summary = [(r[0], r[2].strip(), r[3].strip(), r[4].split("\n")[0], r[5]) for r in rows]
    assert summary == [
        (
            "1. Giao: Tổ chức, cá nhân\n2. Nhận: Bộ phận Một cửa",
            "Nguyễn Thị Hồng Nhung",
            "Trần Thị Thu",
            "Đúng hạn",
            "Tiếp nhận hồ sơ",
        ),
        (
            "1. Giao: Bộ phận Một cửa\n2. Nhận: Tư pháp - Hộ tịch",
            "Trần Thị Thu",
            "Lê Văn Bình",
            "Đúng hạn",
            "Thẩm định hồ sơ",
        ),
        (
            "1. Giao: Tư pháp - Hộ tịch\n2. Nhận: Tổ chức, cá nhân",
            "Lê Văn Bình",
            "Nguyễn Thị Hồng Nhung",
            "",
            "Chờ bổ sung hồ sơ (Thẩm định hồ sơ)",
        ),
        (
            "1. Giao: Tổ chức, cá nhân\n2. Nhận: Tư pháp - Hộ tịch",
            "Nguyễn Thị Hồng Nhung",
            "Lê Văn Bình",
            "Đúng hạn",
            "Thẩm định hồ sơ",
        ),
        (
            "1. Giao: Tư pháp - Hộ tịch\n2. Nhận: Lãnh đạo UBND xã",
            "Lê Văn Bình",
            "Nguyễn Văn An",
            "Đúng hạn",
            "Ký duyệt",
        ),
        (
            "1. Giao: Lãnh đạo UBND xã\n2. Nhận: Bộ phận Một cửa",
            "Nguyễn Văn An",
            "Trần Thị Thu",
            "Đúng hạn",
            "Trả kết quả",
        ),
        (
            "1. Giao: Bộ phận Một cửa\n2. Nhận: Tổ chức, cá nhân",
            "Trần Thị Thu",
            "Nguyễn Thị Hồng Nhung",
            "Trước hạn",  # ready 08/12 10:00, the appointment moved to 09/12 16:00
            "Trả kết quả",
        ),
    ]


def test_forms_that_do_not_apply_say_why(engine: Engine, returned: str) -> None:
    for number, reason in (
        ("03", "không bị từ chối"),
        ("04", "chưa đến lúc lập văn bản xin lỗi"),
        ("05", "không dừng giải quyết"),
        ("07", "một khoảng thời gian"),
        ("result", "chưa cấu hình mẫu kết quả"),
    ):
        with pytest.raises(FormNotApplicable, match=reason):
            form(engine, returned, number)


def test_a_refusal_gives_its_reason_and_the_officer(engine: Engine, desk: Desk) -> None:
    code = desk.receive(vn(12, 7))
    desk.step(code, "tiep_nhan", vn(12, 7, 8, 30))
    desk.step(code, "tham_dinh", vn(12, 7, 9), "refuse", {"reason": "Không thuộc thẩm quyền"})
    refusal = form(engine, code, "03")
    assert "Số: 0001/TC" in refusal.lines
    assert any("Không thuộc thẩm quyền" in line for line in refusal.lines)
    assert "Lê Văn Bình" in refusal.lines


def test_a_refusal_at_reception_has_no_receipt(
    engine: Engine, officers: Officers, clock: object
) -> None:
    code = engine.runtime.refuse_at_reception(BIRTH, CITIZEN, officers.receiver, "Đã đăng ký")
    with pytest.raises(FormNotApplicable, match="Mẫu 03"):
        form(engine, code, "01")
    assert any("Đã đăng ký" in line for line in form(engine, code, "03").lines)


def test_the_apology_draft_then_the_recorded_letter(
    engine: Engine, officers: Officers, desk: Desk
) -> None:
    head = engine.users.create("truongtp", "Đỗ Thị Mai", "tu_phap", ["head"], title="Trưởng ban")
    code = desk.receive(vn(12, 7))
    desk.step(code, "tiep_nhan", vn(12, 7, 8, 30))
    # appraisal (4 h), signature (2 h) and hand-back (1 h) no longer fit before 08/12 17:00
    desk.clock.set(vn(12, 8, 9))
    sweep_once(engine)  # so the letter is asked for
    draft = form(engine, code, "04")
    assert "ĐỖ THỊ MAI" in draft.text.upper() and "TRƯỞNG BAN" in draft.text
    (task,) = [t for t in engine.runtime.get(code).open_tasks if t.kind == "apology"]
    engine.execute(
        code,
        RecordApology(task.key, head.id, "Chờ xác minh", vn(12, 11, 17).isoformat(), "12/XL"),
        head.actor,
    )
    letter = form(engine, code, "04")
    assert "Số: 12/XL" in letter.lines
    assert "Chờ xác minh" in letter.text
    assert "17 giờ 00 phút, ngày 11/12/2026" in letter.text  # the new appointment
    assert "17 giờ 00 phút, ngày 08/12/2026" in letter.text  # the one it replaces


def test_the_stop_notice_is_signed_by_the_agencys_leader(
    engine: Engine, officers: Officers, desk: Desk
) -> None:
    code = desk.receive(vn(12, 7))
    desk.clock.set(vn(12, 7, 10))
    engine.runtime.stop(code, officers.receiver, "Gia đình đề nghị dừng")
    notice = form(engine, code, "05")
    assert "Gia đình đề nghị dừng" in notice.text
    assert "NGUYỄN VĂN AN" in notice.text.upper() and "LÃNH ĐẠO" in notice.text


def test_the_tracking_book_lists_the_days_dossiers(engine: Engine, desk: Desk) -> None:
    first = desk.receive(vn(12, 7))
    desk.result_ready(first, vn(12, 7, 10))
    desk.return_result(first, vn(12, 7, 11))
    second = desk.receive(vn(12, 8))
    desk.receive(vn(12, 9))  # after the book's last day
    content, name = render_tracking_book(engine, vn(12, 7).date(), vn(12, 8).date())
    assert name == "so_theo_doi_20261207_20261208.docx"
    book = open_docx(content)
    assert "Từ ngày 07/12/2026 đến ngày 08/12/2026" in book.lines
    rows = book.table_rows("STT")
    assert [(row[0], row[1], row[-2]) for row in rows] == [
        ("1", first, "Đã trả kết quả"),
        ("2", second, "Đã tiếp nhận"),
    ]


def test_motcua_doc_writes_the_form_and_the_book(
    engine: Engine, returned: str, database_url: str, tmp_path: Path
) -> None:
    env = {
        "MOTCUA_DATABASE__URL": database_url,
        "MOTCUA_PATHS__UNITS": str(FIXTURES / "units.yaml"),
        "MOTCUA_WEB__PUBLIC_BASE_URL": BASE,
    }
    runner = CliRunner(env=env)
    target = tmp_path / "giay-hen.docx"
    result = runner.invoke(cli, ["doc", returned, "01", "-o", str(target)])
    assert (result.exit_code, result.output.strip()) == (0, str(target))
    assert f"Mã hồ sơ: {returned}" in open_docx(target.read_bytes()).lines
    book = tmp_path / "so.docx"
    args = ["doc", "book", "--from", "2026-12-07", "--to", "2026-12-08", "-o", str(book)]
    assert runner.invoke(cli, args).exit_code == 0
    refused = runner.invoke(cli, ["doc", returned, "03"])
    assert refused.exit_code == 1 and "không bị từ chối" in refused.output


def test_lookup_urls_and_places() -> None:
    assert lookup_url("https://dvc.vn/", "000.31.36.H10-261207-0001") == (
        "https://dvc.vn/lookup?code=000.31.36.H10-261207-0001"
    )
    organisation = load_organisation(Path("procedures/units.yaml"))
    assert place_name(organisation, "ubnd_xa") == "Phước Lộc"
    assert place_name(organisation, "mot_cua_xa") == "Phước Lộc"
    assert place_name(organisation, "so_nn_mt") == "An Hòa"


@pytest.mark.parametrize(
    ("limit", "text"),
    [
        (Duration.days(5), "05 ngày làm việc"),
        (Duration.days("0.5"), "0,5 ngày làm việc"),
        (Duration.hours(8), "08 giờ làm việc"),
        (Duration.days(20), "20 ngày làm việc"),
    ],
)
def test_time_limits_as_the_forms_write_them(limit: Duration, text: str) -> None:
    assert time_limit_text(limit) == text


BIRTH_DATA = {
    "ho_ten": "Nguyễn Minh Khôi",
    "ngay_sinh": "02/11/2026",
    "gioi_tinh": "Nam",
    "dan_toc": "Kinh",
    "quoc_tich": "Việt Nam",
    "noi_sinh": "Trạm Y tế xã Phước Lộc",
    "que_quan": "xã Phước Lộc",
    "so_dinh_danh": "079226004321",
    "ho_ten_me": "Nguyễn Thị Hồng Nhung",
    "ho_ten_cha": "Nguyễn Văn Tài",
}


def test_the_result_document_comes_from_the_procedures_template(
    engine: Engine, officers: Officers, desk: Desk, tmp_path: Path
) -> None:
    source = (FIXTURES / "good" / "khai_sinh.yaml").read_text(encoding="utf-8")
    with_template = source.replace(
        'result: {name: "Giấy khai sinh", electronic: true}',
        'result: {name: "Giấy khai sinh", electronic: true, template: giay_khai_sinh.docx}',
    )
    assert with_template != source
    (tmp_path / "khai_sinh.yaml").write_text(with_template, encoding="utf-8")
    engine.repository.deploy_paths([tmp_path / "khai_sinh.yaml"])
    desk.clock.set(vn(12, 7))
    code = engine.runtime.receive(
        BIRTH, CITIZEN, officers.receiver, components=reports.BIRTH_PAPERS, data=BIRTH_DATA
    ).dossier_code
    assert code is not None
    with pytest.raises(FormNotApplicable, match="chưa có kết quả"):
        form(engine, code, "result")
    desk.result_ready(code, vn(12, 7, 10))
    content, name = render_dossier_document(engine, code, "result", public_base_url=BASE)
    lines = open_docx(content).lines
    assert name == f"ket_qua_{code}.docx"
    assert "Họ, chữ đệm, tên: NGUYỄN MINH KHÔI" in lines
    assert "Số: 1/2026" in lines
    assert "Nguyễn Văn An" in lines  # the leader who approved it signs
