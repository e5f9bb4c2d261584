"""矛盾纠纷聚集预警: disputes and related 12345 demands clustering in a community, found by the same
detector as the 未诉先办 warnings (``analytics.detect``) on a community × day count matrix.

Counted per community and local day: the disputes registered there (any source) and the 12345
demands of the community that are 邻里纠纷 (category 1602 and below) or linked to a dispute. The
detector compares the last ``window`` days with the community's own history and the city-wide trend
(the other communities, leaving the cell out), and controls the false discovery rate over all the
communities tested that day. The window is five days and the history eight weeks: disputes are
rarer than demands, so the 未诉先办 three-day window would see too few (the backtest chose five
days at a 1 % false discovery rate over a week at 5 %: a fifth of the false alarms, same recall).
Backtested as the 未诉先办 warnings are (``clusters_backtest``). Warnings are computed when
asked, never stored, as 未诉先办's are; a reader sees those of the communities in reach.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from zhili.analytics import detect
from zhili.auth.scope import Actor, readable
from zhili.cases.models import Case
from zhili.divisions.models import Division
from zhili.errors import ValidationFailed
from zhili.kernel.clock import as_aware
from zhili.mediation.models import Dispute, DisputeCaseLink
from zhili.mediation.policy import can_read_disputes
from zhili.mediation.schemas import ClusterWarningOut
from zhili.taxonomy.models import Category

CONFIG = detect.DetectorConfig(window=5, history=56, fdr=0.01, min_count=4, min_excess=3.0, min_ratio=2.0)
RELATED_CATEGORIES = ("1602",)  # 邻里纠纷
EARLIEST = date(2000, 1, 1)


@dataclass
class Series:
    """Daily counts per community: ``disputes[cell, day]`` and ``demands[cell, day]``."""

    communities: list[str]
    first_day: date
    disputes: NDArray[np.float64]
    demands: NDArray[np.float64]

    @property
    def y(self) -> NDArray[np.float64]:
        return self.disputes + self.demands

    def day_index(self, day: date) -> int:
        return (day - self.first_day).days


def _bounds(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def series(session: Session, tz: ZoneInfo, start: date, end: date) -> Series:
    since, until = _bounds(start, end, tz)
    dispute_rows = session.execute(
        select(Dispute.division_code, Dispute.received_at).where(
            func.length(Dispute.division_code) == 12,
            Dispute.received_at >= since,
            Dispute.received_at < until,
        )
    ).all()
    related = select(Category.id).where(or_(*(Category.code.startswith(c) for c in RELATED_CATEGORIES)))
    linked = select(DisputeCaseLink.case_id)
    demand_rows = session.execute(
        select(Case.community_code, Case.received_at).where(
            Case.community_code.is_not(None),
            or_(Case.category_id.in_(related), Case.id.in_(linked)),
            Case.received_at >= since,
            Case.received_at < until,
        )
    ).all()
    communities = sorted({code for code, _ in dispute_rows} | {code for code, _ in demand_rows if code})
    index = {code: i for i, code in enumerate(communities)}
    days = (end - start).days + 1
    counts = []
    for rows in (dispute_rows, demand_rows):
        y = np.zeros((len(communities), days))
        for code, at in rows:
            day = (as_aware(at).astimezone(tz).date() - start).days
            if code and 0 <= day < days:
                y[index[code], day] += 1
        counts.append(y)
    return Series(communities, start, counts[0], counts[1])


def _places(session: Session, community: str, since: datetime, until: datetime) -> list[str]:
    rows = session.scalars(
        select(Dispute.place).where(
            Dispute.division_code == community,
            Dispute.place.is_not(None),
            Dispute.received_at >= since,
            Dispute.received_at < until,
        )
    ).all()
    return [f"{place}（{n} 起）" for place, n in Counter(p for p in rows if p).most_common(3)]


def cluster_warnings(
    session: Session, actor: Actor, tz: ZoneInfo, as_of: date, config: detect.DetectorConfig = CONFIG
) -> list[ClusterWarningOut]:
    """The communities in the actor's reach where disputes and related demands cluster in the window
    ending ``as_of``; the detector runs over every community, so what fires does not depend on who asks."""
    if not can_read_disputes(actor):
        return []
    if not EARLIEST <= as_of <= date.today() + timedelta(days=1):
        raise ValidationFailed("预警日期应在 2000 年以后且不晚于今天", field="as_of")
    start = as_of - timedelta(days=config.window * 2 + config.history + 2)
    s = series(session, tz, start, as_of)
    if not s.communities:
        return []
    groups = np.zeros(len(s.communities), dtype=np.int64)
    day = s.day_index(as_of)
    alarms = detect.detect_day(s.y, groups, day, config)
    scope = readable(actor)
    window_start = as_of - timedelta(days=config.window - 1)
    since, until = _bounds(window_start, as_of, tz)
    names = dict(
        session.execute(
            select(Division.code, Division.name).where(
                Division.code.in_([s.communities[a.cell] for a in alarms])
            )
        ).all()
    )
    out = []
    for alarm in sorted(alarms, key=lambda a: a.p_value):
        community = s.communities[alarm.cell]
        if not scope.covers(community):
            continue
        span = slice(day - config.window + 1, day + 1)
        out.append(
            ClusterWarningOut(
                community=community,
                community_label=names.get(community),
                window_start=window_start,
                window_end=as_of,
                observed=alarm.observed,
                disputes=int(s.disputes[alarm.cell, span].sum()),
                demands=int(s.demands[alarm.cell, span].sum()),
                expected=round(alarm.expected, 2),
                p_value=alarm.p_value,
                q_value=alarm.q_value,
                places=_places(session, community, since, until),
            )
        )
    return out
