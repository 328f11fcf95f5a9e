"""The hash chain over a dossier's events (SHA-256, canonical JSON)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["GENESIS", "canonical_json", "state_hash", "event_hash"]

GENESIS = "0" * 64


def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def state_hash(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


def event_hash(
    *,
    prev_hash: str,
    dossier_code: str,
    seq: int,
    occurred_at: str,
    actor: str,
    command: str,
    payload: dict[str, Any],
    state: str,
) -> str:
    body = {
        "prev": prev_hash,
        "dossier": dossier_code,
        "seq": seq,
        "at": occurred_at,
        "actor": actor,
        "command": command,
        "payload": payload,
        "state": state,
    }
    return hashlib.sha256(canonical_json(body)).hexdigest()
