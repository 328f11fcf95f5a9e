"""Users (cán bộ): officers of a unit with roles, plus auditors and administrators."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.store.models import UserRow

from .commands import Actor
from .errors import InvalidCommand, UserNotFound

if TYPE_CHECKING:
    from .engine import Engine

__all__ = [
    "User",
    "UserService",
    "LoginResult",
    "SYSTEM_ROLES",
    "POSTAL_ROLE",
    "MAX_FAILED_LOGINS",
]

POSTAL_ROLE = "postal"
# Roles that are not tied to working steps of a unit.
SYSTEM_ROLES = {
    "auditor": "Thanh tra, kiểm tra",
    "admin": "Quản trị hệ thống",
    "designer": "Thiết kế quy trình",
    # Bưu chính công ích: receives dossiers on the agency's behalf, on the post channel only.
    POSTAL_ROLE: "Nhân viên bưu chính công ích",
}
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    locked_until: datetime | None  # set when the account is locked


@dataclass(frozen=True)
class User:
    id: int
    username: str
    full_name: str
    unit_id: str | None
    roles: frozenset[str]
    title: str | None
    email: str | None
    phone: str | None
    active: bool

    @classmethod
    def of(cls, row: UserRow) -> User:
        return cls(
            row.id,
            row.username,
            row.full_name,
            row.unit_id,
            frozenset(row.roles),
            row.title,
            row.email,
            row.phone,
            row.active,
        )

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.id, self.unit_id, self.roles, self.full_name)

    def has_role(self, role: str) -> bool:
        return role in self.roles


class UserService:
    def __init__(self, engine: Engine, hasher: PasswordHasher | None = None):
        self._engine = engine
        self._hasher = hasher or PasswordHasher()

    def create(
        self,
        username: str,
        full_name: str,
        unit_id: str | None,
        roles: Iterable[str],
        password: str | None = None,
        title: str | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> User:
        roles = sorted(set(roles))
        self._validate(username, full_name, unit_id, roles, password)
        row = UserRow(
            username=username,
            full_name=full_name.strip(),
            unit_id=unit_id,
            roles=roles,
            title=title,
            email=email,
            phone=phone,
            active=True,
            failed_logins=0,
            password_hash=self._hasher.hash(password) if password else None,
            created_at=self._engine.clock.now(),
        )
        try:
            return self._engine.in_transaction(lambda session: _add(session, row))
        except IntegrityError as error:
            raise InvalidCommand(f"Tên đăng nhập “{username}” đã có.", field="username") from error

    def _validate(
        self,
        username: str,
        full_name: str,
        unit_id: str | None,
        roles: list[str],
        password: str | None,
    ) -> None:
        organisation = self._engine.organisation
        if not _USERNAME.match(username):
            raise InvalidCommand(
                "Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, "
                "gạch ngang, gạch dưới (2–63 ký tự).",
                field="username",
            )
        if not full_name.strip():
            raise InvalidCommand("Phải có họ và tên.", field="full_name")
        if unit_id is not None and unit_id not in organisation.units:
            raise InvalidCommand(f"Không có đơn vị “{unit_id}”.", field="unit_id")
        known = set(organisation.roles) | set(SYSTEM_ROLES)
        unknown = [r for r in roles if r not in known]
        if unknown or not roles:
            raise InvalidCommand(
                f"Vai trò không hợp lệ: {', '.join(unknown) or '(trống)'}; "
                f"chọn trong: {', '.join(sorted(known))}.",
                field="roles",
            )
        work_roles = [r for r in roles if r in organisation.roles]
        if work_roles and unit_id is None:
            raise InvalidCommand("Cán bộ xử lý hồ sơ phải thuộc một đơn vị.", field="unit_id")
        if password is not None and len(password) < 8:
            raise InvalidCommand("Mật khẩu phải có ít nhất 8 ký tự.", field="password")

    def get(self, username: str) -> User:
        with self._engine.database.read() as session:
            row = session.scalar(select(UserRow).where(UserRow.username == username))
            if row is None:
                raise UserNotFound(f"Không có người dùng “{username}”.", username=username)
            return User.of(row)

    def by_id(self, user_id: int) -> User:
        with self._engine.database.read() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                raise UserNotFound(f"Không có người dùng số {user_id}.", user_id=user_id)
            return User.of(row)

    def list(self, unit_id: str | None = None) -> list[User]:
        query = select(UserRow).order_by(UserRow.unit_id, UserRow.username)
        if unit_id is not None:
            query = query.where(UserRow.unit_id == unit_id)
        with self._engine.database.read() as session:
            return [User.of(row) for row in session.scalars(query)]

    def login(self, username: str, password: str) -> LoginResult:
        """Check a password; after MAX_FAILED_LOGINS failures the account locks for a while."""
        now = self._engine.clock.now()

        def work(session: Session) -> LoginResult:
            row = session.scalar(
                select(UserRow).where(UserRow.username == username).with_for_update()
            )
            if row is None or not row.password_hash or not row.active:
                self._hasher.hash(password)  # the same time whether or not the user exists
                return LoginResult(None, None)
            if row.locked_until is not None and row.locked_until > now:
                return LoginResult(None, row.locked_until)
            if _verify(self._hasher, row.password_hash, password):
                row.failed_logins = 0
                row.locked_until = None
                return LoginResult(User.of(row), None)
            row.failed_logins += 1
            if row.failed_logins >= MAX_FAILED_LOGINS:
                row.failed_logins = 0
                row.locked_until = now + LOCKOUT
                return LoginResult(None, row.locked_until)
            return LoginResult(None, None)

        return self._engine.in_transaction(work)

    def set_password(self, username: str, password: str) -> None:
        if len(password) < 8:
            raise InvalidCommand("Mật khẩu phải có ít nhất 8 ký tự.", field="password")

        def work(session: Session) -> None:
            row = session.scalar(select(UserRow).where(UserRow.username == username))
            if row is None:
                raise UserNotFound(f"Không có người dùng “{username}”.", username=username)
            row.password_hash = self._hasher.hash(password)
            row.failed_logins = 0
            row.locked_until = None

        self._engine.in_transaction(work)


def _verify(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _add(session: Session, row: UserRow) -> User:
    session.add(row)
    session.flush()
    return User.of(row)
