"""Staff accounts, API keys and failed-login records."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin, TimestampMixin


class Role(enum.StrEnum):
    citizen = "citizen"
    operator = "operator"
    dispatcher = "dispatcher"
    unit_staff = "unit_staff"
    grid_worker = "grid_worker"
    community_worker = "community_worker"
    # 信访干部: staff of a 信访 office (信访办). Stored as text (non-native enum, no CHECK constraint),
    # so a new member needs no schema change.
    petition_officer = "petition_officer"
    supervisor = "supervisor"
    admin = "admin"
    api_client = "api_client"


ROLE_LABELS = {
    Role.citizen: "市民",
    Role.operator: "坐席",
    Role.dispatcher: "派单员",
    Role.unit_staff: "承办单位",
    Role.grid_worker: "网格员",
    Role.community_worker: "社区工作者",
    Role.petition_officer: "信访干部",
    Role.supervisor: "分析/领导",
    Role.admin: "管理员",
    Role.api_client: "接口客户端",
}


def role_label(value: str | None) -> str:
    """The Chinese name of a stored role value (``operator`` → ``坐席``); system actors have none."""
    try:
        return ROLE_LABELS[Role(value or "")]
    except ValueError:
        return "系统" if value == "system" else ""


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=24), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    last_login_at: Mapped[datetime | None]


class ApiKey(IdMixin, TimestampMixin, Base):
    """A key acts as its owner. Only a SHA-256 digest is stored; the key is shown once."""

    __tablename__ = "api_keys"

    name: Mapped[str] = mapped_column(String(64))
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class LoginFailure(IdMixin, Base):
    """One failed login, used to throttle guessing by account and by address."""

    __tablename__ = "login_failures"

    username: Mapped[str] = mapped_column(String(64), index=True)
    client_ip: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(index=True)


class SignInSession(IdMixin, Base):
    """A signed-in browser or API session, known to the server: signing out or changing the
    password ends it here, so a copied cookie stops working at once (not when it expires)."""

    __tablename__ = "auth_sessions"

    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
