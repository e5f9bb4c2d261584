"""``zhili triage``: train, evaluate and try the demand classifiers (分类模型)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from zhili.cli_support import console, friendly_errors, open_database
from zhili.errors import ValidationFailed
from zhili.settings import get_settings
from zhili.triage.datasets import DEFAULT_SEED, load_labelled

# scikit-learn is imported inside the commands, so that `zhili --help` and other groups stay quick.
if TYPE_CHECKING:
    from zhili.triage.evaluation import Metrics

app = typer.Typer(help="智能分类：训练、评估与试用诉求分类模型 (triage)", no_args_is_help=True)

KIND_HELP = "模型种类：category（诉求分类）或 demand_type（诉求性质：咨询/求助/投诉/举报/建议/表扬）。"
DATA_HELP = "带标签的历史数据文件（CSV / XLSX / Parquet），可重复指定多个。"
TEXT_HELP = "文本列，逗号分隔；文件中有哪些列就拼接哪些（例如只有 title 的文件也可以）。"
MODEL_DIR_HELP = "模型目录；默认为 <ZHILI_DATA_DIR>/models。"


def _root(model_dir: Path | None) -> Path:
    return model_dir if model_dir is not None else get_settings().data_dir / "models"


def _columns(text_columns: str) -> list[str]:
    return [c.strip() for c in text_columns.split(",") if c.strip()]


def _print_metrics(metrics: Metrics) -> None:
    protocol = metrics.protocol
    if protocol.get("method") == "holdout":
        how = (
            f"分层留出 {protocol['test_size']:.0%}"
            f"（训练 {protocol['train_n']} 条，随机种子 {protocol['seed']}）"
        )
    elif protocol.get("method") == "cv":
        folds = "、".join(f"{f:.4f}" for f in protocol["fold_macro_f1"])
        how = f"{protocol['folds']} 折分层交叉验证（各折 macro-F1：{folds}）"
        if protocol.get("sparse_classes"):
            sparse = "、".join(protocol["sparse_classes"])
            console.print(
                f"[yellow]注意：[/yellow]类别 {sparse} 的样本少于折数，部分折的测试集中没有它们。",
                soft_wrap=True,
            )
    else:
        how = "已保存的模型"
    console.print(f"评估方式：{how}；评估样本 {metrics.n} 条", soft_wrap=True)
    console.print(f"[bold]macro-F1：{metrics.macro_f1:.4f}    准确率：{metrics.accuracy:.4f}[/bold]")
    table = Table("类别", "精确率", "召回率", "F1", "样本数", title="各类别指标")
    for label, m in metrics.per_class.items():
        table.add_row(label, f"{m.precision:.4f}", f"{m.recall:.4f}", f"{m.f1:.4f}", str(m.support))
    console.print(table)
    confusion = Table("真实＼预测", *[str(i + 1) for i in range(len(metrics.labels))], title="混淆矩阵")
    for i, (label, row) in enumerate(zip(metrics.labels, metrics.confusion, strict=True)):
        confusion.add_row(f"{i + 1} {label}", *[str(v) for v in row])
    console.print(confusion)


@app.command()
@friendly_errors
def train(
    data: list[Path] = typer.Option(None, "--data", help=DATA_HELP),
    from_db: bool = typer.Option(
        False, "--from-db", help="从数据库学习：已办结诉求的分类，调度员改派的分类作为更正。"
    ),
    text_columns: str = typer.Option("title,body", "--text-columns", help=TEXT_HELP),
    label_column: str = typer.Option("label", "--label-column", help="标签列名。"),
    model_dir: Path | None = typer.Option(None, "--model-dir", help=MODEL_DIR_HELP),
    kind: str = typer.Option("category", "--kind", help=KIND_HELP),
    holdout: float = typer.Option(
        0.2, "--holdout", min=0.0, max=0.5, help="先按此比例分层留出评估并写入 meta.json；0 表示不评估。"
    ),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", help="划分数据的随机种子。"),
    no_activate: bool = typer.Option(False, "--no-activate", help="只保存新版本，不设为当前模型。"),
) -> None:
    """从历史数据文件或数据库训练分类模型，保存为新版本并（默认）设为当前模型。"""
    from zhili.triage.training import TrainResult, train_from_db, train_from_files

    if bool(data) == from_db:
        raise ValidationFailed("请指定 --data 文件或 --from-db 中的一种。", field="data")
    result: TrainResult
    if from_db:
        if kind != "category":
            raise ValidationFailed("--from-db 目前只训练诉求分类模型（--kind category）。", field="kind")
        database = open_database()
        try:
            with database.session(write=False) as session:
                result = train_from_db(
                    session, root=_root(model_dir), holdout=holdout, seed=seed, activate=not no_activate
                )
        finally:
            database.dispose()
    else:
        result = train_from_files(
            data,
            kind=kind,
            root=_root(model_dir),
            text_columns=_columns(text_columns),
            label_column=label_column,
            holdout=holdout,
            seed=seed,
            activate=not no_activate,
        )
    if result.metrics is not None:
        m = result.metrics
        console.print(f"留出评估：macro-F1 {m.macro_f1:.4f}，准确率 {m.accuracy:.4f}（{m.n} 条）")
    state = "已设为当前模型" if not no_activate else "未启用"
    console.print(
        f"[green]训练完成：[/green]{result.kind} 版本 {result.version}（{result.n} 条，"
        f"{result.seconds:.1f} 秒，{state}）→ {result.path}",
        soft_wrap=True,
    )


@app.command()
@friendly_errors
def evaluate(
    data: list[Path] = typer.Option(..., "--data", help=DATA_HELP),
    text_columns: str = typer.Option("title,body", "--text-columns", help=TEXT_HELP),
    label_column: str = typer.Option("label", "--label-column", help="标签列名。"),
    model_dir: Path | None = typer.Option(None, "--model-dir", help=MODEL_DIR_HELP + "（配合 --active）"),
    kind: str = typer.Option("category", "--kind", help=KIND_HELP),
    split: float = typer.Option(0.2, "--split", help="分层留出的测试比例（去重后划分）。"),
    cv: int = typer.Option(0, "--cv", min=0, help="改用 K 折分层交叉验证，例如 5。"),
    active: bool = typer.Option(False, "--active", help="不重新训练：用当前模型评估全部数据。"),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", help="划分数据的随机种子。"),
    as_json: bool = typer.Option(False, "--json", help="最后一行输出 JSON：macro_f1、accuracy、n。"),
) -> None:
    """评估分类效果：macro-F1、准确率、各类别精确率/召回率/F1 与混淆矩阵。"""
    if active and cv:
        raise ValidationFailed("--active 与 --cv 不能同时使用。", field="cv")
    from zhili.triage import model_store
    from zhili.triage.evaluation import cross_validate, evaluate_model, evaluate_split

    model_store.check_kind(kind)
    loaded = load_labelled(data, _columns(text_columns), label_column)
    console.print(
        f"数据：{len(loaded.files)} 个文件，读取 {sum(f.rows for f in loaded.files)} 行，"
        f"去重 {loaded.duplicates_removed} 条，可用 {len(loaded.texts)} 条，"
        f"{len(loaded.class_counts())} 个类别"
    )
    if active:
        model = model_store.load_active_from(_root(model_dir), kind)
        metrics = evaluate_model(model, loaded.texts, loaded.labels)
    elif cv:
        metrics = cross_validate(loaded.texts, loaded.labels, folds=cv, seed=seed)
    else:
        metrics = evaluate_split(loaded.texts, loaded.labels, test_size=split, seed=seed)
    _print_metrics(metrics)
    if as_json:
        line = {
            "macro_f1": round(metrics.macro_f1, 4),
            "accuracy": round(metrics.accuracy, 4),
            "n": metrics.n,
        }
        typer.echo(json.dumps(line, ensure_ascii=False))


@app.command()
@friendly_errors
def predict(
    text: str = typer.Argument(..., help="诉求文本（标题与正文均可）。"),
    kind: str = typer.Option("category", "--kind", help=KIND_HELP),
    model_dir: Path | None = typer.Option(None, "--model-dir", help=MODEL_DIR_HELP),
    k: int = typer.Option(3, "-k", "--top", min=1, help="显示前几个候选。"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON。"),
) -> None:
    """用当前模型预测一条诉求，列出前 3 个候选及概率（尚无模型时用分类关键词冷启动）。"""
    from zhili.triage import model_store

    if not text.strip():
        raise ValidationFailed("请输入要分类的诉求文本。", field="text")
    root = _root(model_dir)
    version = model_store.active_version(root, kind)
    model = model_store.load_active_from(root, kind)
    source = version if version and not getattr(model, "cold_start", False) else "冷启动关键词"
    ranked = model.top_k(text, k)
    if as_json:
        typer.echo(
            json.dumps(
                {"model": source, "top": [[label, round(p, 4)] for label, p in ranked]}, ensure_ascii=False
            )
        )
        return
    console.print(f"模型：{source}")
    for rank, (label, probability) in enumerate(ranked, start=1):
        console.print(f"{rank}. {label}\t{probability:.1%}")


@app.command("models")
@friendly_errors
def list_models(
    kind: str = typer.Option("category", "--kind", help=KIND_HELP),
    model_dir: Path | None = typer.Option(None, "--model-dir", help=MODEL_DIR_HELP),
) -> None:
    """列出已保存的模型版本及其评估指标，* 为当前模型。"""
    from zhili.triage import model_store

    root = _root(model_dir)
    current = model_store.active_version(root, kind)
    versions = model_store.list_versions(root, kind)
    if not versions:
        console.print("还没有训练过的模型（预测时使用分类关键词冷启动）。")
        return
    table = Table("", "版本", "样本数", "类别数", "macro-F1", "准确率")
    for meta in versions:
        metrics = meta.get("metrics") or {}
        table.add_row(
            "*" if meta.get("version") == current else "",
            str(meta.get("version")),
            str((meta.get("training") or {}).get("rows_used", "")),
            str(len(meta.get("labels") or [])),
            str(metrics.get("macro_f1", "—")),
            str(metrics.get("accuracy", "—")),
        )
    console.print(table)


@app.command()
@friendly_errors
def activate(
    version: str = typer.Argument(..., help="要启用的版本号（见 zhili triage models）。"),
    kind: str = typer.Option("category", "--kind", help=KIND_HELP),
    model_dir: Path | None = typer.Option(None, "--model-dir", help=MODEL_DIR_HELP),
) -> None:
    """把某个已保存的版本设为当前模型；运行中的服务无需重启即会切换。"""
    from zhili.triage import model_store

    model_store.activate_version(_root(model_dir), kind, version)
    console.print(f"[green]已启用[/green] {kind} 模型版本 {version}。")


@app.command("backfill")
@friendly_errors
def backfill_command(
    limit: int | None = typer.Option(None, "--limit", min=1, help="最多处理多少件（默认全部）。"),
) -> None:
    """为已派单但没有分流建议的诉求（历史导入、演示数据）补做建议，并与实际派单比对记录（可重复运行）。"""
    from zhili.cases.context import CaseContext
    from zhili.triage.history import backfill

    settings = get_settings()
    database = open_database(settings)
    try:
        with database.session() as session:
            done, overridden = backfill(session, CaseContext.for_settings(settings), limit)
    finally:
        database.dispose()
    console.print(f"补做分流建议 {done:,} 件，其中实际派单与建议不同（改派）{overridden:,} 件。")


@app.command("overrides")
@friendly_errors
def overrides_command(
    since: str = typer.Option("", "--since", help="起始日期（含），如 2025-01-01；默认不限。"),
    until: str = typer.Option("", "--until", help="结束日期（含）；默认不限。"),
    top: int = typer.Option(10, "--top", min=1, help="每张表显示改派率最高的前几行。"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON（全部行）。"),
) -> None:
    """改派率报告：按建议的分类、按建议的承办单位统计调度员改派的比例（与 /triage/overrides 相同）。"""
    from datetime import date
    from zoneinfo import ZoneInfo

    from zhili.auth.service import system_actor
    from zhili.triage.report import override_report

    def day(text: str, field: str) -> date | None:
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            raise ValidationFailed("日期格式应为 2025-01-31", field=field) from None

    settings = get_settings()
    database = open_database(settings)
    try:
        with database.session(write=False) as session:
            found = override_report(
                session,
                system_actor("cli"),
                ZoneInfo(settings.timezone),
                day(since, "since"),
                day(until, "until"),
            )
    finally:
        database.dispose()
    if as_json:
        typer.echo(found.model_dump_json())
        return
    console.print(
        f"派单决定 {found.decisions:,} 件，改派 {found.overrides:,} 件，改派率 {found.rate:.1%}"
        f"（自动派单 {found.auto_dispatched:,} 件不计入）"
    )
    for title, rows in (("按建议的分类", found.by_category), ("按建议的承办单位", found.by_unit)):
        table = Table("建议", "编码", "决定", "改派", "改派率", title=title)
        for row in rows[:top]:
            table.add_row(row.name, row.code or "", str(row.decisions), str(row.overrides), f"{row.rate:.1%}")
        console.print(table)


if __name__ == "__main__":
    app()
