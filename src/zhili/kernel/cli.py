"""``zhili keys``: generate secrets for a production configuration."""

from __future__ import annotations

import secrets

import typer

from zhili.cli_support import console
from zhili.kernel.crypto import new_data_key

app = typer.Typer(help="密钥生成：会话密钥、个人信息加密密钥与审计链密钥 (keys)", no_args_is_help=True)


@app.command("new-data-key")
def new_data_key_command() -> None:
    """生成个人信息加密密钥（ZHILI_DATA_KEY）。请离线妥善保管，丢失后个人信息无法解密。"""
    console.print(new_data_key())


@app.command("new-secret")
def new_secret() -> None:
    """生成会话签名密钥（ZHILI_SECRET_KEY）。"""
    console.print(secrets.token_urlsafe(48))


@app.command("new-audit-key")
def new_audit_key() -> None:
    """生成审计日志哈希链密钥（ZHILI_AUDIT_KEY）。启用后不可更换，请离线备份；勿与数据库放在一起。"""
    console.print(new_data_key())
