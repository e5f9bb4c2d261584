"""Sign-in sessions kept on the server. The signed cookie carries a random session token; the server
keeps its SHA-256 digest, so ending a session (signing out, a password change, an admin's reset or
deactivation) takes effect on the next request, whoever holds a copy of the cookie."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zhili.auth.models import SignInSession, User
from zhili.kernel.clock import as_aware, utcnow

TOKEN_BYTES = 32


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, user: User, lifetime: timedelta) -> str:
    """A new session for ``user``; returns the token for the cookie (never stored in clear)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    session.add(
        SignInSession(token_digest=_digest(token), user_id=user.id, created_at=now, expires_at=now + lifetime)
    )
    session.flush()
    return token


def user_of(session: Session, token: str, now: datetime | None = None) -> User | None:
    """The active user of a live session, or None (unknown, ended, expired, or the user deactivated)."""
    row = session.execute(
        select(SignInSession.user_id, SignInSession.expires_at, SignInSession.revoked_at).where(
            SignInSession.token_digest == _digest(token)
        )
    ).one_or_none()
    if row is None or row.revoked_at is not None or as_aware(row.expires_at) <= (now or utcnow()):
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def end(session: Session, token: str) -> None:
    session.execute(
        update(SignInSession)
        .where(SignInSession.token_digest == _digest(token), SignInSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def end_all(session: Session, user_id: int) -> None:
    """Every session of the user ends (a password change or reset, a deactivation)."""
    session.execute(
        update(SignInSession)
        .where(SignInSession.user_id == user_id, SignInSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
