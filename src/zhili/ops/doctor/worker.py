"""The job workers' heartbeat: with ``ZHILI_JOBS=queue`` a ``zhili worker`` must be alive.

A worker is alive when its last heartbeat is more recent than the queue's own rule for a stalled
worker (``zhili.jobs.queue.stalled_after``: silent for three heartbeats). With ``ZHILI_JOBS=inline``
the jobs run inside ``zhili serve`` and there is no worker to ask about.
"""

from __future__ import annotations

from datetime import UTC, datetime

from zhili.db import Database
from zhili.jobs.health import last_heartbeat
from zhili.jobs.queue import stalled_after
from zhili.ops.doctor.report import Check, failed, ok
from zhili.settings import Settings

TITLE = "后台任务进程心跳"


def heartbeat(database: Database, settings: Settings) -> Check:
    if settings.jobs == "inline":
        return ok("worker", TITLE, "ZHILI_JOBS=inline：任务在 zhili serve 进程内运行，无独立任务进程")
    last = last_heartbeat(database)
    if last is None:
        return failed(
            "worker",
            TITLE,
            "未发现 zhili worker 的心跳：请启动任务进程（deploy/systemd/zhili-worker.service）",
        )
    age = (datetime.now(UTC) - last).total_seconds()
    limit = stalled_after(settings)
    if age > limit:
        return failed(
            "worker", TITLE, f"最近一次心跳在 {age:.0f} 秒前（超过 {limit:.0f} 秒）：任务进程可能已停止"
        )
    return ok("worker", TITLE, f"最近一次心跳在 {age:.0f} 秒前")
