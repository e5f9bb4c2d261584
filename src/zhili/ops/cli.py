"""``zhili doctor``, ``zhili backup`` and ``zhili restore``: registered on the top-level command."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from zhili.cli_support import console, err_console, friendly_errors, open_database
from zhili.settings import get_settings

KEY_WARNING = (
    "[yellow]注意：备份不包含个人信息加密密钥 ZHILI_DATA_KEY（也不含会话密钥）。"
    "请将密钥另行离线保管（与备份分开存放）；没有它，恢复后的姓名、电话、证件号无法解密。[/yellow]"
)


@friendly_errors
def doctor(
    min_free_gb: float = typer.Option(1.0, "--min-free-gb", min=0, help="数据目录所在磁盘至少剩余多少 GB。"),
    skip: list[str] = typer.Option(
        [], "--skip", help="跳过某项检查（可重复），例如 --skip worker（单机部署无独立任务进程）。"
    ),
) -> None:
    """检查生产部署：密钥、数据库与迁移、时钟与时区、磁盘与目录、API 文档、HTTPS、任务进程。

    每项显示 ✓ 或 ✗；有失败项时以非零状态退出。
    """
    from zhili.ops.doctor.report import lines
    from zhili.ops.doctor.run import read_settings, run_checks

    settings = read_settings()
    checks = (
        settings if isinstance(settings, list) else run_checks(settings, min_free_gb=min_free_gb, skip=skip)
    )
    for line in lines(checks):
        console.print(line)
    failures = [c for c in checks if c.failed]
    if failures:
        err_console.print(f"[red]共 {len(failures)} 项未通过[/red]（{len(checks)} 项检查）。")
        raise typer.Exit(1)
    console.print(f"[green]全部通过[/green]（{len(checks)} 项检查）。")


@friendly_errors
def backup(
    out: Path | None = typer.Option(
        None, "--out", "-o", help="备份文件路径；默认当前目录下 zhili-backup-<时间>.tar。"
    ),
    lock_wait: float = typer.Option(
        600, "--lock-wait", min=0, help="分析库正在同步时最多等待多少秒（其后放弃，以非零状态退出）。"
    ),
) -> None:
    """备份数据库（PostgreSQL 用 pg_dump，SQLite 用其备份接口）、分析库、附件与模型到一个 tar 文件。

    备份附带清单（版本、迁移版本、各表行数、每个文件的 SHA-256），不包含任何密钥。
    """
    from zhili.ops.backup import service

    settings = get_settings()
    target = out or Path(f"zhili-backup-{datetime.now(UTC):%Y%m%d-%H%M%S}.tar")
    database = open_database(settings)
    try:
        manifest = service.create(settings, database, target, lock_wait_s=lock_wait)
    finally:
        database.dispose()
    size = target.stat().st_size / 2**20
    console.print(f"[green]备份完成[/green]：{target}（{size:,.1f} MB，{len(manifest.files):,} 个文件）")
    head, counts = ", ".join(manifest.migration_head), manifest.counts
    console.print(
        f"数据库：{manifest.backend} {manifest.database_version}；迁移版本 {head}；"
        f"诉求 {counts.get('cases', 0):,} 条，审计记录 {counts.get('audit_entries', 0):,} 条"
    )
    console.print(KEY_WARNING)


@friendly_errors
def restore(
    archive: Path = typer.Argument(..., exists=True, dir_okay=False, help="zhili backup 生成的 tar 文件。"),
    force: bool = typer.Option(False, "--force", help="目标数据库或目录非空时仍覆盖（先清空）。"),
) -> None:
    """把备份恢复到当前配置的数据库与数据目录：校验每个文件的校验和、迁移版本与各表行数。

    目标非空时拒绝恢复，除非加 --force。恢复后须配置备份时的 ZHILI_DATA_KEY（备份中没有）。
    """
    from zhili.ops.backup import service

    settings = get_settings()
    database = open_database(settings)
    try:
        restored = service.restore(settings, database, archive, force=force)
    finally:
        database.dispose()
    manifest = restored.manifest
    head = ", ".join(manifest.migration_head)
    console.print(
        f"[green]恢复完成[/green]：备份时间 {manifest.created_at}；迁移版本 {head}；"
        f"诉求 {manifest.counts.get('cases', 0):,} 条；{len(manifest.files):,} 个文件校验通过"
    )
    if restored.key_matches:
        console.print("当前 ZHILI_DATA_KEY 与备份时一致，个人信息可以解密。")
    else:
        err_console.print(
            "[red]警告：当前 ZHILI_DATA_KEY 与备份时不同[/red]：请配置备份时的密钥，否则个人信息无法解密。"
        )
    console.print(KEY_WARNING)
