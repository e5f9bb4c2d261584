"""Where community data may be written (who may: ``policy.can_keep_community``), and the divisions
it hangs on."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor, readable
from zhili.community.policy import can_keep_community
from zhili.divisions.models import Division, DivisionLevel
from zhili.errors import Forbidden, ValidationFailed


def is_urban_community(code: str) -> bool:
    """Statistical codes number 居委会 (urban communities) 001-199 and 村委会 (villages) 200-399."""
    return len(code) == 12 and int(code[-3:]) < 200


def division_at(session: Session, code: str, level: DivisionLevel, *, field: str) -> Division:
    label = {DivisionLevel.community: "社区", DivisionLevel.street: "街道/乡镇"}.get(level, "行政区划")
    row = session.execute(select(Division).where(Division.code == code)).scalar_one_or_none()
    if row is None or row.level != level:
        raise ValidationFailed(f"未知的{label}编码：{code}", field=field)
    return row


def check_writable(actor: Actor, code: str) -> None:
    can_keep_community.require(actor)
    if not readable(actor).covers(code):
        raise Forbidden(f"{code} 不在您的辖区内")
