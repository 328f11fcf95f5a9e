"""What officers read for the engine's codes: commands, decisions, timers, channels, kinds."""

from __future__ import annotations

from typing import Any

from engine.definitions.model import Decision
from engine.runtime.dossier import Channel, DossierStatus
from engine.runtime.timeliness import Timeliness

__all__ = [
    "COMMAND_LABELS",
    "TIMER_LABELS",
    "RETURN_METHODS",
    "decision_label",
    "event_label",
    "status_label",
    "timeliness_label",
    "channel_label",
]

COMMAND_LABELS = {
    "receive": "Tiếp nhận hồ sơ",
    "refuse_at_reception": "Từ chối tiếp nhận hồ sơ",
    "claim": "Nhận xử lý",
    "unclaim": "Trả lại hàng chờ của đơn vị",
    "reassign": "Chuyển người xử lý",
    "complete": "Hoàn thành bước",
    "resume": "Tiếp nhận hồ sơ bổ sung",
    "return_result": "Trả kết quả",
    "withdraw": "Công dân rút hồ sơ",
    "stop": "Dừng giải quyết hồ sơ",
    "fire_timer": "Mốc thời hạn",
    "record_apology": "Lập văn bản xin lỗi và hẹn lại",
}
TIMER_LABELS = {
    "task_warning": "Cảnh báo bước sắp đến hạn",
    "task_overdue": "Bước xử lý quá hạn",
    "task_escalation": "Báo cáo lãnh đạo về bước quá hạn",
    "dossier_apology": "Yêu cầu lập văn bản xin lỗi (Mẫu 04)",
    "dossier_overdue": "Hồ sơ quá hạn",
}
RETURN_METHODS = {
    "desk": "Trực tiếp tại Bộ phận Một cửa",
    "post": "Qua dịch vụ bưu chính công ích",
    "online": "Bản điện tử trên Cổng Dịch vụ công",
}
_SHORT_DECISIONS = {
    Decision.APPROVE: "Đồng ý",
    Decision.RETURN: "Trả lại",
    Decision.SUPPLEMENT: "Yêu cầu bổ sung",
    Decision.REFUSE: "Từ chối",
}


def decision_label(decision: str | None, short: bool = False) -> str:
    """Đồng ý, chuyển bước tiếp (or just Đồng ý); an unknown code is shown as it is."""
    if decision is None:
        return ""
    try:
        known = Decision(decision)
    except ValueError:
        return decision
    return _SHORT_DECISIONS[known] if short else known.label


def event_label(command: str, payload: dict[str, Any]) -> str:
    """One line for a history event: the command and what was decided."""
    if command == "fire_timer":
        return TIMER_LABELS.get(str(payload.get("kind")), COMMAND_LABELS["fire_timer"])
    label = COMMAND_LABELS.get(command, command)
    if command == "complete" and payload.get("decision"):
        return f"{label}: {decision_label(str(payload['decision']), short=True)}"
    return label


def status_label(status: str) -> str:
    try:
        return DossierStatus(status).label
    except ValueError:
        return status


def timeliness_label(value: str) -> str:
    try:
        return Timeliness(value).label
    except ValueError:
        return value


def channel_label(value: str) -> str:
    try:
        return Channel(value).label
    except ValueError:
        return value
