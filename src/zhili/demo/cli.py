"""``zhili demo``: synthetic Beijing data for demonstrations and benchmarks."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from zhili.cli_support import console, fail, friendly_errors
from zhili.settings import get_settings

app = typer.Typer(help="演示数据：按北京市真实区划与单位生成合成诉求。", no_args_is_help=True)


@app.command("generate")
@friendly_errors
def generate(
    cases: int = typer.Option(100_000, "--cases", min=1, max=200_000_000, help="诉求条数。"),
    year: int = typer.Option(2025, "--year", min=2000, max=2100, help="年份。"),
    seed: int = typer.Option(1, "--seed", help="随机种子（相同种子生成相同数据）。"),
    out: Path | None = typer.Option(None, "--out", help="写入一个导入格式的 Parquet 文件（不含个人信息）。"),
    into_db: bool = typer.Option(
        False,
        "--into-db",
        help="经 `zhili cases import` 导入业务数据库，并生成同年的信访、矛盾纠纷和人民建议。",
    ),
    store: bool = typer.Option(False, "--store", help="直接写入分析库的 Parquet 布局（基准测试用）。"),
    bursts: int | None = typer.Option(None, "--bursts", min=0, help="植入的突发事件数（默认按规模）。"),
) -> None:
    """生成一年的合成诉求：人口加权的位置、分区类别结构、季节与周周期、节假日、重复地址与植入突发。

    植入的突发事件记录在旁路文件 *.bursts.json 中，供预警回测使用。
    """
    from zhili.demo.generator import YearGenerator
    from zhili.demo.writers import to_import_file, to_store, write_bursts

    if sum([out is not None, into_db, store]) != 1:
        raise fail("请且只请选择一种输出：--out FILE.parquet、--into-db 或 --store")
    settings = get_settings()
    console.print(f"准备 {year} 年 {cases:,} 条合成诉求（种子 {seed}）…")
    gen = YearGenerator(cases, year, seed, bursts=bursts)
    with Progress(
        TextColumn("[bold]生成"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as bar:
        task = bar.add_task("生成", total=cases)

        def advance(n: int) -> None:
            bar.advance(task, n)

        if store:
            from zhili.analytics.service import store_for

            target = store_for(settings)
            total = to_store(gen, target, advance)
            sidecar = target.root / "_bursts.json"
        elif out is not None:
            total = to_import_file(gen, out, advance)
            sidecar = out.with_suffix(".bursts.json")
        else:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "demo.parquet"
                total = to_import_file(gen, path, advance, with_phones=True)
                bar.stop()
                from zhili.cases.importer.cli import import_command

                console.print("导入业务数据库…")
                try:
                    import_command(path, 20_000, "utf-8", False)
                except typer.Exit as exc:
                    if exc.exit_code not in (0, None):
                        raise
            # Beside the demands, the year's 信访, 矛盾纠纷 and 人民建议 (volumes in their modules).
            from zhili.demo.channels import seed_demo_channels
            from zhili.demo.suggestions import seed_suggestions

            seed_demo_channels(year)
            console.print(f"演示人民建议 {seed_suggestions(year, seed):,} 件。")
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            sidecar = settings.data_dir / f"demo-{year}.bursts.json"
    write_bursts(gen, sidecar)
    console.print(f"[green]已生成 {total:,} 条。[/green]突发事件 {len(gen.bursts)} 个：{sidecar}")
