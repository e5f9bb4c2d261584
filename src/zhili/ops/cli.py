"""``zhili doctor``, ``zhili backup`` and ``zhili restore``: registered on the top-level command."""

from __future__ import annotations

import typer

from zhili.cli_support import console, err_console, friendly_errors

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
