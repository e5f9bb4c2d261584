"""``zhili cases import FILE``: load historical cases from a legacy system, with a progress bar.

The command owns the transaction: it commits the run's started audit entry before the first batch and
then after every batch, so a crash keeps the batches already done (and the started entry, without a
finished one) and loses only the one in flight; running the same command again resumes (rows already
imported are skipped). With ``--initial-load`` the whole file is one transaction (see ``importer_indexes``).
Exit code 0 when every row was imported or skipped, 3 when some rows were refused.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from zhili.cases.context import CaseContext
from zhili.cases.importer.service import (
    DEFAULT_BATCH,
    BatchResult,
    ImportReport,
    import_cases,
    record_failure,
)
from zhili.cli_support import console, fail, friendly_errors, open_database
from zhili.db import WRITE_OPTION
from zhili.errors import ZhiliError
from zhili.settings import get_settings

CLI_ACTOR = "cli"
REFUSED_EXIT = 3


class RowsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} 行/秒" if speed else "— 行/秒", style="progress.data.speed")


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RowsPerSecond(),
        TextColumn("导入 {task.fields[accepted]:,} · 拒绝 {task.fields[refused]:,}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _begin_write(session: Session) -> None:
    # SQLite: take the write lock up front (BEGIN IMMEDIATE) for every batch's transaction.
    session.connection(execution_options={WRITE_OPTION: True})


def import_command(
    file: Path = typer.Argument(..., help="要导入的文件：.csv、.xlsx 或 .parquet（首行为表头）。"),
    batch_size: int = typer.Option(
        DEFAULT_BATCH, "--batch-size", min=100, max=200_000, help="每批行数；每批一个事务。"
    ),
    encoding: str = typer.Option("utf-8", help="CSV 文本编码，例如 utf-8、gbk。"),
    initial_load: bool = typer.Option(
        False,
        "--initial-load",
        help="首次迁移专用：先删除二级索引和外键、导入后一次重建（PostgreSQL 上更快）。整个文件为一个事务，"
        "期间诉求表被锁定，系统投入使用后请勿使用。",
    ),
) -> None:
    """从旧系统批量导入历史诉求（含最终状态与各环节时间）。

    被拒绝的行写入 FILE.rejects.csv（行号、列、原因，不含个人信息）。重复运行同一文件会跳过已导入的行，
    因此中断后重新运行即可继续。列格式见 zhili.cases.importer.service 模块说明或 README。
    """
    _run(file, batch_size, encoding, initial_load)


@friendly_errors
def _run(file: Path, batch_size: int, encoding: str, initial_load: bool) -> None:
    settings = get_settings()
    database = open_database(settings)
    ctx = CaseContext.for_settings(settings)
    session = database.open_session(write=True)
    total: dict[str, int] = {"accepted": 0, "refused": 0, "batches": 0}
    started: list[str] = []  # the run id, once its started entry is committed
    try:
        with _progress() as progress:
            task = progress.add_task(f"导入 {file.name}", total=None, accepted=0, refused=0)

            def on_start(estimate: int | None) -> None:
                progress.update(task, total=estimate)

            def after_started(run: str) -> None:
                # The started entry is committed before the first batch: a run killed part-way
                # leaves it, without a finished entry, beside the batches it committed.
                session.commit()
                _begin_write(session)
                started.append(run)

            def after_batch(result: BatchResult) -> None:
                if not initial_load:  # an initial load is one transaction, committed at the end
                    session.commit()
                    _begin_write(session)
                total["accepted"] += result.accepted
                total["refused"] += result.refused
                total["batches"] += 1
                progress.update(
                    task, advance=result.rows, accepted=total["accepted"], refused=total["refused"]
                )

            report = import_cases(
                session,
                ctx,
                file,
                actor=CLI_ACTOR,
                batch_size=batch_size,
                encoding=encoding,
                after_batch=after_batch,
                on_start=on_start,
                after_started=after_started,
                initial_load=initial_load,
            )
            progress.update(task, total=report.rows, completed=report.rows)
        session.commit()
    except (ZhiliError, SQLAlchemyError, KeyboardInterrupt) as exc:
        session.rollback()
        _audit_failure(session, file, exc, started)
        if isinstance(exc, SQLAlchemyError):
            kind = type(getattr(exc, "orig", None) or exc).__name__
            raise fail(
                f"导入中断：数据库错误（{kind}）。已完成的批次已保存，重新运行同一命令即可从中断处继续。"
            ) from None
        raise
    finally:
        session.close()
        database.dispose()
    _summary(report)
    if report.refused:
        raise typer.Exit(REFUSED_EXIT)


def _audit_failure(session: Session, file: Path, exc: BaseException, started: list[str]) -> None:
    if not started:
        return  # the file could not be opened: nothing was started, no trace needed
    try:
        record_failure(session, file, CLI_ACTOR, type(exc).__name__, started[0])
        session.commit()
    except SQLAlchemyError:
        session.rollback()


def _summary(report: ImportReport) -> None:
    console.print(
        f"读取 {report.rows:,} 行：[green]导入 {report.accepted:,}[/green]，"
        f"跳过（此前已导入）{report.skipped:,}，[red]拒绝 {report.refused:,}[/red]；"
        f"用时 {report.seconds:.1f} 秒，{report.rows_per_second:,.0f} 行/秒。"
    )
    if report.rejects is not None:
        console.print(f"被拒绝的行及原因：{report.rejects}")
    if report.ignored_columns:
        console.print(f"已忽略无法识别的列：{'、'.join(report.ignored_columns)}")
