"""readable(actor): the jurisdiction scope that every later domain filters by."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from support.accounts import make_user
from zhili.auth import service
from zhili.auth.models import Role
from zhili.auth.scope import ANONYMOUS, readable
from zhili.divisions.models import Division, DivisionLevel


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
