"""``zhili users``: accounts and API keys from the command line."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy import select

from zhili.auth import repository, service
from zhili.auth.models import ROLE_LABELS, Role, User
from zhili.cli_support import console, fail, friendly_errors, open_database

app = typer.Typer(help="用户与 API 密钥管理 (users)", no_args_is_help=True)

ROLE_HELP = "角色：" + "，".join(f"{r.value}={label}" for r, label in ROLE_LABELS.items())


def _user(session, username: str) -> User:  # type: ignore[no-untyped-def]
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise fail(f"用户 {username} 不存在")
    return user


@app.command("create")
@friendly_errors
def create(
    username: str = typer.Argument(..., help="登录名（字母、数字、下划线）。"),
    role: Role = typer.Option(..., help=ROLE_HELP),
    unit: str | None = typer.Option(None, help="所属单位编码，例如 S110105026（望京街道）。"),
    name: str | None = typer.Option(None, help="显示名称。"),
) -> None:
    """创建用户，并打印一次性初始密码（首次登录须修改）。"""
    database = open_database()
    with database.session() as session:
        _, password = service.create_user(
            session, username=username, role=role, display_name=name, unit_code=unit, actor="cli"
        )
    console.print(f"已创建用户 {username}（{ROLE_LABELS[role]}）。一次性密码：[green]{password}[/green]")


@app.command("list")
@friendly_errors
def list_users(role: Role | None = typer.Option(None, help=ROLE_HELP)) -> None:
    """列出用户。"""
    database = open_database()
    with database.session(write=False) as session:
        table = Table("用户名", "名称", "角色", "单位ID", "启用", "最近登录")
        for user in repository.list_users(session, role=role):
            table.add_row(
                user.username,
                user.display_name,
                ROLE_LABELS[user.role],
                str(user.unit_id or ""),
                "是" if user.is_active else "否",
                str(user.last_login_at or ""),
            )
    console.print(table)


@app.command("reset-password")
@friendly_errors
def reset_password(username: str = typer.Argument(..., help="登录名。")) -> None:
    """重置密码为新的一次性密码。"""
    database = open_database()
    with database.session() as session:
        password = service.update_user(session, _user(session, username), actor="cli", reset_password=True)
    console.print(f"用户 {username} 的新一次性密码：[green]{password}[/green]")


@app.command("issue-key")
@friendly_errors
def issue_key(
    username: str = typer.Argument(..., help="密钥所属用户（密钥以该用户身份操作）。"),
    name: str = typer.Option(..., help="密钥用途，例如“市民App”。"),
) -> None:
    """签发 API 密钥（只显示一次，库中仅存摘要）。"""
    database = open_database()
    with database.session() as session:
        api_key, clear = service.issue_api_key(session, _user(session, username), name, actor="cli")
    console.print(f"密钥 #{api_key.id}（{name}）：[green]{clear}[/green]\n请妥善保存，此后无法再次查看。")


@app.command("revoke-key")
@friendly_errors
def revoke_key(key_id: int = typer.Argument(..., help="密钥编号。")) -> None:
    """吊销 API 密钥。"""
    database = open_database()
    with database.session() as session:
        service.revoke_api_key(session, key_id, actor="cli")
    console.print(f"密钥 #{key_id} 已吊销。")
