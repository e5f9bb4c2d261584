"""The demo year's 信访 and 矛盾纠纷 beside its 12345 demands, written through the services.

Volumes are scaled to the demo year's demands in the database:

- **信访事项: one per 100 demands.** An assumption. Beijing's 12345 received on the order of twenty
  million demands a year in 2023–2024 (the hotline's own yearly reports, as we recall them; check
  before quoting). We know of no published yearly count of Beijing's 信访 matters that we could
  quote with confidence, so the ratio is ours: petitions are a small fraction of demands, and a
  fraction of them are demands escalated by the citizen.
- **矛盾纠纷: one per 100 demands.** Also an assumption. Nationally, 人民调解 organisations have
  reported on the order of nine to ten million disputes mediated a year (Ministry of Justice
  statements, as we recall them); per head of population that is roughly 1 % of Beijing's demand
  volume. We use that ratio.
- **Mixes** (all assumptions, chosen to look plausible and to exercise every path): channels 网上信访
  45 %, 来访 25 %, 来信 20 %, 12345 转信访 10 % (the plan calls 网上信访 the main channel); 8 %
  不予受理; 35 % accepted by the office itself, the rest 转送/交办 to a district department; about 8 %
  answered late, 6 % decided late; 15 % of matters see a repeat petition; 12 % of answers go to
  复查, a third of those to 复核; 7 % become 积案 with a 包案 leader (the demo's ``leader`` account,
  when ``zhili init --demo`` made it), most resolved late in the year; 70 % of answers get a 回访
  satisfaction (满意 60 %, 基本满意 25 %, 不满意 15 %). Disputes: kinds 邻里 30 %, 物业 20 %, 婚姻家庭
  15 %, 劳动 10 %, 消费 10 %, 土地房屋 8 %, 其他 7 %; sources 调委会 45 %, 12345 20 % (linked to a demand),
  法院委派 15 %, 部门移送 10 %, 网格 none (a grid dispute needs a field event); 1–3 sessions; 75 % agree,
  20 % of agreements go to 司法确认, 80 % get a 回访 on performance (90 % performed).

Petitioners and parties are invented (names from common surnames, phones at random) and stored
encrypted by the services, as real ones are. The staff who act are the real units' accounts as
the services see them (transient, not stored): the district's 信访办公室, the department a matter
was sent to, the district government, a city department; disputes are handled by the district
government's staff. Mediation committees and mediators are added to the registry for the streets
and districts that need them.
"""

from __future__ import annotations

import random

from sqlalchemy import func, select

from zhili.cases.context import CaseContext
from zhili.cases.models import Case
from zhili.db import Database
from zhili.demo import dispute_year, petition_year
from zhili.demo.desk import Counts, Desk, sample_cases
from zhili.petitions.models import PetitionMatter
from zhili.settings import Settings

DEMANDS_PER_PETITION = 100
DEMANDS_PER_DISPUTE = 100
MINIMUM = 12


def seed_channels(database: Database, settings: Settings, year: int, seed: int = 1) -> Counts:
    """The demo year's petitions and disputes, scaled to its demands; nothing if there are some already."""
    rng = random.Random(seed)
    ctx = CaseContext.for_settings(settings)
    with database.session() as session:
        if session.execute(select(func.count()).select_from(PetitionMatter)).scalar_one():
            return Counts()
        demands = session.execute(select(func.count()).select_from(Case)).scalar_one()
        desk = Desk(session)
        wanted = max(MINIMUM, demands // DEMANDS_PER_PETITION)
        counts = petition_year.register_year(
            session, ctx, desk, sample_cases(session, ctx, year, wanted, rng), rng
        )
    with database.session() as session:
        desk = Desk(session)
        wanted = max(MINIMUM, demands // DEMANDS_PER_DISPUTE)
        found = dispute_year.register_year(
            session, ctx, desk, sample_cases(session, ctx, year, wanted, rng)[::-1], rng
        )
    counts.disputes, counts.skipped = found.disputes, counts.skipped + found.skipped
    return counts


def seed_demo_channels(year: int) -> Counts:
    """``zhili init --demo-cases``: the year's petitions and disputes, beside the demands just made."""
    from zhili.cli_support import console, open_database
    from zhili.settings import get_settings

    settings = get_settings()
    database = open_database(settings)
    try:
        counts = seed_channels(database, settings, year)
    finally:
        database.dispose()
    console.print(
        f"演示信访件 {counts.petitions:,} 件（{counts.matters:,} 个事项），矛盾纠纷 {counts.disputes:,} 件。"
    )
    return counts
