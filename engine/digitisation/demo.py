"""Demo data for digitisation: applicants with papers in their data store, and sample scans.

``seed_demo_applicants`` puts a few people and one organisation into the data
store with papers that the sample procedures can reuse (ID cards, a birth and a
marriage certificate, a certificate of marital status, land-use certificates,
a land allocation decision). Their files are small PDFs made here; every paper
is marked as demo data (source ``demo``). Running it again changes nothing.

``sample_components`` gives a procedure's required papers with a sample scan for
each one that must be digitised, so demo dossiers can be handed over.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from engine.runtime.commands import Actor
from engine.runtime.dossier import Applicant
from engine.runtime.reception import SubmittedComponent

from .access import Grounds
from .papers import PaperDetails, ensure_applicant, store_paper

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

__all__ = [
    "DemoPaper",
    "DemoApplicant",
    "DEMO_APPLICANTS",
    "seed_demo_applicants",
    "sample_components",
    "sample_pdf",
]

DEMO_ISSUER = "UBND xã Phước Lộc (dữ liệu mẫu)"


@dataclass(frozen=True)
class DemoPaper:
    paper_type: str
    number: str
    issuer: str
    issued_days_ago: int
    valid_years: int | None = None  # None: no end date (or the catalogue's validity)
    summary: str | None = None


@dataclass(frozen=True)
class DemoApplicant:
    applicant: Applicant
    papers: tuple[DemoPaper, ...]


_POLICE = "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
_LAND = "Sở Nông nghiệp và Môi trường tỉnh An Hòa"

DEMO_APPLICANTS: tuple[DemoApplicant, ...] = (
    DemoApplicant(
        Applicant(
            "Trần Thị Bích Ngọc",
            "079190012345",
            "Thôn Phú Hòa, xã Phước Lộc",
            "0905111222",
            "ngoc.tran@example.vn",
        ),
        (
            DemoPaper("CCCD", "079190012345", _POLICE, 900, valid_years=15),
            DemoPaper("GKS", "112/1990", DEMO_ISSUER, 13000),
            DemoPaper(
                "XNTTHN", "45/2026/XNTTHN", DEMO_ISSUER, 20, summary="Hiện tại chưa đăng ký kết hôn"
            ),
        ),
    ),
    DemoApplicant(
        Applicant("Lê Văn Hùng", "052088004567", "Thôn An Lợi, xã Phước Lộc", "0914333444"),
        (
            DemoPaper("CCCD", "052088004567", _POLICE, 1500, valid_years=15),
            DemoPaper("GCNKH", "27/2015", DEMO_ISSUER, 4000),
            DemoPaper(
                "GCNQSDD",
                "DA 123456",
                _LAND,
                2500,
                summary="Thửa đất số 215, tờ bản đồ số 12, diện tích 180 m²",
            ),
        ),
    ),
    DemoApplicant(
        Applicant(
            "Công ty TNHH Nông sản An Hòa",
            "4101234567",
            "Cụm công nghiệp Phước An, huyện Phước An",
            "02563888999",
            organisation=True,
        ),
        (
            DemoPaper(
                "QDGD",
                "1520/QĐ-UBND",
                "UBND tỉnh An Hòa",
                3000,
                summary="Giao đất có thu tiền sử dụng đất, 1,2 ha",
            ),
            DemoPaper("GTTS", "HĐXD 08/2019", "Công ty TNHH Nông sản An Hòa", 2000),
        ),
    ),
)


def seed_demo_applicants(engine: Engine) -> list[DemoApplicant]:
    """Store the demo applicants and their papers (idempotent); returns what was seeded."""
    engine.in_transaction(lambda session: _seed(session, engine))
    return list(DEMO_APPLICANTS)


def _seed(session: Session, engine: Engine) -> None:
    actor = Actor(username="system", full_name="Dữ liệu mẫu")
    grounds = Grounds.system("Dữ liệu mẫu")
    now = engine.clock.now()
    today = now.astimezone(engine.tz).date()
    for demo in DEMO_APPLICANTS:
        row = ensure_applicant(session, demo.applicant, actor, now)
        assert row is not None, "demo applicants have valid identifiers"
        for paper in demo.papers:
            name = _type_name(engine, paper.paper_type)
            content = sample_pdf([name, f"So: {paper.number}", f"Ma: {row.identifier}"])
            stored = engine.files.put_bytes(
                content, f"{paper.paper_type}-{row.identifier}.pdf", "application/pdf"
            )
            issued = today - timedelta(days=paper.issued_days_ago)
            store_paper(
                session,
                row,
                paper.paper_type,
                stored,
                source="demo",
                actor=actor,
                grounds=grounds,
                now=now,
                tz=engine.tz,
                catalogue=engine.paper_types,
                details=PaperDetails(
                    summary=paper.summary,
                    number=paper.number,
                    issuer=paper.issuer,
                    issued_on=issued,
                    valid_until=_years_after(issued, paper.valid_years),
                ),
                certified_by="system",
            )


def _type_name(engine: Engine, code: str) -> str:
    return engine.paper_types.name_of(code) if engine.paper_types is not None else code


def _years_after(day: date, years: int | None) -> date | None:
    if years is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def sample_components(engine: Engine, procedure_code: str) -> tuple[SubmittedComponent, ...]:
    """The procedure's required papers; those to digitise come with a sample scan."""
    deployed = engine.repository.latest(procedure_code)
    procedure = engine.repository.definition(deployed).procedure
    papers = []
    for component in procedure.components:
        if not component.required:
            continue
        if not component.digitize:
            papers.append(SubmittedComponent(component.code))
            continue
        content = sample_pdf([component.name, f"Thu tuc {procedure.code}", "Ban quet mau"])
        stored = engine.files.put_bytes(content, f"{component.code}.pdf", "application/pdf")
        papers.append(
            SubmittedComponent(component.code, file_key=stored.key, file_name=stored.name)
        )
    return tuple(papers)


def sample_pdf(lines: list[str]) -> bytes:
    """A small valid one-page PDF showing ``lines`` (Helvetica: letters without diacritics)."""
    text = b" T* ".join(b"(" + _pdf_text(line) + b") Tj" for line in lines)
    stream = b"BT /F1 14 Tf 16 TL 72 760 Td " + text + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def _pdf_text(line: str) -> bytes:
    plain = unicodedata.normalize("NFD", line.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in plain if not unicodedata.combining(c))
    escaped = ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("ascii", "replace")
