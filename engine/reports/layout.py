"""What a report table shows, column by column: shared by the XLSX and DOCX exports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .activity import Counts
from .index766 import Status
from .kpi import KpiResult

__all__ = [
    "Column",
    "COUNT_COLUMNS",
    "TITLE",
    "SECTIONS",
    "LATE_HEADINGS",
    "KPI_HEADINGS",
    "percent",
    "kpi_row",
]

TITLE = "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"


@dataclass(frozen=True)
class Column:
    group: str | None  # the heading over several columns, or None for a column on its own
    heading: str
    value: Callable[[Counts], float | None]
    is_percent: bool = False


_RECEIVED = "Số hồ sơ nhận giải quyết"
_RESOLVED = "Số hồ sơ đã giải quyết"
_ENDED = "Không tiếp tục giải quyết"
_PENDING = "Số hồ sơ đang giải quyết"

COUNT_COLUMNS: tuple[Column, ...] = (
    Column(_RECEIVED, "Tổng số", lambda c: c.total),
    Column(_RECEIVED, "Kỳ trước chuyển sang", lambda c: c.carried_over),
    Column(_RECEIVED, "Mới tiếp nhận", lambda c: c.received),
    Column(_RECEIVED, "Trực tiếp", lambda c: c.received_desk),
    Column(_RECEIVED, "Trực tuyến", lambda c: c.received_online),
    Column(_RECEIVED, "Bưu chính", lambda c: c.received_post),
    Column(_RECEIVED, "Ki-ốt", lambda c: c.received_kiosk),
    Column(_RESOLVED, "Tổng số", lambda c: c.resolved),
    Column(_RESOLVED, "Trước hạn", lambda c: c.resolved_early),
    Column(_RESOLVED, "Đúng hạn", lambda c: c.resolved_on_time),
    Column(_RESOLVED, "Quá hạn", lambda c: c.resolved_late),
    Column(_RESOLVED, "Tỷ lệ đúng hạn (%)", lambda c: c.on_time_rate, is_percent=True),
    Column(_ENDED, "Từ chối", lambda c: c.refused),
    Column(_ENDED, "Công dân rút", lambda c: c.withdrawn),
    Column(_ENDED, "Dừng xử lý", lambda c: c.stopped),
    Column(_PENDING, "Tổng số", lambda c: c.in_progress),
    Column(_PENDING, "Chưa đến hạn", lambda c: c.in_progress_not_due),
    Column(_PENDING, "Quá hạn", lambda c: c.in_progress_overdue),
    Column(None, "Yêu cầu bổ sung", lambda c: c.supplement_requests),
    Column(None, "Xin lỗi, gia hạn", lambda c: c.apologies),
)

# (attribute of DossierReport, heading, name of the first column)
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("by_level", "Tổng hợp theo cấp", "Cấp"),
    ("by_field", "Theo lĩnh vực", "Lĩnh vực"),
    ("by_unit", "Theo cơ quan giải quyết", "Cơ quan"),
    ("by_procedure", "Theo thủ tục hành chính", "Thủ tục hành chính"),
)

LATE_HEADINGS = (
    "STT",
    "Đơn vị",
    "Cán bộ, công chức",
    "Bước xử lý quá hạn",
    "Còn quá hạn cuối kỳ",
    "Hồ sơ bị trễ hạn",
    "Mã hồ sơ",
)

KPI_HEADINGS = ("STT", "Chỉ tiêu", "Mục tiêu", "Kết quả", "Số liệu", "Đánh giá", "Ghi chú")


def percent(value: float | None, digits: int = 2) -> str:
    """``66,67`` the Vietnamese way; empty when there is nothing to divide."""
    if value is None:
        return ""
    return f"{value:.{digits}f}".replace(".", ",")


def kpi_row(result: KpiResult) -> tuple[str, str, str, str, str, str]:
    """(label, target, value, figures, verdict, note) of one target."""
    sign = "≤" if result.at_most else "≥"
    value = result.value
    shown = percent(100 * value) + " %" if value is not None else ""
    figures = f"{result.ratio.numerator:g}/{result.ratio.denominator}" if result.ratio else ""
    if result.status is Status.COMPUTED:
        verdict = "Đạt" if result.met else "Chưa đạt"
    else:
        verdict = result.status.label
    return (
        result.label,
        f"{sign} {percent(100 * result.target, 0)} %",
        shown,
        figures,
        verdict,
        result.note,
    )
