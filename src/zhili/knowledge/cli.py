"""``zhili knowledge``: import, list and search the knowledge base (知识库)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from zhili.cli_support import console, err_console, fail, friendly_errors, open_database
from zhili.knowledge import repository, search, service

app = typer.Typer(help="知识库：导入、列出、检索标准答复口径 (knowledge)", no_args_is_help=True)

CLI_ACTOR = "cli"
MAX_ERRORS_SHOWN = 50


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command("import")
@friendly_errors
def import_csv(
    file: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        readable=True,
        help="CSV 文件：question,answer,category,keywords,source",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="只检查，不写入数据库。"),
) -> None:
    """从 CSV 导入知识库条目（UTF-8 或 GB18030；问题相同的条目会被更新）。任何一行有误则全部不写入。"""
    rows, errors = service.parse_csv(service.decode(file.read_bytes()))
    if not rows and not errors:
        raise fail("CSV 中没有任何条目。")
    database = open_database()
    try:
        with database.session() as session:
            report = service.import_entries(session, CLI_ACTOR, rows) if not errors else None
            problems = errors or (report.errors if report else [])
            if problems or dry_run:
                session.rollback()
    finally:
        database.dispose()
    if problems:
        for problem in problems[:MAX_ERRORS_SHOWN]:
            err_console.print(f"  {problem}")
        if len(problems) > MAX_ERRORS_SHOWN:
            err_console.print(f"  ……另有 {len(problems) - MAX_ERRORS_SHOWN} 处问题")
        raise fail(f"CSV 有 {len(problems)} 处问题，未导入任何条目。")
    assert report is not None
    prefix = "检查通过（未写入）：将" if dry_run else "导入完成："
    console.print(f"{prefix}新增 {report.added} 条，更新 {report.updated} 条，未变 {report.unchanged} 条。")


@app.command("list")
@friendly_errors
def list_entries(
    q: str | None = typer.Option(None, help="在问题、关键词、答复中查找（原文包含）。"),
    category: str | None = typer.Option(None, help="分类编码前缀，例如 0101（住房保障）。"),
    include_inactive: bool = typer.Option(False, "--all", help="包括已停用的条目。"),
    limit: int = typer.Option(50, min=1, max=5000, help="最多显示条数。"),
) -> None:
    """列出知识库条目。"""
    database = open_database()
    try:
        with database.session(write=False) as session:
            rows, total = repository.list_entries(
                session, q=q, category_prefix=category, include_inactive=include_inactive, limit=limit
            )
            table = Table("编号", "问题", "分类", "关键词", "状态")
            for row in rows:
                entry = row.entry
                table.add_row(
                    str(entry.id),
                    _short(entry.question),
                    f"{row.category_code} {row.category_name}" if row.category_code else "",
                    _short(entry.keywords.replace(";", "、"), 24),
                    "启用" if entry.active else "停用",
                )
    finally:
        database.dispose()
    console.print(table)
    console.print(f"共 {total:,} 条，显示 {len(rows)} 条。")


@app.command("search")
@friendly_errors
def search_entries(
    query: str = typer.Argument(..., help="市民的问题，原话即可。"),
    limit: int = typer.Option(5, min=1, max=50, help="返回条数。"),
    category: str | None = typer.Option(None, help="分类编码前缀。"),
) -> None:
    """按相关度检索知识库，显示最匹配的条目及相关度。"""
    database = open_database()
    try:
        with database.session(write=False) as session:
            hits = search.search(session, query, limit, category)
            rows = repository.rows_by_ids(session, [h.entry_id for h in hits])
            table = Table("相关度", "编号", "问题", "答复")
            for hit in hits:
                entry = rows[hit.entry_id].entry
                table.add_row(f"{hit.score:.2f}", str(entry.id), _short(entry.question), _short(entry.answer))
    finally:
        database.dispose()
    if not hits:
        console.print("没有找到相关条目。")
        return
    console.print(table)
