"""The national portal's sync outbox: written with the event, in its transaction.

Every dossier is queued when it is created, and again after every command that
changes what the national index reads (status, appointment, processing end,
payment, result, lateness). Each document is the dossier as it stands after
that event, keyed ``<dossier code>:<event seq>``: the key is the idempotency
key the portal deduplicates on, and ``seq`` orders documents of one dossier.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from engine.definitions.organisation import Organisation
from engine.runtime.dossier import Channel, DossierStatus, iso_utc
from engine.store.direct import DirectStatement, WriteBatch
from engine.store.models import ComponentRow, DossierRow
from engine.store.models_digitisation import PortalSyncRow

__all__ = ["SCHEMA", "NATIONAL_STATUS", "PortalSync", "sync_document", "idempotency_key"]

SCHEMA = "motcua.portal-sync/1"
_INSERT_SYNC = DirectStatement.insert(
    cast(Table, PortalSyncRow.__table__),
    (
        "created_at", "dossier_id", "dossier_code", "event_seq", "idempotency_key",
        "document", "status", "attempts", "next_attempt_at",
    ),
)  # fmt: skip
_COMPONENTS = (
    select(
        ComponentRow.code,
        ComponentRow.sha256,
        ComponentRow.reused_from,
        ComponentRow.digitized_code,
    )
    .where(ComponentRow.dossier_id == bindparam("dossier_id"))
    .order_by(ComponentRow.id)
)
# How the national index names a dossier's state (DOMAIN.md, terminal statuses).
NATIONAL_STATUS = {
    DossierStatus.RECEIVED: "Đã tiếp nhận",
    DossierStatus.PROCESSING: "Đang xử lý",
    DossierStatus.WAITING_SUPPLEMENT: "Yêu cầu bổ sung hồ sơ",
    DossierStatus.WAITING_APPLICANT: "Chờ thực hiện nghĩa vụ",
    DossierStatus.LATE: "Đang xử lý (quá hạn)",
    DossierStatus.RESULT_READY: "Đã xử lý xong",
    DossierStatus.RETURNED: "Đã trả kết quả",
    DossierStatus.REFUSED: "Từ chối",
    DossierStatus.STOPPED: "Dừng xử lý",
    DossierStatus.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
}


def idempotency_key(dossier_code: str, seq: int) -> str:
    return f"{dossier_code}:{seq}"


class PortalSync:
    """Queues documents for the portal; ``file_link`` turns a paper's public id into a URL."""

    def __init__(self, organisation: Organisation, file_link: Callable[[str], str]):
        self._organisation = organisation
        self._file_link = file_link

    def fingerprint(self, row: DossierRow) -> tuple[Any, ...]:
        """What the portal reads of a dossier row; a change means a new document."""
        return (
            row.status,
            row.due_at,
            row.finished_at,
            row.closed_at,
            row.overdue,
            row.supplement_count,
            row.payment_method,
            row.paid_at,
            row.result_code,
            row.electronic_result,
        )

    def queue(
        self,
        session: Session,
        row: DossierRow,
        seq: int,
        before: tuple[Any, ...] | None,
        now: datetime,
        batch: WriteBatch | None = None,
    ) -> None:
        """Queue the dossier as it is now, unless nothing the portal reads has changed;
        with the command's ``batch``, the row is sent with its other writes."""
        if before is not None and before == self.fingerprint(row):
            return
        document = sync_document(session, row, seq, self._organisation, self._file_link)
        values = {
            "created_at": now,
            "dossier_id": row.id,
            "dossier_code": row.code,
            "event_seq": seq,
            "idempotency_key": idempotency_key(row.code, seq),
            "document": document,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
        }
        if batch is None:
            _INSERT_SYNC.execute(session.connection(), values)
        else:
            batch.add(_INSERT_SYNC, [values])


def sync_document(
    session: Session,
    row: DossierRow,
    seq: int,
    organisation: Organisation,
    file_link: Callable[[str], str],
) -> dict[str, Any]:
    """The fields the national index reads, as of event ``seq``."""
    status = DossierStatus(row.status)
    agency = organisation.units.get(row.agency_id)
    outcome = row.outcome or {}
    return {
        "schema": SCHEMA,
        "dossier_code": row.code,
        "seq": seq,
        "procedure_code": row.procedure_code,
        "agency": {"id": row.agency_id, "code": agency.electronic_id if agency else None},
        "applicant": {
            "id_number": row.applicant_id_number,
            "name": row.applicant_name,
            "organisation": bool((row.applicant or {}).get("organisation")),
        },
        "channel": row.channel,
        "channel_label": Channel(row.channel).label,
        "status": status.value,
        "status_label": status.label,
        "national_status": NATIONAL_STATUS[status],
        "received_at": iso_utc(row.received_at),
        "appointment_at": iso_utc(row.due_at),
        "original_appointment_at": iso_utc(row.original_due_at),
        "processing_end_at": iso_utc(row.finished_at),
        "closed_at": iso_utc(row.closed_at),
        "overdue": row.overdue,
        "supplement_count": row.supplement_count,
        "fee": _fee(row),
        "result": _result(outcome, file_link),
        "returned": _returned(outcome),
        "components": _components(session, row.id),
    }


def _fee(row: DossierRow) -> dict[str, Any]:
    return {
        "due": row.fee_due,
        "paid": row.paid_at is not None,
        "method": row.payment_method,
        "online": row.payment_method == "online",
        "paid_at": iso_utc(row.paid_at),
        "reference": row.payment_reference,
    }


def _result(outcome: dict[str, Any], file_link: Callable[[str], str]) -> dict[str, Any] | None:
    result = outcome.get("result")
    if not result:
        return None
    paper = result.get("paper_id")
    return {
        "code": result.get("code"),
        "number": result.get("number"),
        "electronic": bool(result.get("sha256")),
        "sha256": result.get("sha256"),
        "file_link": file_link(paper) if paper else None,
    }


def _returned(outcome: dict[str, Any]) -> dict[str, Any] | None:
    """How the result went back; the postal address stays here (the portal needs no more)."""
    returned = outcome.get("returned")
    if not returned:
        return None
    return {"method": returned.get("method"), "tracking_number": returned.get("tracking_number")}


def _components(session: Session, dossier_id: int) -> dict[str, Any]:
    rows = list(session.execute(_COMPONENTS, {"dossier_id": dossier_id}))  # autoflushes
    digitised = [r for r in rows if r.sha256]
    reused = [r for r in rows if r.reused_from]
    return {
        "total": len(rows),
        "digitised": len(digitised),
        "reused": len(reused),
        "digitised_codes": [r.digitized_code or r.code for r in digitised],
        "reused_codes": [r.reused_from for r in reused],
    }
