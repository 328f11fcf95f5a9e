"""Realistic contexts for every form: a birth registration at the commune of Phước Lộc."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from docx.document import Document as DocxDocument

from forms.documents import (
    Agency,
    ApologyContext,
    Applicant,
    BookEntry,
    Channel,
    Component,
    ControlSheetContext,
    Dossier,
    HandOver,
    MissingItem,
    Officer,
    ReceiptContext,
    RefusalContext,
    RegisterEntry,
    ResultContext,
    Signer,
    StopNoticeContext,
    SupplementRequestContext,
    Timeliness,
    TrackingBookContext,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
LOOKUP_URL = "https://dichvucong.gialai.example/tra-cuu/000.00.14.H56-261124-0118"


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def utc_of(moment: datetime) -> datetime:
    """The same moment in UTC, as the store keeps it: the forms must show Vietnam time."""
    return moment.astimezone(UTC)


@pytest.fixture
def agency() -> Agency:
    return Agency(
        name="Trung tâm Phục vụ hành chính công xã Phước Lộc",
        superior_name="Ủy ban nhân dân xã Phước Lộc",
        place_name="Phước Lộc",
        electronic_id="000.00.14.H56",
        phone="0256 3833 123",
    )


@pytest.fixture
def applicant() -> Applicant:
    return Applicant(
        name="Nguyễn Thị Hồng Nhung",
        identity_number="052190001234",
        address="Thôn Hòa Mỹ, xã Phước Lộc, tỉnh Gia Lai",
        phone="0905 123 456",
        email="nhung.nth@example.vn",
    )


@pytest.fixture
def dossier() -> Dossier:
    return Dossier(
        code="000.00.14.H56-261124-0118",
        procedure_code="1.001193",
        procedure_name="Đăng ký khai sinh",
        received_at=utc_of(vn(2026, 11, 24, 8, 15)),
        appointment_at=utc_of(vn(2026, 11, 25, 16, 30)),
        time_limit_text="01 ngày làm việc",
        fee=50_000,
        channel=Channel.DESK,
        result_pickup="Trung tâm Phục vụ hành chính công xã Phước Lộc",
        lookup_url=LOOKUP_URL,
        components=(
            Component(name="Tờ khai đăng ký khai sinh", original=True, digitised=True),
            Component(name="Giấy chứng sinh", original=True, digitised=True),
            Component(name="Giấy chứng nhận kết hôn của cha, mẹ", original=False, copies=2),
        ),
        register_entry=RegisterEntry(volume="01/2026", sequence=118),
    )


@pytest.fixture
def receipt(agency: Agency, applicant: Applicant, dossier: Dossier) -> ReceiptContext:
    return ReceiptContext(
        agency=agency,
        applicant=applicant,
        dossier=dossier,
        receiving_officer=Officer(name="Trần Văn Bình", title="Công chức Văn phòng - Thống kê"),
        number="118/TN",
        issued_at=dossier.received_at,
    )


@pytest.fixture
def supplement_request(
    agency: Agency, applicant: Applicant, dossier: Dossier
) -> SupplementRequestContext:
    return SupplementRequestContext(
        agency=agency,
        applicant=applicant,
        dossier=dossier,
        missing=(
            MissingItem(
                name="Giấy chứng sinh (bản chính)",
                reason="Bản đã nộp là bản chụp, không có dấu của cơ sở y tế",
            ),
            MissingItem(
                name="Văn bản ủy quyền có chứng thực",
                reason="Người nộp không phải cha, mẹ của trẻ",
            ),
        ),
        requested_by=Officer(name="Lê Thị Thu Hà", title="Công chức Tư pháp - Hộ tịch"),
        number="07/YCBS",
        issued_at=vn(2026, 11, 24, 9, 40),
    )


@pytest.fixture
def refusal(agency: Agency, applicant: Applicant) -> RefusalContext:
    return RefusalContext(
        agency=agency,
        applicant=applicant,
        dossier=Dossier(
            procedure_code="1.001193",
            procedure_name="Đăng ký khai sinh",
            received_at=vn(2026, 11, 24, 10, 5),
        ),
        reason="Trẻ đã được đăng ký khai sinh tại Ủy ban nhân dân xã Ia Hrú ngày 02/10/2026",
        refused_by=Officer(name="Trần Văn Bình"),
        number="03/TC",
        issued_at=vn(2026, 11, 24, 10, 20),
    )


@pytest.fixture
def apology(agency: Agency, applicant: Applicant, dossier: Dossier) -> ApologyContext:
    at_fault = Agency(
        name="Phòng Tư pháp - Hộ tịch xã Phước Lộc",
        superior_name="Ủy ban nhân dân xã Phước Lộc",
        place_name="Phước Lộc",
        electronic_id="000.00.14.H56.01",
    )
    return ApologyContext(
        agency=agency,
        agency_at_fault=at_fault,
        applicant=applicant,
        dossier=dossier,
        reason="Cần xác minh thông tin khai sinh với Bệnh viện Đa khoa tỉnh Gia Lai",
        old_appointment_at=vn(2026, 11, 25, 16, 30),
        new_appointment_at=vn(2027, 2, 3, 8, 15),
        head=Signer(name="Phạm Đức Thắng", title="Phó Chủ tịch", authority="KT. Chủ tịch"),
        number="12/XL-UBND",
        issued_at=vn(2026, 11, 24, 15, 0),
    )


@pytest.fixture
def stop_notice(agency: Agency, applicant: Applicant, dossier: Dossier) -> StopNoticeContext:
    return StopNoticeContext(
        agency=agency,
        applicant=applicant,
        dossier=dossier,
        reason="Gia đình chuyển về đăng ký khai sinh tại nơi cư trú của người cha",
        requested_at=vn(2026, 11, 25, 9, 5),
        signer=Signer(name="Võ Thành Nam", title="Giám đốc"),
        number="02/TB-TTPVHCC",
        issued_at=vn(2026, 11, 25, 10, 0),
    )


@pytest.fixture
def control_sheet(agency: Agency, applicant: Applicant, dossier: Dossier) -> ControlSheetContext:
    return ControlSheetContext(
        agency=agency,
        applicant=applicant,
        dossier=dossier,
        rows=(
            HandOver(
                from_agency="Bộ phận Một cửa",
                from_person="Trần Văn Bình",
                to_agency="Công chức Tư pháp - Hộ tịch",
                to_person="Lê Thị Thu Hà",
                handed_at=utc_of(vn(2026, 11, 24, 8, 30)),
                due_at=vn(2026, 11, 24, 14, 0),
                done_at=vn(2026, 11, 24, 11, 5),
                result=Timeliness.EARLY,
            ),
            HandOver(
                from_agency="Công chức Tư pháp - Hộ tịch",
                from_person="Lê Thị Thu Hà",
                to_agency="Lãnh đạo Ủy ban nhân dân xã",
                to_person="Phạm Đức Thắng",
                handed_at=vn(2026, 11, 24, 11, 5),
                due_at=vn(2026, 11, 25, 9, 0),
                done_at=vn(2026, 11, 25, 9, 0),
                result=Timeliness.ON_TIME,
            ),
            HandOver(
                from_agency="Lãnh đạo Ủy ban nhân dân xã",
                from_person="Phạm Đức Thắng",
                to_agency="Bộ phận Một cửa",
                to_person="Trần Văn Bình",
                handed_at=vn(2026, 11, 25, 9, 0),
                due_at=vn(2026, 11, 25, 16, 30),
                done_at=vn(2027, 2, 3, 8, 15),
                result=Timeliness.LATE,
                note="Đã gửi văn bản xin lỗi",
            ),
        ),
    )


@pytest.fixture
def tracking_book(agency: Agency) -> TrackingBookContext:
    return TrackingBookContext(
        agency=agency,
        period_start=date(2026, 10, 21),
        period_end=date(2026, 11, 20),
        volume="01/2026",
        rows=(
            BookEntry(
                code="000.00.14.H56-261022-0101",
                applicant_name="Nguyễn Thị Hồng Nhung",
                applicant_contact="Thôn Hòa Mỹ, xã Phước Lộc; 0905 123 456",
                procedure_name="Đăng ký khai sinh",
                processing_unit="Công chức Tư pháp - Hộ tịch",
                received_at=vn(2026, 10, 22, 8, 15),
                appointment_at=vn(2026, 10, 23, 16, 30),
                finished_at=vn(2026, 10, 23, 10, 0),
                returned_at=vn(2026, 10, 23, 14, 45),
                status="Đã trả kết quả",
            ),
            BookEntry(
                code="000.00.14.H56-261105-0102",
                applicant_name="Đặng Quốc Huy",
                procedure_name="Đăng ký kết hôn",
                received_at=vn(2026, 11, 5, 14, 20),
                appointment_at=vn(2026, 11, 10, 16, 30),
                status="Đang giải quyết",
                note="Chờ xác minh",
            ),
        ),
    )


@pytest.fixture
def birth_certificate(agency: Agency, applicant: Applicant, dossier: Dossier) -> ResultContext:
    return ResultContext(
        agency=agency,
        applicant=applicant,
        dossier=dossier,
        signer=Signer(name="Phạm Đức Thắng", title="Phó Chủ tịch", authority="KT. Chủ tịch"),
        number="118/2026/KS",
        issued_at=vn(2026, 11, 25, 9, 0),
        data={
            "ho_ten": "Nguyễn Minh Khôi",
            "ngay_sinh": date(2026, 11, 2),
            "gioi_tinh": "Nam",
            "dan_toc": "Kinh",
            "quoc_tich": "Việt Nam",
            "noi_sinh": "Bệnh viện Đa khoa tỉnh Gia Lai",
            "que_quan": "xã Phước Lộc, tỉnh Gia Lai",
            "so_dinh_danh": "052226004321",
            "ho_ten_me": "Nguyễn Thị Hồng Nhung",
            "ho_ten_cha": "Nguyễn Văn Tài",
        },
    )


@dataclass(frozen=True)
class Opened:
    """A rendered document opened with python-docx, with its text in reading order."""

    document: DocxDocument

    @property
    def lines(self) -> list[str]:
        """Every paragraph's text: body paragraphs, then table cells row by row, in order."""
        return [p.text for p in _iter_paragraphs(self.document)]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def table_rows(self, header_first_cell: str) -> list[list[str]]:
        """Rows (cell texts) of the table whose first header cell reads ``header_first_cell``."""
        for table in self.document.tables:
            cells = [cell.text for cell in table.rows[0].cells]
            if cells and cells[0] == header_first_cell:
                return [[cell.text for cell in row.cells] for row in table.rows[1:]]
        raise AssertionError(f"no table with header {header_first_cell!r}")


def open_docx(content: bytes) -> Opened:
    return Opened(Document(io.BytesIO(content)))


def _iter_paragraphs(document: DocxDocument):  # type: ignore[no-untyped-def]
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    def walk(container):  # type: ignore[no-untyped-def]
        for item in container.iter_inner_content():
            if isinstance(item, Paragraph):
                yield item
            elif isinstance(item, Table):
                for row in item.rows:
                    seen = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        yield from walk(cell)

    yield from walk(document)
