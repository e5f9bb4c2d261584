"""``zhili worker`` (run jobs from the queue) and ``zhili jobs`` (probe the queue, failed jobs)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import typer
from sqlalchemy.exc import SQLAlchemyError

from zhili.cli_support import console, fail, friendly_errors, open_database
from zhili.jobs import failed
from zhili.settings import Settings, get_settings

app = typer.Typer(help="后台任务：检查任务队列、查看与重试失败的任务。", no_args_is_help=True)

DONE = {"succeeded", "failed", "cancelled", "aborted"}


def _queue_settings() -> Settings:
    settings = get_settings()
    if settings.jobs != "queue":
        raise fail(
            "未启用任务队列：请设置 ZHILI_JOBS=queue 与 PostgreSQL 的 ZHILI_DATABASE_URL。"
            "（默认 ZHILI_JOBS=inline 时，定时任务在 zhili serve 进程内运行，无需任务进程。）"
        )
    database = open_database(settings)
    try:
        with database.session(write=False) as session:
            ready = failed.has_queue(session)
    except SQLAlchemyError as exc:
        raise fail(
            f"无法连接数据库（{type(exc).__name__}）：请检查 ZHILI_DATABASE_URL 与数据库服务。"
        ) from None
    finally:
        database.dispose()
    if not ready:
        raise fail("数据库中没有任务队列的表：请先运行 zhili init（迁移数据库）。")
    return settings


@friendly_errors
def worker_command(
    concurrency: int = typer.Option(2, min=1, max=32, help="同时运行的任务数。"),
) -> None:
    """运行后台任务进程：从 PostgreSQL 任务队列领取并执行任务（定时巡检、数据同步等）。"""
    from zhili.jobs.worker import configure_logging, run_worker

    settings = _queue_settings()
    configure_logging()
    console.print(f"zhili 任务进程启动：同时运行 {concurrency} 个任务；Ctrl+C 停止。")
    run_worker(settings, concurrency)


@app.command("probe")
@friendly_errors
def probe_command(
    seconds: float = typer.Option(0.0, min=0, max=600, help="探针任务在任务进程中等待的秒数。"),
    timeout: float = typer.Option(60.0, min=1, help="最多等待任务完成的秒数。"),
    must_fail: bool = typer.Option(False, "--fail", help="让探针任务失败（检查重试与失败任务列表）。"),
) -> None:
    """向任务队列投递一个探针任务，并等待任务进程完成它（检查任务进程是否在工作）。"""
    from zhili.jobs.queue import build_queue

    settings = _queue_settings()
    queue = build_queue(settings)
    started = time.monotonic()
    with queue.open():
        job_id = queue.tasks["probe"].defer(seconds=seconds, fail=must_fail)
        status = "todo"
        while time.monotonic() - started < timeout + seconds and not must_fail:
            status = queue.job_manager.get_job_status(job_id).value
            if status in DONE:
                break
            time.sleep(0.2)
    took = time.monotonic() - started
    if must_fail:
        console.print(f"探针任务 {job_id} 已投递：重试用尽后将列入失败任务（zhili jobs failed）。")
        return
    if status != "succeeded":
        raise fail(
            f"探针任务 {job_id} 未在 {timeout + seconds:.0f} 秒内完成（状态：{status}）：任务进程是否在运行？"
        )
    console.print(f"[green]探针任务 {job_id} 已由任务进程完成，用时 {took:.2f} 秒。[/green]")


@app.command("failed")
@friendly_errors
def failed_command() -> None:
    """列出重试用尽仍失败的任务。"""
    settings = get_settings()
    database = open_database(settings)
    try:
        with database.session(write=False) as session:
            jobs = failed.list_failed(session)
    finally:
        database.dispose()
    if not jobs:
        console.print("没有失败的任务。")
    for job in jobs:
        at = job.failed_at.astimezone(UTC) if job.failed_at else None
        when = f"{at:%Y-%m-%d %H:%M:%S} UTC" if at else "—"
        console.print(f"{job.id}\t{job.label}\t已尝试 {job.attempts} 次\t{when}")


@app.command("retry")
@friendly_errors
def retry_command(job_id: int = typer.Argument(..., min=1, help="失败任务的编号。")) -> None:
    """重新运行一个失败的任务。"""
    settings = _queue_settings()
    database = open_database(settings)
    try:
        with database.session(write=True) as session:
            job = failed.retry(session, settings, job_id, actor="cli")
    finally:
        database.dispose()
    console.print(
        f"[green]任务 {job.id}（{job.label}）已重新排队（{datetime.now(UTC):%H:%M:%S} UTC）。[/green]"
    )
