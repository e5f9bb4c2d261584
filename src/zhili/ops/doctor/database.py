"""The database: reachable, PostgreSQL in production, migrated to this code's head, same clock."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, text

from zhili import migrate
from zhili.audit.models import AuditEntry
from zhili.db import Database
from zhili.ops.doctor.report import Check, failed, ok, skipped

MAX_CLOCK_SKEW_S = 30.0


def backend(database: Database, production: bool) -> Check:
    title = "数据库类型"
    name = database.engine.dialect.name
    if name == "postgresql":
        return ok("backend", title, "PostgreSQL")
    if production:
        return failed(
            "backend", title, f"生产环境须使用 PostgreSQL（当前为 {name}）；设置 ZHILI_DATABASE_URL"
        )
    return ok("backend", title, f"{name}（仅适合开发与单机演示）")


def reachable(database: Database) -> Check:
    with database.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return ok("database", "数据库可连接", database.engine.url.render_as_string(hide_password=True))


def migrations(database: Database) -> Check:
    title = "数据库迁移"
    with database.engine.connect() as connection:
        current = migrate.current_revisions(connection)
    heads = migrate.head_revisions()
    if current == heads:
        return ok("migrations", title, f"已是最新版本 {', '.join(sorted(heads))}")
    shown = ", ".join(sorted(current)) or "未迁移"
    return failed(
        "migrations", title, f"数据库为 {shown}，代码为 {', '.join(sorted(heads))}；运行 zhili init"
    )


def clock(database: Database) -> Check:
    """The server's clock against the database's, and never behind the last audit entry."""
    title = "系统时钟"
    now = datetime.now(UTC)
    if now.year < 2024:
        return failed("clock", title, f"系统时间 {now:%Y-%m-%d} 明显错误")
    with database.session(write=False) as session:
        last = session.execute(select(func.max(AuditEntry.at))).scalar_one_or_none()
        if database.engine.dialect.name == "postgresql":
            db_now = session.execute(text("SELECT now()")).scalar_one()
        else:
            db_now = None
    if last is not None and _aware(last) > now:
        return failed("clock", title, f"系统时间早于最近一条审计记录（{_aware(last):%Y-%m-%d %H:%M:%S} UTC）")
    if db_now is None:
        return ok("clock", title, "SQLite 与本机共用时钟")
    skew = abs((_aware(db_now) - now).total_seconds())
    if skew > MAX_CLOCK_SKEW_S:
        return failed(
            "clock", title, f"与数据库时钟相差 {skew:.0f} 秒（上限 {MAX_CLOCK_SKEW_S:.0f} 秒）；请启用 NTP"
        )
    return ok("clock", title, f"与数据库时钟相差 {skew:.1f} 秒")


def unreachable_follow_ups() -> list[Check]:
    reason = "数据库不可连接，未检查"
    return [
        skipped("migrations", "数据库迁移", reason),
        skipped("clock", "系统时钟", reason),
    ]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
