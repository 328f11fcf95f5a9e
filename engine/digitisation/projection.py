"""Columns of the dossier row that mirror its outcome, for reports and the portal.

The dossier's ``outcome`` (part of the replayed state) holds the payment and the
electronic result as the commands recorded them; these columns are written
from it with every save, so queries need no JSON and replay needs no columns.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

__all__ = ["PAYMENT", "RESULT", "dossier_columns"]

PAYMENT = "payment"  # outcome key: {method, amount, paid_at, reference, order_ref}
RESULT = "result"  # outcome key: {code, number, sha256, file_key, …}


def dossier_columns(fee: int, outcome: dict[str, Any]) -> dict[str, Any]:
    payment = outcome.get(PAYMENT) or {}
    result = outcome.get(RESULT) or {}
    paid_at = payment.get("paid_at")
    return {
        "fee_due": fee,
        "payment_method": payment.get("method"),
        "paid_at": datetime.fromisoformat(paid_at) if paid_at else None,
        "payment_reference": payment.get("reference"),
        "result_code": result.get("code"),
        "electronic_result": bool(result.get("sha256")),
    }
