"""Vietnamese texts of the notifications. Times are shown in the agency's time zone."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["TEMPLATES", "render"]

TEMPLATES: dict[str, tuple[str, str]] = {
    "dossier_received": (
        "Đã tiếp nhận hồ sơ {code}",
        "Hồ sơ {code} ({procedure}) đã được tiếp nhận lúc {received}. Ngày hẹn trả kết quả: {due}.",
    ),
    "handover": (
        "Hồ sơ {code} chuyển đến bước “{task}”",
        "Hồ sơ {code} ({procedure}) vừa được chuyển đến bước “{task}”; hạn xử lý {task_due}.",
    ),
    "supplement_requested": (
        "Yêu cầu bổ sung hồ sơ {code}",
        "Hồ sơ {code} ({procedure}) cần được bổ sung, hoàn thiện. Thời gian giải quyết tạm "
        "dừng cho đến khi cơ quan nhận đủ giấy tờ; chi tiết trong Phiếu yêu cầu bổ sung.",
    ),
    "result_ready": (
        "Hồ sơ {code} đã có kết quả",
        "Hồ sơ {code} ({procedure}) đã có kết quả. Mời ông/bà đến nhận kết quả theo giấy "
        "hẹn, hoặc nhận qua dịch vụ bưu chính nếu đã đăng ký.",
    ),
    "result_posted": (
        "Kết quả hồ sơ {code} đã gửi qua bưu chính",
        "Kết quả hồ sơ {code} ({procedure}) đã được gửi qua dịch vụ bưu chính công ích đến "
        "địa chỉ {address}; mã bưu gửi {tracking_number}.",
    ),
    "task_warning": (
        "Sắp đến hạn: {task} – hồ sơ {code}",
        "Bước “{task}” của hồ sơ {code} ({procedure}) sẽ đến hạn lúc {task_due}.",
    ),
    "task_overdue": (
        "Quá hạn: {task} – hồ sơ {code}",
        "Bước “{task}” của hồ sơ {code} ({procedure}) đã quá hạn từ {task_due}.",
    ),
    "task_escalated": (
        "Báo cáo lãnh đạo: bước quá hạn – hồ sơ {code}",
        "Bước “{task}” của hồ sơ {code} ({procedure}) quá hạn từ {task_due} mà chưa được xử lý.",
    ),
    "apology_requested": (
        "Cần lập văn bản xin lỗi – hồ sơ {code}",
        "Hồ sơ {code} ({procedure}) có nguy cơ trễ hẹn trả kết quả ({due}). Đề nghị lập Văn "
        "bản xin lỗi và đề nghị gia hạn thời gian giải quyết (Mẫu 04) trước {apology_due}.",
    ),
    "apology_sent": (
        "Xin lỗi và hẹn lại ngày trả kết quả hồ sơ {code}",
        "Cơ quan chân thành xin lỗi ông/bà vì hồ sơ {code} ({procedure}) chưa được giải quyết "
        "đúng hẹn. Lý do: {reason}. Ngày hẹn trả kết quả mới: {new_due}.",
    ),
    "daily_digest": (
        "Việc cần xử lý ngày {day}",
        "Ông/bà có {overdue} việc quá hạn và {due_today} việc đến hạn hôm nay "
        "({mine} việc đang xử lý, {queue} việc chờ nhận của đơn vị).",
    ),
    "dossier_overdue": (
        "Hồ sơ {code} đã quá hạn",
        "Hồ sơ {code} ({procedure}) đã quá hạn trả kết quả ({due}).",
    ),
}


def render(template: str, values: dict[str, Any], tz: ZoneInfo) -> tuple[str, str]:
    """Subject and body; ISO times become "08:15 ngày 03/02/2027" in ``tz``."""
    subject, body = TEMPLATES[template]
    shown = {key: _show(value, tz) for key, value in values.items()}
    return subject.format_map(_Missing(shown)), body.format_map(_Missing(shown))


def _show(value: Any, tz: ZoneInfo) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return moment.astimezone(tz).strftime("%H:%M ngày %d/%m/%Y")
    return str(value)


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "—"
