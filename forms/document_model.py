"""The data an official document is made from: the contract between the runtime and the forms.

The runtime fills these from a dossier and its history; ``forms.documents.render``
turns one of the ``*Context`` classes into a DOCX. Everything here is plain data:
no database, no Flask. Times are timezone-aware datetimes (any zone: the forms
show them in Asia/Ho_Chi_Minh); money is whole đồng; text is what the officer or
citizen reads, in Vietnamese.

A field typed ``X | None`` may be left out on some forms and is required on
others (a refused dossier has no code nor appointment yet, a receipt needs
both): ``render`` checks what each form needs and names the missing field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

__all__ = [
    "Agency",
    "Applicant",
    "ApologyContext",
    "BookEntry",
    "Channel",
    "Component",
    "ControlSheetContext",
    "Dossier",
    "HandOver",
    "MissingItem",
    "Officer",
    "ReceiptContext",
    "RefusalContext",
    "RegisterEntry",
    "ResultContext",
    "Signer",
    "StopNoticeContext",
    "SupplementRequestContext",
    "Timeliness",
    "TrackingBookContext",
    "FormContext",
]


class Channel(StrEnum):
    """Cách thức nộp hồ sơ: how the dossier reached the agency; the value is what the form shows."""

    DESK = "Trực tiếp"
    ONLINE = "Trực tuyến"
    POST = "Qua dịch vụ bưu chính công ích"
    KIOSK = "Qua ki-ốt tự phục vụ"


class Timeliness(StrEnum):
    """Kết quả giải quyết of one step on the control sheet, as the sheet words it."""

    EARLY = "Trước hạn"
    ON_TIME = "Đúng hạn"
    LATE = "Quá hạn"


@dataclass(frozen=True, kw_only=True)
class Agency:
    """Cơ quan: the agency (or its one-stop desk) that issues the document.

    ``superior_name`` is the line above the agency's own name in the heading
    (tên cơ quan chủ quản), e.g. "Ủy ban nhân dân tỉnh Gia Lai" above
    "Trung tâm Phục vụ hành chính công"; ``place_name`` opens the date line
    ("Phước Lộc, ngày 24 tháng 11 năm 2026").
    """

    name: str
    place_name: str
    electronic_id: str  # mã định danh điện tử per QCVN 102:2016, e.g. "000.00.14.H56"
    superior_name: str | None = None
    phone: str | None = None


@dataclass(frozen=True, kw_only=True)
class Applicant:
    """Người nộp hồ sơ: the citizen or the organisation's representative."""

    name: str
    identity_number: str  # số định danh cá nhân / CCCD, or the organisation's tax code
    address: str
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, kw_only=True)
class Component:
    """Thành phần hồ sơ as received: one paper, original or copy, how many, digitised or not."""

    name: str
    original: bool  # bản chính (True) or bản sao (False)
    copies: int = 1
    digitised: bool = False


@dataclass(frozen=True, kw_only=True)
class RegisterEntry:
    """Where the dossier is written in the tracking book: Quyển số …, Số thứ tự …."""

    volume: str
    sequence: int


@dataclass(frozen=True, kw_only=True)
class Dossier:
    """Hồ sơ: what the forms say about the dossier itself.

    ``time_limit_text`` is the statutory limit as the procedure states it
    ("05 ngày làm việc"); ``fee`` is in đồng, 0 when the procedure is free;
    ``lookup_url`` is the public page for this dossier's code (the QR code on
    the receipt points there).
    """

    procedure_code: str
    procedure_name: str
    received_at: datetime
    code: str | None = None
    appointment_at: datetime | None = None
    time_limit_text: str | None = None
    fee: int | None = None
    channel: Channel = Channel.DESK
    result_pickup: str | None = None  # nơi đăng ký nhận kết quả
    lookup_url: str | None = None
    sets: int = 1  # số lượng hồ sơ (bộ)
    components: tuple[Component, ...] = ()
    register_entry: RegisterEntry | None = None


@dataclass(frozen=True, kw_only=True)
class Officer:
    """Công chức: an officer who signs with their name (receiving officer, guide)."""

    name: str
    title: str | None = None


@dataclass(frozen=True, kw_only=True)
class Signer:
    """Người ký thay mặt cơ quan: the head (or deputy) who signs and stamps.

    ``authority`` is the line above the title when someone signs for the head
    (Decree 30/2020: "KT. CHỦ TỊCH" above "PHÓ CHỦ TỊCH"); leave it out when
    the head signs.
    """

    name: str
    title: str
    authority: str | None = None


@dataclass(frozen=True, kw_only=True)
class MissingItem:
    """One thing the applicant must supplement or correct, and why."""

    name: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class HandOver:
    """One row of the control sheet: who handed the dossier to whom, when, and how it went.

    ``due_at``/``done_at``/``result`` stay empty while the receiver still
    holds the dossier; ``result`` is decided by the history (the engine's
    rules for early, on time and late), the sheet only prints it.
    """

    from_agency: str
    from_person: str
    to_agency: str
    to_person: str
    handed_at: datetime
    due_at: datetime | None = None
    done_at: datetime | None = None
    result: Timeliness | None = None
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class BookEntry:
    """One dossier's line in the tracking book."""

    code: str
    applicant_name: str
    procedure_name: str
    received_at: datetime
    appointment_at: datetime | None = None
    applicant_contact: str | None = None  # địa chỉ, số điện thoại
    processing_unit: str | None = None  # cơ quan chủ trì giải quyết
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    status: str | None = None  # as the runtime words it: "Đã trả kết quả", "Quá hạn", …
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReceiptContext:
    """Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""

    agency: Agency
    applicant: Applicant
    dossier: Dossier
    receiving_officer: Officer
    number: str  # số của giấy, e.g. "0118/TN"
    issued_at: datetime


@dataclass(frozen=True, kw_only=True)
class SupplementRequestContext:
    """Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (at reception or during processing)."""

    agency: Agency
    applicant: Applicant
    dossier: Dossier
    missing: tuple[MissingItem, ...]
    requested_by: Officer  # người hướng dẫn: signs and answers the applicant's questions
    number: str
    issued_at: datetime


@dataclass(frozen=True, kw_only=True)
class RefusalContext:
    """Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ."""

    agency: Agency
    applicant: Applicant
    dossier: Dossier
    reason: str
    refused_by: Officer
    number: str
    issued_at: datetime


@dataclass(frozen=True, kw_only=True)
class ApologyContext:
    """Mẫu 04: apology with a new appointment, signed by the head of the agency at fault.

    ``agency`` received the dossier; ``agency_at_fault`` let it run late and
    issues the letter (the same agency unless an inter-agency partner is late).
    """

    agency: Agency
    applicant: Applicant
    dossier: Dossier
    reason: str
    old_appointment_at: datetime
    new_appointment_at: datetime
    head: Signer
    number: str
    issued_at: datetime
    agency_at_fault: Agency | None = None

    @property
    def issuer(self) -> Agency:
        return self.agency_at_fault or self.agency


@dataclass(frozen=True, kw_only=True)
class StopNoticeContext:
    """Mẫu 05 (Circular 03/2025 only): Thông báo dừng giải quyết hồ sơ (applicant asked)."""

    agency: Agency
    applicant: Applicant
    dossier: Dossier
    reason: str
    requested_at: datetime
    signer: Signer
    number: str
    issued_at: datetime


@dataclass(frozen=True, kw_only=True)
class ControlSheetContext:
    """Mẫu 06 (Mẫu 05 of 2018): Phiếu kiểm soát quá trình giải quyết hồ sơ."""

    agency: Agency
    applicant: Applicant
    dossier: Dossier
    rows: tuple[HandOver, ...]


@dataclass(frozen=True, kw_only=True)
class TrackingBookContext:
    """Mẫu 07 (Mẫu 06 of 2018): Sổ theo dõi hồ sơ for a period, one row per dossier."""

    agency: Agency
    period_start: date
    period_end: date
    rows: tuple[BookEntry, ...]
    volume: str | None = None  # quyển số


@dataclass(frozen=True, kw_only=True)
class ResultContext:
    """A procedure's result document (Giấy khai sinh, …) from its own template.

    ``data`` is the dossier's e-form data; the template reads it as
    ``{{ data.<key> }}``, so its keys are the procedure's form field names.
    """

    agency: Agency
    applicant: Applicant
    dossier: Dossier
    signer: Signer
    number: str
    issued_at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)


FormContext = (
    ReceiptContext
    | SupplementRequestContext
    | RefusalContext
    | ApologyContext
    | StopNoticeContext
    | ControlSheetContext
    | TrackingBookContext
)
