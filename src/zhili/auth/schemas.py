"""Pydantic shapes for the accounts API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from zhili.auth.models import Role


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: Role
    unit_id: int | None
    is_active: bool
    must_change_password: bool
    last_login_at: datetime | None = None


class PasswordChangedOut(BaseModel):
    ok: bool
    csrf_token: str = Field(description="the new session's CSRF token, for the writes that follow")


class LoginOut(BaseModel):
    user: UserOut
    csrf_token: str


class PasswordChangeIn(BaseModel):
    old_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class UserCreateIn(BaseModel):
    username: str = Field(min_length=3, max_length=64)
    display_name: str | None = Field(default=None, max_length=64)
    role: Role
    unit_code: str | None = Field(default=None, max_length=32)
    password: str | None = Field(default=None, max_length=256)


class UserCreateOut(BaseModel):
    user: UserOut
    one_time_password: str | None = None


class UserUpdateIn(BaseModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=64)
    role: Role | None = None
    unit_code: str | None = Field(default=None, max_length=32)
    is_active: bool | None = None
    reset_password: bool = False


class ApiKeyIn(BaseModel):
    name: str = Field(min_length=1, max_length=64)


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    user_id: int
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyIssued(BaseModel):
    api_key: ApiKeyOut
    key: str = Field(description="The key itself, shown only this once.")
