"""Accounts: create users, authenticate with throttling, issue and check API keys, build actors."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth import keys, passwords, sessions
from zhili.auth.models import ApiKey, LoginFailure, Role, User
from zhili.auth.scope import EVERYTHING, NOTHING, Actor, Scope
from zhili.errors import Conflict, NotAuthenticated, NotFound, ValidationFailed
from zhili.kernel.clock import as_aware, utcnow
from zhili.kernel.ratelimit import Limit, RateLimited, RateLimits
from zhili.units.models import Unit, UnitJurisdiction, UnitKind

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")


# Departments and enterprises answer for what they are assigned, not for everything in their area.
ASSIGNMENT_ONLY_KINDS = frozenset({UnitKind.district_dept, UnitKind.city_dept, UnitKind.enterprise})


def _scope(session: Session, role: Role, unit_id: int | None, unit_kind: UnitKind | None) -> Scope:
    if role == Role.admin:
        return EVERYTHING
    if unit_id is None:
        return NOTHING
    if role == Role.unit_staff and unit_kind in ASSIGNMENT_ONLY_KINDS:
        return Scope(unit_id=unit_id)
    jurisdictions = UnitJurisdiction.__table__
    codes = session.connection().execute(
        select(jurisdictions.c.division_code).where(jurisdictions.c.unit_id == unit_id)
    )
    return Scope(division_codes=frozenset(code for (code,) in codes), unit_id=unit_id)


class _Owner(Protocol):
    """A user as an ORM object or as a row of its columns (see actor_for_api_key)."""

    @property
    def id(self) -> int: ...
    @property
    def username(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def unit_id(self) -> int | None: ...
    @property
    def display_name(self) -> str: ...
    @property
    def must_change_password(self) -> bool: ...


def _actor(owner: _Owner, scope: Scope, unit: tuple[str, str] | None, *, by_key: bool = False) -> Actor:
    return Actor(
        user_id=owner.id,
        username=owner.username,
        role=owner.role,
        unit_id=owner.unit_id,
        scope=scope,
        display_name=owner.display_name,
        # A key is its own credential: the account's one-time password does not hold it back.
        must_change_password=owner.must_change_password and not by_key,
        unit_code=unit[0] if unit else None,
        unit_name=unit[1] if unit else None,
    )


def actor_for(session: Session, user: User) -> Actor:
    unit = session.get(Unit, user.unit_id) if user.unit_id else None
    kind = unit.kind if unit is not None else None
    scope = _scope(session, user.role, user.unit_id, kind)
    return _actor(user, scope, (unit.code, unit.name) if unit is not None else None)


def system_actor(name: str = "system") -> Actor:
    return Actor(user_id=None, username=name, role=Role.admin, unit_id=None, scope=EVERYTHING)


def create_user(
    session: Session,
    *,
    username: str,
    role: Role,
    display_name: str | None = None,
    unit_code: str | None = None,
    password: str | None = None,
    actor: str = "system",
) -> tuple[User, str | None]:
    """Create an account. Without a password a one-time password is generated and returned."""
    if not USERNAME_RE.match(username):
        raise ValidationFailed("用户名须为 3–64 位字母、数字、下划线、点或连字符", field="username")
    if session.execute(select(User.id).where(User.username == username)).first():
        raise Conflict(f"用户名 {username} 已存在", field="username")
    unit_id = None
    if unit_code:
        unit = session.execute(select(Unit).where(Unit.code == unit_code)).scalar_one_or_none()
        if unit is None:
            raise ValidationFailed(f"单位编码 {unit_code} 不存在", field="unit")
        unit_id = unit.id
    elif role not in (Role.admin, Role.citizen, Role.api_client):
        raise ValidationFailed("该角色的用户必须属于一个单位", field="unit")
    generated = None
    if password is None:
        generated = password = passwords.one_time_password()
    else:
        problem = passwords.password_problem(password, (username, display_name or ""))
        if problem:
            raise ValidationFailed(problem, field="password")
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        unit_id=unit_id,
        password_hash=passwords.hash_password(password),
        must_change_password=generated is not None,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user.create",
        target_type="user",
        target_id=user.id,
        detail={"username": username, "role": role.value, "unit": unit_code},
    )
    return user, generated


@dataclass(frozen=True)
class LoginPolicy:
    """How sign-in guessing is slowed: per account, a wait that doubles with each failure beyond
    ``free_failures`` and never exceeds ``max_wait_seconds`` (so the real user, who waits it out, gets
    in); per client address, at most ``address_failures`` failures per 15 minutes, counted in the shared
    rate-limit store so that every app server sees them."""

    free_failures: int
    max_wait_seconds: int
    limits: RateLimits
    address_failures: int

    @property
    def address_limit(self) -> Limit:
        return Limit("login:address", self.address_failures, int(FAILURE_MEMORY.total_seconds()))


# Failures older than this are forgotten: a quiet quarter of an hour resets an account's back-off.
FAILURE_MEMORY = timedelta(minutes=15)
FIRST_WAIT_SECONDS = 15


def account_wait(session: Session, username: str, policy: LoginPolicy) -> float:
    """Seconds until ``username`` may try again (0: now). Failures live in the database, which every
    app server shares; the wait is 15 s after ``free_failures`` failures, then 30, 60 … up to the cap."""
    now = utcnow()
    count, last = session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.username == username[:64], LoginFailure.at >= now - FAILURE_MEMORY
        )
    ).one()
    if last is None or count < policy.free_failures:
        return 0.0
    exponent = min(int(count) - policy.free_failures, 16)
    wait = min(FIRST_WAIT_SECONDS * 2.0**exponent, float(policy.max_wait_seconds))
    return max(0.0, (as_aware(last) + timedelta(seconds=wait) - now).total_seconds())


def check_throttle(session: Session, username: str, client_ip: str, policy: LoginPolicy) -> None:
    address_wait = policy.limits.retry_after(policy.address_limit, client_ip)
    if address_wait is not None:
        raise RateLimited(address_wait, "该地址登录失败次数过多")
    wait = account_wait(session, username, policy)
    if wait > 0:
        raise RateLimited(wait, "该账号登录失败次数较多，为防止猜测密码")


def record_failure(
    session: Session, username: str, client_ip: str, reason: str, policy: LoginPolicy | None = None
) -> None:
    if policy is not None:
        policy.limits.add(policy.address_limit, client_ip)
    session.add(LoginFailure(username=username[:64], client_ip=client_ip, at=utcnow()))
    audit.record(
        session,
        actor=username[:64] or "anonymous",
        action="auth.login_failed",
        target_type="user",
        detail={"reason": reason},
        client_ip=client_ip,
    )
    session.flush()


def authenticate(session: Session, username: str, password: str, client_ip: str, policy: LoginPolicy) -> User:
    """Check a password. Failures are recorded and audited; the caller must commit them."""
    check_throttle(session, username, client_ip, policy)
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    valid = passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.is_active:
        reason = "unknown_user" if user is None else ("inactive" if valid else "bad_password")
        record_failure(session, username, client_ip, reason, policy)
        raise NotAuthenticated("用户名或密码错误")
    if user.password_hash and passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    user.last_login_at = utcnow()
    audit.record(
        session,
        actor=username,
        action="auth.login",
        target_type="user",
        target_id=user.id,
        client_ip=client_ip,
    )
    return user


def change_password(session: Session, user: User, old: str, new: str) -> None:
    if not passwords.verify_password(user.password_hash, old):
        raise NotAuthenticated("原密码错误", field="old_password")
    problem = passwords.password_problem(new, (user.username, user.display_name))
    if problem:
        raise ValidationFailed(problem, field="new_password")
    if old == new:
        raise ValidationFailed("新密码不能与原密码相同", field="new_password")
    user.password_hash = passwords.hash_password(new)
    user.must_change_password = False
    sessions.end_all(session, user.id)
    audit.record(
        session, actor=user.username, action="auth.password_change", target_type="user", target_id=user.id
    )
    session.flush()


def issue_api_key(session: Session, user: User, name: str, actor: str) -> tuple[ApiKey, str]:
    """Create a key for ``user``; the clear key is returned once and never stored."""
    if not name.strip():
        raise ValidationFailed("请填写密钥名称", field="name")
    clear = keys.new_api_key()
    api_key = ApiKey(
        name=name.strip()[:64],
        prefix=keys.key_prefix(clear),
        key_hash=keys.key_digest(clear),
        user_id=user.id,
    )
    session.add(api_key)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="api_key.issue",
        target_type="api_key",
        target_id=api_key.id,
        detail={"name": api_key.name, "user": user.username, "prefix": api_key.prefix},
    )
    return api_key, clear


def revoke_api_key(session: Session, key_id: int, actor: str) -> ApiKey:
    api_key = session.get(ApiKey, key_id)
    if api_key is None:
        raise NotFound("API 密钥不存在")
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        audit.record(session, actor=actor, action="api_key.revoke", target_type="api_key", target_id=key_id)
    session.flush()
    return api_key


def actor_for_api_key(
    session: Session, clear: str, *, stamp_later: Callable[[int], None] | None = None
) -> Actor | None:
    """The actor a valid, unrevoked key of an active user acts as; None otherwise.

    A key whose ``last_used_at`` is over a minute old is stamped: by ``stamp_later(key_id)`` when given
    (requests: after the answer, see ``key_use``), otherwise here in the caller's transaction.

    Every API request pays for this, so it reads the key, its owner and the owner's unit in one Core
    statement (and the jurisdiction in a second, when the scope needs it) instead of loading each.
    """
    api_keys, users, units = ApiKey.__table__, User.__table__, Unit.__table__
    connection = session.connection()
    row = connection.execute(
        select(
            api_keys.c.id.label("key_id"),
            api_keys.c.last_used_at,
            users.c.id,
            users.c.username,
            users.c.role,
            users.c.unit_id,
            users.c.display_name,
            users.c.must_change_password,
            units.c.kind.label("unit_kind"),
            units.c.code.label("unit_code"),
            units.c.name.label("unit_name"),
        )
        .select_from(api_keys.join(users, users.c.id == api_keys.c.user_id))
        .outerjoin(units, units.c.id == users.c.unit_id)
        .where(
            api_keys.c.key_hash == keys.key_digest(clear),
            api_keys.c.revoked_at.is_(None),
            users.c.is_active.is_(True),
        )
    ).one_or_none()
    if row is None:
        return None
    now = utcnow()
    # Stamp at most once a minute; in a request, after the answer, so that reads stay reads.
    if row.last_used_at is None or now - as_aware(row.last_used_at) > timedelta(minutes=1):
        if stamp_later is not None:
            stamp_later(row.key_id)
        else:
            connection.execute(update(ApiKey).where(ApiKey.id == row.key_id).values(last_used_at=now))
    unit = (row.unit_code, row.unit_name) if row.unit_code else None
    return _actor(row, _scope(session, row.role, row.unit_id, row.unit_kind), unit, by_key=True)


def update_user(
    session: Session,
    user: User,
    *,
    actor: str,
    display_name: str | None = None,
    role: Role | None = None,
    unit_code: str | None = None,
    is_active: bool | None = None,
    reset_password: bool = False,
) -> str | None:
    """Edit an account; returns a new one-time password when a reset was asked for."""
    changes: dict[str, object] = {}
    if display_name is not None and display_name != user.display_name:
        user.display_name = display_name
        changes["display_name"] = display_name
    if role is not None and role != user.role:
        changes["role"] = [user.role.value, role.value]
        user.role = role
    if unit_code is not None:
        unit = session.execute(select(Unit).where(Unit.code == unit_code)).scalar_one_or_none()
        if unit is None:
            raise ValidationFailed(f"单位编码 {unit_code} 不存在", field="unit")
        if unit.id != user.unit_id:
            user.unit_id = unit.id
            changes["unit"] = unit_code
    if user.unit_id is None and user.role not in (Role.admin, Role.citizen, Role.api_client):
        raise ValidationFailed("该角色的用户必须属于一个单位", field="unit")
    if is_active is not None and is_active != user.is_active:
        user.is_active = is_active
        changes["is_active"] = is_active
    generated = None
    if reset_password:
        generated = passwords.one_time_password()
        user.password_hash = passwords.hash_password(generated)
        user.must_change_password = True
        changes["password"] = "reset"
    if reset_password or is_active is False:
        sessions.end_all(session, user.id)
    if changes:
        audit.record(
            session, actor=actor, action="user.update", target_type="user", target_id=user.id, detail=changes
        )
    session.flush()
    return generated
