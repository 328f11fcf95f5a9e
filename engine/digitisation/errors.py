"""Errors of digitisation, reuse and payment; each is a runtime DomainError kind,
so the API maps it to an HTTP status with the others (api/problems.py)."""

from __future__ import annotations

from engine.runtime.errors import (
    Conflict,
    DomainError,
    InvalidCommand,
    InvalidTransition,
    NotAuthorised,
    NotFound,
    Unavailable,
)

__all__ = [
    "ApplicantNotFound",
    "PaperNotFound",
    "PaperAccessDenied",
    "PaperNotReusable",
    "ScansMissing",
    "ResultAlreadyAttached",
    "PaymentNotFound",
    "PaymentUnavailable",
    "GatewayUnreachable",
    "AlreadyPaid",
    "NoticeRejected",
]


class ApplicantNotFound(NotFound):
    code = "applicant_not_found"


class PaperNotFound(NotFound):
    code = "paper_not_found"


class PaperAccessDenied(NotAuthorised):
    """Stored papers are personal data: only officers handling the applicant's dossier,
    auditors, and the applicant may see them."""

    code = "paper_access_denied"


class PaperNotReusable(InvalidCommand):
    """The paper taken for a component is another person's, of another type, or not valid."""

    code = "paper_not_reusable"


class ScansMissing(InvalidCommand):
    """Components that must be digitised have no file yet; they are listed in ``to_scan``."""

    code = "scans_missing"


class ResultAlreadyAttached(InvalidTransition):
    code = "result_already_attached"


class PaymentNotFound(NotFound):
    code = "payment_not_found"


class PaymentUnavailable(DomainError):
    """No payment gateway is configured, or the procedure has no fee."""

    code = "payment_unavailable"


class GatewayUnreachable(PaymentUnavailable, Unavailable):
    """The payment gateway did not answer: the order is marked failed; try again later."""

    code = "gateway_unreachable"


class AlreadyPaid(Conflict):
    code = "already_paid"


class NoticeRejected(DomainError):
    """A gateway notice failed verification (signature, age, amount, unknown order)."""

    code = "notice_rejected"
