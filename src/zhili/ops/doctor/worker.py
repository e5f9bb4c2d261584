"""The job worker's heartbeat, when the job queue (``zhili.jobs``) is part of this installation.

The queue is optional here: without ``zhili.jobs.health`` the check is skipped, not failed. With it,
``zhili.jobs.health.doctor_check(database, settings)`` answers ``(ok, detail)``.
"""

from __future__ import annotations

import importlib
from typing import Any

from zhili.db import Database
from zhili.ops.doctor.report import Check, failed, ok, skipped
from zhili.settings import Settings

TITLE = "后台任务进程心跳"


def heartbeat(database: Database, settings: Settings) -> Check:
    try:
        health: Any = importlib.import_module("zhili.jobs.health")
    except ModuleNotFoundError as exc:
        if exc.name in ("zhili.jobs", "zhili.jobs.health"):
            return skipped("worker", TITLE, "本安装未包含任务队列（zhili.jobs），跳过")
        raise
    check = getattr(health, "doctor_check", None)
    if check is None:
        return skipped("worker", TITLE, "zhili.jobs.health 未提供 doctor_check，跳过")
    good, detail = check(database, settings)
    return ok("worker", TITLE, str(detail)) if good else failed("worker", TITLE, str(detail))
