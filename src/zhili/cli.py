"""The ``zhili`` command: one group per domain."""

from __future__ import annotations

import typer

from zhili.cli_groups import Lazy, lazy_group
from zhili.cli_support import console, friendly_errors, open_database
from zhili.kernel.logs import configure_logging
from zhili.settings import get_settings
from zhili.wiring import wire

# Every group and command but init and serve: where it lives (imported when used, zhili.cli_groups) and
# its help's first paragraph, which `zhili --help` lists without importing it (tests/test_cli.py keeps
# the two equal).
COMMANDS = {
    "users": Lazy("zhili.auth.cli:app", "用户与 API 密钥管理 (users)"),
    "divisions": Lazy("zhili.divisions.cli:app", "行政区划：导入、查询 (divisions)"),
    "units": Lazy("zhili.units.cli:app", "承办单位目录：加载、查询 (units)"),
    "audit": Lazy("zhili.audit.cli:app", "审计日志：校验哈希链、查看记录 (audit)"),
    "cases": Lazy("zhili.cases.cli:app", "诉求：时限巡检、历史数据导入 (cases)"),
    "knowledge": Lazy("zhili.knowledge.cli:app", "知识库：导入、列出、检索标准答复口径 (knowledge)"),
    "triage": Lazy("zhili.triage.cli:app", "智能分类：训练、评估与试用诉求分类模型 (triage)"),
    "keys": Lazy("zhili.kernel.cli:app", "密钥生成：会话密钥、个人信息加密密钥与审计链密钥 (keys)"),
    "analytics": Lazy("zhili.analytics.cli:app", "民生诉求数据库：分析库同步、预警回测、开放数据导出。"),
    "demo": Lazy("zhili.demo.cli:app", "演示数据：按北京市真实区划与单位生成合成诉求。"),
    "assess": Lazy("zhili.assessment.cli:app", "考核：三率计算、发布排名、导出、考核规则 (assess)"),
    "grid": Lazy("zhili.grid.cli:app", "网格化管理：生成网格 (grid)"),
    "community": Lazy("zhili.community.cli:app", "社区治理：志愿者统计等 (community)"),
    "plan": Lazy("zhili.plan.cli:app", "规划指标监测：计算、查看与评估报告 (plan)"),
    "doctor": Lazy(
        "zhili.ops.cli:doctor",
        "检查生产部署：密钥、数据库与迁移、时钟与时区、磁盘与目录、API 文档、HTTPS、任务进程。",
    ),
    "backup": Lazy(
        "zhili.ops.cli:backup",
        "备份数据库（PostgreSQL 用 pg_dump，SQLite 用其备份接口）、分析库、附件与模型到一个 tar 文件。",
    ),
    "restore": Lazy(
        "zhili.ops.cli:restore",
        "把备份恢复到当前配置的数据库与数据目录：校验每个文件的校验和、迁移版本与各表行数。",
    ),
    "jobs": Lazy("zhili.jobs.cli:app", "后台任务：检查任务队列、查看与重试失败的任务。"),
    "worker": Lazy(
        "zhili.jobs.cli:worker_command",
        "运行后台任务进程：从 PostgreSQL 任务队列领取并执行任务（定时巡检、数据同步等）。",
    ),
    "mediation": Lazy("zhili.mediation.cli:app", "矛盾纠纷多元化解：聚集预警回测。"),
    "petitions": Lazy("zhili.petitions.cli:app", "信访：办理时限巡检 (petitions)"),
    "suggestions": Lazy("zhili.suggestions.cli:app", "人民建议征集 (suggestions)"),
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
