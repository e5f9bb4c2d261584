"""One typed settings object, read from ``ZHILI_*`` environment variables.

Every field here must be documented in the README's configuration table; a test checks it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SECRET = "change-me"
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZHILI_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        default="development", description="Which environment this is; production refuses unsafe defaults."
    )
    data_dir: Path = Field(
        default=Path("data"), description="Folder for the SQLite file, models and exports."
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means a SQLite file zhili.sqlite3 in the data directory.",
    )
    sqlite_synchronous: Literal["FULL", "NORMAL"] = Field(
        default="FULL",
        description="SQLite durability: FULL survives a power cut; NORMAL may lose the last commits.",
    )
    secret_key: str = Field(
        default=DEFAULT_SECRET, description="Signs session cookies and derives the encryption key."
    )
    data_key: str = Field(
        default="",
        description="Base64 32-byte key that encrypts personal data; derived from the secret key when empty.",
    )
    audit_key: str = Field(
        default="",
        description="Base64 32-byte key of the audit chain's HMAC; derived from the secret key when empty.",
    )
    audit_anchor_file: Path | None = Field(
        default=None,
        description="Append-only file of signed audit anchors; empty means <data dir>/audit-anchors.jsonl.",
    )
    audit_anchor_minutes: int = Field(
        default=60, ge=0, description="How often the server anchors the audit chain's head; 0 turns it off."
    )
    timezone: str = Field(default="Asia/Shanghai", description="Time zone for deadlines and display.")
    h3_resolution: int = Field(default=10, ge=0, le=15, description="H3 resolution of grid cells.")
    grid_h3_resolution: int = Field(
        default=8, ge=5, le=10, description="H3 resolution of the 网格 (grid-management cells)."
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed logins per account within the window before it is locked."
    )
    login_lock_minutes: int = Field(
        default=15, ge=1, description="Window and lock-out length, in minutes, for failed logins."
    )
    session_max_age_hours: int = Field(default=12, ge=1, description="How long a web session lasts.")
    city_prefix: str = Field(default="BJ", min_length=1, max_length=4, description="Tracking-code prefix.")
    reopen_on_unresolved: bool = Field(
        default=True,
        description="Reopen (重办) a case automatically when its 回访 is unresolved or unsatisfied.",
    )
    unreachable_policy: Literal["close", "retry"] = Field(
        default="retry",
        description="When the citizen cannot be reached at 回访: close the case, or try again.",
    )
    unreachable_max_attempts: int = Field(
        default=3, ge=1, description="回访 attempts before an unreachable citizen's case is closed anyway."
    )
    sweep_interval_minutes: int = Field(
        default=5, ge=0, description="How often the server sweeps deadlines (预警/超期); 0 turns it off."
    )
    warning_fraction: float = Field(
        default=0.8, gt=0, lt=1, description="Share of a time limit after which a case is flagged 预警."
    )
    max_upload_mb: int = Field(default=10, ge=1, description="Largest attachment accepted, in MB.")
    notifier: Literal["log", "memory"] = Field(
        default="log",
        description="How SMS is sent: log (written to the log only) or memory (kept in-process).",
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public address of zhili, used in links sent to citizens.",
    )
    analytics_dir: Path | None = Field(
        default=None, description="Folder of the Parquet analytical store; empty means <data dir>/analytics."
    )
    analytics_sync_minutes: int = Field(
        default=15, ge=0, description="How often the server syncs the analytical store; 0 turns it off."
    )
    analytics_query_seconds: float = Field(
        default=10.0, gt=0, le=300, description="Time limit of one query in the SQL console."
    )
    analytics_row_cap: int = Field(
        default=10_000, ge=1, le=1_000_000, description="Most rows the SQL console returns."
    )
    open311_base_path: str = Field(
        default="/open311/v2",
        pattern=r"^(/[A-Za-z0-9._~-]+)+$",
        description="Path under which the Open311 GeoReport v2 endpoint is served (no trailing slash).",
    )
    open311_cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Web origins of citizen apps allowed to call Open311 from a browser (CORS); empty: none.",
    )
    assessment_weight_response: float = Field(
        default=0.2, ge=0, le=1, description="Default weight of 响应率 (response) in the composite."
    )
    assessment_weight_resolution: float = Field(
        default=0.4, ge=0, le=1, description="Default weight of 解决率 (resolution) in the composite."
    )
    assessment_weight_satisfaction: float = Field(
        default=0.4, ge=0, le=1, description="Default weight of 满意率 (satisfaction) in the composite."
    )
    assessment_weight_checkin: float = Field(
        default=0.1, ge=0, le=1, description="Default weight of co-units' 报到 timeliness in the composite."
    )
    assessment_partial_credit: float = Field(
        default=0.8, ge=0, le=1, description="Default credit of a 基本满意 answer in the satisfaction rate."
    )
    assessment_focus_streets: int = Field(
        default=10, ge=0, le=349, description="Bottom N streets marked 治理类重点街乡 each month (default)."
    )
    triage_confidence_threshold: float = Field(
        default=0.6, ge=0, le=1, description="Suggestions less confident than this go to the manual queue."
    )
    triage_duplicate_window_days: int = Field(
        default=7, ge=0, description="How far back (days) the duplicate check looks for open cases."
    )
    triage_duplicate_threshold: float = Field(
        default=0.33, gt=0, le=1, description="Text similarity (sketch cosine) making a case a duplicate."
    )

    @field_validator("open311_cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """``https://a.example,https://b.example`` in the environment; ``*`` allows any origin."""
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment == "production":
            if not self.secret_key or self.secret_key == DEFAULT_SECRET:
                raise ValueError("ZHILI_SECRET_KEY must be set to a private value in production")
            if len(self.secret_key) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"ZHILI_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters in production"
                )
            if not self.data_key:
                raise ValueError(
                    "ZHILI_DATA_KEY must be set in production (generate one: zhili keys new-data-key)"
                )
        return self

    @property
    def resolved_analytics_dir(self) -> Path:
        return self.analytics_dir or self.data_dir / "analytics"

    @property
    def resolved_audit_anchor_file(self) -> Path:
        return self.audit_anchor_file or self.data_dir / "audit-anchors.jsonl"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'zhili.sqlite3').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
