"""Reads of plan indicators and their values. Indicators are city aggregates with no personal data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhili.plan.models import Indicator, IndicatorValue


def indicators(session: Session) -> Sequence[Indicator]:
    return session.scalars(select(Indicator).order_by(Indicator.position, Indicator.code)).all()


def latest_values(session: Session, day: date) -> dict[str, IndicatorValue]:
    """Each indicator's most recent value on or before ``day``."""
    newest = (
        select(IndicatorValue.indicator_code, func.max(IndicatorValue.as_of).label("as_of"))
        .where(IndicatorValue.as_of <= day)
        .group_by(IndicatorValue.indicator_code)
        .subquery()
    )
    rows = session.scalars(
        select(IndicatorValue).join(
            newest,
            (IndicatorValue.indicator_code == newest.c.indicator_code)
            & (IndicatorValue.as_of == newest.c.as_of),
        )
    ).all()
    return {row.indicator_code: row for row in rows}


def history(session: Session, code: str) -> Sequence[IndicatorValue]:
    return session.scalars(
        select(IndicatorValue).where(IndicatorValue.indicator_code == code).order_by(IndicatorValue.as_of)
    ).all()
