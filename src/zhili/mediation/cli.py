"""``zhili mediation``: backtest the 矛盾纠纷聚集预警."""

from __future__ import annotations

import json
from datetime import date

import typer

from zhili.cli_support import console, friendly_errors, open_database
from zhili.settings import get_settings

app = typer.Typer(help="矛盾纠纷多元化解：聚集预警回测。", no_args_is_help=True)


@app.command("backtest")
@friendly_errors
def backtest_command(
    seed: int = typer.Option(7, "--seed", help="随机种子（打乱与植入聚集）。"),
    communities: int = typer.Option(300, "--communities", min=1, max=20000, help="合成数据的社区数。"),
    days: int = typer.Option(365, "--days", min=90, max=3660, help="回测天数。"),
) -> None:
    """回测聚集预警：合成数据与业务库各跑三遍（原样、打乱日期、植入聚集），与未诉先办预警的回测相同。"""
    from zoneinfo import ZoneInfo

    from zhili.kernel.clock import local_today
    from zhili.mediation import clusters_backtest

    settings = get_settings()
    results = {"synthetic": clusters_backtest.synthetic(seed, communities, days)}
    end: date = local_today(settings.timezone)
    with open_database(settings).session(write=False) as session:
        results["database"] = clusters_backtest.database(
            session, ZoneInfo(settings.timezone), end, days, seed
        )
    console.print_json(json.dumps(results, ensure_ascii=False, default=str))
