"""Queries over accounts and keys."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.auth.models import ApiKey, Role, User
from zhili.errors import NotFound


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    return user


def list_users(
    session: Session, *, role: Role | None = None, unit_id: int | None = None, q: str | None = None
) -> Sequence[User]:
    query = select(User).order_by(User.username)
    if role:
        query = query.where(User.role == role)
    if unit_id:
        query = query.where(User.unit_id == unit_id)
    if q:
        query = query.where(
            User.username.contains(q, autoescape=True) | User.display_name.contains(q, autoescape=True)
        )
    return session.execute(query).scalars().all()


def list_api_keys(session: Session, user_id: int | None = None) -> Sequence[ApiKey]:
    query = select(ApiKey).order_by(ApiKey.id)
    if user_id:
        query = query.where(ApiKey.user_id == user_id)
    return session.execute(query).scalars().all()
