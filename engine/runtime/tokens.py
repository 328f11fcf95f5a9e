"""API tokens for integrations (the provincial portal, the post office, a payment gateway).

A token is shown once when created; only its SHA-256 is stored. It acts as
the user it belongs to, until it expires or is revoked.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.models import ApiTokenRow, UserRow

from .errors import InvalidCommand, NotFound
from .users import User

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["TOKEN_PREFIX", "IssuedToken", "TokenInfo", "TokenService"]

TOKEN_PREFIX = "mc_"


@dataclass(frozen=True)
class IssuedToken:
    id: int
    name: str
    secret: str  # shown once
    expires_at: datetime | None


@dataclass(frozen=True)
class TokenInfo:
    id: int
    username: str
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenService:
    def __init__(self, engine: Engine):
        self._engine = engine

    def create(self, username: str, name: str, days: int | None = 365) -> IssuedToken:
        if not name.strip():
            raise InvalidCommand("Phải đặt tên cho mã truy cập.", field="name")
        if days is not None and days <= 0:
            raise InvalidCommand("Số ngày hiệu lực phải lớn hơn 0.", field="days")
        user = self._engine.users.get(username)
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self._engine.clock.now()
        expires = now + timedelta(days=days) if days is not None else None
        row = ApiTokenRow(
            user_id=user.id,
            name=name.strip(),
            token_hash=_digest(secret),
            prefix=secret[:10],
            created_at=now,
            expires_at=expires,
        )

        def work(session: Session) -> int:
            session.add(row)
            session.flush()
            return row.id

        token_id = self._engine.in_transaction(work)
        return IssuedToken(token_id, row.name, secret, expires)

    def authenticate(self, secret: str) -> User | None:
        """The active user a token acts as, or None (unknown, expired, revoked, inactive)."""
        if not secret.startswith(TOKEN_PREFIX):
            return None
        now = self._engine.clock.now()

        def work(session: Session) -> User | None:
            found = session.execute(
                select(ApiTokenRow, UserRow)
                .join(UserRow, UserRow.id == ApiTokenRow.user_id)
                .where(ApiTokenRow.token_hash == _digest(secret))
            ).first()
            if found is None:
                return None
            token, user = found
            if token.revoked_at is not None or not user.active:
                return None
            if token.expires_at is not None and token.expires_at <= now:
                return None
            token.last_used_at = now
            return User.of(user)

        return self._engine.in_transaction(work)

    def revoke(self, token_id: int) -> None:
        def work(session: Session) -> None:
            token = session.get(ApiTokenRow, token_id)
            if token is None:
                raise NotFound(f"Không có mã truy cập số {token_id}.")
            token.revoked_at = token.revoked_at or self._engine.clock.now()

        self._engine.in_transaction(work)

    def list(self) -> list[TokenInfo]:
        query = (
            select(ApiTokenRow, UserRow.username)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .order_by(ApiTokenRow.id)
        )
        with self._engine.database.read() as session:
            return [
                TokenInfo(
                    t.id,
                    username,
                    t.name,
                    t.prefix,
                    t.created_at,
                    t.expires_at,
                    t.revoked_at,
                    t.last_used_at,
                )
                for t, username in session.execute(query)
            ]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
