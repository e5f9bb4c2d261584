"""The ``zhili`` command: one group per domain."""

from __future__ import annotations

import typer

from zhili.cli_groups import lazy_group
from zhili.cli_support import console, friendly_errors, open_database
from zhili.kernel.logs import configure_logging
from zhili.settings import get_settings
from zhili.wiring import wire

# Every group and command but init and serve, by where it lives (imported when used: zhili.cli_groups).
COMMANDS = {
    "users": "zhili.auth.cli:app",
    "divisions": "zhili.divisions.cli:app",
    "units": "zhili.units.cli:app",
    "audit": "zhili.audit.cli:app",
    "cases": "zhili.cases.cli:app",
    "knowledge": "zhili.knowledge.cli:app",
    "triage": "zhili.triage.cli:app",
    "keys": "zhili.kernel.cli:app",
    "analytics": "zhili.analytics.cli:app",
    "demo": "zhili.demo.cli:app",
    "assess": "zhili.assessment.cli:app",
    "grid": "zhili.grid.cli:app",
    "community": "zhili.community.cli:app",
    "plan": "zhili.plan.cli:app",
    "doctor": "zhili.ops.cli:doctor",
    "backup": "zhili.ops.cli:backup",
    "restore": "zhili.ops.cli:restore",
    "jobs": "zhili.jobs.cli:app",
    "worker": "zhili.jobs.cli:worker_command",
    "mediation": "zhili.mediation.cli:app",
    "petitions": "zhili.petitions.cli:app",
    "suggestions": "zhili.suggestions.cli:app",
}

app = typer.Typer(
    cls=lazy_group(COMMANDS),
    help="治理 zhili：城市社会治理平台命令行。先运行 `zhili init`，再运行 `zhili serve`。",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _logging() -> None:
    """Every command logs through zhili's configuration (text or JSON, personal data masked), with the
    domains wired to each other as in the server (``zhili.wiring``)."""
    wire()
    try:
        settings = get_settings()
    except Exception:  # unsafe or invalid settings: the command itself says what is wrong
        return
    configure_logging(settings)


@app.command()
@friendly_errors
def init(
    demo: bool = typer.Option(False, "--demo", help="同时创建演示账号（坐席、派单员、街道等）。"),
    demo_cases: int = typer.Option(
        0, "--demo-cases", min=0, help="库中尚无诉求时，生成这么多条演示诉求并同步分析库、发布考核。"
    ),
) -> None:
    """迁移数据库到最新版本，导入北京市行政区划与单位目录，并创建管理员（可重复运行）。"""
    from zhili.bootstrap import initialise
    from zhili.demo.seed import has_cases, seed_demo_cases

    settings = get_settings()
    database = open_database(settings)
    console.print(f"数据库：{_redacted(database.url)}")
    report = initialise(database, demo=demo)
    wants_cases = demo_cases > 0 and not has_cases(database)
    database.dispose()
    if wants_cases:
        seed_demo_cases(demo_cases)
    console.print(f"行政区划：{report.divisions_loaded:,} 条；新增单位：{report.units_added:,} 个")
    if report.existing_admin:
        console.print("管理员账号已存在（如忘记密码：zhili users reset-password admin）。")
    for username, password in report.new_passwords.items():
        console.print(
            f"[bold]账号 {username} 的一次性密码：[green]{password}[/green][/bold]（首次登录后须修改）"
        )
    console.print("[green]初始化完成。[/green]")


@app.command()
@friendly_errors
def serve(
    host: str = typer.Option("127.0.0.1", help="监听地址。"),
    port: int = typer.Option(8000, help="监听端口。"),
    workers: int = typer.Option(1, min=1, help="工作进程数。"),
    reload: bool = typer.Option(False, help="代码变更时自动重启（开发用）。"),
    access_log: bool = typer.Option(True, help="输出访问日志。"),
) -> None:
    """启动 Web 与 API 服务。"""
    from zhili.serving import serve as run_server

    settings = get_settings()  # refuse unsafe production settings before binding the port
    console.print(f"zhili 服务地址：http://{host}:{port}")
    run_server(settings, host=host, port=port, workers=workers, reload=reload, access_log=access_log)


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    app()
