"""``zhili assess``: compute and publish a period, show and export league tables, edit the rules."""

from __future__ import annotations

import time
from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from zhili.assessment import config, daily, periods, repository, service
from zhili.assessment.export import filename, to_csv, to_xlsx
from zhili.assessment.models import LEAGUE_LABELS, League
from zhili.cli_support import console, fail, friendly_errors, open_database
from zhili.settings import get_settings

app = typer.Typer(help="考核：三率计算、发布排名、导出、考核规则 (assess)", no_args_is_help=True)
config_app = typer.Typer(help="考核规则：查看与修改", no_args_is_help=True)
app.add_typer(config_app, name="config")

ACTOR = "cli"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2f}%"


def _period(month: str | None, start: str | None, end: str | None) -> periods.Period:
    return periods.resolve(month, start, end)


@app.command("run")
@friendly_errors
def run(
    month: str | None = typer.Option(None, help="考核月份，例如 2026-10。"),
    start: str | None = typer.Option(None, help="或：开始日期 YYYY-MM-DD（含）。"),
    end: str | None = typer.Option(None, help="结束日期 YYYY-MM-DD（含）。"),
    note: str | None = typer.Option(None, help="发布说明。"),
    top: int = typer.Option(5, min=0, help="每个类别显示前几名。"),
) -> None:
    """按当前考核规则计算考核期的三率并发布新版本（已发布的旧版本保持不变）。"""
    settings = get_settings()
    period = _period(month, start, end)
    database = open_database(settings)
    with database.session() as session:
        rules, rule_set_id = config.active_rules(session, settings)
        began = time.perf_counter()
        run_row, rows = service.publish(
            session,
            period,
            rules,
            ZoneInfo(settings.timezone),
            actor=ACTOR,
            rule_set_id=rule_set_id,
            note=note,
        )
        seconds = time.perf_counter() - began
        version, cases = run_row.version, run_row.case_count
    database.dispose()
    console.print(
        f"考核期 {period.label} 第 {version} 版已发布：{len(rows):,} 个单位，"
        f"{cases:,} 件诉求，用时 {seconds:.2f} 秒。"
    )
    for league in League:
        chosen = [r for r in rows if r.league == league]
        if not chosen:
            continue
        focus = [r.unit_name for r in chosen if r.focus]
        console.print(f"[bold]{LEAGUE_LABELS[league]}[/bold]：{len(chosen)} 个单位")
        for row in chosen[:top]:
            console.print(f"  {row.rank or '—'}. {row.unit_name} 综合 {row.composite}（{row.case_count} 件）")
        if focus:
            console.print(f"  治理类重点街乡：{'、'.join(focus)}")


@app.command("rebuild-daily")
@friendly_errors
def rebuild_daily() -> None:
    """从诉求重新统计按日汇总的考核数（绕过数据库触发器批量导入诉求之后运行）。"""
    settings = get_settings()
    database = open_database(settings)
    with database.session() as session:
        rows = daily.rebuild(session)
    database.dispose()
    console.print(f"已重新统计按日考核汇总：{rows:,} 行。")


@app.command("show")
@friendly_errors
def show(
    month: str | None = typer.Option(None, help="考核月份，例如 2026-10。"),
    start: str | None = typer.Option(None, help="或：开始日期。"),
    end: str | None = typer.Option(None, help="结束日期。"),
    league: League = typer.Option(League.street, help="类别：street/district_dept/city_dept/enterprise。"),
    version: int | None = typer.Option(None, min=1, help="版本；默认最新。"),
    limit: int = typer.Option(30, min=1, help="最多显示条数。"),
) -> None:
    """显示已发布的排名表。"""
    period = _period(month, start, end)
    database = open_database()
    with database.session(write=False) as session:
        run_row = repository.run_for(session, period, version)
        rows = repository.results(session, run_row.id, league)
        table = Table(
            "排名", "单位", "件数", "响应率", "解决率", "满意率", "报到率", "综合", "排名变化", "重点"
        )
        for row in rows[:limit]:
            table.add_row(
                str(row.rank or "—"),
                row.unit_name,
                str(row.case_count),
                _pct(row.response_rate),
                _pct(row.resolution_rate),
                _pct(row.satisfaction_rate),
                _pct(row.checkin_rate),
                "—" if row.composite is None else f"{row.composite:.2f}",
                "" if row.rank_change is None else f"{row.rank_change:+d}",
                "是" if row.focus else "",
            )
        title = f"{period.label} 第 {run_row.version} 版 {LEAGUE_LABELS[league]}"
    database.dispose()
    console.print(title)
    console.print(table)


@app.command("export")
@friendly_errors
def export(
    month: str | None = typer.Option(None, help="考核月份，例如 2026-10。"),
    start: str | None = typer.Option(None, help="或：开始日期。"),
    end: str | None = typer.Option(None, help="结束日期。"),
    format: str = typer.Option("xlsx", "--format", help="xlsx 或 csv。"),
    version: int | None = typer.Option(None, min=1, help="版本；默认最新。"),
    output: Path | None = typer.Option(None, help="输出文件；默认在当前目录按考核期命名。"),
) -> None:
    """导出已发布的排名（Excel 每类一张表并附考核规则；CSV 为 UTF-8 BOM，Excel 可直接打开）。"""
    if format not in ("xlsx", "csv"):
        raise fail(f"--format 只能是 xlsx 或 csv（收到：{format}）")
    period = _period(month, start, end)
    database = open_database()
    with database.session(write=False) as session:
        run_row = repository.run_for(session, period, version)
        rows = repository.results(session, run_row.id)
        body = to_csv(rows) if format == "csv" else to_xlsx(run_row, rows)
        target = output or Path(filename(run_row, format))
    database.dispose()
    target.write_bytes(body)
    console.print(f"已导出 {len(rows):,} 行到 {target}")


@config_app.command("show")
@friendly_errors
def config_show() -> None:
    """显示当前考核规则。"""
    settings = get_settings()
    database = open_database(settings)
    with database.session(write=False) as session:
        rules, rule_set_id = config.active_rules(session, settings)
    database.dispose()
    source = f"规则集 #{rule_set_id}" if rule_set_id else "默认（来自 ZHILI_ASSESSMENT_* 设置）"
    console.print(f"当前考核规则：{source}")
    for name, value in rules.model_dump().items():
        console.print(f"  {name} = {value}    # {config.FIELD_LABELS[name]}")


@config_app.command("set")
@friendly_errors
def config_set(
    assignments: list[str] = typer.Argument(..., help="一个或多个 名称=取值，例如 weight_response=0.3"),
    note: str | None = typer.Option(None, help="修改说明。"),
) -> None:
    """修改考核规则（保存为新的规则集，已发布的排名不受影响）。"""
    settings = get_settings()
    database = open_database(settings)
    with database.session() as session:
        current, _ = config.active_rules(session, settings)
        values: dict[str, object] = current.model_dump()
        for item in assignments:
            name, sep, value = item.partition("=")
            if not sep or name.strip() not in values:
                raise fail(f"未知的考核规则项：{name.strip() or item}（可用：{', '.join(values)}）")
            values[name.strip()] = value.strip()
        rules = config.Rules.model_validate(values)
        row = config.save_rules(session, rules, actor=ACTOR, note=note)
        rule_set_id = row.id
    database.dispose()
    console.print(f"已保存规则集 #{rule_set_id}。重新运行 zhili assess run 以按新规则发布新版本。")
