"""Settings: typed, safe in production, and every one documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from zhili.kernel.crypto import new_data_key
from zhili.settings import DEFAULT_SECRET, Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_is_documented_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`ZHILI_{name.upper()}`" not in text]
    assert not missing, f"undocumented settings: {missing}"


def test_defaults_are_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'zhili.sqlite3').resolve()}"
    assert settings.timezone == "Asia/Shanghai"
    assert settings.h3_resolution == 10


@pytest.mark.parametrize("secret", [DEFAULT_SECRET, "", "short-secret"])
def test_production_refuses_missing_default_or_short_secret(secret: str) -> None:
    with pytest.raises(ValidationError, match="ZHILI_SECRET_KEY"):
        Settings(environment="production", secret_key=secret)


def test_production_accepts_a_real_secret() -> None:
    settings = Settings(environment="production", secret_key="s" * 40, data_key=new_data_key())
    assert settings.environment == "production"


def test_production_needs_a_data_key() -> None:
    with pytest.raises(ValidationError, match="ZHILI_DATA_KEY"):
        Settings(environment="production", secret_key="s" * 40)


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHILI_H3_RESOLUTION", "9")
    monkeypatch.setenv("ZHILI_DATABASE_URL", "postgresql+psycopg://u@h/db")
    settings = Settings()
    assert settings.h3_resolution == 9
    assert settings.resolved_database_url == "postgresql+psycopg://u@h/db"
