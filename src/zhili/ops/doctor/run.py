"""Every check of ``zhili doctor``, in the order an operator fixes them."""

from __future__ import annotations

from collections.abc import Collection

from pydantic import ValidationError

from zhili.db import Database
from zhili.ops.doctor import database as db_checks
from zhili.ops.doctor import secrets, surface, system, worker
from zhili.ops.doctor.report import Check, failed, guarded, ok
from zhili.settings import Settings


class _AsConfigured(Settings):
    """The settings as configured, without the start-up refusal of unsafe production values: the
    doctor reports each unsafe value by name instead of stopping at the first."""

    def _refuse_unsafe_production(self) -> Settings:  # type: ignore[override]
        return self


def read_settings() -> Settings | list[Check]:
    try:
        return _AsConfigured()
    except ValidationError as exc:
        details = "；".join(
            f"{'.'.join(map(str, e['loc'])) or '配置'}: {str(e['msg']).removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        return [failed("settings", "配置可读取", details)]


def environment(settings: Settings) -> Check:
    title = "运行环境 ZHILI_ENVIRONMENT"
    if settings.environment == "production":
        return ok("environment", title, "production")
    return failed("environment", title, f"{settings.environment}（生产部署须为 production）")


def run_checks(settings: Settings, *, min_free_gb: float = 1.0, skip: Collection[str] = ()) -> list[Check]:
    production = settings.environment == "production"
    checks = [environment(settings)]
    checks += guarded("secret-key", "会话签名密钥", lambda: secrets.secret_key(settings))
    checks += guarded("data-key", "个人信息加密密钥", lambda: secrets.data_key(settings))
    checks += guarded("timezone", "时区", lambda: system.timezone(settings))
    checks += guarded("disk", "磁盘空间", lambda: system.disk(settings, min_free_gb))
    checks += guarded("writable", "数据目录可写", lambda: system.writable(settings))
    database = Database.for_settings(settings)
    try:
        checks += guarded("backend", "数据库类型", lambda: db_checks.backend(database, production))
        reach = guarded("database", "数据库可连接", lambda: db_checks.reachable(database))
        checks += reach
        if reach[0].failed:
            checks += db_checks.unreachable_follow_ups()
        else:
            checks += guarded("migrations", "数据库迁移", lambda: db_checks.migrations(database))
            checks += guarded("clock", "系统时钟", lambda: db_checks.clock(database))
            checks += guarded("worker", worker.TITLE, lambda: worker.heartbeat(database, settings))
        app = surface.build(settings, database)
        checks += guarded("docs", "API 文档不对匿名用户开放", lambda: surface.docs_closed(app))
        checks += guarded("https", "HTTPS", lambda: surface.https(app, settings))
    finally:
        database.dispose()
    return [c for c in checks if c.id not in skip]
