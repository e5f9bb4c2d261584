"""One typed settings object, read from ``ZHILI_*`` environment variables.

Every field here must be documented in the README's configuration table; a test checks it.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator
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
    database_pool_size: int = Field(
        default=16,
        ge=1,
        le=500,
        description="PostgreSQL: connections each zhili process keeps open once it has needed them.",
    )
    database_pool_overflow: int = Field(
        default=16,
        ge=0,
        le=500,
        description="PostgreSQL: connections a process may open beyond the pool at a busy moment; "
        "each is closed again when returned.",
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
        default=5,
        ge=1,
        description="Failed sign-ins of one account before each further attempt waits (the wait doubles).",
    )
    login_backoff_max_seconds: int = Field(
        default=60, ge=1, le=900, description="Longest wait between two sign-in attempts of one account."
    )
    login_address_failures: int = Field(
        default=30, ge=1, description="Failed sign-ins allowed from one client address per 15 minutes."
    )
    rate_limit_storage: str = Field(
        default="memory://",
        pattern=r"^(memory://|rediss?://\S+|redis\+\S+)$",
        description="Where rate limits are counted: memory:// (one process) or redis://host:6379/0 (shared).",
    )
    rate_limit_key_prefix: str = Field(
        default="zhili",
        pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
        description="Prefix of the rate-limit keys in a shared store (several zhili on one Redis).",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Reverse proxies (addresses or networks) whose X-Forwarded-For is believed; empty: none.",
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="Log lines as readable text, or one JSON object per line."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Least severe log level written."
    )
    access_log: bool = Field(
        default=True, description="Write uvicorn's access log (zhili serve --no-access-log sets it false)."
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
    sweep_interval_minutes: float = Field(
        default=5, ge=0, description="How often deadlines are swept (预警/超期); 0 turns it off."
    )
    warning_fraction: float = Field(
        default=0.8, gt=0, lt=1, description="Share of a time limit after which a case is flagged 预警."
    )
    repeat_caller_days: int = Field(
        default=30,
        ge=0,
        le=3650,
        description="A caller's closed demand counts as a possible repeat this many days after closure.",
    )
    repeat_caller_similarity: float = Field(
        default=0.3,
        gt=0,
        le=1,
        description="Text similarity (sketch cosine) from which a caller's new demand is a likely repeat.",
    )
    list_count_budget_ms: int = Field(
        default=40,
        ge=0,
        le=60_000,
        description="PostgreSQL: a case list counts its matches for at most this long, then shows the "
        "planner's estimate (约 N 件); 0 always counts exactly (up to 10,000).",
    )
    petition_backlog_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        description="A 信访事项 still open this many days after registration is 积案.",
    )
    max_upload_mb: int = Field(default=10, ge=1, description="Largest attachment accepted, in MB.")
    notifier: Literal["log", "memory", "http"] = Field(
        default="log",
        description="How SMS is sent: log (masked, to the log), memory (in-process) or http (the gateway).",
    )
    sms_gateway_url: str = Field(
        default="",
        description="URL of the HTTP SMS gateway that zhili posts signed messages to (notifier http).",
    )
    sms_gateway_secret: str = Field(
        default="", description="Shared secret that signs each request to the SMS gateway (HMAC-SHA256)."
    )
    sms_max_attempts: int = Field(
        default=5,
        ge=1,
        le=50,
        description="Sending attempts of one SMS before it is set aside for an operator.",
    )
    sms_retry_seconds: int = Field(
        default=30,
        ge=1,
        le=3600,
        description="Wait before the first retry of a failed SMS; it doubles each time.",
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public address of zhili, used in links sent to citizens.",
    )
    analytics_dir: Path | None = Field(
        default=None, description="Folder of the Parquet analytical store; empty means <data dir>/analytics."
    )
    analytics_sync_minutes: float = Field(
        default=15, ge=0, description="How often the analytical store is synced; 0 turns it off."
    )
    jobs: Literal["inline", "queue"] = Field(
        default="inline",
        description="Where periodic jobs run: inline (in zhili serve) or queue (zhili worker; PostgreSQL).",
    )
    jobs_heartbeat_seconds: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="How often a worker reports it is alive; silent for 3 times this, its jobs are retried.",
    )
    jobs_max_attempts: int = Field(
        default=5, ge=1, le=20, description="Attempts of a failing job before it is listed as failed."
    )
    analytics_query_seconds: float = Field(
        default=10.0, gt=0, le=300, description="Time limit of one query in the SQL console."
    )
    analytics_row_cap: int = Field(
        default=10_000, ge=1, le=1_000_000, description="Most rows the SQL console returns."
    )
    analytics_console_bytes: int = Field(
        default=8 * 1024 * 1024,
        ge=1024,
        le=256 * 1024 * 1024,
        description="Most bytes of results the SQL console returns (JSON-encoded rows).",
    )
    analytics_console_memory_mb: int = Field(
        default=512, ge=64, le=65_536, description="DuckDB memory limit of one SQL-console query, in MB."
    )
    analytics_console_threads: int = Field(
        default=1, ge=1, le=64, description="DuckDB threads of one SQL-console query."
    )
    serve_worker_healthcheck_seconds: int = Field(
        default=30,
        ge=1,
        le=600,
        description="How long `zhili serve --workers N` waits for a worker's health-check answer.",
    )
    metrics_token: str = Field(
        default="",
        description="Bearer token that /metrics requires; empty: only the trusted addresses may read it.",
    )
    metrics_allowed_addresses: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"],
        description="Client addresses (or networks) that may read /metrics without the token.",
    )
    ready_max_store_age_minutes: int = Field(
        default=0,
        ge=0,
        description="/readyz fails when the analytics store is older than this; 0: its age is only reported.",
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

    @field_validator("open311_cors_origins", "trusted_proxies", "metrics_allowed_addresses", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """``https://a.example,https://b.example`` in the environment; ``*`` allows any origin."""
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("trusted_proxies", "metrics_allowed_addresses")
    @classmethod
    def _networks(cls, value: list[str], info: ValidationInfo) -> list[str]:
        """Each entry is an address or a network (10.0.0.0/8); a name would be trusted by mistake."""
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError as exc:
                name = f"ZHILI_{(info.field_name or '').upper()}"
                raise ValueError(f"{name}: {entry!r} is not an address or network") from exc
        return value

    @model_validator(mode="after")
    def _queue_needs_postgresql(self) -> Settings:
        if self.jobs == "queue" and not self.database_url.startswith("postgresql"):
            raise ValueError("ZHILI_JOBS=queue needs PostgreSQL (ZHILI_DATABASE_URL=postgresql+psycopg://…)")
        return self

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
        if self.notifier == "http" and not (self.sms_gateway_url and self.sms_gateway_secret):
            raise ValueError("ZHILI_NOTIFIER=http needs ZHILI_SMS_GATEWAY_URL and ZHILI_SMS_GATEWAY_SECRET")
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
