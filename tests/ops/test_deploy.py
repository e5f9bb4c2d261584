"""deploy/: the settings template names real settings, and once filled with strong values `zhili doctor`
passes on it; the systemd units run real commands; nginx forwards what zhili needs."""

from __future__ import annotations

import configparser
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer

from conftest import PG_SCHEMA, _run_admin, backend_url
from support.cli import invoke
from zhili import migrate
from zhili.cli import app
from zhili.db import Database
from zhili.kernel.crypto import new_data_key
from zhili.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
TEMPLATE = DEPLOY / "zhili.env.example"
SCHEMA = f"{PG_SCHEMA}_deploy"
TO_FILL = {"ZHILI_SECRET_KEY", "ZHILI_DATA_KEY", "ZHILI_DATABASE_URL", "ZHILI_PUBLIC_BASE_URL"}


def template() -> dict[str, str]:
    values = {}
    for line in TEMPLATE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


@pytest.fixture(scope="module")
def pg_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = backend_url("postgresql", tmp_path_factory.mktemp("deploy"), SCHEMA)
    database = Database(url)
    migrate.upgrade(database.engine)
    database.dispose()
    yield url
    _run_admin(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def test_every_variable_of_the_template_is_a_setting() -> None:
    values = template()
    assert values.keys() >= TO_FILL
    unknown = [n for n in values if n.removeprefix("ZHILI_").lower() not in Settings.model_fields]
    assert unknown == []
    assert all(name.startswith("ZHILI_") for name in values)
    assert values["ZHILI_ENVIRONMENT"] == "production"
    assert values["ZHILI_SECRET_KEY"] == values["ZHILI_DATA_KEY"] == ""  # generated on site, never shipped


def test_doctor_passes_on_the_template_filled_with_strong_values(pg_url: str, tmp_path: Path) -> None:
    env = template() | {
        "ZHILI_SECRET_KEY": "dp-" + new_data_key().rstrip("=") + "Xq7",
        "ZHILI_DATA_KEY": new_data_key(),
        "ZHILI_DATABASE_URL": pg_url,
        "ZHILI_DATA_DIR": str(tmp_path / "data"),
        "ZHILI_ANALYTICS_DIR": str(tmp_path / "data" / "analytics"),
    }
    (tmp_path / "data").mkdir()
    # The worker's heartbeat is another deployment step (`zhili worker`), not this template's.
    result = invoke(["doctor", "--skip", "worker"], env, tmp_path)
    assert result.returncode == 0, result.output
    assert "全部通过" in result.stdout


def test_the_template_as_shipped_is_refused_until_filled(pg_url: str, tmp_path: Path) -> None:
    env = template() | {"ZHILI_DATABASE_URL": pg_url, "ZHILI_DATA_DIR": str(tmp_path)}
    env["ZHILI_ANALYTICS_DIR"] = str(tmp_path / "analytics")
    result = invoke(["doctor", "--skip", "worker"], env, tmp_path)
    assert result.returncode == 1
    failures = [line for line in result.stdout.splitlines() if line.startswith("✗")]
    assert any("ZHILI_SECRET_KEY" in line for line in failures)
    assert any("ZHILI_DATA_KEY" in line for line in failures)


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / name, encoding="utf-8")
    return parser


def zhili_arguments(exec_start: str) -> list[str]:
    words = shlex.split(exec_start)
    assert words[0] == "/srv/zhili/.venv/bin/zhili"
    return words[1:]


def test_the_app_unit_runs_zhili_serve_with_options_it_accepts() -> None:
    service = unit("zhili.service")["Service"]
    assert service["EnvironmentFile"] == "/etc/zhili/zhili.env"
    assert service["KillMode"] == "control-group"  # parent and workers stop together
    args = zhili_arguments(service["ExecStart"])
    assert args[0] == "serve"
    command = typer.main.get_command(app)
    command.commands["serve"].make_context("serve", args[1:])  # type: ignore[attr-defined]
    port = args[args.index("--port") + 1]
    assert f"server 127.0.0.1:{port};" in (DEPLOY / "nginx" / "zhili.conf").read_text(encoding="utf-8")


def test_the_worker_and_backup_units_run_zhili_commands() -> None:
    worker = unit("zhili-worker.service")["Service"]
    assert worker["EnvironmentFile"] == "/etc/zhili/zhili.env"
    assert zhili_arguments(worker["ExecStart"]) == ["worker"]
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    if "worker" in commands:  # the job queue's command, where this version of zhili has it
        commands["worker"].make_context("worker", [])
    backup = unit("zhili-backup.service")["Service"]
    assert "zhili backup --out /var/backups/zhili/" in backup["ExecStart"]
    assert "/var/backups/zhili" in backup["ReadWritePaths"]
    assert unit("zhili-backup.timer")["Timer"]["OnCalendar"]


def test_nginx_terminates_tls_and_forwards_the_headers_zhili_trusts() -> None:
    site = (DEPLOY / "nginx" / "zhili.conf").read_text(encoding="utf-8")
    for line in (
        "listen 443 ssl;",
        "ssl_certificate ",
        "ssl_certificate_key ",
        "proxy_set_header X-Forwarded-For $remote_addr;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header Host $host;",
        "return 301 https://",
    ):
        assert line in site, line
    assert "ZHILI_TRUSTED_PROXIES" in site and "FORWARDED_ALLOW_IPS" in site
    body = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))  # type: ignore[union-attr]
    assert body > int(template()["ZHILI_MAX_UPLOAD_MB"])
