"""``zhili community``: community figures from the command line."""

from __future__ import annotations

import typer

from zhili.auth.service import system_actor
from zhili.cli_support import console, friendly_errors, open_database
from zhili.community.volunteers import repository as volunteers

app = typer.Typer(help="社区治理：志愿者统计等 (community)", no_args_is_help=True)
CLI_ACTOR = system_actor("cli")


@app.command("volunteer-stats")
@friendly_errors
def volunteer_stats(division: str = typer.Option("", help="行政区划编码前缀，缺省为全市。")) -> None:
    """注册志愿者人数、星级分布与占常住人口比例（目标 ≥ 21%）。"""
    with open_database().session(write=False) as session:
        stats = volunteers.stats(session, CLI_ACTOR, division)
    share = "无常住人口数据" if stats.share is None else f"{stats.share * 100:.2f}%"
    console.print(
        f"志愿者 {stats.volunteers:,} 人，常住人口 {stats.population:,} 人，占比 {share}（目标 ≥ 21%）"
    )
    console.print("星级分布：" + "，".join(f"{level}星 {n}" for level, n in stats.stars.items() if level))
