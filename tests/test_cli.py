"""The `zhili` command as a user runs it: a real process on a real database file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.core import TyperCommand

from zhili.cli import COMMANDS, app
from zhili.cli_groups import load

ZHILI = [sys.executable, "-m", "zhili.cli"]


def run(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "ZHILI_DATA_DIR": str(data_dir), "ZHILI_ENVIRONMENT": "test", **env}
    environ.pop("ZHILI_DATABASE_URL", None)
    environ.update(env)
    return subprocess.run(ZHILI + args, capture_output=True, text=True, env=environ, timeout=300)


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    data_dir = tmp_path_factory.mktemp("cli")
    first = run(["init", "--demo"], data_dir)
    assert first.returncode == 0, first.stderr + first.stdout
    return data_dir, first


def test_help_lists_every_group_with_help_text() -> None:
    result = subprocess.run(
        [*ZHILI, "--help"], capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"}
    )
    assert result.returncode == 0
    for group in ("init", "serve", "users", "divisions", "units", "audit"):
        assert group in result.stdout
    for command in app.registered_commands:
        assert (command.callback.__doc__ or "").strip(), command.name
    for name, entry in COMMANDS.items():  # the rest, imported on use and listed by their written help
        assert name in result.stdout
        loaded = load(name, entry.target)
        assert (loaded.help or "").strip(), name
        listed = TyperCommand(name, help=entry.help)
        assert listed.get_short_help_str(300) == loaded.get_short_help_str(300), name


def test_a_command_imports_only_its_own_domain() -> None:
    """``zhili audit verify`` does not import the analytics store, the model or the web app."""
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from zhili.cli import app\n"
        "CliRunner().invoke(app, ['audit', '--help'])\n"
        "print(sorted(m for m in ('duckdb', 'pyarrow', 'sklearn', 'zhili.app', 'zhili.analytics.sync') "
        "if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout


def test_the_help_imports_no_domain() -> None:
    """``zhili --help`` lists every group by its written help, importing none of them."""
    modules = sorted({entry.target.split(":")[0] for entry in COMMANDS.values()})
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from zhili.cli import app\n"
        "result = CliRunner().invoke(app, ['--help'])\n"
        "assert result.exit_code == 0 and 'suggestions' in result.output, result.output\n"
        f"print(sorted(m for m in {modules!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout


def test_init_prints_one_time_passwords_and_is_safe_twice(
    initialised: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    data_dir, first = initialised
    assert "账号 admin 的一次性密码" in first.stdout
    assert (data_dir / "zhili.sqlite3").exists()
    second = run(["init", "--demo"], data_dir)
    assert second.returncode == 0, second.stderr
    assert "一次性密码" not in second.stdout
    assert "管理员账号已存在" in second.stdout
    with sqlite3.connect(data_dir / "zhili.sqlite3") as conn:
        assert conn.execute("select count(*) from users where role='admin'").fetchone()[0] == 1
        counts = dict(conn.execute("select level, count(*) from divisions group by level").fetchall())
    assert counts == {"city": 1, "district": 16, "street": 349, "community": 7535}


def test_init_with_demo_cases_fills_an_empty_database_once(tmp_path: Path) -> None:
    first = run(["init", "--demo", "--demo-cases", "300"], tmp_path)
    assert first.returncode == 0, first.stderr + first.stdout
    assert "账号 operator 的一次性密码" in first.stdout
    with sqlite3.connect(tmp_path / "zhili.sqlite3") as conn:
        assert conn.execute("select count(*) from cases").fetchone()[0] == 300
        months = {m for (m,) in conn.execute("select distinct label from assessment_runs")}
    assert list((tmp_path / "analytics").rglob("*.parquet"))  # the store was synced
    assert months == {"2025-10", "2025-11", "2025-12"}
    again = run(["init", "--demo", "--demo-cases", "300"], tmp_path)
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(tmp_path / "zhili.sqlite3") as conn:
        assert conn.execute("select count(*) from cases").fetchone()[0] == 300  # not a second helping


def test_audit_verify_names_the_altered_entry(
    initialised: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    data_dir, _ = initialised
    ok = run(["audit", "verify"], data_dir)
    assert ok.returncode == 0, ok.stderr
    assert "审计日志完整" in ok.stdout
    db_file = data_dir / "zhili.sqlite3"
    with sqlite3.connect(db_file) as conn:
        conn.execute("update audit_entries set actor='mallory' where seq=2")
    broken = run(["audit", "verify"], data_dir)
    assert broken.returncode == 1
    assert "#2" in broken.stderr
    with sqlite3.connect(db_file) as conn:
        conn.execute("update audit_entries set actor='zhili init' where seq=2")
    assert run(["audit", "verify"], data_dir).returncode == 0


def test_users_create_reports_clear_errors(
    initialised: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    data_dir, _ = initialised
    made = run(["users", "create", "clerk1", "--role", "operator", "--unit", "C11"], data_dir)
    assert made.returncode == 0, made.stderr
    assert "一次性密码" in made.stdout
    again = run(["users", "create", "clerk1", "--role", "operator", "--unit", "C11"], data_dir)
    assert again.returncode == 1
    assert "已存在" in again.stderr
    no_unit = run(["users", "create", "clerk2", "--role", "operator", "--unit", "NOPE"], data_dir)
    assert no_unit.returncode == 1
    assert "不存在" in no_unit.stderr
    assert "Traceback" not in no_unit.stderr


def test_a_command_before_init_says_to_run_init(tmp_path: Path) -> None:
    """A database file without zhili's tables (init never ran): a sentence, not a traceback."""
    sqlite3.connect(tmp_path / "zhili.sqlite3").close()
    listed = run(["users", "list"], tmp_path)
    assert listed.returncode == 1
    assert "请先运行 `zhili init`" in listed.stderr
    assert "Traceback" not in listed.stderr + listed.stdout


def test_production_refuses_the_default_secret(tmp_path: Path) -> None:
    result = run(["init"], tmp_path, ZHILI_ENVIRONMENT="production")
    assert result.returncode != 0
    assert "ZHILI_SECRET_KEY" in (result.stderr + result.stdout)
    assert not (tmp_path / "zhili.sqlite3").exists()
