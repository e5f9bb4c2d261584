"""readable(actor): the jurisdiction scope that every later domain filters by."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from support.accounts import make_user
from zhili.auth import service
from zhili.auth.models import ApiKey, Role
from zhili.auth.scope import ANONYMOUS, readable
from zhili.divisions.models import Division, DivisionLevel
from zhili.kernel.clock import as_aware


def _scope(session: Session, username: str, role: Role, unit: str | None):  # type: ignore[no-untyped-def]
    return readable(service.actor_for(session, make_user(session, username, role, unit)))


def test_street_office_sees_its_own_street_only(session: Session) -> None:
    scope = _scope(session, "wangjing1", Role.unit_staff, "S110105026")
    assert scope.covers("110105026")
    assert scope.covers("110105026001")
    assert not scope.covers("110105011")
    assert not scope.covers("110105")
    assert not scope.covers(None)


def test_district_centre_sees_its_district(session: Session) -> None:
    scope = _scope(session, "chaoyang1", Role.dispatcher, "C110105")
    assert scope.covers("110105026001")
    assert not scope.covers("110108")


def test_city_and_admin_see_everything(session: Session) -> None:
    assert _scope(session, "city", Role.dispatcher, "C11").covers("110228")
    assert _scope(session, "adm", Role.admin, None).everything
    assert not readable(ANONYMOUS).covers("110105")


def test_scope_clause_filters_sql(session: Session) -> None:
    scope = _scope(session, "wangjing2", Role.unit_staff, "S110105026")
    rows = (
        session.execute(
            select(Division.code).where(
                scope.clause(Division.code), Division.level == DivisionLevel.community
            )
        )
        .scalars()
        .all()
    )
    assert rows
    assert all(code.startswith("110105026") for code in rows)
    everything = _scope(session, "adm2", Role.admin, None)
    total = session.execute(select(Division.code).where(everything.clause(Division.code))).scalars().all()
    assert len(total) == 1 + 16 + 349 + 7535


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        (Role.admin, None),
        (Role.dispatcher, "C11"),
        (Role.dispatcher, "C110105"),
        (Role.unit_staff, "S110105026"),
        (Role.unit_staff, "D110101-urban_management"),
        (Role.unit_staff, "E11-WATER"),
        (Role.api_client, None),
    ],
)
def test_an_api_key_acts_as_its_owner_with_the_owners_scope(
    session: Session, role: Role, unit: str | None
) -> None:
    user = make_user(session, f"key_{role.value}_{unit or 'none'}".replace("-", "_"), role, unit)
    _, key = service.issue_api_key(session, user, "k", actor="test")
    session.commit()
    assert service.actor_for_api_key(session, key) == service.actor_for(session, user)


def test_a_revoked_key_or_an_inactive_owner_acts_as_nobody(session: Session) -> None:
    user = make_user(session, "keyowner", Role.operator, "C11")
    stored, key = service.issue_api_key(session, user, "k", actor="test")
    _, other_key = service.issue_api_key(session, user, "k2", actor="test")
    session.commit()
    assert service.actor_for_api_key(session, key + "x") is None
    service.revoke_api_key(session, stored.id, actor="test")
    assert service.actor_for_api_key(session, key) is None
    assert service.actor_for_api_key(session, other_key) is not None
    service.update_user(session, user, actor="test", is_active=False)
    session.flush()
    assert service.actor_for_api_key(session, other_key) is None


def test_key_use_is_stamped_at_most_once_a_minute(session: Session) -> None:
    user = make_user(session, "stamped", Role.operator, "C11")
    stored, key = service.issue_api_key(session, user, "k", actor="test")
    session.commit()
    assert stored.last_used_at is None
    service.actor_for_api_key(session, key)
    first = session.execute(select(ApiKey.last_used_at).where(ApiKey.id == stored.id)).scalar_one()
    assert first is not None
    service.actor_for_api_key(session, key)
    again = session.execute(select(ApiKey.last_used_at).where(ApiKey.id == stored.id)).scalar_one()
    assert again == first
    stale = as_aware(first) - timedelta(minutes=2)
    session.execute(update(ApiKey).where(ApiKey.id == stored.id).values(last_used_at=stale))
    service.actor_for_api_key(session, key)
    later = session.execute(select(ApiKey.last_used_at).where(ApiKey.id == stored.id)).scalar_one()
    assert as_aware(later) > as_aware(first)
