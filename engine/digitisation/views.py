"""Read models of the data store: plain and immutable, and never holding a file's key.

A stored paper's content is reached only through ``DataStoreService.open_paper``,
which checks who asks and records it; the views therefore carry the public id
(random, for URLs) and the SHA-256 (to compare), not the storage key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO
from urllib.parse import quote

from engine.store.models_digitisation import ApplicantRow, PaperAccessRow, StoredPaperRow

__all__ = [
    "SOURCE_LABELS",
    "ApplicantView",
    "PaperView",
    "ComponentOffer",
    "ComponentToScan",
    "AccessEntry",
    "OpenedPaper",
    "OpenedComponent",
    "safe_headers",
]

SOURCE_LABELS = {
    "reception": "Số hóa khi tiếp nhận hồ sơ",
    "result": "Kết quả giải quyết thủ tục hành chính",
    "online": "Người nộp tải lên khi nộp trực tuyến",
    "demo": "Dữ liệu mẫu",
}


@dataclass(frozen=True)
class ApplicantView:
    identifier: str
    kind: str  # citizen | organisation
    name: str
    address: str | None
    phone: str | None
    email: str | None
    created_at: datetime

    @classmethod
    def of(cls, row: ApplicantRow) -> ApplicantView:
        return cls(
            row.identifier,
            row.kind,
            row.name,
            row.address,
            row.phone,
            row.email,
            row.created_at,
        )


@dataclass(frozen=True)
class PaperView:
    """Giấy tờ trong kho: what an officer sees about a stored paper."""

    public_id: str
    code: str  # <identifier>.<paper type>[.n]
    applicant: str  # the identifier
    paper_type: str
    name: str
    summary: str | None
    number: str | None
    issuer: str | None
    issued_on: date | None
    valid_from: date | None
    valid_until: date | None
    file_name: str
    media_type: str
    size: int
    sha256: str
    source: str  # reception | result | online | demo
    source_dossier: str | None
    digitised_by: str
    digitised_at: datetime
    certified_by: str | None
    certified_at: datetime | None
    status: str  # valid | revoked

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)

    def valid_on(self, day: date) -> bool:
        return (
            self.status == "valid"
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_until is None or day <= self.valid_until)
        )

    @classmethod
    def of(cls, row: StoredPaperRow, identifier: str) -> PaperView:
        return cls(
            public_id=row.public_id,
            code=row.code,
            applicant=identifier,
            paper_type=row.paper_type,
            name=row.name,
            summary=row.summary,
            number=row.number,
            issuer=row.issuer,
            issued_on=row.issued_on,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            file_name=row.file_name,
            media_type=row.media_type,
            size=row.size,
            sha256=row.sha256,
            source=row.source,
            source_dossier=row.source_dossier,
            digitised_by=row.digitised_by,
            digitised_at=row.digitised_at,
            certified_by=row.certified_by,
            certified_at=row.certified_at,
            status=row.status,
        )


@dataclass(frozen=True)
class ComponentOffer:
    """A component of the procedure and the applicant's valid papers that can stand for it."""

    component: str  # the component's code in the definition
    name: str
    paper_type: str
    required: bool
    papers: tuple[PaperView, ...]  # newest first


@dataclass(frozen=True)
class ComponentToScan:
    """A component handed in that must be digitised and has no file yet."""

    code: str
    name: str
    paper_type: str | None
    required: bool


@dataclass(frozen=True)
class AccessEntry:
    """One line of a person's access log: who looked at what, on what grounds."""

    seq: int
    at: datetime
    actor: str
    action: str
    paper_code: str | None
    grounds: str
    dossier_code: str | None
    procedure_code: str | None
    reason: str | None
    hash: str

    @classmethod
    def of(cls, row: PaperAccessRow) -> AccessEntry:
        return cls(
            row.seq,
            row.at,
            row.actor,
            row.action,
            row.paper_code,
            row.grounds,
            row.dossier_code,
            row.procedure_code,
            row.reason,
            row.hash,
        )


def safe_headers(file_name: str, media_type: str, size: int) -> dict[str, str]:
    """HTTP headers to serve a personal file: a download, never sniffed, never cached."""
    ascii_name = file_name.encode("ascii", "replace").decode().replace('"', "").replace("?", "_")
    return {
        "Content-Type": media_type,
        "Content-Length": str(size),
        "Content-Disposition": (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name, safe='')}"
        ),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store, private",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Referrer-Policy": "no-referrer",
    }


@dataclass(frozen=True)
class OpenedPaper:
    """A stored paper opened for one authorised reader; close the stream when done."""

    paper: PaperView
    stream: BinaryIO

    def headers(self) -> dict[str, str]:
        return safe_headers(self.paper.file_name, self.paper.media_type, self.paper.size)


@dataclass(frozen=True)
class OpenedComponent:
    """The file of a dossier's component, opened for one authorised reader."""

    dossier_code: str
    component: str
    file_name: str
    media_type: str
    size: int
    stream: BinaryIO

    def headers(self) -> dict[str, str]:
        return safe_headers(self.file_name, self.media_type, self.size)
