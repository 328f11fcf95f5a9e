"""Administration (quản trị): users and API tokens; role ``admin`` only.

A token's secret is shown once, when it is created; only its SHA-256 is kept.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from engine.runtime.tokens import IssuedToken, TokenInfo
from engine.runtime.users import User

from ..auth import engine
from .access import ADMINS
from .requests import JSON, consumes, requires
from .schemas import ApiSchema, LocalDateTime, text

PREFIX = ""
blp = Blueprint("admin", __name__, description="Quản trị: người dùng và mã truy cập")


class UserSchema(ApiSchema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    full_name = fields.String(required=True)
    unit_id = fields.String(allow_none=True)
    roles = fields.List(fields.String(), required=True)
    title = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    active = fields.Boolean(required=True)


class NewUserSchema(ApiSchema):
    username = text(63, required=True, metadata={"example": "tuphap3"})
    full_name = text(200, required=True, not_blank=True, metadata={"example": "Lê Thị Hà"})
    unit_id = text(64, allow_none=True, metadata={"example": "tu_phap"})
    roles = fields.List(
        text(32),
        required=True,
        validate=validate.Length(min=1, max=10, error="Chọn từ 1 đến 10 vai trò."),
    )
    password = text(200, allow_none=True, load_only=True)
    title = text(200, allow_none=True)
    email = text(200, allow_none=True)
    phone = text(40, allow_none=True)


class TokenSchema(ApiSchema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True, metadata={"description": "to tell tokens apart"})
    created_at = LocalDateTime(required=True)
    expires_at = LocalDateTime(allow_none=True)
    revoked_at = LocalDateTime(allow_none=True)
    last_used_at = LocalDateTime(allow_none=True)


class NewTokenSchema(ApiSchema):
    username = text(100, required=True, not_blank=True)
    name = text(100, required=True, not_blank=True, metadata={"example": "Cổng dịch vụ công"})
    days = fields.Integer(
        load_default=365,
        allow_none=True,
        validate=validate.Range(min=1, max=3650, error="Từ 1 đến 3650 ngày."),
        metadata={"description": "days of validity; null for a token that never expires"},
    )


class IssuedTokenSchema(ApiSchema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    name = fields.String(required=True)
    secret = fields.String(required=True, metadata={"description": "shown only this once"})
    expires_at = LocalDateTime(allow_none=True)


@blp.route("/users")
class Users(MethodView):
    @requires(*ADMINS)
    @blp.response(200, UserSchema(many=True))
    @blp.alt_response(403, response="FORBIDDEN")
    def get(self) -> list[User]:
        """Người dùng: every account, by unit."""
        return engine().users.list()

    @requires(*ADMINS)
    @consumes(JSON)
    @blp.arguments(NewUserSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    def post(self, args: dict[str, Any]) -> User:
        """Tạo người dùng: an officer of a unit with roles, or an auditor, designer, admin."""
        return engine().users.create(
            args["username"],
            args["full_name"],
            args.get("unit_id"),
            args["roles"],
            args.get("password"),
            title=args.get("title"),
            email=args.get("email"),
            phone=args.get("phone"),
        )


@blp.route("/tokens")
class Tokens(MethodView):
    @requires(*ADMINS)
    @blp.response(200, TokenSchema(many=True))
    @blp.alt_response(403, response="FORBIDDEN")
    def get(self) -> list[TokenInfo]:
        """Mã truy cập: every token, revoked and expired ones too (never their secret)."""
        return engine().tokens.list()

    @requires(*ADMINS)
    @consumes(JSON)
    @blp.arguments(NewTokenSchema)
    @blp.response(201, IssuedTokenSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Tạo mã truy cập for a user (an integration acts as that user); secret shown once."""
        issued: IssuedToken = engine().tokens.create(args["username"], args["name"], args["days"])
        return {**vars(issued), "username": args["username"]}


@blp.route("/tokens/<small_id:token_id>/revoke")
class RevokeToken(MethodView):
    @requires(*ADMINS)
    @blp.response(200, TokenSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, token_id: int) -> TokenInfo:
        """Thu hồi: the token stops working at once; revoking twice changes nothing."""
        tokens = engine().tokens
        tokens.revoke(token_id)
        return next(t for t in tokens.list() if t.id == token_id)
